"""The supervisor's floor window: it only assembles the panels and forwards a tick."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from feeds.health import FeedHealth
from monitor.floor import Changes, Floor
from ui.panels.agent_panel import AgentPanel
from ui.panels.health_bar import HealthBar
from ui.panels.queue_wall import QueueWall
from ui.panels.trend_panel import TrendPanel


class FloorWindow(QMainWindow):
    """Queue wall over trend over agents, feed health in the status bar."""

    def __init__(self, floor: Floor, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.floor = floor
        self.setWindowTitle(self.tr("Floorwatch"))
        self.queue_wall = QueueWall(lang, self)
        self.trend_panel = TrendPanel(self)
        self.agent_panel = AgentPanel(self)
        self.health_bar = HealthBar(self)

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
        self.setCentralWidget(splitter)
        self.statusBar().addPermanentWidget(self.health_bar, 1)
        self.resize(1600, 1000)

        # Show what the floor already holds; the caller's first tick brings the rest.
        everything = Changes(queues=set(floor.queues), agents=set(floor.agents), structure=True,
                             channels={q.channel for q in floor.queues.values()})
        self.refresh(floor, everything, [])

    def refresh(self, floor: Floor, changes: Changes, health: list[FeedHealth]) -> None:
        """One coalesced tick: each panel re-reads what changed in what it shows, once."""
        self.floor = floor
        self.queue_wall.update_floor(floor, changes)
        self.trend_panel.update_floor(floor)
        self.agent_panel.update_floor(floor, changes)
        self.health_bar.update_health(health, floor)
