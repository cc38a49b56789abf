"""Recordings: the SQLite file format, the background recorder and the reader."""

from __future__ import annotations

import contextlib
import math
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import msgpack
import pytest

from feeds import protocol as p
from feeds.store import packing
from feeds.store.recording import (
    FORMAT_VERSION,
    ReadStats,
    Recorder,
    RecordingError,
    RecordingStore,
    read_meta,
    read_recording,
    read_rows,
)
from monitor import events as ev
from monitor.floor import Floor
from tests.conftest import wait_until
from tests.floors import T0

FEED = "ws://127.0.0.1:9/sim"
OTHER = "ws://127.0.0.1:9/chat"


def floor_events() -> list[ev.Event]:
    return [
        ev.QueueDefined(T0, "hl", "General", "hotline", 20.0, name_zh="普通"),
        ev.QueueDefined(T0, "app", "App chat", "online", 60.0, tier="vip"),
        ev.AgentLogin(T0, "a1", "Ann", "team 1"),
        ev.AgentSkills(T0, "a1", {"hl": 5, "app": 2}, 3),
        ev.AgentStateChanged(T0 + 1, "a1", "available"),
        ev.ContactOffered(T0 + 2, "c1", "hl", "+86 138****0000"),
        ev.ContactAnswered(T0 + 5, "c1", "hl", "a1"),
    ]


def every_type() -> list[ev.Event]:
    """One event of every canonical type, a snapshot among them."""
    floor = Floor()
    setup = floor_events()
    for e in setup:
        floor.apply(e, FEED)
    snapshot = ev.Snapshot(floor.now, seq=len(setup), state=floor.snapshot(FEED))
    out = [*setup, snapshot,
           ev.ContactOffered(T0 + 6, "c2", "app"),
           ev.ChatMessage(T0 + 6, "c2", "customer", "订单还没到"),
           ev.ContactAbandoned(T0 + 7, "c3", "hl"),
           ev.ContactExited(T0 + 8, "c4", "hl", "key"),
           ev.ContactEnded(T0 + 9, "c1", "hl", "a1"),
           ev.ContactTransferred(T0 + 10, "c5", "hl", "app", "a1"),
           ev.CallbackRequested(T0 + 11, "c6", "hl", "appointment", 75.5),
           ev.CallbackCompleted(T0 + 12, "c6", "hl", "a1"),
           ev.SurveyResult(T0 + 13, "c1", "hl", "a1", nps=9, csat=5),
           ev.AgentLogout(T0 + 14, "a1"),
           ev.Heartbeat(T0 + 15),
           ev.BotStarted(T0 + 16, "c7", "app"),
           ev.BotResolved(T0 + 17, "c7", "app"),
           ev.BotHandoff(T0 + 18, "c8", "app")]
    assert {type(e) for e in out} == set(ev.EVENT_TYPES.values())
    return out


def record_all(path: Path, items: list[tuple[str, int, ev.Event]], **kw) -> Recorder:
    with Recorder(path, **kw) as rec:
        for feed, seq, event in items:
            assert rec.record(feed, seq, event)
    return rec


def numbered(events: list[ev.Event], feed: str = FEED) -> list[tuple[str, int, ev.Event]]:
    """(feed, seq, event) as a feed numbers them: snapshots 0, events 1, 2, …"""
    out, seq = [], 0
    for e in events:
        if isinstance(e, ev.Snapshot):
            out.append((feed, 0, e))
        else:
            seq += 1
            out.append((feed, seq, e))
    return out


@contextlib.contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain SQLite connection, committed and closed at the end."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def raw_rows(path: Path) -> list[tuple]:
    with connect(path) as conn:
        rows = conn.execute("SELECT id, feed, seq, t, type, data FROM events ORDER BY id")
        return rows.fetchall()


