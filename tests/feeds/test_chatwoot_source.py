"""ChatwootSource against a fake Chatwoot (tests/fake_chatwoot.py) over real sockets:
the floor its events build equals the fake's own state; no Qt."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from feeds.sources.chatwoot import ChatwootSource
from monitor.events import Heartbeat
from tests.fake_chatwoot import FakeChatwoot
from tests.source_run import SourceRun

T0 = 1_764_500_000.0
STATES = {"offline": "logged_out", "busy": "not_ready"}


def _fake() -> FakeChatwoot:
    """Two inboxes, four agents and the watching administrator (99), one team; one
    conversation waiting, one answered, one with a bot, one resolved."""
    fake = FakeChatwoot()
    fake.now = T0
    fake.add_user(11, "Li Na", "online")
    fake.add_user(12, "Wang Wei", "busy")
    fake.add_user(13, "Zhao Lei", "offline")
    fake.add_user(14, "Chen Jie", "online")  # in no inbox
    fake.add_user(99, "Floorwatch", "online", role="administrator")
    fake.add_inbox(1, "Web chat", [11, 12])
    fake.add_inbox(2, "VIP chat", [12, 13])
    fake.teams[5] = ("Online A", [11, 12])
    fake.create(101, 1, T0 - 30)
    fake.create(102, 1, T0 - 100, assignee=11)
    fake.create(103, 2, T0 - 20, status="pending")
    fake.create(104, 1, T0 - 500)
    fake.set_status(104, "resolved", T0 - 400)
    return fake


def truth(fake: FakeChatwoot) -> dict[str, Any]:
    """What the floor should show, from the fake's own state (Chatwoot's truth)."""
    with fake.lock:
        convs = list(fake.conversations.values())
        users = {u: d["availability"] for u, d in fake.users.items() if u != fake.user_id}
    live = [c for c in convs if c["status"] == "open"]
    busy = Counter(c["assignee"] for c in live if c["assignee"] is not None)
    return {
        "waiting": dict(Counter(f"inbox-{c['inbox_id']}" for c in live if c["assignee"] is None)),
        "in_progress": dict(Counter(f"inbox-{c['inbox_id']}" for c in live if c["assignee"])),
        "agents": {
            f"cw-{u}": STATES.get(a, "on_contact" if busy[u] else "available")
            for u, a in users.items()
        },
        "bots": dict(Counter(f"inbox-{c['inbox_id']}" for c in convs if c["status"] == "pending")),
    }


def seen(r: Run) -> dict[str, Any]:
    """The same figures as the floor and the source show them."""
    queues = [q for q in r.floor.queues if q.startswith("inbox-")]
    views = {q: r.floor.queue_view(q) for q in queues}
    return {
        "waiting": {q: v.waiting for q, v in views.items() if v.waiting},
        "in_progress": {q: v.in_progress for q, v in views.items() if v.in_progress},
        "agents": {a.id: str(a.state) for a in r.floor.agents.values()},
        "bots": r.source.bot_pending(),
    }


class Run(SourceRun):
    """A source running against a fake, its events applied to a Floor as they come."""

    wait_s = 4.0

    def __init__(self, fake: FakeChatwoot, token: str = "", **tuning: Any) -> None:
        options: dict[str, Any] = {
            "ping_timeout_s": 2.0,
            "presence_s": 0.3,
            "timeout_s": 2.0,
            "backoff_s": 0.05,
            "max_backoff_s": 0.2,
            "clock": lambda: T0,
        }
        options.update(tuning)
        self.source = ChatwootSource(
            fake.url,
            fake.account_id,
            fake.user_id,
            token or fake.token,
            options.pop("pubsub_token", fake.pubsub_token),
            key="chat",
            cable_url=fake.cable_url,
            **options,
        )
        super().__init__(self.source)

    async def matches(self, fake: FakeChatwoot) -> None:
        """Wait until the floor shows the fake's truth (fails with both when it never does)."""
        try:
            await self.until(lambda: seen(self) == truth(fake))
        except TimeoutError:
            assert seen(self) == truth(fake)


