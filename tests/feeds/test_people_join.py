"""PersonJoin: one person's Asterisk and Chatwoot parts told to the floor as one agent
(hand-built event lists, applied to a real Floor)."""

from __future__ import annotations

from feeds.sources.people import PersonJoin
from monitor import agent_parts
from monitor.agent_links import AgentLink
from monitor.events import (
    AgentLogin,
    AgentLogout,
    AgentSkills,
    AgentStateChanged,
    ContactAnswered,
    ContactOffered,
    QueueDefined,
    Snapshot,
)
from monitor.floor import Floor

A, C = "pbx", "chat"  # the parts' feed keys
LINKS = [AgentLink("a017", "Li Na", "A", "PJSIP/1017", 17)]


def _join() -> PersonJoin:
    return PersonJoin(LINKS, {A: "asterisk", C: "chatwoot"})


def _apply(floor: Floor, join: PersonJoin, part: str, *events) -> list:
    told = []
    for e in events:
        for key, out in join.event(part, e):
            floor.apply(out, key)
            told.append((key, out))
    return told


def _queues(floor: Floor, join: PersonJoin) -> None:
    _apply(floor, join, A, QueueDefined(1.0, "general", "General", "hotline"))
    _apply(floor, join, C, QueueDefined(1.0, "inbox-1", "Web chat", "online"))


def test_two_platforms_parts_are_one_agent_with_both_skills():
    floor, join = Floor(), _join()
    _queues(floor, join)
    _apply(floor, join, A, AgentLogin(2.0, "PJSIP/1017", "1017"),
           AgentSkills(2.0, "PJSIP/1017", {"general": 1}))
    _apply(floor, join, C, AgentLogin(3.0, "cw-17", "Li Na (chat)"),
           AgentSkills(3.0, "cw-17", {"inbox-1": 1}, 3))
    assert set(floor.agents) == {"a017"}  # one row, not two
    a = floor.agents["a017"]
    assert (a.name, a.team, a.skills, a.chat_capacity) == (
        "Li Na", "A", {"general": 1, "inbox-1": 1}, 3)
    assert a.state == "available" and a.feed == A  # first reported by the PBX
    assert floor.queues["general"].members["available"] == 1
    assert floor.queues["inbox-1"].members["available"] == 1


def test_the_busiest_part_gives_the_state_and_logout_needs_both():
    floor, join = Floor(), _join()
    _queues(floor, join)
    _apply(floor, join, A, AgentLogin(2.0, "PJSIP/1017", "x"))
    _apply(floor, join, C, AgentLogin(2.0, "cw-17", "x"))
    _apply(floor, join, C, AgentStateChanged(3.0, "cw-17", "not_ready", "busy"))
    assert floor.agents["a017"].state == "available"  # still takes calls
    _apply(floor, join, A, ContactOffered(4.0, "call-1", "general"),
           ContactAnswered(5.0, "call-1", "general", "PJSIP/1017"),
           AgentStateChanged(5.0, "PJSIP/1017", "on_contact"))
    a = floor.agents["a017"]
    assert a.state == "on_contact" and a.contacts == {"call-1"}  # the call names the person
    assert agent_parts.decode(a.reason) == [("hotline", "on_contact", ""),
                                            ("online", "not_ready", "busy")]
    _apply(floor, join, A, AgentLogout(6.0, "PJSIP/1017"))
    assert floor.agents["a017"].state == "not_ready" and floor.agents["a017"].reason == "busy"
    told = _apply(floor, join, C, AgentLogout(7.0, "cw-17"))
    assert [type(e).__name__ for _k, e in told] == ["AgentLogout"]
    assert floor.agents["a017"].state == "logged_out"


def test_parts_that_differ_are_in_the_reason_and_a_repeat_tells_nothing():
    floor, join = Floor(), _join()
    _queues(floor, join)
    _apply(floor, join, A, AgentLogin(2.0, "PJSIP/1017", "x"),
           AgentStateChanged(2.0, "PJSIP/1017", "on_contact"))
    # Chat presence while the call goes on: still on contact, both parts shown.
    _apply(floor, join, C, AgentLogin(3.0, "cw-17", "x"))
    a = floor.agents["a017"]
    assert a.state == "on_contact"
    assert agent_parts.decode(a.reason) == [("hotline", "on_contact", ""),
                                            ("online", "available", "")]
    assert _apply(floor, join, C, AgentStateChanged(3.5, "cw-17", "available")) == []
    _apply(floor, join, C, AgentStateChanged(4.0, "cw-17", "not_ready", "busy"))
    assert agent_parts.decode(floor.agents["a017"].reason)[1] == ("online", "not_ready", "busy")
    # Both not ready: the plain reason code (alert rules read it), no parts.
    _apply(floor, join, A, AgentStateChanged(5.0, "PJSIP/1017", "not_ready", "lunch"))
    assert (floor.agents["a017"].state, floor.agents["a017"].reason) in (
        ("not_ready", "lunch"), ("not_ready", "busy"))


