"""`floorwatch record --config` from a fake Asterisk manager playing a scripted day,
dropped in the middle; `floorwatch report` on the recording gives the script's counts
per queue and 15-minute interval of entry."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.ami_day import DayPlayer, scripted_day
from tests.conftest import wait_until
from tests.fake_ami import FakeAmi
from ui.cli import main

ROOT = Path(__file__).resolve().parents[2]
SECRET = "day-secret-not-in-the-file"


def _recorded(path: Path) -> int:
    """Rows committed so far (-1 before the file can be read)."""
    if not path.exists():
        return -1
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM events").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return -1


def _settled(path: Path, quiet_s: float = 0.6, timeout: float = 20.0) -> None:
    """Wait until the recording stops growing (the pushed events are all in)."""
    deadline = time.monotonic() + timeout
    last, since = _recorded(path), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = _recorded(path)
        if now != last:
            last, since = now, time.monotonic()
        elif now > 0 and time.monotonic() - since >= quiet_s:
            return
    raise AssertionError(f"the recording kept growing or never started ({last} rows)")


def test_record_config_from_asterisk_then_report_equals_the_script(loop_thread, tmp_path,
                                                                    capsys):
    fake = loop_thread.run(FakeAmi(secret=SECRET).start())
    # The day starts just after the recorder's first QueueStatus (its clock is now).
    day = scripted_day(seed=11, start_t=time.time() + 5, hours=2.0)
    player = DayPlayer(fake, day)
    secret = tmp_path / "ami.secret"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    secret.chmod(0o600)
    config = tmp_path / "floorwatch.toml"
    config.write_text(f"""
[[feeds]]
name = "pbx"
kind = "asterisk-ami"
host = "127.0.0.1"
port = {fake.port}
username = "floorwatch"
secret_file = "{secret}"
""", encoding="utf-8")
    out = tmp_path / "day.fwrec"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui", "record", "--config", str(config), "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: any(a.get("Action") == "QueueStatus" for a in fake.actions),
                          timeout=15), "the recorder never asked for QueueStatus"
        _settled(out)
        half = len(day.events) // 2
        loop_thread.call(player.push_until, half)
        _settled(out)
        loop_thread.call(player.entries_waited, day.events[half - 1][0])
        loop_thread.call(fake.drop)
        assert wait_until(lambda: sum(a.get("Action") == "QueueStatus"
                                      for a in fake.actions) == 2, timeout=15)
        _settled(out)
        loop_thread.call(player.push_until, len(day.events))
        _settled(out)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        loop_thread.run(fake.close())
    assert proc.returncode == 0, stderr
    assert fake.logins == 2
    assert "\n  pbx: " in stdout and "reconnects 1" in stdout and "resyncs 1" in stdout
    assert SECRET not in stdout + stderr and SECRET.encode() not in out.read_bytes()

    assert main(["report", str(out), "--interval", "15m", "--format", "json",
                 "--tz", "UTC"]) == 0
    rows = json.loads(capsys.readouterr().out)
    got = {(r["queue"], r["interval_start"]): {k: r[k] for k in
                                               ("offered", "answered", "abandoned")}
           for r in rows}
    from datetime import UTC, datetime

    want = {(q, datetime.fromtimestamp(start, UTC).isoformat()): {
        k: c[k] for k in ("offered", "answered", "abandoned")}
        for (q, start), c in day.truth.items()}
    assert {k[1][:16] for k in got} == {k[1][:16] for k in want}
    got = {(q, start[:16]): v for (q, start), v in got.items()}
    want = {(q, start[:16]): v for (q, start), v in want.items()}
    assert got == want
    assert sum(v["offered"] for v in want.values()) > 150
