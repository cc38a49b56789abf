"""Smoke run of bench/bench_early_warning.py: half an hour with a surge, figures printed.

No figure is asserted (it is a measurement, not a pass mark): only that the script
runs its short form, forecast the queues once they had history, and printed the lead
time, false-alarm and cost lines a reader of its output expects.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_early_warning_bench_runs_tiny() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_early_warning.py"), "--hours", "0.5",
         "--surge", "08:05+25*2"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "machine: " in out and "surges: 08:05+25*2" in out
    rows = {m.group(1): (int(m.group(2)), int(m.group(3)))
            for m in re.finditer(r"^(hl-\S+|ol-\S+)\s+(\d+)\s+(\d+)\s", out, re.M)}
    assert set(rows) == {"hl-general", "hl-vip", "hl-complaint", "ol-app", "ol-wechat"}, out
    assert all(evals == 60 for evals, _ in rows.values()), out  # every 30 s for 30 min
    assert rows["hl-general"][1] > 0 and rows["ol-app"][1] > 0, out  # forecasts were made
    assert re.search(r"^lead time: ", out, re.M), out
    assert re.search(r"^warning episodes: \d+: \d+ followed by a breach", out, re.M), out
    assert re.search(r"^forecast cost: [\d,]+ calls, mean [\d.]+ us", out, re.M), out


def test_early_warning_bench_refuses_a_bad_surge() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_early_warning.py"), "--surge", "9+x"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("bench_early_warning: --surge: ")
    assert len(proc.stderr.strip().splitlines()) == 1
