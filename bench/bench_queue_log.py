"""Lines per second importing an Asterisk queue_log, alone and with an interval report.

Input is a seeded, generated queue_log of 1,000,000 lines in a temp file: 8 queues,
120 agents, calls arriving around the clock with a daytime peak, rings not answered,
answers, abandons, exits, transfers, pauses.
"""

from __future__ import annotations

import heapq
import math
import os
import random
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.machine import best_of, describe  # noqa: E402
from feeds.sources.queue_log import ImportStats, iter_queue_log, open_queue_log  # noqa: E402
from monitor.report import build_report  # noqa: E402

LINES = 1_000_000
START = 1_772_323_200  # 2026-03-01 08:00 Asia/Shanghai
QUEUES = ("sales", "support", "billing", "vip", "complaints", "tech", "retention", "general")
REASONS = ("break", "lunch", "training", "meeting", "")


def write_queue_log(path: str, lines: int = LINES, seed: int = 7) -> None:
    """A plausible queue_log of exactly `lines` lines, the same for the same seed."""
    rng = random.Random(seed)
    agents = [f"PJSIP/{100 + i}" for i in range(120)]
    pending: list[tuple[int, int, str]] = []  # (time, seq, line) written when time comes
    seq = 0
    written = 0

    def later(t: float, text: str) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(pending, (int(t), seq, text))

    with open(path, "w", encoding="utf-8") as f:
        out = [f"{START}|NONE|NONE|NONE|QUEUESTART|"]
        for agent in agents:
            for queue in rng.sample(QUEUES, 3):
                out.append(f"{START}|MANAGER|{queue}|{agent}|ADDMEMBER|")
        f.write("\n".join(out) + "\n")
        written = len(out)
        t = float(START)
        call = 0
        while written < lines:
            # Arrivals: a day curve between 0.05 and 0.5 calls/s (about 20,000 calls/day).
            hour = ((t - START) / 3600 + 8) % 24
            rate = 0.05 + 0.45 * max(0.0, math.sin(math.pi * (hour - 7) / 15))
            t += rng.expovariate(rate)
            now = int(t)
            while pending and pending[0][0] <= now and written < lines:
                f.write(f"{pending[0][0]}|{heapq.heappop(pending)[2]}\n")
                written += 1
            if written >= lines:
                break
            call += 1
            uid = f"{now}.{call}"
            queue = rng.choice(QUEUES)
            f.write(f"{now}|{uid}|{queue}|NONE|ENTERQUEUE||138{call:08d}|1\n")
            written += 1
            _schedule_call(rng, later, now, uid, queue, agents)
            if rng.random() < 0.02:
                agent = rng.choice(agents)
                reason = rng.choice(REASONS)
                later(now + 1, f"NONE|NONE|{agent}|PAUSEALL|{reason}")
                later(now + rng.uniform(300, 1800), f"NONE|NONE|{agent}|UNPAUSEALL|")
        while pending and written < lines:
            f.write(f"{pending[0][0]}|{heapq.heappop(pending)[2]}\n")
            written += 1


def _schedule_call(rng: random.Random, later, now: int, uid: str, queue: str,
                   agents: list[str]) -> None:
    r = rng.random()
    if r < 0.78:  # answered, after 0-2 rings nobody picked up
        wait = int(rng.expovariate(1 / 25))
        for i in range(rng.choice((0, 0, 0, 1, 2))):
            later(now + wait * (i + 1) / 3, f"{uid}|{queue}|{rng.choice(agents)}|RINGNOANSWER|15000")
        agent = rng.choice(agents)
        talk = int(20 + rng.expovariate(1 / 180))
        later(now + wait, f"{uid}|{queue}|{agent}|CONNECT|{wait}|{uid}1|3")
        end = now + wait + talk
        k = rng.random()
        if k < 0.90:
            who = "COMPLETECALLER" if k < 0.5 else "COMPLETEAGENT"
            later(end, f"{uid}|{queue}|{agent}|{who}|{wait}|{talk}|1")
        elif k < 0.97:
            later(end, f"{uid}|{queue}|{agent}|BLINDTRANSFER|8000|from-internal|{wait}|{talk}|1")
        else:
            later(end, f"{uid}|{queue}|{agent}|ATTENDEDTRANSFER|BRIDGE|{uid}9|{wait}|{talk}|1")
    elif r < 0.92:
        wait = int(rng.expovariate(1 / 40))
        later(now + wait, f"{uid}|{queue}|NONE|ABANDON|1|1|{wait}")
    elif r < 0.97:
        later(now + 300, f"{uid}|{queue}|NONE|EXITWITHTIMEOUT|1|1|300")
    elif r < 0.99:
        wait = rng.randint(5, 60)
        later(now + wait, f"{uid}|{queue}|NONE|EXITWITHKEY|1|1|1|{wait}")
    else:
        later(now + 1, f"{uid}|{queue}|NONE|EXITEMPTY|1|1|1")



def main() -> None:
    fd, path = tempfile.mkstemp(prefix="floorwatch-queue_log-", suffix=".txt")
    os.close(fd)
    try:
        start = time.perf_counter()
        write_queue_log(path)
        generated_s = time.perf_counter() - start
        size_mb = os.path.getsize(path) / 1e6
        stats = ImportStats()
        rows: list = []

        def import_only() -> None:
            nonlocal stats
            stats = ImportStats()
            with open_queue_log(path) as f:
                deque(iter_queue_log(f, stats), maxlen=0)

        def import_and_report() -> None:
            nonlocal rows
            with open_queue_log(path) as f:
                rows = build_report(iter_queue_log(f, ImportStats()), "30m", "Asia/Shanghai")

        t_import = best_of(2, import_only)
        t_report = best_of(2, import_and_report)
        print(f"machine: {describe()}")
        print(f"queue_log: {stats.lines:,} lines, {size_mb:.0f} MB, generated in "
              f"{generated_s:.1f} s; {stats.events:,} events, {stats.skipped} problems, "
              f"{stats.counts['ENTERQUEUE']:,} calls")
        print(f"import alone: {stats.lines / t_import:,.0f} lines/s ({t_import:.2f} s)")
        print(f"import + 30m report ({len(rows):,} rows): {stats.lines / t_report:,.0f} "
              f"lines/s ({t_report:.2f} s)")
    finally:
        os.unlink(path)


if __name__ == "__main__":
    main()
