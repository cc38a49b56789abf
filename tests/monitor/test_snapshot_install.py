"""A snapshot in two steps: `prepare` (the costly, floor-free half, which a source may
run off the GUI thread) and `install` (the cheap half, on the floor).

The install fixes the floor's counts for what moved only, so it is checked against
the whole-floor load it replaced (`reference_load`, the previous algorithm kept here
as an oracle: drop the feed's records, add the snapshot's, recount everything), on
two-feed floors fed random streams where agents are skilled across feeds and queues
change feeds, with snapshots prepared some events before they are installed. After
each install the records, every running count and every view must equal the oracle's
and `monitor.views.fresh_*`; a reader that re-reads only what `take_changes` names
must show current figures.
"""

from __future__ import annotations

import copy
import math
import pickle
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds import protocol
from monitor import events as ev
from monitor import limits, snapshot, snapshot_check, views
from monitor.events import AgentStatus
from monitor.floor import Floor
from monitor.state import SERVING_STATES, Agent, Contact, Queue
from tests.monitor.test_view_cache import (
    CHANNELS,
    QUEUES,
    T0,
    WINDOWS,
    Wall,
    actions,
    event_for,
    gaps,
)

FEEDS = ("A", "B")
QUEUE_FEED = {"h1": "A", "o1": "A", "h2": "B", "o2": "B"}  # both feeds in both channels
AGENT_FEED = {"a0": "A", "a1": "A", "a2": "B", "a3": "B", "a4": "B"}


# ------------------------------------------------------------------ the oracle
def reference_load(floor: Floor, state: dict[str, Any], feed: str) -> None:
    """The whole-floor load `install` replaced (as `Floor.load_snapshot` did it)."""
    assert snapshot_check.problem(state, max_queues=floor.max_queues_per_feed,
                                  max_agents=floor.max_agents_per_feed) is None
    gone_queues = {q.id for q in floor.queues.values() if q.feed == feed}
    floor.contacts = {k: c for k, c in floor.contacts.items() if c.queue not in gone_queues}
    floor.queues = {k: q for k, q in floor.queues.items() if q.feed != feed}
    floor.agents = {k: a for k, a in floor.agents.items() if a.feed != feed}
    floor.now = max(floor.now, float(state.get("now", 0.0)))
    if state.get("first_t") is not None:
        floor.first_t = min(floor.first_t or state["first_t"], state["first_t"])
    for d in state.get("queues", []):
        q = Queue(id=d["id"], name=d["name"], channel=d["channel"],
                  sl_target_s=d["sl_target_s"], tier=d["tier"], name_zh=d.get("name_zh", ""),
                  feed=feed, backlog={k: v for k, v in d.get("backlog", [])})
        q.stats.load(d.get("stats", {}))
        floor.queues[q.id] = q
    for d in state.get("contacts", []):
        c = Contact(id=d["id"], queue=d["queue"], offered_t=d["offered_t"],
                    answered_t=d.get("answered_t"), agent=d.get("agent", ""),
                    first_customer_msg_t=d.get("first_customer_msg_t"),
                    first_reply_seen=bool(d.get("first_reply_seen")),
                    awaiting_reply_t=d.get("awaiting_reply_t"))
        floor.contacts[c.id] = c
        if c.answered_t is None and c.queue in floor.queues:
            floor.queues[c.queue].waiting[c.id] = c.offered_t
    for d in state.get("agents", []):
        pending = d.get("pending_handle")
        a = Agent(id=d["id"], name=d["name"], team=d.get("team", ""),
                  state=AgentStatus(d["state"]), reason=d.get("reason", ""),
                  state_since=d["state_since"], skills=dict(d.get("skills", {})),
                  chat_capacity=d.get("chat_capacity", 0), handled=d.get("handled", 0),
                  handle_s=d.get("handle_s", 0.0), feed=feed,
                  pending_handle=tuple(pending) if pending else None)
        floor.agents[a.id] = a
    for c in floor.contacts.values():
        if c.answered_t is not None:
            if c.agent in floor.agents:
                floor.agents[c.agent].contacts.add(c.id)
            if c.queue in floor.queues and floor.queues[c.queue].feed == feed:
                floor.queues[c.queue].in_progress += 1
    for q in floor.queues.values():
        q.waiting = dict(sorted(q.waiting.items(), key=lambda kv: kv[1]))
    if "trend" in state:
        if any(q.feed != feed for q in floor.queues.values()):
            floor.trend.merge(state["trend"],
                              {str(d["channel"]) for d in state.get("queues", [])})
        else:
            floor.trend.load(state["trend"])
    floor.reindex()
    _recount_members_as_before(floor)
    floor.snapshot_problems.pop(feed, None)
    floor._feed_queues = Counter(q.feed for q in floor.queues.values())
    floor._feed_agents = Counter(a.feed for a in floor.agents.values())
    floor._feed_t[feed] = float(state["now"])


