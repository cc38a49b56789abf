"""End to end over the websocket: `floorwatch report` on a recording equals `sim --truth`.

Real processes, as a user runs them: a seeded, accelerated `floorwatch sim --truth`,
`floorwatch record` on its feed for a few simulated hours, Ctrl-C to the recorder and
SIGTERM to the simulator (which must write its truth file on the way out), then
`floorwatch report RECORDING --interval 15m --format csv`. Also: a bad --truth path is
refused at startup, before anything runs.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from feeds.store.recording import read_rows
from monitor import events as ev
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
SPEED = 600.0  # simulated seconds per wall second: 3 simulated hours in 18 s
SIM_HOURS = 3.0  # recorded, from the first snapshot
INTERVAL_S = 900
# 09:00 with a 30-minute warm-up: the recording runs from about 09:30 to 12:30 over
# the morning peak, and a surge from 12:00 makes queues build, callers abandon, chats
# take callbacks, and leaves contacts waiting when the recording stops.
SIM_FLAGS = ["--seed", "4", "--agents", "60", "--start", "09:00", "--warmup", "1800",
             "--speed", str(SPEED), "--surge", "12:00+90*2"]
COMPARED = ("offered", "answered", "abandoned", "callbacks",
            # issue 15: survey answers (NPS), bot outcomes; empty cells are 0 here
            "nps_responses", "bot_contained", "bot_handoffs")
SURVEY_AFTER_S = 180.0  # the simulator's survey comes at most this long after the end
# Both sides on UTC: the truth's intervals follow the simulator's local zone, the
# report's --tz (any zone a whole number of quarter hours from UTC gives the same).
ENV = {**os.environ, "TZ": "UTC"}


def wait_for(predicate, timeout: float, what: str, procs=()) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        for proc in procs:
            assert proc.poll() is None, f"{proc.args[3]} exited early ({proc.returncode})"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def recorded_span(path: Path) -> tuple[float, float] | None:
    """(first, last) event time committed so far; None before the file has events."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)  # never creates it
        try:
            row = conn.execute("SELECT min(t), max(t) FROM events").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if row[0] is None else (row[0], row[1])


def stop(proc: subprocess.Popen, sig: int) -> int:
    proc.send_signal(sig)
    return proc.wait(timeout=30)


def interval_of(t: float) -> int:
    return int(t - t % INTERVAL_S)


def report_csv(recording: Path, capsys) -> dict[tuple[str, int], dict[str, int]]:
    """`floorwatch report` rows as (queue, interval start) -> the compared counts."""
    capsys.readouterr()
    assert main(["report", str(recording), "--interval", "15m", "--format", "csv",
                 "--tz", "UTC"]) == 0
    out = {}
    for row in csv.DictReader(io.StringIO(capsys.readouterr().out)):
        start = int(datetime.fromisoformat(row["interval_start"]).timestamp())
        out[(row["queue"], start)] = {
            "offered": int(row["offered"]), "answered": int(row["answered"]),
            "abandoned": int(row["abandoned"]),
            # other_exits = exits + callbacks; the recording has no exits (checked below).
            "callbacks": int(row["other_exits"]),
            **{k: int(row[k] or 0) for k in ("nps_responses", "bot_contained", "bot_handoffs")},
        }
    return out


