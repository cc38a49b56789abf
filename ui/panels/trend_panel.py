"""Trend of the last 60 minutes: waiting contacts and service level per channel.

Redrawn only when the floor's trend took a new sample (every 10 s of event
time) or a snapshot replaced it, with one `setData` per curve; x is minutes
relative to the floor clock. Speed options as pyqtgraph's scrollingPlots example:
clip to view, peak downsampling, and no finite check where the data is finite.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QHBoxLayout, QWidget

from monitor.events import Channel
from monitor.floor import Floor
from monitor.trend import SAMPLE_S, SAMPLES

WINDOW_MIN = SAMPLES * SAMPLE_S / 60.0

# Channel colours (colour-blind safe pair) and line styles, so colour is not alone.
CHANNEL_PENS = {
    Channel.HOTLINE.value: {"color": "#1f77b4", "width": 2},
    Channel.ONLINE.value: {"color": "#ff7f0e", "width": 2, "style": Qt.PenStyle.DashLine},
}


class TrendPanel(QWidget):
    """Two plots side by side sharing the time axis: waiting (left), SL % (right)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        background = self.palette().color(QPalette.ColorRole.Base)
        foreground = self.palette().color(QPalette.ColorRole.Text)
        self.waiting_plot = pg.PlotWidget(self, background=background)
        self.sl_plot = pg.PlotWidget(self, background=background)
        self._signature: tuple[object, ...] | None = None
        names = {Channel.HOTLINE.value: self.tr("Hotline"), Channel.ONLINE.value: self.tr("Online")}
        self.waiting_curves: dict[str, pg.PlotDataItem] = {}
        self.sl_curves: dict[str, pg.PlotDataItem] = {}

        self._foreground = foreground
        self._scale = 1.0
        self._texts = {
            self.waiting_plot: (self.tr("Waiting"), self.tr("contacts")),
            self.sl_plot: (self.tr("Service level"), "%"),
        }
        for widget, (title, unit) in self._texts.items():
            plot = widget.getPlotItem()
            plot.setTitle(title, color=foreground)
            plot.setClipToView(True)
            plot.setDownsampling(mode="peak")
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            plot.setXRange(-WINDOW_MIN, 0, padding=0)
            for axis_name in ("left", "bottom"):
                axis = plot.getAxis(axis_name)
                axis.setPen(foreground)
                axis.setTextPen(foreground)
            plot.setLabel("bottom", self.tr("minutes (0 = now)"), color=foreground)
            plot.setLabel("left", unit, color=foreground)
        self.legend = self.waiting_plot.getPlotItem().addLegend(
            offset=(10, 5), labelTextColor=foreground)
        self.waiting_plot.getPlotItem().enableAutoRange(axis="y")
        self.waiting_plot.getPlotItem().setLimits(yMin=0)
        self.sl_plot.getPlotItem().setYRange(0, 100, padding=0.02)
        self.sl_plot.getPlotItem().setXLink(self.waiting_plot.getPlotItem())

        for channel, pen in CHANNEL_PENS.items():
            self.waiting_curves[channel] = self.waiting_plot.plot(
                [], [], pen=pg.mkPen(**pen), name=names[channel]
            )
            self.sl_curves[channel] = self.sl_plot.plot([], [], pen=pg.mkPen(**pen))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.waiting_plot, 1)
        layout.addWidget(self.sl_plot, 1)

    def set_scale(self, scale: float) -> None:
        """Size titles, axis labels and tick numbers for a larger screen (1.0: as built)."""
        if scale == self._scale:
            return
        self._scale = scale
        base = self.font()
        points = base.pointSizeF() if base.pointSizeF() > 0 else 9.0
        tick_font = QFont(base)
        tick_font.setPointSizeF(points * scale)
        size = f"{points * scale:.1f}pt"
        for widget, (title, unit) in self._texts.items():
            plot = widget.getPlotItem()
            plot.setTitle(title, color=self._foreground, size=f"{points * 1.2 * scale:.1f}pt")
            for axis_name in ("left", "bottom"):
                plot.getAxis(axis_name).setStyle(tickFont=tick_font)
            style = {"color": self._foreground.name(), "font-size": size}
            plot.setLabel("bottom", self.tr("minutes (0 = now)"), **style)
            plot.setLabel("left", unit, **style)
        self.legend.setLabelTextSize(size)
        for _sample, label in self.legend.items:  # the size above is for labels to come
            label.setText(label.text, size=size)

    def update_floor(self, floor: Floor) -> None:
        """Redraw if the trend has a new sample; otherwise do nothing (no repaint)."""
        trend = floor.trend
        times = trend.times
        # A new sample changes the last time; a loaded snapshot changes the deques (a
        # second feed's snapshot merges only its channels' series).
        signature = (id(times), len(times), times[0] if times else 0.0,
                     times[-1] if times else 0.0,
                     *(id(waiting) for waiting, _sl in trend.series.values()))
        if signature == self._signature:
            return
        self._signature = signature
        x = (np.fromiter(times, dtype=float, count=len(times)) - floor.now) / 60.0
        x_finite = bool(np.isfinite(x).all())
        for channel, (waiting, service_level) in trend.series.items():
            if channel not in self.waiting_curves:
                continue
            y = np.fromiter(waiting, dtype=float, count=len(waiting))
            # Waiting counts are finite unless a snapshot brought something odd: check
            # once here, then let pyqtgraph skip its own checks and connect every point.
            if x_finite and np.isfinite(y).all():
                self.waiting_curves[channel].setData(x, y, connect="all", skipFiniteCheck=True)
            else:
                self.waiting_curves[channel].setData(x, y, connect="finite",
                                                     skipFiniteCheck=False)
            # Service level has NaN gaps (no traffic yet): pyqtgraph must see them.
            self.sl_curves[channel].setData(
                x,
                np.fromiter(service_level, dtype=float, count=len(service_level)) * 100.0,
                connect="finite",
                skipFiniteCheck=False,
            )

    def curve_data(self, channel: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(minutes, waiting, SL %) as plotted for a channel, for tests and exports."""
        x, waiting = self.waiting_curves[channel].getData()
        _x, service_level = self.sl_curves[channel].getData()
        empty = np.array([], dtype=float)
        return (
            empty if x is None else x,
            empty if waiting is None else waiting,
            empty if service_level is None else service_level,
        )
