"""Events that cannot be true of the floor are counted per feed and reason, never figures
(issue 9, item 2); what one feed may create is capped (docs/protocol.md, "Events that
cannot be true")."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from monitor import events as ev
from monitor import limits
from monitor.config import ConfigError, load_config
from monitor.floor import Floor
from tests.floors import T0, logged_in
from tests.monitor.shown_figures import figures

FEED = "pbx"
NOW = T0 + 60


def base_floor(**kw) -> Floor:
    """hl (hotline): w1 waiting, t1 answered by a1, cb1 in the backlog; ol (online): w2
    waiting; a2 serves ol with 3 chat slots. The clock at NOW."""
    floor = Floor(tz="UTC", **kw)
    for e in [
        ev.QueueDefined(T0, "hl", "General", "hotline", 20.0),
        ev.QueueDefined(T0, "ol", "Chat", "online", 60.0),
        *logged_in("a1", "Ann", {"hl": 5}),
        *logged_in("a2", "Bo", {"ol": 5}, 3),
        ev.ContactOffered(T0 + 1, "w1", "hl"),
        ev.ContactOffered(T0 + 2, "t1", "hl"),
        ev.ContactAnswered(T0 + 5, "t1", "hl", "a1"),
        ev.AgentStateChanged(T0 + 5, "a1", "on_contact"),
        ev.ContactOffered(T0 + 3, "w2", "ol"),
        ev.ChatMessage(T0 + 4, "w2", "customer", "hello"),
        ev.CallbackRequested(T0 + 6, "cb1", "hl"),
        ev.Heartbeat(NOW),
    ]:
        floor.apply(e, FEED)
    assert floor.anomalies == {}
    return floor


# (event, the reason it is counted under); each changes no figure at all.
NONSENSE = {
    "an event 7 h before its feed's clock": (
        ev.ContactOffered(NOW - 7 * 3600, "late", "hl"), limits.TIME_BACKWARDS),
    "an offer for a contact already waiting": (
        ev.ContactOffered(NOW, "w1", "ol"), limits.OFFER_TWICE),
    "an offer for a contact in progress": (
        ev.ContactOffered(NOW, "t1", "hl"), limits.OFFER_TWICE),
    "an answer for a contact answered already": (
        ev.ContactAnswered(NOW, "t1", "hl", "a2"), limits.ANSWER_TWICE),
    "an answer in a queue the contact does not wait in": (
        ev.ContactAnswered(NOW, "w1", "ol", "a2"), limits.NOT_WAITING),
    "an abandon after the answer": (ev.ContactAbandoned(NOW, "t1", "hl"), limits.NOT_WAITING),
    "an exit from another queue": (
        ev.ContactExited(NOW, "w1", "ol", "timeout"), limits.NOT_WAITING),
    "an abandon of an unknown contact in an unknown queue": (
        ev.ContactAbandoned(NOW, "ghost", "nowhere"), limits.UNKNOWN_CONTACT),
    "an exit of an unknown contact": (
        ev.ContactExited(NOW, "ghost", "hl", "timeout"), limits.UNKNOWN_CONTACT),
    "an end of an unknown contact by an unknown agent": (
        ev.ContactEnded(NOW, "ghost", "hl", "nobody"), limits.UNKNOWN_CONTACT),
    "a message in an unknown chat": (
        ev.ChatMessage(NOW, "ghost", "agent", "hi", "a2"), limits.UNKNOWN_CONTACT),
    "a logout of an unknown agent": (ev.AgentLogout(NOW, "nobody"), limits.UNKNOWN_AGENT),
    "a callback completed that no backlog holds": (
        ev.CallbackCompleted(NOW, "nocb", "hl"), limits.UNKNOWN_CALLBACK),
    "a callback completed in an unknown queue": (
        ev.CallbackCompleted(NOW, "cb1", "nowhere"), limits.UNKNOWN_CALLBACK),
    "a negative service level target": (
        ev.QueueDefined(NOW, "hl", "General", "hotline", -5.0), limits.BAD_VALUE),
    "a channel that is not one": (
        ev.QueueDefined(NOW, "fax", "Fax", "fax", 20.0), limits.BAD_VALUE),
    "a negative chat capacity": (ev.AgentSkills(NOW, "a2", {"ol": 5}, -3), limits.BAD_VALUE),
    "a million chat slots": (ev.AgentSkills(NOW, "a2", {"ol": 5}, 10**6), limits.BAD_VALUE),
    "an agent state that is not one": (
        ev.AgentStateChanged(NOW, "a1", "dancing"), limits.BAD_VALUE),
    "an NPS of 42": (ev.SurveyResult(NOW, "t1", "hl", "a1", 42, -1), limits.BAD_VALUE),
    "a satisfaction of 0": (ev.SurveyResult(NOW, "t1", "hl", "a1", -1, 0), limits.BAD_VALUE),
}


@pytest.mark.parametrize("name", sorted(NONSENSE))
def test_nonsense_is_counted_by_reason_and_moves_no_figure(name):
    event, reason = NONSENSE[name]
    floor = base_floor()
    before = figures(floor)
    floor.apply(event, FEED)
    assert floor.anomalies == {FEED: Counter({reason: 1})}
    assert figures(floor) == before
    floor.apply(ev.Heartbeat(NOW), "other feed")  # its clock where the first one's is
    floor.apply(event, "other feed")  # counted per feed
    assert floor.anomalies[FEED] == Counter({reason: 1})
    assert sum(floor.anomalies["other feed"].values()) == 1


def test_a_late_event_within_the_tolerance_is_applied():
    floor = base_floor()
    floor.apply(ev.ContactOffered(NOW - 3600, "late", "hl"), FEED)
    assert "late" in floor.queues["hl"].waiting and floor.anomalies == {}


def test_each_feed_has_its_own_clock():
    """A feed whose clock lags another's by hours is not running backwards."""
    floor = base_floor()
    floor.apply(ev.Heartbeat(NOW + 10 * 3600), "ahead")
    floor.apply(ev.ContactOffered(NOW + 1, "w3", "hl"), FEED)
    assert "w3" in floor.queues["hl"].waiting and floor.anomalies == {}
    floor.apply(ev.ContactOffered(NOW, "w4", "hl"), "ahead")  # 10 h before its own clock
    assert floor.anomalies == {"ahead": Counter({limits.TIME_BACKWARDS: 1})}


