"""Smoke runs of the benchmarks: they start, run their short form and print their figures.

No timing is asserted (CI machines vary): only that each script exits cleanly and
prints what a reader of its output expects. The latency benchmark must also have
shown every event it sent, and the ingest benchmark taken its whole stream on both
paths without a resync.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def run_smoke(script: str, timeout: float = 120.0) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), "--smoke"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, f"{script} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    assert "machine: " in proc.stdout
    return proc.stdout


def test_latency_smoke_shows_every_event_it_sent() -> None:
    out = run_smoke("bench_latency.py")
    lines = out.splitlines()
    header = next((i for i, line in enumerate(lines) if "p50 ms" in line), None)
    assert header is not None, out
    columns = re.split(r"\s{2,}", lines[header].strip())
    row = re.split(r"\s{2,}", lines[header + 2].strip())  # under the dashes
    assert len(row) == len(columns), out
    figures = dict(zip(columns, row, strict=True))
    assert figures["agents"] == "200" and figures["queues"] == "10" and figures["ev/s"] == "200"
    assert re.fullmatch(r"[\d,]+", figures["p50 ms"]), figures
    assert figures["applied"] == figures["sent"] == "600", figures
    applied = re.search(r"events applied ([\d,]+) of ([\d,]+) sent", out)
    assert applied is not None, out
    assert applied.group(1) == applied.group(2) == "600"


@pytest.mark.parametrize("script, expect", [
    ("bench_ui_tick.py", r"tick mean [\d.]+ ms, p95 [\d.]+ ms"),
    ("bench_engine.py", r"state engine alone: [\d,]+ events/s"),
])
def test_other_benchmarks_smoke(script: str, expect: str) -> None:
    assert re.search(expect, run_smoke(script)), script


def test_ingest_smoke_takes_the_whole_stream_on_both_paths() -> None:
    out = run_smoke("bench_ingest.py")
    assert re.search(r"ceiling, bare receive \+ decode \(msgpack\.unpackb, best of 1\): "
                     r"[\d,]+ events/s", out), out
    assert re.search(r"client \+ engine, FeedHub \+ Floor\.apply \(best of 1\): [\d,]+ events/s",
                     out), out
    assert re.search(r"ratio client / ceiling: \d+\.\d\d", out), out
    runs = re.findall(r"run 1/1 (ceiling|client) .*: [\d,]+ events/s \(5,000 in ", out)
    assert runs == ["ceiling", "client"], out
    assert re.search(r"resyncs: 0 .*; events missing: 0$", out, re.MULTILINE), out


def test_memory_smoke_samples_each_floor_every_simulated_hour() -> None:
    out = run_smoke("bench_memory.py")
    for kind in ("sim", "synthetic", "simulator"):
        assert re.search(rf"^{kind} \(.*200 agents.*\): [\d,]+ events over 2 simulated h", out,
                         re.MULTILINE), out
    rss = r"[\d,]+\.\d MB"
    figures = re.findall(rf"RSS at 1 h {rss}, at 2 h {rss}: growth [+-]\d+\.\d %; "
                         rf"peak \(max RSS\) {rss}", out)
    assert len(figures) == 3, out
    assert re.search(r"less the simulator's own growth \([\d,.]+ MB, run alone\): growth "
                     r"[+-]\d+\.\d %", out), out
    hours = [line.split()[0] for line in out.splitlines()
             if re.fullmatch(r"\s*\d+(\s+[\d,.]+){5}", line)]
    assert hours == ["1", "2"], out
