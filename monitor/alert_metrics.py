"""The value of a queue metric an alert rule watches.

One definition for the live engine, replay and `floorwatch alerts check`; the same
figures a tile shows (`QueueView`), read from the floor's running counts rather than
by building views: the engine reads every queue with someone waiting once a second,
and a view costs tens of microseconds where these reads cost a few (bench/bench_alerts.py).
Window figures are worked out again only when the window's running sums moved.

Units are the rule file's: seconds, percent (0-100), counts, ratios. None means there
is nothing to measure yet (no traffic, or a service level resting on fewer contacts
than the queue's `min_contacts`): a raised alert stays, a pending one starts again.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from . import metrics
from .rolling import totals_of
from .state import Queue
from .thresholds import basis_of
from .views import WINDOW_INTERVAL, WINDOW_TODAY, agent_counts

if TYPE_CHECKING:
    from .floor import Floor

WINDOW_METRICS = frozenset({"service_level", "abandon_rate", "first_response_s"})
QUEUE_METRIC_NAMES = frozenset({
    "longest_wait_s", "waiting", "waiting_per_available", "estimated_wait_s", "backlog",
    *WINDOW_METRICS,
})


class QueueReader:
    """Metric values of queues, with each (queue, window)'s figures kept while its
    running sums stand still."""

    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        # (queue, window) -> (sums, {metric: value}) for rolling windows
        self._windows: dict[tuple[str, Any], tuple[tuple[Any, ...], dict[str, float | None]]] = {}

    def forget(self, queue_id: str) -> None:
        for key in [k for k in self._windows if k[0] == queue_id]:
            del self._windows[key]

    def value(self, q: Queue, metric: str, window: int | str) -> float | None:
        floor = self.floor
        if metric == "longest_wait_s":
            return floor.longest_wait_s(q) if q.waiting else 0.0
        if metric == "waiting":
            return float(len(q.waiting))
        if metric == "waiting_per_available":
            # "More than 2x available agents": with nobody available any waiting contact
            # is infinitely over, and an empty queue is 0 whatever the staffing.
            waiting = len(q.waiting)
            if not waiting:
                return 0.0
            available = agent_counts(q.members)[0]
            return waiting / available if available else math.inf
        if metric == "backlog":
            return float(len(q.backlog))
        if metric == "estimated_wait_s":
            return floor.wait_estimate(q.id).ewt_s
        return self._window_values(q, window)[metric]

    def _window_values(self, q: Queue, window: int | str) -> dict[str, float | None]:
        floor = self.floor
        if window in (WINDOW_TODAY, WINDOW_INTERVAL):
            return self._figures(q, floor.totals(q, window))
        sums = q.stats.window_sums(floor.now, int(window))
        key = (q.id, window)
        kept = self._windows.get(key)
        if kept is not None and kept[0] == sums:
            return kept[1]
        figures = self._figures(q, totals_of(sums))
        self._windows[key] = (sums, figures)
        return figures

    def _figures(self, q: Queue, totals: Any) -> dict[str, float | None]:
        floor = self.floor
        variant = floor.sl_variant_of(q.id)
        enough = basis_of(totals, variant) >= floor.thresholds_for(q.id).min_contacts
        sl = metrics.service_level(totals, variant)
        rate = metrics.abandon_rate(totals)
        # Over 4 contacts one slow answer is 25 points: not worth a page (min_contacts).
        return {
            "service_level": sl * 100.0 if sl is not None and enough else None,
            "abandon_rate": rate * 100.0 if rate is not None and enough else None,
            "first_response_s": metrics.first_response_s(totals),
        }


def format_value(value: float, unit: str) -> str:
    """A metric value as a message and the timeline show it."""
    if math.isinf(value):
        return "∞"
    if unit in ("%", "x"):
        return f"{value:.1f}"
    return f"{value:.0f}"
