"""Queue wall: one tile per queue with the floor's numbers; a tick touches what changed."""

from dataclasses import replace
from types import MappingProxyType

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from monitor import events as ev
from monitor.floor import Changes
from monitor.thresholds import ThresholdBook, Thresholds, TileState
from monitor.views import WINDOW_INTERVAL, WINDOW_TODAY
from ui.panels.queue_tile import STALE_VALUE
from ui.panels.queue_wall import QueueTile, QueueWall


def _wall(qtbot, floor, lang="en"):
    wall = QueueWall(lang)
    qtbot.addWidget(wall)
    wall.update_floor(floor, floor.take_changes())
    return wall


def test_a_tile_per_queue_with_the_numbers(qtbot, floor):
    wall = _wall(qtbot, floor)

    assert list(wall.tiles) == ["general", "vip", "app", "wechat"]
    assert wall.findChild(QueueTile, "tile-general") is wall.tiles["general"]
    assert wall.tiles["general"].values() == {
        "name": "General",
        # SL 33% is below 60%, but over 3 contacts (fewer than the 10 it takes to
        # alarm); the 30 s wait is over the 20 s target: a warning.
        "state": "Warning",
        "waiting": "1",
        "longest_wait": "0:30",
        "service_level": "33%",
        "asa": "0:22",
        "abandon_rate": "33%",
        "agents": "0 / 2",
        "backlog": "0",
        "aht": "–",  # nobody finished a contact yet
        # No AHT, so no Erlang model: position 2 x (130 s held / 2 answered) = 130 s.
        "ewt": "2:10",
        "nps": "–", "csat": "–", "response": "–",  # no survey, no chat reply: not 0
        "bot": "–/0",  # (hidden: a hotline queue, no bot)
    }
    # One callback, asked for at 09:01:30, at 09:02:10: 1 whole clock minute, none worked.
    assert wall.tiles["vip"].values()["backlog"] == "1\u2009·\u20091m\u2009·\u20090"
    assert not wall.tiles["vip"].fields["bot"].isVisibleTo(wall.tiles["vip"])
    app = wall.tiles["app"].values()
    assert (app["service_level"], app["asa"], app["agents"], app["state"]) == (
        "100%",
        "0:15",
        "1 / 2",
        "OK",
    )
    # No traffic yet: a dash, not a misleading 0%.
    wechat = wall.tiles["wechat"].values()
    assert (wechat["service_level"], wechat["asa"], wechat["abandon_rate"]) == ("–", "–", "–")


def test_tiles_are_grouped_by_channel_and_headers_summarise(qtbot, floor):
    wall = _wall(qtbot, floor)

    assert wall.groups["hotline"].isAncestorOf(wall.tiles["general"])
    assert wall.groups["hotline"].isAncestorOf(wall.tiles["vip"])
    assert wall.groups["online"].isAncestorOf(wall.tiles["app"])
    assert wall.groups["online"].isAncestorOf(wall.tiles["wechat"])
    # hotline SL = 1 within / (2 answered + 1 abandon + 1 callback)
    # Occupancy over the whole minutes T0..T0+120 (docs/metrics.md): a1 busy 110 s,
    # available 10 s; a3 (blended) busy 80 s, available 40 s; a4 available 2 s, then
    # not ready: 190 / 242 = 79%. Nothing handled in 360 staffed seconds: 0.0/agent-h.
    lines = wall.header_text("hotline").replace("\u00a0", " ").replace(
        "\u2011", "-"
    ).replace("\u2060", "").splitlines()
    assert lines[:2] == [
        "1 waiting · longest 0:30 · SL 25% · 2/3 busy · callbacks 1 · oldest 1m · 0 worked",
        "occupancy 79% · 0.0/agent-h",
    ]
    assert wall.header_text("online").startswith("0 waiting · longest 0:00 · SL 100%")


def test_service_level_tooltip_names_the_target(qtbot, floor):
    wall = _wall(qtbot, floor)

    assert "20 s" in wall.tiles["general"].fields["service_level"].toolTip()
    assert "60 s" in wall.tiles["app"].fields["service_level"].toolTip()


def test_agent_counts_tooltip_says_a_shared_agent_counts_on_each_tile(qtbot, floor):
    wall = _wall(qtbot, floor)
    tip = wall.tiles["general"].fields["agents"].toolTip()
    assert "staffed" in tip and "each person once" in tip


