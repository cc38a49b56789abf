"""The floor window's menu bar (File, View, Settings, Help) and its window selector."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QMainWindow, QWidget

from monitor.views import WINDOW_INTERVAL, WINDOW_TODAY, Window
from ui.dialogs import SettingsDialog, TextDialog, about_text, help_text, settings_rows

ROLLING_MINUTES = (15, 60)  # the rolling windows offered besides the configured one


def window_label(window: Window) -> str:
    """How the selector names a window."""
    if window == WINDOW_INTERVAL:
        return QCoreApplication.translate("WindowMenus", "This half hour")
    if window == WINDOW_TODAY:
        return QCoreApplication.translate("WindowMenus", "Today")
    return QCoreApplication.translate("WindowMenus", "Rolling {n} min").format(n=window)


def window_choices(default_minutes: int) -> list[Window]:
    """Rolling 15 and 60 minutes (and the config's own rolling window), half hour, today."""
    rolling = sorted({*ROLLING_MINUTES, default_minutes})
    return [*rolling, WINDOW_INTERVAL, WINDOW_TODAY]


class WindowMenus(QObject):
    """Builds the menus on `window`'s menu bar; the selector sits in its right corner,
    so it costs no height on a 720p screen."""

    sig_window_chosen = Signal(object)  # a monitor.views.Window

    def __init__(self, window: QMainWindow, default_minutes: int = 15) -> None:
        super().__init__(window)
        self.window = window
        self.last_dialog: QDialog | None = None
        self.choices = window_choices(default_minutes)
        bar = window.menuBar()

        file_menu = bar.addMenu(self.tr("&File"))
        self.quit_action = QAction(self.tr("&Quit"), window)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(window.close)
        file_menu.addAction(self.quit_action)

        view_menu = self.view_menu = bar.addMenu(self.tr("&View"))
        self.window_group = QActionGroup(window)
        self.window_group.setExclusive(True)
        self.window_actions: dict[Window, QAction] = {}
        for choice in self.choices:
            action = QAction(window_label(choice), window)
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, c=choice: self._choose(c))
            self.window_group.addAction(action)
            view_menu.addAction(action)
            self.window_actions[choice] = action

        settings_menu = self.settings_menu = bar.addMenu(self.tr("&Settings"))
        self.settings_action = QAction(self.tr("Settings in effect…"), window)
        self.settings_action.triggered.connect(self.show_settings)
        settings_menu.addAction(self.settings_action)

        help_menu = bar.addMenu(self.tr("&Help"))
        self.help_action = QAction(self.tr("&Help"), window)
        self.help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.help_action.triggered.connect(self.show_help)
        self.about_action = QAction(self.tr("&About Floorwatch"), window)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.about_action)

        corner = QWidget(bar)
        row = QHBoxLayout(corner)
        row.setContentsMargins(4, 0, 8, 0)
        self.window_caption = QLabel(self.tr("Figures over:"), corner)
        self.combo = QComboBox(corner)
        self.combo.setToolTip(self.tr("The window the queue figures are counted over"))
        # Re-measured when the window scales its fonts (else "Rolling 15 min" is cut at 4K).
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for choice in self.choices:
            self.combo.addItem(window_label(choice), choice)
        self.combo.currentIndexChanged.connect(
            lambda index: self._choose(self.combo.itemData(index))
        )
        row.addWidget(self.window_caption)
        row.addWidget(self.combo)
        bar.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self.show_window(default_minutes)

    def add_alert_actions(self, show_panel: QAction) -> QAction:
        """The alerts panel's show/hide under View and a sound mute under Settings;
        returns the mute action (checkable; the window keeps it and the panel agreeing)."""
        show_panel.setText(self.tr("Alerts panel"))
        self.view_menu.addSeparator()
        self.view_menu.addAction(show_panel)
        self.mute_action = QAction(self.tr("Mute alert sounds"), self.window)
        self.mute_action.setCheckable(True)
        self.settings_menu.addAction(self.mute_action)
        return self.mute_action

    @property
    def current(self) -> Window:
        return self.combo.currentData()

    def show_window(self, window: Window) -> None:
        """Mark `window` as chosen in the selector and the View menu (no signal)."""
        index = self.combo.findData(window)
        if index >= 0 and index != self.combo.currentIndex():
            self.combo.blockSignals(True)
            self.combo.setCurrentIndex(index)
            self.combo.blockSignals(False)
        action = self.window_actions.get(window)
        if action is not None and not action.isChecked():
            action.setChecked(True)

    def _choose(self, window: Window) -> None:
        self.show_window(window)
        self.sig_window_chosen.emit(window)

    def show_settings(self) -> None:
        window = self.window
        rows = settings_rows(
            window.config, getattr(window, "config_path", ""), window_label(self.current)
        )
        self._open(SettingsDialog(rows, window))

    def show_help(self) -> None:
        self._open(TextDialog(self.tr("Floorwatch help"), help_text(), self.window))

    def show_about(self) -> None:
        self._open(TextDialog(self.tr("About Floorwatch"), about_text(), self.window))

    def _open(self, dialog: QDialog) -> None:
        """Open without blocking the tick (the wall keeps moving behind the dialog)."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()


def fit_combo(combo: QComboBox) -> None:
    """Wide enough for its longest item at its font now: a combo keeps the width it was
    first measured at, so after the window scaled its fonts the text was cut."""
    metrics = combo.fontMetrics()
    widest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())),
                 default=0)
    combo.setMinimumWidth(widest + 2 * metrics.height() + 12)  # the arrow and margins
