"""Reassignment from the floor window over a real websocket feed.

The feed is tests/fake_platform: a FeedServer whose command handler plays a platform's
part; the simulator's own handling is tested in tests/feeds.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QToolButton

from feeds.hub import FeedHub
from feeds.store.audit import AuditLog, AuditWriter
from monitor import events as ev
from monitor.commands import Skills
from monitor.floor import Floor
from tests.floors import T0, logged_in, two_channel_queues
from ui.floor_window import FloorWindow
from ui.panels.agent_model import Column
from ui.reassign.controller import ReassignController
from ui.tick import FloorTicker

SETUP = [
    *two_channel_queues(),
    *logged_in("a1", "Ann", {"hl": 4}),
    *logged_in("a2", "Bo", {"hl": 4}),
    ev.ContactOffered(T0 + 1, "c1", "hl"),
    ev.ContactAnswered(T0 + 2, "c1", "hl", "a1"),  # a1 is busy: a move waits for its call
    ev.AgentStateChanged(T0 + 2, "a1", "on_contact"),
]


@pytest.fixture
def platform(fake_platform):
    return fake_platform(SETUP)


@pytest.fixture
def make_window(qtbot):
    made = []

    def make(url: str, token: str, audit=None):
        hub = FeedHub.for_urls([url], token=token)
        floor = Floor()
        window = FloorWindow(floor)
        qtbot.addWidget(window)
        controller = ReassignController(floor, hub, window.agent_panel, window.queue_wall,
                                        audit)
        ticker = FloorTicker(floor, hub, [window, controller])
        hub.start()
        ticker.start()
        made.append((hub, ticker, controller))
        qtbot.waitUntil(lambda: len(floor.agents) == 2, timeout=10000)
        return floor, window, controller

    yield make
    for hub, ticker, controller in made:
        ticker.stop()
        controller.close()
        hub.stop()


def select(window, agent_id):
    panel = window.agent_panel
    row = panel.model.row_of(agent_id)
    index = panel.proxy.mapFromSource(panel.model.index(row, 0))
    panel.view.selectionModel().select(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)


def button(window, text):
    return next(b for b in window.agent_panel.findChildren(QToolButton)
                if b.defaultAction() is not None and b.defaultAction().text() == text)


def cell(window, agent_id, column):
    model = window.agent_panel.model
    return model.index(model.row_of(agent_id), column).data()


def test_busy_agent_to_online_is_pending_until_the_call_ends(qtbot, platform, make_window,
                                                             tmp_path):
    audit = AuditWriter(tmp_path / "audit.db")
    floor, window, controller = make_window(platform.url, "sup", audit)
    qtbot.waitUntil(lambda: controller.can_command, timeout=5000)
    assert not button(window, "To online").isHidden()
    previews = []
    controller.confirm = lambda impact, title: previews.append((impact, title)) or True

    select(window, "a1")
    qtbot.mouseClick(button(window, "To online"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.last_result is not None, timeout=5000)
    assert controller.last_result["status"] == "accepted"
    assert platform.commands[-1]["agents"] == ["a1"]
    assert platform.commands[-1]["profile"] == "online"
    assert previews and previews[0][1] == "Move to online"
    assert "move pending" in cell(window, "a1", Column.STATE)
    assert floor.agents["a1"].skills == {"hl": 4}  # nothing changed yet
    qtbot.waitUntil(lambda: len(controller._records) == 0, timeout=5000)
    assert audit.flush()
    assert [r.status for r in AuditLog(tmp_path / "audit.db").query(0)] == ["accepted"]

    platform.end_call("a1")
    qtbot.waitUntil(lambda: floor.agents["a1"].skills == {"ol": 5}, timeout=5000)
    qtbot.waitUntil(lambda: "pending" not in cell(window, "a1", Column.STATE), timeout=2000)
    assert cell(window, "a1", Column.SKILLS) == "App chat"  # queue "ol" by name

    # Undo gives the previous skills back.
    controller.undo_last()
    qtbot.waitUntil(lambda: floor.agents["a1"].skills == {"hl": 4}, timeout=5000)
    assert platform.commands[-1]["skills"] == {"hl": 4}

    # Both commands are in the audit log, with who, agents, skills and result.
    qtbot.waitUntil(lambda: len(controller._records) == 0, timeout=5000)
    audit.close()
    rows = AuditLog(tmp_path / "audit.db").query(0)
    # The move went from accepted to applied when the call ended; the undo applied at once.
    assert [r.status for r in rows] == ["applied", "applied"]
    assert rows[0].agents == ["a1"] and rows[0].profile == "online"
    assert rows[0].before["a1"]["skills"] == {"hl": 4}
    assert rows[0].after["a1"]["skills"] == {"ol": 5}
    assert "(supervisor)" in rows[0].who


def test_keyboard_shortcut_and_drop_on_the_online_group(qtbot, platform, make_window):
    floor, window, controller = make_window(platform.url, "sup")
    qtbot.waitUntil(lambda: controller.can_command, timeout=5000)
    controller.confirm = lambda impact, title: True
    select(window, "a2")
    controller.to_online.trigger()  # what Ctrl+Shift+O fires
    qtbot.waitUntil(lambda: floor.agents["a2"].skills == {"ol": 5}, timeout=5000)
    assert controller.to_online.shortcut().toString() == "Ctrl+Shift+O"

    # Drag a2 from the grid onto the Hotline group.
    model = window.agent_panel.model
    mime = model.mimeData([model.index(model.row_of("a2"), 0)])
    group = window.queue_wall.groups["hotline"]
    drop = QDropEvent(QPoint(5, 5).toPointF(), Qt.DropAction.MoveAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    group.dropEvent(drop)
    # A profile gives a queue the agent does not have level 5 (docs/protocol.md), and
    # the move settles: the window predicted the same skills the platform applied.
    qtbot.waitUntil(lambda: floor.agents["a2"].skills == {"hl": 5}, timeout=5000)
    qtbot.waitUntil(lambda: controller.pending.by_agent == {}, timeout=2000)
    assert platform.commands[-1]["profile"] == "hotline"


def test_rejection_shows_the_reason_and_changes_nothing(qtbot, platform, make_window):
    floor, window, controller = make_window(platform.url, "sup")
    qtbot.waitUntil(lambda: controller.can_command, timeout=5000)
    controller.confirm = lambda impact, title: True
    controller.request("online", agents=["ghost"])
    qtbot.waitUntil(lambda: controller.last_result is not None, timeout=5000)
    assert controller.last_result["status"] == "rejected"
    assert "unknown agent ghost" in controller.status.text()
    assert controller.pending.by_agent == {}
    assert controller.undo_stack == []
    assert floor.agents["a1"].skills == {"hl": 4} and floor.agents["a2"].skills == {"hl": 4}


def test_viewer_sees_no_controls_and_cannot_send(qtbot, platform, make_window):
    floor, window, controller = make_window(platform.url, "view")
    qtbot.waitUntil(lambda: window.agent_panel.model.rowCount() == 2, timeout=5000)
    qtbot.wait(300)  # a few ticks after the welcome
    assert controller.hub.role() == "viewer"
    assert button(window, "To online").isHidden()
    assert not controller.to_online.isEnabled()
    select(window, "a2")
    assert controller.request("online") is None
    assert platform.commands == []


def test_lend_sends_the_chosen_duration(qtbot, platform, make_window):
    floor, window, controller = make_window(platform.url, "sup")
    qtbot.waitUntil(lambda: controller.can_command, timeout=5000)
    titles = []
    controller.confirm = lambda impact, title: titles.append(title) or True
    controller.lend_minutes.setValue(45)
    select(window, "a2")
    controller.lend.trigger()
    qtbot.waitUntil(lambda: controller.last_result is not None, timeout=5000)
    assert platform.commands[-1]["profile"] == "online"
    assert platform.commands[-1]["duration_s"] == 45 * 60
    assert titles == ["Move to online for 45 min"]


def test_undo_is_previewed_confirmed_and_says_what_it_undid(qtbot, platform, make_window):
    floor, window, controller = make_window(platform.url, "sup")
    qtbot.waitUntil(lambda: controller.can_command, timeout=5000)
    controller.confirm = lambda impact, title: True
    controller.request("online", agents=["a2"])
    qtbot.waitUntil(lambda: floor.agents["a2"].skills == {"ol": 5}, timeout=5000)
    sent = len(platform.commands)

    # Undo asks first, with the same preview as a move: cancelling sends nothing.
    asked = []
    controller.confirm = lambda impact, title: asked.append((impact, title)) and False
    assert controller.undo_last() == []
    assert len(platform.commands) == sent
    assert "Undo cancelled" in controller.status.text()
    impact, title = asked[0]
    assert title == "Undo: move 1 agent(s) back to hotline"
    assert impact.moves["a2"] == (Skills({"ol": 5}, 3), Skills({"hl": 4}, 0))
    # The preview counts the undo's effect: one more hotline server, 3 fewer chat slots.
    assert impact.channels["hotline"].after.agents == impact.channels["hotline"].before.agents + 1
    assert controller.undo_stack  # still there to undo later

    # Confirmed: sent, and the move line says what was undone.
    controller.confirm = lambda impact, title: True
    commands = controller.undo_last()
    assert len(commands) == 1
    qtbot.waitUntil(lambda: floor.agents["a2"].skills == {"hl": 4}, timeout=5000)
    qtbot.waitUntil(lambda: "Undone" in controller.status.text(), timeout=5000)
    assert controller.status.text() == "Undone: moved 1 agent(s) back to hotline"
    assert platform.commands[-1]["skills"] == {"hl": 4}
    assert platform.commands[-1]["reason"] == "undo"
    assert controller.undo_stack == []
    controller.undo_last()
    assert controller.status.text() == "Nothing to undo."


def test_ctrl_z_undoes_only_from_the_agent_panel(qtbot, platform, make_window):
    floor, window, controller = make_window(platform.url, "sup")
    qtbot.waitUntil(lambda: controller.can_command, timeout=5000)
    assert controller.undo.shortcut().toString() == "Ctrl+Z"
    assert controller.undo.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut
    assert window.agent_panel.actions().count(controller.undo) == 1


def test_a_lends_automatic_end_is_audited_as_its_own_record(qtbot, platform, make_window,
                                                            tmp_path):
    audit = AuditWriter(tmp_path / "audit.db")
    floor, window, controller = make_window(platform.url, "sup", audit)
    qtbot.waitUntil(lambda: controller.can_command, timeout=5000)
    controller.confirm = lambda impact, title: True
    controller.lend_minutes.setValue(30)
    select(window, "a2")
    controller.lend.trigger()
    qtbot.waitUntil(lambda: floor.agents["a2"].skills == {"ol": 5}, timeout=5000)
    qtbot.waitUntil(lambda: controller.lends.lends != {}, timeout=5000)
    lend_id = platform.commands[-1]["request_id"]
    # The feed reports the revert only as the agent's skills, after the lend's time.
    t = floor.now + 30 * 60 + 1
    platform._loop_thread.call(platform.server.publish, [
        ev.Heartbeat(t), ev.AgentSkills(t, "a2", {"hl": 4}, 0)])
    qtbot.waitUntil(lambda: controller.lends.lends == {}, timeout=5000)
    assert "Lend over" in controller.status.text()
    audit.close()
    rows = AuditLog(tmp_path / "audit.db").query(0)
    assert [r.request_id for r in rows] == [lend_id, f"{lend_id}:end"]
    end = rows[1]
    assert end.action == "lend_end" and end.status == "applied" and end.agents == ["a2"]
    assert end.before["a2"]["skills"] == {"ol": 5} and end.after["a2"]["skills"] == {"hl": 4}
    assert end.queue_names == {"hl": "General", "ol": "App chat"}
