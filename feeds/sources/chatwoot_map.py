"""Chatwoot payloads turned into canonical events: pure, no I/O.

A payload is the JSON object Chatwoot sends: a conversation's `push_event_data` (for
`conversation.*`, `assignee.changed`, `team.changed`), a message's `push_event_data`
(`message.created`), `{users: {user id: availability}}` (`presence.update`), or the
REST lists read for a snapshot (docs/chatwoot.md has the shapes and the version).

`ChatwootMap` keeps what it needs for events that stand alone on the floor: each open
or bot-handled conversation (which inbox, waiting or answered and by whom), each
agent's availability, inbox memberships and the chats the floor gives it, and the
agent state last told, so a state is sent only when it changes.

Every conversation payload is reconciled with what the map knows (status and
assignee), so a repeated or late event changes nothing twice. A conversation a bot
handles (status `pending`) is kept apart: counted per inbox (`bot_pending`), never
offered, and offered once it is opened for a human. The bot stage is told as protocol
v1 bot events (docs/chatwoot.md): pending -> `bot.started`; pending -> open ->
`bot.handoff` then `contact.offered`; pending -> resolved -> `bot.resolved`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from monitor.events import (
    AgentLogin,
    AgentLogout,
    AgentSkills,
    AgentStateChanged,
    AgentStatus,
    BotHandoff,
    BotResolved,
    BotStarted,
    Channel,
    ChatMessage,
    ContactAnswered,
    ContactEnded,
    ContactExited,
    ContactOffered,
    Event,
    ExitReason,
    QueueDefined,
    Side,
    Snapshot,
)

DEFAULT_SL_TARGET_S = 60.0
DEFAULT_CHAT_CAPACITY = 3  # Chatwoot (community edition) has no per-agent chat limit
MAX_TEXT = 4000  # characters of a chat message kept (the floor reads keywords, not essays)
MAX_CONVERSATIONS = 100_000  # open + bot conversations tracked; beyond: not tracked

# Chatwoot's `message_type` (enum in app/models/message.rb), as integer or as name.
_INCOMING, _OUTGOING = 0, 1
_MESSAGE_TYPES = {"incoming": 0, "outgoing": 1, "activity": 2, "template": 3}
_STATUSES = frozenset({"open", "pending", "resolved", "snoozed"})
_AVAILABILITY = frozenset({"online", "busy", "offline"})

# Events that carry a conversation's push_event_data: each is reconciled the same way.
CONVERSATION_EVENTS = frozenset(
    {
        "conversation.created",
        "conversation.status_changed",
        "conversation.opened",  # Chatwoot before 2.x; v3/v4 send status_changed instead
        "conversation.resolved",
        "conversation.updated",
        "assignee.changed",
        "team.changed",
    }
)
# Known events that carry nothing for the floor (counted in `stats.ignored`).
NOTHING_EVENTS = frozenset(
    {
        "conversation.read",
        "conversation.typing_on",
        "conversation.typing_off",
        "conversation.contact_changed",
        "conversation.mentioned",
        "message.updated",
        "first.reply.created",  # the floor measures first response from the messages
        "contact.created",
        "contact.updated",
        "contact.merged",
        "contact.deleted",
        "notification.created",
        "notification.updated",
        "notification.deleted",
    }
)


class ChatwootPayloadError(ValueError):
    """A payload the mapping cannot use; the text names the event and field, never a value."""


def chatwoot_agent_id(user_id: int | str) -> str:
    """The Floorwatch agent id of a Chatwoot user."""
    return f"cw-{user_id}"


def chatwoot_queue_id(inbox_id: int | str) -> str:
    """The Floorwatch queue id of a Chatwoot inbox."""
    return f"inbox-{inbox_id}"


def chatwoot_contact_id(conversation_id: int | str) -> str:
    """The Floorwatch contact id of a Chatwoot conversation (its display id)."""
    return f"cw-conv-{conversation_id}"


def user_of(agent_id: str) -> int | None:
    """The Chatwoot user id of a `cw-<id>` agent id, or None."""
    head, _, rest = agent_id.partition("-")
    return int(rest) if head == "cw" and rest.isdigit() else None


def inbox_of(queue_id: str) -> int | None:
    """The Chatwoot inbox id of an `inbox-<id>` queue id, or None."""
    head, _, rest = queue_id.partition("-")
    return int(rest) if head == "inbox" and rest.isdigit() else None


@dataclass(slots=True)
class MapStats:
    """What the mapping took, left out and could not use."""

    mapped: Counter[str] = field(default_factory=Counter)  # used payloads per event
    ignored: int = 0  # known events with nothing for the floor (typing, read, ...)
    unknown: int = 0  # event names this mapping does not know
    skipped_messages: int = 0  # private notes, activity and template messages, bot chatter
    bot_resolved: int = 0  # bot conversations resolved without reaching a human
    untracked: int = 0  # conversations past MAX_CONVERSATIONS


# Where a conversation stands for the floor.
_BOT, _WAITING, _ANSWERED = "bot", "waiting", "answered"


@dataclass(slots=True)
class _Conv:
    queue: str
    state: str
    floor_agent: str = ""  # the agent the floor has it under (who first took it)
    assignee: int | None = None  # Chatwoot's assignee now


@dataclass(slots=True)
class _Agent:
    name: str
    availability: str = "offline"
    inboxes: set[int] = field(default_factory=set)
    team: str = ""
    told: tuple[str, str] | None = None  # (state, reason) last sent to the floor


# ------------------------------------------------------------------ payload reading
def _obj(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ChatwootPayloadError(f"{where}: not an object")
    return value


def _id(d: Mapping[str, Any], key: str, where: str) -> int:
    value = d.get(key)
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        value = int(value)
    if type(value) is not int or not 0 < value < 2**63:
        raise ChatwootPayloadError(f"{where}: no {key}" if value is None else f"{where}: bad {key}")
    return value


def _text(d: Mapping[str, Any], key: str, where: str, default: str = "") -> str:
    value = d.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ChatwootPayloadError(f"{where}: {key} is not text")
    return value[:200]


def _time(value: Any) -> float | None:
    """An epoch time from a payload field, or None when absent or unbelievable."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    t = float(value)
    return t if math.isfinite(t) and 0 < t < 4_102_444_800 else None  # before 2100


