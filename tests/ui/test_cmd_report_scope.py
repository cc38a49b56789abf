"""`--scope` on report (rows of the scope's queues only) and a bad --scope on run,
demo, wall and report: one line naming the flag, exit 2."""

from __future__ import annotations

import csv
import io

import pytest

from monitor import events as ev
from tests.ui.test_cmd_report import run, write_recording
from ui.cli import main

R0 = 1_772_415_000.0

# general (hotline, normal), vip (hotline, vip), app (online, normal), app-vip (online, vip);
# a1 of team A is skilled in general; a2 of team B in vip and app-vip; one contact each.
EVENTS: list[ev.Event] = [
    ev.QueueDefined(R0, "general", "General", "hotline", 20.0),
    ev.QueueDefined(R0, "vip", "VIP", "hotline", 20.0, tier="vip"),
    ev.QueueDefined(R0, "app", "App", "online", 60.0),
    ev.QueueDefined(R0, "app-vip", "App VIP", "online", 60.0, tier="vip"),
    ev.AgentLogin(R0, "a1", "Ann", "A"),
    ev.AgentSkills(R0, "a1", {"general": 5}, 0),
    ev.AgentLogin(R0, "a2", "Bo", "B"),
    ev.AgentSkills(R0, "a2", {"vip": 5, "app-vip": 5}, 2),
    *(ev.ContactOffered(R0 + 10 + n, f"c{n}", q)
      for n, q in enumerate(["general", "vip", "app", "app-vip"])),
    ev.Heartbeat(R0 + 60),
]


@pytest.fixture
def recording(tmp_path):
    return write_recording(tmp_path / "scoped.fwrec", EVENTS)


def _queues(capsys, *argv: str) -> set[str]:
    code, out, err = run(capsys, *argv, "--format", "csv", "--tz", "UTC")
    assert code == 0, err
    return {row["queue"] for row in csv.DictReader(io.StringIO(out))}


def test_report_rows_follow_the_scope(capsys, recording, tmp_path):
    assert _queues(capsys, str(recording)) == {"general", "vip", "app", "app-vip"}
    assert _queues(capsys, str(recording), "--scope", "tier:vip") == {"vip", "app-vip"}
    # team A from its agents' skills; team B likewise.
    assert _queues(capsys, str(recording), "--scope", "team:A") == {"general"}
    assert _queues(capsys, str(recording), "--scope", "team:B") == {"vip", "app-vip"}
    # The config's [teams.A] names team A's queues instead.
    config = tmp_path / "fw.toml"
    config.write_text('[teams.A]\nqueues = ["app"]\n', encoding="utf-8")
    assert _queues(capsys, str(recording), "--config", str(config), "--scope", "team:A") == {
        "app"}


def test_report_names_an_unknown_team_or_tier(capsys, recording):
    for scope, says in [("team:Z", "no team 'Z'"), ("tier:gold", "no tier 'gold'")]:
        code, out, err = run(capsys, str(recording), "--scope", scope)
        assert code == 2 and out == ""
        assert err.startswith(f"floorwatch report: --scope {scope}: {says}")
        assert err.count("\n") == 1


@pytest.mark.parametrize("command", [
    ["run", "--feed", "ws://127.0.0.1:1"], ["demo"], ["wall", "--demo"], ["report", "x.fwrec"]])
@pytest.mark.parametrize("value", ["queue:hl", "team:", "vip"])
def test_a_bad_scope_is_refused_by_name(capsys, command, value):
    try:
        code = main([*command, "--scope", value])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert "argument --scope:" in err and "Traceback" not in err
