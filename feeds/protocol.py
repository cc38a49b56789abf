"""Feed protocol v1: envelopes in msgpack binary frames or JSON text frames.

See docs/protocol.md. Decoding never trusts the peer: sizes are capped,
every field is type-checked, and a bad frame raises `FrameError` with a reason
so the caller can count it and carry on.
"""

from __future__ import annotations

import dataclasses
import json
import math
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgpack

from monitor.events import EVENT_TYPES, AgentStatus, Channel, Event, Side, Snapshot

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 32 * 1024 * 1024  # a 10,000-agent snapshot is a few MB
# Sane ranges, checked at the edge so nothing downstream meets an absurd value:
MAX_SEQ = 2**53  # numbers stay exact in every JSON peer, and fit SQLite's INTEGER
MAX_INT = 2**53  # counts, levels, scores
MAX_NUMBER = 1e15  # seconds and other measures (|x|): 31 million years
MAX_EVENT_T = 4_102_444_800.0  # 2100-01-01: an event time past this is a broken clock
MAX_TEXT = 65_536  # characters in one string field (a long chat message fits)

# Control messages (not canonical events).
HELLO = "hello"  # client -> server: token, resume_from
WELCOME = "welcome"  # server -> client: role, feed, last seq
RESYNC = "resync"  # client -> server: please send a snapshot
COMMAND = "command"  # client -> server
COMMAND_RESULT = "command.result"  # server -> client
ERROR = "error"  # server -> client: reason
CONTROL_TYPES = frozenset({HELLO, WELCOME, RESYNC, COMMAND, COMMAND_RESULT, ERROR})

_ENUM_FIELDS: dict[str, frozenset[str]] = {
    "channel": frozenset(c.value for c in Channel),
    "state": frozenset(s.value for s in AgentStatus),
    "side": frozenset(s.value for s in Side),
}


class FrameError(ValueError):
    """A frame that cannot be used; `reason` is short and stable for counting."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Envelope:
    type: str
    data: dict[str, Any] = field(default_factory=dict)
    feed: str = ""
    seq: int = 0  # 0 = not sequenced (control messages, heartbeats may be)
    t: float = 0.0
    v: int = PROTOCOL_VERSION

    def as_dict(self) -> dict[str, Any]:
        return {"v": self.v, "feed": self.feed, "seq": self.seq, "t": self.t,
                "type": self.type, "data": self.data}


# ------------------------------------------------------------------- encode
def encode(env: Envelope, binary: bool = True) -> bytes | str:
    """msgpack bytes for a binary frame, or a JSON string for a text frame."""
    if binary:
        return msgpack.packb(env.as_dict(), use_bin_type=True)
    return json.dumps(env.as_dict(), ensure_ascii=False, separators=(",", ":"))


def event_envelope(event: Event, feed: str, seq: int) -> Envelope:
    names = _DATA_FIELDS.get(type(event))
    if names is None:
        names = _DATA_FIELDS[type(event)] = tuple(
            f.name for f in dataclasses.fields(event) if f.name != "t")
    data = {name: getattr(event, name) for name in names}
    return Envelope(type=event.TYPE, data=data, feed=feed, seq=seq, t=event.t)


_DATA_FIELDS: dict[type, tuple[str, ...]] = {}  # event class -> its fields but "t"


# ------------------------------------------------------------------- decode
def decode(frame: bytes | str, max_bytes: int = MAX_FRAME_BYTES) -> Envelope:
    """Parse and check one frame's envelope (not yet its event fields)."""
    if len(frame) > max_bytes:
        raise FrameError("too_large", f"{len(frame)} bytes")
    try:
        if isinstance(frame, str):
            raw = json.loads(frame)
        else:
            # msgpack caps every container and string at the frame's own length.
            raw = msgpack.unpackb(frame, raw=False, strict_map_key=True)
    except (ValueError, TypeError, msgpack.ExtraData, msgpack.FormatError,
            msgpack.StackError, RecursionError) as exc:
        raise FrameError("undecodable", type(exc).__name__) from None
    if isinstance(frame, str) and "\\u" in frame and not _encodable(raw):
        # JSON may escape half a surrogate pair: text that no store can encode.
        raise FrameError("bad_text", "lone surrogate")
    if not isinstance(raw, dict):
        raise FrameError("not_a_map")
    v = raw.get("v")
    if v != PROTOCOL_VERSION:
        raise FrameError("bad_version", repr(v))
    typ, data = raw.get("type"), raw.get("data", {})
    feed, seq, t = raw.get("feed", ""), raw.get("seq", 0), raw.get("t", 0.0)
    if not isinstance(typ, str):
        raise FrameError("bad_type_field")
    if not isinstance(data, dict) or not isinstance(feed, str):
        raise FrameError("bad_envelope")
    if not _is_int(seq) or not 0 <= seq <= MAX_SEQ:
        raise FrameError("bad_seq", repr(seq)[:40])
    if not _is_number(t):
        raise FrameError("bad_time", repr(t)[:40])
    return Envelope(type=typ, data=data, feed=feed, seq=seq, t=float(t), v=v)