# ------------------------------------------------------------------ round trip
def test_every_event_type_round_trips(tmp_path):
    path = tmp_path / "floor.fwrec"
    events = every_type()
    rec = record_all(path, numbered(events), feeds=[FEED])
    assert (rec.written, rec.dropped, rec.error) == (len(events), 0, "")
    assert rec.written_counts() == {FEED: len(events)}

    stats = ReadStats()
    got = list(read_recording(path, stats=stats))
    assert (stats.rows, stats.events, stats.skipped) == (len(events), len(events), 0)
    assert [feed for feed, _ in got] == [FEED] * len(events)
    snap_at = next(i for i, e in enumerate(events) if isinstance(e, ev.Snapshot))
    plain = [e for i, (_, e) in enumerate(got) if i != snap_at]
    assert plain == [e for i, e in enumerate(events) if i != snap_at]

    # The snapshot comes back as the same state: a floor loaded from it is the original.
    snap = got[snap_at][1]
    assert isinstance(snap, ev.Snapshot) and snap.seq == events[snap_at].seq
    assert snap.t == events[snap_at].t
    original, restored = Floor(), Floor()
    original.apply(events[snap_at], FEED)
    restored.apply(snap, FEED)
    for q in ("hl", "app"):
        assert restored.queue_view(q) == original.queue_view(q)
    assert restored.agents["a1"].skills == {"hl": 5, "app": 2}


def test_the_file_format(tmp_path):
    path = tmp_path / "floor.fwrec"
    events = every_type()
    items = numbered(events)
    before = time.time()
    record_all(path, items, feeds=[FEED])

    rows = raw_rows(path)
    assert [r[0] for r in rows] == list(range(1, len(events) + 1))  # id = rowid, arrival order
    for (_, feed, seq, t, typ, data), (want_feed, want_seq, e) in zip(rows, items, strict=True):
        assert (feed, seq, t, typ) == (want_feed, want_seq, e.t, e.TYPE)
        # msgpack of the envelope's data map (byte for byte: the snapshot's trend has NaN)
        assert data == msgpack.packb(p.event_envelope(e, feed, seq).data, use_bin_type=True)
    snapshot_row = next(r for r in rows if r[4] == "snapshot")
    assert snapshot_row[2] == 0
    assert msgpack.unpackb(snapshot_row[5])["seq"] == 7

    with connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexes = conn.execute("PRAGMA index_list(events)").fetchall()
        assert [conn.execute(f"PRAGMA index_info({i[1]})").fetchall()[0][2]
                for i in indexes] == ["t"]
        columns = {c[1]: c[2] for c in conn.execute("PRAGMA table_info(events)")}
        run_columns = {c[1]: c[2] for c in conn.execute("PRAGMA table_info(runs)")}
        run_of_rows = {r for (r,) in conn.execute("SELECT run FROM events")}
    assert columns == {"id": "INTEGER", "feed": "TEXT", "seq": "INTEGER", "t": "REAL",
                       "type": "TEXT", "data": "BLOB", "run": "INTEGER"}
    assert run_columns == {"id": "INTEGER", "feed": "TEXT", "epoch": "TEXT"}
    assert run_of_rows == {None}  # recorded without an epoch
    meta = read_meta(path)
    assert meta["format"] == "floorwatch-recording"
    assert meta["format_version"] == FORMAT_VERSION == 1
    assert before <= meta["created"] <= meta["closed"] <= time.time()
    assert meta["feeds"] == [FEED]
    assert meta["dropped"] == 0
    assert isinstance(meta["floorwatch_version"], str) and meta["floorwatch_version"]


def test_arrival_order_is_kept_across_feeds_and_out_of_order_times(tmp_path):
    path = tmp_path / "two.fwrec"
    items = [
        (FEED, 1, ev.Heartbeat(T0 + 10)),
        (OTHER, 1, ev.Heartbeat(T0 + 3)),  # an earlier event time, arrived later
        (FEED, 2, ev.ContactOffered(T0 + 11, "c1", "hl")),
        (OTHER, 2, ev.ContactOffered(T0 + 4, "x1", "app")),
        (FEED, 3, ev.Heartbeat(T0 + 9)),
    ]
    record_all(path, items, feeds=[FEED])
    assert list(read_recording(path)) == [(f, e) for f, _, e in items]
    assert read_meta(path)["feeds"] == [FEED, OTHER]  # a feed first seen while recording


def test_since_and_until_select_a_half_open_range(tmp_path):
    path = tmp_path / "range.fwrec"
    record_all(path, [(FEED, i + 1, ev.Heartbeat(T0 + i)) for i in range(10)])

    def times(**kw) -> list[float]:
        return [e.t - T0 for _, e in read_recording(path, **kw)]

    assert times(since=T0 + 3, until=T0 + 6) == [3, 4, 5]
    assert times(since=T0 + 7.5) == [8, 9]
    assert times(until=T0 + 2) == [0, 1]
    assert times(since=T0 + 20) == []
    assert times() == list(range(10))


