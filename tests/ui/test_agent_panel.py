"""Agent panel: filtering by text, state and skill; sorting on request; multi-selection."""

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from monitor import events as ev
from ui.panels.agent_model import AgentIdRole, Column
from ui.panels.agent_panel import AgentPanel


@pytest.fixture
def panel(qtbot, floor):
    panel = AgentPanel()
    qtbot.addWidget(panel)
    panel.update_floor(floor, floor.take_changes())
    return panel


def shown(panel):
    """Agent ids in the order the table shows them."""
    proxy = panel.proxy
    return [proxy.index(r, 0).data(AgentIdRole) for r in range(proxy.rowCount())]


def _choose(combo, data):
    index = combo.findData(data)
    assert index >= 0
    combo.setCurrentIndex(index)


def test_a_row_per_agent(panel):
    assert shown(panel) == ["a1", "a2", "a3", "a4", "a5"]
    assert panel.count_label.text() == "5 agents"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bo", ["a2"]),  # name
        ("A4", ["a4"]),  # id, case-insensitive
        ("wech", ["a2"]),  # skill substring
        ("vip", ["a1"]),
        ("app", ["a2", "a3", "a5"]),
        ("nobody", []),
    ],
)
def test_text_filter_matches_name_id_or_skill(panel, text, expected):
    panel.filter_edit.setText(text)
    assert shown(panel) == expected


def test_state_and_skill_filters_combine(panel):
    _choose(panel.state_combo, "on_contact")
    assert shown(panel) == ["a1", "a2", "a3"]

    _choose(panel.skill_combo, "general")
    assert shown(panel) == ["a1", "a3"]
    assert panel.count_label.text() == "2 of 5 agents"

    _choose(panel.state_combo, None)  # All states
    assert shown(panel) == ["a1", "a3", "a4"]


def test_skill_combo_offers_every_queue(panel, floor):
    items = [panel.skill_combo.itemData(i) for i in range(panel.skill_combo.count())]
    assert items == [None, "general", "vip", "app", "wechat"]

    _choose(panel.skill_combo, "vip")
    floor.apply(ev.QueueDefined(floor.now, "complaints", "Complaints", "hotline"))
    panel.update_floor(floor, floor.take_changes())

    assert panel.skill_combo.findData("complaints") > 0
    assert panel.skill_combo.currentData() == "vip"  # the choice survives a rebuild
    assert shown(panel) == ["a1"]


def test_state_filter_follows_agents_that_change_state(panel, floor):
    _choose(panel.state_combo, "available")
    assert shown(panel) == ["a5"]

    t = floor.now + 1
    floor.apply(ev.AgentStateChanged(t, "a5", "ringing"))
    floor.apply(ev.AgentStateChanged(t, "a4", "available"))
    panel.update_floor(floor, floor.take_changes())

    assert shown(panel) == ["a4"]


def test_sorting_by_time_in_state(panel):
    # Time in state: Bo 85 s, Cy 90 s, Ann 120 s, Di 128 s, Eve 130 s.
    panel.view.sortByColumn(Column.TIME_IN_STATE, Qt.SortOrder.AscendingOrder)
    assert shown(panel) == ["a2", "a3", "a1", "a4", "a5"]

    panel.view.sortByColumn(Column.TIME_IN_STATE, Qt.SortOrder.DescendingOrder)
    assert shown(panel) == ["a5", "a4", "a1", "a3", "a2"]


def test_rows_do_not_jump_on_a_tick_only_on_request(panel, floor):
    panel.view.sortByColumn(Column.TIME_IN_STATE, Qt.SortOrder.AscendingOrder)

    floor.apply(ev.AgentStateChanged(floor.now + 1, "a5", "ringing"))  # Eve: 0 s now
    panel.update_floor(floor, floor.take_changes())
    assert shown(panel) == ["a2", "a3", "a1", "a4", "a5"]

    panel.view.sortByColumn(Column.TIME_IN_STATE, Qt.SortOrder.AscendingOrder)
    assert shown(panel) == ["a5", "a2", "a3", "a1", "a4"]


def test_selected_agent_ids_in_view_order(panel):
    panel.view.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)  # Eve … Ann
    selection = panel.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (3, 0):
        selection.select(panel.proxy.index(row, 0), flags)

    assert panel.selected_agent_ids() == ["a5", "a2"]
