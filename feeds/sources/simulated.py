"""The built-in simulator as an in-process source: the same model, no socket.

Used by tests (with a manual clock, so nothing waits on real time) and by
`floorwatch demo --no-server`. It takes `reassign` commands exactly as the
simulator's websocket feed does (`feeds.sim.commands.run_command`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterable
from typing import Any

from monitor.commands import Role
from monitor.events import Event, Heartbeat

from ..health import EventRate, FeedHealth
from ..sim.commands import run_command
from ..sim.config import SimConfig
from ..sim.simulator import Simulation
from ..source import FeedEvent, Source

TICK_S = 0.1
WARMUP_STEP_S = 10.0


class SimulatedSource(Source):
    """A `Simulation` paced by the loop clock (× `speed`), or by `advance` when `manual`."""

    accepts_commands = True
    waits_when_full = True  # nothing is lost by pausing a simulation

    def __init__(self, config: SimConfig, key: str = "sim", speed: float = 1.0,
                 warmup_s: float = 0.0, manual: bool = False,
                 role: str = Role.SUPERVISOR.value) -> None:
        self.key = key
        self.sim = Simulation(config)
        self.speed = speed
        self.warmup_s = warmup_s
        self.manual = manual
        self._role = role
        self._health = FeedHealth(url=f"sim:{key}", feed=key)
        self._seq = 0
        self._outbox: list[Event] = []  # made by commands, sent before the next step
        self._target: float | None = None  # manual clock: run up to this simulated time
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._rate = EventRate()

    @property
    def role(self) -> str:
        return self._role

    @property
    def now(self) -> float:
        return self.sim.now

    # ---------------------------------------------------------------- life
    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._health.connected = True
        try:
            for item in self._number(self.sim.setup_events()):
                yield item
            end = self.sim.now + self.warmup_s
            while self.sim.now < end and not stop.is_set():
                t = min(end, self.sim.now + WARMUP_STEP_S)
                for item in self._number([*self.sim.run_until(t), Heartbeat(t)]):
                    yield item
            wall0, sim0 = self._loop.time(), self.sim.now
            while not stop.is_set():
                waiter = asyncio.ensure_future(self._wake.wait())
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait({waiter, stopper}, timeout=None if self.manual else TICK_S,
                                   return_when=asyncio.FIRST_COMPLETED)
                for task in (waiter, stopper):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                self._wake.clear()
                out, self._outbox = self._outbox, []
                target = self._target if self.manual else (
                    sim0 + (self._loop.time() - wall0) * self.speed)
                if target is not None and target > self.sim.now:
                    out += self.sim.run_until(target)
                    out.append(Heartbeat(target))  # keeps clocks moving when nothing happens
                for item in self._number(out):
                    yield item
        finally:
            self._health.connected = False

    def _number(self, events: Iterable[Event]) -> list[FeedEvent]:
        out = []
        for event in events:
            self._seq += 1
            out.append(FeedEvent(self.key, self._seq, event))
        if out:
            self._health.events += len(out)
            self._rate.seen()
        return out

    def advance(self, seconds: float) -> None:
        """Manual clock: run `seconds` more of simulated time (from any thread)."""
        with self._lock:
            base = self._target if self._target is not None else self.sim.now
            self._target = base + seconds
        self._poke()

    def _poke(self) -> None:
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):  # loop already closed
                self._loop.call_soon_threadsafe(self._wake.set)

    # ------------------------------------------------------------ commands
    async def send(self, data: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Carry out a command between two steps of the simulation, as its feed server does."""
        result = run_command(self.sim, data, self._role, self._outbox.extend)
        self._poke()
        return result

    # -------------------------------------------------------------- health
    def health(self) -> FeedHealth:
        return self._rate.fill(self._health).copy()
