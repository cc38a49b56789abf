import dataclasses
import json
import math

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feeds import protocol as p
from monitor import events as ev

SAMPLES = [
    ev.QueueDefined(1.0, "ol-app", "App chat", "online", 60.0, "normal", "App 在线"),
    ev.ContactOffered(2.0, "c1", "hl-general", "13800000000"),
    ev.ContactAnswered(3.5, "c1", "hl-general", "a1"),
    ev.ContactAbandoned(4.0, "c2", "hl-vip"),
    ev.ContactExited(4.0, "c3", "hl-vip", "timeout"),
    ev.ContactEnded(5.0, "c1", "hl-general", "a1"),
    ev.ContactTransferred(6.0, "c4", "hl-general", "hl-complaint", "a1"),
    ev.CallbackRequested(7.0, "c5", "ol-app", "appointment", 61.5),
    ev.CallbackCompleted(8.0, "c5", "ol-app", "a2"),
    ev.ChatMessage(9.0, "c6", "customer", "我要投诉"),
    ev.AgentLogin(10.0, "a1", "Li Wei", "team-1"),
    ev.AgentLogout(11.0, "a1"),
    ev.AgentStateChanged(12.0, "a1", "not_ready", "meal"),
    ev.AgentSkills(13.0, "a1", {"hl-general": 5, "ol-app": 2}, 3),
    ev.SurveyResult(14.0, "c1", "hl-general", "a1", 9, 5),
    ev.Heartbeat(15.0),
    ev.Snapshot(16.0, 42, {"now": 16.0, "queues": [], "agents": [], "contacts": []}),
    ev.BotStarted(17.0, "c7", "ol-app"),
    ev.BotResolved(18.0, "c7", "ol-app"),
    ev.BotHandoff(19.0, "c8", "ol-app"),
]


def test_every_event_type_has_a_sample():
    assert {type(e) for e in SAMPLES} == set(ev.EVENT_TYPES.values())


@pytest.mark.parametrize("binary", [True, False], ids=["msgpack", "json"])
@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: e.TYPE)
def test_round_trip(event, binary):
    frame = p.encode(p.event_envelope(event, "sim", 7), binary)
    assert isinstance(frame, bytes if binary else str)
    env, back = p.decode_event(frame)
    assert back == event
    assert (env.feed, env.seq, env.t, env.v) == ("sim", 7, event.t, 1)


def test_json_text_frame_written_by_hand_is_accepted():
    frame = json.dumps({"v": 1, "feed": "x", "seq": 3, "t": 100, "type": "contact.offered",
                        "data": {"contact": "c9", "queue": "q"}})
    _, event = p.decode_event(frame)
    assert event == ev.ContactOffered(100.0, "c9", "q")


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (b"\xc1\xff garbage", "undecodable"),
        ("{not json", "undecodable"),
        (msgpack.packb([1, 2, 3]), "not_a_map"),
        (msgpack.packb({"v": 2, "type": "heartbeat", "t": 1}), "bad_version"),
        (msgpack.packb({"v": 1, "type": 5, "t": 1}), "bad_type_field"),
        (msgpack.packb({"v": 1, "type": "heartbeat", "t": "soon"}), "bad_time"),
        (msgpack.packb({"v": 1, "type": "heartbeat", "t": 1, "seq": -1}), "bad_seq"),
        (msgpack.packb({"v": 1, "type": "heartbeat", "t": 1, "seq": True}), "bad_seq"),
        (json.dumps({"v": 1, "type": "heartbeat", "t": float("nan")}), "bad_time"),
    ],
)
def test_bad_envelopes_are_rejected_with_a_reason(frame, reason):
    with pytest.raises(p.FrameError) as info:
        p.decode(frame)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    ("type_", "data", "reason"),
    [
        ("no.such.event", {}, "unknown_type"),
        ("contact.offered", {"contact": "c1"}, "missing_field"),
        ("contact.offered", {"contact": 1, "queue": "q"}, "wrong_field_type"),
        ("agent.state", {"agent": "a", "state": "dancing"}, "bad_enum_value"),
        ("agent.skills", {"agent": "a", "skills": {"q": "high"}}, "wrong_field_type"),
        ("agent.skills", {"agent": "a", "skills": [], "chat_capacity": 2}, "wrong_field_type"),
        ("survey.result", {"contact": "c", "queue": "q", "nps": 9.5}, "wrong_field_type"),
        ("queue.defined", {"queue": "q", "name": "Q", "channel": "fax"}, "bad_enum_value"),
    ],
)
def test_bad_event_fields_are_rejected(type_, data, reason):
    env = p.decode(msgpack.packb({"v": 1, "type": type_, "t": 1.0, "data": data}))
    with pytest.raises(p.FrameError) as info:
        p.to_event(env)
    assert info.value.reason == reason


