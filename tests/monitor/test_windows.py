"""Calendar windows, SL variants per queue, capacity views and wait estimates."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from monitor import events as ev
from monitor.floor import WINDOW_INTERVAL, WINDOW_TODAY, Floor

SH = ZoneInfo("Asia/Shanghai")


def at(hhmmss: str, day: int = 2) -> float:
    h, m, s = (int(x) for x in hhmmss.split(":"))
    return datetime(2026, 3, day, h, m, s, tzinfo=SH).timestamp()


def floor_with(*events, **kw):
    f = Floor(tz="Asia/Shanghai", **kw)
    f.apply(ev.QueueDefined(events[0].t, "hl", "General", "hotline", 20.0))
    f.apply(ev.QueueDefined(events[0].t, "ol", "App", "online", 60.0))
    for e in events:
        f.apply(e)
    return f


def offered_answered(cid, t_in, wait, queue="hl", agent="a1"):
    return [ev.ContactOffered(t_in, cid, queue), ev.ContactAnswered(t_in + wait, cid, queue, agent)]


def test_half_hour_interval_and_today_with_a_daily_reset_time():
    f = floor_with(
        *offered_answered("c0", at("05:50:00"), 5),  # before the 06:00 reset: yesterday
        *offered_answered("c1", at("06:10:00"), 5),
        *offered_answered("c2", at("09:29:00"), 5),  # answered 09:29:05: previous half hour
        *offered_answered("c3", at("09:35:00"), 30),
        ev.Heartbeat(at("09:40:00")),
        day_reset="06:00",
    )
    assert f.queue_view("hl", WINDOW_INTERVAL).answered == 1  # only c3 (09:30-10:00)
    assert f.queue_view("hl", WINDOW_TODAY).answered == 3  # c1, c2, c3: three hours back
    assert f.queue_view("hl", 15).answered == 2  # 09:26..09:40
    assert f.queue_view("hl", WINDOW_TODAY).service_level == pytest.approx(2 / 3)


def test_today_resets_at_the_configured_time_and_survives_a_snapshot():
    f = floor_with(
        *offered_answered("c1", at("23:30:00", day=2), 5),
        ev.Heartbeat(at("23:59:00", day=2)),
        day_reset="00:00",
    )
    assert f.queue_view("hl", WINDOW_TODAY).answered == 1
    g = Floor(tz="Asia/Shanghai")
    g.apply(ev.Snapshot(f.now, 1, f.snapshot()))
    assert g.queue_view("hl", WINDOW_TODAY).answered == 1
    f.apply(ev.Heartbeat(at("00:00:30", day=3)))
    assert f.queue_view("hl", WINDOW_TODAY).answered == 0
    assert f.queue_view("hl", 60).answered == 1  # rolling windows do not care about days


def test_service_level_variant_is_chosen_per_queue():
    events = [
        *offered_answered("c1", at("10:00:00"), 10),  # within 20
        *offered_answered("c2", at("10:00:00"), 40),  # beyond
        ev.ContactOffered(at("10:00:00"), "c3", "hl"),
        ev.ContactAbandoned(at("10:00:15"), "c3", "hl"),  # abandoned within T, not short
        ev.ContactOffered(at("10:00:00"), "k1", "ol"),
        ev.ContactAnswered(at("10:00:30"), "k1", "ol", "a2"),
        ev.Heartbeat(at("10:01:00")),
    ]
    f = floor_with(*events, sl_variants={"hl": "answered_abandoned"})
    assert f.queue_view("hl").sl_variant == "answered_abandoned"
    assert f.queue_view("hl").service_level == pytest.approx(2 / 3)  # (1 + 1) / (2 + 1)
    assert f.queue_view("ol").sl_variant == "offered"
    g = floor_with(*events, sl_variant="answered")
    assert g.queue_view("hl").service_level == pytest.approx(1 / 2)
    h = floor_with(*events, sl_variant="removed")
    assert h.queue_view("hl").service_level == pytest.approx(2 / 3)  # c1 and c3 left in T
    with pytest.raises(ValueError, match="variant"):
        Floor(sl_variant="made_up")


def test_occupancy_and_chat_utilisation_count_blended_agents_once():
    t = at("10:00:00")
    f = floor_with(
        ev.AgentLogin(t, "v1", "Voice"), ev.AgentSkills(t, "v1", {"hl": 1}, 0),
        ev.AgentLogin(t, "b1", "Blend"), ev.AgentSkills(t, "b1", {"hl": 1, "ol": 1}, 3),
        ev.AgentLogin(t, "c1", "Chat"), ev.AgentSkills(t, "c1", {"ol": 1}, 5),
        ev.AgentStateChanged(t, "v1", "on_contact"),
        ev.ContactOffered(t, "k1", "ol"), ev.ContactAnswered(t + 5, "k1", "ol", "c1"),
        ev.ContactOffered(t, "k2", "ol"), ev.ContactAnswered(t + 6, "k2", "ol", "c1"),
        ev.AgentStateChanged(t + 5, "c1", "on_contact"),
    )
    hot, onl = f.channel_view("hotline"), f.channel_view("online")
    assert hot.occupancy == pytest.approx(1 / 2)  # v1 busy, b1 available
    assert onl.chat_utilisation == pytest.approx(2 / 8)  # 2 chats over 3 + 5 slots
    f.apply(ev.AgentStateChanged(t + 10, "b1", "not_ready", "meal"))
    assert f.channel_view("online").chat_utilisation == pytest.approx(2 / 5)
    f.apply(ev.ContactEnded(t + 20, "k1", "ol", "c1"))
    assert f.channel_view("online").in_progress == 1


def test_tile_estimate_uses_erlang_c_once_rates_and_aht_are_known():
    t0 = at("10:00:00")
    events = [ev.AgentLogin(t0, f"a{i}", f"A{i}") for i in range(4)]
    events += [ev.AgentSkills(t0, f"a{i}", {"hl": 1}, 0) for i in range(4)]
    for n in range(20):  # a call every 45 s, 120 s talk, nobody abandons
        t = t0 + 45 * n
        agent = f"a{n % 4}"
        events += [
            ev.ContactOffered(t, f"c{n}", "hl"),
            ev.ContactAnswered(t + 2, f"c{n}", "hl", agent),
            ev.ContactEnded(t + 122, f"c{n}", "hl", agent),
        ]
    events.sort(key=lambda e: e.t)
    f = floor_with(*events, ev.Heartbeat(t0 + 900))
    view = f.queue_view("hl")
    assert view.ewt_model == "erlang_c"
    # 4 serving agents; traffic over the 15 min window held so far, AHT from completed calls.
    totals = f.queues["hl"].stats.window(f.now, 15)
    rate = totals.offered / 900.0
    aht = totals.handle_s / totals.handled
    assert view.ewt_s == pytest.approx(aht / (4 - rate * aht))
