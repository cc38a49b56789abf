"""The simulator must be deterministic, self-consistent, and agree with the Floor."""

from __future__ import annotations

from collections import Counter

import pytest

from feeds.sim import SimConfig, Simulation
from monitor.events import (
    AgentSkills,
    AgentStateChanged,
    CallbackCompleted,
    CallbackRequested,
    ChatMessage,
    ContactAbandoned,
    ContactAnswered,
    ContactEnded,
    ContactOffered,
    ContactTransferred,
    Event,
    QueueDefined,
    SurveyResult,
)
from monitor.floor import Floor

RUN_S = 50 * 60  # inside Floor's 60-minute window, so window totals equal run totals
QUEUE_IDS = {"hl-general", "hl-vip", "hl-complaint", "ol-app", "ol-wechat"}
HOT_WORDS = ("投诉", "骗子", "complaint", "refund", "scam", "退款")


def _run(config: SimConfig, seconds: float = RUN_S) -> tuple[Simulation, list[Event], list[Event]]:
    sim = Simulation(config)
    setup = sim.setup_events()
    return sim, setup, sim.run_until(config.start_t + seconds)


@pytest.fixture(scope="module")
def run() -> tuple[Simulation, list[Event], list[Event]]:
    # From 09:30 the morning peak builds, so queues, abandons and callbacks all show up.
    return _run(SimConfig(start_hour=9.5))


def test_same_seed_gives_same_events_however_run_is_chunked() -> None:
    config = SimConfig(agents=40, seed=7)
    whole = Simulation(config)
    chunked = Simulation(config)
    assert whole.setup_events() == chunked.setup_events()
    expected = whole.run_until(config.start_t + 1800)
    got: list[Event] = []
    for i in range(1, 101):
        got += chunked.run_until(config.start_t + 18 * i)
    assert len(expected) > 1000
    assert got == expected
    assert chunked.now == whole.now == config.start_t + 1800
    assert chunked.counters == whole.counters

    other = Simulation(SimConfig(agents=40, seed=8))
    assert other.run_until(config.start_t + 1800) != expected


def test_run_until_never_goes_back_in_time() -> None:
    sim = Simulation(SimConfig(agents=20))
    first = sim.run_until(sim.config.start_t + 600)
    assert first and all(e.t <= sim.config.start_t + 600 for e in first)
    assert sim.run_until(sim.config.start_t + 300) == []
    assert sim.now == sim.config.start_t + 600
    assert all(e.t > sim.config.start_t + 600 for e in sim.run_until(sim.now + 600))


def test_agents_never_hold_more_than_they_may() -> None:
    # White-box: callback work held in a chat slot is invisible to the Floor, so check
    # the simulator's own books as well, after every step.
    sim = Simulation(SimConfig(agents=80, seed=5))
    for step in range(1, 181):
        sim.run_until(sim.config.start_t + 20 * step)
        for a in sim._agents:
            assert len(a.chats) <= a.capacity
            assert a.call is None or not a.chats
            assert (a.status == "on_contact") == (a.call is not None or bool(a.chats))


def test_setup_defines_queues_then_every_agent(run) -> None:
    sim, setup, _ = run
    queues = [e for e in setup if isinstance(e, QueueDefined)]
    assert {q.queue for q in queues} == QUEUE_IDS
    assert setup[: len(queues)] == queues
    assert {q.queue: q.channel for q in queues}["ol-app"] == "online"
    assert {q.queue: q.sl_target_s for q in queues}["hl-complaint"] == 30
    ids = sim.agent_ids()
    assert len(ids) == 60 and len(set(ids)) == 60 and ids[0] == "a0001"
    assert all(e.t == sim.config.start_t for e in setup)
    skills = {e.agent: e for e in setup if isinstance(e, AgentSkills)}
    assert set(skills) == set(ids)
    hotline = [s for s in skills.values() if not any(q.startswith("ol-") for q in s.skills)]
    online = [s for s in skills.values() if not any(q.startswith("hl-") for q in s.skills)]
    blended = len(ids) - len(hotline) - len(online)
    assert (len(hotline), len(online), blended) == (30, 18, 12)
    assert all(s.chat_capacity == 0 for s in hotline)
    assert all(3 <= s.chat_capacity <= 5 for s in online)
    assert all(1 <= lvl <= 10 for s in skills.values() for lvl in s.skills.values())
    assert all(q in {qq for s in skills.values() for qq in s.skills} for q in QUEUE_IDS)


