"""Scopes (monitor/scope.py, monitor/scope_views.py) on a small floor worked by hand.

Queues: hl-gen (hotline, normal), hl-vip (hotline, vip), ol-app (online, normal),
ol-vip (online, vip). Agents (team, skills):
  a1 A {hl-gen, hl-vip}     a2 A {ol-app} 3 chats     a3 B {ol-vip} 3 chats
  a4 B {hl-gen}             a5 (none) {ol-vip} 2 chats
"""

from __future__ import annotations

import pytest

from monitor import events as ev
from monitor.floor import Floor
from monitor.scope import (
    WHOLE_FLOOR,
    Members,
    Scope,
    ScopeError,
    ScopeWatch,
    alert_in_scope,
    members_of,
    parse_scope,
    team_names,
    tier_names,
)
from monitor.scope_views import ScopeHeaders

T0 = 1_767_258_000.0


def _floor() -> Floor:
    floor = Floor()
    events: list[ev.Event] = [
        ev.QueueDefined(T0, "hl-gen", "General", "hotline", 20.0),
        ev.QueueDefined(T0, "hl-vip", "VIP", "hotline", 20.0, tier="vip"),
        ev.QueueDefined(T0, "ol-app", "App", "online", 60.0),
        ev.QueueDefined(T0, "ol-vip", "VIP chat", "online", 60.0, tier="vip"),
    ]
    for aid, team, skills, chats in [
        ("a1", "A", {"hl-gen": 5, "hl-vip": 5}, 0),
        ("a2", "A", {"ol-app": 5}, 3),
        ("a3", "B", {"ol-vip": 5}, 3),
        ("a4", "B", {"hl-gen": 5}, 0),
        ("a5", "", {"ol-vip": 5}, 2),
    ]:
        events += [ev.AgentLogin(T0, aid, aid.upper(), team),
                   ev.AgentSkills(T0, aid, skills, chats)]
    for e in events:
        floor.apply(e)
    floor.take_changes()
    return floor


def test_parse_scope():
    assert parse_scope("all") == WHOLE_FLOOR
    assert parse_scope(" ALL ") == WHOLE_FLOOR
    assert parse_scope("team:Hotline 1") == Scope("team", "Hotline 1")
    assert parse_scope("Tier:vip") == Scope("tier", "vip")
    assert Scope("team", "A").text == "team:A"
    for bad in ("", "team", "team:", "queue:hl", "vip"):
        with pytest.raises(ScopeError):
            parse_scope(bad)


def test_team_from_agents_skills():
    floor = _floor()
    got = members_of(parse_scope("team:A"), floor.queues, floor.agents, {})
    assert got == Members(frozenset({"hl-gen", "hl-vip", "ol-app"}), frozenset({"a1", "a2"}))


def test_team_from_config_keeps_its_queues_and_drops_unknown_ones():
    floor = _floor()
    got = members_of(parse_scope("team:A"), floor.queues, floor.agents,
                     {"A": ("ol-vip", "no-such-queue")})
    assert got == Members(frozenset({"ol-vip"}), frozenset({"a1", "a2"}))


def test_tier_across_both_channels():
    floor = _floor()
    got = members_of(parse_scope("tier:vip"), floor.queues, floor.agents, {})
    assert got == Members(frozenset({"hl-vip", "ol-vip"}), frozenset({"a1", "a3", "a5"}))
    assert {floor.queues[q].channel for q in got.queues} == {"hotline", "online"}


def test_empty_scopes_and_the_whole_floor():
    floor = _floor()
    empty = Members(frozenset(), frozenset())
    assert members_of(parse_scope("team:C"), floor.queues, floor.agents, {}) == empty
    assert members_of(parse_scope("tier:gold"), floor.queues, floor.agents, {}) == empty
    assert members_of(WHOLE_FLOOR, floor.queues, floor.agents, {}) is None


def test_choices():
    floor = _floor()
    assert team_names(floor.agents.values(), {"C": ("hl-gen",)}) == ["A", "B", "C"]
    assert tier_names(floor.queues.values()) == ["normal", "vip"]


def test_alerts_in_scope():
    m = Members(frozenset({"hl-vip"}), frozenset({"a1"}))
    assert alert_in_scope(m, "hl-vip", "")
    assert alert_in_scope(m, "", "a1")
    assert not alert_in_scope(m, "hl-gen", "")
    assert not alert_in_scope(m, "hl-gen", "a4")
    assert alert_in_scope(m, "", "")  # a feed's alert concerns every scope
    assert alert_in_scope(None, "hl-gen", "a4")


