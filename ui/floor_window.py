"""The supervisor's floor window: it assembles the panels and menus and forwards a tick."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from feeds.health import FeedHealth
from feeds.staleness import Stale, StaleFeeds
from monitor.config import Config, ConfigError, check_queues
from monitor.floor import Changes, Floor
from monitor.views import Window
from ui.panels.agent_panel import AgentPanel
from ui.panels.health_bar import HealthBar
from ui.panels.queue_wall import QueueWall
from ui.panels.stale_banner import StaleBanner, reason_text
from ui.panels.trend_panel import TrendPanel
from ui.window_menu import WindowMenus

BASE_SIZE = (1600, 1000)  # the size the panels' fonts are designed for
MAX_FONT_SCALE = 2.5


class FloorWindow(QMainWindow):
    """Stale-feed banner over queue wall over trend over agents; feed health in the
    status bar; menus and the window selector in the menu bar."""

    def __init__(
        self,
        floor: Floor,
        lang: str = "en",
        parent: QWidget | None = None,
        config: Config | None = None,
        config_path: str = "",
    ) -> None:
        super().__init__(parent)
        self.floor = floor
        self.lang = lang
        self.config = config or Config(window_minutes=floor.window_min)
        self.config_path = config_path
        self.setWindowTitle(self.tr("Floorwatch"))
        self.banner = StaleBanner(self)
        self.queue_wall = QueueWall(lang, self)
        self.trend_panel = TrendPanel(self)
        self.agent_panel = AgentPanel(self, lang)
        self.health_bar = HealthBar(self)
        # Source keys in the order of the health records (the hub's sources): a key is
        # what the floor stamps on a feed's queues and agents. Unset: each record's URL.
        self.feed_keys: Sequence[str] | None = None
        self.stale_feeds = StaleFeeds()
        self.stale: dict[str, Stale] = {}
        self.wall_clock: Callable[[], float] = time.time  # for "since when"; tests set it

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.queue_wall)
        splitter.addWidget(self.trend_panel)
        splitter.addWidget(self.agent_panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setStretchFactor(2, 4)
        splitter.setSizes([235, 235, 530])
        self.splitter = splitter
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().addPermanentWidget(self.health_bar, 1)
        # A config naming a queue no feed has is only known once the feeds sent theirs.
        self.config_warning = QLabel(self)
        self.config_warning.setStyleSheet("color: #b26a00;")
        self.config_warning.hide()
        self.statusBar().insertPermanentWidget(0, self.config_warning)
        self.menus = WindowMenus(self, self.config.window_minutes)
        self.menus.sig_window_chosen.connect(self.set_window)
        # A tile click filters the grid; a queue chosen above the grid selects its tile.
        self.queue_wall.sig_queue_clicked.connect(self.agent_panel.show_queue)
        self.agent_panel.sig_queue_chosen.connect(self.queue_wall.select_queue)
        self.font_scale = 1.0
        self._base_font = QFont(self.font())
        self.resize(*BASE_SIZE)

        # Show what the floor already holds; the caller's first tick brings the rest.
        everything = Changes(
            queues=set(floor.queues),
            agents=set(floor.agents),
            structure=True,
            channels={q.channel for q in floor.queues.values()},
        )
        self.refresh(floor, everything, [])

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._scale_fonts()

    def _scale_fonts(self) -> None:
        """Grow the banner, grid, trend, menus and status bar with the window (the wall
        scales its own tiles): at 3840x2160 the 1600x1000 sizes would be a third as big."""
        size = self.size()
        scale = min(size.width() / BASE_SIZE[0], size.height() / BASE_SIZE[1])
        scale = max(1.0, min(MAX_FONT_SCALE, round(scale * 4) / 4))  # steps: no refit per pixel
        if scale == self.font_scale:
            return
        self.font_scale = scale
        base = self._base_font
        font = QFont(base)
        if base.pointSizeF() > 0:
            font.setPointSizeF(base.pointSizeF() * scale)
        else:
            font.setPixelSize(round(base.pixelSize() * scale))
        for widget in (self.banner, self.agent_panel, self.menuBar(), self.statusBar()):
            widget.setFont(font)
        corner = self.menuBar().cornerWidget(Qt.Corner.TopRightCorner)
        if corner is not None:
            corner.setFont(font)
        self.trend_panel.set_scale(scale)

    def set_window(self, window: Window) -> None:
        """Show the wall's figures over `window` (rolling minutes, half hour or today)."""
        self.queue_wall.set_window(window)
        self.menus.show_window(window)

    def refresh(self, floor: Floor, changes: Changes, health: list[FeedHealth]) -> None:
        """One coalesced tick: each panel re-reads what changed in what it shows, once."""
        self.floor = floor
        self._follow_staleness(health)
        self.queue_wall.update_floor(floor, changes)
        self.trend_panel.update_floor(floor)
        self.agent_panel.update_floor(floor, changes)
        self.health_bar.update_health(health, floor)
        if changes.structure:
            self._check_config_queues(floor)

    def _check_config_queues(self, floor: Floor) -> None:
        """Say in the status bar when the config names a queue none of the feeds has,
        once every feed has sent its queues (before that, a queue may still come)."""
        feeds = {q.feed for q in floor.queues.values()}
        if not floor.queues or (self.feed_keys is not None
                                and not set(self.feed_keys) <= feeds):
            return
        try:
            check_queues(self.config, floor.queues)
        except ConfigError as exc:
            self.config_warning.setText(str(exc))
            self.config_warning.show()
        else:
            self.config_warning.hide()

    def _follow_staleness(self, health: list[FeedHealth]) -> None:
        """Banner, wall and grid follow which feeds are stale (the rule: feeds.staleness)."""
        keys = self.feed_keys if self.feed_keys is not None else [h.url for h in health]
        stale = self.stale_feeds.update(zip(keys, health, strict=False), self.wall_clock())
        texts = {key: reason_text(s.reason) for key, s in stale.items()}
        self.queue_wall.set_stale_feeds(texts)  # every tick: cheap when nothing changed
        if stale != self.stale:
            self.stale = stale
            self.banner.show_stale(stale.values())
            self.agent_panel.set_stale_feeds(set(stale))
