"""`floorwatch report`: interval reports from history (an Asterisk queue_log). Qt-free."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from feeds.queue_log import DEFAULT_SL_TARGET_S, ImportStats, iter_queue_log, open_queue_log
from monitor.metrics import DEFAULT_SL_VARIANT, SL_VARIANTS
from monitor.report import (
    INTERVALS,
    build_report,
    format_table,
    resolve_tz,
    rows_to_json,
    write_csv,
)

PROBLEM_SAMPLES_SHOWN = 5


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"seconds must be 0 or more: {text!r}")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the `report` subcommand (func=run) on a subparsers object."""
    p = subparsers.add_parser(
        "report", help="interval report (SL, ASA, AHT, abandons) from an Asterisk queue_log",
        description="Per-queue interval report. A contact counts in the interval it entered "
                    "the queue; its outcome is credited there. See docs/metrics.md.")
    p.add_argument("source", nargs="?", metavar="SOURCE",
                   help="a recording file (not supported yet)")
    p.add_argument("--queue-log", type=Path, metavar="PATH", help="Asterisk queue_log file")
    p.add_argument("--interval", choices=INTERVALS, default="30m",
                   help="report interval (default 30m); total = one row per queue")
    p.add_argument("--tz", metavar="ZONE",
                   help="IANA time zone for intervals, e.g. Asia/Shanghai (default: local)")
    p.add_argument("--sl-target", type=_seconds, metavar="SECONDS",
                   help=f"service level target T (default {DEFAULT_SL_TARGET_S:g} for queue_log)")
    p.add_argument("--short-abandon", type=_seconds, default=5.0, metavar="SECONDS",
                   help="abandons after less than this are short (default 5; 0 = none)")
    p.add_argument("--sl-variant", choices=list(SL_VARIANTS), default=DEFAULT_SL_VARIANT,
                   help=f"service level definition (default {DEFAULT_SL_VARIANT})")
    p.add_argument("--format", choices=("csv", "json", "table"), default="table",
                   help="output format (default table)")
    p.set_defaults(func=run)


def report_problems(stats: ImportStats, path: object, err: TextIO) -> None:
    """A short summary of unusable lines on `err`: count, then the first few."""
    if stats.skipped:
        print(f"{path}: {stats.skipped} of {stats.lines} lines skipped", file=err)
        for line_no, reason in stats.problems[:PROBLEM_SAMPLES_SHOWN]:
            print(f"  line {line_no}: {reason}", file=err)
        if stats.skipped > PROBLEM_SAMPLES_SHOWN:
            print(f"  … and {stats.skipped - PROBLEM_SAMPLES_SHOWN} more", file=err)
    if stats.unmatched:
        lines = "line" if stats.unmatched == 1 else "lines"
        print(f"{path}: {stats.unmatched} {lines} about calls whose earlier lines are missing "
              "(e.g. the log starts mid-call) left out", file=err)


def run(args: argparse.Namespace) -> int:
    """Run `floorwatch report`; 0 on success, 2 on bad arguments or an unreadable file."""
    err = sys.stderr
    if args.source:
        print(f"floorwatch report: recordings are not supported yet ({args.source}); "
              "use --queue-log PATH", file=err)
        return 2
    if args.queue_log is None:
        print("floorwatch report: nothing to report on; give --queue-log PATH", file=err)
        return 2
    try:
        resolve_tz(args.tz)
    except ValueError as exc:
        print(f"floorwatch report: {exc}", file=err)
        return 2
    target = DEFAULT_SL_TARGET_S if args.sl_target is None else args.sl_target
    stats = ImportStats()
    try:
        with open_queue_log(args.queue_log) as f:
            rows = build_report(iter_queue_log(f, stats, target), args.interval, args.tz,
                                sl_target_s=target, short_abandon_s=args.short_abandon,
                                sl_variant=args.sl_variant)
    except OSError as exc:
        print(f"floorwatch report: cannot read {args.queue_log}: {exc.strerror or exc}",
              file=err)
        return 2
    report_problems(stats, args.queue_log, err)
    out = sys.stdout
    if args.format == "csv":
        write_csv(rows, out)
    elif args.format == "json":
        json.dump(rows_to_json(rows), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(format_table(rows) + "\n")
        out.write(f"\nSL ({args.sl_variant}) = {SL_VARIANTS[args.sl_variant]}; "
                  f"T = {target:g} s; short abandon < {args.short_abandon:g} s; "
                  "AHT = talk time (queue_log has no wrap-up)\n")
    return 0
