"""Health of one feed connection, as the status bar and wall show it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


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