def test_tiles_are_kept_and_relabelled_when_structure_is_unchanged(qtbot, floor):
    wall = _wall(qtbot, floor)
    tile = wall.tiles["general"]

    floor.apply(ev.ContactOffered(floor.now + 5, "c7", "general"))
    floor.apply(ev.Heartbeat(floor.now + 10))
    changes = floor.take_changes()
    assert not changes.structure
    wall.update_floor(floor, changes)

    assert wall.tiles["general"] is tile
    assert tile.values()["waiting"] == "2"
    assert tile.values()["longest_wait"] == "0:45"


def test_structure_change_adds_a_tile(qtbot, floor):
    wall = _wall(qtbot, floor)

    floor.apply(ev.QueueDefined(floor.now, "complaints", "Complaints", "hotline", 30.0))
    wall.update_floor(floor, floor.take_changes())

    assert list(wall.tiles) == ["general", "vip", "app", "wechat", "complaints"]
    assert wall.groups["hotline"].isAncestorOf(wall.tiles["complaints"])
    assert wall.tiles["complaints"].values()["waiting"] == "0"


def test_state_is_said_in_words_not_only_colour(qtbot, floor):
    wall = _wall(qtbot, floor)

    assert wall.tiles["app"].state == TileState.OK
    assert wall.tiles["app"].values()["state"] == "OK"
    assert wall.tiles["general"].state == TileState.WARNING
    assert wall.tiles["general"].values()["state"] == "Warning"
    # c4 has waited 30 s; 31 s more and it is past 3 x the 20 s target: critical.
    floor.apply(ev.Heartbeat(floor.now + 31))
    wall.update_floor(floor, floor.take_changes())
    assert wall.tiles["general"].state == TileState.CRITICAL
    assert wall.tiles["general"].values()["state"] == "Critical"


def test_chinese_ui_shows_name_zh_with_fallback(qtbot, floor):
    wall = _wall(qtbot, floor, lang="zh_CN")

    assert wall.tiles["general"].values()["name"] == "普通"
    assert wall.tiles["vip"].values()["name"] == "VIP"  # no Chinese name given
    assert "General" in wall.tiles["general"].title.toolTip()


# ------------------------------------------------------------ work follows change
def _spy(monkeypatch, floor, name):
    """Record the ids `floor.<name>` (queue_view or channel_view) is called with."""
    calls = []
    original = getattr(floor, name)

    def spy(key, *args, **kwargs):
        calls.append(key)
        return original(key, *args, **kwargs)

    monkeypatch.setattr(floor, name, spy)
    return calls


def _changes(queues=(), channels=(), structure=False):
    """A tick's changes as the engine could state them."""
    return Changes(queues=set(queues), agents=set(), structure=structure, channels=set(channels))


def test_a_tick_reads_only_the_queues_that_changed(qtbot, floor, monkeypatch):
    wall = _wall(qtbot, floor)
    before = {queue_id: tile.values() for queue_id, tile in wall.tiles.items()}
    calls = _spy(monkeypatch, floor, "queue_view")

    floor.apply(ev.ContactOffered(floor.now, "c9", "wechat"))  # no time passes
    changes = floor.take_changes()
    wall.update_floor(floor, changes)

    assert "wechat" in calls and sorted(calls) == sorted(changes.queues)
    assert wall.tiles["wechat"].values()["waiting"] == "1"
    for queue_id in set(before) - changes.queues:
        assert wall.tiles[queue_id].values() == before[queue_id]


def test_unchanged_queues_keep_their_text_while_the_clock_moves(qtbot, floor, monkeypatch):
    wall = _wall(qtbot, floor)
    general = wall.tiles["general"].values()
    calls = _spy(monkeypatch, floor, "queue_view")

    floor.apply(ev.Heartbeat(floor.now + 5))
    floor.take_changes()
    wall.update_floor(floor, _changes(queues={"app"}))

    assert calls == ["app"]
    # Not read, so not redrawn: had the engine named it, longest wait would say 0:35.
    assert wall.tiles["general"].values() == general


