"""Early warning measured on a seeded simulated day with a surge: lead time and false alarms.

The simulator runs headless into a `Floor`. Every `--every` seconds of event time each
hotline and online queue gets a forecast (`monitor.early_warning.forecast`) and its
actual service level (the 15-minute queue view). Then:

- an **actual breach** is what the shipped `hotline_service_level` rule raises: the
  15-minute SL below the queue's goal, resting on at least `min_contacts` contacts
  (the tile's rule), for 60 s; it ends when the SL is back at goal + 5 points (the
  rule's exit) or rests on too few contacts;
- a **warning** is what the shipped `sl_early_warning` rule raises: the forecast
  breaches the goal within the horizon for 30 s, asked only while the 15-minute SL is
  not below the goal (below it, the SL rule has the queue); it ends when the forecast
  breaches no more;
- each actual breach's **lead** is its start minus the first warning in the
  `--lookback` minutes before it (after the previous breach of that queue ended);
  none there: **missed**;
- a warning episode starting while the queue is in breach is **during** (no news);
  otherwise it is **followed** when a breach starts within `--follow` minutes, else a
  **false alarm**.

Cost per call: every forecast call timed; a channel's first call in a minute of event
time projects its pool (and counts the servers), the others reuse it. `--wide` also
times a floor of 200 queues and 10,000 agents (bench/bench_views.py's traffic).

`--smoke`: half an hour, no wide floor (the CI smoke run).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import describe  # noqa: E402
from feeds.sim import START_T, SimConfig, Simulation  # noqa: E402
from feeds.sim.config import Surge, parse_surge  # noqa: E402
from monitor import early_warning  # noqa: E402
from monitor.events import Heartbeat  # noqa: E402
from monitor.floor import Floor  # noqa: E402
from monitor.thresholds import sl_basis  # noqa: E402

DEFAULT_SURGES = ("10:40+40*1.5:hotline", "15:00+45*1.6:online")


ACTUAL_FOR_S, ACTUAL_EXIT = 60.0, 0.05  # the shipped hotline_service_level rule
WARN_FOR_S = 30.0  # the shipped sl_early_warning rule


@dataclass
class QueueRecord:
    """What one queue did at each evaluation: (t, enter?, still on?) for each alert."""

    goal: float
    channel: str
    evaluations: int = 0
    forecasts: int = 0
    warn: list[tuple[float, bool, bool]] = field(default_factory=list)
    actual: list[tuple[float, bool, bool]] = field(default_factory=list)
    stated: list[tuple[float, float]] = field(default_factory=list)  # (t, minutes stated)


def episodes(marks: list[tuple[float, bool, bool]], for_s: float) -> list[tuple[float, float]]:
    """(raised, cleared) of each alert: raised once `enter` held `for_s`, cleared when
    `stay` fails (a run still on at the end ends at the last mark)."""
    out: list[tuple[float, float]] = []
    since, raised = None, None
    for t, enter, stay in marks:
        if raised is not None:
            if not stay:
                out.append((raised, t))
                raised, since = None, None
            continue
        if not enter:
            since = None
            continue
        since = t if since is None else since
        if t - since >= for_s:
            raised = t
    if raised is not None:
        out.append((raised, marks[-1][0]))
    return out


@dataclass
class Scores:
    leads: list[float] = field(default_factory=list)  # minutes
    breach_leads: list[tuple[float, float | None]] = field(default_factory=list)  # (t, lead)
    missed: int = 0
    followed: int = 0
    during: int = 0
    false_alarms: int = 0
    breaches: int = 0
    warnings: int = 0


def score(rec: QueueRecord, lookback_s: float, follow_s: float) -> Scores:
    s = Scores()
    actual, warn = episodes(rec.actual, ACTUAL_FOR_S), episodes(rec.warn, WARN_FOR_S)
    warn_times = [start for start, _ in warn]
    s.breaches, s.warnings = len(actual), len(warn)
    previous_end = -float("inf")
    for start, end in actual:
        since = max(previous_end, start - lookback_s)
        first = next((t for t in warn_times if since < t <= start), None)
        if first is None:
            s.missed += 1
        else:
            s.leads.append((start - first) / 60.0)
        s.breach_leads.append((start, None if first is None else (start - first) / 60.0))
        previous_end = end
    for start, _ in warn:
        if any(a_start <= start < a_end for a_start, a_end in actual):
            s.during += 1
        elif any(start < a_start <= start + follow_s for a_start, _ in actual):
            s.followed += 1
        else:
            s.false_alarms += 1
    return s


def run_day(config: SimConfig, hours: float, every_s: float, horizon: int,
            timings: list[float]) -> dict[str, QueueRecord]:
    sim = Simulation(config)
    floor = Floor()
    for e in sim.setup_events():
        floor.apply(e, "sim")
    records = {qid: QueueRecord(floor.thresholds_for(qid).sl_goal, q.channel)
               for qid, q in floor.queues.items()}
    end = config.start_t + hours * 3600.0
    t = config.start_t
    clock = time.perf_counter
    while t < end:
        t = min(end, t + every_s)
        for e in sim.run_until(t):
            floor.apply(e, "sim")
        floor.apply(Heartbeat(t), "sim")  # the evaluation's moment, as a live feed sends
        for qid, rec in records.items():
            rec.evaluations += 1
            view = floor.queue_view(qid, 15)
            sl = view.service_level
            if sl is not None and sl_basis(view) < floor.thresholds_for(qid).min_contacts:
                sl = None  # too few contacts: the SL rule is silent
            rec.actual.append((t, sl is not None and sl < rec.goal,
                               sl is not None and sl < rec.goal + ACTUAL_EXIT))
            warned = False
            if sl is None or sl >= rec.goal:  # below it, the SL rule has the queue
                started = clock()
                f = early_warning.forecast(floor, qid, rec.goal, horizon)
                timings.append(clock() - started)
                if f is not None:
                    rec.forecasts += 1
                    warned = f.minutes_to_breach is not None
                    if warned:
                        rec.stated.append((t, f.minutes_to_breach))
            rec.warn.append((t, warned, warned))
    return records


def wide_cost(minutes: int = 20) -> tuple[float, float, float, int]:
    """(warm us, cold ms, mean us per call, calls) on 200 queues and 10,000 agents."""
    from bench.bench_views import AGENTS, T0, Traffic

    traffic = Traffic(200, AGENTS)
    floor = Floor()
    for e in traffic.setup(T0):
        floor.apply(e)
    t = T0
    for _ in range(minutes * 60):
        t += 1.0
        for e in traffic.step(t, 24):
            floor.apply(e)
    warm, cold, calls = [], [], 0
    clock = time.perf_counter
    for k in range(10):  # ten evaluations, 30 s apart: a new pool every other one
        floor.apply(Heartbeat(t + 30.0 * k))
        for i, qid in enumerate(floor.queues):
            started = clock()
            early_warning.forecast(floor, qid, 0.8, 15)
            spent = clock() - started
            calls += 1
            first = i in (0, 100) and k % 2 == 0  # q000 and q100 open each channel
            (cold if first else warm).append(spent)
    mean = (sum(warm) + sum(cold)) / calls
    return statistics.median(warm) * 1e6, max(cold) * 1e3, mean * 1e6, calls


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hours", type=float, default=10.0, help="simulated hours (default 10)")
    ap.add_argument("--start", type=float, default=8.0, metavar="HOUR",
                    help="local hour the day starts at (default 8)")
    ap.add_argument("--agents", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--load", type=float, default=SimConfig.load,
                    help=f"offered work over staffed capacity (default {SimConfig.load:g})")
    ap.add_argument("--surge", action="append", metavar="HH:MM+MIN*FACTOR[:CHANNEL]",
                    help=f"surge(s) (default {' and '.join(DEFAULT_SURGES)}); 'none' for none")
    ap.add_argument("--every", type=float, default=30.0, metavar="SECONDS",
                    help="forecast each queue this often in event time (default 30)")
    ap.add_argument("--horizon", type=int, default=15, metavar="MINUTES")
    ap.add_argument("--lookback", type=float, default=30.0, metavar="MINUTES",
                    help="a warning this long before a breach still counts (default 30)")
    ap.add_argument("--follow", type=float, default=20.0, metavar="MINUTES",
                    help="a warning with no breach within this long is false (default 20)")
    ap.add_argument("--wide", action="store_true", help="also time 200 queues, 10,000 agents")
    ap.add_argument("--smoke", action="store_true", help="half an hour, no wide floor")
    args = ap.parse_args(argv)
    if args.smoke:
        args.hours, args.wide = min(args.hours, 0.5), False
    texts = args.surge or list(DEFAULT_SURGES)
    try:
        surges: tuple[Surge, ...] = tuple(
            parse_surge(s) for s in texts if s.lower() != "none")
    except ValueError as exc:
        print(f"bench_early_warning: --surge: {exc}", file=sys.stderr)
        return 2
    config = SimConfig(agents=args.agents, seed=args.seed, load=args.load,
                       start_t=START_T + (args.start - 8.0) * 3600.0, start_hour=args.start,
                       surges=surges)
    print(f"machine: {describe()}")
    print(f"day: {args.agents} agents, seed {args.seed}, load {args.load:g}, {args.hours:g} h from "
          f"{args.start:g}:00, surges: {', '.join(texts) if surges else 'none'}; "
          f"forecast every {args.every:g} s, horizon {args.horizon} min")
    timings: list[float] = []
    started = time.perf_counter()
    records = run_day(config, args.hours, args.every, args.horizon, timings)
    print(f"simulated and evaluated in {time.perf_counter() - started:.1f} s")

    total = Scores()
    in_surge: list[tuple[float, str, float | None]] = []
    header = (f"{'queue':<14}{'evals':>6}{'fcasts':>7}{'breaches':>9}{'warned':>7}"
              f"{'missed':>7}{'lead min (each)':>24}{'warn eps':>9}{'followed':>9}"
              f"{'during':>7}{'false':>6}")
    print(header)
    print("-" * len(header))
    for qid, rec in records.items():
        s = score(rec, args.lookback * 60.0, args.follow * 60.0)
        leads = ",".join(f"{x:.1f}" for x in s.leads) or "-"
        print(f"{qid:<14}{rec.evaluations:>6}{rec.forecasts:>7}{s.breaches:>9}"
              f"{len(s.leads):>7}{s.missed:>7}{leads:>24}{s.warnings:>9}{s.followed:>9}"
              f"{s.during:>7}{s.false_alarms:>6}")
        total.leads += s.leads
        for name in ("missed", "followed", "during", "false_alarms", "breaches", "warnings"):
            setattr(total, name, getattr(total, name) + getattr(s, name))
        for start, lead in s.breach_leads:
            minute = (args.start * 60.0 + (start - config.start_t) / 60.0) % 1440
            surge = next((x for x in surges if x.channel in ("", rec.channel)
                          and 0 <= (minute - x.start_min) % 1440 < x.duration_min + 15), None)
            if surge is not None:
                in_surge.append((minute, qid, lead))
    print("-" * len(header))
    for minute, qid, lead in sorted(in_surge):
        shown = "missed (no warning)" if lead is None else f"warned {lead:.1f} min before"
        print(f"breach in a surge: {int(minute) // 60:02d}:{int(minute) % 60:02d} {qid}: {shown}")
    if total.leads:
        print(f"lead time: median {statistics.median(total.leads):.1f} min, "
              f"min {min(total.leads):.1f}, max {max(total.leads):.1f} "
              f"({len(total.leads)} of {total.breaches} breaches warned, {total.missed} missed)")
    else:
        print(f"lead time: none ({total.breaches} breaches, {total.missed} missed)")
    print(f"warning episodes: {total.warnings}: {total.followed} followed by a breach within "
          f"{args.follow:g} min, {total.during} during a breach, "
          f"{total.false_alarms} false alarms")
    calls = len(timings)
    if calls:
        ordered = sorted(timings)
        print(f"forecast cost: {calls:,} calls, mean {sum(timings) / calls * 1e6:.1f} us, "
              f"median {ordered[calls // 2] * 1e6:.1f} us, p99 "
              f"{ordered[int(calls * 0.99)] * 1e3:.2f} ms, max {ordered[-1] * 1e3:.2f} ms "
              f"(a channel's first call in a minute projects its pool)")
    if args.wide:
        warm, cold, mean, n = wide_cost()
        print(f"forecast cost, 200 queues and 10,000 agents: median {warm:.1f} us per "
              f"queue, up to {cold:.1f} ms for a channel's first call in a minute, mean "
              f"{mean:.1f} us over {n:,} calls")
    return 0


if __name__ == "__main__":
    sys.exit(main())
