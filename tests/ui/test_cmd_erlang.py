"""`floorwatch erlang` through its own argparse parser; no Qt needed."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ui.cli import erlang as cmd_erlang

ROOT = Path(__file__).resolve().parents[2]
BASE = ["erlang", "--calls", "100", "--period", "30m", "--aht", "180", "--target", "20"]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="floorwatch")
    cmd_erlang.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_erlang_c(capsys):
    code, out, err = _run([*BASE, "--agents", "14", "--format", "json"], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["agents", "traffic_erlangs", "p_wait", "service_level", "asa_s",
                          "occupancy", "model"]
    assert data["agents"] == 14 and data["model"] == "erlang_c"
    assert data["traffic_erlangs"] == pytest.approx(10.0)
    assert round(data["p_wait"], 3) == 0.174
    assert round(data["service_level"], 3) == 0.888
    assert round(data["occupancy"], 3) == 0.714
    assert data["asa_s"] == pytest.approx(0.17413 * 180 / 4, rel=1e-4)


def test_json_erlang_a(capsys):
    code, out, _ = _run([*BASE, "--agents", "14", "--patience", "300", "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"agents", "traffic_erlangs", "p_wait", "service_level", "asa_s",
                         "occupancy", "p_abandon", "model"}
    assert data["model"] == "erlang_a"
    assert round(data["p_abandon"], 6) == 0.013984
    assert round(data["p_wait"], 5) == 0.14526
    assert round(data["occupancy"], 6) == 0.704297
    assert round(data["service_level"], 6) == 0.916792
    assert round(data["asa_s"], 3) == 4.195


@pytest.mark.parametrize(("period", "calls"), [("1h", "200"), ("900s", "50"), ("15m", "50")])
def test_period_units(capsys, period, calls):
    argv = [*BASE, "--agents", "15", "--format", "json"]
    argv[argv.index("30m")] = period
    argv[argv.index("100")] = calls
    data = json.loads(_run(argv, capsys)[1])
    assert data["traffic_erlangs"] == pytest.approx(10.0)
    assert round(data["p_wait"], 3) == 0.102


@pytest.mark.parametrize(("sl", "agents"), [("0.85", 14), ("0.9", 15)])
def test_solve_agents(capsys, sl, agents):
    code, out, _ = _run([*BASE, "--solve-agents", "--sl", sl, "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and data["agents"] == agents and data["service_level"] >= float(sl)


def test_table_shows_the_numbers_and_definitions(capsys):
    code, out, _ = _run([*BASE, "--agents", "14", "--patience", "300"], capsys)
    assert code == 0
    lines = out.splitlines()
    values = {line.split("  ")[0]: line for line in lines if "  " in line}
    assert "14" in values["agents"]
    assert "10.00 Erlangs" in values["traffic"]
    assert "14.53 %" in values["P(wait)"]
    assert "91.68 %" in values["service level"]
    assert "4.2 s" in values["ASA"]
    assert "70.43 %" in values["occupancy"]
    assert "1.40 %" in values["P(abandon)"]
    # Values start in one column.
    starts = {len(line) - len(line[len(key):].lstrip()) for key, line in values.items()}
    assert len(starts) == 1
    assert any("Erlang A" in line for line in lines)
    assert any("SL = " in line and "ASA = " in line and "all arrivals" in line for line in lines)


def test_table_when_erlang_c_has_no_steady_state(capsys):
    code, out, err = _run([*BASE, "--agents", "9"], capsys)
    assert code == 0
    assert "unbounded" in out and "Erlang C" in out
    assert "warning" in err


@pytest.mark.parametrize(("override", "extra", "message"), [
    ({"--period": "30x"}, ["--agents", "14"], "--period"),
    ({"--period": "30"}, ["--agents", "14"], "--period"),
    ({"--period": "0m"}, ["--agents", "14"], "--period"),
    ({"--calls": "-5"}, ["--agents", "14"], "--calls"),
    ({"--aht": "-180"}, ["--agents", "14"], "--aht"),
    ({"--aht": "0"}, ["--agents", "14"], "--aht"),
    ({"--target": "-1"}, ["--agents", "14"], "--target"),
    ({}, ["--agents", "14", "--patience", "0"], "--patience"),
    ({}, ["--agents", "-2"], "--agents"),
    ({}, [], "--agents"),
    ({}, ["--solve-agents", "--sl", "1.5"], "--sl"),
    ({}, ["--solve-agents", "--agents", "14"], "--solve-agents"),
    ({}, ["--agents", "14", "--sl", "0.8"], "--solve-agents"),
])
def test_bad_input_exits_2_with_a_message(capsys, override, extra, message):
    argv = list(BASE)
    for flag, value in override.items():
        argv[argv.index(flag) + 1] = value
    code, out, err = _run([*argv, *extra], capsys)
    assert code == 2 and out == ""
    assert message in err


def test_command_line_subprocess():
    code = ("import argparse,sys; from ui.cli import erlang as cmd_erlang; p=argparse.ArgumentParser(); "
            "s=p.add_subparsers(); cmd_erlang.add_parser(s); a=p.parse_args(sys.argv[1:]); "
            "sys.exit(a.func(a))")
    ok = subprocess.run([sys.executable, "-c", code, *BASE, "--agents", "15", "--format", "json"],
                        cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0 and round(json.loads(ok.stdout)["service_level"], 3) == 0.941
    bad = subprocess.run([sys.executable, "-c", code, *BASE], cwd=ROOT, capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "--agents" in bad.stderr and bad.stdout == ""
    # Missing required flags and non-numbers are argparse's own usage errors, also exit 2.
    usage = subprocess.run([sys.executable, "-c", code, "erlang", "--calls", "x"], cwd=ROOT,
                           capture_output=True, text=True)
    assert usage.returncode == 2 and "error" in usage.stderr
