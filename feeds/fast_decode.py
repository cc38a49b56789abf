"""A fast path for binary event frames: one typed msgspec decode, every check included.

`feeds.protocol.decode` + `to_event` is the reference: it judges every frame and
names the reason for each refusal. This module only answers the common case
faster. `decode_event` takes a msgpack frame and returns (seq, event) when a
typed decode into per-type structs, with the protocol's bounds written into the
types (`seq` 0..2^53, an event's `t` in 0..2100-01-01, integers within ±2^53,
numbers within ±10^15, strings of at most 65,536 characters, enumerated values
from their sets), accepts it. The structs are strict: an unknown key, a missing
`data`, a snapshot, a control message, `v` written as anything but the integer 1,
any value the types refuse - all return None, and the caller asks the reference
path, which then gives the same verdict and reason as ever. So this path only
ever accepts frames the reference accepts, and makes the same event of them
(tests/feeds/test_fast_decode.py checks both against hostile frames).
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Annotated, Any, Literal

import msgspec

from monitor.events import EVENT_TYPES, Event, Snapshot

from . import protocol as p

_Text = Annotated[str, msgspec.Meta(max_length=p.MAX_TEXT)]
_Number = Annotated[float, msgspec.Meta(ge=-p.MAX_NUMBER, le=p.MAX_NUMBER)]
_Int = Annotated[int, msgspec.Meta(ge=-p.MAX_INT, le=p.MAX_INT)]
_Seq = Annotated[int, msgspec.Meta(ge=0, le=p.MAX_SEQ)]
_EventTime = Annotated[float, msgspec.Meta(ge=0.0, le=p.MAX_EVENT_T)]


def _field_type(name: str, hint: Any) -> Any:
    """The msgspec type that accepts exactly what `protocol._check` accepts for the field,
    or less (a value it refuses goes to the reference path, which may still take it)."""
    if hint is str:
        allowed = p._ENUM_FIELDS.get(name)  # noqa: SLF001 - one table for both paths
        return Literal[tuple(sorted(allowed))] if allowed else _Text
    if hint is float:
        return _Number
    if hint is int:
        return _Int
    if typing.get_origin(hint) is dict and typing.get_args(hint) == (str, int):
        return dict[str, _Int]
    raise TypeError(f"no fast type for {name}: {hint}")  # pragma: no cover - schema change


def _envelope_struct(typ: str, cls: type[Event]) -> type[msgspec.Struct]:
    """`{"v": 1, "feed", "seq", "t", "type": typ, "data": {...}}` for one event type."""
    hints = typing.get_type_hints(cls)
    fields: list[tuple[Any, ...]] = []
    for f in dataclasses.fields(cls):
        if f.name == "t":
            continue
        kind = _field_type(f.name, hints[f.name])
        if f.default is not dataclasses.MISSING:
            fields.append((f.name, kind, f.default))
        elif f.default_factory is not dataclasses.MISSING:
            fields.append((f.name, kind, msgspec.field(default_factory=f.default_factory)))
        else:
            fields.append((f.name, kind))
    data = msgspec.defstruct(f"{cls.__name__}Data", fields, forbid_unknown_fields=True,
                             kw_only=True)
    return msgspec.defstruct(
        f"{cls.__name__}Frame",
        [("v", Literal[1]), ("data", data), ("feed", str, ""), ("seq", _Seq, 0),
         ("t", _EventTime, 0.0)],
        tag_field="type", tag=typ, forbid_unknown_fields=True, kw_only=True)


# Frame struct -> the event class it makes; the data struct's fields are the event's
# fields but `t`, in the class's order, so `cls(t, *astuple(data))` builds the event.
_CLASSES: dict[type[msgspec.Struct], type[Event]] = {
    _envelope_struct(typ, cls): cls for typ, cls in EVENT_TYPES.items() if cls is not Snapshot
}
_decoder = msgspec.msgpack.Decoder(typing.Union[tuple(_CLASSES)])  # noqa: UP007 - a runtime tuple
_astuple = msgspec.structs.astuple
# Deep nesting raises RecursionError in msgspec (the reference path names it undecodable).
_Failed = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)


def decode_fields(frame: bytes) -> tuple[int, type[Event], float, tuple[Any, ...]] | None:
    """(seq, event class, t, the other fields in the class's order) for a msgpack event
    frame every check accepts, else None (ask `protocol.decode` + `to_event`: they
    decide, and name the reason)."""
    try:
        env = _decoder.decode(frame)
    except _Failed:
        return None
    return env.seq, _CLASSES[type(env)], env.t, _astuple(env.data)


def decode_event(frame: bytes) -> tuple[int, Event] | None:
    """(seq, event) for a msgpack event frame every check accepts, else None."""
    fast = decode_fields(frame)
    if fast is None:
        return None
    seq, cls, t, rest = fast
    return seq, cls(t, *rest)
