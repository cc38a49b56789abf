"""Asterisk Manager Interface (AMI) over TCP as a source of canonical events.

One connection at a time: read the banner, `Login`, `QueueStatus` (its answer is one
canonical Snapshot, `ami_map.AmiMap.snapshot`), then every event through the mapping.
A `Ping` every `ping_s` keeps the health's last-event age honest on a quiet floor and
finds a half-open socket. A drop, a refused login or a silent server: reconnect with
exponential backoff and take a fresh snapshot (counted as a resync).

The reader is a few asyncio-stream lines rather than a library: docs/asterisk.md says
why. Lines are bounded (`MAX_LINE`), messages too (`MAX_KEYS`); a bad line or message is
counted in health and skipped, never raised. The secret is only ever written to the
socket: not into health, errors or logs.

It takes the reassignment command (`send`): each member interface's queue changes become
`QueueAdd` / `QueueRemove` / `QueuePenalty` (and `QueuePause` when the command asks to
pause rather than remove), one action at a time, each checked against its `Response`;
one refused or unanswered action undoes the ones done before it (best effort) and the
command is rejected with the reason (docs/asterisk.md, "Commands").
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from monitor.commands import CommandError, Reassign, Role, Skills, target_skills
from monitor.events import Channel, Event, Heartbeat

from ..health import EventRate, FeedHealth
from ..source import FeedEvent, Source
from .ami_map import AmiMap, AmiMessageError, Message, penalty_of
from .command_results import Results, applied, check_targets, rejected

MAX_LINE = 8192  # bytes; Asterisk's own lines are far shorter
MAX_KEYS = 256  # lines in one message
MAX_STATUS_ITEMS = 200_000  # QueueStatus items (queues + members + callers)
MAX_HELD = 10_000  # live events held while the QueueStatus answer is read
BANNER = "Asterisk Call Manager/"
UNDO_TIMEOUT_S = 2.0  # per rolled-back action


@dataclass(frozen=True, slots=True)
class _Step:
    """One AMI action of a command and the action that undoes it."""

    action: str
    fields: dict[str, str]
    undo: tuple[str, dict[str, str]]

    def describe(self) -> str:
        return f"{self.action} {self.fields['Queue']} for {self.fields['Interface']}"


class _Closed(Exception):
    """The server ended the connection or it went silent."""


class AmiLoginRefused(Exception):
    """The server answered Login with an error."""


class AmiSource(Source):
    """Queue events of one Asterisk server (the manager user needs read=agent,call, and
    write=agent for commands)."""

    accepts_commands = True

    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        secret: str,
        key: str = "",
        *,
        ping_s: float = 2.0,
        timeout_s: float = 10.0,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        sl_target_s: float = 20.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key = key or f"ami://{host}:{port}"
        self.host, self.port, self.username = host, port, username
        self._secret = secret
        self.ping_s, self.timeout_s = ping_s, timeout_s
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self.clock = clock  # event time when a message has no Timestamp
        self.map = AmiMap(sl_target_s)
        self._health = FeedHealth(url=f"ami://{username}@{host}:{port}", feed=self.key)
        self._rate = EventRate()
        self._ids = itertools.count(1)
        self._seq = 0
        self._snapshots = 0
        self._writer: asyncio.StreamWriter | None = None  # set once a session is live
        self._pending: dict[str, asyncio.Future[Message]] = {}  # ActionID -> its Response
        self._results = Results()  # applied results by request id (a retry is not re-done)
        self._command_lock: asyncio.Lock | None = None  # one command at a time

    def __repr__(self) -> str:  # never the secret
        return f"AmiSource({self.key!r}, user={self.username!r})"

    def health(self) -> FeedHealth:
        self._health.unknown = self.map.stats.ignored  # event types the mapping does not use
        return self._rate.fill(self._health).copy()

    @property
    def role(self) -> str:
        """Supervisor while a session is live: Asterisk says per action whether the
        manager user may write (a refusal is the command's reason)."""
        return Role.SUPERVISOR.value if self._writer is not None else ""

    # ---------------------------------------------------------------- life
    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        failures = 0
        while not stop.is_set():
            writer = None
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port, limit=MAX_LINE), self.timeout_s
                )
                async for item in self._session(reader, writer, stop):
                    failures = 0  # a session that got as far as events resets the backoff
                    yield item
            except (OSError, TimeoutError, _Closed, AmiLoginRefused, EOFError) as e:
                self._health.last_error = f"{type(e).__name__}: {e}"[:200]
            finally:
                self._health.connected = False
                self._writer = None
                self._fail_pending("connection lost")
                if writer is not None:
                    writer.close()
                    with contextlib.suppress(Exception):
                        await writer.wait_closed()
            if stop.is_set():
                break
            self._health.reconnects += 1
            delay = min(self.max_backoff_s, self.backoff_s * 2 ** min(failures, 16))
            failures += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def _session(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, stop: asyncio.Event
    ) -> AsyncIterator[FeedEvent]:
        banner = await self._line(reader)
        if banner is None or not banner.startswith(BANNER):
            raise _Closed("no AMI banner")
        login = self._action(
            writer, "Login", Username=self.username, Secret=self._secret, Events="agent,call"
        )
        reply = await self._reply(reader, login)
        if reply.get("response", "").lower() != "success":
            raise AmiLoginRefused(f"login refused: {reply.get('message', '')[:100]}")
        status = self._action(writer, "QueueStatus")
        items: list[Message] = []
        live: list[Message] = []  # events that came while the snapshot was read
        await self._reply(reader, status)
        while True:
            msg = await asyncio.wait_for(self._message(reader), self.timeout_s)
            if msg is None:
                continue
            if msg.get("actionid") != status:
                if "event" in msg:
                    if len(live) >= MAX_HELD:
                        raise _Closed("too many events during QueueStatus")
                    live.append(msg)
                continue
            if len(items) >= MAX_STATUS_ITEMS:
                raise _Closed("QueueStatus answer too long")
            if msg.get("event", "").lower() == "queuestatuscomplete":
                break
            items.append(msg)
        answer = self._answer(items)
        if answer is None:
            raise _Closed("unusable QueueStatus answer")
        self._writer = writer
        for item in answer:
            yield item
        for msg in live:
            for item in self._convert(msg):
                yield item
        loop = asyncio.get_running_loop()
        last_in = loop.time()
        # One read at a time, never cancelled by the ping timer: cancelling a read halfway
        # through a message would lose its first lines and misread the rest.
        read: asyncio.Future[Message | None] | None = None
        stopper = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                if read is None:
                    read = asyncio.ensure_future(self._message(reader))
                await asyncio.wait(
                    {read, stopper}, timeout=self.ping_s, return_when=asyncio.FIRST_COMPLETED
                )
                if stop.is_set():
                    break
                if not read.done():
                    if loop.time() - last_in > self.timeout_s:
                        raise _Closed("no answer to Ping")
                    self._action(writer, "Ping")
                    t = self._time({})
                    for item in self._number([*self.map.expire(t), Heartbeat(t)]):
                        yield item
                    continue
                msg, read = read.result(), None  # raises _Closed when the server went
                last_in = loop.time()
                self._rate.seen()
                if msg is not None and "response" in msg:
                    self._answered(msg)
                if msg is None or "event" not in msg:
                    continue  # a bad message (counted) or a response (Ping's Pong)
                for item in self._convert(msg):
                    yield item
        finally:
            for task in (read, stopper):
                if task is not None and not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, _Closed):
                        await task

    def _answer(self, items: list[Message]) -> list[FeedEvent] | None:
        """A whole `QueueStatus` answer as the events to send (None when unusable:
        counted); marks the session live. Shared with the websocket bridge's source."""
        t = self._time({})
        try:
            # The first answer is the floor's start; after a reconnect the answer is
            # told as the changes since, so the day's counts go on (AmiMap.resync).
            first: list[Event] = [] if self._snapshots else [
                self.map.snapshot(t, items, self._seq + 1)]  # the number it will carry
            changes = self.map.resync(t, items) if self._snapshots else []
        except AmiMessageError as e:
            self._reject(str(e))
            return None
        if self._snapshots:
            self._health.resyncs += 1
        self._snapshots += 1
        self._health.connected = True
        self._health.last_error = ""
        return self._number(first + changes)

    # ------------------------------------------------------------ commands
    async def send(self, data: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Carry out a `reassign` as AMI actions; returns its `command.result` data.

        All or nothing: the first refused or unanswered action undoes the ones before
        it and the result is `rejected` with the reason. A repeat of a request id that
        was applied returns that first result (the command sender retries with it).
        """
        command, answer = self._results.parse(data)
        if command is None:
            assert answer is not None
            return answer
        if self._writer is None:
            raise ConnectionError(f"{self.key} is not connected")
        # Shielded: a caller that gives up waiting must not stop a rollback halfway, nor
        # lose an applied result that its retry (same request id) should get back.
        return await asyncio.shield(self._run(command, bool(data.get("pause")), timeout))

    async def _run(self, command: Reassign, pause: bool, timeout: float) -> dict[str, Any]:
        request_id = command.request_id
        if self._command_lock is None:
            self._command_lock = asyncio.Lock()
        async with self._command_lock:
            seen = self._results.repeat(command)  # a retry that waited for the first try
            if seen is not None:
                return seen
            try:
                steps, before, after = self._plan(command, pause)
            except CommandError as e:
                return rejected(request_id, str(e))
            why = await self._carry_out(steps, timeout)
        if why:
            return rejected(request_id, why)
        # Asterisk changes memberships at once, even mid-call: applied.
        return self._results.keep(command, applied(command, before, after, self.clock()))

    def _plan(
        self, command: Reassign, pause: bool
    ) -> tuple[list[_Step], dict[str, Skills], dict[str, Skills]]:
        """The actions of `command` and each agent's skills before and after."""
        queues = self.map.queues
        check_targets(command, queues, lambda a: self.map.member(a) is not None, "an Asterisk")
        channels = dict.fromkeys(queues, Channel.HOTLINE.value)  # AMI queues are voice
        steps: list[_Step] = []
        before: dict[str, Skills] = {}
        after: dict[str, Skills] = {}
        for agent in command.agents:
            name, now = self.map.member(agent) or (agent, {})
            target = dict(target_skills(command, Skills(now, 0), channels).skills)
            for queue in sorted(set(now) | set(target)):
                old, new = now.get(queue), target.get(queue)
                where = {"Queue": queue, "Interface": agent}
                if old is None and new is not None:
                    add = {**where, "Penalty": str(penalty_of(new)), "MemberName": name}
                    steps.append(_Step("QueueAdd", add, ("QueueRemove", where)))
                elif old is not None and new is None and pause:
                    target[queue] = old  # still a member, paused: no calls from it
                    stop = {**where, "Paused": "true", "Reason": "floorwatch"}
                    steps.append(
                        _Step("QueuePause", stop, ("QueuePause", {**where, "Paused": "false"}))
                    )
                elif old is not None and new is None:
                    back = {**where, "Penalty": str(penalty_of(old)), "MemberName": name}
                    steps.append(_Step("QueueRemove", where, ("QueueAdd", back)))
                elif old is not None and new is not None and old != new:
                    steps.append(
                        _Step(
                            "QueuePenalty",
                            {**where, "Penalty": str(penalty_of(new))},
                            ("QueuePenalty", {**where, "Penalty": str(penalty_of(old))}),
                        )
                    )
            before[agent], after[agent] = Skills(now, 0), Skills(target, 0)
        return steps, before, after

    async def _carry_out(self, steps: list[_Step], timeout: float) -> str:
        """Send `steps` in order; '' when all succeeded, else why (after rolling back)."""
        loop = asyncio.get_running_loop()
        # A quarter of the time is kept for undoing, so the whole answer comes about
        # within `timeout` (the command sender waits a second more, then gives up).
        end = loop.time() + timeout
        deadline = end - timeout / 4
        done: list[_Step] = []
        why = ""
        for step in steps:
            why = await self._ask(step.action, step.fields, deadline - loop.time(), timeout)
            if why:
                why = f"{step.describe()}: {why}"
                break
            done.append(step)
        if not why:
            return ""
        failed = []
        for step in reversed(done):  # best effort: every undo is tried
            action, fields = step.undo
            wait = min(UNDO_TIMEOUT_S, max(0.1, end + 0.5 - loop.time()))
            if await self._ask(action, fields, wait, wait):
                failed.append(step.describe())
        if failed:
            why += f"; could not undo {', '.join(failed)}"
        elif done:
            why += f"; undid {len(done)} earlier action{'s' if len(done) > 1 else ''}"
        return why

    async def _ask(self, action: str, fields: dict[str, str], timeout: float, said: float) -> str:
        """Send one action and wait up to `timeout` for its Response: '' for Success,
        else why (a timeout is told as `said` seconds: the command's own timeout)."""
        writer = self._writer
        if writer is None:
            return "not connected"
        action_id = self._action(writer, action, **fields)
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = future
        try:
            reply = await asyncio.wait_for(future, max(timeout, 0.01))
        except TimeoutError:
            return f"no response within {said:g} s"
        except ConnectionError as e:
            return str(e)
        finally:
            self._pending.pop(action_id, None)
        if reply.get("response", "").lower() == "success":
            return ""
        return f"refused: {reply.get('message', '') or 'no reason given'}"[:200]

    def _answered(self, msg: Message) -> None:
        future = self._pending.pop(msg.get("actionid", ""), None)
        if future is not None and not future.done():
            future.set_result(msg)

    def _fail_pending(self, reason: str) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError(reason))
        self._pending.clear()

    # ------------------------------------------------------------- mapping
    def _convert(self, msg: Message) -> list[FeedEvent]:
        t = self._time(msg)
        try:
            events = self.map.convert(t, msg)
        except AmiMessageError as e:
            self._reject(str(e))
            return []
        return self._number([*self.map.expire(t), *events])

    def _time(self, msg: Message) -> float:
        stamp = msg.get("timestamp")
        if stamp:
            with contextlib.suppress(ValueError):
                t = float(stamp)
                if 0 < t < 4_102_444_800:  # before 2100
                    return t
        return self.clock()

    def _number(self, events: list[Any]) -> list[FeedEvent]:
        out = []
        for event in events:
            self._seq += 1
            out.append(FeedEvent(self.key, self._seq, event))
        self._health.events += len(out)
        return out

    def _reject(self, reason: str) -> None:
        self._health.rejected += 1
        self._health.rejected_reasons[reason[:80]] += 1

    # ---------------------------------------------------------------- wire
    def _action(self, writer: asyncio.StreamWriter, action: str, **fields: str) -> str:
        """Write one action; returns its ActionID."""
        action_id = f"fw-{next(self._ids)}"
        lines = [f"Action: {action}", f"ActionID: {action_id}"]
        lines += [f"{k}: {v}" for k, v in fields.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        return action_id

    async def _reply(self, reader: asyncio.StreamReader, action_id: str) -> Message:
        """The Response to `action_id` (events before it are not ours yet: dropped)."""
        while True:
            msg = await asyncio.wait_for(self._message(reader), self.timeout_s)
            if msg is not None and "response" in msg and msg.get("actionid") == action_id:
                return msg

    async def _line(self, reader: asyncio.StreamReader) -> str | None:
        """One line without its end; None for an over-long line (counted, skipped)."""
        try:
            raw = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError:
            raise _Closed("connection closed") from None
        except asyncio.LimitOverrunError as e:
            await reader.readexactly(e.consumed)
            while True:  # throw the rest of the line away, a buffer at a time
                try:
                    await reader.readuntil(b"\n")
                    break
                except asyncio.LimitOverrunError as more:
                    await reader.readexactly(more.consumed)
                except asyncio.IncompleteReadError:
                    raise _Closed("connection closed") from None
            self._reject("line too long")
            return None
        return raw.decode("utf-8", "replace").rstrip("\r\n")

    async def _message(self, reader: asyncio.StreamReader) -> Message | None:
        """The next message as lower-cased keys; None for a bad one (counted, skipped)."""
        msg: Message = {}
        bad = ""
        n = 0
        while True:
            line = await self._line(reader)
            if line is None:
                bad = bad or "line too long"
                continue
            if not line:
                if msg or bad:
                    break
                continue  # blank lines between messages
            n += 1
            key, sep, value = line.partition(":")
            if not sep or not key.strip():
                bad = bad or "line without 'Key: Value'"
            elif n > MAX_KEYS:
                bad = bad or "message too long"
            else:
                msg[key.strip().lower()] = value.strip()
        if bad:
            if bad != "line too long":  # already counted by _line
                self._reject(bad)
            return None
        return msg
