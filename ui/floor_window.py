"""The supervisor's floor window: it assembles the panels and menus and forwards a tick."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from feeds.health import FeedHealth
from feeds.staleness import Stale, StaleFeeds
from feeds.store.audit import who_am_i
from monitor.alert_book import Alert
from monitor.alert_rules import Scope
from monitor.config import Config, ConfigError, check_queues
from monitor.floor import Changes, Floor
from monitor.scope import Scope as ViewScope
from monitor.views import Window
from ui.alert_sound import AlertSound
from ui.panels.agent_panel import AgentPanel
from ui.panels.alert_panel import AlertActions, AlertPanel
from ui.panels.health_bar import HealthBar
from ui.panels.queue_wall import QueueWall
from ui.panels.stale_banner import StaleBanner, reason_text
from ui.panels.trend_panel import TrendPanel
from ui.scope_bar import ScopeBar, scope_label
from ui.window_menu import WindowMenus, fit_combo

if TYPE_CHECKING:  # the replay bar is imported only by a replay
    from ui.replay_bar import ReplayBar

BASE_SIZE = (1600, 1000)  # the size the panels' fonts are designed for
ALERTS_WIDTH = 0.27  # of the window's width, the alerts column's when first shown
# The alert list is re-read at most this often (wall clock); tiles recolour every tick.
LIST_EVERY_S = 0.25
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
        *,
        alerts: AlertActions | None = None,
        sound: AlertSound | None = None,
    ) -> None:
        super().__init__(parent)
        # The alert engine (None: no alerts column) and its panel and sound.
        self.alerts = alerts
        self.alert_panel: AlertPanel | None = None
        self.list_every_s = LIST_EVERY_S
        self._alerts_waiting = False  # the book's list moved since the panel last read it
        self._alerts_listed_at = -math.inf  # wall clock of that read
        self.alert_sound: AlertSound | None = None
        self._alerts_side: QSplitter | None = None  # trend and agents | alerts
        self.user = who_am_i()  # who acknowledges and snoozes alerts from this window
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
        self.replay_bar: ReplayBar | None = None  # replaying a recording: its bar

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
        self._add_scope_bar(layout)
        # A tile click filters the grid; a queue chosen above the grid selects its tile.
        self.queue_wall.sig_queue_clicked.connect(self.agent_panel.show_queue)
        self.agent_panel.sig_queue_chosen.connect(self.queue_wall.select_queue)
        if alerts is not None:
            self._add_alerts(alerts, sound)
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
        # The corner (scope and window selectors) first: the menu bar places it when its
        # own font changes, so a corner still at the old size ran past the window's edge.
        corner = self.menuBar().cornerWidget(Qt.Corner.TopRightCorner)
        if corner is not None:
            corner.setFont(font)
            for combo in corner.findChildren(QComboBox):
                fit_combo(combo)
            corner.adjustSize()
        for widget in (self.banner, self.agent_panel, self.menuBar(), self.statusBar()):
            widget.setFont(font)
        if self.alert_panel is not None:
            self.alert_panel.setFont(font)
        if self.replay_bar is not None:
            self.replay_bar.setFont(font)
        self.trend_panel.set_scale(scale)

    def set_window(self, window: Window) -> None:
        """Show the wall's figures over `window` (rolling minutes, half hour or today)."""
        self.queue_wall.set_window(window)
        self.menus.show_window(window)

    def refresh(self, floor: Floor, changes: Changes, health: list[FeedHealth]) -> None:
        """One coalesced tick: each panel re-reads what changed in what it shows, once."""
        self.floor = floor
        self._follow_scope(floor, changes)
        self._follow_staleness(health)
        self.queue_wall.update_floor(floor, changes)
        self.trend_panel.update_floor(floor)
        self.agent_panel.update_floor(floor, changes)
        if self.alert_panel is not None:
            self._refresh_alerts(floor, changes)
        self.health_bar.update_health(health, floor)
        if self.replay_bar is not None:
            self.replay_bar.refresh(floor)
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

    # ------------------------------------------------------------------ scope
    def _add_scope_bar(self, layout: QVBoxLayout) -> None:
        """The scope selector left of the window selector; the strip under the banner."""
        bar = self.scope_bar = ScopeBar(self, self.config.teams)
        corner = self.menuBar().cornerWidget(Qt.Corner.TopRightCorner)
        row = corner.layout() if corner is not None else None
        if isinstance(row, QHBoxLayout):
            row.insertWidget(0, bar.caption)
            row.insertWidget(1, bar.combo)
            row.insertSpacing(2, 12)
        layout.insertWidget(1, bar.strip)
        bar.sig_scope_chosen.connect(lambda _scope: self._follow_scope(self.floor, None))

    def set_scope(self, scope: ViewScope) -> None:
        """Limit the wall, the grid and the alerts to `scope` (the whole floor: all)."""
        self.scope_bar.choose(scope)

    def _follow_scope(self, floor: Floor, changes: Changes | None) -> None:
        """Members recomputed on structure or skills changes only; the panels re-filter
        when they moved; scoped headers whose agent counts moved are re-read."""
        moved, channels = self.scope_bar.follow(floor, changes)
        if changes is not None and channels:
            changes.channels |= channels
        if not moved and changes is not None:
            return
        members = self.scope_bar.watch.members
        self.queue_wall.set_scope(
            None if members is None else members.queues, self.scope_bar.headers)
        self.agent_panel.set_scope(None if members is None else members.agents)
        if self.alert_panel is not None:
            self.alert_panel.proxy.set_scope(members)
        base = self.tr("Floorwatch — replay") if self.replay_bar else self.tr("Floorwatch")
        scope = self.scope_bar.scope
        self.setWindowTitle(base if scope.is_all else f"{base} — {scope_label(scope)}")

    # ------------------------------------------------------------------ alerts
    def _add_alerts(self, alerts: AlertActions, sound: AlertSound | None) -> None:
        """The alerts column right of the trend and the agents, under the wall (which
        keeps the full width: beside a full-height column its tiles would go one to a
        row at 1280x720); the sound and their menu entries; tiles and agent rows take
        alert colours."""
        book = alerts.book
        self.alert_sound = sound = sound if sound is not None else AlertSound(parent=self)
        panel = self.alert_panel = AlertPanel(
            book,
            # self.alerts, not `alerts`: a replay gives the window a new engine per seek
            acknowledge=lambda alert_id: self.alerts.acknowledge(
                alert_id, self.user, self.wall_clock()),
            snooze=lambda alert_id, minutes: self.alerts.snooze(
                alert_id, minutes, self.user, self.wall_clock()
            ),
            now=lambda: self.floor.now,
            lang=self.lang,
            parent=self,
        )
        panel.model.describe_target = self._alert_target
        below = QSplitter(Qt.Orientation.Vertical)
        below.setChildrenCollapsible(False)
        below.addWidget(self.trend_panel)  # out of the window's splitter, keeping stretch
        below.addWidget(self.agent_panel)
        below.setSizes([235, 530])
        side = self._alerts_side = QSplitter(Qt.Orientation.Horizontal)
        side.setChildrenCollapsible(False)
        side.addWidget(below)
        side.addWidget(panel)
        side.setStretchFactor(0, 1)
        side.setStretchFactor(1, 0)  # a wider window widens the grid, not the alerts
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(1, 6)
        self.splitter.setSizes([235, 765])
        self._alerts_sized = False
        self.agent_panel.model.alert_of = lambda agent_id: book.agent_alert(agent_id, self.floor.now)
        show = QAction(self)
        show.setCheckable(True)
        show.setChecked(True)
        show.toggled.connect(panel.setVisible)
        mute = self.menus.add_alert_actions(show)
        mute.toggled.connect(sound.set_muted)
        panel.sig_mute_toggled.connect(sound.set_muted)
        sound.sig_muted_changed.connect(self._show_sound)
        self._show_sound()

    def use_alerts(self, alerts: AlertActions) -> None:
        """Show another engine's alerts from now on (a replay starts a clean one after
        each seek); the panel re-reads them on the next tick that changes the floor."""
        self.alerts = alerts
        if self.alert_panel is None:
            return
        book = self.alert_panel.book = alerts.book
        self.agent_panel.model.alert_of = lambda agent_id: book.agent_alert(agent_id, self.floor.now)

    # ------------------------------------------------------------------ replay
    def add_replay_bar(self, bar: ReplayBar) -> None:
        """The replay bar over everything else, and a title that says it is a replay."""
        self.replay_bar = bar
        layout = self.centralWidget().layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, bar)
        if self.font_scale != 1.0:
            bar.setFont(self.banner.font())
        self.setWindowTitle(self.tr("Floorwatch — replay"))

    def _show_sound(self, _muted: bool = False) -> None:
        """Panel toggle and menu entry say whether sounds play (one muted, both say so)."""
        sound, panel, mute = self.alert_sound, self.alert_panel, self.menus.mute_action
        assert sound is not None and panel is not None
        panel.set_sound_state(sound.available, sound.muted)
        mute.blockSignals(True)
        mute.setChecked(sound.muted)
        mute.blockSignals(False)
        mute.setEnabled(sound.available)

    def _refresh_alerts(self, floor: Floor, changes: Changes) -> None:
        """The panel re-reads the book when its list changed; the tiles of changed queues
        (and of queues that gained or lost alerts) and the rows of agents that gained or
        lost one take their colour; critical unacknowledged tiles pulse with the clock."""
        panel, alerts = self.alert_panel, self.alerts
        assert panel is not None and alerts is not None
        book, now = alerts.book, floor.now
        queues: set[str] = changes.queues
        # Changes.alerts: the book's list changed (read defensively: a caller's own
        # Changes may predate it); a structure change shows the window's rows anew.
        # The list is re-read at most every `list_every_s` of the wall clock: on a busy
        # floor alerts are raised or cleared in most ticks, and re-listing (and painting)
        # the table each time cost ~5 ms a tick (bench_latency.py). A change waiting is
        # listed by the first tick past the interval; tiles and rows below recolour now.
        wall = self.wall_clock()
        self._alerts_waiting = self._alerts_waiting or getattr(changes, "alerts", True)
        due = self._alerts_waiting and wall - self._alerts_listed_at >= self.list_every_s
        if due or changes.structure:
            self._alerts_waiting, self._alerts_listed_at = False, wall
            queues_before, agents_before = panel.queues, panel.agents
            panel.refresh(True)
            queues = queues | queues_before | panel.queues
            moved = agents_before ^ panel.agents
            if changes.structure:  # rows new to the grid (or the first refresh)
                moved |= panel.agents
            if moved:
                self.agent_panel.model.refresh_agents(moved)
        else:
            panel.refresh(False)
        if changes.structure:
            queues = set(self.queue_wall.tiles)  # new tiles: their queues may have alerts
        self.queue_wall.show_alerts(lambda queue_id: book.queue_alert(queue_id, now), queues)
        self.queue_wall.pulse(int(wall) % 2 == 1)  # a 2 s period, gentle

    def _alert_target(self, alert: Alert) -> str:
        """An alert's target as a supervisor reads it: a queue's or agent's name."""
        floor = self.floor
        if alert.scope == Scope.AGENT and alert.target in floor.agents:
            return floor.agents[alert.target].name or alert.target
        queue_id = alert.target if alert.scope == Scope.QUEUE else alert.queue
        queue = floor.queues.get(queue_id) if queue_id else None
        if queue is None:
            return alert.target
        name = (queue.name_zh if self.lang.lower().startswith("zh") else "") or queue.name
        return name if alert.scope == Scope.QUEUE else f"{alert.target} · {name}"

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        side = self._alerts_side
        if side is not None and not self._alerts_sized:
            # Once, at the first show: a share of the window, then the user's to drag.
            self._alerts_sized = True
            width = round(self.width() * ALERTS_WIDTH)
            side.setSizes([max(1, side.width() - width), width])
