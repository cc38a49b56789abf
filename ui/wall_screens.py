"""Which screen the wall is on: fullscreen placement, remembered, following unplugs.

`WallPlacement` owns no window: it moves the one it is given (the wall window, whose
class lives elsewhere) and listens to the application's screen signals. Esc is caught by
an event filter installed on that window, so the window class needs no key hook.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QScreen
from PySide6.QtWidgets import QWidget

KEY_NAME = "wall/screen_name"
KEY_INDEX = "wall/screen_index"
KEY_GEOMETRY = "wall/screen_geometry"  # the screen's rectangle: finds it when names are empty
WINDOWED_SHARE = 0.8  # leaving fullscreen shows the wall this big, centred on its screen


def screen_problem(index: int) -> str | None:
    """One line saying why `--screen index` can't be used, or None when it can.

    Needs the QGuiApplication: screens are only known once the platform is up.
    """
    count = len(QGuiApplication.screens())
    if 0 <= index < count:
        return None
    return QCoreApplication.translate(
        "WallPlacement", "--screen {index}: there is no such screen; use 0 to {last}"
    ).format(index=index, last=count - 1)


def default_screen(exclude: QScreen | None = None) -> QScreen:
    """The last screen that isn't the primary (the wall beside the desk), else the primary."""
    primary = QGuiApplication.primaryScreen()
    screens = [s for s in QGuiApplication.screens() if s is not exclude]
    others = [s for s in screens if s is not primary]
    if others:
        return others[-1]
    return primary if primary is not exclude and primary is not None else screens[0]


def remembered_screen(settings: QSettings) -> QScreen | None:
    """The screen saved in `settings`, by name, or by its rectangle when names are empty."""
    name = str(settings.value(KEY_NAME, "") or "")
    screens = QGuiApplication.screens()
    if name:
        return next((s for s in screens if s.name() == name), None)
    rect = settings.value(KEY_GEOMETRY)
    if isinstance(rect, QRect) and rect.isValid():
        return next((s for s in screens if s.geometry() == rect), None)
    return None


class WallPlacement(QObject):
    """Keep `window` fullscreen on one screen, remembered in `settings` under "wall/".

    `screen` is an index into QGuiApplication.screens() (check it with `screen_problem`
    first); None uses the remembered screen, else `default_screen()`. When that screen is
    unplugged the window goes fullscreen on a remaining one; when the remembered screen
    comes back the window returns to it. Esc on the window (or `leave_fullscreen()`, for a
    menu) shows it windowed on the same screen.
    """

    moved = Signal(str)  # the name of the screen the window was just put on

    def __init__(self, window: QWidget, settings: QSettings, screen: int | None = None) -> None:
        super().__init__(window)  # lives as long as the window
        self._window = window
        self._settings = settings
        if screen is not None:
            chosen = QGuiApplication.screens()[screen]
            self._remember(chosen)
        else:
            chosen = remembered_screen(settings) or default_screen()
        self._screen: QScreen = chosen
        window.installEventFilter(self)
        app = QGuiApplication.instance()
        app.screenRemoved.connect(self._on_screen_removed)
        app.screenAdded.connect(self._on_screen_added)

    @property
    def screen(self) -> QScreen:
        """The screen the wall is placed on now (not necessarily the remembered one)."""
        return self._screen

    def show(self) -> None:
        """Show the window fullscreen on its screen."""
        self._put_on(self._screen)

    def move_to(self, index: int) -> None:
        """Put the wall fullscreen on screen `index` and remember that choice."""
        screen = QGuiApplication.screens()[index]
        self._remember(screen)
        self._put_on(screen)

    def leave_fullscreen(self) -> None:
        """Show the window windowed, centred on the screen it was fullscreen on."""
        if self._window.isFullScreen():
            self._window.showNormal()
            self._window.setGeometry(_windowed_rect(self._screen))

    def go_fullscreen(self) -> None:
        """Back to fullscreen on the current screen (for a menu entry)."""
        self._put_on(self._screen)

    # ------------------------------------------------------------------ internals
    def _remember(self, screen: QScreen) -> None:
        self._settings.setValue(KEY_NAME, screen.name())
        self._settings.setValue(KEY_INDEX, QGuiApplication.screens().index(screen))
        self._settings.setValue(KEY_GEOMETRY, screen.geometry())
        self._settings.sync()

    def _put_on(self, screen: QScreen) -> None:
        window = self._window
        self._screen = screen
        if window.isFullScreen():  # a fullscreen window keeps its old screen's rectangle
            window.showNormal()
        # The windowed rectangle first: Qt picks the window's screen from its geometry, and
        # it is what Esc returns to.
        window.setGeometry(_windowed_rect(screen))
        window.setScreen(screen)
        window.showFullScreen()
        self.moved.emit(screen.name())

    def _on_screen_removed(self, screen: QScreen) -> None:
        if screen is not self._screen:
            return
        if not any(s is not screen for s in QGuiApplication.screens()):
            return  # nothing left to move to; the platform will add a screen back
        # Not remembered: when the wall's own screen is plugged back, the wall goes back.
        self._put_on(default_screen(exclude=screen))

    def _on_screen_added(self, screen: QScreen) -> None:
        if remembered_screen(self._settings) is screen and screen is not self._screen:
            self._put_on(screen)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # Sees an Esc that no child of the window took (the wall's tiles take no keys).
        if (
            watched is self._window
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self._window.isFullScreen()
        ):
            self.leave_fullscreen()
            return True
        return super().eventFilter(watched, event)


def _windowed_rect(screen: QScreen) -> QRect:
    area = screen.availableGeometry()
    width, height = int(area.width() * WINDOWED_SHARE), int(area.height() * WINDOWED_SHARE)
    rect = QRect(0, 0, width, height)
    rect.moveCenter(area.center())
    return rect
