"""A replay's seeks as the window sees them: where the old stream ends and the new begins.

A seek asks the replay source (`feeds.sources.replay.ReplaySource`) for the state at t;
its next events are one snapshot per feed, then the events after t. But the events it
gave before the seek are still on their way: in the hub's batch being gathered and in
the hand-off (up to 200,000 at "as fast as possible"). Applied to the floor after the
seek they would be the past of another moment. So:

- `SeekMarks` wraps the source, runs each seek on the hub's own loop (between two of
  the source's items) and puts a `SeekMark` in the stream just before the seek's first
  snapshot (the first item stated at exactly the seek's time): everything before the
  mark is from before the seek (or from an earlier seek still under way when a later
  one came), everything after it from after;
- `SeekFilter` stands for the hub in the tick: after a seek it drops what is drained
  until that seek's mark, then hands the new floor to `on_seek` (a fresh floor and
  alert engine: see `ui.replay_bar`) and the snapshots after the mark, prepared for it.

Qt-free: the hub and the tick call it, the tests drive it without a window.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from feeds.health import FeedHealth
from feeds.source import FeedEvent, Source
from monitor.events import Snapshot
from monitor.floor import Floor


@dataclass(slots=True)
class ReplaySetup:
    """What the floor window needs to replay: the marked source, the speed it starts
    at (recorded seconds per second; inf: as fast as possible) and where it stops."""

    marks: SeekMarks
    speed: float = 1.0
    end_t: float | None = None


class SeekMark:
    """Not an event: the point in a replay's stream where seek number `gen` (to `t`)
    took effect. `SeekFilter` takes every mark out before the floor could see it."""

    __slots__ = ("gen", "t")

    def __init__(self, gen: int, t: float) -> None:
        self.gen, self.t = gen, t

    def __repr__(self) -> str:
        return f"SeekMark(gen={self.gen}, t={self.t})"


class SeekMarks(Source):
    """A replay source whose seeks are marked in its stream (see the module docstring).

    Everything but `seek` is the replay's own: the bar reads and drives `replay`
    (play, pause, speed, position, span, busy periods) directly.
    """

    accepts_commands = False  # a recording takes no commands, whatever it recorded
    waits_when_full = True

    def __init__(self, replay: Any) -> None:
        self.replay = replay
        self.key: str = getattr(replay, "key", "") or "replay"
        self.requested = 0  # seeks asked for (the GUI thread's count)
        self.target: float | None = None  # where the last seek asked for goes
        self._done = 0  # the latest seek carried out (on the source's loop) and its time
        self._done_t = 0.0
        self._marked = 0  # the latest seek marked in the stream
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        if callable(getattr(replay, "batches", None)):  # the hub reads lists if it can
            self.batches = self._batches

    # ------------------------------------------------------------------ stream
    def _mark_before(self, item: FeedEvent) -> FeedEvent | None:
        """The mark to put before `item` if it is the first snapshot of the latest seek
        carried out (a snapshot at exactly the seek's time: what the source gives first
        after a seek). Snapshots of an earlier seek the source was still making, and
        anything else, pass unmarked: the filter drops them."""
        event = item.event
        if type(event) is Snapshot and event.t == self._done_t:
            self._marked = self._done
            return FeedEvent(self.key, 0, SeekMark(self._done, self._done_t))  # type: ignore[arg-type]
        return None

    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        self._loop = asyncio.get_running_loop()
        self._seek_again()
        async for item in self.replay.events(stop):
            # Read on this loop, where seeks are carried out: no seek lands between the
            # item's arrival and this check.
            if self._marked != self._done:
                mark = self._mark_before(item)
                if mark is not None:
                    yield mark
            yield item

    async def _batches(self, stop: asyncio.Event) -> AsyncIterator[list[FeedEvent]]:
        self._loop = asyncio.get_running_loop()
        self._seek_again()
        async for batch in self.replay.batches(stop):
            if self._marked != self._done:
                for i, item in enumerate(batch):
                    mark = self._mark_before(item)
                    if mark is not None:
                        batch = [*batch[:i], mark, *batch[i:]]
                        break
            yield batch

    def _seek_again(self) -> None:
        """A source restarted (after a failure) may have lost the seek it was making."""
        with self._lock:
            if self._marked != self._done:
                self.replay.seek(self._done_t)

    # ------------------------------------------------------------------ seeking
    def seek(self, t: float) -> int:
        """Ask for the state at t (from any thread); returns the seek's number, which its
        mark carries. Carried out on the source's loop, so that no item is half-way."""
        with self._lock:
            self.requested += 1
            gen = self.requested
            self.target = t
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: do it here
                loop.call_soon_threadsafe(self._seek_now, gen, t)
                return gen
        self._seek_now(gen, t)
        return gen

    def _seek_now(self, gen: int, t: float) -> None:
        with self._lock:
            if gen < self._done:  # a later seek was carried out already
                return
            end_t = getattr(self.replay, "end_t", None)
            self.replay.seek(t)
            # The source states its snapshots at the time it went to: t, or its end.
            self._done, self._done_t = gen, t if end_t is None else min(t, end_t)

    # ------------------------------------------------------------------ health
    def health(self) -> FeedHealth:
        return self.replay.health()

    @property
    def role(self) -> str:
        return ""  # no role: the window shows no reassignment controls


