"""`floorwatch record` against a real feed server, then `floorwatch report` on the file."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from feeds.server import FeedServer
from feeds.sim import START_T, SimConfig, Simulation
from feeds.store import recording
from feeds.store.recording import read_meta, read_recording
from monitor import events as ev
from tests.conftest import wait_until
from tests.floors import T0, hotline_queue
from ui.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
# 11:00 on the simulated clock: busy enough for abandons, callbacks and transfers.
# Without the bot stage: the traffic this seeded run was chosen on (the bot's events
# through record and report are tests/ui/test_truth_e2e.py's).
CONFIG = SimConfig(agents=30, seed=5, start_t=START_T + 3 * 3600, start_hour=11.0,
                   bot_share=0.0)
RUN_MIN = 20


def last_recorded_seq(path: Path, feed: str) -> int:
    """The highest sequence number committed so far (-1 before the file is ready)."""
    if not path.exists():
        return -1
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)  # never creates the file
        try:
            row = conn.execute("SELECT max(seq) FROM events WHERE feed = ?", [feed]).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return -1
    return -1 if row[0] is None else row[0]


def totals_by_queue(rows: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, Counter[str]] = {}
    for r in rows:
        c = out.setdefault(r["queue"], Counter())
        for k in ("offered", "answered", "abandoned", "other_exits"):
            c[k] += r[k]
    return {q: dict(c) for q, c in out.items()}


def test_record_a_simulated_floor_then_report_it(loop_thread, tmp_path, capsys):
    server = FeedServer()
    port = loop_thread.run(server.start())
    url = f"ws://127.0.0.1:{port}"
    sim = Simulation(CONFIG)
    setup = sim.setup_events()
    loop_thread.call(server.publish, setup)
    out = tmp_path / "floor.fwrec"

    # A real `floorwatch record` process, stopped with Ctrl-C (SIGINT).
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui", "record", "--feed", url, "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Connected (and sent its snapshot of the setup) before the run is published,
        # so every ContactOffered of the run reaches the recording.
        assert wait_until(lambda: server.client_count == 1, timeout=15), proc.stderr
        for minute in range(1, RUN_MIN + 1):
            loop_thread.call(server.publish, sim.run_until(CONFIG.start_t + minute * 60))
            time.sleep(0.02)  # published in chunks while the recorder drains and writes
        assert wait_until(lambda: last_recorded_seq(out, url) == server.seq,
                          timeout=15, interval=0.1)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        loop_thread.run(server.stop())
    assert proc.returncode == 0, stderr
    assert stderr == ""

    # The file: the snapshot of the setup, then every event of the run with its seq.
    recorded = list(read_recording(out))
    assert {feed for feed, _ in recorded} == {url}
    first = recorded[0][1]
    assert isinstance(first, ev.Snapshot) and first.seq == len(setup)
    run = [e for _, e in recorded[1:]]
    assert len(run) == server.seq - len(setup) > 1000
    assert not any(isinstance(e, ev.Snapshot) for e in run)
    with contextlib.closing(sqlite3.connect(out)) as conn:
        seqs = [s for (s,) in conn.execute("SELECT seq FROM events ORDER BY id")]
    assert seqs == [0, *range(len(setup) + 1, server.seq + 1)]

    lines = stdout.splitlines()
    assert lines[0].startswith(f"recorded {len(recorded)} events in ")
    assert lines[0].endswith(f" to {out}")
    assert lines[1] == (f"  {url} (sim): {len(recorded)} events (incl. 1 snapshot); "
                        "rejected frames 0; resyncs 0; reconnects 0")

    # The report from the recording equals the simulator's own counters.
    assert main(["report", str(out), "--interval", "15m", "--format", "json",
                 "--tz", "UTC"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    rows = json.loads(captured.out)
    assert {r["interval_start"][11:16] for r in rows} == {"11:00", "11:15"}
    got = totals_by_queue(rows)
    truth = {q: {"offered": c["offered"], "answered": c["answered"],
                 "abandoned": c["abandoned"], "other_exits": c["callbacks"]}
             for q, c in sim.counters.items() if c["offered"]}
    assert got == truth
    total = Counter()
    for c in truth.values():
        total.update(c)
    # A run worth comparing: every outcome the report counts occurs in it.
    assert total["offered"] > 200 and total["answered"] > 200
    assert total["abandoned"] > 0 and total["other_exits"] > 0
    assert sum(c["transferred"] for c in sim.counters.values()) > 0
    # Queue definitions came from the snapshot: each row has its queue's channel.
    channels = {e.queue: e.channel for e in setup if isinstance(e, ev.QueueDefined)}
    assert {r["queue"]: r["channel"] for r in rows} == {q: channels[q] for q in got}
    assert set(channels.values()) == {"hotline", "online"}


def test_duration_stops_the_recording(loop_thread, tmp_path, capsys):
    server = FeedServer()
    port = loop_thread.run(server.start())
    url = f"ws://127.0.0.1:{port}"
    loop_thread.call(server.publish, [hotline_queue()])
    out = tmp_path / "short.fwrec"

    def publish_when_connected() -> None:
        if wait_until(lambda: server.client_count == 1):
            loop_thread.call(server.publish,
                             [ev.ContactOffered(T0 + i, f"c{i}", "hl") for i in range(1, 51)])

    publisher = threading.Thread(target=publish_when_connected)
    publisher.start()
    started = time.monotonic()
    try:
        code = main(["record", "--feed", url, "--out", str(out), "--duration", "1.5s"])
    finally:
        publisher.join()
        loop_thread.run(server.stop())
    elapsed = time.monotonic() - started
    assert code == 0
    assert 1.5 <= elapsed < 8
    events = [e for _, e in read_recording(out)]
    assert isinstance(events[0], ev.Snapshot)
    assert [e.contact for e in events[1:]] == [f"c{i}" for i in range(1, 51)]
    out_text = capsys.readouterr().out
    assert out_text.startswith("recorded 51 events in 0:01 to ")
    assert "(incl. 1 snapshot)" in out_text


def test_a_viewer_token_may_record_an_unknown_one_may_not(loop_thread, tmp_path, capsys):
    server = FeedServer(tokens={"view-only": "viewer"})
    port = loop_thread.run(server.start())
    url = f"ws://127.0.0.1:{port}"
    good, bad = tmp_path / "good.token", tmp_path / "bad.token"
    good.write_text("view-only\n", encoding="utf-8")
    bad.write_text("guess\n", encoding="utf-8")
    try:
        code = main(["record", "--feed", url, "--out", str(tmp_path / "ok.fwrec"),
                     "--token-file", str(good), "--duration", "0.3s"])
        assert code == 0
        assert isinstance(next(read_recording(tmp_path / "ok.fwrec"))[1], ev.Snapshot)
        capsys.readouterr()

        started = time.monotonic()
        code = main(["record", "--feed", url, "--out", str(tmp_path / "no.fwrec"),
                     "--token-file", str(bad)])
        assert time.monotonic() - started < 8  # refused at once, not after the timeout
    finally:
        loop_thread.run(server.stop())
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert "unknown token" in captured.err and "nothing recorded" in captured.err
    assert not (tmp_path / "no.fwrec").exists()


def test_a_feed_that_does_not_answer_is_exit_2_and_leaves_no_file(tmp_path, capsys):
    out = tmp_path / "none.fwrec"
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens here
    code = main(["record", "--feed", f"ws://127.0.0.1:{port}", "--out", str(out),
                 "--timeout", "0.5"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"floorwatch record: cannot connect to ws://127.0.0.1:{port} "
                          "within 0.5 s")
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("extra", "message"), [
    (["--duration", "soon"], "is not a duration"),
    (["--duration", "0s"], "is not a duration"),
    (["--timeout", "0"], "argument --timeout: must be more than 0"),
    (["--token-file", "/nonexistent/token"], "No such file"),
])
def test_bad_arguments_exit_2_before_connecting(tmp_path, capsys, extra, message):
    out = tmp_path / "x.fwrec"
    try:
        code = main(["record", "--feed", "ws://127.0.0.1:9", "--out", str(out), *extra])
    except SystemExit as exc:  # argparse refuses the flag's value
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and message in err
    assert not out.exists()


def test_an_existing_file_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / "precious.fwrec"
    out.write_bytes(b"keep me")
    assert main(["record", "--feed", "ws://127.0.0.1:9", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"


def test_an_unwritable_place_is_exit_2(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    code = main(["record", "--feed", "ws://127.0.0.1:9", "--out", str(blocker / "x.fwrec")])
    err = capsys.readouterr().err
    assert code == 2 and str(blocker / "x.fwrec") in err


@pytest.mark.parametrize("argv", [
    ["record", "--out", "x.fwrec"],  # no feed
    ["record", "--feed", "ws://127.0.0.1:9"],  # no file
])
def test_missing_required_flags_are_argparse_errors(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 2


def test_the_command_loads_no_qt():
    code = (
        "import sys\n"
        "from ui import cli\n"
        "cli.build_parser().parse_args(['record', '--feed', 'ws://x', '--out', 'y'])\n"
        "print([m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_feed_lost_for_much_of_the_recording_is_warned_about(loop_thread, tmp_path, capsys):
    server = FeedServer()
    port = loop_thread.run(server.start())
    out = tmp_path / "gap.fwrec"

    def drop_feed_soon() -> None:
        time.sleep(0.8)
        loop_thread.run(server.stop())

    dropper = threading.Thread(target=drop_feed_soon)
    dropper.start()
    try:
        code = main(["record", "--feed", f"ws://127.0.0.1:{port}", "--out", str(out),
                     "--duration", "3s"])
    finally:
        dropper.join()
    err = capsys.readouterr().err
    assert code == 0
    assert f"warning: ws://127.0.0.1:{port} was disconnected for" in err
    assert "the recording has a gap" in err


def record_offers(loop_thread, out: Path, duration: str = "1.5s") -> tuple[int, float]:
    """`floorwatch record` (in process) of a feed that sends 50 offers once connected;
    its exit code and how long it ran."""
    server = FeedServer()
    port = loop_thread.run(server.start())
    loop_thread.call(server.publish, [hotline_queue()])

    def publish_when_connected() -> None:
        if wait_until(lambda: server.client_count == 1):
            loop_thread.call(server.publish,
                             [ev.ContactOffered(T0 + i, f"c{i}", "hl") for i in range(1, 51)])

    publisher = threading.Thread(target=publish_when_connected)
    publisher.start()
    started = time.monotonic()
    try:
        code = main(["record", "--feed", f"ws://127.0.0.1:{port}", "--out", str(out),
                     "--duration", duration])
    finally:
        publisher.join()
        loop_thread.run(server.stop())
    return code, time.monotonic() - started


def test_events_that_could_not_be_recorded_make_it_exit_1(loop_thread, tmp_path, capsys,
                                                         monkeypatch):
    # As if SQLite's INTEGER ended at 30: the offers numbered past it (the queue is
    # number 1, c1 number 2) cannot be stored
    # (issue 9: a seq of 2**63 - 1 made the insert fail, and `record` still exited 0).
    monkeypatch.setattr(recording, "SQLITE_MAX_INT", 30)
    out = tmp_path / "partial.fwrec"
    code, _ = record_offers(loop_thread, out)
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.splitlines()[-1] == (
        f"floorwatch record: {out} is missing events; 21 event(s) not recorded "
        "(ContactOffered with a sequence number SQLite cannot hold 21)")
    # What could be stored is there, and the file was closed properly.
    recorded = [e for _, e in read_recording(out)]
    assert isinstance(recorded[0], ev.Snapshot)
    assert [e.contact for e in recorded[1:]] == [f"c{i}" for i in range(1, 30)]
    meta = read_meta(out)
    assert meta["dropped"] == 21 and "closed" in meta


def test_a_file_that_cannot_be_written_stops_the_recording_with_exit_1(
        loop_thread, tmp_path, capsys, monkeypatch):
    def append(store, rows, *args, **kwargs):  # the disk is full
        raise recording.RecordingError(f"cannot write recording {store.path}: disk I/O error")

    monkeypatch.setattr(recording.RecordingStore, "append", append)
    out = tmp_path / "failing.fwrec"
    code, elapsed = record_offers(loop_thread, out, duration="30s")
    captured = capsys.readouterr()
    assert code == 1
    assert elapsed < 10  # stopped at the failure, not after --duration
    last = captured.err.splitlines()[-1]
    assert last.startswith(f"floorwatch record: cannot write recording {out}: disk I/O error; ")
    assert "event(s) not recorded (write failed " in last
    assert list(read_recording(out)) == []
    meta = read_meta(out)
    assert "closed" in meta and meta["dropped"] > 0  # closed properly all the same
