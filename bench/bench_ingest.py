"""Headless ingest: the real client path (FeedHub + Floor) against the bare receive + decode ceiling.

A real `feeds.server.FeedServer` runs in a child process (so this process
measures only the client) and publishes a prepared stream of canonical events
(bench/bench_latency.py's `SyntheticFloor`: 10,000 agents, 200 queues of both
channels, its setup and history published before the client connects, then
300,000 live events with event times 1 / 2,000 s apart) as fast as the client
takes them: the server publishes the next chunk whenever the client's send
queue holds fewer than `LOW_WATER` frames, so the queue (20,000 frames; a full
one drops to a snapshot) never fills and the stream goes through without a
resync. The live frames are the bytes `FeedServer.publish` sends a msgpack
client, encoded beforehand, and go through the server's own bookkeeping, send
queue and pump; only the mirror floor's apply is left out (it is for
snapshots, and a run that needs one fails), so the server keeps ahead. Each
run gets a fresh server, so every client starts from the same snapshot and
applies the same events.

Two clients take the stream, alternating. Each reads nothing until the server
says the pipeline is full (the socket's buffers and the send queue: a server
writing into a backed-up socket buffers its frames instead of one `send` call
per frame, so it stays ahead; without that head start a client runs in
lockstep at the server's pace), and is timed from then until it has every
live event:

- the ceiling: a bare `websockets` client (the options `WebsocketSource`
  connects with) that receives every frame and `msgpack.unpackb`s it with
  `feeds.protocol.decode`'s options, reading only the sequence number;
- the client: `feeds.hub.FeedHub.for_urls([url])` drained in a loop on this
  thread into a `monitor.floor.Floor` - `floor.apply(item.event, item.feed)`
  for each, then `floor.take_changes()` - as `ui.tick.FloorTicker` does
  without Qt and its views. By default (`--feed default`, a machine with two
  cores or more) the feed runs in a child process
  (`feeds.sources.process.ProcessWebsocketSource`: receive, decode and checks
  - the typed fast path `feeds.fast_decode`, the reference decoder for
  anything else -, sequencing, batches of plain rows over a pipe), and this
  process only builds the events, hands them off and applies them; `--feed
  thread` keeps the feed on the hub's network thread, as on one core. Until
  the pipeline is full the hub's network loop is held and the feed process
  stopped (SIGSTOP), so it reads nothing either.

Printed: each run's events/s, the share of a core this process, the server
and (for the client) the feed process used while it ran (this process near
100 %: the client was the limit), the best of the runs for each path, their
ratio (issue 8: >= 0.5) and the resyncs (must be 0). Exits 1 if any run
missed an event or resynced. The machine is shared with whatever else runs:
the ratio within one run, not the absolute figures, is what compares.

    python bench/bench_ingest.py                 # 10,000 agents, 200 queues, 300,000 events, best of 3
    python bench/bench_ingest.py --feed thread   # the feed on the hub's thread instead
    python bench/bench_ingest.py --smoke         # 200 agents, 10 queues, 5,000 events, 1 run each (CI)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_latency import Plan, Point  # noqa: E402
from bench.machine import describe  # noqa: E402

EVENT_RATE = 2000  # events per second of event time in the stream (issue 8's load)
CHUNK = 500  # events published at a time
LOW_WATER = 5000  # publish the next chunk while the client's send queue holds fewer frames
DRAIN_MAX = 50_000  # events per drain: ui.tick.MAX_EVENTS_PER_TICK, one tick's bound
IDLE_S = 0.0005  # the client loop's pause when the hand-off is empty
BUSY_ENOUGH = 0.9  # below this share of a core, a run waited for something else
TIMEOUT_S = 600.0  # one run, and the server's setup
FEED_ID = "bench"


# ================================================================ the server side
def _serve(plan: Plan, conn: Any) -> None:
    """Child process: build the stream once, then serve it to one client per run."""
    from feeds import protocol as p

    setup, live = plan.build()
    # The frames FeedServer.publish would build for a binary client, built beforehand:
    # a fresh server numbers the setup 1..len(setup), the stream from there on.
    frames = [p.encode(p.event_envelope(e, FEED_ID, len(setup) + 1 + i))
              for i, e in enumerate(live)]
    conn.send((len(setup), len(live)))
    try:
        while conn.recv() == "serve":
            asyncio.run(_serve_one(setup, live, frames, conn))
    except Exception as exc:
        with contextlib.suppress(OSError):  # the client stops waiting
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        conn.close()


async def _serve_one(setup: list, live: list, frames: list, conn: Any) -> None:
    from feeds.server import FeedServer

    class PreparedServer(FeedServer):
        """The real server (its connection handling, hello, welcome, snapshot, send queue
        and pump), streaming frames encoded beforehand; counts the snapshots it builds."""

        snapshots = 0

        def _snapshot_frame(self, binary: bool) -> bytes | str:
            self.snapshots += 1
            return super()._snapshot_frame(binary)

        def publish_prepared(self, events: list, frames: list) -> None:
            """`publish` for these events, less the mirror floor and the encoding."""
            clients = list(self._clients)
            for event, frame in zip(events, frames, strict=True):
                self.seq += 1
                self._recent.append((self.seq, event))
                for client in clients:
                    self._enqueue(client, frame)

    loop = asyncio.get_running_loop()
    server = PreparedServer(feed_id=FEED_ID)
    port = await server.start()
    server.publish(setup)  # before the client connects: its first snapshot holds it
    if server.seq != len(setup):
        raise RuntimeError("the setup was not numbered as the prepared frames assume")
    conn.send((f"ws://127.0.0.1:{port}", server.seq + 1, server.seq + len(live)))
    try:
        go = await loop.run_in_executor(None, conn.recv)  # the client has its snapshot
        if go not in ("go", "go primed"):
            return
        tell_primed = go == "go primed"
        clients = server._clients  # noqa: SLF001 - the one client's send queue paces the stream
        if any(c.binary is not True for c in clients):
            raise RuntimeError("the prepared frames are for a binary (msgpack) client")
        cpu0 = time.process_time()
        i, n = 0, len(live)
        while i < n:
            if not clients:
                raise RuntimeError("the client went away during the stream")
            if max(c.outbox.qsize() for c in clients) < LOW_WATER:
                server.publish_prepared(live[i:i + CHUNK], frames[i:i + CHUNK])
                i += CHUNK
                await asyncio.sleep(0)  # let the pump send
            else:
                if tell_primed:  # the socket and the send queue are full: say so
                    conn.send("primed")
                    tell_primed, cpu0 = False, time.process_time()
                await asyncio.sleep(0.0005)
        if tell_primed:  # the whole stream fitted in the buffers
            conn.send("primed")
            cpu0 = time.process_time()
        # The client says when it has everything (the pump may still be sending).
        msg = await loop.run_in_executor(None, conn.recv)
        conn.send({"cpu_s": time.process_time() - cpu0,  # from the client's start
                   "extra_snapshots": server.snapshots - 1,
                   "rejected_frames": server.rejected_frames})
        if msg != "done":
            raise RuntimeError(f"unexpected {msg!r} from the client")
    finally:
        await server.stop()


class Server:
    """The FeedServer child process, driven over a pipe."""

    def __init__(self, plan: Plan) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(plan, child), name="bench-ingest-server",
                                 daemon=True)
        self._proc.start()
        child.close()
        self.n_setup, self.n_live = self._recv()

    def _recv(self) -> Any:
        if not self._conn.poll(TIMEOUT_S):
            raise RuntimeError("the feed server process did not answer")
        answer = self._conn.recv()
        if isinstance(answer, tuple) and answer and answer[0] == "error":
            raise RuntimeError(f"the feed server failed: {answer[1]}")
        return answer

    def serve(self) -> tuple[str, int, int]:
        """A fresh server with the setup published: (url, first live seq, last live seq)."""
        self._conn.send("serve")
        return self._recv()

    def go(self, primed: bool = False) -> None:
        """Start the stream; with `primed`, `wait_primed` returns once the pipeline
        (the socket's buffers and the client's send queue) is full."""
        self._conn.send("go primed" if primed else "go")

    def wait_primed(self) -> None:
        if self._recv() != "primed":
            raise RuntimeError("the feed server did not prime the stream")

    def done(self) -> dict[str, Any]:
        self._conn.send("done")
        return self._recv()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send("quit")
        self._proc.join(20)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(5)
        self._conn.close()


# ================================================================ the client side
@dataclass
class Run:
    path: str  # "ceiling" or "client"
    events: int = 0  # live events received (ceiling) or applied (client)
    seconds: float = 0.0  # from "go" (ceiling: "primed") until the last live event was taken
    cpu_s: float = 0.0  # this process's CPU time over those seconds
    resyncs: int = 0  # snapshots after the first (ceiling) / the feed's resyncs (client)
    missing: int = 0  # live events never received / applied
    snapshot_bytes: int = 0
    notes: dict[str, Any] = field(default_factory=dict)
    server: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


async def _bare(url: str, first: int, last: int, server: Server, run: Run,
                envelope: bool) -> None:
    import msgpack
    from websockets.asyncio.client import connect

    from feeds import protocol as p

    unpackb = msgpack.unpackb

    def bare(frame: bytes) -> tuple[str, int]:
        """(type, seq): `protocol.decode`'s msgpack call, nothing checked."""
        raw = unpackb(frame, raw=False, strict_map_key=True)
        return raw["type"], raw["seq"]

    def checked(frame: bytes) -> tuple[str, int]:
        """(type, seq): `protocol.decode` whole, its envelope checks included."""
        env = p.decode(frame)
        return env.type, env.seq

    decode = checked if envelope else bare

    async with connect(url, max_size=p.MAX_FRAME_BYTES, open_timeout=10, close_timeout=1,
                       compression=None) as ws:
        await ws.send(p.encode(p.Envelope(type=p.HELLO, data={
            "token": "", "resume_from": None, "epoch": ""})))
        async for frame in ws:  # the welcome, then the snapshot
            if decode(frame)[0] == "snapshot":
                run.snapshot_bytes = len(frame)
                break
        # Not a frame read until the pipeline is full: from then on the server writes into
        # a backed-up socket (cheap, no send per frame) and keeps ahead of this client.
        server.go(primed=True)
        server.wait_primed()  # blocks this loop: nothing is read meanwhile
        t0, cpu0 = time.perf_counter(), time.process_time()
        expect = first
        async for frame in ws:
            typ, seq = decode(frame)
            if typ == "snapshot":
                run.resyncs += 1
                expect = seq + 1
            elif seq == expect:
                run.events += 1
                expect += 1
            if seq >= last:
                break
        run.seconds = time.perf_counter() - t0
        run.cpu_s = time.process_time() - cpu0
    run.missing = last - first + 1 - run.events


