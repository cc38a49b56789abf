"""Chatwoot (open-source omnichannel chat) as a source of canonical events.

One session at a time: open the ActionCable websocket at `<url>/cable`, read the
`welcome`, subscribe to `RoomChannel` with the user's pubsub token and wait for
`confirm_subscription`; then take a REST snapshot (inboxes, agents and their
availability, inbox and team members, open and bot-handled conversations: one
canonical Snapshot, `chatwoot_map.ChatwootMap.snapshot`) and map every broadcast
after it. Subscribing first means nothing said while the snapshot is read is lost:
those frames wait in the socket and are reconciled with the snapshot afterwards.

Rails pings every 3 s; no frame for `ping_timeout_s` is a gap: reconnect with backoff
(0.5 s doubling to 30 s) and take a fresh snapshot (`health.resyncs`). Each ping also
becomes a `Heartbeat` at the server's time. Every `presence_s` the source asks for
presence (`update_presence`, as Chatwoot's dashboard does) to get `presence.update`.

Frames are capped (`max_frame`), REST answers (`chatwoot_rest.MAX_BYTES`) and pages
(`max_pages`) too; a bad frame or payload is counted in health and skipped, never
raised. A refused API token (HTTP 401) or subscription shows as `last_error`
"unauthorized: ..." with no token text; the source keeps retrying.

It takes the reassignment command (`send`): inbox membership, which Chatwoot replaces
whole (`PATCH inbox_members`): per inbox, read the list, change it, write it, read it
back; a refusal or a failed read-back undoes the inboxes changed before it and the
command is rejected with the reason (docs/chatwoot.md, "Commands").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import websockets
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

from monitor.commands import CommandError, Reassign, Role, Skills, target_skills
from monitor.events import Channel, Event, Heartbeat

from ..health import EventRate, FeedHealth
from ..source import FeedEvent, Source
from .chatwoot_map import (
    DEFAULT_CHAT_CAPACITY,
    ChatwootMap,
    ChatwootPayloadError,
    chatwoot_agent_id,
    chatwoot_queue_id,
    event_time,
    inbox_of,
    user_of,
)
from .chatwoot_rest import ChatwootHttpError, ChatwootRest, ChatwootUnauthorized
from .command_results import Results, applied, check_targets, rejected

MAX_FRAME = 1024 * 1024  # bytes of one websocket frame (a conversation payload is ~5 KB)
MAX_INBOXES = 1000
MAX_AGENTS = 5000
MAX_TEAMS = 100  # teams whose members are read for the agents' team names
MAX_PAGES = 400  # conversations pages per status (25 a page: 10,000 conversations)
REST_CONCURRENCY = 4  # inbox member lists read at once
UNDO_TIMEOUT_S = 3.0  # per inbox rolled back
PROTOCOLS = [Subprotocol("actioncable-v1-json"), Subprotocol("actioncable-unsupported")]
# The websockets library logs every frame at DEBUG, and the subscribe frame (and the
# server's answers) carry the pubsub token: the cable's logger never goes below INFO.
_CABLE_LOG = logging.getLogger("floorwatch.chatwoot.cable")
_CABLE_LOG.setLevel(logging.INFO)


class _Closed(Exception):
    """The server ended the session, went silent, or said something unusable."""


class _Unauthorized(Exception):
    """Chatwoot refused the API token or the subscription (the text names which)."""


@dataclass(slots=True)
class _Change:
    """One inbox's membership change of a command, and what it really changed."""

    inbox: int
    add: set[int]
    remove: set[int]
    added: set[int] = field(default_factory=set)  # not members before: undo removes them
    removed: set[int] = field(default_factory=set)  # members before: undo adds them back

    def describe(self) -> str:
        parts = []
        if self.add:
            parts.append("add " + ", ".join(chatwoot_agent_id(u) for u in sorted(self.add)))
        if self.remove:
            parts.append("remove " + ", ".join(chatwoot_agent_id(u) for u in sorted(self.remove)))
        return f"{chatwoot_queue_id(self.inbox)} ({'; '.join(parts)})"


