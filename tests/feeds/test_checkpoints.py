"""Checkpoints the recorder writes: where they fall, what they hold, appending.

A checkpoint holds the recorder's floor (every feed's `floor.snapshot`) after the row
it names; appending to a recording starts the recorder's floor from the file's state
at its end, so later checkpoints still equal playing from the start. A recording
without the table (older files) is appended to without checkpoints, and replays.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

from feeds.sim import SimConfig, Simulation
from feeds.sources.replay import ReplaySource
from feeds.store import checkpoints, packing
from feeds.store.recording import ReadStats, Recorder, decoded_rows, open_checked
from monitor.events import Heartbeat
from monitor.floor import Floor
from tests.feeds.replay_fixtures import _same, assert_same_floor, collect, play_to, record_sim


def record_in_two_sessions(path: Path, drop_table: bool = False) -> None:
    """One simulation recorded by two recorders, one after the other (an app restart)."""
    sim = Simulation(SimConfig(agents=40, seed=9))
    seq = 0
    t = sim.now
    for part in range(2):
        recorder = Recorder(path, feeds=["sim"], interval_s=0.02)
        assert recorder.wait_ready()
        if part == 0:
            for e in sim.setup_events():
                seq += 1
                recorder.record("sim", seq, e)
        for _ in range(900):
            t += 1.0
            for e in [*sim.run_until(t), Heartbeat(t)]:
                seq += 1
                recorder.record("sim", seq, e)
        recorder.close()
        assert recorder.dropped == 0
        if part == 0 and drop_table:
            with sqlite3.connect(path) as conn:
                conn.execute("DROP TABLE checkpoints")  # as an older version wrote it


def test_each_checkpoint_holds_the_floor_after_its_row(tmp_path):
    path = tmp_path / "day.fwrec"
    record_sim(path, 1500.0, agents=30)
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT t, feed, last_id, data FROM checkpoints").fetchall()
        assert len(rows) >= 4
        for t, feed, last_id, data in rows:
            # The floor after exactly the rows up to last_id:
            ref = _floor_upto(path, last_id)
            assert ref.now == t
            assert _same(packing.unpack(data), ref.snapshot(feed))


def _floor_upto(path: Path, last_id: int) -> Floor:
    floor = Floor()
    _, conn, _ = open_checked(path)
    for rowid, feed, _t, event, _seq in decoded_rows(path, conn, ReadStats(), 0):
        if rowid > last_id:
            break
        floor.apply(event, feed)
    conn.close()
    return floor


def test_appending_continues_the_checkpoints_from_the_files_state(tmp_path):
    path = tmp_path / "two.fwrec"
    record_in_two_sessions(path)
    source = ReplaySource(path, speed=math.inf)
    with sqlite3.connect(path) as conn:
        times = [t for (t,) in conn.execute("SELECT t FROM checkpoints ORDER BY id")]
    assert len(times) == int(source.span[1] // 300) - int(source.span[0] // 300)
    late = times[-1] + 10.0  # in the second session, from a checkpoint it wrote
    with sqlite3.connect(path) as conn:
        assert source.state_at(conn, late).checkpoint_t == times[-1]
    n = len(source.feeds)
    items = collect(source, lambda got: len(got) >= n, before=lambda: source.seek(late))
    floor = Floor()
    for item in items:
        floor.apply(item.event, item.feed)
    assert_same_floor(floor, play_to(path, late), source.feeds, "appended")


def test_appending_to_an_older_recording_writes_no_checkpoints_and_replays(tmp_path):
    path = tmp_path / "old.fwrec"
    record_in_two_sessions(path, drop_table=True)
    with sqlite3.connect(path) as conn:
        assert not checkpoints.has_table(conn)
    source = ReplaySource(path, speed=math.inf)
    t = source.span[0] + 1500.0
    items = collect(source, lambda got: len(got) >= 1, before=lambda: source.seek(t))
    floor = Floor()
    floor.apply(items[0].event, items[0].feed)
    assert_same_floor(floor, play_to(path, t), source.feeds, "older")


def test_the_tracker_stops_rather_than_write_a_wrong_state():
    tracker = checkpoints.CheckpointTracker()
    assert tracker.plan([("f", Heartbeat(0.0)), ("f", object())]) == []  # type: ignore[list-item]
    assert tracker.off and tracker.plan([("f", Heartbeat(1000.0))]) == []
