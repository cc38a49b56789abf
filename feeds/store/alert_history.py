"""The alert history: every alert raised, who acknowledged it and when, and what became of it.

One SQLite database (through sqlite-utils, WAL mode, 0600) in the platform's user data
directory, shared by every run of Floorwatch. Alert ids restart at 1 each run, so rows
are keyed by a session id (one per `AlertHistory`) plus the alert id.

- `alerts`: one row per alert, upserted as its transitions arrive (raised, escalated,
  acknowledged, snoozed, cleared): the latest known state.
- `transitions`: one row per `Transition`, in order: the timeline.
- `sessions`: when each run started and ended; `meta`: the schema version.

Times are epoch seconds. `raised_t`, `acked_t`, `escalated_t`, `cleared_t`,
`snoozed_until` and a transition's `t` are event time (the feed's clock, so a replay
writes the times the alerts had); `acked_wall_t` and `wall_t` are the wall clock at
which a person acted.

`AlertHistory.record` is called on the GUI thread every tick: it only copies the
alerts' fields and puts them on a bounded queue; a writer thread commits them in
batches (`feeds.store.batch_writer`). `read_alerts` and `read_transitions` are for the
command line and tests.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import platformdirs
import sqlite_utils

from monitor.alert_book import ACKNOWLEDGED, CLEARED, ESCALATED, RAISED, Alert, Transition

from ..credentials import create_private
from .batch_writer import BatchWriter

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
KIND = "floorwatch-alert-history"  # meta.kind: tells this file from other SQLite files
QUEUE_LIMIT = 50_000  # transitions waiting for the writer; more are dropped and counted
INTERVAL_S = 0.25  # at most one commit per interval

ALERT_COLUMNS: dict[str, type] = {
    "session": str,
    "alert_id": int,
    "rule": str,
    "severity": str,
    "scope": str,
    "target": str,
    "queue": str,
    "agent": str,
    "message_en": str,
    "message_zh": str,
    "details": str,  # JSON object
    "raised_t": float,
    "value": float,  # the value it was raised at
    "acked_by": str,
    "acked_t": float,  # event time
    "acked_wall_t": float,  # wall clock
    "snoozed_until": float,
    "escalated_t": float,
    "cleared_t": float,
}
TRANSITION_COLUMNS: dict[str, type] = {
    "id": int,
    "session": str,
    "alert_id": int,
    "t": float,
    "event": str,
    "rule": str,
    "severity": str,
    "target": str,
    "value": float,
    "by": str,
    "wall_t": float,
}
SESSION_COLUMNS: dict[str, type] = {
    "session": str,
    "started_t": float,
    "ended_t": float,
    "pid": int,
}


class AlertHistoryError(OSError):
    """The history cannot be opened, read or written; the one-line message names the file."""


def default_path() -> Path:
    """`alerts.db` in the platform's user data directory (created by the first run)."""
    return platformdirs.user_data_path("floorwatch") / "alerts.db"


def _q(name: str) -> str:
    return f'"{name}"'  # `by` is an SQL keyword


_ALERT_KEYS = ("session", "alert_id")
_ALERT_NAMES = list(ALERT_COLUMNS)
# A transition only knows part of an alert; what it does not know (None) keeps the
# value already stored, so rows written without the alert (it had gone from the book
# by the time of `record`) fill in rather than blank out.
_UPSERT_ALERT = (
    f"INSERT INTO alerts ({', '.join(_q(c) for c in _ALERT_NAMES)}) "
    f"VALUES ({', '.join(':' + c for c in _ALERT_NAMES)}) "
    "ON CONFLICT(session, alert_id) DO UPDATE SET "
    + ", ".join(
        # The value is the one it was raised at (first written); the rest, the latest.
        f"{_q(c)} = COALESCE({_q(c)}, excluded.{_q(c)})" if c == "value" else
        f"{_q(c)} = COALESCE(excluded.{_q(c)}, {_q(c)})"
        for c in _ALERT_NAMES
        if c not in _ALERT_KEYS
    )
)
_TRANSITION_NAMES = [c for c in TRANSITION_COLUMNS if c != "id"]
_INSERT_TRANSITION = (
    f"INSERT INTO transitions ({', '.join(_q(c) for c in _TRANSITION_NAMES)}) "
    f"VALUES ({', '.join('?' for _ in _TRANSITION_NAMES)})"
)