def event_time(event: str, data: Mapping[str, Any]) -> float | None:
    """When `event` happened, from its payload (None: use the receiving clock)."""
    if event in ("conversation.created", "message.created"):
        return _time(data.get("created_at"))
    assignment = data.get("assignment")
    if event == "assignee.changed" and isinstance(assignment, Mapping):
        t = _time(assignment.get("updated_at"))
        if t is not None:
            return t
    return _time(data.get("updated_at"))


def _assignee(conv: Mapping[str, Any], where: str) -> Mapping[str, Any] | None:
    meta = conv.get("meta")
    if meta is None:
        return None
    meta = _obj(meta, f"{where}.meta")
    assignee = meta.get("assignee")
    if assignee is None:
        return None
    assignee = _obj(assignee, f"{where}.meta.assignee")
    if assignee.get("type") not in (None, "user") or meta.get("assignee_type") == "AgentBot":
        return None  # an agent bot "assigned": still a bot's conversation, not a human's
    _id(assignee, "id", f"{where}.meta.assignee")
    return assignee


def _status(conv: Mapping[str, Any], where: str) -> str:
    status = conv.get("status")
    if status not in _STATUSES:
        raise ChatwootPayloadError(
            f"{where}: no status" if status is None else f"{where}: bad status"
        )
    return str(status)


def _capped(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT]