def test_events_are_ordered_and_refer_to_offered_contacts(run) -> None:
    sim, _, events = run
    times = [e.t for e in events]
    assert times == sorted(times)
    assert times[0] > sim.config.start_t and times[-1] <= sim.config.start_t + RUN_S

    offered_at: dict[str, float] = {}  # contact -> time it (re)entered its current queue
    queue_of: dict[str, str] = {}
    outcome: Counter[str] = Counter()
    ended: set[str] = set()
    for e in events:
        if isinstance(e, ContactOffered):
            assert e.contact not in offered_at, "contact ids are unique"
            offered_at[e.contact], queue_of[e.contact] = e.t, e.queue
        elif isinstance(e, ContactTransferred):
            assert queue_of[e.contact] == e.queue == "hl-general"
            assert e.to_queue == "hl-complaint"
            offered_at[e.contact], queue_of[e.contact] = e.t, e.to_queue
        elif isinstance(e, ContactAnswered | ContactAbandoned | CallbackRequested):
            assert queue_of[e.contact] == e.queue
            outcome[e.contact] += 1
            if isinstance(e, CallbackRequested):
                waited = e.t - offered_at[e.contact]
                assert e.waited_s == pytest.approx(waited)
                online = e.queue.startswith("ol-")
                threshold = (
                    sim.config.online_callback_after_s if online
                    else sim.config.hotline_callback_after_s
                )
                assert waited >= threshold
                assert e.kind in ({"callback", "appointment"} if online else {"callback"})
        elif isinstance(e, ContactEnded):
            assert queue_of[e.contact] == e.queue
            ended.add(e.contact)
        elif isinstance(e, SurveyResult):
            assert e.contact in ended
            assert e.nps == -1 or 0 <= e.nps <= 10
            assert 1 <= e.csat <= 5
        elif isinstance(e, ChatMessage):
            assert queue_of[e.contact].startswith("ol-")
            assert e.contact not in ended
    transferred = sum(c["transferred"] for c in sim.counters.values())
    # One outcome per queue entry: a transfer gives a contact a second life.
    assert sum(outcome.values()) <= len(offered_at) + transferred
    assert all(n <= 2 for n in outcome.values())


def test_floor_agrees_with_ground_truth_counters(run) -> None:
    sim, setup, events = run
    floor = Floor()
    for e in setup:
        floor.apply(e)
    checked_at = 0.0
    last_offer = dict.fromkeys(QUEUE_IDS, sim.config.start_t)
    for e in events:
        if e.t >= checked_at + 60:
            # Between timestamps (never inside one): nobody idles while skilled work waits,
            # and every queue has had traffic in the last 15 minutes.
            checked_at = e.t
            waiting = {q.id for q in floor.queues.values() if q.waiting}
            idle = [
                a for a in floor.agents.values() if a.state == "available" and not a.contacts
            ]
            assert not [a.id for a in idle if waiting & set(a.skills)]
            if e.t > sim.config.start_t + 300:
                assert all(e.t - t <= 900 for t in last_offer.values())
        floor.apply(e)
        if isinstance(e, ContactOffered):
            last_offer[e.queue] = e.t
        if isinstance(e, ContactAnswered):
            agent = floor.agents[e.agent]
            channels = Counter(floor.queues[floor.contacts[c].queue].channel for c in agent.contacts)
            assert channels["hotline"] <= 1
            assert channels["online"] <= agent.chat_capacity
            assert not (channels["hotline"] and channels["online"])
    assert floor.unknown_references == 0
    for queue_id, truth in sim.counters.items():
        totals = floor.queues[queue_id].stats.window(floor.now, 60)
        got = {
            "offered": totals.offered, "answered": totals.answered,
            "abandoned": totals.abandoned, "callbacks": totals.callbacks,
        }
        assert got == {k: truth[k] for k in got}, queue_id
        assert truth["offered"] > 0
        assert truth["ended"] + truth["transferred"] <= truth["answered"]
        backlog = truth["callbacks"] - truth["callbacks_completed"]
        assert len(floor.queues[queue_id].backlog) == backlog
    total = Counter()
    for truth in sim.counters.values():
        total.update(truth)
    assert total["abandoned"] > 0
    assert total["callbacks"] > 0
    assert total["answered"] > 0.8 * total["offered"]


def test_agents_take_breaks_and_customers_chat(run) -> None:
    _, _, events = run
    breaks = [e for e in events if isinstance(e, AgentStateChanged) and e.state == "not_ready"]
    assert breaks
    assert {e.reason for e in breaks} <= {"break", "meal", "training", "meeting"}
    messages = [e for e in events if isinstance(e, ChatMessage)]
    chats = sum(1 for e in events if isinstance(e, ContactOffered) and e.queue.startswith("ol-"))
    assert {m.side for m in messages} == {"customer", "agent"}
    assert all(m.agent for m in messages if m.side == "agent")
    assert chats < len(messages) < 8 * chats
    hot = [m for m in messages if any(w in m.text.lower() for w in HOT_WORDS)]
    assert 0 < len(hot) < 0.1 * len(messages)
    assert any(isinstance(e, SurveyResult) for e in events)
    assert any(isinstance(e, CallbackCompleted) for e in events) or any(
        isinstance(e, CallbackRequested) for e in events
    )


def test_traffic_scales_linearly_with_agents() -> None:
    offered = {}
    for agents in (60, 240):
        sim, _, _ = _run(SimConfig(agents=agents, seed=3), 1800)
        offered[agents] = sum(c["offered"] for c in sim.counters.values())
    assert 3.3 < offered[240] / offered[60] < 4.7
