"""The life of alerts: pending -> raised -> (acknowledged, snoozed, escalated) -> cleared.

`AlertBook.observe` takes one rule's value for one target at an event time and applies
hysteresis (raise on `enter`, clear only on `exit`) and the minimum duration (`for_s`:
the condition must hold that long, measured on event time, before the alert is
raised). `instant` raises at once (a keyword hit). Everything that happens is a
`Transition`, kept for the history writer and the sound (`take_transitions`), and the
queues and agents whose colour may have changed are named for the UI (`take_changes`).

Only event time moves an alert, so the same events raise the same alerts at the same
moments live, in a replay and in `floorwatch alerts check`. Acknowledging and snoozing
are a person's acts: they carry the wall time they were made at as well.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .alert_rules import SEVERITY_RANK, AlertRule, Scope, Severity

RAISED, CLEARED, ESCALATED = "raised", "cleared", "escalated"
ACKNOWLEDGED, SNOOZED = "acknowledged", "snoozed"
TIMELINE_EVENTS = (RAISED, CLEARED, ESCALATED)  # what `alerts check` prints

# Bounds: a hostile or broken feed can name endless targets (contacts with keyword
# hits, queues); past these the oldest raised alert is cleared to make room, and counted.
MAX_ACTIVE = 10_000
MAX_PENDING = 50_000
RECENT_CLEARED = 200  # cleared alerts the panel may still show


@dataclass(slots=True)
class Alert:
    id: int
    rule: str
    severity: Severity
    scope: Scope
    target: str
    raised_t: float  # event time
    value: float
    message_en: str = ""
    message_zh: str = ""
    queue: str = ""  # the queue tile it colours ("" none)
    agent: str = ""  # the agent row it colours ("" none)
    details: dict[str, Any] = field(default_factory=dict)  # contact, word, context, inputs…
    acked_by: str = ""
    acked_wall_t: float | None = None
    acked_t: float | None = None  # event time of the acknowledgement
    snoozed_until: float | None = None  # event time
    escalated_t: float | None = None
    cleared_t: float | None = None

    @property
    def acknowledged(self) -> bool:
        return self.acked_t is not None

    def snoozed(self, now: float) -> bool:
        return self.snoozed_until is not None and now < self.snoozed_until


@dataclass(frozen=True, slots=True)
class Transition:
    """One thing that happened to an alert, for the history, the sound and the timeline."""

    t: float  # event time
    event: str  # raised | cleared | escalated | acknowledged | snoozed
    alert_id: int
    rule: str
    severity: Severity
    target: str
    value: float
    by: str = ""  # who acknowledged or snoozed
    wall_t: float | None = None  # when they did, on the wall clock


@dataclass(slots=True)
class AlertChanges:
    """What the UI must recolour or relist since the last `take_changes`."""

    queues: set[str] = field(default_factory=set)
    agents: set[str] = field(default_factory=set)
    listed: bool = False  # the list of alerts changed (raised, cleared, acked, snoozed)


class AlertBook:
    """Raised alerts by (rule, target), with hysteresis and minimum-duration bookkeeping."""

    def __init__(self, max_active: int = MAX_ACTIVE, max_pending: int = MAX_PENDING) -> None:
        self.max_active, self.max_pending = max_active, max_pending
        self.active: dict[tuple[str, str], Alert] = {}  # insertion order = raise order
        self.by_id: dict[int, Alert] = {}
        self.recent_cleared: deque[Alert] = deque(maxlen=RECENT_CLEARED)
        self._pending: dict[tuple[str, str], float] = {}  # (rule, target) -> true since
        self._by_queue: dict[str, set[int]] = {}
        self._by_agent: dict[str, set[int]] = {}
        # Critical, unacknowledged: id -> due t, and the same as a heap so that each
        # second looks only at what is due (entries no longer in the dict are stale).
        self._escalate: dict[int, float] = {}
        self._escalate_due: list[tuple[float, int]] = []
        self._snoozed: dict[int, float] = {}  # id -> until
        self._snooze_due: list[tuple[float, int]] = []
        self._transitions: list[Transition] = []
        self._touched: dict[int, Alert] = {}  # the alerts of those transitions
        self._changes = AlertChanges()
        self._next_id = 1
        self.evicted = 0  # raised alerts cleared early to stay within max_active
        self.pending_dropped = 0

    # ------------------------------------------------------------------ conditions
    def observe(self, rule: AlertRule, target: str, t: float, value: float | None,
                describe: Callable[[], dict[str, Any]] | None = None) -> Alert | None:
        """One evaluation of `rule` on `target` at event time t; the alert if raised now.

        `value` None means there is nothing to measure (no traffic yet): a raised
        alert stays as it is, a pending one starts again. `describe` gives the raised
        alert's queue, agent, messages and details; it is called only when it is raised
        (most evaluations raise nothing, and messages cost more than the comparison).
        """
        key = (rule.name, target)
        alert = self.active.get(key)
        if alert is not None:
            if value is not None:
                alert.value = value
                if rule.exited(value):
                    self.clear(key, t, value)
            return None
        if value is None or not rule.entered(value):
            if self._pending:
                self._pending.pop(key, None)
            return None
        since = self._pending.get(key)
        if since is None:
            if rule.for_s > 0:
                if len(self._pending) >= self.max_pending:
                    self.pending_dropped += 1
                    return None
                self._pending[key] = t
                return None
            since = t
        if t - since < rule.for_s:
            return None
        self._pending.pop(key, None)
        return self.raise_alert(rule, target, t, value, **(describe() if describe else {}))

    def is_pending(self, rule_name: str, target: str) -> bool:
        return (rule_name, target) in self._pending

    def instant(self, rule: AlertRule, target: str, t: float, value: float,
                **raise_args: Any) -> Alert | None:
        """Raise at once (a keyword hit); nothing if this rule already has it raised."""
        if (rule.name, target) in self.active:
            return None
        return self.raise_alert(rule, target, t, value, **raise_args)

    def forget_target(self, target: str, t: float, scope: Scope | None = None) -> None:
        """The target is gone (a chat ended, a queue removed): clear its alerts."""
        for key, alert in list(self.active.items()):
            if alert.target == target and (scope is None or alert.scope == scope):
                self.clear(key, t, alert.value)
        for key in [k for k in self._pending if k[1] == target]:
            del self._pending[key]

    # ------------------------------------------------------------------ raise / clear
    def raise_alert(self, rule: AlertRule, target: str, t: float, value: float, *,
                    queue: str = "", agent: str = "", message_en: str = "",
                    message_zh: str = "", details: dict[str, Any] | None = None) -> Alert:
        if len(self.active) >= self.max_active:
            oldest = next(iter(self.active))
            self.evicted += 1
            self.clear(oldest, t, self.active[oldest].value)
        alert = Alert(self._next_id, rule.name, rule.severity, rule.scope, target, t, value,
                      message_en, message_zh, queue, agent, dict(details or {}))
        self._next_id += 1
        self.active[(rule.name, target)] = alert
        self.by_id[alert.id] = alert
        if queue and rule.scope is Scope.QUEUE:
            # Only a queue's own figures colour its tile: one complaint in one chat is
            # that chat's and its agent's, not a whole queue in "Warning".
            self._by_queue.setdefault(queue, set()).add(alert.id)
        if agent:
            self._by_agent.setdefault(agent, set()).add(alert.id)
        if rule.severity == Severity.CRITICAL and rule.escalate_after_s is not None:
            self._escalate[alert.id] = t + rule.escalate_after_s
            heapq.heappush(self._escalate_due, (t + rule.escalate_after_s, alert.id))
        self._note(alert, Transition(t, RAISED, alert.id, rule.name, rule.severity, target,
                                     value))
        return alert

    def clear(self, key: tuple[str, str], t: float, value: float) -> None:
        alert = self.active.pop(key, None)
        if alert is None:
            return
        alert.cleared_t = t
        del self.by_id[alert.id]
        self._escalate.pop(alert.id, None)
        self._snoozed.pop(alert.id, None)
        for index, name in ((self._by_queue, alert.queue), (self._by_agent, alert.agent)):
            ids = index.get(name)
            if ids is not None:
                ids.discard(alert.id)
                if not ids:
                    del index[name]
        self.recent_cleared.append(alert)
        self._note(alert, Transition(t, CLEARED, alert.id, alert.rule, alert.severity,
                                     alert.target, value))

    # ------------------------------------------------------------------ people
    def acknowledge(self, alert_id: int, by: str, t: float, wall_t: float) -> bool:
        """Someone has seen it: stops escalation; it stays until its condition clears."""
        alert = self.by_id.get(alert_id)
        if alert is None or alert.acknowledged:
            return False
        alert.acked_by, alert.acked_t, alert.acked_wall_t = by, t, wall_t
        self._escalate.pop(alert_id, None)
        self._note(alert, Transition(t, ACKNOWLEDGED, alert.id, alert.rule, alert.severity,
                                     alert.target, alert.value, by, wall_t))
        return True

    def snooze(self, alert_id: int, minutes: float, by: str, t: float, wall_t: float) -> bool:
        """Quiet it (no colour, no sound, no escalation) for `minutes` of event time."""
        alert = self.by_id.get(alert_id)
        if alert is None or minutes <= 0:
            return False
        alert.snoozed_until = until = t + minutes * 60.0
        self._snoozed[alert_id] = until
        heapq.heappush(self._snooze_due, (until, alert_id))
        due = self._escalate.get(alert_id)
        if due is not None and due < until:
            self._escalate[alert_id] = until  # escalates if still unseen after
            heapq.heappush(self._escalate_due, (until, alert_id))
        self._note(alert, Transition(t, SNOOZED, alert.id, alert.rule, alert.severity,
                                     alert.target, alert.value, by, wall_t))
        return True

    # ------------------------------------------------------------------ clock
    def advance(self, t: float) -> None:
        """Event time reached t: escalations and snoozes that ran out."""
        heap = self._escalate_due
        while heap and heap[0][0] <= t:
            due, alert_id = heapq.heappop(heap)
            if self._escalate.get(alert_id) != due:
                continue  # acknowledged, cleared or put off by a snooze since
            del self._escalate[alert_id]
            alert = self.by_id[alert_id]
            alert.escalated_t = t
            self._note(alert, Transition(t, ESCALATED, alert.id, alert.rule, alert.severity,
                                         alert.target, alert.value))
        heap = self._snooze_due
        while heap and heap[0][0] <= t:
            until, alert_id = heapq.heappop(heap)
            if self._snoozed.get(alert_id) == until:
                del self._snoozed[alert_id]
                self._note_change(self.by_id[alert_id])  # its colour comes back

    # ------------------------------------------------------------------ readers
    def worst(self, alert_ids: set[int] | None, now: float) -> Alert | None:
        """The most severe of these alerts that is not snoozed (newest on a tie)."""
        best: Alert | None = None
        for alert_id in alert_ids or ():
            alert = self.by_id[alert_id]
            if alert.snoozed(now):
                continue
            if best is None or (SEVERITY_RANK[alert.severity], alert.id) > (
                    SEVERITY_RANK[best.severity], best.id):
                best = alert
        return best

    def queue_alert(self, queue_id: str, now: float) -> Alert | None:
        """The alert a queue's tile takes the colour of, if any."""
        return self.worst(self._by_queue.get(queue_id), now)

    def agent_alert(self, agent_id: str, now: float) -> Alert | None:
        return self.worst(self._by_agent.get(agent_id), now)

    def newest_first(self) -> list[Alert]:
        return list(reversed(self.active.values()))

    def take_transitions(self) -> list[Transition]:
        out, self._transitions = self._transitions, []
        self._touched = {}
        return out

    def drain(self) -> tuple[list[Transition], dict[int, Alert]]:
        """What happened since the last call, and the alerts it happened to (cleared
        ones included), for the history and the sound."""
        out, touched = self._transitions, self._touched
        self._transitions, self._touched = [], {}
        return out, touched

    def take_changes(self) -> AlertChanges:
        out, self._changes = self._changes, AlertChanges()
        return out

    def _note(self, alert: Alert, transition: Transition) -> None:
        self._transitions.append(transition)
        self._touched[alert.id] = alert
        self._note_change(alert)

    def _note_change(self, alert: Alert) -> None:
        changes = self._changes
        changes.listed = True
        if alert.queue:
            changes.queues.add(alert.queue)
        if alert.agent:
            changes.agents.add(alert.agent)
