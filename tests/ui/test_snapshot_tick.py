"""A snapshot tick on the floor window: one feed's state replaced (agents gone, new and
changed, a queue gone, a contact gone) while another feed stays. The window re-reads
only what the floor names; every tile, header and grid row must then show what a
window built afresh on the same floor shows."""

from __future__ import annotations

import copy

from monitor import events as ev
from monitor.floor import Floor
from tests.floors import NOW, build_floor
from ui.floor_window import FloorWindow
from ui.panels.agent_model import Column


def _two_feeds() -> Floor:
    """The worked example (feed "sim") and a second feed "pbx" whose agent b1 also
    serves the example's "general" queue."""
    floor = build_floor()
    for e in [
        ev.QueueDefined(NOW, "ext", "External", "hotline", 20.0),
        ev.AgentLogin(NOW, "b1", "Bea"), ev.AgentSkills(NOW, "b1", {"ext": 3, "general": 1}),
        ev.AgentLogin(NOW, "b2", "Bob"), ev.AgentSkills(NOW, "b2", {"ext": 3}),
        ev.ContactOffered(NOW + 1, "x1", "ext"),
        ev.Heartbeat(NOW + 2),
    ]:
        floor.apply(e, "pbx")
    return floor


def _shown(window: FloorWindow) -> tuple[dict, dict, dict]:
    """What the window shows: tile texts, channel headers, grid rows by agent id."""
    wall, model = window.queue_wall, window.agent_panel.model
    tiles = {queue_id: tile.values() for queue_id, tile in wall.tiles.items()}
    headers = {channel: wall.header_text(channel) for channel in ("hotline", "online")}
    rows = {
        model.agent_id(row): [model.index(row, column).data() for column in Column]
        for row in range(model.rowCount())
    }
    return tiles, headers, rows


def test_a_prepared_snapshot_tick_leaves_tiles_headers_and_rows_current(qtbot) -> None:
    floor = _two_feeds()
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.refresh(floor, floor.take_changes(), [])
    state = copy.deepcopy(floor.snapshot("sim"))
    state["queues"] = [q for q in state["queues"] if q["id"] != "wechat"]
    for agent in state["agents"]:
        agent["skills"].pop("wechat", None)
        if agent["id"] == "a4":
            agent["state"], agent["reason"] = "available", ""  # back from the break
    state["agents"] = [a for a in state["agents"] if a["id"] != "a5"]
    state["agents"].append({**copy.deepcopy(state["agents"][0]), "id": "a6", "name": "Fay"})
    state["contacts"] = [c for c in state["contacts"] if c["id"] != "c4"]
    prepared = floor.prepare_snapshot(state, "sim")

    floor.apply(ev.Snapshot(floor.now, 7, state).with_prepared(prepared), "sim")
    changes = floor.take_changes()
    assert prepared.installed
    assert "ext" not in changes.queues and not {"b1", "b2"} & changes.agents  # pbx untouched
    window.refresh(floor, changes, [])

    fresh = FloorWindow(floor)
    qtbot.addWidget(fresh)
    tiles, headers, rows = _shown(window)
    assert (tiles, headers, rows) == _shown(fresh)
    assert "wechat" not in tiles and tiles["general"]["waiting"] == "0"
    assert set(rows) == {"a1", "a2", "a3", "a4", "a6", "b1", "b2"}
    assert rows["a4"][Column.STATE] == "Available"


def test_a_snapshot_restating_a_feed_keeps_every_figure(qtbot) -> None:
    """The same state again (a resync with nothing missed): nothing shown moves."""
    floor = _two_feeds()
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.refresh(floor, floor.take_changes(), [])
    before = _shown(window)
    floor.apply(ev.Snapshot(floor.now, 8, floor.snapshot("pbx")), "pbx")
    window.refresh(floor, floor.take_changes(), [])
    assert _shown(window) == before
