"""Seeks in a replay's stream, without a window: the mark goes right before the seek's
first snapshot, and the filter drops everything drained before it (what the source gave
before the seek, still in the hub), then hands the snapshots, prepared, to a new floor."""

from __future__ import annotations

import asyncio

from feeds.health import FeedHealth
from feeds.source import FeedEvent
from monitor.events import Heartbeat, Snapshot
from monitor.floor import Floor
from tests.ui.fake_replay import floor_at, simulated_day
from ui.replay_feed import SeekFilter, SeekMark, SeekMarks

FEED = "ws://fake-floor"


class Scripted:
    """A replay source whose items and seeks the test controls step by step."""

    key = "replay:scripted"
    end_t = None

    def __init__(self) -> None:
        self.queue: asyncio.Queue[FeedEvent] | None = None
        self.sought: list[float] = []

    def seek(self, t: float) -> None:
        self.sought.append(t)

    def health(self) -> FeedHealth:
        return FeedHealth(url=self.key)

    async def events(self, stop: asyncio.Event):
        self.queue = asyncio.Queue()
        while True:
            item = await self.queue.get()
            if item is None:
                return
            yield item


def _beat(t: float) -> FeedEvent:
    return FeedEvent(FEED, 1, Heartbeat(t))


def _snap(t: float, state: dict | None = None) -> FeedEvent:
    return FeedEvent(FEED, 0, Snapshot(t, 0, state or {}))


def test_the_mark_goes_before_the_first_snapshot_of_the_latest_seek():
    source = Scripted()
    marks = SeekMarks(source)
    got: list[FeedEvent] = []

    async def run() -> None:
        stop = asyncio.Event()
        stream = marks.events(stop)
        reader = asyncio.ensure_future(_collect(stream, got))
        await asyncio.sleep(0)
        q = source.queue
        await q.put(_beat(1.0))
        await asyncio.sleep(0.01)
        marks.seek(50.0)  # carried out on this loop, between two items
        marks.seek(20.0)  # a second seek before the source got to the first
        await asyncio.sleep(0.01)
        # What the source gave before the seeks, then the first seek's snapshot (it was
        # under way), then the second's, then what follows it.
        for item in (_beat(2.0), _snap(50.0), _beat(51.0), _snap(20.0), _beat(21.0), None):
            await q.put(item)
        await reader

    asyncio.run(run())
    assert source.sought == [50.0, 20.0]
    kinds = [(type(i.event).__name__, i.event.t) for i in got]
    assert kinds == [("Heartbeat", 1.0), ("Heartbeat", 2.0), ("Snapshot", 50.0),
                     ("Heartbeat", 51.0), ("SeekMark", 20.0), ("Snapshot", 20.0),
                     ("Heartbeat", 21.0)]
    assert got[4].event.gen == 2


async def _collect(stream, into: list) -> None:
    async for item in stream:
        into.append(item)


class Hub:
    def __init__(self, batches: list[list[FeedEvent]]) -> None:
        self.batches = batches

    def drain(self, max_events: int = 100_000) -> list[FeedEvent]:
        return self.batches.pop(0) if self.batches else []

    def health(self) -> list[FeedHealth]:
        return []


class Marks:
    """SeekMarks' side the filter reads: how many seeks were asked, and asking one."""

    def __init__(self) -> None:
        self.requested = 0

    def seek(self, t: float) -> int:
        self.requested += 1
        return self.requested


def _mark(gen: int, t: float) -> FeedEvent:
    return FeedEvent("replay", 0, SeekMark(gen, t))  # type: ignore[arg-type]


def test_the_filter_drops_what_came_before_the_seek_and_starts_a_new_floor():
    day = simulated_day(agents=10, minutes=20, feed=FEED)
    t = day[0][1].t + 600
    state = floor_at(day, t).snapshot(FEED)
    stale = [_beat(t + 500 + i) for i in range(5)]  # played past t before the seek back
    hub = Hub([
        [_beat(t + 400)],  # before any seek: passes
        stale[:3],  # the seek is asked: all of this is stale
        [*stale[3:], _mark(1, 300.0), _snap(300.0, {}), _mark(2, t), _snap(t, state),
         _beat(t + 1), _beat(t + 2)],
        [_beat(t + 3)],
    ])
    floors: list[tuple[float, Floor]] = []

    def on_seek(at: float) -> Floor:
        floor = Floor()
        floors.append((at, floor))
        return floor

    marks = Marks()
    seeks = SeekFilter(hub, marks, on_seek)  # type: ignore[arg-type]
    assert [i.event.t for i in seeks.drain()] == [t + 400]
    seeks.seek(300.0)
    seeks.seek(t)  # the latest wins: the first seek's mark and snapshot are stale too
    assert seeks.drain() == []
    out = seeks.drain()
    assert [at for at, _ in floors] == [t]
    # Only the seek's snapshot, prepared for the new floor, so any gate passes it through.
    [snap] = out
    assert snap.event.t == t and snap.event.prepared is not None
    assert floors[0][1].can_install(snap.event.prepared, FEED)
    assert seeks.dropped == 6  # five stale heartbeats and the first seek's snapshot
    # The events after it, next drain (the tick's gate is then the new floor's).
    assert [i.event.t for i in seeks.drain()] == [t + 1, t + 2, t + 3]
    floor = floors[0][1]
    floor.apply(snap.event, FEED)
    assert floor.now == t and set(floor.agents) == set(floor_at(day, t).agents)
    assert seeks.health() == []  # anything else is the hub's
