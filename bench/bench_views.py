"""What the engine's views cost a UI tick at 10,000 agents and 50, 200, 400 queues.

A seeded synthetic floor is fed 2,000 events/s of event time in ticks of the UI's
rate (20 Hz: 100 events a tick; `--hz`), after five minutes of history. For each size
it prints, in milliseconds per tick:

- apply: `Floor.apply` for the tick's 200 events;
- take_changes, and how many queues and channels it names;
- changed: reading `queue_view` for `changes.queues` and `channel_view` for
  `changes.channels` (both channels when the floor has no `Changes.channels`),
  and that per queue named (microseconds);
- tick: apply + take_changes + the changed reads (a UI tick less its widgets);
- all: reading every queue's view and both channel views (what a UI that
  ignores `Changes` pays);
- rollover: a tick whose events cross a minute boundary (take_changes + changed);
- EWT refresh: the first `wait_estimate` of every queue in a new 10 s slot;
- trend: one heartbeat crossing a 10 s trend boundary;
- structure ticks: a tick whose events bring a snapshot of the whole floor, or one
  new queue (apply + take_changes + the changed reads; bench/bench_wall.py has the
  same with the floor window's refresh and repaint).

It ends with each size's changed views and tick against the first size's (the
issue's "tick cost at 400 queues within 1.5x of the cost at 50"), with how many more
queues a tick names there and the cost per queue named. The traffic picks a random
queue for each contact, so on a larger floor one tick's contacts fall in more queues:
the queues that really change per tick grow with the floor (about 45 of 50 change in
a tick, about 115 of 400). To show that cost follows those and not the floor's size,
a last run puts the largest size's queues on a floor whose traffic and agents use
only as many queues as the first size has ("400 queues, 50 active"; the others are
defined and idle), and compares it with the first.

No assertions: figures to compare before and after a change. `--cpu` times with
the process's CPU time rather than wall time, which other processes on a shared
machine disturb much less. `--smoke` runs a small floor briefly (CI: it starts and
prints its figures).

    .venv/bin/python bench/bench_views.py [--queues 50,200,400] [--ticks 200] [--hz 20] [--cpu]
    .venv/bin/python bench/bench_views.py --smoke
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import describe  # noqa: E402
from monitor import events as ev  # noqa: E402
from monitor.floor import Floor  # noqa: E402

AGENTS = 10_000
RATE = 2_000  # events per second of event time
TICK_S = 0.1  # ticks of the history built before the measured ones
T0 = 1_767_258_000.0  # a whole minute
CHANNELS = ("hotline", "online")
# What a tick's cost is timed with: wall time, or with --cpu this process's CPU time
# (steadier when other processes share the machine's cores).
clock = time.perf_counter


class Traffic:
    """Offers, answers, ends, wrap-ups and abandons over N queues, seeded.

    `active`: only that many of the queues (half of each channel) get contacts and
    agents; the others are defined and stay idle.
    """

    def __init__(self, queues: int, agents: int, seed: int = 11,
                 active: int | None = None) -> None:
        self.rng = random.Random(seed)
        half = queues // 2
        self.queues = {f"q{n:03d}": "hotline" if n < half else "online" for n in range(queues)}
        used = half if active is None else active // 2
        self.by_channel = {c: [q for q, ch in self.queues.items() if ch == c][:used]
                           for c in CHANNELS}
        self.queue_ids = [q for c in CHANNELS for q in self.by_channel[c]]
        self.agents = {f"a{n:05d}": "hotline" if n % 2 == 0 else "online" for n in range(agents)}
        self.available: dict[str, list[str]] = {c: [] for c in CHANNELS}
        self.busy: dict[str, tuple[str, str]] = {}  # agent -> (contact, queue)
        self.wrapping: deque[str] = deque()
        self.waiting: dict[str, deque[str]] = {q: deque() for q in self.queues}
        self.contacts = 0

    def setup(self, t: float) -> list[ev.Event]:
        out: list[ev.Event] = []
        for queue_id, channel in self.queues.items():  # the idle ones too
            out.append(ev.QueueDefined(t, queue_id, f"Queue {queue_id}", channel,
                                       20.0 if channel == "hotline" else 60.0))
        for agent_id, channel in self.agents.items():
            skills = dict.fromkeys(self.rng.sample(self.by_channel[channel], 3), 5)
            out.append(ev.AgentLogin(t, agent_id, f"Agent {agent_id}"))
            out.append(ev.AgentSkills(t, agent_id, skills, 3 if channel == "online" else 0))
            if self.rng.random() < 0.07:
                out.append(ev.AgentStateChanged(t, agent_id, "not_ready", "break"))
            else:
                self.available[channel].append(agent_id)
        return out

    def _pop(self, items: list[str]) -> str:
        i = self.rng.randrange(len(items))
        items[i], items[-1] = items[-1], items[i]
        return items.pop()

    def step(self, t: float, n: int) -> list[ev.Event]:
        """About `n` events at event time `t`."""
        out: list[ev.Event] = []
        rng = self.rng
        while len(out) < n:
            roll = rng.random()
            if roll < 0.3:
                queue_id = rng.choice(self.queue_ids)
                self.contacts += 1
                contact = f"c{self.contacts}"
                self.waiting[queue_id].append(contact)
                out.append(ev.ContactOffered(t, contact, queue_id))
            elif roll < 0.55:
                queue_id = rng.choice(self.queue_ids)
                channel = self.queues[queue_id]
                if not self.waiting[queue_id] or not self.available[channel]:
                    continue
                contact = self.waiting[queue_id].popleft()
                agent = self._pop(self.available[channel])
                self.busy[agent] = (contact, queue_id)
                out.append(ev.ContactAnswered(t, contact, queue_id, agent))
                out.append(ev.AgentStateChanged(t, agent, "on_contact"))
            elif roll < 0.8:
                if not self.busy:
                    continue
                agent = next(iter(self.busy))  # the longest on contact
                contact, queue_id = self.busy.pop(agent)
                out.append(ev.ContactEnded(t, contact, queue_id, agent))
                out.append(ev.AgentStateChanged(t, agent, "wrap_up"))
                self.wrapping.append(agent)
            elif roll < 0.95:
                if not self.wrapping:
                    continue
                agent = self.wrapping.popleft()
                self.available[self.agents[agent]].append(agent)
                out.append(ev.AgentStateChanged(t, agent, "available"))
            else:
                queue_id = rng.choice(self.queue_ids)
                if not self.waiting[queue_id]:
                    continue
                contact = self.waiting[queue_id].pop()
                out.append(ev.ContactAbandoned(t, contact, queue_id))
        return out


def build(queues: int, history_s: float = 300.0, agents: int = AGENTS,
          active: int | None = None) -> tuple[Floor, Traffic, float]:
    """A floor with `history_s` of traffic behind it; returns it, the traffic and its time."""
    traffic = Traffic(queues, agents, active=active)
    floor = Floor()
    t = T0
    for event in traffic.setup(t):
        floor.apply(event)
    per_tick = int(RATE * TICK_S)
    for _ in range(int(history_s / TICK_S)):
        t += TICK_S
        for event in traffic.step(t, per_tick):
            floor.apply(event)
    floor.take_changes()
    return floor, traffic, t


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def _summary(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return f"mean {statistics.mean(values):7.2f}  p95 {p95:7.2f}  max {values[-1]:7.2f}"


def read_changed(floor: Floor, changes) -> None:
    for queue_id in changes.queues:
        if queue_id in floor.queues:
            floor.queue_view(queue_id)
    for channel in getattr(changes, "channels", CHANNELS):
        floor.channel_view(channel)


def read_all(floor: Floor) -> None:
    for queue_id in floor.queues:
        floor.queue_view(queue_id)
    for channel in CHANNELS:
        floor.channel_view(channel)


def structure_tick(floor: Floor, traffic: Traffic, t: float, extra: ev.Event,
                   tick_s: float) -> float:
    """ms of one tick whose events include `extra` (apply, take_changes, changed reads)."""
    batch = [*traffic.step(t, int(RATE * tick_s)), extra]
    start = clock()
    for event in batch:
        floor.apply(event)
    read_changed(floor, floor.take_changes())
    return _ms(clock() - start)


@dataclass(frozen=True)
class Means:
    """One run's means per tick: changed views and tick (ms), queues named."""

    changed_ms: float
    tick_ms: float
    named: float

    def against(self, other: Means) -> str:
        """How many more queues a tick names here than in `other`, and the cost of each."""
        per_queue = (self.changed_ms / self.named) / (other.changed_ms / other.named)
        return f"queues named x{self.named / other.named:.2f}, per queue named x{per_queue:.2f}"


