"""Cached views and `Changes` against views recomputed from scratch.

The floor keeps running sums, per-channel counts and cached views so that a tick costs
what changed. These tests check that nothing a reader sees is stale: random event
streams (contacts in and out of queues, agents changing state and skills, queues moving
channel, snapshots, heartbeats over minute, half-hour and day boundaries, long gaps)
are applied while a simulated UI reads only what `take_changes` names, and after every
tick each figure it shows must equal `monitor.views.fresh_*`, which walks the raw
records with no running sum, count or cache.
"""

from __future__ import annotations

import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import events as ev
from monitor import views
from monitor.estimates import REFRESH_S
from monitor.floor import WINDOW_INTERVAL, WINDOW_TODAY, Floor
from monitor.rolling import BUCKET_S, KEEP_MINUTES, RollingCounters, Totals, exact_sum

# 2026-01-01 23:10 UTC: streams cross the 23:30 half hour and the 00:00 UTC day reset.
T0 = 1_767_309_000.0
QUEUES = {"h1": "hotline", "h2": "hotline", "o1": "online", "o2": "online"}
AGENTS = ("a0", "a1", "a2", "a3", "a4")
CONTACTS = tuple(f"c{i}" for i in range(8))
WINDOWS = (15, 5, 60, WINDOW_INTERVAL, WINDOW_TODAY)
CHANNELS = ("hotline", "online")
HUGE_T = 1.5e17  # years past what datetime can hold; float steps of 32 s there