def _ids(members: Iterable[Any]) -> set[int]:
    """The user ids of an inbox member list (the agent partial's `id`)."""
    out = set()
    for m in members:
        if isinstance(m, dict):
            value = m.get("id", m.get("user_id"))
            if type(value) is int:
                out.add(value)
    return out


class ChatwootSource(Source):
    """Conversations, agents and presence of one Chatwoot account, seen by one user.

    The user should be an administrator: the conversation list shows a user only the
    inboxes it is a member of, and only administrators may change inbox members.
    """

    accepts_commands = True

    def __init__(
        self,
        url: str,
        account_id: int,
        user_id: int,
        token: str,
        pubsub_token: str,
        key: str = "",
        *,
        sl_target_s: float = 60.0,
        chat_capacity: int = DEFAULT_CHAT_CAPACITY,
        ping_timeout_s: float = 10.0,
        presence_s: float = 20.0,
        timeout_s: float = 10.0,
        backoff_s: float = 0.5,
        max_backoff_s: float = 30.0,
        max_frame: int = MAX_FRAME,
        max_pages: int = MAX_PAGES,
        cable_url: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        base = url.rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the Chatwoot url must be http(s)://host[:port]")
        self.key = key or f"chatwoot:{base}#{account_id}"
        self.url, self.account_id, self.user_id = base, int(account_id), int(user_id)
        ws_scheme = "wss" if parts.scheme == "https" else "ws"
        # The cable is `<url>/cable` unless a proxy puts it elsewhere (`cable_url`).
        self._ws_url = cable_url or f"{ws_scheme}://{parts.netloc}{parts.path}/cable"
        self._origin = Origin(f"{parts.scheme}://{parts.netloc}")
        self._identifier = json.dumps(  # holds the pubsub token: never logged
            {
                "channel": "RoomChannel",
                "pubsub_token": pubsub_token,
                "account_id": self.account_id,
                "user_id": self.user_id,
            },
            separators=(",", ":"),
        )
        self.rest = ChatwootRest(base, self.account_id, token, timeout_s=timeout_s)
        self.ping_timeout_s, self.presence_s, self.timeout_s = ping_timeout_s, presence_s, timeout_s
        self.backoff_s, self.max_backoff_s = backoff_s, max_backoff_s
        self.max_frame, self.max_pages = max_frame, max_pages
        self.clock = clock
        self.map = ChatwootMap(sl_target_s, chat_capacity, self_user=self.user_id)
        self._health = FeedHealth(url=f"{base}#{self.account_id}", feed=self.key)
        self._rate = EventRate()
        self._seq = 0
        self._snapshots = 0
        self._live = False  # a session has given its snapshot and is reading events
        self._resync = False  # the hub dropped an event: take a fresh snapshot
        self._whole = True  # the next REST snapshot is a Snapshot (else told as changes)
        self._injected: list[Event] = []  # events of commands, given out by the session
        self._wake: asyncio.Event | None = None
        self._results = Results()  # applied results by request id (a retry is not re-done)
        self._command_lock: asyncio.Lock | None = None

    def __repr__(self) -> str:  # never the tokens
        return f"ChatwootSource({self.key!r}, user={self.user_id})"

    def health(self) -> FeedHealth:
        self._health.unknown = self.map.stats.unknown  # event names the mapping does not know
        return self._rate.fill(self._health).copy()

    @property
    def role(self) -> str:
        """Supervisor while a session is live: Chatwoot says per request whether the user
        may change inbox members (a refusal is the command's reason)."""
        return Role.SUPERVISOR.value if self._live else ""

    def bot_pending(self) -> dict[str, int]:
        """Conversations a bot handles now (status `pending`), per inbox queue id: they
        are not waiting for a human and are not on the floor."""
        return self.map.bot_pending()

    def overflowed(self, item: FeedEvent) -> None:
        self._resync = True  # the floor missed an event: a fresh snapshot puts it right
        self._whole = True  # as a whole Snapshot: changes since would miss what it missed

    # ---------------------------------------------------------------- life
    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        failures = 0
        while not stop.is_set():
            try:
                async with connect(
                    self._ws_url,
                    max_size=self.max_frame,
                    open_timeout=self.timeout_s,
                    close_timeout=1,
                    compression=None,
                    subprotocols=PROTOCOLS,
                    origin=self._origin,
                    ping_interval=None,
                    max_queue=64,
                    logger=_CABLE_LOG,
                ) as ws:
                    async for item in self._session(ws, stop):
                        failures = 0  # a session that got as far as events resets the backoff
                        yield item
            except ChatwootUnauthorized as e:
                self._health.last_error = f"unauthorized: the API token was refused ({e})"[:200]
            except _Unauthorized as e:
                self._health.last_error = f"unauthorized: {e}"[:200]
            except (
                OSError,
                TimeoutError,
                websockets.WebSocketException,
                ChatwootHttpError,
                _Closed,
            ) as e:
                self._health.last_error = f"{type(e).__name__}: {e}"[:200]
            finally:
                self._health.connected = False
                self._live = False
            if stop.is_set():
                break
            self._health.reconnects += 1
            if self._resync:
                self._resync = False
                continue  # not a failure: straight back for a fresh snapshot
            delay = min(self.max_backoff_s, self.backoff_s * 2 ** min(failures, 16))
            failures += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)

    async def _session(self, ws: ClientConnection, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        await self._handshake(ws)
        first = await self._snapshot()
        if self._snapshots:
            self._health.resyncs += 1
        self._snapshots += 1
        self._health.connected = True
        self._health.last_error = ""
        self._live = True
        self._rate.seen()
        for item in self._number(first):
            yield item
        loop = asyncio.get_running_loop()
        last_in = last_presence = loop.time()
        await self._perform(ws, "update_presence")
        self._wake = wake = asyncio.Event()
        read: asyncio.Future[Any] | None = None
        stopper = asyncio.ensure_future(stop.wait())
        waker: asyncio.Future[Any] | None = None
        tick = max(0.05, min(self.ping_timeout_s, self.presence_s) / 4)
        try:
            while not stop.is_set():
                if self._injected:
                    events, self._injected = self._injected, []
                    for item in self._number(events):
                        yield item
                if self._resync:
                    raise _Closed("events were dropped: resync")
                if read is None:
                    read = asyncio.ensure_future(ws.recv())
                if waker is None:
                    wake.clear()
                    waker = asyncio.ensure_future(wake.wait())
                await asyncio.wait(
                    {read, stopper, waker}, timeout=tick, return_when=asyncio.FIRST_COMPLETED
                )
                if stop.is_set():
                    break
                if waker.done():
                    waker = None
                now = loop.time()
                if now - last_presence >= self.presence_s:
                    last_presence = now
                    await self._perform(ws, "update_presence")
                if not read.done():
                    if now - last_in > self.ping_timeout_s:
                        raise _Closed(f"no ping for {self.ping_timeout_s:g} s")
                    continue
                frame, read = read.result(), None  # raises ConnectionClosed when it went
                last_in = now
                self._rate.seen()
                for item in self._frame(frame):
                    yield item
        finally:
            self._wake = None
            for task in (read, stopper, waker):
                if task is not None and not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, websockets.WebSocketException):
                        await task

    async def _handshake(self, ws: ClientConnection) -> None:
        """Welcome, subscribe, confirmation (pings in between are fine)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + self.timeout_s
        subscribed = False
        while True:
            left = end - loop.time()
            if left <= 0:
                if subscribed:
                    # Chatwoot raises (no reject) when the pubsub token names no user.
                    raise _Unauthorized(
                        f"no confirm_subscription within {self.timeout_s:g} s "
                        "(check user_id, account_id and the pubsub token)"
                    )
                raise _Closed(f"no welcome within {self.timeout_s:g} s")
            try:
                raw = await asyncio.wait_for(ws.recv(), left)
            except TimeoutError:
                continue
            msg = self._parse(raw)
            if msg is None:
                continue
            kind = msg.get("type")
            if kind == "welcome" and not subscribed:
                await ws.send(json.dumps({"command": "subscribe", "identifier": self._identifier}))
                subscribed = True
            elif kind == "confirm_subscription" and msg.get("identifier") == self._identifier:
                return
            elif kind == "reject_subscription":
                raise _Unauthorized(
                    "the RoomChannel subscription was rejected "
                    "(check user_id, account_id and the pubsub token)"
                )
            elif kind == "disconnect":
                self._disconnected(msg)

    def _disconnected(self, msg: dict[str, Any]) -> None:
        reason = str(msg.get("reason", ""))[:40]
        if reason == "unauthorized":
            raise _Unauthorized("the server closed the cable (unauthorized)")
        raise _Closed(f"the server closed the cable ({reason or 'no reason'})")

    async def _perform(self, ws: ClientConnection, action: str) -> None:
        await ws.send(
            json.dumps(
                {
                    "command": "message",
                    "identifier": self._identifier,
                    "data": json.dumps({"action": action}),
                }
            )
        )

    # ------------------------------------------------------------ snapshot
    async def _snapshot(self) -> list[Event]:
        """The REST lists: a whole Snapshot the first time (and after the hub dropped
        an event), else the changes since what the map knew (`ChatwootMap.resync`), so
        a reconnect does not start the day's counts again."""
        rest = self.rest
        inboxes = await rest.inboxes()
        agents = await rest.agents()
        if len(inboxes) > MAX_INBOXES or len(agents) > MAX_AGENTS:
            raise _Closed("more inboxes or agents than a feed may have")
        inbox_ids = [d["id"] for d in inboxes if isinstance(d, dict) and type(d.get("id")) is int]
        gate = asyncio.Semaphore(REST_CONCURRENCY)

        async def members_of(inbox: int) -> list[Any]:
            async with gate:
                return await rest.inbox_members(inbox)

        lists = await asyncio.gather(*(members_of(i) for i in inbox_ids))
        members = dict(zip(inbox_ids, lists, strict=True))
        teams = await self._teams()
        conversations: list[Any] = []
        for status in ("open", "pending"):
            conversations += await self._conversations(status)
        t = self.clock()
        try:
            if not self._whole:
                return self.map.resync(t, inboxes, agents, members, conversations, teams=teams)
            snap = self.map.snapshot(
                t, inboxes, agents, members, conversations, teams, self._seq + 1
            )
            self._whole = False
            return [snap]
        except ChatwootPayloadError as e:
            self._reject(str(e))
            raise _Closed("unusable REST snapshot") from None

    async def _teams(self) -> dict[int, str]:
        """user id -> the name of its first team (by name); {} if teams cannot be read."""
        out: dict[int, str] = {}
        try:
            teams = await self.rest.teams()
            named = sorted(
                (str(d.get("name", ""))[:200], d["id"])
                for d in teams[:MAX_TEAMS]
                if isinstance(d, dict) and type(d.get("id")) is int
            )
            for name, team in named:
                for user in _ids(await self.rest.team_members(team)):
                    out.setdefault(user, name)
        except ChatwootUnauthorized:
            raise
        except ChatwootHttpError:
            return {}  # team names are for show: an install without teams still works
        return out

    async def _conversations(self, status: str) -> list[Any]:
        """Every page of `status` conversations, each conversation once."""
        seen: dict[Any, Any] = {}
        for page in range(1, self.max_pages + 1):
            items, total = await self.rest.conversations(status, page)
            for item in items:
                if isinstance(item, dict):
                    seen.setdefault(item.get("id"), item)
                else:
                    seen[("bad", len(seen))] = item  # the mapping names the bad item
            if not items or (total is not None and len(seen) >= total):
                return list(seen.values())
        self._reject(f"conversations ({status}): more than {self.max_pages} pages; rest left out")
        return list(seen.values())

    # ------------------------------------------------------------- frames
    def _parse(self, raw: Any) -> dict[str, Any] | None:
        if isinstance(raw, bytes):
            self._reject("binary frame")
            return None
        try:
            msg = json.loads(raw)
        except ValueError:
            self._reject("frame is not JSON")
            return None
        if not isinstance(msg, dict):
            self._reject("frame is not a JSON object")
            return None
        return msg

    def _frame(self, raw: Any) -> list[FeedEvent]:
        msg = self._parse(raw)
        if msg is None:
            return []
        kind = msg.get("type")
        if kind == "ping":
            t = msg.get("message")
            ok = type(t) in (int, float) and 0 < t < 4_102_444_800
            return self._number([Heartbeat(float(t) if ok else self.clock())])
        if kind == "disconnect":
            self._disconnected(msg)
        if kind is not None:
            return []  # welcome / confirm again: nothing for the floor
        if "message" not in msg:
            self._reject("frame without type or message")
            return []
        if msg.get("identifier") != self._identifier:
            self._reject("message for another subscription")
            return []
        body = msg["message"]
        if not isinstance(body, dict) or not isinstance(body.get("event"), str):
            self._reject("message without event")
            return []
        event, data = body["event"][:80], body.get("data")
        t = event_time(event, data) if isinstance(data, dict) else None
        if t is None:
            t = self.clock()
        adopted = self.map.adopted(event, data)
        try:
            events = self.map.convert(t, event, data)
        except ChatwootPayloadError as e:
            self._reject(str(e))
            return []
        if adopted:
            # Used anyway (it carries the whole conversation) but counted: out of order.
            self._reject(f"{event}: conversation not seen before")
        return self._number(events)

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

    def _inject(self, events: list[Event]) -> None:
        if events:
            self._injected.extend(events)
            if self._wake is not None:
                self._wake.set()

    # ------------------------------------------------------------ commands
    async def send(self, data: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Carry out a `reassign` as inbox membership changes; returns its result data.

        All or nothing: the first refused or unverified inbox undoes the inboxes
        changed before it and the result is `rejected` with the reason. A repeat of a
        request id that was applied returns that first result.
        """
        command, answer = self._results.parse(data)
        if command is None:
            assert answer is not None
            return answer
        if not self._live:
            raise ConnectionError(f"{self.key} is not connected")
        # Shielded: a caller that gives up waiting must not stop a rollback halfway.
        return await asyncio.shield(self._run(command, timeout))

    async def _run(self, command: Reassign, timeout: float) -> dict[str, Any]:
        request_id = command.request_id
        if self._command_lock is None:
            self._command_lock = asyncio.Lock()
        async with self._command_lock:
            seen = self._results.repeat(command)  # a retry that waited for the first try
            if seen is not None:
                return seen
            try:
                changes, before, after = self._plan(command)
            except CommandError as e:
                return rejected(request_id, str(e))
            why = await self._carry_out(changes, timeout)
            if why:
                return rejected(request_id, why)
            t = self.clock()
            for agent, skills in after.items():
                inboxes = [i for i in map(inbox_of, skills.skills) if i is not None]
                self._inject(self.map.set_inboxes(t, agent, inboxes))
        # Chatwoot changes memberships at once: applied.
        return self._results.keep(command, applied(command, before, after, t))

    def _plan(
        self, command: Reassign
    ) -> tuple[list[_Change], dict[str, Skills], dict[str, Skills]]:
        """The inbox changes of `command` and each agent's skills before and after."""
        queues = self.map.queues
        check_targets(command, queues, lambda a: self.map.member(a) is not None, "a Chatwoot")
        channels = dict.fromkeys(queues, Channel.ONLINE.value)  # inboxes are chat
        changes: dict[int, _Change] = {}
        before: dict[str, Skills] = {}
        after: dict[str, Skills] = {}
        for agent in command.agents:
            _name, now, capacity = self.map.member(agent) or ("", {}, 0)
            target = target_skills(command, Skills(now, capacity), channels)
            # Chatwoot membership has no level: a member shows as level 1.
            new = dict.fromkeys(target.skills, 1)
            shown = self.map.capacity_for(new)
            if command.chat_capacity is not None and target.chat_capacity != shown:
                raise CommandError(
                    f"chat capacity is {self.map.chat_capacity} for every inbox member "
                    "on a Chatwoot feed (Chatwoot has no per-agent limit)"
                )
            user = user_of(agent)
            assert user is not None  # member() found it
            for queue in sorted(set(now) | set(new)):
                inbox = inbox_of(queue)
                if inbox is None or (queue in now) == (queue in new):
                    continue
                change = changes.setdefault(inbox, _Change(inbox, set(), set()))
                (change.add if queue in new else change.remove).add(user)
            before[agent], after[agent] = Skills(now, capacity), Skills(new, shown)
        return [changes[i] for i in sorted(changes)], before, after

    async def _carry_out(self, changes: list[_Change], timeout: float) -> str:
        """Change each inbox in order; '' when all held, else why (after rolling back)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        deadline = end - timeout / 4  # a quarter kept for undoing
        done: list[_Change] = []
        why = ""
        for change in changes:
            why, wrote = await self._apply(change, deadline - loop.time(), timeout)
            if why:
                why = f"{change.describe()}: {why}"
                if wrote:
                    done.append(change)  # written but not as asked: undone too
                break
            done.append(change)
        if not why:
            return ""
        failed = []
        for change in reversed(done):  # best effort: every undo is tried
            wait = min(UNDO_TIMEOUT_S, max(0.2, end + 0.5 - loop.time()))
            if await self._undo(change, wait):
                failed.append(chatwoot_queue_id(change.inbox))
        if failed:
            why += f"; could not undo {', '.join(failed)}"
        elif done:
            n = len(done)
            why += f"; undid {n} inbox change{'s' if n > 1 else ''}"
        return why[:300]

    async def _apply(self, change: _Change, timeout: float, said: float) -> tuple[str, bool]:
        """Read, change, write, read back one inbox: ('' | why, whether it was written)."""
        rest, inbox = self.rest, change.inbox
        try:
            current = _ids(await asyncio.wait_for(rest.inbox_members(inbox), max(timeout, 0.05)))
            change.added = change.add - current
            change.removed = change.remove & current
            wanted = (current | change.add) - change.remove
            await asyncio.wait_for(
                rest.set_inbox_members(inbox, sorted(wanted)), max(timeout, 0.05)
            )
        except TimeoutError:
            return f"no answer within {said:g} s", False
        except ChatwootHttpError as e:
            return f"refused: {e}", False
        except OSError as e:
            return f"{type(e).__name__}: {e}"[:120], False
        try:
            check = _ids(await asyncio.wait_for(rest.inbox_members(inbox), max(timeout, 0.05)))
        except (TimeoutError, ChatwootHttpError, OSError):
            return "could not read the members back", True
        lost = sorted(change.add - check)
        kept = sorted(change.remove & check)
        if lost or kept:
            parts = [f"without {', '.join(map(chatwoot_agent_id, lost))}"] if lost else []
            parts += [f"still with {', '.join(map(chatwoot_agent_id, kept))}"] if kept else []
            return f"read back {' and '.join(parts)}", True
        return "", True

    async def _undo(self, change: _Change, timeout: float) -> bool:
        """Take back what `change` did (only that: others' edits since are kept);
        True if it could not be done."""
        rest, inbox = self.rest, change.inbox
        try:
            current = _ids(await asyncio.wait_for(rest.inbox_members(inbox), timeout))
            restored = (current - change.added) | change.removed
            if restored != current:
                await asyncio.wait_for(rest.set_inbox_members(inbox, sorted(restored)), timeout)
        except (TimeoutError, ChatwootHttpError, OSError):
            return True
        return False
