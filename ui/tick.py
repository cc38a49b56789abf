"""The one coalescing tick: drain the hand-off, apply to the floor, refresh views once."""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from feeds.health import FeedHealth
from feeds.hub import FeedHub
from monitor.floor import Changes, Floor

log = logging.getLogger(__name__)

TICK_HZ = 10
MAX_EVENTS_PER_TICK = 50_000  # bounds one tick's work; the rest waits for the next


class FloorView(Protocol):
    def refresh(self, floor: Floor, changes: Changes, health: list[FeedHealth]) -> None: ...


class FloorTicker(QObject):
    """Owns the only repaint timer. Events never trigger a repaint themselves."""

    sig_ticked = Signal()  # after every refresh; tests and the wall window follow it

    def __init__(self, floor: Floor, hub: FeedHub, views: list[FloorView],
                 hz: int = TICK_HZ, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.floor, self.hub, self.views = floor, hub, views
        self.engine_errors = 0
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / hz))
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def tick(self) -> None:
        for item in self.hub.drain(MAX_EVENTS_PER_TICK):
            try:
                self.floor.apply(item.event, item.feed)
            except Exception:  # one bad event must not stop the wall
                self.engine_errors += 1
                log.exception("event could not be applied: %r", item.event)
        changes = self.floor.take_changes()
        health = self.hub.health()
        for view in self.views:
            view.refresh(self.floor, changes, health)
        self.sig_ticked.emit()
