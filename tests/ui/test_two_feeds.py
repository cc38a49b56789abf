"""Two platforms at once (a hotline-only and an online-only simulator, as a PBX and a
chat platform): a move reaches the feed that owns the agent, from the window and from
`floorwatch reassign`, and the other feed sees no command."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel

from feeds.hub import FeedHub
from feeds.server import FeedServer
from feeds.sim import START_T, SimConfig
from feeds.sim.serve import SimulationFeed
from feeds.store.audit import AuditLog
from monitor.floor import Floor
from ui.cli import main
from ui.floor_window import FloorWindow
from ui.reassign.controller import ReassignController
from ui.tick import FloorTicker

AGENTS = 8


@pytest.fixture
def two_feeds(loop_thread):
    """feeds.hotline and feeds.online: url, the commands each received, its simulation."""
    feeds: dict[str, Any] = {}
    for channel, prefix in (("hotline", "h"), ("online", "o")):
        config = SimConfig(agents=AGENTS, seed=5, start_t=START_T + 3600, start_hour=9.0,
                           channels=(channel,), id_prefix=prefix)
        server = FeedServer(feed_id=channel)
        sim_feed = SimulationFeed(config, server)
        received: list[dict[str, Any]] = []
        handler = server.command_handler

        async def recording(data, role, handler=handler, received=received):
            received.append(dict(data))
            return await handler(data, role)

        server.command_handler = recording
        loop_thread.call(sim_feed.warm_up, 300.0)
        port = loop_thread.run(server.start())
        feeds[channel] = SimpleNamespace(url=f"ws://127.0.0.1:{port}", received=received,
                                         sim=sim_feed.sim, server=server)
    yield SimpleNamespace(**feeds)
    for feed in feeds.values():
        loop_thread.run(feed.server.stop())


def online_agent(feeds) -> str:
    agent = feeds.online.sim._agents[0]
    assert agent.chat_queues and not agent.voice_queues
    return agent.id


def test_a_move_from_the_window_reaches_the_online_feed_only(qtbot, two_feeds):
    hub = FeedHub.for_urls([two_feeds.hotline.url, two_feeds.online.url])
    floor = Floor()
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    controller = ReassignController(floor, hub, window.agent_panel, window.queue_wall)
    controller.confirm = lambda impact, title: True
    ticker = FloorTicker(floor, hub, [window, controller])
    hub.start()
    ticker.start()
    try:
        qtbot.waitUntil(lambda: controller.can_command and len(floor.agents) == 2 * AGENTS,
                        timeout=15000)
        agent = online_agent(two_feeds)
        assert floor.agents[agent].feed == two_feeds.online.url

        panel = window.agent_panel
        index = panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(agent), 0))
        panel.view.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        assert controller.request("blend") is not None
        qtbot.waitUntil(lambda: controller.last_result is not None, timeout=10000)
        assert controller.last_result["status"] in ("accepted", "applied")
        assert [c["agents"] for c in two_feeds.online.received] == [[agent]]
        assert two_feeds.hotline.received == []

        # One hotline and one online agent in one move: refused, nothing sent anywhere.
        hotline_agent = two_feeds.hotline.sim._agents[0].id
        assert controller.request("online", [hotline_agent, agent]) is None
        assert "different feeds" in controller.status.text()
        assert len(two_feeds.online.received) == 1 and two_feeds.hotline.received == []
    finally:
        ticker.stop()
        controller.close()
        hub.stop()


def test_floorwatch_reassign_with_two_feeds_reaches_the_owner(two_feeds, tmp_path, capsys):
    agent = online_agent(two_feeds)
    db = tmp_path / "audit.db"
    code = main(["reassign", "--feed", two_feeds.hotline.url, "--feed", two_feeds.online.url,
                 "--agent", agent, "--to", "blend", "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"{agent}: " in out
    assert [c["agents"] for c in two_feeds.online.received] == [[agent]]
    assert two_feeds.hotline.received == []
    with AuditLog(db) as log:
        rows = log.query(0)
    assert [r.feed for r in rows] == [two_feeds.online.url]

    hotline_agent = two_feeds.hotline.sim._agents[0].id
    code = main(["reassign", "--feed", two_feeds.hotline.url, "--feed", two_feeds.online.url,
                 "--agent", hotline_agent, "--agent", agent, "--to", "online",
                 "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 2 and "different feeds" in err and "nothing sent" in err
    assert len(two_feeds.online.received) == 1 and two_feeds.hotline.received == []
