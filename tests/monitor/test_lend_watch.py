"""LendWatch: the automatic end of a timed lend, seen from the agents' skills."""

from __future__ import annotations

from monitor.commands import LendWatch, Reassign, Skills, serves, undo_commands

HOT = Skills({"hl": 4}, 0)
CHAT = Skills({"ol": 5}, 3)


def watch_with_lend(agents=("a1", "a2")) -> tuple[LendWatch, Reassign]:
    watch = LendWatch()
    lend = Reassign(tuple(agents), profile="online", duration_s=600.0, request_id="L")
    watch.started(lend, "ws://x", 1000.0, {a: HOT for a in agents}, {a: CHAT for a in agents})
    return watch, lend


def test_nothing_before_the_lends_time_even_if_skills_match():
    watch, _ = watch_with_lend()
    assert watch.check(1599.0, lambda a: HOT) == []
    assert "L" in watch.lends


def test_agents_back_after_the_time_end_the_lend_one_record_growing():
    watch, _ = watch_with_lend()
    skills = {"a1": HOT, "a2": CHAT}  # a2 still on a chat: not back yet
    [first] = watch.check(1600.0, skills.get)
    assert (first.request_id, first.agents, first.complete) == ("L", ("a1",), False)
    assert watch.check(1601.0, skills.get) == []  # nothing new
    skills["a2"] = HOT
    [done] = watch.check(1700.0, skills.get)
    assert done.agents == ("a1", "a2") and done.complete and done.t == 1700.0
    assert done.lent == {"a1": CHAT, "a2": CHAT} and done.back == {"a1": HOT, "a2": HOT}
    assert watch.lends == {}


def test_a_newer_move_or_another_change_takes_the_agent_out_of_the_lend():
    watch, _ = watch_with_lend()
    watch.cancel(["a1"])
    [end] = watch.check(1600.0, {"a2": HOT, "a1": HOT}.get)
    assert end.agents == ("a2",) and end.complete
    watch, _ = watch_with_lend()
    # a1 was moved elsewhere by someone else, a2 left the floor: no lend end to record.
    assert watch.check(1600.0, {"a1": Skills({"hl": 4, "ol": 5}, 3)}.get) == []
    assert watch.lends == {}


def test_a_move_without_duration_is_no_lend():
    watch = LendWatch()
    watch.started(Reassign(("a1",), profile="online"), "ws://x", 0.0, {"a1": HOT},
                  {"a1": CHAT})
    assert watch.lends == {}


def test_undo_commands_group_agents_with_the_same_skills():
    commands = undo_commands({"a1": HOT, "a2": CHAT, "a3": HOT})
    assert [(c.agents, c.skills, c.chat_capacity, c.reason) for c in commands] == [
        (("a1", "a3"), {"hl": 4}, 0, "undo"), (("a2",), {"ol": 5}, 3, "undo")]


def test_serves_names_the_work():
    channels = {"hl": "hotline", "ol": "online"}
    assert serves(HOT, channels) == "hotline"
    assert serves(CHAT, channels) == "online"
    assert serves(Skills({"hl": 1, "ol": 1}, 2), channels) == "blend"
    assert serves(Skills({"ol": 1}, 0), channels) == ""  # chat skill, no slot
