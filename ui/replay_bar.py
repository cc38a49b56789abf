"""The replay bar: play/pause, speed, a timeline to scrub, and the replayed clock.

It drives a replay source (`feeds.sources.replay.ReplaySource`: play, pause, set_speed,
span, position_t, busy_periods) and seeks through `ui.replay_feed.SeekFilter`, which
drops what the source gave before the seek. The timeline shows the recording's busy
periods (read once, on a thread: a long recording takes a moment to count) and the
alerts raised so far in this replay (as the alert engine raises them; a seek keeps the
marks already seen). The clock says REPLAY in its own colour, so nobody takes the
replayed floor for the live one.

`attach_replay` wires it into a floor window and its tick: after each seek the floor
and the alert engine start clean (see its docstring), and no reassignment control can
act (the window has no controller; agent rows cannot be dragged).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QToolButton,
    QWidget,
)

from monitor.alert_book import ESCALATED, RAISED, Transition
from monitor.alert_engine import AlertEngine
from monitor.alert_rules import SEVERITY_RANK, Severity
from monitor.floor import Floor
from monitor.snapshot_gate import SnapshotGate

from .replay_feed import ReplaySetup, SeekFilter

# The replay's own colour (a violet no alert, threshold or stale state uses): the clock's
# background, the bar's top edge and the timeline's position.
REPLAY_COLOUR = QColor("#6a1b9a")
REPLAY_TEXT = QColor("#ffffff")
BUSY_COLOUR = QColor("#90a4ae")
TRACK_COLOUR = QColor("#eceff1")
SEVERITY_COLOUR = {
    Severity.CRITICAL: QColor("#d32f2f"),
    Severity.WARNING: QColor("#f0a500"),
    Severity.INFO: QColor("#1e88e5"),
}
SPEEDS = (1.0, 10.0, 60.0, 100.0, 1000.0, math.inf)  # inf: as fast as possible
BUSY_BUCKETS = 240  # busy periods across the span, about; buckets of whole minutes
MAX_ALERT_MARKS = 5_000  # the timeline keeps at most this many (the first raised)
KEY_STEP_S = 60.0  # Left/Right on the timeline; Page Up/Down ten times as far
END_SLACK_S = 1.5  # this close to the end counts as at the end (a feed beats each second)


def busy_bucket_s(span: tuple[float, float]) -> float:
    """Bucket length for the timeline's busy periods: whole minutes, ~BUSY_BUCKETS."""
    length = max(0.0, span[1] - span[0])
    return max(60.0, math.ceil(length / BUSY_BUCKETS / 60.0) * 60.0)


def speed_text(speed: float) -> str:
    """'10' for ×10; the word for as fast as possible."""
    if math.isinf(speed):
        return QCoreApplication.translate("ReplayBar", "max")
    return f"{speed:g}"