def read_truth(path: Path) -> dict[tuple[str, int], dict[str, int]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["interval_s"] == INTERVAL_S
    return {(q, r["start"]): {k: r[k] for k in COMPARED}
            for q, rows in data["queues"].items() for r in rows}


class Recorded:
    """What the recording itself says about its own completeness."""

    def __init__(self, path: Path) -> None:
        self.snapshots: list[ev.Snapshot] = []
        self.seqs: list[int] = []
        self.kinds: Counter[str] = Counter()
        self.last_t = 0.0
        open_entries: dict[str, tuple[str, int]] = {}  # contact -> (queue, entry interval)
        bots: dict[str, tuple[str, int]] = {}  # with the bot: (queue, interval it started)
        ended: dict[str, tuple[tuple[str, int], float]] = {}  # survey may follow
        entry: dict[str, tuple[str, int]] = {}
        for _feed, seq, _epoch, e in read_rows(path):
            if isinstance(e, ev.Snapshot):
                self.snapshots.append(e)
                continue
            self.seqs.append(seq)
            self.kinds[type(e).__name__] += 1
            self.last_t = max(self.last_t, e.t)
            if isinstance(e, ev.ContactOffered):
                open_entries[e.contact] = entry[e.contact] = (e.queue, interval_of(e.t))
            elif isinstance(e, ev.ContactTransferred):
                # a new entry
                open_entries[e.contact] = entry[e.contact] = (e.to_queue, interval_of(e.t))
            elif isinstance(e, ev.BotStarted):
                bots[e.contact] = (e.queue, interval_of(e.t))
            elif isinstance(e, ev.BotResolved | ev.BotHandoff):
                bots.pop(e.contact, None)
            elif isinstance(e, ev.ContactEnded) and e.contact in entry:
                ended[e.contact] = (entry[e.contact], e.t)
            elif isinstance(e, ev.SurveyResult):
                ended.pop(e.contact, None)
            elif isinstance(e, ev.ContactAnswered | ev.ContactAbandoned | ev.ContactExited
                            | ev.CallbackRequested):
                open_entries.pop(e.contact, None)
        # Entries with no outcome yet when the recording stopped: the simulator may
        # still answer them (or see them abandon) before its own exit.
        self.unfinished = set(open_entries.values())
        # Likewise chats still with the bot, and contacts that ended so recently that
        # their survey may come after the recording stopped.
        self.unfinished |= set(bots.values())
        self.unfinished |= {k for k, t in ended.values() if t > self.last_t - SURVEY_AFTER_S}


def test_report_of_a_recording_equals_the_simulators_truth(tmp_path, capsys):
    """Every (queue, 15-minute interval) the recording can complete is equal.

    Compared: intervals that start after the recording's first snapshot (contacts
    that entered before it are not in the recording: the report counts a contact
    from its entry) and end by the recording's last event (later entries are not in
    it), less those with a contact still waiting when the recording stopped (its
    outcome may come after, and only the truth has it; an answered contact is
    complete, as an answer is its outcome). Offered, answered, abandoned (short ones
    included) and callbacks (the CSV's other_exits: the simulator has no exits).
    """
    started = time.monotonic()
    truth_path, recording = tmp_path / "truth.json", tmp_path / "rec.sqlite"
    logs = {name: tmp_path / name for name in ("sim.out", "sim.err", "rec.out", "rec.err")}
    with contextlib.ExitStack() as cleanup:
        files = {name: cleanup.enter_context(path.open("w")) for name, path in logs.items()}
        sim = subprocess.Popen(
            [sys.executable, "-m", "ui", "sim", "--port", "0", "--truth", str(truth_path),
             *SIM_FLAGS],
            cwd=ROOT, env=ENV, stdout=files["sim.out"], stderr=files["sim.err"])
        cleanup.callback(lambda: sim.poll() is None and sim.kill())
        sim_out = logs["sim.out"]
        wait_for(lambda: "serving ws://" in sim_out.read_text(), 60, "the simulator", [sim])
        url = sim_out.read_text().split("serving ", 1)[1].split()[0]
        rec = subprocess.Popen(
            [sys.executable, "-m", "ui", "record", "--feed", url, "--out", str(recording)],
            cwd=ROOT, env=ENV, stdout=files["rec.out"], stderr=files["rec.err"])
        cleanup.callback(lambda: rec.poll() is None and rec.kill())

        def recorded_enough() -> bool:
            # Stop early in an interval, so the last one the recording covers whole
            # still has contacts waiting: the case the comparison must leave out.
            span = recorded_span(recording)
            return (span is not None and span[1] - span[0] >= SIM_HOURS * 3600
                    and span[1] % INTERVAL_S <= 120)

        wait_for(recorded_enough, 60 + SIM_HOURS * 3600 / SPEED * 3, "the recording",
                 [sim, rec])
        assert stop(rec, signal.SIGINT) == 0, logs["rec.err"].read_text()
        assert stop(sim, signal.SIGTERM) == 0, logs["sim.err"].read_text()
    assert "truth written to" in sim_out.read_text()
    assert logs["sim.err"].read_text() == ""

    recorded = Recorded(recording)
    # One snapshot (on connect) and no gap after it: nothing was lost on the way.
    assert len(recorded.snapshots) == 1
    first = recorded.snapshots[0]
    assert recorded.seqs == list(range(first.seq + 1, first.seq + 1 + len(recorded.seqs)))
    assert recorded.kinds["ContactExited"] == 0

    truth, report = read_truth(truth_path), report_csv(recording, capsys)
    covered = {
        k for k in truth.keys() | report.keys()
        if k[1] > first.t and k[1] + INTERVAL_S <= recorded.last_t
    }
    keys = covered - recorded.unfinished
    mismatches = {k: (report.get(k), truth.get(k)) for k in sorted(keys)
                  if report.get(k) != truth.get(k)}
    assert mismatches == {}

    # Enough was compared for the equality to mean something.
    intervals = {start for _, start in keys}
    queues = {q for q, _ in keys}
    total = Counter()
    for k in keys:
        total.update(truth[k])
    assert len(intervals) >= 8 and len(queues) == 5
    assert total["offered"] > 1000 and total["abandoned"] > 20 and total["callbacks"] > 20
    assert total["nps_responses"] > 50 and total["bot_contained"] > 20
    assert total["bot_handoffs"] > 20
    # The surge left contacts of a covered interval waiting: that exclusion was exercised.
    assert covered & recorded.unfinished
    print(f"compared {len(keys)} (queue, interval) pairs over {len(intervals)} intervals; "
          f"{len(covered & recorded.unfinished)} left out unfinished; "
          f"{time.monotonic() - started:.1f} s")


@pytest.mark.parametrize("where, why", [
    ("missing/truth.json", "does not exist"),
    (".", "is a folder"),
])
def test_a_bad_truth_path_is_refused_at_startup(tmp_path, capsys, monkeypatch, where, why):
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    assert main(["sim", "--port", "0", "--truth", where]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("floorwatch sim: --truth ") and why in err
    assert "\n" not in err
    assert time.monotonic() - started < 5  # refused before the warm-up


def test_ctrl_c_writes_the_truth_too(tmp_path):
    truth_path, out = tmp_path / "truth.json", tmp_path / "sim.out"
    with out.open("w") as stdout:
        sim = subprocess.Popen(
            [sys.executable, "-m", "ui", "sim", "--port", "0", "--truth", str(truth_path),
             "--warmup", "600", "--seed", "2"],
            cwd=ROOT, env=ENV, stdout=stdout, stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: "serving ws://" in out.read_text(), 60, "the simulator", [sim])
            assert not truth_path.exists()  # written on the way out, not before
            sim.send_signal(signal.SIGINT)
            _, err = sim.communicate(timeout=30)
        finally:
            if sim.poll() is None:
                sim.kill()
                sim.communicate()
    assert sim.returncode == 0 and err == ""
    data = json.loads(truth_path.read_text(encoding="utf-8"))
    assert set(data["queues"]) == {"hl-general", "hl-vip", "hl-complaint", "ol-app",
                                   "ol-wechat"}
    # The 10-minute warm-up was counted, from its first interval.
    assert sum(r["offered"] for rows in data["queues"].values() for r in rows) > 0
    assert sorted(tmp_path.iterdir()) == sorted([truth_path, out])  # no temp file left
