"""A snapshot checked and built a piece at a time (`SnapshotBuild`, as the GUI tick does
it across ticks) is what `prepare` gives in one go: the same records, counts and pools,
the same refusal word for word; installed, the same floor. Each `step` stops once its
budget is spent, read on the clock it is handed (here a counter: one unit a reading)."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from itertools import count
from typing import Any

import pytest

from feeds.sim import SimConfig, Simulation
from monitor import snapshot, snapshot_check
from monitor.floor import Floor
from monitor.snapshot import PreparedSnapshot
from monitor.snapshot_build import SnapshotBuild
from tests.monitor.test_snapshot import MALFORMED, _state
from tests.monitor.test_snapshot_install import (
    WINDOWS,
    _queue_record,
    _two_feed_floor,
    assert_same_floor,
)


def counting_clock() -> Callable[[], float]:
    """A clock one unit later at each reading: a budget of n lets n pieces run."""
    readings = count()
    return lambda: float(next(readings))


def sim_floor() -> Floor:
    """An hour of a simulated floor: hundreds of agents and contacts, chats, callbacks."""
    sim = Simulation(SimConfig(agents=150, seed=7))
    floor = Floor(tz="UTC")
    for e in sim.setup_events() + sim.run_until(sim.now + 3600):
        floor.apply(e, "sim")
    return floor


def parts(p: PreparedSnapshot) -> dict[str, Any]:
    """Everything a prepared snapshot holds, in comparable form (orders included)."""
    pools = {
        channel: [pool.window(p.now, w) for w in WINDOWS if isinstance(w, int) and w > 0]
        for channel, pool in p.pools.items()
    }
    return {
        "head": (
            p.feed,
            p.max_queues,
            p.max_agents,
            p.problem,
            p.now,
            p.first_t,
            p.trend,
            p.channels,
            p.state,
            p.installed,
        ),
        "queues": [
            (_queue_record(q), list(q.waiting.items()), q.stats.sink is p.pools[q.channel])
            for q in p.queues.values()
        ],
        "agents": [(a, sorted(a.contacts)) for a in p.agents.values()],
        "contacts": list(p.contacts.items()),
        "foreign": [c.id for c in p.foreign],
        "counts": (+p.closed_members, p.closed_capacity, [a.id for a in p.loose]),
        "pools": pools,
    }


def built(
    state: dict[str, Any], floor: Floor, feed: str, budget: float, **kw: Any
) -> tuple[PreparedSnapshot, list[int]]:
    """Built by steps of `budget` on a counting clock; the pieces each step did."""
    build = SnapshotBuild(
        state,
        feed,
        floor.max_queues_per_feed,
        floor.max_agents_per_feed,
        windows=(floor.window_min,),
        **kw,
    )
    clock, per_step = counting_clock(), []
    while True:
        before = build.pieces
        result = build.step(budget, clock)
        per_step.append(build.pieces - before)
        if result is not None:
            assert build.done and build.step(budget, clock) is result  # then always
            assert build.steps == len(per_step)
            return result, per_step
        assert len(per_step) < 100_000


@pytest.mark.parametrize(
    "chunks", [{}, {"chunk": 7, "check_chunk": 5}, {"chunk": 1, "check_chunk": 1}]
)
def test_built_in_steps_equals_prepare_and_installs_the_same_floor(chunks) -> None:
    for make, feed in ((sim_floor, "sim"), (_two_feed_floor, "A"), (_two_feed_floor, "B")):
        source = make()
        state = copy.deepcopy(source.snapshot(feed))
        state["agents"][0]["state"] = "not_ready"  # the feed moved on since
        reference = snapshot.prepare(
            state,
            feed,
            source.max_queues_per_feed,
            source.max_agents_per_feed,
            windows=(source.window_min,),
        )
        mine, per_step = built(state, source, feed, 3.0, **chunks)
        assert parts(mine) == parts(reference), feed
        assert all(1 <= n <= 3 for n in per_step), per_step  # none past its budget
        if chunks and feed == "sim":  # in small pieces: many steps
            assert len(per_step) > 50, per_step
        # Installed, each leaves the floor the other leaves (views equal fresh_* too).
        ref_floor = make()
        source.install_snapshot(mine)
        ref_floor.install_snapshot(reference)
        assert_same_floor(source, ref_floor, f"{feed} {chunks}")


def test_a_budget_lets_as_many_pieces_run_as_it_holds() -> None:
    floor = sim_floor()
    state = floor.snapshot("sim")
    _, one_go = built(state, floor, "sim", math.inf)
    assert len(one_go) == 1
    total = one_go[0]
    for budget in (1.0, 2.0, 5.0):
        _, per_step = built(state, floor, "sim", budget)
        assert sum(per_step) == total  # the same pieces, spread
        assert all(n == budget for n in per_step[:-1]) and 1 <= per_step[-1] <= budget
    # A budget already spent still does one piece a step: a build always ends.
    _, per_step = built(state, floor, "sim", 0.0)
    assert per_step == [1] * total


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_bad_state_is_refused_with_the_problem_prepare_names(name) -> None:
    bad = MALFORMED[name](_state())
    floor = Floor()
    expected = snapshot_check.problem(
        bad, max_queues=floor.max_queues_per_feed, max_agents=floor.max_agents_per_feed
    )
    assert expected
    for chunks in ({}, {"chunk": 1, "check_chunk": 1}):
        result, _ = built(bad, floor, "A", 1.0, **chunks)
        assert result.problem == expected
        assert parts(result) == parts(
            snapshot.prepare(bad, "A", floor.max_queues_per_feed, floor.max_agents_per_feed)
        )


def test_the_first_fault_is_named_however_the_check_is_cut() -> None:
    """A fault deep in the agents, after pauses: the same words as the whole check."""
    floor = sim_floor()
    state = copy.deepcopy(floor.snapshot("sim"))
    state["agents"][120]["state"] = "dancing"
    state["contacts"][3]["queue"] = "nowhere"  # a later fault: not the one named
    expected = "agents[120].state: not an agent state"
    assert snapshot_check.problem(state) == expected
    for check_chunk in (1, 7, 1000):
        result, per_step = built(state, floor, "sim", 1.0, check_chunk=check_chunk)
        assert result.problem == expected
        assert len(per_step) >= 120 // check_chunk


def test_a_state_checked_elsewhere_is_only_built() -> None:
    """Checked in a feed's child process (`build=False`): the build makes the records,
    equal to a whole `prepare`, without checking again."""
    floor = sim_floor()
    state = floor.snapshot("sim")
    args = ("sim", floor.max_queues_per_feed, floor.max_agents_per_feed)
    checked = snapshot.prepare(state, *args, windows=(floor.window_min,), build=False)
    assert checked.state is not None
    result, _ = built({"not": "checked again"}, floor, "sim", 2.0, checked=checked, chunk=9)
    assert result is checked and result.state is None
    assert parts(result) == parts(snapshot.prepare(state, *args, windows=(floor.window_min,)))
