"""The floor's agent counts by state, per queue and per channel, and the online chat
slots, as kept event by event: equal to a count from the agents' records after every
event, for every state (not only the available / busy / staffed sums views show, which
a count moved between two busy states would leave unchanged)."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings

from monitor import events as ev
from monitor.state import SERVING_STATES
from tests.monitor.test_agent_counts import QUEUES, shared_floor, state_stream


def nonzero(counts: Counter) -> dict:
    return {k: v for k, v in counts.items() if v}


def assert_counts_match_records(floor, where: str) -> None:
    channel_of = {q.id: q.channel for q in floor.queues.values()}
    for q in floor.queues.values():
        truth = Counter(a.state for a in floor.agents.values() if q.id in a.skills)
        assert nonzero(q.members) == nonzero(truth), (where, q.id)
    capacity = 0
    for channel in ("hotline", "online"):
        serving = [a for a in floor.agents.values()
                   if any(channel_of.get(x) == channel for x in a.skills)]
        truth = Counter(a.state for a in serving)
        assert nonzero(floor.channel_members(channel)) == nonzero(truth), (where, channel)
        if channel == "online":
            capacity = sum(a.chat_capacity for a in serving if a.state in SERVING_STATES)
    assert floor._channel_capacity["online"] == capacity, where  # noqa: SLF001


def test_a_blended_agent_moving_between_busy_states_moves_both_channels():
    floor = shared_floor()  # "shared" serves queues of both channels
    t = floor.now
    for i, state in enumerate(["available", "ringing", "on_contact", "wrap_up", "on_contact",
                               "not_ready", "wrap_up", "available"]):
        floor.apply(ev.AgentStateChanged(t + i, "shared", state))
        assert_counts_match_records(floor, state)
    # "solo" (hotline only) is available too.
    assert floor.channel_members("hotline")["available"] == 2
    assert floor.channel_members("online")["available"] == 1


@settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(state_stream())
def test_counts_by_state_follow_the_records_after_every_event(stream):
    floor = shared_floor()
    assert_counts_match_records(floor, "start")
    for e in stream:
        floor.apply(e)
        assert_counts_match_records(floor, repr(e))
    assert set(QUEUES) <= set(floor.queues)
