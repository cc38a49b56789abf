"""AmiWebsocketSource against a fake amiws bridge over a real websocket
(tests/fake_ami_ws.py): a scripted sequence builds the true floor, also across a drop
and the bridge's own AMI reconnect; reassignment through the bridge; bad frames counted;
the token only in the handshake. No Qt."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from feeds.sources.ami_ws import AmiWebsocketSource, read_frame
from monitor.floor import Floor
from monitor.views import WINDOW_TODAY, fresh_totals
from tests.ami_day import DayPlayer, scripted_day
from tests.fake_ami import channel, member, queue_params
from tests.fake_ami_ws import FakeAmiWs
from tests.source_run import SourceRun

T0 = 1_764_500_000.0
TOKEN = "tok-4f9a1c-secret"


def _queue_member(queue: str, loc: str, name: str, status: str = "1", paused: str = "0"):
    """A QueueMember item of the QueueStatus answer (FORMATS.md)."""
    return {
        "Queue": queue,
        "Name": name,
        "Location": loc,
        "StateInterface": loc,
        "Membership": "dynamic",
        "Penalty": "0",
        "CallsTaken": "0",
        "LastCall": "0",
        "LastPause": "0",
        "LoginTime": "0",
        "InCall": "0",
        "Status": status,
        "Paused": paused,
        "PausedReason": "lunch" if paused == "1" else "",
        "Wrapuptime": "0",
    }


def _entry(queue: str, uid: str, wait: int) -> dict[str, str]:
    return {
        "Queue": queue,
        "Position": "1",
        "Channel": f"PJSIP/trunk-{uid[-4:]}",
        "Uniqueid": uid,
        "CallerIDNum": "13800000001",
        "CallerIDName": "",
        "ConnectedLineNum": "",
        "ConnectedLineName": "",
        "Wait": str(wait),
        "Priority": "0",
    }


def _fake(token: str = "") -> FakeAmiWs:
    fake = FakeAmiWs(token=token)
    fake.queues = [queue_params("general"), queue_params("vip")]
    fake.members = [
        _queue_member("general", "PJSIP/101", "Li Na"),
        _queue_member("general", "PJSIP/102", "Wang Wei", status="2"),
        _queue_member("vip", "PJSIP/101", "Li Na"),
        _queue_member("vip", "PJSIP/103", "Zhao Lei", paused="1"),
    ]
    fake.entries = [_entry("general", "1764.1", 12)]
    return fake


def _event(name: str, t: float, **fields: Any) -> dict[str, Any]:
    return {"Event": name, "Privilege": "agent,all", "Timestamp": f"{t:.6f}", **fields}


class Run(SourceRun):
    """A source running against the fake, its events applied to a Floor as they come."""

    def __init__(self, fake: FakeAmiWs, token: str = "", **kw: Any) -> None:
        tuning: dict[str, Any] = {
            "ping_s": 0.2,
            "timeout_s": 2.0,
            "backoff_s": 0.05,
            "max_backoff_s": 0.2,
            "clock": lambda: T0,
        }
        self.source = AmiWebsocketSource(fake.url, token, "pbx-ws", **{**tuning, **kw})
        super().__init__(self.source)

    def truth(self) -> dict[str, Any]:
        """The floor in the script's terms: who waits where, each agent's state."""
        return {
            "waiting": {q: sorted(self.floor.queues[q].waiting) for q in sorted(self.floor.queues)},
            "agents": {
                a.id: (str(a.state), a.reason, dict(a.skills))
                for a in sorted(self.floor.agents.values(), key=lambda a: a.id)
            },
        }


def run(test: Callable[[FakeAmiWs], Awaitable[None]], token: str = "") -> None:
    async def main() -> None:
        fake = await _fake(token).start()
        try:
            await test(fake)
        finally:
            await fake.close()

    asyncio.run(main())


def test_a_scripted_sequence_builds_the_true_floor_across_a_drop() -> None:
    async def body(fake: FakeAmiWs) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        assert r.truth() == {
            "waiting": {"general": ["1764.1"], "vip": []},
            "agents": {
                "PJSIP/101": ("available", "", {"general": 1, "vip": 1}),
                "PJSIP/102": ("on_contact", "", {"general": 1}),
                "PJSIP/103": ("not_ready", "lunch", {"vip": 1}),
            },
        }
        t = T0 + 1
        # Numbers where AMI has strings, and keys in other cases, as bridges may send them.
        fake.push(
            _event("QueueCallerJoin", t, **channel("1764.2"), Queue="vip", Position=1, Count=1)
        )
        join = _event("QueueCallerJoin", t + 1, **channel("1764.3"), Position=2, Count=2)
        fake.push({**{k.upper(): v for k, v in join.items()}, "queue": "vip"})
        who = {"Queue": "vip", "MemberName": "Li Na", "Interface": "PJSIP/101"}
        fake.push(_event("AgentCalled", t + 2, **channel("1764.2"), **who))
        fake.push(_event("QueueCallerLeave", t + 5, **channel("1764.2"), Queue="vip", Count=1))
        fake.push(_event("AgentConnect", t + 5, **channel("1764.2"), **who, RingTime=3, HoldTime=5))
        fake.push(
            _event(
                "QueueCallerAbandon",
                t + 6,
                **channel("1764.3"),
                Queue="vip",
                Position=1,
                OriginalPosition=2,
                HoldTime=5,
            )
        )
        fake.push(_event("QueueCallerLeave", t + 6, **channel("1764.3"), Queue="vip", Count=0))
        back = member("vip", "PJSIP/103", "Zhao Lei")
        fake.push(_event("QueueMemberPause", t + 7, **{**back, "Paused": 0, "Status": 1}))
        await r.until(lambda: r.floor.agents["PJSIP/103"].reason == "")
        assert r.truth() == {
            "waiting": {"general": ["1764.1"], "vip": []},
            "agents": {
                "PJSIP/101": ("on_contact", "", {"general": 1, "vip": 1}),
                "PJSIP/102": ("on_contact", "", {"general": 1}),
                "PJSIP/103": ("available", "", {"vip": 1}),
            },
        }
        vip = r.floor.queue_view("vip")
        assert (vip.answered, vip.abandoned) == (1, 1)
        # The connection drops; meanwhile 1764.1 gives up, Wang Wei's call ends, a new
        # caller waits on vip and Zhao Lei is unpaused (as Asterisk's own state says).
        fake.drop()
        fake.entries = [_entry("vip", "1764.4", 5)]
        fake.members[1] = _queue_member("general", "PJSIP/102", "Wang Wei")
        fake.members[3] = _queue_member("vip", "PJSIP/103", "Zhao Lei")
        fake.members[0] = _queue_member("general", "PJSIP/101", "Li Na", status="2")
        fake.members[2] = _queue_member("vip", "PJSIP/101", "Li Na", status="2")
        await r.until(lambda: r.source.health().resyncs == 1)
        fake.push(
            _event(
                "QueueCallerJoin", t + 30, **channel("1764.5"), Queue="general", Position=1, Count=1
            )
        )
        done = {**who, "HoldTime": 5, "TalkTime": 60, "Reason": "caller"}
        fake.push(_event("AgentComplete", t + 65, **channel("1764.2"), **done))
        fake.push(_event("QueueMemberStatus", t + 65, **member("vip", "PJSIP/101", "Li Na")))
        await r.until(lambda: str(r.floor.agents["PJSIP/101"].state) == "available")
        await r.until(lambda: "1764.5" in r.floor.queues["general"].waiting)
        await r.close()
        assert r.truth() == {
            "waiting": {"general": ["1764.5"], "vip": ["1764.4"]},
            "agents": {
                "PJSIP/101": ("available", "", {"general": 1, "vip": 1}),
                "PJSIP/102": ("available", "", {"general": 1}),
                "PJSIP/103": ("available", "", {"vip": 1}),
            },
        }
        vip, general = r.floor.queue_view("vip"), r.floor.queue_view("general")
        assert (vip.answered, vip.abandoned) == (1, 1)  # the day's counts went on
        assert general.other_exits == 1  # 1764.1 left while we were away, outcome unknown
        h = r.source.health()
        assert h.resyncs == 1 and h.reconnects >= 1 and h.rejected == 0
        assert sum(a["Action"] == "QueueStatus" for a in fake.actions) == 2

    run(body)


@pytest.mark.parametrize("disconnect", [False, True], ids=["straight", "dropped-midday"])
def test_the_floor_equals_the_scripted_day(disconnect: bool) -> None:
    """tests/ami_day.py's seeded day, as amiws frames: the same truth as over TCP."""
    day = scripted_day(seed=5, start_t=T0 + 1, hours=2.0)

    async def body(fake: FakeAmiWs) -> None:
        player = DayPlayer(fake, day)
        r = Run(fake)
        r.floor = Floor(tz="UTC")
        await r.until(lambda: r.snapshots() == 1)
        half = len(day.events) // 2 if disconnect else len(day.events)
        last = player.push_until(half)
        await r.until(lambda: r.floor.now >= last, timeout=10.0)
        if disconnect:
            player.entries_waited(last)
            fake.drop()
            await r.until(lambda: r.source.health().resyncs == 1)
            last = player.push_until(len(day.events))
            await r.until(lambda: r.floor.now >= last, timeout=10.0)
        await asyncio.sleep(0.05)  # the last instant's events after the clock moved
        await r.close()
        floor = r.floor
        for queue, truth in day.totals().items():
            t = fresh_totals(floor, floor.queues[queue], WINDOW_TODAY)
            assert (t.offered, t.answered, t.abandoned) == (
                truth["offered"],
                truth["answered"],
                truth["abandoned"],
            )
            assert floor.queue_view(queue).waiting == day.waiting_at_end[queue]
        talking = {a.id for a in floor.agents.values() if a.state == "on_contact"}
        assert talking == day.talking_at_end
        available = {a.id for a in floor.agents.values() if a.state == "available"}
        assert available == set(day.members) - day.talking_at_end
        h = r.source.health()
        assert h.rejected == 0 and r.source.map.stats.unmatched == 0
        assert h.reconnects == (1 if disconnect else 0)

    run(body)


