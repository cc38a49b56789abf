"""`floorwatch replay FILE`: a recording in the floor window, at any speed, from any moment.

The recording is just another source (`feeds.sources.replay.ReplaySource`): the window,
the wall, the agent grid and the alert panel are the live ones; a replay bar over them
plays, pauses, changes speed and seeks, and its clock says REPLAY. Nothing can be
reassigned and the replay's alerts stay out of the alert history.

`--from`/`--to` are local times on the recording's day (HH:MM or HH:MM:SS; a `--to` not
after `--from` is on the next day) or full ISO times. `--serve PORT` serves the
recording as a live protocol-v1 feed instead of opening a window (ui/cli/replay_serve.py).

Exit 0; 2 on a bad flag, a missing file or one that is not a recording (one line).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

from .common import add_window_flags, port_number, positive_float

EXIT_USAGE = 2
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
FASTEST = ("max", "inf", "fastest")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "replay", help="replay a recording in the floor window (or serve it as a feed)",
        description="Open the floor window on a recording made by `floorwatch record` (or "
                    "by run and demo), with a replay bar: play, pause, speed, a timeline to "
                    "scrub. Reassignment is off during a replay.")
    p.add_argument("file", type=Path, metavar="FILE", help="the recording")
    p.add_argument("--speed", type=replay_speed, default=1.0, metavar="X",
                   help="recorded seconds per second (default 1); 'max' for as fast as "
                        "possible")
    p.add_argument("--from", dest="start", metavar="HH:MM",
                   help="start here: a local time on the recording's day, or an ISO time "
                        "(default: the start of the recording)")
    p.add_argument("--to", dest="end", metavar="HH:MM",
                   help="stop here, as --from (default: the end of the recording)")
    add_window_flags(p)
    p.add_argument("--serve", type=port_number, metavar="PORT",
                   help="serve the recording as a live protocol-v1 feed on this port "
                        "instead of opening a window")
    from .replay_serve import add_serve_arguments

    add_serve_arguments(p)  # --host, --tokens
    p.set_defaults(func=run)


def replay_speed(text: str) -> float:
    """A positive number, or max/inf/fastest for as fast as possible."""
    if text.strip().lower() in FASTEST:
        return math.inf
    return positive_float(text)


def parse_when(text: str, flag: str, day: datetime) -> float:
    """`--from`/`--to` as an epoch: HH:MM[:SS] on `day` (local), or an ISO time (local
    unless it names its offset). ValueError naming the flag otherwise."""
    match = _CLOCK.match(text.strip())
    if match:
        hour, minute, second = (int(g or 0) for g in match.groups())
        if hour < 24 and minute < 60 and second < 60:
            return day.replace(hour=hour, minute=minute, second=second, microsecond=0).timestamp()
    else:
        try:
            when = datetime.fromisoformat(text.strip())
        except ValueError:
            pass
        else:
            return when.timestamp()  # naive: local time, as the clock shows it
    raise ValueError(f"{flag} must be HH:MM on the recording's day or an ISO time such as "
                     f"2025-06-12T10:30, not {text!r}")


def replay_range(start: str | None, end: str | None,
                 first_t: float) -> tuple[float | None, float | None]:
    """The epoch range of --from/--to (None: not given), the recording's day being
    that of its first event."""
    day = datetime.fromtimestamp(first_t)
    start_t = None if start is None else parse_when(start, "--from", day)
    end_t = None if end is None else parse_when(end, "--to", day)
    if start_t is not None and end_t is not None and end_t <= start_t:
        if start is not None and end is not None and _CLOCK.match(end.strip()) \
                and _CLOCK.match(start.strip()):
            end_t = (datetime.fromtimestamp(end_t) + timedelta(days=1)).timestamp()
        else:
            raise ValueError(f"--to {end} is not after --from {start}")
    return start_t, end_t


def _fail(message: str) -> int:
    print(f"floorwatch replay: {message}", file=sys.stderr)
    return EXIT_USAGE


def first_event_t(path: Path) -> float | None:
    """The time of the recording's first readable event (None: it holds none); raises
    RecordingError (one line naming the file) when it is not a recording."""
    from feeds.store.recording import read_rows

    rows = read_rows(path)
    try:
        for _feed, _seq, _epoch, event in rows:
            if math.isfinite(event.t) and event.t > 0:
                return event.t
        return None
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def _clock(t: float) -> str:
    return datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S")


def run(args: argparse.Namespace) -> int:
    from feeds.store.recording import RecordingError

    path: Path = args.file.expanduser()
    try:
        first_t = first_event_t(path)
    except RecordingError as exc:
        return _fail(str(exc))
    if first_t is None:
        return _fail(f"{path} holds no events to replay")
    try:
        start_t, end_t = replay_range(args.start, args.end, first_t)
    except ValueError as exc:
        return _fail(str(exc))
    args.start_t, args.end_t = start_t, end_t  # resolved, for --serve as for the window
    if args.serve is not None:
        from . import replay_serve

        return replay_serve.serve(args)

    from ui.display import explain_missing_display

    if explain_missing_display():  # before Qt loads: a missing library would abort it
        return EXIT_USAGE
    try:
        from feeds.sources.replay import ReplaySource
    except ModuleNotFoundError as exc:
        if exc.name != "feeds.sources.replay":
            raise
        return _fail("the replay source is not available in this build")
    from ui.app import WindowOptions, run_floor
    from ui.replay_feed import ReplaySetup, SeekMarks

    from .rules import rules_from

    rules, _ = rules_from(args.rules)  # a bad rule file: one line, exit 2
    try:
        source = ReplaySource(path, speed=args.speed, start_t=start_t, end_t=end_t)
    except (RecordingError, ValueError) as exc:
        return _fail(str(exc))
    first, last = (float(x) for x in source.span)
    if start_t is not None and start_t > last:
        return _fail(f"--from {args.start} is after the recording ends ({_clock(last)})")
    if end_t is not None and end_t < first:
        return _fail(f"--to {args.end} is before the recording starts ({_clock(first)})")
    problems = getattr(source, "problems", None)
    skipped = getattr(problems, "skipped", 0)
    if skipped:
        print(f"floorwatch replay: warning: {path}: {skipped} damaged row(s) skipped",
              file=sys.stderr)
    setup = ReplaySetup(SeekMarks(source), speed=args.speed, end_t=end_t)
    options = WindowOptions(lang=args.lang or "", exit_after=args.exit_after,
                            screenshot=args.screenshot, size=args.size or (1600, 1000),
                            rules=rules, replay=setup)
    return run_floor([setup.marks], options)
