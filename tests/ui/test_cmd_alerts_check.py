"""`floorwatch alerts check`: the timeline's exact columns, queue_log queues as hotline
unless the config says otherwise, the summary on stderr, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ui.cli import main

T = 1_772_400_000  # a whole minute

RULES = """
[[rules]]
name = "hotline_wait"
metric = "longest_wait_s"
channel = "hotline"
op = ">"
enter = 30
exit = 10
severity = "critical"
escalate_after = "60s"
message_en = "{queue}: waiting {value} s"

[[rules]]
name = "online_wait"
metric = "longest_wait_s"
channel = "online"
op = ">"
enter = 30
exit = 10
severity = "warning"
"""


def queue_log(path: Path) -> Path:
    """Queue 'sales': a caller waits 100 s, then is answered; one more waits 20 s."""
    lines = [
        f"{T}|c1|sales|NONE|ENTERQUEUE||100|1",
        f"{T + 100}|c1|sales|PJSIP/101|CONNECT|100|c1.1|2",
        f"{T + 200}|c1|sales|PJSIP/101|COMPLETECALLER|100|100|1",
        f"{T + 300}|c2|sales|NONE|ENTERQUEUE||100|1",
        f"{T + 320}|c2|sales|PJSIP/101|CONNECT|20|c2.1|2",
        f"{T + 400}|c2|sales|PJSIP/101|COMPLETECALLER|20|80|1",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES, encoding="utf-8")
    return queue_log(tmp_path / "queue_log"), rules


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_queue_log_timeline_in_csv(files: tuple[Path, Path],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    log, rules = files
    code, out, err = run(["alerts", "check", "--queue-log", str(log), "--rules", str(rules),
                          "--format", "csv", "--tz", "Asia/Shanghai"], capsys)
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["time", "rule", "severity", "target", "event", "value"]
    body = [r[1:] for r in rows[1:]]
    # Evaluated on event time: raised in the second after the wait passed 30 s,
    # escalated 60 s later (nobody acknowledges in a backtest), cleared on the answer.
    # The queue_log's queue is a hotline queue: the online rule never fires.
    assert body == [["hotline_wait", "critical", "sales", "raised", "31"],
                    ["hotline_wait", "critical", "sales", "escalated", "91"],
                    ["hotline_wait", "critical", "sales", "cleared", "0"]]
    times = [r[0] for r in rows[1:]]
    assert all(t.endswith("+08:00") for t in times)
    assert times[0].startswith("2026-03-02T05:20:31")
    assert "hotline_wait: raised 1, active 0:01:09" in err
    assert "online_wait: raised 0, active 0:00:00" in err


def test_the_config_can_make_a_queue_log_queue_an_online_queue(
        files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log, rules = files
    config = tmp_path / "floorwatch.toml"
    config.write_text('[channels]\nsales = "online"\n', encoding="utf-8")
    code, out, _ = run(["alerts", "check", "--queue-log", str(log), "--rules", str(rules),
                        "--config", str(config), "--format", "json"], capsys)
    assert code == 0
    got = json.loads(out)
    assert [(r["rule"], r["event"]) for r in got] == [("online_wait", "raised"),
                                                       ("online_wait", "cleared")]
    assert set(got[0]) == {"time", "rule", "severity", "target", "event", "value"}


def test_the_shipped_rules_run_without_rules(files: tuple[Path, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    log, _ = files
    code, out, err = run(["alerts", "check", "--queue-log", str(log), "--format", "table"],
                         capsys)
    assert code == 0
    assert out.split()[:6] == ["time", "rule", "severity", "target", "event", "value"]
    assert "hotline_service_level: raised" in err  # one summary line per shipped rule
    assert "feed_stale" in err and "live only" in err


@pytest.mark.parametrize(("argv", "says"), [
    (["alerts", "check"], "give either a recording"),
    (["alerts", "check", "x.db", "--queue-log", "q"], "give either a recording"),
    (["alerts", "check", "--queue-log", "/nonexistent/q"], "cannot read /nonexistent/q"),
    (["alerts", "check", "/nonexistent/r.db"], "/nonexistent/r.db"),
    (["alerts", "check", "--queue-log", "q", "--tz", "Mars/Base"], "unknown time zone"),
])
def test_bad_arguments_get_one_line_and_exit_2(argv: list[str], says: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert says in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and out == ""


def test_a_bad_rule_file_names_the_file_rule_and_key(
        files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log, _ = files
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rules]]\nname = "w"\nmetric = "longest_wait_s"\nop = ">"\n'
                   'enter = "soon"\n',
                   encoding="utf-8")
    code, out, err = run(["alerts", "check", "--queue-log", str(log), "--rules", str(bad)],
                         capsys)
    assert code == 2 and out == ""
    line = err.strip()
    assert len(line.splitlines()) == 1
    assert "bad.toml" in line and "'w'" in line and "enter" in line
