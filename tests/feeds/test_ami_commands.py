"""AmiSource.send: a reassign as QueueAdd / QueueRemove / QueuePenalty / QueuePause
against the fake Asterisk manager (tests/fake_ami.py), checked on its members and on
the floor the source's events build; no Qt."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from feeds.sources.ami import AmiSource
from tests.fake_ami import FakeAmi
from tests.feeds.test_ami_source import Run, run


def _reassign(agents: list[str], request_id: str = "r1", **fields: Any) -> dict[str, Any]:
    return {"action": "reassign", "request_id": request_id, "agents": agents, **fields}


def _memberships(fake: FakeAmi, interface: str) -> dict[str, str]:
    """queue -> Penalty of `interface` on the fake (Asterisk's own state)."""
    return {m["Queue"]: m["Penalty"] for m in fake.members if m["Location"] == interface}


def _sent(fake: FakeAmi) -> list[tuple[str, str, str]]:
    """(Action, Queue, Interface) of the member actions the fake received, in order."""
    return [
        (a["Action"], a["Queue"], a["Interface"])
        for a in fake.actions
        if a.get("Action", "").startswith("Queue") and a["Action"] != "QueueStatus"
    ]


async def _started(fake: FakeAmi) -> Run:
    r = Run(fake)
    await r.until(lambda: r.source.role == "supervisor")
    return r


def test_a_move_changes_memberships_and_the_floor_shows_the_new_skills() -> None:
    async def body(fake: FakeAmi) -> None:
        r = await _started(fake)
        result = await r.source.send(_reassign(["PJSIP/102"], skills={"vip": 3}))
        assert result["status"] == "applied" and result["reason"] == ""
        assert result["agents"] == {"PJSIP/102": "applied"}
        assert result["before"]["PJSIP/102"]["skills"] == {"general": 1}
        assert result["after"]["PJSIP/102"]["skills"] == {"vip": 3}
        assert _sent(fake) == [
            ("QueueRemove", "general", "PJSIP/102"),
            ("QueueAdd", "vip", "PJSIP/102"),
        ]
        add = next(a for a in fake.actions if a.get("Action") == "QueueAdd")
        assert (add["Penalty"], add["MemberName"]) == ("2", "Wang Wei")  # level 3
        assert len({a["ActionID"] for a in fake.actions}) == len(fake.actions)
        assert _memberships(fake, "PJSIP/102") == {"vip": "2"}
        # The floor learns it from QueueMemberRemoved / QueueMemberAdded, not the result.
        await r.until(lambda: r.floor.agents["PJSIP/102"].skills == {"vip": 3})
        # A level change alone is a QueuePenalty; the QueueMemberPenalty event shows it.
        again = await r.source.send(_reassign(["PJSIP/101"], "r2", skills={"general": 1, "vip": 4}))
        assert again["status"] == "applied"
        assert _sent(fake)[-1] == ("QueuePenalty", "vip", "PJSIP/101")
        await r.until(lambda: r.floor.agents["PJSIP/101"].skills == {"general": 1, "vip": 4})
        await r.close()
        assert "s3cret" not in repr(result) + repr(again)

    run(body)


def test_an_error_on_the_second_action_undoes_the_first_and_says_why() -> None:
    async def body(fake: FakeAmi) -> None:
        fake.refuse["queueadd vip"] = "Unable to add interface: Already there"
        r = await _started(fake)
        result = await r.source.send(_reassign(["PJSIP/102"], skills={"vip": 3}))
        assert result["status"] == "rejected" and result["agents"] == {}
        assert "QueueAdd vip for PJSIP/102: refused: Unable to add interface" in result["reason"]
        assert "undid 1 earlier action" in result["reason"]
        # Removed from general first, then put back with its penalty and name.
        assert _sent(fake) == [
            ("QueueRemove", "general", "PJSIP/102"),
            ("QueueAdd", "vip", "PJSIP/102"),
            ("QueueAdd", "general", "PJSIP/102"),
        ]
        assert _memberships(fake, "PJSIP/102") == {"general": "0"}
        await r.until(
            lambda: (
                r.floor.agents.get("PJSIP/102") is not None
                and r.floor.agents["PJSIP/102"].skills == {"general": 1}
            )
        )
        await r.close()
        assert "s3cret" not in repr(result)

    run(body)


def test_an_undo_that_fails_too_is_named_in_the_reason() -> None:
    async def body(fake: FakeAmi) -> None:
        fake.refuse["queueadd"] = "Permission denied"  # the undo (a QueueAdd) fails too
        r = await _started(fake)
        result = await r.source.send(_reassign(["PJSIP/102"], skills={"vip": 3}))
        assert result["status"] == "rejected"
        assert result["reason"] == (
            "QueueAdd vip for PJSIP/102: refused: Permission denied; "
            "could not undo QueueRemove general for PJSIP/102"
        )
        await r.close()

    run(body)


def test_no_response_gives_a_clear_rejection_within_the_timeout() -> None:
    async def body(fake: FakeAmi) -> None:
        fake.unanswered.add("queuepenalty")
        r = await _started(fake)
        loop = asyncio.get_running_loop()
        start = loop.time()
        result = await r.source.send(_reassign(["PJSIP/101"], skills={"general": 2}), 0.3)
        assert loop.time() - start < 1.5
        assert result["status"] == "rejected"
        assert result["reason"] == "QueuePenalty general for PJSIP/101: no response within 0.3 s"
        await r.close()

    run(body)


def test_no_response_to_the_second_action_undoes_the_first_within_the_timeout() -> None:
    async def body(fake: FakeAmi) -> None:
        fake.unanswered.add("queueadd vip")
        r = await _started(fake)
        loop = asyncio.get_running_loop()
        start = loop.time()
        result = await r.source.send(_reassign(["PJSIP/102"], skills={"vip": 3}), 0.4)
        assert loop.time() - start < 0.4 + 1.0  # the command sender's grace
        assert result["status"] == "rejected"
        assert result["reason"] == (
            "QueueAdd vip for PJSIP/102: no response within 0.4 s; undid 1 earlier action"
        )
        assert _memberships(fake, "PJSIP/102") == {"general": "0"}
        await r.close()

    run(body)


def test_pause_instead_of_remove_and_a_repeat_is_not_done_twice() -> None:
    async def body(fake: FakeAmi) -> None:
        r = await _started(fake)
        command = _reassign(["PJSIP/101"], profile="online", pause=True)
        result = await r.source.send(dict(command))
        assert result["status"] == "applied"
        assert [a[0] for a in _sent(fake)] == ["QueuePause", "QueuePause"]
        assert {m["Paused"] for m in fake.members if m["Location"] == "PJSIP/101"} == {"1"}
        await r.until(lambda: r.floor.agents["PJSIP/101"].state == "not_ready")
        assert await r.source.send(dict(command)) == result  # a retry of the same request
        assert len(_sent(fake)) == 2
        other = await r.source.send(_reassign(["PJSIP/103"], profile="online"))
        assert other["status"] == "rejected" and "already used" in other["reason"]
        await r.close()

    run(body)


def test_unknown_agents_queues_and_lends_are_rejected_before_any_action() -> None:
    async def body(fake: FakeAmi) -> None:
        r = await _started(fake)
        reasons = [
            (await r.source.send(_reassign(["PJSIP/999"], "a", profile="hotline")))["reason"],
            (await r.source.send(_reassign(["PJSIP/101"], "b", skills={"sales": 1})))["reason"],
            (await r.source.send(_reassign(["PJSIP/101"], "c", profile="online", duration_s=60)))[
                "reason"
            ],
            (await r.source.send({"action": "reassign", "request_id": "d"}))["reason"],
        ]
        assert reasons == [
            "unknown agent PJSIP/999",
            "unknown queue sales",
            "a timed lend is not supported on an Asterisk feed",
            "agents must be a non-empty list of agent ids",
        ]
        assert _sent(fake) == []
        await r.close()

    run(body)


def test_a_source_not_connected_says_so() -> None:
    source = AmiSource("127.0.0.1", 1, "floorwatch", "s3cret")
    assert source.accepts_commands and source.role == ""
    with pytest.raises(ConnectionError, match="not connected") as caught:
        asyncio.run(source.send(_reassign(["PJSIP/101"], profile="online")))
    assert "s3cret" not in str(caught.value)


def test_a_member_moved_out_of_every_queue_can_be_moved_back() -> None:
    async def body(fake: FakeAmi) -> None:
        r = await _started(fake)
        out = await r.source.send(_reassign(["PJSIP/102"], "out", profile="online"))
        assert out["status"] == "applied" and _memberships(fake, "PJSIP/102") == {}
        await r.until(lambda: r.floor.agents["PJSIP/102"].state == "logged_out")
        # In no queue now, yet still someone the source knows (by name) and can put back.
        back = await r.source.send(_reassign(["PJSIP/102"], "back", profile="hotline"))
        assert back["status"] == "applied", back
        assert _memberships(fake, "PJSIP/102") == {"general": "4", "vip": "4"}  # level 5
        add = [a for a in fake.actions if a.get("Action") == "QueueAdd"]
        assert {a["MemberName"] for a in add} == {"Wang Wei"}
        await r.close()

    run(body)
