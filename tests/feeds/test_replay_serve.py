"""`floorwatch replay FILE --serve PORT`: a recording served as a live protocol-v1 feed.

Real websocket clients (FeedHub over WebsocketSource, as `floorwatch run` connects)
watch one replay at once; when it has played to its end, each client's floor holds
what playing the recording from the start gives, and so does a client that joins
after the end (from the snapshot on connect).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import threading
import time
from pathlib import Path

import pytest

from feeds.hub import FeedHub
from feeds.sources.replay import ReplaySource
from monitor.events import Heartbeat
from monitor.floor import Floor
from tests.feeds.replay_fixtures import _same, assert_same_floor, play_to, record_sim
from ui.cli import replay_serve
from ui.cli.replay_serve import serve_replay


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "day.fwrec"
    record_sim(path, 1200.0, agents=40, seed=5)
    return path


class Served:
    """serve_replay on a thread and loop of its own; `go()` starts the replay."""

    def __init__(self, source: ReplaySource, tokens: dict[str, str] | None = None) -> None:
        self.source = source
        self.port = 0
        self.feed = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._begin: asyncio.Event | None = None
        self._tokens = tokens
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(10)

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop, self._begin = asyncio.Event(), asyncio.Event()

            def ready(port: int) -> None:
                self.port = port
                self._ready.set()

            self.feed = await serve_replay(self.source, tokens=self._tokens, stop=self._stop,
                                           begin=self._begin, on_ready=ready)

        asyncio.run(main())

    def go(self) -> None:
        assert self._loop is not None and self._begin is not None
        self._loop.call_soon_threadsafe(self._begin.set)

    def close(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def connect(port: int, token: str = "") -> tuple[FeedHub, Floor]:
    hub = FeedHub.for_urls([f"ws://127.0.0.1:{port}"], token=token, processes=False)
    hub.start()
    return hub, Floor()


def pump(hub: FeedHub, floor: Floor) -> list:
    items = hub.drain()
    for item in items:
        floor.apply(item.event, item.feed)
    return items


def wait_for(check, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_several_clients_watch_one_replay_and_end_with_the_recordings_floor(recording):
    source = ReplaySource(recording, speed=1200.0)  # 20 minutes in about a second
    served = Served(source)
    clients = [connect(served.port) for _ in range(2)]
    try:
        assert wait_for(lambda: all(h.role() for h, _ in clients))
        assert all(h.role() == "supervisor" for h, _ in clients)
        served.go()
        last = source.span[1]
        assert wait_for(lambda: [pump(h, f) for h, f in clients] and all(
            f.now >= last for _, f in clients))
        time.sleep(0.2)
        for h, f in clients:
            pump(h, f)
        oracle = play_to(recording, math.inf)
        key = clients[0][0].sources[0].key
        for hub, floor in clients:
            assert hub.health()[0].resyncs == 0 and hub.health()[0].rejected == 0
            assert floor.events_applied >= source.problems.events  # every event, not a snapshot
            assert _same(floor.snapshot(key), oracle.snapshot("sim"))
            assert_same_floor(floor, oracle, [], "served")
        # One who joins after the end gets the same floor from the snapshot on connect.
        late_hub, late = connect(served.port)
        try:
            assert wait_for(lambda: pump(late_hub, late) is not None and late.now >= last)
            assert _same(late.snapshot(key), oracle.snapshot("sim"))
            # Heartbeats keep the feed alive at the end without moving its clock.
            before = late.now
            assert wait_for(lambda: any(isinstance(i.event, Heartbeat)
                                        for i in pump(late_hub, late)), timeout=5)
            assert late.now == before
        finally:
            late_hub.stop()
        assert served.feed is None  # still serving
    finally:
        for hub, _ in clients:
            hub.stop()
        served.close()
    assert served.feed is not None and served.feed.published == source.problems.events


def test_a_replay_from_a_time_starts_with_its_snapshot(recording):
    probe = ReplaySource(recording)
    start = probe.span[0] + 500.0
    source = ReplaySource(recording, speed=math.inf, start_t=start)
    served = Served(source)
    hub, floor = connect(served.port)
    try:
        assert wait_for(lambda: bool(hub.role()))
        served.go()
        assert wait_for(lambda: pump(hub, floor) is not None and floor.now >= probe.span[1])
        key = hub.sources[0].key
        assert _same(floor.snapshot(key), play_to(recording, math.inf).snapshot("sim"))
        assert served.feed is None
    finally:
        hub.stop()
        served.close()
    assert served.feed.snapshots == 1


def test_tokens_are_checked_as_the_simulator_checks_them(recording):
    served = Served(ReplaySource(recording, speed=math.inf),
                    tokens={"secret": "viewer"})
    good, _ = connect(served.port, "secret")
    bad, _ = connect(served.port, "wrong")
    try:
        assert wait_for(lambda: good.role() == "viewer")
        assert wait_for(lambda: "unknown token" in bad.health()[0].last_error)
    finally:
        good.stop()
        bad.stop()
        served.close()


def args(path: Path, **kw) -> argparse.Namespace:
    ns = argparse.Namespace(file=path, serve=0, speed=1.0, start_t=None, end_t=None)
    for k, v in kw.items():
        setattr(ns, k, v)
    return ns


def test_the_command_serves_until_exit_after(recording, capsys):
    started = time.monotonic()
    assert replay_serve.serve(args(recording, exit_after=0.5, speed=math.inf)) == 0
    assert time.monotonic() - started < 5
    out = capsys.readouterr().out
    assert "serving day.fwrec on ws://127.0.0.1:" in out and "at max" in out


def test_bad_input_is_one_line_and_exit_2(recording, tmp_path, capsys):
    assert replay_serve.serve(args(tmp_path / "none.fwrec")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.fwrec" in err
    (tmp_path / "tokens").write_text("abc nobody\n")
    assert replay_serve.serve(args(recording, tokens=tmp_path / "tokens")) == 2
    err = capsys.readouterr().err
    assert err.startswith("floorwatch replay: --tokens:") and err.count("\n") == 1
    parser = argparse.ArgumentParser()
    replay_serve.add_serve_arguments(parser)
    assert parser.parse_args(["--host", "0.0.0.0"]).host == "0.0.0.0"
