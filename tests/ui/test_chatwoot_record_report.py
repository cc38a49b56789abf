"""`floorwatch record --config` from a fake Chatwoot (ActionCable + REST) playing a
scripted stretch of chat, cut in the middle; `floorwatch report` on the recording
gives the script's counts per inbox queue and 15-minute interval of entry."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

from tests.chat_day import ChatPlayer, chat_fake, scripted_chats
from tests.conftest import wait_until
from tests.ui.test_ami_record_report import ROOT, _settled
from ui.cli import main

COLUMNS = ("offered", "answered", "other_exits")


def test_record_config_from_chatwoot_then_report_equals_the_script(loop_thread, tmp_path,
                                                                    capsys):
    fake = chat_fake(token="cw-api-secret-1", pubsub_token="cw-pubsub-secret-1")
    loop_thread.run(fake.start())
    day = scripted_chats(seed=5, start_t=int(time.time()) + 5)
    player = ChatPlayer(fake, day)
    files = {}
    for name, value in (("token", fake.token), ("pubsub", fake.pubsub_token)):
        files[name] = tmp_path / name
        files[name].write_text(value + "\n", encoding="utf-8")
        files[name].chmod(0o600)
    config = tmp_path / "floorwatch.toml"
    config.write_text(f"""
[[feeds]]
name = "chat"
kind = "chatwoot"
url = "{fake.url}"
cable_url = "{fake.cable_url}"
account_id = {fake.account_id}
user_id = {fake.user_id}
token_file = "{files['token']}"
pubsub_token_file = "{files['pubsub']}"
""", encoding="utf-8")
    out = tmp_path / "chat.fwrec"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui", "record", "--config", str(config), "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_until(lambda: fake.subscribes == 1, timeout=15), "never subscribed"
        _settled(out)
        half = len(day.steps) // 2
        loop_thread.call(player.play_until, half)
        _settled(out)
        loop_thread.call(fake.drop)
        assert wait_until(lambda: fake.subscribes == 2, timeout=15)
        _settled(out)
        loop_thread.call(player.play_until, len(day.steps))
        _settled(out)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        loop_thread.run(fake.close())
    assert proc.returncode == 0, stderr
    assert "\n  chat: " in stdout and "resyncs 1" in stdout
    assert fake.token not in stdout + stderr and fake.pubsub_token not in stdout + stderr
    data = out.read_bytes()
    assert fake.token.encode() not in data and fake.pubsub_token.encode() not in data

    assert main(["report", str(out), "--interval", "15m", "--format", "json",
                 "--tz", "UTC"]) == 0
    rows = json.loads(capsys.readouterr().out)
    got = {(r["queue"], r["interval_start"][:16]): {k: r[k] for k in COLUMNS} for r in rows}
    want = {(q, datetime.fromtimestamp(start, UTC).isoformat()[:16]): {k: c[k] for k in COLUMNS}
            for (q, start), c in day.truth.items()}
    assert got == want
    assert sum(v["offered"] for v in want.values()) > 80 and day.bot_resolved > 0
    assert sum(v["other_exits"] for v in want.values()) > 0
