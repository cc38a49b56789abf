"""The replay source: paced playback, seek by checkpoints, and determinism.

The floor after a seek to T (the snapshots the source gives, installed in a fresh
floor) must equal the floor reached by playing the recording from the start to T,
in every feed's state, record and view; and the alert engine fed the replay must
raise what `floorwatch alerts check` (`run_backtest`) finds in the file.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from feeds.hub import FeedHub
from feeds.sources.replay import ReplaySource
from feeds.store import checkpoints
from feeds.store.recording import RecordingError, read_rows
from monitor.alert_backtest import run_backtest
from monitor.alert_book import TIMELINE_EVENTS
from monitor.alert_defaults import default_rules
from monitor.alert_engine import AlertEngine
from monitor.alert_rules import AlertRule, Scope, Selector, Severity
from monitor.events import Heartbeat, Snapshot
from monitor.floor import Floor
from tests.feeds.replay_fixtures import assert_same_floor, collect, play_to, record_sim

HOUR = 3600.0


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One simulated hour and a half, checkpoints every 300 s (as the recorder writes)."""
    path = tmp_path_factory.mktemp("replay") / "day.fwrec"
    record_sim(path, 1.5 * HOUR)
    return path


@pytest.fixture(scope="module")
def two_feeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("replay2") / "two.fwrec"
    record_sim(path, 0.5 * HOUR, agents=30, feeds=("east", "west"), checkpoint_s=120)
    return path


def seek_floor(source: ReplaySource, t: float) -> tuple[Floor, list]:
    """A fresh floor given the source's seek to t: its snapshots, one per feed."""
    n = len(source.feeds)
    items = collect(source, lambda got: len(got) >= n + 1, before=lambda: source.seek(t),
                    timeout=5.0 if t < source.span[1] else 0.3)
    assert len(items) >= n
    floor = Floor()
    for item in items[:n]:
        assert isinstance(item.event, Snapshot) and item.seq == 0
        floor.apply(item.event, item.feed)
    return floor, items


