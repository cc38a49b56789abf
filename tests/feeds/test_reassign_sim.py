"""The simulator honours `reassign`: applied or pending, routing, rejections, retries, lends.

No network and no wall clock: commands are given at the simulation's current time and
`run_until` advances it, as fast as it can go.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from feeds.sim import SimConfig, Simulation
from monitor.commands import Reassign, Skills
from monitor.events import (
    AgentSkills,
    AgentStateChanged,
    CallbackCompleted,
    ContactAnswered,
    ContactEnded,
    ContactTransferred,
    Event,
)
from monitor.floor import Floor

# The morning peak builds. Without the bot stage: the traffic these seeded cases were
# chosen on (each agent's lend takes effect within its 900 s).
CONFIG = SimConfig(agents=40, seed=3, start_hour=9.5, bot_share=0.0)
ONLINE = ("ol-app", "ol-wechat")


def new_sim(config: SimConfig = CONFIG) -> tuple[Simulation, list[Event]]:
    sim = Simulation(config)
    return sim, sim.setup_events()


def skills_events(events: list[Event], agent: str) -> list[AgentSkills]:
    return [e for e in events if isinstance(e, AgentSkills) and e.agent == agent]


def advance_until(sim: Simulation, found: Callable[[], list[str]], step: float = 30.0,
                  limit: float = 6 * 3600) -> tuple[list[str], list[Event]]:
    """Run in steps until `found()` names agents; the events run meanwhile."""
    events: list[Event] = []
    end = sim.now + limit
    while sim.now < end:
        ids = found()
        if ids:
            return ids, events
        events += sim.run_until(sim.now + step)
    raise AssertionError("condition never met")


def hotline_only(sim: Simulation, status: str | None = None) -> list[str]:
    return [a.id for a in sim._agents
            if not a.chat_queues and a.call is None and not a.chats
            and (status is None or a.status == status)]


def ends_of(events: list[Event], agent: str, contact: str) -> list[Event]:
    return [e for e in events
            if isinstance(e, ContactEnded | ContactTransferred | CallbackCompleted)
            and e.agent == agent and e.contact == contact]


def test_idle_agent_is_moved_at_once_and_routing_uses_the_new_skills() -> None:
    sim, _ = new_sim()
    waiting_chats = lambda: sum(sim._queues[q].n_waiting for q in ONLINE)  # noqa: E731
    (agent, *_), _ = advance_until(
        sim, lambda: hotline_only(sim, "available") if waiting_chats() else [])
    old = sim.agent_skills(agent)
    t = sim.now

    result = sim.reassign(Reassign((agent,), "online", request_id="r1"))

    assert result["status"] == "applied" and result["reason"] == ""
    assert result["agents"] == {agent: "applied"}
    assert result["before"] == {agent: old.as_dict()}
    assert result["after"] == {agent: {"skills": {"ol-app": 5, "ol-wechat": 5},
                                       "chat_capacity": 3}}
    assert result["t"] == t
    now = sim.run_until(sim.now)
    assert skills_events(now, agent) == [AgentSkills(t, agent, {"ol-app": 5, "ol-wechat": 5}, 3)]
    # Chats were waiting, so the newly online agent took one on the spot.
    assert [e.queue for e in now if isinstance(e, ContactAnswered) and e.agent == agent]
    assert all(e.t == t for e in now)

    later = sim.run_until(t + 1800)
    answered = [e for e in later if isinstance(e, ContactAnswered) and e.agent == agent]
    assert len(answered) >= 3 and {e.queue for e in answered} <= set(ONLINE)
    assert sim.agent_skills(agent) == Skills({"ol-app": 5, "ol-wechat": 5}, 3)


def test_busy_agent_is_pending_until_its_call_ends() -> None:
    sim, _ = new_sim()
    (agent, *_), _ = advance_until(sim, lambda: [
        a.id for a in sim._agents if not a.chat_queues and a.call is not None])
    contact = sim._by_id[agent].call.id
    t = sim.now

    result = sim.reassign(Reassign((agent,), "blend", request_id="r1"))

    assert result["status"] == "accepted" and result["agents"] == {agent: "pending"}
    target = Skills.from_dict(result["after"][agent])
    assert sim.pending_skills(agent) == target
    assert skills_events(sim.run_until(t), agent) == []
    events = sim.run_until(t + 3600)
    moved = skills_events(events, agent)
    assert len(moved) == 1
    assert (moved[0].skills, moved[0].chat_capacity) == (target.skills, target.chat_capacity)
    (end,) = ends_of(events, agent, contact)
    assert moved[0].t == end.t  # exactly when the call ended
    i = events.index(moved[0])
    # It took no new work while pending, and goes on with its wrap-up, then new work.
    assert not [e for e in events[:i] if isinstance(e, ContactAnswered) and e.agent == agent]
    assert AgentStateChanged(end.t, agent, "wrap_up") in events[:i]
    assert sim.pending_skills(agent) is None
    assert [e for e in events[i:] if isinstance(e, ContactAnswered) and e.agent == agent]


def test_chat_agent_is_pending_until_its_last_chat_ends() -> None:
    sim, _ = new_sim()
    (agent, *_), _ = advance_until(sim, lambda: [
        a.id for a in sim._agents if not a.voice_queues and len(a.chats) >= 2])
    chats = [c.id for c in sim._by_id[agent].chats]
    t = sim.now

    result = sim.reassign(Reassign((agent,), "hotline", request_id="r1"))

    assert result["agents"] == {agent: "pending"}
    assert result["after"][agent]["chat_capacity"] == 0
    events = sim.run_until(t + 3600)
    (moved,) = skills_events(events, agent)
    last_end = max(ends_of(events, agent, c)[0].t for c in chats)
    assert moved.t == last_end
    i = events.index(moved)
    assert not [e for e in events[:i] if isinstance(e, ContactAnswered) and e.agent == agent]
    answered = [e for e in events[i:] if isinstance(e, ContactAnswered) and e.agent == agent]
    assert answered and {e.queue for e in answered} <= {"hl-general", "hl-vip", "hl-complaint"}


def test_explicit_skills_and_capacity() -> None:
    sim, _ = new_sim()
    sim.run_until(CONFIG.start_t + 60)
    agent = sim.agent_ids()[0]
    result = sim.reassign(Reassign((agent,), skills={"ol-app": 9, "hl-vip": 2},
                                   chat_capacity=2, request_id="r1"))
    assert result["after"][agent] == {"skills": {"ol-app": 9, "hl-vip": 2}, "chat_capacity": 2}
    bad = sim.reassign(Reassign((agent,), skills={"nope": 3}, request_id="r2"))
    assert bad["status"] == "rejected" and bad["reason"] == "unknown queue nope"


def _control_and_probe(command: Reassign, role: str = "supervisor"):
    """Two sims of one seed; `command` goes to the probe only. Returns both event lists."""
    control, _ = new_sim()
    probe, _ = new_sim()
    t = CONFIG.start_t + 900
    assert control.run_until(t) == probe.run_until(t)
    result = probe.reassign(command, role)
    return result, control.run_until(t + 1800), probe.run_until(t + 1800), probe


@pytest.mark.parametrize(("role", "reason"), [
    ("viewer", "viewer tokens may not send commands"),
    ("", "unknown token"),
])
def test_viewer_is_rejected_and_nothing_changes(role: str, reason: str) -> None:
    agents = ("a0001", "a0002")
    result, expected, got, probe = _control_and_probe(
        Reassign(agents, "online", request_id="r1"), role)
    assert result["status"] == "rejected" and result["reason"] == reason
    assert result["agents"] == {} and result["request_id"] == "r1"
    assert got == expected  # nothing changed: the floor runs exactly as without it
    # A rejection is not remembered: a supervisor may still use the request id.
    assert probe.reassign(Reassign(agents, "online", request_id="r1"))["status"] != "rejected"


def test_unknown_agent_is_rejected_and_nothing_changes() -> None:
    result, expected, got, _ = _control_and_probe(
        Reassign(("a0001", "a9999"), "online", request_id="r1"))
    assert result["status"] == "rejected"
    assert result["reason"] == "unknown agent a9999"
    assert got == expected  # a0001 was not moved either: all or nothing


def test_a_retried_request_id_returns_the_same_result_and_applies_once() -> None:
    sim, _ = new_sim()
    (agent, *_), _ = advance_until(sim, lambda: hotline_only(sim))
    command = Reassign((agent,), "online", request_id="retry-me")
    first = sim.reassign(command)
    assert sim.reassign(command) == first
    assert len(skills_events(sim.run_until(sim.now), agent)) == 1
    # Later, after the agent went back to hotline, the old request changes nothing again.
    back = sim.reassign(Reassign((agent,), "hotline", request_id="back"))
    sim.run_until(sim.now + 600)
    assert sim.reassign(command) == first
    assert skills_events(sim.run_until(sim.now + 600), agent) == []
    assert sim.agent_skills(agent) == Skills.from_dict(back["after"][agent])


def test_a_request_id_reused_for_another_command_is_rejected_and_changes_nothing() -> None:
    sim, _ = new_sim()
    (agent, *_), _ = advance_until(sim, lambda: hotline_only(sim))
    first = sim.reassign(Reassign((agent,), "online", request_id="X"))
    sim.run_until(sim.now)
    skills = sim.agent_skills(agent)
    other = sim.reassign(Reassign((agent,), "hotline", request_id="X"))
    assert other["status"] == "rejected"
    assert other["reason"] == "request id X was already used for a different command"
    assert skills_events(sim.run_until(sim.now + 60), agent) == []
    assert sim.agent_skills(agent) == skills
    assert sim.reassign(Reassign((agent,), "online", request_id="X")) == first  # a true retry


def _expected_revert_t(events: list[Event], agent: str, due: float) -> float:
    """When a revert due at `due` applies: then, if the agent holds no contact, else when
    its last contact ends (it leaves on_contact, for wrap-up)."""
    state = None
    for e in events:
        if isinstance(e, AgentStateChanged) and e.agent == agent:
            if e.t < due:
                state = e.state
            elif state == "on_contact":
                return e.t
    return due


def test_timed_lend_reverts_at_the_right_event_time() -> None:
    sim, _ = new_sim()
    history = sim.run_until(CONFIG.start_t + 1200)
    # Hotline agents lent to busy chat, and chat agents lent to the quiet VIP line: at
    # the revert some are on a contact (it waits for the end) and some are free (on time).
    to_online = [a.id for a in sim._agents if not a.chat_queues][:6]
    to_vip = [a.id for a in sim._agents if not a.voice_queues][:6]
    old = {a: sim.agent_skills(a) for a in to_online + to_vip}
    t = sim.now
    lends = [
        sim.reassign(Reassign(tuple(to_online), "online", duration_s=900.0, request_id="l1")),
        sim.reassign(Reassign(tuple(to_vip), skills={"hl-vip": 5}, duration_s=900.0,
                              request_id="l2")),
    ]
    events = history + sim.run_until(t + 4 * 3600)

    branches = set()
    for lend in lends:
        for agent, outcome in lend["agents"].items():
            moves = [e for e in skills_events(events, agent) if e.t >= t]
            assert len(moves) == 2
            lent, revert = moves
            assert {"skills": lent.skills, "chat_capacity": lent.chat_capacity} == (
                lend["after"][agent])
            if outcome == "applied":
                assert lent.t == t
            assert (revert.skills, revert.chat_capacity) == (
                old[agent].skills, old[agent].chat_capacity)
            expected = _expected_revert_t(events, agent, t + 900.0)
            assert revert.t == expected
            branches.add("on time" if expected == t + 900.0 else "after its contact")
            assert sim.agent_skills(agent) == old[agent]
    assert branches == {"on time", "after its contact"}  # both cases were exercised


def test_a_newer_reassign_cancels_the_lend_revert() -> None:
    sim, _ = new_sim()
    sim.run_until(CONFIG.start_t + 600)
    agent = sim.agent_ids()[0]
    sim.reassign(Reassign((agent,), "online", duration_s=600.0, request_id="lend"))
    sim.run_until(sim.now + 100)
    final = sim.reassign(Reassign((agent,), "blend", request_id="blend"))
    events = sim.run_until(sim.now + 3600)
    moves = skills_events(events, agent)
    assert len(moves) == 1  # the blend; no revert 500 s later
    assert sim.agent_skills(agent) == Skills.from_dict(final["after"][agent])


def _script(sim: Simulation, chunk: float) -> list[Event]:
    """Run with a fixed list of commands at fixed times, in chunks of `chunk` seconds."""
    commands = {
        600.0: Reassign(("a0001", "a0002", "a0003"), "online", request_id="c1"),
        900.0: Reassign(("a0004", "a0005"), "blend", duration_s=420.0, request_id="c2"),
        1500.0: Reassign(("a0001",), "hotline", request_id="c3"),
        2100.0: Reassign(("a0006", "a0007"), skills={"ol-wechat": 7}, chat_capacity=4,
                         request_id="c4"),
    }
    events = sim.setup_events()
    t0 = sim.config.start_t
    offset = 0.0
    while offset < 3600.0:
        nxt = min([o for o in commands if o > offset] + [offset + chunk, 3600.0])
        events += sim.run_until(t0 + nxt)
        offset = nxt
        if offset in commands:
            sim.reassign(commands[offset])
    return events + sim.run_until(t0 + 3600.0)


def test_same_seed_and_commands_give_the_same_events() -> None:
    whole = _script(Simulation(CONFIG), 3600.0)
    chunked = _script(Simulation(CONFIG), 17.0)
    assert len(whole) > 1000
    assert chunked == whole
    assert len([e for e in whole if isinstance(e, AgentSkills)]) >= 40 + 8
    plain = Simulation(CONFIG)
    assert plain.setup_events() + plain.run_until(CONFIG.start_t + 3600) != whole


def test_invariants_hold_and_the_floor_agrees_under_many_moves() -> None:
    sim, setup = new_sim(SimConfig(agents=60, seed=9, start_hour=9.5))
    floor = Floor()
    for e in setup:
        floor.apply(e)
    profiles = ("online", "hotline", "blend")
    ids = sim.agent_ids()
    for step in range(1, 121):
        if step % 3 == 0:
            agents = tuple(ids[(step * 7 + k) % len(ids)] for k in range(3))
            duration = 300.0 if step % 2 else None
            sim.reassign(Reassign(agents, profiles[step % 3], duration_s=duration,
                                  request_id=f"s{step}"))
        for e in sim.run_until(sim.config.start_t + 30 * step):
            floor.apply(e)
        for a in sim._agents:
            assert len(a.chats) <= a.capacity
            assert a.call is None or not a.chats
            assert (a.status == "on_contact") == (a.call is not None or bool(a.chats))
            if a.pending is not None:
                assert a.call is not None or a.chats
            view = floor.agents[a.id]
            assert (view.skills, view.chat_capacity) == (a.skills, a.capacity)
        for q in sim._queues.values():
            assert q.members == sum(1 for a in sim._agents for x, _ in a.all_queues if x is q)
