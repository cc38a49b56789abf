"""The one tick: a broken panel is counted and logged, the others still refresh; a
snapshot that arrives unprepared is built across ticks within a budget each, its feed's
later events held behind it (in order) while other feeds' events are applied, and the
floor ends as if everything had been applied at once."""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter, deque

from feeds.health import FeedHealth
from feeds.hub import FeedHub
from feeds.source import FeedEvent
from monitor import events as ev
from monitor.floor import Floor
from tests.monitor.shown_figures import figures
from tests.monitor.test_snapshot_build import counting_clock
from tests.monitor.test_snapshot_gate import (
    NOW,
    a_events,
    a_state,
    assert_same_floor_across_feeds,
    b_events,
)
from tests.monitor.test_snapshot_install import _two_feed_floor
from tests.ui.test_snapshot_tick import _shown
from ui.floor_window import FloorWindow
from ui.tick import FloorTicker


class Panel:
    def __init__(self, broken: bool = False) -> None:
        self.broken, self.refreshed = broken, 0

    def refresh(self, floor, changes, health) -> None:
        self.refreshed += 1
        if self.broken:
            raise RuntimeError("a bug in a panel")


def test_a_panel_that_raises_does_not_stop_the_others(qtbot, caplog):
    first, broken, last = Panel(), Panel(broken=True), Panel()
    ticker = FloorTicker(Floor(), FeedHub([]), [first, broken, last])
    ticker.tick()
    ticker.tick()
    assert (first.refreshed, broken.refreshed, last.refreshed) == (2, 2, 2)
    assert ticker.view_errors == 2
    assert "Panel could not refresh" in caplog.text


# ------------------------------------------------------- snapshots built across ticks
class Hub:
    """A hand-off the test fills; each drain gives at most `per_tick` items."""

    def __init__(self, keys: tuple[str, ...] = ("A", "B"), per_tick: int = 3) -> None:
        self.keys, self.per_tick = keys, per_tick
        self.items: deque[FeedEvent] = deque()

    def put(self, stream: list[tuple[str, ev.Event]]) -> None:
        self.items.extend(FeedEvent(feed, 0, event) for feed, event in stream)

    def drain(self, max_events: int) -> list[FeedEvent]:
        n = min(max_events, self.per_tick, len(self.items))
        return [self.items.popleft() for _ in range(n)]

    def health(self) -> list[FeedHealth]:
        return [FeedHealth(url=key, key=key, connected=True) for key in self.keys]


class Seen:
    """A view noting, per tick, what the floor held and the health it was given."""

    def __init__(self) -> None:
        self.ticks: list[dict] = []

    def refresh(self, floor, changes, health) -> None:
        self.ticks.append(
            {"contacts": set(floor.contacts), "behind": {h.key: h.behind_s for h in health}}
        )


def ticker_for(floor: Floor, hub: Hub, views: list, **kw) -> tuple[FloorTicker, list[int]]:
    """A ticker on a counting clock (one unit a reading) with a build budget of 3 units
    and pieces of one record, so a snapshot takes several ticks; and the pieces of
    building each tick did."""
    ticker = FloorTicker(floor, hub, views, clock=counting_clock(), build_budget_s=3.0, **kw)
    gate = ticker.gate
    gate.chunk = gate.check_chunk = 1
    pieces: list[int] = []
    step = gate.step

    def counted(budget_s: float) -> int:
        pieces.append(step(budget_s))
        return pieces[-1]

    gate.step = counted  # type: ignore[method-assign]
    return ticker, pieces


def tick_until_idle(ticker: FloorTicker, hub: Hub, most: int = 500) -> int:
    for n in range(1, most):
        ticker.tick()
        if not hub.items and not ticker.gate.feeds:
            return n
    raise AssertionError("the ticker never caught up")


