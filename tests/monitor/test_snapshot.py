"""A feed's snapshot: dump and load, one feed replaced while the others stay; a state
checked whole before it replaces anything (issue 9, item 3)."""

import contextlib
import copy
import json
import math
from collections import Counter

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.sim import SimConfig, Simulation
from monitor import events as ev
from monitor import snapshot, snapshot_check
from monitor.floor import Floor
from tests.floors import T0, logged_in
from tests.monitor.shown_figures import figures


def floor_of(feed: str, queue: str, agent: str, channel: str = "hotline") -> Floor:
    f = Floor()
    for e in [
        ev.QueueDefined(T0, queue, queue.title(), channel, 20.0, name_zh="队列"),
        *logged_in(agent, agent.title(), {queue: 5}, 3 if channel == "online" else 0),
        ev.ContactOffered(T0 + 1, f"{queue}-w1", queue),
        ev.ContactOffered(T0 + 2, f"{queue}-w2", queue),
        ev.ContactOffered(T0 + 3, f"{queue}-t1", queue),
        ev.ContactAnswered(T0 + 9, f"{queue}-t1", queue, agent),
        ev.AgentStateChanged(T0 + 9, agent, "on_contact"),
        ev.CallbackRequested(T0 + 12, f"{queue}-cb", queue),
        ev.Heartbeat(T0 + 40),
    ]:
        f.apply(e, feed)
    return f


def test_dump_is_plain_data_and_the_floor_method_delegates():
    f = floor_of("A", "hl", "a1")
    state = snapshot.dump(f, "A")
    assert state == f.snapshot("A")
    json.dumps(state)  # plain data: a feed sends it as is
    assert [q["id"] for q in state["queues"]] == ["hl"]
    assert sorted(c["id"] for c in state["contacts"]) == ["hl-t1", "hl-w1", "hl-w2"]
    assert snapshot.dump(f, "other feed")["queues"] == []


def test_load_restores_what_views_read():
    f = floor_of("A", "hl", "a1")
    g = Floor()
    snapshot.load(g, snapshot.dump(f, "A"), "A")
    assert g.queue_view("hl") == f.queue_view("hl")
    assert g.channel_view("hotline") == f.channel_view("hotline")
    assert list(g.queues["hl"].waiting) == ["hl-w1", "hl-w2"]  # oldest first
    assert g.queues["hl"].backlog == {"hl-cb": T0 + 12}
    assert g.agents["a1"].contacts == {"hl-t1"} and g.agents["a1"].feed == "A"
    changes = g.take_changes()
    assert changes.structure and changes.queues == {"hl"} and changes.agents == {"a1"}


def test_loading_one_feed_leaves_the_others_and_twice_is_once():
    online = floor_of("B", "app", "b1", "online")
    g = Floor()
    g.load_snapshot(snapshot.dump(floor_of("A", "hl", "a1"), "A"), "A")
    g.load_snapshot(snapshot.dump(online, "B"), "B")
    before = g.queue_view("hl")
    for _ in range(2):
        g.load_snapshot(snapshot.dump(online, "B"), "B")
    assert g.queue_view("hl") == before
    assert g.queues["app"].in_progress == 1  # not counted once per load
    assert g.channel_view("online") == online.channel_view("online")
    assert g.channel_view("online").agents_busy == 1

    g.load_snapshot({"now": T0 + 40, "queues": [], "agents": [], "contacts": []}, "B")
    assert set(g.queues) == {"hl"} and set(g.agents) == {"a1"}
    assert sorted(g.contacts) == ["hl-t1", "hl-w1", "hl-w2"]
    assert g.channel_view("online").agents_staffed == 0


def test_two_feeds_snapshots_keep_each_channels_trend():
    hotline = floor_of("pbx", "hl", "h1", "hotline")
    online = floor_of("chat", "ol", "o1", "online")
    client = Floor()
    client.load_snapshot(hotline.snapshot("pbx"), "pbx")
    client.load_snapshot(online.snapshot("chat"), "chat")
    waiting = {ch: list(w) for ch, (w, _sl) in client.trend.series.items()}
    assert waiting["hotline"] == list(hotline.trend.series["hotline"][0])
    assert waiting["online"] == list(online.trend.series["online"][0])
    assert max(waiting["hotline"]) > 0 and max(waiting["online"]) > 0
    assert len(client.trend.times) == len(waiting["hotline"]) == len(waiting["online"])


# ----------------------------------------------- a snapshot is checked whole first
def _state() -> dict:
    """A valid state with waiting, answered and backlog contacts, counters and trend."""
    state = copy.deepcopy(snapshot.dump(floor_of("A", "hl", "a1"), "A"))
    assert state["queues"][0]["stats"]["minutes"] and state["trend"]["times"]
    assert snapshot_check.problem(state) is None
    return state


