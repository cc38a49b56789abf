"""A websocket server for one feed: sequenced events, resume, snapshots on demand.

The server keeps a mirror `Floor` of everything it published, so a snapshot is
the engine's own state, stamped with the last sequence number it includes.
Slow clients never make memory grow: a client whose send queue overflows gets
its queue cleared and a fresh snapshot instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import websockets
from websockets.asyncio.server import ServerConnection, serve

from monitor.commands import REJECTED, Role
from monitor.events import Event
from monitor.floor import Floor

from . import protocol as p
from .login_throttle import LoginThrottle

log = logging.getLogger(__name__)

# (command data, role) -> result data; used by the reassignment issue.
CommandHandler = Callable[[dict[str, Any], str], Awaitable[dict[str, Any]]]


@dataclass(slots=True, eq=False)
class _Client:
    ws: ServerConnection
    role: str
    binary: bool
    outbox: asyncio.Queue[bytes | str] = field(default_factory=lambda: asyncio.Queue(20_000))


class FeedServer:
    """Serves one feed id. Call `publish` from the loop the server runs on."""

    def __init__(
        self,
        feed_id: str = "sim",
        host: str = "127.0.0.1",
        port: int = 0,
        tokens: dict[str, str] | None = None,
        replay_buffer: int = 50_000,
        command_handler: CommandHandler | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.feed_id = feed_id
        self.host, self.port = host, port
        self.tokens = tokens  # token -> role; None admits everyone as supervisor
        self.command_handler = command_handler
        self.tls = tls  # serve wss:// with this context; None: plain ws://
        self.floor = Floor()
        self.seq = 0
        # Sequence numbers are only comparable within one server run: a client
        # resumes only if it names this epoch, else it gets a snapshot.
        self.epoch = uuid.uuid4().hex
        self._recent: deque[tuple[int, Event]] = deque(maxlen=replay_buffer)
        self._clients: set[_Client] = set()
        self._server: Any = None
        self.rejected_frames = 0
        self.failed_logins = 0
        self._throttle = LoginThrottle()

    # ---------------------------------------------------------------- life
    async def start(self) -> int:
        """Listen; returns the bound port (useful with port 0)."""
        self._server = await serve(
            self._handle, self.host, self.port, max_size=1024 * 1024, compression=None,
            ssl=self.tls,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    @property
    def client_count(self) -> int:
        return len(self._clients)

    # ------------------------------------------------------------- publish
    def publish(self, events: Iterable[Event]) -> None:
        """Sequence, mirror and broadcast events (in order)."""
        for event in events:
            self.seq += 1
            self.floor.apply(event)
            self._recent.append((self.seq, event))
            if not self._clients:
                continue
            env = p.event_envelope(event, self.feed_id, self.seq)
            frames = {True: None, False: None}
            for client in list(self._clients):
                if frames[client.binary] is None:
                    frames[client.binary] = p.encode(env, client.binary)
                self._enqueue(client, frames[client.binary])

    def _enqueue(self, client: _Client, frame: bytes | str) -> None:
        try:
            client.outbox.put_nowait(frame)
        except asyncio.QueueFull:
            # Drop what it could not take and let one snapshot catch it up.
            while not client.outbox.empty():
                client.outbox.get_nowait()
            client.outbox.put_nowait(self._snapshot_frame(client.binary))

    def _snapshot_frame(self, binary: bool) -> bytes | str:
        state = self.floor.snapshot()
        env = p.Envelope(type="snapshot", data={"seq": self.seq, "state": state},
                         feed=self.feed_id, t=self.floor.now)
        return p.encode(env, binary)

    # -------------------------------------------------------------- a client
    async def _handle(self, ws: ServerConnection) -> None:
        try:
            first = await asyncio.wait_for(ws.recv(), timeout=10)
            hello = p.decode(first)
            if hello.type != p.HELLO:
                raise p.FrameError("expected_hello", hello.type)
        except (p.FrameError, TimeoutError) as exc:
            self.rejected_frames += 1
            await self._send_error(ws, f"bad hello: {exc}")
            return
        except websockets.ConnectionClosed:
            return
        token = hello.data.get("token", "")
        role = Role.SUPERVISOR.value if self.tokens is None else self.tokens.get(str(token), "")
        if not role:
            self.failed_logins += 1
            address = ws.remote_address[0] if ws.remote_address else ""
            await self._throttle.failed(str(address))
            await self._send_error(ws, "unknown token")
            await ws.close(4001, "unknown token")
            return
        client = _Client(ws, role, binary=isinstance(first, bytes))
        welcome = p.Envelope(type=p.WELCOME, feed=self.feed_id,
                             data={"role": role, "feed": self.feed_id, "seq": self.seq,
                                   "epoch": self.epoch})
        client.outbox.put_nowait(p.encode(welcome, client.binary))
        same_run = hello.data.get("epoch") == self.epoch
        self._queue_catch_up(client, hello.data.get("resume_from") if same_run else None)
        self._clients.add(client)  # no await since the catch-up: nothing missed
        sender = asyncio.create_task(self._pump(client))
        try:
            async for frame in ws:
                await self._on_frame(client, frame)
        except websockets.ConnectionClosed:
            pass
        finally:
            self._clients.discard(client)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender

    def _queue_catch_up(self, client: _Client, resume_from: Any) -> None:
        """Replay what the client missed if we still hold it, else a snapshot."""
        oldest = self._recent[0][0] if self._recent else self.seq + 1
        can_resume = (
            isinstance(resume_from, int) and not isinstance(resume_from, bool)
            and 0 < resume_from <= self.seq and resume_from >= oldest - 1
        )
        if not can_resume:
            client.outbox.put_nowait(self._snapshot_frame(client.binary))
            return
        for seq, event in self._recent:
            if seq > resume_from:
                env = p.event_envelope(event, self.feed_id, seq)
                self._enqueue(client, p.encode(env, client.binary))

    async def _pump(self, client: _Client) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await client.ws.send(await client.outbox.get())

    async def _on_frame(self, client: _Client, frame: bytes | str) -> None:
        try:
            env = p.decode(frame)
        except p.FrameError as exc:
            self.rejected_frames += 1
            self._enqueue(client, p.encode(
                p.Envelope(type=p.ERROR, data={"reason": str(exc)}), client.binary))
            return
        if env.type == p.RESYNC:
            self._enqueue(client, self._snapshot_frame(client.binary))
        elif env.type == p.COMMAND:
            result = await self._run_command(env.data, client.role)
            self._enqueue(client, p.encode(
                p.Envelope(type=p.COMMAND_RESULT, data=result, feed=self.feed_id),
                client.binary))
        else:
            self.rejected_frames += 1

    async def _run_command(self, data: dict[str, Any], role: str) -> dict[str, Any]:
        request_id = data.get("request_id", "")
        if self.command_handler is None:
            return {"request_id": request_id, "status": REJECTED.value,
                    "reason": "this feed accepts no commands"}
        return await self.command_handler(data, role)

    async def _send_error(self, ws: ServerConnection, reason: str) -> None:
        with contextlib.suppress(websockets.ConnectionClosed):
            await ws.send(p.encode(p.Envelope(type=p.ERROR, data={"reason": reason})))
