"""`floorwatch report` on the hand-written queue_log (no Qt needed)."""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import msgpack
import pytest

from feeds.store.recording import Recorder
from monitor import events as ev
from monitor.floor import Floor
from monitor.report import build_report, rows_to_json
from ui.cli import report as cmd_report

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "feeds" / "data" / "queue_log_all_events.txt"
HEADER = ("interval_start,queue,channel,offered,answered,abandoned,short_abandoned,"
          "other_exits,answered_within_sl,service_level,asa_s,aht_s,max_wait_s,abandon_rate,"
          "nps,nps_responses,csat,first_response_s,backlog_oldest_s,bot_contained,bot_handoffs,"
          "contacts_per_agent_hour")


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
        # queue_log has no surveys, chats, callbacks or bots: their columns are empty, not 0;
        # its members are staffed (contacts per agent-hour: tests/monitor/test_report.py)
        "2026-03-02T09:30:00+08:00,sales,hotline,7,3,2,1,2,1,0.1667,23.3,160.0,60.0,0.1667,,,,,,,,2.0",
        "2026-03-02T09:30:00+08:00,support,hotline,4,2,0,0,2,2,0.5,12.5,60.0,30.0,0.0,,,,,,,,4.0",
        "2026-03-02T10:00:00+08:00,sales,hotline,3,1,1,1,0,1,1.0,12.0,90.0,400.0,0.0,,,,,,,,6.2",
        "2026-03-02T10:00:00+08:00,support,hotline,2,1,1,0,0,1,0.5,18.0,82.0,30.0,0.5,,,,,,,,6.5",
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
    # Nothing usable is an error, not an empty report; the problems are still summarised.
    assert code == 2 and out == ""
    assert err.splitlines()[0] == f"{log}: 8 of 8 lines skipped"
    assert err.splitlines()[-2] == "  … and 3 more"
    assert "no usable line in 8" in err.splitlines()[-1]


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


# ------------------------------------------------------------------- recordings
FEED = "ws://127.0.0.1:8765"
R0 = 1_772_415_000.0  # 2026-03-02 09:30:00+08:00


def write_recording(path: Path, events: list[ev.Event]) -> Path:
    """A recording of `events` from one feed, numbered as the feed would (snapshots 0)."""
    with Recorder(path, feeds=[FEED]) as rec:
        seq = 0
        for e in events:
            if isinstance(e, ev.Snapshot):
                seq = e.seq
                rec.record(FEED, 0, e)
            else:
                seq += 1
                rec.record(FEED, seq, e)
    assert rec.written == len(events)
    return path


def snapshot_of(events: list[ev.Event]) -> ev.Snapshot:
    floor = Floor()
    for e in events:
        floor.apply(e, FEED)
    return ev.Snapshot(floor.now, seq=len(events), state=floor.snapshot(FEED))


# Before the recording starts: the queues, an agent, and b1 already waiting in general.
BEFORE = [
    ev.QueueDefined(R0 - 60, "general", "General", "hotline", 20.0, name_zh="普通"),
    ev.QueueDefined(R0 - 60, "app", "App chat", "online", 60.0),
    ev.AgentLogin(R0 - 60, "a1", "Ann"),
    ev.AgentSkills(R0 - 60, "a1", {"general": 5, "app": 5}, 3),
    ev.ContactOffered(R0 - 30, "b1", "general"),
]
# Recorded after the snapshot. general (T 20 s): c1 answered after 10 s, talk 100;
#   c2 abandoned after 3 s (short); c3 answered after 25 s; c4 abandoned after 40 s;
#   b1 (entered before the recording) answered: not in the report.
# app (T 60 s, from the snapshot): c5 answered after 45 s (within 60, not within 30).
# 10:00: general c6 enters and waits till the last event (10:00:30): max wait 30.
AFTER = [
    ev.ContactOffered(R0 + 10, "c1", "general"),
    ev.ContactAnswered(R0 + 15, "b1", "general", "a1"),
    ev.ContactAnswered(R0 + 20, "c1", "general", "a1"),
    ev.ContactOffered(R0 + 30, "c2", "general"),
    ev.ContactAbandoned(R0 + 33, "c2", "general"),
    ev.ContactOffered(R0 + 40, "c3", "general"),
    ev.ContactOffered(R0 + 50, "c4", "general"),
    ev.ContactOffered(R0 + 60, "c5", "app"),
    ev.ContactAnswered(R0 + 65, "c3", "general", "a1"),
    ev.ContactAbandoned(R0 + 90, "c4", "general"),
    ev.ContactAnswered(R0 + 105, "c5", "app", "a1"),
    ev.ContactEnded(R0 + 120, "c1", "general", "a1"),
    ev.ContactEnded(R0 + 130, "b1", "general", "a1"),
    ev.ContactOffered(R0 + 1800, "c6", "general"),
    ev.Heartbeat(R0 + 1830),
]


