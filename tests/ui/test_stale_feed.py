"""A feed that drops is unmistakable: a banner names it, why and since when; its tiles
and agents are marked stale; all of it clears when the feed is back. Two real simulated
feeds over websockets (a hotline-only and an online-only platform); one is killed."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt

from feeds.hub import FeedHub
from feeds.server import FeedServer
from feeds.sim import START_T, SimConfig
from feeds.sim.serve import SimulationFeed
from monitor.floor import Floor
from ui import fmt
from ui.floor_window import FloorWindow
from ui.panels.agent_model import Column
from ui.tick import FloorTicker

AGENTS = 6


@pytest.fixture
def running_feeds(loop_thread):
    """Two simulated platforms serving live (heartbeats included) until the test ends."""
    feeds: dict[str, Any] = {}
    stop = loop_thread.call(asyncio.Event)
    tasks = []
    for channel, prefix in (("hotline", "h"), ("online", "o")):
        config = SimConfig(
            agents=AGENTS,
            seed=7,
            start_t=START_T + 3600,
            start_hour=9.0,
            channels=(channel,),
            id_prefix=prefix,
        )
        server = FeedServer(feed_id=channel)
        sim_feed = SimulationFeed(config, server)
        loop_thread.call(sim_feed.warm_up, 120.0)
        port = loop_thread.run(server.start())
        tasks.append(loop_thread.call(lambda f=sim_feed: asyncio.ensure_future(f.run(stop))))
        feeds[channel] = SimpleNamespace(url=f"ws://127.0.0.1:{port}", server=server, port=port)
    yield SimpleNamespace(**feeds)

    async def finish() -> None:
        stop.set()
        await asyncio.gather(*tasks)
        for feed in feeds.values():
            await feed.server.stop()

    loop_thread.run(finish())


def _row_is_grey(window: FloorWindow, agent_id: str) -> bool:
    model = window.agent_panel.model
    index = model.index(model.row_of(agent_id), Column.NAME)
    brush = index.data(Qt.ItemDataRole.ForegroundRole)
    return (
        brush is not None
        and brush.color().saturation() == 0
        and model.is_stale(model.agent_at(index.row()))
    )


def test_killing_a_feed_raises_the_banner_and_greys_its_figures_until_it_is_back(
    qtbot, loop_thread, running_feeds
):
    hotline, online = running_feeds.hotline, running_feeds.online
    hub = FeedHub.for_urls([hotline.url, online.url])
    floor = Floor()
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.show()
    wall_calls: list[dict[str, str]] = []
    real = window.queue_wall.set_stale_feeds

    def record(texts: dict[str, str]) -> None:
        wall_calls.append(dict(texts))
        real(texts)

    window.queue_wall.set_stale_feeds = record
    ticker = FloorTicker(floor, hub, [window])
    hub.start()
    ticker.start()
    try:
        qtbot.waitUntil(lambda: len(floor.agents) == 2 * AGENTS, timeout=15000)
        qtbot.waitUntil(lambda: window.stale == {}, timeout=5000)
        assert window.banner.isHidden() and window.banner.text() == ""
        assert wall_calls and wall_calls[-1] == {}
        hotline_agent = next(a for a in floor.agents.values() if a.feed == hotline.url).id
        online_agent = next(a for a in floor.agents.values() if a.feed == online.url).id
        assert not _row_is_grey(window, hotline_agent)

        killed_at = time.time()
        loop_thread.run(hotline.server.stop())  # the hotline platform goes away
        qtbot.waitUntil(lambda: hotline.url in window.stale, timeout=10000)
        stale = window.stale[hotline.url]
        assert list(window.stale) == [hotline.url]  # the online feed is still live
        assert stale.reason.value in ("lost", "refused")
        assert killed_at - 5 <= stale.since <= time.time()
        banner = window.banner.text()
        assert window.banner.isVisible()
        assert "hotline" in banner and fmt.clock(stale.since) in banner
        assert ("connection lost" in banner) or ("connection refused" in banner)
        assert set(wall_calls[-1]) == {hotline.url}
        assert wall_calls[-1][hotline.url] in banner
        tiles = window.queue_wall.tiles
        assert all(
            tiles[q].stale == wall_calls[-1][hotline.url]
            for q in floor.queues
            if q.startswith("hl-")
        )
        assert all(tiles[q].stale is None for q in floor.queues if q.startswith("ol-"))
        assert _row_is_grey(window, hotline_agent)
        assert not _row_is_grey(window, online_agent)

        # The online feed moves the floor clock on; the hotline agents' timers stand still.
        model = window.agent_panel.model
        row = model.row_of(hotline_agent)
        frozen = model.index(row, Column.TIME_IN_STATE).data()
        start = floor.now
        qtbot.waitUntil(lambda: floor.now > start + 2, timeout=10000)
        assert model.index(row, Column.TIME_IN_STATE).data() == frozen
        qtbot.waitUntil(
            lambda: window.stale[hotline.url].reason.value == "refused", timeout=10000
        )  # nothing listens at the address any more
        assert window.stale[hotline.url].since == stale.since  # the same outage

        hotline.server.port = hotline.port  # the platform comes back on its address
        loop_thread.run(hotline.server.start())
        qtbot.waitUntil(lambda: window.stale == {}, timeout=20000)
        assert window.banner.isHidden() and window.banner.text() == ""
        assert wall_calls[-1] == {}
        assert all(tile.stale is None for tile in window.queue_wall.tiles.values())
        assert not _row_is_grey(window, hotline_agent)
    finally:
        ticker.stop()
        hub.stop()
