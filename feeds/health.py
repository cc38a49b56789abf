"""Health of one feed connection, as the status bar and wall show it."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

STALE_AFTER_S = 5.0  # no event for this long: treat the feed as down
SLOW_AFTER_S = 2.0  # no event for this long: worth a look
BEHIND_AFTER_S = 1.0  # events waiting this long for the engine: the window lags the feed


@dataclass(slots=True)
class FeedHealth:
    url: str
    feed: str = ""  # feed id announced by the server
    key: str = ""  # the source's key, which the floor files its events under (the hub sets it)
    connected: bool = False
    last_event_age_s: float | None = None  # wall-clock seconds since the last frame
    events_per_s: float = 0.0
    events: int = 0
    rejected: int = 0  # frames that could not be used
    rejected_reasons: Counter[str] = field(default_factory=Counter)
    # Messages of a type the source does not use (a platform's other events: AMI's
    # Newchannel, a newer Chatwoot's event names): not errors, counted to be seen.
    unknown: int = 0
    duplicates: int = 0
    resyncs: int = 0
    reconnects: int = 0
    dropped: int = 0  # events dropped because the hand-off to the UI was full
    behind_s: float = 0.0  # how long the oldest event not yet applied has waited (wall clock)
    restarts: int = 0  # times the source failed (a bug, not the network) and was restarted
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
    """Down if disconnected or silent too long; degraded if slow, not heard yet, dropping,
    or waiting for an engine that has fallen behind.

    A live feed sends heartbeats when nothing happens, so silence is trouble even
    on a quiet floor.
    """
    age = health.last_event_age_s
    if not health.connected or (age is not None and age > STALE_AFTER_S):
        return FeedState.DOWN
    if age is None or age > SLOW_AFTER_S or health.dropped or health.behind_s > BEHIND_AFTER_S:
        return FeedState.DEGRADED
    return FeedState.GOOD


class DownReason(StrEnum):
    """Why a feed is not connected, in the words a supervisor can act on."""

    REFUSED = "refused"  # the feed turned our token away
    UNREACHABLE = "unreachable"  # nothing answered at the address (down, wrong port, network)
    LOST = "lost"  # it was connected and the connection ended
    UNKNOWN = ""


def down_reason(health: FeedHealth) -> DownReason:
    """Why `health`'s feed is down, from its last error (UNKNOWN when connected or unsaid)."""
    if health.connected or not health.last_error:
        return DownReason.UNKNOWN
    error = health.last_error
    if any(mark in error for mark in ("unknown token", "4001", "unauthorized",
                                      "AmiLoginRefused")):
        return DownReason.REFUSED
    if error.startswith(("ConnectionClosed", "ConnectionClosedError", "ConnectionClosedOK")):
        return DownReason.LOST
    if error.startswith(("ConnectionRefusedError", "OSError", "TimeoutError", "gaierror",
                         "InvalidStatus", "InvalidHandshake", "InvalidMessage", "SSL")):
        return DownReason.UNREACHABLE
    return DownReason.LOST if health.reconnects else DownReason.UNREACHABLE


class EventRate:
    """Events per second and age of the last event, measured on the monotonic clock.

    Each source counts its events in its `FeedHealth`; this turns the count into
    the rate and age the status bar shows, at most once a second.
    """

    def __init__(self) -> None:
        self._mark = (time.monotonic(), 0)
        self._last_at: float | None = None

    def seen(self) -> None:
        """Something arrived from the feed just now."""
        self._last_at = time.monotonic()

    def fill(self, health: FeedHealth) -> FeedHealth:
        """Set `events_per_s` and `last_event_age_s` on `health` (the source's own record)."""
        now = time.monotonic()
        mark_t, mark_n = self._mark
        if now - mark_t >= 1.0:
            health.events_per_s = (health.events - mark_n) / (now - mark_t)
            self._mark = (now, health.events)
        health.last_event_age_s = None if self._last_at is None else now - self._last_at
        return health
