"""The alert engine on hand-built event lists: hysteresis, minimum duration, agent
timers, acknowledgement, snooze, escalation and determinism on event time."""

from __future__ import annotations

import math

from monitor import events as ev
from monitor.alert_book import ACKNOWLEDGED, CLEARED, ESCALATED, RAISED, SNOOZED
from monitor.alert_engine import AlertEngine
from monitor.alert_rules import AlertRule, Selector, Severity
from monitor.floor import Floor
from tests.floors import T0, logged_in, online_queue

WAIT = AlertRule("online_wait", "longest_wait_s", ">", 60, 45, 0, Severity.WARNING,
                 Selector(channel="online"), message_en="{queue}: waiting {value} s",
                 message_zh="{queue}：已等待 {value} 秒")


def timeline(engine: AlertEngine) -> list[tuple[float, str, str, str]]:
    # Times in seconds after T0, to the 0.05 s grid rules are evaluated on.
    return [(round(tr.t - T0, 2), tr.rule, tr.target, tr.event)
            for tr in engine.take_transitions()]


def run(events: list[ev.Event], rules: list[AlertRule], until: float | None = None
        ) -> AlertEngine:
    engine = AlertEngine(Floor(), rules)
    for event in events:
        engine.apply(event)
    if until is not None:
        engine.apply(ev.Heartbeat(until))
    return engine


def waiting_then_answered(offered: float, answered: float, contact: str = "c1"
                          ) -> list[ev.Event]:
    return [ev.ContactOffered(T0 + offered, contact, "ol"),
            ev.ContactAnswered(T0 + answered, contact, "ol", "a1")]


def heartbeats(until: float, every: float = 1.0) -> list[ev.Event]:
    return [ev.Heartbeat(T0 + i * every) for i in range(1, int(until / every) + 1)]


def test_a_wait_past_the_threshold_raises_once_and_clears_when_answered() -> None:
    events = [online_queue(), *logged_in("a1", "Ann", {"ol": 5}, 3),
              *sorted([*waiting_then_answered(0, 100), *heartbeats(130)], key=lambda e: e.t)]
    engine = run(events, [WAIT])
    assert timeline(engine) == [(61.0, "online_wait", "ol", RAISED),
                                (101.0, "online_wait", "ol", CLEARED)]


def test_a_value_oscillating_around_the_threshold_raises_once_with_hysteresis() -> None:
    # The waiting count swings 4,5,6,5,4,5,6… around enter 5; exit is 2.
    rule = AlertRule("busy", "waiting", ">", 5, 2, 0, Severity.INFO)
    events: list[ev.Event] = [online_queue()]
    n = 0
    for step, target in enumerate([4, 6, 5, 6, 4, 6, 5, 6, 4, 1]):
        t = T0 + 10 * (step + 1)
        while n < target:
            n += 1
            events.append(ev.ContactOffered(t, f"c{n}", "ol"))
        while n > target:
            events.append(ev.ContactAbandoned(t, f"c{n}", "ol"))
            n -= 1
        events.append(ev.Heartbeat(t + 5))
    engine = run(events, [rule], until=T0 + 200)
    got = timeline(engine)
    assert [e for _, _, _, e in got] == [RAISED, CLEARED]
    assert got[0][0] == 21.0  # the first second with 6 waiting
    assert got[1][0] == 101.0  # only once the count fell to 1 (<= exit 2)
    # Without hysteresis (exit = enter) the same swings raise every time they cross.
    flappy = AlertRule("busy", "waiting", ">", 5, 5, 0, Severity.INFO)
    engine = run(events, [flappy], until=T0 + 200)
    assert [e for _, _, _, e in timeline(engine)].count(RAISED) == 4


