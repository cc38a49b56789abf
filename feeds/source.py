"""The one contract every source of events meets: websocket feed, simulator, file import.

A source runs on the hub's asyncio loop (never on the GUI thread). It yields
`FeedEvent`s until it is stopped or has nothing more (a file at its end); it
keeps its own `FeedHealth`; and it says whether it takes commands. The hub
(`feeds.hub.FeedHub`) drains any mix of sources through one bounded hand-off,
so the engine and the UI never know which kind of source fed them.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from monitor.events import Event

from .health import FeedHealth


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One canonical event as it leaves a source.

    `feed` is the source's key (the floor stamps it on the queues and agents the
    event creates, which is how a command finds its feed again); `seq` is the
    feed's sequence number, 0 when the source does not number its events; for
    a snapshot, the last number it includes.
    """

    feed: str
    seq: int
    event: Event


class CommandsNotAccepted(RuntimeError):
    """This source takes no commands (a recording, a log file, a read-only feed)."""


class Source(ABC):
    """A source of canonical events for one feed key."""

    #: unique within a hub; for a websocket feed, its URL
    key: str
    #: whether `send` can carry out commands at all (the granted role decides the rest)
    accepts_commands: bool = False
    #: True for sources that can simply pause (a file, an in-process simulator): when the
    #: hand-off is full the hub waits for room instead of dropping and calling `overflowed`
    waits_when_full: bool = False

    @abstractmethod
    def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        """Start, then yield events in order until `stop` is set or the source ends.

        Returning means the source has stopped and released what it held
        (sockets, files). It must not raise for bad input: count it in health.
        """

    @abstractmethod
    def health(self) -> FeedHealth:
        """A copy of the source's health record, safe to read from another thread."""

    @property
    def role(self) -> str:
        """The role the source granted us ('' until known); see `monitor.commands.Role`."""
        return ""

    async def send(self, data: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Carry out one command and return its `command.result` data."""
        raise CommandsNotAccepted(f"{self.key} takes no commands")

    def overflowed(self, item: FeedEvent) -> None:  # noqa: B027 - optional hook
        """The hub could not take `item` (the engine is behind) and dropped it.

        Only called when `waits_when_full` is False: a live feed cannot pause, so
        it resyncs from a snapshot instead.
        """