@pytest.fixture
def recording(tmp_path) -> Path:
    return write_recording(tmp_path / "floor.fwrec", [snapshot_of(BEFORE), *AFTER])


def test_a_recording_is_a_source(capsys, recording):
    code, out, err = run(capsys, str(recording), "--tz", "Asia/Shanghai", "--format", "csv")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        HEADER,
        # general: offered 4 (not b1), 1 of 3 within T (c2 is short), ASA (10+25)/2,
        # AHT 100 (c1), max wait 40 (c4), abandon (2-1)/(4-1)
        # (a1 is in the snapshot, no agent event after it: no staffed time seen, so
        # contacts per agent-hour is empty, not 0)
        "2026-03-02T09:30:00+08:00,app,online,1,1,0,0,0,1,1.0,45.0,,45.0,0.0,,,,,,,,",
        "2026-03-02T09:30:00+08:00,general,hotline,4,2,2,1,0,1,0.3333,17.5,100.0,40.0,0.3333,,,,,,,,",
        "2026-03-02T10:00:00+08:00,general,hotline,1,0,0,0,0,0,,,,30.0,,,,,,,,,",
    ]


def test_a_recording_with_the_same_flags_as_a_queue_log(capsys, recording):
    def rows(*flags: str) -> list[dict]:
        code, out, err = run(capsys, str(recording), "--format", "json", *flags)
        assert (code, err) == (0, "")
        return json.loads(out)

    total = rows("--interval", "total", "--tz", "UTC")
    assert [(r["interval_start"], r["queue"], r["offered"]) for r in total] == [
        ("2026-03-02T01:30:10+00:00", "app", 1), ("2026-03-02T01:30:10+00:00", "general", 5)]
    # One T for every queue: c5's 45 s wait is no longer within T.
    app = rows("--interval", "1h", "--tz", "UTC", "--sl-target", "30")[0]
    assert (app["queue"], app["answered_within_sl"], app["service_level"]) == ("app", 0, 0.0)
    # No short abandons: c2 counts in SL and the abandon rate (2 of 4).
    general = rows("--tz", "UTC", "--short-abandon", "0")[1]
    assert (general["queue"], general["service_level"], general["abandon_rate"]) == \
        ("general", 0.25, 0.5)
    general = rows("--tz", "UTC", "--sl-variant", "answered")[1]
    assert general["service_level"] == 0.5  # 1 of 2 answered within T
    assert rows("--tz", "UTC", "--interval", "15m")[1]["interval_start"] == \
        "2026-03-02T01:30:00+00:00"


def test_a_recording_as_a_table(capsys, recording):
    code, out, err = run(capsys, str(recording), "--tz", "Asia/Shanghai")
    lines = out.splitlines()
    assert code == 0 and err == ""
    assert lines[1].split()[:4] == ["2026-03-02T09:30:00+08:00", "app", "online", "1"]
    assert "T = each queue's own; short abandon < 5 s" in lines[-1]
    assert "AHT = answer to end of contact, wrap-up not included" in lines[-1]
    code, out, _ = run(capsys, str(recording), "--tz", "UTC", "--sl-target", "30")
    assert "T = 30 s;" in out.splitlines()[-1]


def test_the_report_of_a_recording_is_the_report_of_its_events(capsys, tmp_path):
    # Recorded from the very start (no snapshot): the report is build_report's, row for row.
    events = [*BEFORE, *AFTER]
    path = write_recording(tmp_path / "all.fwrec", events)
    code, out, _ = run(capsys, str(path), "--tz", "UTC", "--format", "json")
    assert code == 0
    assert json.loads(out) == rows_to_json(build_report(events, "30m", "UTC"))
    assert sum(r["offered"] for r in json.loads(out) if r["queue"] == "general") == 6  # b1 too


