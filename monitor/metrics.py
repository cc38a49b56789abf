"""Metric formulas over window totals. One place: every view and report uses these."""

from __future__ import annotations

from .rolling import Totals

# Service level variants in real use (METRICS.md). "Within T" means waited <= T.
# A contact "with an outcome" was answered, abandoned, exited or took a callback.
SL_VARIANTS: dict[str, str] = {
    "offered": "answered within T / (contacts with an outcome − short abandons)",
    "answered": "answered within T / answered (Asterisk ServiceLevelPerf)",
    "answered_abandoned": "(answered + abandoned within T) / (answered + abandoned)"
                          " (Asterisk ServiceLevelPerf2)",
    "removed": "(answered, abandoned or callback within T) / contacts with an outcome"
               " (Amazon Connect)",
}
DEFAULT_SL_VARIANT = "offered"


def outcomes(t: Totals) -> int:
    return t.answered + t.abandoned + t.other_exits + t.callbacks


def service_level(t: Totals, variant: str = DEFAULT_SL_VARIANT) -> float | None:
    if variant == "offered":
        num, den = t.answered_within_sl, outcomes(t) - t.short_abandoned
    elif variant == "answered":
        num, den = t.answered_within_sl, t.answered
    elif variant == "answered_abandoned":
        num = t.answered_within_sl + t.abandoned_within_sl
        den = t.answered + t.abandoned
    elif variant == "removed":
        num, den = t.removed_within_sl, outcomes(t)
    else:
        raise ValueError(f"unknown service level variant {variant!r}; one of {list(SL_VARIANTS)}")
    return num / den if den > 0 else None


def asa_s(t: Totals) -> float | None:
    """Average speed of answer: mean wait of answered contacts."""
    return t.wait_answered_s / t.answered if t.answered else None


def aht_s(t: Totals) -> float | None:
    """Average handle time: talk/chat + hold + wrap-up of completed contacts."""
    return t.handle_s / t.handled if t.handled else None


def abandon_rate(t: Totals) -> float | None:
    """Abandoned (excluding short abandons) over contacts with an outcome (less short ones)."""
    denominator = outcomes(t) - t.short_abandoned
    return (t.abandoned - t.short_abandoned) / denominator if denominator > 0 else None


def abandoned_wait_s(t: Totals) -> float | None:
    """Mean time in queue before abandoning."""
    return t.wait_abandoned_s / t.abandoned if t.abandoned else None


def first_response_s(t: Totals) -> float | None:
    """Chat first response: the visitor's first message to the agent's first reply."""
    return t.first_response_s / t.first_responses if t.first_responses else None


def response_s(t: Totals) -> float | None:
    """Chat average response: from a customer message (the first of those sent since
    the agent last wrote) to the agent's next reply, every turn of the chat."""
    return t.response_s / t.responses if t.responses else None


def nps(t: Totals) -> float | None:
    """Net promoter score in -100..100: % promoters (9-10) - % detractors (0-6) of the
    NPS answers (`t.surveys_nps` of them; passives 7-8 count in the answers only)."""
    if not t.surveys_nps:
        return None
    return 100.0 * (t.nps_promoters - t.nps_detractors) / t.surveys_nps


def csat(t: Totals) -> float | None:
    """Satisfaction: mean of the 1-5 answers."""
    return t.csat_sum / t.surveys_csat if t.surveys_csat else None


def csat_satisfied(t: Totals) -> float | None:
    """Share (0..1) of the satisfaction answers that were 4 or 5."""
    return t.csat_satisfied / t.surveys_csat if t.surveys_csat else None
