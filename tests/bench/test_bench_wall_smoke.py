"""Smoke run of bench/bench_wall.py: it starts, runs its short form and prints its figures.

No timing is asserted (CI machines vary); each case's line must be there, the
snapshot as a state the tick loads, prepared off the tick and checked off the tick,
with what was done off the tick on its own line, the ticks while a thread prepares, and
the snapshot the real ticker builds across ticks.
"""

from __future__ import annotations

import re

from tests.bench.test_bench_smoke import run_smoke

MS = r"mean +\d+\.\d +p95 +\d+\.\d +max +\d+\.\d"


def test_wall_smoke_prints_every_case_and_the_prepared_snapshot() -> None:
    out = run_smoke("bench_wall.py")
    assert re.search(r"^-- 200 agents, 10 queues, 2,000 events/s", out, re.MULTILINE), out
    for label in ("steady", "snapshot", "snapshot prepared", "snapshot checked", "queue added"):
        assert re.search(rf"^ *{label} x\d+ +refresh\+paint {MS} \| refresh {MS} \| paint {MS} "
                         rf"\| apply mean +\d+\.\d \| whole tick max +\d+\.\d", out,
                         re.MULTILINE), (label, out)
    assert re.search(rf"^ +prepare \(off the tick, as a source would\) {MS}$", out,
                     re.MULTILINE), out
    assert re.search(rf"^ +check only \(off the tick, as a child process would; the tick "
                     rf"builds\) {MS}$", out, re.MULTILINE), out
    assert re.search(rf"^ *prepared on a thread: whole ticks meanwhile \(x\d+\) {MS} \| "
                     rf"the installing tick {MS}$", out, re.MULTILINE), out
    assert re.search(rf"^ *snapshot across ticks: ticks from arrival to install \[[\d, ]+\] \| "
                     rf"whole ticks building \(x\d+\) {MS} \| the installing tick {MS} \| "
                     rf"worst tick +\d+\.\d \(build budget 30 ms a tick\)$", out,
                     re.MULTILINE), out
