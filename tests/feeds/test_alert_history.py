"""The alert history: round trips through the writer thread, sessions, a private WAL
file, a writer that survives bad batches and a full queue, and files that are not it."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime

import pytest

from feeds.store.alert_history import (
    SCHEMA_VERSION,
    AlertHistory,
    AlertHistoryError,
    default_path,
    read_alerts,
    read_transitions,
)
from monitor.alert_book import AlertBook, Transition
from monitor.alert_rules import AlertRule, Severity

T = 1_767_258_000.0  # event time
WALL = 1_767_258_123.5  # the wall clock when a person acted
SL = AlertRule(
    "hotline_service_level",
    "service_level",
    "<",
    enter=80.0,
    exit=85.0,
    severity=Severity.CRITICAL,
    escalate_after_s=60.0,
    message_en="Service level below 80%",
    message_zh="服务水平低于80%",
)
WAIT = AlertRule(
    "online_longest_wait",
    "longest_wait_s",
    ">",
    enter=60.0,
    exit=60.0,
    message_en="Offer a callback",
    message_zh="建议回拨",
)


@pytest.fixture
def history(tmp_path):
    h = AlertHistory(tmp_path / "alerts.db")
    assert h.wait_ready() and h.error == ""
    yield h
    h.close()


def _tick(h: AlertHistory, book: AlertBook) -> int:
    """What the GUI does every tick: hand the new transitions over with the live alerts."""
    return h.record(book.take_transitions(), book.by_id)


def test_default_path_is_in_the_user_data_dir():
    path = default_path()
    assert path.name == "alerts.db" and "floorwatch" in str(path.parent).lower()


def test_raise_acknowledge_escalate_clear_round_trip(history):
    book = AlertBook()
    sl = book.raise_alert(
        SL,
        "hl-general",
        T,
        72.5,
        queue="hl-general",
        message_en=SL.message_en,
        message_zh=SL.message_zh,
        details={"inputs": {"offered": 40}},
    )
    wait = book.raise_alert(SL, "hl-vip", T + 1, 70.0, queue="hl-vip")
    assert _tick(history, book) == 2
    assert book.acknowledge(wait.id, "li@desk-3 (supervisor)", T + 5, WALL)
    _tick(history, book)
    book.advance(T + 61)  # sl is unacknowledged past 60 s: escalated; wait is not
    _tick(history, book)
    book.clear((SL.name, "hl-general"), T + 90, 86.0)
    book.clear((SL.name, "hl-vip"), T + 95, 88.0)
    _tick(history, book)  # cleared alerts are gone from by_id: the transition says it
    assert history.flush(5)
    assert (history.written, history.dropped, history.errors) == (6, 0, 0)

    rows = {r["target"]: r for r in read_alerts(history.path)}
    assert list(rows) == ["hl-vip", "hl-general"]  # newest first
    first, second = rows["hl-general"], rows["hl-vip"]
    assert first["alert_id"] == sl.id and first["session"] == history.session
    assert (first["rule"], first["severity"], first["scope"], first["queue"]) == (
        "hotline_service_level",
        "critical",
        "queue",
        "hl-general",
    )
    assert first["message_en"] == "Service level below 80%"
    assert first["message_zh"] == "服务水平低于80%"
    assert first["details"] == {"inputs": {"offered": 40}}
    assert first["raised_t"] == T and first["escalated_t"] == T + 61
    assert first["cleared_t"] == T + 90 and first["value"] == 72.5  # the value it was raised at
    assert first["acked_by"] is None and first["acked_t"] is None
    assert second["acked_by"] == "li@desk-3 (supervisor)"
    assert second["acked_t"] == T + 5 and second["acked_wall_t"] == WALL
    assert second["escalated_t"] is None and second["cleared_t"] == T + 95

    timeline = read_transitions(history.path)
    assert [(r["alert_id"], r["event"], r["t"]) for r in timeline] == [
        (sl.id, "raised", T),
        (wait.id, "raised", T + 1),
        (wait.id, "acknowledged", T + 5),
        (sl.id, "escalated", T + 61),
        (sl.id, "cleared", T + 90),
        (wait.id, "cleared", T + 95),
    ]
    ack = timeline[2]
    assert (ack["by"], ack["wall_t"], ack["severity"], ack["value"]) == (
        "li@desk-3 (supervisor)",
        WALL,
        "critical",
        70.0,
    )
    assert read_transitions(history.path, since_t=T + 61) == timeline[3:]


def test_a_transition_without_its_alert_fills_in_and_never_blanks(history):
    book = AlertBook()
    alert = book.raise_alert(WAIT, "ol-app", T, 75.0, queue="ol-app", message_en="Offer a callback")
    _tick(history, book)
    book.snooze(alert.id, 10, "wang", T + 2, WALL)
    book.acknowledge(alert.id, "wang", T + 3, WALL + 1)
    history.record(book.take_transitions(), {})  # the caller no longer had it
    # Raised and cleared in one tick (evicted, or its chat ended): nothing in by_id.
    book.raise_alert(WAIT, "ol-wechat", T + 4, 61.0)
    book.clear((WAIT.name, "ol-wechat"), T + 4, 61.0)
    _tick(history, book)
    assert history.flush(5)

    rows = {r["target"]: r for r in read_alerts(history.path)}
    kept = rows["ol-app"]
    assert kept["message_en"] == "Offer a callback" and kept["queue"] == "ol-app"
    assert kept["raised_t"] == T and kept["value"] == 75.0
    assert (kept["acked_by"], kept["acked_t"], kept["acked_wall_t"]) == ("wang", T + 3, WALL + 1)
    brief = rows["ol-wechat"]
    assert (brief["rule"], brief["severity"], brief["raised_t"], brief["cleared_t"]) == (
        "online_longest_wait",
        "warning",
        T + 4,
        T + 4,
    )
    assert brief["scope"] is None and brief["details"] == {}


def test_each_run_is_a_session_so_restarted_alert_ids_do_not_collide(tmp_path):
    path = tmp_path / "alerts.db"
    sessions = []
    for run, target in enumerate(["hl-general", "hl-vip"]):
        with AlertHistory(path) as h:
            book = AlertBook()
            assert book.raise_alert(SL, target, T + run * 3600, 70.0).id == 1
            _tick(h, book)
            sessions.append(h.session)
    rows = read_alerts(path)
    assert [(r["session"], r["alert_id"], r["target"]) for r in rows] == [
        (sessions[1], 1, "hl-vip"),
        (sessions[0], 1, "hl-general"),
    ]
    assert [r["target"] for r in read_transitions(path, session=sessions[0])] == ["hl-general"]
    with sqlite3.connect(path) as db:
        started = db.execute("SELECT session, started_t, ended_t FROM sessions").fetchall()
    db.close()
    assert {s for s, _, _ in started} == set(sessions)
    assert all(start and end and end >= start for _, start, end in started)


def test_the_file_is_private_wal_and_versioned(history):
    book = AlertBook()
    book.raise_alert(SL, "hl-general", T, 70.0)
    _tick(history, book)
    assert history.flush(5)
    path = history.path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and stat.S_IMODE(os.stat(wal).st_mode) == 0o600
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        meta = dict(db.execute("SELECT key, value FROM meta"))
    finally:
        db.close()
    assert meta == {"kind": "floorwatch-alert-history", "schema_version": str(SCHEMA_VERSION)}


def test_record_only_queues_a_copy_while_the_database_is_locked(history):
    """record() neither waits for the disk nor reads the alert later: with the file
    locked by another writer it returns at once, and what it copied is what is stored."""
    book = AlertBook()
    locker = sqlite3.connect(history.path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        for n in range(20):
            for i in range(5):
                book.raise_alert(SL, f"q{n}-{i}", T + n, 70.0, message_en="as raised")
            assert _tick(history, book) == 5
        for alert in book.by_id.values():
            alert.message_en = "changed after record"  # the book goes on changing alerts
        assert history.written == 0 and history.pending > 0  # still waiting on the lock
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert history.flush(10)
    assert (history.written, history.dropped, history.errors) == (100, 0, 0)
    assert {r["message_en"] for r in read_alerts(history.path)} == {"as raised"}


def test_a_failing_batch_is_counted_and_the_writer_goes_on(history, caplog):
    bad = Transition(T, "raised", 1, SL.name, Severity.CRITICAL, "hl-general", 2**70)
    assert history.record([bad], {}) == 1  # sqlite cannot store an int that large
    assert history.flush(5)
    assert (history.written, history.dropped, history.errors) == (0, 1, 1)
    assert str(history.path) in history.error and "\n" not in history.error
    assert any("1 transitions lost" in r.getMessage() for r in caplog.records)

    book = AlertBook()
    book.raise_alert(SL, "hl-vip", T + 1, 70.0)
    _tick(history, book)
    assert history.flush(5)
    assert (history.written, history.dropped, history.errors) == (1, 1, 1)
    assert [r["target"] for r in read_alerts(history.path)] == ["hl-vip"]


def test_a_full_queue_drops_and_counts_instead_of_growing(tmp_path):
    h = AlertHistory(tmp_path / "alerts.db", limit=10, interval_s=30.0)
    try:
        book = AlertBook()
        book.raise_alert(SL, "first", T, 70.0)
        _tick(h, book)
        assert h.flush(5) and h.written == 1  # the writer now waits 30 s before the next
        for i in range(100):
            book.raise_alert(WAIT, f"c{i}", T + 1, 90.0)
        assert _tick(h, book) == 10
        assert h.dropped == 90 and h.drop_reasons["queue full"] == 90
    finally:
        h.close()  # wakes the writer, which writes what was queued
    assert h.written == 11 and len(read_transitions(h.path)) == 11
    assert h.record([Transition(T, "raised", 99, "r", Severity.INFO, "x", 1.0)], {}) == 0
    assert h.dropped == 91 and h.drop_reasons["history closed"] == 1


# --------------------------------------------------------------------- bad files
def test_reading_a_missing_file_is_a_one_line_error(tmp_path):
    path = tmp_path / "none.db"
    with pytest.raises(OSError, match="no alert history at") as info:
        read_alerts(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert isinstance(info.value, AlertHistoryError) and not path.exists()


def test_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "alerts.db"
    path.write_bytes(b"definitely not sqlite\n" * 200)
    with pytest.raises(AlertHistoryError, match="not an SQLite database") as info:
        read_transitions(path)
    assert str(path) in str(info.value)
    h = AlertHistory(path)
    try:
        assert h.wait_ready() and str(path) in h.error and "not an SQLite database" in h.error
        assert h.record([Transition(T, "raised", 1, "r", Severity.INFO, "x", 1.0)], {}) == 1
        assert h.flush(5) and h.dropped == 1 and h.written == 0
    finally:
        h.close()
    assert path.read_bytes().startswith(b"definitely not sqlite")  # left as it was


def test_another_sqlite_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (body TEXT)")
    db.close()
    for read in (read_alerts, read_transitions):
        with pytest.raises(AlertHistoryError, match="not a Floorwatch alert history"):
            read(path)
    h = AlertHistory(path)
    try:
        assert h.wait_ready() and "not a Floorwatch alert history" in h.error
    finally:
        h.close()
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    db.close()
    assert tables == ["notes"] and mode == "delete"


def test_a_newer_schema_is_refused(history):
    assert history.flush(5)
    with sqlite3.connect(history.path) as db:
        db.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)]
        )
    db.close()
    with pytest.raises(AlertHistoryError, match="schema version") as info:
        read_alerts(history.path)
    assert str(history.path) in str(info.value)


def test_details_that_json_cannot_hold_are_written_as_text(history):
    book = AlertBook()
    book.raise_alert(
        WAIT, "c1", T, 90.0, details={"word": "退款", "seen": datetime(2026, 1, 1, 9, 30)}
    )
    _tick(history, book)
    assert history.flush(5) and history.errors == 0
    [row] = read_alerts(history.path)
    assert row["details"] == {"word": "退款", "seen": "2026-01-01 09:30:00"}
    raw = sqlite3.connect(history.path)
    try:
        stored = raw.execute("SELECT details FROM alerts").fetchone()[0]
    finally:
        raw.close()
    assert "退款" in stored  # kept readable, not \\u-escaped