class SeekFilter:
    """The hub as the tick drains it during a replay: nothing from before a seek gets
    through once it is asked for; its snapshots reach a new floor (`on_seek`).

    Any other attribute is the hub's (`health`, `pending`, `sources`, `stop` …).
    """

    def __init__(self, hub: Any, marks: SeekMarks, on_seek: Callable[[float], Floor]) -> None:
        self.hub, self.marks, self.on_seek = hub, marks, on_seek
        self.awaiting = 0  # the seek whose mark we wait for (0: none)
        self.dropped = 0  # events dropped as stale, all seeks together
        self._carry: list[FeedEvent] = []  # drained after a mark, handed out next

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hub, name)

    def seek(self, t: float) -> None:
        """Seek the replay to t; nothing drained from now on before its mark is applied."""
        self.awaiting = self.marks.seek(t)

    def drain(self, max_events: int = 100_000) -> list[FeedEvent]:
        carry = self._carry
        if carry:
            items, self._carry = carry[:max_events], carry[max_events:]
            if len(items) < max_events:
                items += self.hub.drain(max_events - len(items))
        else:
            items = self.hub.drain(max_events)
        if not self.marks.requested:  # no seek yet, so no marks: the common case
            return items
        if not self.awaiting:
            return [item for item in items if type(item.event) is not SeekMark]
        for i, item in enumerate(items):
            event = item.event
            if type(event) is SeekMark and event.gen == self.awaiting:
                self.dropped += sum(type(x.event) is not SeekMark for x in items[:i])
                self.awaiting = 0
                return self._start_over(event.t, items[i + 1:])
        self.dropped += sum(type(x.event) is not SeekMark for x in items)
        return []

    def _start_over(self, t: float, after: list[FeedEvent]) -> list[FeedEvent]:
        """A new floor for the seek's snapshots. They are handed out now, prepared for
        it (so the tick installs them at once, whatever gate it holds this tick); the
        events after them next tick, when the tick's gate is the new floor's."""
        floor = self.on_seek(t)
        after = [item for item in after if type(item.event) is not SeekMark]
        n = 0
        while n < len(after) and type(after[n].event) is Snapshot:
            n += 1
        out = []
        for item in after[:n]:
            snap: Snapshot = item.event  # type: ignore[assignment]
            if snap.prepared is None or not floor.can_install(snap.prepared, item.feed):
                snap = snap.with_prepared(floor.prepare_snapshot(snap.state, item.feed))
            out.append(FeedEvent(item.feed, item.seq, snap))
        self._carry = after[n:] + self._carry
        return out
