"""Floor metrics on small event lists whose answers are worked out by hand."""

from zoneinfo import ZoneInfo

import pytest

from monitor import events as ev
from monitor.config import Config
from monitor.floor import Floor
from monitor.rolling import KEEP_MINUTES

T0 = 1_767_258_000.0  # a whole minute, so bucket edges are easy to reason about


def build(*events, short_abandon_s=5.0):
    floor = Floor(short_abandon_s=short_abandon_s)
    setup = [
        ev.QueueDefined(T0, "hl", "General", "hotline", 20.0),
        ev.QueueDefined(T0, "ol", "App chat", "online", 60.0),
        ev.AgentLogin(T0, "a1", "Ann"),
        ev.AgentSkills(T0, "a1", {"hl": 5}, 0),
        ev.AgentLogin(T0, "a2", "Bo"),
        ev.AgentSkills(T0, "a2", {"ol": 5}, 3),
        ev.AgentLogin(T0, "a3", "Cy"),
        ev.AgentSkills(T0, "a3", {"hl": 1, "ol": 1}, 3),  # blended
    ]
    for e in setup + list(events):
        floor.apply(e)
    return floor


def test_service_level_asa_abandon_and_longest_wait():
    f = build(
        ev.ContactOffered(T0 + 0, "c1", "hl"),
        ev.ContactOffered(T0 + 1, "c2", "hl"),
        ev.ContactOffered(T0 + 2, "c3", "hl"),
        ev.ContactOffered(T0 + 3, "c4", "hl"),
        ev.ContactOffered(T0 + 4, "c5", "hl"),
        ev.ContactAnswered(T0 + 10, "c1", "hl", "a1"),  # waited 10: within 20
        ev.ContactAnswered(T0 + 31, "c2", "hl", "a3"),  # waited 30: missed
        ev.ContactAbandoned(T0 + 5, "c3", "hl"),  # waited 3: short abandon
        ev.ContactAbandoned(T0 + 43, "c4", "hl"),  # waited 40: counted
        ev.Heartbeat(T0 + 64),  # c5 still waiting, 60 s
    )
    v = f.queue_view("hl")
    assert (v.offered, v.answered, v.abandoned, v.waiting) == (5, 2, 2, 1)
    # SL = within / (answered + abandoned - short) = 1 / (2 + 2 - 1)
    assert v.service_level == pytest.approx(1 / 3)
    assert v.asa_s == pytest.approx((10 + 30) / 2)
    # abandon rate = long abandons / (answered + long abandons) = 1 / 3
    assert v.abandon_rate == pytest.approx(1 / 3)
    assert v.longest_wait_s == pytest.approx(60.0)


def test_aht_includes_wrap_up_and_counts_at_wrap_end():
    f = build(
        ev.ContactOffered(T0, "c1", "hl"),
        ev.ContactAnswered(T0 + 5, "c1", "hl", "a1"),
        ev.AgentStateChanged(T0 + 5, "a1", "on_contact"),
        ev.ContactEnded(T0 + 125, "c1", "hl", "a1"),  # talk 120
        ev.AgentStateChanged(T0 + 125, "a1", "wrap_up"),
    )
    assert f.queue_view("hl").aht_s is None  # wrap-up not over: not yet complete
    f.apply(ev.AgentStateChanged(T0 + 155, "a1", "available"))  # wrap 30
    assert f.queue_view("hl").aht_s == pytest.approx(150.0)
    assert f.agents["a1"].handled == 1


