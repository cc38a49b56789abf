"""`floorwatch replay`: its flags and errors, the window it opens (a replay bar, no
reassignment controls, nothing in the alert history), and `--serve`'s hand-over."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import types
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QToolButton

from feeds.store.alert_history import read_alerts
from feeds.store.recording import Recorder
from monitor.events import Snapshot
from tests.ui.fake_replay import simulated_day
from ui import app as ui_app
from ui.cli import main
from ui.cli.replay import replay_range
from ui.replay_bar import REPLAY_COLOUR

FEED = "ws://127.0.0.1:8765"


def make_recording(path: Path, minutes: float = 30) -> list:
    """A recording of `minutes` of a simulated floor, through the real Recorder."""
    day = simulated_day(agents=20, minutes=minutes, feed=FEED)
    recorder = Recorder(path, feeds=[FEED])
    assert recorder.wait_ready(), recorder.error
    for seq, (feed, event) in enumerate(day, 1):
        recorder.record(feed, 0 if type(event) is Snapshot else seq, event)
    recorder.close()
    assert not recorder.error and not recorder.dropped
    return day


@pytest.fixture(scope="module")
def recording(tmp_path_factory) -> tuple[Path, list]:
    path = tmp_path_factory.mktemp("replay") / "day.db"
    return path, make_recording(path)


def _local(day_of: float, hhmm: str) -> float:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return datetime.fromtimestamp(day_of).replace(hour=hour, minute=minute, second=0,
                                                  microsecond=0).timestamp()


def _hhmm(t: float) -> str:
    """The local HH:MM of t (the recordings start at whatever 09:00 is in the test zone)."""
    return datetime.fromtimestamp(t).strftime("%H:%M")


def _one_line_error(capsys, *words: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
    return err


# ---------------------------------------------------------------------- errors
def test_a_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["replay", str(tmp_path / "nope.db")]) == 2
    _one_line_error(capsys, "nope.db")


def test_a_file_that_is_not_a_recording_is_one_line_and_exit_2(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    assert main(["replay", str(text)]) == 2
    _one_line_error(capsys, "notes.txt", "not a Floorwatch recording")


@pytest.mark.parametrize("flag, value", [
    ("--from", "25:00"), ("--from", "10:61"), ("--from", "banana"), ("--to", "9.30"),
    ("--to", "2025-13-01T10:00"),
])
def test_a_bad_time_names_its_flag(recording, capsys, flag, value):
    path, _ = recording
    assert main(["replay", str(path), flag, value]) == 2
    _one_line_error(capsys, flag, repr(value))


def test_from_after_the_end_or_to_before_the_start_is_refused(recording, capsys):
    path, day = recording
    first, last = day[0][1].t, day[-1][1].t
    late = datetime.fromtimestamp(last + 3600).isoformat(timespec="minutes")
    assert main(["replay", str(path), "--from", late]) == 2
    _one_line_error(capsys, "--from", "after the recording ends")
    early = datetime.fromtimestamp(first - 7200).isoformat(timespec="minutes")
    assert main(["replay", str(path), "--to", early]) == 2
    _one_line_error(capsys, "--to", "before the recording starts")


def test_iso_to_not_after_from_is_refused(recording, capsys):
    path, day = recording
    start = datetime.fromtimestamp(day[0][1].t)
    assert main(["replay", str(path), "--from", (start + timedelta(minutes=10)).isoformat(),
                 "--to", start.isoformat()]) == 2
    _one_line_error(capsys, "--to", "not after --from")


@pytest.mark.parametrize("value", ["0", "-5", "fast", "nan"])
def test_a_bad_speed_is_refused_by_the_parser(recording, capsys, value):
    path, _ = recording
    with pytest.raises(SystemExit) as exit_:
        main(["replay", str(path), "--speed", value])
    assert exit_.value.code == 2
    assert "--speed" in capsys.readouterr().err


def test_times_are_local_on_the_recordings_day_or_iso():
    first = datetime(2026, 3, 4, 9, 15, 30).timestamp()
    assert replay_range("10:30", None, first) == (_local(first, "10:30"), None)
    assert replay_range(None, "11:00:15", first) == (
        None, datetime(2026, 3, 4, 11, 0, 15).timestamp())
    assert replay_range("2026-03-05T08:00", None, first)[0] == \
        datetime(2026, 3, 5, 8, 0).timestamp()
    assert replay_range("2026-03-04T10:00+00:00", None, first)[0] == \
        datetime.fromisoformat("2026-03-04T10:00+00:00").timestamp()
    # A night shift: --to not after --from (both clock times) is the next morning.
    start, end = replay_range("22:00", "02:00", first)
    assert end - start == pytest.approx(4 * 3600, abs=3601)  # a DST change moves it an hour
    assert datetime.fromtimestamp(end).day == 5


# ---------------------------------------------------------------------- the window
@pytest.fixture
def in_process(qtbot, monkeypatch, tmp_path):
    """run_floor in this process, its event loop a nested one: QApplication.exec and
    quit, once called for real, would leave no timer firing for the tests after."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    loops: list[QEventLoop] = []

    def exec_(_app=None) -> int:
        loops.append(QEventLoop())
        loops[-1].exec()
        return 0

    def quit_(_app=None) -> None:
        loops[-1].quit()

    monkeypatch.setattr(QApplication, "exec", exec_)
    monkeypatch.setattr(QApplication, "quit", quit_)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    windows: list[ui_app.FloorWindow] = []

    class Captured(ui_app.FloorWindow):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            windows.append(self)

    monkeypatch.setattr(ui_app, "FloorWindow", Captured)
    yield windows
    for window in windows:
        qtbot.addWidget(window)


