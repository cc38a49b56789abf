"""The menu bar's scope and window selectors at 3840x2160: the window scales its fonts,
and both combos still show their whole text inside the window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from monitor.floor import Floor
from ui.floor_window import FloorWindow


def test_the_corner_selectors_fit_their_text_when_the_fonts_scale(qtbot):
    window = FloorWindow(Floor())
    qtbot.addWidget(window)
    window.resize(3840, 2160)
    window.show()
    qtbot.waitExposed(window)
    corner = window.menuBar().cornerWidget(Qt.Corner.TopRightCorner)
    combos = corner.findChildren(QComboBox)
    assert len(combos) == 2  # scope, figures over
    for combo in combos:
        text = combo.fontMetrics().horizontalAdvance(combo.currentText())
        assert combo.font().pointSizeF() > window.font().pointSizeF()  # scaled up
        assert combo.width() >= text + combo.fontMetrics().height()  # text and arrow
    assert corner.geometry().right() < window.menuBar().width()