def run(test: Callable[[FakeChatwoot], Awaitable[None]], fake: FakeChatwoot | None = None) -> None:
    async def main() -> None:
        f = await (fake or _fake()).start()
        try:
            await test(f)
        finally:
            await f.close()

    asyncio.run(main())


def test_the_rest_snapshot_becomes_the_floor() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        await r.matches(fake)
        assert r.source.health().connected and r.source.role == "supervisor"
        await r.close()
        web, vip = r.floor.queues["inbox-1"], r.floor.queues["inbox-2"]
        assert (web.name, web.channel, web.sl_target_s, vip.name) == (
            "Web chat",
            "online",
            60.0,
            "VIP chat",
        )
        assert r.floor.longest_wait_s(web) == 30.0  # waiting since created
        li, wang = r.floor.agents["cw-11"], r.floor.agents["cw-12"]
        assert (li.name, li.team, li.skills, li.chat_capacity) == (
            "Li Na",
            "Online A",
            {"inbox-1": 1},
            3,
        )
        assert (wang.reason, wang.skills) == ("busy", {"inbox-1": 1, "inbox-2": 1})
        assert r.floor.agents["cw-14"].chat_capacity == 0  # no inbox: no chat slots
        assert "cw-99" not in r.floor.agents  # the watching user is not an agent
        assert r.floor.contacts["cw-conv-102"].agent == "cw-11"
        assert "cw-conv-103" not in r.floor.contacts  # the bot's
        subscribe = next(c for c in fake.commands if c["command"] == "subscribe")
        assert json.loads(subscribe["identifier"]) == {
            "channel": "RoomChannel",
            "pubsub_token": fake.pubsub_token,
            "account_id": 1,
            "user_id": 99,
        }
        paths = [p for _m, p, _b in fake.requests]
        assert "/api/v1/accounts/1/conversations?status=pending&assignee_type=all&page=1" in paths
        h = r.source.health()
        assert (h.rejected, h.connected, h.last_error) == (0, False, "")

    run(body)


def test_live_events_build_the_floor_the_script_says() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        t = T0 + 1
        fake.presence({13: "online"})  # Zhao Lei comes online
        fake.create(105, 2, t)  # a new chat in VIP
        fake.message(105, 0, "你好，我的订单还没到", t + 1)
        await r.matches(fake)
        fake.assign(105, 13, t + 8)  # taken by Zhao Lei after 8 s
        fake.message(105, 1, "您好，我来查一下", t + 12, sender=13)
        fake.message(105, 1, "internal: check with logistics", t + 13, sender=13, private=True)
        fake.message(105, 2, "Conversation was assigned to Zhao Lei", t + 8)
        await r.matches(fake)
        fake.set_status(102, "resolved", t + 20)  # Li Na's chat ends
        fake.create(106, 1, t + 21)
        fake.set_status(106, "resolved", t + 40)  # closed unanswered: an exit
        fake.set_status(103, "open", t + 41)  # the bot hands over: a human's turn now
        await r.matches(fake)
        fake.assign(103, 11, t + 50)
        await r.matches(fake)
        await r.close()
        web, vip = r.floor.queue_view("inbox-1"), r.floor.queue_view("inbox-2")
        assert (vip.offered, vip.answered, vip.asa_s) == (2, 2, 8.5)
        assert vip.first_response_s == 11.0  # customer at t+1, agent at t+12
        assert (web.offered, web.other_exits, web.abandoned) == (1, 1, 0)
        assert r.source.health().rejected == 0
        assert r.source.map.stats.skipped_messages == 2  # the note and the activity

    run(body)


