"""The window's recording: daily files, pruning, the midnight switch, runs; no Qt."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from feeds.sim import SimConfig
from feeds.sim.simulator import Simulation
from feeds.source import FeedEvent
from feeds.sources.simulated import SimulatedSource
from feeds.sources.websocket import WebsocketSource
from feeds.store.recording import read_meta, read_rows
from feeds.store.recording_files import (
    COMMIT_INTERVAL_S,
    LiveRecorder,
    RecordingPlan,
    day_path,
    default_dir,
    file_day,
    local_day,
    next_midnight,
    prune,
    recordings_dir,
    run_names,
)
from feeds.store.report_source import FeedRuns
from monitor.events import Heartbeat, Snapshot
from monitor.floor import Floor

FEED = "ws://127.0.0.1:8765"


def at(day: date, hh: int, mm: int, ss: float = 0.0) -> float:
    """A local wall-clock time (whatever the machine's zone)."""
    return datetime.combine(day, datetime.min.time()).timestamp() + hh * 3600 + mm * 60 + ss


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def sim_batches(n: int, agents: int = 30, step_s: float = 60.0) -> list[list[FeedEvent]]:
    """The simulator's events as the tick would drain them: setup, then a batch a step."""
    sim = Simulation(SimConfig(agents=agents, seed=5))
    seq = 0
    batches = []
    events = sim.setup_events()
    for _ in range(n):
        batch = []
        for event in events:
            seq += 1
            batch.append(FeedEvent(FEED, seq, event))
        batches.append(batch)
        t = sim.now + step_s
        events = [*sim.run_until(t), Heartbeat(t)]
    return batches


def feed_batches(live: LiveRecorder, floor: Floor, batches: list[list[FeedEvent]]) -> None:
    """As the tick does: the tap sees each batch, then the floor applies it."""
    for batch in batches:
        live(batch)
        for item in batch:
            floor.apply(item.event, item.feed)


# ------------------------------------------------------------------ names and days
def test_the_default_folder_is_in_the_user_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_dir() == tmp_path / "floorwatch" / "recordings"  # Linux: XDG
    assert recordings_dir("", demo=True) == default_dir() / "demo"
    assert recordings_dir("~/rec") == recordings_dir("~/rec").expanduser()


def test_one_file_per_local_day_named_by_its_date(tmp_path):
    day = date(2025, 3, 9)
    assert day_path(tmp_path, day) == tmp_path / "2025-03-09.db"
    assert local_day(at(day, 23, 59, 59.9)) == day
    assert local_day(at(day, 0, 0)) == day
    assert next_midnight(at(day, 23, 59, 59.9)) == at(day + timedelta(days=1), 0, 0)
    assert next_midnight(at(day, 0, 0)) == at(day + timedelta(days=1), 0, 0)
    assert file_day(tmp_path / "2025-03-09.db") == day
    for name in ("2025-02-30.db", "x2025-03-09.db", "2025-03-09.db-wal", "2025-3-9.db",
                 "notes.db"):
        assert file_day(tmp_path / name) is None, name


# ------------------------------------------------------------------ pruning
def test_files_older_than_keep_days_are_pruned_and_nothing_else(tmp_path):
    today = date(2025, 6, 30)
    days = [today - timedelta(days=n) for n in range(0, 21)]
    for day in days:
        day_path(tmp_path, day).write_bytes(b"x")
    old = day_path(tmp_path, today - timedelta(days=20))
    for side in ("-wal", "-shm"):
        old.with_name(old.name + side).write_bytes(b"x")
    others = [tmp_path / n for n in ("notes.txt", "2025-02-30.db", "copy-2020-01-01.db")]
    for path in others:
        path.write_bytes(b"keep me")
    (tmp_path / "2020-01-01.db").mkdir()  # a folder with a day's name: not ours
    spared = day_path(tmp_path, today - timedelta(days=19))  # the file being written

    removed = prune(tmp_path, 14, today, keep=[spared])

    # Days more than 14 before today go: 15..20 days back, but the spared one.
    expected = {day_path(tmp_path, today - timedelta(days=n)) for n in (15, 16, 17, 18, 20)}
    assert set(removed) == expected
    left = {p.name for p in tmp_path.iterdir()}
    assert not any(p.name in left for p in expected)
    assert not {old.name + "-wal", old.name + "-shm"} & left
    assert {day_path(tmp_path, today - timedelta(days=n)).name for n in range(15)} <= left
    assert spared.name in left and {p.name for p in others} <= left
    assert (tmp_path / "2020-01-01.db").is_dir()


def test_keep_days_zero_keeps_everything_and_a_missing_folder_is_fine(tmp_path):
    day_path(tmp_path, date(2000, 1, 1)).write_bytes(b"x")
    assert prune(tmp_path, 0, date(2025, 1, 1)) == []
    assert day_path(tmp_path, date(2000, 1, 1)).exists()
    assert prune(tmp_path / "none", 14, date(2025, 1, 1)) == []


def test_the_recorder_prunes_at_start_and_never_todays_file(tmp_path):
    today = date(2025, 6, 30)
    old, recent = day_path(tmp_path, date(2025, 6, 1)), day_path(tmp_path, date(2025, 6, 20))
    for path in (old, recent):
        path.write_bytes(b"x")
    live = LiveRecorder(RecordingPlan(folder=tmp_path, keep_days=14), [FEED],
                        clock=Clock(at(today, 10, 0)))
    live.close()
    assert live.pruned == [old] and not old.exists() and recent.exists()
    assert live.path == day_path(tmp_path, today) and live.path.exists()


# ------------------------------------------------------------------ recording
def test_the_tap_records_what_the_tick_drains_committing_every_quarter_second(tmp_path):
    assert COMMIT_INTERVAL_S == 0.25
    batches = sim_batches(5)
    live = LiveRecorder(RecordingPlan(folder=tmp_path), [FEED], clock=Clock(at(date(2025, 1, 2),
                                                                               9, 0)))
    assert live.recorder.interval_s == COMMIT_INTERVAL_S
    feed_batches(live, Floor(), batches)
    live.close()
    sent = [(i.feed, i.seq, i.event) for batch in batches for i in batch]
    got = [(feed, seq, event) for feed, seq, _, event in read_rows(live.path)]
    assert got == sent
    assert read_meta(live.path)["feeds"] == [FEED]
    assert live.dropped == 0 and live.error == ""


def test_a_snapshot_is_stored_with_seq_0_as_on_the_wire(tmp_path):
    live = LiveRecorder(RecordingPlan(file=tmp_path / "one.db"), [FEED])
    floor = Floor()
    feed_batches(live, floor, sim_batches(2))
    snap = Snapshot(t=floor.now, seq=77, state=floor.snapshot(FEED))
    live([FeedEvent(FEED, 77, snap)])
    live.close()
    *_, (feed, seq, _, event) = read_rows(tmp_path / "one.db")
    assert (feed, seq, type(event), event.seq) == (FEED, 0, Snapshot, 77)


def test_a_session_spanning_midnight_switches_files_and_the_new_one_stands_alone(tmp_path):
    day = date(2025, 3, 9)
    clock = Clock(at(day, 23, 59, 59.5))
    too_old = day_path(tmp_path, day - timedelta(days=2))
    too_old.write_bytes(b"x")  # kept at start (keep_days 2), pruned at the switch
    batches = sim_batches(12)
    live_floor = Floor()
    live = LiveRecorder(RecordingPlan(folder=tmp_path, keep_days=2), [FEED], floor=live_floor,
                        runs={FEED: lambda: "run-1"}, clock=clock)
    assert too_old.exists()
    feed_batches(live, live_floor, batches[:6])
    clock.t = at(day + timedelta(days=1), 0, 0, 0.2)
    feed_batches(live, live_floor, batches[6:])
    live.close()

    first, second = day_path(tmp_path, day), day_path(tmp_path, day + timedelta(days=1))
    assert live.switches == 1 and live.path == second
    assert not too_old.exists() and first.exists()
    before = [(f, s, e) for f, s, _, e in read_rows(first)]
    assert before == [(i.feed, i.seq, i.event) for b in batches[:6] for i in b]
    rows = list(read_rows(second))
    # The new day's file opens with the floor as it stood, then the events after it.
    feed, seq, epoch, snap = rows[0]
    assert (feed, seq, epoch, type(snap)) == (FEED, 0, "run-1", Snapshot)
    assert snap.seq == batches[5][-1].seq
    assert [(f, s, e) for f, s, _, e in rows[1:]] == [
        (i.feed, i.seq, i.event) for b in batches[6:] for i in b]
    # Replaying the new file alone gives the floor the window had.
    replayed = Floor()
    for feed, _, _, event in rows:
        replayed.apply(event, feed)
    same = [json.dumps(f.snapshot(FEED), sort_keys=True) for f in (replayed, live_floor)]
    assert same[0] == same[1]  # as text: the trend's gaps are NaN, never equal to NaN
    assert replayed.now == live_floor.now


def test_the_switch_waits_while_the_floor_is_behind_what_was_recorded(tmp_path):
    day = date(2025, 3, 9)
    clock = Clock(at(day, 23, 59, 59))
    behind = True
    live = LiveRecorder(RecordingPlan(folder=tmp_path), [FEED], floor=Floor(), clock=clock,
                        ready=lambda: not behind)
    batches = sim_batches(3)
    live(batches[0])
    clock.t += 5
    live(batches[1])  # past midnight, but a feed is held: still yesterday's file
    assert live.switches == 0
    behind = False
    live(batches[2])
    live.close()
    assert live.switches == 1
    assert len(list(read_rows(day_path(tmp_path, day)))) == len(batches[0]) + len(batches[1])


def test_a_file_given_is_kept_past_midnight_and_prunes_nothing(tmp_path):
    day = date(2025, 3, 9)
    old = day_path(tmp_path, date(2000, 1, 1))
    old.write_bytes(b"x")
    clock = Clock(at(day, 23, 59, 59))
    live = LiveRecorder(RecordingPlan(file=tmp_path / "mine.db"), [FEED], floor=Floor(),
                        clock=clock)
    live(sim_batches(1)[0])
    clock.t += 3600
    live([FeedEvent(FEED, 999, Heartbeat(1.0))])
    live.close()
    assert live.switches == 0 and old.exists()
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["2000-01-01.db", "mine.db"]


# ------------------------------------------------------------------ runs
def test_a_source_without_runs_gets_one_per_session_so_sessions_never_merge(tmp_path):
    """Two demo sessions of a day append to its file; the simulator numbers from 1 and
    reuses contact ids each time: the report must keep them apart."""
    plan = RecordingPlan(file=tmp_path / "day.db")
    sim = SimulatedSource(SimConfig(agents=5, seed=1))
    epochs = []
    for _ in range(2):
        runs = run_names([sim])
        live = LiveRecorder(plan, ["sim"], runs=runs)
        live([FeedEvent("sim", 1, Heartbeat(1.0)), FeedEvent("sim", 2, Heartbeat(2.0))])
        live.close()
        epochs.append(runs["sim"]())
    assert epochs[0] != epochs[1] and all(e.startswith("session-") for e in epochs)
    rows = list(read_rows(plan.file))
    assert [epoch for _, _, epoch, _ in rows] == [epochs[0]] * 2 + [epochs[1]] * 2
    keys = FeedRuns()
    assert len({keys.run(f, s, e, ev) for f, s, e, ev in rows}) == 2


def test_a_websocket_feed_is_named_by_its_servers_run():
    source = WebsocketSource("ws://u:p@127.0.0.1:9/?token=x")
    names = run_names([source])
    assert list(names) == ["ws://127.0.0.1:9/"]
    assert names["ws://127.0.0.1:9/"]() == ""
    source.sequencer.welcome("e-42")
    assert names["ws://127.0.0.1:9/"]() == "e-42"


# ------------------------------------------------------------------ trouble
def test_a_file_that_cannot_be_written_is_an_error_never_an_exception(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    live = LiveRecorder(RecordingPlan(folder=blocker / "recordings"), [FEED])
    live.recorder.wait_ready()
    live(sim_batches(1)[0])  # the tick goes on
    live.close()
    assert "not-a-folder" in live.error
    assert live.dropped > 0
