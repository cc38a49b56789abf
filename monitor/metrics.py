"""Metric formulas over window totals. One place: every view and report uses these."""

from __future__ import annotations

from .rolling import Totals

# Default variant (METRICS.md #1): answered within T over offered minus short
# abandons, where "offered" in a rolling window means contacts whose queue
# outcome (answer, abandon, other exit, callback) fell in the window.
SL_DEFINITION = "answered within T / (contacts with an outcome − short abandons)"


def service_level(t: Totals) -> float | None:
    denominator = (
        t.answered + t.abandoned - t.short_abandoned + t.other_exits + t.callbacks
    )
    return t.answered_within_sl / denominator if denominator > 0 else None


def asa_s(t: Totals) -> float | None:
    """Average speed of answer: mean wait of answered contacts."""
    return t.wait_answered_s / t.answered if t.answered else None


def aht_s(t: Totals) -> float | None:
    """Average handle time: talk/chat + hold + wrap-up of completed contacts."""
    return t.handle_s / t.handled if t.handled else None


def abandon_rate(t: Totals) -> float | None:
    """Abandoned (excluding short abandons) over contacts with an outcome."""
    long_abandons = t.abandoned - t.short_abandoned
    denominator = t.answered + long_abandons + t.other_exits + t.callbacks
    return long_abandons / denominator if denominator > 0 else None


def first_response_s(t: Totals) -> float | None:
    return t.first_response_s / t.first_responses if t.first_responses else None


def nps(t: Totals) -> float | None:
    """Net promoter score in -100..100 (promoters 9-10, detractors 0-6)."""
    if not t.surveys_nps:
        return None
    return 100.0 * (t.nps_promoters - t.nps_detractors) / t.surveys_nps


def csat(t: Totals) -> float | None:
    return t.csat_sum / t.surveys_csat if t.surveys_csat else None
