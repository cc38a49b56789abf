"""Shared by the benchmarks: the line naming the machine, and best-of timing."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable


def describe() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def best_of(runs: int, fn: Callable[[], object]) -> float:
    """Fastest of `runs` timings, in seconds: the least disturbed by other work."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
