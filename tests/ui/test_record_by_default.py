"""`run` and `demo` record by default (one file a day, old days pruned), `--no-record` and
`--record FILE`, `[recording]`; no token or credential in any file; a recorder in
trouble says so in the status bar and never stops the window."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from feeds.hub import FeedHub
from feeds.sim import SimConfig
from feeds.sim.serve import SimulationThread
from feeds.sources.simulated import SimulatedSource
from feeds.store.recording import read_meta, read_rows
from feeds.store.recording_files import LiveRecorder, RecordingPlan, day_path
from monitor.config import RecordingSettings
from monitor.floor import Floor
from ui.cli import build_parser, main
from ui.cli.recording_flags import recording_plan
from ui.floor_window import FloorWindow
from ui.recording_status import attach_recorder
from ui.tick import FloorTicker

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("tok-rec-4e1", "pw-rec-93a", "urlsecret-rec-77")


def _env(tmp_path: Path) -> dict[str, str]:
    # The user data and config dirs of these runs: never the real ones.
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"),
                XDG_CONFIG_HOME=str(tmp_path / "config"), PYTHONPATH=str(ROOT))


def _floorwatch(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ui", *args], capture_output=True, text=True,
                          env=_env(tmp_path), cwd=ROOT, timeout=120)


def _all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


# ------------------------------------------------------------------ the commands
def test_demo_records_into_todays_demo_file_and_prunes_old_days(tmp_path):
    folder = tmp_path / "data" / "floorwatch" / "recordings" / "demo"
    folder.mkdir(parents=True)
    today = date.today()
    old, kept = (day_path(folder, today - timedelta(days=n)) for n in (15, 14))
    for path in (old, kept):
        path.write_bytes(b"")
    done = _floorwatch(tmp_path, "demo", "--no-server", "--agents", "20", "--warmup", "600",
                       "--exit-after", "2")
    assert done.returncode == 0, done.stderr[-3000:]
    path = day_path(folder, date.today())  # (today's, even if the run crossed midnight)
    rows = list(read_rows(path))
    assert len(rows) > 100 and {feed for feed, *_ in rows} == {"sim"}
    assert read_meta(path).get("closed")  # closed cleanly on quit
    assert not old.exists() and kept.exists()
    assert sorted(p.name for p in folder.parent.iterdir()) == ["demo"]  # no real day touched
    assert main(["report", str(path), "--interval", "total", "--format", "csv"]) == 0


def test_run_records_into_the_configured_folder_with_no_secret_anywhere(tmp_path):
    sim = SimulationThread(SimConfig(agents=20, seed=4), warmup_s=300,
                           tokens={SECRETS[0]: "supervisor"})
    port = sim.start()
    try:
        token = tmp_path / "token"
        token.write_text(SECRETS[0] + "\n")
        token.chmod(0o600)
        folder = tmp_path / "recs"
        config = tmp_path / "fw.toml"
        config.write_text(f'[recording]\ndir = "{folder}"\nkeep_days = 3\n')
        url = f"ws://ops:{SECRETS[1]}@127.0.0.1:{port}/?token={SECRETS[2]}"
        done = _floorwatch(tmp_path, "run", "--config", str(config), "--feed", url,
                           "--token-file", str(token), "--exit-after", "2.5")
    finally:
        sim.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    path = day_path(folder, date.today())
    rows = list(read_rows(path))
    assert len(rows) > 10
    assert {feed for feed, *_ in rows} == {f"ws://127.0.0.1:{port}/"}  # the URL, redacted
    assert read_meta(path)["feeds"] == [f"ws://127.0.0.1:{port}/"]
    assert all(epoch for *_, epoch, _ in rows)  # each event knows its server run
    # No token, password or URL secret in any file written (the recording with its -wal,
    # the audit log, the alert history), nor in the output.
    written = _all_bytes(folder) + _all_bytes(tmp_path / "data")
    for secret in SECRETS:
        assert secret.encode() not in written, secret
        assert secret not in done.stdout + done.stderr, secret


def test_no_record_records_nothing(tmp_path):
    done = _floorwatch(tmp_path, "demo", "--no-server", "--agents", "5", "--warmup", "60",
                       "--exit-after", "0.5", "--no-record")
    assert done.returncode == 0, done.stderr[-3000:]
    assert not (tmp_path / "data" / "floorwatch" / "recordings").exists()


# ------------------------------------------------------------------ flags and config
def _args(*argv: str) -> argparse.Namespace:
    return build_parser("run").parse_args(["run", *argv])


def test_which_file_the_flags_and_the_config_choose(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    base = tmp_path / "data" / "floorwatch" / "recordings"
    on, off = RecordingSettings(), RecordingSettings(enabled=False)
    assert recording_plan(_args(), on) == RecordingPlan(folder=base, keep_days=14)
    assert recording_plan(_args(), on, demo=True) == RecordingPlan(folder=base / "demo")
    assert recording_plan(_args(), off) is None
    assert recording_plan(_args("--no-record"), on) is None
    # --record FILE wins over the config, a new file or a recording to append to.
    mine = tmp_path / "mine.db"
    assert recording_plan(_args("--record", str(mine)), off) == RecordingPlan(file=mine)
    moved = RecordingSettings(dir=str(tmp_path / "elsewhere"), keep_days=2)
    assert recording_plan(_args(), moved) == RecordingPlan(folder=tmp_path / "elsewhere",
                                                           keep_days=2)


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.mkdir(), "is a folder, not a file"),
    (lambda p: p.write_text("not a recording"), "is not a Floorwatch recording"),
    (lambda p: None, "does not exist"),
])
def test_a_bad_record_file_is_one_line_naming_the_flag(tmp_path, capsys, monkeypatch, make,
                                                       message):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    target = tmp_path / "x.db"
    if message == "does not exist":
        target = tmp_path / "missing" / "x.db"
    make(target)
    code = main(["run", "--feed", "ws://127.0.0.1:9", "--record", str(target),
                 "--exit-after", "0"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert f"--record {target}" in err and message in err


def test_a_configured_folder_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match=r"fw.toml: recording.dir: .*file is not a folder"):
        recording_plan(_args(), RecordingSettings(dir=str(blocker)), config_path="fw.toml")


def test_no_record_and_record_together_are_refused(capsys):
    with pytest.raises(SystemExit) as info:
        build_parser("demo").parse_args(["demo", "--no-record", "--record", "x.db"])
    assert info.value.code == 2 and "not allowed with" in capsys.readouterr().err


# ------------------------------------------------------------------ the window
@pytest.fixture
def window_on_sim(qtbot):
    floor = Floor()
    source = SimulatedSource(SimConfig(agents=10, seed=2), speed=60.0, warmup_s=120)
    hub = FeedHub([source])
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    ticker = FloorTicker(floor, hub, [window])
    yield floor, hub, window, ticker
    ticker.stop()
    hub.stop()


def test_the_status_bar_says_recording_and_the_file_gets_what_the_floor_got(
        qtbot, window_on_sim, tmp_path):
    floor, hub, window, ticker = window_on_sim
    live = LiveRecorder(RecordingPlan(file=tmp_path / "w.db"), ["sim"], floor=floor)
    status = attach_recorder(window, ticker, live)
    hub.start()
    ticker.start()
    qtbot.waitUntil(lambda: len(floor.agents) == 10 and floor.now > 0, timeout=10000)
    assert status.text() == "Recording" and str(tmp_path / "w.db") in status.toolTip()
    ticker.stop()
    live.close()
    replayed = Floor()
    for feed, _, _, event in read_rows(tmp_path / "w.db"):
        replayed.apply(event, feed)
    assert replayed.now == floor.now and set(replayed.agents) == set(floor.agents)


def test_a_recorder_that_cannot_write_shows_one_line_and_the_window_goes_on(
        qtbot, window_on_sim, tmp_path):
    floor, hub, window, ticker = window_on_sim
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    live = LiveRecorder(RecordingPlan(folder=blocker / "recordings"), ["sim"], floor=floor)
    status = attach_recorder(window, ticker, live)
    hub.start()
    ticker.start()
    qtbot.waitUntil(lambda: status.text().startswith("Not recording: "), timeout=10000)
    start = floor.now
    qtbot.waitUntil(lambda: floor.now > start + 30, timeout=10000)  # the floor moves on
    assert "\n" not in status.text() and "blocker" in status.toolTip()
    assert live.dropped > 0 and ticker.view_errors == 0
    live.close()


def test_the_recording_label_grows_with_the_window_like_the_rest_of_the_status_bar(
        qtbot, window_on_sim, tmp_path):
    floor, _hub, window, ticker = window_on_sim
    live = LiveRecorder(RecordingPlan(file=tmp_path / "s.db"), ["sim"], floor=floor)
    status = attach_recorder(window, ticker, live)
    window.resize(3840, 2160)
    window.show()
    qtbot.waitUntil(lambda: window.font_scale > 1.0, timeout=5000)
    assert status.font().pointSizeF() == window.statusBar().font().pointSizeF()
    live.close()


def test_a_recorder_bug_stops_the_recording_not_the_window(qtbot, window_on_sim, tmp_path):
    floor, hub, window, ticker = window_on_sim

    class Broken(LiveRecorder):
        def __call__(self, items):
            raise RuntimeError("boom")

    live = Broken(RecordingPlan(file=tmp_path / "b.db"), ["sim"])
    status = attach_recorder(window, ticker, live)
    hub.start()
    ticker.start()
    qtbot.waitUntil(lambda: len(floor.agents) == 10, timeout=10000)
    assert status.text() == "Not recording: RuntimeError: boom"
    start = floor.now
    qtbot.waitUntil(lambda: floor.now > start + 30, timeout=10000)
    live.close()
