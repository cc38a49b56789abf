"""`floorwatch record`: record live feeds into a recording file. Qt-free.

A `FeedHub` subscribes to the feeds on its own network thread, as the window
does; this (main) thread drains it every 0.1 s and hands each (feed key, event)
to a `feeds.store.recording.Recorder`, whose thread writes the file. Snapshots the
hub receives (on connect, after a gap or a reconnect to a restarted feed) are
recorded too, so a replay can start from them. Each event keeps the sequence
number it came with (snapshots are stored with 0, as on the wire; the snapshot
itself carries the number it includes) and the feed run (the server's `epoch`) it
came from, so a report never merges the contacts of a restarted feed.

Stops after --duration or on Ctrl-C (or SIGTERM) and prints a summary. Exit 0 when
every event received was recorded; 1 if the file could not be written or any event
could not be recorded (stderr says how many and why; what could be recorded is in
the file, closed properly); 2 on bad arguments or when a feed does not connect
within --timeout (the file is then removed).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from feeds.credentials import redact_url
from feeds.health import FeedHealth
from feeds.hub import FeedHub, feed_keys
from feeds.source import Source
from feeds.sources.runs import RunStamped
from feeds.sources.websocket import WebsocketSource
from feeds.store.recording import Recorder
from monitor.events import Snapshot
from ui.fmt import mmss, parse_duration

from .common import add_token_files_flag, feed_tokens, feed_url, positive_float

EXIT_OK, EXIT_WRITE_FAILED, EXIT_USAGE = 0, 1, 2
POLL_S = 0.1
DOWN_WARN_SHARE = 0.05  # a feed away this share of the recording gets a warning
CONNECT_TIMEOUT_S = 10.0


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the `record` subcommand (func=run) on a CLI's subparsers."""
    p = subparsers.add_parser(
        "record", help="record live feeds into a file (for reports and replay)",
        description="Subscribe to feeds and record every event (and snapshot) into an SQLite "
                    "recording until --duration has passed or Ctrl-C. `floorwatch report FILE` "
                    "reads it. Exit 0; 1 if the file could not be written or an event could "
                    "not be recorded; 2 on bad arguments or no connection.")
    given = p.add_mutually_exclusive_group(required=True)
    given.add_argument("--feed", action="append", type=feed_url, metavar="URL", dest="feeds",
                       help="feed URL, ws://host:port (repeatable)")
    given.add_argument("--config", type=Path, metavar="FILE",
                       help="record every feed a TOML config lists, of every kind "
                            "(Floorwatch, Asterisk AMI, AMI websocket, queue_log, Chatwoot; "
                            "docs/platforms.md)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="the recording to create (must not exist yet)")
    add_token_files_flag(p)
    p.add_argument("--duration", metavar="DURATION",
                   help="stop after this long (90s, 30m, 1h); default: until Ctrl-C")
    p.add_argument("--timeout", type=positive_float, default=CONNECT_TIMEOUT_S, metavar="SECONDS",
                   help=f"give up if a feed is not connected after this "
                        f"(default {CONNECT_TIMEOUT_S:g})")
    p.set_defaults(func=run)


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"floorwatch record: {message}", file=sys.stderr)
    return code


class _Session:
    """Drains the hub into the recorder; remembers per-feed sequence numbers and counts."""

    def __init__(self, hub: FeedHub, recorder: Recorder) -> None:
        self.hub = hub
        self.recorder = recorder
        self.snapshots: Counter[str] = Counter()
        self.down_s: Counter[str] = Counter()  # seconds each feed was disconnected
        self.names: set[str] = set()  # the feeds' names in the recording

    def pump(self) -> int:
        """Record what the hub has ready; never more than the recorder can queue.

        What does not fit stays in the hub's hand-off; if that fills up, the hub
        drops and resyncs from a snapshot, which is recorded too.
        """
        room = self.recorder.limit - self.recorder.pending
        if room <= 0:
            return 0
        items = self.hub.drain(room)
        for item in items:
            seq = item.seq
            if isinstance(item.event, Snapshot):
                seq = 0  # as on the wire; the snapshot carries the seq it includes
                self.snapshots[item.feed] += 1
            self.recorder.record(item.feed, seq, item.event, getattr(item, "epoch", ""))
        return len(items)


