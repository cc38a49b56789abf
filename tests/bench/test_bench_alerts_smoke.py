"""Smoke runs of the alert benchmarks, short: they run and print their figure lines.

No figure is asserted (they are measurements, not pass marks)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv: str) -> str:
    proc = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_bench_alerts_runs_small() -> None:
    out = _run(str(ROOT / "bench" / "bench_alerts.py"), "--queues", "20", "--agents", "400",
               "--rules", "60", "--seconds", "5")
    assert "60 rules, 20 queues, 400 agents" in out
    assert re.search(r"extra cost per tick: mean [\d.]+ ms, p99 [\d.]+ ms, worst [\d.]+ ms", out)
    assert re.search(r"evaluations \(.*\): \d+, mean [\d.]+ ms", out)


def test_bench_alerts_check_day_runs_short(tmp_path: Path) -> None:
    keep = tmp_path / "day.db"
    out = _run(str(ROOT / "bench" / "bench_alerts_check_day.py"), "--hours", "0.5",
               "--surge", "08:05+25*2:hotline", "--keep", str(keep))
    assert keep.is_file()  # the recording the timeline came from
    assert re.search(r"alerts check [\d.]+ s, \d+ timeline rows", out), out
    assert re.search(r"hotline SL alerts: \d+, early warning before \d+", out), out
    assert "early warnings on hotline queues:" in out
