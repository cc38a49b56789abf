"""Callback backlog and bot containment on the wall (issue 15 parts 3, 4), hand-computed.

Each figure is worked out by hand from a short event list: backlog count, oldest age
(whole clock minutes) and items worked in the window; bots active, containment rate
and handoffs waiting; an empty window ("–", None, not 0); the channel header; the
cached views equal views made from scratch; a snapshot keeps the bot stage and a
state written before it existed still loads.
"""

from __future__ import annotations

from monitor import events as ev
from monitor import views
from monitor.floor import Floor
from monitor.snapshot_check import problem

T0 = 1_767_258_000.0  # 2026-01-01 09:00:00 UTC, a whole minute


def floor_with_queues() -> Floor:
    floor = Floor(tz="UTC", window_min=15)
    floor.apply(ev.QueueDefined(T0, "hl", "Hotline", "hotline", 20.0))
    floor.apply(ev.QueueDefined(T0, "ol", "Web chat", "online", 60.0))
    floor.apply(ev.QueueDefined(T0, "ol2", "App chat", "online", 60.0))
    floor.apply(ev.AgentLogin(T0, "a1", "A1"))
    floor.apply(ev.AgentSkills(T0, "a1", {"ol": 5, "ol2": 5, "hl": 5}, 3))
    return floor


def same_as_fresh(floor: Floor, *queues: str) -> None:
    for q in queues:
        assert floor.queue_view(q) == views.fresh_queue_view(floor, q), q
    for ch in ("hotline", "online"):
        assert floor.channel_view(ch) == views.fresh_channel_view(floor, ch), ch


# ------------------------------------------------------------------ backlog
def test_backlog_count_oldest_age_and_worked_in_the_window():
    floor = floor_with_queues()
    # k1 asks at 09:00:50 after waiting, k2 books an appointment at 09:02:10 without.
    floor.apply(ev.ContactOffered(T0 + 20, "k1", "hl"))
    floor.apply(ev.CallbackRequested(T0 + 50, "k1", "hl", "callback", 30.0))
    floor.apply(ev.CallbackRequested(T0 + 130, "k2", "hl", "appointment", 0.0))
    floor.take_changes()
    v = floor.queue_view("hl")
    # 09:02:10: k1's minute 09:00 to now's 09:02 is 2 whole clock minutes.
    assert (v.backlog, v.backlog_oldest_s, v.callbacks_worked) == (2, 120.0, 0)
    # k1 worked at 09:05:30: one left (k2, 09:02 -> 09:05 = 3 min), one worked.
    floor.apply(ev.CallbackCompleted(T0 + 330, "k1", "hl", "a1"))
    floor.take_changes()
    v = floor.queue_view("hl")
    assert (v.backlog, v.backlog_oldest_s, v.callbacks_worked) == (1, 180.0, 1)
    same_as_fresh(floor, "hl", "ol")
    h = floor.channel_view("hotline")
    assert (h.backlog, h.backlog_oldest_s, h.callbacks_worked) == (1, 180.0, 1)
    # The age moves with the clock's minute: the queue is named for it.
    floor.apply(ev.Heartbeat(T0 + 365))  # 09:06:05
    assert "hl" in floor.take_changes().queues
    assert floor.queue_view("hl").backlog_oldest_s == 240.0
    # k2 worked too; 15 minutes on, both completions left the window.
    floor.apply(ev.CallbackCompleted(T0 + 400, "k2", "hl", "a1"))
    floor.take_changes()
    v = floor.queue_view("hl")
    assert (v.backlog, v.backlog_oldest_s, v.callbacks_worked) == (0, None, 2)
    floor.apply(ev.Heartbeat(T0 + 400 + 15 * 60))
    floor.take_changes()
    v = floor.queue_view("hl")
    assert (v.backlog, v.backlog_oldest_s, v.callbacks_worked) == (0, None, 0)
    same_as_fresh(floor, "hl")


def test_a_completion_no_backlog_holds_counts_nothing():
    floor = floor_with_queues()
    floor.apply(ev.CallbackCompleted(T0 + 10, "nobody", "hl", "a1"))
    assert floor.queue_view("hl").callbacks_worked == 0
    assert floor.anomalies[""]["unknown_callback"] == 1


