"""Agent table model: one row per agent, narrow signals per tick, a reset only when agents leave."""

import time

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt

from monitor import events as ev
from monitor.floor import Floor
from ui.panels.agent_model import AgentIdRole, AgentTableModel, Column, SortRole


class Recorder:
    """Collects the model's change signals as plain tuples."""

    def __init__(self, model):
        self.data_changed = []
        self.resets = 0
        self.inserted = []
        self.layouts = 0
        model.dataChanged.connect(self._on_data_changed)
        model.modelReset.connect(self._on_reset)
        model.rowsInserted.connect(lambda _parent, first, last: self.inserted.append((first, last)))
        model.layoutChanged.connect(self._on_layout)

    def _on_data_changed(self, top, bottom, roles):
        self.data_changed.append((top.row(), bottom.row(), top.column(), bottom.column()))

    def _on_reset(self):
        self.resets += 1

    def _on_layout(self):
        self.layouts += 1


@pytest.fixture
def model(qtbot, floor):
    model = AgentTableModel()
    model.update_floor(floor, floor.take_changes())
    return model


def _text(model, row, column):
    return model.index(row, column).data()


def test_a_row_per_agent_in_floor_order(model):
    assert model.rowCount() == 5
    assert model.columnCount() == len(Column)
    assert [_text(model, r, Column.NAME) for r in range(5)] == ["Ann", "Bo", "Cy", "Di", "Eve"]
    assert [model.index(r, 0).data(AgentIdRole) for r in range(5)] == ["a1", "a2", "a3", "a4", "a5"]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(Column))]
    assert headers == ["Id", "Name", "Team", "Channel", "State", "Time in state", "Load",
                       "Queues", "Handled", "AHT", "Per agent-h"]
    assert [_text(model, r, Column.ID) for r in range(5)] == ["a1", "a2", "a3", "a4", "a5"]


def test_cells_show_state_time_load_and_skills(model):
    ann, bo, di = 0, 1, 3
    assert _text(model, ann, Column.STATE) == "On contact"
    assert _text(model, di, Column.STATE) == "Not ready (break)"
    assert _text(model, ann, Column.TIME_IN_STATE) == "2:00"
    assert _text(model, di, Column.TIME_IN_STATE) == "2:08"
    assert _text(model, ann, Column.LOAD) == "1/1"  # voice only
    assert _text(model, bo, Column.LOAD) == "1/3"
    assert _text(model, ann, Column.SKILLS) == "General, VIP"  # names, not ids
    assert _text(model, bo, Column.SKILLS) == "App chat, WeChat"
    assert model.index(ann, Column.SKILLS).data(Qt.ItemDataRole.ToolTipRole) == "general, vip"
    assert _text(model, ann, Column.HANDLED) == "0"


def test_sort_role_gives_raw_values(model):
    assert model.index(0, Column.TIME_IN_STATE).data(SortRole) == pytest.approx(120.0)
    assert model.index(1, Column.LOAD).data(SortRole) == 1
    assert model.index(1, Column.HANDLED).data(SortRole) == 0


def test_state_colours(model):
    available = model.index(4, Column.STATE).data(Qt.ItemDataRole.BackgroundRole)
    on_contact = model.index(0, Column.STATE).data(Qt.ItemDataRole.BackgroundRole)
    not_ready = model.index(3, Column.STATE).data(Qt.ItemDataRole.BackgroundRole)
    assert available.color().green() > available.color().blue()
    assert on_contact.color().blue() > on_contact.color().red()
    assert len({available.color().name(), on_contact.color().name(), not_ready.color().name()}) == 3


def test_time_in_state_follows_the_floor_clock(model, floor):
    floor.apply(ev.Heartbeat(floor.now + 60))
    model.update_floor(floor, floor.take_changes())
    assert _text(model, 0, Column.TIME_IN_STATE) == "3:00"


def test_one_changed_agent_emits_data_changed_for_its_row_only(model, floor):
    recorder = Recorder(model)

    floor.apply(ev.AgentStateChanged(floor.now + 1, "a3", "wrap_up"))
    changes = floor.take_changes()
    assert changes.agents == {"a3"}
    model.update_floor(floor, changes)

    last = len(Column) - 1
    assert recorder.resets == 0
    # The changed row only; time in state is signalled for the rows a view shows.
    assert recorder.data_changed == [(2, 2, 0, last)]
    assert _text(model, 2, Column.STATE) == "Wrap-up"


def test_time_in_state_is_signalled_for_the_rows_asked_for(model):
    recorder = Recorder(model)
    column = Column.TIME_IN_STATE

    model.refresh_time_in_state([4, 0, 1])
    model.refresh_time_in_state()

    assert recorder.data_changed == [(0, 1, column, column), (4, 4, column, column),
                                     (0, 4, column, column)]


