"""Reassignment from the floor window over a real websocket feed.

The feed here is a FeedServer whose command handler plays a platform's part in
a few lines; the simulator's own handling is tested in tests/feeds.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QToolButton

from feeds.hub import FeedHub
from feeds.server import FeedServer
from feeds.store.audit import AuditLog, AuditWriter
from monitor import events as ev
from monitor.commands import CommandError, Reassign
from monitor.floor import Floor
from ui.floor_window import FloorWindow
from ui.panels.agent_model import Column
from ui.reassign.controller import ReassignController
from ui.tick import FloorTicker

T0 = 1_767_258_000.0
SETUP = [
    ev.QueueDefined(T0, "hl", "General", "hotline", 20.0),
    ev.QueueDefined(T0, "ol", "App", "online", 60.0),
    ev.AgentLogin(T0, "a1", "Ann"),
    ev.AgentSkills(T0, "a1", {"hl": 4}, 0),
    ev.AgentLogin(T0, "a2", "Bo"),
    ev.AgentSkills(T0, "a2", {"hl": 4}, 0),
    ev.ContactOffered(T0 + 1, "c1", "hl"),
    ev.ContactAnswered(T0 + 2, "c1", "hl", "a1"),
    ev.AgentStateChanged(T0 + 2, "a1", "on_contact"),
]


class Platform:
    """A platform's reassignment rules, minimal: busy agents change after their call."""

    def __init__(self) -> None:
        self.server: FeedServer | None = None
        self.commands: list[dict] = []
        self.busy = {"a1"}
        self.skills = {"a1": ({"hl": 4}, 0), "a2": ({"hl": 4}, 0)}
        self.waiting: dict[str, tuple[dict, int]] = {}

    async def handle(self, data: dict, role: str) -> dict:
        self.commands.append(data)
        rid = data.get("request_id", "")
        if role != "supervisor":
            return {"request_id": rid, "status": "rejected",
                    "reason": "viewer tokens may not send commands"}
        try:
            cmd = Reassign.from_data(data)
        except CommandError as exc:
            return {"request_id": rid, "status": "rejected", "reason": str(exc)}
        unknown = [a for a in cmd.agents if a not in self.skills]
        if unknown:
            return {"request_id": rid, "status": "rejected",
                    "reason": f"unknown agent {', '.join(unknown)}"}
        outcome = {}
        for agent in cmd.agents:
            skills = cmd.skills or ({"ol": 5} if cmd.profile == "online" else {"hl": 4})
            capacity = cmd.chat_capacity if cmd.chat_capacity is not None else (
                3 if "ol" in skills else 0)
            if agent in self.busy:
                self.waiting[agent] = (skills, capacity)
                outcome[agent] = "pending"
            else:
                self.skills[agent] = (skills, capacity)
                self.server.publish([ev.AgentSkills(self.server.floor.now, agent, skills,
                                                    capacity)])
                outcome[agent] = "applied"
        status = "accepted" if "pending" in outcome.values() else "applied"
        return {"request_id": rid, "status": status, "reason": "", "agents": outcome}

    def end_call(self, agent: str) -> None:
        t = self.server.floor.now + 30
        skills, capacity = self.waiting.pop(agent)
        self.busy.discard(agent)
        self.skills[agent] = (skills, capacity)
        self.server.publish([
            ev.ContactEnded(t, "c1", "hl", agent),
            ev.AgentStateChanged(t, agent, "available"),
            ev.AgentSkills(t, agent, skills, capacity),
        ])


@pytest.fixture
def platform(loop_thread):
    p = Platform()
    p.server = FeedServer(tokens={"sup": "supervisor", "view": "viewer"},
                          command_handler=p.handle)
    port = loop_thread.run(p.server.start())
    loop_thread.call(p.server.publish, SETUP)
    p.url = f"ws://127.0.0.1:{port}"
    yield p
    loop_thread.run(p.server.stop())


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
                                                             loop_thread, tmp_path):
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

    loop_thread.call(platform.end_call, "a1")
    qtbot.waitUntil(lambda: floor.agents["a1"].skills == {"ol": 5}, timeout=5000)
    qtbot.waitUntil(lambda: "pending" not in cell(window, "a1", Column.STATE), timeout=2000)
    assert cell(window, "a1", Column.SKILLS) == "ol"

    # Undo gives the previous skills back.
    controller.undo_last()
    qtbot.waitUntil(lambda: floor.agents["a1"].skills == {"hl": 4}, timeout=5000)
    assert platform.commands[-1]["skills"] == {"hl": 4}

    # Both commands are in the audit log, with who, agents, skills and result.
    qtbot.waitUntil(lambda: len(controller._records) == 0, timeout=5000)
    audit.close()
    rows = AuditLog(tmp_path / "audit.db").query(0)
    assert [r.status for r in rows] == ["accepted", "applied"]
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
    qtbot.waitUntil(lambda: floor.agents["a2"].skills == {"hl": 4}, timeout=5000)
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