def run(queues: int, ticks: int, agents: int = AGENTS, history_s: float = 300.0,
        tick_s: float = 0.05, active: int | None = None) -> Means:
    """Print one size's figures; return its means."""
    build_start = time.perf_counter()
    floor, traffic, t = build(queues, history_s, agents, active)
    built_s = time.perf_counter() - build_start
    read_all(floor)
    floor.take_changes()
    per_tick = int(RATE * tick_s)
    apply_ms, take_ms, changed_ms, all_ms, n_queues, n_channels = [], [], [], [], [], []
    tick_ms: list[float] = []
    rollover_ms: list[float] = []
    for _ in range(ticks):
        t += tick_s
        batch = traffic.step(t, per_tick)
        crosses = int(t // 60) != int((t - tick_s) // 60)
        start = clock()
        for event in batch:
            floor.apply(event)
        applied = clock()
        changes = floor.take_changes()
        taken = clock()
        read_changed(floor, changes)
        read = clock()
        read_all(floor)
        done = clock()
        apply_ms.append(_ms(applied - start))
        take_ms.append(_ms(taken - applied))
        changed_ms.append(_ms(read - applied))
        all_ms.append(_ms(done - read))
        tick_ms.append(_ms(read - start))
        n_queues.append(len(changes.queues))
        n_channels.append(len(getattr(changes, "channels", CHANNELS)))
        if crosses:
            rollover_ms.append(_ms(read - applied))
    # A tick that crosses a minute boundary, on purpose (the loop above may not).
    t = (int(t // 60) + 1) * 60 + 0.05
    for event in traffic.step(t, per_tick):
        floor.apply(event)
    start = clock()
    read_changed(floor, floor.take_changes())
    rollover_ms.append(_ms(clock() - start))
    # The first estimate of every queue in a new 10 s slot.
    t = (int(t // 10) + 1) * 10 + 0.05
    floor.apply(ev.Heartbeat(t))
    start = clock()
    for queue_id in floor.queues:
        floor.wait_estimate(queue_id)
    ewt_ms = _ms(clock() - start)
    # One heartbeat that crosses a trend sample boundary.
    t = (int(t // 10) + 1) * 10 + 0.05
    start = clock()
    floor.apply(ev.Heartbeat(t))
    trend_ms = _ms(clock() - start)
    # Structure changes: a snapshot of the whole floor arrives; a queue is added.
    read_changed(floor, floor.take_changes())
    snapshot_ms, added_ms = [], []
    for n in range(3):
        t += tick_s
        snapshot_ms.append(structure_tick(floor, traffic, t, ev.Snapshot(t, n, floor.snapshot()),
                                          tick_s))
        t += tick_s
        read_changed(floor, floor.take_changes())  # a settled tick between
        t += tick_s
        added = f"new{n}"
        traffic.queues[added] = "hotline"
        traffic.queue_ids.append(added)
        traffic.waiting[added] = deque()
        added_ms.append(structure_tick(floor, traffic, t,
                                       ev.QueueDefined(t, added, added, "hotline", 20.0), tick_s))

    named = statistics.mean(n_queues)
    size = f"{queues} queues" if active is None else f"{queues} queues, {active} active"
    print(f"{size}, {agents:,} agents, {RATE:,} events/s, {ticks} ticks of "
          f"{tick_s:g} s (floor built in {built_s:.1f} s):")
    print(f"  apply          {_summary(apply_ms)}")
    print(f"  take_changes   {_summary(take_ms)}  "
          f"(queues named: mean {statistics.mean(n_queues):.0f}, "
          f"channels: mean {statistics.mean(n_channels):.1f})")
    print(f"  changed views  {_summary(changed_ms)}  (take_changes + reads)")
    print(f"  per queue named {1000 * statistics.mean(changed_ms) / named:6.2f} us "
          f"(changed views / queues named)")
    print(f"  all views      {_summary(all_ms)}")
    print(f"  tick           {_summary(tick_ms)}  (apply + take_changes + changed reads)")
    print(f"  minute rollover tick {max(rollover_ms):7.2f}  (take_changes + changed reads)")
    print(f"  EWT refresh, all queues {ewt_ms:7.2f}")
    print(f"  trend sample (one heartbeat) {trend_ms:7.2f}")
    print(f"  snapshot arrives (whole floor) {_worst(snapshot_ms)}")
    print(f"  queue added                    {_worst(added_ms)}")
    return Means(statistics.mean(changed_ms), statistics.mean(tick_ms), named)


def _worst(values: list[float]) -> str:
    return f"max {max(values):7.2f}  mean {statistics.mean(values):7.2f}  (x{len(values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queues", default="50,200,400")
    parser.add_argument("--ticks", type=int, default=200)
    parser.add_argument("--hz", type=float, default=20.0,
                        help="ticks per second of event time (the UI ticks at 20 Hz)")
    parser.add_argument("--smoke", action="store_true",
                        help="a short run on a small floor (1,000 agents, 10 and 40 queues)")
    parser.add_argument("--cpu", action="store_true",
                        help="time with this process's CPU time instead of wall time")
    args = parser.parse_args()
    if args.cpu:
        global clock
        clock = time.process_time
    sizes = [int(x) for x in args.queues.split(",")]
    agents, ticks, history_s = AGENTS, args.ticks, 300.0
    if args.smoke:
        sizes, agents, ticks, history_s = [10, 40], 1_000, 20, 30.0
    tick_s = 1.0 / args.hz
    print(f"machine: {describe()}; timed with {'CPU' if args.cpu else 'wall'} time")
    means = {n: run(n, ticks, agents, history_s, tick_s) for n in sizes}
    first, last = sizes[0], sizes[-1]
    few = None
    if last > first:  # the largest floor with only as many queues in use as the first
        few = run(last, ticks, agents, history_s, tick_s, active=first)
    base = means[first]
    for n in sizes[1:]:
        print(f"{n} queues against {first}: changed views x{means[n].changed_ms / base.changed_ms:.2f}, "
              f"tick x{means[n].tick_ms / base.tick_ms:.2f}")
        print(f"  ({means[n].against(base)})")
    if few is not None:
        print(f"{last} queues, {first} active against {first}: "
              f"changed views x{few.changed_ms / base.changed_ms:.2f}, "
              f"tick x{few.tick_ms / base.tick_ms:.2f}")
        print(f"  ({few.against(base)})")


if __name__ == "__main__":
    main()
