"""A source running in a test: its events applied to a real Floor as they come (no hub,
no Qt), with waits on what the floor shows. Shared by the platform sources' tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from feeds.source import FeedEvent, Source
from monitor.events import Snapshot
from monitor.floor import Floor


class SourceRun:
    """Start `source` on the running loop; `items` are its events, `floor` their floor."""

    wait_s = 3.0  # how long `until` waits by default

    def __init__(self, source: Source) -> None:
        self.source = source
        self.floor = Floor()
        self.items: list[FeedEvent] = []
        self.stop = asyncio.Event()
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        async for item in self.source.events(self.stop):
            self.items.append(item)
            self.floor.apply(item.event, item.feed)

    async def until(self, check: Callable[[], bool], timeout: float | None = None) -> None:
        async def wait() -> None:
            while not check():
                await asyncio.sleep(0.01)

        await asyncio.wait_for(wait(), timeout or self.wait_s)

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 3.0)

    def snapshots(self) -> int:
        return sum(isinstance(i.event, Snapshot) for i in self.items)
