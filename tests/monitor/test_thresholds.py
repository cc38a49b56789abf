"""Tile state from a queue view: each rule on a hand-built view, no floor or Qt needed."""

import dataclasses

import pytest

from monitor.thresholds import DEFAULT_THRESHOLDS, Thresholds, TileState, tile_state
from monitor.views import QueueView

# A quiet, healthy queue: SL target 20 s, nobody waiting, one agent staffed.
CALM = QueueView(
    id="hl", name="General", name_zh="", channel="hotline", tier="normal", sl_target_s=20.0,
    waiting=0, longest_wait_s=0.0, backlog=0, offered=10, answered=10, abandoned=0,
    service_level=0.9, asa_s=5.0, aht_s=120.0, abandon_rate=0.0, agents_available=1,
    agents_busy=0, agents_staffed=1, window=15, sl_variant="answered", short_abandoned=0,
    other_exits=0, callbacks=0, abandoned_wait_s=None, first_response_s=None, nps=None,
    csat=None, in_progress=0, ewt_s=None, ewt_model="",
)


def view(**changes) -> QueueView:
    return dataclasses.replace(CALM, **changes)


def test_defaults_are_the_walls_long_standing_limits():
    assert DEFAULT_THRESHOLDS == Thresholds(sl_goal=0.80, sl_critical=0.60,
                                            critical_wait_factor=3.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_THRESHOLDS.sl_goal = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(("changes", "state"), [
    ({}, TileState.OK),
    ({"service_level": None, "offered": 0, "answered": 0}, TileState.OK),  # no traffic yet
    ({"service_level": 0.80}, TileState.OK),  # at the goal is not below it
    ({"longest_wait_s": 20.0, "waiting": 1}, TileState.OK),  # at T is within T
    ({"service_level": 0.79}, TileState.WARNING),
    ({"longest_wait_s": 21.0, "waiting": 1}, TileState.WARNING),
    ({"longest_wait_s": 60.0, "waiting": 1}, TileState.WARNING),  # 3 x T is not over it
    ({"service_level": 0.60}, TileState.WARNING),
    ({"service_level": 0.59}, TileState.CRITICAL),
    ({"longest_wait_s": 61.0, "waiting": 1}, TileState.CRITICAL),
    # Contacts waiting and nobody staffed: critical even with a perfect record.
    ({"waiting": 1, "agents_staffed": 0, "agents_available": 0}, TileState.CRITICAL),
    # Nobody staffed and nobody waiting: nothing needs doing.
    ({"agents_staffed": 0, "agents_available": 0}, TileState.OK),
])
def test_each_rule(changes, state):
    assert tile_state(view(**changes)) == state


def test_a_target_under_a_second_counts_as_one_second():
    assert tile_state(view(sl_target_s=0.0, longest_wait_s=0.5, waiting=1)) == TileState.OK
    assert tile_state(view(sl_target_s=0.0, longest_wait_s=2.0, waiting=1)) == \
        TileState.WARNING
    assert tile_state(view(sl_target_s=0.0, longest_wait_s=3.5, waiting=1)) == \
        TileState.CRITICAL


def test_thresholds_can_be_set():
    strict = Thresholds(sl_goal=0.95, sl_critical=0.85, critical_wait_factor=1.5)
    assert tile_state(view(service_level=0.9)) == TileState.OK
    assert tile_state(view(service_level=0.9), strict) == TileState.WARNING
    assert tile_state(view(service_level=0.8), strict) == TileState.CRITICAL
    assert tile_state(view(longest_wait_s=31.0, waiting=1), strict) == TileState.CRITICAL


def test_states_are_plain_strings():
    assert [str(s) for s in TileState] == ["ok", "warning", "critical"]
