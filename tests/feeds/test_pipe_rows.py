"""Events made of the feed process's pipe rows (`feeds.sources.process._maker`): the same
events the constructors make, frozen as ever, and refused when a row does not fit."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from feeds.source import FeedEvent
from feeds.sources import process
from monitor import events as ev

SAMPLE = {str: "x", float: 1.5, int: 2, dict[str, int]: {"hl": 3}, dict[str, typing.Any]: {}}


def sample_row(cls: type[ev.Event], k: int) -> tuple:
    hints = typing.get_type_hints(cls)
    values = []
    for i, f in enumerate(dataclasses.fields(cls)):
        v = SAMPLE[hints[f.name]]
        if isinstance(v, str):  # every field its own value: a swap would show
            v = f"{v}{k}{i}"
        elif isinstance(v, int | float):
            v += 10 * k + i
        values.append(v)
    return (process._CODES[cls], *values)  # noqa: SLF001 - the pipe's own table


@pytest.mark.parametrize("cls", process._CLASSES, ids=lambda c: c.__name__)  # noqa: SLF001
def test_a_row_makes_the_event_its_constructor_makes(cls):
    make = process._MAKERS[process._CODES[cls]]  # noqa: SLF001
    for k in range(3):
        row = sample_row(cls, k)
        made, truth = make(row), cls(*row[1:])
        assert type(made) is cls
        assert made == truth and repr(made) == repr(truth)
        assert dataclasses.astuple(made) == dataclasses.astuple(truth)
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.t = 0.0  # type: ignore[misc]
    # A row of another length is the constructor's to judge: the same event (a field
    # with a default left out) or the same refusal.
    short = sample_row(cls, 0)[:-1]
    try:
        truth = cls(*short[1:])
    except TypeError:
        with pytest.raises(TypeError):
            make(short)
    else:
        assert make(short) == truth
    with pytest.raises(TypeError):
        make((*sample_row(cls, 0), "extra"))


def test_every_event_but_the_snapshot_is_made_without_its_constructor():
    # The point of the makers: slots set directly. A class they cannot build so (a
    # snapshot, with its prepared state) falls back to the constructor.
    for cls, make in zip(process._CLASSES, process._MAKERS, strict=True):  # noqa: SLF001
        direct = make.__code__.co_filename.startswith("<pipe row")
        assert direct == (cls is not ev.Snapshot), cls.__name__


def test_a_feed_event_made_directly_equals_the_constructed_one():
    event = ev.ContactOffered(1.0, "c1", "hl")
    made = process._feed_event("ws://a", 7, event)  # noqa: SLF001
    assert made == FeedEvent("ws://a", 7, event) and type(made) is FeedEvent
    assert (made.feed, made.seq, made.event) == ("ws://a", 7, event)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.seq = 8  # type: ignore[misc]
