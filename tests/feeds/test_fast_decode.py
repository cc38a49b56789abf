"""The typed fast path (`feeds.fast_decode`) accepts only what the reference decoder
(`protocol.decode` + `to_event`) accepts, and makes the same event of it."""

from __future__ import annotations

import msgpack
import pytest
from hypothesis import given
from hypothesis import strategies as st

from feeds import fast_decode
from feeds import protocol as p
from monitor import events as ev
from tests.feeds.test_fuzz import envelopes, hostile_frames, valid_events, verdict
from tests.floors import T0


def agrees(frame: bytes | str) -> None:
    if not isinstance(frame, bytes):
        return  # text frames always take the reference path
    fast = fast_decode.decode_event(frame)
    reference = verdict(frame)
    if fast is None:
        return  # the reference decides, with its reason
    assert not isinstance(reference, str), f"fast path took a frame refused as {reference}"
    seq, event = fast
    assert event == reference and type(event) is type(reference)
    assert seq == p.decode(frame).seq


@given(valid_events(), st.integers(0, p.MAX_SEQ))
def test_every_valid_event_takes_the_fast_path_to_the_same_event(event, seq):
    frame = p.encode(p.event_envelope(event, "f", seq))
    fast = fast_decode.decode_event(frame)
    if isinstance(event, ev.Snapshot):
        assert fast is None  # snapshots always go the reference way
        return
    assert fast is not None and fast == (seq, event) and type(fast[1]) is type(event)


@given(hostile_frames())
def test_hostile_frames_are_never_taken_where_the_reference_refuses(frame):
    agrees(frame)


@given(envelopes())
def test_hostile_envelopes_are_never_taken_where_the_reference_refuses(env):
    agrees(msgpack.packb(env, use_bin_type=True))


def _frame(**over):
    env = {"v": 1, "feed": "f", "seq": 5, "t": T0, "type": "agent.state",
           "data": {"agent": "a1", "state": "available", "reason": ""}}
    data = over.pop("data", None)
    env.update(over)
    if data is not None:
        env["data"] = {**env["data"], **data}
    return msgpack.packb(env, use_bin_type=True)


@pytest.mark.parametrize(("frame", "reason"), [
    (_frame(v=True), None),  # the reference takes True == 1: so must the client
    (_frame(v=2), "bad_version"),
    (_frame(seq=-1), "bad_seq"),
    (_frame(t=float("nan")), "bad_time"),
    (_frame(t=p.MAX_EVENT_T + 1), "bad_time"),
    (_frame(data={"state": "dancing"}), "bad_enum_value"),
    (_frame(data={"agent": 5}), "wrong_field_type"),
    (_frame(data={"agent": "x" * (p.MAX_TEXT + 1)}), "too_long"),
    (_frame(type="no.such"), "unknown_type"),
    (_frame(data={"extra": [1, 2]}), None),  # unknown keys are ignored
    (_frame(extra=1), None),
    (_frame(t=5), None),  # an integer time is a time
    (_frame() + b"\x00", "undecodable"),
])
def test_edge_frames_leave_the_fast_path_and_get_the_reference_verdict(frame, reason):
    agrees(frame)
    outcome = verdict(frame)
    if reason is None:
        assert isinstance(outcome, ev.AgentStateChanged)
    else:
        assert outcome == reason and fast_decode.decode_event(frame) is None


_DEEP = 100_000
_HEARTBEAT = b"\xa1v\x01\xa4feed\xa1f\xa3seq\x01\xa1t\x00\xa4type\xa9heartbeat\xa4data\x80"


@pytest.mark.parametrize("frame", [
    b"\x81\xa1k" * _DEEP + b"\x00",  # {"k": {"k": …}}
    b"\x87\xa1z" + b"\x91" * _DEEP + b"\x00" + _HEARTBEAT,  # an unknown key, deep inside
], ids=["nested maps", "nested unknown key"])
def test_a_deeply_nested_frame_goes_to_the_reference_path_not_an_exception(frame):
    assert fast_decode.decode_event(frame) is None
    assert verdict(frame) == "undecodable"


def test_the_fast_path_is_taken_for_a_plain_event():
    """Not just always None: the common frame is decoded by it."""
    assert fast_decode.decode_event(_frame()) == (
        5, ev.AgentStateChanged(T0, "a1", "available", ""))
