"""A websocket feed whose events each say which server run they came from.

A feed's sequence numbers, and the contact ids a simulator or a platform hands out,
only mean something within one run of its server: a restarted feed numbers from 1
again and may reuse contact ids. The protocol names the run in `welcome` (`epoch`).
A recorder keeps it with every event, so a report can tell a restarted feed's
contacts apart (`feeds.store.recording`).

The epoch is read when the wrapped source yields the event: its welcome has been
taken by then and no later frame yet, so the stamp is exact even when the feed
restarts again before anyone drains the hand-off.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from ..health import FeedHealth
from ..source import FeedEvent, Source
from .websocket import WebsocketSource


@dataclass(frozen=True, slots=True)
class RunFeedEvent(FeedEvent):
    """A FeedEvent with the server run (`epoch`, "" if the server named none) it belongs to."""

    epoch: str = ""


class RunStamped(Source):
    """Wraps a `WebsocketSource` (in this process: a feed received in a child process,
    `feeds.sources.process`, keeps its epoch there): the same events, each a
    `RunFeedEvent`."""

    def __init__(self, inner: WebsocketSource) -> None:
        self.inner = inner
        self.key = inner.key
        self.accepts_commands = inner.accepts_commands
        self.waits_when_full = inner.waits_when_full

    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        inner = self.inner
        async for item in inner.events(stop):
            yield RunFeedEvent(item.feed, item.seq, item.event, inner.sequencer.epoch)

    def health(self) -> FeedHealth:
        return self.inner.health()

    @property
    def role(self) -> str:
        return self.inner.role

    @property
    def last_seq(self) -> int:
        return self.inner.last_seq

    async def send(self, data: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        return await self.inner.send(data, timeout)

    def overflowed(self, item: FeedEvent) -> None:
        self.inner.overflowed(item)
