"""A bounded queue drained by one thread that writes batches to a store it owns.

The audit log and the recorder both need this: callers (the GUI thread among
them) never block and never touch SQLite; a burst costs one commit; `close()`
writes what is queued and joins. If the store cannot be opened, `error` says
why and items are counted in `dropped`.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import sqlite3
import threading
from abc import ABC, abstractmethod
from collections import Counter
from pathlib import Path
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Store = TypeVar("Store")
_STOP = object()
MAX_DROP_REASONS = 20  # distinct reasons kept; more are counted as "other"


class BatchWriter(ABC, Generic[Item, Store]):
    """Subclasses open the store (`_open`), write a batch (`_write_batch`) and may
    finish it on a clean close (`_finish`)."""

    thread_name = "floorwatch-writer"
    drop_log_every = 1000  # log the first drop, then every this many

    def __init__(self, path: Path, *, limit: int, interval_s: float) -> None:
        self.path = path
        self.interval_s = interval_s
        self.dropped = 0
        self.drop_reasons: Counter[str] = Counter()  # why items were dropped
        self.written = 0
        self.error = ""
        self._queue: queue.Queue[Any] = queue.Queue(limit)
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    # -------------------------------------------------------------- hooks
    @abstractmethod
    def _open(self) -> Store:
        """Open the store, on the writer thread; raise OSError or sqlite3.Error if it can't."""

    @abstractmethod
    def _write_batch(self, store: Store, batch: list[Item]) -> None:
        """Write and commit one batch; count what could not be written with `_drop`."""

    def _finish(self, store: Store) -> None:
        """Called once on a clean close, before the store is closed."""

    # ---------------------------------------------------------- any thread
    def _put(self, item: Item, closed_reason: str) -> bool:
        if self._closing.is_set():
            self._drop(1, closed_reason)
            return False
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self._drop(1, "queue full")
            return False
        return True

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far is committed (not for the GUI thread)."""
        done = threading.Event()
        try:
            self._queue.put(done, timeout=timeout)
        except queue.Full:
            return False
        return done.wait(timeout)

    def wait_ready(self, timeout: float = 5.0) -> bool:
        """Wait until the store is open (or failed to open: see `error`)."""
        return self._ready.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued, close the store and join the thread."""
        if not self._thread.is_alive():
            return
        self._closing.set()
        with contextlib.suppress(queue.Full):
            self._queue.put(_STOP, timeout=timeout)
        self._thread.join(timeout)

    def __enter__(self) -> BatchWriter[Item, Store]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pending(self) -> int:
        """Items queued, not yet committed."""
        return self._queue.qsize()

    def _drop(self, n: int, why: str) -> None:
        with self._lock:
            before, self.dropped = self.dropped, self.dropped + n
            known = why in self.drop_reasons or len(self.drop_reasons) < MAX_DROP_REASONS
            self.drop_reasons[why if known else "other"] += n
        if before == 0 or before // self.drop_log_every != self.dropped // self.drop_log_every:
            log.warning("%s: %d item(s) dropped so far (%s)", self.path, self.dropped, why)

    # ------------------------------------------------------------- its thread
    def _run(self) -> None:
        try:
            store: Store | None = self._open()
        except (OSError, sqlite3.Error) as exc:
            store = None
            self.error = str(exc)
            log.error("%s unavailable: %s", self.path, exc)
        finally:
            self._ready.set()
        try:
            while True:
                batch, markers, stop = self._take()
                if batch:
                    if store is None:
                        self._drop(len(batch), self.error or "store not open")
                    else:
                        self._write_guarded(store, batch)
                for done in markers:
                    done.set()
                if stop:
                    if store is not None:
                        self._finish(store)
                    return
                # Batch commits: collect what arrives in the next interval.
                self._closing.wait(self.interval_s)
        finally:
            if store is not None:
                store.close()  # type: ignore[attr-defined]

    def _write_guarded(self, store: Store, batch: list[Item]) -> None:
        """Write one batch; whatever goes wrong costs that batch, never the thread (a
        dead writer would leave `close` waiting and the queue filling for good)."""
        try:
            self._write_batch(store, batch)
        except Exception as exc:  # noqa: BLE001 - any failure is counted and reported
            log.exception("%s: a batch of %d could not be written", self.path, len(batch))
            self.error = self.error or f"{type(exc).__name__}: {exc}"[:200]
            self._drop(len(batch), "write failed")

    def _take(self) -> tuple[list[Item], list[threading.Event], bool]:
        batch: list[Item] = []
        markers: list[threading.Event] = []
        stop = False
        item = self._queue.get()
        while True:
            if item is _STOP:
                stop = True
            elif isinstance(item, threading.Event):
                markers.append(item)
            else:
                batch.append(item)
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return batch, markers, stop
