"""Agent panel: filtering by text, state, channel and queue; sorting on request;
multi-selection; the waiting contacts of a chosen queue."""

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from monitor import events as ev
from monitor.floor import Floor
from ui import fmt
from ui.panels.agent_model import AgentIdRole, Column
from ui.panels.agent_panel import AgentPanel

T0 = 1_767_258_000.0


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


# ------------------------------------------------------------ 10,000 agents
def _big_floor(agents=10_000):
    floor = Floor()
    floor.apply(ev.QueueDefined(T0, "general", "General", "hotline"))
    for i in range(agents):
        floor.apply(ev.AgentLogin(T0, f"a{i}", f"Agent {i:05d}"))
        floor.apply(ev.AgentSkills(T0, f"a{i}", {"general": 1}))
    return floor


@pytest.fixture
def big_panel(qtbot):
    floor = _big_floor()
    panel = AgentPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    panel.update_floor(floor, floor.take_changes())
    return panel, floor


def test_a_tick_refilters_only_the_changed_agents(big_panel, monkeypatch):
    panel, floor = big_panel
    _choose(panel.state_combo, "available")
    assert panel.proxy.rowCount() == 10_000
    checked = []
    accepts = panel.proxy.accepts
    monkeypatch.setattr(panel.proxy, "accepts", lambda row: checked.append(row) or accepts(row))

    for i in (3, 500, 9_999):
        floor.apply(ev.AgentStateChanged(T0 + 5, f"a{i}", "on_contact"))
    panel.update_floor(floor, floor.take_changes())

    assert panel.proxy.rowCount() == 9_997
    assert panel.count_label.text() == "9997 of 10000 agents"
    # The three changed rows, and the rows on screen whose time in state moved.
    assert 3 <= len(checked) < 100


def test_time_in_state_is_signalled_for_the_rows_on_screen_only(big_panel):
    panel, floor = big_panel
    panel.view.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    signalled = []
    panel.model.dataChanged.connect(
        lambda top, bottom, _roles: signalled.extend(range(top.row(), bottom.row() + 1))
        if top.column() == Column.TIME_IN_STATE else None)

    floor.apply(ev.Heartbeat(T0 + 30))
    panel.update_floor(floor, floor.take_changes())

    shown = panel.view.rowAt(0), panel.view.rowAt(panel.view.viewport().height() - 1)
    on_screen = {panel.model.agent_id(r) for r in signalled}
    assert 0 < len(signalled) < 100
    assert panel.proxy.index(shown[0], 0).data(AgentIdRole) in on_screen
    assert "a9999" in on_screen  # sorted by name, descending: Agent 09999 first


def test_sorting_is_done_once_by_the_model_not_the_proxy(big_panel):
    panel, floor = big_panel
    panel.view.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)

    assert shown(panel)[:2] == ["a9999", "a9998"]
    assert panel.proxy.sortColumn() == -1  # the proxy never re-sorts on a tick
    assert panel.view.horizontalHeader().sortIndicatorSection() == Column.NAME


def test_selection_follows_its_agents_through_a_sort(panel):
    selection = panel.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(panel.proxy.index(1, 0), flags)  # Bo
    assert panel.selected_agent_ids() == ["a2"]

    panel.view.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)

    assert panel.selected_agent_ids() == ["a2"]
    assert shown(panel).index("a2") == 3


def test_a_snapshot_keeps_rows_and_selection(panel, floor):
    selection = panel.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(panel.proxy.index(2, 0), flags)  # Cy

    floor.apply(ev.Snapshot(floor.now, 1, floor.snapshot("sim")), "sim")
    panel.update_floor(floor, floor.take_changes())

    assert shown(panel) == ["a1", "a2", "a3", "a4", "a5"]
    assert panel.selected_agent_ids() == ["a3"]


def test_rows_are_refiltered_by_qt_only_while_a_filter_is_set(panel):
    assert not panel.proxy.dynamicSortFilter()  # nothing to re-filter: signals pass on

    _choose(panel.state_combo, "available")
    assert panel.proxy.dynamicSortFilter()

    _choose(panel.state_combo, None)
    assert not panel.proxy.dynamicSortFilter()
    assert shown(panel) == ["a1", "a2", "a3", "a4", "a5"]


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("hotline", ["a1", "a4"]), ("online", ["a2", "a5"]), ("blend", ["a3"]), (None, None)],
)
def test_channel_filter(panel, channel, expected):
    _choose(panel.channel_combo, channel)
    assert shown(panel) == (expected or ["a1", "a2", "a3", "a4", "a5"])


def test_text_filter_finds_queue_names_in_either_language(panel):
    panel.filter_edit.setText("App chat")
    assert shown(panel) == ["a2", "a3", "a5"]
    panel.filter_edit.setText("微信")
    assert shown(panel) == ["a2"]


def test_queue_filter_offers_queue_names(panel):
    names = [panel.skill_combo.itemText(i) for i in range(panel.skill_combo.count())]
    assert names == ["All queues", "General", "VIP", "App chat", "WeChat"]


def test_a_clicked_queue_filters_the_grid_and_lists_its_waiting_contacts(qtbot, panel, floor):
    panel.show()
    assert panel.waiting.isHidden()
    panel.show_queue("general")
    assert shown(panel) == ["a1", "a3", "a4"]
    assert panel.skill_combo.currentData() == "general"
    assert panel.waiting.isVisible()
    assert panel.waiting.contacts() == [("c4", fmt.clock(T0 + 100), "Hotline")]
    assert panel.waiting.title.text() == "General: 1 waiting"

    floor.apply(ev.ContactOffered(floor.now + 1, "c9", "general"), "sim")
    floor.apply(ev.ContactOffered(floor.now + 1, "c10", "app"), "sim")
    panel.update_floor(floor, floor.take_changes())
    assert [c[0] for c in panel.waiting.contacts()] == ["c4", "c9"]

    panel.show_queue("")
    assert shown(panel) == ["a1", "a2", "a3", "a4", "a5"]
    assert panel.waiting.isHidden()


def test_the_waiting_list_reads_its_queue_only_when_it_changed(qtbot, panel, floor):
    panel.show_queue("general")
    calls = []
    original = panel.waiting._fill
    panel.waiting._fill = lambda f: (calls.append(1), original(f))
    floor.apply(ev.ContactOffered(floor.now, "c10", "app"), "sim")
    changes = floor.take_changes()
    assert "general" not in changes.queues
    panel.update_floor(floor, changes)
    assert calls == []


def test_a_move_badge_widens_the_state_column_to_fit(qtbot, panel):
    before = panel.view.columnWidth(Column.STATE)
    badge = "move pending (after the contact ends, then to online)"
    panel.model.badge_of = {"a4": badge}.get
    panel.model.refresh_agents(["a4"])
    text = panel.model.index(3, Column.STATE).data()
    assert badge in text
    assert panel.view.columnWidth(Column.STATE) > before
    assert panel.view.columnWidth(Column.STATE) >= panel.view.fontMetrics().horizontalAdvance(text)