def run_ceiling(server: Server, envelope: bool = False) -> Run:
    run = Run("ceiling")
    url, first, last = server.serve()
    asyncio.run(asyncio.wait_for(_bare(url, first, last, server, run, envelope), TIMEOUT_S))
    run.server = server.done()
    return run


def run_client(server: Server, processes: bool | None) -> Run:
    from feeds.hub import FeedHub
    from monitor.events import Snapshot
    from monitor.floor import Floor

    run = Run("client")
    url, first, last = server.serve()
    floor = Floor()
    hub = FeedHub.for_urls([url], processes=processes)
    drain, apply, take_changes = hub.drain, floor.apply, floor.take_changes
    hub.start()
    try:
        deadline = time.perf_counter() + TIMEOUT_S
        have_snapshot = False
        while not have_snapshot:  # connect, take and apply the snapshot: not timed
            if time.perf_counter() > deadline:
                raise RuntimeError("no snapshot from the server")
            for item in drain(DRAIN_MAX):
                apply(item.event, item.feed)
                have_snapshot = have_snapshot or isinstance(item.event, Snapshot)
            take_changes()
            time.sleep(0.01)
        # As for the ceiling, nothing is read until the pipeline is full: the hub's network
        # loop is held (a feed process fills its pipe to us, then stops reading too).
        gate = threading.Event()
        hub._loop.call_soon_threadsafe(gate.wait, TIMEOUT_S)  # noqa: SLF001 - bench only
        child = getattr(hub.sources[0], "process", None)  # the feed's own process, if any
        child = child if hasattr(signal, "SIGSTOP") else None  # POSIX only
        if child is not None:
            os.kill(child.pid, signal.SIGSTOP)  # it reads nothing either
        server.go(primed=True)
        server.wait_primed()
        t0, cpu0 = time.perf_counter(), time.process_time()
        child_cpu0 = _cpu_s(child)
        if child is not None:
            os.kill(child.pid, signal.SIGCONT)
        gate.set()
        deadline = t0 + TIMEOUT_S
        applied, seen, max_pending = 0, 0, 0
        while seen < last:
            max_pending = max(max_pending, hub.pending)
            items = drain(DRAIN_MAX)
            if not items:
                if time.perf_counter() > deadline:
                    break
                time.sleep(IDLE_S)
                continue
            for item in items:
                apply(item.event, item.feed)
            take_changes()
            applied += len(items)
            seen = items[-1].seq  # a snapshot's seq is the last it includes
        run.seconds = time.perf_counter() - t0
        run.cpu_s = time.process_time() - cpu0
        if child_cpu0 is not None:
            run.notes["feed_cpu_s"] = (_cpu_s(child) or child_cpu0) - child_cpu0
        health = hub.health()[0]
    finally:
        hub.stop()
    run.events = applied
    run.resyncs = health.resyncs
    run.missing = max(0, last - first + 1 - applied)
    run.notes |= {"dropped": health.dropped, "rejected": health.rejected,
                  "max_pending": max_pending, "unknown_references": floor.unknown_references,
                  "rejected_events": floor.rejected_events}
    run.server = server.done()
    return run