def test_watch_recomputes_on_skills_and_structure_only():
    floor = _floor()
    watch = ScopeWatch(parse_scope("team:A"))
    assert watch.update(floor, None)
    assert watch.recomputed == 1
    # Contacts and state changes of team agents: no recompute.
    for e in [ev.AgentStateChanged(T0 + 1, "a1", "not_ready", "break"),
              ev.ContactOffered(T0 + 2, "c1", "hl-vip")]:
        floor.apply(e)
    assert not watch.update(floor, floor.take_changes())
    assert watch.recomputed == 1
    # a2 gains ol-vip: the team's queues follow its agents' skills.
    floor.apply(ev.AgentSkills(T0 + 3, "a2", {"ol-app": 5, "ol-vip": 2}, 3))
    assert watch.update(floor, floor.take_changes())
    assert watch.members.queues == {"hl-gen", "hl-vip", "ol-app", "ol-vip"}
    assert watch.recomputed == 2
    # A new agent of team A (a structure change).
    floor.apply(ev.AgentLogin(T0 + 4, "a6", "A6", "A"))
    assert watch.update(floor, floor.take_changes())
    assert watch.members.agents == {"a1", "a2", "a6"}


def test_watch_follows_a_tier_agent_skilled_in_or_out():
    floor = _floor()
    watch = ScopeWatch(parse_scope("tier:vip"))
    watch.update(floor, None)
    floor.apply(ev.AgentSkills(T0 + 1, "a4", {"hl-gen": 5, "hl-vip": 1}, 0))
    assert watch.update(floor, floor.take_changes())
    assert "a4" in watch.members.agents
    floor.apply(ev.AgentSkills(T0 + 2, "a1", {"hl-gen": 5}, 0))
    assert watch.update(floor, floor.take_changes())
    assert watch.members.agents == {"a3", "a4", "a5"}
    watch.set_scope(WHOLE_FLOOR)
    assert watch.update(floor, floor.take_changes()) and watch.members is None


def test_scoped_headers_count_the_scopes_queues_and_agents():
    floor = _floor()
    floor.apply(ev.ContactOffered(T0 + 10, "c1", "hl-vip"))
    floor.apply(ev.ContactOffered(T0 + 20, "c2", "hl-gen"))  # not in the tier
    floor.apply(ev.Heartbeat(T0 + 40))
    changes = floor.take_changes()
    watch, headers = ScopeWatch(parse_scope("tier:vip")), ScopeHeaders()
    watch.update(floor, changes)
    headers.rebuild(floor, watch.members)
    hot, onl = headers.channel_view(floor, "hotline"), headers.channel_view(floor, "online")
    assert (hot.waiting, hot.longest_wait_s, hot.agents_staffed) == (1, 30.0, 1)  # c1; a1
    assert (onl.waiting, onl.agents_staffed) == (0, 2)  # a3, a5
    assert onl.chat_utilisation == 0.0  # 0 chats in 3 + 2 slots
    whole = floor.channel_view("hotline")
    assert (whole.waiting, whole.agents_staffed) == (2, 2)  # the floor's: c1, c2; a1, a4
    # a3 goes on break: only its channel's counts move, patched without a rebuild.
    floor.apply(ev.AgentStateChanged(T0 + 41, "a3", "not_ready", "break"))
    assert headers.follow(floor, floor.take_changes().agents) == {"online"}
    onl = headers.channel_view(floor, "online")
    assert (onl.agents_staffed, onl.agents_busy) == (2, 0)
    assert floor.chat_slots("online") == 5  # floor: a2's 3 + a5's 2
    assert headers._slots == 2  # scope: a5's 2 only (a3 is not serving)


def test_a_team_scopes_chat_slots_are_its_agents_chats_over_their_slots():
    # Team B's a3 (3 slots) holds one chat of ol-vip; a5 (no team, 2 slots) holds two
    # in the same queue: B's chat slots are 1/3 used, not (1 + 2) / 3.
    floor = _floor()
    for n, agent in ((1, "a3"), (2, "a5"), (3, "a5")):
        floor.apply(ev.ContactOffered(T0 + n, f"c{n}", "ol-vip"))
        floor.apply(ev.ContactAnswered(T0 + n, f"c{n}", "ol-vip", agent))
    changes = floor.take_changes()
    watch, headers = ScopeWatch(parse_scope("team:B")), ScopeHeaders()
    watch.update(floor, changes)
    headers.rebuild(floor, watch.members)
    assert headers.channel_view(floor, "online").chat_utilisation == pytest.approx(1 / 3)
    # a3 takes a second chat: patched from the changed agents, no rebuild.
    floor.apply(ev.ContactOffered(T0 + 9, "c9", "ol-vip"))
    floor.apply(ev.ContactAnswered(T0 + 9, "c9", "ol-vip", "a3"))
    headers.follow(floor, floor.take_changes().agents)
    assert headers.channel_view(floor, "online").chat_utilisation == pytest.approx(2 / 3)
