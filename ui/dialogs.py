"""Read-only dialogs of the floor window's menus: settings in effect, help, about."""

from __future__ import annotations

import importlib.metadata

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from feeds.health import STALE_AFTER_S
from monitor.config import Config
from monitor.thresholds import DEFAULT_THRESHOLDS, Thresholds


def app_version() -> str:
    """The installed package's version ('' when run from a bare checkout)."""
    try:
        return importlib.metadata.version("floorwatch")
    except importlib.metadata.PackageNotFoundError:
        return ""


def thresholds_text(thresholds: Thresholds) -> str:
    """One line with the limits a tile turns warning and critical at."""
    translate = QCoreApplication.translate
    text = QCoreApplication.translate(
        "Dialogs",
        "warning below SL {goal}, critical below SL {critical} or a wait over "
        "{factor} × the SL target",
    ).format(
        goal=f"{thresholds.sl_goal * 100:g} %",
        critical=f"{thresholds.sl_critical * 100:g} %",
        factor=f"{thresholds.critical_wait_factor:g}",
    )
    min_contacts = getattr(thresholds, "min_contacts", None)
    if min_contacts is not None:
        text += translate("Dialogs", "; SL counts from {n} contacts").format(n=min_contacts)
    return text


def settings_rows(config: Config, config_path: str, window_text: str) -> list[tuple[str, str]]:
    """(label, value) of every setting the window runs with, as the dialog lists them."""
    translate = QCoreApplication.translate
    path = config_path or getattr(config, "path", "")
    book = getattr(config, "thresholds", None)
    default = getattr(book, "default", DEFAULT_THRESHOLDS)
    rows = [
        (
            translate("Dialogs", "Config file"),
            path or translate("Dialogs", "none (command-line flags and built-in defaults)"),
        ),
        (
            translate("Dialogs", "Feeds"),
            "\n".join(config.feeds) or translate("Dialogs", "from the command line"),
        ),
        (translate("Dialogs", "Window"), window_text),
        (
            translate("Dialogs", "Short abandon"),
            translate("Dialogs", "under {s} s").format(s=f"{config.short_abandon_s:g}"),
        ),
        (translate("Dialogs", "Time zone"), config.tz or translate("Dialogs", "this computer's")),
        (translate("Dialogs", '"Today" starts at'), config.day_reset),
        (translate("Dialogs", "Service level"), config.sl_variant),
        (translate("Dialogs", "Tile thresholds"), thresholds_text(default)),
        (
            translate("Dialogs", "Feed stale after"),
            translate("Dialogs", "{s} s without data").format(s=f"{STALE_AFTER_S:g}"),
        ),
    ]
    for queue_id, variant in sorted(config.sl_variants.items()):
        rows.append(
            (translate("Dialogs", "Service level of {queue}").format(queue=queue_id), variant)
        )
    for queue_id, values in sorted(getattr(book, "by_queue", {}).items()):
        rows.append(
            (
                translate("Dialogs", "Thresholds of {queue}").format(queue=queue_id),
                thresholds_text(values),
            )
        )
    return rows


class SettingsDialog(QDialog):
    """The config file in use and the settings in effect; read only (edit the file)."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        form = QFormLayout()
        self.values: dict[str, str] = {}
        for label, value in rows:
            shown = QLabel(value, self)
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            form.addRow(label, shown)
            self.values[label] = value
        note = QLabel(self.tr("Change settings in the config file and restart the window."), self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)


class TextDialog(QDialog):
    """A title and a few paragraphs, with a Close button (help, about)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.label = QLabel(text, self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)


def help_text() -> str:
    return QCoreApplication.translate(
        "Dialogs",
        "The queue wall shows each queue's waiting contacts, longest wait and service "
        "level; colour and the word on each tile say the same. Click a tile to show only its "
        "agents and its waiting contacts; click it again (or press Esc) to show everyone "
        "again. The selector at the top right sets the window the figures are "
        "counted over.\n\n"
        "A red banner at the top names a feed whose data stopped: its tiles and agents "
        "are greyed and show the last known figures until it is back.\n\n"
        "The documentation is in the docs/ folder of Floorwatch: floor-window.md (this "
        "window), metrics.md (definitions and windows), thresholds.md (tile colours), "
        "erlang.md (the move preview), protocol.md (feeds), security.md (tokens); the "
        "README lists every command.",
    )


def about_text() -> str:
    version = app_version()
    translate = QCoreApplication.translate
    text = translate("Dialogs", "Floorwatch {version}").format(version=version).strip()
    return (
        text
        + "\n\n"
        + QCoreApplication.translate(
            "Dialogs",
            "A real-time supervisor wall for contact centres that run a voice hotline and "
            "online chat side by side.",
        )
    )
