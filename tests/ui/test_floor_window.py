"""Floor window: assembles the panels, forwards one tick, shows feed health."""

import time
from collections import Counter

import numpy as np
from PySide6.QtCore import QTimer

from feeds.health import FeedHealth
from monitor import events as ev
from ui import fmt
from ui.floor_window import FloorWindow
from ui.panels.health_bar import FeedState, HealthBar, feed_state


def _health(**kw):
    base = dict(
        url="ws://localhost:8765",
        feed="sim",
        connected=True,
        last_event_age_s=0.3,
        events_per_s=120.0,
        rejected=2,
        rejected_reasons=Counter({"bad json": 1, "unknown type": 1}),
        resyncs=1,
    )
    base.update(kw)
    return FeedHealth(**base)


def test_window_shows_the_floor_at_once(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)

    assert window.windowTitle() == "Floorwatch"
    assert list(window.queue_wall.tiles) == ["general", "vip", "app", "wechat"]
    assert window.agent_panel.proxy.rowCount() == 5
    x, waiting, sl = window.trend_panel.curve_data("hotline")
    assert len(x) == len(floor.trend.times) == 14
    assert x.min() >= -60 and x.max() <= 0


def test_refresh_updates_every_panel(qtbot, floor):
    window = FloorWindow(floor, lang="zh_CN")
    qtbot.addWidget(window)
    floor.take_changes()

    floor.apply(ev.ContactOffered(floor.now + 1, "c7", "app"))
    floor.apply(ev.AgentLogin(floor.now + 2, "a6", "Fay"))
    floor.apply(ev.Heartbeat(floor.now + 20))
    window.refresh(floor, floor.take_changes(), [_health()])

    assert window.queue_wall.tiles["app"].values()["waiting"] == "1"
    assert window.queue_wall.tiles["app"].values()["name"] == "应用"
    assert window.agent_panel.proxy.rowCount() == 6
    assert len(window.trend_panel.curve_data("online")[0]) == 16
    assert "sim connected" in window.health_bar.text()


def test_window_creates_no_timers(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.refresh(floor, floor.take_changes(), [_health()])

    assert window.findChildren(QTimer) == []


def test_health_bar_text(qtbot, floor):
    bar = HealthBar()
    qtbot.addWidget(bar)
    bar.update_health([_health(), _health(feed="", connected=False, events_per_s=0.0)], floor)

    feed_text, down_text, total, clock = bar.text().split("  |  ")
    assert feed_text == "● sim connected · 120 ev/s · 0.3 s · rejected 2 · resyncs 1"
    assert down_text.startswith("● ws://localhost:8765 disconnected · 0.0 ev/s")
    assert total == "120 ev/s total"
    assert clock == time.strftime("%H:%M:%S", time.localtime(floor.now)) == fmt.clock(floor.now)


def test_health_bar_tooltip_lists_rejected_reasons(qtbot, floor):
    bar = HealthBar()
    qtbot.addWidget(bar)
    bar.update_health([_health()], floor)

    tip = bar.feed_labels[0].toolTip()
    assert "bad json: 1" in tip and "unknown type: 1" in tip


def test_health_bar_drops_labels_of_gone_feeds(qtbot, floor):
    bar = HealthBar()
    qtbot.addWidget(bar)
    bar.update_health([_health(), _health(feed="chat")], floor)
    bar.update_health([_health(feed="chat")], floor)

    assert bar.text().count("●") == 1
    assert "● chat connected" in bar.text()


def test_feed_state_colours_by_connection_and_age():
    assert feed_state(_health()) == FeedState.GOOD
    assert feed_state(_health(last_event_age_s=3.0)) == FeedState.DEGRADED
    assert feed_state(_health(last_event_age_s=None)) == FeedState.DEGRADED
    assert feed_state(_health(dropped=4)) == FeedState.DEGRADED
    assert feed_state(_health(last_event_age_s=6.0)) == FeedState.DOWN
    assert feed_state(_health(connected=False)) == FeedState.DOWN


def test_trend_redraws_only_on_a_new_sample(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    curve = window.trend_panel.waiting_curves["hotline"]
    calls = []
    curve.sigPlotChanged.connect(lambda *_: calls.append(1))

    floor.apply(ev.Heartbeat(floor.now + 1))  # T0+131: no new 10 s sample
    window.refresh(floor, floor.take_changes(), [])
    assert calls == []

    floor.apply(ev.Heartbeat(floor.now + 10))
    window.refresh(floor, floor.take_changes(), [])
    assert calls
    _x, waiting, _sl = window.trend_panel.curve_data("hotline")
    assert np.isfinite(waiting).all()


def test_trend_skips_the_finite_check_only_for_finite_waiting(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    panel = window.trend_panel

    # Waiting is a count: finite, so pyqtgraph need not check; SL has gaps (NaN).
    assert panel.waiting_curves["hotline"].opts["skipFiniteCheck"] is True
    assert panel.sl_curves["online"].opts["skipFiniteCheck"] is False
    _x, _waiting, sl = panel.curve_data("online")
    assert np.isnan(sl).any()

    data = floor.trend.dump()
    data["series"]["hotline"][0][0] = float("nan")  # a snapshot brought a hole
    floor.trend.load(data)
    window.refresh(floor, floor.take_changes(), [])
    assert panel.waiting_curves["hotline"].opts["skipFiniteCheck"] is False


def test_trend_redraws_when_a_snapshot_merges_one_channel(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    data = floor.trend.dump()
    data["series"]["online"][0] = [7.0] * len(data["times"])

    floor.trend.merge(data, {"online"})  # same sample times, new online series
    window.refresh(floor, floor.take_changes(), [])

    _x, waiting, _sl = window.trend_panel.curve_data("online")
    assert list(waiting) == [7.0] * len(data["times"])
