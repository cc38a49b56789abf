"""Contacts per staffed agent-hour and time-weighted occupancy on hand-computed event
lists (issue 15 part 2). Every figure is worked out in the comments; an empty window is
None (the screens show "–"), never 0. Windows cover whole minutes: a rolling window of N
minutes is the N whole minutes before the current one.
"""

from __future__ import annotations

import pytest

from monitor import events as ev
from monitor.floor import WINDOW_INTERVAL, WINDOW_TODAY, Floor
from monitor.productivity import per_agent_hour

T0 = 1_767_600_000.0  # 2026-01-05 08:00 UTC: a whole hour


def _hotline() -> Floor:
    """v1 and v2 logged in at T0 on "hl"; v2 on a break all along; v1 takes one call
    from T0+60 to T0+240 (no wrap-up), handled when it goes available again."""
    floor = Floor(tz="UTC", window_min=15)
    floor.apply(ev.QueueDefined(T0, "hl", "Hotline", "hotline", 20.0))
    for agent in ("v1", "v2"):
        floor.apply(ev.AgentLogin(T0, agent, agent))
        floor.apply(ev.AgentSkills(T0, agent, {"hl": 1}, 0))
    floor.apply(ev.AgentStateChanged(T0, "v2", "not_ready", "break"))
    floor.apply(ev.ContactOffered(T0 + 60, "k1", "hl"))
    floor.apply(ev.ContactAnswered(T0 + 60, "k1", "hl", "v1"))
    floor.apply(ev.AgentStateChanged(T0 + 60, "v1", "on_contact"))
    floor.apply(ev.ContactEnded(T0 + 240, "k1", "hl", "v1"))
    floor.apply(ev.AgentStateChanged(T0 + 240, "v1", "available"))
    return floor


def test_channel_contacts_per_staffed_hour_and_time_weighted_occupancy():
    floor = _hotline()
    floor.apply(ev.Heartbeat(T0 + 600))  # minute 10: the 15-min window is T0..T0+600
    work = floor.productivity.channel(floor, "hotline", 15)
    # Staffed: v1 600 s + v2 600 s (not ready is staffed) = 1/3 h; 1 handled -> 3.0/h.
    assert work.handled == 1
    assert work.staffed_s == pytest.approx(1200.0)
    assert work.contacts_per_agent_hour == pytest.approx(3.0)
    # Busy v1 180 s, available v1 420 s; v2's break counts in neither: 180/600.
    assert work.occupancy == pytest.approx(0.3)
    assert work.chat_utilisation is None  # voice
    # The current-state ratio would say 0 (v1 available now): the header no longer uses it.
    assert floor.channel_view("hotline").occupancy == 0.0


def test_per_agent_figures():
    floor = _hotline()
    floor.apply(ev.Heartbeat(T0 + 600))
    v1 = floor.productivity.agent(floor, "v1", 15)
    v2 = floor.productivity.agent(floor, "v2", 15)
    assert (v1.handled, v1.staffed_s) == (1, pytest.approx(600.0))
    assert v1.contacts_per_agent_hour == pytest.approx(6.0)  # 1 in 1/6 h
    assert v2.contacts_per_agent_hour == 0.0  # staffed, nothing handled: a true zero


def test_logged_out_time_is_not_staffed():
    floor = _hotline()
    floor.apply(ev.AgentLogout(T0 + 300, "v2"))
    floor.apply(ev.Heartbeat(T0 + 600))
    work = floor.productivity.channel(floor, "hotline", 15)
    # v1 600 s + v2 300 s = 900 s = 1/4 h: 1 handled -> 4.0/h.
    assert work.staffed_s == pytest.approx(900.0)
    assert work.contacts_per_agent_hour == pytest.approx(4.0)
    assert floor.productivity.agent(floor, "v2", 15).staffed_s == pytest.approx(300.0)


def test_chat_concurrency_three_chats_for_an_hour_are_three_per_hour():
    floor = Floor(tz="UTC", window_min=60)
    floor.apply(ev.QueueDefined(T0, "ch", "Chat", "online", 60.0))
    floor.apply(ev.AgentLogin(T0 + 60, "c1", "c1"))
    floor.apply(ev.AgentSkills(T0 + 60, "c1", {"ch": 1}, 3))
    for n in range(3):
        floor.apply(ev.ContactOffered(T0 + 60, f"x{n}", "ch"))
        floor.apply(ev.ContactAnswered(T0 + 60, f"x{n}", "ch", "c1"))
    floor.apply(ev.AgentStateChanged(T0 + 60, "c1", "on_contact"))
    for n in range(3):
        floor.apply(ev.ContactEnded(T0 + 3600, f"x{n}", "ch", "c1"))
    floor.apply(ev.AgentStateChanged(T0 + 3600, "c1", "available"))
    floor.apply(ev.Heartbeat(T0 + 3660))  # minute 61: the 60-min window is T0+60..T0+3660
    work = floor.productivity.channel(floor, "online", 60)
    # One staffed hour, three chats handled in it at once: 3.0 per agent-hour.
    assert work.handled == 3 and work.staffed_s == pytest.approx(3600.0)
    assert work.contacts_per_agent_hour == pytest.approx(3.0)
    assert floor.productivity.agent(floor, "c1", 60).contacts_per_agent_hour == pytest.approx(3.0)
    # 3 chats of 3 slots for 3540 s, none for the last 60 s: 3*3540 / (3*3600).
    assert work.chat_utilisation == pytest.approx(3540 / 3600)
    # Busy (on contact) 3540 s, available 60 s.
    assert work.occupancy == pytest.approx(3540 / 3600)


