"""A recording played back as a source: paced by event time, paused, sped up, sought.

Events come out as they were recorded (their feed keys, with `key_prefix` before
them, and sequence numbers), in arrival order, at `speed` event-time seconds per wall
second (`math.inf`: as fast as the consumer takes them). `pause`, `play`, `set_speed`
and `seek` may be called from any thread; the source's loop picks them up at once.

A seek to t gives, first, one `Snapshot` per feed of the recording: its state at t
(`feeds.store.checkpoints.state_at`: the latest checkpoint at or before t and the rows
after it, on a scratch floor), then the rows after t. A consumer that installs them
holds the floor reached by playing from the start to t. The floor's clock only moves
forward: a consumer seeking backwards starts a fresh `Floor` first.

The file is checked on open (`RecordingError` if it is not a readable recording) and
surveyed once (span, feeds, activity per minute); damaged parts found then or later,
and rows that cannot be decoded, are skipped and counted in `problems`, each once.
At the end (or `end_t`) the source waits for a seek, unless made with
`hold_at_end=False` (headless use), when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from monitor.events import Event, Snapshot

from ..health import EventRate, FeedHealth
from ..source import FeedEvent, Source
from ..store import checkpoints
from ..store.recording import (
    EVENTS,
    ReadStats,
    RecordingError,
    decoded_rows,
    is_damage,
    open_checked,
    scan_rows,
)

MINUTE_S = 60
SURVEY_CHUNK = 200_000  # rows per aggregate query of the survey
YIELD_EVERY = 512  # events between two turns of the loop at full speed
IDLE_TICK_S = 0.25  # a paced wait wakes this often to move the replayed clock
Row = tuple[int, str, float, Event, int]  # rowid, feed, t, event, seq as stored


class _Once(ReadStats):
    """ReadStats that counts each bad row (and damaged part) once, into `into`, however
    often seeks read it again; its own rows/events are those of one read."""

    def __init__(self, into: ReadStats, seen: set[int]) -> None:
        super().__init__()
        self._into, self._seen = into, seen

    def skip(self, rowid: int, reason: str, detail: str) -> None:
        if rowid not in self._seen:
            self._seen.add(rowid)
            self._into.skip(rowid, reason, detail)

    def damage(self, first_rowid: int, rows: int, detail: str) -> None:
        if -first_rowid not in self._seen:  # parts by their first row, negated
            self._seen.add(-first_rowid)
            self._into.damage(first_rowid, rows, detail)


@dataclass(slots=True)
class Survey:
    """What one pass over a recording's events finds."""

    first_t: float = math.inf
    last_t: float = -math.inf
    rows: int = 0
    minutes: Counter[int] = field(default_factory=Counter)  # minute -> events, no heartbeats
    feeds: dict[str, None] = field(default_factory=dict)  # in order of first appearance


def survey(path: Path, conn: sqlite3.Connection, stats: ReadStats) -> Survey:
    """Span, activity per minute and feeds, aggregated by SQLite a chunk of rows at a
    time; a chunk SQLite reports damaged is read again row by row, damage skipped."""
    out = Survey()
    sane = "typeof(t) IN ('real', 'integer') AND t >= 0"
    try:
        top = conn.execute(f"SELECT MAX(rowid) FROM {EVENTS}").fetchone()[0] or 0
    except sqlite3.Error as exc:
        if not is_damage(exc):
            raise RecordingError(f"cannot read recording {path}: {exc}") from exc
        top = None
    if top is None:  # the table's last pages are gone: the slow, careful way throughout
        _survey_rows(path, conn, stats, out, 0, None)
        return out
    lo = 0
    while lo < top:
        hi = lo + SURVEY_CHUNK
        try:
            rows = conn.execute(
                f"SELECT CAST(CASE WHEN {sane} THEN t / {MINUTE_S} END AS INTEGER), feed, "
                f"COUNT(*), SUM(type != 'heartbeat'), MIN(CASE WHEN {sane} THEN t END), "
                f"MAX(CASE WHEN {sane} THEN t END) FROM {EVENTS} "
                "WHERE rowid > ? AND rowid <= ? GROUP BY 1, 2", (lo, hi)).fetchall()
        except sqlite3.Error as exc:
            if not is_damage(exc):
                raise RecordingError(f"cannot read recording {path}: {exc}") from exc
            _survey_rows(path, conn, stats, out, lo, hi)
        else:
            for minute, feed, n, busy, t0, t1 in rows:
                out.rows += n
                if minute is None:
                    continue  # rows without a usable time: counted when they are read
                out.minutes[minute] += busy or 0
                if isinstance(feed, str):
                    out.feeds.setdefault(feed)
                out.first_t = min(out.first_t, t0)
                out.last_t = max(out.last_t, t1)
        lo = hi
    return out