class ReplayTimeline(QWidget):
    """The recording's span: busy periods as bars, raised alerts as marks, the position
    as a violet line. A click or a drag (released) seeks; so do the arrow keys."""

    sig_seek = Signal(float)  # event time asked for

    def __init__(self, span: tuple[float, float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.span = span
        self.busy: list[tuple[float, int]] = []
        self.bucket_s = busy_bucket_s(span)
        self.marks: list[tuple[float, Severity]] = []
        self._mark_keys: set[tuple[str, str, int]] = set()
        self.position_t = span[0]
        self.dragging_t: float | None = None  # where a drag would seek, while it lasts
        self.setMinimumWidth(120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.tr("Click or drag to go to another moment of the recording "
                                "(grey: how busy it was; marks: alerts raised)"))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(400, max(26, self.fontMetrics().height() + 12))

    # ------------------------------------------------------------------ data
    def set_busy(self, busy: list[tuple[float, int]], bucket_s: float) -> None:
        self.busy, self.bucket_s = busy, bucket_s
        self.update()

    def add_alerts(self, transitions: list[Transition]) -> None:
        """Mark alerts raised (or escalated) at their event time; one mark per alert
        and second, so a seek back that raises them again adds nothing."""
        added = False
        for tr in transitions:
            if tr.event not in (RAISED, ESCALATED) or len(self.marks) >= MAX_ALERT_MARKS:
                continue
            key = (tr.rule, tr.target, int(tr.t))
            if key in self._mark_keys:
                continue
            self._mark_keys.add(key)
            severity = Severity(tr.severity) if tr.event == RAISED else Severity.CRITICAL
            self.marks.append((tr.t, severity))
            added = True
        if added:
            self.marks.sort(key=lambda m: SEVERITY_RANK[m[1]])  # the worst drawn on top
            self.update()

    def set_position(self, t: float) -> None:
        if t != self.position_t:
            self.position_t = t
            self.update()

    # ------------------------------------------------------------------ geometry
    def _track(self) -> QRectF:
        return QRectF(self.rect()).adjusted(4, 3, -4, -3)

    def x_of(self, t: float) -> float:
        track, (t0, t1) = self._track(), self.span
        share = 0.0 if t1 <= t0 else min(1.0, max(0.0, (t - t0) / (t1 - t0)))
        return track.left() + share * track.width()

    def t_at(self, x: float) -> float:
        track, (t0, t1) = self._track(), self.span
        share = 0.0 if track.width() <= 0 else (x - track.left()) / track.width()
        return t0 + min(1.0, max(0.0, share)) * (t1 - t0)

    # ------------------------------------------------------------------ paint
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        track = self._track()
        painter.fillRect(track, TRACK_COLOUR)
        top = max((n for _, n in self.busy), default=0)
        if top > 0:
            bottom, height = track.bottom(), track.height()
            for start, n in self.busy:
                x0, x1 = self.x_of(start), self.x_of(start + self.bucket_s)
                h = max(1.0, height * n / top)
                painter.fillRect(QRectF(x0, bottom - h, max(1.0, x1 - x0), h), BUSY_COLOUR)
        for t, severity in self.marks:  # a small triangle hanging from the top edge
            x = self.x_of(t)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(SEVERITY_COLOUR[severity])
            painter.drawPolygon(QPolygonF([QPointF(x - 4, track.top()), QPointF(x + 4, track.top()),
                                           QPointF(x, track.top() + 7)]))
            painter.setPen(QPen(SEVERITY_COLOUR[severity], 1))
            painter.drawLine(QPointF(x, track.top()), QPointF(x, track.bottom()))
        shown = self.position_t if self.dragging_t is None else self.dragging_t
        x = self.x_of(shown)
        painter.setPen(QPen(REPLAY_COLOUR, 3))
        painter.drawLine(QPointF(x, self.rect().top()), QPointF(x, self.rect().bottom()))
        if self.hasFocus():
            painter.setPen(QPen(REPLAY_COLOUR, 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(track)
        painter.end()

    # ------------------------------------------------------------------ input
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self.dragging_t = self.t_at(event.position().x())
            self.update()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self.dragging_t is not None:  # follow the mouse; seek once, on release
            self.dragging_t = self.t_at(event.position().x())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton and self.dragging_t is not None:
            t = self.t_at(event.position().x())
            self.dragging_t = None
            self.position_t = t
            self.update()
            self.sig_seek.emit(t)
        else:
            super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        steps = {Qt.Key.Key_Left: -KEY_STEP_S, Qt.Key.Key_Right: KEY_STEP_S,
                 Qt.Key.Key_PageUp: -10 * KEY_STEP_S, Qt.Key.Key_PageDown: 10 * KEY_STEP_S}
        key = Qt.Key(event.key())
        t0, t1 = self.span
        if key in steps:
            self.sig_seek.emit(min(t1, max(t0, self.position_t + steps[key])))
        elif key == Qt.Key.Key_Home:
            self.sig_seek.emit(t0)
        elif key == Qt.Key.Key_End:
            self.sig_seek.emit(t1)
        else:
            super().keyPressEvent(event)


class ReplayBar(QWidget):
    """Play/pause, speed, the REPLAY clock and the timeline, over the floor window."""

    sig_seek = Signal(float)  # the user asked for this event time
    _sig_busy = Signal(object)  # busy periods counted on a thread

    def __init__(self, replay: Any, speed: float = 1.0, end_t: float | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.replay = replay
        span = tuple(replay.span)
        self.span: tuple[float, float] = (float(span[0]), float(span[1]))
        self.end_t = self.span[1] if end_t is None else min(end_t, self.span[1])
        self.speed = speed
        self.seeking_to: float | None = None  # asked for, the floor not there yet
        self.setObjectName("replay-bar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#replay-bar {{ border-top: 3px solid {REPLAY_COLOUR.name()}; "
                           f"border-bottom: 1px solid {REPLAY_COLOUR.name()}; }}")
        self.play_button = QToolButton(self)
        self.play_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.play_button.clicked.connect(self.toggle_play)
        self.speed_combo = QComboBox(self)
        self.speed_combo.setToolTip(self.tr("Replay speed: recorded seconds per second"))
        for value in SPEEDS:
            text = self.tr("As fast as possible") if math.isinf(value) else f"{value:g}×"
            self.speed_combo.addItem(text, value)
        if self.speed_combo.findData(speed) < 0:  # a --speed of the user's own
            self.speed_combo.addItem(f"{speed:g}×", speed)
        self.speed_combo.setCurrentIndex(self.speed_combo.findData(speed))
        self.speed_combo.currentIndexChanged.connect(self._speed_chosen)
        self.clock = QLabel(self)
        self.clock.setObjectName("replay-clock")
        self.clock.setTextFormat(Qt.TextFormat.PlainText)
        self.clock.setToolTip(self.tr("Replayed time: the recording's event time, not now"))
        # Bold by style, not by font: the window scales the bar's font on large screens.
        self.clock.setStyleSheet(f"QLabel#replay-clock {{ background: {REPLAY_COLOUR.name()}; "
                                 f"color: {REPLAY_TEXT.name()}; padding: 2px 8px; "
                                 f"border-radius: 3px; font-weight: bold; }}")
        self.start_label = QLabel(self)
        self.end_label = QLabel(self)
        for label in (self.start_label, self.end_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.timeline = ReplayTimeline(self.span, self)
        self.timeline.sig_seek.connect(self.seek)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(8)
        layout.addWidget(self.play_button)
        layout.addWidget(self.speed_combo)
        layout.addWidget(self.clock)
        layout.addWidget(self.start_label)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.end_label)
        self.start_label.setText(_day_clock(self.span[0], self.span))
        self.end_label.setText(_day_clock(self.span[1], self.span))
        self._shown_t = float(getattr(replay, "position_t", self.span[0]))
        self._busy_thread: threading.Thread | None = None
        self._sig_busy.connect(self._got_busy)
        self._show_state()

    # ------------------------------------------------------------------ busy periods
    def count_busy_periods(self) -> None:
        """Count the busy periods on a thread (a long recording takes a moment); the
        timeline draws them when they come."""
        bucket_s = busy_bucket_s(self.span)

        def count() -> None:
            try:
                busy = list(self.replay.busy_periods(bucket_s))
            except Exception:  # a damaged file: the timeline simply has no busy periods
                busy = []
            try:
                self._sig_busy.emit((busy, bucket_s))
            except RuntimeError:  # the bar was deleted meanwhile
                pass

        self._busy_thread = threading.Thread(target=count, name="fw-replay-busy", daemon=True)
        self._busy_thread.start()

    def wait_busy(self, timeout: float = 30.0) -> None:
        """Join the counting thread (tests; closing the window)."""
        if self._busy_thread is not None:
            self._busy_thread.join(timeout)

    def _got_busy(self, result: tuple[list[tuple[float, int]], float]) -> None:
        busy, bucket_s = result
        self.timeline.set_busy(busy, bucket_s)

    # ------------------------------------------------------------------ user
    def toggle_play(self) -> None:
        """Pause or play; at the end, play again from the start."""
        if self._at_end():
            self.seek(self.span[0])
            self.replay.play()
        elif self.replay.paused:
            self.replay.play()
        else:
            self.replay.pause()
        self._show_state()

    def _at_end(self) -> bool:
        return self.seeking_to is None and self._shown_t >= self.end_t - END_SLACK_S

    def set_speed(self, speed: float) -> None:
        """Replay at `speed` (recorded seconds per second; inf: as fast as possible)."""
        index = self.speed_combo.findData(speed)
        if index < 0:
            self.speed_combo.addItem(f"{speed:g}×", speed)
            index = self.speed_combo.count() - 1
        self.speed_combo.setCurrentIndex(index)  # _speed_chosen does the rest

    def _speed_chosen(self, index: int) -> None:
        self.speed = float(self.speed_combo.itemData(index))
        self.replay.set_speed(self.speed)
        self._show_state()

    def seek(self, t: float) -> None:
        """Go to event time t: the floor shows the recording's state there once the
        source's snapshots arrive (a tick or two)."""
        t = min(self.end_t, max(self.span[0], t))
        self.seeking_to = t
        self._shown_t = t
        self.timeline.set_position(t)
        self.sig_seek.emit(t)
        self._show_state()

    def seek_done(self) -> None:
        self.seeking_to = None

    # ------------------------------------------------------------------ tick
    def refresh(self, floor: Floor) -> None:
        """Per tick: the clock and the position follow the floor the window shows."""
        if self.seeking_to is not None:
            t = self.seeking_to
        elif floor.first_t is not None and floor.now > 0:
            t = floor.now
        else:
            t = float(self.replay.position_t)
        self._shown_t = t
        if self.timeline.dragging_t is None:
            self.timeline.set_position(t)
        self._show_state()

    def _show_state(self) -> None:
        paused = bool(self.replay.paused)
        at_end = self._at_end()
        time_text = _day_clock(self._shown_t, self.span)
        speed = speed_text(self.speed)
        if at_end:
            text = self.tr("REPLAY {time} ×{speed} · end").format(time=time_text, speed=speed)
        elif paused:
            text = self.tr("REPLAY {time} ×{speed} · paused").format(time=time_text, speed=speed)
        else:
            text = self.tr("REPLAY {time} ×{speed}").format(time=time_text, speed=speed)
        if self.clock.text() != text:
            self.clock.setText(text)
        stopped = paused or at_end
        icon = (QStyle.StandardPixmap.SP_MediaPlay if stopped
                else QStyle.StandardPixmap.SP_MediaPause)
        label = self.tr("Play") if stopped else self.tr("Pause")
        if self.play_button.text() != label:
            self.play_button.setText(label)
            self.play_button.setIcon(self.style().standardIcon(icon))
            self.play_button.setToolTip(self.tr("Play or pause the replay"))


def _day_clock(t: float, span: tuple[float, float]) -> str:
    """HH:MM:SS local; with the date too when the recording spans more than one day."""
    if t <= 0 or not math.isfinite(t):
        return "--:--:--"
    days = {time.localtime(span[0]).tm_yday, time.localtime(span[1]).tm_yday}
    return time.strftime("%m-%d %H:%M:%S" if len(days) > 1 else "%H:%M:%S", time.localtime(t))


# ---------------------------------------------------------------------- wiring
def attach_replay(window: Any, ticker: Any, setup: ReplaySetup,
                  new_floor: Callable[[], Floor]) -> ReplayBar:
    """Put a replay bar on `window` and make `ticker` replay-aware.

    After a seek the floor and the alert engine start clean: a new `Floor` (a snapshot
    installed on the old one keeps the later clock, `floor.now` never goes back, and
    the day's and windows' bookkeeping with it) and a new `AlertEngine` (its evaluation
    grid runs on event time and would wait for the old time to come back; alerts raised
    before the seek point would linger). The snapshots of the seek then fill the new
    floor, and the engine raises what is true from there on.
    """
    marks = setup.marks
    bar = ReplayBar(marks.replay, speed=setup.speed, end_t=setup.end_t, parent=window)

    def start_over(t: float) -> Floor:
        floor = new_floor()
        old: AlertEngine | None = ticker.alerts
        alerts = AlertEngine(floor, old.rules) if old is not None else None
        gate = ticker.gate
        ticker.floor, ticker.alerts = floor, alerts
        ticker.gate = SnapshotGate(floor, gate.clock, gate.hold_limit, gate.chunk,
                                   gate.check_chunk)
        if alerts is not None:
            window.use_alerts(alerts)
        bar.seek_done()
        return floor

    seeks = SeekFilter(ticker.hub, marks, start_over)
    ticker.hub = seeks
    bar.sig_seek.connect(seeks.seek)
    ticker.alert_sinks.append(lambda transitions, _touched: bar.timeline.add_alerts(transitions))
    window.add_replay_bar(bar)
    # Nothing a supervisor does here moves anyone: no controller is made for a replay,
    # and agent rows cannot even be dragged onto the wall.
    window.agent_panel.view.setDragEnabled(False)
    bar.count_busy_periods()
    return bar

