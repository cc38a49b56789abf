"""The demo path end to end: simulator -> real websocket -> hub -> tick -> window."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from feeds.client import FeedHub
from feeds.sim_server import SimulationThread
from feeds.simulator import START_T, SimConfig
from monitor.floor import Floor
from ui.floor_window import FloorWindow
from ui.tick import FloorTicker


@pytest.fixture
def live_floor(qtbot):
    # 09:00 start plus 30 simulated minutes of warm-up, then 20x real time.
    config = SimConfig(agents=60, seed=3, start_t=START_T + 3600, start_hour=9.0)
    sim = SimulationThread(config, speed=20.0, warmup_s=1800)
    port = sim.start()
    hub = FeedHub([f"ws://127.0.0.1:{port}"])
    floor = Floor()
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    ticker = FloorTicker(floor, hub, [window])
    hub.start()
    ticker.start()
    yield floor, window, ticker, hub
    ticker.stop()
    hub.stop()
    sim.stop()


def test_window_shows_a_live_tile_per_queue_and_a_row_per_agent(qtbot, live_floor):
    floor, window, ticker, hub = live_floor
    qtbot.waitUntil(lambda: len(floor.agents) == 60 and len(floor.queues) == 5, timeout=15000)
    start = floor.now
    qtbot.waitUntil(lambda: floor.now > start + 30, timeout=15000)  # time moves on the wire

    wall = window.queue_wall
    assert set(wall.tiles) == set(floor.queues) == {
        "hl-general", "hl-vip", "hl-complaint", "ol-app", "ol-wechat"}
    for queue_id, tile in wall.tiles.items():
        view = floor.queue_view(queue_id)
        assert view.offered > 0 and view.agents_staffed > 0, queue_id
        shown = tile.values()
        assert shown["service_level"].endswith("%"), (queue_id, shown)
        assert shown["agents"] != "0 / 0", (queue_id, shown)
    assert window.agent_panel.model.rowCount() == 60
    assert len(floor.trend.times) >= 150  # warm-up history came with the snapshot
    health = hub.health()[0]
    assert health.connected and health.rejected == 0
    assert "connected" in window.health_bar.text()


def test_demo_command_exits_cleanly_with_a_screenshot(tmp_path):
    shot = tmp_path / "out.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-m", "ui", "demo", "--warmup", "600", "--exit-after", "3",
         "--screenshot", str(shot)],
        capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    image = QImage(str(shot))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1600, 1000)
