"""The window's recording: a tap on the tick and one line in the status bar.

The recorder (`feeds.store.recording_files.LiveRecorder`) only queues events on
the GUI thread; its own thread writes the file. Whatever goes wrong with the file
(it cannot be opened, the disk is full, events were dropped) shows here in one
line, and never stops the tick or the window.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from feeds.source import FeedEvent
from feeds.store.recording_files import LiveRecorder
from ui.tick import FloorTicker

log = logging.getLogger(__name__)

MAX_SHOWN = 120  # characters of an error in the status bar; the tooltip has all of it
# Text colours by a palette, not a style sheet: a style sheet stops the label taking the
# status bar's font, which the window scales up at 4K.
OK_COLOUR, LOST_COLOUR, ERROR_COLOUR = QColor("#555"), QColor("#b26a00"), QColor("#c62828")


class RecordingStatus(QLabel):
    """"Recording", or what went wrong with the recording, in one line."""

    def __init__(self, recorder: LiveRecorder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recorder = recorder
        self.failure = ""  # the tap itself failed (a bug): recording has stopped
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self._shown: tuple[str, str, int, str] | None = None
        self.update_status()

    def update_status(self) -> None:
        """Re-read the recorder; touches the label only when something changed."""
        rec = self.recorder
        key = (self.failure or rec.error, str(rec.path), rec.dropped, self.failure)
        if key == self._shown:
            return
        self._shown = key
        error, path, dropped, _ = key
        if error:
            line = error.splitlines()[0] if error.strip() else error
            if len(line) > MAX_SHOWN:
                line = line[: MAX_SHOWN - 1] + "…"
            self.setText(self.tr("Not recording: {error}").format(error=line))
            self.setToolTip(error)
            self._colour(ERROR_COLOUR)
        elif dropped:
            self.setText(self.tr("Recording: {n} events lost").format(n=dropped))
            self.setToolTip(self.tr("Recording to {path}").format(path=path))
            self._colour(LOST_COLOUR)
        else:
            self.setText(self.tr("Recording"))
            self.setToolTip(self.tr("Recording to {path}").format(path=path))
            self._colour(OK_COLOUR)


    def _colour(self, colour: QColor) -> None:
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.setPalette(palette)


def attach_recorder(window: QMainWindow, ticker: FloorTicker,
                    recorder: LiveRecorder) -> RecordingStatus:
    """Record every batch the ticker drains and show how the recording goes."""
    status = RecordingStatus(recorder, window)
    window.statusBar().insertPermanentWidget(0, status)

    def record(items: list[FeedEvent]) -> None:
        if not status.failure:
            try:
                recorder(items)
            except Exception as exc:  # a recorder bug costs the recording, not the wall
                log.exception("the recorder failed; recording stopped")
                status.failure = f"{type(exc).__name__}: {exc}"
        status.update_status()

    ticker.taps.append(record)
    return status