def _recount_members_as_before(floor: Floor) -> None:
    """Agent counts as the floor counted them before `snapshot.channel_counts`."""
    queues, agents = floor.queues, list(floor.agents.values())
    channel_of = {queue_id: q.channel for queue_id, q in queues.items()}
    for q in queues.values():
        q.members = Counter()
    for (queue_id, state), n in Counter(
        (queue_id, a.state) for a in agents for queue_id in a.skills
    ).items():
        if queue_id in queues:
            queues[queue_id].members[state] = n
    served = [(a, {channel_of[x] for x in a.skills if x in channel_of}) for a in agents]
    floor._channel_members = {}
    for (channel, state), n in Counter(
        (channel, a.state) for a, channels in served for channel in channels
    ).items():
        floor._channel_members.setdefault(channel, Counter())[state] = n
    floor._channel_capacity = Counter({"online": sum(
        a.chat_capacity for a, channels in served
        if "online" in channels and a.state in SERVING_STATES)})


# ------------------------------------------------------------------ comparing
def _same(a: Any, b: Any) -> bool:
    """Equal, NaN equal to NaN (trend service levels), through lists and dicts."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def _queue_record(q: Queue) -> tuple:
    return (q.id, q.name, q.channel, q.sl_target_s, q.tier, q.name_zh, q.feed, q.waiting,
            q.backlog, q.in_progress, +q.members, q.stats.dump())


def _counts(floor: Floor) -> dict[str, Any]:
    """Every running count a view reads, zero entries left out."""
    return {
        "members": {ch: +c for ch, c in floor._channel_members.items() if +c},
        "slots": floor._channel_capacity["online"],
        "waiting": +floor._waiting_count, "backlog": +floor._backlog_count,
        "in_progress": +floor._in_progress_count, "waiting_queues": floor._waiting_queues,
        "feed_queues": +floor._feed_queues, "feed_agents": +floor._feed_agents,
        "feed_t": floor._feed_t, "now": floor.now, "first_t": floor.first_t,
    }


def assert_same_floor(mine: Floor, ref: Floor, where: str) -> None:
    assert list(mine.queues) == list(ref.queues), where
    for queue_id, q in mine.queues.items():
        assert _queue_record(q) == _queue_record(ref.queues[queue_id]), f"{where}: {queue_id}"
        assert _queue_record(q)[-1] == q.stats.dump()
    assert list(mine.agents) == list(ref.agents), where
    assert mine.agents == ref.agents, where
    assert list(mine.contacts) == list(ref.contacts), where
    assert mine.contacts == ref.contacts, where
    assert _counts(mine) == _counts(ref), where
    assert _same(mine.trend.dump(), ref.trend.dump()), where
    for queue_id in mine.queues:
        for w in WINDOWS:
            fresh = views.fresh_queue_view(mine, queue_id, w)
            assert mine.queue_view(queue_id, w) == fresh, f"{where}: {queue_id} {w}"
    for channel in CHANNELS:
        for w in WINDOWS:
            fresh = views.fresh_channel_view(mine, channel, w)
            assert mine.channel_view(channel, w) == fresh, f"{where}: {channel} {w}"


# ------------------------------------------------------------------ two feeds
def two_feed_setup() -> list[tuple[ev.Event, str]]:
    """Both feeds in both channels; a1, a2 and a4 skilled in the other feed's queues."""
    out: list[tuple[ev.Event, str]] = [
        (ev.QueueDefined(T0, q, q.upper(), ch, 20.0 if ch == "hotline" else 60.0), QUEUE_FEED[q])
        for q, ch in QUEUES.items()
    ]
    for i, (a, feed) in enumerate(AGENT_FEED.items()):
        skills = {"h1": 1, "o1": 1} if i == 0 else {sorted(QUEUES)[i % 4]: 1}
        out += [(ev.AgentLogin(T0, a, a.upper()), feed), (ev.AgentSkills(T0, a, skills, 2), feed)]
    return out