def test_the_bridge_logging_in_again_takes_a_fresh_snapshot_on_the_same_socket() -> None:
    async def body(fake: FakeAmiWs) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        fake.entries = []  # answered while the bridge's AMI link was down
        fake.relogin()
        await r.until(lambda: r.source.health().resyncs == 1)
        await r.close()
        assert r.floor.queues["general"].waiting == {}
        h = r.source.health()
        assert h.resyncs == 1 and h.reconnects == 0 and len(fake.handshakes) == 1

    run(body)


def test_a_busy_floor_without_an_answer_to_queuestatus_is_a_reconnect() -> None:
    async def body(fake: FakeAmiWs) -> None:
        fake.unanswered.add("queuestatus")
        r = Run(fake, timeout_s=0.4)
        for n in range(100):  # events keep coming (3 s), the answer never does
            if r.source.health().reconnects:
                break
            fake.push(_event("Newchannel", T0 + n, **channel(f"1764.{n}")))
            await asyncio.sleep(0.03)
        h = r.source.health()
        assert "no answer to QueueStatus" in h.last_error and r.items == []
        fake.unanswered.clear()
        await r.until(lambda: r.snapshots() == 1)
        await r.close()

    run(body)


def test_a_reassign_goes_through_the_bridge_and_a_refusal_is_undone() -> None:
    async def body(fake: FakeAmiWs) -> None:
        r = Run(fake)
        await r.until(lambda: r.source.role == "supervisor")
        move = {"action": "reassign", "request_id": "r1", "agents": ["PJSIP/102"]}
        result = await r.source.send({**move, "skills": {"vip": 3}})
        assert result["status"] == "applied" and result["agents"] == {"PJSIP/102": "applied"}
        assert {m["Queue"]: m["Penalty"] for m in fake.members if m["Location"] == "PJSIP/102"} == {
            "vip": "2"
        }
        await r.until(lambda: r.floor.agents["PJSIP/102"].skills == {"vip": 3})
        sent = [json.loads(f) for f in fake.frames_in]
        assert [
            (f["Action"], f.get("Queue")) for f in sent if f["Action"].startswith("QueueA")
        ] == [("QueueAdd", "vip")]
        ids = [f["ActionID"] for f in sent]
        assert len(set(ids)) == len(ids) and all(i.startswith("fw-") for i in ids)
        # Refused on the second step: the first is undone, nothing changes on Asterisk.
        fake.refuse["queueremove vip"] = "Unable to remove interface: Not there"
        before = [dict(m) for m in fake.members]
        result = await r.source.send({**move, "request_id": "r2", "skills": {"general": 1}})
        assert result["status"] == "rejected"
        assert "QueueRemove vip for PJSIP/102: refused" in result["reason"]
        assert "undid 1 earlier action" in result["reason"]
        assert sorted(map(str, fake.members)) == sorted(map(str, before))
        await r.close()

    run(body)


