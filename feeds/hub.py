"""All sources of one client on one network thread, drained through one bounded hand-off.

`FeedHub` runs an asyncio loop in a worker thread with one task per source. The
GUI (or a headless command) calls `drain` on its own tick and never waits on the
network; commands are submitted from any thread and come back as futures.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from monitor.commands import Role
from monitor.events import Snapshot

from .health import FeedHealth
from .source import FeedEvent, Source

log = logging.getLogger(__name__)

HANDOFF_LIMIT = 200_000
FULL_POLL_S = 0.01
FEED_PROCESSES_ENV = "FLOORWATCH_FEED_PROCESSES"
BATCH_MAX = 2000  # events handed off at once, at most
RESTART_MIN_S, RESTART_MAX_S = 0.5, 30.0  # pause before restarting a failed source


class Handoff:
    """The one bounded, thread-safe queue between the network thread and the engine.

    Items arrive in batches (what a source had ready when it paused): one lock and
    one clock reading per batch, not per event.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: deque[FeedEvent] = deque()
        # [monotonic time put, items of that batch still here], oldest first
        self._arrived: deque[list[float | int]] = deque()
        self._lock = threading.Lock()

    def put(self, item: FeedEvent) -> bool:
        """False when full; snapshots always fit, since they replace what was lost."""
        with self._lock:
            if len(self._items) >= self.limit and not isinstance(item.event, Snapshot):
                return False
            self._items.append(item)
            self._arrived.append([time.monotonic(), 1])
            return True

    def put_many(self, items: list[FeedEvent]) -> int:
        """Put as many of `items` as fit, in order; how many (the rest did not fit:
        `put` them one by one to let a snapshot through)."""
        with self._lock:
            n = min(len(items), self.limit - len(self._items))
            if n <= 0:
                return 0
            self._items.extend(items if n == len(items) else items[:n])
            self._arrived.append([time.monotonic(), n])
            return n

    def take(self, max_items: int) -> list[FeedEvent]:
        with self._lock:
            n = min(max_items, len(self._items))
            left = n
            arrived = self._arrived
            while left:
                batch = arrived[0]
                if batch[1] > left:
                    batch[1] -= left
                    break
                left -= batch[1]
                arrived.popleft()
            popleft = self._items.popleft
            return [popleft() for _ in range(n)]

    def waited_s(self) -> float:
        """How long the oldest item has waited for the engine (0 when empty)."""
        with self._lock:
            return time.monotonic() - self._arrived[0][0] if self._arrived else 0.0

    def __len__(self) -> int:
        return len(self._items)


def feed_processes() -> bool:
    """Whether websocket feeds run in child processes: FLOORWATCH_FEED_PROCESSES=1 or 0
    says so; otherwise yes when the machine has a second core for them."""
    said = os.environ.get(FEED_PROCESSES_ENV, "").strip()
    if said in ("0", "1"):
        return said == "1"
    return (os.cpu_count() or 1) >= 2


def websocket_source(url: str, token: str = "", processes: bool | None = None) -> Source:
    """The source for one websocket feed: in a child process (`processes`, by default
    `feed_processes()`), else on the hub's thread."""
    if processes if processes is not None else feed_processes():
        from .sources.process import ProcessWebsocketSource

        return ProcessWebsocketSource(url, token)
    from .sources.websocket import WebsocketSource  # websockets only when used

    return WebsocketSource(url, token)


def feed_keys(sources: Iterable[Source]) -> list[str]:
    """The floor's names of the feeds of `sources`, in the order `FeedHub.health` lists
    them: a source's key, or the keys of the platforms joined into it."""
    keys: list[str] = []
    for source in sources:
        parts = getattr(source, "parts", None)
        keys += [p.key for p in parts] if parts is not None else [source.key]
    return keys


