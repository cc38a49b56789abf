"""ChatwootMap: Chatwoot payloads (the fake's exact shapes) -> canonical events; pure."""

from __future__ import annotations

from typing import Any

import pytest

from feeds.sources.chatwoot_map import (
    ChatwootMap,
    ChatwootPayloadError,
    chatwoot_agent_id,
    chatwoot_contact_id,
    chatwoot_queue_id,
    event_time,
)
from monitor.events import (
    AgentLogin,
    AgentStateChanged,
    BotHandoff,
    BotResolved,
    BotStarted,
    ChatMessage,
    ContactAnswered,
    ContactEnded,
    ContactExited,
    ContactOffered,
    QueueDefined,
)
from monitor.snapshot_check import problem
from tests.fake_chatwoot import FakeChatwoot

T0 = 1_764_500_000.0


def _fake() -> FakeChatwoot:
    fake = FakeChatwoot()
    fake.add_user(11, "Li Na", "online")
    fake.add_user(12, "Wang Wei", "busy")
    fake.add_user(99, "Floorwatch", "online", role="administrator")
    fake.add_inbox(1, "Web chat", [11, 12])
    fake.create(101, 1, T0 - 30)
    fake.create(102, 1, T0 - 100, assignee=11)
    fake.create(103, 1, T0 - 20, status="pending")
    return fake


def _mapped(fake: FakeChatwoot) -> ChatwootMap:
    """A map loaded with the fake's REST snapshot."""
    m = ChatwootMap(self_user=fake.user_id)
    convs = [fake._list_item(c) for c in fake.conversations.values()]
    m.snapshot(
        T0,
        [fake._inbox_json(i) for i in fake.inboxes],
        [fake.agent_json(u) for u in fake.users],
        {i: [fake.agent_json(u) for u in us] for i, us in fake.members.items()},
        convs,
        {11: "Online A"},
        seq=1,
    )
    return m


def _conv(fake: FakeChatwoot, conv: int, **change: Any) -> dict[str, Any]:
    """The conversation's push_event_data after `change` (status, assignee)."""
    fake.conversations[conv].update(change)
    return fake._push_data(fake.conversations[conv])


def test_ids() -> None:
    assert (chatwoot_agent_id(7), chatwoot_queue_id(3), chatwoot_contact_id(42)) == (
        "cw-7",
        "inbox-3",
        "cw-conv-42",
    )


def test_the_snapshot_state_is_one_the_floor_loads() -> None:
    fake = _fake()
    m = ChatwootMap(self_user=99)
    snap = m.snapshot(
        T0,
        [fake._inbox_json(1)],
        [fake.agent_json(u) for u in fake.users],
        {1: [fake.agent_json(11), fake.agent_json(12)]},
        [fake._list_item(c) for c in fake.conversations.values()],
        {11: "Online A"},
        seq=4,
    )
    assert problem(snap.state) is None and snap.seq == 4
    assert snap.state["queues"] == [
        {
            "id": "inbox-1",
            "name": "Web chat",
            "channel": "online",
            "sl_target_s": 60.0,
            "tier": "normal",
            "bots": [["cw-conv-103", T0 - 20]],  # pending: with the bot since created
        }
    ]
    agents = {a["id"]: (a["state"], a["reason"], a["team"]) for a in snap.state["agents"]}
    assert agents == {"cw-11": ("on_contact", "", "Online A"), "cw-12": ("not_ready", "busy", "")}
    assert snap.state["contacts"] == [
        {"id": "cw-conv-101", "queue": "inbox-1", "offered_t": T0 - 30},
        # answered: no first reply in the REST item (0), so at the snapshot's time
        {
            "id": "cw-conv-102",
            "queue": "inbox-1",
            "offered_t": T0 - 100,
            "answered_t": T0,
            "agent": "cw-11",
        },
    ]
    assert m.bot_pending() == {"inbox-1": 1}


def test_a_bad_snapshot_item_raises_before_anything_changes() -> None:
    fake = _fake()
    m = _mapped(fake)
    bad = fake._list_item(fake.conversations[101])
    bad["status"] = "closed"
    with pytest.raises(ChatwootPayloadError, match=r"conversations\[0\]: bad status"):
        m.snapshot(T0 + 5, [fake._inbox_json(1)], [], {}, [bad])
    assert m.queues == {"inbox-1"} and m.member("cw-11") is not None  # untouched


