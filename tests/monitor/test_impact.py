"""The reassignment preview: Erlang per channel before/after, equal to `floorwatch erlang`."""

import json

import pytest

from monitor import events as ev
from monitor.commands import Reassign, Skills
from monitor.floor import Floor
from monitor.impact import floor_skills, predicted_after, preview, servers, voice_share
from monitor.thresholds import ThresholdBook, Thresholds, TileState, tile_state
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


def test_blend_splits_the_agent_between_the_channels_by_their_work(floor):
    # A blended agent is one person: its time goes where the last 15 minutes' work
    # went (60 calls of 60 s take a whole agent each; 40 chats of 80 s one of 3 slots),
    # not a whole hotline server plus all its chat slots.
    share = voice_share(floor, 3)
    assert share == pytest.approx(60 * 60 / (60 * 60 + 40 * 80 / 3))
    p = preview(floor, Reassign(("h0",), profile="blend"))
    assert p.channels["hotline"].after.agents == round(5 + share) == 6
    assert p.channels["online"].after.agents == round(6 + 3 * (1 - share)) == 7


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


# ------------------------------------------------- the issue's floor (issue 10)
BUSY_FLOOR_NOW = T0 + 900


def busy_floor() -> Floor:
    """40 of the 42 agents serving the hotline are busy and Complaints is critical.

    30 hotline agents (28 on calls, 2 available), 12 blended agents (6 on calls, 6
    holding 2 chats each) and 6 chat agents; the last 15 minutes had 70 calls of 270 s
    (every third a Complaints call answered after 40 s), 3 Complaints callers have
    waited 2 minutes.
    """
    f = Floor()
    events: list[ev.Event] = [
        ev.QueueDefined(T0, "general", "General", "hotline", 20.0),
        ev.QueueDefined(T0, "complaints", "Complaints", "hotline", 30.0, name_zh="投诉"),
        ev.QueueDefined(T0, "app", "App chat", "online", 60.0),
    ]
    hotline = {"general": 5, "complaints": 5}
    for i in range(30):
        events += logged_in(f"h{i:02}", f"Hot {i}", hotline)
    for i in range(12):
        events += logged_in(f"b{i:02}", f"Blend {i}", {**hotline, "app": 5}, 3)
    for i in range(6):
        events += logged_in(f"o{i}", f"Chat {i}", {"app": 5}, 3)
    for n in range(70):  # history, handled by a helper outside the floor's staff
        t = T0 + 8 * n
        queue, wait = ("complaints", 40) if n % 3 == 0 else ("general", 5)
        events += [ev.ContactOffered(t, f"c{n}", queue),
                   ev.ContactAnswered(t + wait, f"c{n}", queue, "ghost"),
                   ev.ContactEnded(t + wait + 270, f"c{n}", queue, "ghost")]
    for n in range(20):
        t = T0 + 30 * n
        events += [ev.ContactOffered(t, f"k{n}", "app"),
                   ev.ContactAnswered(t + 10, f"k{n}", "app", "ghost-chat"),
                   ev.ContactEnded(t + 300, f"k{n}", "app", "ghost-chat")]
    now = BUSY_FLOOR_NOW
    busy_on_calls = [f"h{i:02}" for i in range(28)] + [f"b{i:02}" for i in range(6)]
    for agent in busy_on_calls:
        events += [ev.ContactOffered(now - 130, f"call-{agent}", "general"),
                   ev.ContactAnswered(now - 125, f"call-{agent}", "general", agent),
                   ev.AgentStateChanged(now - 125, agent, "on_contact")]
    for agent in [f"b{i:02}" for i in range(6, 12)]:
        for k in range(2):
            events += [ev.ContactOffered(now - 100, f"chat-{agent}-{k}", "app"),
                       ev.ContactAnswered(now - 95, f"chat-{agent}-{k}", "app", agent)]
        events.append(ev.AgentStateChanged(now - 95, agent, "on_contact"))
    events += [ev.ContactOffered(now - 120, f"w{k}", "complaints") for k in range(3)]
    for e in sorted(events, key=lambda e: e.t):
        f.apply(e)
    f.apply(ev.Heartbeat(now))
    return f


def test_issue_example_busy_hotline_does_not_preview_as_full_service():
    floor = busy_floor()
    assert floor.channel_view("hotline").agents_busy == 40
    assert floor.channel_view("hotline").agents_staffed == 42
    assert tile_state(floor.queue_view("complaints")) == TileState.CRITICAL

    p = preview(floor, Reassign(("h28", "h29"), profile="online"))
    hot = p.channels["hotline"]
    # Each person once: 30 hotline agents and the 6 blended agents on calls serve the
    # hotline; the 6 blended agents holding chats are chat slots only.
    assert (hot.before.agents, hot.after.agents) == (36, 34)
    assert p.channels["online"].before.agents == 6 * 3 + 6 * 3
    assert p.channels["online"].after.agents == 6 * 3 + 6 * 3 + 2 * 3
    complaints = p.queues["complaints"]
    assert complaints.name == "Complaints" and complaints.before.target_s == 30.0
    assert p.queues["general"].before.target_s == 20.0
    # The figures a supervisor sees move, and visibly the wrong way.
    assert complaints.sl_before < 0.99
    assert complaints.sl_after < complaints.sl_before - 0.05
    assert complaints.sl_after < complaints.goal == 0.80
    assert complaints.alert and "complaints" in [q.queue_id for q in p.alerts]
    # Counting every blended agent as a hotline server and all its chat slots (the old
    # rule) would have said 42 servers: the "SL 100 % -> 100 %" of the issue.
    assert servers(floor)["hotline"] < 42


def test_per_queue_goal_comes_from_the_thresholds():
    floor = busy_floor()
    strict = ThresholdBook(Thresholds(), {"general": Thresholds(sl_goal=0.5, sl_critical=0.4)})
    p = preview(floor, Reassign(("h28",), profile="online"), strict)
    assert p.queues["general"].goal == 0.5 and p.queues["complaints"].goal == 0.80
    # Queues come by channel, then name, and carry their names for the dialog.
    assert list(p.queues) == ["complaints", "general", "app"]
    assert p.agent_names == {"h28": "Hot 28"}


def test_a_move_that_helps_raises_no_alert(floor):
    p = preview(floor, Reassign(("o0",), profile="hotline"))
    assert p.queues["hl"].sl_after >= p.queues["hl"].sl_before
    assert not p.queues["hl"].alert


@pytest.mark.parametrize("side", ["before", "after"])
def test_queue_rows_equal_the_erlang_command(capsys, side):
    floor = busy_floor()
    for impact in preview(floor, Reassign(("h28", "h29"), profile="online")).queues.values():
        inputs = getattr(impact, side)
        estimate = getattr(impact, f"estimate_{side}")
        assert main(["erlang", *inputs.cli_args(), "--format", "json"]) == 0
        cli = json.loads(capsys.readouterr().out)
        assert cli["agents"] == inputs.agents
        assert cli["service_level"] == pytest.approx(estimate.service_level, abs=1e-9)
        assert cli["p_wait"] == pytest.approx(estimate.p_wait, abs=1e-9)
