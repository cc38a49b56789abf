"""Early warning measured through `floorwatch alerts check`, as a supervisor would try it.

A seeded simulated day with a hotline surge is written to a recording (the simulator's
events and a heartbeat a second, as a live feed sends them), then `floorwatch alerts
check RECORDING` runs the shipped rules over it. From the printed timeline, on the
hotline queues:

- lead time: for each `hotline_service_level` alert raised, how long before it the
  `sl_early_warning` alert of the same queue was raised (within the 30 minutes before;
  a breach without one is "not warned");
- warnings without a breach: `sl_early_warning` alerts not followed by a
  `hotline_service_level` alert on that queue within 20 minutes.

Prints the figures and the machine; `--keep` keeps the recording.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_replay import record_day  # noqa: E402
from bench.machine import describe  # noqa: E402
from feeds.sim import START_T, SimConfig, Simulation  # noqa: E402
from feeds.sim.config import parse_surge  # noqa: E402
from ui.cli import main as floorwatch  # noqa: E402

LOOKBACK_S = 30 * 60
FOLLOW_S = 20 * 60


def parse_time(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def measure(rows: list[dict[str, str]], hotline: set[str]) -> dict[str, object]:
    raised = [(parse_time(r["time"]), r["rule"], r["target"]) for r in rows
              if r["event"] == "raised" and r["target"] in hotline]
    warnings = [(t, q) for t, rule, q in raised if rule == "sl_early_warning"]
    breaches = [(t, q) for t, rule, q in raised if rule == "hotline_service_level"]
    leads, missed = [], 0
    for t, q in breaches:
        before = [w for w, wq in warnings if wq == q and t - LOOKBACK_S <= w <= t]
        if before:
            leads.append(t - max(before))
        else:
            missed += 1
    unfollowed = sum(1 for w, q in warnings
                     if not any(bq == q and w <= b <= w + FOLLOW_S for b, bq in breaches))
    return {"breaches": len(breaches), "warned": len(leads), "missed": missed,
            "warnings": len(warnings), "unfollowed": unfollowed, "leads": leads}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=10.0)
    ap.add_argument("--start", type=float, default=8.0, metavar="HOUR",
                    help="local hour the day starts at (default 8)")
    ap.add_argument("--agents", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--surge", default="10:40+40*1.5:hotline")
    ap.add_argument("--keep", type=Path, metavar="FILE", help="write the recording here")
    args = ap.parse_args()
    print(describe())
    config = SimConfig(agents=args.agents, seed=args.seed,
                       start_t=START_T + (args.start - 8.0) * 3600.0, start_hour=args.start,
                       surges=(parse_surge(args.surge),))
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "day.db"
        events, recorded = record_day(path, config, args.hours)
        out, err = io.StringIO(), io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = floorwatch(["alerts", "check", str(path), "--format", "csv", "--tz", "UTC"])
        checked = time.perf_counter() - started
        if code != 0:
            print(err.getvalue(), file=sys.stderr)
            return code
    hotline = {q.queue for q in Simulation(config).setup_events()
               if getattr(q, "channel", "") == "hotline" and hasattr(q, "queue")}
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    m = measure(rows, hotline)
    print(f"seed {args.seed}, {args.agents} agents, {args.hours:g} h from {args.start:g}:00, "
          f"surge {args.surge}: {events:,} events recorded in {recorded:.1f} s; "
          f"alerts check {checked:.1f} s, {len(rows)} timeline rows")
    leads = sorted(m["leads"])  # type: ignore[arg-type]
    print(f"  hotline SL alerts: {m['breaches']}, early warning before {m['warned']} "
          f"(not warned: {m['missed']})")
    if leads:
        print(f"  lead time: median {statistics.median(leads) / 60:.1f} min, "
              f"min {leads[0] / 60:.1f}, max {leads[-1] / 60:.1f}")
    print(f"  early warnings on hotline queues: {m['warnings']}, not followed by an SL alert "
          f"within {FOLLOW_S // 60} min: {m['unfollowed']}")
    for line in err.getvalue().splitlines():
        if line.startswith(("hotline_service_level", "sl_early_warning")):
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
