"""`floorwatch report`: interval reports from history. Qt-free.

Two sources: a recording made by `floorwatch record` (SOURCE), or an Asterisk
queue_log (--queue-log). Either becomes canonical events for
`monitor.report.build_report`.

A recording starts with the snapshot each feed sent on connect. The report counts
a contact from its ContactOffered (it belongs to the interval it entered), so
snapshots are not counted: contacts already waiting or talking when the recording
began have no entry in it and are not in the report (their later answers, abandons
and ends are ignored too). Only the queue definitions (name, channel, SL target)
are taken from a snapshot: a feed sends its `queue.defined` events once, usually
before the recording began, and without them every queue would report as a
hotline queue with the default target.

With --config, the time zone, service level variant and short-abandon threshold
of a client config (the ones the live wall uses) are the defaults; flags given
on the command line still win.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from feeds.sources.queue_log import DEFAULT_SL_TARGET_S, ImportStats, iter_queue_log, open_queue_log
from feeds.store.recording import ReadStats, RecordingError, read_recording
from monitor.config import Config, ConfigError, load_config
from monitor.events import Event, QueueDefined, Snapshot
from monitor.floor import Floor
from monitor.metrics import DEFAULT_SL_VARIANT, SL_VARIANTS
from monitor.report import (
    INTERVALS,
    ReportRow,
    build_report,
    format_table,
    resolve_tz,
    rows_to_json,
    write_csv,
)

PROBLEM_SAMPLES_SHOWN = 5
SHORT_ABANDON_S = 5.0  # without --short-abandon or a config


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
        "report",
        help="interval report (SL, ASA, AHT, abandons) from a recording or an Asterisk queue_log",
        description="Per-queue interval report. A contact counts in the interval it entered "
                    "the queue; its outcome is credited there. See docs/metrics.md.")
    p.add_argument("source", nargs="?", type=Path, metavar="SOURCE",
                   help="a recording made by `floorwatch record`")
    p.add_argument("--queue-log", type=Path, metavar="PATH", help="Asterisk queue_log file")
    p.add_argument("--interval", choices=INTERVALS, default="30m",
                   help="report interval (default 30m); total = one row per queue")
    p.add_argument("--tz", metavar="ZONE",
                   help="IANA time zone for intervals, e.g. Asia/Shanghai (default: local)")
    p.add_argument("--sl-target", type=_seconds, metavar="SECONDS",
                   help="service level target T (default: each queue's own target in a "
                        f"recording, {DEFAULT_SL_TARGET_S:g} for queue_log)")
    # No argparse defaults: a flag left out takes the --config value (see with_defaults).
    p.add_argument("--short-abandon", type=_seconds, metavar="SECONDS",
                   help=f"abandons after less than this are short (default {SHORT_ABANDON_S:g}; "
                        "0 = none)")
    p.add_argument("--sl-variant", choices=list(SL_VARIANTS),
                   help=f"service level definition (default {DEFAULT_SL_VARIANT})")
    p.add_argument("--format", choices=("csv", "json", "table"), default="table",
                   help="output format (default table)")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="client TOML config: its tz, sl_variant and short_abandon_s replace "
                        "the defaults of --tz, --sl-variant and --short-abandon")
    p.set_defaults(func=run)


def with_defaults(args: argparse.Namespace, config: Config | None) -> argparse.Namespace:
    """`args` with --tz, --sl-variant and --short-abandon filled in where not given.

    They come from `config` when there is one, so a report reads like the wall
    that config drives; else from the report's own defaults.
    """
    defaults = config or Config(tz="", sl_variant=DEFAULT_SL_VARIANT,
                                short_abandon_s=SHORT_ABANDON_S)
    out = argparse.Namespace(**vars(args))
    if out.tz is None:
        out.tz = defaults.tz or None  # "" is the machine's zone, as None is here
    if out.sl_variant is None:
        out.sl_variant = defaults.sl_variant
    if out.short_abandon is None:
        out.short_abandon = defaults.short_abandon_s
    return out


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


def report_recording_problems(stats: ReadStats, path: object, err: TextIO) -> None:
    """Recorded events that could not be decoded, on `err`: count, then the first few."""
    if not stats.skipped:
        return
    print(f"{path}: {stats.skipped} of {stats.rows} recorded events skipped", file=err)
    for rowid, reason in stats.problems[:PROBLEM_SAMPLES_SHOWN]:
        print(f"  row {rowid}: {reason}", file=err)
    if stats.skipped > PROBLEM_SAMPLES_SHOWN:
        print(f"  … and {stats.skipped - PROBLEM_SAMPLES_SHOWN} more", file=err)


def _queue_definitions(snapshot: Snapshot, feed: str) -> list[QueueDefined]:
    """The queues a snapshot defines, as events (read by the engine's own snapshot code)."""
    floor = Floor()
    floor.apply(snapshot, feed)
    return [QueueDefined(snapshot.t, q.id, q.name, str(q.channel), q.sl_target_s, q.tier,
                         q.name_zh)
            for q in floor.queues.values()]


def recording_events(path: Path, stats: ReadStats, notes: Counter[str]) -> Iterator[Event]:
    """A recording's events for the report, in arrival order.

    Snapshot events are not counted (see the module docstring): each one only
    gives its queue definitions. A snapshot whose state cannot be read is counted
    in `notes["bad_snapshots"]` and left out.
    """
    for feed, event in read_recording(path, stats=stats):
        if not isinstance(event, Snapshot):
            yield event
            continue
        try:
            yield from _queue_definitions(event, feed)
        except (KeyError, TypeError, ValueError, AttributeError):
            notes["bad_snapshots"] += 1


def _build_rows(args: argparse.Namespace, target: float | None,
                err: TextIO) -> list[ReportRow] | None:
    """The report rows from the chosen source; None (after a message) if it cannot be read."""
    common = {"sl_target_s": target, "short_abandon_s": args.short_abandon,
              "sl_variant": args.sl_variant}
    if args.source is not None:
        stats, notes = ReadStats(), Counter[str]()
        try:
            rows = build_report(recording_events(args.source, stats, notes),
                                args.interval, args.tz, **common)
        except RecordingError as exc:
            print(f"floorwatch report: {exc}", file=err)
            return None
        report_recording_problems(stats, args.source, err)
        if notes["bad_snapshots"]:
            print(f"{args.source}: {notes['bad_snapshots']} snapshot(s) unreadable; their queue "
                  "definitions are missing", file=err)
        return rows
    stats = ImportStats()
    try:
        with open_queue_log(args.queue_log) as f:
            rows = build_report(iter_queue_log(f, stats, target), args.interval, args.tz,
                                **common)
    except OSError as exc:
        print(f"floorwatch report: cannot read {args.queue_log}: {exc.strerror or exc}",
              file=err)
        return None
    report_problems(stats, args.queue_log, err)
    if stats.lines and not stats.events:
        print(f"floorwatch report: {args.queue_log}: no usable line in {stats.lines}; "
              "is it an Asterisk queue_log?", file=err)
        return None
    return rows


def run(args: argparse.Namespace) -> int:
    """Run `floorwatch report`; 0 on success, 2 on bad arguments or an unreadable file."""
    err = sys.stderr
    try:
        config = load_config(args.config) if args.config is not None else None
    except ConfigError as exc:
        print(f"floorwatch report: {exc}", file=err)
        return 2
    args = with_defaults(args, config)
    if config is not None and any(v != args.sl_variant for v in config.sl_variants.values()):
        # One report, one SL definition: say so rather than silently differ from the wall.
        print(f"floorwatch report: {args.config}: per-queue sl_variants are not applied; "
              f"every queue's SL is {args.sl_variant}", file=err)
    if args.source is not None and args.queue_log is not None:
        print("floorwatch report: give either a recording (SOURCE) or --queue-log PATH, "
              "not both", file=err)
        return 2
    if args.source is None and args.queue_log is None:
        print("floorwatch report: nothing to report on; give a recording file (SOURCE) "
              "or --queue-log PATH", file=err)
        return 2
    try:
        resolve_tz(args.tz)
    except ValueError as exc:
        print(f"floorwatch report: {exc}", file=err)
        return 2
    if args.sl_target is not None:
        target: float | None = args.sl_target
    else:  # a recording has each queue's own target; a queue_log has none
        target = None if args.source is not None else DEFAULT_SL_TARGET_S
    rows = _build_rows(args, target, err)
    if rows is None:
        return 2
    out = sys.stdout
    if args.format == "csv":
        write_csv(rows, out)
    elif args.format == "json":
        json.dump(rows_to_json(rows), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(format_table(rows) + "\n")
        t_text = "each queue's own" if target is None else f"{target:g} s"
        aht_text = ("answer to end of contact, wrap-up not included" if args.source is not None
                    else "talk time (queue_log has no wrap-up)")
        out.write(f"\nSL ({args.sl_variant}) = {SL_VARIANTS[args.sl_variant]}; "
                  f"T = {t_text}; short abandon < {args.short_abandon:g} s; "
                  f"AHT = {aht_text}\n")
    return 0
