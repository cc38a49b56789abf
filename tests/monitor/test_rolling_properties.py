"""Incremental rolling metrics equal a brute-force recomputation from the same events.

Random event streams over 2-3 queues and a few agents, spread over up to three hours
(so the 61-minute ring wraps and old buckets are dropped), partly delivered out of
order and partly duplicated, are applied in list order to a `Floor`. An independent
reference walks the same list: it keeps no ring, only a flat list of every outcome it
counted as (queue, minute, field, value), and sums that list for any window. The Floor
must agree with it on every Totals field, every derived metric and every ring bucket.

Contact and agent bookkeeping in the reference follows the rules `monitor/floor.py`
documents (a known contact is not offered twice, outcomes for a contact not waiting
are ignored, an answer for an unknown contact is tracked without wait stats, handle
time is booked when wrap-up ends, in the minute of the floor's `now`), written out
plainly. The only thing it does not copy is *how* the Floor stores counts.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import events as ev
from monitor import metrics
from monitor.floor import WINDOW_INTERVAL, WINDOW_TODAY, Floor
from monitor.rolling import BUCKET_S, KEEP_MINUTES, RollingCounters, Totals

# 2026-01-01 22:00 UTC, a whole minute (a drawn offset moves the grid under the events).
# The three-hour streams often cross the 00:00 UTC reset of the "today" window.
T0 = 1_767_304_800.0
SPAN_S = 3 * 3600.0
WINDOWS = (5, 15, 30, 60)
SHORT_ABANDON_S = 5.0
AGENTS = ("a0", "a1", "a2", "a3")
QUEUE_CHANNELS = ("hotline", "online", "hotline")
TOTALS_FIELDS = (
    "offered", "answered", "answered_within_sl", "wait_answered_s", "abandoned",
    "abandoned_within_sl", "short_abandoned", "wait_abandoned_s", "other_exits",
    "callbacks", "removed_within_sl", "max_wait_s", "handled", "handle_s",
)
FLOAT_FIELDS = frozenset({"wait_answered_s", "wait_abandoned_s", "max_wait_s", "handle_s"})
WRAP_UP, ON_CONTACT = "wrap_up", "on_contact"

# Example counts scale with the Hypothesis profile (tests/conftest.py: "dev" 100, "ci" 50).
EXAMPLES = settings.default.max_examples
PROPERTY_SETTINGS = settings(
    max_examples=2 * EXAMPLES,
    deadline=None,
    database=None,  # write nothing into the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The end-state checks are cheaper to find wrong; fewer examples keep the file under 15 s.
END_STATE_SETTINGS = settings(PROPERTY_SETTINGS, max_examples=EXAMPLES * 6 // 5)


# ------------------------------------------------------------------ reference
@dataclass
class RefContact:
    queue: str
    offered_t: float
    answered_t: float | None = None


@dataclass
class RefAgent:
    state: str = "logged_out"
    reason: str = ""
    since: float = 0.0
    contacts: set[str] = field(default_factory=set)
    pending: tuple[str, float] | None = None  # (queue, talk seconds) until wrap-up ends


class Reference:
    """Brute force: a flat list of counted outcomes, summed on demand. No ring buffer."""

    def __init__(self, sl_targets: dict[str, float]) -> None:
        self.sl = sl_targets
        self.now = 0.0  # running max of event times, like Floor.now
        self.records: list[tuple[str, int, str, float]] = []  # (queue, minute, field, value)
        self.dropped = 0
        self.contacts: dict[str, RefContact] = {}
        self.waiting: dict[str, dict[str, float]] = defaultdict(dict)
        self.backlog: dict[str, set[str]] = defaultdict(set)
        self.agents: dict[str, RefAgent] = {}

    # The ring answers "too old" for a minute m when m <= current_minute - KEEP_MINUTES.
    # Its second rule (the slot already holds a newer minute) never fires on its own:
    # the Floor only ever asks for t <= now, so a slot holds some minute m' <= now's
    # minute, and m' > m with m' = m (mod KEEP_MINUTES) means m <= m' - KEEP_MINUTES,
    # which the first rule already refused. test_ring_bucket_drop_rule checks this.
    def count(self, queue: str, t: float, **values: float) -> None:
        minute = int(t // BUCKET_S)
        if minute <= int(self.now // BUCKET_S) - KEEP_MINUTES:
            self.dropped += 1
            return
        for name, value in values.items():
            self.records.append((queue, minute, name, float(value)))

    def totals(self, queue: str, first: int, last: int) -> dict[str, float]:
        out: dict[str, float] = dict.fromkeys(TOTALS_FIELDS, 0)
        for q, minute, name, value in self.records:
            if q == queue and first <= minute <= last and name in out:
                out[name] = max(out[name], value) if name == "max_wait_s" else out[name] + value
        return out

    def window(self, queue: str, minutes: int) -> dict[str, float]:
        current = int(self.now // BUCKET_S)
        return self.totals(queue, current - minutes + 1, current)

    def minutes_with_records(self, queue: str) -> set[int]:
        return {m for q, m, _, _ in self.records if q == queue}

    # -------------------------------------------------------------- events
    def apply(self, e: ev.Event) -> None:
        self.now = max(self.now, e.t)
        handler = getattr(self, "_" + type(e).__name__, None)
        if handler is not None:
            handler(e)

    def _agent(self, agent_id: str) -> RefAgent:
        if agent_id not in self.agents:
            self.agents[agent_id] = RefAgent(since=self.now)
        return self.agents[agent_id]

    def _leave(self, contact: str, queue: str) -> RefContact | None:
        """The contact if it is known and waiting in `queue` (and now leaves it)."""
        c = self.contacts.get(contact)
        if c is None or contact not in self.waiting[queue]:
            return None
        del self.waiting[queue][contact]
        return c

    def _ContactOffered(self, e: ev.ContactOffered) -> None:
        if e.contact in self.contacts:
            return  # a known contact is not offered twice
        self.contacts[e.contact] = RefContact(e.queue, e.t)
        self.waiting[e.queue][e.contact] = e.t
        self.count(e.queue, e.t, offered=1)

    def _ContactAnswered(self, e: ev.ContactAnswered) -> None:
        c = self._leave(e.contact, e.queue)
        if c is None:
            if e.contact in self.contacts:
                return  # known but not waiting there: a duplicate
            # Never saw it wait: track the work, no wait statistics.
            c = self.contacts[e.contact] = RefContact(e.queue, e.t)
        else:
            wait = e.t - c.offered_t
            within = int(wait <= self.sl[e.queue])
            self.count(e.queue, e.t, answered=1, wait_answered_s=wait,
                       answered_within_sl=within, removed_within_sl=within, max_wait_s=wait)
        c.answered_t = e.t
        self._agent(e.agent).contacts.add(e.contact)

    def _ContactAbandoned(self, e: ev.ContactAbandoned) -> None:
        c = self._leave(e.contact, e.queue)
        if c is None:
            return
        wait = e.t - c.offered_t
        within = int(wait <= self.sl[e.queue])
        self.count(e.queue, e.t, abandoned=1, wait_abandoned_s=wait,
                   short_abandoned=int(wait < SHORT_ABANDON_S),
                   abandoned_within_sl=within, removed_within_sl=within, max_wait_s=wait)
        del self.contacts[e.contact]

    def _ContactExited(self, e: ev.ContactExited) -> None:
        c = self._leave(e.contact, e.queue)
        if c is None:
            return
        self.count(e.queue, e.t, other_exits=1, max_wait_s=e.t - c.offered_t)
        del self.contacts[e.contact]

    def _CallbackRequested(self, e: ev.CallbackRequested) -> None:
        c = self._leave(e.contact, e.queue)
        if c is not None:
            wait = e.t - c.offered_t
            self.count(e.queue, e.t, callbacks=1,
                       removed_within_sl=int(wait <= self.sl[e.queue]), max_wait_s=wait)
            del self.contacts[e.contact]
        self.backlog[e.queue].add(e.contact)  # joins the backlog even if never seen

    def _ContactEnded(self, e: ev.ContactEnded) -> None:
        c = self.contacts.pop(e.contact, None)
        agent = self._agent(e.agent)
        agent.contacts.discard(e.contact)
        if c is None:
            return
        if c.answered_t is None:
            # An end for a contact still waiting: the engine forgets the contact, so
            # it must leave the queue as well (nothing can ever take it out later).
            self.waiting[c.queue].pop(e.contact, None)
            return
        self._finish(agent, 0.0)  # a previous contact's handle time: no wrap-up of its own
        agent.pending = (c.queue, e.t - c.answered_t)
        if agent.state != WRAP_UP and agent.contacts:
            self._finish(agent, 0.0)  # still busy with other chats: no wrap-up for this one

    def _AgentStateChanged(self, e: ev.AgentStateChanged) -> None:
        agent = self._agent(e.agent)
        if agent.state == WRAP_UP and e.state != WRAP_UP:
            self._finish(agent, e.t - agent.since)  # wrap-up over: AHT includes it
        elif e.state not in (WRAP_UP, ON_CONTACT):
            self._finish(agent, 0.0)
        if (agent.state, agent.reason) != (e.state, e.reason):
            agent.state, agent.reason, agent.since = e.state, e.reason, e.t

    def _finish(self, agent: RefAgent, wrap_s: float) -> None:
        if agent.pending is None:
            return
        queue, talk_s = agent.pending
        agent.pending = None
        # Booked when the wrap-up ends, in the minute of the floor's clock at that moment.
        self.count(queue, self.now, handled=1, handle_s=talk_s + max(0.0, wrap_s))


def ref_metrics(t: dict[str, float]) -> dict[str, float | None]:
    """The derived metrics, written from their definitions in metrics.SL_VARIANTS."""

    def ratio(num: float, den: float) -> float | None:
        return num / den if den > 0 else None

    outcomes = t["answered"] + t["abandoned"] + t["other_exits"] + t["callbacks"]
    return {
        "sl:offered": ratio(t["answered_within_sl"], outcomes - t["short_abandoned"]),
        "sl:answered": ratio(t["answered_within_sl"], t["answered"]),
        "sl:answered_abandoned": ratio(t["answered_within_sl"] + t["abandoned_within_sl"],
                                       t["answered"] + t["abandoned"]),
        "sl:removed": ratio(t["removed_within_sl"], outcomes),
        "asa_s": ratio(t["wait_answered_s"], t["answered"]),
        "aht_s": ratio(t["handle_s"], t["handled"]),
        "abandon_rate": ratio(t["abandoned"] - t["short_abandoned"],
                              outcomes - t["short_abandoned"]),
    }


def floor_metrics(t: Totals) -> dict[str, float | None]:
    out: dict[str, float | None] = {
        f"sl:{v}": metrics.service_level(t, v) for v in metrics.SL_VARIANTS
    }
    out.update(asa_s=metrics.asa_s(t), aht_s=metrics.aht_s(t),
               abandon_rate=metrics.abandon_rate(t))
    return out


def same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


# ------------------------------------------------------------------ streams
@dataclass
class Scenario:
    sl_targets: dict[str, float]
    setup: list[ev.QueueDefined]
    stream: list[ev.Event]  # reordered and with duplicates, applied in list order

    def __repr__(self) -> str:  # readable falsifying examples
        lines = "\n".join(f"    {e!r}," for e in self.stream)
        return f"Scenario(sl_targets={self.sl_targets!r}, stream=[\n{lines}\n])"


def times(span_s: float) -> st.SearchStrategy[float]:
    return st.one_of(st.integers(0, int(span_s)).map(float), st.floats(0.0, span_s))


# Waits cluster on the interesting edges: short abandon (5 s) and the SL targets.
waits = st.one_of(
    st.sampled_from([0.0, 4.999, 5.0, 5.001, 10.0, 20.0, 20.5, 30.0, 60.0]),
    st.floats(0.0, 900.0),
)
# Late delivery: a little, about one ring length (the drop edge), or a lot.
delays = st.one_of(
    st.floats(-300.0, 300.0),
    st.floats(60.0 * (KEEP_MINUTES - 2), 60.0 * (KEEP_MINUTES + 1)),
    st.floats(0.0, 2 * 3600.0),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    offset = draw(st.sampled_from([0.0, 0.5, 30.0, 59.75]))
    t0 = T0 + offset
    n_queues = draw(st.integers(2, 3))
    queues = [f"q{i}" for i in range(n_queues)]
    sl = {q: draw(st.sampled_from([10.0, 20.0, 30.0, 60.0])) for q in queues}
    setup = [
        ev.QueueDefined(t0, q, q.upper(), QUEUE_CHANNELS[i], sl[q]) for i, q in enumerate(queues)
    ]

    # A third of the streams span hours (the ring wraps); shorter ones keep the run time
    # down, since the Floor samples its trend every 10 s of event time.
    span = draw(st.sampled_from([SPAN_S, 70 * 60.0, 15 * 60.0]))
    stream: list[ev.Event] = []
    for i in range(draw(st.integers(1, 30))):
        cid, q = f"c{i}", draw(st.sampled_from(queues))
        offered = t0 + draw(times(span))
        stream.append(ev.ContactOffered(offered, cid, q))
        kind = draw(st.sampled_from(["answered", "abandoned", "exited", "callback", "waits"]))
        left = offered + draw(waits)
        if kind == "abandoned":
            stream.append(ev.ContactAbandoned(left, cid, q))
        elif kind == "exited":
            stream.append(ev.ContactExited(left, cid, q, "timeout"))
        elif kind == "callback":
            stream.append(ev.CallbackRequested(left, cid, q, "callback", left - offered))
        elif kind == "answered":
            agent = draw(st.sampled_from(AGENTS))
            stream += [ev.ContactAnswered(left, cid, q, agent),
                       ev.AgentStateChanged(left, agent, ON_CONTACT)]
            if draw(st.booleans()):  # the conversation is over
                ended = left + draw(st.floats(0.0, 1800.0))
                stream.append(ev.ContactEnded(ended, cid, q, agent))
                wrap = draw(st.one_of(st.none(), st.floats(0.0, 120.0)))
                if wrap is not None:
                    after = draw(st.sampled_from([("available", ""), ("not_ready", "break"),
                                                  (ON_CONTACT, "")]))
                    stream += [ev.AgentStateChanged(ended, agent, WRAP_UP),
                               ev.AgentStateChanged(ended + wrap, agent, *after)]
    for t in draw(st.lists(times(span + 75 * 60.0), max_size=3)):
        stream.append(ev.Heartbeat(t0 + t))
    stream.sort(key=lambda e: e.t)  # stable: same-time events keep their causal order

    # Out of order: some events are delivered late (or early) by a drawn delay.
    keys = [e.t for e in stream]
    for index, delay in draw(st.lists(st.tuples(st.integers(0, 10**6), delays), max_size=8)):
        keys[index % len(stream)] += delay
    order = sorted(range(len(stream)), key=lambda i: keys[i])
    stream = [stream[i] for i in order]
    # Duplicates: copies of some events inserted anywhere, before or after the original.
    for src, dst in draw(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)),
                                  max_size=6)):
        stream.insert(dst % (len(stream) + 1), stream[src % len(stream)])
    return Scenario(sl, setup, stream)


def checkpoints(n: int) -> set[int]:
    """Indexes (after applying event i) where the two sides are compared."""
    step = max(1, n // 6)
    return set(range(step - 1, n, step)) | {n - 1}


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def assert_totals_agree(got: Totals, want: dict[str, float], where: str) -> None:
    for name in TOTALS_FIELDS:
        g, x = getattr(got, name), want[name]
        ok = close(g, x) if name in FLOAT_FIELDS else g == x
        assert ok, f"{where}, {name}: floor {g} != reference {x}"
    want_m, got_m = ref_metrics(want), floor_metrics(got)
    for name, x in want_m.items():
        assert same(got_m[name], x), f"{where}, {name}: floor {got_m[name]} != reference {x}"


def assert_windows_agree(floor: Floor, ref: Reference, where: str) -> None:
    """Every Totals field and derived metric, rolling windows and calendar windows."""
    assert floor.now == ref.now, where
    current = int(ref.now // BUCKET_S)
    # UTC calendar boundaries, worked out without the engine's clock module.
    day_first = int(ref.now // 86400) * 86400 // BUCKET_S
    half_hour_first = int(ref.now // 1800) * 1800 // BUCKET_S
    for q in ref.sl:
        fq = floor.queues[q]
        for w in WINDOWS:
            got = fq.stats.window(floor.now, w)
            assert_totals_agree(got, ref.window(q, w), f"{where}: queue {q}, {w} min window")
            assert floor.totals(fq, w) == got
        assert_totals_agree(floor.totals(fq, WINDOW_INTERVAL),
                            ref.totals(q, half_hour_first, current), f"{where}: {q} half hour")
        assert_totals_agree(floor.totals(fq, WINDOW_TODAY),
                            ref.totals(q, day_first, current), f"{where}: {q} today")


def assert_views_agree(floor: Floor, ref: Reference, where: str) -> None:
    """What a tile shows equals the reference (the view adds its own arithmetic)."""
    for q in ref.sl:
        for w in WINDOWS:
            want = ref.window(q, w)
            want_m = ref_metrics(want)
            view = floor.queue_view(q, w)
            assert (view.offered, view.answered, view.abandoned, view.short_abandoned,
                    view.other_exits, view.callbacks) == (
                want["offered"], want["answered"], want["abandoned"],
                want["short_abandoned"], want["other_exits"], want["callbacks"],
            ), f"{where}: view {q} {w} min"
            for name, got_v in ((f"sl:{view.sl_variant}", view.service_level),
                                ("asa_s", view.asa_s), ("aht_s", view.aht_s),
                                ("abandon_rate", view.abandon_rate)):
                assert same(got_v, want_m[name]), f"{where}: view {q} {w} min {name}"


def assert_buckets_agree(floor: Floor, ref: Reference, where: str) -> None:
    """Every ring bucket holds exactly the reference's non-dropped records of its minute."""
    current = int(ref.now // BUCKET_S)
    for q in ref.sl:
        rows = floor.queues[q].stats.dump()["minutes"]
        assert len(rows) <= KEEP_MINUTES
        held = [m for m, _ in rows]
        assert len(set(held)) == len(held), f"{where}: {q} holds a minute twice"
        assert max(held, default=current) <= current, f"{where}: {q} has a future minute"
        for minute, values in rows:
            got, want = Totals(*values), ref.totals(q, minute, minute)
            for name in TOTALS_FIELDS:
                assert close(getattr(got, name), want[name]), f"{where}: {q} @{minute} {name}"
        # Whatever the ring no longer holds is out of every window.
        lost = ref.minutes_with_records(q) - set(held)
        assert all(m <= current - KEEP_MINUTES for m in lost), f"{where}: {q} lost {lost}"


# ------------------------------------------------------------------- tests
def start(scenario: Scenario) -> tuple[Floor, Reference]:
    """A Floor (UTC days) and a reference, both with the scenario's queues defined."""
    floor = Floor(short_abandon_s=SHORT_ABANDON_S, tz="UTC", day_reset="00:00")
    ref = Reference(scenario.sl_targets)
    for e in scenario.setup:
        floor.apply(e)
        ref.apply(e)
    return floor, ref


@PROPERTY_SETTINGS
@given(scenarios())
def test_incremental_windows_equal_brute_force(scenario: Scenario) -> None:
    floor, ref = start(scenario)
    check = checkpoints(len(scenario.stream))
    for i, e in enumerate(scenario.stream):
        floor.apply(e)
        ref.apply(e)
        if i in check:
            where = f"after event {i} {e!r}"
            assert_windows_agree(floor, ref, where)
            assert_buckets_agree(floor, ref, where)


@END_STATE_SETTINGS
@given(scenarios())
def test_tile_views_equal_brute_force(scenario: Scenario) -> None:
    """queue_view adds its own arithmetic (and the wait estimate) on top of the totals."""
    floor, ref = start(scenario)
    for e in scenario.stream:
        floor.apply(e)
        ref.apply(e)
    assert_views_agree(floor, ref, "at the end")


@END_STATE_SETTINGS
@given(scenarios())
def test_memory_stays_bounded_and_live_contacts_match(scenario: Scenario) -> None:
    floor, ref = start(scenario)
    for e in scenario.stream:
        floor.apply(e)
        ref.apply(e)
        for q in floor.queues.values():
            assert len(q.stats.dump()["minutes"]) <= KEEP_MINUTES
    # Only contacts still waiting or in progress are kept.
    assert set(floor.contacts) == set(ref.contacts)
    for q in ref.sl:
        fq = floor.queues[q]
        assert set(fq.waiting) == set(ref.waiting[q]), f"queue {q} waiting"
        assert set(fq.backlog) == ref.backlog[q], f"queue {q} backlog"
        in_progress = sum(c.queue == q and c.answered_t is not None
                          for c in ref.contacts.values())
        assert fq.in_progress == in_progress, f"queue {q} in progress"
    # The Floor's own books agree with each other: every waiting contact is a known contact.
    waiting = {c for q in floor.queues.values() for c in q.waiting}
    in_progress_ids = {c for c, x in floor.contacts.items() if x.answered_t is not None}
    assert waiting <= set(floor.contacts), f"waiting but unknown: {waiting - set(floor.contacts)}"
    assert len(floor.contacts) == len(waiting) + len(in_progress_ids)


# The ring's own drop rule, on its own: with t <= now (all the Floor ever asks) a bucket
# is refused exactly when its minute is KEEP_MINUTES or more behind now's minute.
@settings(max_examples=3 * EXAMPLES, deadline=None, database=None)
@given(st.lists(st.tuples(st.floats(0.0, 4 * 3600.0), st.floats(0.0, 2 * 3600.0)),
                min_size=1, max_size=60))
def test_ring_bucket_drop_rule(steps: list[tuple[float, float]]) -> None:
    ring, now = RollingCounters(), T0
    held: dict[int, int] = defaultdict(int)  # minute -> times counted
    for advance, age in steps:
        now = max(now, T0 + advance)
        t = now - age
        minute = int(t // BUCKET_S)
        bucket = ring.bucket(t, now)
        expect_drop = minute <= int(now // BUCKET_S) - KEEP_MINUTES
        assert (bucket is None) == expect_drop, (t, now)
        if bucket is not None:
            bucket.offered += 1
            held[minute] += 1
    current = int(now // BUCKET_S)
    for w in (*WINDOWS, KEEP_MINUTES):
        want = sum(n for m, n in held.items() if current - w < m <= current)
        assert ring.window(now, w).offered == want


def test_a_zero_second_contact_does_not_break_the_tile() -> None:
    """Answered and ended in the same second, no wrap-up: handled 1, handle time 0 s."""
    floor = Floor()
    for e in (ev.QueueDefined(T0, "q", "Q", "hotline", 20.0),
              ev.ContactOffered(T0, "c", "q"),
              ev.ContactAnswered(T0, "c", "q", "a"),
              ev.ContactEnded(T0, "c", "q", "a"),
              ev.AgentStateChanged(T0, "a", "available")):
        floor.apply(e)
    view = floor.queue_view("q")
    assert (view.offered, view.answered, view.aht_s) == (1, 1, 0.0)


def test_an_end_stamped_before_its_answer_does_not_break_the_tile() -> None:
    """Two sources with skewed clocks: the end carries an earlier time than the answer.

    Whatever the engine makes of the talk time, a tile must still render, and an
    average handle time below zero is never shown.
    """
    floor = Floor()
    for e in (ev.QueueDefined(T0, "q", "Q", "hotline", 20.0),
              ev.ContactOffered(T0, "c", "q"),
              ev.ContactAnswered(T0 + 100, "c", "q", "a"),
              ev.ContactEnded(T0 + 50, "c", "q", "a"),
              ev.AgentStateChanged(T0 + 100, "a", "available")):
        floor.apply(e)
    view = floor.queue_view("q")
    assert view.aht_s is None or view.aht_s >= 0


@pytest.mark.parametrize("late_s", [60.0 * KEEP_MINUTES - 1, 60.0 * KEEP_MINUTES])
def test_outcome_exactly_at_the_ring_edge(late_s: float) -> None:
    """An abandon delivered one ring length late: kept at 60 min 59 s, dropped at 61 min."""
    floor = Floor()
    floor.apply(ev.QueueDefined(T0, "q", "Q", "hotline", 20.0))
    floor.apply(ev.ContactOffered(T0, "c", "q"))
    floor.apply(ev.Heartbeat(T0 + late_s))
    floor.apply(ev.ContactAbandoned(T0 + 30.0, "c", "q"))
    kept = late_s < 60.0 * KEEP_MINUTES
    # The window that could still show it is KEEP_MINUTES long (the ring's whole span).
    assert floor.queues["q"].stats.window(floor.now, KEEP_MINUTES).abandoned == int(kept)
    assert floor.queues["q"].stats.window(floor.now, 60).abandoned == 0
    assert "c" not in floor.contacts