def test_contiguous_changed_rows_are_coalesced(model, floor):
    recorder = Recorder(model)
    t = floor.now + 1
    for agent in ("a1", "a2", "a4"):
        floor.apply(ev.AgentStateChanged(t, agent, "available"))
    model.update_floor(floor, floor.take_changes())

    last = len(Column) - 1
    assert recorder.data_changed == [(0, 1, 0, last), (3, 3, 0, last)]


def test_a_new_agent_is_appended_without_a_reset(model, floor):
    recorder = Recorder(model)

    floor.apply(ev.AgentLogin(floor.now + 1, "a6", "Fay"))
    model.update_floor(floor, floor.take_changes())

    assert recorder.resets == 0
    assert recorder.inserted == [(5, 5)]
    assert model.rowCount() == 6
    assert _text(model, 5, Column.NAME) == "Fay"


def test_a_new_queue_leaves_the_rows_alone(model, floor):
    recorder = Recorder(model)

    floor.apply(ev.QueueDefined(floor.now, "complaints", "Complaints", "hotline"))
    changes = floor.take_changes()
    assert changes.structure
    model.update_floor(floor, changes)

    assert (recorder.resets, recorder.inserted, recorder.layouts) == (0, [], 0)


def test_a_snapshot_restating_the_agents_keeps_rows_without_a_reset(model, floor):
    recorder = Recorder(model)

    floor.apply(ev.Snapshot(floor.now, 1, floor.snapshot("sim")), "sim")
    model.update_floor(floor, floor.take_changes())

    assert recorder.resets == 0
    assert recorder.data_changed == [(0, 4, 0, len(Column) - 1)]
    assert [model.agent_id(r) for r in range(5)] == ["a1", "a2", "a3", "a4", "a5"]


def test_agents_leaving_reset_the_model_once(model, floor):
    recorder = Recorder(model)
    state = floor.snapshot("sim")
    state["agents"] = [a for a in state["agents"] if a["id"] not in ("a2", "a4")]

    floor.apply(ev.Snapshot(floor.now, 1, state), "sim")
    model.update_floor(floor, floor.take_changes())

    assert recorder.resets == 1
    assert [model.agent_id(r) for r in range(model.rowCount())] == ["a1", "a3", "a5"]


def test_sort_rows_orders_once_and_keeps_persistent_indexes(model, floor):
    recorder = Recorder(model)
    eve = QPersistentModelIndex(model.index(4, Column.NAME))

    # Time in state: Bo 85 s, Cy 90 s, Ann 120 s, Di 128 s, Eve 130 s.
    model.sort_rows(Column.TIME_IN_STATE, Qt.SortOrder.DescendingOrder)

    assert recorder.layouts == 1 and recorder.resets == 0
    assert [model.agent_id(r) for r in range(5)] == ["a5", "a4", "a1", "a3", "a2"]
    assert eve.row() == 0 and eve.data() == "Eve"
    assert model.row_of("a2") == 4

    # A tick does not move rows, even when the sorted value changed.
    floor.apply(ev.AgentStateChanged(floor.now + 1, "a5", "ringing"))
    model.update_floor(floor, floor.take_changes())
    assert model.agent_id(0) == "a5"

    model.sort_rows(-1)  # back to the order agents appeared in
    assert [model.agent_id(r) for r in range(5)] == ["a1", "a2", "a3", "a4", "a5"]


def test_sort_ties_keep_the_order_of_appearance(model):
    model.sort_rows(Column.HANDLED, Qt.SortOrder.DescendingOrder)  # everyone handled 0

    assert [model.agent_id(r) for r in range(5)] == ["a1", "a2", "a3", "a4", "a5"]


def test_ten_thousand_agents_update_narrowly(qtbot):
    floor = Floor()
    t0 = 1_767_258_000.0
    floor.apply(ev.QueueDefined(t0, "general", "General", "hotline"))
    for i in range(10_000):
        floor.apply(ev.AgentLogin(t0, f"a{i}", f"Agent {i}"))
        floor.apply(ev.AgentSkills(t0, f"a{i}", {"general": 1}))
    model = AgentTableModel()
    model.update_floor(floor, floor.take_changes())
    assert model.rowCount() == 10_000
    recorder = Recorder(model)

    for i in range(0, 10_000, 1_000):
        floor.apply(ev.AgentStateChanged(t0 + 5, f"a{i}", "on_contact"))
    started = time.perf_counter()
    model.update_floor(floor, floor.take_changes())
    elapsed = time.perf_counter() - started

    assert recorder.resets == 0
    assert len(recorder.data_changed) == 10  # ten rows
    assert elapsed < 0.05  # generous: it is a handful of signals
    assert _text(model, 9_000, Column.STATE) == "On contact"


