"""Interval reports (per queue, per half hour, day …) from canonical events.

Attribution differs from the live wall on purpose: a contact belongs to the interval in
which it ENTERED the queue, and its later outcome (answer, abandon, exit, callback,
transfer, end of talk) is credited to that entry interval, as historical contact-centre
reports do (the live wall counts outcomes when they happen; see docs/metrics.md).
Formulas come from monitor.metrics; nothing is re-derived here.

- Intervals are [start, end) on the local clock of the given zone: minute intervals
  aligned to the local hour, "1d" from local midnight to midnight (23 or 25 h on DST
  days), "total" one interval starting at the earliest entry.
- "Within T" means waited <= T; a short abandon waited strictly less than the
  threshold, so a threshold of 0 disables them.
- max_wait_s is the longest wait of any contact that entered in the interval,
  answered or not; a contact still waiting when the events end waited until the last
  event time of its feed run.
- Feed runs: a contact is its id within one run of its feed (a restarted feed numbers
  again and may reuse ids), so contacts of two runs are never merged; each run keeps
  its own clock. The caller says which run an event belongs to.
- Events no report can use are left out and counted (`ReportBuilder.skipped`, reasons
  in SKIP_REASONS): a time outside 1970..2100; a time more than 6 h past its run's
  latest event that the run's next event does not confirm (a broken clock; a feed
  quiet overnight goes on); an outcome timed before its contact entered.
- other_exits in a row = ContactExited (timeout, key, empty, withdraw, transfer out of
  the queue while waiting) + CallbackRequested; callbacks are also in Totals.callbacks,
  so SL variant "removed" counts a callback within T as served.
- aht_s is the mean time from answer to ContactEnded of answered contacts that entered
  in the interval. Sources without wrap-up in their events (Asterisk queue_log) give
  talk time only; contacts still talking at the end are not in it.
- Surveys and chat replies are outcomes of their contact too: a survey result counts
  in the interval its contact entered (the entry it was surveyed on, still open or
  closed within SURVEY_KEEP_S of run time before the result); a first response
  (visitor's first message to the agent's first reply) in the interval the chat
  entered. A survey of a contact the data never saw enter counts nowhere, as its
  other outcomes do.
- Rounding: rates (service_level, abandon_rate) to 4 decimals, seconds (asa_s, aht_s,
  max_wait_s, first_response_s) and nps to 1 decimal, csat to 2; None where the
  denominator is zero, so a source without surveys or chats (an Asterisk queue_log)
  or an interval without them leaves nps, nps_responses, csat and first_response_s
  empty, never 0.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta, tzinfo
from itertools import repeat
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import metrics
from .events import (
    AgentLogin,
    AgentLogout,
    AgentSkills,
    AgentStateChanged,
    BotHandoff,
    BotResolved,
    BotStarted,
    CallbackCompleted,
    CallbackRequested,
    Channel,
    ChatMessage,
    ContactAbandoned,
    ContactAnswered,
    ContactEnded,
    ContactExited,
    ContactOffered,
    ContactTransferred,
    Event,
    ExitReason,
    QueueDefined,
    Side,
    SurveyResult,
)
from .report_staffing import Staffing
from .rolling import Totals

INTERVALS = ("6m", "15m", "30m", "1h", "1d", "total")
_STEP_MIN = {"6m": 6, "15m": 15, "30m": 30, "1h": 60}
DEFAULT_SL_TARGET_S = 20.0  # for queues never defined, as in monitor.floor.Queue
# Event times a report can place: 1970 to 2100 (as the protocol's check, feeds.protocol).
MAX_EVENT_T = 4_102_444_800.0
# An event this far past its run's latest time is a broken clock, not a real jump (the
# live client refuses it the same way: feeds.sources.websocket.MAX_AHEAD_S).
MAX_AHEAD_S = 6 * 3600.0
# Why `ReportBuilder.skipped` left an event out, in words for a person.
SKIP_REASONS = {
    "bad_time": "an event time before 1970, after 2100 or not a number",
    "time_jump": f"more than {MAX_AHEAD_S / 3600:g} h past its feed run's latest event "
                 "and not confirmed by the next one",
    "out_of_order": "an outcome timed before the contact entered (or was answered)",
    "bad_value": "a queue definition whose SL target is not a number of seconds",
    "bad_score": "a survey score outside 0-10 (NPS) or 1-5 (satisfaction)",
}
# How long after its contact left a survey result still finds the contact's entry
# (surveys come minutes, at most hours, after the contact): bounds what is kept.
SURVEY_KEEP_S = 24 * 3600.0
SURVEY_KEEP_MAX = 500_000  # closed contacts kept at most (the oldest go first)


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One (interval, queue) line of a report: exactly the CSV columns, in order."""

    interval_start: str  # ISO 8601 with offset
    queue: str
    channel: str
    offered: int
    answered: int
    abandoned: int
    short_abandoned: int
    other_exits: int
    answered_within_sl: int
    service_level: float | None
    asa_s: float | None
    aht_s: float | None
    max_wait_s: float
    abandon_rate: float | None
    # Appended after the columns above (their order is an interface): empty, not 0,
    # where the interval has no survey answer or no first response.
    nps: float | None = None
    nps_responses: int | None = None
    csat: float | None = None
    first_response_s: float | None = None
    # Backlog and bot stage (issue 15 parts 3, 4; `_backlog_bot_columns`): empty, not 0,
    # where no contact of the interval asked for a callback / the bot had no outcome.
    backlog_oldest_s: float | None = None
    bot_contained: int | None = None
    bot_handoffs: int | None = None
    # Contacts handled per staffed agent-hour (monitor/report_staffing.py): empty where
    # no staffed time of the queue's agents was seen (a queue_log without members).
    contacts_per_agent_hour: float | None = None


