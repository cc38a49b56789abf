"""Health of one feed connection, as the status bar and wall show it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

STALE_AFTER_S = 5.0  # no event for this long: treat the feed as down
SLOW_AFTER_S = 2.0  # no event for this long: worth a look


@dataclass(slots=True)
class FeedHealth:
    url: str
    feed: str = ""  # feed id announced by the server
    connected: bool = False
    last_event_age_s: float | None = None  # wall-clock seconds since the last frame
    events_per_s: float = 0.0
    events: int = 0
    rejected: int = 0  # frames that could not be used
    rejected_reasons: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    resyncs: int = 0
    reconnects: int = 0
    dropped: int = 0  # events dropped because the hand-off to the UI was full
    last_error: str = ""

    def copy(self) -> FeedHealth:
        c = FeedHealth(**{f: getattr(self, f) for f in self.__slots__})
        c.rejected_reasons = Counter(self.rejected_reasons)
        return c


class FeedState(StrEnum):
    """How a feed's health reads at a glance, for the status bar and the wall."""

    GOOD = "good"
    DEGRADED = "degraded"
    DOWN = "down"


def feed_state(health: FeedHealth) -> FeedState:
    """Down if disconnected or silent too long; degraded if slow, not heard yet, or dropping.

    A live feed sends heartbeats when nothing happens, so silence is trouble even
    on a quiet floor.
    """
    age = health.last_event_age_s
    if not health.connected or (age is not None and age > STALE_AFTER_S):
        return FeedState.DOWN
    if age is None or age > SLOW_AFTER_S or health.dropped:
        return FeedState.DEGRADED
    return FeedState.GOOD
