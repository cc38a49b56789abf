"""The native feed over real websockets: resume, restart, gaps, bad frames."""

from __future__ import annotations

import asyncio
import time

import msgpack
import pytest
from websockets.asyncio.server import serve

from feeds import protocol as p
from feeds.hub import FeedHub
from feeds.server import FeedServer
from feeds.sources.websocket import WebsocketSource
from monitor import events as ev
from monitor.floor import Floor
from tests.conftest import wait_until
from tests.floors import T0, hotline_queue, logged_in

SETUP = [hotline_queue(), *logged_in("a1", "Ann", {"hl": 5})]


def offers(start: int, n: int) -> list[ev.Event]:
    return [ev.ContactOffered(T0 + i, f"c{i}", "hl") for i in range(start, start + n)]


class Consumer:
    """What the UI tick does, without Qt: drain the hub into a Floor."""

    def __init__(self, hub: FeedHub) -> None:
        self.hub, self.floor = hub, Floor()
        self.seqs: list[int] = []  # as handed over, for the recorder

    def pump(self) -> Floor:
        for item in self.hub.drain():
            self.floor.apply(item.event, item.feed)
            self.seqs.append(item.seq)
        return self.floor

    def offered(self) -> int:
        self.pump()
        q = self.floor.queues.get("hl")
        return 0 if q is None else q.stats.window(self.floor.now, 60).offered


@pytest.fixture
def hub_factory():
    hubs = []

    def make(url: str, **kw) -> FeedHub:
        hub = FeedHub.for_urls([url], **kw)
        hub.start()
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        hub.stop()


def test_client_mirrors_server_state(loop_thread, hub_factory):
    server = FeedServer()
    port = loop_thread.run(server.start())
    loop_thread.call(server.publish, SETUP + offers(0, 50))
    consumer = Consumer(hub_factory(f"ws://127.0.0.1:{port}"))
    assert wait_until(lambda: consumer.offered() == 50)
    loop_thread.call(server.publish, offers(50, 25))
    assert wait_until(lambda: consumer.offered() == 75)
    assert consumer.floor.queue_view("hl") == server.floor.queue_view("hl")
    health = consumer.hub.health()[0]
    assert health.connected and health.feed == "sim" and health.rejected == 0
    loop_thread.run(server.stop())


def test_server_restart_mid_stream_resumes_without_double_counting(loop_thread, hub_factory):
    server = FeedServer()
    port = loop_thread.run(server.start())
    loop_thread.call(server.publish, SETUP + offers(0, 100))
    consumer = Consumer(hub_factory(f"ws://127.0.0.1:{port}"))
    assert wait_until(lambda: consumer.offered() == 100)

    loop_thread.run(server.stop())  # drops every connection
    assert wait_until(lambda: not consumer.hub.health()[0].connected)
    loop_thread.call(server.publish, offers(100, 40))  # happened while we were away
    loop_thread.run(server.start())  # same port, same run: the client resumes
    loop_thread.call(server.publish, offers(140, 10))

    assert wait_until(lambda: consumer.offered() == 150)
    health = consumer.hub.health()[0]
    assert health.reconnects >= 1
    assert health.resyncs == 0  # resumed from the buffer, not a snapshot
    assert consumer.floor.queue_view("hl") == server.floor.queue_view("hl")
    loop_thread.run(server.stop())


def test_a_new_server_run_sends_a_snapshot_not_a_replay(loop_thread, hub_factory):
    first = FeedServer()
    port = loop_thread.run(first.start())
    loop_thread.call(first.publish, SETUP + offers(0, 30))
    consumer = Consumer(hub_factory(f"ws://127.0.0.1:{port}"))
    assert wait_until(lambda: consumer.offered() == 30)
    loop_thread.run(first.stop())

    # A restarted process that rebuilt its state numbers events from 1 again.
    second = FeedServer(port=port)
    loop_thread.call(second.publish, SETUP + offers(0, 30) + offers(30, 200))
    loop_thread.run(second.start())
    assert wait_until(lambda: consumer.offered() == 230)
    assert consumer.floor.queue_view("hl") == second.floor.queue_view("hl")
    loop_thread.run(second.stop())


