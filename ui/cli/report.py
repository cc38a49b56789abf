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

Contacts are counted per feed run (`feeds.store.report_source`): a feed restarted
while recording numbers again and may reuse contact ids, and its contacts are
never merged with those of the run before.

Any value the protocol accepts is safe here: a recorded row that cannot be decoded,
a queue definition whose fields fail the protocol's checks, an event time no
report can place (or more than 6 h past its run's latest event, with no later event
to confirm it), an outcome timed before its contact entered: each is left out and
counted, one line per kind on stderr. Exit 0 when the report was written (with such lines, if any); 2 on bad
arguments or a file that cannot be read as a whole (not a recording, damaged, not
a queue_log).

With --config, the time zone, service level variant and short-abandon threshold
of a client config (the ones the live wall uses) are the defaults; flags given
on the command line still win.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from feeds.sources.queue_log import DEFAULT_SL_TARGET_S, ImportStats, iter_queue_log, open_queue_log
from feeds.store.recording import ReadStats, RecordingError
from feeds.store.report_source import SnapshotNotes, report_events
from monitor.config import Config, ConfigError, load_config
from monitor.events import QueueDefined
from monitor.metrics import DEFAULT_SL_VARIANT, SL_VARIANTS
from monitor.report import (
    INTERVALS,
    SKIP_REASONS,
    ReportBuilder,
    ReportRow,
    format_table,
    resolve_tz,
    rows_to_json,
    write_csv,
)
from monitor.report_scope import ScopeRecords

from .scope_flag import add_scope_flag

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
    add_scope_flag(p, "the rows")  # a team: the config's [teams], else the source's agents
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
    out.teams = defaults.teams  # [teams.NAME] queues, for --scope team:NAME
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


def report_snapshot_problems(notes: SnapshotNotes, path: object, err: TextIO) -> None:
    """Snapshots whose queue definitions could not be used, on `err`."""
    if notes.bad_snapshots:
        print(f"{path}: {notes.bad_snapshots} snapshot(s) unreadable; their queue "
              "definitions are missing", file=err)
    bad = sum(notes.bad_queues.values())
    if bad:
        reasons = ", ".join(f"{why} {n}" for why, n in notes.bad_queues.most_common())
        print(f"{path}: {bad} queue definition(s) in snapshots left out ({reasons}); such a "
              f"queue reports as hotline with a {DEFAULT_SL_TARGET_S:g} s target", file=err)


def report_skipped(skipped: Counter[str], path: object, err: TextIO) -> None:
    """Events the report could not use, on `err`: one line, each reason with its count."""
    total = sum(skipped.values())
    if not total:
        return
    reasons = "; ".join(f"{n} {SKIP_REASONS.get(why, why)}" for why, n in skipped.most_common())
    print(f"{path}: {total} event(s) left out of the report: {reasons}", file=err)


def _build_rows(args: argparse.Namespace, target: float | None,
                err: TextIO) -> list[ReportRow] | None:
    """The report rows from the chosen source; None (after a message) if it cannot be read."""
    builder = ReportBuilder(args.interval, args.tz, target, args.short_abandon,
                            args.sl_variant)
    records = ScopeRecords()  # tiers, teams and skills, for --scope
    if args.source is not None:
        stats, notes = ReadStats(), SnapshotNotes()

        def define(e: QueueDefined) -> None:
            records.define(e)
            builder.define(e)

        try:
            builder.add_runs(records.watch(report_events(args.source, stats, notes, define)))
        except RecordingError as exc:
            print(f"floorwatch report: {exc}", file=err)
            return None
        report_recording_problems(stats, args.source, err)
        report_snapshot_problems(notes, args.source, err)
        report_skipped(builder.skipped, args.source, err)
        return _in_scope(args, builder.rows(), records, err)
    stats = ImportStats()
    try:
        with open_queue_log(args.queue_log) as f:
            builder.add(records.watch_events(iter_queue_log(f, stats, target)))
    except OSError as exc:
        print(f"floorwatch report: cannot read {args.queue_log}: {exc.strerror or exc}",
              file=err)
        return None
    report_problems(stats, args.queue_log, err)
    if stats.lines and not stats.events:
        print(f"floorwatch report: {args.queue_log}: no usable line in {stats.lines}; "
              "is it an Asterisk queue_log?", file=err)
        return None
    report_skipped(builder.skipped, args.queue_log, err)
    return _in_scope(args, builder.rows(), records, err)


def _in_scope(args: argparse.Namespace, rows: list[ReportRow], records: ScopeRecords,
              err: TextIO) -> list[ReportRow] | None:
    """The rows of --scope's queues; None (after one line naming --scope) when the
    team or tier is nowhere in the config or the source."""
    scope = getattr(args, "scope", None)
    if scope is None or scope.is_all:
        return rows
    teams = args.teams
    if not records.known(scope, teams):
        where = "the config's [teams] or the source's agents" if scope.kind == "team" \
            else "the source's queues"
        print(f"floorwatch report: --scope {scope.text}: no {scope.kind} {scope.name!r} in "
              f"{where}", file=err)
        return None
    members = records.members(scope, teams)
    assert members is not None
    return [row for row in rows if row.queue in members.queues]


def run(args: argparse.Namespace) -> int:
    """Run `floorwatch report`; 0 when the report is written, 2 on bad arguments or an
    unreadable file (see the module docstring)."""
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
