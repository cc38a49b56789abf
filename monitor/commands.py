"""Supervisor commands: the reassignment command, skill profiles, and pending bookkeeping.

A `reassign` moves agents between hotline and online work. It is sent as a
protocol `command` (docs/protocol.md); the feed answers `command.result` and,
when the move takes effect, emits the agent's new `agent.skills`. An agent on a
contact keeps it and changes skills when it ends, so a move can be pending.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .events import AgentSkills, Channel

REASSIGN = "reassign"
PROFILES = ("hotline", "online", "blend")
DEFAULT_LEVEL = 5
DEFAULT_CHAT_CAPACITY = 3
LEND_END = "lend_end"  # audit action: a timed lend's agents came back on their own
UNDO = "undo"  # the `reason` of a command that undoes an earlier move


class Role(StrEnum):
    """What a feed lets a connection do; granted by the feed at connect time."""

    VIEWER = "viewer"  # sees the floor, sends no commands
    SUPERVISOR = "supervisor"  # may move agents


class CommandStatus(StrEnum):
    """The `status` of a `command.result`, plus the client's own states around it."""

    SENT = "sent"  # client side: on its way, no result yet
    ACCEPTED = "accepted"  # valid; some agents pending (on a contact)
    APPLIED = "applied"  # every agent has the new skills now
    REJECTED = "rejected"  # nothing changed; `reason` says why
    ERROR = "error"  # client side: no result (not sent, or lost); the outcome may be unknown


# The wire names, kept as module constants because every layer compares against them.
ACCEPTED = CommandStatus.ACCEPTED
APPLIED = CommandStatus.APPLIED
REJECTED = CommandStatus.REJECTED


class CommandError(ValueError):
    """A command that cannot be carried out; the message is the reason shown to people."""


@dataclass(frozen=True, slots=True)
class Skills:
    skills: dict[str, int]
    chat_capacity: int

    def as_dict(self) -> dict[str, Any]:
        return {"skills": dict(self.skills), "chat_capacity": self.chat_capacity}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Skills:
        return cls(dict(d.get("skills", {})), int(d.get("chat_capacity", 0)))


@dataclass(frozen=True, slots=True)
class Reassign:
    """Move `agents` to a profile or to explicit skills, optionally for `duration_s`."""

    agents: tuple[str, ...]
    profile: str = ""  # hotline | online | blend, or "" with explicit `skills`
    skills: dict[str, int] | None = None
    chat_capacity: int | None = None
    duration_s: float | None = None  # a timed lend: revert after this much event time
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    reason: str = ""

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "action": REASSIGN, "request_id": self.request_id, "agents": list(self.agents),
        }
        if self.profile:
            data["profile"] = self.profile
        if self.skills is not None:
            data["skills"] = dict(self.skills)
        if self.chat_capacity is not None:
            data["chat_capacity"] = self.chat_capacity
        if self.duration_s is not None:
            data["duration_s"] = self.duration_s
        if self.reason:
            data["reason"] = self.reason
        return data

    def same_move(self, other: Reassign) -> bool:
        """The same command apart from its request id (a retry may differ in nothing else)."""
        return (self.agents, self.profile, self.skills, self.chat_capacity, self.duration_s,
                self.reason) == (other.agents, other.profile, other.skills,
                                 other.chat_capacity, other.duration_s, other.reason)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Reassign:
        """Parse and check a command's data; raises CommandError with the reason."""
        if data.get("action") != REASSIGN:
            raise CommandError(f"unknown action {data.get('action')!r}")
        request_id = data.get("request_id")
        if not isinstance(request_id, str) or not request_id:
            raise CommandError("request_id must be a non-empty string")
        agents = data.get("agents")
        if (not isinstance(agents, list) or not agents
                or not all(isinstance(a, str) and a for a in agents)):
            raise CommandError("agents must be a non-empty list of agent ids")
        profile = data.get("profile", "")
        skills = data.get("skills")
        if profile and profile not in PROFILES:
            raise CommandError(f"profile must be one of {', '.join(PROFILES)}")
        if skills is not None and (
            not isinstance(skills, dict)
            or not all(isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
                       and 1 <= v <= 10 for k, v in skills.items())
        ):
            raise CommandError("skills must map queue ids to levels 1..10")
        if not profile and skills is None:
            raise CommandError("give a profile (hotline, online, blend) or explicit skills")
        capacity = data.get("chat_capacity")
        if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool)
                                     or not 0 <= capacity <= 10):
            raise CommandError("chat_capacity must be an integer 0..10")
        duration = data.get("duration_s")
        if duration is not None and (not isinstance(duration, int | float)
                                     or isinstance(duration, bool) or duration <= 0):
            raise CommandError("duration_s must be a positive number of seconds")
        return cls(tuple(agents), profile, skills, capacity,
                   None if duration is None else float(duration), request_id,
                   str(data.get("reason", "")))


