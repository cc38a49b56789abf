"""Longest wait in whole seconds, and `Changes` naming a waiting queue once a second.

The longest wait moves with the clock. It is a whole number of seconds (floored), so a
waiting queue's view moves once a second at its own phase, and `take_changes` names it
for the clock alone only then: at 10 ticks/s about a tenth of the waiting queues per
tick, not all of them. tests/monitor/test_view_cache.py checks the same contract
under random streams against views computed from scratch.
"""

from __future__ import annotations

import random
from collections import Counter

from monitor import events as ev
from monitor import views
from monitor.floor import Floor

T0 = 1_767_258_000.0  # a whole minute (and a whole 10 s estimate slot)


def _floor(queues: dict[str, str]) -> Floor:
    floor = Floor(tz="UTC")
    for queue_id, channel in queues.items():
        floor.apply(ev.QueueDefined(T0, queue_id, queue_id.upper(), channel, 20.0))
    return floor


def _read(floor: Floor) -> None:
    """A tick of a reader that reads what `take_changes` names (the UI tick)."""
    changes = floor.take_changes()
    for queue_id in changes.queues:
        floor.queue_view(queue_id)
    for channel in changes.channels:
        floor.channel_view(channel)


def test_longest_wait_is_whole_seconds_rounded_down():
    floor = _floor({"h1": "hotline", "o1": "online"})
    floor.apply(ev.ContactOffered(T0 + 0.5, "c1", "h1"))
    floor.apply(ev.ContactOffered(T0 + 0.25, "c2", "o1"))  # late: older than c1
    floor.apply(ev.Heartbeat(T0 + 60.4))  # c1 59.9 s, c2 60.15 s
    assert floor.queue_view("h1").longest_wait_s == 59.0
    assert floor.queue_view("o1").longest_wait_s == 60.0
    assert floor.channel_view("hotline").longest_wait_s == 59.0
    floor.apply(ev.Heartbeat(T0 + 60.5))  # c1 exactly 60 s
    assert floor.queue_view("h1").longest_wait_s == 60.0
    for queue_id in floor.queues:
        assert floor.queue_view(queue_id) == views.fresh_queue_view(floor, queue_id)
    for channel in ("hotline", "online"):
        assert floor.channel_view(channel) == views.fresh_channel_view(floor, channel)
    floor.apply(ev.ContactOffered(T0 + 60.6, "c3", "h1"))
    assert floor.queue_view("h1").longest_wait_s == 60.0  # still c1's
    assert floor.queue_view("h1").waiting == 2


def test_under_a_second_of_waiting_is_zero():
    floor = _floor({"h1": "hotline"})
    floor.apply(ev.ContactOffered(T0 + 1.0, "c1", "h1"))
    floor.apply(ev.Heartbeat(T0 + 1.99))
    assert floor.queue_view("h1").longest_wait_s == 0.0
    assert floor.channel_view("hotline").longest_wait_s == 0.0


def test_at_400_waiting_queues_a_tick_names_a_tenth_and_a_second_names_each_once():
    queues = {f"q{n:03d}": "hotline" if n % 2 else "online" for n in range(400)}
    floor = _floor(queues)
    # One contact per queue, offered at phases spread over one second, none on a tick.
    for n, queue_id in enumerate(queues):
        floor.apply(ev.ContactOffered(T0 + (n + 0.5) / 400, f"c{n}", queue_id))
    floor.apply(ev.Heartbeat(T0 + 2.0))
    _read(floor)
    named: Counter[str] = Counter()
    for k in range(1, 11):  # ten ticks of 0.1 s: one whole second, the clock alone
        floor.apply(ev.Heartbeat(T0 + 2.0 + k / 10))
        changes = floor.take_changes()
        assert 30 <= len(changes.queues) <= 50, (k, len(changes.queues))  # about 40
        assert changes.agents == set() and not changes.structure
        assert changes.channels == {queues[q] for q in changes.queues}
        named.update(changes.queues)
        for queue_id in changes.queues:
            floor.queue_view(queue_id)
        for channel in changes.channels:
            floor.channel_view(channel)
        # Nothing it left out moved: every view equals one computed from scratch.
        for queue_id in queues:
            assert floor.queue_view(queue_id) == views.fresh_queue_view(floor, queue_id)
    assert set(named) == set(queues)
    assert set(named.values()) == {1}  # each waiting queue exactly once in the second
    # Each reached the next whole second: waited 2 s (offered in the first second).
    assert {floor.queue_view(q).longest_wait_s for q in queues} == {2.0}