def test_a_tile_sets_only_labels_whose_text_changed(qtbot, floor):
    wall = _wall(qtbot, floor)
    tile = wall.tiles["general"]
    set_texts = []
    for name, field in tile.fields.items():
        field.value.setText = lambda text, name=name: set_texts.append(name)

    floor.apply(ev.ContactOffered(floor.now, "c9", "general"))  # one more waiting
    wall.update_floor(floor, floor.take_changes())

    assert "waiting" in set_texts
    assert "asa" not in set_texts and "service_level" not in set_texts


def test_values_keep_a_fixed_box_that_only_widens(qtbot, floor):
    wall = _wall(qtbot, floor)
    value = wall.tiles["general"].fields["longest_wait"].value
    width = value.width()
    # A fixed box: a new value repaints the label without relaying the tile out.
    assert value.minimumSize() == value.maximumSize()

    value.setText("0:01")
    assert value.width() == width
    value.setText("10:00:00")
    assert value.width() > width
    wider = value.width()
    value.setText("0:02")
    assert value.width() == wider


def test_adding_a_queue_keeps_every_tile_and_its_place(qtbot, floor):
    wall = _wall(qtbot, floor)
    tiles = dict(wall.tiles)
    places = {queue_id: _place(wall, queue_id) for queue_id in tiles}

    floor.apply(ev.QueueDefined(floor.now, "complaints", "Complaints", "hotline", 30.0))
    wall.update_floor(floor, floor.take_changes())

    assert all(wall.tiles[queue_id] is tile for queue_id, tile in tiles.items())
    assert {queue_id: _place(wall, queue_id) for queue_id in tiles} == places
    assert _place(wall, "complaints") == ("hotline", 0, 2)  # after general and vip


def test_a_snapshot_of_the_same_queues_keeps_the_tiles(qtbot, floor):
    wall = _wall(qtbot, floor)
    tiles = dict(wall.tiles)

    floor.apply(ev.Snapshot(floor.now, 1, floor.snapshot("sim")), "sim")
    changes = floor.take_changes()
    assert changes.structure
    wall.update_floor(floor, changes)

    assert wall.tiles == tiles
    assert all(wall.tiles[queue_id] is tile for queue_id, tile in tiles.items())
    assert wall.tiles["general"].values()["waiting"] == "1"


def test_removing_a_feeds_queues_removes_their_tiles(qtbot, floor):
    for n in range(4):
        floor.apply(ev.QueueDefined(floor.now, f"x{n}", f"X{n}", "hotline", 20.0), "pbx")
    floor.apply(ev.QueueDefined(floor.now, "later", "Later", "hotline", 20.0))
    wall = _wall(qtbot, floor)
    kept = {queue_id: wall.tiles[queue_id] for queue_id in ("general", "vip", "later")}
    assert _place(wall, "later") == ("hotline", 2, 0)

    floor.apply(ev.Snapshot(floor.now, 1, {"now": floor.now, "queues": [], "agents": []}), "pbx")
    changes = floor.take_changes()
    wall.update_floor(floor, changes)

    assert list(wall.tiles) == ["general", "vip", "app", "wechat", "later"]
    assert all(wall.tiles[queue_id] is tile for queue_id, tile in kept.items())
    assert wall.findChildren(QueueTile, "tile-x0") == []
    # The gap closes: the later tile moves up into the first free place.
    assert _place(wall, "later") == ("hotline", 0, 2)


def test_a_queue_moving_channel_moves_its_tile(qtbot, floor):
    wall = _wall(qtbot, floor)

    floor.apply(ev.QueueDefined(floor.now, "vip", "VIP", "online", 60.0))
    wall.update_floor(floor, floor.take_changes())

    assert wall.groups["online"].isAncestorOf(wall.tiles["vip"])
    assert _place(wall, "vip") == ("online", 0, 2)
    assert _place(wall, "general") == ("hotline", 0, 0)


def test_headers_update_only_for_changed_channels(qtbot, floor, monkeypatch):
    wall = _wall(qtbot, floor)
    online = wall.header_text("online")
    calls = _spy(monkeypatch, floor, "channel_view")

    floor.apply(ev.ContactOffered(floor.now, "c9", "general"))
    floor.apply(ev.ContactOffered(floor.now, "c10", "app"))
    floor.take_changes()
    wall.update_floor(floor, _changes(queues={"general"}, channels={"hotline"}))

    assert calls == ["hotline"]
    assert wall.header_text("hotline").startswith("2 waiting")
    assert wall.header_text("online") == online  # not named, not read


