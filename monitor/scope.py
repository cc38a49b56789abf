"""Scopes: the whole floor, one team, or one tier of queues (docs/scopes.md).

A scope names a set of queues and a set of agents; the window, the wall display and
the report show only those. Pure: it reads queue and agent records and the config's
[teams] table, never Qt.

- `all`: everything (no filter at all: `members` is None).
- `team:NAME`: the agents whose `team` field is NAME; the queues the config lists
  under [teams.NAME], or, without that table, the queues any of those agents is
  skilled in.
- `tier:NAME`: the queues whose tier is NAME, on both channels, and the agents
  skilled in any of them.

`ScopeWatch` keeps a scope's members current as the floor changes, recomputing
them only on a structure change or when a changed agent's team or skills move it in
or out of the scope (never per event of a contact).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

ALL, TEAM, TIER = "all", "team", "tier"


class ScopeError(ValueError):
    """A scope text that is not `all`, `team:NAME` or `tier:NAME`."""


@dataclass(frozen=True, slots=True)
class Scope:
    kind: str = ALL  # ALL, TEAM or TIER
    name: str = ""  # the team or tier; "" for ALL

    @property
    def text(self) -> str:
        """The scope as `--scope` takes it: all, team:NAME, tier:NAME."""
        return ALL if self.kind == ALL else f"{self.kind}:{self.name}"

    @property
    def is_all(self) -> bool:
        return self.kind == ALL


WHOLE_FLOOR = Scope()


def parse_scope(text: str) -> Scope:
    """`all`, `team:NAME` or `tier:NAME` (names keep their case and inner spaces)."""
    text = text.strip()
    if text.casefold() == ALL:
        return WHOLE_FLOOR
    kind, sep, name = text.partition(":")
    kind, name = kind.strip().casefold(), name.strip()
    if not sep or kind not in (TEAM, TIER):
        raise ScopeError(f"expected all, team:NAME or tier:NAME, not {text!r}")
    if not name:
        raise ScopeError(f"{kind}: needs a name, e.g. {kind}:{'A' if kind == TEAM else 'vip'}")
    return Scope(kind, name)


class QueueLike(Protocol):
    tier: str


class AgentLike(Protocol):
    team: str
    skills: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Members:
    """The queue ids and agent ids a scope holds (of the records it was computed on)."""

    queues: frozenset[str]
    agents: frozenset[str]


def members_of(
    scope: Scope,
    queues: Mapping[str, QueueLike],
    agents: Mapping[str, AgentLike],
    team_queues: Mapping[str, Sequence[str]],
) -> Members | None:
    """The members of `scope` on these records; None for the whole floor.

    Only queues that exist are members: a config may list a queue no feed has yet.
    """
    if scope.kind == ALL:
        return None
    name = scope.name
    if scope.kind == TEAM:
        team = frozenset(aid for aid, a in agents.items() if a.team == name)
        listed = team_queues.get(name)
        if listed is not None:
            qids = frozenset(q for q in listed if q in queues)
        else:
            qids = frozenset(q for aid in team for q in agents[aid].skills if q in queues)
        return Members(qids, team)
    qids = frozenset(qid for qid, q in queues.items() if q.tier == name)
    skilled = frozenset(aid for aid, a in agents.items() if not qids.isdisjoint(a.skills))
    return Members(qids, skilled)


def alert_in_scope(members: Members | None, queue: str, agent: str) -> bool:
    """Whether an alert colouring `queue` and/or `agent` ("" for none) belongs to the
    scope: one naming an agent of it or a queue of it. An alert naming neither (a
    feed gone quiet, a keyword hotspot) concerns every scope and stays."""
    if members is None or not (queue or agent):
        return True
    return (bool(queue) and queue in members.queues) or (bool(agent) and agent in members.agents)


def team_names(agents: Iterable[AgentLike], team_queues: Mapping[str, Sequence[str]]) -> list[str]:
    """Teams to offer: the config's and those named by agents, sorted."""
    return sorted({*team_queues, *(a.team for a in agents if a.team)}, key=str.casefold)


def tier_names(queues: Iterable[QueueLike]) -> list[str]:
    """Tiers the queues have, sorted."""
    return sorted({q.tier for q in queues if q.tier}, key=str.casefold)


class FloorLike(Protocol):
    queues: Mapping[str, QueueLike]
    agents: Mapping[str, AgentLike]


class ChangesLike(Protocol):
    agents: set[str]
    structure: bool


class ScopeWatch:
    """A scope's members kept current with the floor at the cost of what changed.

    `update` recomputes the members on a structure change (queues or agents came or
    went, a queue's tier may have moved: QueueDefined is a structure change) and when
    a changed agent's team or skills would move it, or a team's queues, in or out;
    otherwise it only looks at the changed agents' team and skills (a few set tests
    each). Returns whether the members changed, so views re-filter only then.
    """

    def __init__(
        self, scope: Scope = WHOLE_FLOOR, team_queues: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self.scope = scope
        self.team_queues: Mapping[str, Sequence[str]] = team_queues or {}
        self.members: Members | None = None
        self._skills: dict[str, frozenset[str]] = {}  # team agent -> its skills then
        self._dirty = True
        self.recomputed = 0  # how often the members were computed (for tests)

    def set_scope(self, scope: Scope) -> None:
        if scope != self.scope:
            self.scope = scope
            self._dirty = True

    def update(self, floor: FloorLike, changes: ChangesLike | None = None) -> bool:
        """Follow one tick's changes (None: recompute); True when the members changed."""
        if self.scope.kind == ALL:
            changed = self.members is not None
            self.members, self._dirty = None, False
            return changed
        if not (
            self._dirty
            or changes is None
            or changes.structure
            or self._moves(floor, changes.agents)
        ):
            return False
        return self._recompute(floor)

    def _recompute(self, floor: FloorLike) -> bool:
        before = self.members
        self.members = members_of(self.scope, floor.queues, floor.agents, self.team_queues)
        self._dirty = False
        self.recomputed += 1
        if self.scope.kind == TEAM and self.scope.name not in self.team_queues:
            agents = floor.agents
            self._skills = {aid: frozenset(agents[aid].skills) for aid in self.members.agents}
        else:
            self._skills = {}
        return self.members != before

    def _moves(self, floor: FloorLike, changed: Iterable[str]) -> bool:
        """Whether a changed agent's team or skills move the scope's members."""
        members = self.members
        if members is None:
            return True
        agents, scope = floor.agents, self.scope
        for aid in changed:
            a = agents.get(aid)
            if a is None:
                continue  # gone: a structure change recomputes
            inside = aid in members.agents
            if scope.kind == TEAM:
                if (a.team == scope.name) != inside:
                    return True
                seen = self._skills.get(aid)
                if seen is not None and seen != a.skills.keys():
                    return True  # a team's queues follow its agents' skills
            elif members.queues.isdisjoint(a.skills) == inside:
                return True  # skilled in a tier queue now, or no longer
        return False
