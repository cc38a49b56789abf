"""The one coalescing tick: drain the hand-off, apply to the floor, refresh views once."""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from feeds.health import FeedHealth
from feeds.hub import FeedHub
from monitor.floor import Changes, Floor

log = logging.getLogger(__name__)

# 20 Hz: an event waits 25 ms on average for the next tick (50 ms at 10 Hz, which alone
# would spend the whole 50 ms p50 budget of event -> pixel); a tick at 10,000 agents and
# 200 queues costs ~13 ms plus ~8 ms of paint at 2,000 events/s (bench/bench_latency.py).
TICK_HZ = 20
# Bounds one tick's work (~40 ms of applying at 4 us an event); the rest waits for the
# next tick, and the status bar shows how far behind the window is.
MAX_EVENTS_PER_TICK = 10_000


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
        self.view_errors = 0
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
            try:
                view.refresh(self.floor, changes, health)
            except Exception:  # one broken panel must not freeze the others or the tick
                self.view_errors += 1
                log.exception("view %s could not refresh", type(view).__name__)
        self.sig_ticked.emit()