def _place(wall, queue_id):
    """(channel, row, column) of a queue's tile in its channel's grid."""
    tile = wall.tiles[queue_id]
    for channel, group in wall.groups.items():
        index = group.grid.indexOf(tile)
        if index >= 0:
            row, column, _rows, _columns = group.grid.getItemPosition(index)
            return channel, row, column
    return None


# ------------------------------------------------------------ stale feeds
def _two_feed_wall(qtbot, floor):
    """The worked example (feed "") plus a queue fed by "pbx"."""
    floor.apply(ev.QueueDefined(floor.now, "sales", "Sales", "hotline", 20.0), "pbx")
    floor.apply(ev.ContactOffered(floor.now, "s1", "sales"), "pbx")
    return _wall(qtbot, floor)


def _value_colour(tile, field="waiting"):
    label = tile.fields[field].value
    return label.palette().color(label.foregroundRole()).name()


def test_a_stale_feed_greys_its_tiles_and_header_until_it_returns(qtbot, floor):
    wall = _two_feed_wall(qtbot, floor)
    sales, general = wall.tiles["sales"], wall.tiles["general"]
    normal = _value_colour(sales)
    assert sales.values()["state"] in ("OK", "Warning", "Critical")

    wall.set_stale_feeds({"pbx": "unreachable"})

    assert sales.stale == "unreachable" and sales.values()["state"] == "Stale"
    assert _value_colour(sales) == STALE_VALUE.name() != normal
    assert "pbx" in sales.badge.toolTip() and "unreachable" in sales.badge.toolTip()
    assert sales.values()["waiting"] == "1"  # the last figures, greyed, not blanked
    assert general.stale is None and general.values()["state"] == "Warning"
    assert _value_colour(general) == normal
    hotline, online = wall.groups["hotline"], wall.groups["online"]
    assert not hotline.stale_mark.isHidden() and "pbx" in hotline.header.toolTip()
    assert online.stale_mark.isHidden()

    wall.set_stale_feeds({})

    assert sales.stale is None and sales.values()["state"] == sales.state.value.capitalize()
    assert _value_colour(sales) == normal
    assert hotline.stale_mark.isHidden() and "pbx" not in hotline.header.toolTip()


def test_stale_feeds_restyle_nothing_while_the_set_stands_still(qtbot, floor, monkeypatch):
    wall = _two_feed_wall(qtbot, floor)
    wall.set_stale_feeds({"pbx": "unreachable"})
    calls = []
    for tile in wall.tiles.values():
        monkeypatch.setattr(tile, "set_stale", lambda *a, tile=tile: calls.append(tile))

    wall.set_stale_feeds({"pbx": "unreachable"})  # the next tick: same set
    assert calls == []
    wall.set_stale_feeds({"pbx": "silent"})  # another reason: only pbx's tiles
    assert calls == [wall.tiles["sales"]]


def test_a_tile_new_on_a_stale_feed_starts_grey(qtbot, floor):
    wall = _two_feed_wall(qtbot, floor)
    wall.set_stale_feeds({"pbx": "unreachable"})

    floor.apply(ev.QueueDefined(floor.now, "billing", "Billing", "hotline", 20.0), "pbx")
    wall.update_floor(floor, floor.take_changes())

    assert wall.tiles["billing"].values()["state"] == "Stale"


# ------------------------------------------------------------ click, select
def test_a_click_selects_a_queue_and_a_second_click_or_esc_clears(qtbot, floor):
    wall = _wall(qtbot, floor)
    wall.show()
    clicked = []
    wall.sig_queue_clicked.connect(clicked.append)
    general, app = wall.tiles["general"], wall.tiles["app"]

    qtbot.mouseClick(general, Qt.MouseButton.LeftButton)
    assert clicked == ["general"] and general.selected and wall.selected_queue == "general"
    qtbot.mouseClick(app, Qt.MouseButton.LeftButton)
    assert clicked[-1] == "app" and app.selected and not general.selected
    qtbot.mouseClick(app, Qt.MouseButton.LeftButton)
    assert clicked[-1] == "" and not app.selected and wall.selected_queue == ""

    qtbot.mouseClick(general, Qt.MouseButton.LeftButton)
    qtbot.keyClick(wall, Qt.Key.Key_Escape)
    assert clicked[-1] == "" and not general.selected
    qtbot.mouseClick(general, Qt.MouseButton.RightButton)  # only a left click selects
    assert clicked[-1] == ""


