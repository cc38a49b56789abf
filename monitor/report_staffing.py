"""Report column `contacts_per_agent_hour`: contacts handled per staffed agent-hour,
per (interval, queue), from agent and contact events (docs/metrics.md).

Staffed time is logged-in time (available, busy or not ready: as the live figure,
monitor/productivity.py) of the agents skilled in the queue, split at interval
boundaries; a blended agent's hour counts in each queue it serves. Handled contacts
are those that ended in the interval (unlike the report's other columns, which
credit outcomes to the entry interval: productivity is the work done in an hour
over the hours staffed in it); concurrent chats each count. A stretch still open
when its run's events end closes at the run's latest event. Where no staffed time
was seen (an Asterisk queue_log without member lines, agents never logged in), the
column is empty, not 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from .events import AgentLogin, AgentLogout, AgentSkills, AgentStateChanged, AgentStatus, Event

MAX_AGENTS = 100_000  # agents tracked per report; beyond: left out (counted)
# A logged-in stretch longer than this is a broken clock, not a shift: left out (counted),
# so one absurd time cannot make the report walk and store millions of intervals.
MAX_STRETCH_S = 7 * 86400.0


@dataclass(slots=True)
class _Agent:
    staffed: bool = False
    since: float = 0.0
    queues: tuple[str, ...] = ()


@dataclass(slots=True)
class Staffing:
    """Staffed seconds and handled contacts per (interval start, queue)."""

    interval_start: Callable[[float], float]  # Intervals.start
    length_s: float | None  # an interval's nominal length; None: one "total" interval
    staffed_s: Counter[tuple[float, str]] = field(default_factory=Counter)
    handled: Counter[tuple[float, str]] = field(default_factory=Counter)
    untracked: int = 0
    _agents: dict[tuple[Hashable, str], _Agent] = field(default_factory=dict)
    _next: dict[float, float] = field(default_factory=dict)

    def agent_event(self, e: Event, run: Hashable) -> None:
        """An agent's login, logout, state or skills: close its stretch, then update."""
        key = (run, e.agent)  # type: ignore[attr-defined]
        a = self._agents.get(key)
        if a is None:
            if len(self._agents) >= MAX_AGENTS:
                self.untracked += 1
                return
            a = self._agents[key] = _Agent(since=e.t)
        self._close(a, e.t)
        if isinstance(e, AgentLogin):
            a.staffed = True
        elif isinstance(e, AgentLogout):
            a.staffed = False
        elif isinstance(e, AgentStateChanged):
            a.staffed = e.state != AgentStatus.LOGGED_OUT
        elif isinstance(e, AgentSkills):
            a.queues = tuple(e.skills)

    def ended(self, t: float, queue: str) -> None:
        """A contact of `queue` ended at `t` (its handling is done)."""
        self.handled[(self.interval_start(t), queue)] += 1

    def finish(self, run_t: dict[Hashable, float]) -> None:
        """Close every open stretch at its run's latest event (for `per_hour`)."""
        for (run, _agent), a in self._agents.items():
            self._close(a, run_t.get(run, a.since))

    def per_hour(self, start: float, queue: str) -> float | None:
        """Contacts handled per staffed hour in (start, queue), None with no staffed time."""
        staffed = self.staffed_s.get((start, queue), 0.0)
        if staffed <= 0:
            return None
        return self.handled.get((start, queue), 0) * 3600.0 / staffed

    def _close(self, a: _Agent, t: float) -> None:
        """Add a's staffed stretch [since, t) to its queues, interval by interval."""
        begin, a.since = a.since, max(a.since, t)
        if not a.staffed or not a.queues or t <= begin:
            return
        if t - begin > MAX_STRETCH_S:
            self.untracked += 1
            return
        start = self.interval_start(begin)
        while begin < t:  # one pass per interval the stretch crosses
            nxt = self._next_start(start, begin)
            piece = min(t, nxt) - begin
            for queue in a.queues:
                self.staffed_s[(start, queue)] += piece
            begin, start = min(t, nxt), nxt

    def _next_start(self, start: float, t: float) -> float:
        """The start of the interval after the one starting at `start` (t inside it):
        never, for one "total" interval; else found by probing past its nominal length
        (an hour more on a day that changes the clock), remembered."""
        found = self._next.get(start)
        if found is not None:
            return found
        if self.length_s is None:
            return float("inf")
        probe = start + self.length_s
        found = self.interval_start(probe)
        while found <= start:  # a DST day is an hour longer
            probe += 3600.0
            found = self.interval_start(probe)
        if len(self._next) < 100_000:
            self._next[start] = found
        return found