EXAMPLES = settings.default.max_examples
CACHE_SETTINGS = settings(
    max_examples=2 * EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# ------------------------------------------------------------------ streams
gaps = st.one_of(
    st.sampled_from([0.0, 0.5, 10.0, 59.9, 60.0]),
    st.floats(0.0, 30.0),
    st.floats(30.0, 400.0),
    st.sampled_from([1800.0, 3700.0]),  # a half hour; over an hour (the ring wraps)
)


@st.composite
def actions(draw: st.DrawFn) -> tuple:
    """One step: (kind, args), resolved into an event against the running time."""
    kind = draw(st.sampled_from([
        "offer", "offer", "offer", "answer", "answer", "abandon", "exit", "callback",
        "callback_done", "end", "transfer", "message", "survey", "state", "state",
        "skills", "login", "logout", "define", "heartbeat", "heartbeat", "late",
        "snapshot",
    ]))
    q = draw(st.sampled_from(sorted(QUEUES)))
    c = draw(st.sampled_from(CONTACTS))
    a = draw(st.sampled_from(AGENTS))
    extra = draw(st.one_of(
        st.sampled_from(sorted(QUEUES)), st.sampled_from(["available", "not_ready",
                                                          "on_contact", "wrap_up"])))
    return kind, q, c, a, extra, draw(st.integers(0, 10)), draw(st.floats(0.0, 200.0))


def event_for(step: tuple, t: float, floor: Floor) -> ev.Event | None:
    kind, q, c, a, extra, n, back = step
    # Mostly pick a contact the floor has where it is, so flows run to their end.
    if n < 8 and kind in ("answer", "abandon", "exit", "callback", "transfer", "end",
                          "message", "survey", "late"):
        answered = kind in ("end", "message", "survey")
        known = [x for x in floor.contacts.values() if (x.answered_t is not None) == answered]
        if known:
            contact = known[n % len(known)]
            c, q, a = contact.id, contact.queue, contact.agent or a
    other = extra if extra in QUEUES else "h1"
    state = extra if extra not in QUEUES else "available"
    if kind == "offer":
        return ev.ContactOffered(t, c, q)
    if kind == "answer":
        return ev.ContactAnswered(t, c, q, a)
    if kind == "abandon":
        return ev.ContactAbandoned(t, c, q)
    if kind == "exit":
        return ev.ContactExited(t, c, q, "timeout")
    if kind == "callback":
        return ev.CallbackRequested(t, c, q, "callback", 5.0)
    if kind == "callback_done":
        return ev.CallbackCompleted(t, c, q, a)
    if kind == "end":
        return ev.ContactEnded(t, c, q, a)
    if kind == "transfer":
        return ev.ContactTransferred(t, c, q, other, a)
    if kind == "message":
        return ev.ChatMessage(t, c, "customer" if n % 2 else "agent", "hi", a)
    if kind == "survey":
        return ev.SurveyResult(t, c, q, a, n, n % 6)
    if kind == "state":
        return ev.AgentStateChanged(t, a, state, "break" if state == "not_ready" else "")
    if kind == "skills":
        chosen = {x: 1 for i, x in enumerate(sorted(QUEUES)) if (n >> i) & 1}
        return ev.AgentSkills(t, a, chosen, n % 4)
    if kind == "login":
        return ev.AgentLogin(t, a, a.upper())
    if kind == "logout":
        return ev.AgentLogout(t, a)
    if kind == "define":
        channel = CHANNELS[n % 2]
        return ev.QueueDefined(t, q, q.upper(), channel, [10.0, 20.0, 60.0][n % 3])
    if kind == "late":  # delivered late: an outcome stamped in the past
        return ev.ContactAbandoned(t - back, c, q)
    if kind == "heartbeat":
        return ev.Heartbeat(t)
    return None  # snapshot: built from the floor itself


@st.composite
def streams(draw: st.DrawFn) -> tuple[list[tuple], list[float], list[bool], bool]:
    steps = draw(st.lists(actions(), min_size=10, max_size=80))
    step_gaps = [draw(gaps) for _ in steps]
    ticks = [draw(st.integers(0, 2)) > 0 for _ in steps]  # a UI tick after this step?
    jump = draw(st.integers(0, 9)) == 0  # one example in ten leaps to year ~4.7 billion
    return steps, step_gaps, ticks, jump


def setup_events() -> list[ev.Event]:
    out: list[ev.Event] = [
        ev.QueueDefined(T0, q, q.upper(), ch, 20.0 if ch == "hotline" else 60.0)
        for q, ch in QUEUES.items()
    ]
    for i, a in enumerate(AGENTS):
        skills = {"h1": 1, "o1": 1} if i == 0 else {sorted(QUEUES)[i % 4]: 1}
        out += [ev.AgentLogin(T0, a, a.upper()), ev.AgentSkills(T0, a, skills, 2)]
    return out


# ------------------------------------------------------------------ the reader
class Wall:
    """A UI that reads only what `take_changes` names, for every window."""

    def __init__(self) -> None:
        self.tiles: dict[tuple[str, object], views.QueueView] = {}
        self.headers: dict[tuple[str, object], views.ChannelView] = {}
        self.ticks = 0

    def tick(self, floor: Floor) -> None:
        changes = floor.take_changes()
        self.ticks += 1
        for key in [k for k in self.tiles if k[0] not in floor.queues]:
            del self.tiles[key]
        for queue_id in changes.queues:
            if queue_id in floor.queues:
                for w in WINDOWS:
                    self.tiles[(queue_id, w)] = floor.queue_view(queue_id, w)
                assert floor.queues[queue_id].channel in changes.channels
        for channel in changes.channels:
            for w in WINDOWS:
                self.headers[(channel, w)] = floor.channel_view(channel, w)

    def check(self, floor: Floor, where: str) -> None:
        for queue_id in floor.queues:
            for w in WINDOWS:
                fresh = views.fresh_queue_view(floor, queue_id, w)
                shown = self.tiles.get((queue_id, w))
                assert shown == fresh, f"{where}: tile {queue_id} {w}: {shown} != {fresh}"
                assert floor.queue_view(queue_id, w) == fresh, f"{where}: cache {queue_id} {w}"
        for channel in CHANNELS:
            for w in WINDOWS:
                fresh_ch = views.fresh_channel_view(floor, channel, w)
                if (channel, w) in self.headers:
                    assert self.headers[(channel, w)] == fresh_ch, \
                        f"{where}: header {channel} {w}"
                assert floor.channel_view(channel, w) == fresh_ch, f"{where}: cache {channel} {w}"


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (rather than hang) if the block runs longer than `seconds`."""
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------- tests
@CACHE_SETTINGS
@given(streams(), st.booleans())
def test_what_a_tick_shows_equals_views_from_scratch(stream, distracted: bool) -> None:
    """Read only `changes.queues`/`changes.channels`; every figure shown is current.

    `distracted`: another reader reads views between ticks (as alert rules or a second
    window do), so the cache is warm with views the wall never saw.
    """
    steps, step_gaps, ticks, jump = stream
    floor, wall = Floor(tz="UTC"), Wall()
    for e in setup_events():
        floor.apply(e)
    wall.tick(floor)
    wall.check(floor, "after setup")
    t, slot = T0, int(T0 // REFRESH_S)
    for i, (step, gap, tick) in enumerate(zip(steps, step_gaps, ticks, strict=True)):
        t += gap
        if jump and i == len(steps) // 2:
            t = HUGE_T
        e = event_for(step, t, floor)
        sampled_before = floor.trend.next_t
        with time_limit(10.0):
            if e is None:
                floor.apply(ev.Snapshot(floor.now, i, floor.snapshot()))
            else:
                floor.apply(e)
        if distracted and i % 3 == 0:
            floor.queue_view(sorted(floor.queues)[i % len(floor.queues)], WINDOWS[i % 5])
            floor.channel_view(CHANNELS[i % 2], WINDOWS[(i + 1) % 5])
        if isinstance(e, ev.Heartbeat) and floor.trend.next_t != sampled_before and \
                floor.trend.times[-1] == floor.now:
            # This heartbeat took a sample at its own time: the channel's waiting and SL.
            for channel in CHANNELS:
                waiting, sl = floor.trend.series[channel]
                fresh = views.fresh_channel_view(floor, channel)
                assert waiting[-1] == fresh.waiting
                assert (math.isnan(sl[-1]) and fresh.service_level is None) or \
                    sl[-1] == fresh.service_level
        if tick or i == len(steps) - 1:
            wall.tick(floor)
            where = f"after step {i} {e!r}"
            wall.check(floor, where)
            new_slot = int(floor.now // REFRESH_S)
            if not distracted and new_slot != slot:
                # The tick's take_changes began the slot: estimates are of this moment.
                for queue_id in floor.queues:
                    assert floor.wait_estimate(queue_id) == \
                        views.fresh_wait_estimate(floor, queue_id), f"{where}: EWT {queue_id}"
            slot = new_slot


def test_a_view_is_built_once_until_something_moves():
    floor = Floor()
    for e in setup_events():
        floor.apply(e)
    floor.apply(ev.ContactOffered(T0 + 1, "c1", "h1"))
    first = floor.queue_view("h2")
    assert floor.queue_view("h2") is first
    assert floor.channel_view("online") is floor.channel_view("online")
    floor.apply(ev.Heartbeat(T0 + 2))  # h2 has nobody waiting: its view stands
    assert floor.queue_view("h2") is first
    waiting = floor.queue_view("h1")
    floor.apply(ev.Heartbeat(T0 + 3))  # h1's longest wait grew
    assert floor.queue_view("h1") is not waiting
    assert floor.queue_view("h1").longest_wait_s == 2.0


def test_changes_name_waiting_queues_when_the_clock_moves_and_nothing_else():
    floor = Floor()
    for e in setup_events():
        floor.apply(e)
    floor.apply(ev.ContactOffered(T0 + 1, "c1", "o2"))
    floor.take_changes()
    floor.apply(ev.Heartbeat(T0 + 2))
    changes = floor.take_changes()
    assert (changes.queues, changes.channels, changes.agents) == ({"o2"}, {"online"}, set())
    floor.apply(ev.Heartbeat(T0 + 2))  # the clock did not move
    assert floor.take_changes().queues == set()


def test_a_minute_rollover_names_only_queues_whose_window_lost_counts():
    floor = Floor()
    for e in setup_events():
        floor.apply(e)
    floor.apply(ev.ContactOffered(T0 + 1, "c1", "h1"))
    floor.apply(ev.ContactAbandoned(T0 + 30, "c1", "h1"))
    floor.queue_view("h1", 5)
    floor.take_changes()
    floor.apply(ev.Heartbeat(T0 + 4 * 60 + 1))  # minute 4: the 5 min window still has it
    assert "h1" not in floor.take_changes().queues
    floor.apply(ev.Heartbeat(T0 + 5 * 60 + 1))  # minute 5: minute 0 left it
    changes = floor.take_changes()
    assert "h1" in changes.queues and "hotline" in changes.channels
    assert {"h2", "o1", "o2"}.isdisjoint(changes.queues)
    assert floor.queue_view("h1", 5).abandoned == 0


def test_a_new_estimate_slot_names_queues_whose_estimate_moved():
    floor = Floor()
    for e in setup_events():
        floor.apply(e)
    for n in range(6):
        floor.apply(ev.ContactOffered(T0 + n, f"c{n}", "h1"))
        floor.apply(ev.ContactAnswered(T0 + n + 4, f"c{n}", "h1", "a1"))
    before = floor.queue_view("h1")
    floor.take_changes()
    # h2 shares the hotline pool: its answers move h1's estimate, not h1's records.
    floor.apply(ev.ContactOffered(T0 + 7, "d1", "h2"))
    floor.apply(ev.ContactAnswered(T0 + 8, "d1", "h2", "a2"))
    assert "h1" not in floor.take_changes().queues  # same 10 s slot: same estimate
    floor.apply(ev.Heartbeat(T0 + REFRESH_S * 3))
    changes = floor.take_changes()
    after = floor.queue_view("h1")
    assert (after.ewt_s, after.ewt_model) != (before.ewt_s, before.ewt_model)
    assert "h1" in changes.queues


@pytest.mark.parametrize("huge", [HUGE_T, 1e300, 2.0**1000])
def test_a_huge_jump_in_event_time_returns_promptly(huge):
    """A bad clock's time far past year 9999 must not spin the trend or break the views."""
    floor = Floor(tz="Asia/Shanghai")
    for e in setup_events():
        floor.apply(e)
    floor.apply(ev.ContactOffered(T0 + 1, "c1", "h1"))
    with time_limit(10.0):
        floor.apply(ev.Heartbeat(huge))
        floor.apply(ev.ContactOffered(huge, "c2", "h2"))
        floor.apply(ev.ContactAnswered(huge + 64.0, "c2", "h2", "a1"))
        floor.apply(ev.Heartbeat(huge * 1.5))
        changes = floor.take_changes()
        for queue_id in floor.queues:
            for w in WINDOWS:
                assert floor.queue_view(queue_id, w) == views.fresh_queue_view(floor, queue_id, w)
        for channel in CHANNELS:
            assert floor.channel_view(channel) == views.fresh_channel_view(floor, channel)
    assert floor.now == huge * 1.5
    assert {"h1", "h2"} <= changes.queues
    assert len(floor.trend.times) <= 360
    assert floor.queue_view("h1").waiting == 1


def test_trend_catch_up_after_a_long_silence_is_bounded():
    floor = Floor()
    for e in setup_events():
        floor.apply(e)
    floor.apply(ev.Heartbeat(T0 + 86_400 * 30))  # a month of silence: one hour of samples
    assert len(floor.trend.times) <= 360
    assert floor.trend.times[-1] == T0 + 86_400 * 30


# -------------------------------------------------------------- the ring alone
def _ring(events: list[tuple[float, float, float]], now: float,
          read_at: list[float]) -> RollingCounters:
    """Ring with (t, wait, handle) counted, read at the given times along the way."""
    ring = RollingCounters()
    reads = sorted(read_at)
    for t, wait, handle in events:
        while reads and reads[0] <= t:
            at = reads.pop(0)
            for w in (1, 5, 15, 60):
                ring.window(at, w)
        b = ring.bucket(t, now)
        if b is not None:
            b.answered += 1
            b.wait_answered_s += wait
            b.handled += 1
            b.handle_s += handle
            b.max_wait_s = max(b.max_wait_s, wait)
    return ring


floats = st.one_of(st.floats(0.0, 1e6), st.sampled_from([0.1, 5e-324, 1e-300, 1e15, 0.3]))


@settings(max_examples=2 * EXAMPLES, deadline=None, database=None)
@given(st.lists(st.tuples(st.floats(0.0, 3 * 3600.0), floats, floats), min_size=1,
                max_size=40),
       st.lists(st.floats(0.0, 3 * 3600.0), max_size=10))
def test_windows_are_exact_sums_whatever_the_reading_history(rows, read_at):
    """Running sums equal a from-scratch exact sum, to the last bit, read or not read."""
    rows = sorted((T0 + t, w, h) for t, w, h in rows)
    now = rows[-1][0]
    read = _ring(rows, now, [T0 + x for x in read_at])
    unread = _ring(rows, now, [])
    for w in (1, 5, 15, 30, 60, KEEP_MINUTES):
        got = read.window(now, w)
        assert got == unread.window(now, w)
        current = int(now // BUCKET_S)
        want = exact_sum([b for m, b in read.minutes() if current - w < m <= current])
        assert got == want
        naive = Totals()
        for m, b in read.minutes():
            if current - w < m <= current:
                naive.add(b)
        assert math.isclose(got.wait_answered_s, naive.wait_answered_s, rel_tol=1e-12)
        assert got.max_wait_s == naive.max_wait_s
    assert read.today(now) == unread.today(now)


def test_a_ring_read_while_its_buckets_change_keeps_up():
    """`bucket` hands out the bucket itself; the sums catch up with what was added."""
    ring = RollingCounters()
    b = ring.bucket(T0, T0)
    assert ring.window(T0, 15).offered == 0
    b.offered += 2
    b.wait_answered_s += 0.1
    assert ring.window(T0, 15).offered == 2
    b.offered += 1
    b.wait_answered_s += 0.2
    assert ring.window(T0, 15) == exact_sum([b])
    assert ring.window(T0 + 15 * 60, 15).offered == 0  # the minute left
    assert ring.window(T0 + 15 * 60, 16).offered == 3


def test_a_slot_reused_for_a_newer_minute_starts_from_nothing():
    """The last bucket handed out is watched across reads; its slot's reuse resets that."""
    ring, t = RollingCounters(), T0
    ring.bucket(t, t).offered += 1
    assert ring.window(t, 15).offered == 1
    later = t + KEEP_MINUTES * BUCKET_S  # the same slot of the ring
    assert ring.window(later, 15).offered == 0  # read before anything is written there
    ring.bucket(later, later).offered += 2
    assert ring.window(later, 15).offered == 2
    assert ring.window(later, KEEP_MINUTES).offered == 2