CSV_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ReportRow))


def resolve_tz(tz: str | None) -> tzinfo | None:
    """A zoneinfo zone for an IANA name; None means this machine's local zone."""
    if tz is None:
        return None
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz!r} (use an IANA name like Asia/Shanghai)") \
            from None


class Intervals:
    """Maps event times to interval starts (epoch) on a zone's local clock."""

    def __init__(self, interval: str, tz: tzinfo | None) -> None:
        if interval not in INTERVALS:
            raise ValueError(f"unknown interval {interval!r}; one of {', '.join(INTERVALS)}")
        self.interval = interval
        self.tz = tz
        self._step_min = _STEP_MIN.get(interval)
        self._lo = self._hi = 0.0  # the last interval found, [lo, hi)

    def _local(self, t: float) -> datetime:
        # tz None: naive local time, whose .timestamp() goes back through the OS zone.
        return datetime.fromtimestamp(t, self.tz)

    def start(self, t: float) -> float:
        """Start (epoch) of the interval holding t; 0.0 for "total"."""
        if self.interval == "total":
            return 0.0
        if self._lo <= t < self._hi:
            return self._lo
        dt = self._local(t)
        step = self._step_min
        if step is None:  # 1d
            day = dt.replace(hour=0, minute=0, second=0, microsecond=0, fold=0)
            lo = day.timestamp()
            hi = (day.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=day.tzinfo)
            self._lo, self._hi = lo, hi.timestamp()
            return lo
        minutes = dt.hour * 60 + dt.minute
        minutes -= minutes % step
        lo = dt.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
        lo_t = lo.timestamp()
        hi_t = lo_t + step * 60
        # Cache [lo, hi) only when the UTC offset does not change inside it.
        self._lo = lo_t
        self._hi = hi_t if self._offset(lo_t) == self._offset(hi_t - 0.001) else lo_t
        return lo_t

    def _offset(self, t: float) -> timedelta | None:
        return datetime.fromtimestamp(t, self.tz).astimezone(self.tz).utcoffset()

    def label(self, t: float) -> str:
        """ISO 8601 local time with offset, to the second."""
        return datetime.fromtimestamp(t, self.tz).astimezone(self.tz).isoformat(
            timespec="seconds")