class FakeFeed:
    """A hand-driven server speaking protocol v1, for gaps and bad frames."""

    def __init__(self, loop_thread) -> None:
        self.lt = loop_thread
        self.received: list[p.Envelope] = []
        self.ws = None
        self.connected = asyncio.Event()
        self.server = None

    async def _handler(self, ws) -> None:
        self.ws = ws
        self.received.append(p.decode(await ws.recv()))
        await ws.send(p.encode(p.Envelope(type=p.WELCOME, data={"feed": "fake", "epoch": "e"})))
        self.connected.set()
        async for frame in ws:
            self.received.append(p.decode(frame))

    def start(self) -> int:
        async def go():
            self.server = await serve(self._handler, "127.0.0.1", 0)
            return self.server.sockets[0].getsockname()[1]

        return self.lt.run(go())

    def wait_connected(self) -> None:
        self.lt.run(asyncio.wait_for(self.connected.wait(), 10))

    def send(self, *frames) -> None:
        async def go():
            for frame in frames:
                await self.ws.send(frame)

        self.lt.run(go())

    def stop(self) -> None:
        async def go():
            # Stop accepting first (the client reconnects at once), then close the live
            # connection ourselves and wait for it: left to the server's close, its
            # transport may be collected later as "unclosed" (a warning, so an error).
            self.server.close(close_connections=False)
            if self.ws is not None:
                await self.ws.close()
                await self.ws.wait_closed()
            self.server.close()
            await self.server.wait_closed()

        self.lt.run(go())


def frame(event: ev.Event, seq: int, binary: bool = True):
    return p.encode(p.event_envelope(event, "fake", seq), binary)


def test_gap_asks_for_a_snapshot_and_drops_what_it_covers(loop_thread, hub_factory):
    fake = FakeFeed(loop_thread)
    port = fake.start()
    consumer = Consumer(hub_factory(f"ws://127.0.0.1:{port}"))
    fake.wait_connected()
    truth = SETUP + offers(0, 6)  # seq 1..9
    fake.send(*(frame(e, i + 1) for i, e in enumerate(truth[:6])))  # 1..6
    fake.send(frame(truth[7], 8))  # 7 is missing
    assert wait_until(lambda: any(m.type == p.RESYNC for m in fake.received))

    server_floor = Floor()
    for e in truth[:8]:
        server_floor.apply(e)
    snapshot = p.Envelope(type="snapshot", feed="fake", t=server_floor.now,
                          data={"seq": 8, "state": server_floor.snapshot()})
    fake.send(
        frame(truth[6], 7),  # late: covered by the snapshot, must be dropped
        p.encode(snapshot),
        frame(truth[7], 8),  # duplicate of what the snapshot includes
        frame(truth[8], 9),
    )
    assert wait_until(lambda: consumer.offered() == 6)
    health = consumer.hub.health()[0]
    assert health.resyncs == 1
    assert health.duplicates >= 1
    assert consumer.seqs == [1, 2, 3, 4, 5, 6, 8, 9]  # the snapshot stands for 7 and 8
    server_floor.apply(truth[8])
    assert consumer.floor.queue_view("hl") == server_floor.queue_view("hl")
    fake.stop()


def test_bad_frames_are_counted_and_the_feed_keeps_going(loop_thread, hub_factory):
    fake = FakeFeed(loop_thread)
    port = fake.start()
    consumer = Consumer(hub_factory(f"ws://127.0.0.1:{port}"))
    fake.wait_connected()
    fake.send(
        *(frame(e, i + 1) for i, e in enumerate(SETUP)),
        b"\xc1\x00\xff garbage",
        msgpack.packb({"v": 1, "seq": 4, "t": T0, "type": "contact.offered",
                       "data": {"contact": 7, "queue": "hl"}}),  # wrong field type
        msgpack.packb({"v": 1, "seq": 5, "t": T0, "type": "contact.teleported",
                       "data": {}}),  # unknown event type
        "{ this is not json",
        frame(ev.ContactOffered(T0 + 1, "ok", "hl"), 6, binary=False),
    )
    assert wait_until(lambda: consumer.offered() == 1)
    health = consumer.hub.health()[0]
    assert health.rejected == 4
    assert health.rejected_reasons == {"undecodable": 2, "wrong_field_type": 1,
                                       "unknown_type": 1}
    assert health.resyncs == 0  # an unusable event still used up its sequence number
    assert health.connected
    # Each event keeps its own number through the hand-off (a recording stores it).
    assert consumer.seqs == [1, 2, 3, 6]
    fake.stop()


