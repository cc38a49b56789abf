"""Alert rules run over past events: the timeline `floorwatch alerts check` prints.

The same `AlertEngine` as the live window, fed the recorded events in the order they
were recorded, so a rule tried here on yesterday raises what it would have raised
live (tests/monitor/test_alert_backtest.py checks the two timelines are equal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .alert_book import CLEARED, RAISED, TIMELINE_EVENTS, Transition
from .alert_engine import AlertEngine
from .alert_metrics import format_value
from .alert_rules import METRICS, AlertRule, Scope
from .events import Event
from .floor import Floor

TIMELINE_COLUMNS = ("time", "rule", "severity", "target", "event", "value")


@dataclass(slots=True)
class RuleSummary:
    raised: int = 0
    active_s: float = 0.0  # raised until cleared, or until the end of the data
    still_active: int = 0


@dataclass(slots=True)
class Backtest:
    transitions: list[Transition] = field(default_factory=list)
    summary: dict[str, RuleSummary] = field(default_factory=dict)
    start_t: float | None = None
    end_t: float | None = None
    events: int = 0
    not_backtested: list[str] = field(default_factory=list)  # rules a recording can't drive


def run_backtest(events: Iterable[tuple[str, Event]], rules: list[AlertRule],
                 floor: Floor) -> Backtest:
    """(feed, event) pairs through an engine on `floor`; the raised/cleared/escalated
    timeline and a summary per rule."""
    engine = AlertEngine(floor, rules)
    out = Backtest()
    for feed, event in events:
        if out.start_t is None:
            out.start_t = event.t
        engine.apply(event, feed)
        out.events += 1
        out.transitions += [tr for tr in engine.take_transitions()
                            if tr.event in TIMELINE_EVENTS]
    engine.finish()
    out.transitions += [tr for tr in engine.take_transitions() if tr.event in TIMELINE_EVENTS]
    out.end_t = floor.now if out.start_t is not None else None
    out.summary = summarise(out.transitions, rules, out.end_t)
    out.not_backtested = [r.name for r in engine.rules if r.scope is Scope.FEED]
    return out


def summarise(transitions: list[Transition], rules: list[AlertRule],
              end_t: float | None) -> dict[str, RuleSummary]:
    summary = {r.name: RuleSummary() for r in rules if r.enabled}
    opened: dict[int, float] = {}
    for tr in transitions:
        entry = summary.setdefault(tr.rule, RuleSummary())
        if tr.event == RAISED:
            entry.raised += 1
            opened[tr.alert_id] = tr.t
        elif tr.event == CLEARED and tr.alert_id in opened:
            entry.active_s += tr.t - opened.pop(tr.alert_id)
    for alert_id, since in opened.items():
        rule = next(tr.rule for tr in transitions if tr.alert_id == alert_id)
        summary[rule].still_active += 1
        if end_t is not None:
            summary[rule].active_s += max(0.0, end_t - since)
    return summary


def value_text(tr: Transition, rules: dict[str, AlertRule]) -> str:
    """A timeline value in its rule's unit (∞ for 'nobody available' and the like)."""
    rule = rules.get(tr.rule)
    unit = METRICS[rule.metric][1] if rule is not None else ""
    return format_value(tr.value, unit)
