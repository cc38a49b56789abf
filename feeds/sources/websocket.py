"""Subscribe to feeds off the GUI thread and hand canonical events over.

`FeedHub` runs an asyncio loop in one worker thread with one connection task
per URL. Decoded events go into one bounded hand-off that the UI drains on its
tick. Per feed: sequence tracking (duplicates dropped, a gap asks for a
snapshot), reconnect with capped backoff and jitter, and a health record.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import random
import threading
import time
import uuid
from collections import deque
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect

from feeds import protocol as p
from feeds.health import FeedHealth
from monitor.events import Event, Snapshot

MAX_BACKOFF_S = 10.0
HANDOFF_LIMIT = 200_000
RESYNC_BUFFER_LIMIT = 100_000


class _Handoff:
    """The one bounded, thread-safe queue between the network thread and the engine."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: deque[tuple[str, Event]] = deque()
        self._lock = threading.Lock()

    def put(self, key: str, event: Event) -> bool:
        """False when full; snapshots always fit, since they replace what was lost."""
        with self._lock:
            if len(self._items) >= self.limit and not isinstance(event, Snapshot):
                return False
            self._items.append((key, event))
            return True

    def take(self, max_items: int) -> list[tuple[str, Event]]:
        with self._lock:
            n = min(max_items, len(self._items))
            return [self._items.popleft() for _ in range(n)]

    def __len__(self) -> int:
        return len(self._items)


