"""Alert rules evaluated against the floor, on event time only.

`AlertEngine.apply` stands where `Floor.apply` stood: before an event, the rules due
at each slot of event time the event crosses (SLOTS a second) are evaluated against
the floor as the events before it left it, with the floor's clock moved to the slot;
then the event is applied. So the same events in the same order raise the same
alerts at the same moments whether they arrive live in ticks of any size, from a
replay or in `floorwatch alerts check`.

What each evaluation costs follows what changed, not the size of the floor
(docs/alerts.md, "When rules are evaluated"):
- each queue has its own slot (a hash of its id) and is looked at once a second
  there, if its figures or agent counts moved, someone waits in it (the longest wait
  grows with the clock) or one of its rules is pending; its window figures every
  WINDOW_EVERY_S, its early-warning forecast every FORECAST_EVERY_S;
- agent rules (time in not-ready, in wrap-up) are timers set when the agent's state
  changes, not a scan of every agent;
- keyword rules run on chat messages as they are applied, hotspots once a second;
- feed rules read the feeds' health on the wall clock (`check_feeds`), live only.
"""

from __future__ import annotations

import heapq
import math
import string
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .alert_book import AlertBook, Transition
from .alert_metrics import QUEUE_METRIC_NAMES, WINDOW_METRICS, QueueReader, format_value
from .alert_rules import AlertRule, Scope
from .events import (
    AgentLogin,
    AgentLogout,
    AgentSkills,
    AgentStateChanged,
    AgentStatus,
    ChatMessage,
    ContactAbandoned,
    ContactEnded,
    ContactExited,
    Event,
    Snapshot,
)
from .floor import Floor
from .state import Queue
from .views import agent_counts

if TYPE_CHECKING:
    from .keywords import Hit, HotspotTracker, KeywordMatcher

# Rules are evaluated on a grid of event time, SLOTS a second. Each queue is looked at
# once a second, in its own slot (a hash of its id), so the work of a floor's queues is
# spread over the second's ticks instead of landing on one (bench/bench_alerts.py).
SLOTS = 20
WINDOW_EVERY_S = 5  # a queue's window figures (SL, abandon rate) every this many seconds
FORECAST_EVERY_S = 30  # the early-warning forecast per queue, every this many seconds
# A silence (a queue_log between calls, a feed gone quiet) is evaluated slot by slot up
# to this long, so a wait crossing its threshold in it is raised when it crossed; past
# it only the first and the last second are (every queue still gets a look at both ends).
MAX_CATCH_UP = 15 * 60 * SLOTS
# A keyword alert outlives its chat: acknowledged, or this long after the chat ended.
KEYWORD_HOLD_S = 1800.0

_AGENT_STATE_OF = {"not_ready_s": AgentStatus.NOT_READY, "wrap_up_s": AgentStatus.WRAP_UP}
_CONTACT_END = (ContactEnded, ContactAbandoned, ContactExited)


def _phase(queue_id: str) -> int:
    """A queue's fixed place on the evaluation grid: the same in every run."""
    return zlib.crc32(queue_id.encode("utf-8", "replace"))


class _Health(Protocol):
    key: str
    connected: bool
    last_event_age_s: float | None


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, values: dict[str, Any]) -> str:
    """A rule's message with its placeholders filled; never raises on a bad template."""
    if not template:
        return ""
    try:
        return string.Formatter().vformat(template, (), _Blank(values))
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


@dataclass(slots=True)
class _QueueRules:
    """The rules one queue is watched by, split by how often they are looked at, and
    what the queue looked like when they last were."""

    channel: str
    tier: str
    phase: int  # of the queue's window and forecast looks (a hash of its id)
    fast: list[AlertRule]
    window: list[AlertRule]
    ahead: list[AlertRule]
    fast_seen: tuple[int, int] | None = None
    window_seen: tuple[tuple[int, int], int] | None = None
    fast_pending: bool = False
    window_pending: bool = False
    ahead_pending: bool = False


@dataclass(slots=True)
class _KeywordRule:
    rule: AlertRule
    matcher: KeywordMatcher
    tracker: HotspotTracker | None = None