def test_unknown_token_is_refused_and_reported(loop_thread, hub_factory):
    server = FeedServer(tokens={"s3cret": "supervisor"})
    port = loop_thread.run(server.start())
    hub = hub_factory(f"ws://127.0.0.1:{port}", token="wrong")
    assert wait_until(lambda: "unknown token" in hub.health()[0].last_error)
    assert hub.role() == ""
    loop_thread.run(server.stop())


def test_one_frame_cannot_rename_the_feed_change_the_role_or_start_a_resync_storm(
        loop_thread, hub_factory):
    fake = FakeFeed(loop_thread)
    port = fake.start()
    consumer = Consumer(hub_factory(f"ws://127.0.0.1:{port}"))
    fake.wait_connected()
    fake.send(*(frame(e, i + 1) for i, e in enumerate(SETUP)))
    fake.send(
        p.encode(p.Envelope(type=p.WELCOME, data={"feed": "evil", "role": "supervisor",
                                                  "epoch": "other"})),
        frame(ev.ContactOffered(T0 + 1, "bogus", "hl"), 2_000_000),  # far past any real gap
        *(frame(ev.ContactOffered(T0 + 2, f"g{n}", "hl"), 10 + 2 * n)  # a gap every frame
          for n in range(40)),
    )
    assert wait_until(lambda: consumer.hub.health()[0].rejected == 2)
    health = consumer.hub.health()[0]
    assert health.feed == "fake" and consumer.hub.role() == ""  # the first welcome stands
    assert health.rejected_reasons == {"unexpected_welcome": 1, "seq_jump": 1}
    assert wait_until(lambda: any(m.type == p.RESYNC for m in fake.received))
    time.sleep(0.2)
    assert sum(m.type == p.RESYNC for m in fake.received) == 1  # forty gaps, one request
    assert "bogus" not in consumer.pump().contacts
    fake.stop()


def test_a_feed_that_always_skips_a_number_gets_resyncs_at_a_falling_rate(
        loop_thread, hub_factory):
    fake = FakeFeed(loop_thread)
    port = fake.start()
    consumer = Consumer(hub_factory(f"ws://127.0.0.1:{port}"))
    fake.wait_connected()
    state = Floor()
    for e in SETUP:
        state.apply(e)
    fake.send(*(frame(e, i + 1) for i, e in enumerate(SETUP)), frame(SETUP[0], 5))  # gap
    answered, seq, deadline = 0, 5, time.monotonic() + 3.0
    while time.monotonic() < deadline:  # a broken bridge: every snapshot is followed by a gap
        asked = sum(m.type == p.RESYNC for m in fake.received)
        if asked > answered:
            answered, seq = asked, seq + 10
            snap = p.Envelope(type="snapshot", feed="fake", t=state.now,
                              data={"seq": seq, "state": state.snapshot()})
            fake.send(p.encode(snap), frame(SETUP[0], seq + 2))
        else:
            fake.send(frame(ev.Heartbeat(T0), 0))  # frames keep coming, as heartbeats do
        time.sleep(0.02)
    # Without a pause it would be one request per round trip (hundreds in 3 s); with
    # pauses of 0.5, 1, 2 s … it is a handful.
    assert 2 <= answered <= 4, answered
    assert consumer.hub.health()[0].resyncs >= answered
    fake.stop()


def test_frames_the_websocket_layer_must_close_on_are_counted_and_reconnect_at_once(
        loop_thread):
    fake = FakeFeed(loop_thread)
    port = fake.start()
    hub = FeedHub([WebsocketSource(f"ws://127.0.0.1:{port}", max_frame=4096)])
    hub.start()
    try:
        fake.wait_connected()
        fake.connected.clear()
        fake.send(b"\x00" * 10_000)  # over the client's frame limit
        t0 = time.monotonic()
        fake.wait_connected()  # back at once, not after a backoff
        assert time.monotonic() - t0 < 1.0
        fake.connected.clear()

        async def bad_text():
            await fake.ws.send(b"\xff\xfe not utf-8", text=True)

        loop_thread.run(bad_text())
        assert wait_until(lambda: hub.health()[0].rejected == 2)
        assert hub.health()[0].rejected_reasons == {"too_big": 1, "bad_utf8": 1}
        fake.wait_connected()  # reconnected again (after a backoff this time)
    finally:
        hub.stop()
        fake.stop()
