"""Smoke run of bench/bench_views.py: it starts, runs its short form and prints its figures.

No timing is asserted (CI machines vary); the figures a reader compares must be there:
each size's changed views and tick, the structure ticks, and the sizes against the first.
"""

from __future__ import annotations

import re

from tests.bench.test_bench_smoke import run_smoke

NUMBER = r"\d+\.\d\d"


def test_views_smoke_prints_each_size_and_the_ratio() -> None:
    out = run_smoke("bench_views.py")
    # Each size, then the largest floor with only the first size's queues in use.
    for size in ("10 queues", "40 queues", "40 queues, 10 active"):
        assert re.search(rf"^{size}, 1,000 agents, 2,000 events/s", out, re.MULTILINE), out
    for label in ("changed views", "tick          "):
        assert len(re.findall(rf"^  {label} +mean +{NUMBER}", out, re.MULTILINE)) == 3, out
    assert len(re.findall(rf"^  per queue named +{NUMBER} us", out, re.MULTILINE)) == 3, out
    for label in (r"snapshot arrives \(whole floor\)", "queue added"):
        assert len(re.findall(rf"^  {label} +max +{NUMBER}", out, re.MULTILINE)) == 3, out
    for size in ("40 queues", "40 queues, 10 active"):
        assert re.search(rf"^{size} against 10: changed views x{NUMBER}, tick x{NUMBER}\n"
                         rf"  \(queues named x{NUMBER}, per queue named x{NUMBER}\)$", out,
                         re.MULTILINE), out
