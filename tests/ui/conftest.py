"""A small hand-built floor whose numbers are worked out in the comments; Qt timer hygiene."""

from __future__ import annotations

import gc
import itertools
import sys
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from monitor import events as ev
from monitor.floor import Floor

T0 = 1_767_258_000.0  # a whole minute
NOW = T0 + 130

# At NOW (T0 + 130):
#   general (hotline, SL 20 s): c1 answered after 10 s (a1), c2 after 35 s (a3),
#     c3 abandoned after 30 s, c4 waiting 30 s  -> SL 1/3, ASA 22.5 s, abandon 1/3
#   vip (hotline): c6 left for a callback      -> backlog 1
#   app (online, SL 60 s): c5 answered after 15 s (a2) -> SL 100%, ASA 15 s
#   wechat (online): nothing yet
#   agents: a1 Ann on contact since +10, a2 Bo on contact since +45,
#     a3 Cy on contact since +40, a4 Di not ready (break) since +2, a5 Eve available since +0
FLOOR_EVENTS: list[ev.Event] = [
    ev.QueueDefined(T0, "general", "General", "hotline", 20.0, name_zh="普通"),
    ev.QueueDefined(T0, "vip", "VIP", "hotline", 20.0, tier="vip"),
    ev.QueueDefined(T0, "app", "App chat", "online", 60.0, name_zh="应用"),
    ev.QueueDefined(T0, "wechat", "WeChat", "online", 60.0, name_zh="微信"),
    ev.AgentLogin(T0, "a1", "Ann"),
    ev.AgentSkills(T0, "a1", {"general": 5, "vip": 5}, 0),
    ev.AgentLogin(T0, "a2", "Bo"),
    ev.AgentSkills(T0, "a2", {"app": 5, "wechat": 3}, 3),
    ev.AgentLogin(T0, "a3", "Cy"),
    ev.AgentSkills(T0, "a3", {"general": 2, "app": 2}, 3),
    ev.AgentLogin(T0, "a4", "Di"),
    ev.AgentSkills(T0, "a4", {"general": 1}, 0),
    ev.AgentLogin(T0, "a5", "Eve"),
    ev.AgentSkills(T0, "a5", {"app": 4}, 2),
    ev.ContactOffered(T0, "c1", "general"),
    ev.AgentStateChanged(T0 + 2, "a4", "not_ready", "break"),
    ev.ContactOffered(T0 + 5, "c2", "general"),
    ev.ContactAnswered(T0 + 10, "c1", "general", "a1"),
    ev.AgentStateChanged(T0 + 10, "a1", "on_contact"),
    ev.ContactOffered(T0 + 20, "c3", "general"),
    ev.ContactOffered(T0 + 30, "c5", "app"),
    ev.ContactAnswered(T0 + 40, "c2", "general", "a3"),
    ev.AgentStateChanged(T0 + 40, "a3", "on_contact"),
    ev.ContactAnswered(T0 + 45, "c5", "app", "a2"),
    ev.AgentStateChanged(T0 + 45, "a2", "on_contact"),
    ev.ContactAbandoned(T0 + 50, "c3", "general"),
    ev.ContactOffered(T0 + 60, "c6", "vip"),
    ev.CallbackRequested(T0 + 90, "c6", "vip", waited_s=30.0),
    ev.ContactOffered(T0 + 100, "c4", "general"),
    ev.Heartbeat(NOW),
]


def build_floor(*extra: ev.Event) -> Floor:
    """The floor described above, plus any extra events."""
    floor = Floor()
    for event in [*FLOOR_EVENTS, *extra]:
        floor.apply(event, "sim")
    return floor


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

