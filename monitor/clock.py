"""Calendar boundaries on event time: the current half hour and the "today" reset.

A 24-hour centre does not reset at midnight UTC; "today" starts at a configured
local time in a configured zone (DST-aware through zoneinfo).
"""

from __future__ import annotations

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


def day_start(t: float, tz: tzinfo | None, reset: tuple[int, int] = (0, 0)) -> float:
    """Epoch of the latest daily reset at or before t."""
    local = datetime.fromtimestamp(t, tz).astimezone(tz)
    start = local.replace(hour=reset[0], minute=reset[1], second=0, microsecond=0)
    if start > local:
        start = (start - timedelta(days=1)).replace(hour=reset[0], minute=reset[1])
    return start.timestamp()


def next_day_start(t: float, tz: tzinfo | None, reset: tuple[int, int] = (0, 0)) -> float:
    """Epoch of the first daily reset strictly after t."""
    start = datetime.fromtimestamp(day_start(t, tz, reset), tz).astimezone(tz)
    following = (start + timedelta(days=1, hours=2)).replace(
        hour=reset[0], minute=reset[1], second=0, microsecond=0)
    return following.timestamp()


def half_hour_start(t: float, tz: tzinfo | None) -> float:
    """Start of the local half hour containing t (zones with 45-minute offsets too)."""
    local = datetime.fromtimestamp(t, tz).astimezone(tz)
    return local.replace(minute=local.minute - local.minute % 30, second=0,
                         microsecond=0).timestamp()
