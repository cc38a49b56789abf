"""Recordings: every canonical event of one or more feeds, in an SQLite file.

A recording is an SQLite database (through sqlite-utils, WAL mode) with four tables:

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
- `checkpoints`: the floor's state per feed every 300 s of event time, written by
  the `Recorder` so a replay seeks fast (see `feeds.store.checkpoints`). Older
  recordings have none: they replay and seek from the start. A file appended to by
  this version gets them only if it had them (or no events) already.
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
decoded is counted in a `ReadStats` and skipped, never fatal. A damaged part of the
file (bytes overwritten, pages missing from a file cut short) is skipped too: reading
goes on at the first row after it that can be read, and the rows lost are counted
(`ReadStats.damaged`, reason "damaged"). A file that is not a recording, or whose
first pages (schema, meta) are damaged, raises `RecordingError`, whose message names
the file.
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
import msgspec
import sqlite_utils

from feeds import fast_decode
from feeds import protocol as p
from monitor.events import Event

from ..credentials import create_private
from . import checkpoints, packing
from .batch_writer import BatchWriter

log = logging.getLogger(__name__)

FORMAT = "floorwatch-recording"
FORMAT_VERSION = 1
EVENTS = "events"
META = "meta"
RUNS = "runs"
SQLITE_MAX_INT = 2**63 - 1  # an INTEGER column holds no more: a larger seq is not stored
MAX_PROBLEMS_KEPT = 100  # per read: the first few bad rows, with their rowids
DAMAGED = "damaged"  # the ReadStats reason for rows lost in a damaged part of the file

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
        # Whether checkpoints can be written: a file with events but no checkpoints
        # (an older recording appended to) would need a whole replay to start them.
        self.checkpoints = True
        self.has_events = False
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
            self._add_checkpoints_table(tables)
            self.add_feeds(feeds)
            return
        self.db.enable_wal()
        with self.db.conn:
            self.db.execute(_CREATE_EVENTS)
            self.db.execute(_CREATE_RUNS)
            self.db.execute(checkpoints.CREATE)
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

    def _add_checkpoints_table(self, tables: set[str]) -> None:
        self.has_events = self.db.execute(f"SELECT 1 FROM {EVENTS} LIMIT 1").fetchone() is not None
        if checkpoints.TABLE in tables:
            return
        if self.has_events:
            self.checkpoints = False  # read from the start, as before
            return
        with self.db.conn:
            self.db.execute(checkpoints.CREATE)

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

    def append(self, rows: list[Row], cuts: Iterable[checkpoints.Cut] = ()) -> None:
        """Insert rows (feed, seq, t, type, data, run) in one transaction: one commit.

        Each cut (upto, t, [(feed, state)]) writes its checkpoint rows right after the
        first `upto` rows, naming the last of them (its rowid) as what it includes.
        """
        conn = self.db.conn
        try:
            with conn:
                done = 0
                for upto, t, states in cuts:
                    conn.executemany(_INSERT, rows[done:upto])
                    done = upto
                    last_id = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
                    conn.executemany(checkpoints.INSERT,
                                     [(t, feed, last_id, data) for feed, data in states])
                conn.executemany(_INSERT, rows[done:] if done else rows)
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
    damaged: int = 0  # damaged parts of the file skipped (their rows are in `skipped`)

    def skip(self, rowid: int, reason: str, detail: str) -> None:
        self.skipped += 1
        self.reasons[reason] += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append((rowid, detail or reason))

    def damage(self, first_rowid: int, rows: int, detail: str) -> None:
        """A damaged part of the file, skipped: about `rows` rows lost (at least one
        counted, so a part whose size cannot be told still shows)."""
        rows = max(1, rows)
        self.damaged += 1
        self.rows += rows
        self.skipped += rows
        self.reasons[DAMAGED] += rows
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append((first_rowid, detail))


def connect_reader(path: Path, cut_short: bool = False) -> sqlite3.Connection:
    """A connection that only reads (usable from another thread, one at a time).

    `cut_short`: the file holds fewer pages than its header says (copied or written
    out only in part). SQLite then refuses to open it at all unless told the schema
    may be odd; told so, it reads what is there and reports the missing pages as
    damage when a read reaches them, which the readers here skip and count.
    """
    conn = sqlite3.connect(str(path), check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA query_only = ON")  # never a change, whatever happens
        if cut_short:
            conn.execute("PRAGMA writable_schema = ON")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _open_for_reading(path: str | Path) -> tuple[Path, sqlite_utils.Database, dict[str, Any]]:
    path = Path(path).expanduser()
    if not path.exists():
        raise RecordingError(f"no recording at {path} (no such file)")
    if not path.is_file():
        raise RecordingError(f"{path} is not a recording file")
    for cut_short in (False, True):
        db: sqlite_utils.Database | None = None
        try:
            # Opening never creates or changes anything: the file exists and we only read.
            db = sqlite_utils.Database(connect_reader(path, cut_short))
            meta = _check_recording(path, db, set(db.table_names()))
        except (sqlite3.Error, RecordingError) as exc:
            if db is not None:
                db.close()
            if isinstance(exc, sqlite3.Error) and is_damage(exc) and not cut_short:
                continue  # perhaps only cut short: try again, reading what is there
            if isinstance(exc, RecordingError):
                raise
            raise _sqlite_error(path, exc, "read") from exc
        return path, db, meta
    raise AssertionError("unreachable")  # pragma: no cover


def open_checked(path: str | Path) -> tuple[Path, sqlite3.Connection, dict[str, Any]]:
    """A reading connection to a recording, checked (RecordingError, naming the file,
    if it is not a readable one), and its meta."""
    path, db, meta = _open_for_reading(path)
    return path, db.conn, meta


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
    where, params = "", []
    if since is not None:
        where += " AND t >= ?"
        params.append(since)
    if until is not None:
        where += " AND t < ?"
        params.append(until)
    run = "run" if epochs is not None else "NULL"
    epoch_of = (epochs or {}).get
    try:
        for rowid, feed, seq, t, typ, data, run_id in scan_rows(
                path, db.conn, stats, f"feed, seq, t, type, data, {run}", where=where,
                params=params):
            stats.rows += 1
            try:
                event = _decode_row(feed, seq, t, typ, data)
            except p.FrameError as exc:
                stats.skip(rowid, exc.reason, str(exc))
                continue
            stats.events += 1
            yield feed, seq, None if run_id is None else epoch_of(run_id), event
    finally:
        db.close()


def is_damage(exc: sqlite3.Error) -> bool:
    """Whether an SQLite error says the file is damaged (not busy, locked or full)."""
    text = str(exc).lower()
    if "malformed" in text or "corrupt" in text or "not a database" in text:
        return True
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.OperationalError | sqlite3.IntegrityError | sqlite3.ProgrammingError)


def scan_rows(path: Path, conn: sqlite3.Connection, stats: ReadStats, columns: str,
              after_id: int = 0, where: str = "", params: Iterable[Any] = ()
              ) -> Iterator[tuple[Any, ...]]:
    """(rowid, *columns) of the `events` rows with a rowid past `after_id` (and `where`,
    which starts with " AND "), in rowid order, stepping over damaged parts.

    When SQLite reports the file damaged, reading goes on at the first row after the
    last one read that can be reached; the rows between are counted in `stats` as one
    damaged part. Other SQLite errors raise RecordingError.
    """
    sql = f"SELECT rowid, {columns} FROM {EVENTS} WHERE rowid > ?{where} ORDER BY rowid"
    params = list(params)
    last, stuck = after_id, 0
    while True:
        try:
            for row in conn.execute(sql, (last, *params)):
                last, stuck = row[0], 0
                yield row
            return
        except sqlite3.Error as exc:
            if not is_damage(exc):
                raise _sqlite_error(path, exc, "read") from exc
            # Nothing read since the last resume: the damage starts past that row.
            stuck += 1
            resume = _next_readable(conn, last + stuck)
            if resume is None:
                stats.damage(last + 1, 0, f"rows after {last} unreadable, file damaged or "
                             f"cut short ({exc})")
                return
            if resume - 1 > last:
                stats.damage(last + 1, resume - last - 1,
                             f"rows {last + 1}-{resume - 1} unreadable, file damaged ({exc})")
                last, stuck = resume - 1, 0


def _next_readable(conn: sqlite3.Connection, start: int) -> int | None:
    """The first rowid >= `start` that SQLite can reach, trying ever further; None if none."""
    step = 0
    while start + step < 2**62:
        try:
            row = conn.execute(f"SELECT rowid FROM {EVENTS} WHERE rowid >= ? ORDER BY rowid "
                               "LIMIT 1", (start + step,)).fetchone()
        except sqlite3.Error:
            step = step * 2 or 1
            continue
        return None if row is None else int(row[0])
    return None


def _row_decoders() -> dict[str, tuple[type[Event], msgspec.msgpack.Decoder[Any]]]:
    """Per event type: its class and a typed decoder of its stored `data`, with every
    check of the protocol in the types (the fast path of `feeds.fast_decode`, whose
    structs these are: one table of checks for frames and rows)."""
    out = {}
    for frame, cls in fast_decode._CLASSES.items():  # noqa: SLF001 - the same checks
        data_type = next(f.type for f in msgspec.structs.fields(frame) if f.name == "data")
        out[cls.TYPE] = (cls, msgspec.msgpack.Decoder(data_type))
    return out


_FAST_ROWS = _row_decoders()
_FAST_FAILED = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)
_astuple = msgspec.structs.astuple


def _decode_row(feed: Any, seq: Any, t: Any, typ: Any, data: Any) -> Event:
    """The event a stored row holds; FrameError (with the reference path's reason) if
    any check refuses it. Rows the typed decoders accept skip the reference path: it
    would accept them too, and make the same event."""
    fast = _FAST_ROWS.get(typ) if type(t) is float and 0.0 <= t <= p.MAX_EVENT_T else None
    if fast is not None and type(feed) is str and type(seq) is int and seq >= 0 \
            and type(data) is bytes:
        try:
            return fast[0](t, *_astuple(fast[1].decode(data)))
        except _FAST_FAILED:
            pass  # the reference path decides, and names the reason
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


def decoded_rows(path: Path, conn: sqlite3.Connection, stats: ReadStats, after_id: int
             ) -> Iterator[tuple[int, str, float, Event, int]]:
    """(rowid, feed, t, event, seq) of the rows past `after_id`; bad rows counted and
    skipped."""
    for rowid, feed, seq, t, typ, data in scan_rows(path, conn, stats, "feed, seq, t, type, data",
                                                    after_id):
        stats.rows += 1
        try:
            event = _decode_row(feed, seq, t, typ, data)
        except p.FrameError as exc:
            stats.skip(rowid, exc.reason, str(exc))
            continue
        stats.events += 1
        yield rowid, feed, float(t), event, seq


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
        # Its own floor, fed what it records, for the checkpoints (writer thread only).
        self.checkpoints: checkpoints.CheckpointTracker | None = None
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
        store = RecordingStore(self.path, self._feeds)
        self.checkpoints = self._tracker(store)
        return store

    def _tracker(self, store: RecordingStore) -> checkpoints.CheckpointTracker:
        """A new floor, or (appending) the file's state at its end: the last checkpoint
        and the rows after it, so the next checkpoints include what came before."""
        tracker = checkpoints.CheckpointTracker()
        if not store.checkpoints:
            tracker.stop("appending to a recording without checkpoints")
        elif store.has_events:
            stats = ReadStats()
            try:
                pos = checkpoints.state_at(store.db.conn, math.inf, lambda after: decoded_rows(
                    self.path, store.db.conn, stats, after))
            except RecordingError as exc:
                tracker.stop(str(exc))
                return tracker
            tracker = checkpoints.CheckpointTracker(pos.floor, pos.feeds, pos.hi_t)
            if stats.damaged:
                tracker.stop("the recording appended to is damaged")
        return tracker

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
        kept: list[tuple[str, Event]] = []  # the events of `rows`, for the checkpoints
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
                        kept.append((feed, event))
                        counts[feed] += 1
                        continue
                    except (TypeError, ValueError, OverflowError) as exc:
                        why = f"that cannot be encoded ({type(exc).__name__})"
                refused += 1
                self._drop(1, f"{type(event).__name__} {why}")
            store.add_feeds(counts)
            tracker = self.checkpoints
            cuts = tracker.plan(kept) if tracker is not None else []
            store.append(rows, cuts)
            if tracker is not None:
                tracker.written += sum(len(states) for _, _, states in cuts)
        except RecordingError as exc:
            if self.checkpoints is not None:
                self.checkpoints.stop("a batch could not be written")
            self.error = str(exc)
            log.error("%s", exc)
            self._drop(len(batch) - refused, "write failed")
            return
        with self._lock:
            self.written += len(rows)
            self.commits += 1
            self.written_by_feed.update(counts)
