"""The audit log: round trips, idempotent retries, WAL, the background writer, bad files."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from feeds.store.audit import (
    APPLIED,
    REJECTED,
    SENT,
    AuditError,
    AuditLog,
    AuditRecord,
    AuditWriter,
    compact_agents_skills,
    default_audit_path,
    readable_agents_skills,
    readable_skills,
    who_am_i,
)
from monitor.commands import LendEnd, Reassign, Skills
from tests.conftest import wait_until

T = 1_767_258_000.0
HOTLINE = Skills({"hl-general": 5, "hl-vip": 5}, 0).as_dict()
ONLINE = Skills({"ol-app": 5, "ol-wechat": 5}, 3).as_dict()


def rec(request_id: str = "r1", t_sent: float = T, **kw) -> AuditRecord:
    fields = dict(request_id=request_id, t_sent=t_sent, who="li@desk-3 (supervisor)",
                  feed="ws://127.0.0.1:8765", agents=["a1", "a2"], profile="online",
                  duration_s=1800.0, before={"a1": HOTLINE, "a2": HOTLINE})
    fields.update(kw)
    return AuditRecord(**fields)


@pytest.fixture
def audit(tmp_path):
    log = AuditLog(tmp_path / "audit.db")
    yield log
    log.close()


def test_default_path_is_in_the_user_data_dir():
    path = default_audit_path()
    assert path.name == "audit.db" and "floorwatch" in str(path.parent).lower()


def test_record_round_trips_with_skills_before_and_after(audit):
    row_id = audit.record(rec())
    done = rec(status=APPLIED, t_result=T + 2, after={"a1": ONLINE, "a2": ONLINE})
    assert audit.record(done) == row_id
    [got] = audit.query(0)
    assert got.id == row_id
    assert got.before == {"a1": HOTLINE, "a2": HOTLINE}
    assert got.after == {"a1": ONLINE, "a2": ONLINE}
    assert (got.agents, got.profile, got.duration_s) == (["a1", "a2"], "online", 1800.0)
    assert (got.status, got.t_result, got.who) == (APPLIED, T + 2, "li@desk-3 (supervisor)")
    assert compact_agents_skills(got.before, ["a1"]) == "a1: hl-general:5,hl-vip:5 cap0; " \
        "a2: hl-general:5,hl-vip:5 cap0"
    assert compact_agents_skills({"a1": HOTLINE}, ["a1"]) == "hl-general:5,hl-vip:5 cap0"


def test_a_retry_updates_the_row_and_never_duplicates_it(audit):
    audit.record(rec())
    audit.record(rec(t_sent=T + 5))  # the same request sent again
    audit.record(rec(status=REJECTED, reason="unknown agent a2", t_result=T + 6))
    audit.record(rec(t_sent=T + 7))  # a late "sent" does not undo the result
    [got] = audit.query(0)
    assert (got.status, got.reason, got.t_result) == (REJECTED, "unknown agent a2", T + 6)
    assert got.t_sent == T  # when it was first sent
    assert got.before == {"a1": HOTLINE, "a2": HOTLINE}


def test_a_results_skills_replace_the_senders_but_a_repeat_send_does_not(audit):
    audit.record(rec())
    audit.record(rec(status=APPLIED, before={"a1": ONLINE}, after={"a1": HOTLINE}))
    audit.record(rec(before={"a1": {}}, after={"a1": {}}))  # a repeated "sent"
    [got] = audit.query(0)
    assert (got.before, got.after, got.status) == ({"a1": ONLINE}, {"a1": HOTLINE}, APPLIED)


def test_wal_mode_and_indexes(tmp_path, audit):
    assert audit.journal_mode == "wal"
    con = sqlite3.connect(tmp_path / "audit.db")
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexed = {row[2] for name, in con.execute(
            "SELECT name FROM sqlite_master WHERE type='index' AND tbl_name='commands'")
            for row in con.execute(f"PRAGMA index_info('{name}')")}
    finally:
        con.close()
    assert {"t_sent", "request_id"} <= indexed


def test_query_since_filters_and_orders_by_time_sent(audit):
    audit.record(rec("late", T + 100))
    audit.record(rec("old", T - 86_400 * 2))
    audit.record(rec("early", T + 10))
    assert [r.request_id for r in audit.query(T)] == ["early", "late"]
    assert [r.request_id for r in audit.query(0)] == ["old", "early", "late"]
    assert [r.request_id for r in audit.query(T, until_epoch=T + 50)] == ["early"]


def test_creates_missing_folders(tmp_path):
    path = tmp_path / "a" / "b" / "audit.db"
    with AuditLog(path) as log:
        log.record(rec())
    assert path.exists()


def test_a_file_that_is_not_sqlite_gives_a_clear_error(tmp_path):
    path = tmp_path / "audit.db"
    path.write_bytes(b"these are my notes, not a database\n" * 100)
    with pytest.raises(AuditError, match="is not an SQLite database") as info:
        AuditLog(path)
    assert str(path) in str(info.value)


def test_a_foreign_commands_table_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE commands (id INTEGER PRIMARY KEY, text TEXT)")
    con.commit()
    con.close()
    with pytest.raises(AuditError, match="not Floorwatch's audit log"):
        AuditLog(path)


def test_for_command_and_with_result():
    command = Reassign(("a1",), "online", duration_s=600.0, request_id="abc")
    sent = AuditRecord.for_command(command, who=who_am_i("supervisor"), feed="ws://x",
                                   before={"a1": HOTLINE}, t_sent=T)
    assert (sent.request_id, sent.status, sent.duration_s) == ("abc", SENT, 600.0)
    assert sent.who.endswith(" (supervisor)") and "@" in sent.who
    done = sent.with_result({"request_id": "abc", "status": "applied", "reason": "",
                             "after": {"a1": ONLINE}}, t_result=T + 1)
    assert (done.status, done.after, done.before) == (APPLIED, {"a1": ONLINE}, {"a1": HOTLINE})
    server_saw = {"a1": ONLINE}  # the feed's view when the command arrived wins
    assert sent.with_result({"status": "applied", "before": server_saw}).before == server_saw
    odd = sent.with_result({"status": "exploded"})
    assert odd.status == "error"


def test_writer_writes_from_another_thread_and_close_flushes(tmp_path):
    path = tmp_path / "audit.db"
    writer = AuditWriter(path, interval_s=0.05)

    def gui_thread():
        for i in range(300):
            assert writer.submit(rec(f"r{i}", T + i))
        writer.submit(rec("r7", T + 7, status=APPLIED, t_result=T + 8))

    start = time.monotonic()
    t = threading.Thread(target=gui_thread)
    t.start()
    t.join()
    assert time.monotonic() - start < 1.0  # submit never waited on SQLite
    writer.close()
    assert writer.dropped == 0 and writer.error == ""
    with AuditLog(path) as log:
        rows = log.query(0)
    assert len(rows) == 300
    assert next(r for r in rows if r.request_id == "r7").status == APPLIED


def test_writer_batches_commits(tmp_path, monkeypatch):
    commits = []
    real = AuditLog.record_many

    def counting(self, records):
        n = real(self, records)
        commits.append(n)
        return n

    monkeypatch.setattr(AuditLog, "record_many", counting)
    with AuditWriter(tmp_path / "audit.db", interval_s=0.2) as writer:
        assert writer.wait_ready()
        writer.submit(rec("first"))
        assert writer.flush()
        for i in range(500):
            writer.submit(rec(f"r{i}", T + i))
        assert writer.flush()
    assert sum(commits) == 501
    assert len(commits) <= 4  # a burst is one or two transactions, not 500


def test_writer_full_queue_counts_dropped(tmp_path, caplog):
    gate = threading.Event()
    real = AuditLog.record_many

    def slow(self, records):
        gate.wait(5)
        return real(self, records)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(AuditLog, "record_many", slow)
        writer = AuditWriter(tmp_path / "audit.db", limit=5, interval_s=0.01)
        writer.wait_ready()
        writer.submit(rec("blocker"))
        assert wait_until(lambda: writer.pending == 0)  # the writer holds it, stuck in slow()
        accepted = sum(writer.submit(rec(f"r{i}")) for i in range(20))
        assert accepted == 5 and writer.dropped == 15
        gate.set()
        writer.close()
    assert "dropped" in caplog.text
    with AuditLog(tmp_path / "audit.db") as log:
        assert len(log.query(0)) == 6


def test_writer_on_a_bad_file_reports_instead_of_crashing(tmp_path):
    path = tmp_path / "audit.db"
    path.write_bytes(b"not sqlite at all\n" * 200)
    writer = AuditWriter(path)
    assert writer.wait_ready()
    assert writer.submit(rec())
    writer.close()
    assert str(path) in writer.error and writer.dropped == 1



# ----------------------------------------------------- names, lend ends, older logs
def test_readable_skills_use_queue_names_and_words():
    names = {"hl-general": "General", "hl-vip": "VIP"}
    assert readable_skills(HOTLINE, names) == "General 5, VIP 5; no chats"
    assert readable_skills(ONLINE) == "ol-app 5, ol-wechat 5; 3 chat slots"
    assert readable_skills({"skills": {}, "chat_capacity": 1}) == "no queues; 1 chat slot"
    assert readable_skills(None) == "?"
    assert readable_agents_skills({"a2": ONLINE, "a1": HOTLINE}, ["a1", "a2"], names) == \
        "a1: General 5, VIP 5; no chats | a2: ol-app 5, ol-wechat 5; 3 chat slots"


def test_queue_names_are_kept_and_filled_in_by_a_later_report(audit):
    audit.record(rec())
    audit.record(rec(status=APPLIED, queue_names={"hl-general": "General"}))
    audit.record(rec(status=APPLIED))  # a report without names keeps the known ones
    assert audit.query(0)[0].queue_names == {"hl-general": "General"}


def test_a_lend_end_record_waits_for_every_agent(audit):
    lent = {a: Skills.from_dict(ONLINE) for a in ("a1", "a2")}
    back = {a: Skills.from_dict(HOTLINE) for a in ("a1", "a2")}
    first = LendEnd("r1", "ws://x", ("a1",), lent, {"a1": back["a1"]}, False, T + 1800)
    audit.record(AuditRecord.for_lend_end(first, t=T + 1800))
    both = LendEnd("r1", "ws://x", ("a1", "a2"), lent, back, True, T + 1900)
    audit.record(AuditRecord.for_lend_end(both, t=T + 1900))
    [row] = audit.query(0)
    assert (row.request_id, row.action, row.status) == ("r1:end", "lend_end", APPLIED)
    assert row.agents == ["a1", "a2"]
    assert row.after == {"a1": HOTLINE, "a2": HOTLINE} and row.before["a2"] == ONLINE
    assert row.reason == "lend r1 ended" and row.who == "automatic (end of lend)"


def test_an_older_log_gets_the_new_column(tmp_path):
    path = tmp_path / "audit.db"
    with sqlite3.connect(path) as db:  # version 1: no queue_names
        columns = ", ".join(f'"{c}"' for c in (
            "request_id", "t_sent", "who", "feed", "action", "agents", "profile",
            "duration_s", "before", "after", "status", "reason", "t_result"))
        db.execute(f"CREATE TABLE commands (id INTEGER PRIMARY KEY, {columns})")
        db.execute("CREATE UNIQUE INDEX idx_rid ON commands(request_id)")
        db.execute("INSERT INTO commands (request_id, t_sent, who, feed, action, agents, "
                   "status) VALUES ('old', 1.0, 'x', 'ws://x', 'reassign', '[\"a1\"]', "
                   "'applied')")
    with AuditLog(path) as log:
        [old] = log.query(0)
        assert old.request_id == "old" and old.queue_names == {}
        log.record(rec("new", queue_names={"hl": "General"}))
        assert log.query(0)[1].queue_names == {"hl": "General"}


def test_an_undo_is_recorded_as_one():
    undo = Reassign(("a1",), skills={"hl": 4}, chat_capacity=0, reason="undo")
    assert AuditRecord.for_command(undo, who="w", feed="f").profile == "undo"
    plain = Reassign(("a1",), skills={"hl": 4})
    assert AuditRecord.for_command(plain, who="w", feed="f").profile == "skills"
