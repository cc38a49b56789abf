"""The one coalescing tick: drain the hand-off, apply to the floor, refresh views once.

A snapshot that arrives unprepared is not loaded in the tick that drains it (55-65 ms
of building records at 5,000 agents, more than a tick may take): the tick hands it to
a `monitor.snapshot_gate.SnapshotGate`, spends at most BUILD_BUDGET_S of each tick
building it, and installs it in the tick after its build is done. Meanwhile its
feed's later events are held in order and applied after it; other feeds' events are
applied as ever. The feed's health shows it behind by as long as it has been held.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from feeds.health import FeedHealth
from feeds.hub import HANDOFF_LIMIT, FeedHub
from feeds.source import FeedEvent
from monitor.alert_book import Alert, Transition
from monitor.alert_engine import AlertEngine
from monitor.events import Event, Snapshot
from monitor.floor import Changes, Floor
from monitor.snapshot_gate import SnapshotGate

log = logging.getLogger(__name__)

# 20 Hz: an event waits 25 ms on average for the next tick (50 ms at 10 Hz, which alone
# would spend the whole 50 ms p50 budget of event -> pixel); a tick at 10,000 agents and
# 200 queues costs ~13 ms plus ~8 ms of paint at 2,000 events/s (bench/bench_latency.py).
TICK_HZ = 20
# Bounds one tick's work (~40 ms of applying at 4 us an event); the rest waits for the
# next tick, and the status bar shows how far behind the window is.
MAX_EVENTS_PER_TICK = 10_000
# Snapshot building per tick, at most (overrun by one piece: the ~20 ms check or a
# ~2 ms chunk). A tick that installs a snapshot (12-22 ms) builds nothing more, so no
# tick carries more than about this much snapshot work on top of its events and
# refresh (bench/bench_wall.py "snapshot across ticks").
BUILD_BUDGET_S = 0.030


class FloorView(Protocol):
    def refresh(self, floor: Floor, changes: Changes, health: list[FeedHealth]) -> None: ...


# Handed what happened to alerts in a tick (the history writer, the sound).
AlertSink = Callable[[list[Transition], dict[int, Alert]], None]


class FloorTicker(QObject):
    """Owns the only repaint timer. Events never trigger a repaint themselves."""

    sig_ticked = Signal()  # after every refresh; tests and the wall window follow it

    def __init__(
        self,
        floor: Floor,
        hub: FeedHub,
        views: list[FloorView],
        hz: int = TICK_HZ,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.perf_counter,
        build_budget_s: float = BUILD_BUDGET_S,
        hold_limit: int = HANDOFF_LIMIT,
        alerts: AlertEngine | None = None,
    ) -> None:
        super().__init__(parent)
        self.floor, self.hub, self.views = floor, hub, views
        # With alerts, events go through the engine (which applies them to the floor
        # and evaluates its rules on event time); its news reaches `alert_sinks`.
        self.alerts = alerts
        self.alert_sinks: list[AlertSink] = []
        # Handed each batch drained from the hub, in the order it is drained (a recorder:
        # replaying the file applies the same events in the same order).
        self.taps: list[Callable[[list[FeedEvent]], None]] = []
        self.build_budget_s = build_budget_s
        # Unprepared snapshots built a budget per tick; their feeds' events held behind.
        self.gate = SnapshotGate(floor, clock, hold_limit)
        self.engine_errors = 0
        self.view_errors = 0
        self._freeze_due = False
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / hz))
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def tick(self) -> None:
        gate, room = self.gate, MAX_EVENTS_PER_TICK
        # First what waited behind snapshots built in earlier ticks, in order.
        installed = False
        released = gate.release(room)
        for feed, event in released:
            installed = installed or type(event) is Snapshot
            self._apply(event, feed)
        room -= len(released)
        if room > 0 and not gate.full:
            items = self.hub.drain(room)
            for tap in self.taps:
                try:
                    tap(items)
                except Exception:  # a recorder that fails costs the recording, not the wall
                    self.view_errors += 1
                    log.exception("tap %r failed", tap)
            for item in items:
                if not gate.route(item.feed, item.event):
                    self._apply(item.event, item.feed)
        if not installed:  # an install is this tick's snapshot work
            gate.step(self.build_budget_s)
        changes = self.floor.take_changes()
        health = self.hub.health()
        for record in health:  # a held feed's window lags it at least this long
            record.behind_s = max(record.behind_s, gate.waited_s(record.key))
        if self.alerts is not None:
            self._alert_news(changes, health)
        for view in self.views:
            try:
                view.refresh(self.floor, changes, health)
            except Exception:  # one broken panel must not freeze the others or the tick
                self.view_errors += 1
                log.exception("view %s could not refresh", type(view).__name__)
        if self._freeze_due:
            self._freeze_due = False
            freeze_long_lived()
        self.sig_ticked.emit()

    def _apply(self, event: Event, feed: str) -> None:
        if type(event) is Snapshot:
            self._freeze_due = True
        try:
            alerts = self.alerts
            (self.floor.apply if alerts is None else alerts.apply)(event, feed)
        except Exception:  # one bad event must not stop the wall
            self.engine_errors += 1
            log.exception("event could not be applied: %r", event)

    def _alert_news(self, changes: Changes, health: list[FeedHealth]) -> None:
        """Feed rules on this tick's health; what alerts did goes into `changes` (the
        tiles and rows to recolour) and to the sinks."""
        alerts = self.alerts
        assert alerts is not None
        try:
            alerts.check_feeds(health)
            transitions, touched = alerts.book.drain()
            moved = alerts.book.take_changes()
        except Exception:
            self.engine_errors += 1
            log.exception("alert rules could not be evaluated")
            return
        changes.queues |= moved.queues
        changes.agents |= moved.agents
        changes.alerts = changes.alerts or moved.listed
        if not transitions:
            return
        for sink in self.alert_sinks:
            try:
                sink(transitions, touched)
            except Exception:  # a full disk or a broken sound device costs only itself
                self.view_errors += 1
                log.exception("alert sink %r failed", sink)


def freeze_long_lived() -> None:
    """Take what exists now (the window, a freshly installed snapshot's thousands of
    records) out of the garbage collector's full passes.

    At 10,000 agents a full collection walks the whole floor: 40-95 ms, landing on
    whatever tick triggers it (measured with bench/bench_wall.py). Frozen objects are
    still freed by reference counting when the floor lets go of them; only a reference
    cycle among them would wait for the process to end, and the floor's records
    (queues, agents, contacts, counters) hold none. Called once per snapshot and at
    start, so the frozen set follows the floor, not the event count.
    """
    gc.freeze()
