"""The worked-example floor of tests/floors.py as a fixture; Qt timer hygiene."""

from __future__ import annotations

import gc
import itertools
import sys
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from monitor.floor import Floor
from tests.floors import build_floor  # the worked example, numbers in its docstring


@pytest.fixture
def floor() -> Floor:
    return build_floor()


# ------------------------------------------------------------------ Qt timer hygiene
@pytest.fixture(autouse=True)
def _test_leaves_no_active_qtimers(monkeypatch) -> Iterator[None]:
    """Fail a test that leaves a QTimer running, as napari's conftest does.

    Catches: a QTimer started from Python during the test (any parent or none, any
    subclass) that is still alive and active once the test's widgets are closed and
    deleted (pytest-qt closes and `deleteLater`s what `qtbot.addWidget` registered); and a
    `QTimer.singleShot(ms, callable)` or `singleShot(ms, context, callable)` that has
    not fired while its context lives. Such a timer fires into the next test, against
    objects that test never made. A timer whose owner the test deleted is no leak.
    Not caught: timers started inside Qt's C++ code, `singleShot(ms, obj, "slot()")`.
    Never imports Qt itself: inactive unless pytest-qt (or the test) already loaded it.
    """
    if "PySide6.QtCore" not in sys.modules:
        yield
        return
    import shiboken6
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    started: weakref.WeakSet[QTimer] = weakref.WeakSet()
    pending: dict[int, tuple[int, weakref.ref[QObject] | None]] = {}  # n -> (ms, context)
    numbers = itertools.count()
    start, single_shot = QTimer.start, QTimer.singleShot

    def tracked_start(self: QTimer, *args: Any) -> None:
        started.add(self)
        start(self, *args)

    def tracked_single_shot(msec: int, *args: Any) -> None:
        if not args or not callable(args[-1]) or isinstance(args[-1], QObject):
            single_shot(msec, *args)  # the receiver + slot-name form: not tracked
            return
        *context, callback = args
        key = next(numbers)
        owner = next((c for c in context if isinstance(c, QObject)), None)
        pending[key] = (msec, weakref.ref(owner) if owner is not None else None)

        def fire() -> Any:
            pending.pop(key, None)
            return callback()

        single_shot(msec, *context, fire)

    monkeypatch.setattr(QTimer, "start", tracked_start)
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(tracked_single_shot))
    yield

    def still_running() -> list[str]:
        app = QCoreApplication.instance()
        if app is not None:
            app.processEvents()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        active = [f"{type(t).__name__}(interval {t.interval()} ms, parent "
                  f"{type(t.parent()).__name__ if t.parent() else None})"
                  for t in list(started) if shiboken6.isValid(t) and t.isActive()]
        return active + [f"singleShot({ms} ms)" for ms, ctx in pending.values()
                         if ctx is None or (ctx() is not None and shiboken6.isValid(ctx()))]

    # A window the test dropped but that sits in a reference cycle goes with the next
    # garbage collection, taking its timers along: collect first, so that when the
    # collector happens to run never decides the outcome.
    if still_running():
        gc.collect()
    if active := still_running():
        pytest.fail(f"test left Qt timers running: {', '.join(active)}; stop them, or "
                    "close and delete their owner (qtbot.addWidget does)")



@pytest.fixture(autouse=True)
def _unfreeze_after_each_test() -> Iterator[None]:
    """The window freezes long-lived objects out of the collector (ui/tick.py); in one
    test process of a thousand windows, give them back so each test's cycles are freed."""
    yield
    gc.unfreeze()
