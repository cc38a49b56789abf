"""`floorwatch alerts list` through `ui.cli.main`; no Qt."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from feeds.store.alert_history import AlertHistory
from monitor.alert_book import AlertBook
from monitor.alert_rules import AlertRule, Severity
from ui.cli import alerts_list
from ui.cli import main as cli_main

HEADER = (
    "raised,rule,severity,target,value,acknowledged_by,acknowledged_at,escalated_at,"
    "cleared_at,message"
)
SL = AlertRule(
    "hotline_service_level",
    "service_level",
    "<",
    enter=80.0,
    exit=85.0,
    severity=Severity.CRITICAL,
    escalate_after_s=60.0,
)
WAIT = AlertRule("online_longest_wait", "longest_wait_s", ">", enter=60.0, exit=60.0)


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    """`floorwatch alerts list ARGV` through the real command line (ui/cli/alerts.py)."""
    code = cli_main(["alerts", "list", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def now() -> float:
    return float(int(time.time()))


@pytest.fixture(scope="module")
def db(tmp_path_factory, now) -> Path:
    """Three alerts: 3 days old; 2 h old, acknowledged and cleared; 10 min old, escalated."""
    path = tmp_path_factory.mktemp("history") / "alerts.db"
    book = AlertBook()
    with AlertHistory(path) as history:

        def tick() -> None:  # as the GUI does: each tick's transitions with the live alerts
            history.record(book.take_transitions(), book.by_id)

        book.raise_alert(WAIT, "ol-app", now - 3 * 86400, 75.0, message_en="old wait")
        tick()
        book.clear((WAIT.name, "ol-app"), now - 3 * 86400 + 30, 40.0)
        sl = book.raise_alert(
            SL,
            "hl-general",
            now - 7200,
            72.25,
            message_en="Service level 72% below 80%",
            message_zh="服务水平72%，低于80%",
        )
        tick()
        book.acknowledge(sl.id, "li@desk-3 (supervisor)", now - 7170, now - 7160)
        tick()
        book.clear((SL.name, "hl-general"), now - 6000, 86.0)
        book.raise_alert(SL, "hl-vip", now - 600, 64.0, message_en="VIP, level\nbelow 80%")
        tick()
        book.advance(now - 540)
        tick()
    return path


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).astimezone().isoformat(timespec="seconds")


def test_csv_header_and_rows_newest_first(db, now, capsys):
    code, out, err = _run(["--history", str(db), "--format", "csv"], capsys)
    assert code == 0 and err == ""
    assert out.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["target"] for r in rows] == ["hl-vip", "hl-general"]  # default --since 1d
    vip, general = rows
    assert vip["raised"] == _iso(now - 600) and vip["escalated_at"] == _iso(now - 540)
    assert vip["cleared_at"] == "" and vip["acknowledged_by"] == ""
    assert vip["severity"] == "critical" and vip["value"] == "64"
    assert vip["message"] == "VIP, level\nbelow 80%"
    assert general["rule"] == "hotline_service_level" and general["value"] == "72.25"  # raised at
    assert general["acknowledged_by"] == "li@desk-3 (supervisor)"
    # When the person acknowledged (wall clock), not the event time it happened at.
    assert general["acknowledged_at"] == _iso(now - 7160)
    assert general["cleared_at"] == _iso(now - 6000)
    assert general["message"] == "Service level 72% below 80%"
    raised = datetime.fromisoformat(general["raised"])
    assert raised.utcoffset() is not None and raised.timestamp() == now - 7200


def test_json_parses_with_numbers_nulls_and_both_messages(db, now, capsys):
    code, out, _ = _run(["--history", str(db), "--format", "json", "--since", "7d"], capsys)
    assert code == 0
    data = json.loads(out)
    assert [d["target"] for d in data] == ["hl-vip", "hl-general", "ol-app"]
    assert set(alerts_list.COLUMNS) <= set(data[0])
    general = data[1]
    assert general["value"] == 72.25 and general["escalated_at"] is None
    assert general["message_zh"] == "服务水平72%，低于80%"
    assert datetime.fromisoformat(general["acknowledged_at"]).timestamp() == now - 7160
    assert data[2]["message"] == "old wait" and data[2]["severity"] == "warning"


def test_table_one_line_per_alert(db, capsys):
    code, out, err = _run(["--history", str(db), "--since", "3h"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == list(alerts_list.COLUMNS)
    assert len(lines) == 3  # a line break in a message does not break the table
    assert "hl-vip" in lines[1] and "VIP, level below 80%" in lines[1]
    assert "hl-general" in lines[2] and "li@desk-3 (supervisor)" in lines[2]


@pytest.mark.parametrize(
    ("since", "targets"),
    [
        ("30m", ["hl-vip"]),
        ("1h", ["hl-vip"]),
        ("2d", ["hl-vip", "hl-general"]),
        ("4d", ["hl-vip", "hl-general", "ol-app"]),
    ],
)
def test_since_durations(db, capsys, since, targets):
    code, out, _ = _run(["--history", str(db), "--format", "json", "--since", since], capsys)
    assert code == 0 and [d["target"] for d in json.loads(out)] == targets


def test_since_iso_times_local_and_with_offset(db, now, capsys):
    cut = datetime.fromtimestamp(now - 3600).astimezone()
    for text in (
        cut.replace(tzinfo=None).isoformat(timespec="seconds"),  # local time
        cut.astimezone(datetime.fromisoformat("2026-01-01T00:00+08:00").tzinfo).isoformat(),
    ):
        code, out, _ = _run(["--history", str(db), "--format", "json", "--since", text], capsys)
        assert code == 0 and [d["target"] for d in json.loads(out)] == ["hl-vip"], text


@pytest.mark.parametrize("since", ["yesterday", "1x", "-1d", "0h", "2026-13-01"])
def test_bad_since_is_one_line_naming_the_flag(db, capsys, since):
    code, out, err = _run([f"--since={since}", "--history", str(db)], capsys)
    assert code == 2 and out == ""
    assert "--since" in err and len(err.strip().splitlines()) == 1


def test_nothing_raised_in_the_window(db, capsys):
    code, out, err = _run(["--history", str(db), "--since", "1m", "--format", "csv"], capsys)
    assert code == 0 and out.strip() == HEADER and "no alerts raised since" in err


def test_no_history_yet_at_the_default_path(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "data" / "alerts.db"
    monkeypatch.setattr(alerts_list, "default_path", lambda: missing)
    code, out, err = _run([], capsys)
    assert code == 0 and "no alerts recorded yet" in out and str(missing) in out
    code, out, err = _run(["--format", "json"], capsys)
    assert code == 0 and json.loads(out) == [] and "no alerts recorded yet" in err
    assert not missing.exists() and not missing.parent.exists()


def test_a_missing_history_file_named_by_the_user_is_an_error(tmp_path, capsys):
    missing = tmp_path / "typo.db"
    code, out, err = _run(["--history", str(missing)], capsys)
    assert code == 2 and out == "" and not missing.exists()
    assert err.count("\n") == 1 and "--history" in err and str(missing) in err


def test_a_file_that_is_not_a_history(tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database\n" * 100)
    code, out, err = _run(["--history", str(junk)], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert str(junk) in err and "not an SQLite database" in err


def test_the_module_loads_no_qt():
    code = (
        "import sys, ui.cli.alerts_list\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == "[]"