@st.composite
def two_feed_streams(draw: st.DrawFn) -> list[tuple]:
    """Steps (action, gap, feed, tick, delay): `delay` events pass between a snapshot's
    prepare and its install (0: installed at once)."""
    n = draw(st.integers(8, 50))
    return [(draw(actions()), draw(gaps), draw(st.sampled_from(FEEDS)), draw(st.booleans()),
             draw(st.integers(0, 2))) for _ in range(n)]


@settings(max_examples=2 * settings.default.max_examples, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(two_feed_streams())
def test_install_equals_the_whole_floor_load(stream) -> None:
    """Prepared (sometimes a few events early) and installed, a feed's snapshot leaves
    the floor as the whole-floor load leaves it; the reader of `take_changes` is current."""
    mine, ref, wall = Floor(tz="UTC"), Floor(tz="UTC"), Wall()
    for e, feed in two_feed_setup():
        mine.apply(e, feed)
        ref.apply(e, feed)
    wall.tick(mine)
    dumps: list[tuple[str, dict]] = []
    pending: list[Any] = []  # [event, state, feed, steps left]
    t = T0
    for i, (step, gap, feed, tick, delay) in enumerate(stream):
        t += gap
        e = event_for(step, t, mine)
        if e is None:  # a snapshot of `feed`: now, or one taken earlier (a stale resync)
            state = copy.deepcopy(mine.snapshot(feed))
            dumps.append((feed, state))
            feed, state = dumps[step[5] % len(dumps)] if step[5] > 6 else (feed, state)
            # Before the events that follow; half of them checked only (built on install).
            prepared = mine.prepare_snapshot(state, feed, build=step[6] < 100.0)
            pending.append([ev.Snapshot(mine.now, i, state).with_prepared(prepared), state,
                            feed, delay])
        else:
            mine.apply(e, feed)
            ref.apply(e, feed)
        for item in [p for p in pending if p[3] <= 0]:
            pending.remove(item)
            event, state, snap_feed, _ = item
            mine.apply(event, snap_feed)
            assert event.prepared.installed, "the prepared records were not the ones used"
            reference_load(ref, state, snap_feed)
            assert_same_floor(mine, ref, f"after the snapshot of {snap_feed} at step {i}")
        for item in pending:
            item[3] -= 1
        if tick or i == len(stream) - 1:
            wall.tick(mine)
            wall.check(mine, f"after step {i}")


def test_a_snapshot_of_one_feed_names_only_what_it_moved() -> None:
    """Cost follows change: the other feed's queues, agents and channel are not named
    (nobody is skilled across feeds here), and the trend is kept when it is the same."""
    floor = Floor()
    for e, feed in [
        (ev.QueueDefined(T0, "h1", "H1", "hotline", 20.0), "A"),
        (ev.QueueDefined(T0, "o1", "O1", "online", 60.0), "B"),
        (ev.AgentLogin(T0, "a1", "A1"), "A"), (ev.AgentSkills(T0, "a1", {"h1": 1}), "A"),
        (ev.AgentLogin(T0, "b1", "B1"), "B"), (ev.AgentSkills(T0, "b1", {"o1": 1}, 2), "B"),
        (ev.ContactOffered(T0 + 1, "c1", "h1"), "A"), (ev.ContactOffered(T0 + 2, "c2", "o1"), "B"),
        (ev.Heartbeat(T0 + 30), "A"),
    ]:
        floor.apply(e, feed)
    floor.queue_view("o1")
    floor.channel_view("online")
    floor.take_changes()
    deques = [id(w) for w, _sl in floor.trend.series.values()]
    assert floor.load_snapshot(floor.snapshot("A"), "A") is None
    changes = floor.take_changes()
    assert changes.queues == {"h1"} and changes.agents == {"a1"}
    assert changes.channels == {"hotline"} and changes.structure
    assert [id(w) for w, _sl in floor.trend.series.values()] == deques  # not redrawn
    assert floor.queue_view("h1") == views.fresh_queue_view(floor, "h1")
    # A trend that differs is taken.
    state = floor.snapshot("A")
    state["trend"]["series"]["hotline"][0][-1] += 1.0
    floor.load_snapshot(state, "A")
    assert floor.trend.series["hotline"][0][-1] == state["trend"]["series"]["hotline"][0][-1]


# ------------------------------------------------------------------ the prepared path
def _two_feed_floor() -> Floor:
    floor = Floor(tz="UTC")
    for e, feed in two_feed_setup():
        floor.apply(e, feed)
    floor.apply(ev.ContactOffered(T0 + 5, "c1", "h1"), "A")
    floor.apply(ev.ContactOffered(T0 + 6, "c2", "h2"), "B")
    floor.apply(ev.ContactAnswered(T0 + 9, "c2", "h2", "a0"), "B")  # B's contact, A's agent
    floor.apply(ev.Heartbeat(T0 + 70), "A")
    return floor


def test_apply_installs_a_snapshot_carrying_its_prepared_state() -> None:
    floor, ref = _two_feed_floor(), _two_feed_floor()
    state = copy.deepcopy(floor.snapshot("A"))
    state["agents"][0]["state"] = "not_ready"  # the feed moved on since
    prepared = snapshot.prepare(state, "A", floor.max_queues_per_feed,
                                floor.max_agents_per_feed)
    assert prepared.problem is None and not prepared.installed
    floor.apply(ev.Snapshot(floor.now, 9, state).with_prepared(prepared), "A")
    assert prepared.installed
    assert floor.queues["h1"] is prepared.queues["h1"]  # the prepared records, not new ones
    assert floor.agents["a0"] is prepared.agents["a0"]
    assert floor.agents["a0"].contacts == {"c2"}  # linked to the other feed's contact
    reference_load(ref, state, "A")
    assert_same_floor(floor, ref, "prepared")


def test_an_older_snapshot_links_its_contacts_to_another_feeds_agent() -> None:
    """A contact of B's queue answered by A's agent, ended since, comes back with B's
    older snapshot: A's agent holds it again, as the whole-floor load had it."""
    floor, ref = _two_feed_floor(), _two_feed_floor()
    state = copy.deepcopy(floor.snapshot("B"))
    for f in (floor, ref):
        f.apply(ev.ContactEnded(T0 + 80, "c2", "h2", "a0"), "B")
        assert f.agents["a0"].contacts == set()
    floor.install_snapshot(floor.prepare_snapshot(state, "B"))
    reference_load(ref, state, "B")
    assert floor.agents["a0"].contacts == {"c2"}
    assert "a0" in floor.take_changes().agents  # its load moved
    assert_same_floor(floor, ref, "linked")


def test_a_snapshot_checked_in_a_child_process_is_built_on_install() -> None:
    """Checked only (`build=False`), it crosses a process boundary as the state and the
    verdict; the floor builds the records when it installs it."""
    floor, ref = _two_feed_floor(), _two_feed_floor()
    state = copy.deepcopy(floor.snapshot("A"))
    checked = snapshot.prepare(state, "A", build=False)
    assert checked.problem is None and not checked.queues and checked.state is state
    event = ev.Snapshot(floor.now, 5, state)
    assert pickle.loads(pickle.dumps(event.with_prepared(checked))).prepared is None
    received = pickle.loads(pickle.dumps((event, checked)))  # sent beside the event
    event = received[0].with_prepared(received[1])
    assert event.prepared.state is event.state  # one copy of the state in the pipe
    floor.apply(event, "A")
    assert event.prepared.installed and event.prepared.state is None
    assert floor.queues["h1"] is event.prepared.queues["h1"]
    reference_load(ref, state, "A")
    assert_same_floor(floor, ref, "checked only")


def test_prepare_then_install_equals_load() -> None:
    loaded, installed = _two_feed_floor(), _two_feed_floor()
    state = copy.deepcopy(loaded.snapshot("B"))
    assert loaded.load_snapshot(state, "B") is None
    assert installed.install_snapshot(installed.prepare_snapshot(state, "B")) is None
    assert_same_floor(installed, loaded, "install")


def test_a_prepared_snapshot_that_does_not_fit_is_loaded_from_its_state() -> None:
    """Made for another feed or other caps, or installed already: the state is loaded."""
    state = copy.deepcopy(_two_feed_floor().snapshot("A"))
    for prepared, feed in [
        (snapshot.prepare(state, "B"), "A"),  # another feed's
        (snapshot.prepare(state, "A", max_queues=3), "A"),  # other caps
    ]:
        floor, ref = _two_feed_floor(), _two_feed_floor()
        floor.apply(ev.Snapshot(floor.now, 1, state).with_prepared(prepared), feed)
        assert not prepared.installed
        reference_load(ref, state, feed)
        assert_same_floor(floor, ref, "did not fit")
    floor = _two_feed_floor()
    event = ev.Snapshot(floor.now, 1, state).with_prepared(floor.prepare_snapshot(state, "A"))
    floor.apply(event, "A")
    floor.apply(event, "A")  # again (a second floor, a replay): its state, afresh
    ref = _two_feed_floor()
    reference_load(ref, state, "A")
    assert_same_floor(floor, ref, "twice")
    with pytest.raises(ValueError, match="installed once"):
        snapshot.install(floor, event.prepared)


def test_a_bad_state_prepared_is_refused_and_nothing_changes() -> None:
    floor = _two_feed_floor()
    state = copy.deepcopy(floor.snapshot("A"))
    state["agents"][1]["state_since"] = float("nan")
    prepared = floor.prepare_snapshot(state, "A")
    assert prepared.problem == "agents[1].state_since: a time out of range"
    assert not prepared.queues and not prepared.agents  # nothing built
    before = (copy.deepcopy(floor.snapshot("A")), copy.deepcopy(floor.snapshot("B")),
              _counts(floor))
    floor.take_changes()
    floor.apply(ev.Snapshot(floor.now, 3, state).with_prepared(prepared), "A")
    assert floor.snapshot_problems["A"] == prepared.problem
    assert floor.anomalies["A"][limits.BAD_SNAPSHOT] == 1
    assert _same((floor.snapshot("A"), floor.snapshot("B"), _counts(floor)), before)
    changes = floor.take_changes()
    assert not (changes.queues or changes.agents or changes.structure)
    with pytest.raises(snapshot.SnapshotError, match="state_since"):
        snapshot.install(floor, prepared)


def test_a_source_checks_the_clock_bound_once_when_it_prepares() -> None:
    floor = _two_feed_floor()
    state = floor.snapshot("A")
    late = floor.prepare_snapshot(state, "A", latest=state["now"] - 1)
    assert late.problem == "now: after the feed's clock allows"
    assert floor.prepare_snapshot(state, "A", latest=state["now"]).problem is None


def test_the_prepared_state_is_not_on_the_wire_nor_in_eq_or_repr() -> None:
    state = _two_feed_floor().snapshot("A")
    plain = ev.Snapshot(T0, 4, state)
    carrying = plain.with_prepared(snapshot.prepare(state, "A"))
    assert plain.prepared is None and carrying.prepared is not None
    assert carrying == plain and repr(carrying) == repr(plain)
    assert protocol.event_envelope(carrying, "A", 4) == protocol.event_envelope(plain, "A", 4)
    assert set(protocol.event_envelope(carrying, "A", 4).data) == {"seq", "state"}


# ------------------------------------------------------------------ the check's fast tests
def test_the_fast_tests_pass_only_what_the_full_check_passes(monkeypatch) -> None:
    """Valid and broken states get the same answer with the fast tests as without."""
    floor = _two_feed_floor()
    floor.apply(ev.AgentStateChanged(T0 + 71, "a0", "wrap_up"), "A")
    good = copy.deepcopy(floor.snapshot("A"))
    states = [good]
    for path, value in [
        (("agents", 0, "pending_handle"), ["h1", -1.0]),
        (("agents", 0, "skills"), {"h1": True}),
        (("agents", 1, "team"), None),
        (("agents", 1, "chat_capacity"), limits.MAX_CHAT_CAPACITY + 1),
        (("agents", 1, "handle_s"), float("inf")),
        (("contacts", 0, "first_reply_seen"), 1),
        (("contacts", 0, "answered_t"), good["now"] + 1),
        (("contacts", 0, "agent"), 7),
        (("queues", 0, "stats", "day"), [1.5]),
        (("queues", 0, "stats", "day"), [-1]),
        (("agents", 0, "state_since"), True),
    ]:
        state = copy.deepcopy(good)
        node = state
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        states.append(state)
    fast = [snapshot_check.problem(s) for s in states]
    for name in ("_agent_ok", "_contact_ok", "_totals_ok"):
        monkeypatch.setattr(snapshot_check, name, lambda *_args: False)
    assert fast == [snapshot_check.problem(s) for s in states]
    assert fast[0] is None and all(fast[1:]), fast
