"""A websocket feed served by a child process (`feeds.sources.process`): the same events,
checks, commands and health as in process, and no child left behind."""

from __future__ import annotations

import os
import signal

import msgpack
import pytest

from feeds import protocol as p
from feeds.hub import FeedHub
from feeds.sources.process import ProcessWebsocketSource
from monitor import events as ev
from monitor.floor import Floor
from tests.conftest import wait_until
from tests.feeds.test_client_server import SETUP, FakeFeed, frame, offers
from tests.floors import T0


@pytest.fixture
def fake(loop_thread):
    feed = FakeFeed(loop_thread)
    feed.port = feed.start()
    yield feed
    feed.stop()


@pytest.fixture
def hub(fake):
    source = ProcessWebsocketSource(f"ws://127.0.0.1:{fake.port}")
    hub = FeedHub([source])
    hub.start()
    yield hub
    hub.stop()
    assert source.process is None  # stopping ended the child


def drain_until(hub: FeedHub, n: int, got: list | None = None) -> list:
    got = [] if got is None else got
    assert wait_until(lambda: len(got.__iadd__(hub.drain())) >= n, timeout=20)
    return got


def test_events_arrive_whole_and_in_order_with_their_numbers(fake, hub):
    fake.wait_connected()
    truth = SETUP + offers(0, 40) + [ev.Heartbeat(T0 + 50),
                                     ev.AgentSkills(T0 + 51, "a1", {"hl": 3}, 2)]
    fake.send(*(frame(e, i + 1) for i, e in enumerate(truth)))
    got = drain_until(hub, len(truth))
    assert [item.seq for item in got] == list(range(1, len(truth) + 1))
    assert [item.event for item in got] == truth
    assert {item.feed for item in got} == {hub.sources[0].key}
    assert wait_until(lambda: hub.health()[0].events == len(truth))
    health = hub.health()[0]
    assert health.connected and health.feed == "fake" and health.resyncs == 0


def test_bad_frames_are_counted_by_reason_and_use_up_their_number(fake, hub):
    fake.wait_connected()
    fake.send(
        frame(SETUP[0], 1),
        b"\xc1",  # never valid msgpack
        msgpack.packb({"v": 1, "seq": 2, "t": T0, "type": "agent.state",
                       "data": {"agent": "a1", "state": "dancing"}}),
        msgpack.packb({"v": 1, "seq": 3, "t": T0, "type": "contact.offered",
                       "data": {"queue": "hl"}}),
        frame(offers(0, 1)[0], 4),
    )
    got = drain_until(hub, 2)
    assert [item.seq for item in got] == [1, 4]  # no gap, so no resync
    assert wait_until(lambda: hub.health()[0].rejected == 3)
    health = hub.health()[0]
    assert health.rejected_reasons == {"undecodable": 1, "bad_enum_value": 1,
                                       "missing_field": 1}
    assert health.resyncs == 0


def test_commands_reach_the_server_and_their_results_come_back(fake, hub):
    fake.wait_connected()
    assert wait_until(lambda: hub.role() != "" or hub.health()[0].connected)
    future = hub.send_command({"action": "reassign", "agents": ["a1"], "profile": "online",
                               "request_id": "r1"})
    assert wait_until(lambda: any(e.type == p.COMMAND for e in fake.received))
    sent = next(e for e in fake.received if e.type == p.COMMAND)
    assert sent.data["agents"] == ["a1"] and sent.data["request_id"] == "r1"
    fake.send(p.encode(p.Envelope(type=p.COMMAND_RESULT,
                                  data={"request_id": "r1", "status": "applied"})))
    assert future.result(timeout=10) == {"request_id": "r1", "status": "applied"}


def test_a_command_times_out_as_in_process(fake, hub):
    fake.wait_connected()
    assert wait_until(lambda: hub.health()[0].connected)
    future = hub.send_command({"action": "reassign", "agents": ["a1"], "profile": "online"},
                              timeout=0.3)
    with pytest.raises(TimeoutError):
        future.result(timeout=10)


def test_a_killed_child_is_restarted_resumes_and_says_so(fake, hub):
    fake.wait_connected()
    fake.send(*(frame(e, i + 1) for i, e in enumerate(SETUP)))
    got = drain_until(hub, len(SETUP))
    source = hub.sources[0]
    assert wait_until(lambda: source.last_seq == len(SETUP))
    first = source.process
    os.kill(first.pid, signal.SIGKILL)
    # A new child connects again and resumes after the last number it delivered.
    assert wait_until(lambda: sum(e.type == p.HELLO for e in fake.received) == 2, timeout=20)
    hello = [e for e in fake.received if e.type == p.HELLO][-1]
    assert hello.data["resume_from"] == len(SETUP) and hello.data["epoch"] == "e"
    assert source.process is not None and source.process.pid != first.pid
    assert not first.is_alive()
    more = offers(0, 3)
    fake.send(*(frame(e, len(SETUP) + 1 + i) for i, e in enumerate(more)))
    got = drain_until(hub, len(SETUP) + 3, got)
    assert [item.event for item in got] == SETUP + more
    health = hub.health()[0]
    assert health.restarts == 1 and "feed process exited" in health.last_error
    assert health.resyncs == 0


def test_a_snapshot_keeps_its_lists_and_plain_rows_make_the_same_events(fake, hub):
    # Batches of plain rows are read as tuples over the pipe; a batch holding a snapshot
    # must not be: its state is full of lists, which the snapshot checks insist on.
    fake.wait_connected()
    server_floor = Floor()
    for e in SETUP + offers(0, 3):
        server_floor.apply(e)
    state = server_floor.snapshot()
    assert any(isinstance(v, list) for v in state.values())  # (what the test is about)
    n = len(SETUP) + 3
    snapshot = p.Envelope(type="snapshot", feed="fake", t=server_floor.now,
                          data={"seq": n, "state": state})
    more = offers(3, 4) + [ev.AgentSkills(T0 + 60, "a1", {"hl": 3}, 2)]
    fake.send(p.encode(snapshot), *(frame(e, n + 1 + i) for i, e in enumerate(more)))
    got = drain_until(hub, 1 + len(more))
    assert isinstance(got[0].event, ev.Snapshot) and got[0].seq == n
    assert repr(got[0].event.state) == repr(state)  # lists stay lists; (nan != nan)
    assert [item.event for item in got[1:]] == more
    assert all(type(item.event) is type(e) for item, e in zip(got[1:], more, strict=True))
    consumer = Floor()
    for item in got:
        consumer.apply(item.event, item.feed)
    assert not consumer.snapshot_problems  # the state loaded whole
    for e in more:
        server_floor.apply(e)
    assert consumer.queue_view("hl") == server_floor.queue_view("hl")
