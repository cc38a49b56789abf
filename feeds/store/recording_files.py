"""The window's own recording: one file per local day, old days pruned, a tap on the tick.

`floorwatch run` and `floorwatch demo` record what the window receives, unless told
not to (`--no-record`, `[recording] enabled = false`). Files live in the user data
dir (`platformdirs.user_data_path("floorwatch") / "recordings"`, or `[recording] dir`)
and are named by the local date the events were received: `YYYY-MM-DD.db`. The demo's
simulated floor goes to a `demo` folder below it, so it never mixes into a real day.
A window started again the same day appends to that day's file (a recording is
appended to as it is: see `feeds.store.recording.RecordingStore`).

Midnight. A window that stays open past local midnight switches to the new day's
file: a wall runs for weeks, so keeping the first day's file would grow one file
without end and never prune. The new file starts with a snapshot of each feed as the
window's floor holds it at the switch (then the events after it), so it replays and
reports on its own: queues defined yesterday still have their names and channels
today. The switch waits while the tick holds a feed behind a snapshot it is still
building, because the floor is then behind what was recorded. The old file is closed
on a thread of its own, never on the GUI thread.

Pruning. At start (and at each switch) files of days more than `keep_days` before
today are deleted, with their `-wal` and `-shm`; `keep_days = 0` keeps every file.
Only names of the exact `YYYY-MM-DD.db` form are touched, and never the file being
written.

What is recorded is what the tick drained, in the order drained: replaying the file
applies the same events in the same order. Feeds are stored by their source key
(a websocket feed's URL without user, password or query: `feeds.credentials.redact_url`),
so no token or credential reaches a file. Each event keeps its feed run (the
server's `epoch` from `welcome`), read when the window drains it; a source with no
runs of its own (the in-process simulator) gets one per window session, so two demo
sessions of the same day never merge their contacts in a report.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import platformdirs

from monitor.events import Snapshot
from monitor.floor import Floor

from ..source import FeedEvent, Source
from .recording import Recorder

log = logging.getLogger(__name__)

# The writer commits what is queued, then waits this long: a SIGKILL loses at most the
# events queued since the last commit began (issue 12: at most every 250 ms).
COMMIT_INTERVAL_S = 0.25
DAY_FILE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\.db$")
DEMO_FOLDER = "demo"
SIDE_FILES = ("-wal", "-shm")


def default_dir() -> Path:
    """Where recordings go unless the config says: the user data dir's `recordings`."""
    return platformdirs.user_data_path("floorwatch") / "recordings"


def recordings_dir(setting: str = "", demo: bool = False) -> Path:
    """The folder of daily files: `setting` ([recording] dir; "" for the default),
    with `demo/` below it for the demo's simulated floor."""
    base = Path(setting).expanduser() if setting else default_dir()
    return base / DEMO_FOLDER if demo else base


def local_day(t: float) -> date:
    """The local calendar day of a wall-clock time."""
    return datetime.fromtimestamp(t).date()


def day_path(folder: Path, day: date) -> Path:
    return folder / f"{day.isoformat()}.db"


def next_midnight(t: float) -> float:
    """The wall-clock time the local day after `t`'s begins (DST-safe: local midnight)."""
    return datetime.combine(local_day(t) + timedelta(days=1), datetime.min.time()).timestamp()


def file_day(path: Path) -> date | None:
    """The day a daily file's name says, or None for any other name."""
    match = DAY_FILE.match(path.name)
    if match is None:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:  # 2025-02-30.db: not a day, not ours
        return None


def prune(folder: Path, keep_days: int, today: date, keep: Iterable[Path] = ()) -> list[Path]:
    """Delete daily files of days more than `keep_days` before `today` (and their -wal
    and -shm); never one in `keep`. 0 keeps everything. Returns the files deleted;
    one that cannot be deleted is logged and left."""
    if keep_days <= 0:
        return []
    cutoff = today - timedelta(days=keep_days)
    spared = {p.resolve() for p in keep}
    removed: list[Path] = []
    try:
        names = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError as exc:  # an unreadable folder: the recorder will say why it can't write
        log.warning("cannot list recordings in %s: %s", folder, exc)
        return []
    for path in names:
        day = file_day(path)
        if day is None or day >= cutoff or path.resolve() in spared or not path.is_file():
            continue
        try:
            path.unlink()
        except OSError as exc:
            log.warning("cannot delete old recording %s: %s", path, exc)
            continue
        for side in SIDE_FILES:
            with contextlib.suppress(OSError):
                path.with_name(path.name + side).unlink()
        removed.append(path)
    return removed


