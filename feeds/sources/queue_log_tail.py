"""Asterisk's `queue_log` followed live: today's history from the start, then each new line.

The lines go through the importer's own converter (`queue_log.QueueLogImport`), so a
tailed log and an imported one make the same events. The file is polled with `os.stat`
every `poll_s` on the hub's loop (no inotify: it works the same on every system and on
network mounts); reads run in a worker thread, a chunk at a time.

What a log rotation does to the file, and what the tail does about it:
- renamed and a new file created (logrotate `create`, Asterisk's own rotation): the
  path's inode changes. Asterisk keeps writing to the old file until it reopens its
  log, so the old file is read on until the new one has data, then read to its end and
  closed; its unfinished last line, if any, is taken as a line. Nothing is lost.
- truncated in place (logrotate `copytruncate`): the file is shorter than what was
  read, or its first bytes changed; reading starts again from 0. Lines written after
  the last poll and before the truncation are only in the copy (copytruncate's own gap).
- removed: the open file is read on; the tail waits for a new file at the path.

A last line without its newline is held until the newline comes. Lines longer than
`max_line` bytes are counted and skipped to their newline. Bad lines are counted in
health by reason (the importer's wording); nothing is fatal. Read-only: no commands.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import math
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field

from monitor.events import Event, Heartbeat

from ..health import EventRate, FeedHealth
from ..source import FeedEvent, Source
from .queue_log import DEFAULT_SL_TARGET_S, ImportStats, QueueLogImport

MAX_LINE = 8192  # bytes; Asterisk's queue_log lines are well under 1 KB
CHUNK = 256 * 1024  # bytes per read: a few thousand lines between yields to the loop
HEAD = 64  # bytes at the start of the file remembered to tell a rewrite (copytruncate)
MAX_REASONS = 32  # distinct rejection reasons kept; the rest are counted as "other"
TOO_LONG = "line too long"
CUT_SHORT = "partial line lost to a truncation"


@dataclass(slots=True)
class _CountedStats(ImportStats):
    """ImportStats that also counts each problem by its reason, for health."""

    reasons: Counter[str] = field(default_factory=Counter)

    def problem(self, line_no: int, reason: str) -> None:
        ImportStats.problem(self, line_no, reason)  # slots dataclass: no zero-arg super()
        reason = reason[:80]
        if reason not in self.reasons and len(self.reasons) >= MAX_REASONS:
            reason = "other"
        self.reasons[reason] += 1


class _Open:
    """The file being read: its handle, identity and how far it was read."""

    def __init__(self, f: io.FileIO) -> None:
        st = os.fstat(f.fileno())
        self.f = f
        self.id = (st.st_dev, st.st_ino)
        self.offset = 0  # bytes read (the held partial line included)
        self.head = b""  # its first bytes as read, to see a rewrite from the start
        self.buf = b""  # a line still waiting for its newline
        self.skipping = False  # inside an over-long line: drop up to its newline
        self.line_no = 0


class QueueLogTailSource(Source):
    """Follows one queue_log file; takes no commands."""

    accepts_commands = False
    waits_when_full = True  # a file keeps its lines until the engine has room

    def __init__(
        self,
        path: str,
        key: str = "",
        *,
        channels: Mapping[str, str] | None = None,
        poll_s: float = 0.2,
        sl_target_s: float = DEFAULT_SL_TARGET_S,
        heartbeat_s: float = 1.0,
        max_line: int = MAX_LINE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = os.fspath(path)
        self.key = key or f"queue_log:{self.path}"
        self.poll_s, self.heartbeat_s, self.max_line = poll_s, heartbeat_s, max_line
        self.clock = clock  # heartbeat time once caught up (never before the last line)
        self.stats = _CountedStats()
        self.importer = QueueLogImport(sl_target_s, self.stats, channels)
        self._health = FeedHealth(url=self.key, feed="queue_log")
        self._rate = EventRate()
        self._own_rejects: Counter[str] = Counter()  # too long, cut short: not the importer's
        self._last_t = -math.inf  # latest event time sent
        self._next_beat = 0.0  # monotonic time of the next heartbeat

    def __repr__(self) -> str:
        return f"QueueLogTailSource({self.path!r})"

    def health(self) -> FeedHealth:
        h = self._health
        h.rejected = self.stats.skipped + sum(self._own_rejects.values())
        h.rejected_reasons = self.stats.reasons + self._own_rejects
        return self._rate.fill(h).copy()

    # ---------------------------------------------------------------- life
    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        cur: _Open | None = None
        try:
            while not stop.is_set():
                if cur is None:
                    cur = await self._open()
                    if cur is None:
                        await self._pause(stop)
                        continue
                if self._rewritten(cur):  # before reading: the old offset means nothing now
                    self._restart(cur)
                async for item in self._drain(cur, stop):
                    yield item
                if stop.is_set():
                    break
                now_at = self._path_id()
                if now_at != cur.id and now_at is not None and self._path_size() > 0:
                    # Rotated. Asterisk writes on to the old file until it reopens its
                    # log, so the old one is left only now that the new one has data.
                    async for item in self._drain(cur, stop):
                        yield item
                    last, cur.buf = cur.buf, b""
                    for item in self._lines(cur, [last] if last and not cur.skipping else []):
                        yield item
                    self._close(cur)
                    cur = None
                    continue
                for item in self._beat():
                    yield item
                await self._pause(stop)
        finally:
            if cur is not None:
                self._close(cur)
            self._health.connected = False

    async def _pause(self, stop: asyncio.Event) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), self.poll_s)

    async def _open(self) -> _Open | None:
        try:
            f = await asyncio.to_thread(open, self.path, "rb", buffering=0)
        except OSError as e:
            self._health.connected = False
            why = "not there yet" if isinstance(e, FileNotFoundError) else (e.strerror or str(e))
            self._health.last_error = f"{type(e).__name__}: {self.path}: {why}"[:200]
            return None
        try:
            cur = _Open(f)
        except OSError:
            f.close()
            return None
        self._health.connected = True
        self._health.last_error = ""
        return cur

    def _close(self, cur: _Open) -> None:
        with contextlib.suppress(OSError):
            cur.f.close()
        self._health.connected = False

    def _path_id(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def _path_size(self) -> int:
        try:
            return os.stat(self.path).st_size
        except OSError:
            return 0

    def _rewritten(self, cur: _Open) -> bool:
        """Truncated (shorter than what was read) or rewritten from the start."""
        try:
            size = os.fstat(cur.f.fileno()).st_size
            if size < cur.offset:
                return True
            if size > cur.offset and cur.head:
                return os.pread(cur.f.fileno(), len(cur.head), 0) != cur.head
        except OSError:
            return False
        return False

    def _restart(self, cur: _Open) -> None:
        if cur.buf:
            self._own_rejects[CUT_SHORT] += 1
        cur.f.seek(0)
        cur.offset, cur.head, cur.buf, cur.skipping, cur.line_no = 0, b"", b"", False, 0
        self._health.resyncs += 1

    # ------------------------------------------------------------- reading
    async def _drain(self, cur: _Open, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        """Read `cur` to its current end, yielding the events of its whole lines."""
        while not stop.is_set():
            try:
                data = await asyncio.to_thread(cur.f.read, CHUNK)
            except OSError as e:
                self._health.last_error = f"{type(e).__name__}: {self.path}"[:200]
                return
            if not data:
                return
            if len(cur.head) < HEAD and cur.offset < HEAD:
                cur.head = (cur.head + data)[:HEAD]
            cur.offset += len(data)
            for item in self._lines(cur, self._split(cur, data)):
                yield item

    def _split(self, cur: _Open, data: bytes) -> list[bytes]:
        """Whole lines of `data` after what was held; the rest is held (bounded)."""
        parts = (cur.buf + data).split(b"\n")
        cur.buf = parts.pop()
        if cur.skipping and parts:
            parts.pop(0)  # the end of the over-long line
            cur.skipping = False
        if cur.skipping:
            cur.buf = b""
        elif len(cur.buf) > self.max_line:
            self._own_rejects[TOO_LONG] += 1
            cur.line_no += 1
            cur.buf, cur.skipping = b"", True
        lines = []
        for line in parts:
            if len(line) > self.max_line:
                self._own_rejects[TOO_LONG] += 1
                cur.line_no += 1
                continue
            lines.append(line)
        return lines

    def _lines(self, cur: _Open, lines: list[bytes]) -> list[FeedEvent]:
        out: list[Event] = []
        convert = self.importer.convert
        for raw in lines:
            cur.line_no += 1
            out += convert(cur.line_no, raw.decode("utf-8", "replace"))
        return self._send(out)

    def _beat(self) -> list[FeedEvent]:
        """A heartbeat now and then once caught up: the floor's clock moves on a quiet
        log, and the health's last-event age shows the file is still being read."""
        now = time.monotonic()
        if now < self._next_beat:
            return []
        self._next_beat = now + self.heartbeat_s
        t = max(self.clock(), self.importer.last_t, self._last_t)
        return self._send([Heartbeat(t)]) if math.isfinite(t) else []

    def _send(self, events: list[Event]) -> list[FeedEvent]:
        if not events:
            return []
        self._health.events += len(events)
        self._rate.seen()
        self._last_t = max(self._last_t, max(e.t for e in events))
        return [FeedEvent(self.key, 0, e) for e in events]
