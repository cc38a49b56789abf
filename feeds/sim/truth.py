"""The simulator's own counts by entry interval: ground truth for `floorwatch report`.

`floorwatch sim --truth FILE` writes these on exit, so a recording of the feed can be
checked against what the simulator knows it did. The definitions are the report's
(monitor/report.py, docs/metrics.md), counted from the simulator's own contacts rather
than from its events:

- a contact belongs to the 15-minute interval in which it ENTERED the queue, and its
  outcome is credited there, however much later it comes;
- "offered" counts every entry into a queue: a new contact, or a transfer into the
  queue (which is a new entry at the transfer time, as the report and the wall count it);
- "answered" counts the first answer of an entry; a callback worked later from the
  backlog is no answer (the report has no event for it either);
- "abandoned" counts every abandon, short ones included (the report's `abandoned`
  column includes them too; `short_abandoned` is a part of it);
- "callbacks" counts CallbackRequested. The report puts them in its `other_exits`
  column, with ContactExited; the simulator never emits ContactExited (its transfers
  happen after the talk, not while waiting), so there `other_exits` == callbacks;
- "nps_responses" and "csat_responses" count survey answers, credited to the entry
  the survey is about (the report's survey convention); "callbacks_worked" counts
  backlog items worked, credited to the entry that asked for them;
- "bot_contained" and "bot_handoffs" count the bot's outcomes, credited to the
  interval the bot took the chat in (the report's bot columns).

Intervals start where the report's 15m intervals start (`monitor.report.Intervals`):
on the local clock of the machine's zone, as `report` does without `--tz`. Every zone
in use today is a whole number of quarter hours from UTC, so the 15-minute starts are
the same instants in any zone and the truth holds for a report made with any `--tz`.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from monitor.report import Intervals, resolve_tz

INTERVAL = "15m"
INTERVAL_S = 900
KEYS = ("offered", "answered", "abandoned", "callbacks",
        # Appended (issue 15): NPS and satisfaction answers (credited to the entry the
        # survey is about), backlog items worked (to the entry that asked for them),
        # bot outcomes (to the interval the bot took the chat in).
        "nps_responses", "csat_responses", "callbacks_worked", "bot_contained",
        "bot_handoffs")


class TruthCounter:
    """Counts per (queue, 15-minute entry interval); the simulator calls `count`."""

    def __init__(self, tz: str | None = None) -> None:
        self._intervals = Intervals(INTERVAL, resolve_tz(tz))
        self.queues: set[str] = set()  # every queue of the floor, even one nobody entered
        # (queue, interval start) -> counts in KEYS order
        self._counts: dict[tuple[str, float], list[int]] = {}

    def count(self, queue: str, entry_t: float, key: str) -> None:
        """One `key` (one of KEYS) for the contact that entered `queue` at `entry_t`."""
        slot = (queue, self._intervals.start(entry_t))
        row = self._counts.get(slot)
        if row is None:
            row = self._counts[slot] = [0] * len(KEYS)
        row[KEYS.index(key)] += 1

    def to_json(self) -> dict[str, Any]:
        """`{"interval_s": 900, "queues": {queue: [{"start": epoch, "offered": n, …}]}}`,
        each queue's intervals in time order; only intervals some contact entered in."""
        queues: dict[str, list[dict[str, int]]] = {q: [] for q in sorted(self.queues)}
        for (queue, start), row in sorted(self._counts.items()):
            entry = {"start": int(start)}
            entry.update(zip(KEYS, row, strict=True))
            queues.setdefault(queue, []).append(entry)
        return {"interval_s": INTERVAL_S, "queues": queues}


def truth_path_problem(path: Path) -> str:
    """Why `path` cannot take the truth file, or "" if it can (checked at startup, so a
    long run never ends without its file)."""
    parent = path.parent
    if path.is_dir():
        return f"{path} is a folder"
    if not parent.is_dir():
        return f"{parent} {'is not a folder' if parent.exists() else 'does not exist'}"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot write in {parent}"
    return ""


def write_truth(path: Path, data: dict[str, Any]) -> None:
    """Write `data` as JSON atomically: a temp file in the same folder, then a rename,
    so a reader never sees half a file. OSError if it cannot be written."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
