"""Calendar boundaries on event time: the current half hour and the "today" reset.

A 24-hour centre does not reset at midnight UTC; "today" starts at a configured
local time in a configured zone (DST-aware through zoneinfo).

Times outside what `datetime` can represent (a bad clock can stamp year 10,000 or
later) fall back to a UTC grid, so the engine never fails on an event's time.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo


def zone(name: str | None) -> tzinfo | None:
    """The named zone, or None for the machine's local zone."""
    return ZoneInfo(name) if name else None


def parse_hhmm(text: str) -> tuple[int, int]:
    hour, minute = (int(x) for x in text.split(":"))
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"not a time of day: {text!r}")
    return hour, minute


_OUT_OF_RANGE = (OverflowError, OSError, ValueError)
_DAY_S = 86400.0


def _utc_day_start(t: float, reset: tuple[int, int]) -> float:
    offset = reset[0] * 3600.0 + reset[1] * 60.0
    return t - ((t - offset) % _DAY_S)


def day_start(t: float, tz: tzinfo | None, reset: tuple[int, int] = (0, 0)) -> float:
    """Epoch of the latest daily reset at or before t."""
    try:
        return _day_start(t, tz, reset)
    except _OUT_OF_RANGE:
        return _utc_day_start(t, reset)


def _day_start(t: float, tz: tzinfo | None, reset: tuple[int, int]) -> float:
    local = datetime.fromtimestamp(t, tz).astimezone(tz)
    start = local.replace(hour=reset[0], minute=reset[1], second=0, microsecond=0)
    if start > local:
        start = (start - timedelta(days=1)).replace(hour=reset[0], minute=reset[1])
    return start.timestamp()


def next_day_start(t: float, tz: tzinfo | None, reset: tuple[int, int] = (0, 0)) -> float:
    """Epoch of the first daily reset strictly after t."""
    try:
        return _next_day_start(t, tz, reset)
    except _OUT_OF_RANGE:
        following = _utc_day_start(t, reset) + _DAY_S
        # Where a day is below float resolution, the next reset is the next later time.
        return following if following > t else math.nextafter(t, math.inf)


def _next_day_start(t: float, tz: tzinfo | None, reset: tuple[int, int]) -> float:
    start = datetime.fromtimestamp(_day_start(t, tz, reset), tz).astimezone(tz)
    following = (start + timedelta(days=1, hours=2)).replace(
        hour=reset[0], minute=reset[1], second=0, microsecond=0)
    return following.timestamp()


def half_hour_start(t: float, tz: tzinfo | None) -> float:
    """Start of the local half hour containing t (zones with 45-minute offsets too)."""
    try:
        local = datetime.fromtimestamp(t, tz).astimezone(tz)
    except _OUT_OF_RANGE:
        return t - t % 1800.0
    return local.replace(minute=local.minute - local.minute % 30, second=0,
                         microsecond=0).timestamp()
