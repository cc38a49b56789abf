"""A websocket feed received, decoded, checked and sequenced in a child process.

`ProcessWebsocketSource` is a `Source` like `WebsocketSource`, and the child runs
exactly that class (connect, hello/resume, token, reconnect and backoff, resync
pacing, every frame check): the second core does the network and the decoding,
and this process only builds the events and applies them. The child sends what
its feed released in batches (one pipe message per run of frames it had ready),
each event as a plain row `[class code, seq, t, fields…]` in msgpack (no pickle:
what crosses the pipe is data, never code), with its health a few times a
second. Here each row becomes its event with the event's slots set directly
(`_maker`: no frozen-dataclass `__init__`), and a pipe message's events go to the
hub as one list (`batches`). Commands go to the child and their results come
back; `overflowed` tells the child, whose feed then resyncs from a snapshot as
it would in process.

If the child dies, `events` raises `ChildExited`: the hub counts a restart (feed
health `restarts`, `last_error`) and calls `events` again, which starts a new
child that resumes from the last number delivered (same epoch: no snapshot
needed unless the server says so). Stopping, the end of `events` or the end of
this process end the child: it watches the pipe and quits when it closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import operator
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import fields
from typing import Any

import msgpack

from monitor.events import EVENT_TYPES, Event, Snapshot

from .. import protocol as p
from ..credentials import redact_url
from ..health import FeedHealth
from ..source import FeedEvent, Source
from .websocket import WebsocketSource

log = logging.getLogger(__name__)

HEALTH_EVERY_S = 0.2  # the child reports its health this often (and with every batch)
CONNECTED_POLL_S = 0.02  # and looks this often whether its connection came or went
BATCH_MAX = 2000  # events per pipe message, at most
STOP_WAIT_S = 2.0  # a stopping child gets this long before it is terminated
ALIVE_CHECK_S = 1.0  # a quiet pipe: look whether the child still runs this often

# Event class <-> code on the pipe; the order is the protocol's table, the same in both
# processes (the child imports the same module).
_CLASSES: tuple[type[Event], ...] = tuple(EVENT_TYPES.values())
_CODES: dict[type[Event], int] = {cls: i for i, cls in enumerate(_CLASSES)}


# Event batches on the pipe: "e" holds only plain rows (read as tuples), "l" a row an
# event object gave (a snapshot's state holds lists: read as lists, as ever).
_ROWS, _LISTS = "e", "l"
_BATCHES = frozenset({_ROWS, _LISTS})
_ROWS_HEAD = msgpack.packb((_ROWS, 0, 0))[:3]  # how an "e" batch's bytes begin


_SLOT = type(FeedEvent.seq)  # a slot's descriptor


def _maker(cls: type[Event]) -> Callable[[Sequence[Any]], Event]:
    """A function making a `cls` event of a pipe row `(code, t, fields…)`: what
    `cls(*row[1:])` makes, without the frozen dataclass's `object.__setattr__` per field
    (each slot is set through its descriptor, about half the cost; every event built
    here goes through it). A row of another length goes to the constructor, which
    refuses it as ever; a class whose fields are not all plain slots (a snapshot: its
    `prepared`) is always built by its constructor."""
    names = [f.name for f in fields(cls)]
    slots = [getattr(cls, name, None) for name in names]
    if cls is Snapshot or not all(type(s) is _SLOT for s in slots):
        return lambda row: cls(*row[1:])
    env: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    env.update({f"_set{i}": slot.__set__ for i, slot in enumerate(slots)})
    sets = "".join(f"    _set{i}(e, row[{i + 1}])\n" for i in range(len(slots)))
    source = (f"def make(row):\n    if len(row) != {len(slots) + 1}:\n"
              f"        return _cls(*row[1:])\n    e = _new(_cls)\n{sets}    return e\n")
    exec(compile(source, f"<pipe row -> {cls.__name__}>", "exec"), env)  # noqa: S102 - our text
    return env["make"]


_MAKERS: tuple[Callable[[Sequence[Any]], Event], ...] = tuple(_maker(c) for c in _CLASSES)
_set_feed, _set_seq, _set_event = (FeedEvent.feed.__set__, FeedEvent.seq.__set__,
                                   FeedEvent.event.__set__)


def _feed_event(feed: str, seq: int, event: Event) -> FeedEvent:
    """`FeedEvent(feed, seq, event)`, its slots set directly (as `_maker` does)."""
    item = object.__new__(FeedEvent)
    _set_feed(item, feed)
    _set_seq(item, seq)
    _set_event(item, event)
    return item


def _row_getters() -> dict[type[Event], Callable[[Event], tuple[Any, ...]]]:
    """Per class: the event's fields, `t` first, as a tuple (the constructor's order)."""
    out: dict[type[Event], Callable[[Event], tuple[Any, ...]]] = {}
    for cls in _CLASSES:
        names = [f.name for f in fields(cls)]
        if len(names) == 1:
            out[cls] = lambda e: (e.t,)
        else:
            out[cls] = operator.attrgetter(*names)
    return out


class ChildExited(RuntimeError):
    """The feed's child process ended without being asked to."""


