"""The wall display on its screen: alone (`floorwatch wall`) or beside the floor window.

Beside the floor window (`open_wall`) the wall is one more view of the ticker: the same
floor, alert engine, connections and tick, so both show the same figures at the same
moment. Alone (`run_wall`) it opens its own, as a viewer: no reassign controller, no
alert history written (the supervisors' windows keep that), no recording.

Screen placement (fullscreen on screen N, remembered, following an unplugged screen,
Esc) is `ui.wall_screens.WallPlacement`'s; the choice lives in QSettings under "wall/".
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from feeds.hub import FeedHub, feed_keys
from feeds.source import Source
from monitor.alert_book import AlertBook
from monitor.alert_engine import AlertEngine
from monitor.alert_rules import AlertRule
from monitor.config import Config
from monitor.floor import Floor
from monitor.scope import Scope

from .display import explain_missing_display
from .i18n import install_translator, system_language
from .tick import FloorTicker, freeze_long_lived
from .wall_screens import WallPlacement, screen_problem
from .wall_window import WallWindow

if TYPE_CHECKING:
    from .floor_window import FloorWindow


def wall_settings() -> QSettings:
    """Where the wall remembers its screen (the same store as the alert sound's)."""
    return QSettings("floorwatch", "floorwatch")


@dataclass(slots=True)
class WallOptions:
    lang: str = ""  # "" = system locale
    screen: int | None = None  # None: the remembered screen, else the last non-primary
    exit_after: float | None = None
    screenshot: Path | None = None  # a PNG of the wall (its screen's size) at exit
    config: Config = field(default_factory=Config)
    rules: list[AlertRule] | None = None  # None: the shipped defaults
    scope: Scope | None = None  # --scope: a team's or tier's queues only (None: all)


def run_wall(sources: list[Source], options: WallOptions) -> int:
    """The wall alone on `sources`, fullscreen on its screen; returns the exit code."""
    if explain_missing_display():
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Floorwatch")
    lang = options.lang or system_language()
    translator = install_translator(app, lang)  # noqa: F841 - must outlive the window
    if options.screen is not None:
        problem = screen_problem(options.screen)
        if problem is not None:
            print(f"floorwatch wall: {problem}", file=sys.stderr)
            return 2
    cfg = options.config
    floor = Floor.from_config(cfg)
    if options.rules is None:
        from monitor.alert_defaults import default_rules

        options.rules = default_rules()
    alerts = AlertEngine(floor, options.rules)
    hub = FeedHub(sources)
    wall = WallWindow(floor, lang, cfg, alerts=alerts)
    wall.feed_keys = feed_keys(sources)
    if options.scope is not None:
        wall.set_scope(options.scope, cfg.teams)
    ticker = FloorTicker(floor, hub, [wall], alerts=alerts)
    placement = WallPlacement(wall, wall_settings(), options.screen)
    exit_code = 0

    def finish() -> None:
        nonlocal exit_code
        ticker.tick()
        if options.screenshot is not None and not wall.grab().save(str(options.screenshot)):
            print(f"could not write screenshot {options.screenshot}", file=sys.stderr)
            exit_code = 1
        app.quit()

    hub.start()
    ticker.start()
    placement.show()
    freeze_long_lived()
    if options.exit_after is not None:
        QTimer.singleShot(int(options.exit_after * 1000), finish)
    try:
        rc = app.exec()
    finally:
        ticker.stop()
        hub.stop()
    return exit_code or rc


# ------------------------------------------------------------ beside the floor window
def open_wall(
    window: FloorWindow,
    ticker: FloorTicker,
    screen: int | None = None,
    settings: QSettings | None = None,
) -> WallWindow:
    """Open (or move) the wall of this floor window on `screen` (None: the remembered
    one, in `settings`, default `wall_settings()`): one more view of `ticker`, dropped
    from it when the wall closes."""
    wall = getattr(window, "wall", None)
    if wall is None:
        alerts = _WindowAlerts(window) if window.alerts is not None else None
        wall = WallWindow(window.floor, window.lang, window.config, alerts=alerts)
        wall.feed_keys = window.feed_keys
        scope = getattr(window, "scope_bar", None)  # the window's scope when it opened
        if scope is not None and not scope.scope.is_all:
            wall.set_scope(scope.scope, window.config.teams)
        store = settings if settings is not None else wall_settings()
        wall.placement = WallPlacement(wall, store, screen)  # type: ignore[attr-defined]
        window.wall = wall  # type: ignore[attr-defined]
        ticker.views.append(wall)

        def closed() -> None:
            if wall in ticker.views:
                ticker.views.remove(wall)
            window.wall = None  # type: ignore[attr-defined]

        wall.sig_closed.connect(closed)
        _CloseWith(window, wall)  # the desk window closing closes its wall too
        wall.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wall.placement.show()  # type: ignore[attr-defined]
    elif screen is not None:
        wall.placement.move_to(screen)  # type: ignore[attr-defined]
    return wall


class _CloseWith(QObject):
    """Closes `wall` when `window` closes (a supervisor quitting ends the process)."""

    def __init__(self, window: QWidget, wall: WallWindow) -> None:
        super().__init__(wall)  # lives as long as the wall
        self._wall = wall
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Close:
            self._wall.close()
        return False


class _WindowAlerts:
    """The floor window's engine's book, whichever engine it has now (a replay gives
    the window a new one after each seek)."""

    def __init__(self, window: FloorWindow) -> None:
        self._window = window

    @property
    def book(self) -> AlertBook:
        return self._window.alerts.book


def add_wall_menu(
    window: FloorWindow, ticker: FloorTicker, settings: QSettings | None = None
) -> QMenu:
    """View → "Open wall on screen…": one entry per screen, listed when the menu opens."""
    menu = window.menus.view_menu.addMenu(
        QCoreApplication.translate("WallMenu", "Open wall on screen…")
    )

    def list_screens() -> None:
        menu.clear()
        for n, screen in enumerate(QGuiApplication.screens()):
            size = screen.geometry().size()
            action = QAction(
                QCoreApplication.translate(
                    "WallMenu", "Screen {n}: {name} ({width}×{height})"
                ).format(n=n, name=screen.name() or "?", width=size.width(), height=size.height()),
                menu,
            )
            action.triggered.connect(
                lambda _checked=False, n=n: open_wall(window, ticker, n, settings)
            )
            menu.addAction(action)

    menu.aboutToShow.connect(list_screens)
    list_screens()
    return menu