def _cpu_s(proc: Any) -> float | None:
    """CPU seconds a child process has used so far (Linux /proc), else None."""
    if proc is None or proc.pid is None:
        return None
    try:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# =================================================================== the runner
def _describe_run(k: int, runs: int, r: Run, envelope: bool) -> str:
    decode = "protocol.decode" if envelope else "msgpack.unpackb"
    label = (f"ceiling (websocket receive + {decode})" if r.path == "ceiling"
             else "client (FeedHub -> Floor.apply)")
    srv = r.server
    text = (f"  run {k}/{runs} {label}: {r.rate:,.0f} events/s ({r.events:,} in {r.seconds:.2f} s); "
            f"CPU: this process {r.cpu_s / r.seconds:.0%}, server {srv['cpu_s'] / r.seconds:.0%}; "
            f"resyncs {r.resyncs}")
    if r.missing:
        text += f"; MISSING {r.missing:,}"
    if "feed_cpu_s" in r.notes:
        feed_cpu = r.notes["feed_cpu_s"] / r.seconds
        text = text.replace("; resyncs", f", feed process {feed_cpu:.0%}; resyncs")
    if r.path == "client":
        text += (f"; hand-off max {r.notes['max_pending']:,}, dropped {r.notes['dropped']:,}, "
                 f"rejected {r.notes['rejected']:,}")
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=None, help="default 10,000 (smoke 200)")
    ap.add_argument("--queues", type=int, default=None, help="default 200 (smoke 10)")
    ap.add_argument("--events", type=int, default=None, help="live events (default 300,000; smoke 5,000)")
    ap.add_argument("--runs", type=int, default=None, help="runs of each path, alternating (default 3; smoke 1)")
    ap.add_argument("--history-per-queue", type=int, default=None,
                    help="events of history per queue in the setup (default 600; smoke 50)")
    ap.add_argument("--event-rate", type=int, default=EVENT_RATE,
                    help=f"events per second of event time (default {EVENT_RATE:,})")
    ap.add_argument("--ceiling", choices=("unpackb", "envelope"), default="unpackb",
                    help="the ceiling's decode: msgpack.unpackb with protocol.decode's options "
                    "(default), or protocol.decode whole with its envelope checks")
    ap.add_argument("--feed", choices=("default", "process", "thread"), default="default",
                    help="the client's websocket feed: in a child process, on the hub's "
                    "thread, or as `FeedHub.for_urls` chooses (default)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--smoke", action="store_true", help="a few seconds (the CI smoke run)")
    args = ap.parse_args(argv)
    defaults = (200, 10, 5000, 1, 50) if args.smoke else (10_000, 200, 300_000, 3, 600)
    for name, value in zip(("agents", "queues", "events", "runs", "history_per_queue"), defaults,
                           strict=True):
        if getattr(args, name) is None:
            setattr(args, name, value)

    envelope = args.ceiling == "envelope"
    processes = {"default": None, "process": True, "thread": False}[args.feed]
    from feeds.hub import feed_processes

    feed_where = ("a child process" if (feed_processes() if processes is None else processes)
                  else "the hub's network thread")
    print(f"machine: {describe()}", flush=True)
    plan = Plan(Point(args.agents, args.queues, args.event_rate),
                seconds=args.events / args.event_rate, warmup=0.0,
                history_per_queue=args.history_per_queue, seed=args.seed)
    t_build = time.perf_counter()
    server = Server(plan)
    runs: list[Run] = []
    try:
        print(f"stream: {server.n_live:,} live events (synthetic floor, {args.agents:,} agents, "
              f"{args.queues:,} queues, event time {args.event_rate:,} events/s) after "
              f"{server.n_setup:,} setup and history events; FeedServer in a child process, "
              f"{CHUNK} events per publish while the client's send queue holds < {LOW_WATER:,} "
              f"frames; built in {time.perf_counter() - t_build:.1f} s", flush=True)
        for k in range(1, args.runs + 1):
            for path in ("ceiling", "client"):
                gc.collect()
                r = (run_ceiling(server, envelope) if path == "ceiling"
                     else run_client(server, processes))
                runs.append(r)
                print(_describe_run(k, args.runs, r, envelope), flush=True)
    finally:
        server.close()

    ceiling = max((r for r in runs if r.path == "ceiling"), key=lambda r: r.rate)
    client = max((r for r in runs if r.path == "client"), key=lambda r: r.rate)
    # A resync shows on both ends: the client's count, the server's snapshots after the first.
    resyncs = sum(max(r.resyncs, r.server["extra_snapshots"]) for r in runs)
    missing = sum(r.missing for r in runs)
    print(f"snapshot at the start: {ceiling.snapshot_bytes / 2**20:.1f} MB")
    best = f"best of {args.runs}"
    what = "protocol.decode" if envelope else "msgpack.unpackb"
    print(f"ceiling, bare receive + decode ({what}, {best}): {ceiling.rate:,.0f} events/s "
          f"({1e6 / ceiling.rate:.1f} us/event)")
    print(f"client + engine, FeedHub + Floor.apply ({best}): {client.rate:,.0f} events/s "
          f"({1e6 / client.rate:.1f} us/event; the feed in {feed_where})")
    print(f"ratio client / ceiling: {client.rate / ceiling.rate:.2f} (issue 8 target >= 0.5)")
    for r in (ceiling, client):
        if r.cpu_s / r.seconds < BUSY_ENOUGH:
            print(f"note: this process was busy only {r.cpu_s / r.seconds:.0%} of its best "
                  f"{r.path} run: other work on the machine (or, for the ceiling, the server) "
                  f"held it back; its figure is a lower bound")
    print(f"resyncs: {resyncs} (server snapshots after the first, and the feed's resyncs); "
          f"events missing: {missing:,}")
    print(f"machine: {describe()}")
    if resyncs or missing:
        print("FAILED: the stream did not go through whole", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
