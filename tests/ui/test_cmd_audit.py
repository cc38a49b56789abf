"""`floorwatch audit` through its own argparse parser; no Qt needed."""

from __future__ import annotations

import argparse
import csv
import io
import json
import time

import pytest

from feeds.store.audit import AuditLog, AuditRecord
from monitor.commands import LendEnd, Reassign, Skills
from ui.cli import audit as cmd_audit

HOTLINE = Skills({"hl-general": 5, "hl-vip": 5}, 0).as_dict()
ONLINE = Skills({"ol-app": 5, "ol-wechat": 5}, 3).as_dict()
NAMES = {"hl-general": "General", "hl-vip": "VIP", "ol-app": "App", "ol-wechat": "WeChat"}


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="floorwatch")
    cmd_audit.add_parser(parser.add_subparsers())
    args = parser.parse_args(["audit", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path):
    now = time.time()
    path = tmp_path / "audit.db"
    with AuditLog(path) as log:
        log.record(AuditRecord(
            request_id="old", t_sent=now - 3 * 86400, who="li@desk-3 (supervisor)",
            feed="ws://sim:8765", agents=["a9"], profile="hotline", before={"a9": ONLINE},
            after={"a9": HOTLINE}, status="applied", t_result=now - 3 * 86400 + 1))
        log.record(AuditRecord(
            request_id="r-lend", t_sent=now - 2 * 3600, who="li@desk-3 (supervisor)",
            feed="ws://sim:8765", agents=["a1"], profile="online", duration_s=1800.0,
            before={"a1": HOTLINE}, after={"a1": ONLINE}, status="accepted",
            t_result=now - 2 * 3600 + 1, queue_names=NAMES))
        log.record(AuditRecord(
            request_id="r-view", t_sent=now - 600, who="wall@tv (viewer)",
            feed="ws://sim:8765", agents=["a1", "a2"], profile="blend",
            before={"a1": HOTLINE, "a2": ONLINE}, status="rejected",
            reason="viewer tokens may not send commands", t_result=now - 599))
    return path


def test_table_since_one_day(db, capsys):
    code, out, err = _run(["--since", "1d", "--db", str(db)], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == list(cmd_audit.COLUMNS)
    assert len(lines) == 3  # the 3-day-old command is outside the window
    lend, view = lines[1], lines[2]
    # Skills by queue name, levels and chat slots in words; raw strings only in JSON.
    assert "r-lend" in lend and "General 5, VIP 5; no chats" in lend
    assert "App 5, WeChat 5; 3 chat slots" in lend and "30m" in lend and "accepted" in lend
    assert "lend to online" in lend and "hl-general:5" not in lend
    assert "wall@tv (viewer)" in view and "viewer tokens may not send commands" in view


def test_json_has_the_record_fields(db, capsys):
    code, out, _ = _run(["--since", "7d", "--format", "json", "--db", str(db)], capsys)
    assert code == 0
    data = json.loads(out)
    assert [d["request_id"] for d in data] == ["old", "r-lend", "r-view"]
    lend = data[1]
    assert lend["before"] == {"a1": HOTLINE} and lend["after"] == {"a1": ONLINE}
    assert lend["agents"] == ["a1"] and lend["duration_s"] == 1800.0
    assert {"id", "t_sent", "who", "feed", "status", "reason", "t_result"} <= set(lend)


def test_csv(db, capsys):
    code, out, _ = _run(["--since", "12h", "--format", "csv", "--db", str(db)], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["request_id"] for r in rows] == ["r-lend", "r-view"]
    assert rows[0]["before"] == "General 5, VIP 5; no chats"
    assert rows[0]["after"] == "App 5, WeChat 5; 3 chat slots"
    assert rows[0]["action"] == "lend to online"
    assert rows[1]["agents"] == "a1,a2"
    # A record without queue names (an older log, or a command-line move) shows ids.
    assert rows[1]["before"] == ("a1: hl-general 5, hl-vip 5; no chats | "
                                 "a2: ol-app 5, ol-wechat 5; 3 chat slots")
    assert rows[1]["status"] == "rejected"


def test_since_thirty_minutes(db, capsys):
    code, out, _ = _run(["--since", "30m", "--format", "json", "--db", str(db)], capsys)
    assert code == 0 and [d["request_id"] for d in json.loads(out)] == ["r-view"]


def test_no_database_yet(tmp_path, capsys):
    code, out, _ = _run(["--db", str(tmp_path / "none.db")], capsys)
    assert code == 0 and "no commands recorded" in out
    assert not (tmp_path / "none.db").exists()
    code, out, err = _run(["--db", str(tmp_path / "none.db"), "--format", "json"], capsys)
    assert code == 0 and json.loads(out) == [] and "no commands recorded" in err


@pytest.mark.parametrize("since", ["yesterday", "1x", "-1d", "0h"])
def test_bad_since(db, capsys, since):
    code, out, err = _run([f"--since={since}", "--db", str(db)], capsys)
    assert code == 2 and out == ""
    assert "bad --since" in err


def test_a_corrupt_database_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "audit.db"
    path.write_bytes(b"not a database\n" * 100)
    code, _, err = _run(["--db", str(path)], capsys)
    assert code == 2 and str(path) in err and "not an SQLite database" in err


@pytest.mark.parametrize(("text", "seconds"),
                         [("30m", 1800), ("12h", 43200), ("1d", 86400), ("7d", 604800),
                          ("90s", 90), ("1.5h", 5400)])
def test_parse_duration(text, seconds):
    assert cmd_audit.parse_duration(text) == seconds


def test_format_duration():
    assert [cmd_audit.format_duration(s) for s in (None, 45, 1800, 5400, 86400)] == \
        ["", "45s", "30m", "1h30m", "1d"]


def test_a_lends_automatic_end_is_its_own_row(tmp_path, capsys):
    path = tmp_path / "audit.db"
    now = time.time()
    lend = Reassign(("a1",), profile="online", duration_s=1800.0, request_id="r-lend")
    end = LendEnd("r-lend", "ws://sim:8765", ("a1",), {"a1": Skills.from_dict(ONLINE)},
                  {"a1": Skills.from_dict(HOTLINE)}, True, 0.0)
    with AuditLog(path) as log:
        log.record(AuditRecord.for_command(lend, who="li@desk-3 (supervisor)",
                                           feed="ws://sim:8765", t_sent=now - 1900,
                                           queue_names=NAMES))
        log.record(AuditRecord.for_lend_end(end, queue_names=NAMES, t=now - 100))
        undo = Reassign(("a2",), skills={"hl-general": 5}, chat_capacity=0, reason="undo",
                        request_id="r-undo")
        log.record(AuditRecord.for_command(undo, who="li@desk-3 (supervisor)",
                                           feed="ws://sim:8765", t_sent=now - 50))
    code, out, _ = _run(["--db", str(path)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4
    assert "r-lend:end" in lines[2] and "lend ended" in lines[2] and "applied" in lines[2]
    assert "automatic (end of lend)" in lines[2]
    assert "App 5, WeChat 5; 3 chat slots" in lines[2]  # lent skills, then back on
    assert lines[2].index("App 5") < lines[2].index("General 5, VIP 5; no chats")
    assert "r-undo" in lines[3] and "  undo  " in lines[3]
