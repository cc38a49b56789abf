"""Floor window: assembles the panels, forwards one tick, shows feed health."""

import re
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QTimer

from feeds.health import FeedHealth
from monitor import events as ev
from monitor.commands import LendWatch, Reassign, Skills
from monitor.config import Config
from monitor.floor import Changes, Floor
from monitor.views import WINDOW_INTERVAL, WINDOW_TODAY
from ui import fmt
from ui.app import show_lends
from ui.floor_window import FloorWindow
from ui.panels.agent_model import Column
from ui.panels.health_bar import FeedState, HealthBar, feed_state

DOCS = Path(__file__).resolve().parents[2] / "docs"


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


# ------------------------------------------------------------- stale feeds, banner
def _down(**kw):
    return _health(connected=False, last_event_age_s=4.0, events=50,
                   last_error="ConnectionRefusedError: [Errno 111] Connect call failed", **kw)


def test_a_down_feed_raises_the_banner_and_greys_its_agents(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.show()
    window.feed_keys = ["sim"]  # the key the worked example's agents carry
    window.wall_clock = lambda: 1_767_258_500.0
    assert window.banner.isHidden()

    window.refresh(floor, floor.take_changes(), [_down()])
    since = fmt.clock(1_767_258_500.0 - 4.0)  # its last frame came 4 s ago
    assert window.banner.isVisible()
    assert window.banner.text() == (
        f"Feed sim stale since {since}: connection refused (is the feed running?). "
        "Its queues and agents are greyed and show the last known figures.")
    assert window.agent_panel.model.is_stale(floor.agents["a1"])
    assert all(tile.stale == "connection refused (is the feed running?)"
               for tile in window.queue_wall.tiles.values())

    window.wall_clock = lambda: 1_767_258_600.0  # still down later: the same since
    window.refresh(floor, floor.take_changes(), [_down()])
    assert since in window.banner.text()

    window.refresh(floor, floor.take_changes(), [_health()])
    assert window.banner.isHidden() and window.banner.text() == ""
    assert not window.agent_panel.model.is_stale(floor.agents["a1"])
    assert all(tile.stale is None for tile in window.queue_wall.tiles.values())


def test_a_silent_feed_is_stale_and_only_that_feed(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.feed_keys = ["sim", "other"]
    window.refresh(floor, floor.take_changes(),
                   [_health(last_event_age_s=9.0), _health(feed="chat")])
    assert list(window.stale) == ["sim"]
    assert "Feed sim stale since" in window.banner.text()
    assert "silent: no data, not even a heartbeat" in window.banner.text()
    assert "chat" not in window.banner.text()


# --------------------------------------------------- window selector and menus
def test_the_window_selector_switches_the_wall_and_the_view_menu(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    combo = window.menus.combo
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == ["Rolling 15 min", "Rolling 60 min", "This half hour", "Today"]
    assert combo.currentData() == 15

    combo.setCurrentIndex(combo.findData(WINDOW_TODAY))
    assert window.queue_wall.window == WINDOW_TODAY
    assert window.menus.window_actions[WINDOW_TODAY].isChecked()

    window.menus.window_actions[60].trigger()
    assert window.queue_wall.window == 60
    assert combo.currentData() == 60


def test_the_configured_rolling_window_is_offered_and_chosen(qtbot):
    floor = Floor(window_min=30)
    window = FloorWindow(floor, config=Config(window_minutes=30))
    qtbot.addWidget(window)
    assert [window.menus.combo.itemData(i) for i in range(window.menus.combo.count())] == [
        15, 30, 60, WINDOW_INTERVAL, WINDOW_TODAY]
    assert window.menus.current == 30


def test_menus_quit_settings_help_and_about(qtbot, floor, tmp_path):
    config = Config(feeds=["ws://feed:1"], short_abandon_s=3.0, tz="Asia/Shanghai")
    window = FloorWindow(floor, config=config, config_path=str(tmp_path / "fw.toml"))
    qtbot.addWidget(window)
    window.show()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&View", "&Settings", "&Help"]
    assert window.menus.quit_action.shortcut().toString() == "Ctrl+Q"

    window.menus.settings_action.trigger()
    values = window.menus.last_dialog.values
    assert values["Config file"] == str(tmp_path / "fw.toml")
    assert values["Feeds"] == "ws://feed:1"
    assert values["Short abandon"] == "under 3 s"
    assert values["Time zone"] == "Asia/Shanghai"
    assert values["Tile thresholds"].startswith("warning below SL 80 %, critical below SL 60 %")
    assert values["Feed stale after"] == "5 s without data"
    window.menus.last_dialog.close()

    window.menus.help_action.trigger()
    help_text = window.menus.last_dialog.label.text()
    named = re.findall(r"[\w-]+\.md", help_text)
    assert "floor-window.md" in named
    assert all((DOCS / name).is_file() for name in named), named  # no dead references
    window.menus.last_dialog.close()
    window.menus.about_action.trigger()
    assert window.menus.last_dialog.label.text().startswith("Floorwatch")
    window.menus.last_dialog.close()

    window.menus.quit_action.trigger()
    assert not window.isVisible()


def test_settings_without_a_config_file_say_so(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.menus.show_settings()
    values = window.menus.last_dialog.values
    assert values["Config file"] == "none (command-line flags and built-in defaults)"
    window.menus.last_dialog.close()


# ---------------------------------------------------------- tile click -> grid
def test_a_tile_click_filters_the_grid_and_lists_waiting_contacts(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.show()
    panel = window.agent_panel
    window.queue_wall.select_queue("general")
    assert panel.proxy.rowCount() == 3  # Ann, Cy, Di serve General
    assert panel.waiting.isVisible()
    assert [c[0] for c in panel.waiting.contacts()] == ["c4"]

    window.queue_wall.select_queue("")
    assert panel.proxy.rowCount() == 5
    assert panel.waiting.isHidden()

    panel.skill_combo.setCurrentIndex(panel.skill_combo.findData("app"))
    assert window.queue_wall.selected_queue == "app"  # the wall follows the grid's choice


def test_the_grid_counts_down_the_controllers_lends(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    controller = SimpleNamespace(lends=LendWatch(), floor=floor)
    show_lends(window, controller)
    model = window.agent_panel.model
    row = model.row_of("a1")
    assert model.index(row, Column.CHANNEL).data() == "Hotline"

    controller.lends.started(Reassign(("a1",), "online", duration_s=600), "sim", floor.now - 60,
                             {"a1": Skills({"general": 5}, 0)}, {"a1": Skills({"app": 5}, 3)})
    assert model.index(row, Column.CHANNEL).data() == "Hotline ⇄ 9:00"


def test_text_outside_the_wall_grows_with_a_4k_window(qtbot, floor):
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    panel = window.agent_panel
    small = (panel.view.fontMetrics().height(), window.banner.label.fontMetrics().height(),
             window.menuBar().fontMetrics().height(), panel.view.columnWidth(Column.STATE),
             panel.view.horizontalHeader().fontMetrics().height())
    window.resize(3840, 2160)
    qtbot.waitUntil(lambda: window.font_scale == 2.25)  # min(2.4, 2.16) in quarter steps
    large = (panel.view.fontMetrics().height(), window.banner.label.fontMetrics().height(),
             window.menuBar().fontMetrics().height(), panel.view.columnWidth(Column.STATE),
             panel.view.horizontalHeader().fontMetrics().height())
    assert all(big >= 1.8 * little for big, little in zip(large, small, strict=True)), (
        small, large)
    row_height = panel.view.verticalHeader().defaultSectionSize()
    assert row_height >= panel.view.fontMetrics().height()  # rows grew with the text

    window.resize(1280, 720)  # smaller than designed: never below the designed size
    qtbot.waitUntil(lambda: window.font_scale == 1.0)


def test_a_config_naming_a_queue_no_feed_has_is_said_in_the_status_bar(qtbot, floor):
    config = Config(sl_variants={"genral": "answered"}, path="floor.toml")
    window = FloorWindow(floor, config=config)
    qtbot.addWidget(window)
    assert window.config_warning.isVisibleTo(window)
    text = window.config_warning.text()
    assert "floor.toml: sl_variants.genral: no feed has a queue 'genral'" in text
    assert "did you mean 'general'" in text
    # The queue arrives (a feed defines it): the warning goes.
    floor.apply(ev.QueueDefined(floor.now, "genral", "Typo queue", "hotline", 20.0))
    window.refresh(floor, floor.take_changes(), [])
    assert not window.config_warning.isVisibleTo(window)


def test_the_config_check_waits_for_every_feed(qtbot, floor):
    config = Config(sl_variants={"chat-vip": "answered"}, path="floor.toml")
    window = FloorWindow(floor, config=config)
    window.feed_keys = ["", "chat"]  # the "chat" feed has sent nothing yet
    window.config_warning.hide()
    window.refresh(floor, Changes(structure=True), [])
    assert not window.config_warning.isVisibleTo(window)
