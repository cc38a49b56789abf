"""A recording as `floorwatch report` reads it: events by feed run, queues from snapshots.

Runs. A restarted feed numbers its events from 1 again and may reuse contact ids,
so the report keys contacts by feed run. A recording made since runs were recorded
names each event's run (the server's `epoch`); for one made before (or from a
server that names no epoch) a new run of a feed starts at a snapshot that includes
fewer events than that feed's run had already reached: a server numbers up within
a run, so only a new run numbers lower.

Queues. A report counts contacts from their entry, so a snapshot gives it only its
queue definitions (name, channel, SL target). Each is read as the protocol reads a
`queue.defined` event (the same field checks); one that fails is left out and
counted by reason, and never costs the other queues or the snapshot's feed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.events import Event, QueueDefined, Snapshot

from .. import protocol as p
from .recording import ReadStats, RecordedEvent, read_rows

# snapshot queue key -> queue.defined field
_QUEUE_FIELDS = {"id": "queue", "name": "name", "channel": "channel",
                 "sl_target_s": "sl_target_s", "tier": "tier", "name_zh": "name_zh"}


@dataclass(slots=True)
class SnapshotNotes:
    """What the snapshots of a recording could not give."""

    bad_snapshots: int = 0  # whose state has no list of queues
    bad_queues: Counter[str] = field(default_factory=Counter)  # reason -> queues left out


class FeedRuns:
    """Gives each recorded event the key of its feed run, in arrival order."""

    def __init__(self) -> None:
        self._reached: dict[Hashable, int] = {}  # run -> highest number seen in it
        self._unnamed: dict[str, int] = {}  # feed -> its current unnamed run's number

    def run(self, feed: str, seq: int, epoch: str | None, event: Event) -> Hashable:
        """The run of one recorded event (seq as stored: 0 for a snapshot)."""
        snapshot = isinstance(event, Snapshot)
        if snapshot:
            seq = event.seq  # the number it includes
        if epoch:
            key: Hashable = (feed, epoch)
        else:
            n = self._unnamed.setdefault(feed, 1)
            key = (feed, n)
            if snapshot and seq < self._reached.get(key, 0):
                key = (feed, n + 1)  # numbered lower: the feed started again
                self._unnamed[feed] = n + 1
        if seq > self._reached.get(key, 0):
            self._reached[key] = seq
        return key


def snapshot_queues(snapshot: Snapshot, notes: SnapshotNotes) -> list[QueueDefined]:
    """The queue definitions in a snapshot's state, each checked as a `queue.defined`."""
    state: Any = snapshot.state
    queues = state.get("queues") if isinstance(state, dict) else None
    if not isinstance(queues, list):
        notes.bad_snapshots += 1
        return []
    out = []
    for d in queues:
        if not isinstance(d, dict):
            notes.bad_queues["not_a_map"] += 1
            continue
        data = {name: d[key] for key, name in _QUEUE_FIELDS.items() if key in d}
        try:
            # t only has to pass the check: a definition from a snapshot moves no clock.
            event = p.to_event(p.Envelope(type=QueueDefined.TYPE, data=data, t=0.0))
        except p.FrameError as exc:
            notes.bad_queues[exc.reason] += 1
            continue
        if isinstance(event, QueueDefined):
            out.append(event)
    return out


def report_events(path: str | Path, stats: ReadStats, notes: SnapshotNotes,
                  define: Callable[[QueueDefined], None]) -> Iterator[tuple[Hashable, Event]]:
    """(feed run, event) for a report, in arrival order; snapshots only `define` queues.

    The file is checked at once (RecordingError); rows that cannot be decoded are
    counted in `stats` and skipped.
    """
    rows = read_rows(path, stats=stats)
    return _report_events(rows, notes, define)


def _report_events(rows: Iterator[RecordedEvent], notes: SnapshotNotes,
                   define: Callable[[QueueDefined], None]) -> Iterator[tuple[Hashable, Event]]:
    run_of = FeedRuns().run
    for feed, seq, epoch, event in rows:
        run = run_of(feed, seq, epoch, event)
        if isinstance(event, Snapshot):
            for q in snapshot_queues(event, notes):
                define(q)
        else:
            yield run, event
