"""The demo path end to end: simulator -> real websocket -> hub -> tick -> window."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from feeds.hub import FeedHub
from feeds.sim import START_T, SimConfig
from feeds.sim.serve import SimulationThread
from monitor.floor import Floor
from ui.floor_window import FloorWindow
from ui.tick import FloorTicker


@pytest.fixture
def live_floor(qtbot):
    # 09:00 start plus 30 simulated minutes of warm-up, then 20x real time.
    config = SimConfig(agents=60, seed=3, start_t=START_T + 3600, start_hour=9.0)
    sim = SimulationThread(config, speed=20.0, warmup_s=1800)
    port = sim.start()
    hub = FeedHub.for_urls([f"ws://127.0.0.1:{port}"])
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
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-m", "ui", "demo", "--warmup", "600", "--exit-after", "3",
         "--screenshot", str(shot)],
        capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    image = QImage(str(shot))
    assert not image.isNull()
    assert (image.width(), image.height()) == (1600, 1000)


def test_run_command_connects_to_a_feed_from_a_config(tmp_path):
    sim = SimulationThread(SimConfig(agents=20, seed=2), warmup_s=300)
    port = sim.start()
    try:
        config = tmp_path / "fw.toml"
        config.write_text(f'[client]\nlang = "zh_CN"\n[[feeds]]\nurl = "ws://127.0.0.1:{port}"\n')
        shot = tmp_path / "run.png"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path))
        out = subprocess.run(
            [sys.executable, "-m", "ui", "run", "--config", str(config), "--exit-after", "2",
             "--screenshot", str(shot)], capture_output=True, text=True, env=env, timeout=120)
        assert out.returncode == 0, out.stderr[-3000:]
        assert not QImage(str(shot)).isNull()
    finally:
        sim.stop()


def test_run_command_reports_a_bad_config_and_starts_nothing(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[[feeds]]\nurl = 'http://not-a-websocket'\n")
    out = subprocess.run([sys.executable, "-m", "ui", "run", "--config", str(config)],
                         capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert out.returncode == 2
    assert "feeds[0].url" in out.stderr