def test_concurrent_chats_count_load_and_first_response():
    f = build(
        ev.ContactOffered(T0, "k1", "ol"),
        ev.ChatMessage(T0, "k1", "customer", "hello"),
        ev.ContactOffered(T0 + 1, "k2", "ol"),
        ev.ContactAnswered(T0 + 20, "k1", "ol", "a2"),
        ev.ContactAnswered(T0 + 21, "k2", "ol", "a2"),
        ev.ChatMessage(T0 + 50, "k1", "agent", "hi, how can I help?"),
        ev.ChatMessage(T0 + 60, "k1", "agent", "second reply is not a first response"),
    )
    assert f.agents["a2"].load == 2
    t = f.queues["ol"].stats.window(f.now, 15)
    assert (t.first_responses, t.first_response_s) == (1, 50.0)
    f.apply(ev.ContactEnded(T0 + 100, "k1", "ol", "a2"))  # another chat open: no wrap
    assert f.agents["a2"].load == 1
    assert f.queue_view("ol").aht_s == pytest.approx(80.0)


def test_agent_counts_per_queue_and_blended_agents_counted_once_per_channel():
    f = build(
        ev.AgentStateChanged(T0 + 1, "a1", "on_contact"),
        ev.AgentStateChanged(T0 + 1, "a3", "not_ready", "break"),
    )
    hl = f.queue_view("hl")
    assert (hl.agents_available, hl.agents_busy, hl.agents_staffed) == (0, 1, 2)
    ol = f.queue_view("ol")
    assert (ol.agents_available, ol.agents_busy, ol.agents_staffed) == (1, 0, 2)
    assert f.channel_view("hotline").agents_staffed == 2
    assert f.channel_view("online").agents_staffed == 2
    f.apply(ev.AgentSkills(T0 + 2, "a3", {"ol": 1}, 3))  # moved to online only
    assert f.queue_view("hl").agents_staffed == 1
    assert f.agents["a3"].reason == "break"


def test_callbacks_are_a_backlog_not_abandons():
    f = build(
        ev.ContactOffered(T0, "k1", "ol"),
        ev.CallbackRequested(T0 + 61, "k1", "ol", "callback", 61.0),
    )
    v = f.queue_view("ol")
    assert (v.waiting, v.abandoned, v.backlog) == (0, 0, 1)
    f.apply(ev.CallbackCompleted(T0 + 300, "k1", "ol", "a2"))
    assert f.queue_view("ol").backlog == 0


def test_transfer_leaves_one_queue_and_waits_in_the_other():
    f = build(
        ev.QueueDefined(T0, "hc", "Complaints", "hotline", 30.0),
        ev.ContactOffered(T0, "c1", "hl"),
        ev.ContactAnswered(T0 + 5, "c1", "hl", "a1"),
        ev.ContactTransferred(T0 + 65, "c1", "hl", "hc", "a1"),
        ev.AgentStateChanged(T0 + 65, "a1", "wrap_up"),
        ev.AgentStateChanged(T0 + 75, "a1", "available"),
    )
    assert f.queue_view("hc").waiting == 1
    assert f.queue_view("hc").offered == 1
    assert f.agents["a1"].load == 0
    assert f.queue_view("hl").aht_s == pytest.approx(60.0 + 10.0)  # talk + wrap-up


def test_duplicates_are_ignored():
    f = build(
        ev.ContactOffered(T0, "c1", "hl"),
        ev.ContactOffered(T0, "c1", "hl"),
        ev.ContactAnswered(T0 + 5, "c1", "hl", "a1"),
        ev.ContactAnswered(T0 + 5, "c1", "hl", "a1"),
    )
    v = f.queue_view("hl")
    assert (v.offered, v.answered) == (1, 1)


def test_rolling_window_forgets_old_minutes():
    f = build(ev.ContactOffered(T0, "c1", "hl"), ev.ContactAbandoned(T0 + 30, "c1", "hl"))
    assert f.queue_view("hl", 5).abandoned == 1
    f.apply(ev.Heartbeat(T0 + 5 * 60))  # minute 5: window is minutes 1..5
    assert f.queue_view("hl", 5).abandoned == 0
    assert f.queue_view("hl", 15).abandoned == 1