def test_appending_to_a_recording_keeps_what_it_had(tmp_path):
    path = tmp_path / "more.fwrec"
    record_all(path, [(FEED, 1, ev.Heartbeat(T0))], feeds=[FEED])
    record_all(path, [(OTHER, 1, ev.Heartbeat(T0 + 1))], feeds=[OTHER])
    assert [(f, e.t) for f, e in read_recording(path)] == [(FEED, T0), (OTHER, T0 + 1)]
    assert read_meta(path)["feeds"] == [FEED, OTHER]


# ------------------------------------------------------------- the writer thread
def test_a_burst_is_one_commit_and_readable_while_recording(tmp_path):
    path = tmp_path / "live.fwrec"
    rec = Recorder(path, interval_s=0.5)
    try:
        assert rec.wait_ready() and rec.error == ""
        for i in range(2000):
            rec.record(FEED, i + 1, ev.ContactOffered(T0 + i, f"c{i}", "hl"))
        # Committed within the interval, without a flush, and readable meanwhile (WAL).
        assert wait_until(lambda: sum(1 for _ in read_recording(path)) == 2000, timeout=3)
        assert rec.commits <= 2
        with connect(path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        rec.close()


def test_commits_are_batched_by_interval(tmp_path):
    rec = Recorder(tmp_path / "steady.fwrec", interval_s=0.2)
    try:
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < 1.0:
            n += 1
            rec.record(FEED, n, ev.Heartbeat(T0 + n))
            time.sleep(0.01)
        assert rec.flush()
        elapsed = time.monotonic() - started
    finally:
        rec.close()
    assert rec.written == n > 50
    # One commit per interval (plus the first event's and the flush's), not one per event.
    assert 2 <= rec.commits <= elapsed / 0.2 + 3


def test_close_writes_everything_queued(tmp_path):
    path = tmp_path / "close.fwrec"
    rec = Recorder(path, interval_s=60)  # would not commit again for a minute
    rec.record(FEED, 1, ev.Heartbeat(T0))
    assert wait_until(lambda: rec.written == 1)
    for i in range(2, 502):
        rec.record(FEED, i, ev.Heartbeat(T0 + i))
    assert len(raw_rows(path)) == 1  # queued, not yet committed
    started = time.monotonic()
    rec.close()
    assert time.monotonic() - started < 5
    assert len(raw_rows(path)) == 501 and rec.written == 501
    assert not rec.record(FEED, 600, ev.Heartbeat(T0 + 600))  # closed: counted, not written
    assert rec.dropped == 1


def test_a_full_queue_drops_and_counts_instead_of_blocking(tmp_path):
    path = tmp_path / "full.fwrec"
    rec = Recorder(path, limit=5, interval_s=60)
    rec.record(FEED, 1, ev.Heartbeat(T0))
    assert wait_until(lambda: rec.written == 1)  # the writer now waits out its interval
    started = time.monotonic()
    accepted = [rec.record(FEED, i, ev.Heartbeat(T0 + i)) for i in range(2, 12)]
    assert time.monotonic() - started < 0.5
    assert accepted == [True] * 5 + [False] * 5
    assert rec.dropped == 5 and rec.pending == 5
    rec.close()
    assert rec.written == 6
    assert read_meta(path)["dropped"] == 5


# ------------------------------------------------------------------ bad files, bad rows
def make_recording(path: Path, n: int = 3) -> None:
    record_all(path, [(FEED, i + 1, ev.ContactOffered(T0 + i, f"c{i}", "hl"))
                      for i in range(n)])


def test_bad_rows_are_counted_and_skipped(tmp_path):
    path = tmp_path / "rows.fwrec"
    make_recording(path, 2)
    good = msgpack.packb({"contact": "c9", "queue": "hl"})
    with connect(path) as conn:
        conn.executemany("INSERT INTO events (feed, seq, t, type, data) VALUES (?,?,?,?,?)", [
            (FEED, 3, T0 + 3, "contact.offered", b"\xc1 not msgpack"),
            (FEED, 4, T0 + 4, "contact.teleported", good),
            (FEED, 5, T0 + 5, "contact.offered", msgpack.packb({"queue": "hl"})),
            (FEED, 6, T0 + 6, "contact.offered", msgpack.packb({"contact": 6, "queue": "hl"})),
            (FEED, 7, None, "contact.offered", good),
            (FEED, 8, T0 + 8, "contact.offered", msgpack.packb([1, 2])),
            (FEED, 9, T0 + 9, "agent.state",
             msgpack.packb({"agent": "a1", "state": "asleep"})),
            (FEED, 10, T0 + 10, "contact.offered", "text, not bytes"),
            (FEED, 11, T0 + 11, "contact.offered", good),
        ])
    stats = ReadStats()
    got = [e for _, e in read_recording(path, stats=stats)]
    assert [e.contact for e in got] == ["c0", "c1", "c9"]
    assert (stats.rows, stats.events, stats.skipped) == (11, 3, 8)
    assert stats.reasons == {"undecodable": 2, "unknown_type": 1, "missing_field": 1,
                             "wrong_field_type": 1, "bad_time": 1, "not_a_map": 1,
                             "bad_enum_value": 1}
    assert [rowid for rowid, _ in stats.problems] == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "contact.teleported" in stats.problems[1][1]


def test_not_a_recording_names_the_file(tmp_path):
    garbage = tmp_path / "notes.txt"
    garbage.write_bytes(b"this is not SQLite\n" * 100)
    other_db = tmp_path / "other.db"
    with connect(other_db) as conn:
        conn.execute("CREATE TABLE events (x)")
    cases = {
        garbage: "not an SQLite database",
        other_db: "without 'events' and 'meta' tables",
        tmp_path / "missing.fwrec": "no such file",
        tmp_path: "not a recording file",
    }
    for path, why in cases.items():
        with pytest.raises(RecordingError) as exc:
            read_recording(path)  # checked at once, before the first event is asked for
        assert str(path) in str(exc.value) and why in str(exc.value)

    # The recorder refuses them too, and changes nothing.
    for path in (garbage, other_db):
        before = path.read_bytes()
        rec = Recorder(path)
        assert rec.wait_ready()
        rec.record(FEED, 1, ev.Heartbeat(T0))  # taken, then dropped by the writer
        rec.close()
        assert str(path) in rec.error and rec.dropped == 1
        assert path.read_bytes() == before


def test_a_newer_format_version_is_refused(tmp_path):
    path = tmp_path / "future.fwrec"
    make_recording(path)
    with connect(path) as conn:
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'format_version'")
    with pytest.raises(RecordingError, match="format version 2"):
        read_recording(path)


def test_a_damaged_recording_is_an_error_naming_it(tmp_path):
    path = tmp_path / "damaged.fwrec"
    make_recording(path, 3000)
    data = path.read_bytes()
    assert len(data) > 16 * 4096
    damaged = bytearray(data)
    damaged[4096:len(data) - 4096] = b"\xff" * (len(data) - 8192)  # every page but the ends
    path.write_bytes(bytes(damaged))
    with pytest.raises(RecordingError) as exc:
        for _ in read_recording(path):
            pass
    assert str(path) in str(exc.value)


def test_a_value_sqlite_cannot_hold_costs_only_its_own_row(tmp_path):
    # Issue 9: a snapshot stamped seq 2**63 - 1 and the events after it made the insert
    # raise OverflowError; nothing was written, `closed` was never set.
    path = tmp_path / "overflow.fwrec"
    rec = Recorder(path, interval_s=60)  # one batch: the good rows share it with the bad
    for seq, t in [(1, T0), (2**63, T0 + 1), (2, T0 + 2), (2**64 - 1, T0 + 3), (-1, T0 + 4),
                   (3, T0 + 5), (2**63 - 1, T0 + 6)]:
        rec.record(FEED, seq, ev.Heartbeat(t))
    rec.record("ws://\ud800", 4, ev.Heartbeat(T0 + 7))  # a feed key SQLite cannot store
    rec.record(FEED, 5, ev.Heartbeat(math.nan))
    started = time.monotonic()
    rec.close()
    assert time.monotonic() - started < 5
    assert (rec.written, rec.dropped, rec.error) == (4, 5, "")
    assert rec.drop_reasons == {
        "Heartbeat with a sequence number SQLite cannot hold": 3,
        "Heartbeat of a feed or run whose name is not Unicode text": 1,
        "Heartbeat with an event time that is not a finite number": 1}
    assert [r[2] for r in raw_rows(path)] == [1, 2, 3, 2**63 - 1]
    meta = read_meta(path)
    assert meta["dropped"] == 5 and meta["closed"] >= started


def test_a_write_that_fails_costs_its_batch_not_the_recorder(tmp_path, monkeypatch):
    path = tmp_path / "failing.fwrec"
    rec = Recorder(path, interval_s=0.01)
    assert rec.wait_ready()
    real_append = RecordingStore.append
    failures = iter([True])

    def append(store, rows, *cuts):
        if next(failures, False):
            raise RecordingError(f"cannot write recording {path}: disk I/O error")
        real_append(store, rows, *cuts)

    monkeypatch.setattr(RecordingStore, "append", append)
    rec.record(FEED, 1, ev.Heartbeat(T0))
    assert wait_until(lambda: rec.dropped == 1)
    rec.record(FEED, 2, ev.Heartbeat(T0 + 1))  # the writer is still alive
    assert wait_until(lambda: rec.written == 1)
    rec.close()
    assert "disk I/O error" in rec.error and rec.drop_reasons == {"write failed": 1}
    assert [r[2] for r in raw_rows(path)] == [2]
    assert read_meta(path)["dropped"] == 1


# ------------------------------------------------------------------------ feed runs
def test_each_event_keeps_its_feed_run(tmp_path):
    path = tmp_path / "runs.fwrec"
    items = [(FEED, 1, ev.Heartbeat(T0), "run-a"), (OTHER, 1, ev.Heartbeat(T0), "run-a"),
             (FEED, 2, ev.Heartbeat(T0 + 1), "run-a"), (FEED, 1, ev.Heartbeat(T0 + 2), "run-b"),
             (FEED, 2, ev.Heartbeat(T0 + 3), ""), (FEED, 3, ev.Heartbeat(T0 + 4), "run-a")]
    with Recorder(path, interval_s=60) as rec:
        for feed, seq, event, epoch in items:
            rec.record(feed, seq, event, epoch)
    assert list(read_rows(path)) == [(f, s, e or None, event) for f, s, event, e in items]
    with connect(path) as conn:
        runs = conn.execute("SELECT id, feed, epoch FROM runs ORDER BY id").fetchall()
    # One row per (feed, epoch): the same epoch of another feed is another run.
    assert runs == [(1, FEED, "run-a"), (2, OTHER, "run-a"), (3, FEED, "run-b")]
    # Appending keeps the runs it had, and adds new ones after them.
    with Recorder(path) as rec:
        rec.record(FEED, 4, ev.Heartbeat(T0 + 5), "run-b")
        rec.record(FEED, 1, ev.Heartbeat(T0 + 6), "run-c")
    assert [epoch for _, _, epoch, _ in read_rows(path)][-2:] == ["run-b", "run-c"]
    with connect(path) as conn:
        assert conn.execute("SELECT max(id), count(*) FROM runs").fetchone() == (4, 4)


def old_recording(path: Path) -> None:
    """A recording as Floorwatch wrote them before runs were recorded."""
    with connect(path) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, feed TEXT, seq INTEGER, "
                     "t REAL, type TEXT, data BLOB)")
        conn.execute("CREATE INDEX idx_events_t ON events (t)")
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("format", '"floorwatch-recording"'), ("format_version", "1"),
            ("created", str(T0)), ("feeds", f'["{FEED}"]')])
        conn.executemany("INSERT INTO events (feed, seq, t, type, data) VALUES (?,?,?,?,?)", [
            (FEED, i, T0 + i, "contact.offered",
             msgpack.packb({"contact": f"c{i}", "queue": "hl"})) for i in (1, 2)])


