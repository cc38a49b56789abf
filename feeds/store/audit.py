"""The audit log of supervisor commands: who sent what, to whom, and what came of it.

One SQLite database (through sqlite-utils, WAL mode) in the platform's user data
directory, one row per command (keyed by its request id, so a retry or a later
result updates the row instead of adding one). Times here are wall-clock epoch
seconds: the audit trail records when a person acted, not event time.

`AuditLog` is the synchronous store (for command-line tools and tests).
`AuditWriter` owns an `AuditLog` on a background thread so that a GUI never
touches SQLite: `submit` only puts a record on a bounded queue.
"""

from __future__ import annotations

import getpass
import json
import logging
import socket
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs
import sqlite_utils

from monitor.commands import LEND_END, REASSIGN, UNDO, CommandStatus, LendEnd, Reassign

from ..credentials import create_private
from .batch_writer import BatchWriter

log = logging.getLogger(__name__)

TABLE = "commands"
SCHEMA_VERSION = 2  # 2: queue_names

# Statuses a row can have. `sent` is written when a command goes out (so a crash
# before its result still leaves a trace); a later status replaces it, never the
# other way round.
SENT = CommandStatus.SENT
ACCEPTED = CommandStatus.ACCEPTED
APPLIED = CommandStatus.APPLIED
REJECTED = CommandStatus.REJECTED
ERROR = CommandStatus.ERROR  # no result: could not send, connection lost, or timed out
STATUSES = tuple(CommandStatus)

_COLUMNS: dict[str, type] = {
    "id": int,
    "request_id": str,
    "t_sent": float,
    "who": str,
    "feed": str,
    "action": str,
    "agents": str,  # JSON list
    "profile": str,
    "duration_s": float,
    "before": str,  # JSON {agent: {"skills": {...}, "chat_capacity": n}}
    "after": str,  # JSON, same shape
    "status": str,
    "reason": str,
    "t_result": float,
    "queue_names": str,  # JSON {queue id: name}: skills shown by name
}
_JSON_COLUMNS = ("agents", "before", "after", "queue_names")
# Columns added after version 1: an older log gets them on open.
_ADDED = {"queue_names": str}


class AuditError(OSError):
    """The audit database cannot be opened or written; the message names the file."""


def default_audit_path() -> Path:
    """`audit.db` in the platform's user data directory (created on first write)."""
    return platformdirs.user_data_path("floorwatch") / "audit.db"


