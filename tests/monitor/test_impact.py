"""The reassignment preview: Erlang per channel before/after, equal to `floorwatch erlang`."""

import json

import pytest

from monitor import events as ev
from monitor.commands import Reassign, Skills
from monitor.floor import Floor
from monitor.impact import floor_skills, predicted_after, preview
from tests.floors import T0, logged_in, two_channel_queues
from ui.cli import main


@pytest.fixture
def floor():
    f = Floor()
    setup = two_channel_queues()
    for i in range(6):
        setup += logged_in(f"h{i}", f"H{i}", {"hl": 4})
    for i in range(2):
        setup += logged_in(f"o{i}", f"O{i}", {"ol": 4}, 3)
    for e in setup:
        f.apply(e)
    events = []
    for n in range(60):  # 60 calls and 40 chats in 15 minutes, all handled
        t = T0 + 14 * n
        events += [ev.ContactOffered(t, f"c{n}", "hl"),
                   ev.ContactAnswered(t + 5, f"c{n}", "hl", f"h{n % 6}"),
                   ev.ContactEnded(t + 65, f"c{n}", "hl", f"h{n % 6}")]
    for n in range(40):
        t = T0 + 20 * n
        events += [ev.ContactOffered(t, f"k{n}", "ol"),
                   ev.ContactAnswered(t + 20, f"k{n}", "ol", f"o{n % 2}"),
                   ev.ContactEnded(t + 100, f"k{n}", "ol", f"o{n % 2}")]
    for e in sorted(events, key=lambda e: e.t):
        f.apply(e)
    f.apply(ev.Heartbeat(T0 + 899))
    return f


def test_moving_two_hotline_agents_online_changes_both_channels(floor):
    p = preview(floor, Reassign(("h0", "h1"), profile="online"))
    hot, onl = p.channels["hotline"], p.channels["online"]
    assert (hot.before.agents, hot.after.agents) == (6, 4)
    assert (onl.before.agents, onl.after.agents) == (6, 12)  # chat slots: 2x3, then +2x3
    assert hot.before.calls == 60 and onl.before.calls == 40
    assert hot.estimate_after.service_level < hot.estimate_before.service_level
    assert onl.estimate_after.service_level > onl.estimate_before.service_level
    assert p.moves["h0"][1].skills == {"ol": 5} and p.moves["h0"][1].chat_capacity == 3


@pytest.mark.parametrize("side", ["before", "after"])
@pytest.mark.parametrize("channel", ["hotline", "online"])
def test_preview_numbers_equal_the_erlang_command(floor, capsys, channel, side):
    impact = preview(floor, Reassign(("h0", "h1"), profile="online")).channels[channel]
    inputs = getattr(impact, side)
    estimate = getattr(impact, f"estimate_{side}")
    assert main(["erlang", *inputs.cli_args(), "--format", "json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["agents"] == inputs.agents
    for key in ("p_wait", "service_level", "occupancy", "traffic_erlangs"):
        assert cli[key] == pytest.approx(getattr(estimate, key), abs=1e-9), key
    if estimate.valid:
        assert cli["asa_s"] == pytest.approx(estimate.asa_s, abs=1e-9)
    else:  # N <= A: the queue grows without bound; JSON has no infinity
        assert cli["asa_s"] is None


def test_blend_adds_chat_slots_and_keeps_the_hotline(floor):
    p = preview(floor, Reassign(("h0",), profile="blend"))
    assert p.channels["hotline"].after.agents == 6
    assert p.channels["online"].after.agents == 9


def test_floor_skills_and_predicted_after_skip_unknown_agents(floor):
    assert floor_skills(floor, ["o0", "nobody", "h0"]) == {
        "o0": Skills({"ol": 4}, 3), "h0": Skills({"hl": 4}, 0)}
    command = Reassign(("h0", "nobody", "o0"), profile="blend")
    assert predicted_after(floor, command) == {
        "h0": Skills({"hl": 4, "ol": 5}, 3),  # levels kept, the new channel at 5
        "o0": Skills({"hl": 5, "ol": 4}, 3),
    }


def test_preview_moves_are_floor_skills_then_predicted_after(floor):
    command = Reassign(("h0", "nobody", "o1"), profile="hotline")
    moves = preview(floor, command).moves
    after = predicted_after(floor, command)
    assert moves == {a: (before, after[a])
                     for a, before in floor_skills(floor, command.agents).items()}
    assert list(moves) == ["h0", "o1"]
    assert moves["o1"][1] == Skills({"hl": 5}, 0)