def test_conversation_lifecycle_offered_answered_ended() -> None:
    fake = _fake()
    m = _mapped(fake)
    fake.create(105, 2, T0 + 1)  # an inbox the snapshot did not have
    assert m.convert(T0 + 1, "conversation.created", _conv(fake, 105)) == [
        QueueDefined(T0 + 1, "inbox-2", "inbox-2", "online", 60.0),
        ContactOffered(T0 + 1, "cw-conv-105", "inbox-2"),
    ]
    assert m.convert(T0 + 5, "assignee.changed", _conv(fake, 105, assignee=12)) == [
        ContactAnswered(T0 + 5, "cw-conv-105", "inbox-2", "cw-12"),
    ]  # Wang Wei is busy: still not_ready, no state event
    # Handed to another agent: no re-offer, nothing for the floor.
    assert m.convert(T0 + 6, "assignee.changed", _conv(fake, 105, assignee=11)) == []
    assert m.convert(
        T0 + 9, "conversation.status_changed", _conv(fake, 105, status="resolved")
    ) == [
        ContactEnded(T0 + 9, "cw-conv-105", "inbox-2", "cw-12"),  # who the floor has it under
    ]
    # The same payload again (a repeat) changes nothing.
    assert m.convert(T0 + 9, "conversation.status_changed", _conv(fake, 105)) == []


def test_an_agent_s_state_follows_its_chats_and_presence() -> None:
    fake = _fake()
    m = _mapped(fake)
    out = m.convert(T0 + 1, "conversation.resolved", _conv(fake, 102, status="resolved"))
    assert out == [
        ContactEnded(T0 + 1, "cw-conv-102", "inbox-1", "cw-11"),
        AgentStateChanged(T0 + 1, "cw-11", "available", ""),
    ]
    out = m.convert(T0 + 2, "presence.update", {"account_id": 1, "users": {"12": "online"}})
    assert out == [
        AgentStateChanged(T0 + 2, "cw-11", "logged_out", ""),  # not listed: offline
        AgentStateChanged(T0 + 2, "cw-12", "available", ""),
    ]


def test_unassigned_while_open_waits_again() -> None:
    fake = _fake()
    m = _mapped(fake)
    assert m.convert(T0 + 3, "assignee.changed", _conv(fake, 102, assignee=None)) == [
        ContactEnded(T0 + 3, "cw-conv-102", "inbox-1", "cw-11"),
        ContactOffered(T0 + 3, "cw-conv-102", "inbox-1"),
        AgentStateChanged(T0 + 3, "cw-11", "available", ""),
    ]


def test_waiting_then_resolved_is_an_exit_and_a_bot_hand_over_an_offer() -> None:
    fake = _fake()
    m = _mapped(fake)
    assert m.convert(
        T0 + 4, "conversation.status_changed", _conv(fake, 101, status="resolved")
    ) == [ContactExited(T0 + 4, "cw-conv-101", "inbox-1", "withdraw")]
    # pending -> open: the bot hands over, then the chat waits for a human.
    assert m.convert(T0 + 5, "conversation.status_changed", _conv(fake, 103, status="open")) == [
        BotHandoff(T0 + 5, "cw-conv-103", "inbox-1"),
        ContactOffered(T0 + 5, "cw-conv-103", "inbox-1"),
    ]
    assert m.bot_pending() == {}
    fake.create(106, 1, T0 + 6, status="pending")
    assert m.convert(T0 + 6, "conversation.created", _conv(fake, 106)) == [
        BotStarted(T0 + 6, "cw-conv-106", "inbox-1")
    ]
    assert m.bot_pending() == {"inbox-1": 1}
    # A repeated payload changes nothing twice.
    assert m.convert(T0 + 6, "conversation.updated", _conv(fake, 106)) == []
    assert m.convert(
        T0 + 7, "conversation.status_changed", _conv(fake, 106, status="resolved")
    ) == [BotResolved(T0 + 7, "cw-conv-106", "inbox-1")]
    assert m.stats.bot_resolved == 1 and m.bot_pending() == {}


def test_a_resync_tells_the_bot_outcomes_it_missed() -> None:
    """After a reconnect the REST lists show where the bot's chats went meanwhile."""
    fake = _fake()
    m = _mapped(fake)  # 103 is with the bot
    fake.create(107, 1, T0 - 10, status="pending")
    assert m.convert(T0 + 1, "conversation.created", _conv(fake, 107)) == [
        BotStarted(T0 + 1, "cw-conv-107", "inbox-1")
    ]
    fake.conversations[103].update(status="open")  # handed to a human meanwhile
    fake.conversations[107].update(status="resolved")  # the bot closed it meanwhile
    fake.create(108, 1, T0 + 20, status="pending")  # a new one the bot took
    convs = [fake._list_item(c) for c in fake.conversations.values()]
    out = m.resync(
        T0 + 30,
        [fake._inbox_json(i) for i in fake.inboxes],
        [fake.agent_json(u) for u in fake.users],
        {i: [fake.agent_json(u) for u in us] for i, us in fake.members.items()},
        convs,
        teams={11: "Online A"},
    )
    bot = [e for e in out if isinstance(e, BotStarted | BotResolved | BotHandoff)]
    assert bot == [
        BotHandoff(T0 + 30, "cw-conv-103", "inbox-1"),
        BotResolved(T0 + 30, "cw-conv-107", "inbox-1"),
        BotStarted(T0 + 30, "cw-conv-108", "inbox-1"),
    ]
    # The handed-over chat is offered after its handoff.
    offer = next(i for i, e in enumerate(out)
                 if isinstance(e, ContactOffered) and e.contact == "cw-conv-103")
    assert out.index(bot[0]) < offer
    assert m.bot_pending() == {"inbox-1": 1}