def who_am_i(role: str = "") -> str:
    """`user@host (role)` for the `who` column."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name (e.g. some containers)
        user = "unknown"
    text = f"{user}@{socket.gethostname() or 'unknown-host'}"
    return f"{text} ({role})" if role else text


@dataclass(slots=True, kw_only=True)
class AuditRecord:
    """One supervisor command and its result."""

    request_id: str
    t_sent: float  # wall clock when the supervisor sent it
    who: str  # "user@host (role)"
    feed: str  # feed URL
    action: str = REASSIGN
    agents: list[str] = field(default_factory=list)
    profile: str = ""
    duration_s: float | None = None
    before: dict[str, dict[str, Any]] = field(default_factory=dict)  # agent -> Skills dict
    after: dict[str, dict[str, Any]] = field(default_factory=dict)
    status: str = SENT
    reason: str = ""
    t_result: float | None = None
    queue_names: dict[str, str] = field(default_factory=dict)  # queue id -> name, if known
    id: int | None = None

    @classmethod
    def for_command(
        cls,
        command: Reassign,
        *,
        who: str,
        feed: str,
        before: dict[str, dict[str, Any]] | None = None,
        after: dict[str, dict[str, Any]] | None = None,
        t_sent: float | None = None,
        queue_names: dict[str, str] | None = None,
    ) -> AuditRecord:
        """A `sent` record for a reassignment about to go out."""
        return cls(
            request_id=command.request_id,
            t_sent=time.time() if t_sent is None else t_sent,
            who=who, feed=feed, action=REASSIGN, agents=list(command.agents),
            # An undo sends explicit skills; the log says it was an undo.
            profile=command.profile or ("undo" if command.reason == UNDO else
                                        "skills" if command.skills is not None else ""),
            duration_s=command.duration_s,
            before=dict(before or {}), after=dict(after or {}),
            queue_names=dict(queue_names or {}),
        )

    @classmethod
    def for_lend_end(cls, end: LendEnd, *, queue_names: dict[str, str] | None = None,
                     t: float | None = None) -> AuditRecord:
        """The automatic end of a lend, as its own record (`<lend's request id>:end`).

        `accepted` while some of its agents are still on a contact, `applied` once all
        are back; `before` is the lent skills, `after` the skills of those back so far.
        """
        now = time.time() if t is None else t
        return cls(
            request_id=f"{end.request_id}:end", t_sent=now,
            who="automatic (end of lend)", feed=end.feed, action=LEND_END,
            agents=list(end.lent),  # the whole lend, as a move lists all its agents
            before={a: s.as_dict() for a, s in end.lent.items()},
            after={a: s.as_dict() for a, s in end.back.items()},
            status=APPLIED if end.complete else ACCEPTED,
            reason=f"lend {end.request_id} ended", t_result=now,
            queue_names=dict(queue_names or {}),
        )

    def with_result(self, result: dict[str, Any], t_result: float | None = None) -> AuditRecord:
        """This record updated from a `command.result` (or send_reassign's error result).

        The server's `before` and `after` (the skills when the command arrived, and
        the target) win over what the client saw and predicted.
        """
        status = str(result.get("status") or ERROR)
        after = result.get("after")
        before = result.get("before")
        return replace(
            self,
            status=status if status in STATUSES else ERROR,
            reason=str(result.get("reason", "")),
            t_result=time.time() if t_result is None else t_result,
            after=dict(after) if isinstance(after, dict) and after else self.after,
            before=dict(before) if isinstance(before, dict) and before else self.before,
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------- formatting
def compact_skills(skills: dict[str, Any] | None) -> str:
    """`hl-general:5,hl-vip:5 cap0` for one Skills dict ('?' when unknown)."""
    if not skills:
        return "?"
    memberships = ",".join(f"{q}:{lvl}" for q, lvl in sorted(skills.get("skills", {}).items()))
    return f"{memberships or '-'} cap{skills.get('chat_capacity', 0)}"


def compact_agents_skills(by_agent: dict[str, dict[str, Any]], agents: list[str]) -> str:
    """One agent: its compact skills; several: `a1: …; a2: …` in command order."""
    if not by_agent:
        return ""
    if len(agents) == 1 and set(by_agent) <= set(agents):
        return compact_skills(by_agent.get(agents[0]))
    order = [a for a in agents if a in by_agent] + sorted(set(by_agent) - set(agents))
    return "; ".join(f"{a}: {compact_skills(by_agent[a])}" for a in order)


def readable_skills(skills: dict[str, Any] | None, names: dict[str, str] | None = None) -> str:
    """`General 5, VIP 5; no chats` for one Skills dict: queue names where known
    (ids otherwise), levels, and chat slots in words ('?' when unknown)."""
    if not skills:
        return "?"
    names = names or {}
    queues = sorted(skills.get("skills", {}).items(), key=lambda kv: names.get(kv[0], kv[0]))
    memberships = ", ".join(f"{names.get(q) or q} {lvl}" for q, lvl in queues)
    slots = int(skills.get("chat_capacity", 0))
    chats = "no chats" if slots == 0 else "1 chat slot" if slots == 1 else f"{slots} chat slots"
    return f"{memberships or 'no queues'}; {chats}"


def readable_agents_skills(by_agent: dict[str, dict[str, Any]], agents: list[str],
                           names: dict[str, str] | None = None) -> str:
    """`readable_skills` of one agent, or `a1: …; a2: …` in command order."""
    if not by_agent:
        return ""
    if len(agents) == 1 and set(by_agent) <= set(agents):
        return readable_skills(by_agent.get(agents[0]), names)
    order = [a for a in agents if a in by_agent] + sorted(set(by_agent) - set(agents))
    return " | ".join(f"{a}: {readable_skills(by_agent[a], names)}" for a in order)


# ------------------------------------------------------------------------ the store
class AuditLog:
    """The audit table in one SQLite file. Not thread-safe: use it from one thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AuditError(f"cannot create the folder for audit log {self.path}: {exc}") \
                from exc
        db: sqlite_utils.Database | None = None
        try:
            create_private(self.path)  # who moved whom is nobody else's business
            db = sqlite_utils.Database(self.path)
            self.db = db
            self._prepare()
        except (sqlite3.Error, OSError, AuditError) as exc:
            if db is not None:
                db.close()
            if isinstance(exc, AuditError):
                raise
            if "not a database" in str(exc):
                raise AuditError(
                    f"{self.path} is not an SQLite database ({exc}); "
                    "move it aside or use another audit log path") from exc
            raise AuditError(f"cannot open audit log {self.path}: {exc}") from exc

    def _prepare(self) -> None:
        self.db.execute("PRAGMA busy_timeout = 5000")
        self.db.enable_wal()
        table = self.db[TABLE]
        if table.exists():
            missing = set(_COLUMNS) - set(table.columns_dict)
            for name in sorted(missing & set(_ADDED)):  # an older Floorwatch's log
                table.add_column(name, _ADDED[name])
                missing.discard(name)
            if missing:
                raise AuditError(
                    f"{self.path} has a '{TABLE}' table that is not Floorwatch's audit log "
                    f"(missing columns: {', '.join(sorted(missing))})")
            return
        table.create(
            _COLUMNS, pk="id",
            not_null={"request_id", "t_sent", "who", "feed", "action", "status"},
            if_not_exists=True,
        )
        table.create_index(["t_sent"], if_not_exists=True)
        table.create_index(["request_id"], unique=True, if_not_exists=True)
        self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @property
    def journal_mode(self) -> str:
        return str(self.db.execute("PRAGMA journal_mode").fetchone()[0])

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ write
    def record(self, rec: AuditRecord) -> int:
        """Insert `rec`, or update the row with its request id; commits. Returns the row id."""
        self.record_many([rec])
        row = self.db.execute(
            f"SELECT id FROM {TABLE} WHERE request_id = ?", [rec.request_id]).fetchone()
        return int(row[0])

    def record_many(self, records: Iterable[AuditRecord]) -> int:
        """Write records in one transaction (one commit). Returns how many."""
        n = 0
        try:
            with self.db.conn:  # commit once at the end, roll back on error
                for rec in records:
                    self.db.conn.execute(_UPSERT, _row(rec))
                    n += 1
        except sqlite3.Error as exc:
            raise AuditError(f"cannot write audit log {self.path}: {exc}") from exc
        return n

    # ------------------------------------------------------------------- read
    def query(self, since_epoch: float = 0.0, until_epoch: float | None = None,
              ) -> list[AuditRecord]:
        """Records sent at or after `since_epoch` (and before `until_epoch`), oldest first."""
        where, params = "t_sent >= ?", [since_epoch]
        if until_epoch is not None:
            where += " AND t_sent < ?"
            params.append(until_epoch)
        try:
            rows = list(self.db.query(
                f"SELECT * FROM {TABLE} WHERE {where} ORDER BY t_sent, id", params))
        except sqlite3.Error as exc:
            raise AuditError(f"cannot read audit log {self.path}: {exc}") from exc
        return [_record(r) for r in rows]


