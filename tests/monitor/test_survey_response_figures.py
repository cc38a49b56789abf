"""NPS, satisfaction and chat response times on hand-computed event lists (issue 15).

Every figure is worked out by hand in the comments; an empty window is None (the UI
shows "–"), never 0.
"""

from __future__ import annotations

import pytest

from monitor import events as ev
from monitor import metrics, views
from monitor.floor import WINDOW_INTERVAL, WINDOW_TODAY, Floor
from monitor.rolling import RollingCounters, Totals

T0 = 1_767_600_000.0  # a whole hour (UTC)


def _floor() -> Floor:
    floor = Floor(tz="UTC")
    floor.apply(ev.QueueDefined(T0, "chat", "Chat", "online", 60.0))
    floor.apply(ev.QueueDefined(T0, "hl", "Hotline", "hotline", 20.0))
    floor.apply(ev.AgentLogin(T0, "a1", "Ann"))
    floor.apply(ev.AgentSkills(T0, "a1", {"chat": 1, "hl": 1}, 3))
    return floor


def _surveys(floor: Floor, t: float, queue: str, scores: list[tuple[int, int]]) -> None:
    for n, (nps, csat) in enumerate(scores):
        floor.apply(ev.SurveyResult(t + n, f"s{queue}{t}{n}", queue, "a1", nps, csat))


# ------------------------------------------------------------------ surveys
def test_nps_counts_promoters_passives_and_detractors():
    floor = _floor()
    # 10, 9, 9: promoters; 8, 7: passives; 6, 0: detractors; -1: NPS not answered.
    _surveys(floor, T0 + 10, "hl", [(10, 5), (9, 4), (9, 5), (8, 4), (7, 3), (6, 2), (0, 1),
                                    (-1, 4)])
    view = floor.queue_view("hl")
    # 7 NPS answers: 3 promoters (42.86 %) - 2 detractors (28.57 %) = +14.29
    assert view.nps_responses == 7
    assert view.nps == pytest.approx(100 * (3 - 2) / 7)
    # 8 satisfaction answers: 5+4+5+4+3+2+1+4 = 28, mean 3.5; 4 or 5: five of them
    assert view.csat_responses == 8
    assert view.csat == pytest.approx(28 / 8)
    assert view.csat_satisfied == pytest.approx(5 / 8)
    # A hotline queue has no chat: no response figures, whatever its surveys.
    assert view.first_response_s is None and view.response_s is None


def test_only_promoters_or_only_detractors_reach_the_ends_of_the_scale():
    floor = _floor()
    _surveys(floor, T0 + 10, "hl", [(9, -1), (10, -1)])
    _surveys(floor, T0 + 10, "chat", [(0, -1), (6, -1), (3, -1)])
    assert (floor.queue_view("hl").nps, floor.queue_view("hl").nps_responses) == (100.0, 2)
    assert (floor.queue_view("chat").nps, floor.queue_view("chat").nps_responses) == (-100.0, 3)
    # No satisfaction answered: mean and share undefined, not 0.
    assert floor.queue_view("hl").csat is None and floor.queue_view("hl").csat_satisfied is None
    assert floor.queue_view("hl").csat_responses == 0


def test_a_satisfaction_only_survey_leaves_nps_undefined():
    floor = _floor()
    _surveys(floor, T0 + 10, "hl", [(-1, 3)])
    view = floor.queue_view("hl")
    assert (view.nps, view.nps_responses) == (None, 0)
    assert (view.csat, view.csat_satisfied, view.csat_responses) == (3.0, 0.0, 1)


def test_surveys_leave_the_rolling_window_and_stay_in_today():
    floor = _floor()
    _surveys(floor, T0 + 10, "hl", [(10, 5), (2, 2)])
    floor.apply(ev.Heartbeat(T0 + 20 * 60))  # 20 minutes later
    assert floor.queue_view("hl", 15).nps is None  # an empty window: None, shown "–"
    assert floor.queue_view("hl", 15).nps_responses == 0
    assert floor.queue_view("hl", 60).nps == 0.0  # one promoter, one detractor
    today = floor.queue_view("hl", WINDOW_TODAY)
    assert (today.nps, today.nps_responses, today.csat, today.csat_satisfied) == (
        0.0, 2, 3.5, 0.5)
    assert floor.queue_view("hl", WINDOW_INTERVAL).nps_responses == 2  # same half hour