def test_bad_frames_are_counted_and_nothing_else_is_lost() -> None:
    async def body(fake: FakeAmiWs) -> None:
        r = Run(fake, max_frame=4096)
        await r.until(lambda: r.snapshots() == 1)
        fake.raw("this is not json")
        fake.raw("[1, 2, 3]")
        fake.raw(json.dumps({"type": 3, "server_id": 1}))
        fake.raw(json.dumps({"type": 3, "data": ["Event", "QueueCallerJoin"]}))
        fake.raw(json.dumps({"type": 42, "data": {"Event": "QueueCallerJoin"}}))
        fake.raw(fake.frame(3, {"Queue": "vip"}))  # no Event
        fake.raw(fake.frame(3, {"Event": "QueueCallerJoin", "Queue": "vip"}))  # no Uniqueid
        fake.raw(fake.frame(3, {"Event": "QueueCallerJoin", "Queue": {"name": "vip"}}))
        fake.raw(fake.frame(3, {"Event": "QueueCallerJoin", "Queue": "x" * 5000}))
        fake.raw("[" * 1500 + "]" * 1500)  # nesting past the JSON parser's depth
        fake.push(_event("Newchannel", T0 + 1, **channel("1764.8")))  # unused: not bad
        fake.raw(fake.frame(5, {"Response": "Follows", "Output": "..."}))  # quiet type
        fake.push(
            _event("QueueCallerJoin", T0 + 2, **channel("1764.9"), Queue="general", Position=2)
        )
        await r.until(lambda: "1764.9" in r.floor.queues["general"].waiting)
        h = r.source.health()
        await r.close()
        assert dict(h.rejected_reasons) == {
            "not JSON": 2,
            "not a JSON object": 1,
            "no data member": 1,
            "data is not an object": 1,
            "unknown frame type": 1,
            "event frame without Event": 1,
            "QueueCallerJoin: no uniqueid": 1,
            "data value not a string or number": 1,
            "frame too large": 1,
        }
        assert h.rejected == 10 and h.connected and h.reconnects == 0
        assert sorted(r.floor.queues["general"].waiting) == ["1764.1", "1764.9"]
        assert r.source.quiet_frames == 1 and r.source.map.stats.ignored >= 1

    run(body)