_NAMES = [c for c in _COLUMNS if c != "id"]
def _q(name: str) -> str:
    return f'"{name}"'


# A later report for the same request id updates the outcome; it never moves the
# row back to `sent`, and never loses what an earlier report already knew: a
# result's (non-empty) before/after replace the sender's, a repeated `sent` only
# fills them in if they were empty.
_UPSERT = (
    f"INSERT INTO {TABLE} ({', '.join(_q(c) for c in _NAMES)}) "
    f"VALUES ({', '.join(':' + c for c in _NAMES)}) "
    "ON CONFLICT(request_id) DO UPDATE SET "
    "status = CASE WHEN excluded.status = 'sent' THEN status ELSE excluded.status END, "
    "reason = CASE WHEN excluded.status = 'sent' THEN reason ELSE excluded.reason END, "
    "t_result = CASE WHEN excluded.status = 'sent' THEN t_result ELSE excluded.t_result END, "
    '"after" = CASE WHEN excluded."after" <> \'{}\' AND (excluded.status <> \'sent\' '
    'OR "after" = \'{}\') THEN excluded."after" ELSE "after" END, '
    '"before" = CASE WHEN excluded."before" <> \'{}\' AND (excluded.status <> \'sent\' '
    'OR "before" = \'{}\') THEN excluded."before" ELSE "before" END, '
    "queue_names = CASE WHEN excluded.queue_names <> '{}' THEN excluded.queue_names "
    "ELSE queue_names END"
)


def _row(rec: AuditRecord) -> dict[str, Any]:
    row = {c: getattr(rec, c) for c in _NAMES}
    for c in _JSON_COLUMNS:
        row[c] = json.dumps(row[c], ensure_ascii=False, sort_keys=True)
    return row


def _record(row: dict[str, Any]) -> AuditRecord:
    values = {c: row.get(c) for c in _COLUMNS}
    for c in _JSON_COLUMNS:
        try:
            values[c] = json.loads(values[c] or ("[]" if c == "agents" else "{}"))
        except (ValueError, TypeError):
            values[c] = [] if c == "agents" else {}
    for c in ("profile", "reason"):
        values[c] = values[c] or ""
    return AuditRecord(**values)


# ----------------------------------------------------------------- background writer
class AuditWriter(BatchWriter[AuditRecord, AuditLog]):
    """Writes audit records on its own thread; `submit` never blocks the caller.

    Records wait on a bounded queue (full: counted in `dropped` and logged); a
    burst costs one commit; `close()` flushes and joins. If the database cannot
    be opened, `error` says why and records are counted in `dropped`.
    """

    thread_name = "floorwatch-audit"

    def __init__(self, path: str | Path | None = None, *, limit: int = 10_000,
                 interval_s: float = 0.2) -> None:
        super().__init__(Path(path) if path is not None else default_audit_path(),
                         limit=limit, interval_s=interval_s)

    def submit(self, rec: AuditRecord) -> bool:
        """Queue a record for writing; False (and counted in `dropped`) if it cannot be."""
        return self._put(rec, "writer closed")

    def _open(self) -> AuditLog:
        return AuditLog(self.path)

    def _write_batch(self, store: AuditLog, batch: list[AuditRecord]) -> None:
        try:
            self.written += store.record_many(batch)
        except AuditError as exc:
            self.error = str(exc)
            log.error("%s", exc)
            self._drop(len(batch), "write failed")