def test_an_answer_without_an_offer_counts_no_answer_but_tracks_the_work():
    floor = base_floor()
    before = floor.queue_view("hl")
    floor.apply(ev.ContactAnswered(NOW, "new", "hl", "a1"), FEED)
    assert floor.anomalies == {FEED: Counter({limits.ANSWER_WITHOUT_OFFER: 1})}
    after = floor.queue_view("hl")
    assert (after.answered, after.asa_s, after.service_level) == (
        before.answered, before.asa_s, before.service_level)
    assert floor.queues["hl"].in_progress == 2 and "new" in floor.agents["a1"].contacts


def test_an_end_while_waiting_leaves_the_queue_with_no_outcome():
    floor = base_floor()
    before = floor.queue_view("hl")
    floor.apply(ev.ContactEnded(NOW, "w1", "hl", "a1"), FEED)
    assert floor.anomalies == {FEED: Counter({limits.END_WITHOUT_ANSWER: 1})}
    after = floor.queue_view("hl")
    assert after.waiting == before.waiting - 1 and "w1" not in floor.contacts
    outcomes = ("offered", "answered", "abandoned", "short_abandoned", "service_level")
    assert [getattr(after, f) for f in outcomes] == [getattr(before, f) for f in outcomes]
    assert floor.agents["a1"].pending_handle is None  # no handle time from it


def test_an_end_by_another_agent_frees_the_one_who_answered():
    floor = base_floor()
    floor.apply(ev.ContactEnded(NOW, "t1", "hl", "a2"), FEED)
    assert floor.anomalies == {FEED: Counter({limits.WRONG_AGENT: 1})}
    assert floor.agents["a1"].contacts == set() and floor.agents["a1"].pending_handle
    assert floor.agents["a2"].pending_handle is None
    floor.apply(ev.ContactEnded(NOW, "t1", "hl", "a1"), FEED)  # ended twice
    assert floor.anomalies[FEED][limits.UNKNOWN_CONTACT] == 1


# ------------------------------------------------------------------------ caps
def hostile_stream(n: int, t0: float = T0) -> list[ev.Event]:
    """`n` frames naming random queues and agents (issue 9: 2,000 such frames made
    1,319 queues and 850 agents)."""
    rng = random.Random(9)
    out: list[ev.Event] = []
    for i in range(n):
        t, q, a = t0 + i, f"q{rng.randrange(10**9)}", f"a{rng.randrange(10**9)}"
        out.append([
            ev.ContactOffered(t, f"c{i}", q),
            ev.AgentStateChanged(t, a, "available"),
            ev.AgentSkills(t, a, {q: 5, f"q{rng.randrange(10**9)}": 3}, 0),
            ev.AgentLogin(t, a, "X"),
            ev.SurveyResult(t, f"c{i}", q, a, 9, 5),
        ][i % 5])
    return out


