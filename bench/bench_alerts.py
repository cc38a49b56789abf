"""What alert rules cost a UI tick: 500 rules over 200 queues and 10,000 agents.

A seeded synthetic floor (bench/bench_views.py's traffic, plus chat messages, a tenth
of them with a complaint word) is fed 2,000 events/s of event time in ticks of the
UI's rate (20 Hz: 100 events a tick) after five minutes of history. The same events
go to two floors: one through `Floor.apply`, one through `AlertEngine.apply` with
500 rules. Per tick it prints the extra time the rules cost (engine minus plain),
mean, p99 and worst, and separately the cost of the evaluations themselves (20 slots
a second of event time; each queue is looked at in one of them).

The 500 rules: the shipped defaults (wait, SL, abandon, waiting per available,
agent not-ready and wrap-up timers, chat first response, keyword and hotspot rules,
early warning), and per queue a wait rule and an SL rule with its own thresholds
(2 x 200), the rest per-team not-ready rules. The target (issue 11): under 5 ms per tick.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_views import T0, Traffic  # noqa: E402
from bench.machine import describe  # noqa: E402
from monitor import events as ev  # noqa: E402
from monitor.alert_defaults import default_rules  # noqa: E402
from monitor.alert_engine import AlertEngine  # noqa: E402
from monitor.alert_rules import AlertRule, Selector, Severity  # noqa: E402
from monitor.floor import Floor  # noqa: E402

RATE = 2_000
HZ = 20
TEXTS = ["hello, where is my order?", "我的订单什么时候到", "thanks", "好的，谢谢",
         "I want a refund now", "我要投诉你们", "this is a complaint", "退款怎么还没到账"]


def rules_for(queues: list[str], total: int = 500) -> list[AlertRule]:
    rules = list(default_rules())
    for i, q in enumerate(queues):
        rules.append(AlertRule(f"wait_{q}", "longest_wait_s", ">", 30 + i % 30, 20, 10,
                               Severity.WARNING, Selector(queues=(q,))))
        rules.append(AlertRule(f"sl_{q}", "service_level", "<", 70 + i % 20, 80, 30,
                               Severity.INFO, Selector(queues=(q,))))
    team = 0
    while len(rules) < total:
        rules.append(AlertRule(f"not_ready_team{team}", "not_ready_s", ">", 600, 600, 0,
                               Severity.INFO, Selector(team=f"team{team}")))
        team += 1
    return rules[:total]


def with_chat(traffic: Traffic, events: list[ev.Event], rng: random.Random) -> list[ev.Event]:
    """Some of a tick's answered online contacts say something (a few complain)."""
    out = list(events)
    for e in events:
        if type(e) is ev.ContactAnswered and traffic.queues.get(e.queue) == "online":
            out.append(ev.ChatMessage(e.t, e.contact, "customer", rng.choice(TEXTS)))
    return out


def run(queues: int, agents: int, rules_n: int, seconds: float) -> dict[str, float]:
    traffic = Traffic(queues, agents)
    rng = random.Random(5)
    plain, watched = Floor(), Floor()
    rules = rules_for(list(traffic.queues), rules_n)
    engine = AlertEngine(watched, rules)
    t = T0
    setup = traffic.setup(t)
    for i, e in enumerate(setup):  # teams, so the per-team rules have agents to time
        if type(e) is ev.AgentLogin:
            setup[i] = ev.AgentLogin(e.t, e.agent, e.name, f"team{rng.randrange(100)}")
    for e in setup:
        plain.apply(e)
        engine.apply(e)
    per_tick = RATE // HZ
    extra: list[float] = []
    evaluation: list[float] = []
    inner = engine.evaluate

    def timed_evaluate(at: float) -> None:
        start = time.perf_counter()
        inner(at)
        evaluation.append(time.perf_counter() - start)

    engine.evaluate = timed_evaluate  # type: ignore[method-assign]
    warm = int(300 * HZ)
    for n in range(warm + int(seconds * HZ)):
        t += 1.0 / HZ
        batch = with_chat(traffic, traffic.step(t, per_tick), rng)
        a = time.perf_counter()
        for e in batch:
            plain.apply(e)
        b = time.perf_counter()
        for e in batch:
            engine.apply(e)
        c = time.perf_counter()
        if n == warm:
            evaluation.clear()
        if n >= warm:
            extra.append((c - b) - (b - a))
    extra.sort()
    return {
        "rules": len(rules), "queues": queues, "agents": agents, "ticks": len(extra),
        "mean_ms": statistics.fmean(extra) * 1000,
        "p99_ms": extra[int(len(extra) * 0.99)] * 1000, "max_ms": extra[-1] * 1000,
        "eval_mean_ms": statistics.fmean(evaluation) * 1000,
        "eval_max_ms": max(evaluation) * 1000, "evaluations": len(evaluation),
        "active": len(engine.book.active),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queues", type=int, default=200)
    ap.add_argument("--agents", type=int, default=10_000)
    ap.add_argument("--rules", type=int, default=500)
    ap.add_argument("--seconds", type=float, default=120.0,
                    help="event-time seconds measured after 5 minutes of history")
    args = ap.parse_args()
    print(describe())
    r = run(args.queues, args.agents, args.rules, args.seconds)
    print(f"{r['rules']} rules, {r['queues']} queues, {r['agents']:,} agents, "
          f"{RATE:,} events/s at {HZ} ticks/s, {r['ticks']} ticks measured")
    print(f"  rules' extra cost per tick: mean {r['mean_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
          f"worst {r['max_ms']:.2f} ms (target < 5 ms)")
    print(f"  evaluations (20 slots a second of event time, each queue in one): "
          f"{r['evaluations']}, mean "
          f"{r['eval_mean_ms']:.2f} ms, worst {r['eval_max_ms']:.2f} ms")
    print(f"  alerts active at the end: {r['active']}")


if __name__ == "__main__":
    main()
