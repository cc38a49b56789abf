"""The wall display: Hotline and Online side by side in big numbers, for a screen on the
floor read from 5 m. A viewer: no buttons, no menus, no clicks that do anything.

It is one more `FloorView` of the ticker (`refresh(floor, changes, health)` each tick):
in the floor window's process it shows the same floor, engine and tick as the floor
window (`open_wall`); standalone, `floorwatch wall` runs it alone (ui/wall_app.py).

Top to bottom: a bar with the clock (event time), the feeds' health and the page; a
banner of stale feeds and active alerts (worst first, then newest; a few lines, a
fixed height so pages never jump); under each channel's name its totals, then its
queues' tiles. Which queues show on which page is `monitor.wall_pages`'s; the wall
measures how many tiles fit a column. Pages rotate on the wall's one QTimer (every
`rotation_s`), only while there is more than one page.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QFontMetrics, QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from feeds.health import FeedHealth
from feeds.staleness import Stale, StaleFeeds, feed_name
from monitor.alert_book import Alert, AlertBook
from monitor.alert_rules import SEVERITY_RANK, Scope
from monitor.config import Config
from monitor.events import Channel
from monitor.floor import Changes, Floor
from monitor.scope import Scope as ViewScope
from monitor.scope import ScopeWatch, alert_in_scope
from monitor.scope_views import ScopeHeaders
from monitor.wall_pages import WallPage, WallSettings, page_after, plan_pages
from ui import fmt
from ui.panels.alert_look import message_of, severity_text
from ui.panels.stale_banner import reason_text, stale_line
from ui.panels.wall_tile import ChannelWallTile, QueueWallTile, WallTextFonts, wall_text_fonts

BANNER_LINES = 2  # alert and stale lines the banner shows; "+N more" says the rest
BANNER_BG = QColor("#fff3e0")
STALE_BG = QColor("#b71c1c")


class HasBook(Protocol):
    book: AlertBook


# What the floor may read on a wall: queues and feeds. An agent's or a chat's alert
# (a keyword an agent wrote, a long handle time) names a person and what they wrote:
# it stays on the supervisors' alert panel, never on a screen everyone reads.
WALL_SCOPES = frozenset({Scope.QUEUE, Scope.FEED})


def banner_alerts(book: AlertBook, now: float) -> list[Alert]:
    """Active, unsnoozed queue and feed alerts, worst first and newest first among
    equals."""
    alerts = [a for a in book.active.values() if a.scope in WALL_SCOPES and not a.snoozed(now)]
    alerts.sort(key=lambda a: (SEVERITY_RANK[a.severity], a.raised_t, a.id), reverse=True)
    return alerts


class WallWindow(QWidget):
    """Big-number tiles of both channels on one screen, paged when they do not fit."""

    sig_closed = Signal()  # the ticker that feeds it lets it go

    def __init__(
        self,
        floor: Floor,
        lang: str = "en",
        config: Config | None = None,
        *,
        alerts: HasBook | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Floorwatch wall"))
        self.setObjectName("wall-window")
        self.setAutoFillBackground(True)
        self.floor = floor
        self.lang = lang
        self.alerts = alerts
        self.settings: WallSettings = (config or Config()).wall
        self.feed_keys: Sequence[str] | None = None  # as the floor window's
        self.stale_feeds = StaleFeeds()
        self.stale: dict[str, Stale] = {}
        self.wall_clock: Callable[[], float] = time.time
        self.tiles: dict[str, QueueWallTile] = {}
        self.pages: list[WallPage] = [WallPage()]
        self.page = 0
        self.fit = 1  # queue tiles that fit one column
        self._dirty: set[str] = set()  # off-page tiles whose queue moved
        self.scope_watch: ScopeWatch | None = None  # `set_scope`: a team's or tier's queues
        self.scope_headers = ScopeHeaders()
        self._fonts: WallTextFonts | None = None

        self.clock = QLabel(self)
        self.health = QLabel(self)
        self.page_label = QLabel(self)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.scope_label = QLabel(self)  # a team's or tier's name while scoped (`set_scope`)
        self.scope_label.hide()
        self.banner = QLabel(self)
        self.banner.setAutoFillBackground(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner_lines: list[str] = []
        # One band over the channels: clock over feed health | the banner | the page.
        left = QVBoxLayout()
        left.setSpacing(0)
        left.addWidget(self.clock)
        left.addWidget(self.health)
        top = QHBoxLayout()
        top.addLayout(left)
        top.addWidget(self.banner, 1)
        top.addWidget(self.page_label)
        self.channels = {
            Channel.HOTLINE.value: ChannelWallTile("hotline", self.tr("Hotline"), self),
            Channel.ONLINE.value: ChannelWallTile("online", self.tr("Online"), self),
        }
        self.columns: dict[str, QVBoxLayout] = {}
        body = QHBoxLayout()
        for key, total in self.channels.items():
            column = self.columns[key] = QVBoxLayout()
            column.addWidget(total)
            column.addStretch(1)
            body.addLayout(column, 1)
        self._body = body
        self._top = top
        layout = self._layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self._rotation = QTimer(self)  # the wall's one timer: the pages' rotation
        self._rotation.setInterval(round(self.settings.rotation_s * 1000))
        self._rotation.timeout.connect(self.next_page)
        self._set_fonts()
        self._show_banner()
        everything = Changes(
            queues=set(floor.queues),
            structure=True,
            channels={q.channel for q in floor.queues.values()},
        )
        self.refresh(floor, everything, [])

    # ------------------------------------------------------------ per tick
    def refresh(self, floor: Floor, changes: Changes, health: list[FeedHealth]) -> None:
        """One tick: the clock, health and staleness; the tiles on the page whose queue
        changed; the totals of channels that changed; the banner when alerts moved."""
        whole = floor is not self.floor
        self.floor = floor
        if self.scope_watch is not None:  # members move on structure / skills changes only
            if self.scope_watch.update(floor, changes):
                self.scope_headers.rebuild(floor, self.scope_watch.members)
                whole = True
            else:
                changes.channels |= self.scope_headers.follow(floor, changes.agents)
        stale_moved = self._follow_staleness(health)
        _set(self.clock, fmt.clock(floor.now))
        _set(self.health, self._health_text(health))
        if whole or changes.structure:
            self._replan()
            queues = set(self.tiles)
        else:
            queues = changes.queues
        shown = set(self.pages[self.page].queues)
        for queue_id in queues:
            if queue_id in shown:
                self._show_queue(queue_id)
            elif queue_id in self.tiles:
                self._dirty.add(queue_id)
        if stale_moved:
            for queue_id in shown:
                self._show_stale(queue_id)
        channels = (
            set(self.channels)
            if whole or changes.structure or stale_moved
            else {_column(c) for c in changes.channels}
        )
        for key in channels:
            self._show_channel(key)
        if whole or stale_moved or getattr(changes, "alerts", True) or changes.structure:
            self._show_banner()

    def _show_queue(self, queue_id: str) -> None:
        floor, tile = self.floor, self.tiles[queue_id]
        self._dirty.discard(queue_id)
        tile.update_view(floor.queue_view(queue_id), self.lang, floor.thresholds_for(queue_id))
        book = self.alerts.book if self.alerts is not None else None
        alert = book.queue_alert(queue_id, floor.now) if book is not None else None
        tile.set_alert(alert.severity if alert is not None else None)
        self._show_stale(queue_id)

    def _show_stale(self, queue_id: str) -> None:
        queue = self.floor.queues.get(queue_id)
        stale = self.stale.get(queue.feed) if queue is not None else None
        self.tiles[queue_id].set_stale(reason_text(stale.reason) if stale else None)

    def _show_channel(self, key: str) -> None:
        total = self.channels[key]
        scoped = self.scope_watch is not None and self.scope_watch.members is not None
        total.update_view(self.scope_headers.channel_view(self.floor, key) if scoped
                          else self.floor.channel_view(key),
                          None if scoped else self.floor.productivity.channel(self.floor, key))
        feeds = {q.feed for q in self.floor.queues.values() if _column(q.channel) == key}
        stale = [self.stale[f] for f in sorted(feeds) if f in self.stale]
        total.set_stale(reason_text(stale[0].reason) if stale else None)

    def _follow_staleness(self, health: list[FeedHealth]) -> bool:
        keys = self.feed_keys if self.feed_keys is not None else [h.url for h in health]
        stale = self.stale_feeds.update(zip(keys, health, strict=False), self.wall_clock())
        if stale == self.stale:
            return False
        self.stale = stale
        return True

    def _health_text(self, health: list[FeedHealth]) -> str:
        keys = self.feed_keys if self.feed_keys is not None else [h.url for h in health]
        parts = []
        for key, record in zip(keys, health, strict=False):
            word = self.tr("stale") if key in self.stale else self.tr("live")
            parts.append(f"{feed_name(record)}: {word}")
        return " · ".join(parts)

    # ------------------------------------------------------------ banner
    def _show_banner(self) -> None:
        """Stale feeds first (every figure of theirs is old), then alerts, worst and
        newest first; BANNER_LINES lines, the last saying how many more there are."""
        lines = [stale_line(s) for s in self.stale.values()]
        if self.alerts is not None:
            chinese = self.lang.lower().startswith("zh")
            members = self.scope_watch.members if self.scope_watch is not None else None
            for alert in banner_alerts(self.alerts.book, self.floor.now):
                if not alert_in_scope(members, alert.queue, alert.agent):
                    continue  # another team's or tier's queue
                lines.append(
                    self.tr("{severity}: {message}").format(
                        severity=severity_text(alert.severity), message=message_of(alert, chinese)
                    )
                )
        if len(lines) > BANNER_LINES:
            more = len(lines) - BANNER_LINES + 1
            lines = [*lines[: BANNER_LINES - 1], self.tr("+{n} more").format(n=more)]
        if not lines:
            lines = [self.tr("No active alerts")]
        self.banner_lines = lines
        metrics = QFontMetrics(self.banner.font())
        width = max(1, self.banner.contentsRect().width())
        text = "\n".join(
            metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines
        )
        _set(self.banner, text)
        palette = self.banner.palette()
        palette.setColor(QPalette.ColorRole.Window, STALE_BG if self.stale else BANNER_BG)
        palette.setColor(
            QPalette.ColorRole.WindowText, QColor("#ffffff") if self.stale else QColor("#3e2723")
        )
        self.banner.setPalette(palette)

    # ------------------------------------------------------------ pages
    def _replan(self) -> None:
        """Tiles for the floor's queues, pages for them at the current fit."""
        floor = self.floor
        for queue_id in [q for q in self.tiles if q not in floor.queues or not self._in_scope(q)]:
            tile = self.tiles.pop(queue_id)
            tile.hide()
            tile.deleteLater()
        for queue_id in floor.queues:
            if queue_id not in self.tiles and self._in_scope(queue_id):
                tile = self.tiles[queue_id] = QueueWallTile(queue_id, self)
                if self._fonts is not None:
                    tile.set_fonts(self._fonts)
                tile.hide()
                self._dirty.add(queue_id)
        queues = [(q.id, q.channel) for q in floor.queues.values() if self._in_scope(q.id)]
        self.pages = plan_pages(queues, self.settings, self.fit)
        self.show_page(min(self.page, len(self.pages) - 1))
        if len(self.pages) > 1 and self.isVisible():
            self._rotation.start()
        else:
            self._rotation.stop()

    # ------------------------------------------------------------ scope
    def set_scope(self, scope: ViewScope, team_queues: dict[str, tuple[str, ...]]) -> None:
        """Show only a team's or a tier's queues (monitor/scope.py), said on the wall."""
        from ui.scope_bar import STRIP_STYLE, scope_label

        self.scope_watch = None if scope.is_all else ScopeWatch(scope, team_queues)
        label = self.scope_label
        if self._top.indexOf(label) < 0:
            label.setStyleSheet(STRIP_STYLE)
            self._top.insertWidget(2, label)
        label.setText(scope_label(scope))
        label.setVisible(not scope.is_all)
        self.setWindowTitle(self.tr("Floorwatch wall") + ("" if scope.is_all else
                            f" — {scope_label(scope)}"))
        everything = Changes(queues=set(self.floor.queues), structure=True,
                             channels=set(self.channels))
        self.refresh(self.floor, everything, [])

    def _in_scope(self, queue_id: str) -> bool:
        watch = self.scope_watch
        return watch is None or watch.members is None or queue_id in watch.members.queues

    def show_page(self, page: int) -> None:
        """Put page `page`'s tiles in the columns (the others hidden) and catch them up."""
        self.page = page
        shown = self.pages[page]
        for key, ids in (
            (Channel.HOTLINE.value, shown.hotline),
            (Channel.ONLINE.value, shown.online),
        ):
            column = self.columns[key]
            while column.count() > 1:  # the totals stay; tiles and the stretch go
                column.takeAt(1)
            for queue_id in ids:
                column.addWidget(self.tiles[queue_id])
            column.addStretch(1)
        on_page = set(shown.queues)
        for queue_id, tile in self.tiles.items():
            tile.setVisible(queue_id in on_page)
            if queue_id in on_page:
                tile.updateGeometry()  # hints cached while it was hidden are stale
        for queue_id in on_page:
            self._show_queue(queue_id)
        count = len(self.pages)
        _set(
            self.page_label,
            self.tr("Page {n} / {count}").format(n=page + 1, count=count) if count > 1 else "",
        )

    def next_page(self) -> None:
        self.show_page(page_after(self.page, self.pages))

    def page_queues(self) -> tuple[str, ...]:
        return self.pages[self.page].queues

    # ------------------------------------------------------------ size
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._set_fonts()

    def _set_fonts(self) -> None:
        """Fonts for this height; how many tiles fit a column; pages again if that moved."""
        height = max(1, self.height())
        fonts = wall_text_fonts(self.font(), height)
        if fonts is not self._fonts:
            self._fonts = fonts
            pad = max(2, round(height * 0.005))
            self._layout.setContentsMargins(pad, pad, pad, pad)
            self._layout.setSpacing(pad)
            self._top.setSpacing(3 * pad)
            self._body.setSpacing(pad)
            for column in self.columns.values():
                column.setSpacing(pad)
            for label in (self.clock, self.health, self.page_label, self.scope_label):
                label.setFont(fonts.label_bold)
            self.banner.setFont(fonts.label_bold)
            line = QFontMetrics(fonts.label_bold).lineSpacing()
            self.banner.setFixedHeight(BANNER_LINES * line + 2 * pad)
            self.banner.setContentsMargins(2 * pad, 0, 2 * pad, 0)
            for tile in [*self.channels.values(), *self.tiles.values()]:
                tile.set_fonts(fonts)
        fit = self._measure_fit()
        if fit != self.fit:
            self.fit = fit
            self._replan()
        self._show_banner()  # elided to the new width

    def _measure_fit(self) -> int:
        """Queue tiles one column holds under its totals at this height (at least 1)."""
        pad = self._layout.spacing()
        margins = self._layout.contentsMargins()
        band = max(self._top.sizeHint().height(), self.banner.height())
        body = self.height() - margins.top() - margins.bottom() - pad - band
        # The totals have a row more than a queue tile (surveys, replies): measured apart.
        totals = max(t.sizeHint().height() for t in self.channels.values())
        tile = max((t.sizeHint().height() for t in self.tiles.values()), default=totals)
        return max(1, (body - totals) // (tile + pad))

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)  # type: ignore[arg-type]
        if len(self.pages) > 1:
            self._rotation.start()

    def hideEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        super().hideEvent(event)  # type: ignore[arg-type]
        self._rotation.stop()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._rotation.stop()
        self.sig_closed.emit()
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()  # Esc leaves fullscreen; the wall stays open
            event.accept()
            return
        super().keyPressEvent(event)


def _column(channel: str) -> str:
    return Channel.ONLINE.value if channel == Channel.ONLINE else Channel.HOTLINE.value


def _set(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)