def test_queues_and_agents_a_feed_creates_stop_at_its_cap():
    floor = Floor(max_queues_per_feed=40, max_agents_per_feed=25)
    floor.apply(ev.QueueDefined(T0, "real", "Real", "hotline", 20.0), "pbx")
    for e in hostile_stream(2000):
        floor.apply(e, "evil")
    evil = [q for q in floor.queues.values() if q.feed == "evil"]
    assert len(evil) == 40 and len(floor.agents) == 25
    assert floor.at_cap("evil") == (True, True) and floor.at_cap("pbx") == (False, False)
    counts = floor.anomalies["evil"]
    assert counts[limits.QUEUE_CAP] > 500 and counts[limits.AGENT_CAP] > 500
    # Offers into queues past the cap kept nothing: no contact waits anywhere unseen.
    assert all(c.queue in floor.queues for c in floor.contacts.values())
    assert len(floor.contacts) == sum(len(q.waiting) for q in floor.queues.values())
    # Skills past the cap name only queues that exist.
    assert all(q in floor.queues for a in floor.agents.values() for q in a.skills)
    # What exists still works; another feed still creates.
    floor.apply(ev.ContactOffered(T0 + 3000, "ok", evil[0].id), "evil")
    assert "ok" in evil[0].waiting
    floor.apply(ev.ContactOffered(T0 + 3000, "c", "new"), "pbx")
    assert floor.queues["new"].feed == "pbx" and "pbx" not in floor.anomalies


def test_the_default_caps_bound_a_feed_naming_random_queues():
    floor = Floor()
    rng = random.Random(3)
    for i in range(limits.MAX_QUEUES_PER_FEED + 500):
        floor.apply(ev.ContactOffered(T0 + i, f"c{i}", f"q{rng.randrange(10**9)}"), "evil")
    assert len(floor.queues) == limits.MAX_QUEUES_PER_FEED
    assert floor.anomalies["evil"] == Counter({limits.QUEUE_CAP: 500})
    assert len(floor.contacts) == limits.MAX_QUEUES_PER_FEED


def test_a_snapshot_resets_what_a_feed_has_created():
    floor = Floor(max_queues_per_feed=3)
    for i in range(5):
        floor.apply(ev.ContactOffered(T0 + i, f"c{i}", f"q{i}"), "evil")
    assert floor.at_cap("evil")[0] and len(floor.queues) == 3
    small = Floor()
    small.apply(ev.QueueDefined(T0, "only", "Only", "hotline", 20.0), "evil")
    assert floor.load_snapshot(small.snapshot("evil"), "evil") is None
    assert set(floor.queues) == {"only"} and not floor.at_cap("evil")[0]
    floor.apply(ev.ContactOffered(T0 + 9, "x", "q9"), "evil")
    assert "q9" in floor.queues


def test_live_contacts_and_a_callback_backlog_stop_at_their_caps():
    """A feed offering contacts that never end (or booking callbacks never worked)
    would only grow memory: past the caps they are counted, not applied."""
    floor = Floor()
    floor.max_live_contacts, floor.max_backlog_per_queue = 50, 20
    floor.apply(ev.QueueDefined(T0, "hl", "General", "hotline", 20.0), "pbx")
    for i in range(80):
        floor.apply(ev.ContactOffered(T0 + i, f"c{i}", "hl"), "pbx")
    floor.apply(ev.ContactAnswered(T0 + 90, "never-offered", "hl", "a1"), "pbx")
    assert len(floor.contacts) == 50 and len(floor.queues["hl"].waiting) == 50
    assert floor.anomalies["pbx"][limits.CONTACT_CAP] == 31
    before = figures(floor)
    for i in range(30):  # books callbacks for waiting contacts, then for nobody waiting
        floor.apply(ev.CallbackRequested(T0 + 100 + i, f"c{i}" if i < 10 else f"x{i}", "hl"),
                    "pbx")
    q = floor.queues["hl"]
    assert len(q.backlog) == 20 and floor.anomalies["pbx"][limits.CONTACT_CAP] == 41
    # The ten refused bookings moved nothing: c0..c9 left the queue, the rest still wait.
    assert len(q.waiting) == 40 and before != figures(floor)
    # Room again once contacts leave: an offer is applied.
    floor.apply(ev.CallbackCompleted(T0 + 200, "x10", "hl"), "pbx")
    floor.apply(ev.ContactOffered(T0 + 201, "late", "hl"), "pbx")
    assert "late" in q.waiting


def test_caps_come_from_the_config(tmp_path: Path):
    path = tmp_path / "floorwatch.toml"
    path.write_text("[client]\nmax_queues_per_feed = 10\nmax_agents_per_feed = 20\n")
    floor = Floor.from_config(load_config(path))
    assert (floor.max_queues_per_feed, floor.max_agents_per_feed) == (10, 20)
    path.write_text("[client]\nmax_agents_per_feed = 0\n")
    with pytest.raises(ConfigError, match="client.max_agents_per_feed"):
        load_config(path)