def _survey_rows(path: Path, conn: sqlite3.Connection, stats: ReadStats, out: Survey,
                 lo: int, hi: int | None) -> None:
    where, params = ("", []) if hi is None else (" AND rowid <= ?", [hi])
    for _, t, typ, feed in scan_rows(path, conn, stats, "t, type, feed", lo, where, params):
        out.rows += 1
        if not isinstance(t, int | float) or not 0 <= t < math.inf:
            continue  # counted when it is read
        out.minutes[int(t // MINUTE_S)] += typ != "heartbeat"
        if isinstance(feed, str):
            out.feeds.setdefault(feed)
        out.first_t = min(out.first_t, t)
        out.last_t = max(out.last_t, t)


class ReplaySource(Source):
    """One recording file as a source (see the module doc)."""

    accepts_commands = False  # reassignment is off during replay
    waits_when_full = True  # a file can simply wait for the engine

    def __init__(self, path: str | Path, *, speed: float = 1.0, start_t: float | None = None,
                 end_t: float | None = None, key_prefix: str = "",
                 hold_at_end: bool = True) -> None:
        self.path = Path(path).expanduser()
        self.key_prefix = key_prefix
        self.key = f"{key_prefix}replay:{self.path.name}"
        self.start_t, self.end_t = start_t, end_t
        self.hold_at_end = hold_at_end
        self._check_speed(speed)
        # Checked on open: RecordingError (one line naming the file) if not readable.
        _, conn, self.meta = open_checked(self.path)
        self.problems = ReadStats()
        self._seen_bad: set[int] = set()
        try:
            found = survey(self.path, conn, _Once(self.problems, self._seen_bad))
        finally:
            conn.close()
        self.problems.rows += found.rows
        self.problems.events += found.rows
        known = [str(f) for f in self.meta.get("feeds") or [] if isinstance(f, str)]
        self.feeds: list[str] = list(dict.fromkeys([*known, *found.feeds]))
        self.span: tuple[float, float] = (
            (found.first_t, found.last_t) if found.rows else (0.0, 0.0))
        self._minutes = found.minutes
        self._lock = threading.Lock()
        self._speed = speed
        self._paused = False
        self._seek_to: float | None = None
        self._changed = 0  # bumped by every command: the pacing starts again from now
        self._position_t = start_t if start_t is not None else self.span[0]
        self._at_end = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._health = FeedHealth(url=f"replay:{self.path}", feed=self.key)
        self._rate = EventRate()
        self.seeks = 0
        self.last_seek_s = 0.0  # wall seconds the last seek took to build its snapshots

    # ------------------------------------------------------------ any thread
    @staticmethod
    def _check_speed(speed: float) -> None:
        if not (isinstance(speed, int | float) and speed > 0):
            raise ValueError(f"replay speed must be a positive number, not {speed!r}")

    @property
    def position_t(self) -> float:
        """The event time reached (the replayed clock)."""
        return self._position_t

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def at_end(self) -> bool:
        """Everything up to the end (or `end_t`) has been given."""
        return self._at_end

    def play(self) -> None:
        self._command(paused=False)

    def pause(self) -> None:
        self._command(paused=True)

    def set_speed(self, speed: float) -> None:
        """Event-time seconds per wall second; `math.inf`: as fast as possible."""
        self._check_speed(speed)
        self._command(speed=speed)

    def seek(self, t: float) -> None:
        """Go to event time t: one Snapshot per feed (its state at t), then the events
        after t. The latest seek wins if several come before the source gets to them."""
        if not (isinstance(t, int | float) and math.isfinite(t)):
            raise ValueError(f"cannot seek to {t!r}")
        self._command(seek=float(t))

    def _command(self, paused: bool | None = None, speed: float | None = None,
                 seek: float | None = None) -> None:
        with self._lock:
            if paused is not None:
                self._paused = paused
            if speed is not None:
                self._speed = speed
            if seek is not None:
                self._seek_to = seek
            self._changed += 1
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed
                loop.call_soon_threadsafe(wake.set)

    def busy_periods(self, bucket_s: float = 300) -> list[tuple[float, int]]:
        """(bucket start, events but heartbeats) per bucket of event time with any,
        oldest first; counted per minute on open, so finer buckets are not finer."""
        if not bucket_s > 0:
            raise ValueError(f"bucket_s must be positive, not {bucket_s!r}")
        out: Counter[float] = Counter()
        for minute, n in self._minutes.items():
            if n:
                out[(minute * MINUTE_S // bucket_s) * bucket_s] += n
        return sorted(out.items())

    def health(self) -> FeedHealth:
        return self._rate.fill(self._health).copy()

    # ------------------------------------------------------------------ reading
    def _rows_after(self, conn: sqlite3.Connection, after_id: int) -> Iterator[Row]:
        return decoded_rows(self.path, conn, _Once(self.problems, self._seen_bad), after_id)

    def state_at(self, conn: sqlite3.Connection, t: float) -> checkpoints.Position:
        """The recording's state at t (blocking: the seek runs it off the loop)."""
        return checkpoints.state_at(conn, t, lambda after: self._rows_after(conn, after))

    def _seek_items(self, conn: sqlite3.Connection, t: float) -> tuple[list[FeedEvent],
                                                                        Iterator[Row]]:
        started = time.perf_counter()
        pos = self.state_at(conn, t)
        prefix = self.key_prefix
        items = [FeedEvent(prefix + feed, 0, Snapshot(t, 0, pos.floor.snapshot(feed)))
                 for feed in self.feeds]
        after = pos.next_row[0] if pos.next_row is not None else pos.after_id
        rows = self._rows_after(conn, after)
        if pos.next_row is not None:
            rows = chain([pos.next_row], rows)
        self.last_seek_s = time.perf_counter() - started
        return items, rows

    # --------------------------------------------------------------------- life
    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        loop = asyncio.get_running_loop()
        self._loop, self._wake = loop, asyncio.Event()
        _, conn, _ = open_checked(self.path)
        self._health.connected = True
        if self.start_t is not None:
            with self._lock:
                if self._seek_to is None:
                    self._seek_to = self.start_t
        rows: Iterator[Row] = self._rows_after(conn, 0)
        pending: Row | None = None  # read, not yet due
        anchor: tuple[float, float, int] | None = None  # (loop time, event time, _changed)
        given = 0
        prefix = self.key_prefix
        end_t = self.end_t if self.end_t is not None else math.inf
        health = self._health
        seen, paused, speed, changed = -1, False, self._speed, 0
        try:
            while not stop.is_set():
                if self._changed != seen:  # a command came (read without the lock: cheap)
                    with self._lock:
                        target, self._seek_to = self._seek_to, None
                        paused, speed, changed = self._paused, self._speed, self._changed
                    seen = changed
                    if target is not None:
                        items, rows = await loop.run_in_executor(
                            None, self._seek_items, conn, min(target, end_t))
                        pending, anchor, self._at_end = None, None, False
                        self._position_t = min(target, end_t)
                        self.seeks += 1
                        self._count(len(items))
                        for item in items:
                            yield item
                        continue
                if paused or self._at_end:
                    self._rate.seen()  # idle by request, not silent: not a dead feed
                    await self._idle(stop, 1.0)
                    continue
                row = pending if pending is not None else next(rows, None)
                pending = None
                if row is None or row[2] > end_t:
                    self._at_end = True
                    if end_t != math.inf:
                        self._position_t = max(self._position_t, end_t)
                    if not self.hold_at_end:
                        return
                    continue
                t = row[2]
                if speed != math.inf:
                    if anchor is None or anchor[2] != changed:
                        anchor = (loop.time(), self._position_t, changed)
                    wait = anchor[0] + (t - anchor[1]) / speed - loop.time()
                    if wait > 0.0005:
                        pending = row
                        await self._idle(stop, min(wait, IDLE_TICK_S))
                        clock = anchor[1] + (loop.time() - anchor[0]) * speed
                        self._position_t = max(self._position_t, min(clock, t))
                        continue
                if t > self._position_t:
                    self._position_t = t
                given += 1
                health.events += 1
                yield FeedEvent(prefix + row[1] if prefix else row[1], row[4], row[3])
                if given % YIELD_EVERY == 0:
                    self._rate.seen()
                    await asyncio.sleep(0)  # let commands, the stop and other sources in
        finally:
            self._health.connected = False
            conn.close()

    def _count(self, n: int) -> None:
        self._health.events += n
        self._rate.seen()

    async def _idle(self, stop: asyncio.Event, timeout: float) -> None:
        """Wait for a command, the stop or the timeout."""
        wake = self._wake
        assert wake is not None
        if wake.is_set() or stop.is_set():
            wake.clear()
            return
        waiter = asyncio.ensure_future(wake.wait())
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({waiter, stopper}, timeout=timeout,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (waiter, stopper):
                task.cancel()
        wake.clear()
