"""QueueLogTailSource on real files in a temporary directory: appended lines, a partial
line, a missing file, rotation (rename + new file), copytruncate and bad lines; the floor
it builds from a tailed day equals the importer's floor on the same file. No Qt."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path

from feeds.source import FeedEvent
from feeds.sources.queue_log import read_queue_log
from feeds.sources.queue_log_tail import QueueLogTailSource
from monitor import events as ev
from monitor.floor import Floor

DATA = Path(__file__).resolve().parent / "data" / "queue_log_all_events.txt"
POLL = 0.02


def _lines() -> list[str]:
    return DATA.read_text(encoding="utf-8").splitlines(keepends=True)


class Tail:
    """A tail running on the test's loop, its events applied to a Floor as they come."""

    def __init__(self, path: Path, **kw: object) -> None:
        self.source = QueueLogTailSource(
            str(path), "pbx", poll_s=POLL, heartbeat_s=POLL * 2, clock=lambda: 0.0, **kw
        )
        self.floor = Floor(short_abandon_s=5.0)
        self.items: list[FeedEvent] = []
        self.stop = asyncio.Event()
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        async for item in self.source.events(self.stop):
            self.items.append(item)
            self.floor.apply(item.event, item.feed)

    def offered(self) -> list[str]:
        return [i.event.contact for i in self.items if isinstance(i.event, ev.ContactOffered)]

    def lines_read(self) -> int:
        return self.source.stats.lines

    async def until(self, check: Callable[[], bool], timeout: float = 5.0) -> None:
        async def wait() -> None:
            while not check():
                await asyncio.sleep(0.005)

        await asyncio.wait_for(wait(), timeout)

    async def settle(self) -> None:
        """A few polls, so whatever the tail would read it has read."""
        await asyncio.sleep(POLL * 6)

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 3.0)


