"""Events per second through decode + state, and through the state engine alone.

Input is a seeded simulator run (a realistic mix of calls, chats, messages,
agent states), encoded as protocol v1 msgpack frames; then a synthetic floor of
10,000 agents and 200 queues (bench/bench_views.py's traffic) through the engine.
Each figure is also given as microseconds per event.

`--smoke`: 200 agents for 2 minutes, 6 s of wide traffic, one timing each (the CI
smoke run, a few seconds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_views import AGENTS, RATE, T0, TICK_S, Traffic  # noqa: E402
from bench.machine import best_of, describe  # noqa: E402
from feeds import protocol as p  # noqa: E402
from feeds.sim import SimConfig, Simulation  # noqa: E402
from monitor.floor import Floor  # noqa: E402


def make_events(agents: int = 2000, minutes: int = 30) -> list:
    sim = Simulation(SimConfig(agents=agents, seed=7))
    return sim.setup_events() + sim.run_until(sim.now + minutes * 60)


def make_wide_events(queues: int = 200, minutes: int = 5) -> tuple[list, list]:
    """(setup, traffic) for AGENTS agents over `queues` queues at RATE events/s."""
    traffic = Traffic(queues, AGENTS)
    setup = traffic.setup(T0)
    events, t = [], T0
    for _ in range(int(minutes * 60 / TICK_S)):
        t += TICK_S
        events += traffic.step(t, int(RATE * TICK_S))
    return setup, events


def _rate(label: str, n: int, seconds: float) -> None:
    print(f"{label}: {n / seconds:,.0f} events/s ({seconds / n * 1e6:.2f} us/event)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="a few seconds (the CI smoke run)")
    smoke = ap.parse_args().smoke
    agents, minutes, runs, wide_minutes = (200, 2, 1, 0.1) if smoke else (2000, 30, 3, 5)
    events = make_events(agents, minutes)
    frames = [p.encode(p.event_envelope(e, "sim", i + 1)) for i, e in enumerate(events)]
    envelopes = [p.decode(f) for f in frames]

    def state_only() -> None:
        floor = Floor()
        for e in events:
            floor.apply(e)

    def decode_only() -> None:
        for frame in frames:
            p.decode_event(frame)

    def to_event_only() -> None:
        for env in envelopes:
            p.to_event(env)

    def decode_and_state() -> None:
        floor = Floor()
        for frame in frames:
            floor.apply(p.decode_event(frame)[1])

    n = len(events)
    print(f"machine: {describe()}")
    print(f"events: {n:,} (simulator, {agents:,} agents, {minutes} min)")
    _rate("state engine alone", n, best_of(runs, state_only))
    _rate("decode (msgpack) alone", n, best_of(runs, decode_only))
    _rate("  of which to_event", n, best_of(runs, to_event_only))
    _rate("decode (msgpack) + state", n, best_of(runs, decode_and_state))

    setup, wide = make_wide_events(minutes=wide_minutes)

    def wide_state() -> None:
        floor = Floor()
        for e in setup:
            floor.apply(e)
        for e in wide:
            floor.apply(e)

    print(f"events: {len(wide):,} after {len(setup):,} setup events "
          f"(synthetic, {AGENTS:,} agents, 200 queues, {RATE:,}/s for {wide_minutes:g} min)")
    _rate("state engine alone, 200 queues", len(setup) + len(wide), best_of(runs, wide_state))


if __name__ == "__main__":
    main()
