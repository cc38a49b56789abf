"""Events per second through decode + state, and through the state engine alone.

Input is a seeded simulator run (a realistic mix of calls, chats, messages,
agent states), encoded as protocol v1 msgpack frames.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import best_of, describe  # noqa: E402
from feeds import protocol as p  # noqa: E402
from feeds.sim import SimConfig, Simulation  # noqa: E402
from monitor.floor import Floor  # noqa: E402


def make_events(agents: int = 2000, minutes: int = 30) -> list:
    sim = Simulation(SimConfig(agents=agents, seed=7))
    return sim.setup_events() + sim.run_until(sim.now + minutes * 60)



def main() -> None:
    events = make_events()
    frames = [p.encode(p.event_envelope(e, "sim", i + 1)) for i, e in enumerate(events)]

    def state_only() -> None:
        floor = Floor()
        for e in events:
            floor.apply(e)

    def decode_and_state() -> None:
        floor = Floor()
        for frame in frames:
            floor.apply(p.decode_event(frame)[1])

    n = len(events)
    t_state = best_of(3, state_only)
    t_both = best_of(3, decode_and_state)
    print(f"machine: {describe()}")
    print(f"events: {n:,} (simulator, 2,000 agents, 30 min)")
    print(f"state engine alone: {n / t_state:,.0f} events/s")
    print(f"decode (msgpack) + state: {n / t_both:,.0f} events/s")


if __name__ == "__main__":
    main()
