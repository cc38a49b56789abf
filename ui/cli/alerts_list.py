"""`floorwatch alerts list`: alerts raised since a time, from the alert history. Qt-free.

The `alerts` command (ui/cli/alerts.py) registers this as its `list` subcommand
through `add_arguments` and `run`.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from feeds.store.alert_history import AlertHistoryError, default_path, read_alerts
from ui.cli.audit import local_iso, parse_since

COLUMNS = (
    "raised",
    "rule",
    "severity",
    "target",
    "value",
    "acknowledged_by",
    "acknowledged_at",
    "escalated_at",
    "cleared_at",
    "message",
)
PROG = "floorwatch alerts list"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Alerts raised since a time, newest first: who acknowledged them and "
        "when, when they escalated and cleared."
    )
    p.add_argument(
        "--since",
        default="1d",
        metavar="AGE",
        help="how far back: 30m, 1h, 2d, or an ISO date/time (local unless it "
        "has an offset; default 1d)",
    )
    p.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="output format (default table)",
    )
    p.add_argument(
        "--history",
        type=Path,
        metavar="FILE",
        help=f"alert history database (default {default_path()})",
    )


def _iso(epoch: float | None) -> str:
    """Local ISO 8601 with offset; a time no calendar holds (a broken feed's) as a number."""
    try:
        return local_iso(epoch)
    except (ValueError, OverflowError, OSError):
        return _number(epoch)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def row_of(alert: dict[str, Any]) -> dict[str, str]:
    """One alert as the text cells of the table and CSV. `acknowledged_at` is when the
    person did it (wall clock); the other times are event times."""
    acked_at = alert.get("acked_wall_t")
    if acked_at is None:
        acked_at = alert.get("acked_t")
    return {
        "raised": _iso(alert.get("raised_t")),
        "rule": alert.get("rule") or "",
        "severity": alert.get("severity") or "",
        "target": alert.get("target") or "",
        "value": _number(alert.get("value")),
        "acknowledged_by": alert.get("acked_by") or "",
        "acknowledged_at": _iso(acked_at),
        "escalated_at": _iso(alert.get("escalated_t")),
        "cleared_at": _iso(alert.get("cleared_t")),
        "message": alert.get("message_en") or "",
    }


def json_of(alert: dict[str, Any]) -> dict[str, Any]:
    """The same cells (value a number, empty times null) plus what a script may want."""
    out: dict[str, Any] = {k: (v if v != "" else None) for k, v in row_of(alert).items()}
    out["value"] = alert.get("value")
    out["rule"], out["severity"], out["target"] = (
        alert.get("rule"),
        alert.get("severity"),
        alert.get("target"),
    )
    for key in ("message_zh", "scope", "queue", "agent", "details", "session", "alert_id"):
        out[key] = alert.get(key)
    out["snoozed_until"] = _iso(alert.get("snoozed_until")) or None
    return out


def to_table(alerts: list[dict[str, Any]]) -> str:
    rows = [{k: " ".join(v.split()) for k, v in row_of(a).items()} for a in alerts]
    widths = {c: max([len(c)] + [len(row[c]) for row in rows]) for c in COLUMNS}
    lines = ["  ".join(c.ljust(widths[c]) for c in COLUMNS).rstrip()]
    lines += ["  ".join(row[c].ljust(widths[c]) for c in COLUMNS).rstrip() for row in rows]
    return "\n".join(lines)


def write_csv(alerts: list[dict[str, Any]], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for alert in alerts:
        writer.writerow(row_of(alert))


def _nothing(fmt: str, message: str) -> int:
    """No alerts: say so for people; keep machine formats parseable (message on stderr)."""
    if fmt == "json":
        print("[]")
    elif fmt == "csv":
        write_csv([], sys.stdout)
    print(message, file=sys.stdout if fmt == "table" else sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    """Print the alerts raised since --since. Bad --since, or a --history file that is
    missing or not an alert history: one line on stderr, exit 2. No history at the
    default path (nothing recorded yet): an empty list and a note, exit 0."""
    try:
        since = parse_since(args.since, time.time())
    except ValueError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    path = Path(args.history).expanduser() if args.history else default_path()
    if not path.exists() and not args.history:
        return _nothing(args.format, f"no alerts recorded yet (no alert history at {path})")
    try:
        alerts = read_alerts(path, since)
    except AlertHistoryError as exc:
        print(f"{PROG}: --history: {exc}" if args.history else f"{PROG}: {exc}", file=sys.stderr)
        return 2
    if not alerts:
        return _nothing(args.format, f"no alerts raised since {local_iso(since)}")
    if args.format == "json":
        print(json.dumps([json_of(a) for a in alerts], ensure_ascii=False, indent=2))
    elif args.format == "csv":
        write_csv(alerts, sys.stdout)
    else:
        print(to_table(alerts))
    return 0
