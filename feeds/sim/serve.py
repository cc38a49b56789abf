"""The simulator behind a real websocket feed server, in real or accelerated time.

Wall time enters only here, to pace the simulation; the events themselves
carry simulated time, so the engine stays deterministic. The server accepts
supervisor commands (`reassign`) and applies them at the simulation's current time.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from collections.abc import Callable

from feeds.server import FeedServer
from monitor.events import Heartbeat

from .commands import command_handler
from .config import SimConfig
from .simulator import Simulation
from .truth import TruthCounter

TICK_S = 0.1
WARMUP_STEP_S = 10.0


class SimulationFeed:
    """A Simulation publishing into a FeedServer, paced against the loop clock.

    With `commands` (the default) it installs itself as the server's command handler,
    so supervisors can reassign the simulated agents. With `truth`, the simulation
    counts its contacts by entry interval there (`floorwatch sim --truth`).
    """

    def __init__(self, config: SimConfig, server: FeedServer, speed: float = 1.0,
                 commands: bool = True, truth: TruthCounter | None = None) -> None:
        self.sim = Simulation(config, truth)
        self.server = server
        self.speed = speed
        if commands:
            server.command_handler = command_handler(self.sim, server.publish)

    def warm_up(self, seconds: float) -> None:
        """Run `seconds` of simulated time at once, so clients join a floor in motion."""
        self.server.publish(self.sim.setup_events())
        end = self.sim.now + seconds
        t = self.sim.now
        while t < end:
            t = min(end, t + WARMUP_STEP_S)
            self.server.publish(self.sim.run_until(t))
            self.server.publish([Heartbeat(t)])

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        wall0, sim0 = loop.time(), self.sim.now
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), TICK_S)
            target = sim0 + (loop.time() - wall0) * self.speed
            events = self.sim.run_until(target)
            events.append(Heartbeat(target))  # keeps clocks moving when nothing happens
            self.server.publish(events)


async def serve_simulation(
    config: SimConfig,
    host: str = "127.0.0.1",
    port: int = 0,
    speed: float = 1.0,
    warmup_s: float = 3600.0,
    tokens: dict[str, str] | None = None,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[int], None] | None = None,
    commands: bool = True,
    tls: ssl.SSLContext | None = None,
    truth: TruthCounter | None = None,
) -> None:
    """Serve a simulated floor until `stop` is set; `on_ready(port)` once listening.

    `tokens` maps token -> role (viewer | supervisor); None admits everyone as supervisor.
    With `commands`, supervisors may send `reassign` commands. With `truth`, the
    simulation counts its contacts there by entry interval (warm-up included).
    """
    stop = stop or asyncio.Event()
    # One channel stands for one platform: say which in the feed id the status bar shows.
    feed_id = "sim" if len(config.channels) > 1 else f"sim-{config.channels[0]}"
    server = FeedServer(feed_id=feed_id, host=host, port=port, tokens=tokens, tls=tls)
    feed = SimulationFeed(config, server, speed, commands=commands, truth=truth)
    feed.warm_up(warmup_s)
    bound = await server.start()
    if on_ready is not None:
        on_ready(bound)
    try:
        await feed.run(stop)
    finally:
        await server.stop()


class SimulationThread:
    """Runs `serve_simulation` on its own thread and loop (for `floorwatch demo`)."""

    def __init__(self, config: SimConfig, speed: float = 1.0, warmup_s: float = 3600.0,
                 tokens: dict[str, str] | None = None, commands: bool = True) -> None:
        self._args = (config, speed, warmup_s, tokens, commands)
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.error: BaseException | None = None

    def start(self, timeout: float = 120.0) -> int:
        """Start and wait until the server listens; returns its port."""
        self._thread = threading.Thread(target=self._run, name="floorwatch-sim", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or self.error is not None:
            raise RuntimeError(f"simulator did not start: {self.error!r}")
        return self.port

    def _run(self) -> None:
        config, speed, warmup_s, tokens, commands = self._args

        def ready(port: int) -> None:
            self.port = port
            self._ready.set()

        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            await serve_simulation(config, speed=speed, warmup_s=warmup_s, tokens=tokens,
                                   stop=self._stop, on_ready=ready, commands=commands)

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported to start(); the thread must not die silently
            self.error = exc
            self._ready.set()

    def stop(self, timeout: float = 5.0) -> None:
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout)