def test_a_minimum_duration_suppresses_short_spikes() -> None:
    rule = AlertRule("busy", "waiting", ">", 1, 0, 30, Severity.WARNING)
    spike = [ev.ContactOffered(T0 + 10, "c1", "ol"), ev.ContactOffered(T0 + 10, "c2", "ol"),
             ev.ContactAbandoned(T0 + 25, "c2", "ol")]  # two waiting for 15 s only
    events = [online_queue(), *spike, *heartbeats(60)]
    events.sort(key=lambda e: e.t)
    assert timeline(run(events, [rule])) == []
    lasting = [ev.ContactOffered(T0 + 70, "c3", "ol"), *heartbeats(140)]
    events = sorted([*events, *lasting], key=lambda e: e.t)
    got = timeline(run(events, [rule]))
    assert got == [(101.0, "busy", "ol", RAISED)]  # true from 71: raised 30 s later


def test_service_level_resting_on_too_few_contacts_raises_nothing() -> None:
    rule = AlertRule("sl", "service_level", "<", 80, 85, 0, Severity.WARNING)
    events: list[ev.Event] = [online_queue(), *logged_in("a1", "Ann", {"ol": 5}, 3)]
    for i in range(3):  # 3 contacts answered late: SL 0 %, but over 3 contacts
        events += waiting_then_answered(10 * i, 10 * i + 90, f"c{i}")
    events.sort(key=lambda e: e.t)
    assert timeline(run(events, [rule], until=T0 + 200)) == []


def test_agent_not_ready_too_long_is_a_timer_and_clears_on_return() -> None:
    rule = AlertRule("not_ready", "not_ready_s", ">", 900, 900, 0, Severity.INFO,
                     message_en="{agent} not ready {minutes} min")
    events = [*logged_in("a1", "Ann", {"ol": 5}),
              ev.AgentStateChanged(T0 + 10, "a1", "not_ready", "break"),
              ev.Heartbeat(T0 + 600),
              ev.Heartbeat(T0 + 911), ev.Heartbeat(T0 + 1000),
              ev.AgentStateChanged(T0 + 1200, "a1", "available")]
    engine = run(events, [rule])
    # The first slot of the grid past 15 minutes after +10.
    assert timeline(engine) == [(910.05, "not_ready", "a1", RAISED),
                                (1200.0, "not_ready", "a1", CLEARED)]
    # A second stretch that ends before 15 min raises nothing.
    engine.apply(ev.AgentStateChanged(T0 + 1300, "a1", "not_ready", "meal"))
    engine.apply(ev.AgentStateChanged(T0 + 1800, "a1", "available"))
    engine.apply(ev.Heartbeat(T0 + 3000))
    assert timeline(engine) == []


def test_acknowledge_snooze_and_escalation() -> None:
    rule = AlertRule("unstaffed_wait", "waiting", ">", 0, 0, 0, Severity.CRITICAL,
                     escalate_after_s=120)
    events = [online_queue(), ev.ContactOffered(T0 + 1, "c1", "ol"), *heartbeats(400, 10)]
    engine = AlertEngine(Floor(), [rule])
    for event in events[:3]:
        engine.apply(event)
    alert = engine.book.active[("unstaffed_wait", "ol")]
    assert engine.acknowledge(alert.id, "sup1", wall_t=123.0)
    assert not engine.acknowledge(alert.id, "sup2")  # once
    assert (alert.acked_by, alert.acked_wall_t) == ("sup1", 123.0)
    for event in events[3:]:
        engine.apply(event)
    kinds = [tr.event for tr in engine.take_transitions()]
    assert kinds == [RAISED, ACKNOWLEDGED]  # acknowledged: no escalation

    engine = AlertEngine(Floor(), [rule])
    for event in events:
        engine.apply(event)
    got = timeline(engine)
    assert got == [(2.0, "unstaffed_wait", "ol", RAISED),
                   (122.0, "unstaffed_wait", "ol", ESCALATED)]

    engine = AlertEngine(Floor(), [rule])
    for event in events[:3]:
        engine.apply(event)
    alert = engine.book.active[("unstaffed_wait", "ol")]
    assert engine.snooze(alert.id, 5, "sup1", wall_t=1.0)
    assert engine.book.queue_alert("ol", engine.floor.now) is None  # snoozed: no colour
    for event in events[3:]:
        engine.apply(event)
    got = timeline(engine)
    # Escalation waits for the snooze to run out (5 min after it began at +10).
    assert [e for *_, e in got] == [RAISED, SNOOZED, ESCALATED]
    assert got[2][0] == 310.0
    assert engine.book.queue_alert("ol", engine.floor.now) is alert


