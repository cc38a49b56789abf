"""Qt-free formatting of numbers for panels: one place, so every view writes 1:42 alike."""

from __future__ import annotations

import math
import re
import time

DASH = "–"  # shown where a value is not defined yet (no traffic, no sample)


def _missing(value: float | None) -> bool:
    return value is None or not math.isfinite(value)  # inf: an unstable queue, no number


def mmss(seconds: float | None) -> str:
    """Duration as m:ss ("1:42"), h:mm:ss from one hour on; "–" when undefined."""
    if _missing(seconds):
        return DASH
    total = int(max(0.0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def percent(fraction: float | None) -> str:
    """A fraction 0..1 as a whole percentage ("78%"); "–" when undefined."""
    if _missing(fraction):
        return DASH
    return f"{round(fraction * 100):d}%"


def load(active: int, capacity: int) -> str:
    """Concurrent contacts over capacity, "2/4"; voice-only agents have capacity 1."""
    return f"{active}/{max(1, capacity)}"


def rate(per_s: float) -> str:
    """Events per second: whole numbers from 10 on, one decimal below."""
    return f"{per_s:.0f}" if per_s >= 10 else f"{per_s:.1f}"


def age(seconds: float | None) -> str:
    """Age of the last event: "0.3 s" below a minute, m:ss above; "–" when none yet."""
    if _missing(seconds):
        return DASH
    if seconds < 60:
        return f"{max(0.0, seconds):.1f} s"
    return mmss(seconds)


def clock(epoch_s: float) -> str:
    """Event time as local HH:MM:SS; "--:--:--" before the first event set the clock."""
    if epoch_s <= 0 or _missing(epoch_s):
        return "--:--:--"
    return time.strftime("%H:%M:%S", time.localtime(epoch_s))


_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*([smhdw])", re.IGNORECASE)
_UNIT_S = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}


def parse_duration(text: str) -> float:
    """Seconds in a duration written like 90s, 30m, 12h, 1d or 1w (one number, one unit)."""
    match = _DURATION.fullmatch(text.strip())
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a duration: use a positive number with "
                         "s, m, h, d or w (30m, 12h, 1d, 7d)")
    return float(match.group(1)) * _UNIT_S[match.group(2).lower()]


def format_duration(seconds: float | None) -> str:
    """1800 -> 30m, 5400 -> 1h30m, 45 -> 45s; '' for none."""
    if not seconds:
        return ""
    total = round(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")) if n]
    return "".join(parts) or f"{seconds:g}s"
