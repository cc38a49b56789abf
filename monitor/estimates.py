"""Estimated wait per queue, from the floor's recent rates (METRICS.md, transparent queueing).

Agents are shared between the queues of a channel, so a queue's servers are the
channel's serving capacity split by each queue's share of the offered load
(A = arrival rate × AHT). For chat a server is one chat slot.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import erlang, metrics
from .rolling import Totals

ESTIMATE_WINDOW_MIN = 15
REFRESH_S = 10.0  # Erlang A costs up to ~0.1 s; re-estimate on this much event time


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    ewt_s: float | None
    model: str  # erlang.MODEL_*
    servers: int
    arrival_rate_per_s: float | None


def offered_load(t: Totals, window_s: float) -> tuple[float | None, float | None]:
    """(arrival rate per second, AHT) over a window, None where unknown."""
    rate = t.offered / window_s if window_s > 0 else None
    return rate, metrics.aht_s(t)


def estimate(
    t: Totals, window_s: float, servers: int, waiting: int,
) -> WaitEstimate:
    rate, aht = offered_load(t, window_s)
    patience = None
    if t.abandoned > 0:
        # Total time queued by everyone / abandons: the unbiased exponential estimate.
        patience = (t.wait_answered_s + t.wait_abandoned_s) / t.abandoned
    interval = window_s / t.answered if t.answered else None
    if not rate or not aht or aht <= 0:
        rate = aht = None  # no traffic model (or zero-length contacts): empirical only
    if patience is not None and patience <= 0:
        patience = None
    ewt, model = erlang.estimate_wait(rate, aht, servers, waiting, patience, interval)
    return WaitEstimate(ewt, model, servers, rate)
