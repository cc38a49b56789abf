"""Fixed-size history of waiting contacts and service level per channel."""

from __future__ import annotations

import math
from collections import deque
from typing import Any

SAMPLE_S = 10.0
SAMPLES = 360  # 60 minutes at one sample per 10 s


class Trend:
    """Samples taken on event time, never wall time, so replay draws the same line."""

    __slots__ = ("times", "series", "next_t")

    def __init__(self, channels: tuple[str, ...] = ("hotline", "online")) -> None:
        self.times: deque[float] = deque(maxlen=SAMPLES)
        # per channel: (waiting, service level or nan)
        self.series: dict[str, tuple[deque[float], deque[float]]] = {
            ch: (deque(maxlen=SAMPLES), deque(maxlen=SAMPLES)) for ch in channels
        }
        self.next_t: float | None = None

    def due(self, now: float) -> bool:
        return self.next_t is None or now >= self.next_t

    def record(self, now: float, values: dict[str, tuple[float, float]]) -> None:
        slot = (now // SAMPLE_S) * SAMPLE_S
        self.times.append(slot)
        for channel, (waiting, sl) in self.series.items():
            w, s = values.get(channel, (0.0, float("nan")))
            waiting.append(w)
            sl.append(s)
        self.next_t = slot + SAMPLE_S
        if self.next_t <= now:
            # At times so large that slot + 10 s rounds back to slot: never sample twice
            # for one time.
            self.next_t = math.nextafter(now, math.inf)

    def dump(self) -> dict[str, Any]:
        return {
            "times": list(self.times),
            "series": {ch: [list(w), list(s)] for ch, (w, s) in self.series.items()},
            "next_t": self.next_t,
        }

    def merge(self, data: dict[str, Any], channels: set[str]) -> None:
        """Take only `channels` from `data` (another feed's trend), placed by sample time.

        With several feeds each snapshot carries a trend of its own channels; loading
        one whole would blank the channels another feed had filled.
        """
        times = list(data.get("times", []))
        if not self.times:
            self.load({"times": times, "next_t": data.get("next_t"), "series": {}})
            for w, s in self.series.values():
                w.extend(0.0 for _ in times)
                s.extend(float("nan") for _ in times)
        at = {t: i for i, t in enumerate(times)}
        for ch in channels:
            w, s = data.get("series", {}).get(ch, ([], []))
            if len(w) != len(times) or len(s) != len(times):
                continue  # malformed: keep what we have
            self.series[ch] = (
                deque((w[at[t]] if t in at else 0.0 for t in self.times), maxlen=SAMPLES),
                deque((s[at[t]] if t in at else float("nan") for t in self.times),
                      maxlen=SAMPLES),
            )

    def load(self, data: dict[str, Any]) -> None:
        self.times = deque(data.get("times", []), maxlen=SAMPLES)
        for ch, (w, s) in data.get("series", {}).items():
            self.series[ch] = (deque(w, maxlen=SAMPLES), deque(s, maxlen=SAMPLES))
        self.next_t = data.get("next_t")
