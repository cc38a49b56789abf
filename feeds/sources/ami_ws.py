"""Asterisk AMI through an AMI-to-WebSocket bridge, as a source of canonical events.

The bridge followed is amiws (github.com/staskobzar/amiws, GPL-3; docs/ami-websocket.md).
It keeps its own AMI login to one or more Asterisk servers and sends every AMI message
to every websocket client as one JSON text frame:

    {"type": 3, "server_id": 1, "server_name": "pbx1", "ssl": false,
     "data": {"Event": "QueueCallerJoin", "Queue": "sales", ...}}

`type` 3 is an event, 4 a response (1 prompt, 2 action, 5 command output and 6 queue
list carry nothing for the floor). A JSON object the client sends is turned into one
AMI action, its members the action's `Key: Value` lines (`AMIServerID` picks the
server), and the `Response` comes back to every client with the action's `ActionID`.

So this is `AmiSource` with another wire: the same mapping (`AmiMap`), the same
`QueueStatus` snapshot on every (re)connect, the same reassignment as `QueueAdd` /
`QueueRemove` / `QueuePenalty` / `QueuePause` with its checks and rollback (inherited:
only the transport methods differ). Our ActionIDs carry a random tag because the bridge
shows every client's responses to every client. With several servers behind the bridge,
the server that answers our first `QueueStatus` is ours (or `server_id`); frames of the
others are left out and our actions carry `AMIServerID`.

The bridge re-logs in to Asterisk on its own after a drop and says so with a Login
response ("Authentication accepted"): events may have been lost, so a fresh snapshot is
taken on the same websocket. Frames are bounded (`max_frame`); a frame that is not JSON,
not an object, has no `data`, an unknown `type` or data that is not flat is counted in
health and skipped. AMI events the mapping does not use (Newchannel, VarSet…) are left
out as AmiSource leaves them (`map.stats.ignored`), not counted as bad.

The optional token goes in the handshake only (`Authorization: Bearer …`, for the
reverse proxy that guards the bridge: amiws itself has no token check); the websocket
library's own debug log, which would print the handshake headers, is kept off.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import ssl
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from monitor.events import Heartbeat

from ..credentials import redact_url
from ..health import FeedHealth
from ..source import FeedEvent
from .ami import MAX_HELD, MAX_KEYS, MAX_STATUS_ITEMS, AmiSource
from .ami_map import Message

MAX_FRAME = 64 * 1024  # bytes; bigger frames are counted and skipped (AMI messages are small)
MAX_WIRE_FRAME = 1024 * 1024  # the websocket layer's own cap: past it the connection closes
EVENT, RESPONSE = 3, 4  # amiws message types
QUIET_TYPES = frozenset({1, 2, 5, 6})  # prompt, action, command output, queue list
RELOGGED = "authentication accepted"  # the bridge logged in to Asterisk (again)

# Never at debug level: websockets logs each handshake header there (the token).
_WIRE_LOG = logging.getLogger(__name__ + ".wire")
_WIRE_LOG.setLevel(logging.INFO)


class BadFrame(ValueError):
    """A frame the source cannot use; the text is the reason counted in health."""


class _Gone(Exception):
    """The session cannot go on (silent bridge, refused or unusable QueueStatus)."""


def _value(value: Any) -> str:
    """An AMI value as the string the mapping expects (bridges may send numbers)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if value is None:
        return ""
    raise BadFrame("data value not a string or number")


def read_frame(frame: str | bytes, max_frame: int = MAX_FRAME) -> tuple[int, int | None, Message]:
    """(type, server id or None, the AMI message with lower-cased keys) of one frame.

    Raises `BadFrame` with the reason. A frame without `type` is typed by its data
    (an `Event` key: event; a `Response` key: response), for bridges that leave it out.
    """
    if len(frame) > max_frame:
        raise BadFrame("frame too large")
    if isinstance(frame, bytes):
        try:
            frame = frame.decode("utf-8")
        except UnicodeDecodeError:
            raise BadFrame("frame not UTF-8") from None
    try:
        obj = json.loads(frame)
    except (ValueError, RecursionError):
        raise BadFrame("not JSON") from None
    if not isinstance(obj, dict):
        raise BadFrame("not a JSON object")
    data = obj.get("data")
    if data is None:
        raise BadFrame("no data member")
    if not isinstance(data, dict):
        raise BadFrame("data is not an object")
    if len(data) > MAX_KEYS:
        raise BadFrame("too many keys")
    msg = {str(k).strip().lower(): _value(v) for k, v in data.items()}
    kind = obj.get("type")
    if kind is None:
        kind = EVENT if "event" in msg else RESPONSE if "response" in msg else None
    elif isinstance(kind, str) and kind.strip().isdecimal() and len(kind) < 10:
        kind = int(kind)
    if not isinstance(kind, int) or isinstance(kind, bool):
        raise BadFrame("unknown frame type")
    if kind == EVENT and not msg.get("event"):
        raise BadFrame("event frame without Event")
    if kind == RESPONSE and not msg.get("response"):
        raise BadFrame("response frame without Response")
    if kind not in (EVENT, RESPONSE) and kind not in QUIET_TYPES:
        raise BadFrame("unknown frame type")
    server = obj.get("server_id")
    if not isinstance(server, int) or isinstance(server, bool):
        server = None
    return kind, server, msg


