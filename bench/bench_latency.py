"""Event -> pixel latency of the real client at contact-centre scale.

For each point (agents, queues, events/s):

- A real `feeds.server.FeedServer` on its own asyncio loop thread (or, with
  `--server process`, in a child process) first publishes a synthetic floor of
  N agents and Q queues of both channels, with two hours of history, then
  streams live events at exactly R events/s. Each live event is stamped with
  `time.perf_counter()` just before `FeedServer.publish` hands it to the
  client's outbox; the stamp is kept by the publisher (a list indexed by the
  event's sequence number), never in the event.
- The real client path: `FeedHub.for_urls([url])` -> `ui.tick.FloorTicker` at
  20 Hz -> the real `ui.floor_window.FloorWindow`, shown offscreen. The hub is
  subclassed only to remember which `FeedEvent`s each `drain` handed over
  (their `seq`), the ticker only to time `tick()`.
- On `FloorTicker.sig_ticked` (emitted at the end of `tick()`, after every view
  refreshed) the benchmark calls `QApplication.processEvents()` three times:
  that delivers the update requests the tick's widget changes posted, so Qt
  paints the dirty regions into the offscreen backing store, as the event loop
  would right after the tick (the second and third pass paint what the first
  one's layout changes posted, e.g. the status bar after a label grew; checked
  with an event filter: no paint event is left for the idle loop). The time
  after that returns is when the tick's events are on screen; an event's
  latency is that time minus its send stamp. (No `repaint()` of the whole
  window: only what the tick changed is painted, as in the application.)
  Events that only reach the client inside a snapshot (a resync after
  overflow) count as shown when that snapshot is painted.
- Reported per point: latency p50/p95/p99/max over the measured events; ticks
  per second; tick cost (time inside `FloorTicker.tick`: drain, apply, every
  view's refresh; the paint after it is reported apart as "paint mean");
  backlog = `hub.pending` (events in the hand-off) when a tick starts, the
  maximum over the measured ticks and at the first tick after the stream
  ended; events applied (shown) vs sent.

Event time runs with the wall clock (`--time-scale 1`): live event i carries
event time T0 + i/R and is published at start + i/R, so the engine's 10 s
boundaries (trend samples, wait estimates) come as often as on a live floor.
The history spans two hours, so every queue's 60-minute ring of minute
buckets is full, as on a floor at mid-day.

The synthetic floor (class `SyntheticFloor`): half the queues hotline, half
online; 50 % hotline agents, 30 % online (chat capacity 3), 20 % blended, each
with 3 or 4 skills; at the start 55 % on a contact, 10 % in wrap-up, 8 % not
ready, the rest available, about 1.5 contacts waiting per queue. Live events
keep those shares: contact offered, answered (+ agent on_contact), ended
(+ agent wrap_up, sometimes a survey), wrap-up over (agent available),
abandoned, breaks, chat messages, and one heartbeat per second. Most events
are agent state changes and contact lifecycle.

Each point runs in a fresh process (one at a time), so no state or thread of
one point leaks into the next. Usage:

    python bench/bench_latency.py                      # the five issue-8 points, 30 s each
    python bench/bench_latency.py --points 10000x200@2000 --seconds 60 --repeat 2
    python bench/bench_latency.py --smoke              # 200 agents, 10 queues, 200 ev/s, 3 s
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# "0": the window runs without the alert engine (each point runs in a child process,
# which inherits this).
ALERTS_ENV = "FLOORWATCH_BENCH_ALERTS"
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import describe  # noqa: E402
from monitor.events import (  # noqa: E402
    AgentLogin,
    AgentSkills,
    AgentStateChanged,
    ChatMessage,
    ContactAbandoned,
    ContactAnswered,
    ContactEnded,
    ContactOffered,
    Event,
    Heartbeat,
    QueueDefined,
    SurveyResult,
)

DEFAULT_POINTS = "10000x200@500,10000x200@2000,10000x200@5000,10000x50@2000,10000x400@2000"
SMOKE_POINTS = "200x10@200"
T0 = 1767607200.0  # Monday 2026-01-05 10:00 UTC: event time of the first live event
HISTORY_S = 7200.0  # setup and history lie in the 2 h before T0: every 60-min ring is full
RESULT_PREFIX = "RESULT "
PAINT_PASSES = 3  # processEvents() calls after a tick: its whole repaint (see on_ticked)

# Shares of agents in each state the synthetic floor starts in and keeps.
TALKING, WRAPPING, NOT_READY = 0.55, 0.10, 0.08
AVAILABLE = 1.0 - TALKING - WRAPPING - NOT_READY
WAITING_PER_QUEUE = 1.5
ABANDON_SHARE = 0.05
BREAK_FLOW = 0.1  # breaks started per contact offered
CHAT_FLOW = 0.5  # chat messages per contact offered
SURVEY_SHARE = 0.3
BREAK_REASONS = ("break", "meal", "training", "meeting")
CHAT_LINES = ("hello", "one moment please", "thanks!", "my order has not arrived",
              "can you check the tracking number", "that helps, thank you")


# ===================================================================== the floor
class _Bag:
    """A set with O(1) add, remove and uniform random choice."""

    __slots__ = ("items", "index")

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.index: dict[Any, int] = {}

    def add(self, x: Any) -> None:
        self.index[x] = len(self.items)
        self.items.append(x)

    def remove(self, x: Any) -> None:
        i = self.index.pop(x)
        last = self.items.pop()
        if i < len(self.items):
            self.items[i] = last
            self.index[last] = i

    def choice(self, rng: random.Random) -> Any:
        return self.items[int(rng.random() * len(self.items))]

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, x: Any) -> bool:
        return x in self.index


class SyntheticFloor:
    """A seeded floor of `agents` agents and `queues` queues (both channels) and a
    stream of canonical events that keeps it in a steady state.

    The stream is a Markov chain over the floor's populations: each step picks
    one transition (offer, answer, end, wrap-up over, abandon, break start/end,
    chat message) with a propensity proportional to the population it acts on,
    scaled so the state shares above are the chain's equilibrium. Every event
    is consistent with the floor (an answer names a waiting contact and an
    available agent skilled for its queue), so the engine does real work.
    """

    def __init__(self, agents: int, queues: int, seed: int = 7) -> None:
        if agents < 1 or queues < 2:
            raise ValueError("at least one agent and two queues (one per channel)")
        self.rng = random.Random(seed)
        self.n_agents, self.n_queues = agents, queues
        n_hot = (queues + 1) // 2
        self.hot = [f"hl-{i:03d}" for i in range(n_hot)]
        self.onl = [f"ol-{i:03d}" for i in range(queues - n_hot)]
        self.online_queues = frozenset(self.onl)
        self.agents = [f"ag{i:05d}" for i in range(agents)]
        self.skills: dict[str, dict[str, int]] = {}
        self.capacity: dict[str, int] = {}
        self.members: dict[str, list[str]] = {q: [] for q in self.hot + self.onl}
        for i, a in enumerate(self.agents):
            r = self.rng.random()
            if r < 0.5:
                picks = self._pick(self.hot, i, 3 + (self.rng.random() < 0.5))
            elif r < 0.8:
                picks = self._pick(self.onl, i, 3 + (self.rng.random() < 0.5))
            else:
                picks = self._pick(self.hot, i, 2) + self._pick(self.onl, i, 2)
            self.skills[a] = {q: self.rng.randint(1, 10) for q in picks}
            self.capacity[a] = 3 if any(q in self.online_queues for q in picks) else 0
            for q in picks:
                self.members[q].append(a)
        # Populations.
        self.available, self.wrapping, self.not_ready = _Bag(), _Bag(), _Bag()
        self.talking: dict[str, tuple[str, str]] = {}  # agent -> (contact, queue)
        self.talking_bag = _Bag()  # agents on a contact
        self.chats = _Bag()  # agents on an online contact
        self.waiting = _Bag()  # contacts
        self.waiting_queue: dict[str, str] = {}  # contact -> queue, while it waits
        # Each queue's contacts in arrival order; those that left are skipped lazily.
        self.queue_line: dict[str, deque[str]] = {q: deque() for q in self.members}
        self.n_contacts = 0
        # Propensity constants: the equilibrium of the chain has the shares above.
        n, w = float(agents), WAITING_PER_QUEUE * queues
        answered = 1.0 - ABANDON_SHARE
        self.k_answer, self.k_abandon = answered / w, ABANDON_SHARE / w
        self.k_end = answered / (TALKING * n)
        self.k_wrap = answered / (WRAPPING * n)
        self.k_break, self.k_back = BREAK_FLOW / (AVAILABLE * n), BREAK_FLOW / (NOT_READY * n)
        self.k_chat = CHAT_FLOW / (TALKING * n)

    def _pick(self, queues: list[str], i: int, k: int) -> list[str]:
        """k distinct queues; the first round-robin so every queue has members."""
        first = queues[i % len(queues)]
        rest = [q for q in self.rng.sample(queues, min(k, len(queues))) if q != first]
        return [first, *rest][:k]

    def _contact(self) -> str:
        self.n_contacts += 1
        return f"c{self.n_contacts}"

    # ------------------------------------------------------------------ setup
    def setup_events(self, t: float) -> list[Event]:
        """Queues, agents with skills and a state, contacts in progress and waiting, at `t`."""
        out: list[Event] = []
        for q in self.hot + self.onl:
            online = q in self.online_queues
            n = int(q[3:])
            tier = "vip" if n % 10 == 1 else "complaint" if n % 10 == 2 else "normal"
            out.append(QueueDefined(t, q, f"{'Online' if online else 'Hotline'} {n}",
                                    "online" if online else "hotline",
                                    sl_target_s=60.0 if online else 20.0, tier=tier,
                                    name_zh=f"{'在线' if online else '热线'} {n}"))
        for a in self.agents:
            out.append(AgentLogin(t, a, f"Agent {a[2:]}", team=f"team-{int(a[2:]) // 25}"))
            out.append(AgentSkills(t, a, dict(self.skills[a]), self.capacity[a]))
            r = self.rng.random()
            if r < TALKING:
                q = self.rng.choice(list(self.skills[a]))
                c = self._contact()
                out.append(ContactOffered(t, c, q))
                out.append(ContactAnswered(t, c, q, a))
                out.append(AgentStateChanged(t, a, "on_contact"))
                self._talk(a, c, q)
            elif r < TALKING + WRAPPING:
                out.append(AgentStateChanged(t, a, "wrap_up"))
                self.wrapping.add(a)
            elif r < TALKING + WRAPPING + NOT_READY:
                out.append(AgentStateChanged(t, a, "not_ready", self.rng.choice(BREAK_REASONS)))
                self.not_ready.add(a)
            else:
                self.available.add(a)
        for _ in range(int(WAITING_PER_QUEUE * self.n_queues)):
            out.append(self._offer(t))
        return out

    def _talk(self, a: str, c: str, q: str) -> None:
        self.talking[a] = (c, q)
        self.talking_bag.add(a)
        if q in self.online_queues:
            self.chats.add(a)

    def _offer(self, t: float) -> Event:
        q = self.rng.choice(self.hot if self.rng.random() < 0.5 else self.onl)
        c = self._contact()
        self.waiting.add(c)
        self.waiting_queue[c] = q
        self.queue_line[q].append(c)
        return ContactOffered(t, c, q)

    def _head(self, q: str) -> str | None:
        """The contact waiting longest in `q`, if any."""
        line = self.queue_line[q]
        while line and line[0] not in self.waiting_queue:
            line.popleft()
        return line[0] if line else None

    def _answer(self, t: float) -> list[Event]:
        """An available agent takes the longest-waiting contact of its busiest queue."""
        for _ in range(8):
            a = self.available.choice(self.rng)
            heads = [(len(self.queue_line[q]), q) for q in self.skills[a] if self._head(q)]
            if not heads:
                continue
            q = max(heads)[1]
            c = self.queue_line[q].popleft()
            self.waiting.remove(c)
            del self.waiting_queue[c]
            self.available.remove(a)
            self._talk(a, c, q)
            return [ContactAnswered(t, c, q, a), AgentStateChanged(t, a, "on_contact")]
        return []  # nobody free has work waiting just now

    # ------------------------------------------------------------------- live
    def step(self, t: float) -> list[Event]:
        """One transition of the floor at event time `t`: one to three events."""
        rng = self.rng
        w = len(self.waiting)
        props = [
            1.0,  # offer
            self.k_answer * w if self.available else 0.0,
            self.k_abandon * w,
            self.k_end * len(self.talking_bag),
            self.k_wrap * len(self.wrapping),
            self.k_break * len(self.available),
            self.k_back * len(self.not_ready),
            self.k_chat * len(self.chats),
        ]
        while True:
            x = rng.random() * sum(props)
            kind = 0
            for kind, p in enumerate(props):  # noqa: B007 - the index is the result
                if x < p:
                    break
                x -= p
            if kind != 1:
                break
            if answered := self._answer(t):
                return answered
            props[1] = 0.0  # no match now: pick among the other transitions
        if kind == 2:
            c = self.waiting.choice(rng)
            self.waiting.remove(c)
            return [ContactAbandoned(t, c, self.waiting_queue.pop(c))]
        if kind == 3:
            a = self.talking_bag.choice(rng)
            c, q = self.talking.pop(a)
            self.talking_bag.remove(a)
            if a in self.chats:
                self.chats.remove(a)
            self.wrapping.add(a)
            out: list[Event] = [ContactEnded(t, c, q, a), AgentStateChanged(t, a, "wrap_up")]
            if rng.random() < SURVEY_SHARE:
                out.append(SurveyResult(t, c, q, a, nps=rng.randint(0, 10), csat=rng.randint(1, 5)))
            return out
        if kind == 4:
            a = self.wrapping.choice(rng)
            self.wrapping.remove(a)
            self.available.add(a)
            return [AgentStateChanged(t, a, "available")]
        if kind == 5:
            a = self.available.choice(rng)
            self.available.remove(a)
            self.not_ready.add(a)
            return [AgentStateChanged(t, a, "not_ready", rng.choice(BREAK_REASONS))]
        if kind == 6:
            a = self.not_ready.choice(rng)
            self.not_ready.remove(a)
            self.available.add(a)
            return [AgentStateChanged(t, a, "available")]
        if kind == 7:
            a = self.chats.choice(rng)
            c, _ = self.talking[a]
            side = "customer" if rng.random() < 0.5 else "agent"
            return [ChatMessage(t, c, side, rng.choice(CHAT_LINES), a if side == "agent" else "")]
        return [self._offer(t)]

    def run(self, t_from: float, t_to: float, n: int) -> list[Event]:
        """About `n` events with event times spread evenly from `t_from` to `t_to`."""
        out: list[Event] = []
        while len(out) < n:
            out += self.step(t_from + (t_to - t_from) * len(out) / n)
        return out

    def live(self, rate: float, seconds: float, time_scale: float = 1.0) -> list[Event]:
        """Exactly rate * seconds events; event i at event time T0 + time_scale * i / rate
        (sent at wall time start + i / rate), one heartbeat per second of event time."""
        total = int(rate * seconds)
        out: list[Event] = []
        next_beat = T0
        while len(out) < total:
            t = T0 + time_scale * len(out) / rate
            if t >= next_beat:
                out.append(Heartbeat(t))
                next_beat += 1.0
                continue
            out += self.step(t)
        return out[:total]


@dataclass(frozen=True)
class Point:
    agents: int
    queues: int
    rate: int

    @classmethod
    def parse(cls, text: str) -> Point:
        """'10000x200@2000' -> 10,000 agents, 200 queues, 2,000 events/s."""
        try:
            size, rate = text.strip().split("@")
            agents, queues = size.split("x")
            return cls(int(agents), int(queues), int(rate))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"a point is AGENTSxQUEUES@EVENTS_PER_S, e.g. 10000x200@2000, not {text!r}"
            ) from None

    def __str__(self) -> str:
        return f"{self.agents}x{self.queues}@{self.rate}"


@dataclass(frozen=True)
class Plan:
    point: Point
    seconds: float
    warmup: float
    history_per_queue: int
    seed: int = 7
    time_scale: float = 1.0  # event seconds per wall second of the live stream

    def build(self) -> tuple[list[Event], list[Event]]:
        """The setup (with history, before the client connects) and the live events."""
        floor = SyntheticFloor(self.point.agents, self.point.queues, self.seed)
        setup = floor.setup_events(T0 - HISTORY_S)
        setup += floor.run(T0 - HISTORY_S, T0 - 1.0, self.history_per_queue * self.point.queues)
        live = floor.live(self.point.rate, self.warmup + self.seconds, self.time_scale)
        return setup, live


# ================================================================ the server side
class Publisher:
    """A FeedServer on its own asyncio loop thread, publishing a plan.

    `start` publishes the setup (before any client connects, so a client's first
    snapshot holds it) and returns the URL and the sequence number the first
    live event will get. `go` starts the live stream: event i is published at
    start + i / rate, in small batches (a 1 ms pacing loop), each stamped with
    `time.perf_counter()` just before `FeedServer.publish`.
    """

    def __init__(self, plan: Plan) -> None:
        from feeds.server import FeedServer

        self.plan = plan
        self.setup, self.live = plan.build()
        self.server = FeedServer(feed_id="bench")
        self.stamps: list[float] = []
        self.first_seq = 0
        self.done = threading.Event()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="bench-feed-server",
                                        daemon=True)
        self._task: asyncio.Future[None] | None = None

    def _run(self, coro: Any, timeout: float = 120.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> tuple[str, int, int]:
        self._thread.start()
        port = self._run(self.server.start())

        async def publish_setup() -> None:
            self.server.publish(self.setup)

        self._run(publish_setup())
        self.first_seq = self.server.seq + 1
        return f"ws://127.0.0.1:{port}", self.first_seq, len(self.live)

    def go(self) -> None:
        self._task = asyncio.run_coroutine_threadsafe(self._stream(), self.loop)

    async def _stream(self) -> None:
        events, rate, stamps = self.live, float(self.plan.point.rate), self.stamps
        n, i = len(events), 0
        start = time.perf_counter()
        try:
            while i < n:
                due = min(n, int((time.perf_counter() - start) * rate) + 1)
                if due > i:
                    now = time.perf_counter()
                    stamps.extend([now] * (due - i))
                    self.server.publish(events[i:due])
                    i = due
                await asyncio.sleep(0.001)
        finally:
            self.done.set()

    def finished(self) -> bool:
        return self.done.is_set()

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._thread.is_alive():
            with contextlib.suppress(Exception):
                self._run(self.server.stop(), timeout=10)

            async def cancel_rest() -> None:
                tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

            with contextlib.suppress(Exception):
                self._run(cancel_rest(), timeout=10)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)
        if not self.loop.is_running():
            self.loop.close()


def _serve_in_child(plan: Plan, conn: Any) -> None:
    """`--server process`: the Publisher in a child process, driven over a pipe."""
    pub = Publisher(plan)
    try:
        conn.send(pub.start())
        if conn.recv() == "go":
            pub.go()
            pub.done.wait()
            conn.send(("stamps", pub.stamps))
            conn.recv()  # "stop": the client has what it needs
    finally:
        pub.close()
        conn.close()


class ProcessPublisher:
    """The same publisher in a child process: the server's work leaves the client's GIL.

    Stamps come back when the stream ends; `time.perf_counter` is CLOCK_MONOTONIC
    on Linux, one clock for every process of the machine.
    """

    def __init__(self, plan: Plan) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve_in_child, args=(plan, child),
                                 name="bench-feed-server", daemon=True)
        self.stamps: list[float] = []
        self._finished = False

    def start(self) -> tuple[str, int, int]:
        self._proc.start()
        if not self._conn.poll(300):
            raise RuntimeError("the feed server process did not start")
        return self._conn.recv()

    def go(self) -> None:
        self._conn.send("go")

    def finished(self) -> bool:
        if not self._finished and self._conn.poll():
            _, self.stamps = self._conn.recv()
            self._finished = True
        return self._finished

    def close(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self._conn.send("stop")
        self._proc.join(20)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)
        self._conn.close()


# ================================================================ the client side
@dataclass
class TickRecord:
    start: float  # perf_counter when FloorTicker.tick began
    cost: float  # seconds inside FloorTicker.tick (drain, apply, every view's refresh)
    paint: float  # seconds in the processEvents() after it (Qt painting the tick's changes)
    pending: int  # hub.pending when the tick began: events waiting in the hand-off
    events: int  # events the tick applied


def _pct(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return math.nan
    return sorted_values[min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))]


def run_point(plan: Plan, server_mode: str, connect_timeout: float,
              drain_timeout: float) -> dict[str, Any]:
    """Run one point in this process and return its figures."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from feeds.hub import FeedHub
    from monitor.events import Snapshot
    from monitor.floor import Floor
    from ui.floor_window import FloorWindow
    from ui.tick import FloorTicker

    class RecordingHub(FeedHub):
        """The real hub; remembers what each drain handed to the ticker."""

        handed: list = []

        def drain(self, *args: Any, **kw: Any) -> list:
            items = super().drain(*args, **kw)
            self.handed = items
            return items

    class TimedTicker(FloorTicker):
        """The real ticker; notes when each tick starts and how full the hand-off was."""

        started = 0.0
        pending_before = 0

        def tick(self) -> None:
            self.pending_before = self.hub.pending
            self.started = time.perf_counter()
            super().tick()

    app = QApplication.instance() or QApplication([])
    t_build = time.perf_counter()
    pub: Publisher | ProcessPublisher = (
        ProcessPublisher(plan) if server_mode == "process" else Publisher(plan))
    url, first_seq, n_live = pub.start()
    built_s = time.perf_counter() - t_build
    last_seq = first_seq + n_live - 1
    first_measured = first_seq + int(plan.point.rate * plan.warmup)

    applied: dict[int, float] = {}  # seq -> perf_counter once painted
    snapshots: list[tuple[float, int]] = []  # (painted at, last seq it includes)
    ticks: list[TickRecord] = []

    floor = Floor()
    hub = RecordingHub.for_urls([url])
    engine = None
    if os.environ.get(ALERTS_ENV, "1") != "0":  # as `floorwatch run` does: the shipped rules
        from monitor.alert_defaults import default_rules
        from monitor.alert_engine import AlertEngine

        engine = AlertEngine(floor, default_rules())
    window = FloorWindow(floor, alerts=engine)
    window.resize(1600, 1000)
    window.show()
    ticker = TimedTicker(floor, hub, [window], alerts=engine)

    def on_ticked() -> None:
        refreshed = time.perf_counter()
        # Deliver the tick's update requests: Qt paints what changed. Each pass leaves
        # what it posted itself to the next: a label that grew asks for a layout, the
        # layout moves the status bar, that asks for a paint. Three passes paint it all.
        for _ in range(PAINT_PASSES):
            app.processEvents()
        painted = time.perf_counter()
        items, hub.handed = hub.handed, []
        for item in items:
            if isinstance(item.event, Snapshot):
                snapshots.append((painted, item.seq))
            elif item.seq:
                applied[item.seq] = painted
        ticks.append(TickRecord(ticker.started, refreshed - ticker.started, painted - refreshed,
                                ticker.pending_before, len(items)))

    ticker.sig_ticked.connect(on_ticked)

    def wait(cond: Any, timeout: float) -> bool:
        deadline = time.perf_counter() + timeout
        while not cond():
            if time.perf_counter() > deadline:
                return False
            # Sleeps until an event comes; the tick timer wakes it at the latest.
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        return True

    def shown(seq: int) -> bool:
        return seq in applied or any(s >= seq for _, s in snapshots)

    try:
        hub.start()
        ticker.start()
        t_connect = time.perf_counter()
        if not wait(lambda: bool(snapshots) and hub.pending == 0, connect_timeout):
            raise RuntimeError(f"no snapshot painted within {connect_timeout:.0f} s")
        connect_s = time.perf_counter() - t_connect
        setup_ticks = len(ticks)
        pub.go()
        wait(pub.finished, plan.warmup + plan.seconds + drain_timeout + 60)
        drained = wait(lambda: shown(last_seq), drain_timeout)
        health = hub.health()[0]
    finally:
        ticker.stop()
        hub.stop()
        pub.close()
        window.close()
        window.deleteLater()
        app.processEvents()

    stamps = pub.stamps
    # A resync snapshot shows every event it includes that was not shown before.
    via_snapshot = 0
    for painted, seq in snapshots:
        for s in range(first_seq, min(seq, last_seq) + 1):
            if s not in applied:
                applied[s] = painted
                via_snapshot += 1
    measured = range(first_measured, last_seq + 1)
    lat = sorted(applied[s] - stamps[s - first_seq] for s in measured if s in applied)
    t_from, t_to = stamps[first_measured - first_seq], stamps[-1]
    window_s = max(t_to - t_from, 1e-9)
    live_ticks = [k for k in ticks[setup_ticks:] if t_from <= k.start <= t_to]
    costs = sorted(k.cost for k in live_ticks)
    after = [k for k in ticks[setup_ticks:] if k.start >= t_to]
    return {
        "point": str(plan.point), "agents": plan.point.agents, "queues": plan.point.queues,
        "rate": plan.point.rate, "seconds": plan.seconds, "warmup": plan.warmup,
        "time_scale": plan.time_scale,
        "server": server_mode, "setup_events": len(pub.setup) if isinstance(pub, Publisher) else None,
        "built_s": built_s, "connect_s": connect_s,
        "sent": len(measured), "sent_per_s": (len(measured) - 1) / window_s,
        "applied": len(lat), "via_snapshot": via_snapshot, "drained": drained,
        "p50_ms": _pct(lat, 0.50) * 1000, "p95_ms": _pct(lat, 0.95) * 1000,
        "p99_ms": _pct(lat, 0.99) * 1000, "max_ms": (lat[-1] if lat else math.nan) * 1000,
        "ticks_per_s": len(live_ticks) / window_s,
        "tick_mean_ms": statistics.fmean(costs) * 1000 if costs else math.nan,
        "tick_p95_ms": _pct(costs, 0.95) * 1000, "tick_max_ms": (costs[-1] if costs else math.nan) * 1000,
        "paint_mean_ms": statistics.fmean(k.paint for k in live_ticks) * 1000 if live_ticks else math.nan,
        "backlog_max": max((k.pending for k in live_ticks), default=0),
        "backlog_end": after[0].pending if after else 0,
        "resyncs": health.resyncs, "dropped": health.dropped, "rejected": health.rejected,
        "engine_errors": ticker.engine_errors, "unknown_references": floor.unknown_references,
        "rejected_events": floor.rejected_events,
        "loadavg_1m": os.getloadavg()[0],  # other work on the machine during the run
    }