class ChatwootMap:
    """Stateful converter of one Chatwoot account's payloads (across reconnects)."""

    def __init__(
        self,
        sl_target_s: float = DEFAULT_SL_TARGET_S,
        chat_capacity: int = DEFAULT_CHAT_CAPACITY,
        self_user: int | None = None,
    ) -> None:
        self.sl_target_s = sl_target_s
        self.chat_capacity = chat_capacity
        self.self_user = self_user  # the watching user: not an agent of the floor
        self.stats = MapStats()
        self._queues: dict[str, str] = {}  # queue id -> name
        self._agents: dict[int, _Agent] = {}
        self._convs: dict[int, _Conv] = {}
        self._load: Counter[str] = Counter()  # agent id -> conversations the floor gives it
        self._bots: Counter[str] = Counter()  # queue id -> pending (bot) conversations

    # -------------------------------------------------------------- snapshot
    def snapshot(
        self,
        t: float,
        inboxes: Iterable[Any],
        agents: Iterable[Any],
        members: Mapping[int, Iterable[Any]],
        conversations: Iterable[Any],
        teams: Mapping[int, str] | None = None,
        seq: int = 0,
    ) -> Snapshot:
        """The REST lists as one Snapshot; resets what the mapping knew.

        `inboxes`: GET inboxes' payload; `agents`: GET agents; `members`: inbox id ->
        GET inbox_members' payload; `conversations`: open and pending conversations
        (the conversations list's `data.payload`, every page); `teams`: user id -> team
        name. Bad items raise `ChatwootPayloadError` before anything is changed.
        """
        queues: dict[str, str] = {}
        for i, d in enumerate(inboxes):
            d = _obj(d, f"inboxes[{i}]")
            inbox = _id(d, "id", f"inboxes[{i}]")
            queues[chatwoot_queue_id(inbox)] = _text(d, "name", f"inboxes[{i}]") or str(inbox)
        people: dict[int, _Agent] = {}
        for i, d in enumerate(agents):
            d = _obj(d, f"agents[{i}]")
            user = _id(d, "id", f"agents[{i}]")
            if user == self.self_user:
                continue
            name = _text(d, "available_name", f"agents[{i}]") or _text(d, "name", f"agents[{i}]")
            availability = d.get("availability_status")
            people[user] = _Agent(
                name or chatwoot_agent_id(user),
                availability if availability in _AVAILABILITY else "offline",
                team=(teams or {}).get(user, ""),
            )
        for inbox, listed in members.items():
            for i, d in enumerate(listed):
                d = _obj(d, f"inbox_members[{inbox}][{i}]")
                # The agent partial names the user `id`; Chatwoot before 2.x said `user_id`.
                key = "id" if "id" in d else "user_id"
                user = _id(d, key, f"inbox_members[{inbox}][{i}]")
                if user in people:
                    people[user].inboxes.add(inbox)
        convs: dict[int, tuple[_Conv, float, float | None]] = {}
        for i, d in enumerate(conversations):
            where = f"conversations[{i}]"
            d = _obj(d, where)
            conv_id = _id(d, "id", where)
            queue = chatwoot_queue_id(_id(d, "inbox_id", where))
            status = _status(d, where)
            assignee = _assignee(d, where)
            if queue not in queues or status not in ("open", "pending"):
                continue  # an inbox this user cannot see, or not live any more
            if len(convs) >= MAX_CONVERSATIONS:
                self.stats.untracked += 1
                continue
            created = min(_time(d.get("created_at")) or t, t)
            if status == "pending":
                convs[conv_id] = (_Conv(queue, _BOT), created, None)
            elif assignee is None:
                # Waiting since the customer's last unanswered message, else since created.
                since = _time(d.get("waiting_since")) or created
                convs[conv_id] = (_Conv(queue, _WAITING), min(since, t), None)
            else:
                user = int(assignee["id"])
                replied = _time(d.get("first_reply_created_at"))
                answered = min(max(replied or t, created), t)
                c = _Conv(queue, _ANSWERED, chatwoot_agent_id(user), user)
                convs[conv_id] = (c, created, answered)
        # All read: now replace what the map knew.
        self._queues = queues
        self._agents = people
        self._convs = {k: c for k, (c, _o, _a) in convs.items()}
        self._load = Counter(c.floor_agent for c in self._convs.values() if c.state == _ANSWERED)
        self._bots = Counter(c.queue for c in self._convs.values() if c.state == _BOT)
        state_agents = []
        for user, a in people.items():
            agent = chatwoot_agent_id(user)
            a.told = self._derive(agent, a)
            state_agents.append(
                {
                    "id": agent,
                    "name": a.name,
                    "team": a.team,
                    "state": a.told[0],
                    "reason": a.told[1],
                    "state_since": t,
                    "skills": self._skills(a),
                    "chat_capacity": self._capacity(a),
                }
            )
        contacts = []
        bots: dict[str, list[list[Any]]] = {}  # queue -> [contact, since] with a bot now
        for conv_id, (c, offered, answered) in convs.items():
            if c.state == _BOT:
                bots.setdefault(c.queue, []).append([chatwoot_contact_id(conv_id), offered])
                continue
            item: dict[str, Any] = {
                "id": chatwoot_contact_id(conv_id),
                "queue": c.queue,
                "offered_t": offered,
            }
            if c.state == _ANSWERED:
                item["answered_t"], item["agent"] = answered, c.floor_agent
            contacts.append(item)
        self.stats.mapped["snapshot"] += 1
        return Snapshot(
            t,
            seq,
            {
                "now": t,
                "queues": [
                    {
                        "id": q,
                        "name": name,
                        "channel": Channel.ONLINE.value,
                        "sl_target_s": self.sl_target_s,
                        "tier": "normal",
                        "bots": bots.get(q, []),  # the bot stage (monitor/bots.py)
                    }
                    for q, name in queues.items()
                ],
                "agents": state_agents,
                "contacts": contacts,
            },
        )

    def resync(self, t: float, *lists: Any, teams: Mapping[int, str] | None = None
               ) -> list[Event]:
        """A later REST snapshot (after a reconnect) as the events that bring the floor
        from what the mapping knew to it, so the day's counts go on where a Snapshot
        would start them again. `lists` as `snapshot` takes them.

        Conversations that waited and are gone (resolved, or handed to a bot) exit with
        reason `withdraw`, answered ones that are gone end, new ones are offered (and
        answered, if assigned) at their own times; agents that came, left or changed
        are told. Raises `ChatwootPayloadError` (changing nothing) as `snapshot` does.
        """
        old_queues, old_agents, old_convs = self._queues, self._agents, self._convs
        snap = self.snapshot(t, *lists, teams=teams)  # checks whole; replaces the state
        out: list[Event] = []
        for q in snap.state["queues"]:
            if q["id"] not in old_queues:
                out.append(QueueDefined(t, q["id"], q["name"], q["channel"], q["sl_target_s"]))
        contacts = {c["id"]: c for c in snap.state["contacts"]}
        for conv_id, was in old_convs.items():
            now = self._convs.get(conv_id)
            cid = chatwoot_contact_id(conv_id)
            if was.state == _WAITING and (now is None or now.state == _BOT):
                out.append(ContactExited(t, cid, was.queue, ExitReason.WITHDRAW.value))
            elif was.state == _BOT and (now is None or now.state != _BOT):
                # The bot's outcome, as far as the lists tell: gone is resolved (or
                # snoozed), opened is handed over (its offer follows below).
                bot_out = BotResolved if now is None else BotHandoff
                out.append(bot_out(t, cid, was.queue))
            elif was.state == _ANSWERED and (now is None or now.state != _ANSWERED):
                out.append(ContactEnded(t, cid, was.queue, was.floor_agent))
        for conv_id, now in self._convs.items():
            was = old_convs.get(conv_id)
            cid = chatwoot_contact_id(conv_id)
            if now.state == _BOT:
                if was is None or was.state != _BOT:
                    out.append(BotStarted(t, cid, now.queue))
                continue
            c = contacts[cid]
            if was is None or was.state != now.state or was.state == _BOT:
                if was is None or was.state != _WAITING:  # not on the floor now: offer it
                    out.append(ContactOffered(min(c["offered_t"], t), cid, now.queue))
                if now.state == _ANSWERED:
                    out.append(ContactAnswered(min(c.get("answered_t", t), t), cid, now.queue,
                                               now.floor_agent))
            elif now.state == _ANSWERED and was.floor_agent != now.floor_agent:
                now.floor_agent = was.floor_agent  # the floor keeps it under its first agent
        self._load = Counter(c.floor_agent for c in self._convs.values() if c.state == _ANSWERED)
        for user, a in self._agents.items():
            agent = chatwoot_agent_id(user)
            was_agent = old_agents.get(user)
            if was_agent is None:
                out.append(AgentLogin(t, agent, a.name, a.team))
            if was_agent is None or (self._skills(was_agent), self._capacity(was_agent)) != (
                    self._skills(a), self._capacity(a)):
                out.append(AgentSkills(t, agent, self._skills(a), self._capacity(a)))
            a.told = was_agent.told if was_agent is not None else None
            self._tell(t, agent, out)
        for user in old_agents:
            if user not in self._agents:
                agent = chatwoot_agent_id(user)
                out += [AgentSkills(t, agent, {}, 0), AgentLogout(t, agent)]
        self.stats.mapped["resync"] += 1
        return out

    # ------------------------------------------------------------ what it knows
    @property
    def queues(self) -> frozenset[str]:
        """The inbox queues known now (from the snapshot and events since)."""
        return frozenset(self._queues)

    def member(self, agent_id: str) -> tuple[str, dict[str, int], int] | None:
        """An agent's name, skills (queue -> 1 per inbox membership) and chat capacity."""
        user = user_of(agent_id)
        a = None if user is None else self._agents.get(user)
        return None if a is None else (a.name, self._skills(a), self._capacity(a))

    def bot_pending(self) -> dict[str, int]:
        """Conversations a bot handles now (status pending), per inbox queue."""
        return {q: n for q, n in sorted(self._bots.items()) if n > 0}

    def capacity_for(self, skills: Mapping[str, int]) -> int:
        """The chat capacity an agent with `skills` shows (none without an inbox)."""
        return self.chat_capacity if skills else 0

    def set_inboxes(self, t: float, agent_id: str, inboxes: Iterable[int]) -> list[Event]:
        """Inbox memberships changed by a command (Chatwoot broadcasts no event for it)."""
        user = user_of(agent_id)
        a = None if user is None else self._agents.get(user)
        if a is None:
            return []
        new = set(inboxes)
        if new == a.inboxes:
            return []
        a.inboxes = new
        out: list[Event] = [AgentSkills(t, agent_id, self._skills(a), self._capacity(a))]
        return out

    # ---------------------------------------------------------------- events
    def convert(self, t: float, event: str, data: Any) -> list[Event]:
        """The canonical events of one ActionCable message (often none).

        Raises `ChatwootPayloadError` for a payload missing what its event needs, or
        one out of order that cannot be used (a message for no known conversation).
        """
        if event in CONVERSATION_EVENTS:
            out: list[Event] = []
            self._conversation(t, event, _obj(data, event), out)
        elif event == "message.created":
            out = self._message(t, _obj(data, event))
        elif event == "presence.update":
            out = self._presence(t, _obj(data, event))
        elif event in NOTHING_EVENTS:
            self.stats.ignored += 1
            return []
        else:
            self.stats.unknown += 1
            return []
        self.stats.mapped[event] += 1
        return out

    def adopted(self, event: str, data: Any) -> bool:
        """Whether `event` names a conversation the map has not seen (before `convert`):
        a conversation event other than `conversation.created` then arrived out of
        order (it is still used: it carries the whole conversation)."""
        if event not in CONVERSATION_EVENTS or event == "conversation.created":
            return False
        if not isinstance(data, Mapping):
            return False
        conv_id = data.get("id")
        status = data.get("status")
        return type(conv_id) is int and conv_id not in self._convs and status in ("open", "pending")

    def _conversation(self, t: float, event: str, d: Mapping[str, Any], out: list[Event]) -> None:
        conv_id = _id(d, "id", event)
        inbox = _id(d, "inbox_id", event)
        status = _status(d, event)
        assignee = _assignee(d, event)
        c = self._convs.get(conv_id)
        if c is None:
            if status not in ("open", "pending"):
                return  # never seen live and over already: nothing to show
            if len(self._convs) >= MAX_CONVERSATIONS:
                self.stats.untracked += 1
                return
            queue = self._queue(t, inbox, out)
            c = None
        else:
            queue = c.queue
        contact = chatwoot_contact_id(conv_id)
        if status == "pending":
            target = _BOT
        elif status == "open":
            target = _WAITING if assignee is None else _ANSWERED
        else:
            target = ""  # resolved or snoozed: off the floor
        user = None if assignee is None else int(assignee["id"])
        touched: list[str] = []
        state = "" if c is None else c.state
        if state == _ANSWERED and target != _ANSWERED:
            assert c is not None
            out.append(ContactEnded(t, contact, queue, c.floor_agent))
            self._load[c.floor_agent] -= 1
            touched.append(c.floor_agent)
            state = ""  # unassigned and still open: it waits again (offered below)
        elif state == _WAITING and target not in (_WAITING, _ANSWERED):
            # Closed (or given back to a bot) while it waited: it leaves the queue with
            # no agent, which is not the customer abandoning (docs/chatwoot.md).
            reason = ExitReason.TRANSFER if target == _BOT else ExitReason.WITHDRAW
            out.append(ContactExited(t, contact, queue, reason.value))
            state = ""
        elif state == _BOT and target != _BOT:
            self._bots[queue] -= 1
            if not target:
                self.stats.bot_resolved += 1
            if target:  # opened for a human: the offer below follows the handoff
                out.append(BotHandoff(t, contact, queue))
            elif status == "resolved":  # snoozed: no outcome to tell
                out.append(BotResolved(t, contact, queue))
            state = ""
        if not target:
            self._convs.pop(conv_id, None)
        elif target == _BOT:
            if state != _BOT:
                self._bots[queue] += 1
                out.append(BotStarted(t, contact, queue))
            self._convs[conv_id] = _Conv(queue, _BOT)
        else:
            if state not in (_WAITING, _ANSWERED):
                out.append(ContactOffered(t, contact, queue))  # a human's turn from now
                state = _WAITING
            if target == _WAITING:
                self._convs[conv_id] = _Conv(queue, _WAITING)
            elif state == _WAITING:
                assert user is not None and assignee is not None
                agent = self._ensure(t, user, assignee, out)
                out.append(ContactAnswered(t, contact, queue, agent))
                self._load[agent] += 1
                touched.append(agent)
                self._convs[conv_id] = _Conv(queue, _ANSWERED, agent, user)
            else:
                # Handed from one agent to another: the floor has no event for moving an
                # answered contact, so it stays with who took it until it ends.
                assert c is not None
                c.assignee = user
        for agent in touched:
            self._tell(t, agent, out)

    def _message(self, t: float, d: Mapping[str, Any]) -> list[Event]:
        conv_id = _id(d, "conversation_id", "message.created")
        kind = d.get("message_type")
        if isinstance(kind, str):
            kind = _MESSAGE_TYPES.get(kind)
        if type(kind) is not int:
            raise ChatwootPayloadError("message.created: bad message_type")
        private = d.get("private", False)
        if not isinstance(private, bool):
            raise ChatwootPayloadError("message.created: private is not true or false")
        content = d.get("content")
        if content is not None and not isinstance(content, str):
            raise ChatwootPayloadError("message.created: content is not text")
        c = self._convs.get(conv_id)
        if private or kind not in (_INCOMING, _OUTGOING) or (c is not None and c.state == _BOT):
            self.stats.skipped_messages += 1  # notes, activity, templates, bot chatter
            return []
        if c is None:
            raise ChatwootPayloadError("message.created: unknown conversation")
        contact = chatwoot_contact_id(conv_id)
        text = _capped(content or "")
        if kind == _INCOMING:
            return [ChatMessage(t, contact, Side.CUSTOMER.value, text)]
        sender = d.get("sender")
        human = (
            isinstance(sender, Mapping)
            and sender.get("type") == "user"
            and type(sender.get("id")) is int
        )
        if not human and d.get("sender_type") == "User" and type(d.get("sender_id")) is int:
            sender, human = {"id": d["sender_id"]}, True
        if not human:
            # Sent by a bot or an automation: not an agent's reply.
            return [ChatMessage(t, contact, Side.SYSTEM.value, text)]
        assert isinstance(sender, Mapping)
        return [ChatMessage(t, contact, Side.AGENT.value, text, chatwoot_agent_id(sender["id"]))]

    def _presence(self, t: float, d: Mapping[str, Any]) -> list[Event]:
        users = _obj(d.get("users"), "presence.update.users")
        online: dict[int, str] = {}
        for key, value in users.items():
            if not (isinstance(key, str) and key.isdigit() and len(key) < 19):
                raise ChatwootPayloadError("presence.update.users: a key that is not a user id")
            if value not in _AVAILABILITY:
                raise ChatwootPayloadError("presence.update.users: bad availability")
            online[int(key)] = str(value)
        out: list[Event] = []
        # The list is everyone present (seen within 60 s): anyone else is offline.
        for user, a in self._agents.items():
            a.availability = online.get(user, "offline")
            self._tell(t, chatwoot_agent_id(user), out)
        return out

    # --------------------------------------------------------------- helpers
    def _queue(self, t: float, inbox: int, out: list[Event]) -> str:
        queue = chatwoot_queue_id(inbox)
        if queue not in self._queues:
            self._queues[queue] = queue
            out.append(QueueDefined(t, queue, queue, Channel.ONLINE.value, self.sl_target_s))
        return queue

    def _ensure(self, t: float, user: int, assignee: Mapping[str, Any], out: list[Event]) -> str:
        """The agent id of `user`, told to the floor first if it is new (added after the
        snapshot: no inboxes known until the next one)."""
        agent = chatwoot_agent_id(user)
        if user not in self._agents:
            name = assignee.get("available_name") or assignee.get("name") or agent
            availability = assignee.get("availability_status")
            self._agents[user] = _Agent(
                str(name)[:200], availability if availability in _AVAILABILITY else "online"
            )
            out.append(AgentLogin(t, agent, self._agents[user].name))
        return agent

    def _skills(self, a: _Agent) -> dict[str, int]:
        return {chatwoot_queue_id(i): 1 for i in sorted(a.inboxes)}

    def _capacity(self, a: _Agent) -> int:
        return self.chat_capacity if a.inboxes else 0

    def _derive(self, agent: str, a: _Agent) -> tuple[str, str]:
        if a.availability == "offline":
            return AgentStatus.LOGGED_OUT.value, ""
        if a.availability == "busy":
            return AgentStatus.NOT_READY.value, "busy"
        if self._load[agent] > 0:
            return AgentStatus.ON_CONTACT.value, ""
        return AgentStatus.AVAILABLE.value, ""

    def _tell(self, t: float, agent: str, out: list[Event]) -> None:
        user = user_of(agent)
        a = None if user is None else self._agents.get(user)
        if a is None:
            return
        now = self._derive(agent, a)
        if now != a.told:
            a.told = now
            out.append(AgentStateChanged(t, agent, now[0], now[1]))