def run(body: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(body())


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8", newline="") as f:
        f.write(text)


def _enter(t: int, uid: str, queue: str = "sales") -> str:
    return f"{t}|{uid}|{queue}|NONE|ENTERQUEUE||1380000|1\n"


def _summary(floor: Floor) -> tuple[object, ...]:
    """What the wall shows of a floor, for comparing two floors."""
    return (
        floor.now,
        {q: floor.queue_view(q, 60) for q in sorted(floor.queues)},
        {
            a.id: (str(a.state), a.reason, a.skills, a.handled, a.handle_s)
            for a in floor.agents.values()
        },
        sorted(floor.contacts),
        floor.unknown_references,
        floor.rejected_events,
    )


def _imported_floor(path: Path) -> Floor:
    events, _ = read_queue_log(str(path))
    floor = Floor(short_abandon_s=5.0)
    for e in events:
        floor.apply(e, "pbx")
    return floor


def test_history_then_lines_appended_live_appear_as_events(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(_enter(1000, "c1") + _enter(1001, "c2"), encoding="utf-8")

    async def body() -> None:
        t = Tail(log, channels={"sales": "online"})
        await t.until(lambda: t.offered() == ["c1", "c2"])
        assert t.source.health().connected
        _append(log, _enter(1002, "c3"))
        await t.until(lambda: t.offered() == ["c1", "c2", "c3"])
        await t.until(lambda: any(isinstance(i.event, ev.Heartbeat) for i in t.items))
        await t.close()
        h = t.source.health()
        assert not h.connected and h.rejected == 0 and h.url == "pbx"
        assert t.floor.queue_view("sales").waiting == 3
        assert t.floor.queues["sales"].channel == "online"  # from `channels`
        assert t.source.key == "pbx" and t.source.accepts_commands is False
        for n, item in enumerate(t.items):  # a heartbeat never goes back before a line
            if isinstance(item.event, ev.Heartbeat):
                assert item.event.t >= max(i.event.t for i in t.items[:n])

    run(body)


def test_default_key_names_the_path() -> None:
    assert QueueLogTailSource("/var/log/asterisk/queue_log").key == (
        "queue_log:/var/log/asterisk/queue_log"
    )


def test_a_partial_last_line_waits_for_its_newline(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text(_enter(1000, "c1"), encoding="utf-8")
    line = _enter(1001, "c2")

    async def body() -> None:
        t = Tail(log)
        await t.until(lambda: t.offered() == ["c1"])
        _append(log, line[:12])
        await t.settle()
        _append(log, line[12:-1])  # all but the newline
        await t.settle()
        assert t.offered() == ["c1"] and t.lines_read() == 1
        _append(log, "\n")
        await t.until(lambda: t.offered() == ["c1", "c2"])
        await t.settle()
        await t.close()
        assert t.source.health().rejected == 0 and t.offered() == ["c1", "c2"]

    run(body)


def test_a_missing_file_is_waited_for(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"

    async def body() -> None:
        t = Tail(log)
        await t.until(lambda: "not there yet" in t.source.health().last_error)
        h = t.source.health()
        assert not h.connected and t.items == [] and str(log) in h.last_error
        log.write_text(_enter(1000, "c1"), encoding="utf-8")
        await t.until(lambda: t.offered() == ["c1"])
        h = t.source.health()
        assert h.connected and h.last_error == ""
        assert h.last_event_age_s is not None and h.last_event_age_s < 1.0
        await t.close()

    run(body)


def test_rotation_by_rename_loses_and_repeats_nothing(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    lines = _lines()
    a, b, c = lines[:20], lines[20:30], lines[30:]
    log.write_text("".join(a), encoding="utf-8")

    async def body() -> None:
        t = Tail(log)
        await t.until(lambda: t.lines_read() == len(a))
        os.rename(log, tmp_path / "queue_log.1")
        # Asterisk writes on to the renamed file until it reopens its log...
        _append(tmp_path / "queue_log.1", "".join(b[:5]))
        log.write_text("", encoding="utf-8")  # ...the new, empty file is made first
        await t.settle()
        _append(tmp_path / "queue_log.1", "".join(b[5:]))
        await t.settle()
        log.write_text("".join(c), encoding="utf-8")  # reopened: new lines go here
        await t.until(lambda: t.lines_read() == len(lines))
        await t.settle()
        await t.close()
        assert t.lines_read() == len(lines)
        whole = tmp_path / "whole"
        whole.write_text("".join(lines), encoding="utf-8")
        assert _summary(t.floor) == _summary(_imported_floor(whole))
        offered = t.offered()
        assert len(offered) == len(set(offered)) == 16

    run(body)


def test_copytruncate_starts_again_from_the_top(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    lines = _lines()
    a, b, c = lines[:20], lines[20:30], lines[30:]
    assert len("".join(c)) > len("".join(a))  # c alone outgrows what was read of a
    log.write_text("".join(a), encoding="utf-8")

    async def body() -> None:
        t = Tail(log)
        await t.until(lambda: t.lines_read() == len(a))
        # logrotate copytruncate: copy, then truncate in place (the inode stays)...
        shutil.copy(log, tmp_path / "queue_log.1")
        os.truncate(log, 0)
        await t.settle()  # ...seen while empty: shorter than what was read
        _append(log, "".join(b))
        await t.until(lambda: t.lines_read() == len(a) + len(b))
        shutil.copy(log, tmp_path / "queue_log.2")
        # Truncated and written past the old end between two polls (no await between):
        # only the changed first bytes tell.
        os.truncate(log, 0)
        _append(log, "".join(c))
        await t.until(lambda: t.lines_read() == len(lines))
        await t.settle()
        await t.close()
        assert t.lines_read() == len(lines) and t.source.health().resyncs == 2
        whole = tmp_path / "whole"
        whole.write_text("".join(lines), encoding="utf-8")
        assert _summary(t.floor) == _summary(_imported_floor(whole))

    run(body)


def test_bad_lines_are_counted_and_the_next_ones_used(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    log.write_text("", encoding="utf-8")

    async def body() -> None:
        t = Tail(log, max_line=200)
        await t.until(lambda: t.source.health().connected)
        _append(log, "1000|c0|sales|NONE|FOOBAR|x\n")
        _append(log, "yesterday|c0|sales|NONE|ENTERQUEUE||1|1\n")
        _append(log, "1000|c0|sales|NONE|ENTERQUEUE||" + "9" * 500)  # over-long, unfinished
        await t.settle()
        _append(log, "9" * 500 + "\n" + _enter(1001, "c1"))
        _append(log, "1002|c2|sales|NONE|ENTERQUEUE||" + "8" * 300 + "\n" + _enter(1003, "c3"))
        await t.until(lambda: t.offered() == ["c1", "c3"])
        await t.close()
        h = t.source.health()
        assert h.rejected == 4
        assert h.rejected_reasons == {
            "unknown event 'FOOBAR'": 1,
            "time 'yesterday' is not an epoch number": 1,
            "line too long": 2,
        }

    run(body)


def test_a_tailed_day_builds_the_importers_floor(tmp_path: Path) -> None:
    log = tmp_path / "queue_log"
    text = DATA.read_text(encoding="utf-8")
    log.write_text(text[:900], encoding="utf-8")  # today's history, cut mid-line

    async def body() -> None:
        t = Tail(log)
        rest = text[900:]
        step = 97  # pieces that cut lines anywhere
        for i in range(0, len(rest), step):
            _append(log, rest[i : i + step])
            await asyncio.sleep(POLL / 2)
        await t.until(lambda: t.lines_read() == len(text.splitlines()))
        await t.until(lambda: t.floor.now == _imported_floor(DATA).now)  # the last heartbeat
        await t.close()
        imported = _imported_floor(DATA)
        assert _summary(t.floor) == _summary(imported)
        assert t.source.health().rejected == 4  # the four bad lines of the file
        assert imported.queue_view("sales", 60).offered == 10  # not two empty floors

    run(body)