def test_a_drop_reconnects_and_a_fresh_snapshot_keeps_the_truth() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        fake.create(105, 2, T0 + 1)
        await r.matches(fake)
        web, vip = r.floor.queue_view("inbox-1"), r.floor.queue_view("inbox-2")
        assert vip.offered == 1
        fake.drop()  # the websocket is cut mid-script
        await r.until(lambda: not r.source.health().connected)
        # Meanwhile on Chatwoot (nobody subscribed: no events reach the source):
        fake.assign(101, 11, T0 + 5)
        fake.set_status(105, "resolved", T0 + 6)
        fake.create(107, 1, T0 + 7)
        fake.presence({12: "online"})
        await r.until(lambda: r.source.health().resyncs == 1)
        await r.matches(fake)
        # Told as the changes since, not a second Snapshot: the day's counts go on.
        assert r.snapshots() == 1
        after_web, after_vip = r.floor.queue_view("inbox-1"), r.floor.queue_view("inbox-2")
        assert (after_vip.offered, after_vip.other_exits) == (1, vip.other_exits + 1)
        assert after_web.offered == web.offered + 1  # 107, created during the gap
        fake.assign(107, 12, T0 + 9)  # and live events go on after it
        await r.matches(fake)
        await r.close()
        h = r.source.health()
        assert h.resyncs == 1 and h.reconnects >= 1 and fake.subscribes == 2
        assert sum(p.endswith("/inboxes") for _m, p, _b in fake.requests) == 2

    run(body)


def test_silence_past_the_ping_timeout_is_a_gap_and_resyncs() -> None:
    async def body(fake: FakeChatwoot) -> None:
        fake.ping_s = 0.1
        r = Run(fake, ping_timeout_s=0.5, presence_s=60.0)
        await r.until(lambda: r.snapshots() == 1)
        fake.now = T0 + 30
        await r.until(lambda: r.floor.now == T0 + 30)  # pings become heartbeats
        assert any(isinstance(i.event, Heartbeat) for i in r.items)
        fake.pings = False  # a half-open connection: nothing comes any more
        await r.until(lambda: "no ping" in r.source.health().last_error)
        fake.pings = True
        await r.until(lambda: r.source.health().resyncs == 1 and r.source.health().connected)
        await r.close()
        assert r.source.health().resyncs == 1

    run(body)


def test_a_wrong_api_token_is_unauthorized_and_retried() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = Run(fake, token="wrong-token-123")
        await r.until(lambda: r.source.health().reconnects >= 2)
        await r.close()
        h = r.source.health()
        assert not h.connected and r.items == []
        assert h.last_error.startswith("unauthorized: the API token was refused (HTTP 401")
        assert "wrong-token-123" not in h.last_error + repr(r.source) + repr(r.source.rest)

    run(body)


@pytest.mark.parametrize(
    "mode,said",
    [
        ("reject", "unauthorized: the RoomChannel subscription was rejected"),
        ("silent", "unauthorized: no confirm_subscription within 0.3 s"),
    ],
)
def test_a_refused_subscription_is_unauthorized_and_retried(mode: str, said: str) -> None:
    async def body(fake: FakeChatwoot) -> None:
        fake.subscribe_mode = mode
        r = Run(fake, timeout_s=0.3)
        await r.until(lambda: fake.subscribes >= 2, timeout=5.0)
        await r.close()
        h = r.source.health()
        assert not h.connected and r.items == [] and h.last_error.startswith(said)
        assert fake.pubsub_token not in h.last_error
        # Refused before any REST call: the snapshot is only read once subscribed.
        assert fake.requests == []

    run(body)


