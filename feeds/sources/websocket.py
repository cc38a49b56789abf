"""A protocol-v1 websocket feed as a source: connect, hello/resume, order, reconnect.

Sequencing and resync rules live in `feeds.sequencing.Sequencer` (no I/O); this
module only moves frames. Reconnects use capped exponential backoff with jitter.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect

from monitor.commands import Role
from monitor.events import Event, Snapshot
from monitor.limits import BAD_SNAPSHOT
from monitor.snapshot_check import problem as snapshot_problem

from .. import protocol as p
from ..credentials import redact_url
from ..fast_decode import decode_fields
from ..health import EventRate, FeedHealth
from ..sequencing import SEQ_JUMP, Sequencer
from ..source import FeedEvent, Source

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 10.0
QUICK_RECONNECT_EVERY_S = 10.0  # at most one immediate reconnect this often
# Close codes the websocket layer sends when one frame broke the rules (RFC 6455).
FRAME_CLOSE_REASONS = {1009: "too_big", 1007: "bad_utf8"}
RESYNC_MIN_S, RESYNC_MAX_S = 0.5, 30.0
MAX_AHEAD_S = 6 * 3600.0  # an event this far past the feed's latest time is refused
MAX_NAME = 200  # feed ids and epochs are short; a longer one is cut, not stored whole
ROLES = frozenset(r.value for r in Role)


class WebsocketSource(Source):
    """One feed URL. The token goes to this URL only and is never logged.

    The feed is named (key, health, errors) by its URL without credentials or
    query (`redact_url`); the full URL is used only to connect.
    """

    accepts_commands = True

    def __init__(self, url: str, token: str = "", max_frame: int = p.MAX_FRAME_BYTES,
                 tls: ssl.SSLContext | None = None) -> None:
        self.key = redact_url(url)
        self.url = self.key
        self._connect_url = url
        # wss:// trusts the system's CAs (or SSL_CERT_FILE) unless given a context.
        self._tls = tls
        self._token = token
        self._max_frame = max_frame
        self._health = FeedHealth(url=self.key)
        self._role = ""
        self.sequencer: Sequencer[Event | None] = Sequencer()
        self._ws: ClientConnection | None = None
        self._want_resync = False
        self._welcomed = False
        self._clock = 0.0  # the latest event time this feed has sent (0: none yet)
        self._resync_delay = 0.0  # pause before the next resync may be asked; doubles
        self._next_resync_at = 0.0
        self._rate = EventRate()
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._attempt = 0
        self._last_quick_reconnect = -QUICK_RECONNECT_EVERY_S

    @staticmethod
    def make_event(cls: type[Event], t: float, fields: tuple[Any, ...]) -> Event:
        """The event a checked frame carries (a feed process keeps plain rows instead)."""
        return cls(t, *fields)

    @property
    def role(self) -> str:
        return self._role

    @property
    def last_seq(self) -> int:
        return self.sequencer.last_seq

    # ---------------------------------------------------------------- life
    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        while not stop.is_set():
            try:
                async with connect(
                    self._connect_url, max_size=self._max_frame, open_timeout=5,
                    close_timeout=1, compression=None,
                    **({"ssl": self._tls} if self._tls is not None else {}),
                ) as ws:
                    self._ws = ws
                    self._welcomed = False
                    # Stopping must not wait for the server to hang up.
                    closer = asyncio.create_task(self._close_on(stop, ws))
                    self._health.connected = True
                    self._health.last_error = ""
                    self._attempt = 0
                    await ws.send(p.encode(p.Envelope(type=p.HELLO, data={
                        "token": self._token, "resume_from": self.sequencer.resume_from,
                        "epoch": self.sequencer.epoch})))
                    try:
                        async for frame in ws:
                            for item in self._on_frame(frame):
                                yield item
                            if self._want_resync:
                                await self._send_resync()
                    finally:
                        closer.cancel()
            except (OSError, TimeoutError, websockets.WebSocketException) as exc:
                # The library's messages may quote the URL: never with its secrets.
                why = str(exc).replace(self._connect_url, self.key)
                self._health.last_error = f"{type(exc).__name__}: {why}"[:200]
                reason = _frame_close_reason(exc)
                if reason:
                    # One frame the websocket layer cannot skip (too big, text that is
                    # not UTF-8) closes the connection: count it like any bad frame.
                    self._reject(p.FrameError(reason))
            finally:
                was_connected, self._ws = self._ws is not None, None
                self._health.connected = False
                self._fail_pending("connection lost")
            if stop.is_set():
                return
            if was_connected:
                self._health.reconnects += 1
            delay = self._next_delay()
            now = time.monotonic()
            if was_connected and now - self._last_quick_reconnect > QUICK_RECONNECT_EVERY_S:
                # A connection that worked comes back at once; a flapping one backs off.
                self._last_quick_reconnect, delay = now, 0.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

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
    def _on_frame(self, frame: bytes | str) -> list[FeedEvent]:
        """Decode one frame; the events it releases, in order (a snapshot may release many)."""
        self._rate.seen()
        try:
            return self._use_frame(frame)
        except Exception as exc:  # noqa: BLE001 - no frame may kill the feed
            log.exception("frame from %s could not be handled", self.key)
            self._reject(p.FrameError("unhandled", type(exc).__name__))
            return []

    def _use_frame(self, frame: bytes | str) -> list[FeedEvent]:
        if type(frame) is bytes and len(frame) <= self._max_frame:
            fast = decode_fields(frame)
            if fast is not None:  # a valid event frame: the common case, the short way
                seq, cls, t, rest = fast
                if self._clock and t > self._clock + MAX_AHEAD_S:
                    self._reject(p.FrameError("time_jump", f"{t - self._clock:.0f} s ahead"))
                    return self._sequence(seq, None)
                event = self.make_event(cls, t, rest)
                if self.sequencer.next_in_order(seq):
                    if t > self._clock:
                        self._clock = t
                    self._health.events += 1
                    return [FeedEvent(self.key, seq, event)]
                return self._sequence(seq, event)
        try:
            env = p.decode(frame, self._max_frame)
        except p.FrameError as exc:
            self._reject(exc)
            return []
        if env.type in p.CONTROL_TYPES:
            self._on_control(env)
            return []
        # Every frame is checked on arrival, so bad ones are counted even when a resync
        # later makes them moot.
        try:
            event: Event | None = p.to_event(env)
            if self._clock and event.t > self._clock + MAX_AHEAD_S:
                # One event from the far future would move the floor's clock there and
                # leave every later event counting nowhere: a broken clock, not news.
                raise p.FrameError("time_jump", f"{event.t - self._clock:.0f} s ahead")
            if isinstance(event, Snapshot) and self.sequencer.plausible(event.seq):
                # Its state is checked whole before it may replace anything (numbered
                # past any plausible number, it is a seq_jump first).
                why = snapshot_problem(event.state, latest=event.t + MAX_AHEAD_S)
                if why is not None:
                    raise p.FrameError(BAD_SNAPSHOT, why)
        except p.FrameError as exc:
            self._reject(exc)
            if env.type == Snapshot.TYPE:
                if exc.reason == BAD_SNAPSHOT:
                    self._bad_snapshot(str(exc))
                return []  # a refused snapshot changes nothing, not even the numbering
            event = None  # a refused event still uses up its number: no gap, no resync
        return self._sequence(env.seq, event)

    def _sequence(self, seq: int, event: Event | None) -> list[FeedEvent]:
        """Number `event` (None: refused, its number used up) and release what is due."""
        if isinstance(event, Snapshot):
            step = self.sequencer.snapshot(event.seq, event)
            if step.deliver:  # the snapshot came: no need to ask (again) for one
                self._want_resync = False
        else:
            step = self.sequencer.event(seq, event, refused=event is None)
        self._want_resync = self._want_resync or step.resync
        if step.rejected:
            self._health.rejected += step.rejected
            self._health.rejected_reasons[SEQ_JUMP] += step.rejected
        out = []
        for seq, item in step.deliver:
            if item is not None:
                self._clock = max(self._clock, self.event_time(item))
                out.append(FeedEvent(self.key, seq, item))
        self._health.events += len(out)
        self._health.duplicates = self.sequencer.duplicates
        self._health.resyncs = self.sequencer.resyncs
        return out

    @staticmethod
    def event_time(item: Event) -> float:
        return item.t

    def _bad_snapshot(self, why: str) -> None:
        """A snapshot refused for its state: say why; if one was awaited (or nothing
        was had yet), ask again at the resync pace (`_send_resync`: no storm)."""
        self._health.last_error = why[:200]
        if self.sequencer.awaiting_snapshot or not self.sequencer.last_seq:
            self.sequencer.lost()  # (already waiting: not counted again)
            self._want_resync = True
            self._health.resyncs = self.sequencer.resyncs

    def _reject(self, exc: p.FrameError) -> None:
        self._health.rejected += 1
        self._health.rejected_reasons[exc.reason] += 1

    def _on_control(self, env: p.Envelope) -> None:
        if env.type == p.WELCOME:
            if self._welcomed:
                # Only the first frame of a connection may name the feed and our role.
                self._reject(p.FrameError("unexpected_welcome"))
                return
            self._welcomed = True
            self._health.feed = str(env.data.get("feed", ""))[:MAX_NAME]
            role = str(env.data.get("role", ""))
            self._role = role if role in ROLES else ""
            seq = env.data.get("seq")
            epoch = str(env.data.get("epoch", ""))[:MAX_NAME]
            # A new connection may follow a long pause (or another server run with its
            # own clock): the far-future check starts again from what the feed sends now.
            self._clock = 0.0
            self.sequencer.welcome(epoch,
                                   seq if isinstance(seq, int) and not isinstance(seq, bool)
                                   else None)
        elif env.type == p.COMMAND_RESULT:
            fut = self._pending.pop(str(env.data.get("request_id", "")), None)
            if fut is not None and not fut.done():
                fut.set_result(env.data)
        elif env.type == p.ERROR:
            self._health.last_error = str(env.data.get("reason", "error"))[:200]

    def overflowed(self, item: FeedEvent) -> None:
        """The engine is behind: stop feeding it piecemeal, resync from a snapshot instead."""
        self._health.dropped += 1
        self._health.events -= 1
        if self.sequencer.lost():
            self._want_resync = True
        self._health.resyncs = self.sequencer.resyncs

    async def _send_resync(self) -> None:
        """Ask for a snapshot, at most once per pause; the pause doubles (to
        RESYNC_MAX_S) while requests keep coming, so no frame can cause a storm."""
        now = time.monotonic()
        if now < self._next_resync_at:
            return  # still wanted: asked again after a later frame, once the pause is over
        self._want_resync = False
        calm = now - self._next_resync_at > RESYNC_MAX_S
        self._resync_delay = RESYNC_MIN_S if calm else min(
            RESYNC_MAX_S, max(RESYNC_MIN_S, self._resync_delay * 2))
        self._next_resync_at = now + self._resync_delay
        if self._ws is not None:
            with contextlib.suppress(websockets.ConnectionClosed):
                await self._ws.send(p.encode(p.Envelope(type=p.RESYNC)))

    # ------------------------------------------------------------ commands
    async def send(self, data: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
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

    # -------------------------------------------------------------- health
    def health(self) -> FeedHealth:
        return self._rate.fill(self._health).copy()


def _frame_close_reason(exc: BaseException) -> str:
    """The bad-frame reason when the websocket layer closed over one frame, else ''."""
    if not isinstance(exc, websockets.ConnectionClosed):
        return ""
    for close in (exc.sent, exc.rcvd):
        if close is not None and close.code in FRAME_CLOSE_REASONS:
            return FRAME_CLOSE_REASONS[close.code]
    return ""
