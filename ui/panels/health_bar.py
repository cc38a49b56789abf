"""Status-bar strip: health of each feed, total events/s and the floor clock."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from feeds.health import (
    BEHIND_AFTER_S,
    DownReason,
    FeedHealth,
    FeedState,
    down_reason,
    feed_state,
)
from monitor.floor import Floor
from ui import fmt

FEED_COLOURS = {
    FeedState.GOOD: QColor("#2e7d32"),
    FeedState.DEGRADED: QColor("#b26a00"),
    FeedState.DOWN: QColor("#c62828"),
}


class HealthBar(QWidget):
    """One coloured label per feed, then events/s over all feeds and the floor clock."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.feed_labels: list[QLabel] = []
        self.total_label = QLabel(self)
        self.clock_label = QLabel(self)
        self.clock_label.setToolTip(self.tr("Floor clock: time of the latest event"))
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 0, 4, 0)
        self._layout.setSpacing(16)
        self._layout.addStretch(1)
        self._layout.addWidget(self.total_label)
        self._layout.addWidget(self.clock_label)
        self.clock_label.setText(fmt.clock(0.0))

    def update_health(self, health: list[FeedHealth], floor: Floor) -> None:
        """Show the latest health records and the floor clock."""
        while len(self.feed_labels) < len(health):
            label = QLabel(self)
            label.setTextFormat(Qt.TextFormat.PlainText)
            self._layout.insertWidget(len(self.feed_labels), label)
            self.feed_labels.append(label)
        while len(self.feed_labels) > len(health):
            label = self.feed_labels.pop()
            label.hide()
            label.setParent(None)
            label.deleteLater()
        for label, record in zip(self.feed_labels, health, strict=True):
            self._show_feed(label, record, floor)
        total = sum(record.events_per_s for record in health)
        _set_text(self.total_label, self.tr("{rate} ev/s total").format(rate=fmt.rate(total)))
        _set_text(self.clock_label, fmt.clock(floor.now))

    def text(self) -> str:
        """Everything the bar shows, as one line (for tests and logs)."""
        parts = [label.text() for label in self.feed_labels]
        parts += [self.total_label.text(), self.clock_label.text()]
        return "  |  ".join(parts)

    def _show_feed(self, label: QLabel, health: FeedHealth, floor: Floor) -> None:
        state = feed_state(health)
        # What the engine made of the feed's events: those it would not apply (by
        # reason, in the tooltip), and whether the feed has made all the queues or
        # agents it may (then its new ones are not shown: worth a look, not green).
        key = health.key or health.url
        ignored = floor.anomalies.get(key)
        queues_full, agents_full = floor.at_cap(key)
        if (queues_full or agents_full) and state == FeedState.GOOD:
            state = FeedState.DEGRADED
        name = health.feed or health.url
        if not health.connected:
            status = {
                DownReason.REFUSED: self.tr("refused (token not accepted)"),
                DownReason.UNREACHABLE: self.tr("unreachable"),
                DownReason.LOST: self.tr("connection lost"),
            }.get(down_reason(health), self.tr("disconnected"))
        elif state == FeedState.DOWN:
            status = self.tr("stale")
        else:
            status = self.tr("connected")
        parts = [
            f"● {name} {status}",
            self.tr("{rate} ev/s").format(rate=fmt.rate(health.events_per_s)),
            fmt.age(health.last_event_age_s),
            self.tr("rejected {n}").format(n=health.rejected),
            self.tr("resyncs {n}").format(n=health.resyncs),
        ]
        if ignored:
            parts.append(self.tr("ignored {n}").format(n=sum(ignored.values())))
        if queues_full:
            parts.append(self.tr("queue limit {n} reached").format(n=floor.max_queues_per_feed))
        if agents_full:
            parts.append(self.tr("agent limit {n} reached").format(n=floor.max_agents_per_feed))
        if health.dropped:
            parts.append(self.tr("dropped {n}").format(n=health.dropped))
        if health.restarts:
            parts.append(self.tr("restarted {n}").format(n=health.restarts))
        if health.behind_s > BEHIND_AFTER_S:
            # The window shows the floor as it was this long ago: say so plainly.
            parts.append(self.tr("behind by {s} s").format(s=f"{health.behind_s:.0f}"))
        _set_text(label, " · ".join(parts))
        colour = FEED_COLOURS[state]
        if label.palette().color(QPalette.ColorRole.WindowText) != colour:
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, colour)
            label.setPalette(palette)
        tip = self._tooltip(health, ignored, floor.snapshot_problems.get(key, ""))
        if label.toolTip() != tip:
            label.setToolTip(tip)

    def _tooltip(self, health: FeedHealth, ignored: Counter[str] | None, snapshot: str) -> str:
        lines = [
            health.url,
            self.tr("events {events} · duplicates {duplicates} · reconnects {reconnects}").format(
                events=health.events, duplicates=health.duplicates, reconnects=health.reconnects
            ),
        ]
        if health.rejected_reasons:
            lines.append(self.tr("Rejected frames:"))
            lines += [
                f"  {reason}: {count}" for reason, count in health.rejected_reasons.most_common()
            ]
        else:
            lines.append(self.tr("No rejected frames"))
        if health.unknown:
            lines.append(self.tr("Messages of types not used: {n}").format(n=health.unknown))
        if ignored:
            # Events that cannot be true of the floor (docs/protocol.md, semantic checks):
            # counted here, in no figure.
            lines.append(self.tr("Events not applied:"))
            lines += [f"  {reason}: {count}" for reason, count in ignored.most_common()]
        if snapshot:
            lines.append(self.tr("Last snapshot refused: {problem}").format(problem=snapshot))
        if health.last_error:
            lines.append(self.tr("Last error: {error}").format(error=health.last_error))
        return "\n".join(lines)


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)
