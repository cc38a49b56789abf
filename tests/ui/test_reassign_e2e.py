"""Must-show path of reassignment, end to end with the real simulator.

Click "To online" for a busy hotline agent -> command to the simulated source ->
the simulator marks it pending -> the call ends -> agent.skills on the feed ->
floor state -> the grid shows the new skills and the pending badge goes.

The simulator runs in process on a manual clock, so simulated minutes pass in
milliseconds; the websocket path of commands is tested in tests/feeds and
tests/ui/test_two_feeds.py.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QToolButton

from feeds.hub import FeedHub
from feeds.sim import START_T, SimConfig
from feeds.sources.simulated import SimulatedSource
from monitor.floor import Floor
from ui.floor_window import FloorWindow
from ui.panels.agent_model import Column
from ui.reassign.controller import ReassignController
from ui.tick import FloorTicker


def test_click_to_online_for_a_busy_agent_applies_after_its_call(qtbot):
    config = SimConfig(agents=40, seed=4, start_t=START_T + 3600, start_hour=9.0)
    source = SimulatedSource(config, manual=True, warmup_s=900)
    hub = FeedHub([source])
    floor = Floor()
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    controller = ReassignController(floor, hub, window.agent_panel, window.queue_wall)
    ticker = FloorTicker(floor, hub, [window, controller])
    hub.start()
    ticker.start()
    try:
        qtbot.waitUntil(lambda: controller.can_command and len(floor.agents) == 40,
                        timeout=15000)

        def busy_voice_agent():
            calls = [a for a in floor.agents.values()
                     if a.state == "on_contact" and a.chat_capacity == 0 and a.load == 1]
            # The call that started last is the least likely to end mid-test.
            return max(calls, key=lambda a: a.state_since, default=None)

        agent = busy_voice_agent()
        assert agent is not None
        before = dict(agent.skills)
        assert all(q.startswith("hl-") for q in before)

        panel = window.agent_panel
        index = panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(agent.id), 0))
        panel.view.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        previews = []
        controller.confirm = lambda impact, title: previews.append(impact) or True
        button = next(b for b in panel.findChildren(QToolButton)
                      if b.defaultAction() is controller.to_online)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

        qtbot.waitUntil(lambda: controller.last_result is not None, timeout=10000)
        assert controller.last_result["status"] == "accepted", controller.last_result
        assert controller.last_result["agents"] == {agent.id: "pending"}
        assert previews[0].channels["online"].after.agents > \
            previews[0].channels["online"].before.agents
        row = panel.model.row_of(agent.id)
        assert "move pending" in panel.model.index(row, Column.STATE).data()
        assert floor.agents[agent.id].skills == before  # keeps its call and skills for now

        def moved() -> bool:
            skills = floor.agents[agent.id].skills
            return bool(skills) and all(q.startswith("ol-") for q in skills)

        for _ in range(120):  # up to an hour of simulated time, a minute at a time
            if moved():
                break
            target = floor.now + 60
            source.advance(60)
            qtbot.waitUntil(lambda target=target: floor.now >= target, timeout=5000)
        assert moved()
        qtbot.waitUntil(lambda: "pending" not in panel.model.index(row, Column.STATE).data(),
                        timeout=3000)
        shown = panel.model.index(row, Column.SKILLS).data()
        assert set(shown.split(", ")) == {floor.queues[q].name
                                          for q in floor.agents[agent.id].skills}
        assert floor.agents[agent.id].chat_capacity > 0
    finally:
        ticker.stop()
        controller.close()
        hub.stop()
