"""Queue wall: one tile per queue with the floor's numbers, rebuilt only on structure change."""

from monitor import events as ev
from monitor.thresholds import TileState
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
        "state": "Critical",  # SL 33% is below 60%
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
    }
    assert wall.tiles["vip"].values()["backlog"] == "1"
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
    assert wall.header_text("hotline") == (
        "1 waiting · longest 0:30 · SL 25% · 2/3 busy · callbacks 1 · occupancy 100%"
    )
    assert wall.header_text("online").startswith("0 waiting · longest 0:00 · SL 100%")


def test_service_level_tooltip_names_the_target(qtbot, floor):
    wall = _wall(qtbot, floor)

    assert "20 s" in wall.tiles["general"].fields["service_level"].toolTip()
    assert "60 s" in wall.tiles["app"].fields["service_level"].toolTip()


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
    assert wall.tiles["general"].state == TileState.CRITICAL
    assert wall.tiles["general"].values()["state"] == "Critical"


def test_chinese_ui_shows_name_zh_with_fallback(qtbot, floor):
    wall = _wall(qtbot, floor, lang="zh_CN")

    assert wall.tiles["general"].values()["name"] == "普通"
    assert wall.tiles["vip"].values()["name"] == "VIP"  # no Chinese name given
    assert "General" in wall.tiles["general"].title.toolTip()