def a_stream(floor: Floor, snap_state: dict | None = None) -> list[tuple[str, ev.Event]]:
    """Feed A's snapshot in the middle of both feeds' events."""
    state = snap_state if snap_state is not None else a_state(floor)
    a1, a2, a3, a4 = a_events()
    b1, b2 = b_events()
    return [
        ("B", ev.Heartbeat(NOW)),
        ("A", ev.Heartbeat(NOW)),
        ("A", ev.Snapshot(NOW, 9, state)),
        ("B", b1),
        ("A", a1),
        ("A", a2),
        ("B", b2),
        ("A", a3),
        ("A", a4),
        ("B", ev.ContactOffered(NOW + 5, "c21", "o2")),
    ]


def test_a_snapshot_built_across_ticks_ends_as_if_applied_at_once(qtbot) -> None:
    floor, direct = _two_feed_floor(), _two_feed_floor()
    stream = a_stream(floor)
    for feed, event in stream:
        direct.apply(event, feed)
    hub, seen = Hub(), Seen()
    ticker, pieces = ticker_for(floor, hub, [seen])
    hub.put(stream)
    ticks = tick_until_idle(ticker, hub)
    assert ticks > 5  # built over several ticks
    assert max(pieces) == 3 and min(p for p in pieces if p) >= 1  # never past its budget
    assert ticker.engine_errors == 0 and floor.anomalies == direct.anomalies
    assert_same_floor_across_feeds(floor, direct, "after the ticks")
    assert shown_but_estimates(floor) == shown_but_estimates(direct)
    # B's events were applied in the tick that drained them, while A's waited: "c20"
    # (B, drained in tick 2) showed before "c10" (A, offered a second earlier).
    first_c20 = next(i for i, t in enumerate(seen.ticks) if "c20" in t["contacts"])
    first_c10 = next(i for i, t in enumerate(seen.ticks) if "c10" in t["contacts"])
    assert first_c20 == 1 and first_c10 > first_c20 + 1
    # Meanwhile A's health said it was behind; B's never did.
    assert all(t["behind"]["A"] > 0 for t in seen.ticks[1:first_c10])
    assert all(t["behind"]["B"] == 0 for t in seen.ticks)
    assert seen.ticks[-1]["behind"]["A"] == 0


def test_the_installing_tick_builds_nothing_more(qtbot) -> None:
    """Two feeds' snapshots at once (a start): each install takes a tick of its own,
    with no build step in it, so no tick carries an install and a build budget."""
    floor = _two_feed_floor()
    hub, seen = Hub(per_tick=100), Seen()
    ticker, pieces = ticker_for(floor, hub, [seen])
    hub.put(
        [
            ("A", ev.Snapshot(NOW, 9, a_state(floor))),
            ("B", ev.Snapshot(NOW, 9, copy.deepcopy(floor.snapshot("B")))),
        ]
    )
    installed_in, built_in = [], []
    apply, step = floor.apply, ticker.gate.step

    def applying(event: ev.Event, feed: str) -> None:
        if isinstance(event, ev.Snapshot):
            installed_in.append(len(seen.ticks))
        apply(event, feed)

    def stepping(budget_s: float) -> int:
        built_in.append(len(seen.ticks))
        return step(budget_s)

    floor.apply = applying  # type: ignore[method-assign]
    ticker.gate.step = stepping  # type: ignore[method-assign]
    tick_until_idle(ticker, hub)
    assert len(installed_in) == 2 and ticker.gate.builds == 2
    assert not set(installed_in) & set(built_in)
    assert max(pieces) == 3  # and each build step kept its budget


def test_a_newer_snapshot_replaces_the_building_one_in_the_ticker(qtbot) -> None:
    floor, direct = _two_feed_floor(), _two_feed_floor()
    older = a_state(floor)
    newer = copy.deepcopy(older)
    newer["now"] = NOW + 2
    newer["agents"][1]["state"] = "available"  # a1 back (not_ready in the older one)
    stream = [
        *a_stream(floor, older)[:6],
        ("A", ev.Snapshot(NOW + 2, 12, newer)),
        ("A", a_events()[2]),
        ("B", b_events()[1]),
    ]
    for feed, event in stream:
        direct.apply(event, feed)
    hub = Hub(per_tick=4)
    ticker, _ = ticker_for(floor, hub, [])
    hub.put(stream)
    tick_until_idle(ticker, hub)
    assert ticker.gate.superseded_snapshots == 1 and ticker.gate.builds == 1
    assert floor.agents["a1"].state == "available"  # the newer state
    assert_same_floor_across_feeds(floor, direct, "the newer snapshot won")


