"""Any source through the same hub and tick: the in-process simulator, a queue_log file,
and the websocket feed end in the same floor."""

from __future__ import annotations

import math
from typing import Any

import pytest

from feeds.hub import FeedHub
from feeds.server import FeedServer
from feeds.sim import START_T, SimConfig
from feeds.sim.serve import SimulationFeed
from feeds.source import CommandsNotAccepted
from feeds.sources.queue_log import read_queue_log
from feeds.sources.queue_log_file import QueueLogSource
from feeds.sources.simulated import SimulatedSource
from feeds.sources.websocket import WebsocketSource
from monitor.events import Heartbeat
from monitor.floor import Floor
from tests.conftest import wait_until
from ui.tick import FloorTicker

CONFIG = SimConfig(agents=30, seed=7, start_t=START_T + 2 * 3600, start_hour=10.0)
WARMUP_S = 1200.0
QUEUE_LOG = "tests/feeds/data/queue_log_all_events.txt"


def picture(floor: Floor) -> dict[str, Any]:
    """Everything a supervisor sees of a floor, without which source fed it."""
    return {
        "now": floor.now,
        "queues": {q: floor.queue_view(q) for q in sorted(floor.queues)},
        "channels": {c: floor.channel_view(c) for c in ("hotline", "online")},
        "agents": {
            a.id: (a.name, a.team, str(a.state), a.reason, a.state_since, dict(a.skills),
                   a.chat_capacity, sorted(a.contacts), a.handled, round(a.handle_s, 6))
            for a in sorted(floor.agents.values(), key=lambda a: a.id)
        },
        "waiting": {q.id: list(q.waiting) for q in floor.queues.values()},
        "trend": _no_nan(floor.trend.dump()),
    }


def _no_nan(value: Any) -> Any:
    """NaN (no service level yet) is never equal to itself; compare it as None."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_nan(v) for v in value]
    return value


def run_ticker(qtbot, hub: FeedHub, until) -> Floor:
    floor = Floor()
    ticker = FloorTicker(floor, hub, [])
    hub.start()
    ticker.start()
    try:
        qtbot.waitUntil(lambda: until(floor), timeout=20000)
        ticker.tick()  # whatever arrived after the condition held
    finally:
        ticker.stop()
        hub.stop()
    return floor


def test_simulated_source_gives_the_same_floor_as_the_websocket_feed(qtbot, loop_thread):
    # Over the websocket: the simulator's feed server, warmed up, then 5 more minutes.
    server = FeedServer()
    feed = SimulationFeed(CONFIG, server, commands=False)
    loop_thread.call(feed.warm_up, WARMUP_S)
    end = feed.sim.now + 300

    def more() -> None:
        server.publish([*feed.sim.run_until(end), Heartbeat(end)])

    port = loop_thread.run(server.start())
    try:
        ws_hub = FeedHub([WebsocketSource(f"ws://127.0.0.1:{port}")])
        started = []

        def caught_up(floor: Floor) -> bool:
            if floor.agents and not started:
                loop_thread.call(more)
                started.append(True)
            return floor.now >= end

        over_ws = run_ticker(qtbot, ws_hub, caught_up)
    finally:
        loop_thread.run(server.stop())

    # In process: the same simulator, no socket, driven by a manual clock.
    source = SimulatedSource(CONFIG, manual=True, warmup_s=WARMUP_S)
    sim_hub = FeedHub([source])
    advanced = []

    def reached(floor: Floor) -> bool:
        if floor.now >= CONFIG.start_t + WARMUP_S and not advanced:
            source.advance(end - (CONFIG.start_t + WARMUP_S))
            advanced.append(True)
        return floor.now >= end

    in_process = run_ticker(qtbot, sim_hub, reached)

    assert over_ws.events_applied < in_process.events_applied  # one came by snapshot
    assert picture(in_process) == picture(over_ws)
    assert {q.feed for q in in_process.queues.values()} == {"sim"}
    health = sim_hub.health()[0]
    assert health.events == in_process.events_applied and health.rejected == 0


def test_a_queue_log_file_drives_the_floor_like_its_import(qtbot):
    events, stats = read_queue_log(QUEUE_LOG)
    expected = Floor()
    for event in events:
        expected.apply(event, "pbx")
    source = QueueLogSource(QUEUE_LOG, key="pbx")
    hub = FeedHub([source])
    floor = run_ticker(qtbot, hub, lambda f: "pbx" in hub.finished and hub.pending == 0
                       and f.events_applied == len(events))
    assert picture(floor) == picture(expected)
    assert source.health().rejected == stats.skipped > 0  # the file has bad lines on purpose
    with pytest.raises(KeyError):
        hub.source("elsewhere")


def test_a_source_without_commands_says_so(loop_thread):
    source = QueueLogSource(QUEUE_LOG)
    assert not source.accepts_commands
    with pytest.raises(CommandsNotAccepted, match="takes no commands"):
        loop_thread.run(source.send({"action": "reassign"}))


def test_two_sources_with_one_key_are_refused():
    with pytest.raises(ValueError, match="same key"):
        FeedHub([SimulatedSource(CONFIG), SimulatedSource(CONFIG)])


def test_a_full_hand_off_makes_a_pausable_source_wait_not_drop():
    source = SimulatedSource(CONFIG, manual=True, warmup_s=600)
    hub = FeedHub([source], handoff_limit=50)
    hub.start()
    try:
        got = []
        while not got or got[-1].event.t < CONFIG.start_t + 600:
            batch = hub.drain(20)
            got += batch
            if not batch:
                assert wait_until(lambda: hub.pending > 0, timeout=5)
    finally:
        hub.stop()
    assert [item.seq for item in got] == list(range(1, len(got) + 1))  # nothing lost
    assert source.health().dropped == 0
