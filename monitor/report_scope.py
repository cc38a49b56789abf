"""`report --scope`: which queues' rows a team or tier scope keeps (docs/scopes.md).

A report reads queue and contact events; a scope also needs the queues' tiers
(queue.defined, from the events or a snapshot) and, for a team without a [teams]
table in the config, the agents' teams and skills (agent.login, agent.skills). This
collects those on the way through, at the cost of a type test per event.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from .events import AgentLogin, AgentSkills, Event, QueueDefined
from .scope import TEAM, Members, Scope, members_of


@dataclass(slots=True)
class _Queue:
    tier: str


@dataclass(slots=True)
class _Agent:
    team: str = ""
    skills: dict[str, int] = field(default_factory=dict)


class ScopeRecords:
    """Queue tiers and agents' teams and skills seen in a report's events. An agent's
    skills are every queue it was skilled in at any time of the report."""

    def __init__(self) -> None:
        self.queues: dict[str, _Queue] = {}
        self.agents: dict[str, _Agent] = {}

    def define(self, e: QueueDefined) -> None:
        self.queues[e.queue] = _Queue(e.tier if isinstance(e.tier, str) else "")

    def see(self, e: Event) -> None:
        if type(e) is QueueDefined:
            self.define(e)
        elif type(e) is AgentLogin and isinstance(e.team, str):
            self.agents.setdefault(e.agent, _Agent()).team = e.team
        elif type(e) is AgentSkills and isinstance(e.skills, dict):
            self.agents.setdefault(e.agent, _Agent()).skills.update(e.skills)

    def watch(self, items: Iterable[tuple[Hashable, Event]]) -> Iterator[tuple[Hashable, Event]]:
        """Pass (run, event) pairs on, noting what a scope needs."""
        for item in items:
            self.see(item[1])
            yield item

    def watch_events(self, events: Iterable[Event]) -> Iterator[Event]:
        for e in events:
            self.see(e)
            yield e

    def members(self, scope: Scope, team_queues: Mapping[str, Sequence[str]]) -> Members | None:
        """The scope's members over what was seen; a [teams] table's queues count
        even when no event defined them (a queue_log defines queues as it goes)."""
        if scope.kind == TEAM and scope.name in team_queues:
            queues = {q: _Queue("") for q in team_queues[scope.name]}
            return members_of(scope, {**self.queues, **queues}, self.agents, team_queues)
        return members_of(scope, self.queues, self.agents, team_queues)

    def known(self, scope: Scope, team_queues: Mapping[str, Sequence[str]]) -> bool:
        """Whether the team or tier is named anywhere (config or events)."""
        if scope.kind == TEAM:
            return scope.name in team_queues or any(
                a.team == scope.name for a in self.agents.values()
            )
        return any(q.tier == scope.name for q in self.queues.values())
