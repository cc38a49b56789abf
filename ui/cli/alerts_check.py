"""`floorwatch alerts check`: alert rules tried on a recording or an Asterisk queue_log.

Prints the timeline (columns exactly time,rule,severity,target,event,value; time in
ISO 8601 with its offset) on stdout and one summary line per rule on stderr: how many
times it was raised and how long it was active in total. Exit 0 when the timeline was
written, 2 on bad arguments, a bad rule file or a file that cannot be read.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TextIO

from feeds.sources.queue_log import DEFAULT_SL_TARGET_S, ImportStats, iter_queue_log, open_queue_log
from feeds.store.recording import ReadStats, RecordingError, read_rows
from monitor.alert_backtest import TIMELINE_COLUMNS, Backtest, run_backtest, value_text
from monitor.alert_rules import AlertRule
from monitor.config import Config, ConfigError, load_config
from monitor.events import Event, QueueDefined
from monitor.floor import Floor
from monitor.report import resolve_tz

from .report import report_problems, report_recording_problems
from .rules import rules_from


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", nargs="?", type=Path, metavar="RECORDING",
                   help="a recording made by `floorwatch record`")
    p.add_argument("--queue-log", type=Path, metavar="PATH", help="Asterisk queue_log file")
    p.add_argument("--rules", type=Path, metavar="FILE",
                   help="alert rules (TOML, docs/alerts.md); default: the shipped rules")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="client config: its thresholds, time zone and [channels] (a queue_log's "
                        "queues are hotline queues unless [channels] says otherwise)")
    p.add_argument("--tz", metavar="ZONE", help="time zone of the times printed (default local)")
    p.add_argument("--format", choices=("csv", "json", "table"), default="csv",
                   help="output format (default csv)")


def _recording_events(path: Path, stats: ReadStats) -> Iterator[tuple[str, Event]]:
    for feed, _seq, _epoch, event in read_rows(path, stats=stats):
        yield feed, event


def _queue_log_events(path: Path, stats: ImportStats, channels: dict[str, str]
                      ) -> Iterator[tuple[str, Event]]:
    with open_queue_log(path) as f:
        for event in iter_queue_log(f, stats, DEFAULT_SL_TARGET_S):
            if type(event) is QueueDefined and event.queue in channels:
                event = replace(event, channel=channels[event.queue])
            yield "queue_log", event


def _iso(t: float, tz: object) -> str:
    return datetime.fromtimestamp(t, tz).astimezone(tz).isoformat(timespec="seconds")  # type: ignore[arg-type]


def _rows(result: Backtest, rules: list[AlertRule], tz: object) -> list[list[str]]:
    by_name = {r.name: r for r in rules}
    return [[_iso(tr.t, tz), tr.rule, str(tr.severity), tr.target, tr.event,
             value_text(tr, by_name)] for tr in result.transitions]


def write_rows(rows: list[list[str]], fmt: str, out: TextIO) -> None:
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(TIMELINE_COLUMNS)
        w.writerows(rows)
    elif fmt == "json":
        json.dump([dict(zip(TIMELINE_COLUMNS, r, strict=True)) for r in rows], out,
                  indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(TIMELINE_COLUMNS)]
        print("  ".join(c.ljust(w) for c, w in zip(TIMELINE_COLUMNS, widths, strict=True)),
              file=out)
        for r in rows:
            print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip(),
                  file=out)


def _duration(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def write_summary(result: Backtest, err: TextIO) -> None:
    for name, entry in result.summary.items():
        line = f"{name}: raised {entry.raised}, active {_duration(entry.active_s)}"
        if entry.still_active:
            line += f" ({entry.still_active} still active at the end)"
        if name in result.not_backtested:
            line += " (live only: a feed's silence is measured on the wall clock)"
        print(line, file=err)


def run(args: argparse.Namespace) -> int:
    err = sys.stderr
    if (args.source is None) == (args.queue_log is None):
        print("floorwatch alerts check: give either a recording (RECORDING) or "
              "--queue-log PATH", file=err)
        return 2
    try:
        config = load_config(args.config) if args.config is not None else Config()
        rules, _ = rules_from(args.rules, user_file=False)
        tz = resolve_tz(args.tz if args.tz is not None else (config.tz or None))
    except (ConfigError, ValueError) as exc:
        print(f"floorwatch alerts check: {exc}", file=err)
        return 2
    floor = Floor.from_config(config)
    try:
        if args.source is not None:
            stats = ReadStats()
            result = run_backtest(_recording_events(args.source, stats), rules, floor)
            report_recording_problems(stats, args.source, err)
        else:
            qstats = ImportStats()
            result = run_backtest(_queue_log_events(args.queue_log, qstats, config.channels),
                                  rules, floor)
            report_problems(qstats, args.queue_log, err)
            if qstats.lines and not qstats.events:
                print(f"floorwatch alerts check: {args.queue_log}: no usable line in "
                      f"{qstats.lines}; is it an Asterisk queue_log?", file=err)
                return 2
    except RecordingError as exc:
        print(f"floorwatch alerts check: {exc}", file=err)
        return 2
    except OSError as exc:
        print(f"floorwatch alerts check: cannot read {args.queue_log or args.source}: "
              f"{exc.strerror or exc}", file=err)
        return 2
    write_rows(_rows(result, rules, tz), args.format, sys.stdout)
    write_summary(result, err)
    return 0
