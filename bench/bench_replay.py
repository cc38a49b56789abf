"""Replay of a long recording: size, headless replay rate, seek time, checkpoint cost.

A seeded simulated day (default 8 hours, 1,000 agents; a heartbeat a second, as a live
feed sends) is recorded headless, as fast as possible, through the real `Recorder`
(which keeps its floor and writes a checkpoint every 300 s of event time). Then:

- recording size per hour (the file and its WAL; the checkpoints' share);
- the recorder's extra cost per event: its floor applying the events and writing the
  checkpoints (`CheckpointTracker.plan` over the recorded events, in the recorder's
  batch sizes), against the rest of its work per event;
- open: the check and survey a `ReplaySource` makes of the file (span, activity);
- replay to the end headless, `ReplaySource.events` at full speed into `Floor.apply`,
  in events per second (target >= 100,000);
- seek to the middle (target < 1 s): from `seek` until the snapshots are installed in
  a fresh floor; best of three, and the worst of several seeks across the day.

`--smoke` runs a short, small day (for the test suite); `--keep FILE` keeps the recording,
`--reuse FILE` measures a kept one again (give the same --hours and --agents).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.machine import describe  # noqa: E402
from feeds.sim import START_T, SimConfig, Simulation  # noqa: E402
from feeds.sources.replay import ReplaySource  # noqa: E402
from feeds.store.checkpoints import CheckpointTracker  # noqa: E402
from feeds.store.recording import Recorder, read_rows  # noqa: E402
from monitor.events import Heartbeat, Snapshot  # noqa: E402
from monitor.floor import Floor  # noqa: E402

TARGET_EVENTS_PER_S = 100_000
TARGET_SEEK_S = 1.0


def record_day(path: Path, config: SimConfig, hours: float) -> tuple[int, float]:
    """Record the day; (events, seconds the recording took)."""
    sim = Simulation(config)
    recorder = Recorder(path, feeds=["sim"])
    if not recorder.wait_ready():
        raise SystemExit(f"cannot write {path}: {recorder.error}")
    started = time.perf_counter()
    seq = 0
    for e in sim.setup_events():
        seq += 1
        recorder.record("sim", seq, e)
    t, end = config.start_t, config.start_t + hours * 3600.0
    while t < end:
        t += 1.0
        for e in [*sim.run_until(t), Heartbeat(t)]:
            seq += 1
            recorder.record("sim", seq, e)
        while recorder.pending > recorder.limit // 2:
            time.sleep(0.005)  # let the writer catch up rather than drop
    recorder.close()
    if recorder.dropped:
        raise SystemExit(f"{recorder.dropped} events could not be recorded")
    return seq, time.perf_counter() - started


def checkpoint_cost(path: Path, limit: int, batch: int = 2_000) -> tuple[float, int]:
    """µs per event the recorder's floor and checkpoints cost, over the first `limit`
    recorded events in batches of `batch`; and the checkpoints it made."""
    events = [(feed, e) for feed, _s, _e, e in read_rows(path)][:limit]
    tracker = CheckpointTracker()
    started = time.perf_counter()
    cuts = 0
    for i in range(0, len(events), batch):
        cuts += len(tracker.plan(events[i:i + batch]))
    took = time.perf_counter() - started
    return took / max(1, len(events)) * 1e6, cuts


def replay_to_end(path: Path) -> tuple[int, float, Floor]:
    source = ReplaySource(path, speed=math.inf, hold_at_end=False)
    floor = Floor()

    async def run() -> int:
        n = 0
        apply = floor.apply
        async for item in source.events(asyncio.Event()):
            apply(item.event, item.feed)
            n += 1
        return n

    started = time.perf_counter()
    n = asyncio.run(run())
    return n, time.perf_counter() - started, floor


def seek_once(source: ReplaySource, t: float) -> tuple[float, float]:
    """(seconds from seek until its snapshots are installed in a fresh floor, of which
    building the state at t)."""
    floor = Floor()
    n = len(source.feeds)

    async def run() -> float:
        got = 0
        stop = asyncio.Event()
        started = time.perf_counter()
        source.seek(t)
        async for item in source.events(stop):
            if isinstance(item.event, Snapshot):
                floor.apply(item.event, item.feed)
                got += 1
                if got == n:
                    break
        return time.perf_counter() - started

    took = asyncio.run(run())
    return took, source.last_seek_s


def file_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--agents", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--smoke", action="store_true", help="a short small day (the test suite)")
    ap.add_argument("--keep", type=Path, metavar="FILE", help="write the recording here")
    ap.add_argument("--reuse", type=Path, metavar="FILE",
                    help="measure this recording (made with --keep) instead of recording one")
    args = ap.parse_args(argv)
    if args.smoke:
        args.hours, args.agents = 0.5, 60
    print(describe())
    config = SimConfig(agents=args.agents, seed=args.seed, start_t=START_T)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.reuse or args.keep or Path(tmp) / "day.fwrec"
        if args.reuse is None and path.exists():
            raise SystemExit(f"{path} exists already")
        if args.reuse is not None:
            events, recorded_s = sum(1 for _ in read_rows(path)), math.nan
        else:
            events, recorded_s = record_day(path, config, args.hours)
        size = file_bytes(path)
        with sqlite3.connect(path) as conn:
            cps, cp_bytes = conn.execute(
                "SELECT COUNT(DISTINCT last_id), COALESCE(SUM(LENGTH(data)), 0) "
                "FROM checkpoints").fetchone()
        print(f"{args.hours:g} h, {args.agents} agents, seed {args.seed}: {events:,} events "
              f"recorded in {recorded_s:.1f} s ({events / recorded_s:,.0f} events/s)")
        print(f"  size: {size / 1e6:.1f} MB, {size / 1e6 / args.hours:.1f} MB per hour "
              f"({size / events:.0f} bytes per event); {cps} checkpoints, "
              f"{cp_bytes / 1e6:.1f} MB of them ({cp_bytes / size:.0%})")
        per_event, _ = checkpoint_cost(path, limit=300_000)
        print(f"  recorder's floor and checkpoints: {per_event:.1f} µs per event "
              f"(over the first {min(events, 300_000):,} events)")
        started = time.perf_counter()
        source = ReplaySource(path, speed=math.inf)
        opened = time.perf_counter() - started
        print(f"  open (check and survey): {opened:.2f} s; span "
              f"{(source.span[1] - source.span[0]) / 3600:.2f} h, "
              f"{len(source.busy_periods())} busy periods of 5 min")
        n, took, _ = replay_to_end(path)
        rate = n / took
        print(f"  replay to the end, headless (source -> Floor.apply): {n:,} events in "
              f"{took:.1f} s = {rate:,.0f} events/s (target >= {TARGET_EVENTS_PER_S:,}: "
              f"{'met' if rate >= TARGET_EVENTS_PER_S else 'NOT met'})")
        first, last = source.span
        mid = (first + last) / 2
        runs = [seek_once(ReplaySource(path, speed=math.inf), mid) for _ in range(3)]
        best, state_s = min(runs)
        print(f"  seek to the middle: {best:.3f} s (building the state {state_s:.3f} s; "
              f"target < {TARGET_SEEK_S:g} s: {'met' if best < TARGET_SEEK_S else 'NOT met'})")
        worst = max(seek_once(ReplaySource(path, speed=math.inf),
                              first + (last - first) * k / 8 + 299.0)[0] for k in range(8))
        print(f"  worst of 8 seeks across the day (each just before a checkpoint): "
              f"{worst:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