def test_the_same_events_raise_the_same_timeline_in_any_batching() -> None:
    events = [online_queue(), *logged_in("a1", "Ann", {"ol": 5}, 3)]
    for i in range(40):
        events += waiting_then_answered(7.3 * i, 7.3 * i + (95 if i % 5 == 0 else 12),
                                        f"c{i}")
    events.sort(key=lambda e: e.t)
    rules = [WAIT, AlertRule("sl", "service_level", "<", 80, 85, 20, Severity.WARNING,
                             window=15)]
    one = run(events, rules, until=T0 + 600)
    # The same events applied with heartbeats between them from a second feed's clock
    # (a live tick that applied them in other batches) — evaluation depends only on
    # event times, so the timeline is the same.
    two = AlertEngine(Floor(), rules)
    for event in events:
        two.apply(event)
        two.apply(ev.Heartbeat(event.t))
    two.apply(ev.Heartbeat(T0 + 600))
    first = timeline(one)
    assert first and first == timeline(two)


def test_a_wait_message_names_the_queue_in_both_languages() -> None:
    events = [ev.QueueDefined(T0, "ol", "App chat", "online", 60.0, name_zh="应用"),
              ev.ContactOffered(T0, "c1", "ol"), *heartbeats(70)]
    engine = run(events, [WAIT])
    alert = engine.book.active[("online_wait", "ol")]
    assert alert.message_en == "App chat: waiting 61 s"
    assert alert.message_zh == "应用：已等待 61 秒"
    assert alert.queue == "ol"


def test_waiting_per_available_is_infinite_with_nobody_available() -> None:
    rule = AlertRule("ratio", "waiting_per_available", ">", 2, 1.5, 0, Severity.WARNING)
    events = [online_queue(), ev.ContactOffered(T0, "c1", "ol"), ev.Heartbeat(T0 + 3)]
    engine = run(events, [rule])
    alert = engine.book.active[("ratio", "ol")]
    assert math.isinf(alert.value)


class _Health:
    def __init__(self, key: str, connected: bool, age: float | None) -> None:
        self.key, self.connected, self.last_event_age_s = key, connected, age


def test_a_feed_rule_counts_a_refused_feed_from_its_first_look() -> None:
    rule = AlertRule("feed_stale", "feed_stale_s", ">", 5, 5, 0, Severity.CRITICAL,
                     message_en="{feed} silent {value} s")
    engine = AlertEngine(Floor(), [rule])
    engine.check_feeds([_Health("hl", False, None)], wall_now=100.0)
    engine.check_feeds([_Health("hl", False, None)], wall_now=104.0)
    assert engine.book.active == {}  # not connected yet, but only for 4 s
    engine.check_feeds([_Health("hl", False, None)], wall_now=105.5)
    alert = engine.book.active[("feed_stale", "hl")]
    assert alert.message_en == "hl silent 6 s"
    engine.check_feeds([_Health("hl", True, 0.2)], wall_now=106.0)
    assert engine.book.active == {}
    engine.check_feeds([_Health("hl", True, 7.0)], wall_now=113.0)  # connected, silent
    assert ("feed_stale", "hl") in engine.book.active


def _keyword_rules() -> list[AlertRule]:
    from monitor.alert_rules import KeywordSpec

    return [
        AlertRule("customer_complaint", "keyword", severity=Severity.WARNING,
                  keywords=KeywordSpec(("投诉", "complaint"), side="customer"),
                  message_en="{contact} ({agent}): customer wrote {word}: {context}"),
        AlertRule("agent_abuse", "keyword", severity=Severity.CRITICAL,
                  keywords=KeywordSpec(("闭嘴", "shut up"), side="agent")),
        AlertRule("refund_hotspot", "keyword_hotspot", ">=", 8, 4, 0, Severity.WARNING,
                  keywords=KeywordSpec(("refund", "退款"), side="customer", window_s=900,
                                       min_chats=8, factor=3.0)),
    ]