def target_skills(
    command: Reassign,
    current: Skills,
    queue_channels: dict[str, str],
) -> Skills:
    """The skills an agent should have after `command`.

    Profiles keep the agent's levels for queues it already had and add the
    other channel's queues at DEFAULT_LEVEL; explicit skills are taken as given.
    """
    if command.skills is not None:
        capacity = command.chat_capacity
        if capacity is None:
            serves_online = any(queue_channels.get(q) == Channel.ONLINE for q in command.skills)
            capacity = (current.chat_capacity or DEFAULT_CHAT_CAPACITY) if serves_online else 0
        return Skills(dict(command.skills), capacity)
    wanted = {
        "hotline": {Channel.HOTLINE.value},
        "online": {Channel.ONLINE.value},
        "blend": {Channel.HOTLINE.value, Channel.ONLINE.value},
    }[command.profile]
    skills = {
        queue: current.skills.get(queue, DEFAULT_LEVEL)
        for queue, channel in queue_channels.items()
        if channel in wanted
    }
    if command.chat_capacity is not None:
        capacity = command.chat_capacity if Channel.ONLINE.value in wanted else 0
    elif Channel.ONLINE.value in wanted:
        capacity = current.chat_capacity or DEFAULT_CHAT_CAPACITY
    else:
        capacity = 0
    return Skills(skills, capacity)


@dataclass(slots=True)
class PendingMove:
    request_id: str
    agent: str
    before: Skills
    after: Skills
    status: str  # sent | accepted | applied | rejected
    reason: str = ""


class PendingMoves:
    """What the client sent and has not yet seen take effect, per agent.

    The UI shows a badge while an agent has a move here; the move is done when
    the feed's `agent.skills` for that agent equals the target.
    """

    def __init__(self) -> None:
        self.by_agent: dict[str, PendingMove] = {}

    def sent(self, command: Reassign, before: dict[str, Skills], after: dict[str, Skills]) -> None:
        for agent in command.agents:
            self.by_agent[agent] = PendingMove(
                command.request_id, agent, before[agent], after[agent], CommandStatus.SENT)

    def result(self, data: dict[str, Any]) -> list[str]:
        """Apply a command result; returns the agents whose entry changed."""
        request_id, status = data.get("request_id"), data.get("status")
        touched = []
        for agent, move in list(self.by_agent.items()):
            if move.request_id != request_id:
                continue
            touched.append(agent)
            if status == REJECTED:
                del self.by_agent[agent]
            else:
                move.status = status or move.status
        return touched

    def settle(self, agent: str, current: Skills) -> bool:
        """Clear an agent's move once its skills are the target; True if cleared.

        A move still `sent` stays: its result may yet reject it, and skills that
        happen to match before then prove nothing.
        """
        move = self.by_agent.get(agent)
        if move is None or move.status == CommandStatus.SENT:
            return False
        if current.skills == move.after.skills and current.chat_capacity == move.after.chat_capacity:
            del self.by_agent[agent]
            return True
        return False

    def observe(self, event: AgentSkills) -> bool:
        """`settle` from the feed's `agent.skills` event."""
        return self.settle(event.agent, Skills(dict(event.skills), event.chat_capacity))

    def badge(self, agent: str) -> str:
        """The agent's move status ('' for none): sent, accepted or applied."""
        move = self.by_agent.get(agent)
        return "" if move is None else move.status


