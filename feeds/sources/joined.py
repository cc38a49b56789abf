"""Platform sources run as one: each person one agent, each move of a person one command.

With an `[[agents]]` map in the config, the platform feeds (Asterisk for the hotline,
Chatwoot for chat) run inside a `JoinedSource`. Their events pass through a
`people.PersonJoin`, so the floor sees one agent per person; their queues and
contacts keep their own feed keys, so each platform's health, staleness and
snapshots stay its own (the hub lists the parts' health, `parts`).

A `reassign` of people is split by the platform that owns each queue and sent to
each platform in turn (Asterisk first: its actions are quick and undone one by one);
when one refuses, the platforms that applied their part are given their old skills
back, and the result says who refused and why. The command is one command: one
request id, one result, one audit record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from monitor.commands import CommandError, Reassign, Role, Skills
from monitor.events import QueueDefined, Snapshot

from ..health import FeedHealth
from ..source import FeedEvent, Source
from .command_results import Results, rejected
from .people import PersonJoin

log = logging.getLogger(__name__)

QUEUE_LIMIT = 10_000  # events of the parts waiting for the join: a full queue holds them back
RESTART_MIN_S, RESTART_MAX_S = 0.5, 30.0
MAX_RESULTS = 256  # applied results kept, so a retry of a request id gets its first answer


class JoinedSource(Source):
    """Several platform sources behind one key; see the module docstring."""

    accepts_commands = True

    def __init__(self, parts: Sequence[Source], join: PersonJoin, key: str = "",
                 clock: Callable[[], float] = time.time) -> None:
        if len({p.key for p in parts}) != len(parts):
            raise ValueError("two platform feeds with the same key")
        self.parts: list[Source] = list(parts)
        self.join = join
        self.key = key or "people:" + "+".join(p.key for p in parts)
        self.clock = clock
        self.queue_owner: dict[str, str] = {}  # queue id -> the part key that defined it
        self.failures: dict[str, int] = {}  # part key -> times it failed and was restarted
        self._results = Results(MAX_RESULTS)
        self._lock: asyncio.Lock | None = None
        # A person in no Asterisk queue now (moved to chat) must still be movable back:
        # the PBX's mapping knows the linked interfaces by name from the start.
        for part in self.parts:
            remember = getattr(getattr(part, "map", None), "remember", None)
            if remember is not None:
                for person, interface in join.platform_ids(part.key).items():
                    remember(interface, join.display_name(person))

    # ---------------------------------------------------------------- events
    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        inbox: asyncio.Queue[tuple[str, FeedEvent]] = asyncio.Queue(QUEUE_LIMIT)
        tasks = [asyncio.ensure_future(self._run_part(p, stop, inbox)) for p in self.parts]
        try:
            while not stop.is_set():
                getter = asyncio.ensure_future(inbox.get())
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                stopper.cancel()
                if not getter.done():
                    getter.cancel()
                    break
                part, item = getter.result()
                for out in self._translate(part, item):
                    yield out
                while not inbox.empty():  # what is ready, without a wait per event
                    part, item = inbox.get_nowait()
                    for out in self._translate(part, item):
                        yield out
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    def _translate(self, part: str, item: FeedEvent) -> list[FeedEvent]:
        e = item.event
        if isinstance(e, QueueDefined):
            self.queue_owner[e.queue] = part
        elif isinstance(e, Snapshot):
            for q in e.state.get("queues", []) if isinstance(e.state, dict) else []:
                if isinstance(q, dict) and isinstance(q.get("id"), str):
                    self.queue_owner[q["id"]] = part
        out = self.join.event(part, e)
        return [FeedEvent(key, item.seq if i == 0 else 0, ev)
                for i, (key, ev) in enumerate(out)]

    async def _run_part(self, part: Source, stop: asyncio.Event,
                        inbox: asyncio.Queue[tuple[str, FeedEvent]]) -> None:
        """One part's events into `inbox`; restarted (with backoff) if it fails, as the
        hub restarts a source: a bug in one platform's source must not end the other."""
        pause = RESTART_MIN_S
        while not stop.is_set():
            try:
                async for item in part.events(stop):
                    await inbox.put((part.key, item))
                return  # stopped, or a finite part (a file) came to its end
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("platform source %s failed; restarting in %.1f s", part.key, pause)
                self.failures[part.key] = self.failures.get(part.key, 0) + 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
                pause = min(RESTART_MAX_S, pause * 2)

    def overflowed(self, item: FeedEvent) -> None:
        """The hub dropped `item`: the part whose key it carries resyncs (every part
        when the key is none of theirs)."""
        mine = [p for p in self.parts if p.key == item.feed] or self.parts
        for part in mine:
            part.overflowed(item)

    # ---------------------------------------------------------------- health
    def health(self) -> FeedHealth:
        """Connected when every part is: a move needs both platforms."""
        parts = [p.health() for p in self.parts]
        errors = [f"{p.key}: {h.last_error}" for p, h in zip(self.parts, parts, strict=True)
                  if h.last_error and not h.connected]
        return FeedHealth(
            url=self.key, key=self.key, connected=all(h.connected for h in parts),
            events=sum(h.events for h in parts), rejected=sum(h.rejected for h in parts),
            resyncs=sum(h.resyncs for h in parts), reconnects=sum(h.reconnects for h in parts),
            restarts=sum(self.failures.values()), last_error="; ".join(errors)[:300])

    def part_healths(self) -> list[FeedHealth]:
        """Each part's health, keyed by its own feed key (the status bar lists these)."""
        records = []
        for part in self.parts:
            h = part.health()
            h.key = part.key
            if self.failures.get(part.key):
                h.restarts = self.failures[part.key]
            records.append(h)
        return records

    @property
    def role(self) -> str:
        """Supervisor when every part that takes commands grants it."""
        roles = [p.role for p in self.parts if p.accepts_commands]
        if not roles or any(not r for r in roles):
            return ""
        return Role.SUPERVISOR.value if all(r == Role.SUPERVISOR for r in roles) \
            else Role.VIEWER.value

    # -------------------------------------------------------------- commands
    async def send(self, data: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """One `reassign` of people, carried out on every platform or on none."""
        command, answer = self._results.parse(data)
        if command is None:
            assert answer is not None
            return answer
        return await asyncio.shield(self._run(command, data, timeout))

    async def _run(self, command: Reassign, data: dict[str, Any],
                   timeout: float) -> dict[str, Any]:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            seen = self._results.repeat(command)
            if seen is not None:
                return seen
            try:
                plan = self._plan(command, data)
            except CommandError as e:
                return rejected(command.request_id, str(e))
            result = await self._carry_out(command, plan, timeout)
        if result["status"] == "rejected":
            return result
        return self._results.keep(command, result)

    def _plan(self, command: Reassign, data: dict[str, Any]
              ) -> list[tuple[Source, dict[str, Any], dict[str, str]]]:
        """Per part: (the part, its command data, its agent id -> person)."""
        if command.skills is not None:
            unknown = sorted(q for q in command.skills if q not in self.queue_owner)
            if unknown:
                raise CommandError(f"unknown queue {', '.join(unknown)}")
        plan = []
        for part in self.parts:
            if not part.accepts_commands:
                continue
            ids = {pid: a for a in command.agents
                   if (pid := self.join.platform_id(part.key, a))}
            if not ids:
                continue
            part_data = {k: v for k, v in data.items() if k not in ("agents", "skills",
                                                                    "request_id")}
            part_data["agents"] = list(ids)
            part_data["request_id"] = f"{command.request_id}-{len(plan)}"
            if command.skills is not None:
                part_data["skills"] = {q: level for q, level in command.skills.items()
                                       if self.queue_owner.get(q) == part.key}
            plan.append((part, part_data, ids))
        missing = [a for a in command.agents
                   if not any(a in ids.values() for _p, _d, ids in plan)]
        if missing:
            raise CommandError(f"unknown agent{'s' if len(missing) > 1 else ''} "
                               f"{', '.join(missing)}")
        return plan

    async def _carry_out(self, command: Reassign,
                         plan: list[tuple[Source, dict[str, Any], dict[str, str]]],
                         timeout: float) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        share = timeout / (len(plan) + 1)  # each part its share; one share kept for undoing
        done: list[tuple[Source, dict[str, Any], dict[str, str]]] = []
        before: dict[str, dict[str, Any]] = {}
        after: dict[str, dict[str, Any]] = {}
        why = ""
        for part, part_data, ids in plan:
            try:
                result = await part.send(part_data, max(0.1, min(share, end - loop.time())))
            except (ConnectionError, TimeoutError, OSError) as exc:
                result = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
            if result.get("status") not in ("applied", "accepted"):
                why = f"{part.key}: {result.get('reason') or result.get('status')}"
                break
            done.append((part, result, ids))
            _merge_skills(before, result.get("before", {}), ids)
            _merge_skills(after, result.get("after", {}), ids)
        if not why:
            return {"request_id": command.request_id, "status": "applied", "reason": "",
                    "agents": dict.fromkeys(command.agents, "applied"),
                    "before": before, "after": after, "t": self.clock()}
        undone = await self._undo(done, end)
        note = f" ({undone})" if undone else ""
        return rejected(command.request_id, f"{why}{note}")

    async def _undo(self, done: list[tuple[Source, dict[str, Any], dict[str, str]]],
                    end: float) -> str:
        """Give the parts that applied their old skills back; says what was undone."""
        loop = asyncio.get_running_loop()
        undone, failed = [], []
        for part, result, _ids in reversed(done):
            old = result.get("before", {})
            ok, why = True, ""
            for agent, skills in old.items():  # one command per agent: skills differ
                back = Skills.from_dict(skills)
                undo = Reassign((agent,), skills=back.skills,
                                chat_capacity=back.chat_capacity if back.skills else None,
                                request_id=uuid.uuid4().hex, reason="undo")
                try:
                    r = await part.send(undo.to_data(), max(1.0, end + 2.0 - loop.time()))
                except (ConnectionError, TimeoutError, OSError) as exc:
                    r = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
                if r.get("status") not in ("applied", "accepted"):
                    ok, why = False, str(r.get("reason") or r.get("status"))
            (undone if ok else failed).append(part.key if ok else f"{part.key} ({why})")
        text = []
        if undone:
            text.append(f"undone on {', '.join(undone)}")
        if failed:
            text.append(f"COULD NOT UNDO on {', '.join(failed)}: check it there")
        return "; ".join(text)


def _merge_skills(into: dict[str, dict[str, Any]], part: dict[str, Any],
                  ids: dict[str, str]) -> None:
    """A part's before/after skills (by its agent ids) added to the persons' totals."""
    for agent, skills in part.items():
        person = ids.get(agent, agent)
        mine = into.setdefault(person, {"skills": {}, "chat_capacity": 0})
        mine["skills"].update(skills.get("skills", {}))
        mine["chat_capacity"] += int(skills.get("chat_capacity", 0))
