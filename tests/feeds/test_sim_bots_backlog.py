"""The simulator's bot stage and backlog work (issue 15 parts 3, 4) agree with the Floor.

A seeded run over the morning peak: a share of online chats meets a bot first, which
resolves some and hands the rest over (each handoff followed by the chat's offer into
the same queue); hotline calls never meet one. Idle agents work the backlog: no agent
sits available while a queue it serves has callbacks waiting. What a client's floor
computes from the events (outcomes in its window, bots with a chat now, backlog
worked) equals the simulator's own counters.
"""

from __future__ import annotations

import pytest

from feeds.sim import SimConfig, Simulation
from monitor import events as ev
from monitor.floor import Floor

RUN_S = 50 * 60  # inside the floor's 60-minute window: window totals are run totals


@pytest.fixture(scope="module")
def run() -> tuple[Simulation, list[ev.Event], list[ev.Event]]:
    sim = Simulation(SimConfig(start_hour=9.5, seed=11))
    setup = sim.setup_events()
    return sim, setup, sim.run_until(sim.config.start_t + RUN_S)


def test_bot_events_are_online_only_and_a_handoff_is_offered_at_once(run) -> None:
    sim, _, events = run
    online = {q for q in sim.counters if q.startswith("ol-")}
    started: dict[str, str] = {}
    for i, e in enumerate(events):
        if isinstance(e, ev.BotStarted):
            assert e.queue in online and e.contact not in started
            started[e.contact] = e.queue
        elif isinstance(e, ev.BotResolved | ev.BotHandoff):
            assert started.pop(e.contact) == e.queue
        if isinstance(e, ev.BotHandoff):
            nxt = events[i + 1]
            assert isinstance(nxt, ev.ContactOffered)
            assert (nxt.t, nxt.contact, nxt.queue) == (e.t, e.contact, e.queue)
    resolved = sum(isinstance(e, ev.BotResolved) for e in events)
    handed = sum(isinstance(e, ev.BotHandoff) for e in events)
    assert resolved > 20 and handed > 20  # both outcomes, often enough to mean something


def test_the_floor_agrees_with_the_simulators_bot_and_backlog_counts(run) -> None:
    sim, setup, events = run
    floor = Floor()
    for e in setup:
        floor.apply(e)
    checked_at = 0.0
    for e in events:
        if e.t >= checked_at + 60:
            # Between timestamps: nobody idles while a queue they serve has a backlog.
            checked_at = e.t
            backlog = {q.id for q in floor.queues.values() if q.backlog}
            idle = [a for a in floor.agents.values() if a.state == "available" and not a.contacts]
            assert not [a.id for a in idle if backlog & set(a.skills)]
        floor.apply(e)
    assert not any(floor.anomalies.values()), floor.anomalies
    worked = 0
    for queue_id, truth in sim.counters.items():
        q = floor.queues[queue_id]
        t = q.stats.window(floor.now, 60)
        assert (t.bot_resolved, t.bot_handoffs, t.callbacks_worked) == (
            truth["bot_resolved"],
            truth["bot_handoffs"],
            truth["callbacks_completed"],
        ), queue_id
        active = truth["bot_started"] - truth["bot_resolved"] - truth["bot_handoffs"]
        view = floor.queue_view(queue_id, 60)
        assert view.bots_active == len(q.bots) == active, queue_id
        assert view.callbacks_worked == truth["callbacks_completed"]
        assert len(q.backlog) == truth["callbacks"] - truth["callbacks_completed"]
        worked += truth["callbacks_completed"]
    assert worked > 10  # the backlog was worked
    online = floor.channel_view("online", 60)
    assert online.bot_containment is not None and 0.2 < online.bot_containment < 0.6