class FeedHub:
    """Runs any mix of sources; the engine drains their events, commands go to their owner."""

    def __init__(self, sources: Iterable[Source], handoff_limit: int = HANDOFF_LIMIT) -> None:
        self.sources: list[Source] = list(sources)
        keys = [s.key for s in self.sources]
        if len(set(keys)) != len(keys):
            raise ValueError(f"two sources with the same key: {keys}")
        self._handoff = Handoff(handoff_limit)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self.finished: set[str] = set()  # sources that ended on their own (a file at its end)
        self.failures: dict[str, tuple[int, str]] = {}  # key -> (restarts, last failure)

    @classmethod
    def for_urls(cls, urls: Iterable[str], token: str = "",
                 tokens: dict[str, str] | None = None, processes: bool | None = None,
                 **kw: Any) -> FeedHub:
        """A hub of websocket feeds; each gets its own token from `tokens` (by URL),
        else `token`. With `processes` (default: `feed_processes()`), each feed is
        received, decoded and sequenced in a child process of its own."""
        tokens = tokens or {}
        return cls([websocket_source(u, tokens.get(u, token), processes) for u in urls], **kw)

    # ---------------------------------------------------------------- life
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
                asyncio.gather(*(self._pump(s, self._stop) for s in self.sources)))
        finally:
            self._loop.close()

    async def _pump(self, source: Source, stop: asyncio.Event) -> None:
        """Move one source's events into the hand-off; restart it if it fails.

        Events are gathered while the source has more ready and handed off in one
        batch when it pauses (a callback the loop runs once the source waits), or
        every BATCH_MAX events. A source with a `batches(stop)` method (async lists
        of the events `events` would give, in order) is read through it instead.
        """
        loop = asyncio.get_running_loop()
        pending: list[FeedEvent] = []
        flush_due = False

        def flush_soon() -> None:
            nonlocal flush_due
            self._hand_off(source, pending)
            if pending and not stop.is_set():  # a source that waits: try again shortly
                loop.call_later(FULL_POLL_S, flush_soon)
            else:
                flush_due = False

        pause = RESTART_MIN_S
        while not stop.is_set():
            try:
                batches = getattr(source, "batches", None)
                if batches is not None:  # a source giving lists (a feed process: one per
                    async for batch in batches(stop):  # pipe message), not one by one
                        pending += batch
                        if len(pending) >= BATCH_MAX:
                            await self._hand_off_all(source, pending, stop)
                        elif not flush_due:
                            flush_due = True
                            loop.call_soon(flush_soon)
                else:
                    async for item in source.events(stop):
                        pending.append(item)
                        if len(pending) >= BATCH_MAX:
                            await self._hand_off_all(source, pending, stop)
                        elif not flush_due:
                            flush_due = True
                            loop.call_soon(flush_soon)
                await self._hand_off_all(source, pending, stop)
                break  # stopped, or a finite source (a file) came to its end
            except Exception as exc:  # a bug in one source must not end it, nor the others
                log.exception("source %s failed; restarting in %.1f s", source.key, pause)
                await self._hand_off_all(source, pending, stop)  # what it gave is good
                self.failures[source.key] = (
                    self.failures.get(source.key, (0, ""))[0] + 1,
                    f"{type(exc).__name__}: {exc}"[:200])
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
                pause = min(RESTART_MAX_S, pause * 2)
        self.finished.add(source.key)

    def _hand_off(self, source: Source, pending: list[FeedEvent]) -> None:
        """Put what fits of `pending` (emptied of it). What does not fit: a live feed drops
        it and resyncs (`overflowed`); a source that can wait keeps it in `pending`."""
        i = 0
        while i < len(pending):
            i += self._handoff.put_many(pending if i == 0 else pending[i:])
            if i == len(pending):
                break
            item = pending[i]
            if self._handoff.put(item):  # a snapshot always fits
                i += 1
            elif source.waits_when_full:
                break
            else:
                source.overflowed(item)
                i += 1
        del pending[:i]

    async def _hand_off_all(self, source: Source, pending: list[FeedEvent],
                            stop: asyncio.Event) -> None:
        self._hand_off(source, pending)
        while pending and not stop.is_set():
            await asyncio.sleep(FULL_POLL_S)  # the engine catches up; go on
            self._hand_off(source, pending)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop every source and join the network thread."""
        if self._loop is None or self._thread is None:
            return
        if not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
        self._thread = None

    # -------------------------------------------------------------- events
    def drain(self, max_events: int = 100_000) -> list[FeedEvent]:
        """Events ready for the engine, in order per feed; never blocks on the network."""
        return self._handoff.take(max_events)

    @property
    def pending(self) -> int:
        return len(self._handoff)

    def health(self) -> list[FeedHealth]:
        """Each source's health; `behind_s` says how far the engine lags the hand-off
        (one queue for all feeds, so the same figure for each)."""
        behind = self._handoff.waited_s()
        records = []
        for source in self.sources:
            parts = getattr(source, "part_healths", None)
            if parts is not None:  # platforms joined into one source: each its own feed
                records += parts()
                continue
            record = source.health()
            record.key = source.key  # how the floor names this feed (its anomalies, caps)
            failed = self.failures.get(source.key)
            if failed is not None:
                record.restarts, why = failed
                record.last_error = record.last_error or f"restarted after {why}"
            records.append(record)
        for record in records:
            record.behind_s = behind
        return records

    # ------------------------------------------------------------ commands
    def source(self, key: str | None = None) -> Source:
        """The source with `key` (the only one when None and there is just one)."""
        if key is None:
            if len(self.sources) != 1:
                raise KeyError("name a feed: this hub has several")
            return self.sources[0]
        for s in self.sources:
            if s.key == key:
                return s
        for s in self.sources:  # a platform joined into one source: that source
            if any(part.key == key for part in getattr(s, "parts", ())):
                return s
        raise KeyError(key)

    def command_key(self, feed: str) -> str:
        """The key of the source that takes commands for the floor's feed `feed`: the
        feed's own source, or the one its platform is joined into ('' if none)."""
        try:
            return self.source(feed).key
        except KeyError:
            return ""

    def role(self, key: str | None = None) -> str:
        """The role granted by `key`'s source; with no key, the highest any source grants
        (supervisor if one lets us move agents: each feed still checks its own)."""
        if key is not None:
            return self.source(key).role
        roles = {s.role for s in self.sources}
        for role in (Role.SUPERVISOR, Role.VIEWER):
            if role in roles:
                return role.value
        return ""

    def send_command(self, data: dict[str, Any], key: str | None = None,
                     timeout: float = 10.0) -> concurrent.futures.Future[dict[str, Any]]:
        """Submit a command to `key`'s source from any thread; the future gives its result."""
        if self._loop is None:
            raise RuntimeError("hub not started")
        source = self.source(key)
        return asyncio.run_coroutine_threadsafe(source.send(data, timeout), self._loop)