def _chat(contact: str, t: float, agent: str = "a1") -> list[ev.Event]:
    return [ev.ContactOffered(t, contact, "ol"), ev.ContactAnswered(t + 1, contact, "ol", agent)]


def test_keyword_hits_on_customer_and_agent_text_are_different_alerts() -> None:
    events = [online_queue(), *logged_in("a1", "Ann", {"ol": 5}, 3), *_chat("c1", T0),
              ev.ChatMessage(T0 + 5, "c1", "customer", "我要ＣＯＭＰＬＡＩＮＴ，还要投诉你们"),
              ev.ChatMessage(T0 + 6, "c1", "customer", "投诉!"),  # the same chat: one alert
              ev.ChatMessage(T0 + 7, "c1", "agent", "请你闭嘴", "a1"),
              ev.ChatMessage(T0 + 8, "c1", "customer", "completely fine")]
    engine = run(events, _keyword_rules())
    got = timeline(engine)
    assert [(rule, target, e) for _, rule, target, e in got] == [
        ("customer_complaint", "c1", RAISED), ("agent_abuse", "c1", RAISED)]
    complaint = engine.book.active[("customer_complaint", "c1")]
    assert complaint.details["word"] == "complaint"  # listed as lower case, typed full width
    assert complaint.details["agent"] == "a1" and complaint.agent == "a1"
    assert complaint.queue == "ol"
    assert "ＣＯＭＰＬＡＩＮＴ" in complaint.details["context"]
    assert complaint.message_en.startswith("c1 (Ann): customer wrote complaint: ")
    assert engine.book.active[("agent_abuse", "c1")].severity == Severity.CRITICAL
    # A chat's words colour its agent's row, not the whole queue's tile.
    now = engine.floor.now
    assert engine.book.queue_alert("ol", now) is None
    assert engine.book.agent_alert("a1", now).rule == "agent_abuse"


def test_a_keyword_alert_stays_after_its_chat_until_acknowledged() -> None:
    events = [online_queue(), *logged_in("a1", "Ann", {"ol": 5}, 3), *_chat("c1", T0),
              ev.ChatMessage(T0 + 5, "c1", "customer", "投诉"),
              ev.ContactEnded(T0 + 20, "c1", "ol", "a1"), ev.Heartbeat(T0 + 60)]
    engine = run(events, _keyword_rules())
    alert = engine.book.active[("customer_complaint", "c1")]  # the chat ended; still shown
    assert engine.acknowledge(alert.id, "sup", wall_t=1.0)
    assert ("customer_complaint", "c1") not in engine.book.active  # seen, chat over: done
    # Unacknowledged, it goes 30 minutes after the chat ended.
    engine = run([*events, ev.Heartbeat(T0 + 20 + 1799)], _keyword_rules())
    assert ("customer_complaint", "c1") in engine.book.active
    engine.apply(ev.Heartbeat(T0 + 20 + 1801))
    assert ("customer_complaint", "c1") not in engine.book.active


def test_the_hotspot_rule_raises_once_for_many_chats() -> None:
    events: list[ev.Event] = [online_queue(), *logged_in("a1", "Ann", {"ol": 5}, 3)]
    for i in range(12):  # 12 chats ask for a refund within 6 minutes
        t = T0 + 30 * i
        events += [*_chat(f"c{i}", t),
                   ev.ChatMessage(t + 2, f"c{i}", "customer", "I want a REFUND 退款")]
    events.append(ev.Heartbeat(T0 + 400))
    engine = run(events, _keyword_rules())
    hot = [(rule, target, e) for _, rule, target, e in timeline(engine)
           if rule == "refund_hotspot"]
    # One alert per listed word (refund, 退款), raised at the 8th chat, not one per chat.
    assert sorted(hot) == [("refund_hotspot", "refund", RAISED),
                           ("refund_hotspot", "退款", RAISED)]
    alert = engine.book.active[("refund_hotspot", "refund")]
    assert alert.details["chats"] >= 8
    assert T0 + 30 * 7 + 2 <= alert.raised_t < T0 + 30 * 7 + 4