def test_bad_and_unknown_payloads_are_counted_and_the_next_ones_used() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        ident = fake.identifier()
        good = fake._push_data(fake.conversations[101])

        def wrap(event: str, data: Any) -> str:
            return json.dumps({"identifier": ident, "message": {"event": event, "data": data}})

        fake.raw("this is not json")
        fake.raw("[1, 2]")
        fake.raw(
            json.dumps(
                {
                    "identifier": '{"channel":"Other"}',
                    "message": {"event": "conversation.created", "data": good},
                }
            )
        )
        fake.raw(wrap("conversation.created", {**good, "id": 300, "inbox_id": None}))
        fake.raw(wrap("conversation.created", {**good, "id": 301, "status": 7}))
        fake.raw(wrap("presence.update", {"users": ["11"]}))
        fake.raw(
            wrap(
                "message.created",
                {"conversation_id": 999, "message_type": 0, "content": "hello?", "private": False},
            )
        )
        fake.raw(wrap("conversation.exploded", {"id": 1}))  # unknown: ignored, not bad
        fake.raw(wrap("conversation.typing_on", {"conversation": good}))  # known, nothing
        # Out of order: assigned before it was ever created (used, and counted).
        fake.raw(
            wrap(
                "assignee.changed",
                {**good, "id": 302, "meta": {**good["meta"], "assignee": fake._user_push(11)}},
            )
        )
        # Extra fields are no fault.
        fake.raw(wrap("conversation.created", {**good, "id": 303, "brand_new_field": [1]}))
        await r.until(lambda: "cw-conv-303" in r.floor.contacts)
        await r.close()
        h = r.source.health()
        assert dict(h.rejected_reasons) == {
            "frame is not JSON": 1,
            "frame is not a JSON object": 1,
            "message for another subscription": 1,
            "conversation.created: no inbox_id": 1,
            "conversation.created: bad status": 1,
            "presence.update.users: not an object": 1,
            "message.created: unknown conversation": 1,
            "assignee.changed: conversation not seen before": 1,
        }
        assert h.rejected == 8
        assert r.floor.contacts["cw-conv-302"].agent == "cw-11"
        assert r.source.map.stats.unknown == 1 and r.source.map.stats.ignored == 1
        assert h.unknown == 1  # the unknown event name, in the feed's health
        assert r.floor.queue_view("inbox-1").waiting == 2  # 101 and 303

    run(body)


def test_bot_conversations_are_counted_apart_until_a_human_gets_them() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        fake.create(108, 1, T0 + 1, status="pending")
        fake.message(108, 0, "hi", T0 + 2)
        fake.message(108, 1, "I am a bot, how can I help?", T0 + 3)  # the bot answers
        fake.create(109, 1, T0 + 4, status="pending")
        await r.until(lambda: r.source.bot_pending() == {"inbox-1": 2, "inbox-2": 1})
        assert r.floor.queue_view("inbox-1").offered == 0  # none offered to humans
        fake.set_status(108, "open", T0 + 10)  # handed to a human
        fake.set_status(109, "resolved", T0 + 11)  # the bot solved it alone
        await r.matches(fake)
        await r.close()
        assert r.source.bot_pending() == {"inbox-2": 1}
        view = r.floor.queue_view("inbox-1")
        assert (view.offered, view.waiting, view.other_exits) == (1, 2, 0)
        assert r.floor.contacts["cw-conv-108"].offered_t == T0 + 10  # waits from hand-over
        assert r.source.map.stats.bot_resolved == 1
        assert r.source.health().rejected == 0

    run(body)


def test_tokens_never_reach_health_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def body(fake: FakeChatwoot) -> None:
        bad = Run(fake, token="wrong-api-token-xyz")
        await bad.until(lambda: bad.source.health().reconnects >= 1)
        await bad.close()
        r = Run(fake)
        await r.until(lambda: r.snapshots() == 1)
        fake.create(105, 2, T0 + 1)
        await r.matches(fake)
        fake.drop()
        await r.until(lambda: r.source.health().resyncs == 1)
        await r.close()
        texts = [
            caplog.text,
            repr(r.source),
            repr(r.source.health()),
            repr(bad.source.health()),
            repr(bad.source),
        ]
        for secret in (fake.token, fake.pubsub_token, "wrong-api-token-xyz"):
            assert not any(secret in text for text in texts)

    run(body)


def test_an_event_the_hub_dropped_brings_a_fresh_snapshot() -> None:
    async def body(fake: FakeChatwoot) -> None:
        r = Run(fake, max_backoff_s=30.0, backoff_s=30.0)  # no waiting: not a failure
        await r.until(lambda: r.snapshots() == 1)
        r.source.overflowed(r.items[-1])
        await r.until(lambda: r.snapshots() == 2, timeout=2.0)
        await r.matches(fake)
        await r.close()
        assert r.source.health().resyncs == 1

    run(body)
