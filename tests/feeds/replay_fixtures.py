"""Recordings for the replay tests: a seeded simulated floor through the real Recorder,
and the oracle a replay is checked against (the rows played from the start)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from feeds.sim import SimConfig, Simulation
from feeds.source import FeedEvent
from feeds.sources.replay import ReplaySource
from feeds.store.recording import Recorder, read_rows
from monitor import views
from monitor.events import Event, Heartbeat
from monitor.floor import WINDOW_INTERVAL, WINDOW_TODAY, Floor


def record_sim(path: Path, seconds: float, *, agents: int = 60, seed: int = 3,
               feeds: tuple[str, ...] = ("sim",), checkpoint_s: float | None = None) -> int:
    """Record `seconds` of a simulated floor (a heartbeat a second, as a live feed sends);
    with several feeds, each its own simulation (ids prefixed by the feed). Returns the
    number of events recorded."""
    # Several feeds: platforms of one site, each its own channel (as `sim --channel`).
    channels = [("hotline",), ("online",)] if len(feeds) > 1 else [("hotline", "online")]
    sims = {feed: Simulation(SimConfig(agents=agents, seed=seed + i, channels=channels[i % 2],
                                       id_prefix=f"{feed}-" if len(feeds) > 1 else ""))
            for i, feed in enumerate(feeds)}
    recorder = Recorder(path, feeds=list(feeds), interval_s=0.02)
    assert recorder.wait_ready(), recorder.error
    if checkpoint_s is not None:
        assert recorder.checkpoints is not None
        recorder.checkpoints.every_s = checkpoint_s
    seqs = dict.fromkeys(feeds, 0)

    def put(feed: str, events: list[Event]) -> None:
        for e in events:
            seqs[feed] += 1
            recorder.record(feed, seqs[feed], e)
        while recorder.pending > recorder.limit // 2:
            time.sleep(0.005)

    for feed, sim in sims.items():
        put(feed, list(sim.setup_events()))
    start = next(iter(sims.values())).now
    t = start
    while t < start + seconds:
        t += 1.0
        for feed, sim in sims.items():
            put(feed, [*sim.run_until(t), Heartbeat(t)])
    recorder.close()
    assert recorder.dropped == 0, recorder.drop_reasons
    return sum(seqs.values())


def play_to(path: Path, t: float, floor: Floor | None = None) -> Floor:
    """The oracle: the recording's rows in order, from the start, up to the first past t."""
    floor = floor if floor is not None else Floor()
    for feed, _seq, _epoch, event in read_rows(path):
        if event.t > t:
            break
        floor.apply(event, feed)
    return floor


def collect(source: ReplaySource, until: Callable[[list[FeedEvent]], bool],
            before: Callable[[], None] | None = None, timeout: float = 30.0) -> list[FeedEvent]:
    """Run the source on a loop of its own until `until(items so far)`; the items."""
    items: list[FeedEvent] = []

    async def take() -> None:
        stop = asyncio.Event()
        if before is not None:
            before()
        async for item in source.events(stop):
            items.append(item)
            if until(items):
                break

    async def main() -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(take(), timeout)

    asyncio.run(main())
    return items


def _same(a: Any, b: Any) -> bool:
    """Equal, NaN equal to NaN (trend service levels), through lists and dicts."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def _unfiled(agents: dict[str, Any]) -> dict[str, Any]:
    """Agents without the feed key they are filed under (a client files them under
    the URL it connected to)."""
    return {k: dataclasses.replace(a, feed="") for k, a in agents.items()}


WINDOWS = (15, 5, WINDOW_INTERVAL, WINDOW_TODAY)


def assert_same_floor(mine: Floor, ref: Floor, feeds: list[str], where: str) -> None:
    """Every feed's state, record and view equal (as a supervisor would see them)."""
    assert mine.now == ref.now, where
    for feed in feeds:
        assert _same(mine.snapshot(feed), ref.snapshot(feed)), f"{where}: {feed}"
    assert sorted(mine.queues) == sorted(ref.queues), where
    assert _unfiled(mine.agents) == _unfiled(ref.agents), where
    assert mine.contacts == ref.contacts, where
    for queue_id in ref.queues:
        for w in WINDOWS:
            assert mine.queue_view(queue_id, w) == ref.queue_view(queue_id, w), \
                f"{where}: {queue_id} {w}"
            assert mine.queue_view(queue_id, w) == views.fresh_queue_view(mine, queue_id, w)
    for channel in ("hotline", "online"):
        for w in WINDOWS:
            assert mine.channel_view(channel, w) == ref.channel_view(channel, w), \
                f"{where}: {channel} {w}"