# What `record` copies from an Alert on the caller's thread (the book goes on changing it).
_SNAPSHOT = (
    "scope",
    "queue",
    "agent",
    "message_en",
    "message_zh",
    "details",
    "raised_t",
    "value",
    "acked_by",
    "acked_t",
    "acked_wall_t",
    "snoozed_until",
    "escalated_t",
    "cleared_t",
)


def _snapshot(alert: Alert) -> tuple[Any, ...]:
    a = alert
    return (
        a.scope,
        a.queue,
        a.agent,
        a.message_en,
        a.message_zh,
        dict(a.details),
        a.raised_t,
        a.value,
        a.acked_by,
        a.acked_t,
        a.acked_wall_t,
        a.snoozed_until,
        a.escalated_t,
        a.cleared_t,
    )


# One queued item: the transition and, if the caller still had the alert, its fields.
Item = tuple[str, Transition, tuple[Any, ...] | None]


# ------------------------------------------------------------------------ the store
class AlertHistoryFile:
    """The tables in one SQLite file, opened for writing. Not thread-safe: one thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AlertHistoryError(
                f"cannot create the folder for alert history {self.path}: {exc.strerror or exc}"
            ) from None
        db: sqlite_utils.Database | None = None
        try:
            create_private(self.path)  # who acknowledged what is the centre's business only
            db = sqlite_utils.Database(self.path)
            self.db = db
            self._prepare()
        except (sqlite3.Error, OSError) as exc:
            if db is not None:
                db.close()
            raise _error(self.path, exc, "open") from None

    def _prepare(self) -> None:
        self.db.execute("PRAGMA busy_timeout = 5000")
        names = set(self.db.table_names())
        if names and "meta" not in names:
            raise AlertHistoryError(
                f"{self.path} is an SQLite database but not a Floorwatch alert history "
                "(no meta table); move it aside or use another file"
            )
        if "meta" in names:
            _check_kind(self.db, self.path)
            _check_columns(self.db, self.path, names)
        self.db.enable_wal()
        self.db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
        self.db["meta"].insert_all(  # an existing file keeps its own (checked) version
            [
                {"key": "kind", "value": KIND},
                {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            ],
            pk="key",
            ignore=True,
        )
        self.db["sessions"].create(SESSION_COLUMNS, pk="session", if_not_exists=True)
        self.db["alerts"].create(
            ALERT_COLUMNS,
            pk=_ALERT_KEYS,
            not_null={"rule", "severity", "target"},
            if_not_exists=True,
        )
        self.db["alerts"].create_index(["raised_t"], if_not_exists=True)
        self.db["transitions"].create(
            TRANSITION_COLUMNS,
            pk="id",
            not_null={"session", "alert_id", "t", "event"},
            if_not_exists=True,
        )
        self.db["transitions"].create_index(["t"], if_not_exists=True)
        self.db["transitions"].create_index(["session", "alert_id"], if_not_exists=True)
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def journal_mode(self) -> str:
        return str(self.db.execute("PRAGMA journal_mode").fetchone()[0])

    def start_session(self, session: str, started_t: float) -> None:
        with self.db.conn:
            self.db.conn.execute(
                "INSERT OR REPLACE INTO sessions (session, started_t, pid) VALUES (?, ?, ?)",
                [session, started_t, os.getpid()],
            )

    def end_session(self, session: str, ended_t: float) -> None:
        with self.db.conn:
            self.db.conn.execute(
                "UPDATE sessions SET ended_t = ? WHERE session = ?", [ended_t, session]
            )

    def write(self, items: Sequence[Item]) -> int:
        """Write transitions and their alerts in one transaction; all or nothing."""
        with self.db.conn:  # commit once at the end, roll back on error
            for session, tr, snap in items:
                self.db.conn.execute(
                    _INSERT_TRANSITION,
                    [
                        session,
                        tr.alert_id,
                        tr.t,
                        str(tr.event),
                        tr.rule,
                        str(tr.severity),
                        tr.target,
                        tr.value,
                        tr.by,
                        tr.wall_t,
                    ],
                )
                self.db.conn.execute(_UPSERT_ALERT, _alert_row(session, tr, snap))
        return len(items)

    def close(self) -> None:
        self.db.close()


def _alert_row(session: str, tr: Transition, snap: tuple[Any, ...] | None) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(_ALERT_NAMES)
    row.update(
        session=session,
        alert_id=tr.alert_id,
        rule=tr.rule,
        severity=str(tr.severity),
        target=tr.target,
        value=tr.value,
    )
    # What the transition itself says, for an alert the caller no longer had.
    if tr.event == RAISED:
        row["raised_t"] = tr.t
    elif tr.event == CLEARED:
        row["cleared_t"] = tr.t
    elif tr.event == ESCALATED:
        row["escalated_t"] = tr.t
    elif tr.event == ACKNOWLEDGED:
        row.update(acked_by=tr.by, acked_t=tr.t, acked_wall_t=tr.wall_t)
    if snap is not None:
        for name, value in zip(_SNAPSHOT, snap, strict=True):
            if value is not None:
                row[name] = value
        row["scope"] = str(row["scope"])
        row["details"] = json.dumps(row["details"], ensure_ascii=False, sort_keys=True, default=str)
        if not row["acked_by"]:
            row["acked_by"] = None  # "" is "not yet": keep who it was if already stored
    return row


def _error(path: Path, exc: BaseException, doing: str) -> AlertHistoryError:
    if isinstance(exc, AlertHistoryError):
        return exc
    text = str(getattr(exc, "strerror", None) or exc)
    if "not a database" in text:
        return AlertHistoryError(
            f"{path} is not an SQLite database ({text}); move it aside or use another file"
        )
    return AlertHistoryError(f"cannot {doing} alert history {path}: {text}")


def _check_kind(db: sqlite_utils.Database, path: Path) -> None:
    meta = {r["key"]: r["value"] for r in db.query("SELECT key, value FROM meta")}
    if meta.get("kind") != KIND:
        raise AlertHistoryError(
            f"{path} is an SQLite database but not a Floorwatch alert history "
            f"(meta kind {meta.get('kind')!r})"
        )
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        version = -1
    if not 1 <= version <= SCHEMA_VERSION:
        raise AlertHistoryError(
            f"{path}: alert history schema version {meta.get('schema_version')!r} is not one "
            f"this Floorwatch reads (1 to {SCHEMA_VERSION}); a newer version wrote it?"
        )


def _check_columns(db: sqlite_utils.Database, path: Path, names: set[str]) -> None:
    for table, columns in (("alerts", ALERT_COLUMNS), ("transitions", TRANSITION_COLUMNS)):
        if table in names and (missing := set(columns) - set(db[table].columns_dict)):
            raise AlertHistoryError(
                f"{path}: table '{table}' lacks columns {', '.join(sorted(missing))}; "
                "not a Floorwatch alert history"
            )


# ----------------------------------------------------------------- background writer
class AlertHistory(BatchWriter[Item, AlertHistoryFile]):
    """Records alert transitions on its own thread; `record` never blocks the caller.

    The file is opened on the writer thread (if that fails, `error` says why and
    transitions are counted in `dropped`). Counters: `written` transitions committed,
    `dropped` transitions not written (queue full, closed, or lost with a failed
    batch), `errors` batches that failed to write. `flush(timeout)` waits until what
    is queued is committed; `close()` flushes, marks the session ended and joins.
    """

    thread_name = "floorwatch-alert-history"

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        limit: int = QUEUE_LIMIT,
        interval_s: float = INTERVAL_S,
    ) -> None:
        self.session = uuid.uuid4().hex
        self.started_t = time.time()
        self.errors = 0
        super().__init__(
            Path(path).expanduser() if path is not None else default_path(),
            limit=limit,
            interval_s=interval_s,
        )

    def record(self, transitions: Sequence[Transition], alerts: Mapping[int, Alert]) -> int:
        """Queue transitions with a copy of their alerts' fields; returns how many were
        queued (the rest are counted in `dropped`). For the GUI thread: no disk, no wait.

        `alerts` maps alert id to Alert: pass the ones still known, including those
        cleared this tick if possible (a transition whose alert is missing still writes
        what the transition itself says: rule, severity, target, value and its time).
        """
        snaps: dict[int, tuple[Any, ...] | None] = {}  # one copy per alert per call
        queued = 0
        for tr in transitions:
            if tr.alert_id in snaps:
                snap = snaps[tr.alert_id]
            else:
                alert = alerts.get(tr.alert_id)
                snap = snaps[tr.alert_id] = None if alert is None else _snapshot(alert)
            queued += self._put((self.session, tr, snap), "history closed")
        return queued

    def _open(self) -> AlertHistoryFile:
        store = AlertHistoryFile(self.path)
        try:
            store.start_session(self.session, self.started_t)
        except sqlite3.Error as exc:
            store.close()
            raise _error(self.path, exc, "write") from None
        return store

    def _write_batch(self, store: AlertHistoryFile, batch: list[Item]) -> None:
        try:
            self.written += store.write(batch)
        except Exception as exc:  # noqa: BLE001 - a bad batch must never stop the writer
            self.errors += 1
            self.error = str(_error(self.path, exc, "write")).splitlines()[0][:300]
            log.error("%s (a batch of %d transitions lost)", self.error, len(batch))
            self._drop(len(batch), "write failed")

    def _finish(self, store: AlertHistoryFile) -> None:
        try:
            store.end_session(self.session, time.time())
        except sqlite3.Error as exc:
            log.error("%s", _error(self.path, exc, "write"))


# ------------------------------------------------------------------------- readers
def _open_for_reading(path: str | Path) -> sqlite_utils.Database:
    path = Path(path).expanduser()
    if not path.is_file():
        raise AlertHistoryError(f"no alert history at {path}")
    db: sqlite_utils.Database | None = None
    try:
        # Opened read-write, as WAL readers need the -shm file, but nothing is written.
        db = sqlite_utils.Database(sqlite3.connect(os.fspath(path)))
        db.execute("PRAGMA busy_timeout = 5000")
        names = set(db.table_names())
        if "meta" not in names or not {"alerts", "transitions"} <= names:
            raise AlertHistoryError(
                f"{path} is not a Floorwatch alert history (its tables are missing)"
            )
        _check_kind(db, path)
        _check_columns(db, path, names)
    except (sqlite3.Error, OSError) as exc:
        if db is not None:
            db.close()
        raise _error(path, exc, "read") from None
    return db


def _read(path: str | Path, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    db = _open_for_reading(path)
    try:
        return list(db.query(sql, params))
    except sqlite3.Error as exc:
        raise _error(Path(path).expanduser(), exc, "read") from None
    finally:
        db.close()


def read_alerts(path: str | Path, since_t: float | None = None) -> list[dict[str, Any]]:
    """Alerts raised at or after `since_t` (all without it), newest first; `details`
    as a dict. An alert whose raise was never written (dropped) has `raised_t` None
    and is listed only without `since_t`, last."""
    where, params = ("WHERE raised_t >= ?", [since_t]) if since_t is not None else ("", [])
    rows = _read(
        path,
        f"SELECT * FROM alerts {where} ORDER BY raised_t IS NULL, raised_t DESC, alert_id DESC",
        params,
    )
    for row in rows:
        try:
            details = json.loads(row["details"]) if row["details"] else {}
        except ValueError:
            details = {}
        row["details"] = details if isinstance(details, dict) else {}
    return rows


def read_transitions(
    path: str | Path, since_t: float | None = None, session: str | None = None
) -> list[dict[str, Any]]:
    """Transitions at or after event time `since_t`, of one session if given, in the
    order they were written."""
    clauses, params = [], []
    if since_t is not None:
        clauses.append("t >= ?")
        params.append(since_t)
    if session is not None:
        clauses.append("session = ?")
        params.append(session)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return _read(path, f"SELECT * FROM transitions {where} ORDER BY id", params)