# ---------------------------------------------------------------------- bots
def test_bot_containment_handoffs_waiting_and_bots_active():
    floor = floor_with_queues()
    for i, c in enumerate(("b1", "b2", "b3", "b4")):
        floor.apply(ev.BotStarted(T0 + i, c, "ol"))
    floor.take_changes()
    v = floor.queue_view("ol")
    assert (v.bots_active, v.bot_containment, v.handoffs_waiting) == (4, None, 0)
    floor.apply(ev.BotResolved(T0 + 30, "b1", "ol"))
    floor.apply(ev.BotResolved(T0 + 31, "b2", "ol"))
    floor.apply(ev.BotHandoff(T0 + 32, "b3", "ol"))
    floor.apply(ev.ContactOffered(T0 + 32, "b3", "ol"))
    floor.take_changes()
    v = floor.queue_view("ol")
    # 2 resolved, 1 handed over: 2 / 3 contained; b4 still with the bot; b3 waits.
    assert (v.bot_resolved, v.bot_handoffs) == (2, 1)
    assert v.bot_containment == 2 / 3
    assert (v.bots_active, v.handoffs_waiting, v.waiting) == (1, 1, 1)
    same_as_fresh(floor, "ol", "ol2")
    # Answered: the handoff no longer waits (it still counts as a handoff).
    floor.apply(ev.ContactAnswered(T0 + 40, "b3", "ol", "a1"))
    floor.take_changes()
    v = floor.queue_view("ol")
    assert (v.handoffs_waiting, v.bot_handoffs, v.waiting) == (0, 1, 0)
    # A second queue and the channel header: all online queues together.
    floor.apply(ev.BotStarted(T0 + 50, "b5", "ol2"))
    floor.apply(ev.BotHandoff(T0 + 60, "b5", "ol2"))
    floor.apply(ev.ContactOffered(T0 + 60, "b5", "ol2"))
    floor.take_changes()
    ch = floor.channel_view("online")
    assert (ch.bot_resolved, ch.bot_handoffs, ch.bot_containment) == (2, 2, 0.5)
    assert (ch.bots_active, ch.handoffs_waiting) == (1, 1)
    assert floor.channel_view("hotline").bot_containment is None
    same_as_fresh(floor, "ol", "ol2", "hl")


def test_containment_of_an_empty_window_is_none_not_zero():
    floor = floor_with_queues()
    floor.apply(ev.BotStarted(T0, "b1", "ol"))
    floor.apply(ev.BotHandoff(T0 + 5, "b1", "ol"))
    floor.take_changes()
    assert floor.queue_view("ol").bot_containment == 0.0  # one outcome: none contained
    floor.apply(ev.Heartbeat(T0 + 15 * 60 + 1))  # the handoff's minute left the window
    floor.take_changes()
    v = floor.queue_view("ol")
    assert (v.bot_resolved, v.bot_handoffs, v.bot_containment) == (0, 0, None)
    assert floor.channel_view("online").bot_containment is None
    same_as_fresh(floor, "ol")


def test_an_outcome_without_its_start_still_counts_and_creates_no_bot():
    """A feed watched from mid-chat: the outcome happened in the window."""
    floor = floor_with_queues()
    floor.apply(ev.BotResolved(T0 + 5, "old", "ol"))
    v = floor.queue_view("ol")
    assert (v.bot_resolved, v.bots_active, v.bot_containment) == (1, 0, 1.0)


def test_a_handoff_whose_offer_never_comes_is_forgotten_after_a_minute():
    floor = floor_with_queues()
    floor.apply(ev.BotStarted(T0, "b1", "ol"))
    floor.apply(ev.BotHandoff(T0 + 5, "b1", "ol"))
    floor.apply(ev.ContactOffered(T0 + 5, "b1", "ol2"))  # offered elsewhere
    floor.take_changes()
    assert floor.queue_view("ol").handoffs_waiting == 0  # not waiting in ol
    assert floor.queues["ol"].handoffs == {"b1": T0 + 5}
    floor.apply(ev.Heartbeat(T0 + 125))
    floor.take_changes()
    assert floor.queues["ol"].handoffs == {}


# ------------------------------------------------------------------ snapshot
def test_a_snapshot_keeps_the_bot_stage_and_an_older_one_still_loads():
    floor = floor_with_queues()
    floor.apply(ev.BotStarted(T0, "b1", "ol"))
    floor.apply(ev.BotStarted(T0 + 1, "b2", "ol"))
    floor.apply(ev.BotHandoff(T0 + 2, "b2", "ol"))
    floor.apply(ev.ContactOffered(T0 + 2, "b2", "ol"))
    floor.apply(ev.BotResolved(T0 + 3, "b9", "ol"))
    state = floor.snapshot()
    assert problem(state) is None
    other = Floor(tz="UTC", window_min=15)
    other.load_snapshot(state)
    v = other.queue_view("ol")
    assert (v.bots_active, v.handoffs_waiting, v.bot_handoffs, v.bot_resolved) == (1, 1, 1, 1)
    assert v == floor.queue_view("ol")
    # Written before the bot stage: no bots/handoffs keys, buckets of the older length.
    old = floor.snapshot()
    for q in old["queues"]:
        q.pop("bots"), q.pop("handoffs")
        stats = q["stats"]
        stats["minutes"] = [[m, values[:23]] for m, values in stats["minutes"]]
        stats["day"] = stats["day"][:23]
    assert problem(old) is None
    older = Floor(tz="UTC", window_min=15)
    older.load_snapshot(old)
    v = older.queue_view("ol")
    assert (v.bots_active, v.handoffs_waiting, v.bot_containment, v.waiting) == (0, 0, None, 1)
