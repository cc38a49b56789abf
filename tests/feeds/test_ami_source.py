"""AmiSource against a fake Asterisk manager over real TCP (tests/fake_ami.py); no Qt."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from feeds.sources.ami import AmiSource
from tests.fake_ami import FakeAmi, channel, member, queue_params, wire
from tests.source_run import SourceRun

T0 = 1_764_500_000.0



def _queue_member(
    queue: str, loc: str, name: str, status: str = "1", paused: str = "0"
) -> dict[str, str]:
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


def _fake() -> FakeAmi:
    fake = FakeAmi()
    fake.queues = [queue_params("general"), queue_params("vip")]
    fake.members = [
        _queue_member("general", "PJSIP/101", "Li Na"),
        _queue_member("general", "PJSIP/102", "Wang Wei", status="2"),
        _queue_member("vip", "PJSIP/101", "Li Na"),
        _queue_member("vip", "PJSIP/103", "Zhao Lei", paused="1"),
    ]
    fake.entries = [
        {
            "Queue": "general",
            "Position": "1",
            "Channel": "PJSIP/trunk-0001",
            "Uniqueid": "1764.1",
            "CallerIDNum": "13800000001",
            "CallerIDName": "",
            "ConnectedLineNum": "",
            "ConnectedLineName": "",
            "Wait": "12",
            "Priority": "0",
        }
    ]
    return fake


def _event(name: str, t: float, **fields: str) -> dict[str, str]:
    return {"Event": name, "Privilege": "agent,all", "Timestamp": f"{t:.6f}", **fields}


class Run(SourceRun):
    """A source running against a fake, its events applied to a Floor as they come."""

    def __init__(self, fake: FakeAmi, secret: str = "s3cret") -> None:
        self.source = AmiSource(
            "127.0.0.1",
            fake.port,
            "floorwatch",
            secret,
            key="pbx",
            ping_s=0.2,
            timeout_s=2.0,
            backoff_s=0.05,
            max_backoff_s=0.2,
            clock=lambda: T0,
        )
        super().__init__(self.source)


def run(test: Callable[[FakeAmi], Awaitable[None]]) -> None:
    async def main() -> None:
        fake = await _fake().start()
        try:
            await test(fake)
        finally:
            await fake.close()

    asyncio.run(main())


def test_snapshot_of_two_queues_becomes_the_floor() -> None:
    async def body(fake: FakeAmi) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        await r.close()
        general, vip = r.floor.queue_view("general"), r.floor.queue_view("vip")
        assert (general.waiting, vip.waiting) == (1, 0)
        assert general.sl_target_s == 30.0  # ServiceLevel from QueueParams
        assert general.agents_available == 1 and general.agents_busy == 1  # 101 free, 102 INUSE
        assert vip.agents_available == 1  # 101 free; 103 paused is not available
        assert r.floor.agents["PJSIP/103"].reason == "lunch"
        assert r.floor.agents["PJSIP/101"].name == "Li Na"
        assert r.floor.longest_wait_s(r.floor.queues["general"]) == 12.0
        login = next(a for a in fake.actions if a["Action"] == "Login")
        assert login["Secret"] == "s3cret" and login["ActionID"]
        assert r.source.health().connected is False  # stopped
        assert r.source.health().rejected == 0

    run(body)


def test_wrong_secret_says_so_in_health_without_raising() -> None:
    async def body(fake: FakeAmi) -> None:
        r = Run(fake, secret="wrong")
        await r.until(lambda: r.source.health().reconnects >= 2)
        await r.close()
        h = r.source.health()
        assert not h.connected and r.items == [] and fake.logins == 0
        assert "login refused" in h.last_error and "Authentication failed" in h.last_error
        assert "wrong" not in h.last_error and "wrong" not in repr(r.source)

    run(body)


def test_calls_join_connect_complete_and_abandon_show_on_the_floor() -> None:
    async def body(fake: FakeAmi) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        t = T0 + 1
        fake.push(
            _event("QueueCallerJoin", t, **channel("1764.2"), Queue="vip", Position="1", Count="1")
        )
        fake.push(
            _event(
                "QueueCallerJoin", t + 1, **channel("1764.3"), Queue="vip", Position="2", Count="2"
            )
        )
        await r.until(lambda: r.floor.queue_view("vip").waiting == 2)
        fake.push(
            _event(
                "AgentCalled",
                t + 2,
                **channel("1764.2"),
                Queue="vip",
                MemberName="Li Na",
                Interface="PJSIP/101",
            )
        )
        fake.push(
            _event(
                "QueueCallerLeave", t + 5, **channel("1764.2"), Queue="vip", Count="1", Position="1"
            )
        )
        fake.push(
            _event(
                "AgentConnect",
                t + 5,
                **channel("1764.2"),
                Queue="vip",
                MemberName="Li Na",
                Interface="PJSIP/101",
                RingTime="3",
                HoldTime="5",
            )
        )
        fake.push(
            _event(
                "QueueCallerAbandon",
                t + 6,
                **channel("1764.3"),
                Queue="vip",
                Position="1",
                OriginalPosition="2",
                HoldTime="5",
            )
        )
        fake.push(
            _event(
                "QueueCallerLeave", t + 6, **channel("1764.3"), Queue="vip", Count="0", Position="1"
            )
        )
        await r.until(lambda: r.floor.queue_view("vip").abandoned == 1)
        view = r.floor.queue_view("vip")
        assert (view.waiting, view.answered, view.agents_busy) == (0, 1, 1)
        assert str(r.floor.agents["PJSIP/101"].state) == "on_contact"
        fake.push(
            _event(
                "AgentComplete",
                t + 65,
                **channel("1764.2"),
                Queue="vip",
                MemberName="Li Na",
                Interface="PJSIP/101",
                HoldTime="5",
                TalkTime="60",
                Reason="caller",
            )
        )
        await r.until(lambda: str(r.floor.agents["PJSIP/101"].state) == "available")
        await r.close()
        view = r.floor.queue_view("vip")
        assert view.agents_available == 1 and view.aht_s == 60.0
        assert r.source.map.stats.unmatched == 0

    run(body)


def test_drop_reconnects_and_tells_what_changed_meanwhile() -> None:
    async def body(fake: FakeAmi) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        assert r.floor.queue_view("general").waiting == 1
        fake.push(_event("QueueCallerJoin", T0 + 1, **channel("1764.2"), Queue="general",
                         Position="2", Count="2"))
        await r.until(lambda: r.floor.queue_view("general").waiting == 2)
        fake.entries = []  # the callers went while we were away (how, AMI cannot say now)
        fake.members[1] = _queue_member("general", "PJSIP/102", "Wang Wei")
        fake.members.append(_queue_member("vip", "PJSIP/104", "Sun Li"))
        fake.drop()
        await r.until(lambda: r.source.health().resyncs == 1)
        # No second snapshot: the changes came as events, so the day's counts go on.
        await r.until(lambda: "PJSIP/104" in r.floor.agents)
        assert r.snapshots() == 1
        view = r.floor.queue_view("general")
        assert (view.waiting, view.offered) == (0, 1)  # a snapshot would have made it 0
        assert not r.floor.contacts
        assert r.floor.agents["PJSIP/102"].state == "available"
        assert r.floor.agents["PJSIP/104"].skills == {"vip": 1}
        fake.push(
            _event(
                "QueueMemberPause",
                T0 + 9,
                **member(
                    "general", "PJSIP/102", "Wang Wei", status="1", paused="1", reason="meeting"
                ),
            )
        )
        await r.until(lambda: r.floor.agents["PJSIP/102"].reason == "meeting")
        await r.close()
        h = r.source.health()
        assert fake.logins == 2 and h.reconnects >= 1 and h.resyncs == 1
        assert r.floor.queue_view("general").waiting == 0
        assert sum(a["Action"] == "QueueStatus" for a in fake.actions) == 2

    run(body)


def test_malformed_messages_are_counted_and_the_next_ones_used() -> None:
    async def body(fake: FakeAmi) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        fake.raw(b"Event: QueueCallerJoin\r\nthis line has no colon\r\n\r\n")
        fake.raw(b"Event: QueueCallerJoin\r\nQueue: vip\r\n\r\n")  # no Uniqueid
        fake.raw(b"Event: AgentConnect\r\nQueue: " + b"x" * 20_000 + b"\r\n\r\n")
        fake.push(_event("SomethingNew", T0 + 1, Foo="bar"))  # unknown: ignored, not bad
        fake.push(
            _event(
                "QueueCallerJoin",
                T0 + 2,
                **channel("1764.9"),
                Queue="general",
                Position="2",
                Count="2",
            )
        )
        await r.until(lambda: r.floor.queue_view("general").waiting == 2)
        await r.close()
        h = r.source.health()
        assert h.rejected == 3 and h.connected is False
        assert set(h.rejected_reasons) == {
            "line without 'Key: Value'",
            "QueueCallerJoin: no uniqueid",
            "line too long",
        }
        assert r.source.map.stats.ignored >= 1
        assert h.unknown == r.source.map.stats.ignored  # in the feed's health, not rejected

    run(body)


def test_a_leave_without_connect_becomes_an_exit_after_the_grace() -> None:
    async def body(fake: FakeAmi) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        fake.push(
            _event(
                "QueueCallerJoin", T0 + 1, **channel("1764.5"), Queue="vip", Position="1", Count="1"
            )
        )
        await r.until(lambda: r.floor.queue_view("vip").waiting == 1)
        fake.push(
            _event(
                "QueueCallerLeave",
                T0 + 31,
                **channel("1764.5"),
                Queue="vip",
                Count="0",
                Position="1",
            )
        )  # timed out: no connect follows
        await r.until(lambda: r.source.map.stats.mapped["QueueCallerLeave"] == 1)
        view = r.floor.queue_view("vip")
        assert (view.waiting, view.other_exits) == (1, 0)  # held: a connect may follow
        fake.push(_event("QueueMemberStatus", T0 + 34, **member("vip", "PJSIP/101", "Li Na")))
        await r.until(lambda: r.floor.queue_view("vip").other_exits == 1)
        await r.close()
        view = r.floor.queue_view("vip")
        assert (view.answered, view.abandoned) == (0, 0)

    run(body)


def test_a_message_split_across_a_ping_interval_is_read_whole() -> None:
    async def body(fake: FakeAmi) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        data = wire(
            _event(
                "QueueCallerJoin", T0 + 1, **channel("1764.7"), Queue="vip", Position="1", Count="1"
            )
        )
        fake.raw(data[: len(data) // 2])
        await asyncio.sleep(0.5)  # two ping intervals with half a message read
        fake.raw(data[len(data) // 2 :])
        await r.until(lambda: r.floor.queue_view("vip").waiting == 1)
        await r.close()
        assert r.source.health().rejected == 0
        assert sum(a["Action"] == "Ping" for a in fake.actions) >= 1

    run(body)