class FeedConnection:
    """One feed URL: connect, hello/resume, order by sequence, reconnect."""

    def __init__(self, url: str, token: str, handoff: _Handoff, max_frame: int) -> None:
        self.url = url
        self.token = token
        self.health = FeedHealth(url=url)
        self.role = ""
        self.last_seq = 0
        self.epoch = ""  # the server run our sequence numbers belong to
        self._handoff = handoff
        self._max_frame = max_frame
        self._ws: ClientConnection | None = None
        self._awaiting_snapshot = False
        self._held: list[tuple[int, p.Envelope]] = []  # sequenced frames during resync
        self._last_frame_at: float | None = None
        self._rate_mark = (time.monotonic(), 0)
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._attempt = 0

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                async with connect(
                    self.url, max_size=self._max_frame, open_timeout=5,
                    close_timeout=1, compression=None,
                ) as ws:
                    self._ws = ws
                    # Stopping must not wait for the server to hang up.
                    closer = asyncio.create_task(self._close_on(stop, ws))
                    self.health.connected = True
                    self.health.last_error = ""
                    self._attempt = 0
                    resume = self.last_seq if self.last_seq > 0 else None
                    await ws.send(p.encode(p.Envelope(
                        type=p.HELLO, data={"token": self.token, "resume_from": resume,
                                                    "epoch": self.epoch})))
                    try:
                        async for frame in ws:
                            await self._on_frame(frame)
                    finally:
                        closer.cancel()
            except (OSError, TimeoutError, websockets.WebSocketException) as exc:
                self.health.last_error = f"{type(exc).__name__}: {exc}"[:200]
            finally:
                was_connected, self._ws = self._ws is not None, None
                self.health.connected = False
                self._fail_pending("connection lost")
            if stop.is_set():
                return
            if was_connected:
                self.health.reconnects += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._next_delay())

    @staticmethod
    async def _close_on(stop: asyncio.Event, ws: ClientConnection) -> None:
        await stop.wait()
        await ws.close()

    def _next_delay(self) -> float:
        """Exponential backoff with full jitter, capped at MAX_BACKOFF_S."""
        self._attempt += 1
        ceiling = min(MAX_BACKOFF_S, 0.25 * 2 ** self._attempt)
        return random.uniform(ceiling / 2, ceiling)

    # -------------------------------------------------------------- frames
    async def _on_frame(self, frame: bytes | str) -> None:
        self._last_frame_at = time.monotonic()
        try:
            env = p.decode(frame, self._max_frame)
            if env.type in p.CONTROL_TYPES:
                self._on_control(env)
            elif env.type == Snapshot.TYPE:
                await self._on_snapshot(env)
            else:
                await self._on_event(env)
        except p.FrameError as exc:
            self.health.rejected += 1
            self.health.rejected_reasons[exc.reason] += 1

    def _on_control(self, env: p.Envelope) -> None:
        if env.type == p.WELCOME:
            self.health.feed = str(env.data.get("feed", ""))
            self.role = str(env.data.get("role", ""))
            epoch = str(env.data.get("epoch", ""))
            if epoch != self.epoch:
                # A different server run: our sequence numbers mean nothing there.
                self.epoch, self.last_seq = epoch, 0
        elif env.type == p.COMMAND_RESULT:
            fut = self._pending.pop(str(env.data.get("request_id", "")), None)
            if fut is not None and not fut.done():
                fut.set_result(env.data)
        elif env.type == p.ERROR:
            self.health.last_error = str(env.data.get("reason", "error"))[:200]

    async def _on_snapshot(self, env: p.Envelope) -> None:
        snap = p.to_event(env)
        assert isinstance(snap, Snapshot)
        self._handoff.put(self.url, snap)
        self.health.events += 1
        self.last_seq = snap.seq
        held, self._held = self._held, []
        self._awaiting_snapshot = False
        for seq, held_env in held:
            if seq > self.last_seq:
                await self._on_event(held_env)

    async def _on_event(self, env: p.Envelope) -> None:
        if self._awaiting_snapshot:
            if len(self._held) < RESYNC_BUFFER_LIMIT:
                self._held.append((env.seq, env))
            return
        if env.seq:
            if env.seq <= self.last_seq:
                self.health.duplicates += 1
                return
            if self.last_seq and env.seq != self.last_seq + 1:
                await self._request_snapshot()
                self._held.append((env.seq, env))
                return
        try:
            event = p.to_event(env)
        except p.FrameError:
            # Received but unusable (e.g. a newer event type): not a gap.
            self.last_seq = max(self.last_seq, env.seq)
            raise
        if not self._handoff.put(self.url, event):
            # The engine is behind: stop feeding it piecemeal, resync instead.
            self.health.dropped += 1
            await self._request_snapshot()
            return
        self.health.events += 1
        if env.seq:
            self.last_seq = env.seq

    async def _request_snapshot(self) -> None:
        self._awaiting_snapshot = True
        self.health.resyncs += 1
        if self._ws is not None:
            await self._ws.send(p.encode(p.Envelope(type=p.RESYNC)))

    # ------------------------------------------------------------ commands
    async def command(self, data: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Send a command and wait for its result (matched by request_id)."""
        if self._ws is None:
            raise ConnectionError(f"{self.url} is not connected")
        request_id = str(data.setdefault("request_id", uuid.uuid4().hex))
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = fut
        try:
            await self._ws.send(p.encode(p.Envelope(type=p.COMMAND, data=data)))
        except websockets.ConnectionClosed as exc:
            # Callers see one kind of failure for every lost connection.
            self._pending.pop(request_id, None)
            raise ConnectionError(f"{self.url}: connection closed while sending") from exc
        return await asyncio.wait_for(fut, timeout)

    def _fail_pending(self, reason: str) -> None:
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(ConnectionError(reason))
        self._pending.clear()

    def snapshot_health(self) -> FeedHealth:
        now = time.monotonic()
        mark_t, mark_n = self._rate_mark
        if now - mark_t >= 1.0:
            self.health.events_per_s = (self.health.events - mark_n) / (now - mark_t)
            self._rate_mark = (now, self.health.events)
        self.health.last_event_age_s = (
            None if self._last_frame_at is None else now - self._last_frame_at
        )
        return self.health.copy()


class FeedHub:
    """All feed connections of one client, on one network thread."""

    def __init__(
        self,
        urls: list[str],
        token: str = "",
        handoff_limit: int = HANDOFF_LIMIT,
        max_frame: int = p.MAX_FRAME_BYTES,
    ) -> None:
        self._handoff = _Handoff(handoff_limit)
        self.connections = [FeedConnection(u, token, self._handoff, max_frame) for u in urls]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._health_lock = threading.Lock()

    def start(self) -> None:
        started = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(started,), name="floorwatch-feeds", daemon=True)
        self._thread.start()
        started.wait()

    def _run(self, started: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        self._stop = asyncio.Event()
        started.set()
        try:
            self._loop.run_until_complete(
                asyncio.gather(*(c.run(self._stop) for c in self.connections)))
        finally:
            self._loop.close()

    def stop(self, timeout: float = 5.0) -> None:
        """Close every connection and join the network thread."""
        if self._loop is None or self._thread is None:
            return
        if not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
        self._thread = None

    def drain(self, max_events: int = 100_000) -> list[tuple[str, Event]]:
        """Events ready for the engine, as (feed key, event); never blocks on the network."""
        return self._handoff.take(max_events)

    @property
    def pending(self) -> int:
        return len(self._handoff)

    def health(self) -> list[FeedHealth]:
        with self._health_lock:
            return [c.snapshot_health() for c in self.connections]

    def role(self, url: str | None = None) -> str:
        conn = self.connections[0] if url is None else self._connection(url)
        return conn.role

    def send_command(self, data: dict[str, Any], url: str | None = None,
                     timeout: float = 10.0) -> concurrent.futures.Future[dict[str, Any]]:
        """Submit a command from any thread; the returned future resolves with its result."""
        if self._loop is None:
            raise RuntimeError("hub not started")
        conn = self.connections[0] if url is None else self._connection(url)
        return asyncio.run_coroutine_threadsafe(conn.command(data, timeout), self._loop)

    def _connection(self, url: str) -> FeedConnection:
        for c in self.connections:
            if c.url == url:
                return c
        raise KeyError(url)
