"""A snapshot refused for its state, at the websocket source: counted as `bad_snapshot`
with its reason, nothing taken (not the numbering), and a feed that was waiting for a
snapshot asks again at the resync pace, never in a storm (issue 9, item 3)."""

from __future__ import annotations

import asyncio
import time

from feeds import protocol as p
from feeds.sources.websocket import WebsocketSource
from monitor import events as ev
from monitor.floor import Floor
from tests.floors import T0

FEED = "f"


def _frame(typ: str, data: dict, seq: int = 0, t: float = T0) -> bytes:
    return p.encode(p.Envelope(type=typ, data=data, feed=FEED, seq=seq, t=t))


def _heartbeat(seq: int) -> bytes:
    return p.encode(p.event_envelope(ev.Heartbeat(T0 + seq), FEED, seq))


def _snapshot(seq: int, state: dict) -> bytes:
    return _frame(ev.Snapshot.TYPE, {"seq": seq, "state": state}, t=T0 + seq)


def _good_state(seq: int) -> dict:
    floor = Floor()
    floor.apply(ev.QueueDefined(T0, "hl", "General", "hotline", 20.0))
    floor.apply(ev.Heartbeat(T0 + seq))
    return floor.snapshot()


def _source(*events: int) -> WebsocketSource:
    source = WebsocketSource("ws://127.0.0.1:9")
    source._on_frame(_frame(p.WELCOME, {"feed": FEED, "role": "viewer", "epoch": "e1"}))
    for seq in events:
        assert [i.seq for i in source._on_frame(_heartbeat(seq))] == [seq]
    return source


def _ask(source: WebsocketSource) -> None:
    """What the connection loop does after a frame that wants a snapshot."""
    asyncio.run(source._send_resync())  # (no connection: nothing is sent)


BAD = {"now": "soon", "queues": [], "agents": [], "contacts": []}


def test_mid_stream_a_bad_snapshot_changes_nothing_and_asks_nothing():
    source = _source(1, 2, 3)
    assert source._on_frame(_snapshot(3, BAD)) == []
    health = source.health()
    assert health.rejected_reasons == {"bad_snapshot": 1} and health.rejected == 1
    assert "now" in health.last_error  # where the state is wrong
    assert source.last_seq == 3 and not source.sequencer.awaiting_snapshot
    assert not source._want_resync and health.resyncs == 0
    assert [i.seq for i in source._on_frame(_heartbeat(4))] == [4]  # the stream goes on


def test_a_bad_snapshot_answering_a_resync_is_asked_again_at_the_resync_pace():
    source = _source(1, 2, 3)
    assert source._on_frame(_heartbeat(5)) == []  # a gap: held, a snapshot wanted
    assert source._want_resync and source.sequencer.awaiting_snapshot
    _ask(source)
    assert not source._want_resync
    asked_until = source._next_resync_at

    assert source._on_frame(_snapshot(4, BAD)) == []  # the answer is rubbish
    assert source.health().rejected_reasons == {"bad_snapshot": 1}
    assert source.sequencer.awaiting_snapshot and source._want_resync  # still wanted
    _ask(source)  # ... but not before the pause is over: no storm
    assert source._want_resync and source._next_resync_at == asked_until
    assert source.health().resyncs == 1  # one resync, asked for once so far

    source._next_resync_at = time.monotonic() - 1  # the pause is over
    _ask(source)
    assert not source._want_resync and source._next_resync_at > asked_until

    out = source._on_frame(_snapshot(4, _good_state(4)))  # a good one: it and what was held
    assert [(i.seq, type(i.event).__name__) for i in out] == [(4, "Snapshot"), (5, "Heartbeat")]
    assert not source.sequencer.awaiting_snapshot and not source._want_resync


def test_a_bad_first_snapshot_asks_for_another():
    source = _source()
    assert source._on_frame(_snapshot(7, BAD)) == []
    assert source.sequencer.awaiting_snapshot and source._want_resync
    assert source.health().resyncs == 1
    assert source._on_frame(_heartbeat(8)) == []  # held until a snapshot comes
    out = source._on_frame(_snapshot(7, _good_state(7)))
    assert [i.seq for i in out] == [7, 8]


def test_a_good_snapshot_that_was_not_asked_for_wants_no_other():
    source = _source(1, 2)
    out = source._on_frame(_snapshot(2, _good_state(2)))
    assert [i.seq for i in out] == [2] and not source._want_resync
    assert source.health().rejected == 0