def test_an_unlinked_agent_passes_under_its_own_id():
    floor, join = Floor(), _join()
    _queues(floor, join)
    _apply(floor, join, A, AgentLogin(2.0, "PJSIP/2000", "Temp"),
           AgentSkills(2.0, "PJSIP/2000", {"general": 2}))
    assert floor.agents["PJSIP/2000"].skills == {"general": 2}
    assert join.platform_id(A, "PJSIP/2000") == "PJSIP/2000"
    assert join.platform_id(C, "PJSIP/2000") == ""
    assert join.platform_id(C, "a017") == "cw-17"


def _snap(t, queues, agents, contacts=()):
    return Snapshot(t, 0, {"now": t, "queues": queues, "agents": agents,
                           "contacts": list(contacts)})


Q_GENERAL = {"id": "general", "name": "General", "channel": "hotline", "sl_target_s": 20.0,
             "tier": "normal"}
Q_INBOX = {"id": "inbox-1", "name": "Web chat", "channel": "online", "sl_target_s": 60.0,
           "tier": "normal"}


def test_snapshots_of_each_platform_keep_the_other_platforms_part():
    floor, join = Floor(), _join()
    ami = {"id": "PJSIP/1017", "name": "1017", "state": "available", "state_since": 10.0,
           "skills": {"general": 1}}
    _apply(floor, join, A, _snap(10.0, [Q_GENERAL], [ami], [
        {"id": "call-9", "queue": "general", "offered_t": 5.0, "answered_t": 8.0,
         "agent": "PJSIP/1017"}]))
    cw = {"id": "cw-17", "name": "Li", "state": "available", "state_since": 11.0,
          "skills": {"inbox-1": 1}, "chat_capacity": 2}
    told = _apply(floor, join, C, _snap(11.0, [Q_INBOX], [cw]))
    # The chat snapshot lists no agent of its own (the person is the PBX's) and then
    # tells the person's new chat skills, in chat's stream (after chat's queues).
    assert told[0][1].state["agents"] == []
    assert [(k, type(e).__name__) for k, e in told[1:]] == [(C, "AgentSkills")]
    assert floor.agents["a017"].feed == A  # still the PBX's: skills do not restamp
    a = floor.agents["a017"]
    assert a.skills == {"general": 1, "inbox-1": 1} and a.chat_capacity == 2
    assert a.contacts == {"call-9"}  # the PBX snapshot's call is the person's
    # The PBX reconnects and its snapshot no longer lists the member: the person stays,
    # told again under the chat platform's key, with only the chat skills.
    told = _apply(floor, join, A, _snap(20.0, [Q_GENERAL], []))
    assert floor.agents["a017"].skills == {"inbox-1": 1}
    assert floor.agents["a017"].feed == C
    assert floor.queues["general"].members.total() == 0
    # And when chat drops it too, the person is gone.
    _apply(floor, join, C, _snap(21.0, [Q_INBOX], []))
    assert "a017" not in floor.agents


def test_a_pbx_snapshot_lists_its_people_merged():
    floor, join = Floor(), _join()
    _apply(floor, join, C, _snap(1.0, [Q_INBOX], [
        {"id": "cw-17", "name": "Li", "state": "not_ready", "reason": "busy",
         "state_since": 1.0, "skills": {"inbox-1": 1}, "chat_capacity": 3}]))
    assert floor.agents["a017"].feed == C
    told = _apply(floor, join, A, _snap(2.0, [Q_GENERAL], [
        {"id": "PJSIP/1017", "name": "1017", "state": "available", "state_since": 2.0,
         "skills": {"general": 1}}]))
    # Owned by chat (it came first): the PBX snapshot has no agents; events follow.
    assert told[0][1].state["agents"] == []
    a = floor.agents["a017"]
    assert (a.state, a.skills) == ("available", {"general": 1, "inbox-1": 1})
    # A chat reconnect lists the person merged, PBX skills included.
    told = _apply(floor, join, C, _snap(3.0, [Q_INBOX], [
        {"id": "cw-17", "name": "Li", "state": "available", "state_since": 3.0,
         "skills": {"inbox-1": 1}, "chat_capacity": 3}]))
    (listed,) = told[0][1].state["agents"]
    assert listed["id"] == "a017" and listed["skills"] == {"general": 1, "inbox-1": 1}
    assert floor.agents["a017"].skills == {"general": 1, "inbox-1": 1}
    assert floor.queues["general"].members["available"] == 1


def test_a_snapshot_agent_with_absurd_numbers_is_left_to_the_floors_check():
    floor, join = Floor(), _join()
    bad = {"id": "cw-17", "name": "Li", "state": "available", "state_since": 1.0,
           "skills": {"inbox-1": 1}, "chat_capacity": float("inf")}
    told = _apply(floor, join, C, _snap(1.0, [Q_INBOX], [bad]))  # no OverflowError
    assert told[0][1].state["agents"] == [] and "a017" not in floor.agents