def test_the_recorder_writes_a_checkpoint_per_feed_every_300_s_of_event_time(day):
    with sqlite3.connect(day) as conn:
        rows = conn.execute("SELECT t, feed, last_id FROM checkpoints ORDER BY id").fetchall()
        first, last = conn.execute("SELECT MIN(t), MAX(t) FROM events").fetchone()
    assert {feed for _, feed, _ in rows} == {"sim"}
    times = [t for t, _, _ in rows]
    # Each falls on the first event at or past a multiple of 300 s.
    assert len(times) == int(last // 300) - int(first // 300)
    assert [int(t // 300) for t in times] == list(range(int(first // 300) + 1,
                                                          int(last // 300) + 1))
    assert [i for _, _, i in rows] == sorted(i for _, _, i in rows)


@pytest.mark.parametrize("offset", [0.0, 299.5, 300.0, 1234.5, 2 * HOUR - 1, 5.4 * 1000])
def test_the_floor_after_a_seek_equals_playing_from_the_start(day, offset):
    source = ReplaySource(day, speed=math.inf)
    t = source.span[0] + offset
    floor, items = seek_floor(source, t)
    assert_same_floor(floor, play_to(day, t), source.feeds, f"seek {offset}")
    if t >= source.span[1]:
        assert len(items) == len(source.feeds) and source.at_end  # past the end: held there
        return
    after = items[len(source.feeds)]  # the first event after the seek: past t
    assert after.event.t > t
    assert source.position_t == after.event.t


def test_after_a_seek_the_replay_goes_on_as_if_played(day):
    source = ReplaySource(day, speed=math.inf)
    t1, t2 = source.span[0] + 1000.5, source.span[0] + 1900.0
    n = len(source.feeds)
    items = collect(source, lambda got: got[-1].event.t > t2, before=lambda: source.seek(t1))
    floor = Floor()
    for item in items[:-1]:
        floor.apply(item.event, item.feed)
    assert_same_floor(floor, play_to(day, t2), source.feeds, "seek then play")
    assert all(not isinstance(i.event, Snapshot) for i in items[n:])


def test_seeking_without_checkpoints_gives_the_same_floor(day, tmp_path):
    old = tmp_path / "old.fwrec"
    with sqlite3.connect(day) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
    with sqlite3.connect(old) as conn:
        conn.execute("DROP TABLE checkpoints")  # a recording from before them
    t = ReplaySource(day).span[0] + 2500.0
    with_cp, _ = seek_floor(ReplaySource(day, speed=math.inf), t)
    without, _ = seek_floor(ReplaySource(old, speed=math.inf), t)
    assert_same_floor(without, with_cp, ["sim"], "without checkpoints")
    with sqlite3.connect(old) as conn:
        pos = checkpoints.state_at(conn, t, lambda after: iter(()))
    assert pos.checkpoint_t is None


def test_a_damaged_checkpoint_falls_back_to_an_earlier_one(day, tmp_path):
    copy = tmp_path / "copy.fwrec"
    with sqlite3.connect(day) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    source = ReplaySource(copy, speed=math.inf)
    t = source.span[0] + 2000.0
    with sqlite3.connect(copy) as conn:
        latest = conn.execute("SELECT MAX(id) FROM checkpoints WHERE t <= ?", (t,)).fetchone()[0]
        conn.execute("UPDATE checkpoints SET data = x'c1c1c1' WHERE id = ?", (latest,))
        pos = source.state_at(conn, t)
        assert pos.checkpoint_t is not None
        assert pos.checkpoint_t < conn.execute("SELECT t FROM checkpoints WHERE id = ?",
                                               (latest,)).fetchone()[0]
    floor, _ = seek_floor(source, t)
    assert_same_floor(floor, play_to(day, t), source.feeds, "damaged checkpoint")


def test_two_feeds_replay_as_two_feeds_and_seek_to_the_same_floor(two_feeds):
    source = ReplaySource(two_feeds, speed=math.inf)
    assert source.feeds == ["east", "west"]
    t = source.span[0] + 777.7
    floor, items = seek_floor(source, t)
    assert {i.feed for i in items[:2]} == {"east", "west"}
    assert_same_floor(floor, play_to(two_feeds, t), source.feeds, "two feeds")
    prefixed = ReplaySource(two_feeds, speed=math.inf, key_prefix="r/")
    got = collect(prefixed, lambda got: len(got) >= 50)
    assert {i.feed for i in got} <= {"r/east", "r/west"}


def test_a_forward_seek_on_a_floor_that_played_part_way(day):
    source = ReplaySource(day, speed=math.inf)
    t1, t2 = source.span[0] + 600.0, source.span[0] + 3000.0
    floor = play_to(day, t1)
    n = len(source.feeds)
    items = collect(source, lambda got: len(got) >= n, before=lambda: source.seek(t2))
    for item in items:
        floor.apply(item.event, item.feed)
    assert_same_floor(floor, play_to(day, t2), source.feeds, "forward seek")


def test_the_alert_engine_fed_the_replay_raises_what_alerts_check_finds(day):
    rules = [*default_rules(),
             AlertRule("online_wait_20", "longest_wait_s", ">", 20, 10, 0, Severity.WARNING,
                       Selector(channel="online")),
             AlertRule("hotline_wait_5", "longest_wait_s", ">", 5, 2, 3, Severity.CRITICAL,
                       Selector(channel="hotline"), escalate_after_s=60),
             AlertRule("waiting_any", "waiting", ">", 0, 0, 0, Severity.INFO)]
    replayable = {r.name for r in rules if r.scope is not Scope.FEED}
    source = ReplaySource(day, speed=math.inf, hold_at_end=False)
    engine = AlertEngine(Floor(), rules)
    live = []
    for item in collect(source, lambda got: False):
        engine.apply(item.event, item.feed)
        live += engine.take_transitions()
    engine.finish()
    live += engine.take_transitions()
    checked = run_backtest(((f, e) for f, _s, _e, e in read_rows(day)), rules, Floor())

    def key(tr):
        return tr.t, tr.rule, tr.target, tr.event, tr.value

    got = [key(tr) for tr in live if tr.event in TIMELINE_EVENTS and tr.rule in replayable]
    assert len(got) > 10 and {k[1] for k in got} >= {"online_wait_20", "waiting_any"}
    assert got == [key(tr) for tr in checked.transitions if tr.rule in replayable]


def test_playback_is_paced_by_event_time_times_speed(day):
    source = ReplaySource(day, speed=120.0)
    started = time.monotonic()
    items = collect(source, lambda got: got[-1].event.t - got[0].event.t >= 60.0,
                    before=lambda: source.seek(source.span[0] + 1200.0))
    took = time.monotonic() - started
    assert 0.4 <= took < 3.0  # 60 s of events at 120x: half a second
    assert items[-1].event.t - 60.0 <= source.position_t


def test_pause_play_speed_and_seek_from_another_thread(day):
    source = ReplaySource(day, speed=1.0)
    hub = FeedHub([source])
    t0 = source.span[0]
    source.seek(t0 + 1800.0)  # before it starts: else the first events may go out first
    hub.start()
    try:
        deadline = time.monotonic() + 10
        while source.position_t < t0 + 1800.0 and time.monotonic() < deadline:
            time.sleep(0.02)
        source.pause()
        assert source.paused
        drained = hub.drain()
        assert isinstance(drained[0].event, Snapshot)
        time.sleep(0.2)
        held = source.position_t
        hub.drain()
        time.sleep(0.3)
        assert source.position_t == held and not hub.drain()
        source.set_speed(math.inf)
        source.play()
        deadline = time.monotonic() + 10
        while source.position_t < t0 + 2400.0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert source.position_t >= t0 + 2400.0
        assert source.health().connected
    finally:
        hub.stop()


def test_the_source_holds_at_the_end_until_a_seek_and_ends_when_told(day):
    source = ReplaySource(day, speed=math.inf, hold_at_end=False)
    items = collect(source, lambda got: False)
    assert source.at_end and len(items) == source.problems.events
    assert source.position_t == source.span[1]
    held = ReplaySource(day, speed=math.inf, start_t=source.span[1] - 10)
    seek_back = threading.Timer(0.3, held.seek, (source.span[0] + 60,))

    def sought_back(got: list) -> bool:
        return held.seeks == 2 and got[-1].event.t > source.span[0] + 60

    got = collect(held, sought_back, before=seek_back.start, timeout=5)
    assert held.seeks == 2 and isinstance(got[-2].event, Snapshot)
    assert [i.event.t for i in got if not isinstance(i.event, Snapshot)][-2] == source.span[1]


def test_start_and_end_bound_the_replay(day):
    probe = ReplaySource(day)
    start, end = probe.span[0] + 600.0, probe.span[0] + 900.0
    source = ReplaySource(day, speed=math.inf, start_t=start, end_t=end, hold_at_end=False)
    items = collect(source, lambda got: False)
    assert isinstance(items[0].event, Snapshot)
    events = [i.event for i in items[1:]]
    assert events and all(start < e.t <= end for e in events)
    assert source.position_t == end


def test_busy_periods_count_events_but_heartbeats_per_bucket(day):
    source = ReplaySource(day)
    periods = source.busy_periods(300)
    counts: dict[float, int] = {}
    for _f, _s, _e, event in read_rows(day):
        if not isinstance(event, Heartbeat):
            b = event.t // 300 * 300
            counts[b] = counts.get(b, 0) + 1
    assert periods == sorted(counts.items())
    assert sum(n for _, n in source.busy_periods(900)) == sum(counts.values())


def test_bad_arguments_and_files_say_what_is_wrong(day, tmp_path):
    with pytest.raises(ValueError, match="speed"):
        ReplaySource(day, speed=0)
    with pytest.raises(ValueError, match="seek"):
        ReplaySource(day).seek(math.nan)
    with pytest.raises(RecordingError, match="no recording"):
        ReplaySource(tmp_path / "missing.fwrec")
    (tmp_path / "text.fwrec").write_text("hello")
    with pytest.raises(RecordingError, match="text.fwrec"):
        ReplaySource(tmp_path / "text.fwrec")
    assert not ReplaySource.accepts_commands


def test_commands_from_threads_while_playing_never_break_the_stream(day):
    source = ReplaySource(day, speed=500.0)
    stop_at = time.monotonic() + 1.5
    errors = []

    def poke() -> None:
        try:
            while time.monotonic() < stop_at:
                source.set_speed(200.0)
                source.seek(source.span[0] + 500.0)
                source.pause()
                source.play()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=poke)
    items = collect(source, lambda got: time.monotonic() > stop_at + 0.3,
                    before=thread.start, timeout=10)
    thread.join()
    assert not errors and items