class AlertEngine:
    """Rules, their alerts (`book`) and the floor they watch."""

    def __init__(self, floor: Floor, rules: Iterable[AlertRule]) -> None:
        self.floor = floor
        self.rules = [r for r in rules if r.enabled]
        self.book = AlertBook()
        self.evaluations = 0
        self.last_eval_t: float | None = None
        self._next_slot: int | None = None
        self._next_eval = math.inf  # the time of _next_slot
        self._buckets: list[set[str]] = [set() for _ in range(SLOTS)]  # queue ids by slot
        self._queue_rules = [r for r in self.rules
                             if r.scope is Scope.QUEUE and r.metric in QUEUE_METRIC_NAMES]
        self.reader = QueueReader(floor)
        self._forecast_rules = [r for r in self.rules if r.metric == "sl_forecast"]
        self._agent_rules = [r for r in self.rules if r.scope is Scope.AGENT]
        # (state, team) -> indexes of the agent rules an agent in that state and team
        # may break ("" team: rules for every team): a state change looks at those only.
        self._agent_index: dict[tuple[str, str], list[int]] = {}
        for i, r in enumerate(self._agent_rules):
            state = _AGENT_STATE_OF.get(r.metric)
            if state is not None:
                self._agent_index.setdefault((state, r.selector.team), []).append(i)
        self._timed_of: dict[str, set[int]] = {}  # agent -> rules timing it now
        self._feed_rules = [r for r in self.rules if r.scope is Scope.FEED]
        self._keyword_rules: list[_KeywordRule] = []
        self._hotspot_rules: list[_KeywordRule] = []
        if any(r.scope in (Scope.CONTACT, Scope.KEYWORD) for r in self.rules):
            from . import keywords  # its tables are built only when a rule reads chat text

            self._context = keywords.context
            self._keyword_rules = [
                _KeywordRule(r, keywords.KeywordMatcher(r.keywords.words if r.keywords else ()))
                for r in self.rules if r.scope is Scope.CONTACT]
            self._hotspot_rules = [
                _KeywordRule(r, keywords.KeywordMatcher(r.keywords.words),
                             keywords.HotspotTracker(r.keywords))
                for r in self.rules if r.scope is Scope.KEYWORD and r.keywords]
        if self._forecast_rules:
            from .early_warning import forecast

            self._forecast = forecast
        self._hot_words: list[set[str]] = [set() for _ in self._hotspot_rules]
        self._rules_of: dict[str, _QueueRules] = {}  # queue id -> its rules and looks
        self._timers: list[tuple[float, str, float, int]] = []  # due, agent, since, rule
        self._timed: dict[tuple[int, str], float] = {}  # (rule, agent) -> since it is timed
        self._contact_alerts: dict[str, list[tuple[str, str]]] = {}  # contact -> book keys
        self._ended: dict[str, float] = {}  # contact with a keyword alert -> ended at
        self._hold_due: list[tuple[float, str]] = []  # (ended + hold, contact), a heap
        self._snapshots = 0
        self._down_since: dict[str, float] = {}  # feed key -> wall time first seen down

    # ------------------------------------------------------------------ input
    def apply(self, event: Event, feed: str = "") -> None:
        """Evaluate the slots of event time `event` crosses, then apply it to the floor."""
        t = event.t
        if t >= self._next_eval:
            self._catch_up(t)
        elif self._next_slot is None and math.isfinite(t):
            self._next_slot = math.floor(t * SLOTS) + 1
            self._next_eval = self._next_slot / SLOTS
        kind = type(event)
        self.floor.apply(event, feed)
        if kind is ChatMessage:
            self._on_chat(event)  # type: ignore[arg-type]
        elif kind is AgentStateChanged or kind is AgentLogin or kind is AgentLogout \
                or kind is AgentSkills:
            self._on_agent(event.agent, event.t)  # type: ignore[attr-defined]
        elif kind in _CONTACT_END:
            contact = event.contact  # type: ignore[attr-defined]
            if contact in self._contact_alerts and contact not in self._ended:
                self._ended[contact] = t
                heapq.heappush(self._hold_due, (t + KEYWORD_HOLD_S, contact))
                self._clear_keywords(contact, t)  # acknowledged already: done with
        elif kind is Snapshot:
            self._after_snapshot(t)

    def finish(self, t: float | None = None) -> None:
        """Evaluate up to t (default: the floor's clock) — the end of a backtest."""
        end = self.floor.now if t is None else t
        if end >= self._next_eval:
            self._catch_up(end)

    def _catch_up(self, t: float) -> None:
        first = self._next_slot
        assert first is not None
        if not math.isfinite(t):
            return
        last = math.floor(t * SLOTS)
        if last - first + 1 > MAX_CATCH_UP:
            slots = [*range(first, first + SLOTS), *range(last - SLOTS + 1, last + 1)]
        else:
            slots = range(first, last + 1)
        for n in slots:
            self.evaluate(n)
        self._next_slot = last + 1
        self._next_eval = self._next_slot / SLOTS

    def slot_time(self, queue_id: str, second: float) -> float:
        """The event time within `second` at which `queue_id`'s rules are looked at."""
        return (math.floor(second) * SLOTS + _phase(queue_id) % SLOTS) / SLOTS

    # ------------------------------------------------------------------ people
    def acknowledge(self, alert_id: int, by: str, wall_t: float | None = None) -> bool:
        import time  # the wall clock is only read for people's acts

        alert = self.book.by_id.get(alert_id)
        done = self.book.acknowledge(alert_id, by, self.floor.now,
                                     time.time() if wall_t is None else wall_t)
        if done and alert is not None and alert.target in self._ended:
            self._clear_keywords(alert.target, self.floor.now)
        return done

    def snooze(self, alert_id: int, minutes: float, by: str,
               wall_t: float | None = None) -> bool:
        import time

        return self.book.snooze(alert_id, minutes, by, self.floor.now,
                                time.time() if wall_t is None else wall_t)

    def take_transitions(self) -> list[Transition]:
        return self.book.take_transitions()

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, slot: int) -> None:
        """The rules due in one slot of event time (slot / SLOTS seconds)."""
        t = slot / SLOTS
        self.evaluations += 1
        self.last_eval_t = t
        floor = self.floor
        floor.advance_to(t)  # waits and windows as they stand at t, not at the last event
        minute = int(t // 60)
        k = slot % SLOTS
        if self._queue_rules or self._forecast_rules:
            if k == 0:
                self._place_new_queues()
            second = slot // SLOTS
            queues = floor.queues
            for qid in self._buckets[k]:
                q = queues.get(qid)
                if q is not None:
                    self._evaluate_queue(q, t, second, minute)
        if self._timers:
            self._fire_timers(t)
        if k == 0:
            for i, kw in enumerate(self._hotspot_rules):
                self._evaluate_hotspots(i, kw, t)
        heap = self._hold_due
        while heap and heap[0][0] <= t:
            _, contact = heapq.heappop(heap)
            self._clear_keywords(contact, t, expired=True)
        self.book.advance(t)

    def _place_new_queues(self) -> None:
        """Give queues the floor gained their slot (once a second: a dict walk)."""
        rules_of = self._rules_of
        if len(rules_of) == len(self.floor.queues):
            return
        for q in self.floor.queues.values():
            if q.id not in rules_of:
                rules = self._rules_for(q)
                self._buckets[rules.phase % SLOTS].add(q.id)

    def _rules_for(self, q: Queue) -> _QueueRules:
        cached = self._rules_of.get(q.id)
        if cached is None or cached.channel != q.channel or cached.tier != q.tier:
            mine = [r for r in self._queue_rules
                    if r.selector.matches_queue(q.id, q.channel, q.tier)]
            cached = self._rules_of[q.id] = _QueueRules(
                q.channel, q.tier, _phase(q.id),
                [r for r in mine if r.metric not in WINDOW_METRICS],
                [r for r in mine if r.metric in WINDOW_METRICS],
                [r for r in self._forecast_rules
                 if r.selector.matches_queue(q.id, q.channel, q.tier)])
        return cached

    def _evaluate_queue(self, q: Queue, t: float, second: int, minute: int) -> None:
        """A queue's rules at t, those whose figures may have moved.

        Waits and counts are looked at every second the queue changed, has someone
        waiting, or has a rule pending. Window figures (service level, abandon rate,
        first response over 15 minutes) move slowly: they are looked at every
        WINDOW_EVERY_S, each queue at its own phase, so a floor's queues do not all
        land on one second's evaluation. The forecast likewise every FORECAST_EVERY_S.
        """
        rules = self._rules_for(q)
        stamp = self.floor.queue_stamp(q.id)
        second += rules.phase // SLOTS  # window and forecast looks: spread over seconds too
        if rules.fast and (q.waiting or rules.fast_pending or stamp != rules.fast_seen):
            rules.fast_seen = stamp
            rules.fast_pending = self._observe(q, rules.fast, t)
        if rules.window and second % WINDOW_EVERY_S == 0:
            seen = (stamp, minute)
            if rules.window_pending or seen != rules.window_seen:
                rules.window_seen = seen
                rules.window_pending = self._observe(q, rules.window, t)
        if rules.ahead and second % FORECAST_EVERY_S == 0:
            pending = False
            for rule in rules.ahead:
                pending = self._evaluate_forecast(rule, q, t) or pending
            rules.ahead_pending = pending

    def _observe(self, q: Queue, rules: list[AlertRule], t: float) -> bool:
        """Each rule's value for q at t into the book; whether any is pending."""
        book, read, qid = self.book, self.reader.value, q.id
        pending = False
        for rule in rules:
            value = read(q, rule.metric, rule.window)
            book.observe(rule, qid, t, value, lambda r=rule, v=value: self._describe_queue(
                r, q, v, {}))
            if book.is_pending(rule.name, qid):
                pending = True
        return pending

    def _evaluate_forecast(self, rule: AlertRule, q: Queue, t: float) -> bool:
        goal = self.floor.thresholds_for(q.id).sl_goal
        sl = self.reader.value(q, "service_level", 15)
        cast = None
        if sl is None or sl >= goal * 100.0:  # already below: the service level rule has it
            cast = self._forecast(self.floor, q.id, goal, now=t)
        minutes = cast.minutes_to_breach if cast is not None else None
        value = math.inf if minutes is None else float(minutes)

        def describe() -> dict[str, Any]:
            out = self._describe_queue(rule, q, value, {"minutes": format_value(value, "min")})
            if cast is not None:
                out["details"] = {k: getattr(cast, k) for k in cast.__dataclass_fields__}
            return out

        self.book.observe(rule, q.id, t, value, describe)
        return self.book.is_pending(rule.name, q.id)

    def _describe_queue(self, rule: AlertRule, q: Queue, value: float | None,
                        extra: dict[str, Any]) -> dict[str, Any]:
        counts = {"waiting": str(len(q.waiting)),
                  "available": str(agent_counts(q.members)[0])}
        return {"queue": q.id, **self._messages(
            rule, value, {"queue": q.name or q.id, "target": q.id, **counts, **extra},
            {"queue": q.name_zh or q.name or q.id})}

    def _messages(self, rule: AlertRule, value: float | None, extra: dict[str, Any],
                  zh_extra: dict[str, Any] | None = None) -> dict[str, str]:
        shown = "" if value is None else format_value(value, rule.unit)
        values = {"value": shown, "threshold": format_value(rule.enter, rule.unit), **extra}
        zh = {**values, **(zh_extra or {})}
        return {"message_en": render(rule.message_en, values),
                "message_zh": render(rule.message_zh or rule.message_en, zh)}

    def _drop_gone(self, t: float) -> None:
        """Alerts on queues or agents the floor no longer has (a snapshot replaced them)."""
        queues, agents = self.floor.queues, self.floor.agents
        for key, alert in list(self.book.active.items()):
            if alert.scope is Scope.QUEUE and alert.target not in queues:
                self.book.clear(key, t, alert.value)
            elif alert.scope is Scope.AGENT and alert.target not in agents:
                self.book.clear(key, t, alert.value)
        for qid in [q for q in self._rules_of if q not in queues]:
            self._buckets[self._rules_of.pop(qid).phase % SLOTS].discard(qid)
            self.reader.forget(qid)

    # ------------------------------------------------------------------ agents
    def _agent_rule_matches(self, rule: AlertRule, agent_id: str) -> bool:
        sel = rule.selector
        if sel.agents and agent_id not in sel.agents:
            return False
        agent = self.floor.agents.get(agent_id)
        if agent is None:
            return False
        if sel.team and agent.team != sel.team:
            return False
        if sel.channel or sel.queues or sel.tier:
            queues = self.floor.queues
            return any(sel.matches_queue(qid, queues[qid].channel, queues[qid].tier)
                       for qid in agent.skills if qid in queues)
        return True

    def _on_agent(self, agent_id: str, t: float) -> None:
        agent = self.floor.agents.get(agent_id)
        timed = self._timed_of.get(agent_id)
        candidates: list[int] = []
        if agent is not None:
            index = self._agent_index
            candidates = [*index.get((agent.state, ""), ()),
                          *(index.get((agent.state, agent.team), ()) if agent.team else ())]
        if not candidates and not timed:
            return  # the common case: a state no rule times, and none timing it before
        keep: set[int] = set()
        for i in candidates:
            rule = self._agent_rules[i]
            if not self._agent_rule_matches(rule, agent_id):
                continue
            assert agent is not None
            keep.add(i)
            since = agent.state_since
            if self._timed.get((i, agent_id)) == since:
                continue  # the same stretch in the state, already timed
            key = (rule.name, agent_id)
            if key in self.book.active:
                self.book.clear(key, t, t - self.book.active[key].raised_t)  # a new stretch
            self._timed[(i, agent_id)] = since
            # Raised the first whole second the time in state is over `enter` (+ for).
            heapq.heappush(self._timers, (since + rule.enter + rule.for_s, agent_id, since, i))
        for i in (timed or set()) - keep:  # no longer in the state a rule times
            self._timed.pop((i, agent_id), None)
            key = (self._agent_rules[i].name, agent_id)
            alert = self.book.active.get(key)
            if alert is not None:
                self.book.clear(key, t, alert.value)
        if keep:
            self._timed_of[agent_id] = keep
        else:
            self._timed_of.pop(agent_id, None)

    def _fire_timers(self, t: float) -> None:
        timers, agents = self._timers, self.floor.agents
        while timers and timers[0][0] < t:
            _, agent_id, since, i = heapq.heappop(timers)
            if self._timed.get((i, agent_id)) != since:
                continue  # the agent has moved on since the timer was set
            agent = agents.get(agent_id)
            if agent is None:
                continue
            rule = self._agent_rules[i]
            value = t - since
            name = agent.name or agent_id
            self.book.instant(rule, agent_id, t, value, agent=agent_id,
                              **self._messages(rule, value, {
                                  "agent": name, "target": agent_id,
                                  "minutes": f"{value / 60:.0f}"}))

    def _after_snapshot(self, t: float) -> None:
        # A snapshot replaced a feed's agents: time every agent again (once per snapshot).
        self._snapshots += 1
        self._drop_gone(t)  # only a snapshot takes queues and agents off the floor
        for agent_id in list(self.floor.agents):
            self._on_agent(agent_id, t)
        for rules in self._rules_of.values():  # look at every queue again
            rules.fast_seen = rules.window_seen = None

    # ------------------------------------------------------------------ chat text
    def _on_chat(self, msg: ChatMessage) -> None:
        contact = self.floor.contacts.get(msg.contact)
        if contact is None:
            return
        q = self.floor.queues.get(contact.queue)
        channel, tier = (q.channel, q.tier) if q is not None else ("", "")
        agent_id = msg.agent or contact.agent
        for kw in self._keyword_rules:
            spec = kw.rule.keywords
            if spec is None or (spec.side != "any" and spec.side != msg.side):
                continue
            if not kw.rule.selector.matches_queue(contact.queue, channel, tier):
                continue
            hits = kw.matcher.find(msg.text)
            if hits:
                self._raise_keyword(kw.rule, msg, hits[0], contact.queue, agent_id, q)
        for i, kw in enumerate(self._hotspot_rules):
            spec = kw.rule.keywords
            assert spec is not None and kw.tracker is not None
            if spec.side != "any" and spec.side != msg.side:
                continue
            if not kw.rule.selector.matches_queue(contact.queue, channel, tier):
                continue
            for hit in kw.matcher.find(msg.text):
                kw.tracker.add(hit.word, msg.contact, msg.t)
                self._hot_words[i].add(hit.word)

    def _raise_keyword(self, rule: AlertRule, msg: ChatMessage, hit: Hit,
                       queue_id: str, agent_id: str, q: Any) -> None:
        agent = self.floor.agents.get(agent_id) if agent_id else None
        around = self._context(msg.text, hit)
        details = {"contact": msg.contact, "agent": agent_id, "word": hit.word,
                   "context": around, "side": msg.side, "queue": queue_id}
        extra = {"word": hit.word, "contact": msg.contact, "target": msg.contact,
                 # A chat still waiting has no agent: a dash, not an empty gap.
                 "agent": (agent.name if agent is not None and agent.name else agent_id) or "—",
                 "context": around, "queue": q.name or q.id if q is not None else queue_id}
        zh = {"queue": q.name_zh or q.name or q.id} if q is not None else {}
        alert = self.book.instant(rule, msg.contact, msg.t, 1.0, queue=queue_id,
                                  agent=agent_id, details=details,
                                  **self._messages(rule, 1.0, extra, zh))
        if alert is not None:
            self._contact_alerts.setdefault(msg.contact, []).append((rule.name, msg.contact))

    def _clear_keywords(self, contact: str, t: float, expired: bool = False) -> None:
        """A keyword alert ends once its chat has ended and it has been acknowledged,
        or KEYWORD_HOLD_S after the chat ended if nobody did."""
        left = []
        for key in self._contact_alerts.get(contact, ()):
            alert = self.book.active.get(key)
            if alert is None:
                continue
            if alert.acknowledged or expired:
                self.book.clear(key, t, alert.value)
            else:
                left.append(key)
        if left:
            self._contact_alerts[contact] = left
        else:
            self._contact_alerts.pop(contact, None)
            self._ended.pop(contact, None)

    def _evaluate_hotspots(self, i: int, kw: _KeywordRule, t: float) -> None:
        words = self._hot_words[i]
        if not words:
            return
        tracker, rule = kw.tracker, kw.rule
        assert tracker is not None
        for word in list(words):
            level = tracker.level(word, t)
            raised = (rule.name, word) in self.book.active
            value = float(level.chats) if (raised or level.hot) else 0.0
            self.book.observe(rule, word, t, value, lambda w=word, v=value, lv=level: {
                "details": {"word": w, "chats": lv.chats, "usual": lv.usual},
                **self._messages(rule, v, {"word": w, "target": w,
                                           "threshold": str(rule.keywords.min_chats)
                                           if rule.keywords else ""})})
            if level.chats == 0 and not raised:
                words.discard(word)  # quiet again: not looked at until it is heard

    # ------------------------------------------------------------------ feeds (live)
    def check_feeds(self, health: Iterable[_Health], wall_now: float | None = None) -> None:
        """Feed rules on the wall clock: seconds since a feed's last frame, or since it
        was last seen connected (a feed refused at start counts from the first look,
        so a window opening does not flash "disconnected" before its first connect).
        Live only: a recording cannot say how long a feed was silent on the wall."""
        if not self._feed_rules:
            return
        import time  # the wall clock: feed rules are the only ones that read it

        now = time.monotonic() if wall_now is None else wall_now
        t = self.floor.now
        for record in health:
            age = record.last_event_age_s
            if not record.connected:
                down = now - self._down_since.setdefault(record.key, now)
                value = max(age or 0.0, down)
            else:
                self._down_since.pop(record.key, None)
                if age is None:
                    continue
                value = age
            for rule in self._feed_rules:
                if rule.selector.feeds and record.key not in rule.selector.feeds:
                    continue
                self.book.observe(rule, record.key, t, value, lambda r=rule, v=value, k=record.key:
                                  self._messages(r, v, {"target": k, "feed": k}))
