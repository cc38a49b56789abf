"""Per-queue counters in one-minute buckets: constant memory for any run length.

A rolling window of N minutes is the current minute plus the previous N-1
whole minutes (the same convention as minute-bucketed platform reports).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

BUCKET_S = 60
KEEP_MINUTES = 61  # 60-minute window plus the minute in progress


@dataclass(slots=True)
class Totals:
    """Sums over a window. Outcomes are counted at the time they happen."""

    offered: int = 0
    answered: int = 0
    answered_within_sl: int = 0
    wait_answered_s: float = 0.0
    abandoned: int = 0
    abandoned_within_sl: int = 0
    short_abandoned: int = 0
    wait_abandoned_s: float = 0.0
    other_exits: int = 0
    callbacks: int = 0
    removed_within_sl: int = 0  # answered, abandoned or callback within T (Amazon Connect)
    max_wait_s: float = 0.0  # longest wait of any contact that left the queue
    handled: int = 0
    handle_s: float = 0.0
    first_responses: int = 0
    first_response_s: float = 0.0
    surveys_nps: int = 0
    nps_promoters: int = 0
    nps_detractors: int = 0
    surveys_csat: int = 0
    csat_sum: int = 0

    def add(self, other: Totals) -> None:
        for f in _SUM_FIELDS:
            setattr(self, f, getattr(self, f) + getattr(other, f))
        self.max_wait_s = max(self.max_wait_s, other.max_wait_s)


_FIELDS = tuple(f.name for f in fields(Totals))
_SUM_FIELDS = tuple(f for f in _FIELDS if f != "max_wait_s")


class RollingCounters:
    """A ring of minute buckets keyed by absolute minute number, plus today's total.

    Today's total is the buckets that have left the ring since the day started,
    plus those still in it: each event is written once, to its minute bucket.
    """

    __slots__ = ("_minutes", "_buckets", "day", "day_start_minute")

    def __init__(self) -> None:
        self._minutes: list[int] = [-1] * KEEP_MINUTES
        self._buckets: list[Totals] = [Totals() for _ in range(KEEP_MINUTES)]
        self.day = Totals()  # evicted buckets of today
        self.day_start_minute = 0

    def bucket(self, t: float, now: float) -> Totals | None:
        """The bucket for time t, or None when t is already out of every window."""
        minute = int(t // BUCKET_S)
        if minute <= int(now // BUCKET_S) - KEEP_MINUTES:
            return None
        i = minute % KEEP_MINUTES
        if self._minutes[i] != minute:
            if self._minutes[i] > minute:
                return None  # slot holds a newer minute: t is too old
            if self._minutes[i] >= self.day_start_minute:
                self.day.add(self._buckets[i])
            self._minutes[i] = minute
            self._buckets[i] = Totals()
        return self._buckets[i]

    def since(self, first_minute: int, now: float) -> Totals:
        """Sum of the ring's buckets from `first_minute` to the current minute."""
        current = int(now // BUCKET_S)
        out = Totals()
        for minute, bucket in zip(self._minutes, self._buckets, strict=True):
            if first_minute <= minute <= current:
                out.add(bucket)
        return out

    def window(self, now: float, minutes: int) -> Totals:
        """Sum of the current minute and the previous `minutes - 1` minutes."""
        return self.since(int(now // BUCKET_S) - minutes + 1, now)

    def today(self, now: float) -> Totals:
        out = self.since(self.day_start_minute, now)
        out.add(self.day)
        return out

    def reset_day(self, start_t: float) -> None:
        self.day = Totals()
        self.day_start_minute = int(start_t // BUCKET_S)

    def dump(self) -> dict[str, Any]:
        return {
            "minutes": [
                [m, [getattr(b, f) for f in _FIELDS]]
                for m, b in zip(self._minutes, self._buckets, strict=True)
                if m >= 0
            ],
            "day": [getattr(self.day, f) for f in _FIELDS],
            "day_start_minute": self.day_start_minute,
        }

    def load(self, data: dict[str, Any]) -> None:
        for minute, values in data.get("minutes", []):
            i = int(minute) % KEEP_MINUTES
            if int(minute) < self._minutes[i]:
                continue
            self._minutes[i] = int(minute)
            self._buckets[i] = Totals(*values[: len(_FIELDS)])
        self.day = Totals(*data.get("day", [])[: len(_FIELDS)])
        self.day_start_minute = int(data.get("day_start_minute", 0))