def test_the_selected_queue_going_away_clears_the_selection(qtbot, floor):
    for n in range(2):
        floor.apply(ev.QueueDefined(floor.now, f"x{n}", f"X{n}", "hotline", 20.0), "pbx")
    wall = _wall(qtbot, floor)
    clicked = []
    wall.sig_queue_clicked.connect(clicked.append)
    wall.select_queue("x1")

    floor.apply(ev.Snapshot(floor.now, 1, {"now": floor.now, "queues": [], "agents": []}), "pbx")
    wall.update_floor(floor, floor.take_changes())

    assert clicked == ["x1", ""] and wall.selected_queue == ""


# ------------------------------------------------------------ window, rule
def test_set_window_rereads_every_tile_once_over_that_window(qtbot, floor, monkeypatch):
    wall = _wall(qtbot, floor)
    calls = []
    original = floor.queue_view

    def spy(queue_id, window=None):
        calls.append((queue_id, window))
        return original(queue_id, window)

    monkeypatch.setattr(floor, "queue_view", spy)

    wall.set_window(WINDOW_TODAY)

    assert sorted(calls) == sorted((q, WINDOW_TODAY) for q in wall.tiles)
    assert "today" in wall.tiles["general"].fields["service_level"].toolTip()
    calls.clear()
    wall.set_window(WINDOW_TODAY)  # the same window: nothing read
    assert calls == []
    floor.apply(ev.ContactOffered(floor.now, "c9", "app"))
    wall.update_floor(floor, floor.take_changes())  # then per tick, as before
    assert ("app", WINDOW_TODAY) in calls and ("vip", WINDOW_TODAY) not in calls
    wall.set_window(WINDOW_INTERVAL)
    assert "this half hour" in wall.tiles["general"].fields["service_level"].toolTip()
    wall.set_window(60)
    assert "the last 60 min" in wall.tiles["general"].fields["service_level"].toolTip()


# Offscreen has no window manager to raise the tooltip's window with, and says so.
@pytest.mark.qt_log_ignore(r"^This plugin does not support raise\(\)$")
def test_the_tooltip_states_the_rule_of_the_queue(qtbot, floor):
    floor.thresholds = ThresholdBook(
        Thresholds(),
        MappingProxyType(
            {
                "general": Thresholds(
                    sl_goal=0.9, sl_critical=0.7, critical_wait_factor=4.0, min_contacts=3
                )
            }
        ),
    )
    wall = _wall(qtbot, floor)

    tip = wall.tiles["general"].rule_text()
    assert "below 90 %" in tip and "below 70 %" in tip
    assert "a wait over 20 s" in tip and "80 s (4 × the target)" in tip
    assert "from 3 contacts (now 3)" in tip
    # 33 % over 3 contacts, now enough to count: critical by the SL rule.
    assert tip.splitlines()[0] == "Critical: service level below 70 %"
    # Hovering the badge (no tooltip of its own) shows the rule.
    wall.show()
    badge = wall.tiles["general"].badge
    QApplication.sendEvent(
        badge, QHelpEvent(QEvent.Type.ToolTip, QPoint(1, 1), badge.mapToGlobal(QPoint(1, 1)))
    )
    assert QToolTip.text() == tip
    QToolTip.hideText()
    vip = wall.tiles["vip"].rule_text()
    assert "below 80 %" in vip and "from 10 contacts" in vip and "3 ×" in vip


def test_offer_callback_shows_above_a_minute_of_estimated_wait(qtbot, floor):
    wall = _wall(qtbot, floor)
    tile = wall.tiles["general"]
    assert tile.values()["ewt"] == "2:10" and not tile.offer.isHidden()
    width = tile.minimumSizeHint().width()

    tile.update_view(replace(floor.queue_view("general"), ewt_s=60.0))
    assert tile.values()["ewt"] == "1:00" and tile.offer.isHidden()
    assert tile.minimumSizeHint().width() == width  # its room is kept: no relayout
