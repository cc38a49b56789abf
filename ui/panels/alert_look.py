"""How an alert looks wherever it shows: severity words and colours for the alert panel,
the queue tiles and the agent rows, so all three say the same thing the same way.

Colour is never alone: each colour comes with a word (`severity_text`, `alert_text`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from monitor.alert_book import Alert
from monitor.alert_rules import Severity

# Alert panel severity cell: (background, text) of an alert nobody has seen yet (strong)
# and of one acknowledged or snoozed (pale: still there, already in hand).
SEVERITY_STRONG: dict[Severity, tuple[QColor, QColor]] = {
    Severity.CRITICAL: (QColor("#d32f2f"), QColor("#ffffff")),
    Severity.WARNING: (QColor("#f0a500"), QColor("#1a1a1a")),
    Severity.INFO: (QColor("#1e88e5"), QColor("#ffffff")),
}
SEVERITY_PALE: dict[Severity, tuple[QColor, QColor]] = {
    Severity.CRITICAL: (QColor("#f6caca"), QColor("#8e1b1b")),
    Severity.WARNING: (QColor("#fde7b0"), QColor("#5d4000")),
    Severity.INFO: (QColor("#cfe3f7"), QColor("#0d47a1")),
}
# A tile taken over by an alert: (background, border, badge text), as the tile's own
# state colours (warning amber, critical red) plus blue for info.
TILE_ALERT_COLOURS: dict[Severity, tuple[QColor, QColor, QColor]] = {
    Severity.CRITICAL: (QColor("#fde4e4"), QColor("#d32f2f"), QColor("#b71c1c")),
    Severity.WARNING: (QColor("#fff6dc"), QColor("#f0a500"), QColor("#7a4f00")),
    Severity.INFO: (QColor("#e8f2fc"), QColor("#1e88e5"), QColor("#0d47a1")),
}
# The other half of a critical tile's pulse: a deeper red, same border.
PULSE_BACKGROUND = QColor("#f8bcbc")
# Agent rows (id and name cells): (background, text), light enough for dark text.
AGENT_ALERT_COLOURS: dict[Severity, tuple[QColor, QColor]] = {
    Severity.CRITICAL: (QColor("#f6caca"), QColor("#8e1b1b")),
    Severity.WARNING: (QColor("#fde7b0"), QColor("#5d4000")),
    Severity.INFO: (QColor("#cfe3f7"), QColor("#0d47a1")),
}


def severity_text(severity: Severity) -> str:
    """The severity as a word (the panel's severity cell and filter)."""
    translate = QCoreApplication.translate  # written out per string for lupdate
    return {
        Severity.CRITICAL: translate("Alerts", "Critical"),
        Severity.WARNING: translate("Alerts", "Warning"),
        Severity.INFO: translate("Alerts", "Info"),
    }[severity]


def alert_text(severity: Severity) -> str:
    """The word a tile or an agent row shows when an alert gives it its colour (apart
    from the tile's own threshold words, so a reader knows which one it is)."""
    translate = QCoreApplication.translate
    return {
        Severity.CRITICAL: translate("Alerts", "Critical alert"),
        Severity.WARNING: translate("Alerts", "Warning alert"),
        Severity.INFO: translate("Alerts", "Info alert"),
    }[severity]


def message_of(alert: Alert, chinese: bool) -> str:
    """The alert's rendered message in the UI's language (the other one if it has none)."""
    if chinese:
        return alert.message_zh or alert.message_en or alert.rule
    return alert.message_en or alert.message_zh or alert.rule
