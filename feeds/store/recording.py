"""Recordings: every canonical event of one or more feeds, in an SQLite file.

A recording is an SQLite database (through sqlite-utils, WAL mode) with three tables:

- `events`: `id` INTEGER PRIMARY KEY (the rowid), `feed` TEXT (the feed key, e.g. its
  URL), `seq` INTEGER (the protocol sequence number; 0 for snapshots, as on the wire),
  `t` REAL (event time), `type` TEXT (the protocol type, e.g. `contact.offered`,
  `snapshot`), `data` BLOB (msgpack of the envelope's `data` map, exactly the
  protocol's fields; see `feeds.store.packing`) and `run` INTEGER (the `runs` row of
  the feed run the event came from; NULL when the source did not say).
  Rowid order is arrival order; an index on `t` serves time ranges.
- `runs`: `id` INTEGER PRIMARY KEY, `feed` TEXT, `epoch` TEXT: one row per feed run,
  the server's `epoch` from its `welcome`. Sequence numbers and contact ids only
  mean something within one run: a restarted feed numbers from 1 again and may
  reuse contact ids. Recordings written before runs were recorded have neither
  this table nor the `run` column; they are read as before (`epoch` None).
- `meta`: `key` TEXT primary key, `value` TEXT (JSON): `format`
  ("floorwatch-recording"), `format_version` (1), `created` (wall-clock epoch),
  `floorwatch_version`, `feeds` (list of feed keys), and on a clean close `closed`
  (wall-clock epoch) and `dropped` (events that could not be recorded).

Rows the store cannot hold (a sequence number past SQLite's INTEGER, text that is not
Unicode in a feed key) are dropped one by one, counted with their reason, and never
cost the rest of their batch.

Snapshots are recorded like any event (type `snapshot`, data `{"seq", "state"}`), so
a replay can start from the latest one before the time it wants.

`Recorder` writes on its own thread: `record` only puts the event on a bounded queue
(full: counted in `dropped`), and the thread commits everything queued in one
transaction at most every `interval_s` (0.5 s). `read_recording` streams the events
back in arrival order, decoded with `feeds.protocol.to_event`; a row that cannot be
decoded is counted in a `ReadStats` and skipped, never fatal. A file that is not a
recording (or is damaged) raises `RecordingError`, whose message names the file.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import math
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgpack
import sqlite_utils

from feeds import protocol as p
from monitor.events import Event

from ..credentials import create_private
from . import packing
from .batch_writer import BatchWriter

log = logging.getLogger(__name__)

FORMAT = "floorwatch-recording"
FORMAT_VERSION = 1
EVENTS = "events"
META = "meta"
RUNS = "runs"
SQLITE_MAX_INT = 2**63 - 1  # an INTEGER column holds no more: a larger seq is not stored
MAX_PROBLEMS_KEPT = 100  # per read: the first few bad rows, with their rowids

# `id` is the rowid (an alias, so VACUUM keeps it): arrival order.
_CREATE_EVENTS = (f"CREATE TABLE {EVENTS} (id INTEGER PRIMARY KEY, feed TEXT, seq INTEGER, "
                  "t REAL, type TEXT, data BLOB, run INTEGER)")
_CREATE_RUNS = f"CREATE TABLE {RUNS} (id INTEGER PRIMARY KEY, feed TEXT, epoch TEXT)"
_EVENT_COLUMNS = ("feed", "seq", "t", "type", "data")
_INSERT = f"INSERT INTO {EVENTS} (feed, seq, t, type, data, run) VALUES (?, ?, ?, ?, ?, ?)"
Row = tuple[str, int, float, str, bytes, int | None]  # as inserted: feed, seq, t, type, data, run


class RecordingError(OSError):
    """A recording cannot be opened, read or written; the message names the file."""


def floorwatch_version() -> str:
    try:
        return importlib.metadata.version("floorwatch")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# --------------------------------------------------------------------------- the store
class RecordingStore:
    """A recording open for writing, used from one thread (the `Recorder`'s).

    Creates the file (or an empty one) as a new recording, or appends to an
    existing recording; any other SQLite database is refused, not changed.
    """

    def __init__(self, path: str | Path, feeds: Iterable[str] = ()) -> None:
        self.path = Path(path).expanduser()
        if self.path.is_dir():
            raise RecordingError(f"{self.path} is a folder, not a recording file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RecordingError(
                f"cannot create the folder for recording {self.path}: {exc}") from exc
        self.feeds: list[str] = []
        self.runs: dict[tuple[str, str], int] = {}  # (feed, epoch) -> runs.id
        db: sqlite_utils.Database | None = None
        try:
            create_private(self.path)  # a recording holds the floor's whole day
            db = sqlite_utils.Database(self.path)
            self.db = db
            self._prepare(list(feeds))
        except (sqlite3.Error, OSError, RecordingError) as exc:
            if db is not None:
                db.close()
            if isinstance(exc, RecordingError):
                raise
            raise _sqlite_error(self.path, exc, "open") from exc

    def _prepare(self, feeds: list[str]) -> None:
        self.db.execute("PRAGMA busy_timeout = 5000")
        tables = set(self.db.table_names())
        if tables:
            meta = _check_recording(self.path, self.db, tables)
            self.feeds = [str(f) for f in meta.get("feeds") or []]
            self.db.enable_wal()
            self._add_runs_table(tables)
            self.add_feeds(feeds)
            return
        self.db.enable_wal()
        with self.db.conn:
            self.db.execute(_CREATE_EVENTS)
            self.db.execute(_CREATE_RUNS)
            self.db[EVENTS].create_index(["t"], if_not_exists=True)
            self.db[META].create({"key": str, "value": str}, pk="key")
            self._set_meta({
                "format": FORMAT, "format_version": FORMAT_VERSION, "created": time.time(),
                "floorwatch_version": floorwatch_version(), "feeds": [],
            })
        self.add_feeds(feeds)

    def _add_runs_table(self, tables: set[str]) -> None:
        """Appending to a recording from before runs were recorded: add them (its old
        rows keep `run` NULL, read as before); else load the runs it has."""
        with self.db.conn:
            if "run" not in self.db[EVENTS].columns_dict:
                self.db.execute(f"ALTER TABLE {EVENTS} ADD COLUMN run INTEGER")
            if RUNS not in tables:
                self.db.execute(_CREATE_RUNS)
        for run_id, feed, epoch in self.db.execute(f"SELECT id, feed, epoch FROM {RUNS}"):
            self.runs[(str(feed), str(epoch))] = int(run_id)

    def run_id(self, feed: str, epoch: str) -> int | None:
        """The `runs` id of this feed run (added, committed, when new); None for no epoch."""
        if not epoch:
            return None
        key = (feed, epoch)
        run = self.runs.get(key)
        if run is None:
            try:
                with self.db.conn:
                    cur = self.db.conn.execute(
                        f"INSERT INTO {RUNS} (feed, epoch) VALUES (?, ?)", key)
            except sqlite3.Error as exc:
                raise _sqlite_error(self.path, exc, "write") from exc
            run = self.runs[key] = int(cur.lastrowid or 0)
        return run

    @property
    def journal_mode(self) -> str:
        return str(self.db.execute("PRAGMA journal_mode").fetchone()[0])

    def _set_meta(self, values: dict[str, Any]) -> None:
        self.db.conn.executemany(
            f"INSERT OR REPLACE INTO {META} (key, value) VALUES (?, ?)",
            [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()])

    def add_feeds(self, feeds: Iterable[str]) -> None:
        """Add feed keys to the `feeds` meta entry (committed)."""
        new = [f for f in dict.fromkeys(feeds) if f not in self.feeds]
        if not new:
            return
        self.feeds += new
        try:
            with self.db.conn:
                self._set_meta({"feeds": self.feeds})
        except sqlite3.Error as exc:
            raise _sqlite_error(self.path, exc, "write") from exc

    def append(self, rows: list[Row]) -> None:
        """Insert rows (feed, seq, t, type, data, run) in one transaction: one commit."""
        try:
            with self.db.conn:
                self.db.conn.executemany(_INSERT, rows)
        except sqlite3.Error as exc:
            raise _sqlite_error(self.path, exc, "write") from exc

    def finish(self, dropped: int) -> None:
        """Note a clean close (and how many events were lost) in the meta table."""
        try:
            with self.db.conn:
                self._set_meta({"closed": time.time(), "dropped": dropped})
        except sqlite3.Error as exc:
            raise _sqlite_error(self.path, exc, "write") from exc

    def close(self) -> None:
        self.db.close()


def _sqlite_error(path: Path, exc: sqlite3.Error | OSError, doing: str) -> RecordingError:
    text = str(exc)
    if "not a database" in text:
        return RecordingError(f"{path} is not a Floorwatch recording (not an SQLite database)")
    if "malformed" in text or "corrupt" in text:
        return RecordingError(f"recording {path} is damaged ({text})")
    return RecordingError(f"cannot {doing} recording {path}: {text}")


def _check_recording(path: Path, db: sqlite_utils.Database, tables: set[str]) -> dict[str, Any]:
    """The meta of a recording; RecordingError if the database is not one we can read."""
    if not {EVENTS, META} <= tables:
        raise RecordingError(
            f"{path} is not a Floorwatch recording (an SQLite database without "
            f"'{EVENTS}' and '{META}' tables)")
    meta: dict[str, Any] = {}
    for key, value in db.execute(f"SELECT key, value FROM {META}").fetchall():
        try:
            meta[str(key)] = json.loads(value)
        except (TypeError, ValueError):
            meta[str(key)] = value
    if meta.get("format") != FORMAT:
        raise RecordingError(f"{path} is not a Floorwatch recording (its meta table does "
                             f"not say format {FORMAT!r})")
    version = meta.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise RecordingError(f"recording {path} has no valid format_version ({version!r})")
    if version > FORMAT_VERSION:
        raise RecordingError(
            f"recording {path} has format version {version}; this Floorwatch reads "
            f"version {FORMAT_VERSION} (upgrade Floorwatch)")
    missing = set(_EVENT_COLUMNS) - set(db[EVENTS].columns_dict)
    if missing:
        raise RecordingError(f"recording {path} is damaged: its '{EVENTS}' table has no "
                             f"{', '.join(sorted(missing))} column")
    return meta


# --------------------------------------------------------------------------- reading
@dataclass(slots=True)
class ReadStats:
    """What a read found: rows in range, events yielded, rows skipped and why."""

    rows: int = 0
    events: int = 0
    skipped: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (rowid, why), first few

    def skip(self, rowid: int, reason: str, detail: str) -> None:
        self.skipped += 1
        self.reasons[reason] += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append((rowid, detail or reason))


def _open_for_reading(path: str | Path) -> tuple[Path, sqlite_utils.Database, dict[str, Any]]:
    path = Path(path).expanduser()
    if not path.exists():
        raise RecordingError(f"no recording at {path} (no such file)")
    if not path.is_file():
        raise RecordingError(f"{path} is not a recording file")
    db: sqlite_utils.Database | None = None
    try:
        # Opening never creates or changes anything: the file exists and we only read.
        db = sqlite_utils.Database(sqlite3.connect(str(path)))
        db.execute("PRAGMA busy_timeout = 5000")
        meta = _check_recording(path, db, set(db.table_names()))
    except (sqlite3.Error, RecordingError) as exc:
        if db is not None:
            db.close()
        if isinstance(exc, RecordingError):
            raise
        raise _sqlite_error(path, exc, "read") from exc
    return path, db, meta


def read_meta(path: str | Path) -> dict[str, Any]:
    """The recording's meta entries (format, version, created, feeds …)."""
    _, db, meta = _open_for_reading(path)
    db.close()
    return meta


# One recorded event with where it came from: (feed key, seq as stored (0 for a
# snapshot), the feed run's epoch (None when the recording does not say), event).
# A plain tuple: a long read makes millions.
RecordedEvent = tuple[str, int, str | None, Event]


def read_recording(
    path: str | Path,
    since: float | None = None,
    until: float | None = None,
    stats: ReadStats | None = None,
) -> Iterator[tuple[str, Event]]:
    """(feed key, event) for every recorded event with since <= t < until, in arrival order.

    The file is checked at once (RecordingError if it is not a readable recording);
    the events are then streamed. Rows that cannot be decoded are counted in `stats`
    and skipped. A file damaged past its first pages may still raise RecordingError
    part-way through.
    """
    rows = read_rows(path, since, until, stats)
    return ((feed, event) for feed, _, _, event in rows)


def read_rows(
    path: str | Path,
    since: float | None = None,
    until: float | None = None,
    stats: ReadStats | None = None,
) -> Iterator[RecordedEvent]:
    """As `read_recording`, each event as (feed, seq, epoch, event): its sequence
    number as stored and its feed run's epoch (None when the recording does not say)."""
    path, db, _ = _open_for_reading(path)
    try:
        columns = db[EVENTS].columns_dict
        epochs: dict[int, str] = {}
        if "run" in columns and RUNS in db.table_names():
            epochs = {int(i): str(e) for i, e in db.execute(f"SELECT id, epoch FROM {RUNS}")
                      if isinstance(i, int)}
    except sqlite3.Error as exc:
        db.close()
        raise _sqlite_error(path, exc, "read") from exc
    return _rows(path, db, since, until, stats if stats is not None else ReadStats(),
                 epochs if "run" in columns else None)


def _rows(path: Path, db: sqlite_utils.Database, since: float | None, until: float | None,
          stats: ReadStats, epochs: dict[int, str] | None) -> Iterator[RecordedEvent]:
    where, params = [], []
    if since is not None:
        where.append("t >= ?")
        params.append(since)
    if until is not None:
        where.append("t < ?")
        params.append(until)
    run = "run" if epochs is not None else "NULL"
    sql = (f"SELECT rowid, feed, seq, t, type, data, {run} FROM {EVENTS}"
           f"{' WHERE ' + ' AND '.join(where) if where else ''} ORDER BY rowid")
    epoch_of = (epochs or {}).get
    try:
        for rowid, feed, seq, t, typ, data, run_id in db.conn.execute(sql, params):
            stats.rows += 1
            try:
                event = _decode_row(feed, seq, t, typ, data)
            except p.FrameError as exc:
                stats.skip(rowid, exc.reason, str(exc))
                continue
            stats.events += 1
            yield feed, seq, None if run_id is None else epoch_of(run_id), event
    except sqlite3.Error as exc:
        raise _sqlite_error(path, exc, "read") from exc
    finally:
        db.close()


def _decode_row(feed: Any, seq: Any, t: Any, typ: Any, data: Any) -> Event:
    if not isinstance(feed, str) or not isinstance(typ, str):
        raise p.FrameError("bad_row", "feed and type must be text")
    if not isinstance(seq, int) or seq < 0:
        raise p.FrameError("bad_seq", repr(seq))
    if not isinstance(t, int | float) or not math.isfinite(t):
        raise p.FrameError("bad_time", repr(t))
    if not isinstance(data, bytes):
        raise p.FrameError("undecodable", f"data is {type(data).__name__}, not msgpack bytes")
    try:
        fields = packing.unpack(data)
    except (ValueError, TypeError, msgpack.UnpackException, RecursionError) as exc:
        raise p.FrameError("undecodable", type(exc).__name__) from None
    if not isinstance(fields, dict):
        raise p.FrameError("not_a_map")
    return p.to_event(p.Envelope(type=typ, data=fields, feed=feed, seq=seq, t=float(t)))


# --------------------------------------------------------------------- the writer
_Item = tuple[str, int, Event, str]  # feed, seq, event, epoch


class Recorder(BatchWriter[_Item, RecordingStore]):
    """Records events on its own thread; `record` never blocks the caller.

    Events wait on a bounded queue (full: counted in `dropped` and logged); an
    event is committed within about `interval_s` and a burst costs one commit.
    `close()` writes what is queued, notes the close in the meta table and joins.
    If the file cannot be opened or written, `error` says why and the events are
    counted in `dropped`. An event the file cannot hold is dropped alone, counted
    in `dropped` and `drop_reasons`; the recording goes on.
    """

    thread_name = "floorwatch-recorder"
    drop_log_every = 10_000

    def __init__(self, path: str | Path, *, feeds: Iterable[str] = (), limit: int = 100_000,
                 interval_s: float = 0.5) -> None:
        self.limit = limit
        self.commits = 0
        self.written_by_feed: Counter[str] = Counter()
        self._feeds = list(feeds)
        super().__init__(Path(path).expanduser(), limit=limit, interval_s=interval_s)

    def record(self, feed: str, seq: int, event: Event, epoch: str = "") -> bool:
        """Queue one event of `feed` (its protocol sequence number, 0 for a snapshot).

        `epoch` names the feed run the event belongs to (the server's `epoch` from
        its `welcome`; "" when the source has none). False, counted in `dropped`,
        when the queue is full or the recorder closed.
        """
        return self._put((feed, seq, event, epoch or ""), "recorder closed")

    def written_counts(self) -> dict[str, int]:
        """Committed events per feed key (a copy)."""
        with self._lock:
            return dict(self.written_by_feed)

    def close(self, timeout: float = 30.0) -> None:
        super().close(timeout)

    def _open(self) -> RecordingStore:
        return RecordingStore(self.path, self._feeds)

    def _finish(self, store: RecordingStore) -> None:
        with contextlib.suppress(RecordingError):
            store.finish(self.dropped)

    def _run_of(self, store: RecordingStore, feed: Any, epoch: Any) -> int | None | bool:
        """The run id of (feed, epoch) for its rows; False if either cannot be stored."""
        for text in (feed, epoch):
            if not isinstance(text, str):
                return False
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return False
        return store.run_id(feed, epoch)

    def _write_batch(self, store: RecordingStore, batch: list[_Item]) -> None:
        rows: list[Row] = []
        counts: Counter[str] = Counter()
        refused = 0  # dropped one by one, counted already
        runs: dict[tuple[str, str], int | None | bool] = {}  # (feed, epoch) -> run id
        envelope, pack, isfinite = p.event_envelope, packing.pack, math.isfinite
        try:
            for feed, seq, event, epoch in batch:
                why = ""
                t = event.t
                run = runs.get((feed, epoch))
                if run is None and (feed, epoch) not in runs:
                    run = runs[(feed, epoch)] = self._run_of(store, feed, epoch)
                if not isinstance(t, int | float) or not isfinite(t):
                    why = "with an event time that is not a finite number"
                elif not isinstance(seq, int) or not 0 <= seq <= SQLITE_MAX_INT:
                    why = "with a sequence number SQLite cannot hold"
                elif run is False:
                    why = "of a feed or run whose name is not Unicode text"
                else:
                    try:
                        env = envelope(event, feed, seq)
                        rows.append((feed, seq, t, env.type, pack(env.data), run))
                        counts[feed] += 1
                        continue
                    except (TypeError, ValueError, OverflowError) as exc:
                        why = f"that cannot be encoded ({type(exc).__name__})"
                refused += 1
                self._drop(1, f"{type(event).__name__} {why}")
            store.add_feeds(counts)
            store.append(rows)
        except RecordingError as exc:
            self.error = str(exc)
            log.error("%s", exc)
            self._drop(len(batch) - refused, "write failed")
            return
        with self._lock:
            self.written += len(rows)
            self.commits += 1
            self.written_by_feed.update(counts)