class ProcessWebsocketSource(Source):
    """One feed URL, served by a child process; see the module's docstring.

    The token goes to the child and from it to this URL only; it is never logged.
    """

    accepts_commands = True

    def __init__(self, url: str, token: str = "", max_frame: int = p.MAX_FRAME_BYTES) -> None:
        self.key = redact_url(url)
        self.url = self.key
        self._connect_url = url
        self._token = token
        self._max_frame = max_frame
        self._health = FeedHealth(url=self.key)
        self._health_at = time.monotonic()
        self._role = ""
        self._resume: dict[str, Any] = {}  # what a restarted child picks up from
        self._conn: Any = None  # the pipe to the running child
        self.process: multiprocessing.process.BaseProcess | None = None
        self._calls: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._call_ids = itertools.count(1)
        self._overflowed = 0

    @property
    def role(self) -> str:
        return self._role

    @property
    def last_seq(self) -> int:
        return int(self._resume.get("last_seq", 0))

    # ---------------------------------------------------------------- life
    async def events(self, stop: asyncio.Event) -> AsyncIterator[FeedEvent]:
        async with contextlib.aclosing(self.batches(stop)) as batches:
            async for batch in batches:
                for item in batch:
                    yield item

    async def batches(self, stop: asyncio.Event) -> AsyncIterator[list[FeedEvent]]:
        """`events`, a pipe message's worth at a time (the hub takes them so: no step of
        an async generator per event)."""
        loop = asyncio.get_running_loop()
        ctx = multiprocessing.get_context("spawn")  # no fork of a Qt process, any platform
        conn, child_conn = ctx.Pipe()
        proc = ctx.Process(
            target=_child_main, name=f"floorwatch-feed {self.key}", daemon=True,
            args=(self._connect_url, self._token, self._max_frame, self._resume, child_conn))
        await loop.run_in_executor(None, proc.start)  # spawning takes a moment: not here
        child_conn.close()
        self._conn, self.process = conn, proc
        ready = asyncio.Event()  # the pipe has something, or we are to stop
        loop.add_reader(conn.fileno(), ready.set)
        waiter = asyncio.ensure_future(_set_on(stop, ready))
        key, makers, unpackb = self.key, _MAKERS, msgpack.unpackb
        try:
            while not stop.is_set():
                ready.clear()
                while conn.poll():
                    try:
                        data = conn.recv_bytes()
                    except EOFError:
                        break
                    # A batch of plain rows is read as tuples: rows then hold no container
                    # the garbage collector tracks past its first look, so they never
                    # reach the older generations (whose full collections scan the floor).
                    msg = unpackb(data, raw=False, use_list=data[:3] != _ROWS_HEAD)
                    if msg[0] in _BATCHES:  # (kind, health message, [[seq, [code, t, …]], …])
                        self._on_message(msg[1])  # health as of these events: counts agree
                        yield [_feed_event(key, seq, makers[row[0]](row)) for seq, row in msg[2]]
                    else:
                        self._on_message(msg)
                else:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(ready.wait(), ALIVE_CHECK_S)
                    if proc.is_alive() or stop.is_set():
                        continue
                # The pipe closed, or the child is gone without closing it.
                if stop.is_set():
                    return
                await loop.run_in_executor(None, proc.join, STOP_WAIT_S)
                raise ChildExited(f"feed process exited (code {proc.exitcode})")
        finally:
            waiter.cancel()
            loop.remove_reader(conn.fileno())
            self._fail_calls("feed process stopped")
            self._health.connected = False
            self._conn, self.process = None, None
            with contextlib.suppress(OSError):
                conn.close()  # the child sees the pipe close and quits
            try:
                await loop.run_in_executor(None, _end, proc)
            except RuntimeError:  # the loop is shutting down: wait here
                _end(proc)

    def _on_message(self, msg: list[Any]) -> None:
        kind = msg[0]
        if kind == "h":
            self._health = _health_from(msg[1])
            self._health_at = time.monotonic()
            self._role = msg[2]
            self._resume.update(msg[3])
        elif kind == "r":
            fut = self._calls.pop(msg[1], None)
            if fut is not None and not fut.done():
                if msg[2] == "ok":
                    fut.set_result(msg[3])
                else:
                    fut.set_exception(_ERRORS.get(msg[2], RuntimeError)(msg[3]))

    def _tell(self, *msg: Any) -> None:
        conn = self._conn
        if conn is None:
            raise ConnectionError(f"{self.url} is not connected")
        try:
            conn.send_bytes(msgpack.packb(msg))
        except OSError as exc:
            raise ConnectionError(f"{self.url}: feed process unreachable") from exc

    def overflowed(self, item: FeedEvent) -> None:
        """The engine is behind: the child's feed drops to a snapshot resync."""
        with contextlib.suppress(ConnectionError):
            self._tell("o", 1)

    # ------------------------------------------------------------ commands
    async def send(self, data: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Send a command through the child and wait for its result."""
        call = next(self._call_ids)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._calls[call] = fut
        try:
            self._tell("c", call, data, timeout)
            # The child times the command out; this is only for a child that died.
            return await asyncio.wait_for(fut, timeout + 5.0)
        finally:
            self._calls.pop(call, None)

    def _fail_calls(self, reason: str) -> None:
        for fut in self._calls.values():
            if not fut.done():
                fut.set_exception(ConnectionError(reason))
        self._calls.clear()

    # -------------------------------------------------------------- health
    def health(self) -> FeedHealth:
        h = self._health.copy()
        if h.last_event_age_s is not None:  # as of the child's report: age it since
            h.last_event_age_s += time.monotonic() - self._health_at
        return h


async def _set_on(stop: asyncio.Event, ready: asyncio.Event) -> None:
    await stop.wait()
    ready.set()


_ERRORS: dict[str, type[Exception]] = {"ConnectionError": ConnectionError,
                                       "TimeoutError": TimeoutError}


def _health_from(fields_: dict[str, Any]) -> FeedHealth:
    from collections import Counter

    h = FeedHealth(**fields_)
    h.rejected_reasons = Counter(h.rejected_reasons)
    return h


def _health_fields(h: FeedHealth) -> dict[str, Any]:
    out = {f: getattr(h, f) for f in h.__slots__}
    out["rejected_reasons"] = dict(h.rejected_reasons)
    return out


def _end(proc: multiprocessing.process.BaseProcess) -> None:
    """Let a child whose pipe closed quit; terminate, then kill, one that does not."""
    proc.join(STOP_WAIT_S)
    if proc.is_alive():
        proc.terminate()
        proc.join(STOP_WAIT_S)
    if proc.is_alive():
        proc.kill()
        proc.join()


# ================================================================ the child
def _child_main(url: str, token: str, max_frame: int, resume: dict[str, Any],
                conn: Any) -> None:
    """Entry point of the child process: run the feed until the pipe closes."""
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C reaches the whole group
        asyncio.run(_Child(url, token, max_frame, resume, conn).run())


class _RowSource(WebsocketSource):
    """The websocket source, keeping each checked event as the row the pipe carries: no
    event object is built in the child only to be taken apart again."""

    @staticmethod
    def make_event(cls: type[Event], t: float, fields: tuple[Any, ...]) -> Any:
        return (_CODES[cls], t, *fields)

    @staticmethod
    def event_time(item: Any) -> float:
        return item[1] if type(item) is tuple else item.t


class _Child:
    def __init__(self, url: str, token: str, max_frame: int, resume: dict[str, Any],
                 conn: Any) -> None:
        self.source = _RowSource(url, token, max_frame)
        self.conn = conn
        self._restore(resume)
        self.rows: list[tuple[Any, ...]] = []
        self.lists = False  # a row in `rows` came from an event object: send them as "l"
        self.last_seq = self.source.last_seq
        self.getters = _row_getters()
        self.stop = asyncio.Event()

    def _restore(self, resume: dict[str, Any]) -> None:
        """Carry on where the previous child stopped: numbering and counters."""
        seq, health = self.source.sequencer, self.source._health  # noqa: SLF001 - its own
        if "last_seq" in resume:
            seq.epoch, seq.last_seq = resume["epoch"], resume["last_seq"]
        if "health" not in resume:
            return
        seq.duplicates, seq.resyncs = resume["duplicates"], resume["resyncs"]
        h = _health_from(resume["health"])
        for name in ("events", "rejected", "rejected_reasons", "duplicates", "resyncs",
                     "reconnects", "dropped", "feed"):
            setattr(health, name, getattr(h, name))

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(self.conn.fileno(), self._on_parent)
        reporter = asyncio.ensure_future(self._report())
        flush_due = False

        def flush_soon() -> None:
            nonlocal flush_due
            flush_due = False
            self._flush()

        codes, getters, rows = _CODES, self.getters, self.rows
        try:
            async for item in self.source.events(self.stop):
                row = item.event
                if type(row) is not tuple:  # an event the reference path decoded
                    row = (codes[type(row)], *getters[type(row)](row))
                    self.lists = True
                rows.append((item.seq, row))
                if len(self.rows) >= BATCH_MAX:
                    self._flush()
                elif not flush_due:
                    flush_due = True
                    loop.call_soon(flush_soon)
        except OSError:
            pass  # the parent went away mid-send
        finally:
            reporter.cancel()
            with contextlib.suppress(OSError):
                self._flush()
                self._send_health()

    def _flush(self) -> None:
        if self.rows:
            rows = self.rows[:]
            self.rows.clear()
            kind, self.lists = _LISTS if self.lists else _ROWS, False
            self.conn.send_bytes(msgpack.packb((kind, self._health_message(), rows)))

    async def _report(self) -> None:
        """Health every HEALTH_EVERY_S, and at once when the connection comes or goes
        (a command sender waits for `connected`)."""
        sent_at, connected = 0.0, None
        while True:
            now = time.monotonic()
            now_connected = self.source._health.connected  # noqa: SLF001 - its own
            if now - sent_at >= HEALTH_EVERY_S or now_connected != connected:
                try:
                    self._flush()  # events first: the health counts them
                    self._send_health()
                except OSError:  # the parent is gone
                    self.stop.set()
                    return
                sent_at, connected = now, now_connected
            await asyncio.sleep(CONNECTED_POLL_S)

    def _send_health(self) -> None:
        self.conn.send_bytes(msgpack.packb(self._health_message()))

    def _health_message(self) -> tuple[Any, ...]:
        """("h", health, role, what a restarted child resumes from)."""
        s = self.source
        resume = {"epoch": s.sequencer.epoch, "last_seq": s.sequencer.last_seq,
                  "duplicates": s.sequencer.duplicates, "resyncs": s.sequencer.resyncs,
                  "health": _health_fields(s._health)}  # noqa: SLF001 - its own
        return ("h", _health_fields(s.health()), s.role, resume)

    def _on_parent(self) -> None:
        try:
            while self.conn.poll():
                msg = msgpack.unpackb(self.conn.recv_bytes(), raw=False)
                if msg[0] == "c":
                    asyncio.ensure_future(self._command(msg[1], msg[2], msg[3]))
                elif msg[0] == "o":
                    for _ in range(msg[1]):
                        self.source.overflowed(None)  # type: ignore[arg-type]
        except (EOFError, OSError):  # the parent closed the pipe (or died): stop
            asyncio.get_running_loop().remove_reader(self.conn.fileno())
            self.stop.set()

    async def _command(self, call: int, data: dict[str, Any], timeout: float) -> None:
        try:
            answer: tuple[Any, ...] = ("r", call, "ok", await self.source.send(data, timeout))
        except (ConnectionError, TimeoutError) as exc:
            answer = ("r", call, type(exc).__name__, str(exc))
        except Exception as exc:  # noqa: BLE001 - the parent gets every failure
            answer = ("r", call, "RuntimeError", f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(OSError):
            self._send_health()  # first: a caller that retries sees the connection as it is
            self.conn.send_bytes(msgpack.packb(answer))
