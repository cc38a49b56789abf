"""The `floorwatch` entry point: subcommands wired, bad input is a clear exit 2."""

import json

import pytest

from ui.cli import build_parser, main


def test_every_documented_subcommand_is_registered():
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert {"sim", "demo", "run", "erlang", "report", "reassign", "audit"} <= set(sub.choices)


def test_erlang_through_the_main_entry_point(capsys):
    rc = main(["erlang", "--calls", "100", "--period", "30m", "--aht", "180", "--agents", "15",
               "--target", "20", "--format", "json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["agents"] == 15
    assert round(out["p_wait"], 3) == 0.102
    assert round(out["service_level"], 3) == 0.941


@pytest.mark.parametrize("start", ["9", "25:00", "ab:cd"])
def test_bad_sim_start_time_is_reported(capsys, start):
    assert main(["sim", "--start", start, "--port", "0"]) == 2
    assert "--start must be HH:MM" in capsys.readouterr().err


def test_run_without_feeds_or_config_explains_what_to_do(capsys, tmp_path, monkeypatch):
    import ui.cli.run

    monkeypatch.setattr(ui.cli.run, "DEFAULT_CONFIG", tmp_path / "missing.toml")
    assert main(["run"]) == 2
    assert "no --feed given" in capsys.readouterr().err


def _modules_imported(*argv: str) -> set[str]:
    """Run `python -X importtime -m ui ARGV` from the repo root; every module it imported."""
    import subprocess
    import sys
    from pathlib import Path

    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "ui", *argv],
                         cwd=Path(__file__).resolve().parents[2], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "usage: floorwatch" in out.stdout
    # Lines read "import time: <self us> | <cumulative us> | <indent><module>".
    names = {line.rpartition("|")[2].strip() for line in out.stderr.splitlines()
             if line.startswith("import time:")}
    assert "ui.cli" in names  # the output really is an import trace
    return names


@pytest.mark.parametrize(("command", "forbidden"), [
    ("erlang", {"PySide6", "shiboken6", "sqlite_utils", "websockets"}),
    ("report", {"PySide6", "shiboken6", "websockets"}),
])
def test_command_help_loads_no_qt_or_network_code(command, forbidden):
    """pip-style lazy commands: `floorwatch erlang --help` stays light (STYLE.md)."""
    loaded = sorted(m for m in _modules_imported(command, "--help")
                    if m.split(".")[0] in forbidden)
    assert loaded == []
