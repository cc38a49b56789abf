"""Memory of the engine at 10,000 agents over 24 simulated hours: RSS at 1 h and 24 h, growth, peak.

Two floors and a control, each in a fresh child process (all at once; `--serial` runs them
one after the other), each applying events in-process through `Floor.apply`,
one simulated second at a time, as a client's ticks would:

- `sim`: the simulator (`feeds.sim`, `SimConfig(agents=10000)`: 5 queues, its
  realistic mix of calls, chats, messages, callbacks and agent states, about
  1.5 million events per simulated hour at 10,000 agents), `run_until` in 1 s steps;
- `synthetic`: bench/bench_latency.py's `SyntheticFloor` (10,000 agents, 200
  queues of both channels, its setup and two hours of history first), at 400
  events per second of event time (0.04 per agent: about the simulator's rate);
- and a control, `simulator`: the same simulator run alone, no floor. RSS is
  the whole process, so `sim`'s includes the simulator's own state (about
  19 MB at the start, and it grows with the day's traffic): `sim`'s growth is
  also given less the simulator's own growth over the same hours.

After each step `Floor.take_changes()` (the tick's engine side: estimates,
window moves); each simulated minute every queue's and channel's view is read
(`queue_view`, `channel_view`), as the wall does, so the view caches are held.
Every simulated hour, after `gc.collect()`: the current RSS (/proc/self/statm),
the peak (`getrusage` max RSS) and the floor's own size (a walk of its object
graph with `sys.getsizeof`, done in a forked copy of the process so the walk
leaves nothing behind in the RSS measured; it tells the engine's growth apart
from the event generator's and the allocator's: RSS is the whole process,
generator included). No tracemalloc (it would slow the run several times over).

Printed: RSS per simulated hour for each floor, RSS at 1 h and at the end,
the growth between them in % (issue 8: <= 250 MB at 10,000 agents, growth
<= 5 % over 24 simulated hours), the peak, and the machine line.

    python bench/bench_memory.py             # 10,000 agents, 24 simulated hours (about 8 min)
    python bench/bench_memory.py --hours 6   # a shorter run
    python bench/bench_memory.py --smoke     # 200 agents, 2 simulated hours (CI)
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_latency import HISTORY_S, T0, SyntheticFloor  # noqa: E402
from bench.machine import describe  # noqa: E402

RESULT_PREFIX = "RESULT "
FLOORS = ("sim", "synthetic", "simulator")
RATE_PER_AGENT = 0.04  # synthetic events per second of event time per agent
HISTORY_PER_QUEUE = 600  # as bench_latency: every queue's 60-minute ring full at the start
MB = 2**20


# ============================================================ measuring memory
def rss_bytes() -> int:
    """The current resident set size (Linux: /proc/self/statm); 0 where there is none."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def max_rss_bytes() -> int:
    """The peak resident set size so far (kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


_SKIP = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
         types.MethodType, types.CodeType, types.FrameType)


def deep_size(root: object) -> int:
    """Bytes of the objects reachable from `root` (classes, modules and functions
    left out): the engine's own memory, without the interpreter's."""
    seen: set[int] = set()
    stack = [root]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _SKIP):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total


def floor_size(floor: object) -> int:
    """`deep_size(floor)`, walked in a forked copy of this process: the walk's own memory
    (a set of every object's id) never shows in this process's RSS. -1 without fork."""
    if not hasattr(os, "fork"):
        return -1
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: walk, answer, leave without any clean-up
        try:
            os.close(read_end)
            os.write(write_end, str(deep_size(floor)).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        answer = f.read()
    os.waitpid(pid, 0)
    return int(answer) if answer else -1


# ================================================================== one floor
def run_floor(kind: str, agents: int, queues: int, hours: float, rate: float, step_s: float,
              seed: int) -> dict[str, Any]:
    """Build `kind`'s floor, apply `hours` simulated hours; figures per simulated hour."""
    from monitor.events import Channel
    from monitor.floor import Floor

    rss_start = rss_bytes()
    with_floor = kind != "simulator"  # the simulator alone: what of `sim`'s RSS is its own
    if kind in ("sim", "simulator"):
        from feeds.sim import SimConfig, Simulation

        sim = Simulation(SimConfig(agents=agents, seed=seed))
        start = sim.now
        setup = sim.setup_events()

        def events_until(t: float) -> list:
            return sim.run_until(t)
    else:
        synthetic = SyntheticFloor(agents, queues, seed)
        start = T0
        setup = synthetic.setup_events(T0 - HISTORY_S)
        setup += synthetic.run(T0 - HISTORY_S, T0 - 1.0, HISTORY_PER_QUEUE * queues)
        per_step = max(1, round(rate * step_s))

        def events_until(t: float) -> list:
            return synthetic.run(t - step_s, t, per_step)
    rss_generator = rss_bytes()

    floor = Floor()
    apply, take_changes = floor.apply, floor.take_changes
    channels = [c.value for c in Channel]

    def read_views() -> None:
        for queue_id in list(floor.queues):
            floor.queue_view(queue_id)
        for channel in channels:
            floor.channel_view(channel)

    if with_floor:
        for e in setup:
            apply(e)
        take_changes()
        read_views()
    n_setup = len(setup)
    del setup
    gc.collect()
    rss_setup = rss_bytes()

    samples: list[dict[str, Any]] = []
    steps_per_hour = round(3600 / step_s)
    steps_per_minute = max(1, round(60 / step_s))
    t, n_events, t0 = start, 0, time.perf_counter()
    for hour in range(1, int(hours) + 1):
        for k in range(steps_per_hour):
            t += step_s
            events = events_until(t)
            n_events += len(events)
            if with_floor:
                for e in events:
                    apply(e)
                take_changes()
                if (k + 1) % steps_per_minute == 0:
                    read_views()
            del events
        gc.collect()
        samples.append({"hour": hour, "events": n_events, "rss": rss_bytes(),
                        "max_rss": max_rss_bytes(),
                        "floor": floor_size(floor) if with_floor else -1,
                        "contacts": len(floor.contacts), "wall_s": time.perf_counter() - t0})
        print(f"  {kind}: {hour} h, {n_events:,} events, RSS {rss_bytes() / MB:,.1f} MB, "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    return {"kind": kind, "agents": len(floor.agents) if with_floor else agents,
            "queues": len(floor.queues) if with_floor else 0,
            "hours": int(hours), "setup_events": n_setup, "events": n_events,
            "rate": rate if kind == "synthetic" else None,
            "rss_start": rss_start, "rss_generator": rss_generator, "rss_setup": rss_setup,
            "samples": samples, "wall_s": time.perf_counter() - t0,
            "unknown_references": floor.unknown_references,
            "rejected_events": floor.rejected_events}


# ================================================================== the runner
def _child_cmd(kind: str, args: argparse.Namespace) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--one", kind,
            "--agents", str(args.agents), "--queues", str(args.queues),
            "--hours", str(args.hours), "--rate", str(args.rate),
            "--step-s", str(args.step_s), "--seed", str(args.seed)]


def _result(kind: str, proc: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = proc.communicate()
    lines = [x for x in out.splitlines() if x.startswith(RESULT_PREFIX)]
    if proc.returncode != 0 or not lines:
        sys.stdout.write(out)
        raise SystemExit(f"{kind}: the run failed (exit {proc.returncode})")
    return json.loads(lines[-1][len(RESULT_PREFIX):])


def _mb(n: float) -> str:
    return f"{n / MB:,.1f}" if n >= 0 else "n/a"


def report(results: list[dict[str, Any]]) -> None:
    hours = min(len(r["samples"]) for r in results)
    head = ["hour"]
    for r in results:
        head.append(f"{r['kind']} RSS MB")
        if r["kind"] != "simulator":
            head.append(f"{r['kind']} floor MB")
    rows = [head]
    for i in range(hours):
        row = [str(results[0]["samples"][i]["hour"])]
        for r in results:
            s = r["samples"][i]
            row.append(_mb(s["rss"]))
            if r["kind"] != "simulator":
                row.append(_mb(s["floor"]))
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    print("\n".join(lines))
    print()
    by_kind = {r["kind"]: r for r in results}
    for r in results:
        first, last = r["samples"][0], r["samples"][-1]
        growth = (last["rss"] - first["rss"]) / first["rss"] * 100
        peak = max(last["max_rss"], *(x["rss"] for x in r["samples"]))
        if r["kind"] == "sim":
            what = f"feeds.sim, {r['agents']:,} agents, {r['queues']} queues"
        elif r["kind"] == "synthetic":
            what = (f"SyntheticFloor, {r['agents']:,} agents, {r['queues']} queues, "
                    f"{r['rate']:,.0f} events/s")
        else:
            what = f"feeds.sim alone, {r['agents']:,} agents, no floor: the generator of sim"
        print(f"{r['kind']} ({what}): {r['events']:,} events over {r['hours']} simulated h "
              f"after {r['setup_events']:,} setup events, in {r['wall_s']:.0f} s")
        print(f"  RSS at 1 h {_mb(first['rss'])} MB, at {last['hour']} h {_mb(last['rss'])} MB: "
              f"growth {growth:+.1f} %; peak (max RSS) {_mb(peak)} MB")
        if r["kind"] != "simulator":
            floor_growth = ((last["floor"] - first["floor"]) / first["floor"] * 100
                            if first["floor"] > 0 else math.nan)
            print(f"  the floor's own objects at 1 h {_mb(first['floor'])} MB, at {last['hour']} h "
                  f"{_mb(last['floor'])} MB: growth {floor_growth:+.1f} %; contacts held "
                  f"{first['contacts']:,} -> {last['contacts']:,}")
        alone = by_kind.get("simulator")
        if r["kind"] == "sim" and alone is not None and len(alone["samples"]) == len(r["samples"]):
            own = alone["samples"][-1]["rss"] - alone["samples"][0]["rss"]
            print(f"  less the simulator's own growth ({_mb(own)} MB, run alone): growth "
                  f"{(last['rss'] - first['rss'] - own) / first['rss'] * 100:+.1f} %")
        print(f"  RSS before any event: interpreter and modules {_mb(r['rss_start'])} MB, "
              f"with the generator and its setup events {_mb(r['rss_generator'])} MB"
              + (f", after the setup {_mb(r['rss_setup'])} MB" if r["kind"] != "simulator" else ""))
        bad = {k: r[k] for k in ("unknown_references", "rejected_events") if r[k]}
        if bad:
            print(f"  note: {bad}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=None, help="default 10,000 (smoke 200)")
    ap.add_argument("--queues", type=int, default=None,
                    help="queues of the synthetic floor (default 200; smoke 10)")
    ap.add_argument("--hours", type=int, default=None, help="simulated hours (default 24; smoke 2)")
    ap.add_argument("--rate", type=float, default=None,
                    help=f"synthetic events per second of event time (default {RATE_PER_AGENT} "
                    "per agent: 400 at 10,000 agents)")
    ap.add_argument("--step-s", type=float, default=1.0,
                    help="simulated seconds per step: take_changes after each (default 1)")
    ap.add_argument("--floors", default=",".join(FLOORS),
                    help=f"which floors, comma-separated (default {','.join(FLOORS)})")
    ap.add_argument("--serial", action="store_true", help="one floor after the other")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--smoke", action="store_true", help="a few seconds (the CI smoke run)")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--one", choices=FLOORS, help=argparse.SUPPRESS)  # one floor, here
    args = ap.parse_args(argv)
    if args.agents is None:
        args.agents = 200 if args.smoke else 10_000
    if args.queues is None:
        args.queues = 10 if args.smoke else 200
    if args.hours is None:
        args.hours = 2 if args.smoke else 24
    if args.rate is None:
        args.rate = RATE_PER_AGENT * args.agents
    if args.hours < 1:
        ap.error("--hours must be at least 1")
    if args.one:
        result = run_floor(args.one, args.agents, args.queues, args.hours, args.rate,
                           args.step_s, args.seed)
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return 0

    kinds = [k.strip() for k in args.floors.split(",") if k.strip()]
    if not kinds or any(k not in FLOORS for k in kinds):
        ap.error(f"--floors: some of {', '.join(FLOORS)}")
    print(f"machine: {describe()}")
    print(f"{args.agents:,} agents, {args.hours} simulated hours, {args.step_s:g} s steps; "
          f"floors: {', '.join(kinds)} ({'one after the other' if args.serial else 'at once'}, "
          f"each in its own process)", flush=True)
    results = []
    if args.serial:
        for kind in kinds:
            proc = subprocess.Popen(_child_cmd(kind, args), stdout=subprocess.PIPE, text=True)
            results.append(_result(kind, proc))
    else:
        procs = [(kind, subprocess.Popen(_child_cmd(kind, args), stdout=subprocess.PIPE,
                                         text=True)) for kind in kinds]
        results = [_result(kind, proc) for kind, proc in procs]
    report(results)
    print(f"machine: {describe()}")
    if args.json:
        args.json.write_text(json.dumps({"machine": describe(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