def test_a_frame_too_big_for_the_websocket_layer_is_counted_and_resynced() -> None:
    async def body(fake: FakeAmiWs) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        fake.raw(fake.frame(3, {"Event": "QueueCallerJoin", "Junk": "x" * 1_100_000}))
        await r.until(lambda: r.source.health().resyncs == 1)
        await r.close()
        h = r.source.health()
        assert h.rejected_reasons["frame too large"] == 1 and h.reconnects == 1

    run(body)


def test_frames_of_another_server_behind_the_bridge_are_left_out() -> None:
    async def body(fake: FakeAmiWs) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        assert r.source.server_id == 1  # learnt from the answer to QueueStatus
        other = _event("QueueCallerJoin", T0 + 1, **channel("2000.1"), Queue="general")
        fake.raw(fake.frame(3, other, server_id=2))
        fake.push(_event("QueueCallerJoin", T0 + 2, **channel("1764.9"), Queue="general"))
        await r.until(lambda: "1764.9" in r.floor.queues["general"].waiting)
        await r.until(lambda: any('"Ping"' in f for f in fake.frames_in))
        await r.close()
        assert "2000.1" not in r.floor.queues["general"].waiting
        assert r.source.foreign_frames == 1 and r.source.health().rejected == 0
        ping = next(json.loads(f) for f in fake.frames_in if '"Ping"' in f)
        assert ping["AMIServerID"] == 1  # our actions go to our server only

    run(body)


def test_the_token_is_in_the_handshake_only(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def body(fake: FakeAmiWs) -> None:
        r = Run(fake, TOKEN)
        await r.until(lambda: r.snapshots() == 1)
        await r.close()
        assert fake.handshakes[0]["Authorization"] == f"Bearer {TOKEN}"
        wrong = Run(fake, "not-the-token")
        await wrong.until(lambda: wrong.source.health().reconnects >= 2)
        await wrong.close()
        h = wrong.source.health()
        assert not h.connected and wrong.items == [] and "401" in h.last_error
        for source in (r.source, wrong.source):
            seen = repr(source.health()) + repr(source)
            assert TOKEN not in seen and "not-the-token" not in seen
        assert caplog.records  # debug logging was on and said things
        assert TOKEN not in caplog.text and "not-the-token" not in caplog.text
        assert "Bearer" not in caplog.text

    run(body, TOKEN)


def test_read_frame_normalises_values_and_keys() -> None:
    frame = json.dumps(
        {
            "type": 3,
            "server_id": 1,
            "data": {
                "Event": "QueueMemberStatus",
                "STATUS": 2,
                "paused": False,
                "Wait": 12.0,
                "Timestamp": 1764500000.25,
                "PausedReason": None,
                "Queue": " vip ",
            },
        }
    )
    assert read_frame(frame) == (
        3,
        1,
        {
            "event": "QueueMemberStatus",
            "status": "2",
            "paused": "false",
            "wait": "12",
            "timestamp": "1764500000.25",
            "pausedreason": "",
            "queue": "vip",
        },
    )
    # Without `type` (other bridges), the data tells.
    assert read_frame('{"data": {"Response": "Success", "ActionID": "a"}}')[0] == 4
    assert read_frame(b'{"type": "3", "data": {"Event": "X"}}')[0] == 3
