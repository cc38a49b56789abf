"""`floorwatch report` on the hand-written queue_log (no Qt needed)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ui import cmd_report

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "feeds" / "data" / "queue_log_all_events.txt"
HEADER = ("interval_start,queue,channel,offered,answered,abandoned,short_abandoned,"
          "other_exits,answered_within_sl,service_level,asa_s,aht_s,max_wait_s,abandon_rate")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="floorwatch")
    cmd_report.add_parser(p.add_subparsers(dest="command", required=True))
    return p


def run(capsys, *argv: str) -> tuple[int, str, str]:
    args = parser().parse_args(["report", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def report(capsys, *argv: str) -> tuple[int, str, str]:
    return run(capsys, "--queue-log", str(DATA), "--tz", "Asia/Shanghai", *argv)


def test_csv_output_is_the_hand_computed_report(capsys):
    # numbers worked out in tests/monitor/test_report.py (EXPECTED_30M)
    code, out, err = report(capsys, "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        HEADER,
        "2026-03-02T09:30:00+08:00,sales,hotline,7,3,2,1,2,1,0.1667,23.3,160.0,60.0,0.1667",
        "2026-03-02T09:30:00+08:00,support,hotline,4,2,0,0,2,2,0.5,12.5,60.0,30.0,0.0",
        "2026-03-02T10:00:00+08:00,sales,hotline,3,1,1,1,0,1,1.0,12.0,90.0,400.0,0.0",
        "2026-03-02T10:00:00+08:00,support,hotline,2,1,1,0,0,1,0.5,18.0,82.0,30.0,0.5",
    ]


def test_import_problems_go_to_stderr_with_line_numbers(capsys):
    code, out, err = report(capsys, "--format", "csv")
    assert code == 0
    assert err.splitlines() == [
        f"{DATA}: 4 of 61 lines skipped",
        "  line 35: unknown event 'FOOBAR'",
        "  line 36: expected at least 5 '|'-separated fields, got 2",
        "  line 37: time 'yesterday' is not an epoch number",
        "  line 38: ABANDON: waittime 'abc' is not an integer",
        f"{DATA}: 1 line about calls whose earlier lines are missing (e.g. the log starts "
        "mid-call) left out",
    ]
    assert "line 35" not in out


def test_many_problems_are_summarised(capsys, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text("".join(f"{i}|u|q|NONE|BOGUS|\n" for i in range(1, 9)), encoding="utf-8")
    code, out, err = run(capsys, "--queue-log", str(log), "--tz", "UTC", "--format", "json")
    assert code == 0 and json.loads(out) == []
    assert err.splitlines()[0] == f"{log}: 8 of 8 lines skipped"
    assert err.splitlines()[-1] == "  … and 3 more"


def test_json_output(capsys):
    code, out, _ = report(capsys, "--format", "json", "--interval", "total")
    assert code == 0
    rows = json.loads(out)
    assert [(r["queue"], r["offered"], r["service_level"], r["aht_s"]) for r in rows] == [
        ("sales", 10, 0.2857, 142.5), ("support", 6, 0.5, 67.3)]
    assert rows[0]["interval_start"] == "2026-03-02T09:30:00+08:00"


def test_table_is_the_default_format(capsys):
    code, out, _ = report(capsys)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 7
    assert lines[1].split()[:4] == ["2026-03-02T09:30:00+08:00", "sales", "hotline", "7"]
    assert "16.7%" in lines[1]
    assert lines[5] == ""
    assert lines[6].startswith("SL (offered) = answered within T / (contacts with an outcome")
    assert "T = 20 s; short abandon < 5 s" in lines[6]


@pytest.mark.parametrize(("interval", "starts"), [
    ("6m", ["09:30", "09:30", "09:36", "09:36", "09:54", "10:00", "10:00", "10:06"]),
    ("15m", ["09:30", "09:30", "09:45", "10:00", "10:00"]),
    ("30m", ["09:30", "09:30", "10:00", "10:00"]),
    ("1h", ["09:00", "09:00", "10:00", "10:00"]),
    ("1d", ["00:00", "00:00"]),
    ("total", ["09:30", "09:30"]),
])
def test_each_interval(capsys, interval, starts):
    code, out, _ = report(capsys, "--format", "csv", "--interval", interval)
    assert code == 0
    assert [line[11:16] for line in out.splitlines()[1:]] == starts


def test_tz_moves_the_interval_text(capsys):
    code, out, _ = run(capsys, "--queue-log", str(DATA), "--tz", "UTC", "--format", "csv")
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == [
        "2026-03-02T01:30:00+00:00", "2026-03-02T01:30:00+00:00",
        "2026-03-02T02:00:00+00:00", "2026-03-02T02:00:00+00:00"]


def test_short_abandon_sl_target_and_variant_flags(capsys):
    def first_row(*flags: str) -> list[str]:
        code, out, _ = report(capsys, "--format", "csv", *flags)
        assert code == 0
        return out.splitlines()[1].split(",")

    cols = HEADER.split(",")
    row = dict(zip(cols, first_row("--short-abandon", "0"), strict=True))
    assert (row["short_abandoned"], row["service_level"], row["abandon_rate"]) == \
        ("0", "0.1429", "0.2857")  # 1/7, 2/7
    row = dict(zip(cols, first_row("--sl-target", "30"), strict=True))
    assert (row["answered_within_sl"], row["service_level"]) == ("2", "0.3333")  # 2/6
    row = dict(zip(cols, first_row("--sl-variant", "answered"), strict=True))
    assert row["service_level"] == "0.3333"  # 1/3


def test_a_recording_source_is_not_supported_yet(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "floor.sqlite"))
    assert code == 2 and out == ""
    assert "recordings are not supported yet" in err


@pytest.mark.parametrize("argv", [
    [],  # nothing to report on
    ["--queue-log", "/nonexistent/queue_log"],
    ["--queue-log", "."],  # a directory
    ["--queue-log", str(DATA), "--tz", "Mars/Olympus"],
])
def test_bad_inputs_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("floorwatch report: ")


@pytest.mark.parametrize("argv", [
    ["--interval", "2h"], ["--format", "xml"], ["--sl-variant", "fast"],
    ["--short-abandon", "-1"], ["--sl-target", "soon"],
])
def test_bad_flags_are_argparse_errors(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["report", "--queue-log", str(DATA), *argv])
    assert exc.value.code == 2


def test_the_command_loads_no_qt():
    code = (
        "import argparse, sys\n"
        "from ui import cmd_report\n"
        "p = argparse.ArgumentParser(); cmd_report.add_parser(p.add_subparsers())\n"
        f"args = p.parse_args(['report', '--queue-log', {str(DATA)!r}, '--tz', 'UTC',"
        " '--format', 'csv'])\n"
        "rc = args.func(args)\n"
        "print(rc, [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.splitlines()[0] == HEADER
    assert out.stdout.splitlines()[-1] == "0 []"
