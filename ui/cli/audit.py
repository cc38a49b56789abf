"""`floorwatch audit`: the supervisor commands recorded in the audit log. Qt-free."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from datetime import datetime
from pathlib import Path

from feeds.store.audit import (
    AuditError,
    AuditLog,
    AuditRecord,
    default_audit_path,
    readable_agents_skills,
)
from monitor.commands import LEND_END
from ui.fmt import format_duration, parse_duration

COLUMNS = ("time", "who", "feed", "request_id", "action", "agents", "before", "after",
           "duration", "status", "reason")


def parse_since(text: str, now: float) -> float:
    """Epoch seconds from `--since`: a duration back from now, or an ISO date/time (local)."""
    try:
        return now - parse_duration(text)
    except ValueError as duration_error:
        try:
            return datetime.fromisoformat(text.strip()).timestamp()
        except ValueError:
            raise ValueError(f"bad --since: {duration_error}, or an ISO date such as "
                             "2026-01-31") from None


def local_iso(epoch: float | None) -> str:
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="seconds")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the `audit` subcommand (func=run) on a CLI's subparsers."""
    p = subparsers.add_parser(
        "audit", help="supervisor commands recorded in the audit log",
        description="Who moved which agents when, their skills before and after, the request "
                    "id and the feed's answer.")
    p.add_argument("--since", default="1d", metavar="AGE",
                   help="how far back: 30m, 12h, 1d, 7d, or an ISO date (default 1d)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table",
                   help="output format (default table)")
    p.add_argument("--db", type=Path, metavar="PATH",
                   help=f"audit database (default {default_audit_path()})")
    p.set_defaults(func=run)


def action_text(rec: AuditRecord) -> str:
    """What the record is, in words: `to online`, `lend to online`, `undo`, `lend ended`."""
    if rec.action == LEND_END:
        return "lend ended"
    target = {"hotline": "to hotline", "online": "to online", "blend": "blend",
              "skills": "set skills", "undo": "undo"}.get(rec.profile, rec.profile or rec.action)
    return f"lend {target}" if rec.duration_s else target


def row_of(rec: AuditRecord) -> dict[str, str]:
    """One record as the text cells of the table and CSV; skills by queue name."""
    return {
        "time": local_iso(rec.t_sent),
        "who": rec.who,
        "feed": rec.feed,
        "request_id": rec.request_id,
        "action": action_text(rec),
        "agents": ",".join(rec.agents),
        "before": readable_agents_skills(rec.before, rec.agents, rec.queue_names),
        "after": readable_agents_skills(rec.after, rec.agents, rec.queue_names),
        "duration": format_duration(rec.duration_s),
        "status": rec.status,
        "reason": rec.reason,
    }


def to_table(records: list[AuditRecord]) -> str:
    rows = [row_of(r) for r in records]
    widths = {c: max([len(c)] + [len(row[c]) for row in rows]) for c in COLUMNS}
    lines = ["  ".join(c.ljust(widths[c]) for c in COLUMNS).rstrip()]
    lines += ["  ".join(row[c].ljust(widths[c]) for c in COLUMNS).rstrip() for row in rows]
    return "\n".join(lines)


def write_csv(records: list[AuditRecord], out) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow(row_of(rec))


def _nothing(args: argparse.Namespace, message: str) -> int:
    """No records: say so for people; keep machine formats parseable (message on stderr)."""
    if args.format == "json":
        print("[]")
    elif args.format == "csv":
        write_csv([], sys.stdout)
    if args.format == "table":
        print(message)
    else:
        print(message, file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    """Print the records since --since; bad input or an unreadable database: exit 2."""
    now = time.time()
    try:
        since = parse_since(args.since, now)
    except ValueError as exc:
        print(f"floorwatch audit: {exc}", file=sys.stderr)
        return 2
    path = Path(args.db).expanduser() if args.db else default_audit_path()
    if not path.exists():
        return _nothing(args, f"no commands recorded yet (no audit log at {path})")
    try:
        with AuditLog(path) as audit:
            records = audit.query(since)
    except AuditError as exc:
        print(f"floorwatch audit: {exc}", file=sys.stderr)
        return 2
    if not records:
        return _nothing(args, f"no commands recorded since {local_iso(since)}")
    if args.format == "json":
        print(json.dumps([r.to_json() for r in records], ensure_ascii=False, indent=2))
    elif args.format == "csv":
        write_csv(records, sys.stdout)
    else:
        print(to_table(records))
    return 0
