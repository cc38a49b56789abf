"""A feed restarted 20 times while `floorwatch record` runs: the report counts every contact.

Each restart is a new server run (a new `epoch`) of a simulator that numbers its
contacts from c0000001 again, so every run reuses the ids of the one before, and
contacts still waiting or talking when a run stops are never heard of again. A report
that keyed contacts by id alone merged them: a reused id still open from an earlier
run swallowed the new contact's entry (issue 9: 2,140 real entries across 51 runs were
reported as 322 offered).

Every other restarted server has numbered past where the run before stopped (as a
platform that keeps its numbering, or a long warm-up, would), so the report cannot
find the restart from the numbers alone: only the recorded epoch tells the runs apart.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

from feeds.server import FeedServer
from feeds.sim import START_T, SimConfig, Simulation
from monitor import events as ev
from tests.conftest import wait_until
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
RESTARTS = 20
RUN_S = 600.0  # simulated seconds per run: contacts are still waiting and talking at its end
START = START_T + 3 * 3600  # 11:00 on the simulated clock: busy
COMPARED = ("offered", "answered", "abandoned", "other_exits")


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recorded(path: Path, sql: str) -> list[tuple]:
    """Rows of a read-only query on the recording so far ([] before it is ready)."""
    if not path.exists():
        return []
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)  # never creates it
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []


def row_count(path: Path) -> int:
    rows = recorded(path, "SELECT count(*) FROM events")
    return rows[0][0] if rows else 0


def truth_of(sim: Simulation) -> Counter[tuple[str, str]]:
    """The simulator's own counters, as report columns: (queue, column) -> count."""
    out: Counter[tuple[str, str]] = Counter()
    for q, c in sim.counters.items():
        out[(q, "offered")] += c["offered"]
        out[(q, "answered")] += c["answered"]
        out[(q, "abandoned")] += c["abandoned"]
        out[(q, "other_exits")] += c["callbacks"]
    return out


def test_a_feed_restarted_20_times_reusing_contact_ids_is_reported_in_full(
        loop_thread, tmp_path, capsys):
    port = free_port()
    url = f"ws://127.0.0.1:{port}"
    out = tmp_path / "restarts.fwrec"
    truth: Counter[tuple[str, str]] = Counter()
    rows_expected = 0
    epochs: list[str] = []
    reached = 0  # the highest number the run before sent
    numbered_past = 0  # restarts whose snapshot numbers past where the run before stopped
    ids: list[set[str]] = []

    proc = subprocess.Popen(
        [sys.executable, "-m", "ui", "record", "--feed", url, "--out", str(out),
         "--timeout", "30"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for run in range(RESTARTS + 1):
            server = FeedServer(port=port)
            # Overloaded: queues build, so contacts wait, abandon and ask for callbacks.
            sim = Simulation(SimConfig(agents=12, seed=100 + run, start_t=START,
                                       start_hour=11.0, load=1.5))
            setup = sim.setup_events()
            if run % 2:  # numbered past the run before: only the epoch says it restarted
                setup += [ev.Heartbeat(START)] * (reached + 10 - len(setup))
            loop_thread.call(server.publish, setup)
            loop_thread.run(server.start())
            try:
                # The recorder (re)connects and gets this run's snapshot first.
                assert wait_until(lambda s=server: s.client_count == 1, timeout=20), \
                    f"run {run}: the recorder did not connect"
                if run:
                    numbered_past += server.seq > reached
                events = sim.run_until(START + RUN_S)
                loop_thread.call(server.publish, events)
                rows_expected += 1 + len(events)  # the snapshot, then every event
                assert wait_until(lambda n=rows_expected: row_count(out) == n, timeout=20), \
                    f"run {run}: {row_count(out)} of {rows_expected} rows recorded"
            finally:
                loop_thread.run(server.stop())
            truth.update(truth_of(sim))
            epochs.append(server.epoch)
            reached = server.seq
            ids.append({e.contact for e in events if isinstance(e, ev.ContactOffered)})
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, stderr
    assert f"(incl. {RESTARTS + 1} snapshots)" in stdout  # one per run

    # What makes this hard: every run reuses the ids of the others, and half the
    # restarts cannot be seen from the numbers.
    assert all(len(ids[0] & other) > 50 for other in ids[1:])
    assert numbered_past == RESTARTS // 2
    # The recording names each event's run: the epoch of the server it came from.
    runs = recorded(out, "SELECT runs.epoch, count(*) FROM events JOIN runs "
                         "ON events.run = runs.id GROUP BY runs.epoch")
    assert {epoch for epoch, _ in runs} == set(epochs)
    assert sum(n for _, n in runs) == rows_expected

    assert main(["report", str(out), "--interval", "total", "--format", "json",
                 "--tz", "UTC"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    got: Counter[tuple[str, str]] = Counter()
    for row in json.loads(captured.out):
        for column in COMPARED:
            got[(row["queue"], column)] += row[column]
    assert +got == +truth
    # Worth comparing: hundreds of contacts per outcome over the 21 runs.
    offered = sum(n for (_, column), n in truth.items() if column == "offered")
    assert offered > 21 * 50
    assert all(sum(n for (_, c), n in truth.items() if c == column) > 20
               for column in COMPARED)
