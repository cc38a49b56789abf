"""Snapshots built across ticks, and each feed's events held behind its own snapshot.

A feed's snapshot replaces everything the floor holds of that feed, and its events
after it are meant for the state it states, so none of them may be applied before it
is installed. Building a snapshot's records takes longer than a tick may (see
`monitor.snapshot_build`), so the tick hands each unprepared snapshot to a
`SnapshotGate`, which builds it a budget at a time (`step`) and holds that feed's
later events, in order, until it is installed. Other feeds' events are not held: the
tick applies them as ever. `release` gives, in order, what may be applied now: a
snapshot whose build is done (carrying its `prepared` records, so `Floor.apply` only
installs it), then the events held behind it, within the tick's event budget. A
feed stays held until everything held of it is released, so its next events queue
behind the ones still held.

Rules:
- A newer snapshot of a held feed replaces the build (the newer wins) and drops the
  events held before it: it states everything up to its own sequence number
  (counted in `superseded_events` and `superseded_snapshots`).
- A snapshot already built by its source (`Snapshot.prepared`, installable here)
  passes straight through, dropping what was held of its feed for the same reason.
- A refused state (`problem`) is released like a built one: `Floor.apply` refuses it
  as ever (counted `bad_snapshot`, the feed's state kept); the held events follow.
- Bounded: once `held` reaches `hold_limit` the gate is `full` and the tick stops
  draining the hand-off until builds finish (each tick builds, so they do); the
  hand-off's own bound then applies its overload rule (a live feed drops and resyncs,
  a file or simulator waits). In practice a build takes a few ticks, far from it.

While a feed is held, `waited_s(feed)` says for how long (on the caller's clock):
its health shows it as behind by at least that much.

Qt-free; the clock is the caller's (`time.perf_counter` in the GUI, a counter in tests).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .events import Event, Snapshot
from .snapshot import BUILD_CHUNK, PreparedSnapshot
from .snapshot_build import SnapshotBuild
from .snapshot_check import CHECK_CHUNK

if TYPE_CHECKING:  # floor.py imports the snapshot modules; the type is only for hints
    from .floor import Floor

HOLD_LIMIT = 200_000  # events held at most, all feeds together (the hand-off's size)


@dataclass(slots=True, eq=False)
class _Hold:
    """One held feed: its snapshot (until released) and the events after it, in order."""

    snapshot: Snapshot | None
    build: SnapshotBuild | None
    since: float  # on the gate's clock, when the feed was first held
    prepared: PreparedSnapshot | None = None  # the build's result, until released
    events: deque[Event] = field(default_factory=deque)


class SnapshotGate:
    """Builds unprepared snapshots a budget at a time; holds their feeds' events."""

    def __init__(
        self,
        floor: Floor,
        clock: Callable[[], float],
        hold_limit: int = HOLD_LIMIT,
        chunk: int = BUILD_CHUNK,
        check_chunk: int = CHECK_CHUNK,
    ) -> None:
        self.floor, self.clock = floor, clock
        self.hold_limit = hold_limit
        self.chunk, self.check_chunk = chunk, check_chunk  # pieces' sizes (tests: small)
        self._holds: dict[str, _Hold] = {}  # by feed, in the order they were held
        self.held = 0  # events held, all feeds
        self.superseded_events = 0
        self.superseded_snapshots = 0
        self.builds = 0  # snapshots built here
        self.build_steps = 0  # steps those builds took, all together

    # ---------------------------------------------------------------- in
    def route(self, feed: str, event: Event) -> bool:
        """Take `event` of `feed` if it must wait (True); False: apply it now."""
        hold = self._holds.get(feed)
        if type(event) is not Snapshot:
            if hold is None:
                return False
            hold.events.append(event)
            self.held += 1
            return True
        prepared = event.prepared
        installable = prepared is not None and self.floor.can_install(prepared, feed)
        if hold is not None:
            self._drop(feed, hold)
        if installable and prepared.state is None:  # built (or refused) by its source
            return False
        floor = self.floor
        build = SnapshotBuild(
            event.state,
            feed,
            floor.max_queues_per_feed,
            floor.max_agents_per_feed,
            windows=(floor.window_min,),
            checked=prepared if installable else None,
            chunk=self.chunk,
            check_chunk=self.check_chunk,
        )
        self._holds[feed] = _Hold(event, build, self.clock())
        return True

    def _drop(self, feed: str, hold: _Hold) -> None:
        """Forget what was held of `feed`: a newer snapshot states it all."""
        del self._holds[feed]
        self.held -= len(hold.events)
        self.superseded_events += len(hold.events)
        if hold.snapshot is not None:
            self.superseded_snapshots += 1

    # ------------------------------------------------------------- work
    def step(self, budget_s: float) -> int:
        """Build for at most about `budget_s` (overrunning by one piece at most), the
        feeds held longest first. Returns the pieces of work done: at least one while
        anything is building (so every build ends, whatever the clock)."""
        clock = self.clock
        start: float | None = None
        pieces = 0
        for hold in self._holds.values():
            build = hold.build
            if build is None:
                continue
            if start is None:  # the first build gets the whole budget
                start, left = clock(), budget_s
            else:
                left = budget_s - (clock() - start)
                if left <= 0:
                    break
            before = build.pieces
            prepared = build.step(left, clock)
            pieces += build.pieces - before
            if prepared is not None:
                hold.prepared, hold.build = prepared, None
                self.builds += 1
                self.build_steps += build.steps
        return pieces

    # --------------------------------------------------------------- out
    def release(self, max_items: int) -> list[tuple[str, Event]]:
        """At most `max_items` (feed, event) pairs to apply now, in order per feed: a
        built snapshot (carrying its records), then the events held behind it. One
        snapshot per call at most (an install costs 12-22 ms at 5,000 agents): another
        feed's built one waits for the next call."""
        out: list[tuple[str, Event]] = []
        snapshots = 0
        for feed, hold in list(self._holds.items()):
            room = max_items - len(out)
            if room <= 0:
                break
            if hold.snapshot is not None:
                if hold.prepared is None or snapshots:
                    continue  # still building, or one install is this call's share
                snapshots += 1
                out.append((feed, hold.snapshot.with_prepared(hold.prepared)))
                hold.snapshot = hold.prepared = None
                room -= 1
            events = hold.events
            n = min(room, len(events))
            if n:
                popleft = events.popleft
                out += [(feed, popleft()) for _ in range(n)]
                self.held -= n
            if not events:
                del self._holds[feed]
        return out

    # ------------------------------------------------------------ state
    @property
    def full(self) -> bool:
        """Held as many events as allowed: take no more until builds finish."""
        return self.held >= self.hold_limit

    @property
    def feeds(self) -> list[str]:
        """Feeds held now, held longest first."""
        return list(self._holds)

    def building(self, feed: str) -> bool:
        """Whether a snapshot of `feed` is waiting for its build or its install."""
        hold = self._holds.get(feed)
        return hold is not None and hold.snapshot is not None

    def held_of(self, feed: str) -> int:
        """Events of `feed` held now."""
        hold = self._holds.get(feed)
        return 0 if hold is None else len(hold.events)

    def waited_s(self, feed: str) -> float:
        """How long `feed` has been held (0 when it is not), on the gate's clock."""
        hold = self._holds.get(feed)
        return 0.0 if hold is None else max(0.0, self.clock() - hold.since)
