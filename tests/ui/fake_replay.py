"""A small stand-in for `feeds.sources.replay.ReplaySource`, to the same contract
(docs/replay.md): events in memory instead of a file, states by replaying from the start
instead of checkpoints. The replay bar's tests drive it; so can any UI test.

Paced by the loop clock: while playing, event time advances `speed` recorded seconds per
wall second (inf: everything at once); a seek's snapshots come even while paused, so a
paused window shows the moment it was moved to.
"""

from __future__ import annotations

import asyncio
import bisect
import math
import threading
from collections.abc import AsyncIterator

from feeds.health import FeedHealth
from feeds.sim import START_T, SimConfig, Simulation
from feeds.source import FeedEvent, Source
from monitor.events import Event, Snapshot
from monitor.floor import Floor

POLL_S = 0.01


def simulated_day(agents: int = 20, minutes: float = 60, seed: int = 4,
                  feed: str = "ws://fake-floor") -> list[tuple[str, Event]]:
    """`minutes` of a seeded simulated floor from 09:00, as (feed, event) pairs."""
    sim = Simulation(SimConfig(agents=agents, seed=seed, start_t=START_T, start_hour=9.0))
    events = [*sim.setup_events(), *sim.run_until(START_T + minutes * 60)]
    return [(feed, e) for e in events]


def floor_at(events: list[tuple[str, Event]], t: float) -> Floor:
    """The floor that playing `events` up to t (inclusive) leaves, its clock at t."""
    floor = Floor()
    for feed, event in events:
        if event.t > t:
            break
        floor.apply(event, feed)
    floor.advance_to(t)
    return floor


class FakeReplay(Source):
    accepts_commands = False
    waits_when_full = True

    def __init__(self, events: list[tuple[str, Event]], *, speed: float = 1.0,
                 start_t: float | None = None, end_t: float | None = None,
                 key: str = "replay:fake") -> None:
        self.key = key
        self._events = events
        self._times = [e.t for _, e in events]
        self.span = (self._times[0], self._times[-1])
        self.end_t = self.span[1] if end_t is None else min(end_t, self.span[1])
        self.feeds = list(dict.fromkeys(feed for feed, _ in events))
        self.speed = speed
        self.paused = False
        self.position_t = self.span[0] if start_t is None else start_t
        self.problems = None
        self.seeks: list[float] = []  # every seek carried out, in order (tests read it)
        self._lock = threading.Lock()
        self._seek_to: float | None = start_t
        self._anchor: tuple[float, float] | None = None  # (loop time, event time) of a pace
        self._health = FeedHealth(url=key, feed="fake")

    # ------------------------------------------------------------------ controls
    def play(self) -> None:
        with self._lock:
            self.paused, self._anchor = False, None

    def pause(self) -> None:
        with self._lock:
            self.paused = True

    def set_speed(self, speed: float) -> None:
        with self._lock:
            self.speed, self._anchor = speed, None

    def seek(self, t: float) -> None:
        with self._lock:
            self._seek_to, self._anchor = t, None
            self.position_t = t
            self.seeks.append(t)

    def busy_periods(self, bucket_s: float = 300) -> list[tuple[float, int]]:
        counts: dict[float, int] = {}
        for t in self._times:
            start = t - t % bucket_s
            counts[start] = counts.get(start, 0) + 1
        return sorted(counts.items())

    def health(self) -> FeedHealth:
        return self._health.copy()

    # ------------------------------------------------------------------ stream
    def _snapshots(self, t: float) -> list[FeedEvent]:
        floor = floor_at(self._events, t)
        return [FeedEvent(feed, 0, Snapshot(t, 0, floor.snapshot(feed))) for feed in self.feeds]

    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        loop = asyncio.get_running_loop()
        self._health.connected = True
        i = 0
        while not stop.is_set():
            with self._lock:
                seek, self._seek_to = self._seek_to, None
            if seek is not None:
                i = bisect.bisect_right(self._times, seek)
                for item in self._snapshots(seek):
                    yield item
                continue  # a seek asked meanwhile wins over what follows this one
            with self._lock:
                paused, speed = self.paused, self.speed
                if not paused and self._anchor is None:
                    self._anchor = (loop.time(), self.position_t)
                anchor = self._anchor
            if paused or i >= len(self._events) or anchor is None:
                await asyncio.sleep(POLL_S)
                continue
            reach = math.inf if math.isinf(speed) else \
                anchor[1] + (loop.time() - anchor[0]) * speed
            reach = min(reach, self.end_t)
            while i < len(self._events) and self._times[i] <= reach:
                feed, event = self._events[i]
                i += 1
                self._health.events += 1
                yield FeedEvent(feed, i, event)
                if self._seek_to is not None:  # the next item after a seek is its snapshot
                    break
            else:
                with self._lock:
                    if self._seek_to is None:
                        self.position_t = max(self.position_t, reach)
            await asyncio.sleep(POLL_S)