def test_a_recording_from_before_runs_is_read_and_appended_to(tmp_path):
    path = tmp_path / "old.fwrec"
    old_recording(path)
    assert [(seq, epoch, e.contact) for _, seq, epoch, e in read_rows(path)] == \
        [(1, None, "c1"), (2, None, "c2")]
    with Recorder(path) as rec:  # appending adds what runs need; old rows stay unnamed
        rec.record(FEED, 1, ev.ContactOffered(T0 + 9, "c9", "hl"), "run-a")
    assert rec.error == ""
    assert [(seq, epoch) for _, seq, epoch, _ in read_rows(path)] == \
        [(1, None), (2, None), (1, "run-a")]
    assert read_meta(path)["format_version"] == 1


# ---------------------------------------------------------------- values msgpack lacks
def test_plain_data_is_stored_as_plain_msgpack_and_big_values_are_kept():
    plain = {"contact": "c1", "n": 2**64 - 1, "m": -(2**63), "x": [1.5, None, "订单"]}
    assert packing.pack(plain) == msgpack.packb(plain, use_bin_type=True)
    odd = {"big": 10**30, "small": -(2**64), "deep": [[["a\ud800"]]], "ext": msgpack.ExtType(9, b"x")}
    assert packing.unpack(packing.pack(odd)) == odd
    with pytest.raises(TypeError):
        packing.pack({"x": object()})
