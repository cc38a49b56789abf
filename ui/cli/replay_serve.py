"""`floorwatch replay FILE --serve PORT`: a recording served as a live protocol-v1 feed.

Qt-free. The recording is read by a `ReplaySource` (paced by --speed, from --from to
--to) and published through the same `feeds.server.FeedServer` the simulator uses, so
any client (`floorwatch run --feed ws://HOST:PORT`, several at once: a training room)
gets what a live feed sends: a welcome, a snapshot on connect, the events in order,
heartbeats. A multi-feed recording is served as one feed (every feed's records in it).

A snapshot in the replay (one the live feed sent, or where --from starts) replaces the
served state: every connected client gets the new state as a snapshot, and a client
that reconnects gets one too (never a resume across it). When the recording is played
to its end (or --to), the feed stays up, its clock still, until Ctrl-C or --exit-after.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from feeds.server import FeedServer
from feeds.sources.replay import ReplaySource
from monitor.events import Heartbeat, Snapshot
from monitor.floor import Floor

HEARTBEAT_S = 1.0  # a frame at least this often, as a live feed sends
EXIT_OK, EXIT_USAGE = 0, 2


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    """The flags --serve needs besides FILE, --serve, --speed, --from, --to."""
    p.add_argument("--host", default="127.0.0.1",
                   help="with --serve: the address to listen on (default 127.0.0.1)")
    p.add_argument("--tokens", type=Path, metavar="FILE",
                   help="with --serve: lines 'TOKEN ROLE' allowed to connect (default: anyone)")


class ReplayFeedServer(FeedServer):
    """A FeedServer whose whole state can be replaced (a snapshot in the replay)."""

    def replace_state(self, state: dict[str, Any]) -> None:
        """Serve `state` from now on and send it to every client as a snapshot.

        The server's run changes (a new epoch) so no client resumes across it: the
        events it buffered came before it.
        """
        self.floor = Floor()
        self.floor.load_snapshot(state)
        self.epoch = uuid.uuid4().hex
        self._recent.clear()
        for client in list(self._clients):
            self._enqueue(client, self._snapshot_frame(client.binary))


def merged_state(floor: Floor, feeds: list[str]) -> dict[str, Any]:
    """The states of several feeds of `floor` as one feed's state."""
    out: dict[str, Any] | None = None
    for feed in feeds:
        state = floor.snapshot(feed)
        if out is None:
            out = state
            continue
        for part in ("queues", "agents", "contacts"):
            out[part] = out[part] + state[part]
    return out if out is not None else floor.snapshot("")


class ReplayFeed:
    """Moves a replay source's events into a ReplayFeedServer."""

    def __init__(self, source: ReplaySource, server: ReplayFeedServer) -> None:
        self.source = source
        self.server = server
        self.published = 0
        self.snapshots = 0
        # Several feeds are kept apart here, so their snapshots can be merged into one.
        self.mirror = Floor() if len(source.feeds) > 1 else None
        self._last_frame = time.monotonic()

    def _install(self, pending: dict[str, Snapshot]) -> None:
        if self.mirror is None:
            state = next(iter(pending.values())).state
        else:
            for feed, snap in pending.items():
                self.mirror.apply(snap, feed)
            state = merged_state(self.mirror, self.source.feeds)
        self.server.replace_state(state)
        self.snapshots += 1
        self._last_frame = time.monotonic()

    async def run(self, stop: asyncio.Event) -> None:
        pending: dict[str, Snapshot] = {}  # a seek's snapshots come one per feed, together
        beat = asyncio.create_task(self._heartbeats(stop))
        try:
            async for item in self.source.events(stop):
                event = item.event
                if isinstance(event, Snapshot):
                    pending[item.feed] = event
                    continue
                if pending:
                    self._install(pending)
                    pending = {}
                if self.mirror is not None:
                    self.mirror.apply(event, item.feed)
                self.server.publish((event,))
                self.published += 1
                self._last_frame = time.monotonic()
            if pending:
                self._install(pending)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _heartbeats(self, stop: asyncio.Event) -> None:
        """A heartbeat when nothing went out for a second (paused, a quiet stretch, the
        end): at the served clock, so it keeps clients' feed health without moving it."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), HEARTBEAT_S)
            if time.monotonic() - self._last_frame >= HEARTBEAT_S and self.server.floor.now:
                self.server.publish((Heartbeat(self.server.floor.now),))
                self._last_frame = time.monotonic()


async def serve_replay(
    source: ReplaySource,
    host: str = "127.0.0.1",
    port: int = 0,
    tokens: dict[str, str] | None = None,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[int], None] | None = None,
    begin: asyncio.Event | None = None,
    feed_id: str = "replay",
) -> ReplayFeed:
    """Serve `source` until `stop` is set; `on_ready(port)` once listening. With `begin`,
    the replay starts only when it is set (clients may connect first)."""
    stop = stop or asyncio.Event()
    server = ReplayFeedServer(feed_id=feed_id, host=host, port=port, tokens=tokens)
    feed = ReplayFeed(source, server)
    bound = await server.start()
    if on_ready is not None:
        on_ready(bound)
    try:
        if begin is not None:
            waiter = asyncio.ensure_future(begin.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()
        if not stop.is_set():
            await feed.run(stop)
    finally:
        await server.stop()
    return feed


def _fail(message: str) -> int:
    print(f"floorwatch replay: {message}", file=sys.stderr)
    return EXIT_USAGE


def serve(args: argparse.Namespace) -> int:
    """Run `floorwatch replay FILE --serve PORT` (args as ui/cli/replay.py parsed them:
    file, serve, speed, start_t, end_t; host, tokens and exit_after if present)."""
    from feeds.credentials import read_tokens
    from feeds.store.recording import RecordingError

    host = getattr(args, "host", None) or "127.0.0.1"
    tokens_file = getattr(args, "tokens", None)
    try:
        tokens = read_tokens(tokens_file) if tokens_file else None
    except (OSError, ValueError) as exc:
        return _fail(f"--tokens: {exc}")
    try:
        source = ReplaySource(args.file, speed=args.speed, start_t=getattr(args, "start_t", None),
                              end_t=getattr(args, "end_t", None))
    except RecordingError as exc:
        return _fail(str(exc))
    except ValueError as exc:
        return _fail(f"--speed: {exc}")
    if source.problems.skipped:
        print(f"{source.path}: {source.problems.skipped} recorded event(s) unreadable, "
              f"skipped ({source.problems.damaged} damaged part(s) of the file)",
              file=sys.stderr)
    exit_after = getattr(args, "exit_after", None)
    speed = "max" if args.speed == math.inf else f"{args.speed:g}x"

    def ready(port: int) -> None:
        print(f"floorwatch replay serving {source.path.name} on ws://{host}:{port} "
              f"at {speed}", flush=True)

    async def main() -> None:
        stop = asyncio.Event()
        if exit_after:
            asyncio.get_running_loop().call_later(float(exit_after), stop.set)
        await serve_replay(source, host=host, port=args.serve, tokens=tokens, stop=stop,
                           on_ready=ready)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # e.g. the port is taken
        return _fail(f"--serve {args.serve}: cannot listen on {host} ({exc.strerror or exc})")
    return EXIT_OK
