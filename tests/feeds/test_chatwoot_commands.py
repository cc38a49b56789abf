"""ChatwootSource.send: a reassign as inbox membership changes (read, change, write,
read back) against the fake Chatwoot (tests/fake_chatwoot.py), checked on its member
lists, the requests it got and the floor the source's events build; no Qt."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from feeds.sources.chatwoot import ChatwootSource
from tests.fake_chatwoot import FakeChatwoot
from tests.feeds.test_chatwoot_source import Run, run


def _reassign(agents: list[str], request_id: str = "r1", **fields: Any) -> dict[str, Any]:
    return {"action": "reassign", "request_id": request_id, "agents": agents, **fields}


def _writes(fake: FakeChatwoot) -> list[tuple[int, list[int]]]:
    """(inbox, user_ids) of every PATCH the fake received, in order."""
    return [(b["inbox_id"], b["user_ids"]) for m, _p, b in fake.requests if m == "PATCH"]


def _member_calls(fake: FakeChatwoot) -> list[str]:
    """The inbox member requests after the snapshot, as `GET 1` / `PATCH 2`."""
    out = []
    for method, path, body in fake.requests:
        if method == "PATCH":
            out.append(f"PATCH {body['inbox_id']}")
        elif "/inbox_members/" in path:
            out.append(f"GET {path.rsplit('/', 1)[1]}")
    return out[2:]  # the snapshot's two reads come first


async def _started(fake: FakeChatwoot) -> Run:
    r = Run(fake)
    await r.until(lambda: r.source.role == "supervisor")
    return r


def test_a_move_reads_changes_writes_and_verifies_each_inbox() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = await _started(fake)
        result = await r.source.send(_reassign(["cw-11"], skills={"inbox-2": 4}))
        assert result["status"] == "applied" and result["reason"] == ""
        assert result["agents"] == {"cw-11": "applied"}
        assert result["before"]["cw-11"] == {"skills": {"inbox-1": 1}, "chat_capacity": 3}
        # Chatwoot membership has no level: a member shows as level 1.
        assert result["after"]["cw-11"] == {"skills": {"inbox-2": 1}, "chat_capacity": 3}
        assert _member_calls(fake) == ["GET 1", "PATCH 1", "GET 1", "GET 2", "PATCH 2", "GET 2"]
        assert _writes(fake) == [(1, [12]), (2, [11, 12, 13])]  # whole lists
        assert fake.members == {1: [12], 2: [11, 12, 13]}
        # Chatwoot broadcasts nothing for membership: the source tells the floor itself.
        await r.until(lambda: r.floor.agents["cw-11"].skills == {"inbox-2": 1})
        await r.close()

    run(body)


def test_profiles_cover_the_inboxes_this_source_owns() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = await _started(fake)
        online = await r.source.send(_reassign(["cw-14"], "a", profile="online"))
        assert online["after"]["cw-14"] == {
            "skills": {"inbox-1": 1, "inbox-2": 1},
            "chat_capacity": 3,
        }
        hotline = await r.source.send(_reassign(["cw-12"], "b", profile="hotline"))
        assert hotline["after"]["cw-12"] == {"skills": {}, "chat_capacity": 0}
        assert fake.members == {1: [11, 14], 2: [13, 14]}
        await r.until(
            lambda: (
                r.floor.agents["cw-12"].skills == {} and r.floor.agents["cw-14"].chat_capacity == 3
            )
        )
        await r.close()

    run(body)


def test_a_refusal_undoes_the_inboxes_changed_before_it() -> None:
    async def body(fake: FakeChatwoot) -> None:
        fake.refuse[2] = (422, {"message": "Inbox member limit reached", "attributes": []})
        r = await _started(fake)
        result = await r.source.send(_reassign(["cw-11"], skills={"inbox-2": 1}))
        assert result["status"] == "rejected" and result["agents"] == {}
        assert result["reason"] == (
            "inbox-2 (add cw-11): refused: HTTP 422 Inbox member limit reached; "
            "undid 1 inbox change"
        )
        # inbox 1 was written without cw-11, then put back; inbox 2 never changed.
        assert _writes(fake) == [(1, [12]), (2, [11, 12, 13]), (1, [11, 12])]
        assert fake.members == {1: [11, 12], 2: [12, 13]}
        await asyncio.sleep(0.1)
        assert r.floor.agents["cw-11"].skills == {"inbox-1": 1}  # no skills event went out
        await r.close()

    run(body)


def test_a_write_that_does_not_hold_is_undone_too() -> None:
    async def body(fake: FakeChatwoot) -> None:
        fake.lie.add(2)  # answers 200, changes nothing
        r = await _started(fake)
        result = await r.source.send(_reassign(["cw-13", "cw-14"], skills={"inbox-1": 1}))
        assert result["status"] == "rejected"
        assert result["reason"] == (
            "inbox-2 (remove cw-13): read back still with cw-13; undid 2 inbox changes"
        )
        assert fake.members == {1: [11, 12], 2: [12, 13]}
        await r.close()

    run(body)


def test_an_undo_refused_too_is_named() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = await _started(fake)
        calls = 0
        original = fake._patch_members

        def patch(body: Any) -> tuple[int, Any]:  # the first PATCH holds, then all refused
            nonlocal calls
            calls += 1
            if calls == 1:
                return original(body)
            return 403, {"error": "You are not authorized to do this action"}

        fake._patch_members = patch  # type: ignore[method-assign]
        result = await r.source.send(_reassign(["cw-11"], skills={"inbox-2": 1}))
        assert result["reason"] == (
            "inbox-2 (add cw-11): refused: HTTP 403 You are not authorized to do this action; "
            "could not undo inbox-1"
        )
        await r.close()

    run(body)


def test_a_repeat_is_not_done_twice_and_a_reused_id_is_refused() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = await _started(fake)
        command = _reassign(["cw-11"], skills={"inbox-1": 1, "inbox-2": 1})
        first = await r.source.send(dict(command))
        assert first["status"] == "applied"
        writes = len(_writes(fake))
        assert await r.source.send(dict(command)) == first
        assert len(_writes(fake)) == writes
        other = await r.source.send(_reassign(["cw-12"], skills={"inbox-1": 1}))
        assert other["status"] == "rejected" and "already used" in other["reason"]
        await r.close()

    run(body)


def test_unknown_agents_queues_lends_and_capacities_are_refused_before_any_write() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = await _started(fake)
        send = r.source.send
        reasons = [
            (await send(_reassign(["cw-77"], "a", profile="online")))["reason"],
            (await send(_reassign(["PJSIP/101"], "b", profile="online")))["reason"],
            (await send(_reassign(["cw-11"], "c", skills={"sales": 1})))["reason"],
            (await send(_reassign(["cw-11"], "d", profile="online", duration_s=60)))["reason"],
            (await send(_reassign(["cw-11"], "e", profile="online", chat_capacity=5)))["reason"],
            (await send({"action": "reassign", "request_id": "f"}))["reason"],
        ]
        assert reasons == [
            "unknown agent cw-77",
            "unknown agent PJSIP/101",
            "unknown queue sales",
            "a timed lend is not supported on a Chatwoot feed",
            "chat capacity is 3 for every inbox member on a Chatwoot feed "
            "(Chatwoot has no per-agent limit)",
            "agents must be a non-empty list of agent ids",
        ]
        assert _writes(fake) == []
        await r.close()

    run(body)


def test_a_source_not_connected_says_so() -> None:
    source = ChatwootSource("http://127.0.0.1:1", 1, 99, "api-s3cret", "pubsub-s3cret")
    assert source.key == "chatwoot:http://127.0.0.1:1#1"
    assert source.accepts_commands and source.role == ""
    with pytest.raises(ConnectionError, match="not connected") as caught:
        asyncio.run(source.send(_reassign(["cw-11"], profile="online")))
    assert "s3cret" not in str(caught.value) + repr(source)
