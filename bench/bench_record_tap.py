"""What recording costs the window's tick: the recorder tap per event, and the switch at
midnight.

The tap (`feeds.store.recording_files.LiveRecorder`) runs on the GUI thread inside the
tick: it only queues each drained event; the recorder's thread packs and commits them
(every 0.25 s). Input: a seeded simulator run, drained as the tick would at a steady
rate (20 batches a second), so the writer works alongside as it does in the window and
the tap's time includes waiting for the GIL the writer holds. Figures: the tap's time
per event (mean and the 99th percentile tick), the floor's own apply time per event
for scale, the whole process's CPU per event recorded, and the cost of starting a
new day's file (a snapshot of the floor per feed) at 2,000 agents.

`--smoke`: 2 s at a lower rate (a few seconds in all).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import describe  # noqa: E402
from feeds.sim import SimConfig, Simulation  # noqa: E402
from feeds.source import FeedEvent  # noqa: E402
from feeds.store.recording_files import LiveRecorder, RecordingPlan  # noqa: E402
from monitor.floor import Floor  # noqa: E402

FEED = "ws://127.0.0.1:8765/"
TICK_S = 0.05


def make_items(agents: int, minutes: float) -> list[FeedEvent]:
    sim = Simulation(SimConfig(agents=agents, seed=7))
    events = sim.setup_events() + sim.run_until(sim.now + minutes * 60)
    return [FeedEvent(FEED, i + 1, e) for i, e in enumerate(events)]


def paced(items: list[FeedEvent], rate: float, folder: Path) -> None:
    """Drain `rate` events a second in 20 ticks a second; time the tap and the apply."""
    per_tick = max(1, int(rate * TICK_S))
    floor = Floor()
    live = LiveRecorder(RecordingPlan(file=folder / "paced.db"), [FEED], floor=floor,
                        runs={FEED: lambda: "bench"})
    tap_ticks: list[float] = []
    apply_s = 0.0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    next_tick = wall0
    for start in range(0, len(items), per_tick):
        batch = items[start:start + per_tick]
        t0 = time.perf_counter()
        live(batch)
        t1 = time.perf_counter()
        for item in batch:
            floor.apply(item.event, item.feed)
        apply_s += time.perf_counter() - t1
        tap_ticks.append((t1 - t0) / len(batch))
        next_tick += TICK_S
        time.sleep(max(0.0, next_tick - time.perf_counter()))
    live.close()  # the writer's last commit counts too
    cpu = time.process_time() - cpu0
    n = len(items)
    tap_mean = statistics.fmean(tap_ticks)
    tap_p99 = statistics.quantiles(tap_ticks, n=100)[98]
    print(f"{n:,} events at {rate:,.0f} events/s ({per_tick} a tick), "
          f"{time.perf_counter() - wall0:.1f} s; recorded {live.recorder.written:,}, "
          f"dropped {live.dropped}")
    print(f"  tap (GUI thread): {tap_mean * 1e6:.2f} us/event mean, "
          f"{tap_p99 * 1e6:.2f} us/event in the 99th-percentile tick "
          f"({tap_p99 * per_tick * 1e3:.2f} ms a tick)")
    print(f"  floor.apply for scale: {apply_s / n * 1e6:.2f} us/event")
    print(f"  whole process CPU (tap + apply + writer thread): {cpu / n * 1e6:.2f} us/event")


def switch_cost(folder: Path, agents: int) -> None:
    """Starting the next day's file: the floor's snapshot per feed, queued."""
    items = make_items(agents, 10)
    floor = Floor()
    for item in items:
        floor.apply(item.event, item.feed)
    clock = [time.time()]
    live = LiveRecorder(RecordingPlan(folder=folder), [FEED], floor=floor,
                        clock=lambda: clock[0])
    live(items[-1:])
    clock[0] = live._switch_at + 1  # past midnight
    t0 = time.perf_counter()
    live([])
    took = time.perf_counter() - t0
    live.close()
    print(f"midnight switch at {agents:,} agents (GUI thread, once a day): {took * 1e3:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="a few seconds")
    smoke = ap.parse_args().smoke
    print(describe())
    agents, minutes, rates = (200, 10, [1000.0]) if smoke else (2000, 30, [2000.0, 10000.0])
    items = make_items(agents, minutes)
    with tempfile.TemporaryDirectory() as tmp:
        for rate in rates:
            n = int(rate * (2 if smoke else 8))
            paced(items[:n], rate, Path(tmp))
        switch_cost(Path(tmp) / "days", 200 if smoke else 2000)


if __name__ == "__main__":
    main()
