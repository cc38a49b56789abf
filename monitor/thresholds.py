"""How urgent a queue looks from its numbers: ok, warning or critical, and why.

The limits are a `Thresholds` value per queue: shipped defaults, overridden for
all queues or for one queue in the config (`[thresholds]`, docs/thresholds.md).
`evaluate` says which rule decided, with the numbers, so a tile tooltip (and the
alerts built on the same rules) can say it in words; `describe` gives the rule
itself as numbers, and `rule_text` in plain English for the CLI and docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from .views import QueueView


class TileState(StrEnum):
    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where a queue turns from ok to warning to critical.

    A wait longer than the queue's own SL target is a warning whatever these say.
    A service level resting on fewer than `min_contacts` contacts turns nothing:
    over 4 contacts one slow answer is 25 points.
    """

    sl_goal: float = 0.80  # service level below this: warning
    sl_critical: float = 0.60  # service level below this: critical
    critical_wait_factor: float = 3.0  # longest wait over this x the SL target: critical
    min_contacts: int = 10  # contacts the SL must rest on before it may warn or alarm

    def problems(self) -> list[tuple[str, str]]:
        """(field, what is wrong) for each value out of range; empty when usable."""
        out = []
        if not 0.0 <= self.sl_goal <= 1.0:
            out.append(("sl_goal", "must be between 0 and 100 %"))
        if not 0.0 <= self.sl_critical <= 1.0:
            out.append(("sl_critical", "must be between 0 and 100 %"))
        elif self.sl_critical > self.sl_goal:
            out.append(("sl_critical", "must not be above sl_goal"))
        if not 1.0 <= self.critical_wait_factor <= 100.0:
            out.append(("critical_wait_factor", "must be between 1 and 100"))
        if not 0 <= self.min_contacts <= 100_000:
            out.append(("min_contacts", "must be between 0 and 100000"))
        return out


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True, slots=True)
class ThresholdBook:
    """The thresholds of every queue: one default, and overrides by queue id."""

    default: Thresholds = DEFAULT_THRESHOLDS
    by_queue: Mapping[str, Thresholds] = field(default_factory=lambda: MappingProxyType({}))

    def for_queue(self, queue_id: str) -> Thresholds:
        return self.by_queue.get(queue_id, self.default)


DEFAULT_BOOK = ThresholdBook()


class Rule(StrEnum):
    """The rule that decided a queue's state (the alerts work names rules the same way)."""

    NONE = "none"  # nothing out of line
    UNSTAFFED = "unstaffed"  # contacts waiting and nobody staffed
    WAIT_CRITICAL = "wait_critical"  # longest wait over factor x target
    SL_CRITICAL = "sl_critical"  # service level below sl_critical
    WAIT_WARNING = "wait_warning"  # longest wait over the target
    SL_WARNING = "sl_warning"  # service level below sl_goal


@dataclass(frozen=True, slots=True)
class Verdict:
    """A queue's state, the rule that set it, and whether a low SL was let pass
    because it rests on too few contacts."""

    state: TileState
    rule: Rule
    sl_too_few: bool  # SL below a limit, but on fewer than min_contacts contacts


def sl_basis(view: QueueView) -> int:
    """How many contacts the view's service level is a share of (its denominator)."""
    return basis_of(view, view.sl_variant)


def basis_of(counts: Any, variant: str) -> int:
    """The SL denominator of anything with the outcome counts (a view, `Totals`)."""
    outcomes = counts.answered + counts.abandoned + counts.other_exits + counts.callbacks
    if variant == "answered":
        return int(counts.answered)
    if variant == "answered_abandoned":
        return int(counts.answered + counts.abandoned)
    if variant == "removed":
        return int(outcomes)
    return int(outcomes - counts.short_abandoned)


def evaluate(view: QueueView, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Verdict:
    """How urgent a queue looks, and which rule says so.

    Contacts waiting with nobody staffed is critical whatever the figures, since
    nothing will improve them. No service level yet (no traffic) never alarms, nor
    does one over fewer than `min_contacts` contacts; a long wait always counts.
    """
    sl = view.service_level
    # A target under a second would make every wait an alarm.
    target = max(1.0, view.sl_target_s)
    too_few = sl is not None and sl_basis(view) < thresholds.min_contacts
    low_sl = sl is not None and sl < thresholds.sl_goal
    usable = None if sl is None or too_few else sl
    if view.waiting and view.agents_staffed == 0:
        return Verdict(TileState.CRITICAL, Rule.UNSTAFFED, too_few and low_sl)
    if view.longest_wait_s > thresholds.critical_wait_factor * target:
        return Verdict(TileState.CRITICAL, Rule.WAIT_CRITICAL, too_few and low_sl)
    if usable is not None and usable < thresholds.sl_critical:
        return Verdict(TileState.CRITICAL, Rule.SL_CRITICAL, False)
    if view.longest_wait_s > target:
        return Verdict(TileState.WARNING, Rule.WAIT_WARNING, too_few and low_sl)
    if usable is not None and usable < thresholds.sl_goal:
        return Verdict(TileState.WARNING, Rule.SL_WARNING, False)
    return Verdict(TileState.OK, Rule.NONE, too_few and low_sl)


def tile_state(view: QueueView, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> TileState:
    """How urgent a queue looks: critical, warning or ok (see `evaluate`)."""
    return evaluate(view, thresholds).state


@dataclass(frozen=True, slots=True)
class RuleDescription:
    """The rule for one queue, as numbers a tooltip formats (translated, in the UI).

    Percentages are whole numbers (80 for 0.80), waits seconds.
    """

    sl_goal_pct: float
    sl_critical_pct: float
    target_s: float
    critical_wait_s: float
    min_contacts: int
    contacts: int  # contacts the current SL rests on
    verdict: Verdict


def describe(view: QueueView, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> RuleDescription:
    """The numbers of the rule that colours `view`'s tile, and its current verdict."""
    target = max(1.0, view.sl_target_s)
    return RuleDescription(
        sl_goal_pct=round(thresholds.sl_goal * 100, 1),
        sl_critical_pct=round(thresholds.sl_critical * 100, 1),
        target_s=target,
        critical_wait_s=round(thresholds.critical_wait_factor * target, 1),
        min_contacts=thresholds.min_contacts,
        contacts=sl_basis(view),
        verdict=evaluate(view, thresholds),
    )


def rule_text(d: RuleDescription) -> str:
    """The rule in plain English (CLI and docs; the window translates its own)."""
    text = (f"Warning below {d.sl_goal_pct:g} % SL or a wait over {d.target_s:g} s; "
            f"critical below {d.sl_critical_pct:g} % SL, a wait over {d.critical_wait_s:g} s "
            f"or contacts waiting with nobody staffed. The SL counts only from "
            f"{d.min_contacts} contacts (now {d.contacts}).")
    if d.verdict.sl_too_few:
        text += " Its low SL is ignored: too few contacts yet."
    return text