def test_a_bad_snapshot_through_the_ticker_is_counted_and_the_state_kept(qtbot) -> None:
    floor, direct = _two_feed_floor(), _two_feed_floor()
    bad = a_state(floor)
    bad["contacts"] = [{"id": "x", "queue": "nowhere", "offered_t": NOW}]
    stream = a_stream(floor, bad)
    for feed, event in stream:
        if not isinstance(event, ev.Snapshot):
            direct.apply(event, feed)
    hub = Hub()
    ticker, _ = ticker_for(floor, hub, [])
    hub.put(stream)
    tick_until_idle(ticker, hub)
    assert floor.anomalies["A"] == Counter({"bad_snapshot": 1})
    assert floor.snapshot_problems["A"] == "contacts[0].queue: not a queue of this snapshot"
    assert ticker.engine_errors == 0
    assert shown_but_estimates(floor) == shown_but_estimates(direct)


def test_a_full_hold_stops_draining_until_the_build_is_done(qtbot) -> None:
    floor = _two_feed_floor()
    hub = Hub(per_tick=100)
    ticker, _ = ticker_for(floor, hub, [], hold_limit=2)
    stream = a_stream(floor)
    hub.put(stream)
    ticker.tick()
    assert ticker.gate.full and ticker.gate.held >= 2
    left = len(hub.items)
    ticker.tick()
    if ticker.gate.full:
        assert len(hub.items) == left  # nothing drained while full
    tick_until_idle(ticker, hub)
    assert len(floor.contacts) == len(_direct(stream).contacts)


def shown_but_estimates(floor: Floor) -> dict:
    """`figures`, wait estimates left out: a floor takes them once per 10 s slot, when a
    reader (a tick) first asks, so they differ between floors read at other moments."""
    out = figures(floor)
    out["queues"] = {
        key: dataclasses.replace(view, ewt_s=None, ewt_model="")
        for key, view in out["queues"].items()
    }
    return out


def _direct(stream: list[tuple[str, ev.Event]]) -> Floor:
    floor = _two_feed_floor()
    for feed, event in stream:
        floor.apply(event, feed)
    return floor


def test_the_window_after_a_snapshot_built_across_ticks_shows_a_fresh_windows_figures(
    qtbot,
) -> None:
    floor = _two_feed_floor()
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    hub = Hub(per_tick=2)
    ticker, _ = ticker_for(floor, hub, [window])
    ticker.tick()
    hub.put(a_stream(floor))
    tick_until_idle(ticker, hub)
    fresh = FloorWindow(floor)
    qtbot.addWidget(fresh)
    assert _shown(window) == _shown(fresh)
    assert "c10" in floor.contacts and floor.agents["a1"].state == "not_ready"


def test_a_tick_that_installed_a_snapshot_freezes_the_long_lived_objects(qtbot) -> None:
    """A full garbage collection walks the whole floor (40-95 ms at 10,000 agents): a
    snapshot's records are frozen out of it once installed; plain ticks freeze nothing."""
    import gc

    floor = _two_feed_floor()
    hub = Hub()
    ticker, _pieces = ticker_for(floor, hub, [Panel()])
    gc.unfreeze()
    hub.put([("B", ev.Heartbeat(NOW + 1))])
    ticker.tick()
    assert gc.get_freeze_count() == 0
    hub.put(a_stream(floor))
    tick_until_idle(ticker, hub)
    assert gc.get_freeze_count() > 0
    gc.unfreeze()
