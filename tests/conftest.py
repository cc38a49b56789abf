"""Shared fixtures and test hygiene.

- Hypothesis profiles: "ci" (derandomized, the Makefile and .ci/run) and "dev" (the
  default), chosen by the HYPOTHESIS_PROFILE environment variable.
- Every test, and every module's fixtures, must stop the threads they start.
- `loop_thread`: an asyncio loop on its own thread for servers the tests run.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
import weakref
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest
from hypothesis import settings

# The one fake platform (a FeedServer that carries out `reassign` as docs/protocol.md
# says) is a fixture every test package may use: `fake_platform(setup_events, ...)`.
pytest_plugins = ["tests.fake_platform"]

# Loaded here, before any test module builds its own `settings(...)` on top of the
# profile: tests that want more or fewer examples scale `settings.default.max_examples`.
settings.register_profile(
    "ci", derandomize=True, deadline=None, max_examples=50, print_blob=True, database=None)
settings.register_profile("dev", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# A thread a test stopped may still be winding down (a join with a timeout, an executor
# worker reading its last sentinel): this long it may take before it counts as leaked.
THREAD_GRACE_S = 2.0


def _describe(thread: threading.Thread) -> str:
    target = getattr(thread, "_target", None)  # what it runs says more than "Thread-7"
    runs = getattr(target, "__qualname__", None) or type(thread).__qualname__
    return f"{thread.name!r} ({'daemon' if thread.daemon else 'non-daemon'}, runs {runs})"


_reported: weakref.WeakSet[threading.Thread] = weakref.WeakSet()  # failed a test already


def _threads_left(before: set[threading.Thread]) -> list[str]:
    """Threads started since `before` still alive after the grace period, described."""
    # Dummy threads are foreign threads (Qt's, a C library's) that once called into
    # Python: this test did not start them and they cannot be joined.
    new = [t for t in threading.enumerate() if t not in before and t not in _reported
           and not isinstance(t, threading._DummyThread)]
    deadline = time.monotonic() + THREAD_GRACE_S
    for thread in new:
        thread.join(max(0.0, deadline - time.monotonic()))
    left = [t for t in new if t.is_alive()]
    _reported.update(left)
    return [_describe(t) for t in left]


@pytest.fixture(autouse=True, scope="module")
def _module_leaves_no_threads() -> Iterator[None]:
    """Module- and class-scoped fixtures stop their threads by the end of the module."""
    before = set(threading.enumerate())
    yield
    if left := _threads_left(before):
        pytest.fail(f"this module's fixtures left threads running: {', '.join(left)}")


@pytest.fixture(autouse=True)
def _test_leaves_no_threads() -> Iterator[None]:
    """A test (and its function-scoped fixtures) stops every thread it starts, daemon or not.

    A leaked thread keeps a server, a simulator or a database writer running into later
    tests, where it fails them at random or keeps the process from exiting.
    """
    before = set(threading.enumerate())
    yield
    if left := _threads_left(before):
        pytest.fail(f"test left threads running: {', '.join(left)}")


class LoopThread:
    """An event loop on a background thread; `run` executes a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 20.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn, *args: Any) -> Any:
        async def wrapper() -> Any:
            return fn(*args)

        return self.run(wrapper())

    def close(self) -> None:
        async def cancel_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.run(cancel_rest())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()


@pytest.fixture
def loop_thread() -> Iterator[LoopThread]:
    lt = LoopThread()
    yield lt
    lt.close()


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:
    """Poll a condition from the test thread (network work happens elsewhere)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