def to_event(env: Envelope) -> Event:
    """The canonical event an envelope carries, fields checked against its class.

    Fields are checked in the class's order and the first bad one is reported, with
    the same reasons as ever; what to check for each type is worked out once.
    """
    plan = _PLANS.get(env.type)
    if plan is None:
        plan = _plan(env.type)
    cls, fields = plan
    if not 0.0 <= env.t <= MAX_EVENT_T and cls is not Snapshot:
        raise FrameError("bad_time", f"{env.t:.6g}")
    data = env.data
    kwargs: dict[str, Any] = {"t": env.t}
    for name, required, check, where in fields:
        if name in data:
            kwargs[name] = check(data[name])
        elif required:
            raise FrameError("missing_field", where)
    return cls(**kwargs)


# Per event type: its class and, per field but "t", (name, required, checker, "type.name").
_Checker = Callable[[Any], Any]
_PLANS: dict[str, tuple[type[Event], tuple[tuple[str, bool, _Checker, str], ...]]] = {}


def _plan(typ: str) -> tuple[type[Event], tuple[tuple[str, bool, _Checker, str], ...]]:
    cls = EVENT_TYPES.get(typ)
    if cls is None:
        raise FrameError("unknown_type", typ)
    hints = _hints(cls)
    fields = tuple(
        (f.name,
         f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
         _checker(typ, f.name, hints[f.name]),
         f"{typ}.{f.name}")
        for f in dataclasses.fields(cls) if f.name != "t"
    )
    _PLANS[typ] = (cls, fields)
    return cls, fields


def decode_event(frame: bytes | str, max_bytes: int = MAX_FRAME_BYTES) -> tuple[Envelope, Event]:
    env = decode(frame, max_bytes)
    return env, to_event(env)


# ------------------------------------------------------------------ helpers
def _encodable(value: Any, depth: int = 0) -> bool:
    """Every string in `value` is valid Unicode (encodes as UTF-8)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if depth > 100:
        return True  # deeper data is refused elsewhere (field checks)
    if isinstance(value, dict):
        return all(_encodable(k, depth + 1) and _encodable(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, list):
        return all(_encodable(v, depth + 1) for v in value)
    return True


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and -MAX_INT <= x <= MAX_INT


def _is_number(x: Any) -> bool:
    # An int is range-checked before any float conversion: 10**400 overflows a float.
    if _is_int(x):
        return True
    return isinstance(x, float) and math.isfinite(x) and -MAX_NUMBER <= x <= MAX_NUMBER


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _checker(typ: str, name: str, hint: Any) -> _Checker:
    """`_check` for one field, specialised: the common types skip the general path."""
    where = f"{typ}.{name}"
    isfinite = math.isfinite
    if hint is str and name not in _ENUM_FIELDS:
        def check_str(value: Any) -> Any:
            if isinstance(value, str):
                if len(value) > MAX_TEXT:
                    raise FrameError("too_long", where)
                return value
            raise FrameError("wrong_field_type", where)
        return check_str
    if hint is str:
        allowed = _ENUM_FIELDS[name]

        def check_enum(value: Any) -> Any:
            if isinstance(value, str) and value in allowed:
                return value
            return _check(typ, name, hint, value)
        return check_enum
    if hint is float:
        def check_float(value: Any) -> Any:
            if type(value) is float and isfinite(value) and -MAX_NUMBER <= value <= MAX_NUMBER:
                return value
            return _check(typ, name, hint, value)
        return check_float
    if hint is int:
        def check_int(value: Any) -> Any:
            if type(value) is int and -MAX_INT <= value <= MAX_INT:
                return value
            return _check(typ, name, hint, value)
        return check_int
    return lambda value: _check(typ, name, hint, value)


def _check(typ: str, name: str, hint: Any, value: Any) -> Any:
    where = f"{typ}.{name}"
    if hint is str:
        if not isinstance(value, str):
            raise FrameError("wrong_field_type", where)
        if len(value) > MAX_TEXT:
            raise FrameError("too_long", where)
        allowed = _ENUM_FIELDS.get(name)
        if allowed is not None and value not in allowed:
            raise FrameError("bad_enum_value", f"{where}={value!r}")
        return value
    if hint is float:
        if not _is_number(value):
            raise FrameError("wrong_field_type", where)
        return float(value)
    if hint is int:
        if not _is_int(value):
            raise FrameError("wrong_field_type", where)
        return value
    if typing.get_origin(hint) is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise FrameError("wrong_field_type", where)
        _, value_hint = typing.get_args(hint)
        if value_hint is int and not all(_is_int(v) for v in value.values()):
            raise FrameError("wrong_field_type", where)
        return value
    raise FrameError("unsupported_field", where)  # pragma: no cover - schema bug
