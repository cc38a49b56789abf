"""What an agent works on, as the grid shows it: channel, queue names, lend, waiting."""

from monitor import events as ev
from monitor.agent_work import (
    BLEND,
    HOTLINE,
    ONLINE,
    lend_left_s,
    queue_names,
    waiting_contacts,
    work_channel,
)
from monitor.commands import LendWatch, Reassign, Skills
from tests.floors import T0, build_floor


def test_work_channel_from_the_channels_of_the_agents_queues():
    floor = build_floor()
    queues = floor.queues
    assert work_channel({"general": 5, "vip": 5}, queues) == HOTLINE
    assert work_channel({"app": 5}, queues) == ONLINE
    assert work_channel({"general": 2, "app": 2}, queues) == BLEND
    assert work_channel({}, queues) == ""
    assert work_channel({"unknown": 1}, queues) == ""  # says nothing about the channel
    assert work_channel({"unknown": 1, "app": 1}, queues) == ONLINE


def test_queue_names_sorted_with_chinese_where_known():
    queues = build_floor().queues
    assert queue_names({"vip": 1, "general": 1}, queues) == ["General", "VIP"]
    assert queue_names({"vip": 1, "general": 1}, queues, chinese=True) == ["VIP", "普通"]
    assert queue_names({"gone": 1}, queues) == ["gone"]  # an unknown queue by its id


def test_waiting_contacts_longest_first_and_limited():
    floor = build_floor(
        ev.ContactOffered(T0 + 120, "c8", "general"), ev.ContactOffered(T0 + 110, "c9", "general")
    )
    contacts = waiting_contacts(floor.queues["general"])
    assert [(c.contact, c.offered_t, c.channel) for c in contacts] == [
        ("c4", T0 + 100, "hotline"),
        ("c9", T0 + 110, "hotline"),
        ("c8", T0 + 120, "hotline"),
    ]
    assert [c.contact for c in waiting_contacts(floor.queues["general"], limit=2)] == ["c4", "c9"]


def test_lend_left_counts_down_in_event_time_until_the_agent_is_back():
    watch = LendWatch()
    before = {"a1": Skills({"general": 5}, 0)}
    after = {"a1": Skills({"app": 5}, 3)}
    watch.started(Reassign(("a1",), "online", duration_s=1800), "sim", 1000.0, before, after)
    lends = watch.lends.values()
    assert lend_left_s(lends, "a1", 1000.0) == 1800.0
    assert lend_left_s(lends, "a1", 2500.0) == 300.0
    assert lend_left_s(lends, "a1", 9999.0) == 0.0  # due, not back yet
    assert lend_left_s(lends, "a2", 1000.0) is None
    watch.cancel(["a1"])  # a newer move: no lend any more
    assert lend_left_s(watch.lends.values(), "a1", 1000.0) is None
