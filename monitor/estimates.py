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


class PoolEstimate:
    """One pool's traffic model (its window totals and servers), asked for each queue.

    The Erlang models give one wait for the whole pool, so they run once however many
    queues ask; only the empirical fallback depends on a queue's own number waiting.
    """

    __slots__ = ("rate", "aht", "patience", "interval", "servers", "_shared", "_by_waiting")

    def __init__(self, t: Totals, window_s: float, servers: int) -> None:
        rate, aht = offered_load(t, window_s)
        patience = None
        if t.abandoned > 0:
            # Total time queued by everyone / abandons: the unbiased exponential estimate.
            patience = (t.wait_answered_s + t.wait_abandoned_s) / t.abandoned
        self.interval = window_s / t.answered if t.answered else None
        if not rate or not aht or aht <= 0:
            rate = aht = None  # no traffic model (or zero-length contacts): empirical only
        if patience is not None and patience <= 0:
            patience = None
        self.rate, self.aht, self.patience, self.servers = rate, aht, patience, servers
        self._shared: WaitEstimate | None = None
        self._by_waiting: dict[int, WaitEstimate] = {}

    def _uses_waiting(self) -> bool:
        # erlang.estimate_wait reads `waiting` only when neither Erlang model applies.
        if self.rate is None or self.aht is None:
            return True
        return self.patience is None and self.servers <= self.rate * self.aht

    def for_queue(self, waiting: int) -> WaitEstimate:
        if self._shared is not None:
            return self._shared
        known = self._by_waiting.get(waiting)
        if known is not None:
            return known
        ewt, model = erlang.estimate_wait(self.rate, self.aht, self.servers, waiting,
                                          self.patience, self.interval)
        result = WaitEstimate(ewt, model, self.servers, self.rate)
        if self._uses_waiting():
            self._by_waiting[waiting] = result
        else:
            self._shared = result
        return result


def estimate(
    t: Totals, window_s: float, servers: int, waiting: int,
) -> WaitEstimate:
    return PoolEstimate(t, window_s, servers).for_queue(waiting)