def test_channel_figures_add_up_the_queues_of_the_channel():
    floor = _floor()
    floor.apply(ev.QueueDefined(T0, "chat2", "Chat 2", "online", 60.0))
    _surveys(floor, T0 + 10, "chat", [(10, 5), (10, 5)])
    _surveys(floor, T0 + 10, "chat2", [(0, 1)])
    _surveys(floor, T0 + 10, "hl", [(5, 3)])
    online = floor.channel_view("online")
    # 2 promoters, 1 detractor of 3: +33.3; satisfaction (5+5+1)/3, 2 of 3 satisfied
    assert (online.nps_responses, online.csat_responses) == (3, 3)
    assert online.nps == pytest.approx(100 / 3)
    assert online.csat == pytest.approx(11 / 3)
    assert online.csat_satisfied == pytest.approx(2 / 3)
    hotline = floor.channel_view("hotline")
    assert (hotline.nps, hotline.nps_responses, hotline.csat_satisfied) == (-100.0, 1, 0.0)
    assert online == views.fresh_channel_view(floor, "online")


# ------------------------------------------------------------------ responses
def _chat(floor: Floor, contact: str, offered: float, answered: float) -> None:
    floor.apply(ev.ContactOffered(offered, contact, "chat"))
    floor.apply(ev.ChatMessage(offered, contact, "customer", "hello"))
    floor.apply(ev.ContactAnswered(answered, contact, "chat", "a1"))


def test_first_and_average_response_over_several_turns():
    floor = _floor()
    # c1: asks at 0 (waits in queue), answered at 20; the agent first writes at 30.
    _chat(floor, "c1", T0, T0 + 20)
    floor.apply(ev.ChatMessage(T0 + 30, "c1", "agent", "hi", "a1"))  # turn 1: 30 s (first)
    floor.apply(ev.ChatMessage(T0 + 35, "c1", "agent", "anything else?", "a1"))  # no turn
    floor.apply(ev.ChatMessage(T0 + 40, "c1", "customer", "my order"))  # turn 2 from 40
    floor.apply(ev.ChatMessage(T0 + 45, "c1", "customer", "is late"))  # the same turn
    floor.apply(ev.ChatMessage(T0 + 50, "c1", "system", "agent is typing"))  # nobody's reply
    floor.apply(ev.ChatMessage(T0 + 52, "c1", "agent", "checking", "a1"))  # turn 2: 12 s
    floor.apply(ev.ChatMessage(T0 + 60, "c1", "customer", "thanks"))  # turn 3 from 60
    floor.apply(ev.ChatMessage(T0 + 66, "c1", "agent", "welcome", "a1"))  # turn 3: 6 s
    # c2: asks at 10, answered at 15, first reply at 25 (15 s); then asks again at 70
    # and the agent has not replied yet: that turn counts nowhere.
    _chat(floor, "c2", T0 + 10, T0 + 15)
    floor.apply(ev.ChatMessage(T0 + 25, "c2", "agent", "hello", "a1"))
    floor.apply(ev.ChatMessage(T0 + 70, "c2", "customer", "still there?"))
    view = floor.queue_view("chat")
    # first responses: c1 30 s, c2 15 s -> mean 22.5 s
    assert view.first_response_s == pytest.approx(22.5)
    # every turn: 30, 12, 6 (c1) and 15 (c2) -> 63 / 4 = 15.75 s
    assert view.response_s == pytest.approx(63 / 4)
    t = floor.totals(floor.queues["chat"])
    assert (t.first_responses, t.first_response_s, t.responses, t.response_s) == (
        2, 45.0, 4, 63.0)
    assert view == views.fresh_queue_view(floor, "chat")
    # c2's open question is answered later: one more turn of 80 - 70 = 10 s.
    floor.apply(ev.ChatMessage(T0 + 80, "c2", "agent", "yes", "a1"))
    assert floor.queue_view("chat").response_s == pytest.approx(73 / 5)
    assert floor.queue_view("chat").first_response_s == pytest.approx(22.5)  # unchanged


def test_a_chat_with_no_agent_reply_yet_has_no_response_figures():
    floor = _floor()
    _chat(floor, "c1", T0, T0 + 5)
    floor.apply(ev.ChatMessage(T0 + 8, "c1", "customer", "hello?"))
    view = floor.queue_view("chat")
    assert (view.first_response_s, view.response_s) == (None, None)
    assert floor.channel_view("online").response_s is None
    # The agent writes before any customer message of a chat: no turn, no first response.
    floor.apply(ev.ContactOffered(T0 + 10, "c2", "chat"))
    floor.apply(ev.ContactAnswered(T0 + 11, "c2", "chat", "a1"))
    floor.apply(ev.ChatMessage(T0 + 12, "c2", "agent", "hello!", "a1"))
    assert floor.totals(floor.queues["chat"]).responses == 0


