"""The banner over the floor window while a feed is stale: which feed, why, since when."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from feeds.staleness import Stale, StaleReason
from ui import fmt

BANNER_BG = QColor("#b71c1c")  # the alarm colour: the numbers below cannot be trusted
BANNER_FG = QColor("#ffffff")


def reason_text(reason: StaleReason) -> str:
    """Why a feed is stale, in a supervisor's words."""
    translate = QCoreApplication.translate
    return {
        StaleReason.BAD_TOKEN: translate("StaleBanner", "token refused (check the token file)"),
        StaleReason.REFUSED: translate("StaleBanner", "connection refused (is the feed running?)"),
        StaleReason.UNREACHABLE: translate("StaleBanner", "unreachable"),
        StaleReason.LOST: translate("StaleBanner", "connection lost, reconnecting"),
        StaleReason.SILENT: translate("StaleBanner", "silent: no data, not even a heartbeat"),
        StaleReason.NOT_CONNECTED: translate("StaleBanner", "not connected yet"),
    }[reason]


def stale_line(stale: Stale) -> str:
    """One feed's line: name, reason, and the wall-clock time its data stopped."""
    return QCoreApplication.translate(
        "StaleBanner",
        "Feed {feed} stale since {since}: {reason}. Its queues and agents are "
        "greyed and show the last known figures.",
    ).format(feed=stale.name, since=fmt.clock(stale.since), reason=reason_text(stale.reason))


class StaleBanner(QFrame):
    """A red strip, one line per stale feed; hidden while every feed is live."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stale-banner")
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, BANNER_BG)
        palette.setColor(QPalette.ColorRole.WindowText, BANNER_FG)
        self.setPalette(palette)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self._fit_font()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.label)
        self._shown: tuple[tuple[str, StaleReason, float], ...] = ()
        self.hide()

    def _fit_font(self) -> None:
        """Bold and a little larger than the window's text (which grows on a big screen)."""
        font = QFont(self.font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.15)
        self.label.setFont(font)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_font()

    def show_stale(self, stale: Iterable[Stale]) -> None:
        """Show these stale feeds (none: hide); a repeat of the same feeds costs nothing."""
        stale = list(stale)
        key = tuple((s.key, s.reason, s.since) for s in stale)
        if key == self._shown:
            return
        self._shown = key
        self.label.setText("\n".join(stale_line(s) for s in stale))
        tip = "\n".join(f"{s.key}: {s.error}" for s in stale if s.error)
        self.label.setToolTip(tip)
        self.setVisible(bool(stale))

    def text(self) -> str:
        """What the banner says ('' while hidden)."""
        return self.label.text() if self._shown else ""
