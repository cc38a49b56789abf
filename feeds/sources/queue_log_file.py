"""An Asterisk `queue_log` file as a source: its events once, in file order, then done.

The parsing is `feeds.sources.queue_log`; this wraps it in the source contract so
a PBX's history can drive the floor window like any live feed. Bad lines are
counted in health (`rejected`, by reason), never fatal.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

from ..health import EventRate, FeedHealth
from ..source import FeedEvent, Source
from .queue_log import DEFAULT_SL_TARGET_S, ImportStats, iter_queue_log, open_queue_log

CHUNK = 5_000  # events between yields to the loop, so other sources keep flowing


class QueueLogSource(Source):
    """Reads `path` once; takes no commands."""

    waits_when_full = True  # a file can wait for the engine

    def __init__(self, path: str | os.PathLike[str], key: str | None = None,
                 sl_target_s: float = DEFAULT_SL_TARGET_S) -> None:
        self.path = os.fspath(path)
        self.key = key or f"queue_log:{self.path}"
        self.sl_target_s = sl_target_s
        self.stats = ImportStats()
        self._health = FeedHealth(url=self.key, feed="queue_log")
        self._rate = EventRate()

    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        try:
            f = open_queue_log(self.path)
        except OSError as exc:
            self._health.last_error = f"{type(exc).__name__}: {exc}"[:200]
            return
        self._health.connected = True
        try:
            with f:
                for n, event in enumerate(iter_queue_log(f, self.stats, self.sl_target_s), 1):
                    if stop.is_set():
                        return
                    self._health.events += 1
                    yield FeedEvent(self.key, 0, event)
                    if n % CHUNK == 0:
                        self._rate.seen()
                        await asyncio.sleep(0)
        finally:
            self._rate.seen()
            self._health.connected = False

    def health(self) -> FeedHealth:
        self._health.rejected = self.stats.skipped  # lines with a problem: `stats.problems`
        return self._rate.fill(self._health).copy()
