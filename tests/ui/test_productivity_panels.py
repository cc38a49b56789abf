"""The channel header and the agent grid show contacts per staffed agent-hour and the
time-weighted occupancy, "–" (not 0) for a window with no whole minute (issue 15 part 2).
The figures themselves are checked by hand in tests/monitor/test_productivity.py."""

from __future__ import annotations

from PySide6.QtCore import Qt

from monitor import events as ev
from monitor.floor import Floor
from ui.panels.agent_model import AgentTableModel, Column
from ui.panels.queue_wall import QueueWall

T0 = 1_767_600_000.0  # a whole hour (UTC)


def _floor(until: float) -> Floor:
    """v1 logged in at T0 on "hl", one call T0+60..T0+240, then the clock at `until`."""
    floor = Floor(tz="UTC", window_min=15)
    floor.apply(ev.QueueDefined(T0, "hl", "Hotline", "hotline", 20.0))
    floor.apply(ev.AgentLogin(T0, "v1", "Vi"))
    floor.apply(ev.AgentSkills(T0, "v1", {"hl": 1}, 0))
    if until > T0 + 240:
        floor.apply(ev.ContactOffered(T0 + 60, "k1", "hl"))
        floor.apply(ev.ContactAnswered(T0 + 60, "k1", "hl", "v1"))
        floor.apply(ev.AgentStateChanged(T0 + 60, "v1", "on_contact"))
        floor.apply(ev.ContactEnded(T0 + 240, "k1", "hl", "v1"))
        floor.apply(ev.AgentStateChanged(T0 + 240, "v1", "available"))
    floor.apply(ev.Heartbeat(until))
    return floor


def _shown(qtbot, floor: Floor) -> tuple[str, str]:
    wall = QueueWall("en")
    qtbot.addWidget(wall)
    wall.update_floor(floor, floor.take_changes())
    model = AgentTableModel()
    model.update_floor(floor, floor.take_changes())
    cell = model.index(0, Column.PER_HOUR).data(Qt.ItemDataRole.DisplayRole)
    header = wall.header_text("hotline").splitlines()[1]  # the header's second line
    # The items do not wrap inside (no-break space and hyphen): read as plain text.
    return header.replace("\u00a0", " ").replace("\u2011", "-").replace("\u2060", ""), cell


def test_an_empty_window_shows_a_dash_not_zero(qtbot):
    header, cell = _shown(qtbot, _floor(T0 + 30))  # no whole minute yet
    assert header == "occupancy – · –/agent-h"
    assert cell == "–"


def test_the_header_and_the_agent_column_show_the_figures(qtbot):
    header, cell = _shown(qtbot, _floor(T0 + 600))
    # v1: busy 180 of 600 s (30%); 1 handled in 600 staffed seconds: 6.0 per hour.
    assert header == "occupancy 30% · 6.0/agent-h"
    assert cell == "6.0"


def test_the_definitions_are_in_the_tooltips(qtbot):
    floor = _floor(T0 + 600)
    wall = QueueWall("en")
    qtbot.addWidget(wall)
    assert "staffed agent-hours" in wall.groups["hotline"].header.toolTip()
    model = AgentTableModel()
    model.update_floor(floor, floor.take_changes())
    tip = model.headerData(Column.PER_HOUR, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "last 15 whole minutes" in tip