def _wait_connected(session: _Session, urls: list[str], timeout: float,
                    stop: threading.Event) -> str:
    """Record while waiting until every feed is connected; '' or why not."""
    hub = session.hub
    deadline = time.monotonic() + timeout
    while True:
        session.pump()
        healths = _by_name(hub.health())
        waiting = [u for u in urls if not (healths[u].connected and _granted(hub, healths[u]))]
        if not waiting:
            return ""
        for url in waiting:
            if "unknown token" in healths[url].last_error:
                return f"{url}: unknown token"
        if stop.is_set():
            return "interrupted before every feed was connected"
        if time.monotonic() >= deadline:
            h = healths[waiting[0]]
            why = f": {h.last_error}" if h.last_error else ""
            return f"cannot connect to {h.url} within {timeout:g} s{why}"
        stop.wait(min(POLL_S, max(0.0, deadline - time.monotonic())))


def _by_name(healths: list[FeedHealth]) -> dict[str, FeedHealth]:
    """Each feed's health by the name the recording gives it: a websocket feed's URL
    without secrets, a platform feed's key."""
    out = {}
    for h in healths:
        out[h.key] = h
        out[h.url] = h
    return out


def _granted(hub: FeedHub, health: FeedHealth) -> bool:
    """Whether the feed let us in: a role for a Floorwatch feed; a platform feed that
    takes no commands (a log file) is in once connected."""
    try:
        source = hub.source(health.key)
    except KeyError:
        return bool(hub.role(health.url))
    return bool(source.role) or not source.accepts_commands


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event):
    """Ctrl-C and SIGTERM set `stop` (a second Ctrl-C interrupts for real).

    Signal handlers can only be set from the main thread; elsewhere (tests) the
    caller's `stop` event is the only way to stop early.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            p.unlink()


def _reasons(h: FeedHealth) -> str:
    if not h.rejected_reasons:
        return ""
    return " (" + ", ".join(f"{r} {n}" for r, n in h.rejected_reasons.most_common()) + ")"


def print_summary(out_path: Path, elapsed_s: float, urls: list[str], session: _Session,
                  healths: list[FeedHealth], recorder: Recorder) -> None:
    written = recorder.written_counts()
    total = sum(written.values())
    print(f"recorded {total} event{'s' if total != 1 else ''} in {mmss(elapsed_s)} "
          f"to {out_path}")
    by_url = _by_name(healths)
    for url in urls:
        h = by_url[url]
        n, snaps = written.get(url, 0), session.snapshots[url]
        name = f" ({h.feed})" if h.feed and h.feed != url else ""
        line = (f"  {url}{name}: {n} event{'s' if n != 1 else ''} "
                f"(incl. {snaps} snapshot{'s' if snaps != 1 else ''}); "
                f"rejected frames {h.rejected}{_reasons(h)}; resyncs {h.resyncs}; "
                f"reconnects {h.reconnects}")
        if h.dropped:
            line += f"; dropped by the hand-off {h.dropped}"
        print(line)
        down = session.down_s[url]
        if elapsed_s > 0 and down >= max(1.0, DOWN_WARN_SHARE * elapsed_s):
            # The file is still good, but a gap this long must not pass unnoticed.
            print(f"floorwatch record: warning: {url} was disconnected for {mmss(down)} of "
                  f"{mmss(elapsed_s)} ({down / elapsed_s:.0%}); the recording has a gap",
                  file=sys.stderr)
    if recorder.dropped:
        print(f"  {recorder.dropped} event(s) could not be recorded"
              f"{': ' + recorder.error if recorder.error else ''}")


def _record_until(session: _Session, stop: threading.Event, end: float | None) -> None:
    last = time.monotonic()
    while not stop.is_set() and not session.recorder.error:
        session.pump()
        now = time.monotonic()
        for h in session.hub.health():  # how long each feed was away while we recorded
            if not h.connected:
                session.down_s[h.url if h.url in session.names else h.key] += now - last
        last = now
        if end is not None and now >= end:
            return
        stop.wait(POLL_S if end is None else min(POLL_S, end - now))


def run(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Record until --duration, Ctrl-C or `stop` is set; see the module docstring."""

    out: Path = args.out.expanduser()
    try:
        duration = None if args.duration is None else parse_duration(args.duration)
        urls, tokens, platform = _feeds(args)
    except (ValueError, OSError) as exc:  # a ConfigError is a ValueError: one line
        return _fail(str(exc))
    if out.exists():
        return _fail(f"{out} already exists; record into a new file")
    if not out.parent.is_dir():
        why = "is not a folder" if out.parent.exists() else "does not exist"
        return _fail(f"--out {out}: {out.parent} {why}")

    # Feeds are stored by name, never with secrets: a URL without them, a platform's key.
    keys = [redact_url(u) for u in urls] + feed_keys(platform)
    recorder = Recorder(out, feeds=keys, interval_s=0.25)  # commits at most every 250 ms
    recorder.wait_ready()
    if recorder.error:
        recorder.close()
        _remove(out)  # it did not exist before: leave nothing behind
        return _fail(recorder.error)
    stop = stop or threading.Event()
    # Each event keeps the server run it came from (see feeds.sources.runs). The feeds
    # are received in this process, where each event's run is known exactly.
    hub = FeedHub([*(RunStamped(WebsocketSource(u, tokens.get(u, ""))) for u in urls),
                   *platform])
    session = _Session(hub, recorder)
    session.names = set(keys)
    started = time.monotonic()
    problem = ""
    with _stop_on_signals(stop):
        hub.start()
        try:
            problem = _wait_connected(session, keys, args.timeout, stop)
            if not problem:
                started = time.monotonic()
                _record_until(session, stop, None if duration is None else started + duration)
        finally:
            # No new events once the hub is stopped: record what it still holds.
            hub.stop()
            healths = hub.health()
            while hub.pending and not problem:
                if not session.pump():
                    time.sleep(0.01)  # the recorder's queue is full: let it write
            recorder.close()
    if problem:
        _remove(out)
        return _fail(f"{problem}; nothing recorded")
    print_summary(out, time.monotonic() - started, keys, session, healths, recorder)
    if recorder.error:
        return _fail(f"{recorder.error}{_dropped_text(recorder)}", EXIT_WRITE_FAILED)
    if recorder.dropped:
        return _fail(f"{out} is missing events{_dropped_text(recorder)}", EXIT_WRITE_FAILED)
    return EXIT_OK