class _Entry:
    """A contact between its entry and its last counted outcome."""

    __slots__ = ("run", "queue", "offered_t", "totals", "answered_t", "first_msg_t",
                 "replied", "closed_t")

    def __init__(self, run: Hashable, queue: str, offered_t: float, totals: Totals) -> None:
        self.run = run
        self.queue = queue
        self.offered_t = offered_t
        self.totals = totals
        self.answered_t: float | None = None
        self.first_msg_t: float | None = None  # the visitor's first chat message
        self.replied = False  # the agent's first reply was counted
        self.closed_t = 0.0  # when it left (kept for its survey)


class ReportBuilder:
    """Accumulates Totals per (interval start, queue) from events in order.

    Events come in feed runs (`add(events, run)`): a contact is its id within its
    run, so a restarted feed that reuses contact ids never merges two contacts, and
    each run has its own clock. A contact still waiting when its run's events end
    waited until that run's latest event.

    Nothing a source may send makes it fail or count nonsense: an event it cannot use
    is left out and counted in `skipped` by reason (SKIP_REASONS).
    """

    def __init__(self, interval: str = "30m", tz: str | None = None,
                 sl_target_s: float | None = None, short_abandon_s: float = 5.0,
                 sl_variant: str = metrics.DEFAULT_SL_VARIANT) -> None:
        if sl_variant not in metrics.SL_VARIANTS:
            raise ValueError(f"unknown service level variant {sl_variant!r}; "
                             f"one of {', '.join(metrics.SL_VARIANTS)}")
        self.intervals = Intervals(interval, resolve_tz(tz))
        self.sl_target_s = sl_target_s
        self.short_abandon_s = short_abandon_s
        self.sl_variant = sl_variant
        self.totals: dict[tuple[float, str], Totals] = {}
        self.targets: dict[str, float] = {}
        self.channels: dict[str, str] = {}
        self.first_entry_t: float | None = None
        self._skipped: Counter[str] = Counter()
        self._run_t: dict[Hashable, float] = {}  # each run's latest event time
        self._held: dict[Hashable, Event] = {}  # run -> an event far ahead, not yet confirmed
        self._open: dict[tuple[Hashable, str], _Entry] = {}
        # Contacts that left, oldest first, for the survey results that follow them.
        self._closed: dict[tuple[Hashable, str], _Entry] = {}
        self._handlers: dict[type, Callable[[Any, Hashable], None]] = {
            QueueDefined: self._defined,
            ContactOffered: self._offered,
            ContactAnswered: self._answered,
            ContactAbandoned: self._abandoned,
            ContactExited: self._exited,
            CallbackRequested: self._callback,
            ContactEnded: self._ended,
            ContactTransferred: self._transferred,
            ChatMessage: self._chat_message,
            SurveyResult: self._survey,
            CallbackCompleted: self._callback_done,
            BotStarted: self._bot_started,
            BotResolved: self._bot_outcome,
            BotHandoff: self._bot_outcome,
        }
        # Backlog items asked for by an entry, not yet worked: (run, contact) ->
        # (the entry's totals, when requested); and per entry interval's totals (by id)
        # the longest a worked item had waited. Chats a bot holds: (run, contact) ->
        # when it started. Both bounded (SURVEY_KEEP_MAX, the oldest go first).
        self._backlog: dict[tuple[Hashable, str], tuple[Totals, float]] = {}
        self._backlog_max: dict[int, float] = {}
        self._bots: dict[tuple[Hashable, str], float] = {}
        step = _STEP_MIN.get(interval)
        self.staffing = Staffing(self.intervals.start, None if interval == "total" else
                                 (86400.0 if step is None else step * 60.0))
        for kind in (AgentLogin, AgentLogout, AgentStateChanged, AgentSkills):
            self._handlers[kind] = self.staffing.agent_event

    def add(self, events: Iterable[Event], run: Hashable = None) -> None:
        """Add events of one feed run (None: the only run), in order."""
        self.add_runs(zip(repeat(run), events))

    def add_runs(self, items: Iterable[tuple[Hashable, Event]]) -> None:
        """Add (run, event) pairs in arrival order (feeds and runs interleaved).

        An event more than MAX_AHEAD_S past its run's latest time is held until the
        run's next event: if that one is as late (within MAX_AHEAD_S of it), the feed
        really went on later (a quiet night, a long disconnection) and both count;
        else the held one was a broken clock and is skipped ("time_jump"), so one
        far-future heartbeat cannot make every wait last until then.
        """
        handlers = self._handlers
        run_t = self._run_t
        held = self._held
        skipped = self._skipped
        for run, e in items:
            t = e.t
            try:
                placeable = 0.0 <= t <= MAX_EVENT_T  # False for NaN
            except TypeError:
                placeable = False
            if not placeable:
                skipped["bad_time"] += 1  # not a number, NaN, or no date we can place
                continue
            if held and run in held:
                jumped = held.pop(run)
                if abs(t - jumped.t) <= MAX_AHEAD_S:
                    run_t[run] = jumped.t
                    self._handle(jumped, run)
                else:
                    skipped["time_jump"] += 1
            latest = run_t.get(run)
            if latest is None or t > latest:
                if latest is not None and t > latest + MAX_AHEAD_S:
                    held[run] = e
                    continue
                run_t[run] = t
            handler = handlers.get(type(e))
            if handler is not None:
                handler(e, run)

    def _handle(self, e: Event, run: Hashable) -> None:
        handler = self._handlers.get(type(e))
        if handler is not None:
            handler(e, run)

    @property
    def skipped(self) -> Counter[str]:
        """Events left out so far, by reason (SKIP_REASONS); a far-ahead event no later
        event has confirmed counts as a time_jump."""
        out = Counter(self._skipped)
        if self._held:
            out["time_jump"] += len(self._held)
        return out

    @property
    def last_t(self) -> float | None:
        """The latest event time of any run (None before the first event)."""
        return max(self._run_t.values(), default=None)

    def define(self, e: QueueDefined) -> None:
        """A queue's definition known from elsewhere (a snapshot): it moves no clock."""
        self._defined(e, None)

    def _target(self, queue: str) -> float:
        if self.sl_target_s is not None:
            return self.sl_target_s
        return self.targets.get(queue, DEFAULT_SL_TARGET_S)

    def _defined(self, e: QueueDefined, run: Hashable) -> None:
        target = e.sl_target_s
        if isinstance(target, bool) or not isinstance(target, float | int) \
                or not 0 <= target < math.inf or not isinstance(e.channel, str):
            self._skipped["bad_value"] += 1
            return
        self.targets[e.queue] = float(target)
        self.channels[e.queue] = e.channel

    def _offered(self, e: ContactOffered, run: Hashable) -> None:
        key = (run, e.contact)
        if key in self._open:
            return  # duplicate delivery (monitor.floor ignores it too)
        interval = (self.intervals.start(e.t), e.queue)
        totals = self.totals.get(interval)
        if totals is None:
            totals = self.totals[interval] = Totals()
        totals.offered += 1
        self._open[key] = _Entry(run, e.queue, e.t, totals)
        if self.first_entry_t is None or e.t < self.first_entry_t:
            self.first_entry_t = e.t

    def _waiting(self, contact: str, run: Hashable, t: float) -> _Entry | None:
        c = self._open.get((run, contact))
        if c is None or c.answered_t is not None:
            return None  # never saw it enter, or answered twice
        if t < c.offered_t:
            self._skipped["out_of_order"] += 1  # an outcome before its entry: no wait to count
            return None
        return c

    def _answered(self, e: ContactAnswered, run: Hashable) -> None:
        c = self._waiting(e.contact, run, e.t)
        if c is None:
            return
        wait = e.t - c.offered_t
        within = wait <= self._target(c.queue)
        b = c.totals
        b.answered += 1
        b.wait_answered_s += wait
        b.answered_within_sl += within
        b.removed_within_sl += within
        b.max_wait_s = max(b.max_wait_s, wait)
        c.answered_t = e.t

    def _abandoned(self, e: ContactAbandoned, run: Hashable) -> None:
        c = self._waiting(e.contact, run, e.t)
        if c is None:
            return
        self._close((run, e.contact), e.t)
        wait = e.t - c.offered_t
        within = wait <= self._target(c.queue)
        b = c.totals
        b.abandoned += 1
        b.wait_abandoned_s += wait
        b.short_abandoned += wait < self.short_abandon_s
        b.abandoned_within_sl += within
        b.removed_within_sl += within
        b.max_wait_s = max(b.max_wait_s, wait)

    def _exited(self, e: ContactExited, run: Hashable) -> None:
        c = self._waiting(e.contact, run, e.t)
        if c is None:
            return
        self._close((run, e.contact), e.t)
        c.totals.other_exits += 1
        c.totals.max_wait_s = max(c.totals.max_wait_s, e.t - c.offered_t)

    def _callback(self, e: CallbackRequested, run: Hashable) -> None:
        c = self._waiting(e.contact, run, e.t)
        if c is None:
            return
        self._close((run, e.contact), e.t)
        wait = e.t - c.offered_t
        b = c.totals
        b.callbacks += 1
        b.removed_within_sl += wait <= self._target(c.queue)
        b.max_wait_s = max(b.max_wait_s, wait)
        _keep(self._backlog, (run, e.contact), (b, e.t))

    def _ended(self, e: ContactEnded, run: Hashable) -> None:
        key = (run, e.contact)
        c = self._open.get(key)
        if c is None:
            return
        since = c.offered_t if c.answered_t is None else c.answered_t
        if e.t < since:
            self._skipped["out_of_order"] += 1
            return
        self._close(key, e.t)
        if c.answered_t is None:
            # Ended while still waiting: it left, but with no outcome we could count.
            c.totals.max_wait_s = max(c.totals.max_wait_s, e.t - c.offered_t)
            return
        c.totals.handled += 1
        c.totals.handle_s += e.t - c.answered_t
        self.staffing.ended(e.t, c.queue)  # productivity: in the interval it ended in

    def _transferred(self, e: ContactTransferred, run: Hashable) -> None:
        # As monitor.floor: out of the old queue (an exit if waiting, the end of the talk
        # if answered), then a new entry in the new queue at the transfer time.
        key = (run, e.contact)
        c = self._open.get(key)
        if c is None:
            # Never seen enter (e.g. before a recording began): it still enters the new
            # queue now, and that entry is in the data (monitor.floor counts it so too).
            self._offered(ContactOffered(e.t, e.contact, e.to_queue), run)
            return
        if e.t < (c.offered_t if c.answered_t is None else c.answered_t):
            self._skipped["out_of_order"] += 1
            return
        if c.answered_t is None:
            self._exited(ContactExited(e.t, e.contact, c.queue, ExitReason.TRANSFER.value), run)
        else:
            self._ended(ContactEnded(e.t, e.contact, c.queue, e.agent), run)
        self._offered(ContactOffered(e.t, e.contact, e.to_queue), run)

    def _close(self, key: tuple[Hashable, str], t: float) -> None:
        """The contact left its queue at t: kept a while for a survey result about it."""
        c = self._open.pop(key)
        c.closed_t = t
        closed = self._closed
        closed.pop(key, None)  # the same id closed before in this run: the newer counts
        closed[key] = c
        run_t = self._run_t
        while closed:
            oldest = next(iter(closed.values()))
            if len(closed) <= SURVEY_KEEP_MAX and \
                    oldest.closed_t >= run_t.get(oldest.run, t) - SURVEY_KEEP_S:
                break
            del closed[next(iter(closed))]

    def _chat_message(self, e: ChatMessage, run: Hashable) -> None:
        """First response, credited to the chat's entry: only the first reply counts."""
        c = self._open.get((run, e.contact))
        if c is None or c.replied:
            return
        if e.side == Side.CUSTOMER:
            if c.first_msg_t is None:
                c.first_msg_t = e.t
        elif e.side == Side.AGENT and c.first_msg_t is not None:
            c.replied = True
            b = c.totals
            b.first_responses += 1
            b.first_response_s += max(0.0, e.t - c.first_msg_t)  # as monitor.floor

    def _survey(self, e: SurveyResult, run: Hashable) -> None:
        nps, csat = e.nps, e.csat
        if not (-1 <= nps <= 10 and (csat == -1 or 1 <= csat <= 5)):
            self._skipped["bad_score"] += 1  # what is in range still counts (as the floor)
        key = (run, e.contact)
        c = self._open.get(key) or self._closed.get(key)
        if c is None:
            return  # entered before the data began (or too long ago): no entry to credit
        b = c.totals
        if 0 <= nps <= 10:
            b.surveys_nps += 1
            b.nps_promoters += nps >= 9
            b.nps_detractors += nps <= 6
        if 1 <= csat <= 5:
            b.surveys_csat += 1
            b.csat_sum += csat
            b.csat_satisfied += csat >= 4

    # ------------------------------------------- backlog and bot stage (issue 15)
    def _callback_done(self, e: CallbackCompleted, run: Hashable) -> None:
        """A backlog item worked: credited to the interval its contact entered in, with
        how long it waited in the backlog (request -> completed)."""
        item = self._backlog.pop((run, e.contact), None)
        if item is None:
            return  # asked for before the data began: no entry to credit
        totals, requested_t = item
        totals.callbacks_worked += 1
        key = id(totals)
        self._backlog_max[key] = max(self._backlog_max.get(key, 0.0),
                                     max(0.0, e.t - requested_t))

    def _bot_started(self, e: BotStarted, run: Hashable) -> None:
        _keep(self._bots, (run, e.contact), e.t)

    def _bot_outcome(self, e: BotResolved | BotHandoff, run: Hashable) -> None:
        """Resolved or handed over: credited to the interval the bot took the chat in
        (its entry to the bot stage); a chat whose start the data never saw counts
        nowhere, as other outcomes of contacts it never saw enter."""
        started_t = self._bots.pop((run, e.contact), None)
        if started_t is None or e.t < started_t:
            return
        key = (self.intervals.start(started_t), e.queue)
        totals = self.totals.get(key)
        if totals is None:
            totals = self.totals[key] = Totals()
        if isinstance(e, BotResolved):
            totals.bot_resolved += 1
        else:
            totals.bot_handoffs += 1

    def _backlog_bot_columns(self, row: ReportRow, totals: Totals,
                             pending: dict[int, float]) -> ReportRow:
        """`row` with backlog_oldest_s (the longest any callback asked for by a contact
        of the interval waited in the backlog: until worked, or until its run's latest
        event if still waiting) and the bot outcomes of chats the bot took in it."""
        key = id(totals)
        ages = [a for a in (self._backlog_max.get(key), pending.get(key)) if a is not None]
        bot = totals.bot_resolved + totals.bot_handoffs
        return replace(
            row, backlog_oldest_s=round(max(ages), 1) if ages else None,
            bot_contained=totals.bot_resolved if bot else None,
            bot_handoffs=totals.bot_handoffs if bot else None)

    def _pending_backlog(self) -> dict[int, float]:
        """Per entry interval's totals (by id), the age of its oldest unworked item."""
        out: dict[int, float] = {}
        run_t = self._run_t
        for (run, _), (totals, requested_t) in self._backlog.items():
            key = id(totals)
            age = max(0.0, run_t.get(run, requested_t) - requested_t)
            out[key] = max(out.get(key, 0.0), age)
        return out

    def rows(self) -> list[ReportRow]:
        """The report so far; contacts still waiting count their wait up to the latest
        event of their run."""
        max_waits: dict[int, float] = {}
        backlog_pending = self._pending_backlog()
        run_t = self._run_t
        for c in self._open.values():
            if c.answered_t is None:
                key = id(c.totals)
                wait = run_t.get(c.run, c.offered_t) - c.offered_t
                max_waits[key] = max(max_waits.get(key, 0.0), wait)
        self.staffing.finish(run_t)
        out = []
        for (start, queue), totals in sorted(self.totals.items()):
            t = totals
            pending = max_waits.get(id(totals))
            if pending is not None and pending > totals.max_wait_s:
                t = Totals(**asdict(totals))
                t.max_wait_s = pending
            label_t = self.first_entry_t if self.intervals.interval == "total" else start
            row = self._row(self.intervals.label(label_t or 0.0), queue, t)
            row = self._backlog_bot_columns(row, totals, backlog_pending)
            per_hour = self.staffing.per_hour(start, queue)
            out.append(replace(row, contacts_per_agent_hour=_round(per_hour, 1)))
        return out

    def _row(self, interval_start: str, queue: str, t: Totals) -> ReportRow:
        return ReportRow(
            interval_start=interval_start,
            queue=queue,
            channel=self.channels.get(queue, Channel.HOTLINE.value),
            offered=t.offered,
            answered=t.answered,
            abandoned=t.abandoned,
            short_abandoned=t.short_abandoned,
            other_exits=t.other_exits + t.callbacks,
            answered_within_sl=t.answered_within_sl,
            service_level=_round(metrics.service_level(t, self.sl_variant), 4),
            asa_s=_round(metrics.asa_s(t), 1),
            aht_s=_round(metrics.aht_s(t), 1),
            max_wait_s=round(t.max_wait_s, 1),
            abandon_rate=_round(metrics.abandon_rate(t), 4),
            nps=_round(metrics.nps(t), 1),
            nps_responses=t.surveys_nps or None,
            csat=_round(metrics.csat(t), 2),
            first_response_s=_round(metrics.first_response_s(t), 1),
        )