def run_names(sources: Sequence[Source]) -> dict[str, Callable[[], str]]:
    """Per source key: what names its current feed run (see the module docstring).

    A websocket feed in this process: its sequencer's epoch. One received in a child
    process (`feeds.sources.process`): the epoch the child last reported with its
    events (its `_resume` state; read when the window drains, so exact unless the feed
    restarts while the window is behind). Any other source: one id per session.
    """
    session = f"session-{uuid.uuid4().hex}"
    names: dict[str, Callable[[], str]] = {}
    for source in sources:
        sequencer = getattr(source, "sequencer", None)
        resume = getattr(source, "_resume", None)
        if sequencer is not None:
            names[source.key] = lambda s=sequencer: str(s.epoch or "")
        elif isinstance(resume, dict):
            names[source.key] = lambda r=resume: str(r.get("epoch") or "")
        else:
            names[source.key] = lambda: session
    return names


@dataclass(frozen=True, slots=True)
class RecordingPlan:
    """What the window records to: one fixed `file` (`--record FILE`), or daily files
    in `folder` with days older than `keep_days` pruned."""

    folder: Path | None = None
    file: Path | None = None
    keep_days: int = 14


class LiveRecorder:
    """A `FloorTicker` tap that records each drained batch; see the module docstring.

    Runs on the GUI thread and only queues events (`Recorder.record`); the file is
    written on the recorder's thread. Never raises for a file problem: `error` says
    what went wrong and `dropped` counts what was lost, and the window goes on.
    """

    def __init__(
        self,
        plan: RecordingPlan,
        feeds: Sequence[str] = (),
        *,
        runs: dict[str, Callable[[], str]] | None = None,
        floor: Floor | None = None,
        ready: Callable[[], bool] = lambda: True,
        clock: Callable[[], float] = time.time,
        interval_s: float = COMMIT_INTERVAL_S,
    ) -> None:
        self.plan = plan
        self.feeds = list(feeds)
        self.floor = floor  # its snapshots start the next day's file
        self.ready = ready  # False while the floor is behind what was recorded
        self.clock = clock
        self.interval_s = interval_s
        self.switches = 0
        self.pruned: list[Path] = []
        self._runs = dict(runs or {})
        self._session = f"session-{uuid.uuid4().hex}"
        self._last_seq: dict[str, int] = {}  # feed -> last number recorded (its snapshot's)
        self._closers: list[threading.Thread] = []
        self._lost = 0  # dropped by recorders closed at a switch
        now = clock()
        if plan.file is not None:
            self.path = plan.file
            self._switch_at = float("inf")
        else:
            assert plan.folder is not None
            self.path = day_path(plan.folder, local_day(now))
            self._switch_at = next_midnight(now)
            self.pruned = prune(plan.folder, plan.keep_days, local_day(now), [self.path])
        self.recorder = self._open(self.path)

    def _open(self, path: Path) -> Recorder:
        return Recorder(path, feeds=self.feeds, interval_s=self.interval_s)

    # ------------------------------------------------------------- the tap
    def __call__(self, items: list[FeedEvent]) -> None:
        """Record one drained batch (called by the tick, before it applies them)."""
        if self.clock() >= self._switch_at and self.ready():
            self._next_day()
        if not items:
            return
        record = self.recorder.record
        epochs = {feed: name() for feed, name in self._runs.items()}
        last = self._last_seq
        for item in items:
            feed, seq, event = item.feed, item.seq, item.event
            epoch = epochs.get(feed)
            if epoch is None:
                epoch = epochs[feed] = self._session
            last[feed] = seq
            # A snapshot is stored with 0, as on the wire; it carries the seq it includes.
            record(feed, 0 if type(event) is Snapshot else seq, event, epoch)

    def _next_day(self) -> None:
        """Switch to today's file: it starts with each feed's state as the floor has it."""
        assert self.plan.folder is not None
        now = self.clock()
        old, self.path = self.recorder, day_path(self.plan.folder, local_day(now))
        self._switch_at = next_midnight(now)
        self.recorder = self._open(self.path)
        self.switches += 1
        try:
            self._record_floor()
        except Exception:  # a floor that cannot be dumped costs the new file its start only
            log.exception("the floor's state could not start %s", self.path)
        closer = threading.Thread(target=self._close_old, args=(old, local_day(now)),
                                  name="floorwatch-recording-switch", daemon=True)
        self._closers.append(closer)
        closer.start()

    def _record_floor(self) -> None:
        floor = self.floor
        if floor is None:
            return
        for feed, seq in self._last_seq.items():
            epoch = self._runs[feed]() if feed in self._runs else self._session
            state = floor.snapshot(feed)
            self.recorder.record(feed, 0, Snapshot(t=floor.now, seq=seq, state=state), epoch)

    def _close_old(self, old: Recorder, today: date) -> None:
        old.close()
        self._lost += old.dropped
        if self.plan.folder is not None:
            self.pruned += prune(self.plan.folder, self.plan.keep_days, today, [self.path])

    # ------------------------------------------------------------- status
    @property
    def error(self) -> str:
        return self.recorder.error

    @property
    def dropped(self) -> int:
        return self.recorder.dropped + self._lost

    def close(self) -> None:
        """Write what is queued, close the file and wait for an old day's file too."""
        self.recorder.close()
        for closer in self._closers:
            closer.join()