class AmiWebsocketSource(AmiSource):
    """Queue events of one Asterisk server behind an amiws bridge; takes reassignments
    (the bridge's AMI user needs read=agent,call and write=agent)."""

    accepts_commands = True

    def __init__(
        self,
        url: str,
        token: str = "",
        key: str = "",
        *,
        sl_target_s: float = 20.0,
        server_id: int | None = None,
        ping_s: float = 2.0,
        timeout_s: float = 10.0,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        max_frame: int = MAX_FRAME,
        tls: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # AmiSource's constructor sets up the mapping, the command bookkeeping and the
        # health record; its TCP address and login fields stay unused here.
        super().__init__(
            "",
            0,
            "",
            "",
            key or redact_url(url),
            ping_s=ping_s,
            timeout_s=timeout_s,
            backoff_s=backoff_s,
            max_backoff_s=max_backoff_s,
            sl_target_s=sl_target_s,
            clock=clock,
        )
        self.url = redact_url(url)  # what may be shown; the full URL only to connect
        self._connect_url = url
        self._token = token
        self._tls = tls
        self.server_id = server_id  # the bridge's number for our Asterisk; learnt if None
        self.max_frame = max_frame
        self.quiet_frames = 0  # prompts, actions, command output: nothing for the floor
        self.foreign_frames = 0  # frames of the bridge's other servers
        self._health = FeedHealth(url=self.url, feed=self.key)
        self._tag = secrets.token_hex(4)  # tells our ActionIDs from other clients'
        self._out: asyncio.Queue[str] | None = None

    def __repr__(self) -> str:  # never the token
        return f"AmiWebsocketSource({self.key!r})"

    # ---------------------------------------------------------------- life
    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        failures = 0
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else None
        while not stop.is_set():
            try:
                async with connect(
                    self._connect_url,
                    additional_headers=headers,
                    max_size=MAX_WIRE_FRAME,
                    open_timeout=self.timeout_s,
                    close_timeout=1,
                    ping_interval=None,  # AMI Ping through the bridge checks both legs
                    logger=_WIRE_LOG,
                    **({"ssl": self._tls} if self._tls is not None else {}),
                ) as ws:
                    async for item in self._session(ws, stop):
                        failures = 0  # a session that got as far as events resets the backoff
                        yield item
            except (OSError, TimeoutError, websockets.WebSocketException, _Gone) as e:
                # The library's messages may quote the URL: never with its secrets.
                why = str(e).replace(self._connect_url, self.url)
                self._health.last_error = f"{type(e).__name__}: {why}"[:200]
                if isinstance(e, ConnectionClosed) and e.sent is not None and e.sent.code == 1009:
                    self._reject("frame too large")  # past MAX_WIRE_FRAME: the layer closed
            finally:
                self._health.connected = False
                self._writer = None
                self._out = None
                self._fail_pending("connection lost")
            if stop.is_set():
                break
            self._health.reconnects += 1
            delay = min(self.max_backoff_s, self.backoff_s * 2 ** min(failures, 16))
            failures += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def _session(self, ws: ClientConnection, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        self._out = asyncio.Queue()
        sender = asyncio.ensure_future(self._send_all(ws, self._out))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():  # a snapshot, then events until the bridge re-logs in
                async for item in self._snapshot(ws, stopper):
                    yield item
                self._writer = ws  # commands may go now (AmiSource._ask checks it)
                async for item in self._live(ws, stop, stopper):
                    yield item
        finally:
            sender.cancel()
            stopper.cancel()
            # asyncio.wait: their ends are not ours to raise, and a cancellation of this
            # task itself still goes through (a suppress would swallow it and run on).
            await asyncio.wait({sender, stopper})

    async def _snapshot(
        self, ws: ClientConnection, stopper: asyncio.Future[Any]
    ) -> AsyncIterator[FeedEvent]:
        loop = asyncio.get_running_loop()
        status = self._action(None, "QueueStatus")
        items: list[Message] = []
        live: list[Message] = []  # events that came while the answer was read
        answered = False
        heard = loop.time()  # when the answer last moved on (a busy floor is not an answer)
        while True:
            wait = heard + self.timeout_s - loop.time()
            frame = await self._recv(ws, stopper, wait) if wait > 0 else None
            if frame is None:
                if stopper.done():
                    return
                raise _Gone("no answer to QueueStatus")
            got = self._read(frame)
            if got is None:
                continue
            kind, msg = got
            if kind == RESPONSE and msg.get("actionid") == status:
                if msg.get("response", "").lower() != "success":
                    raise _Gone(f"QueueStatus refused: {msg.get('message', '')[:100]}")
                answered, heard = True, loop.time()
            elif kind == RESPONSE and msg.get("message", "").lower() == RELOGGED:
                # The bridge lost Asterisk meanwhile: our question may be lost with it.
                status = self._action(None, "QueueStatus")
                items, live, answered, heard = [], [], False, loop.time()
            elif kind == RESPONSE:
                self._answered(msg)
            elif kind != EVENT:
                continue
            elif msg.get("actionid") == status:
                if msg["event"].lower() == "queuestatuscomplete":
                    break
                if len(items) >= MAX_STATUS_ITEMS:
                    raise _Gone("QueueStatus answer too long")
                items.append(msg)
                heard = loop.time()
            elif answered:  # before the answer: the snapshot already holds its effect
                if len(live) >= MAX_HELD:
                    raise _Gone("too many events during QueueStatus")
                live.append(msg)
        answer = self._answer(items)  # a snapshot first, then the changes since (AmiSource)
        if answer is None:
            raise _Gone("unusable QueueStatus answer")
        for item in answer:
            yield item
        for msg in live:
            for item in self._convert(msg):
                yield item

    async def _live(
        self, ws: ClientConnection, stop: asyncio.Event, stopper: asyncio.Future[Any]
    ) -> AsyncIterator[FeedEvent]:
        """Events until stopped, or until the bridge logs in to Asterisk again (returns:
        a new snapshot is due)."""
        loop = asyncio.get_running_loop()
        last_in = loop.time()
        while not stop.is_set():
            frame = await self._recv(ws, stopper, self.ping_s)
            if stop.is_set():
                return
            if frame is None:
                if loop.time() - last_in > self.timeout_s:
                    raise _Gone("no answer to Ping")
                self._action(None, "Ping")
                t = self._time({})
                for item in self._number([*self.map.expire(t), Heartbeat(t)]):
                    yield item
                continue
            last_in = loop.time()
            self._rate.seen()
            got = self._read(frame)
            if got is None:
                continue
            kind, msg = got
            if kind == RESPONSE:
                if msg.get("message", "").lower() == RELOGGED:
                    return  # the bridge's AMI link was down: what it missed, we missed
                self._answered(msg)
            elif kind == EVENT:
                for item in self._convert(msg):
                    yield item

    # ---------------------------------------------------------------- wire
    def _read(self, frame: str | bytes) -> tuple[int, Message] | None:
        """A frame of our server as (type, message); None when bad (counted), quiet or
        another server's."""
        try:
            kind, server, msg = read_frame(frame, self.max_frame)
        except BadFrame as e:
            self._reject(str(e))
            return None
        if kind in QUIET_TYPES:
            self.quiet_frames += 1
            return None
        if server is not None and self.server_id is not None and server != self.server_id:
            self.foreign_frames += 1
            return None
        if server is not None and self.server_id is None and kind == RESPONSE:
            if msg.get("actionid", "").startswith(f"fw-{self._tag}-"):
                self.server_id = server  # the first server to answer us is ours
        return kind, msg

    async def _recv(
        self, ws: ClientConnection, stopper: asyncio.Future[Any], timeout: float
    ) -> str | bytes | None:
        """The next frame; None after `timeout` or once stopped (cancelling the
        library's recv loses nothing: the frame comes on the next call)."""
        recv = asyncio.ensure_future(ws.recv())
        try:
            await asyncio.wait(
                {recv, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            if not recv.done():
                recv.cancel()
        if not recv.done():
            # Wait for the cancelled read to finish (the library allows one read at a time);
            # asyncio.wait does not swallow a cancellation of this task itself.
            await asyncio.wait({recv})
        if recv.cancelled():
            return None
        return recv.result()  # ConnectionClosed when the bridge went

    def _action(self, writer: Any, action: str, **fields: str) -> str:
        """Queue one action as the bridge's JSON; returns its ActionID (AmiSource's
        commands call this with their own `writer`, unused here: one queue per session)."""
        action_id = f"fw-{self._tag}-{next(self._ids)}"
        frame: dict[str, Any] = {"Action": action, "ActionID": action_id, **fields}
        if self.server_id is not None:
            frame["AMIServerID"] = self.server_id
        if self._out is not None:
            self._out.put_nowait(json.dumps(frame))
        return action_id

    @staticmethod
    async def _send_all(ws: ClientConnection, out: asyncio.Queue[str]) -> None:
        while True:
            await ws.send(await out.get())