def _two_agents(floor: Floor) -> None:
    floor.apply(ev.QueueDefined(T0, "hl", "Hotline", "hotline", 20.0))
    for agent in ("v1", "v2"):
        floor.apply(ev.AgentLogin(T0, agent, agent))
        floor.apply(ev.AgentSkills(T0, agent, {"hl": 1}, 0))


def test_an_empty_window_is_none_not_zero():
    floor = Floor(tz="UTC", window_min=15)
    _two_agents(floor)
    floor.apply(ev.Heartbeat(T0 + 30))  # still the first minute: no whole minute yet
    work = floor.productivity.channel(floor, "hotline", 15)
    assert work.contacts_per_agent_hour is None and work.occupancy is None
    assert floor.productivity.agent(floor, "v1", 15).contacts_per_agent_hour is None
    assert floor.productivity.channel(floor, "online", 15).contacts_per_agent_hour is None
    # The first minute of a half hour: nothing whole in it yet.
    floor.apply(ev.Heartbeat(T0 + 1800 + 10))
    assert floor.productivity.channel(floor, "hotline", WINDOW_INTERVAL).occupancy is None
    assert floor.productivity.channel(floor, "hotline", 15).occupancy == 0.0  # all available
    assert per_agent_hour(0, 0.0) is None


def test_the_current_minute_is_not_counted_until_it_is_whole():
    floor = Floor(tz="UTC", window_min=15)
    _two_agents(floor)
    floor.apply(ev.ContactOffered(T0 + 60, "k1", "hl"))
    floor.apply(ev.ContactAnswered(T0 + 60, "k1", "hl", "v1"))
    floor.apply(ev.AgentStateChanged(T0 + 60, "v1", "on_contact"))
    floor.apply(ev.Heartbeat(T0 + 90))  # minute 1: minute 0 is whole, the call is not in it
    work = floor.productivity.channel(floor, "hotline", 15)
    assert work.staffed_s == pytest.approx(120.0)  # two agents, minute 0
    assert work.occupancy == 0.0  # both available all of minute 0
    floor.apply(ev.Heartbeat(T0 + 120))
    # Minutes 0 and 1: v1 busy 60 s, available 180 s (v1 60 s + v2 120 s): 60/240.
    assert floor.productivity.channel(floor, "hotline", 15).occupancy == pytest.approx(0.25)


def test_today_keeps_minutes_older_than_the_ring_and_interval_starts_at_the_half_hour():
    floor = _hotline()
    floor.apply(ev.Heartbeat(T0 + 7200 + 600))  # 2 h 10 min after T0 (10:10 UTC)
    today = floor.productivity.channel(floor, "hotline", WINDOW_TODAY)
    # Both agents staffed 7800 s each since T0 (the day began at midnight): 1 handled.
    assert today.staffed_s == pytest.approx(2 * 7800.0)
    assert today.contacts_per_agent_hour == pytest.approx(3600 / 15600)
    assert floor.productivity.agent(floor, "v1", WINDOW_TODAY).staffed_s == pytest.approx(7800.0)
    # The rolling hour: 2 agents x 3600 s, nothing handled in it: 0.0, not None.
    hour = floor.productivity.channel(floor, "hotline", 60)
    assert hour.staffed_s == pytest.approx(7200.0) and hour.contacts_per_agent_hour == 0.0
    # The half hour since 10:00: 10 whole minutes, 2 agents.
    half = floor.productivity.channel(floor, "hotline", WINDOW_INTERVAL)
    assert half.staffed_s == pytest.approx(1200.0)


def test_a_new_day_starts_today_again():
    floor = Floor(tz="UTC", window_min=15)
    floor.apply(ev.QueueDefined(T0, "hl", "Hotline", "hotline", 20.0))
    floor.apply(ev.AgentLogin(T0, "v1", "v1"))
    floor.apply(ev.AgentSkills(T0, "v1", {"hl": 1}, 0))
    midnight = T0 + 16 * 3600  # 2026-01-06 00:00 UTC
    floor.apply(ev.Heartbeat(midnight + 600))
    assert floor.productivity.channel(floor, "hotline", WINDOW_TODAY).staffed_s == pytest.approx(
        600.0
    )
    assert floor.productivity.agent(floor, "v1", WINDOW_TODAY).staffed_s == pytest.approx(600.0)


def test_figures_move_once_a_minute_and_the_minute_names_the_channel():
    floor = _hotline()
    floor.apply(ev.Heartbeat(T0 + 600))
    floor.take_changes()
    first = floor.productivity.channel(floor, "hotline", 15)
    floor.apply(ev.Heartbeat(T0 + 630))  # same minute: the same figures, not rebuilt
    assert floor.productivity.channel(floor, "hotline", 15) is first
    floor.apply(ev.Heartbeat(T0 + 660))  # a new minute: the staffed channel is named
    assert "hotline" in floor.take_changes().channels
    after = floor.productivity.channel(floor, "hotline", 15)
    assert after.staffed_s == pytest.approx(1320.0)
    # Cached per minute, never different from a read without the cache.
    assert floor.productivity.channel(floor, "hotline", 15, cached=False) == after


def test_agents_of_a_snapshot_are_followed_from_the_install():
    source = _hotline()
    floor = Floor(tz="UTC", window_min=15)
    floor.apply(ev.Heartbeat(T0 + 300))
    floor.load_snapshot(source.snapshot(""), "")
    floor.apply(ev.Heartbeat(T0 + 600))
    # Nothing before the snapshot is known: v1 counts 300 s staffed, from T0+300.
    assert floor.productivity.agent(floor, "v1", 15).staffed_s == pytest.approx(300.0)
    assert floor.productivity.channel(floor, "hotline", 15).staffed_s == pytest.approx(600.0)
