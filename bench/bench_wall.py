"""Cost of one floor-window tick at 10,000 agents and 50, 200, 400 queues.

A seeded synthetic floor (two feeds: "tel" owns the hotline queues and agents,
"chat" the online ones) is fed 2,000 events/s of event time in 0.1 s ticks. For
each size it prints, in milliseconds: the engine's apply, `FloorWindow.refresh`
(which includes the `queue_view`/`channel_view` reads it makes) and the repaint
(`processEvents`), for steady ticks, for a tick where a snapshot of the "tel" feed
arrives, and for a tick where one queue is added; the worst whole tick (apply +
refresh + paint); and the number of `queue_view` calls per tick.

The snapshot is measured three ways: as the state alone (the tick's apply checks
and builds it: `Floor.load_snapshot`); prepared (`Floor.prepare_snapshot` before
the tick, as a source would off the GUI thread; the tick only installs it); and
checked only (`build=False` before the tick, as a child process would; the tick
builds the records and installs them). What was done before the tick is printed on
its own line. Then a thread prepares while
ticks go on (sharing the GIL, as a source thread would): the whole ticks meanwhile,
and the tick that installs what it prepared. Last, the floor window's own path: the
real `FloorTicker` takes the snapshot unprepared, builds it across ticks within its
budget per tick, holding the tel feed's events behind it, then installs it: the
whole ticks (ticker tick + repaint) while it builds, the installing tick, the worst.

    .venv/bin/python bench/bench_wall.py [--queues 50,200,400] [--ticks 100]
    .venv/bin/python bench/bench_wall.py --smoke   # 200 agents, 10 queues, a few ticks (CI)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import deque
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.machine import describe  # noqa: E402
from feeds.source import FeedEvent  # noqa: E402
from monitor import events as ev  # noqa: E402
from monitor.floor import Floor  # noqa: E402
from ui.floor_window import FloorWindow  # noqa: E402
from ui.tick import BUILD_BUDGET_S, FloorTicker  # noqa: E402

AGENTS = 10_000
RATE = 2_000  # events per second of event time
TICK_S = 0.1
T0 = 1_767_258_000.0
FEED_OF = {"hotline": "tel", "online": "chat"}


class Traffic:
    """A seeded contact-centre in miniature: offers, answers, ends, wrap-ups, abandons."""

    def __init__(self, queues: int, agents: int, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        half = queues // 2
        self.queues = {f"q{n:03d}": "hotline" if n < half else "online" for n in range(queues)}
        self.by_channel = {c: [q for q, ch in self.queues.items() if ch == c] for c in FEED_OF}
        self.agents = {f"a{n:05d}": "hotline" if n % 2 == 0 else "online" for n in range(agents)}
        self.available: dict[str, list[str]] = {c: [] for c in FEED_OF}
        self.busy: dict[str, tuple[str, str]] = {}  # agent -> (contact, queue)
        self.wrapping: list[str] = []
        self.waiting: dict[str, deque[str]] = {q: deque() for q in self.queues}
        self.contacts = 0
        self.added = 0

    def setup(self, t: float) -> list[tuple[ev.Event, str]]:
        out: list[tuple[ev.Event, str]] = []
        for queue_id, channel in self.queues.items():
            out.append((ev.QueueDefined(t, queue_id, f"Queue {queue_id}", channel,
                                        20.0 if channel == "hotline" else 60.0), FEED_OF[channel]))
        for agent_id, channel in self.agents.items():
            feed = FEED_OF[channel]
            skills = dict.fromkeys(self.rng.sample(self.by_channel[channel], 3), 5)
            out.append((ev.AgentLogin(t, agent_id, f"Agent {agent_id}"), feed))
            out.append((ev.AgentSkills(t, agent_id, skills, 3 if channel == "online" else 0),
                        feed))
            if self.rng.random() < 0.07:
                out.append((ev.AgentStateChanged(t, agent_id, "not_ready", "break"), feed))
            else:
                self.available[channel].append(agent_id)
        return out

    def _pop(self, items: list[str]) -> str:
        i = self.rng.randrange(len(items))
        items[i], items[-1] = items[-1], items[i]
        return items.pop()

    def step(self, t: float, n: int) -> list[tuple[ev.Event, str]]:
        """About `n` events at event time `t`."""
        out: list[tuple[ev.Event, str]] = []
        rng = self.rng
        while len(out) < n:
            roll = rng.random()
            if roll < 0.3:
                queue_id = rng.choice(list(self.queues))
                self.contacts += 1
                contact = f"c{self.contacts}"
                self.waiting[queue_id].append(contact)
                out.append((ev.ContactOffered(t, contact, queue_id),
                            FEED_OF[self.queues[queue_id]]))
            elif roll < 0.55:
                queue_id = rng.choice(list(self.queues))
                channel = self.queues[queue_id]
                if not self.waiting[queue_id] or not self.available[channel]:
                    continue
                contact, agent = self.waiting[queue_id].popleft(), self._pop(
                    self.available[channel])
                self.busy[agent] = (contact, queue_id)
                feed = FEED_OF[channel]
                out.append((ev.ContactAnswered(t, contact, queue_id, agent), feed))
                out.append((ev.AgentStateChanged(t, agent, "on_contact"), feed))
            elif roll < 0.8:
                if not self.busy:
                    continue
                agent = next(iter(self.busy))  # the longest on contact
                contact, queue_id = self.busy.pop(agent)
                feed = FEED_OF[self.agents[agent]]
                out.append((ev.ContactEnded(t, contact, queue_id, agent), feed))
                out.append((ev.AgentStateChanged(t, agent, "wrap_up"), feed))
                self.wrapping.append(agent)
            elif roll < 0.95:
                if not self.wrapping:
                    continue
                agent = self.wrapping.pop(0)
                self.available[self.agents[agent]].append(agent)
                out.append((ev.AgentStateChanged(t, agent, "available"),
                            FEED_OF[self.agents[agent]]))
            else:
                queue_id = rng.choice(list(self.queues))
                if not self.waiting[queue_id]:
                    continue
                contact = self.waiting[queue_id].pop()
                out.append((ev.ContactAbandoned(t, contact, queue_id),
                            FEED_OF[self.queues[queue_id]]))
        return out

    def new_queue(self, t: float) -> tuple[ev.Event, str]:
        self.added += 1
        queue_id = f"new{self.added:02d}"
        self.queues[queue_id] = "hotline"
        self.by_channel["hotline"].append(queue_id)
        self.waiting[queue_id] = deque()
        return ev.QueueDefined(t, queue_id, f"New {queue_id}", "hotline", 20.0), "tel"


class Counted:
    """Counts `queue_view` calls made through the floor."""

    def __init__(self, floor: Floor) -> None:
        self.calls = 0
        original = floor.queue_view

        def queue_view(*args, **kw):
            self.calls += 1
            return original(*args, **kw)

        floor.queue_view = queue_view  # type: ignore[method-assign]


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def _summary(costs: list[float]) -> str:
    costs = sorted(costs)
    p95 = costs[min(len(costs) - 1, int(0.95 * len(costs)))]
    return f"mean {statistics.mean(costs):6.1f}  p95 {p95:6.1f}  max {costs[-1]:6.1f}"


def run(queues: int, ticks: int, special: int, agents: int = AGENTS,
        history_s: float = 300.0) -> None:
    app = QApplication.instance() or QApplication([])
    traffic = Traffic(queues, agents)
    floor = Floor()
    t = T0
    for event, feed in traffic.setup(t):
        floor.apply(event, feed)
    # Five minutes of history so the windows hold something.
    for _ in range(int(history_s / TICK_S)):
        t += TICK_S
        for event, feed in traffic.step(t, int(RATE * TICK_S) // 2):
            floor.apply(event, feed)
    floor.take_changes()

    start = time.perf_counter()
    window = FloorWindow(floor)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    build = time.perf_counter() - start
    counter = Counted(floor)

    def tick(extra: list[tuple[ev.Event, str]]) -> tuple[float, float, float, int]:
        nonlocal t
        t += TICK_S
        batch = traffic.step(t, int(RATE * TICK_S)) + extra
        counter.calls = 0
        t0 = time.perf_counter()
        for event, feed in batch:
            floor.apply(event, feed)
        changes = floor.take_changes()
        t1 = time.perf_counter()
        window.refresh(floor, changes, [])
        t2 = time.perf_counter()
        app.processEvents()  # the repaint the tick caused
        t3 = time.perf_counter()
        return _ms(t1 - t0), _ms(t2 - t1), _ms(t3 - t2), counter.calls

    off_tick: dict[bool, list[float]] = {True: [], False: []}  # build -> prepare costs

    def prepared_snapshot(build: bool) -> list[tuple[ev.Event, str]]:
        """The tel feed's snapshot, prepared (or only checked) off the timed tick."""
        state = floor.snapshot("tel")
        start = time.perf_counter()
        prepared = floor.prepare_snapshot(state, "tel", build=build)
        off_tick[build].append(_ms(time.perf_counter() - start))
        return [(ev.Snapshot(t, 0, state).with_prepared(prepared), "tel")]

    for _ in range(5):
        tick([])
    print(f"-- {agents:,} agents, {queues} queues, {RATE:,} events/s "
          f"(window built in {_ms(build):.0f} ms)")
    for label, extra in (
        ("steady", lambda: []),
        ("snapshot", lambda: [(ev.Snapshot(t, 0, floor.snapshot("tel")), "tel")]),
        ("snapshot prepared", lambda: prepared_snapshot(True)),
        ("snapshot checked", lambda: prepared_snapshot(False)),
        ("queue added", lambda: [traffic.new_queue(t)]),
    ):
        rounds = ticks if label == "steady" else special
        applies, refreshes, paints, totals, views = [], [], [], [], []
        for _ in range(rounds):
            a, r, p, calls = tick(extra())
            applies.append(a)
            refreshes.append(r)
            paints.append(p)
            totals.append(r + p)
            views.append(calls)
            if label != "steady":
                tick([])  # let the next special tick start from a settled window
        whole = max(a + rest for a, rest in zip(applies, totals, strict=True))
        print(f"{label:>17} x{rounds:<3} refresh+paint {_summary(totals)} | refresh "
              f"{_summary(refreshes)} | paint {_summary(paints)} | apply mean "
              f"{statistics.mean(applies):5.1f} | whole tick max {whole:6.1f} | "
              f"queue_view/tick {statistics.mean(views):6.1f}", flush=True)
        if label == "snapshot prepared":
            print(f"{'':>17} prepare (off the tick, as a source would) "
                  f"{_summary(off_tick[True])}", flush=True)
        if label == "snapshot checked":
            print(f"{'':>17} check only (off the tick, as a child process would; the tick "
                  f"builds) {_summary(off_tick[False])}", flush=True)
    # The source's thread prepares while this one goes on ticking (they share the GIL):
    # the ticks meanwhile, then the tick that installs it.
    during, installs = [], []
    for _ in range(special):
        state, box = floor.snapshot("tel"), []
        worker = threading.Thread(
            target=lambda state=state, box=box: box.append(floor.prepare_snapshot(state, "tel")))
        worker.start()
        while True:  # at least one tick, however soon the thread is done
            a, r, p, _calls = tick([])
            during.append(a + r + p)
            if not worker.is_alive():
                break
        worker.join()
        a, r, p, _calls = tick([(ev.Snapshot(t, 0, state).with_prepared(box[0]), "tel")])
        installs.append(a + r + p)
        tick([])
    print(f"{'prepared on a thread':>20}: whole ticks meanwhile (x{len(during)}) "
          f"{_summary(during)} | the installing tick {_summary(installs)}", flush=True)
    # The floor window's own path: the real FloorTicker drains the snapshot as a feed
    # sends it (unprepared), builds it across ticks within BUILD_BUDGET_S each, holds
    # the tel feed's events behind it and installs it in a tick of its own.
    hub = _BenchHub()
    ticker = FloorTicker(floor, hub, [window])

    def ticker_tick(extra: list[tuple[ev.Event, str]]) -> float:
        nonlocal t
        t += TICK_S
        hub.items = [FeedEvent(feed, 0, e)
                     for e, feed in traffic.step(t, int(RATE * TICK_S)) + extra]
        start = time.perf_counter()
        ticker.tick()
        app.processEvents()
        return _ms(time.perf_counter() - start)

    building, installing, spans = [], [], []
    for _ in range(special):
        building.append(ticker_tick([(ev.Snapshot(t, 0, floor.snapshot("tel")), "tel")]))
        ticks = 1
        while ticker.gate.feeds:
            was_building = ticker.gate.building("tel")
            cost = ticker_tick([])
            ticks += 1
            if was_building and not ticker.gate.building("tel"):
                installing.append(cost)  # this tick installed it (and its held events)
            else:
                building.append(cost)
        spans.append(ticks)
        ticker_tick([])
    worst = max(building + installing)
    print(f"{'snapshot across ticks':>21}: ticks from arrival to install {spans} | whole "
          f"ticks building (x{len(building)}) {_summary(building)} | the installing tick "
          f"{_summary(installing)} | worst tick {worst:6.1f} "
          f"(build budget {_ms(BUILD_BUDGET_S):.0f} ms a tick)", flush=True)
    window.close()
    window.deleteLater()
    app.processEvents()


class _BenchHub:
    """Hands the ticker one tick's events (what `FeedHub.drain` would give)."""

    def __init__(self) -> None:
        self.items: list[FeedEvent] = []

    def drain(self, max_events: int) -> list[FeedEvent]:
        out, self.items = self.items[:max_events], self.items[max_events:]
        return out

    def health(self) -> list:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", default="50,200,400")
    parser.add_argument("--ticks", type=int, default=100)
    parser.add_argument("--special", type=int, default=3, help="snapshot / queue-added ticks")
    parser.add_argument("--smoke", action="store_true",
                        help="200 agents, 10 queues, 5 ticks, 10 s of history (the CI smoke run)")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    if args.smoke:
        run(10, 5, 1, agents=200, history_s=10.0)
        return
    for queues in (int(q) for q in args.queues.split(",")):
        run(queues, args.ticks, args.special)


if __name__ == "__main__":
    main()
