"""Damaged recordings open with the bad part skipped, counted and said.

Bytes overwritten in the middle of the events, a file cut short, rows that cannot be
decoded, a recorder killed with SIGKILL mid-stream: the file still opens, the replay
plays what can be read (before and after the damage), and `problems` / `ReadStats`
count what was lost. Also: the typed fast path for stored rows gives what the
reference path gives.
"""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from feeds.sources.replay import ReplaySource
from feeds.store import recording
from feeds.store.recording import DAMAGED, ReadStats, RecordingError, read_recording, read_rows
from monitor.events import Snapshot
from tests.feeds.replay_fixtures import collect, record_sim

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("damage") / "good.fwrec"
    record_sim(path, 2400.0, agents=60, seed=11)
    return path


def copy_of(path: Path, to: Path) -> Path:
    with sqlite3.connect(path) as src, sqlite3.connect(to) as dst:
        src.backup(dst)
    return to


def events_pages(path: Path) -> list[int]:
    """Page numbers (1-based) of the events table's leaves, in order."""
    with sqlite3.connect(path) as conn:
        return [n for (n,) in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' "
            "ORDER BY path")]


def page_size(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA page_size").fetchone()[0]


def play_all(path: Path) -> tuple[ReplaySource, list]:
    source = ReplaySource(path, speed=math.inf, hold_at_end=False)
    return source, collect(source, lambda got: False)


def test_bytes_overwritten_in_the_middle_are_skipped_and_counted(good, tmp_path):
    bad = copy_of(good, tmp_path / "bad.fwrec")
    pages = events_pages(bad)
    size = page_size(bad)
    middle = pages[len(pages) // 2: len(pages) // 2 + 3]
    with open(bad, "r+b") as f:
        for n in middle:
            f.seek((n - 1) * size)
            f.write(b"\xa5" * size)
    total = sum(1 for _ in read_rows(good))
    source, items = play_all(bad)
    assert source.problems.damaged >= 1 and source.problems.reasons[DAMAGED] > 0
    lost = source.problems.skipped
    assert 0 < lost < total // 5
    assert len(items) == total - lost  # every row but those of the damaged pages
    # What comes after the damage is there: the replay reaches the recording's end.
    assert items[-1].event.t == ReplaySource(good).span[1]
    assert source.problems.problems[0][1].startswith("rows ")
    stats = ReadStats()
    assert sum(1 for _ in read_recording(bad, stats=stats)) == total - lost
    assert stats.damaged == source.problems.damaged and stats.skipped == lost


def test_a_file_cut_short_opens_with_what_it_holds(good, tmp_path):
    cut = copy_of(good, tmp_path / "cut.fwrec")
    full = cut.stat().st_size
    size = page_size(cut)
    with open(cut, "r+b") as f:
        f.truncate((full * 6 // 10) // size * size)
    source, items = play_all(cut)
    assert source.problems.damaged >= 1
    assert len(items) > 1000
    assert source.span[1] <= ReplaySource(good).span[1]
    # A seek in the readable part still equals playing to that time.
    t = items[len(items) // 2].event.t
    seek = ReplaySource(cut, speed=math.inf)
    got = collect(seek, lambda got: len(got) >= 1, before=lambda: seek.seek(t))
    assert isinstance(got[0].event, Snapshot)


def test_rows_that_cannot_be_decoded_are_counted_once_however_often_read(good, tmp_path):
    bad = copy_of(good, tmp_path / "rows.fwrec")
    with sqlite3.connect(bad) as conn:
        conn.execute("UPDATE events SET data = x'c1' WHERE id IN (100, 2000)")
        conn.execute("UPDATE events SET t = 'noon' WHERE id = 3000")
    source = ReplaySource(bad, speed=math.inf, hold_at_end=False)
    total = source.problems.rows
    assert len(collect(source, lambda got: False)) == total - 3
    assert source.problems.skipped == 3
    for t in (source.span[0] + 600, source.span[0] + 1800, source.span[0] + 1200):
        collect(source, lambda got: False, before=lambda t=t: source.seek(t))
    assert len(collect(source, lambda got: False,
                       before=lambda: source.seek(source.span[0] - 1))) == total - 3 + 1
    assert source.problems.skipped == 3 and source.problems.reasons["undecodable"] == 2
    assert {rowid for rowid, _ in source.problems.problems} == {100, 2000, 3000}


def test_a_file_damaged_at_its_start_is_refused_in_one_line(good, tmp_path):
    bad = copy_of(good, tmp_path / "head.fwrec")
    with open(bad, "r+b") as f:
        f.write(b"\x00" * 100)  # the header and the schema page
    with pytest.raises(RecordingError) as err:
        ReplaySource(bad)
    assert "head.fwrec" in str(err.value) and "\n" not in str(err.value)


def test_the_typed_fast_path_decodes_rows_as_the_reference_does(good, monkeypatch):
    fast = [(f, s, e, ev) for f, s, e, ev in read_rows(good)]
    monkeypatch.setattr(recording, "_FAST_ROWS", {})
    assert [(f, s, e, ev) for f, s, e, ev in read_rows(good)] == fast
    monkeypatch.undo()
    hostile = [("f", 1, 5.0, "contact.offered", recording.packing.pack(
        {"contact": "c", "queue": "q", "extra": 1})),
        ("f", 1, 5e12, "heartbeat", recording.packing.pack({})),
        ("f", 1, 5.0, "agent.state", recording.packing.pack({"agent": "a", "state": "zz"})),
        ("f", 1, 5.0, "contact.offered", recording.packing.pack({"contact": 2**70}))]
    for row in hostile:
        verdicts = []
        for table in (recording._FAST_ROWS, {}):
            monkeypatch.setattr(recording, "_FAST_ROWS", table)
            try:
                verdicts.append(recording._decode_row(*row))
            except recording.p.FrameError as exc:
                verdicts.append(exc.reason)
        assert verdicts[0] == verdicts[1], row


RECORD_FOREVER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from feeds.sim import SimConfig, Simulation
    from feeds.store.recording import Recorder
    from monitor.events import Heartbeat
    sim = Simulation(SimConfig(agents=60, seed=2))
    rec = Recorder({path!r}, feeds=["sim"], interval_s=0.02)
    assert rec.wait_ready()
    rec.checkpoints.every_s = 60.0
    seq, t = 0, sim.now
    for e in sim.setup_events():
        seq += 1
        rec.record("sim", seq, e)
    while True:
        t += 1.0
        for e in [*sim.run_until(t), Heartbeat(t)]:
            seq += 1
            rec.record("sim", seq, e)
        if t % 60 == 0:
            rec.flush()
            print(rec.written, flush=True)
        time.sleep(0.0002)
""")


def test_a_recorder_killed_with_sigkill_leaves_a_file_that_opens_and_replays(tmp_path):
    path = tmp_path / "killed.fwrec"
    proc = subprocess.Popen([sys.executable, "-c", RECORD_FOREVER.format(
        root=str(ROOT), path=str(path))], stdout=subprocess.PIPE, text=True)
    committed = 0
    try:
        deadline = time.monotonic() + 60
        while committed < 8000 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            committed = int(line)
        assert committed >= 8000, "the recorder did not get going"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(10)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    source, items = play_all(path)
    # Everything committed before the kill is there (what came after is the last batch).
    assert len(items) >= committed
    assert source.problems.skipped == 0
    assert "closed" not in source.meta  # it never closed
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM checkpoints").fetchone()[0] >= 2
    t = source.span[0] + (source.span[1] - source.span[0]) * 0.7
    seek = ReplaySource(path, speed=math.inf)
    got = collect(seek, lambda got: len(got) >= 2, before=lambda: seek.seek(t))
    assert isinstance(got[0].event, Snapshot) and got[1].event.t > t
