"""Supervisor commands: the reassignment command, skill profiles, and pending bookkeeping.

A `reassign` moves agents between hotline and online work. It is sent as a
protocol `command` (docs/protocol.md); the feed answers `command.result` and,
when the move takes effect, emits the agent's new `agent.skills`. An agent on a
contact keeps it and changes skills when it ends, so a move can be pending.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .events import AgentSkills, Channel

REASSIGN = "reassign"
PROFILES = ("hotline", "online", "blend")
DEFAULT_LEVEL = 5
DEFAULT_CHAT_CAPACITY = 3



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