def test_oversized_frame_is_rejected_before_parsing():
    with pytest.raises(p.FrameError) as info:
        p.decode(b"\x00" * 101, max_bytes=100)
    assert info.value.reason == "too_large"


def test_unknown_extra_fields_are_ignored_for_forward_compatibility():
    env = p.decode(msgpack.packb({"v": 1, "type": "agent.logout", "t": 1.0,
                                  "data": {"agent": "a1", "new_in_v1_1": True}}))
    assert p.to_event(env) == ev.AgentLogout(1.0, "a1")


# ------------------------------------------------- to_event against its old self
def reference_to_event(env: p.Envelope) -> ev.Event:
    """`to_event` as it was before its per-type checks were worked out once."""
    cls = ev.EVENT_TYPES.get(env.type)
    if cls is None:
        raise p.FrameError("unknown_type", env.type)
    hints = p._hints(cls)
    kwargs = {"t": env.t}
    for f in dataclasses.fields(cls):
        if f.name == "t":
            continue
        if f.name not in env.data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise p.FrameError("missing_field", f"{env.type}.{f.name}")
            continue
        kwargs[f.name] = p._check(env.type, f.name, hints[f.name], env.data[f.name])
    return cls(**kwargs)


_FIELD_NAMES = sorted({f.name for cls in ev.EVENT_TYPES.values()
                       for f in dataclasses.fields(cls)} | {"extra"})
_values = st.one_of(
    st.sampled_from(["c1", "q", "hotline", "online", "fax", "available", "dancing",
                     "customer", "agent", ""]),
    st.integers(-3, 12), st.booleans(), st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dictionaries(st.sampled_from(["q1", "q2"]), st.integers(0, 5), max_size=2),
    st.dictionaries(st.sampled_from(["q1", "q2"]), st.sampled_from(["high", 1.5, True]),
                    max_size=2),
    st.dictionaries(st.integers(0, 2), st.integers(0, 2), min_size=1, max_size=2),
    st.lists(st.integers(), max_size=2),
)


_good = {
    "str": st.sampled_from(["c1", "q", "hotline", "online", "available", "on_contact",
                            "customer", "agent", "我要投诉"]),
    "float": st.one_of(st.floats(-1e9, 1e9), st.integers(-5, 5)),
    "int": st.integers(-2, 11),
    "dict[str, int]": st.dictionaries(st.sampled_from(["q1", "q2"]), st.integers(0, 5)),
    "dict[str, Any]": st.dictionaries(st.sampled_from(["now", "queues"]), _values),
}


# Values on the edges of each check: bools for ints, non-finite floats, ints for floats…
_tricky = {
    "str": st.sampled_from([1, None, True, "fax", "dancing", ["x"]]),
    "float": st.sampled_from([math.inf, -math.inf, math.nan, True, False, "1.5", None]),
    "int": st.sampled_from([True, False, 1.5, -0.0, "1", None]),
    "dict[str, int]": st.sampled_from([{"q": True}, {"q": 1.0}, {1: 1}, [], "q"]),
    "dict[str, Any]": st.sampled_from([{1: 1}, [], "state", None]),
}


@st.composite
def envelopes(draw: st.DrawFn) -> p.Envelope:
    """The type's own fields, well typed but for one (and now and then another)."""
    type_ = draw(st.sampled_from(sorted(ev.EVENT_TYPES) + ["no.such.event"]))
    data = {}
    cls = ev.EVENT_TYPES.get(type_)
    if cls is not None:
        fields = [f for f in dataclasses.fields(cls) if f.name != "t"]
        victim = draw(st.integers(-1, len(fields) - 1))  # -1: none
        for i, f in enumerate(fields):
            hint, roll = str(f.type), draw(st.integers(0, 19))
            if i == victim:
                data[f.name] = draw(st.one_of(_tricky[hint], _values))
            elif roll < 17:
                data[f.name] = draw(_good[hint])
            elif roll < 19:
                continue  # missing
            else:
                data[f.name] = draw(_values)
    data.update(draw(st.dictionaries(st.sampled_from(_FIELD_NAMES), _values, max_size=2)))
    return p.Envelope(type=type_, data=data, t=5.0)


@settings(max_examples=10 * settings.default.max_examples, deadline=None, database=None)
@given(envelopes())
def test_to_event_accepts_and_rejects_exactly_as_before(env):
    """Same event, or the same reason and message, for any data of any type."""
    try:
        want = reference_to_event(env)
    except p.FrameError as exc:
        with pytest.raises(p.FrameError) as info:
            p.to_event(env)
        assert (info.value.reason, str(info.value)) == (exc.reason, str(exc))
    else:
        got = p.to_event(env)
        assert got == want and type(got) is type(want)
        for name in env.data:
            if hasattr(got, name):
                assert type(getattr(got, name)) is type(getattr(want, name)), name
