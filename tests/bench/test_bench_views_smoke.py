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
    for queues in (10, 40):
        assert re.search(rf"^{queues} queues, 1,000 agents, 2,000 events/s", out, re.MULTILINE), out
    for label in ("changed views", "tick          "):
        assert len(re.findall(rf"^  {label} +mean +{NUMBER}", out, re.MULTILINE)) == 2, out
    for label in (r"snapshot arrives \(whole floor\)", "queue added"):
        assert len(re.findall(rf"^  {label} +max +{NUMBER}", out, re.MULTILINE)) == 2, out
    assert re.search(rf"^40 queues against 10: changed views x{NUMBER}, tick x{NUMBER}$", out,
                     re.MULTILINE), out