# ------------------------------------------------------------------------ undo
def serves(skills: Skills, queue_channels: dict[str, str]) -> str:
    """What work `skills` give: hotline, online, blend, or '' for none."""
    channels = {queue_channels.get(q) for q in skills.skills}
    voice = Channel.HOTLINE.value in channels
    chat = Channel.ONLINE.value in channels and skills.chat_capacity > 0
    return "blend" if voice and chat else "hotline" if voice else "online" if chat else ""


def undo_commands(before: dict[str, Skills], reason: str = UNDO) -> list[Reassign]:
    """Commands giving agents their skills of `before` back, one per distinct set of
    skills (agents that had the same skills go back in one command)."""
    groups: dict[tuple[tuple[tuple[str, int], ...], int], list[str]] = {}
    for agent, skills in before.items():
        key = (tuple(sorted(skills.skills.items())), skills.chat_capacity)
        groups.setdefault(key, []).append(agent)
    return [Reassign(tuple(agents), skills=dict(skills), chat_capacity=capacity, reason=reason)
            for (skills, capacity), agents in groups.items()]


# ------------------------------------------------------------------------ lends
@dataclass(slots=True)
class Lend:
    """A timed lend the client sent: its agents come back at `ends_t` (event time)."""

    request_id: str
    feed: str
    ends_t: float
    lent: dict[str, Skills]  # agent -> skills during the lend
    back: dict[str, Skills]  # agent -> skills it returns to
    waiting: set[str]  # agents not back yet
    returned: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LendEnd:
    """Agents of a lend seen back on their previous skills; `complete` once all are."""

    request_id: str
    feed: str
    agents: tuple[str, ...]  # every agent back so far, in the lend's order
    lent: dict[str, Skills]
    back: dict[str, Skills]
    complete: bool
    t: float  # event time it was seen


class LendWatch:
    """Notices the automatic end of the client's timed lends, for the audit log.

    The feed reports a lend's end only as the agents' new `agent.skills`
    (docs/protocol.md, "Timed lend"): once the lend's time has passed, an agent whose
    skills are the ones it had before is back; one with other skills was moved by
    someone else and is no longer part of the lend. A newer move of an agent cancels
    its part, as it does on the feed.
    """

    def __init__(self) -> None:
        self.lends: dict[str, Lend] = {}

    def started(self, command: Reassign, feed: str, t: float, before: dict[str, Skills],
                after: dict[str, Skills]) -> None:
        """`command` (a lend) was accepted or applied at event time `t`."""
        if not command.duration_s:
            return
        agents = [a for a in command.agents if a in before and a in after]
        self.cancel(agents)
        if agents:
            self.lends[command.request_id] = Lend(
                command.request_id, feed, t + command.duration_s,
                {a: after[a] for a in agents}, {a: before[a] for a in agents}, set(agents))

    def cancel(self, agents: Iterable[str]) -> None:
        """A newer move of these agents: their earlier lends will not bring them back."""
        agents = set(agents)
        for rid, lend in list(self.lends.items()):
            lend.waiting -= agents
            if not lend.waiting:
                del self.lends[rid]

    def check(self, now: float, skills_of: Callable[[str], Skills | None]) -> list[LendEnd]:
        """Lends with agents seen back since the last check (event time `now`)."""
        out = []
        for rid, lend in list(self.lends.items()):
            if now < lend.ends_t:
                continue
            newly = []
            for agent in sorted(lend.waiting):
                current = skills_of(agent)
                if current == lend.back[agent]:
                    newly.append(agent)
                elif current is None or current != lend.lent[agent]:
                    # Gone from the floor, or moved by someone else meanwhile.
                    lend.waiting.discard(agent)
            for agent in newly:
                lend.waiting.discard(agent)
                lend.returned.append(agent)
            if not lend.waiting:
                del self.lends[rid]
            if newly:
                order = [a for a in lend.lent if a in lend.returned]
                out.append(LendEnd(rid, lend.feed, tuple(order), dict(lend.lent),
                                   {a: lend.back[a] for a in order}, not lend.waiting, now))
        return out