# =================================================================== the runner
COLUMNS = (
    ("agents", "agents", "{:,}"), ("queues", "queues", "{:,}"), ("ev/s", "rate", "{:,}"),
    ("sent", "sent", "{:,}"), ("applied", "applied", "{:,}"),
    ("p50 ms", "p50_ms", "{:,.0f}"), ("p95 ms", "p95_ms", "{:,.0f}"),
    ("p99 ms", "p99_ms", "{:,.0f}"), ("max ms", "max_ms", "{:,.0f}"),
    ("ticks/s", "ticks_per_s", "{:.1f}"), ("tick mean ms", "tick_mean_ms", "{:,.0f}"),
    ("tick p95 ms", "tick_p95_ms", "{:,.0f}"), ("tick max ms", "tick_max_ms", "{:,.0f}"),
    ("backlog max", "backlog_max", "{:,}"), ("backlog end", "backlog_end", "{:,}"),
)


def table(results: list[dict[str, Any]]) -> str:
    rows = [[h for h, _, _ in COLUMNS]]
    rows += [[f.format(r[k]) for _, k, f in COLUMNS] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _one(args: argparse.Namespace) -> None:
    plan = Plan(args.one, args.seconds, args.warmup, args.history_per_queue, args.seed,
                args.time_scale)
    result = run_point(plan, args.server, args.connect_timeout, args.drain_timeout)
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def _run_child(point: Point, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(point),
           "--seconds", str(args.seconds), "--warmup", str(args.warmup),
           "--history-per-queue", str(args.history_per_queue), "--seed", str(args.seed), "--server", args.server,
           "--time-scale", str(args.time_scale),
           "--connect-timeout", str(args.connect_timeout),
           "--drain-timeout", str(args.drain_timeout)]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=False)
    lines = [x for x in proc.stdout.splitlines() if x.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        sys.stdout.write(proc.stdout)
        raise SystemExit(f"{point}: the run failed (exit {proc.returncode})")
    return json.loads(lines[-1][len(RESULT_PREFIX):])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--points", type=lambda s: [Point.parse(x) for x in s.split(",") if x],
                    default=None, help=f"comma-separated AGENTSxQUEUES@EVENTS_PER_S "
                    f"(default {DEFAULT_POINTS})")
    ap.add_argument("--seconds", type=float, default=None,
                    help="measured seconds of live events per point (default 30)")
    ap.add_argument("--warmup", type=float, default=None,
                    help="seconds of live events before the measured ones, applied but not "
                    "counted (default 2)")
    ap.add_argument("--history-per-queue", type=int, default=None,
                    help="events of history (over the 2 h before the live stream) per queue, "
                    "published with the setup (default 600; smoke 200)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per point; the table shows the best (lowest p99)")
    ap.add_argument("--smoke", action="store_true",
                    help=f"a few seconds: {SMOKE_POINTS}, 3 s (the CI smoke run)")
    ap.add_argument("--server", choices=("thread", "process"), default="thread",
                    help="feed server on a thread of this process (default) or in a child process")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-alerts", action="store_true",
                    help="the window without the alert engine and panel (default: with the "
                         "shipped rules, as `floorwatch run`)")
    ap.add_argument("--time-scale", type=float, default=1.0,
                    help="event seconds per wall second (default 1: a live floor; 10 runs "
                    "event time ten times faster, as an accelerated simulator does)")
    ap.add_argument("--connect-timeout", type=float, default=300.0)
    ap.add_argument("--drain-timeout", type=float, default=None,
                    help="seconds to wait for the client to show every event after the "
                    "stream ends (default 60; smoke 20)")
    ap.add_argument("--json", type=Path, help="also write every run's figures to this file")
    ap.add_argument("--one", type=Point.parse, help=argparse.SUPPRESS)  # one point, here
    args = ap.parse_args(argv)
    if args.no_alerts:
        os.environ[ALERTS_ENV] = "0"
    smoke = args.smoke
    if args.points is None:
        args.points = [Point.parse(x) for x in (SMOKE_POINTS if smoke else DEFAULT_POINTS).split(",")]
    if args.seconds is None:
        args.seconds = 3.0 if smoke else 30.0
    if args.warmup is None:
        args.warmup = 1.0 if smoke else 2.0
    if args.history_per_queue is None:
        args.history_per_queue = 200 if smoke else 600
    if args.drain_timeout is None:
        args.drain_timeout = 20.0 if smoke else 60.0
    if args.one is not None:
        _one(args)
        return 0

    print(f"machine: {describe()}")
    from ui.tick import TICK_HZ

    where = "in a child process" if args.server == "process" else "on a thread"
    alerts = ("without alerts" if os.environ.get(ALERTS_ENV, "1") == "0"
              else "with the alert engine and panel (shipped rules)")
    print(f"floor window {alerts}")
    print(f"event -> pixel: FeedServer {where} -> websocket -> FeedHub -> FloorTicker "
          f"{TICK_HZ} Hz -> FloorWindow 1600x1000, QT_QPA_PLATFORM="
          f"{os.environ['QT_QPA_PLATFORM']}; latency = end of the repaint after the tick that "
          f"applied the event - stamp at publish; event time x{args.time_scale:g} wall time; "
          f"{args.seconds:g} s measured after {args.warmup:g} s warm-up; "
          f"{args.repeat} run(s) per point", flush=True)
    runs: list[dict[str, Any]] = []
    best: list[dict[str, Any]] = []
    for point in args.points:
        mine = []
        for k in range(args.repeat):
            r = _run_child(point, args)
            r["run"] = k + 1
            mine.append(r)
            print(f"  {point} run {k + 1}/{args.repeat}: p50 {r['p50_ms']:,.0f} ms, "
                  f"p99 {r['p99_ms']:,.0f} ms, {r['ticks_per_s']:.1f} ticks/s, "
                  f"tick mean {r['tick_mean_ms']:,.0f} ms, applied {r['applied']:,}/{r['sent']:,}, "
                  f"sent {r['sent_per_s']:,.0f}/s, connect {r['connect_s']:.1f} s, "
                  f"load average {r['loadavg_1m']:.2f}",
                  flush=True)
        runs += mine
        best.append(min(mine, key=lambda r: (r["applied"] < r["sent"], r["p99_ms"])))
    print()
    print(table(best))
    print()
    for r in best:
        notes = []
        if args.repeat > 1:
            notes.append(f"best of {args.repeat} runs by p99: run {r['run']}")
        if r["via_snapshot"]:
            notes.append(f"{r['via_snapshot']:,} shown through a resync snapshot")
        if abs(r["sent_per_s"] - r["rate"]) > 0.05 * r["rate"]:
            notes.append(f"the server only sent {r['sent_per_s']:,.0f} events/s")
        for key in ("dropped", "resyncs", "engine_errors", "unknown_references"):
            if r[key]:
                notes.append(f"{key.replace('_', ' ')} {r[key]:,}")
        print(f"{r['point']}: events applied {r['applied']:,} of {r['sent']:,} sent; paint mean "
              f"{r['paint_mean_ms']:.1f} ms/tick; connect to first painted snapshot "
              f"{r['connect_s']:.1f} s" + "".join(f"; {n}" for n in notes))
    print(f"machine: {describe()}")
    if args.json:
        args.json.write_text(json.dumps({"machine": describe(), "runs": runs, "best": best},
                                        indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