def test_bad_recorded_events_are_reported_and_skipped(capsys, recording):
    with contextlib.closing(sqlite3.connect(recording)) as conn, conn:
        conn.executemany(
            "INSERT INTO events (feed, seq, t, type, data) VALUES (?, ?, ?, ?, ?)",
            [(FEED, 100 + i, R0 + 1900, "contact.offered", b"\xc1") for i in range(6)]
            + [(FEED, 200, R0 + 1900, "contact.vanished", msgpack.packb({}))])
    code, out, err = run(capsys, str(recording), "--tz", "UTC", "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 4
    assert err.splitlines() == [
        f"{recording}: 7 of 23 recorded events skipped",
        *(f"  row {17 + i}: undecodable: FormatError" for i in range(5)),
        "  … and 2 more",
    ]


def test_unreadable_recordings_exit_2(capsys, tmp_path):
    garbage = tmp_path / "garbage.fwrec"
    garbage.write_bytes(b"not a database at all" * 50)
    for path, why in [(tmp_path / "missing.fwrec", "no such file"),
                      (garbage, "is not a Floorwatch recording")]:
        code, out, err = run(capsys, str(path))
        assert code == 2 and out == ""
        assert err.startswith("floorwatch report: ") and str(path) in err and why in err


def test_a_recording_and_a_queue_log_together_are_refused(capsys, recording):
    code, out, err = run(capsys, str(recording), "--queue-log", str(DATA))
    assert code == 2 and out == ""
    assert "not both" in err


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
        "from ui.cli import report as cmd_report\n"
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


# ----------------------------------------------------------------------- --config
def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "floorwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


CONFIG = '[client]\ntz = "UTC"\nsl_variant = "answered"\nshort_abandon_s = 0\n'


def test_a_config_gives_the_defaults_of_tz_variant_and_short_abandon(capsys, tmp_path):
    config = str(write_config(tmp_path, CONFIG))
    for fmt in ("csv", "table"):
        with_config = run(capsys, "--queue-log", str(DATA), "--format", fmt, "--config", config)
        with_flags = run(capsys, "--queue-log", str(DATA), "--format", fmt, "--tz", "UTC",
                         "--sl-variant", "answered", "--short-abandon", "0")
        assert with_config == with_flags
        assert with_config[0] == 0
    code, out, _ = run(capsys, "--queue-log", str(DATA), "--config", config)
    assert out.splitlines()[-1].startswith("SL (answered) = ")
    assert "short abandon < 0 s" in out.splitlines()[-1]
    assert out.splitlines()[1].startswith("2026-03-02T01:30:00+00:00")


def test_flags_override_the_config(capsys, tmp_path):
    config = str(write_config(tmp_path, CONFIG))
    flags = ("--tz", "Asia/Shanghai", "--sl-variant", "offered", "--short-abandon", "5")
    for fmt in ("csv", "table"):
        assert run(capsys, "--queue-log", str(DATA), "--format", fmt, "--config", config,
                   *flags) == report(capsys, "--format", fmt)


def test_a_config_applies_to_recordings_too(capsys, tmp_path, recording):
    config = str(write_config(tmp_path, CONFIG))
    assert run(capsys, str(recording), "--format", "json", "--config", config) == \
        run(capsys, str(recording), "--format", "json", "--tz", "UTC",
            "--sl-variant", "answered", "--short-abandon", "0")


def test_a_config_without_metric_settings_changes_nothing(capsys, tmp_path):
    config = str(write_config(tmp_path, '[[feeds]]\nurl = "ws://127.0.0.1:8765"\n'))
    assert run(capsys, "--queue-log", str(DATA), "--config", config) == \
        run(capsys, "--queue-log", str(DATA))


def test_per_queue_variants_of_a_config_are_named_not_silently_dropped(capsys, tmp_path):
    config = str(write_config(tmp_path, CONFIG + '\n[sl_variants]\nsales = "removed"\n'))
    code, out, err = run(capsys, "--queue-log", str(DATA), "--format", "csv",
                         "--config", config)
    assert code == 0 and out.splitlines()[0] == HEADER
    assert err.splitlines()[0] == (f"floorwatch report: {config}: per-queue sl_variants are "
                                   "not applied; every queue's SL is answered")


@pytest.mark.parametrize(("text", "why"), [
    ('[client]\ntz = "Mars/Olympus"\n', "client.tz"),
    ('[client]\nsl_variant = "fast"\n', "client.sl_variant"),
    ("not = [valid", "not valid TOML"),
])
def test_a_bad_config_exits_2(capsys, tmp_path, text, why):
    config = str(write_config(tmp_path, text))
    code, out, err = run(capsys, "--queue-log", str(DATA), "--config", config)
    assert code == 2 and out == ""
    assert err.startswith(f"floorwatch report: {config}: ") and why in err
    code, out, err = run(capsys, "--queue-log", str(DATA), "--config", str(tmp_path / "none"))
    assert code == 2 and "cannot read" in err


# ------------------------------------------------------------------- feed runs
def write_runs(path: Path, items: list[tuple[str, int, ev.Event]]) -> Path:
    """A recording of (epoch, seq, event) as `floorwatch record` stores them."""
    with Recorder(path, feeds=[FEED]) as rec:
        for epoch, seq, event in items:
            rec.record(FEED, 0 if isinstance(event, ev.Snapshot) else seq, event, epoch)
    assert rec.written == len(items)
    return path


def general_totals(capsys, path: Path) -> tuple[int, int, int]:
    code, out, err = run(capsys, str(path), "--interval", "total", "--tz", "UTC",
                         "--format", "json")
    assert (code, err) == (0, "")
    (row,) = [r for r in json.loads(out) if r["queue"] == "general"]
    return row["offered"], row["answered"], row["abandoned"]


SNAP = snapshot_of(BEFORE[:4])  # the queues and the agent, nobody waiting


def snap(seq: int) -> ev.Snapshot:
    return ev.Snapshot(SNAP.t, seq, SNAP.state)


def test_a_restarted_feed_reusing_an_id_is_two_contacts_even_when_numbered_higher(
        capsys, tmp_path):
    # Run A: c1 enters and is still waiting when A's server stops. Run B reuses c1 for
    # another caller, answered 5 s later, and its snapshot numbers past where A stopped:
    # only the epoch says it is another run.
    items = [("A", 0, snap(4)), ("A", 5, ev.ContactOffered(R0, "c1", "general")),
             ("A", 6, ev.Heartbeat(R0 + 30)),
             ("B", 0, snap(90)), ("B", 91, ev.ContactOffered(R0 + 40, "c1", "general")),
             ("B", 92, ev.ContactAnswered(R0 + 45, "c1", "general", "a1"))]
    path = write_runs(tmp_path / "epochs.fwrec", items)
    assert general_totals(capsys, path) == (2, 1, 0)
    # A's c1 waited until A's last event (30 s), not until B's.
    code, out, _ = run(capsys, str(path), "--interval", "total", "--tz", "UTC",
                       "--format", "json")
    assert json.loads(out)[0]["max_wait_s"] == 30.0


def test_without_epochs_a_snapshot_numbered_lower_starts_a_new_run(capsys, tmp_path):
    # A recording from before runs were recorded (or a feed that names no epoch).
    restarted = [("", 0, snap(4)), ("", 5, ev.ContactOffered(R0, "c1", "general")),
                 ("", 6, ev.Heartbeat(R0 + 30)),
                 ("", 0, snap(2)), ("", 3, ev.ContactOffered(R0 + 40, "c1", "general")),
                 ("", 4, ev.ContactAbandoned(R0 + 50, "c1", "general"))]
    path = write_runs(tmp_path / "restarted.fwrec", restarted)
    assert general_totals(capsys, path) == (2, 0, 1)
    # A snapshot after a gap in the same run numbers on: c1 is still the same caller.
    resynced = [("", 0, snap(4)), ("", 5, ev.ContactOffered(R0, "c1", "general")),
                ("", 0, snap(9)), ("", 10, ev.ContactAnswered(R0 + 8, "c1", "general", "a1")),
                ("", 11, ev.ContactOffered(R0 + 9, "c1", "general"))]  # a duplicate
    path = write_runs(tmp_path / "resynced.fwrec", resynced)
    assert general_totals(capsys, path) == (1, 1, 0)
