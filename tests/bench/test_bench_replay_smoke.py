"""Smoke run of bench/bench_replay.py, short: it runs and prints every figure line.

No figure is asserted (they are measurements, not pass marks), only that each is there."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_replay_smoke_prints_its_figures() -> None:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_replay.py"), "--smoke"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert time.monotonic() - started < 20
    assert re.search(r"0.5 h, 60 agents, seed 1: [\d,]+ events recorded", out)
    assert re.search(r"size: [\d.]+ MB, [\d.]+ MB per hour .* [1-9]\d* checkpoints", out)
    assert re.search(r"recorder's floor and checkpoints: [\d.]+ µs per event", out)
    assert re.search(r"replay to the end, headless .* = [\d,]+ events/s", out)
    assert re.search(r"seek to the middle: [\d.]+ s", out)