@pytest.fixture
def captured(monkeypatch):
    """run_floor's arguments, the window left unopened."""
    calls: list[tuple[list, ui_app.WindowOptions]] = []
    monkeypatch.setattr(ui_app, "run_floor", lambda sources, options: calls.append(
        (sources, options)) or 0)
    return calls


def test_flags_reach_the_source_and_the_window(recording, captured):
    path, day = recording
    first = day[0][1].t
    start, end = _hhmm(first + 600), _hhmm(first + 1200)
    assert main(["replay", str(path), "--speed", "10", "--from", start, "--to", end,
                 "--lang", "zh_CN", "--size", "1280x720"]) == 0
    [(sources, options)] = captured
    marks = options.replay.marks
    assert sources == [marks]
    replay = marks.replay
    assert (replay.start_t, replay.end_t) == (_local(first, start), _local(first, end))
    assert replay.speed == 10.0 and options.replay.speed == 10.0
    assert options.replay.end_t == _local(first, end)
    assert not marks.accepts_commands and marks.role == ""
    assert (options.lang, options.size) == ("zh_CN", (1280, 720))


def test_speed_max_is_as_fast_as_possible(recording, captured):
    path, _ = recording
    assert main(["replay", str(path), "--speed", "max"]) == 0
    [(_, options)] = captured
    assert math.isinf(options.replay.speed) and math.isinf(options.replay.marks.replay.speed)


def test_serve_hands_over_to_replay_serve(recording, monkeypatch):
    path, day = recording
    got = []
    from ui.cli import replay_serve

    fake = types.ModuleType("ui.cli.replay_serve")
    fake.serve = lambda args: got.append(args) or 0
    fake.add_serve_arguments = replay_serve.add_serve_arguments
    monkeypatch.setitem(sys.modules, "ui.cli.replay_serve", fake)
    monkeypatch.setattr("ui.cli.replay_serve", fake, raising=False)
    start = _hhmm(day[0][1].t + 300)
    assert main(["replay", str(path), "--serve", "9999", "--from", start,
                 "--host", "0.0.0.0"]) == 0
    [args] = got
    assert args.serve == 9999 and args.file == path and args.host == "0.0.0.0"
    assert args.start_t == _local(day[0][1].t, start) and args.end_t is None


def test_the_replay_window_has_the_bar_and_no_reassignment_and_keeps_no_history(
        recording, tmp_path, in_process):
    """The whole command in this process: run_floor's replay path, to its --exit-after."""
    path, _ = recording
    shot = tmp_path / "shot.png"
    assert main(["replay", str(path), "--speed", "max", "--exit-after", "2",
                 "--screenshot", str(shot), "--size", "1280x720"]) == 0
    [window] = in_process
    bar = window.replay_bar
    assert bar is not None and bar.clock.text().startswith("REPLAY ")
    assert window.agent_panel.model.rowCount() == 20
    buttons = [b.text() for b in window.findChildren(QToolButton)]
    for word in ("To online", "To hotline", "Blend", "Lend to online", "Undo move"):
        assert word not in buttons
        assert not [a for a in window.agent_panel.view.actions() if a.text() == word]
    assert not window.agent_panel.view.dragEnabled()
    # The replay raised alerts (the panel lists them); the history kept none of them.
    assert window.alerts.book.active or window.alerts.book.recent_cleared
    history = tmp_path / "data" / "floorwatch" / "alerts.db"
    assert not history.exists() or read_alerts(history) == []
    assert QImage(str(shot)).size().width() == 1280


def _has_colour(image: QImage, colour: QColor, rows: int) -> bool:
    target = colour.rgb()
    return any(image.pixel(x, y) == target for y in range(min(rows, image.height()))
               for x in range(0, image.width(), 2))


def test_the_command_end_to_end_shows_the_replay_clock(recording, tmp_path):
    path, day = recording
    shot = tmp_path / "replay.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-m", "ui", "replay", str(path), "--speed", "60", "--from", _hhmm(day[0][1].t + 300),
         "--exit-after", "3", "--screenshot", str(shot), "--size", "1280x720"],
        capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 720)
    assert _has_colour(image, REPLAY_COLOUR, 80)  # the REPLAY clock, near the top


def test_a_seek_on_the_real_source_shows_the_floor_of_that_moment(
        qtbot, recording, in_process):
    """The command's window on the real ReplaySource: paused and moved back by a click on
    the timeline, it shows the floor that playing the recording up to there leaves."""
    from PySide6.QtCore import QPoint, Qt, QTimer

    from tests.ui.fake_replay import floor_at

    path, day = recording
    windows = in_process
    clicked = []

    def pause_and_click() -> None:
        bar = windows[0].replay_bar
        bar.toggle_play()  # pause
        timeline = bar.timeline
        x = round(timeline.x_of(day[0][1].t + 400))
        qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton,
                         pos=QPoint(x, timeline.height() // 2))
        clicked.append(timeline.t_at(x))

    QTimer.singleShot(1200, pause_and_click)
    assert main(["replay", str(path), "--speed", "60", "--exit-after", "3",
                 "--size", "1280x720"]) == 0
    [window] = windows
    [target] = clicked
    shown, expected = window.floor, floor_at(day, target)
    # Its clock: the last event at or before the moment (this recording has no heartbeats).
    assert shown.now == max(e.t for _, e in day if e.t <= target)
    assert {a: (x.state, x.state_since) for a, x in shown.agents.items()} == \
        {a: (x.state, x.state_since) for a, x in expected.agents.items()}
    assert set(shown.contacts) == set(expected.contacts)
    assert "paused" in window.replay_bar.clock.text()