def test_a_new_agent_logs_in_when_it_takes_a_chat() -> None:
    fake = _fake()
    m = _mapped(fake)
    fake.add_user(15, "Sun Li", "online")
    assert m.convert(T0 + 1, "assignee.changed", _conv(fake, 101, assignee=15)) == [
        AgentLogin(T0 + 1, "cw-15", "Sun Li"),
        ContactAnswered(T0 + 1, "cw-conv-101", "inbox-1", "cw-15"),
        AgentStateChanged(T0 + 1, "cw-15", "on_contact", ""),
    ]


def test_messages_by_type_sender_and_privacy() -> None:
    fake = _fake()
    m = _mapped(fake)
    c = fake.conversations[102]

    def msg(kind: Any, sender: int | None = 11, private: bool = False) -> dict[str, Any]:
        data = fake._message_data(1, c, 0 if kind == "incoming" else 1, "好的", T0, sender, private)
        data["message_type"] = kind
        return data

    assert m.convert(T0, "message.created", msg(0)) == [
        ChatMessage(T0, "cw-conv-102", "customer", "好的")
    ]
    assert m.convert(T0, "message.created", msg("incoming")) == [
        ChatMessage(T0, "cw-conv-102", "customer", "好的")
    ]
    assert m.convert(T0, "message.created", msg(1)) == [
        ChatMessage(T0, "cw-conv-102", "agent", "好的", "cw-11")
    ]
    assert m.convert(T0, "message.created", msg(1, sender=None)) == [
        ChatMessage(T0, "cw-conv-102", "system", "好的")
    ]  # a bot's, not an agent's reply
    for skipped in (msg(1, private=True), msg(2), msg(3)):
        assert m.convert(T0, "message.created", skipped) == []
    assert m.stats.skipped_messages == 3
    long = {**msg(0), "content": "x" * 10_000}
    assert len(m.convert(T0, "message.created", long)[0].text) == 4000


@pytest.mark.parametrize(
    "event,data,said",
    [
        ("conversation.created", {"id": 1, "inbox_id": 1}, "conversation.created: no status"),
        (
            "assignee.changed",
            {"id": "x", "inbox_id": 1, "status": "open"},
            "assignee.changed: bad id",
        ),
        (
            "conversation.created",
            {"id": 1, "inbox_id": 1, "status": "open", "meta": []},
            "conversation.created.meta: not an object",
        ),
        (
            "conversation.created",
            {"id": 1, "inbox_id": 1, "status": "open", "meta": {"assignee": {"name": "no id"}}},
            "conversation.created.meta.assignee: no id",
        ),
        (
            "message.created",
            {"conversation_id": 101, "message_type": "shout"},
            "message.created: bad message_type",
        ),
        (
            "message.created",
            {"conversation_id": 101, "message_type": 0, "content": 5},
            "message.created: content is not text",
        ),
        (
            "message.created",
            {"conversation_id": 999, "message_type": 0},
            "message.created: unknown conversation",
        ),
        (
            "presence.update",
            {"users": {"eleven": "online"}},
            "presence.update.users: a key that is not a user id",
        ),
        ("presence.update", {"users": {"11": "asleep"}}, "presence.update.users: bad availability"),
        ("conversation.created", "text", "conversation.created: not an object"),
    ],
)
def test_bad_payloads_raise_naming_the_field_not_the_value(
    event: str, data: Any, said: str
) -> None:
    m = _mapped(_fake())
    with pytest.raises(ChatwootPayloadError) as caught:
        m.convert(T0, event, data)
    assert str(caught.value) == said


def test_unknown_and_quiet_events_are_counted_not_raised() -> None:
    m = _mapped(_fake())
    assert m.convert(T0, "conversation.exploded", {"x": 1}) == []
    assert m.convert(T0, "conversation.typing_on", {}) == []
    assert m.convert(T0, "first.reply.created", {}) == []
    assert (m.stats.unknown, m.stats.ignored) == (1, 2)


def test_event_times_come_from_the_payload() -> None:
    fake = _fake()
    data = _conv(fake, 101, updated_at=T0 + 7.25)
    assert event_time("conversation.created", data) == T0 - 30
    assert event_time("conversation.status_changed", data) == T0 + 7.25
    assert event_time("message.created", {"created_at": "soon"}) is None
    assert (
        event_time("assignee.changed", {"assignment": {"updated_at": T0 + 1}, "updated_at": T0 + 9})
        == T0 + 1
    )
