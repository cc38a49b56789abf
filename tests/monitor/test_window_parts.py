"""A cached view's window part: made again exactly when its window's sums moved.

`Floor.queue_view` keeps, with each cached view, the running sums of its rolling
window (`RollingCounters.window_sums`) and the figures made from them
(`views.window_part`). When the queue changed, only a view whose sums moved gets its
window figures made again; the rest of the view (contacts, longest wait, agents,
estimate) is read afresh. These tests check that a part is never reused after its
sums moved (a stale part would show old offered/answered/SL/ASA/AHT figures) and
that it is reused when they did not, against views made from scratch.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import events as ev
from monitor import views
from monitor.estimates import REFRESH_S
from monitor.floor import Floor
from monitor.rolling import BUCKET_S, RollingCounters, totals_of
from monitor.views import QueueView

T0 = 1_767_258_000.0  # a whole minute (and a whole estimate slot)


def small_floor() -> Floor:
    floor = Floor(tz="UTC")
    floor.apply(ev.QueueDefined(T0, "h1", "H1", "hotline", 20.0))
    floor.apply(ev.QueueDefined(T0, "h2", "H2", "hotline", 20.0))
    for a in ("a1", "a2"):
        floor.apply(ev.AgentLogin(T0, a, a.upper()))
        floor.apply(ev.AgentSkills(T0, a, {"h1": 5, "h2": 5}, 0))
    floor.apply(ev.ContactOffered(T0 + 1, "c1", "h1"))
    floor.apply(ev.ContactAnswered(T0 + 3, "c1", "h1", "a1"))
    floor.apply(ev.AgentStateChanged(T0 + 3, "a1", "on_contact"))
    floor.apply(ev.ContactOffered(T0 + 4, "c2", "h1"))
    return floor


class PartsMade:
    """Counts `views.window_part` calls (each one is a window part made again)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = views.window_part

        def counted(*args, **kwargs):
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(views, "window_part", counted)

    def take(self) -> int:
        calls, self.calls = self.calls, 0
        return calls


def test_a_window_part_is_made_again_exactly_when_its_sums_moved(monkeypatch):
    floor = small_floor()
    made = PartsMade(monkeypatch)
    floor.queue_view("h1")
    assert made.take() == 1
    # (event, whether it moves h1's 15-minute window sums)
    steps: list[tuple[ev.Event, bool]] = [
        (ev.ContactEnded(T0 + 20, "c1", "h1", "a1"), False),  # in progress only
        (ev.CallbackRequested(T0 + 21, "k1", "h1", "callback", 5.0), False),  # backlog
        (ev.CallbackCompleted(T0 + 22, "k1", "h1", "a2"), True),  # worked in the window
        (ev.AgentStateChanged(T0 + 23, "a1", "wrap_up"), False),  # busy to busy
        (ev.AgentStateChanged(T0 + 25, "a1", "available"), True),  # its wrap-up joins AHT
        (ev.ContactOffered(T0 + 26, "c3", "h1"), True),
        (ev.ContactAnswered(T0 + 27, "c3", "h1", "a2"), True),
        (ev.ContactAbandoned(T0 + 28, "c2", "h1"), True),
        (ev.SurveyResult(T0 + 29, "c3", "h1", "a2", 9, 5), True),
        (ev.ContactEnded(T0 + 30, "c3", "h1", "a2"), False),
        (ev.Heartbeat(T0 + REFRESH_S * 4 + 1), False),  # a new estimate slot
        (ev.Heartbeat(T0 + 2 * BUCKET_S + 1), False),  # minutes passed, none left
        (ev.ContactOffered(T0 + 3 * BUCKET_S, "c4", "h1"), True),
        (ev.Heartbeat(T0 + 15 * BUCKET_S + 1), True),  # minute 0 left the window
        (ev.Heartbeat(T0 + 18 * BUCKET_S + 1), True),  # and minute 3
        (ev.Heartbeat(T0 + 19 * BUCKET_S + 1), False),  # an empty window stays empty
    ]
    for event, moves in steps:
        before = floor.queue_view("h1")
        floor.apply(event)
        floor.take_changes()
        view = floor.queue_view("h1")
        assert view == views.fresh_queue_view(floor, "h1"), event
        assert made.take() == int(moves), event
        if not moves:
            for name in views.WINDOW_FIELDS:
                assert getattr(view, name) == getattr(before, name), (event, name)
    assert view.offered == 0 and view.answered == 0  # every count left the window