def _set(path: tuple, value):
    """A mutation putting `value` at `path` (keys and list indexes) of a state."""
    def mutate(state: dict) -> dict:
        node = state
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return state
    return mutate


def _drop(key: str):
    def mutate(state: dict) -> dict:
        del state[key]
        return state
    return mutate


def _twice(key: str):
    def mutate(state: dict) -> dict:
        state[key].append(copy.deepcopy(state[key][0]))
        return state
    return mutate


STATS = ("queues", 0, "stats")
# name -> mutation of a valid state that makes it unloadable (issue 9, item 3: a bad
# snapshot dropped the feed's state before failing, or installed what it carried).
MALFORMED = {
    "not a map": lambda s: [s],
    "no clock": _drop("now"),
    "a clock that is not a number": _set(("now",), "soon"),
    "a clock in the year 11476": _set(("now",), 3e11),
    "a clock that is NaN": _set(("now",), math.nan),
    "a clock before 1970": _set(("now",), -1e13),
    "a clock of True": _set(("now",), True),
    "queues that are not a list": _set(("queues",), "all"),
    "a queue without its fields": _set(("queues", 0), {"id": "x"}),
    "a queue that is a list": _set(("queues", 0), ["hl"]),
    "a queue id that is a number": _set(("queues", 0, "id"), 7),
    "a service level target of 'twenty'": _set(("queues", 0, "sl_target_s"), "twenty"),
    "a negative service level target": _set(("queues", 0, "sl_target_s"), -20.0),
    "an infinite service level target": _set(("queues", 0, "sl_target_s"), math.inf),
    "a target of 10**400 (JSON)": _set(("queues", 0, "sl_target_s"), 10**400),
    "a channel that is not one": _set(("queues", 0, "channel"), "fax"),
    "a name of 70,000 characters": _set(("queues", 0, "name"), "x" * 70_000),
    "a queue listed twice": _twice("queues"),
    "a backlog item that is not a pair": _set(("queues", 0, "backlog", 0), ["hl-cb"]),
    "a backlog item from the future": _set(("queues", 0, "backlog", 0, 1), T0 + 86_400),
    "a minute counter of inf": _set((*STATS, "minutes", 0, 1, 0), math.inf),
    "a negative minute counter": _set((*STATS, "minutes", 0, 1, 0), -1),
    "a count of 1.5": _set((*STATS, "minutes", 0, 1, 0), 1.5),
    "a wait of NaN": _set((*STATS, "minutes", 0, 1, 3), math.nan),
    "a minute after the clock": _set((*STATS, "minutes", 0, 0), 10**9),
    "61 minutes and more": _set((*STATS, "minutes"), [[1, []]] * 62),
    "a day that is not a list": _set((*STATS, "day"), {"offered": 1}),
    "agents that are 'all'": _set(("agents",), "all"),
    "an agent without a state": lambda s: (s["agents"][0].pop("state"), s)[1],
    "an agent state that is not one": _set(("agents", 0, "state"), "dancing"),
    "an agent listed twice": _twice("agents"),
    "skills that are a list": _set(("agents", 0, "skills"), ["hl"]),
    "a skill level of 'five'": _set(("agents", 0, "skills", "hl"), "five"),
    "a million chat slots": _set(("agents", 0, "chat_capacity"), 10**6),
    "a handled count of True": _set(("agents", 0, "handled"), True),
    "a negative handle time": _set(("agents", 0, "handle_s"), -5.0),
    "a state since the future": _set(("agents", 0, "state_since"), T0 + 86_400),
    "a pending handle of three": _set(("agents", 0, "pending_handle"), ["hl", 1.0, 2.0]),
    "contacts that are 'all'": _set(("contacts",), "all"),
    "a contact in a queue the snapshot lacks": _set(("contacts", 0, "queue"), "nowhere"),
    "a contact offered at -1e13": _set(("contacts", 0, "offered_t"), -1e13),
    "a contact offered in the future": _set(("contacts", 0, "offered_t"), T0 + 86_400),
    "a contact listed twice": _twice("contacts"),
    "a reply seen of 'yes'": _set(("contacts", 0, "first_reply_seen"), "yes"),
    "a trend that is a list": _set(("trend",), []),
    "a trend channel that is not one": _set(("trend", "series", "fax"), [[], []]),
    "a trend series of another length": _set(("trend", "series", "hotline"), [[1.0], [0.5]]),
    "a service level of 2 in the trend": _set(("trend", "series", "hotline", 1, 0), 2.0),
    "a waiting count of inf in the trend": _set(("trend", "series", "hotline", 0, 0), math.inf),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_snapshot_is_refused_counted_and_the_previous_state_stays(name):
    g = Floor()
    g.load_snapshot(snapshot.dump(floor_of("B", "app", "b1", "online"), "B"), "B")
    g.load_snapshot(_state(), "A")
    g.apply(ev.ContactOffered(T0 + 41, "hl-w3", "hl"), "A")  # and an event after it
    before = figures(g)
    bad = MALFORMED[name](_state())
    problem = g.load_snapshot(bad, "A")
    assert problem  # says where and why
    assert figures(g) == before
    assert g.anomalies == {"A": Counter({"bad_snapshot": 1})}
    assert g.snapshot_problems == {"A": problem}
    with pytest.raises(snapshot.SnapshotError):
        snapshot.load(Floor(), bad, "A")  # the module refuses it too, having done nothing
    # The next good one loads, and the feed is fine again.
    assert g.load_snapshot(_state(), "A") is None and g.snapshot_problems == {}
    assert "hl-w3" not in g.contacts  # replaced by the snapshot: it has no such contact


def test_a_snapshot_past_the_floors_caps_is_refused():
    g = Floor(max_agents_per_feed=1)
    state = snapshot.dump(floor_of("A", "hl", "a1"), "A")
    state["agents"].append(dict(state["agents"][0], id="a2"))
    assert "agents" in g.load_snapshot(state, "A")
    assert g.agents == {} and g.anomalies == {"A": Counter({"bad_snapshot": 1})}


def test_the_messages_never_echo_the_feeds_text():
    state = _set(("queues", 0, "channel"), "<b>evil</b>")(_state())
    problem = snapshot_check.problem(state)
    assert problem == "queues[0].channel: not a channel"


def test_states_real_floors_dump_pass_the_check():
    """Many hours of a simulated floor, with chats, callbacks and transfers, dumped and
    sent as msgpack or JSON: never refused (no false alarms)."""
    sim = Simulation(SimConfig(agents=120, seed=5))
    floor = Floor()
    events = sim.setup_events() + sim.run_until(sim.now + 3 * 3600)
    for i, e in enumerate(events):
        floor.apply(e, "sim")
        if i % 20_000 == 0 or i == len(events) - 1:
            state = floor.snapshot("sim")
            assert snapshot_check.problem(state) is None
            assert snapshot_check.problem(msgpack.unpackb(msgpack.packb(state))) is None
            assert snapshot_check.problem(json.loads(json.dumps(state))) is None
    g = Floor()
    assert g.load_snapshot(floor.snapshot("sim"), "sim") is None
    assert figures(g)["queues"] == figures(floor)["queues"]


def test_a_floor_fed_by_skewed_clocks_still_snapshots():
    """An answer stamped before its offer, an agent reply before the customer's message:
    the engine counts what the feed says (negative sums of seconds), and its snapshot
    is still taken."""
    f = Floor()
    for e in [
        ev.QueueDefined(T0, "ol", "Chat", "online", 60.0),
        ev.ContactOffered(T0 + 10, "c1", "ol"),
        ev.ChatMessage(T0 + 10, "c1", "customer", "hi"),
        ev.ContactAnswered(T0 + 4, "c1", "ol", "a1"),
        ev.ChatMessage(T0 + 3, "c1", "agent", "hello", "a1"),
        ev.Heartbeat(T0 + 20),
    ]:
        f.apply(e, "A")
    state = f.snapshot("A")
    assert state["queues"][0]["stats"]["minutes"][0][1][3] < 0  # wait_answered_s
    g = Floor()
    assert g.load_snapshot(state, "A") is None
    assert figures(g)["queues"] == figures(f)["queues"]


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=6,
)


def _paths(node, path=()):
    """Every place in a state a value sits (to be replaced by anything)."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:3]):
            yield from _paths(value, (*path, i))


PATHS = [p for p in _paths(_state()) if p]


@settings(max_examples=settings.default.max_examples * 4, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PATHS), json_like), min_size=1, max_size=3))
def test_any_state_loads_whole_or_changes_nothing(changes):
    """Whatever a state holds, loading it never raises: it is refused with the floor
    untouched, or loaded, after which the floor's views can all be read."""
    state = _state()
    for path, value in changes:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            _set(path, value)(state)
    g = Floor()
    g.load_snapshot(_state(), "A")
    before = figures(g)
    if g.load_snapshot(state, "A") is None:
        figures(g)  # every view reads
        g.apply(ev.Heartbeat(g.now + 61), "A")
        figures(g)
    else:
        assert figures(g) == before