def _keep(kept: dict[Any, Any], key: Any, value: Any) -> None:
    """Remember `value` under `key`, newest last; the oldest go past SURVEY_KEEP_MAX."""
    kept.pop(key, None)
    kept[key] = value
    if len(kept) > SURVEY_KEEP_MAX:
        del kept[next(iter(kept))]


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def build_report(events: Iterable[Event], interval: str = "30m", tz: str | None = None,
                 sl_target_s: float | None = None, short_abandon_s: float = 5.0,
                 sl_variant: str = metrics.DEFAULT_SL_VARIANT) -> list[ReportRow]:
    """Rows per (interval, queue), sorted by interval then queue.

    `sl_target_s` None uses each queue's own QueueDefined target; `tz` None the local zone.
    """
    builder = ReportBuilder(interval, tz, sl_target_s, short_abandon_s, sl_variant)
    builder.add(events)
    return builder.rows()


def write_csv(rows: Iterable[ReportRow], file: TextIO) -> None:
    """CSV with the exact CSV_COLUMNS header; None as an empty cell; '\\n' line ends."""
    writer = csv.writer(file, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, c) for c in CSV_COLUMNS])


def rows_to_json(rows: Iterable[ReportRow]) -> list[dict[str, Any]]:
    """Plain dicts (column -> value, None for no value), ready for json.dumps."""
    return [asdict(row) for row in rows]


_TABLE_HEADERS = ("interval start", "queue", "channel", "offered", "answered", "abandoned",
                  "short abn", "other exits", "in SL", "SL", "ASA s", "AHT s", "max wait s",
                  "abandon rate", "NPS", "NPS n", "CSAT", "1st resp s",
                  "backlog oldest s", "bot contained", "bot handoffs", "per agent-h")


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "-"
    if column in ("service_level", "abandon_rate"):
        return f"{100 * value:.1f}%"
    if column == "csat":
        return f"{value:.2f}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def format_table(rows: Iterable[ReportRow]) -> str:
    """A plain-text table for a terminal: rates as percentages, '-' for no value."""
    body = [[_cell(c, getattr(row, c)) for c in CSV_COLUMNS] for row in rows]
    if not body:
        return "(no contacts entered a queue)"
    table = [list(_TABLE_HEADERS), *body]
    widths = [max(len(r[i]) for r in table) for i in range(len(CSV_COLUMNS))]
    left = 3  # interval start, queue, channel are text
    lines = [
        "  ".join(cell.ljust(w) if i < left else cell.rjust(w)
                  for i, (cell, w) in enumerate(zip(r, widths, strict=True))).rstrip()
        for r in table
    ]
    return "\n".join(lines)