def test_a_part_is_not_reused_across_windows_or_variants(monkeypatch):
    floor = small_floor()
    for window in (5, 15, 60):
        assert floor.queue_view("h1", window) == views.fresh_queue_view(floor, "h1", window)
    floor.apply(ev.ContactAnswered(T0 + 6 * BUCKET_S, "c2", "h1", "a2"))  # after 6 min
    floor.apply(ev.ContactOffered(T0 + 6 * BUCKET_S, "c5", "h1"))
    floor.apply(ev.ContactAbandoned(T0 + 6 * BUCKET_S + 10, "c5", "h1"))
    # The 5-minute window lost c1's minute (its answer within T); the others kept it.
    for window in (5, 15, 60):
        assert floor.queue_view("h1", window) == views.fresh_queue_view(floor, "h1", window)
    before = floor.queue_view("h1")
    assert before.service_level == pytest.approx(1 / 3)  # 1 of 2 answered + 1 abandoned
    made = PartsMade(monkeypatch)
    floor.sl_variants["h1"] = "answered"  # the same sums, another service level
    view = floor.queue_view("h1")
    assert made.take() == 1
    assert view == views.fresh_queue_view(floor, "h1")
    assert view.sl_variant == "answered" and view.service_level == 0.5  # 1 of 2 answered


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_views_follow_random_traffic_with_parts_kept(seed: int):
    """Random contact traffic on two queues, read as a wall would after every event."""
    rng = random.Random(seed)
    floor = small_floor()
    t, waiting, talking, n = T0 + 5, ["c2"], [("c1", "a1")], 10
    free = ["a2"]
    for _ in range(60):
        t += rng.choice([0.2, 1.0, 7.0, 45.0, 130.0])
        roll = rng.random()
        if roll < 0.35:
            n += 1
            waiting.append(f"c{n}")
            event: ev.Event = ev.ContactOffered(t, f"c{n}", rng.choice(["h1", "h2"]))
        elif roll < 0.55 and waiting and free:
            contact, agent = waiting.pop(0), free.pop()
            talking.append((contact, agent))
            event = ev.ContactAnswered(t, contact, floor.contacts[contact].queue, agent)
        elif roll < 0.7 and talking:
            contact, agent = talking.pop(0)
            free.append(agent)
            event = ev.ContactEnded(t, contact, floor.contacts[contact].queue, agent)
        elif roll < 0.8 and waiting:
            contact = waiting.pop()
            event = ev.ContactAbandoned(t, contact, floor.contacts[contact].queue)
        else:
            event = ev.Heartbeat(t)
        floor.apply(event)
        changes = floor.take_changes()
        for queue_id in changes.queues:
            floor.queue_view(queue_id)
        for queue_id in floor.queues:
            assert floor.queue_view(queue_id) == views.fresh_queue_view(floor, queue_id), event


@given(
    st.lists(st.tuples(st.integers(0, 200), st.integers(0, 4), st.floats(0.0, 500.0)),
             max_size=60),
    st.lists(st.integers(0, 200), min_size=1, max_size=8),
)
def test_window_sums_stand_for_the_window(writes, reads):
    """`totals_of(window_sums(...))` is `window(...)`; equal sums are equal windows."""
    ring = RollingCounters()
    now = T0
    seen: dict[tuple, object] = {}
    for second, field_index, value in writes:
        now = max(now, T0 + second * 7.0)
        bucket = ring.bucket(now, now)
        assert bucket is not None
        if field_index == 0:
            bucket.offered += 1
        elif field_index == 1:
            bucket.answered += 1
            bucket.wait_answered_s += value
        elif field_index == 2:
            bucket.handled += 1
            bucket.handle_s += value
        elif field_index == 3:
            bucket.max_wait_s = max(bucket.max_wait_s, value)
        else:
            bucket.abandoned += 1
        for minutes in (0, 1, 5, 15, 60):
            sums = ring.window_sums(now, minutes)
            window = ring.window(now, minutes)
            assert totals_of(sums) == window
            if sums in seen:
                assert seen[sums] == window
            seen[sums] = window
    for later in reads:
        at = now + later * 11.0
        assert totals_of(ring.window_sums(at, 15)) == ring.window(at, 15)


def test_queue_views_are_equal_exactly_when_every_field_is():
    floor = small_floor()
    view = floor.queue_view("h1")
    same = QueueView(**vars(view))
    assert view == same and hash(view) == hash(same) and not view != same
    for name, value in vars(view).items():
        other = QueueView(**{**vars(view), name: (value, "x")})
        assert view != other and not view == other, name
    assert view != vars(view) and view != object()