def test_memory_is_constant_in_run_length():
    f = build()
    for i in range(20_000):  # ~5.5 hours of one contact per second
        t = T0 + i
        f.apply(ev.ContactOffered(t, f"c{i}", "hl"))
        f.apply(ev.ContactAnswered(t + 0.5, f"c{i}", "hl", "a1"))
        f.apply(ev.ContactEnded(t + 0.9, f"c{i}", "hl", "a1"))
    assert len(f.contacts) == 0
    assert len(f.queues["hl"].stats.dump()["minutes"]) <= KEEP_MINUTES
    assert len(f.trend.times) <= 360


def test_event_time_drives_the_clock_not_the_wall():
    f = build(ev.AgentStateChanged(T0 + 10, "a1", "not_ready", "meal"))
    f.apply(ev.Heartbeat(T0 + 70))
    a = f.agents["a1"]
    assert f.now - a.state_since == 60.0


def test_snapshot_round_trip_restores_views():
    f = build(
        ev.ContactOffered(T0, "c1", "hl"),
        ev.ContactOffered(T0 + 1, "c2", "hl"),
        ev.ContactAnswered(T0 + 10, "c1", "hl", "a1"),
        ev.AgentStateChanged(T0 + 10, "a1", "on_contact"),
        ev.Heartbeat(T0 + 30),
    )
    g = Floor()
    g.apply(ev.Snapshot(T0 + 30, 99, f.snapshot()))
    for q in ("hl", "ol"):
        assert g.queue_view(q) == f.queue_view(q)
    assert g.agents["a1"].load == 1
    assert list(g.trend.times) == list(f.trend.times)


def test_unknown_agent_state_is_counted_not_fatal():
    f = build(ev.AgentStateChanged(T0 + 1, "a1", "dancing"))
    assert f.rejected_events == 1
    assert f.agents["a1"].state == "available"


def test_queue_defined_after_skills_moves_counts_to_its_channel():
    f = build(
        ev.AgentLogin(T0, "a9", "Late"),
        ev.AgentSkills(T0, "a9", {"wx": 1}, 3),  # queue not defined yet
    )
    f.apply(ev.QueueDefined(T0 + 1, "wx", "WeChat", "online", 60.0))
    assert f.channel_view("online").agents_staffed == 3
    assert f.channel_view("hotline").agents_staffed == 2


def test_an_end_for_a_contact_still_waiting_takes_it_out_of_the_queue():
    f = build(ev.ContactOffered(T0 + 10, "c", "hl"), ev.ContactEnded(T0 + 20, "c", "hl", "a1"),
              ev.Heartbeat(T0 + 500))
    v = f.queue_view("hl")
    assert (v.waiting, v.longest_wait_s) == (0, 0.0)


def test_from_config_takes_the_metric_settings():
    cfg = Config(window_minutes=30, short_abandon_s=10.0, tz="Asia/Shanghai",
                 day_reset="06:00", sl_variant="answered", sl_variants={"hl": "removed"})
    f = Floor.from_config(cfg)
    assert (f.window_min, f.short_abandon_s, f.day_reset) == (30, 10.0, (6, 0))
    assert f.tz == ZoneInfo("Asia/Shanghai")
    assert (f.sl_variant_of("hl"), f.sl_variant_of("ol")) == ("removed", "answered")
    cfg.sl_variants["ol"] = "offered"
    assert f.sl_variant_of("ol") == "answered"  # the floor keeps its own copy


def test_from_a_default_config_is_a_default_floor():
    f, g = Floor.from_config(Config()), Floor()
    assert (f.window_min, f.short_abandon_s, f.tz, f.day_reset, f.sl_variant, f.sl_variants) \
        == (g.window_min, g.short_abandon_s, g.tz, g.day_reset, g.sl_variant, g.sl_variants)


def test_from_config_refuses_an_unknown_variant():
    with pytest.raises(ValueError, match="made_up"):
        Floor.from_config(Config(sl_variants={"hl": "made_up"}))
