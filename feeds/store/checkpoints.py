"""Checkpoints: the floor's state every CHECKPOINT_S of event time, so a replay seeks fast.

The `Recorder` keeps its own `Floor` on its writer thread and applies every event it
records; each time the event time crosses a multiple of CHECKPOINT_S it writes, in the
same transaction as the events, one row per feed into the `checkpoints` table:

- `id` INTEGER PRIMARY KEY, `t` REAL: the latest event time the state includes (the
  running maximum of the `events.t` it covers), `feed` TEXT, `last_id` INTEGER: the
  state includes every `events` row up to this rowid, in rowid (arrival) order, and
  `data` BLOB: `floor.snapshot(feed)` packed with `feeds.store.packing`.

The state of a recording "at T" is that of a floor fed its rows in rowid order up to
(not including) the first row whose time is past T. `state_at` finds it from the
latest checkpoint with `t <= T` (every row it covers is then at or before T) plus the
rows after it, so it equals playing from the start. A recording without the table
(older files) or with a damaged checkpoint is read from the start (or the previous
checkpoint): slower, the same state.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import msgpack

from monitor.events import Event
from monitor.floor import Floor

from . import packing

log = logging.getLogger(__name__)

CHECKPOINT_S = 300.0
TABLE = "checkpoints"
CREATE = (f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, t REAL, feed TEXT, "
          "last_id INTEGER, data BLOB)")
INSERT = f"INSERT INTO {TABLE} (t, feed, last_id, data) VALUES (?, ?, ?, ?)"

# One checkpoint cut inside a batch: after its first `upto` rows, (feed, packed state)s at `t`.
Cut = tuple[int, float, list[tuple[str, bytes]]]
# What `state_at` reads after a checkpoint: (rowid, feed, t, event, …) from the rows with
# a rowid past the one given, in rowid order, damaged and undecodable rows skipped.
Row = tuple[int, str, float, Event, int]
RowsAfter = Callable[[int], Iterator[Row]]


def next_boundary(t: float, every_s: float = CHECKPOINT_S) -> float:
    """The first multiple of `every_s` after `t`."""
    return (t // every_s + 1) * every_s


def has_table(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                       (TABLE,)).fetchone()
    return row is not None


class CheckpointTracker:
    """The recorder's floor, and where the next checkpoint falls (writer thread only)."""

    def __init__(self, floor: Floor | None = None, feeds: set[str] | None = None,
                 hi_t: float = -math.inf, every_s: float = CHECKPOINT_S) -> None:
        self.floor = floor if floor is not None else Floor()
        self.feeds: set[str] = set(feeds or ())
        self.hi_t = hi_t
        self.every_s = every_s
        self.next_t = next_boundary(hi_t, every_s) if math.isfinite(hi_t) else math.inf
        self.written = 0  # checkpoint rows written
        self.off = ""  # why checkpoints stopped ('' while they are written)

    def plan(self, events: list[tuple[str, Event]]) -> list[Cut]:
        """Apply a batch's events (as they will be stored, in order); the cuts to write."""
        cuts: list[Cut] = []
        if self.off:
            return cuts
        apply, feeds = self.floor.apply, self.feeds
        try:
            for i, (feed, event) in enumerate(events):
                apply(event, feed)
                feeds.add(feed)
                t = event.t
                if t > self.hi_t:
                    self.hi_t = t
                    if t >= self.next_t:
                        cuts.append((i + 1, t, self._states()))
                        self.next_t = next_boundary(t, self.every_s)
                    elif self.next_t == math.inf:  # the first event: the first boundary
                        self.next_t = next_boundary(t, self.every_s)
        except Exception as exc:  # noqa: BLE001 - the recording must go on without them
            self.stop(f"{type(exc).__name__}: {exc}")
            return []
        return cuts

    def _states(self) -> list[tuple[str, bytes]]:
        return [(feed, packing.pack(self.floor.snapshot(feed))) for feed in sorted(self.feeds)]

    def stop(self, why: str) -> None:
        """Write no more checkpoints (the floor no longer matches the file)."""
        if not self.off:
            log.warning("recording checkpoints off: %s", why)
        self.off = why or "stopped"


# ------------------------------------------------------------------ reading
@dataclass(slots=True)
class Position:
    """A recording's state at a time, and where reading goes on from there."""

    floor: Floor
    feeds: set[str] = field(default_factory=set)  # feeds whose records the state holds
    after_id: int = 0  # rows with a larger rowid come next
    next_row: Row | None = None  # the first row past the time
    hi_t: float = -math.inf  # latest event time applied
    checkpoint_t: float | None = None  # the checkpoint it started from (None: the start)
    applied: int = 0  # rows applied after the checkpoint


def _checkpoints(conn: sqlite3.Connection, target_t: float) -> list[tuple[int, float]]:
    """(last_id, t) of the checkpoints at or before `target_t`, latest first."""
    try:
        return [(int(i), float(t)) for i, t in conn.execute(
            f"SELECT last_id, MAX(t) FROM {TABLE} WHERE t <= ? GROUP BY last_id "
            "ORDER BY last_id DESC", (target_t,)) if isinstance(i, int)]
    except sqlite3.DatabaseError as exc:
        log.warning("checkpoints unreadable, reading from the start: %s", exc)
        return []


def load_checkpoint(conn: sqlite3.Connection, last_id: int, floor: Floor) -> set[str] | None:
    """Install every feed's state of one checkpoint into `floor`; its feeds, or None if
    one cannot be read or loaded (then `floor` must not be used)."""
    feeds: set[str] = set()
    try:
        rows = conn.execute(f"SELECT feed, data FROM {TABLE} WHERE last_id = ? ORDER BY id",
                            (last_id,)).fetchall()
    except sqlite3.DatabaseError:
        return None
    for feed, data in rows:
        if not isinstance(feed, str) or not isinstance(data, bytes):
            return None
        try:
            state = packing.unpack(data)
        except (ValueError, TypeError, msgpack.UnpackException, RecursionError):
            return None
        if not isinstance(state, dict) or floor.load_snapshot(state, feed) is not None:
            return None
        feeds.add(feed)
    return feeds if rows else None


def state_at(conn: sqlite3.Connection, target_t: float, rows_after: RowsAfter,
             make_floor: Callable[[], Floor] = Floor) -> Position:
    """The recording's state at `target_t` (see the module doc): the latest usable
    checkpoint at or before it, then the rows after it up to the first one past it."""
    pos: Position | None = None
    if has_table(conn):
        for last_id, t in _checkpoints(conn, target_t):
            floor = make_floor()
            feeds = load_checkpoint(conn, last_id, floor)
            if feeds is not None:
                pos = Position(floor, feeds, last_id, None, t, t)
                break
            log.warning("checkpoint up to row %d unusable; trying an earlier one", last_id)
    if pos is None:
        pos = Position(make_floor())
    apply, feeds, hi_t = pos.floor.apply, pos.feeds, pos.hi_t
    for row in rows_after(pos.after_id):
        rowid, feed, t, event = row[:4]
        if t > target_t:
            pos.next_row = row
            break
        apply(event, feed)
        feeds.add(feed)
        pos.after_id = rowid
        pos.applied += 1
        if t > hi_t:
            hi_t = t
    pos.hi_t = hi_t
    return pos