def _feeds(args: argparse.Namespace) -> tuple[list[str], dict[str, str], list[Source]]:
    """The websocket feed URLs, their tokens, and the platform sources to record: from
    --feed (and --token-file), or every feed of --config."""
    if args.config is None:
        urls = list(dict.fromkeys(args.feeds))
        return urls, feed_tokens(urls, args.token_files), []
    if args.token_files:
        raise ValueError("--token-file goes with --feed; a config names its own token files")
    from feeds.sources.from_config import platform_sources
    from monitor.config import load_config

    config = load_config(args.config)
    urls = list(dict.fromkeys(config.feeds))
    files = {u: config.feed_token_files.get(u, config.token_file) for u in urls}
    tokens = feed_tokens(urls, None, files, f"{config.path}: token_file")
    platform = platform_sources(config, lambda message: print(
        f"floorwatch record: warning: {message}", file=sys.stderr))
    if not urls and not platform:
        raise ValueError(f"{config.path}: no [[feeds]] to record")
    return urls, tokens, platform


def _dropped_text(recorder: Recorder) -> str:
    """'; N event(s) not recorded (why N, …)' or '' when nothing was lost."""
    if not recorder.dropped:
        return ""
    reasons = ", ".join(f"{why} {n}" for why, n in recorder.drop_reasons.most_common())
    return f"; {recorder.dropped} event(s) not recorded ({reasons})"