def test_per_agent_handled_count_and_handle_time(qtbot):
    t0 = 1_767_258_000.0
    floor = Floor()
    for e in [
        ev.QueueDefined(t0, "q", "Q", "hotline", 20.0),
        ev.AgentLogin(t0, "a1", "Ann"),
        ev.AgentSkills(t0, "a1", {"q": 1}, 0),
        ev.ContactOffered(t0, "c1", "q"),
        ev.ContactAnswered(t0 + 1, "c1", "q", "a1"),
        ev.ContactEnded(t0 + 101, "c1", "q", "a1"),  # talk 100
        ev.AgentStateChanged(t0 + 101, "a1", "wrap_up"),
        ev.AgentStateChanged(t0 + 121, "a1", "available"),  # wrap 20
        ev.ContactOffered(t0 + 200, "c2", "q"),
        ev.ContactAnswered(t0 + 200, "c2", "q", "a1"),
        ev.ContactEnded(t0 + 260, "c2", "q", "a1"),  # talk 60, no wrap-up
        ev.AgentStateChanged(t0 + 260, "a1", "available"),
    ]:
        floor.apply(e)
    model = AgentTableModel()
    model.update_floor(floor, floor.take_changes())
    assert _text(model, 0, Column.HANDLED) == "2"
    assert _text(model, 0, Column.AHT) == "1:30"  # (120 + 60) / 2
    assert model.index(0, Column.AHT).data(SortRole) == 90.0


def test_channel_team_and_translated_reason(qtbot, floor):
    floor.apply(ev.AgentLogin(floor.now, "a6", "Fay", team="Team B"), "sim")
    floor.apply(ev.AgentSkills(floor.now, "a6", {"general": 3}), "sim")
    model = AgentTableModel()
    model.update_floor(floor, floor.take_changes())
    channels = [_text(model, r, Column.CHANNEL) for r in range(6)]
    assert channels == ["Hotline", "Online", "Blended", "Hotline", "Online", "Hotline"]
    assert _text(model, 5, Column.TEAM) == "Team B"
    assert model.index(5, Column.TEAM).data(SortRole) == "team b"


def test_queue_names_in_chinese_where_the_queue_has_one(qtbot, floor):
    model = AgentTableModel(lang="zh_CN")
    model.update_floor(floor, floor.take_changes())
    assert set(_text(model, 1, Column.SKILLS).split(", ")) == {"应用", "微信"}
    assert set(_text(model, 0, Column.SKILLS).split(", ")) == {"普通", "VIP"}  # VIP has no zh


def test_a_stale_feed_greys_its_agents_and_stops_their_timers(qtbot, floor):
    floor.apply(ev.AgentLogin(floor.now, "z1", "Zed"), "other")
    model = AgentTableModel()
    model.update_floor(floor, floor.take_changes())
    recorder = Recorder(model)
    assert model.index(0, Column.NAME).data(Qt.ItemDataRole.ForegroundRole) is None

    model.set_stale_feeds({"sim"})
    assert recorder.data_changed == [(0, 4, 0, len(Column) - 1)]  # the sim rows, not z1
    grey = model.index(0, Column.NAME).data(Qt.ItemDataRole.ForegroundRole)
    state_bg = model.index(0, Column.STATE).data(Qt.ItemDataRole.BackgroundRole)
    assert grey.color().saturation() == 0 and state_bg.color().saturation() == 0
    assert model.index(0, Column.NAME).data(Qt.ItemDataRole.FontRole).italic()
    assert "stale" in model.index(0, Column.STATE).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(5, Column.NAME).data(Qt.ItemDataRole.ForegroundRole) is None

    floor.apply(ev.Heartbeat(floor.now + 60), "other")  # another feed moves the clock on
    model.update_floor(floor, floor.take_changes())
    assert _text(model, 0, Column.TIME_IN_STATE) == "2:00"  # frozen at the outage
    assert _text(model, 5, Column.TIME_IN_STATE) == "1:00"  # the live feed's agent runs

    model.set_stale_feeds(set())
    assert _text(model, 0, Column.TIME_IN_STATE) == "3:00"
    assert model.index(0, Column.NAME).data(Qt.ItemDataRole.ForegroundRole) is None


def test_a_lent_agent_shows_a_marker_and_the_time_left(model):
    lends = {"a2": 125.0}
    model.lend_left = lends.get
    assert _text(model, 1, Column.CHANNEL) == "Online ⇄ 2:05"
    assert "2:05 left" in model.index(1, Column.CHANNEL).data(Qt.ItemDataRole.ToolTipRole)
    assert _text(model, 0, Column.CHANNEL) == "Hotline"
    recorder = Recorder(model)
    model.refresh_lends(range(5))
    assert recorder.data_changed == [(1, 1, Column.CHANNEL, Column.CHANNEL)]


def test_a_badge_change_names_the_agents_relabelled(model):
    seen = []
    model.sig_rows_relabelled.connect(seen.append)
    model.badge_of = {"a1": "moving…"}.get
    model.refresh_agents(["a1"])
    assert seen == [["a1"]]
    assert _text(model, 0, Column.STATE) == "On contact · moving…"