def test_a_tick_in_the_same_whole_second_names_nothing():
    floor = _floor({"h1": "hotline", "o1": "online"})
    floor.apply(ev.ContactOffered(T0 + 0.3, "c1", "h1"))
    floor.apply(ev.ContactOffered(T0 + 0.7, "c2", "o1"))
    floor.apply(ev.Heartbeat(T0 + 1.2))  # h1 0.9 s, o1 0.5 s
    _read(floor)
    view = floor.queue_view("h1")
    floor.apply(ev.Heartbeat(T0 + 1.25))
    changes = floor.take_changes()
    assert (changes.queues, changes.channels) == (set(), set())
    assert floor.queue_view("h1") is view  # the clock moved, the figure did not
    floor.apply(ev.Heartbeat(T0 + 1.5))  # h1 1.2 s: its second moved, o1's not
    changes = floor.take_changes()
    assert (changes.queues, changes.channels) == ({"h1"}, {"hotline"})
    assert floor.channel_view("hotline").longest_wait_s == 1.0
    floor.apply(ev.Heartbeat(T0 + 1.8))  # o1 1.1 s
    changes = floor.take_changes()
    assert (changes.queues, changes.channels) == ({"o1"}, {"online"})


def test_when_the_oldest_leaves_the_next_oldest_sets_the_phase():
    floor = _floor({"h1": "hotline"})
    floor.apply(ev.ContactOffered(T0 + 0.1, "c1", "h1"))
    floor.apply(ev.ContactOffered(T0 + 0.6, "c2", "h1"))
    floor.apply(ev.Heartbeat(T0 + 5.0))
    _read(floor)
    floor.apply(ev.ContactAbandoned(T0 + 5.05, "c1", "h1"))  # an event: named anyway
    assert "h1" in floor.take_changes().queues
    assert floor.queue_view("h1").longest_wait_s == 4.0  # c2, 4.45 s
    floor.apply(ev.Heartbeat(T0 + 5.15))  # c1's old phase (5.1) passed: c2 still 4.55
    assert floor.take_changes().queues == set()
    floor.apply(ev.Heartbeat(T0 + 5.65))  # c2 5.05 s
    assert floor.take_changes().queues == {"h1"}
    assert floor.queue_view("h1").longest_wait_s == 5.0


def test_a_contact_offered_late_counts_when_the_oldest_leaves():
    """Offers can arrive out of time order: the next oldest is not always the next in line."""
    floor = _floor({"h1": "hotline"})
    floor.apply(ev.ContactOffered(T0 + 10, "a", "h1"))
    floor.apply(ev.ContactOffered(T0 + 12, "b", "h1"))
    floor.apply(ev.ContactOffered(T0 + 11, "c", "h1"))  # delivered late
    floor.apply(ev.Heartbeat(T0 + 20.5))
    assert floor.queue_view("h1").longest_wait_s == 10.0  # a
    floor.apply(ev.ContactAnswered(T0 + 20.6, "a", "h1", "x1"))
    assert floor.queue_view("h1").longest_wait_s == 9.0  # c (9.6 s), not b
    assert floor.channel_view("hotline").longest_wait_s == 9.0
    assert floor.queue_view("h1") == views.fresh_queue_view(floor, "h1")


def test_fine_clock_steps_against_views_from_scratch():
    """Ticks of 0.01-0.3 s with contacts coming and going: nothing shown is stale."""
    rng = random.Random(8)
    queues = {f"q{n}": "hotline" if n % 2 else "online" for n in range(12)}
    floor, shown, headers = _floor(queues), {}, {}
    t, contacts, waiting = T0, 0, []
    for _ in range(1500):
        t += rng.choice([0.01, 0.05, 0.1, 0.1, 0.1, 0.3, rng.random()])
        for _ in range(rng.randrange(3)):
            roll = rng.random()
            if roll < 0.45 or not waiting:
                contacts += 1
                late = rng.random() < 0.3  # offered in the past
                at = t - rng.random() * 3 if late else t
                waiting.append((f"c{contacts}", rng.choice(list(queues))))
                floor.apply(ev.ContactOffered(at, *waiting[-1]))
            else:
                contact, queue_id = waiting.pop(rng.randrange(len(waiting)))
                floor.apply(ev.ContactAbandoned(t, contact, queue_id))
        floor.apply(ev.Heartbeat(t))
        changes = floor.take_changes()
        for queue_id in changes.queues:
            shown[queue_id] = floor.queue_view(queue_id)
        for channel in changes.channels:
            headers[channel] = floor.channel_view(channel)
        for queue_id in queues:
            assert shown.get(queue_id) == views.fresh_queue_view(floor, queue_id), t
        for channel, view in headers.items():
            assert view == views.fresh_channel_view(floor, channel), t