def test_response_times_leave_the_window_with_their_minute():
    floor = _floor()
    _chat(floor, "c1", T0, T0 + 5)
    floor.apply(ev.ChatMessage(T0 + 9, "c1", "agent", "hi", "a1"))  # 9 s
    floor.apply(ev.ChatMessage(T0 + 16 * 60, "c1", "customer", "one more thing"))
    floor.apply(ev.ChatMessage(T0 + 16 * 60 + 4, "c1", "agent", "sure", "a1"))  # 4 s
    fifteen = floor.queue_view("chat", 15)
    assert (fifteen.first_response_s, fifteen.response_s) == (None, 4.0)
    sixty = floor.queue_view("chat", 60)
    assert (sixty.first_response_s, sixty.response_s) == (9.0, 6.5)
    assert floor.channel_view("online", 15).first_response_s is None
    assert floor.channel_view("online", 15).response_s == 4.0


def test_a_reply_marks_its_queue_changed_and_a_customer_line_does_not():
    floor = _floor()
    _chat(floor, "c1", T0, T0 + 5)
    floor.take_changes()
    floor.queue_view("chat")
    floor.apply(ev.ChatMessage(T0 + 6, "c1", "customer", "hi"))
    assert "chat" not in floor.take_changes().queues  # no figure moved
    floor.apply(ev.ChatMessage(T0 + 7, "c1", "agent", "hello", "a1"))
    assert "chat" in floor.take_changes().queues
    assert floor.queue_view("chat").response_s == 7.0


def test_memory_per_chat_stays_two_times_and_a_flag():
    floor = _floor()
    _chat(floor, "c1", T0, T0 + 5)
    for n in range(500):  # a long chat: many turns, nothing kept per turn
        floor.apply(ev.ChatMessage(T0 + 10 + 2 * n, "c1", "customer", "and"))
        floor.apply(ev.ChatMessage(T0 + 11 + 2 * n, "c1", "agent", "yes", "a1"))
    c = floor.contacts["c1"]
    assert c.awaiting_reply_t is None and c.first_reply_seen
    assert floor.totals(floor.queues["chat"], 60).responses == 500


def test_new_counters_survive_a_snapshot():
    floor = _floor()
    _chat(floor, "c1", T0, T0 + 5)
    floor.apply(ev.ChatMessage(T0 + 9, "c1", "agent", "hi", "a1"))
    floor.apply(ev.ChatMessage(T0 + 12, "c1", "customer", "still waiting for this reply"))
    _surveys(floor, T0 + 20, "chat", [(9, 5), (3, 2)])
    copy = Floor(tz="UTC")
    assert copy.load_snapshot(floor.snapshot()) is None
    assert copy.contacts["c1"].awaiting_reply_t == T0 + 12
    for w in (15, WINDOW_TODAY):
        assert copy.queue_view("chat", w) == floor.queue_view("chat", w)
    # The open question loaded with the chat: its reply is counted after the snapshot.
    for f in (floor, copy):
        f.apply(ev.ChatMessage(T0 + 30, "c1", "agent", "here", "a1"))
    assert copy.queue_view("chat").response_s == floor.queue_view("chat").response_s == 13.5


def test_an_old_snapshot_without_the_new_counters_loads_them_as_zero():
    stats = RollingCounters()
    old_bucket = [0] * 21  # a bucket as written before csat_satisfied, responses, response_s
    old_bucket[0] = 3  # offered
    stats.load({"minutes": [[100, old_bucket]], "day": [0] * 21, "day_start_minute": 0})
    t = stats.window(100 * 60 + 1, 15)
    assert (t.offered, t.csat_satisfied, t.responses, t.response_s) == (3, 0, 0, 0.0)


# ------------------------------------------------------------------ formulas
def test_formulas_on_totals_and_none_without_a_denominator():
    empty = Totals()
    for f in (metrics.nps, metrics.csat, metrics.csat_satisfied, metrics.first_response_s,
              metrics.response_s):
        assert f(empty) is None
    t = Totals(surveys_nps=4, nps_promoters=1, nps_detractors=3, surveys_csat=2, csat_sum=9,
               csat_satisfied=2, first_responses=2, first_response_s=30.0, responses=3,
               response_s=36.0)
    assert metrics.nps(t) == -50.0
    assert (metrics.csat(t), metrics.csat_satisfied(t)) == (4.5, 1.0)
    assert (metrics.first_response_s(t), metrics.response_s(t)) == (15.0, 12.0)
