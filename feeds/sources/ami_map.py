"""Asterisk AMI (app_queue) messages turned into canonical events: pure, no I/O.

A message is a dict of its `Key: Value` lines with the keys lower-cased (AMI key
spelling differs between versions, docs/asterisk.md). `AmiMap` keeps what it needs
to make events that stand alone on the floor: the calls waiting and connected, each
member's device status, pause and ringing, and the state last told to the floor, so
an agent state is sent only when it changes.

The `QueueStatus` answer becomes one canonical `Snapshot` (it replaces the feed's
part of the floor: calls that ended while the connection was down go away).
`QueueCallerLeave` says neither why nor whether the call was answered (Asterisk sends
it around `AgentConnect`), so a leave is held `LEAVE_GRACE_S` and only then, if no
connect or abandon came, becomes `contact.exited` (`expire`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from monitor.events import (
    AgentLogin,
    AgentLogout,
    AgentSkills,
    AgentStateChanged,
    AgentStatus,
    Channel,
    ContactAbandoned,
    ContactAnswered,
    ContactEnded,
    ContactExited,
    ContactOffered,
    Event,
    ExitReason,
    QueueDefined,
    Snapshot,
)

Message = dict[str, str]

DEFAULT_SL_TARGET_S = 20.0
LEAVE_GRACE_S = 2.0  # a leave not followed by a connect within this is an exit
MAX_NAMES = 100_000  # member interfaces remembered out of every queue (a floor has far fewer)

# Member `Status` (ast_device_state): FORMATS.md.
_TALKING = frozenset({"2", "3", "7", "8"})  # INUSE, BUSY, RINGINUSE, ONHOLD
_RINGING = "6"
_GONE = frozenset({"4", "5"})  # INVALID, UNAVAILABLE: the device is not there
_UNKNOWN = "0"

# Known events that carry nothing for the floor (counted in `stats.ignored` only).
_NO_EVENT = frozenset({"agentdump", "queuememberringinuse", "queuestatuscomplete"})


class AmiMessageError(ValueError):
    """A message the mapping cannot use; the text names the event and field, never a value."""


@dataclass(slots=True)
class MapStats:
    """What the mapping took, left out and could not use."""

    mapped: Counter[str] = field(default_factory=Counter)  # used messages per event
    ignored: int = 0  # events the floor does not need (Newchannel, VarSet, …)
    unmatched: int = 0  # about calls the mapping never saw join (joined before connect)


@dataclass(slots=True)
class _Member:
    name: str
    queues: set[str] = field(default_factory=set)
    penalties: dict[str, int] = field(default_factory=dict)  # queue -> Asterisk Penalty
    status: str = "1"
    paused: bool = False
    reason: str = ""
    ringing: int = 0
    calls: int = 0  # connected calls now
    told: tuple[str, str] | None = None  # (state, reason) last sent to the floor


def _need(msg: Message, key: str) -> str:
    value = msg.get(key, "")
    if not value:
        raise AmiMessageError(f"{msg.get('event', '?')}: no {key}")
    return value


def _number(msg: Message, key: str, default: float = 0.0) -> float:
    value = msg.get(key, "")
    if not value:
        return default
    try:
        out = float(value)
    except ValueError:
        raise AmiMessageError(f"{msg.get('event', '?')}: {key} is not a number") from None
    if not 0 <= out < 1e9:
        raise AmiMessageError(f"{msg.get('event', '?')}: {key} is out of range")
    return out


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes")


# Floorwatch skill level <-> Asterisk member Penalty: Asterisk rings the lowest penalty
# first and Floorwatch's default member (penalty 0) has level 1, so level = penalty + 1.
def level_of(penalty: int) -> int:
    """The skill level (1..10) a member Penalty shows as."""
    return min(10, max(1, penalty + 1))


def penalty_of(level: int) -> int:
    """The member Penalty a skill level (1..10) is sent as."""
    return max(0, level - 1)


def _penalty(msg: Message) -> int | None:
    value = msg.get("penalty", "").strip()
    return int(value) if value.isdigit() else None


def _skills(m: _Member) -> dict[str, int]:
    return {q: level_of(m.penalties.get(q, 0)) for q in sorted(m.queues)}


class AmiMap:
    """Stateful converter of AMI messages of one connection's life (and across reconnects)."""

    def __init__(self, sl_target_s: float = DEFAULT_SL_TARGET_S) -> None:
        self.sl_target_s = sl_target_s
        self.stats = MapStats()
        self._queues: set[str] = set()
        self._members: dict[str, _Member] = {}  # interface -> member
        self._waiting: dict[str, str] = {}  # uniqueid -> queue
        self._left: dict[str, tuple[str, float]] = {}  # uniqueid -> (queue, left at)
        self._talking: dict[str, tuple[str, str]] = {}  # uniqueid -> (queue, interface)
        # Every member interface met (or named by the config's links) -> its name: one
        # moved out of its last queue is still someone a move can put back.
        self._names: dict[str, str] = {}

    # -------------------------------------------------------------- snapshot
    def snapshot(self, t: float, messages: list[Message], seq: int = 0) -> Snapshot:
        """The `QueueStatus` answer (QueueParams, QueueMember, QueueEntry) as one Snapshot.

        Resets what the mapping knew: the answer is the whole truth at `t`. Bad
        items raise `AmiMessageError` before anything is changed.
        """
        queues: dict[str, dict[str, Any]] = {}
        members: dict[str, _Member] = {}
        waiting: dict[str, tuple[str, float, str]] = {}
        for msg in messages:
            kind = msg.get("event", "").lower()
            if kind == "queueparams":
                queue = _need(msg, "queue")
                sl = _number(msg, "servicelevel") or self.sl_target_s
                queues[queue] = {
                    "id": queue,
                    "name": queue,
                    "channel": Channel.HOTLINE.value,
                    "sl_target_s": sl,
                    "tier": "normal",
                }
            elif kind == "queuemember":
                queue = _need(msg, "queue")
                interface = msg.get("location") or msg.get("interface") or ""
                if not interface:
                    raise AmiMessageError("QueueMember: no Location")
                m = members.setdefault(interface, _Member(msg.get("name") or interface))
                m.queues.add(queue)
                m.penalties[queue] = _penalty(msg) or 0
                self._member_fields(m, msg)
            elif kind == "queueentry":
                queue, uid = _need(msg, "queue"), _need(msg, "uniqueid")
                waiting[uid] = (queue, _number(msg, "wait"), msg.get("calleridnum", ""))
            elif kind in ("queuestatuscomplete", ""):
                continue
            else:
                self.stats.ignored += 1
        for queue, _wait, _who in waiting.values():
            if queue not in queues:
                raise AmiMessageError("QueueEntry: queue not in QueueParams")
        self._queues = set(queues)
        self._members = members
        self._waiting = {uid: w[0] for uid, w in waiting.items()}
        self._left.clear()
        self._talking.clear()  # QueueStatus lists waiting callers only
        agents = []
        for interface, m in members.items():
            m.calls = 0
            state, reason = self._derive(m)
            m.told = (state, reason)
            agents.append(
                {
                    "id": interface,
                    "name": m.name,
                    "state": state,
                    "reason": reason,
                    "state_since": t,
                    "skills": _skills(m),
                }
            )
        contacts = [
            {"id": uid, "queue": q, "offered_t": t - min(wait, t)}
            for uid, (q, wait, _who) in waiting.items()
        ]
        self.stats.mapped["QueueStatus"] += 1
        return Snapshot(
            t,
            seq,
            {"now": t, "queues": list(queues.values()), "agents": agents, "contacts": contacts},
        )

    def resync(self, t: float, messages: list[Message]) -> list[Event]:
        """A later `QueueStatus` answer (after a reconnect) as the events that bring the
        floor from what the mapping knew to the answer: the day's counts go on, where a
        snapshot would start them again.

        New queues are defined; members that joined, left or changed are told; calls
        now waiting that were not are offered (at their `Wait`). A call that waited
        before and is gone now left while the connection was down, its outcome unknown:
        it exits with reason `withdraw` (docs/asterisk.md). Calls connected before are
        kept while their member is still on a call, else ended. Raises
        `AmiMessageError` (changing nothing) as `snapshot` does.
        """
        old_queues, old_members = set(self._queues), self._members
        old_waiting, old_talking = dict(self._waiting), dict(self._talking)
        snap = self.snapshot(t, messages)  # checks the answer whole and resets the mapping
        out: list[Event] = []
        for q in snap.state["queues"]:
            if q["id"] not in old_queues:
                out.append(QueueDefined(t, q["id"], q["name"], q["channel"], q["sl_target_s"]))
        waiting_now = {c["id"]: c for c in snap.state["contacts"]}
        for uid, queue in old_waiting.items():
            if uid not in waiting_now:
                out.append(ContactExited(t, uid, queue, ExitReason.WITHDRAW.value))
        for uid, c in waiting_now.items():
            if uid not in old_waiting:
                out.append(ContactOffered(c["offered_t"], uid, c["queue"]))
        for uid, (queue, interface) in old_talking.items():
            m = self._members.get(interface)
            if m is not None and m.status in _TALKING:
                self._talking[uid] = (queue, interface)  # still on that call
                m.calls += 1
            else:
                out.append(ContactEnded(t, uid, queue, interface))
        for interface, m in self._members.items():
            was = old_members.get(interface)
            if was is None:
                out.append(AgentLogin(t, interface, m.name))
            if was is None or _skills(was) != _skills(m):
                out.append(AgentSkills(t, interface, _skills(m)))
            m.told = was.told if was is not None else None
            self._tell(t, interface, m, out)
        for interface in old_members:
            if interface not in self._members:
                out.append(AgentSkills(t, interface, {}))
                out.append(AgentLogout(t, interface))
        return out

    # -------------------------------------------------------------- members
    @property
    def queues(self) -> frozenset[str]:
        """The queues known now (from the snapshot and events since)."""
        return frozenset(self._queues)

    def member(self, interface: str) -> tuple[str, dict[str, int]] | None:
        """A member interface's name and skills (queue -> level), or None if unknown.
        One that is in no queue now but was met before has no skills."""
        m = self._members.get(interface)
        if m is None:
            name = self._names.get(interface)
            return None if name is None else (name, {})
        return (m.name, _skills(m))

    def remember(self, interface: str, name: str) -> None:
        """Know `interface` as a member (named `name`) even while it is in no queue."""
        if len(self._names) < MAX_NAMES or interface in self._names:
            self._names[interface] = name

    # ---------------------------------------------------------------- events
    def convert(self, t: float, msg: Message) -> list[Event]:
        """The canonical events of one AMI event message (often none).

        Raises `AmiMessageError` for a message missing what its event needs.
        """
        kind = msg.get("event", "").lower()
        handler = _HANDLERS.get(kind)
        if handler is None:
            self.stats.ignored += 1
            return []
        out: list[Event] = []
        handler(self, t, msg, out)
        self.stats.mapped[msg["event"]] += 1
        return out

    def expire(self, t: float, grace: float = LEAVE_GRACE_S) -> list[Event]:
        """Calls that left their queue at least `grace` before `t` unanswered: exits."""
        out: list[Event] = []
        for uid, (queue, left_t) in list(self._left.items()):
            if t - left_t >= grace:
                del self._left[uid]
                out.append(ContactExited(left_t, uid, queue, ExitReason.TIMEOUT.value))
        return out

    # ----------------------------------------------------------------- calls
    def _queue(self, t: float, msg: Message, out: list[Event]) -> str:
        queue = _need(msg, "queue")
        if queue not in self._queues:
            self._queues.add(queue)
            out.append(QueueDefined(t, queue, queue, Channel.HOTLINE.value, self.sl_target_s))
        return queue

    def _join(self, t: float, msg: Message, out: list[Event]) -> None:
        uid = _need(msg, "uniqueid")
        queue = self._queue(t, msg, out)
        if uid in self._waiting or uid in self._talking:
            self.stats.unmatched += 1  # seen already (a snapshot raced the event)
            return
        self._waiting[uid] = queue
        out.append(ContactOffered(t, uid, queue, msg.get("calleridnum", "")))

    def _leave(self, t: float, msg: Message, out: list[Event]) -> None:
        uid = _need(msg, "uniqueid")
        queue = self._waiting.pop(uid, None)
        if queue is not None:
            self._left[uid] = (queue, t)

    def _abandon(self, t: float, msg: Message, out: list[Event]) -> None:
        uid = _need(msg, "uniqueid")
        queue = self._waiting.pop(uid, None)
        if queue is None:
            left = self._left.pop(uid, None)
            queue = left[0] if left else None
        if queue is None:
            self.stats.unmatched += 1
            return
        out.append(ContactAbandoned(t, uid, queue))

    def _connect(self, t: float, msg: Message, out: list[Event]) -> None:
        uid = _need(msg, "uniqueid")
        interface = _need(msg, "interface")
        queue = self._queue(t, msg, out)
        if uid in self._talking:
            self.stats.unmatched += 1
            return
        known = self._waiting.pop(uid, None)
        left = self._left.pop(uid, None)
        if known is None and left is None:
            self.stats.unmatched += 1  # joined before we connected: still answered
        m = self._ensure(t, interface, msg, out)
        self._talking[uid] = (queue, interface)
        out.append(ContactAnswered(t, uid, queue, interface))
        m.calls += 1
        m.ringing = 0
        self._tell(t, interface, m, out)

    def _complete(self, t: float, msg: Message, out: list[Event]) -> None:
        uid = _need(msg, "uniqueid")
        call = self._talking.pop(uid, None)
        if call is None:
            self.stats.unmatched += 1
            return
        queue, interface = call
        out.append(ContactEnded(t, uid, queue, interface))
        m = self._members.get(interface)
        if m is not None:
            m.calls = max(0, m.calls - 1)
            if not m.calls and m.status in _TALKING:
                m.status = "1"  # the device's own status event may come later or not at all
            self._tell(t, interface, m, out)

    def _called(self, t: float, msg: Message, out: list[Event]) -> None:
        m = self._ensure(t, _need(msg, "interface"), msg, out)
        m.ringing += 1
        self._tell(t, msg["interface"], m, out)

    def _no_answer(self, t: float, msg: Message, out: list[Event]) -> None:
        interface = _need(msg, "interface")
        m = self._members.get(interface)
        if m is not None and m.ringing:
            m.ringing -= 1
            self._tell(t, interface, m, out)

    # --------------------------------------------------------------- members
    def _ensure(self, t: float, interface: str, msg: Message, out: list[Event]) -> _Member:
        m = self._members.get(interface)
        if m is None:
            m = self._members[interface] = _Member(msg.get("membername") or interface)
            out.append(AgentLogin(t, interface, m.name))
        return m

    @staticmethod
    def _member_fields(m: _Member, msg: Message) -> None:
        if msg.get("status"):
            m.status = msg["status"].strip()
        if "paused" in msg:
            m.paused = _flag(msg["paused"])
        m.reason = msg.get("pausedreason", "") if m.paused else ""

    def _member_status(self, t: float, msg: Message, out: list[Event]) -> None:
        interface = _need(msg, "interface")
        queue = self._queue(t, msg, out)
        m = self._ensure(t, interface, msg, out)
        before = _skills(m)
        m.queues.add(queue)
        penalty = _penalty(msg)
        if penalty is not None:
            m.penalties[queue] = penalty
        if _skills(m) != before:  # joined a queue or its Penalty changed
            out.append(AgentSkills(t, interface, _skills(m)))
        self._member_fields(m, msg)
        self._tell(t, interface, m, out)

    def _member_removed(self, t: float, msg: Message, out: list[Event]) -> None:
        interface = _need(msg, "interface")
        queue = _need(msg, "queue")
        m = self._members.get(interface)
        if m is None or queue not in m.queues:
            self.stats.unmatched += 1
            return
        m.queues.discard(queue)
        m.penalties.pop(queue, None)
        out.append(AgentSkills(t, interface, _skills(m)))
        if not m.queues:
            del self._members[interface]
            self.remember(interface, m.name)
            out.append(AgentLogout(t, interface))

    def _derive(self, m: _Member) -> tuple[str, str]:
        if m.calls or m.status in _TALKING:
            return AgentStatus.ON_CONTACT.value, ""
        if m.status in _GONE:
            return AgentStatus.LOGGED_OUT.value, ""
        if m.paused:
            return AgentStatus.NOT_READY.value, m.reason or "pause"
        if m.ringing or m.status == _RINGING:
            return AgentStatus.RINGING.value, ""
        if m.status == _UNKNOWN:
            return AgentStatus.NOT_READY.value, "unknown"
        return AgentStatus.AVAILABLE.value, ""

    def _tell(self, t: float, interface: str, m: _Member, out: list[Event]) -> None:
        now = self._derive(m)
        if now != m.told:
            m.told = now
            out.append(AgentStateChanged(t, interface, now[0], now[1]))


def _nothing(self: AmiMap, t: float, msg: Message, out: list[Event]) -> None:
    return None


_HANDLERS = {
    "queuecallerjoin": AmiMap._join,
    "queuecallerleave": AmiMap._leave,
    "queuecallerabandon": AmiMap._abandon,
    "agentcalled": AmiMap._called,
    "agentringnoanswer": AmiMap._no_answer,
    "agentconnect": AmiMap._connect,
    "agentcomplete": AmiMap._complete,
    "queuememberstatus": AmiMap._member_status,
    "queuememberadded": AmiMap._member_status,
    "queuememberpause": AmiMap._member_status,
    "queuememberpenalty": AmiMap._member_status,
    "queuememberremoved": AmiMap._member_removed,
    **dict.fromkeys(_NO_EVENT, _nothing),
}
