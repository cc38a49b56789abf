"""The replay bar on a real floor window, hub and tick, driven by a fake replay source
(tests/ui/fake_replay.py, the ReplaySource contract): play, pause, speed, seek by a click
on the timeline, the REPLAY clock, a clean floor and alert engine after a seek, and no
reassignment controls."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QToolButton

from feeds.hub import FeedHub
from monitor.alert_book import RAISED, Transition
from monitor.alert_engine import AlertEngine
from monitor.alert_rules import AlertRule, Severity
from monitor.floor import Floor
from tests.ui.fake_replay import FakeReplay, floor_at, simulated_day
from ui import fmt
from ui.alert_sound import AlertSound
from ui.floor_window import FloorWindow
from ui.replay_bar import ReplayTimeline, attach_replay, busy_bucket_s
from ui.replay_feed import ReplaySetup, SeekMarks
from ui.tick import FloorTicker

# Someone waiting in a queue: raised and cleared many times an hour on the simulated floor.
WAITING = AlertRule("anyone-waiting", "waiting", ">", enter=0, exit=0,
                    severity=Severity.WARNING, message_en="{queue} has someone waiting")
# Any service level at all: raised once a queue has traffic, never cleared.
ANY_SL = AlertRule("any-service-level", "service_level", "<", enter=101.0, exit=101.0,
                   severity=Severity.INFO, message_en="{queue} has traffic")


class Silent:
    available = False

    def play(self, severity: Severity) -> None:  # pragma: no cover - never available
        raise AssertionError("no sound in tests")


@pytest.fixture(scope="module")
def day():
    return simulated_day(agents=20, minutes=60)


@pytest.fixture
def replaying(qtbot, tmp_path: Path, day):
    """A window replaying `day` at 60x, and a way to stop it."""
    made = []

    def start(speed: float = 60.0, start_t: float | None = None):
        replay = FakeReplay(day, speed=speed, start_t=start_t)
        marks = SeekMarks(replay)
        hub = FeedHub([marks])
        floor = Floor()
        engine = AlertEngine(floor, [WAITING, ANY_SL])
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = FloorWindow(floor, alerts=engine, sound=AlertSound(Silent(), settings))
        qtbot.addWidget(window)
        window.feed_keys = [marks.key]
        ticker = FloorTicker(floor, hub, [window], alerts=engine)
        bar = attach_replay(window, ticker, ReplaySetup(marks, speed=speed), Floor)
        hub.start()
        ticker.start()
        window.resize(1280, 720)
        window.show()
        made.append((ticker, hub, bar))
        return replay, window, ticker, bar

    yield start
    for ticker, hub, bar in made:
        ticker.stop()
        hub.stop()
        bar.wait_busy()


def _floor(ticker: FloorTicker) -> Floor:
    return ticker.floor  # after a seek, a new one


def _click_timeline(qtbot, timeline: ReplayTimeline, t: float) -> float:
    """Click the timeline where t is; returns the time that pixel stands for."""
    x = round(timeline.x_of(t))
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(x, timeline.height() // 2))
    return timeline.t_at(x)


def test_play_advances_the_position_and_the_clock_says_replay(qtbot, replaying, day):
    replay, window, ticker, bar = replaying(speed=60.0)
    start = replay.span[0]
    qtbot.waitUntil(lambda: _floor(ticker).now > start + 120, timeout=15000)
    assert replay.position_t > start + 120
    assert not replay.paused
    text = bar.clock.text()
    assert text.startswith("REPLAY ") and "×60" in text, text
    # The clock is the replayed (event) time, the time the floor shows, not the wall's.
    shown = text.split()[1]
    assert abs(time.mktime(time.strptime(
        time.strftime("%Y-%m-%d ", time.localtime(start)) + shown, "%Y-%m-%d %H:%M:%S"))
        - _floor(ticker).now) <= 5 * 60 * 0.05 + 2  # a tick or two of 60x apart
    assert fmt.clock(time.time()) != shown or abs(time.time() - start) < 10
    assert window.windowTitle() != "Floorwatch"  # the title says replay too


def test_pause_stops_the_replay_and_play_resumes_it(qtbot, replaying):
    replay, window, ticker, bar = replaying(speed=60.0)
    start = replay.span[0]
    qtbot.waitUntil(lambda: _floor(ticker).now > start + 60, timeout=15000)
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert replay.paused
    assert "paused" in bar.clock.text()
    qtbot.wait(300)  # what was under way drains
    held, position = _floor(ticker).now, replay.position_t
    qtbot.wait(700)  # 42 s of event time at 60x, if it were playing
    assert _floor(ticker).now == held
    assert replay.position_t == position
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert not replay.paused
    qtbot.waitUntil(lambda: _floor(ticker).now > held + 20, timeout=15000)
    assert "paused" not in bar.clock.text()


def _pace(ticker: FloorTicker, wall_s: float, qtbot) -> float:
    """Event seconds per wall second over about `wall_s`."""
    t0, w0 = _floor(ticker).now, time.monotonic()
    qtbot.wait(int(wall_s * 1000))
    return (_floor(ticker).now - t0) / (time.monotonic() - w0)


def test_a_speed_change_changes_the_pace(qtbot, replaying):
    replay, window, ticker, bar = replaying(speed=10.0)
    start = replay.span[0]
    qtbot.waitUntil(lambda: _floor(ticker).now > start + 5, timeout=15000)
    slow = _pace(ticker, 1.0, qtbot)
    bar.speed_combo.setCurrentIndex(bar.speed_combo.findData(100.0))  # as a user picks it
    assert replay.speed == 100.0
    assert "×100" in bar.clock.text()
    qtbot.wait(200)
    fast = _pace(ticker, 1.0, qtbot)
    assert 3 < slow < 20, slow
    assert fast > 4 * slow, (slow, fast)
    bar.set_speed(math.inf)
    assert math.isinf(replay.speed)
    assert bar.speed_combo.currentText() == "As fast as possible"
    qtbot.waitUntil(lambda: _floor(ticker).now >= replay.span[1] - 1, timeout=15000)
    qtbot.waitUntil(lambda: "end" in bar.clock.text(), timeout=5000)


def _same_floor(shown: Floor, expected: Floor) -> None:
    assert shown.now == pytest.approx(expected.now, abs=1e-6)
    assert set(shown.agents) == set(expected.agents)
    assert {a: (x.state, x.state_since) for a, x in shown.agents.items()} == \
        {a: (x.state, x.state_since) for a, x in expected.agents.items()}
    assert set(shown.contacts) == set(expected.contacts)
    for queue_id in expected.queues:
        got, want = shown.queue_view(queue_id), expected.queue_view(queue_id)
        assert (got.waiting, got.offered, got.answered) == \
            (want.waiting, want.offered, want.answered), queue_id


def test_a_click_on_the_timeline_seeks_and_the_window_shows_that_moment(qtbot, replaying, day):
    replay, window, ticker, bar = replaying(speed=60.0)
    t0, t1 = replay.span
    qtbot.waitUntil(lambda: _floor(ticker).now > t0 + 600, timeout=20000)
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)  # paused: it stays there
    before = _floor(ticker)
    qtbot.waitUntil(lambda: bar.timeline.width() > 200, timeout=5000)

    # Forward, past where it has played.
    target = _click_timeline(qtbot, bar.timeline, t0 + 0.75 * (t1 - t0))
    # The seek runs on the hub's loop, between two of the source's items.
    qtbot.waitUntil(lambda: replay.position_t == pytest.approx(target, abs=1e-6), timeout=5000)
    assert "paused" in bar.clock.text() and fmt.clock(target) in bar.clock.text()
    qtbot.waitUntil(lambda: _floor(ticker) is not before and bool(_floor(ticker).agents),
                    timeout=10000)
    qtbot.wait(200)
    _same_floor(_floor(ticker), floor_at(day, target))
    assert window.floor is _floor(ticker)  # the window shows the new floor
    assert window.agent_panel.model.rowCount() == len(floor_at(day, target).agents)
    assert window.queue_wall.tiles.keys() == _floor(ticker).queues.keys()
    assert fmt.clock(target) in bar.clock.text()

    # Back, before it: the floor's clock goes back too (a new floor, not the old one).
    after_forward = _floor(ticker)
    target = _click_timeline(qtbot, bar.timeline, t0 + 0.25 * (t1 - t0))
    qtbot.waitUntil(lambda: _floor(ticker) is not after_forward and bool(_floor(ticker).agents),
                    timeout=10000)
    qtbot.wait(200)
    _same_floor(_floor(ticker), floor_at(day, target))
    assert replay.seeks[-2:] == [pytest.approx(t0 + 0.75 * (t1 - t0), abs=60),
                                 pytest.approx(target, abs=1e-6)]


def test_a_drag_seeks_once_where_it_is_released(qtbot, replaying):
    replay, window, ticker, bar = replaying(speed=1.0)
    timeline = bar.timeline
    qtbot.waitUntil(lambda: timeline.width() > 200, timeout=5000)
    y = timeline.height() // 2
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(10, y))
    for x in (40, 80, 120):
        qtbot.mouseMove(timeline, QPoint(x, y))
    assert timeline.dragging_t == pytest.approx(timeline.t_at(120), abs=1e-6)
    assert replay.seeks == []  # nothing sought while dragging
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(150, y))
    qtbot.waitUntil(lambda: len(replay.seeks) == 1, timeout=5000)
    qtbot.wait(100)
    assert replay.seeks == [pytest.approx(timeline.t_at(150), abs=1e-6)]


def test_after_a_seek_the_alerts_start_clean(qtbot, replaying):
    replay, window, ticker, bar = replaying(speed=math.inf)
    t0, t1 = replay.span
    first_engine = ticker.alerts
    qtbot.waitUntil(lambda: _floor(ticker).now >= t1 - 1, timeout=20000)
    bar.set_speed(10.0)  # the engine evaluates as event time moves: let it move, slowly
    target_x = t0 + 0.5 * (t1 - t0)
    before = {a.rule: a.raised_t for a in first_engine.book.active.values()}
    # Without a clean start these would linger: raised long before the seek point.
    assert before.get("any-service-level", target_x) < target_x - 600, before
    assert bar.timeline.marks  # raised alerts are marked on the timeline
    marks = len(bar.timeline.marks)
    target = _click_timeline(qtbot, bar.timeline, target_x)
    qtbot.waitUntil(lambda: ticker.alerts is not first_engine, timeout=10000)
    qtbot.waitUntil(lambda: bool(ticker.alerts.book.active), timeout=10000)
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)  # pause
    qtbot.wait(300)
    engine = ticker.alerts
    assert window.alerts is engine and window.alert_panel.book is engine.book
    # Raised anew from the seek point: nothing from before it lingers.
    now = _floor(ticker).now
    assert all(target - 1 <= a.raised_t <= now for a in engine.book.active.values())
    shown = {window.alert_panel.model.alert_at(r).id
             for r in range(window.alert_panel.model.rowCount())}
    assert shown == {a.id for a in engine.book.active.values()}
    assert len(bar.timeline.marks) >= marks  # marks already seen stay on the timeline


def test_no_reassignment_control_can_act(qtbot, replaying):
    replay, window, ticker, bar = replaying(speed=60.0)
    qtbot.waitUntil(lambda: window.agent_panel.model.rowCount() > 0, timeout=15000)
    assert not replay.accepts_commands
    assert ticker.hub.role() == ""
    # No move buttons, no move actions on the grid, no drag from it.
    buttons = [b.text() for b in window.findChildren(QToolButton)]
    for word in ("To online", "To hotline", "Blend", "Lend to online", "Undo move"):
        assert word not in buttons
        assert not [a for a in window.agent_panel.view.actions() if a.text() == word]
    assert not window.agent_panel.view.dragEnabled()


def test_timeline_marks_alerts_once_and_maps_time_to_pixels(qtbot):
    timeline = ReplayTimeline((1000.0, 4600.0))
    qtbot.addWidget(timeline)
    timeline.resize(408, 30)
    assert timeline.x_of(1000.0) == pytest.approx(4.0)
    assert timeline.x_of(4600.0) == pytest.approx(404.0)
    assert timeline.t_at(204.0) == pytest.approx(2800.0)
    raised = Transition(2000.0, RAISED, 1, "r", Severity.CRITICAL, "q1", 3.0)
    timeline.add_alerts([raised, raised, Transition(2100.0, "cleared", 1, "r",
                                                    Severity.CRITICAL, "q1", 0.0)])
    assert timeline.marks == [(2000.0, Severity.CRITICAL)]
    assert busy_bucket_s((0.0, 8 * 3600.0)) == 120.0
    assert busy_bucket_s((0.0, 600.0)) == 60.0


def test_play_at_the_end_plays_again_from_the_start(qtbot, replaying):
    replay, window, ticker, bar = replaying(speed=math.inf)
    t0, t1 = replay.span
    qtbot.waitUntil(lambda: "end" in bar.clock.text(), timeout=15000)
    assert bar.play_button.text() == "Play"
    qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(replay.seeks) == 1, timeout=5000)
    assert replay.seeks == [t0] and not replay.paused
