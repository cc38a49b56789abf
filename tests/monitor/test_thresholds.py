"""Tile state from a queue view: each rule on a hand-built view, no floor or Qt needed."""

import dataclasses

import pytest

from monitor.thresholds import (
    DEFAULT_BOOK,
    DEFAULT_THRESHOLDS,
    Rule,
    ThresholdBook,
    Thresholds,
    TileState,
    describe,
    evaluate,
    rule_text,
    sl_basis,
    tile_state,
)
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
                                            critical_wait_factor=3.0, min_contacts=10)
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


# ------------------------------------------------ how many contacts a percentage needs
def test_a_percentage_over_too_few_contacts_turns_nothing():
    # Complaints at 52 % with nobody waiting, on 4 answered contacts: not critical.
    few = view(service_level=0.52, offered=4, answered=4)
    assert tile_state(few) == TileState.OK
    verdict = evaluate(few)
    assert verdict.rule == Rule.NONE and verdict.sl_too_few
    # The same figure over enough contacts is critical.
    assert evaluate(view(service_level=0.52, offered=12, answered=12)).rule == \
        Rule.SL_CRITICAL
    # A long wait counts however few contacts the SL rests on.
    assert tile_state(view(service_level=0.52, offered=4, answered=4, waiting=1,
                           longest_wait_s=61.0)) == TileState.CRITICAL
    # The rule's own minimum decides; 0 lets any percentage count.
    assert tile_state(few, Thresholds(min_contacts=0)) == TileState.CRITICAL
    assert tile_state(few, Thresholds(min_contacts=4)) == TileState.CRITICAL


@pytest.mark.parametrize(("variant", "basis"), [
    ("offered", 12 + 3 + 1 + 1 - 2), ("answered", 12), ("answered_abandoned", 15),
    ("removed", 17),
])
def test_sl_basis_is_the_variants_denominator(variant, basis):
    v = view(sl_variant=variant, answered=12, abandoned=3, other_exits=1, callbacks=1,
             short_abandoned=2)
    assert sl_basis(v) == basis


def test_each_rule_is_named():
    assert evaluate(view(waiting=1, agents_staffed=0, agents_available=0)).rule == \
        Rule.UNSTAFFED
    assert evaluate(view(longest_wait_s=61.0, waiting=1)).rule == Rule.WAIT_CRITICAL
    assert evaluate(view(service_level=0.5)).rule == Rule.SL_CRITICAL
    assert evaluate(view(longest_wait_s=21.0, waiting=1)).rule == Rule.WAIT_WARNING
    assert evaluate(view(service_level=0.7)).rule == Rule.SL_WARNING
    assert evaluate(view()).rule == Rule.NONE


def test_a_book_gives_each_queue_its_own_thresholds():
    vip = Thresholds(sl_goal=0.95, sl_critical=0.9)
    book = ThresholdBook(Thresholds(sl_goal=0.7), {"vip": vip})
    assert book.for_queue("vip") is vip
    assert book.for_queue("general").sl_goal == 0.7
    assert DEFAULT_BOOK.for_queue("anything") == DEFAULT_THRESHOLDS
    assert tile_state(view(id="vip", service_level=0.93), book.for_queue("vip")) == \
        TileState.WARNING


def test_the_rule_in_numbers_and_in_english():
    d = describe(view(sl_target_s=30.0, service_level=0.52, offered=4, answered=4),
                 Thresholds(sl_goal=0.9, sl_critical=0.7, critical_wait_factor=2.0,
                            min_contacts=8))
    assert (d.sl_goal_pct, d.sl_critical_pct, d.target_s, d.critical_wait_s) == \
        (90.0, 70.0, 30.0, 60.0)
    assert (d.min_contacts, d.contacts) == (8, 4)
    assert d.verdict.sl_too_few
    text = rule_text(d)
    assert "Warning below 90 % SL or a wait over 30 s" in text
    assert "critical below 70 % SL, a wait over 60 s" in text
    assert "from 8 contacts (now 4)" in text and "too few contacts" in text


def test_out_of_range_thresholds_are_named():
    assert Thresholds().problems() == []
    assert [f for f, _ in Thresholds(sl_goal=1.2).problems()] == ["sl_goal"]
    assert [f for f, _ in Thresholds(sl_goal=0.5, sl_critical=0.6).problems()] == \
        ["sl_critical"]
    assert [f for f, _ in Thresholds(critical_wait_factor=0.5).problems()] == \
        ["critical_wait_factor"]
    assert [f for f, _ in Thresholds(min_contacts=-1).problems()] == ["min_contacts"]
