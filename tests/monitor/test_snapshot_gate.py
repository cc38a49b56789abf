"""A feed's snapshot built across ticks, its later events held behind it in order while
other feeds' events pass (`SnapshotGate`); the newer snapshot wins; a refused one is
refused as ever; the hold is bounded and says how long it has lasted."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from monitor import events as ev
from monitor import snapshot
from monitor.floor import Floor
from monitor.snapshot_gate import SnapshotGate
from tests.monitor.shown_figures import figures
from tests.monitor.test_snapshot_build import counting_clock, parts
from tests.monitor.test_snapshot_install import T0, _two_feed_floor, assert_same_floor

NOW = T0 + 70  # where `_two_feed_floor` ends


def assert_same_floor_across_feeds(mine: Floor, ref: Floor, where: str) -> None:
    """`assert_same_floor`, but records of different feeds may have been added in
    another order (a held feed's events come after the other feeds' of the same
    moment): the floor's dicts are compared as sets of keys first, then in ref's order."""
    for name in ("queues", "agents", "contacts"):
        records, ref_records = getattr(mine, name), getattr(ref, name)
        assert records.keys() == ref_records.keys(), (where, name)
        setattr(mine, name, {k: records[k] for k in ref_records})
    assert_same_floor(mine, ref, where)


def a_events(t: float = NOW) -> list[ev.Event]:
    """Feed A (queues h1, o1; agents a0, a1) going on after its snapshot."""
    return [
        ev.ContactOffered(t + 1, "c10", "h1"),
        ev.ContactAnswered(t + 3, "c10", "h1", "a0"),
        ev.AgentStateChanged(t + 3, "a0", "on_contact"),
        ev.ContactOffered(t + 4, "c11", "o1"),
    ]


def b_events(t: float = NOW) -> list[ev.Event]:
    """Feed B (queues h2, o2; agents a2-a4) meanwhile."""
    return [ev.ContactOffered(t + 2, "c20", "h2"), ev.AgentStateChanged(t + 2, "a3", "not_ready")]


def a_state(floor: Floor) -> dict[str, Any]:
    state = copy.deepcopy(floor.snapshot("A"))
    state["agents"][1]["state"] = "not_ready"  # the feed moved on since the floor heard
    return state


def gate_for(floor: Floor, **kw: Any) -> SnapshotGate:
    """Small pieces, so a snapshot takes several steps."""
    return SnapshotGate(floor, counting_clock(), chunk=1, check_chunk=1, **kw)


def run_until_released(gate: SnapshotGate, floor: Floor, budget: float = 2.0) -> list:
    """Step the builds until something is released; apply it; what was released."""
    for _ in range(1000):
        out = gate.release(10_000)
        if out:
            for feed, event in out:
                floor.apply(event, feed)
            return out
        assert gate.step(budget) >= 1  # every step does some work
    raise AssertionError("never released")


def test_a_feeds_events_wait_behind_its_snapshot_and_other_feeds_pass() -> None:
    floor, direct = _two_feed_floor(), _two_feed_floor()
    state = a_state(floor)
    gate = gate_for(floor)
    snap = ev.Snapshot(NOW, 9, state)
    a1, a2, a3, a4 = a_events()
    stream = [
        ("A", snap),
        ("A", a1),
        ("B", b_events()[0]),
        ("A", a2),
        ("A", a3),
        ("B", b_events()[1]),
        ("A", a4),
    ]
    for feed, event in stream:
        direct.apply(event, feed)
        if not gate.route(feed, event):
            assert feed == "B"  # only the other feed's events are applied at once
            floor.apply(event, feed)
    assert gate.feeds == ["A"] and gate.building("A") and gate.held_of("A") == 4
    assert gate.release(10_000) == []  # nothing of A before its snapshot is built
    for _ in range(3):
        gate.step(2.0)
        assert gate.release(10_000) == [] and gate.builds == 0  # not built yet: held
    out = run_until_released(gate, floor)
    assert gate.builds == 1 and gate.build_steps > 3  # built across several steps
    assert [feed for feed, _ in out] == ["A"] * 5
    assert [e for _, e in out[1:]] == [a1, a2, a3, a4]  # in order, after the snapshot
    installed = out[0][1]
    assert installed == snap and installed.prepared.installed  # its records, installed
    assert parts(installed.prepared)["head"][3:5] == (None, state["now"])
    assert gate.feeds == [] and gate.held == 0 and not gate.route("A", a1)  # A flows again
    assert_same_floor_across_feeds(floor, direct, "held, then installed and released")


def test_release_keeps_the_order_within_its_budget() -> None:
    floor = _two_feed_floor()
    gate = gate_for(floor)
    events = [ev.Heartbeat(NOW + i) for i in range(1, 8)]
    gate.route("A", ev.Snapshot(NOW, 9, a_state(floor)))
    for e in events[:5]:
        gate.route("A", e)
    while not gate.builds:
        gate.step(1.0)
    first = gate.release(3)
    assert [type(e) for _, e in first] == [ev.Snapshot, ev.Heartbeat, ev.Heartbeat]
    assert gate.held == 3 and not gate.building("A")
    for e in events[5:]:  # still held: later events queue behind what is left
        assert gate.route("A", e)
    assert [e for _, e in gate.release(2)] == events[2:4]
    assert [e for _, e in gate.release(100)] == events[4:]
    assert gate.feeds == [] and gate.held == 0


def test_a_newer_snapshot_replaces_the_one_building() -> None:
    floor, direct = _two_feed_floor(), _two_feed_floor()
    older = a_state(floor)
    gate = gate_for(floor)
    gate.route("A", ev.Snapshot(NOW, 9, older))
    a1, a2, a3, a4 = a_events()
    gate.route("A", a1)
    gate.route("A", a2)
    gate.step(2.0)
    assert gate.building("A") and gate.builds == 0  # not done yet
    newer = copy.deepcopy(older)
    newer["now"] = NOW + 3
    newer["agents"][0]["state"] = "not_ready"
    assert gate.route("A", ev.Snapshot(NOW + 3, 12, newer))
    assert (gate.superseded_snapshots, gate.superseded_events, gate.held) == (1, 2, 0)
    gate.route("A", a3)
    gate.route("A", a4)
    out = run_until_released(gate, floor)
    assert [e.state if isinstance(e, ev.Snapshot) else e for _, e in out] == [newer, a3, a4]
    assert gate.builds == 1  # the older one was never finished
    for feed, event in [
        ("A", ev.Snapshot(NOW, 9, older)),
        ("A", a1),
        ("A", a2),
        ("A", ev.Snapshot(NOW + 3, 12, newer)),
        ("A", a3),
        ("A", a4),
    ]:
        direct.apply(event, feed)
    assert_same_floor_across_feeds(floor, direct, "the newer snapshot won")


def test_a_snapshot_its_source_prepared_passes_through() -> None:
    floor = _two_feed_floor()
    gate = gate_for(floor)
    state = a_state(floor)
    gate.route("A", ev.Snapshot(NOW, 9, state))
    gate.route("A", a_events()[0])
    built = floor.prepare_snapshot(copy.deepcopy(state), "A")
    assert not gate.route("A", ev.Snapshot(NOW, 10, state).with_prepared(built))  # apply now
    assert gate.feeds == [] and (gate.superseded_snapshots, gate.superseded_events) == (1, 1)
    # Made for another feed (or other caps): built here from its state, as `apply` would.
    other = floor.prepare_snapshot(copy.deepcopy(state), "B")
    assert gate.route("A", ev.Snapshot(NOW, 10, state).with_prepared(other))
    assert gate.building("A")
    # Checked only (a feed's child process): built here, not checked again.
    checked = floor.prepare_snapshot(copy.deepcopy(state), "A", build=False)
    assert gate.route("A", ev.Snapshot(NOW, 11, state).with_prepared(checked))
    out = run_until_released(gate, floor)
    assert [(f, e.prepared) for f, e in out if f == "A"] == [("A", checked)]
    assert checked.installed


def test_a_refused_snapshot_is_counted_the_state_kept_and_the_held_events_follow() -> None:
    floor, direct = _two_feed_floor(), _two_feed_floor()
    bad = a_state(floor)
    bad["agents"][1]["state"] = "dancing"
    gate = gate_for(floor)
    assert gate.route("A", ev.Snapshot(NOW, 9, bad))
    for e in a_events():
        gate.route("A", e)
        direct.apply(e, "A")  # direct: the same events on the state the floor kept
    out = run_until_released(gate, floor)
    assert len(out) == 5 and out[0][1].prepared.problem
    assert floor.anomalies["A"] == Counter({"bad_snapshot": 1})
    assert floor.snapshot_problems == {"A": "agents[1].state: not an agent state"}
    assert figures(floor) == figures(direct)


def test_the_hold_is_bounded_and_says_how_long_it_lasts() -> None:
    floor = _two_feed_floor()
    gate = gate_for(floor, hold_limit=3)
    assert gate.waited_s("A") == 0.0 and not gate.full
    gate.route("A", ev.Snapshot(NOW, 9, a_state(floor)))
    first = gate.waited_s("A")
    for e in a_events()[:3]:
        gate.route("A", e)
    assert gate.full and gate.held == 3
    assert gate.waited_s("A") > first > 0  # the counting clock moved on
    assert gate.waited_s("B") == 0.0
    run_until_released(gate, floor)
    assert not gate.full and gate.waited_s("A") == 0.0


def test_prepare_is_unchanged_for_a_state_the_gate_never_saw() -> None:
    """`prepare` is `prepare_steps` run to its end: one call, the same records."""
    floor = _two_feed_floor()
    state = a_state(floor)
    steps = snapshot.prepare_steps(state, "A", windows=(15,), chunk=1, check_chunk=1)
    n = 0
    while True:
        try:
            next(steps)
            n += 1
        except StopIteration as end:
            result = end.value
            break
    assert n > 5
    assert parts(result) == parts(snapshot.prepare(state, "A", windows=(15,)))


def test_one_snapshot_is_released_at_a_time() -> None:
    floor = _two_feed_floor()
    gate = gate_for(floor)
    gate.route("A", ev.Snapshot(NOW, 9, a_state(floor)))
    gate.route("B", ev.Snapshot(NOW, 9, copy.deepcopy(floor.snapshot("B"))))
    gate.route("B", ev.Heartbeat(NOW + 1))
    gate.step(float("inf"))  # both built in one step
    assert gate.builds == 2
    assert [(f, type(e)) for f, e in gate.release(100)] == [("A", ev.Snapshot)]
    assert [(f, type(e)) for f, e in gate.release(100)] == [("B", ev.Snapshot), ("B", ev.Heartbeat)]
    assert gate.feeds == []
