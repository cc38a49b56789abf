"""Run every benchmark and print its figures."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# bench_latency.py runs its five points, each in a fresh process, about 40 s each;
# bench_ingest.py about 1 min; bench_memory.py 24 simulated hours, about 8 min.
SCRIPTS = ("bench_engine.py", "bench_views.py", "bench_ui_tick.py", "bench_wall.py",
           "bench_queue_log.py", "bench_latency.py", "bench_ingest.py", "bench_memory.py")
for script in SCRIPTS:
    print(f"== {script}", flush=True)
    subprocess.run([sys.executable, str(HERE / script)], check=True)
