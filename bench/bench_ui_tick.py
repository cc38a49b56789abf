"""Cost of one UI tick at 10,000 agents: apply the tick's events, refresh every panel,
and let Qt paint (offscreen). Prints mean and 95th-percentile milliseconds per tick.

`--smoke`: 300 agents and 10 ticks per speed, a second or two (the CI smoke run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.machine import describe  # noqa: E402
from feeds.sim import SimConfig, Simulation  # noqa: E402
from feeds.source import FeedEvent  # noqa: E402
from monitor.floor import Floor  # noqa: E402
from ui.floor_window import FloorWindow  # noqa: E402
from ui.tick import FloorTicker  # noqa: E402

AGENTS = 10_000
TICKS = 100
SMOKE_AGENTS, SMOKE_TICKS = 300, 10


class PreparedHub:
    """Stands in for the network: hands over one tick's worth of simulator events."""

    def __init__(self) -> None:
        self.batch: list = []

    def drain(self, max_events: int) -> list:
        batch, self.batch = self.batch, []
        return [FeedEvent("sim", 0, e) for e in batch]

    def health(self) -> list:
        return []


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help=f"{SMOKE_AGENTS} agents, {SMOKE_TICKS} ticks per speed (CI smoke run)")
    smoke = ap.parse_args().smoke
    agents, ticks = (SMOKE_AGENTS, SMOKE_TICKS) if smoke else (AGENTS, TICKS)
    app = QApplication.instance() or QApplication([])
    sim = Simulation(SimConfig(agents=agents, seed=5))
    floor = Floor()
    for event in sim.setup_events() + sim.run_until(sim.now + 600):
        floor.apply(event)
    hub = PreparedHub()
    window = FloorWindow(floor)
    window.resize(1600, 1000)
    window.show()
    ticker = FloorTicker(floor, hub, [window])
    ticker.tick()
    app.processEvents()

    for speed in (1, 10):
        costs, events = [], 0
        for _ in range(ticks):
            hub.batch = sim.run_until(sim.now + 0.1 * speed)
            events += len(hub.batch)
            start = time.perf_counter()
            ticker.tick()
            app.processEvents()  # the repaint the tick caused
            costs.append((time.perf_counter() - start) * 1000)
        costs.sort()
        print(f"{agents:,} agents, sim at {speed}x real time ({events / ticks:,.0f} events/tick): "
              f"tick mean {statistics.mean(costs):.1f} ms, p95 {costs[int(0.95 * ticks)]:.1f} ms")
    print(f"machine: {describe()}")
    window.close()


if __name__ == "__main__":
    main()
