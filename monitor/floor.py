"""The rolling state of the whole floor, advanced only by event time.

`Floor.apply` takes canonical events in order; views read `queue_view`,
`channel_view`, agents and the trend, and `take_changes` to learn what moved
since they last looked (so the UI updates only that). The records it holds are
in `monitor.state`, the views it builds in `monitor.views`, its snapshots in
`monitor.snapshot`.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from . import bots, clock, estimates, limits, metrics, views
from . import snapshot as snapshots
from .config import Config
from .events import (
    AgentLogin,
    AgentLogout,
    AgentSkills,
    AgentStateChanged,
    AgentStatus,
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
    Heartbeat,
    QueueDefined,
    Side,
    Snapshot,
    SurveyResult,
)
from .productivity import Productivity
from .rolling import BUCKET_S, KEEP_MINUTES, ChannelPool, RollingCounters, Totals, totals_of
from .state import BUSY_STATES, SERVING_STATES, Agent, Contact, Queue
from .thresholds import DEFAULT_BOOK, ThresholdBook, Thresholds
from .trend import SAMPLE_S, SAMPLES, Trend
from .views import WINDOW_INTERVAL, WINDOW_TODAY, ChannelView, QueueView, Window, whole_seconds

# The floor's public names; records and views live in state.py and views.py, and are
# importable from here as before.
__all__ = [
    "BUSY_STATES", "SERVING_STATES", "WINDOW_INTERVAL", "WINDOW_TODAY", "Agent", "Changes",
    "ChannelView", "Contact", "Floor", "Queue", "QueueView", "Window",
]

_STATES = frozenset(s.value for s in AgentStatus)
_CHANNELS = frozenset(c.value for c in Channel)
# Read on every event: module constants, not enum attribute loads or calls.
_STATUS: dict[str, AgentStatus] = {s.value: s for s in AgentStatus}  # value -> member
_WRAP_UP, _ON_CONTACT = AgentStatus.WRAP_UP, AgentStatus.ON_CONTACT
_ONLINE = Channel.ONLINE
_COUNTED_AS, _NOT_COUNTED = views.COUNTED_AS, views.NOT_COUNTED


@dataclass(slots=True)
class Changes:
    """What a reader must re-read since the previous `take_changes` call.

    The contract, for a reader that calls `take_changes` and then reads views at the
    same `floor.now` (the UI tick); tests/monitor/test_view_cache.py checks it:

    - `queues` holds every queue whose `Floor.queue_view` may differ from what it
      returned right after the previous call, for every window views have been read
      with: each queue an event touched (its contacts, counters, in-progress and
      backlog, its agents' skills and their states as views count them (available,
      busy, staffed: a move among ringing, on contact and wrap-up names no queue),
      its definition); each queue with
      someone waiting whose longest wait reached another whole second since the
      previous call (the clock alone: a view's longest wait is whole seconds, so a
      waiting queue is named for the clock once a second, at its own phase, about a
      tenth of them per tick at 10 ticks/s; not on every tick); each queue whose
      wait estimate changed when a new 10 s estimate slot began; when minutes
      passed, each queue with counts in the minutes that left a rolling window (or
      in the half hour that ended); and every queue at the daily reset. It may name
      queues whose view did not change, or that no longer exist (after a
      snapshot); it never leaves out one whose view changed.
    - `channels` holds the channel of each queue in `queues`, and the one a queue
      left when it was moved to the other channel: a channel's header
      (`Floor.channel_view`) moves only when one of its queues' figures, agents or
      contacts do (its longest wait, in whole seconds, is that of its queue waiting
      longest, which is named at the same moment).
    - `agents` holds agents whose record changed (state, load, skills, handled...).
      Time in state is `floor.now - agent.state_since`, moving for every agent with
      the clock: a reader showing it refreshes that column on every tick.
    - `structure`: queues or agents were added or removed (or a snapshot replaced a
      feed): lists must be rebuilt. A new queue is in `queues`; after a snapshot
      (`Floor.reindex_feed`) `queues` and `agents` name the feed's records, old and
      new, and any other whose figures it moved, `channels` their channels.
    """

    queues: set[str] = field(default_factory=set)
    agents: set[str] = field(default_factory=set)
    structure: bool = False  # queues or agents added/removed: rebuild lists
    channels: set[str] = field(default_factory=set)
    # The list of alerts changed (the tick sets it from `AlertBook.take_changes`, and
    # adds the queues and agents whose alert colour may have moved to the sets above).
    alerts: bool = False


class Floor:
    """In-memory state of queues, agents and live contacts, for one or more feeds."""

    # Tile limits per queue (the config's [thresholds]; from_config sets them).
    thresholds: ThresholdBook = DEFAULT_BOOK

    def thresholds_for(self, queue_id: str) -> Thresholds:
        """The limits that colour a queue's tile: its own, the config's or the shipped ones."""
        return self.thresholds.for_queue(queue_id)

    def __init__(
        self,
        short_abandon_s: float = 5.0,
        window_min: int = 15,
        tz: str | None = None,
        day_reset: str = "00:00",
        sl_variant: str = metrics.DEFAULT_SL_VARIANT,
        sl_variants: dict[str, str] | None = None,
        max_queues_per_feed: int = limits.MAX_QUEUES_PER_FEED,
        max_agents_per_feed: int = limits.MAX_AGENTS_PER_FEED,
    ) -> None:
        self.short_abandon_s = short_abandon_s
        self.window_min = window_min
        self.tz = clock.zone(tz)
        self.day_reset = clock.parse_hhmm(day_reset)
        for variant in [sl_variant, *(sl_variants or {}).values()]:
            if variant not in metrics.SL_VARIANTS:
                raise ValueError(f"unknown service level variant {variant!r}")
        self.sl_variant = sl_variant
        self.sl_variants = dict(sl_variants or {})  # queue id -> variant
        self.day_start: float | None = None
        self.first_t: float | None = None  # earliest event time seen: how much history we hold
        self._next_day_start: float | None = None
        self.now = 0.0
        self.queues: dict[str, Queue] = {}
        self.agents: dict[str, Agent] = {}
        self.contacts: dict[str, Contact] = {}
        self.trend = Trend()
        self.events_applied = 0
        self.unknown_references = 0  # events naming a contact we never saw
        self.rejected_events = 0  # events with values the engine cannot use
        # Semantic checks (monitor/limits.py): per feed, why events were not applied
        # (or only partly), the last snapshot refused and why; what each feed created,
        # against its caps; each feed's clock (its latest event time).
        self.anomalies: dict[str, Counter[str]] = {}
        self.snapshot_problems: dict[str, str] = {}
        self.max_queues_per_feed = max_queues_per_feed
        self.max_agents_per_feed = max_agents_per_feed
        self.max_behind_s = limits.MAX_BEHIND_S
        self.max_live_contacts = limits.MAX_LIVE_CONTACTS
        self.max_backlog_per_queue = limits.MAX_BACKLOG_PER_QUEUE
        self._feed_queues: Counter[str] = Counter()
        self._feed_agents: Counter[str] = Counter()
        self._feed_t: dict[str, float] = {}
        self._channel_members: dict[str, Counter[str]] = {}
        self._channel_capacity: Counter[str] = Counter()  # chat slots of serving agents
        self._changes = Changes()
        # Per channel: contacts waiting, callbacks in the backlog, contacts in progress.
        self._waiting_count: Counter[str] = Counter()
        self._backlog_count: Counter[str] = Counter()
        self._in_progress_count: Counter[str] = Counter()
        self._waiting_queues: set[str] = set()  # queues with someone waiting
        # Longest waits, in whole seconds (see `_pass_seconds`): per queue and per
        # channel the offered time of the contact waiting longest (inf: nobody waits;
        # absent: the oldest left, found again on read).
        self._oldest: dict[str, float] = {}
        self._unordered: set[str] = set()  # queues whose waiting dict is not oldest first
        self._channel_oldest: dict[str, float] = {}
        self._by_channel: dict[str, list[Queue]] | None = None  # None: rebuild on use
        # Channel-wide minute sums, fed by the queues' counters (None: rebuild on use),
        # and the queue counters written to since their changes were last passed on.
        self._pools: dict[str, ChannelPool] | None = None
        self._unflushed: set[RollingCounters] = set()
        # Wait estimates of the current 10 s slot: per queue, and each channel's model.
        self._ewt: dict[str, estimates.WaitEstimate] = {}
        self._ewt_slot: int | None = None
        self._ewt_pools: dict[str, estimates.PoolEstimate] = {}
        # Views as last built, with what they were built from (see queue_view).
        self._views: dict[tuple[str, Window], tuple[Any, ...]] = {}
        # Per queue, bumped when an agent figure its views show moved (its agents'
        # states or skills): a cached view then gets new counts, not a rebuild.
        self._counts_version: dict[str, int] = {}
        self._channel_views: dict[tuple[str, Window], tuple[Any, ...]] = {}
        self._channel_version: Counter[str] = Counter()
        self._read_windows: set[Window] = set()  # windows views were read with
        self._seen_now = 0.0  # floor.now at the last take_changes, and its minute
        self._seen_minute = 0
        self._seen_interval_first: int | None = None
        self._interval: tuple[float, int] = (math.nan, 0)  # (now, first minute) cache
        self._minute_end = -math.inf  # when now's minute ends
        # Contacts per staffed agent-hour and time-weighted occupancy (issue 15 part 2).
        self.productivity = Productivity()
        self._handlers = {
            QueueDefined: self._queue_defined,
            ContactOffered: self._offered,
            ContactAnswered: self._answered,
            ContactAbandoned: self._abandoned,
            ContactExited: self._exited,
            ContactEnded: self._ended,
            ContactTransferred: self._transferred,
            CallbackRequested: self._callback_requested,
            CallbackCompleted: self._callback_completed,
            ChatMessage: self._chat_message,
            AgentLogin: self._login,
            AgentLogout: self._logout,
            AgentStateChanged: self._state,
            AgentSkills: self._skills,
            SurveyResult: self._survey,
            Heartbeat: lambda e, feed: None,
            BotStarted: self._bot_started,
            BotResolved: self._bot_resolved,
            BotHandoff: self._bot_handoff,
        }

    @classmethod
    def from_config(cls, config: Config) -> Floor:
        """A floor with the metric settings of a client config (window, SL, time zone)."""
        floor = cls(
            short_abandon_s=config.short_abandon_s,
            window_min=config.window_minutes,
            tz=config.tz or None,  # "" means the machine's zone
            day_reset=config.day_reset,
            sl_variant=config.sl_variant,
            sl_variants=config.sl_variants,
            max_queues_per_feed=config.max_queues_per_feed,
            max_agents_per_feed=config.max_agents_per_feed,
        )
        floor.thresholds = config.thresholds
        return floor

    # ------------------------------------------------------------------ apply
    def apply(self, event: Event, feed: str = "") -> None:
        """Apply one event. `feed` names its source, so a snapshot replaces only that feed."""
        handler = self._handlers.get(type(event))
        if handler is None and isinstance(event, Snapshot):
            prepared = event.prepared
            if prepared is not None and self.can_install(prepared, feed):
                self.install_snapshot(prepared)  # a source prepared it off this thread
            else:
                self.load_snapshot(event.state, feed)
            return
        t = event.t
        if self.first_t is None:
            self.first_t = t
        now = self.now
        if t >= now:
            # No feed's clock is past the floor's: the common case costs one store.
            self._feed_t[feed] = t
            if t > now:
                self._advance(t)
        else:
            last = self._feed_t.get(feed, t)
            if t > last:
                self._feed_t[feed] = t
            elif t < last - self.max_behind_s:
                # Its feed's clock gone back hours: broken, not late. Counted, not applied.
                self._anomaly(feed, limits.TIME_BACKWARDS)
                return
        if handler is None:
            handler = self._handlers[type(event)]  # not an event type: KeyError, as ever
        handler(event, feed)
        self.events_applied += 1

    def _anomaly(self, feed: str, reason: str) -> None:
        """Count an event of `feed` the engine did not apply (or only partly), by reason."""
        counts = self.anomalies.get(feed)
        if counts is None:
            counts = self.anomalies[feed] = Counter()
        counts[reason] += 1

    def at_cap(self, feed: str) -> tuple[bool, bool]:
        """Whether `feed` has created as many queues, and as many agents, as it may."""
        return (self._feed_queues[feed] >= self.max_queues_per_feed,
                self._feed_agents[feed] >= self.max_agents_per_feed)

    def advance_to(self, t: float) -> None:
        """Move the clock to t with no event (the alert engine evaluates at whole
        seconds between events): what an event at t would do to the clock, nothing
        else. Never backwards."""
        if t > self.now:
            if self.first_t is None:
                self.first_t = t
            self._advance(t)

    def _advance(self, t: float) -> None:
        if t >= self._minute_end:
            self._pass_on_counts()  # while the channel pools still hold that minute
            self._minute_end = (t // BUCKET_S + 1) * BUCKET_S
        trend = self.trend
        if trend.next_t is None or t >= trend.next_t:
            self._sample_trend(t)
        self.now = t
        if self._next_day_start is None or t >= self._next_day_start:
            self.day_start = clock.day_start(t, self.tz, self.day_reset)
            self._next_day_start = clock.next_day_start(t, self.tz, self.day_reset)
            for q in self.queues.values():
                q.stats.reset_day(self.day_start)
                self._touch(q)  # its "today" starts again
        self.productivity.advance(self, t)  # agent levels held since the clock last moved

    def _sample_trend(self, t: float) -> None:
        # Sample the trend at every 10 s boundary crossed; after a long silence
        # only the last sample matters, so jump instead of looping per step.
        trend = self.trend
        if trend.next_t is not None and t - trend.next_t > 3600:
            trend.next_t = t - (t % SAMPLE_S)
        # At most an hour of samples (the jump above): bounded even where float
        # rounding would keep the sample clock from moving.
        for _ in range(SAMPLES + 2):
            if not trend.due(t):
                break
            sample_t = t if trend.next_t is None else trend.next_t
            self.now = max(self.now, sample_t)
            trend.record(sample_t, self._trend_values())

    def _trend_values(self) -> dict[str, tuple[float, float]]:
        """Waiting and service level per channel: O(channels), from running counts."""
        out = {}
        for ch in (Channel.HOTLINE, Channel.ONLINE):
            sl = metrics.service_level(self.channel_totals(ch), self.sl_variant)
            out[ch.value] = (
                float(self._waiting_count[ch]),
                math.nan if sl is None else sl,
            )
        return out

    def _touch(self, q: Queue) -> None:
        """Something a view of `q` (and of its channel) shows may have moved."""
        q.version += 1
        self._channel_version[q.channel] += 1
        self._changes.queues.add(q.id)

    def _wait(self, q: Queue, contact_id: str, t: float) -> None:
        waiting, channel = q.waiting, q.channel
        before = waiting.get(contact_id)
        if before is None and waiting and t < next(reversed(waiting.values())):
            self._unordered.add(q.id)  # offered before the last one: not in time order
        waiting[contact_id] = t
        self._waiting_queues.add(q.id)
        if before is None:
            self._waiting_count[channel] += 1
            oldest = self._oldest.get(q.id)
            # (Absent with others waiting: found again on read, already named.)
            if len(waiting) == 1 or (oldest is not None and t < oldest):
                self._oldest[q.id] = t
                self._changes.queues.add(q.id)  # its longest wait starts again
            channel_oldest = self._channel_oldest.get(channel)
            if channel_oldest is not None and t < channel_oldest:
                self._channel_oldest[channel] = t
        elif before != t:  # the same contact again, at another time
            self._unordered.add(q.id)
            self._oldest.pop(q.id, None)
            self._changes.queues.add(q.id)
            self._channel_oldest.pop(channel, None)

    def _unwait(self, q: Queue, contact_id: str) -> bool:
        """Take a contact out of a queue's waiting list; False if it was not there."""
        t = q.waiting.pop(contact_id, None)
        if t is None:
            return False
        if q.handoffs and q.handoffs.pop(contact_id, None) is not None:
            self._changes.queues.add(q.id)  # a bot's handoff no longer waits
        channel = q.channel
        self._waiting_count[channel] -= 1
        if not q.waiting:
            self._waiting_queues.discard(q.id)
            self._unordered.discard(q.id)
            self._oldest[q.id] = math.inf
            self._changes.queues.add(q.id)
        elif t == self._oldest.get(q.id):  # the oldest left: find the next on read
            del self._oldest[q.id]
            self._changes.queues.add(q.id)
        if not self._waiting_count[channel]:
            self._channel_oldest[channel] = math.inf
        elif t == self._channel_oldest.get(channel):
            del self._channel_oldest[channel]
        return True

    def _recount_channels(self) -> None:
        """Rebuild the per-channel counts; after snapshots and channel changes."""
        self._waiting_count.clear()
        self._backlog_count.clear()
        self._in_progress_count.clear()
        self._waiting_queues = set()
        self._channel_oldest.clear()
        for q in self.queues.values():
            self._waiting_count[q.channel] += len(q.waiting)
            self._backlog_count[q.channel] += len(q.backlog)
            self._in_progress_count[q.channel] += q.in_progress
            if q.waiting:
                self._waiting_queues.add(q.id)
        self._by_channel = None

    def _queue(self, queue_id: str, feed: str) -> Queue | None:
        """The queue, created if new: an event naming a queue never defined keeps its
        contacts visible, not lost. None (counted) if `feed` has all the queues its cap
        allows: nothing of the event may then be applied."""
        q = self.queues.get(queue_id)
        if q is None:
            if self._feed_queues[feed] >= self.max_queues_per_feed:
                self._anomaly(feed, limits.QUEUE_CAP)
                return None
            self._feed_queues[feed] += 1
            q = Queue(id=queue_id, name=queue_id, channel=Channel.HOTLINE, feed=feed)
            q.stats.reset_day(self.day_start or 0.0)
            self.queues[queue_id] = q
            self._changes.structure = True
            self._by_channel = None
            if self._pools is not None:
                q.stats.sink = self._pools.setdefault(q.channel, ChannelPool())
            if any(queue_id in a.skills for a in self.agents.values()):
                # Agents already skilled in it (their skills named it before it existed,
                # or a snapshot took it away): they serve it now. Rare; a scan, then a
                # recount, rather than an index kept on every skills change.
                self._recount_members()
        self._touch(q)
        return q

    def _agent(self, agent_id: str, feed: str) -> Agent | None:
        """The agent, created if new; None (counted) if `feed` has all the agents its
        cap allows."""
        a = self.agents.get(agent_id)
        if a is None:
            if self._feed_agents[feed] >= self.max_agents_per_feed:
                self._anomaly(feed, limits.AGENT_CAP)
                return None
            self._feed_agents[feed] += 1
            a = Agent(id=agent_id, name=agent_id, feed=feed, state_since=self.now)
            self.agents[agent_id] = a
            self._changes.structure = True
        self._changes.agents.add(agent_id)
        return a

    def _bucket(self, q: Queue, t: float) -> Totals:
        b = q.stats.bucket(t, self.now)
        if b is None:
            return Totals()  # too old: count nowhere
        self._unflushed.add(q.stats)
        return b

    # ---------------------------------------------------------------- queues
    def _queue_defined(self, e: QueueDefined, feed: str) -> None:
        if e.channel not in _CHANNELS or not 0.0 <= e.sl_target_s <= limits.MAX_NUMBER:
            self._anomaly(feed, limits.BAD_VALUE)  # a negative target: no SL means anything
            return
        q = self._queue(e.queue, feed)
        if q is None:
            return
        if q.feed != feed:  # defined by another feed than the one that named it first
            self._feed_queues[q.feed] -= 1
            self._feed_queues[feed] += 1
        old_channel = q.channel
        moved = old_channel != e.channel
        q.name, q.channel, q.sl_target_s = e.name, e.channel, e.sl_target_s
        q.tier, q.name_zh, q.feed = e.tier, e.name_zh, feed
        self._changes.structure = True
        self._touch(q)
        if moved:  # its agents, contacts and counts now belong to the other channel
            self._changes.channels.add(old_channel)
            self._recount_members()
            self._recount_channels()
            if self._pools is not None:
                if q.stats.minutes():
                    self._drop_pools()
                else:  # nothing counted yet: just feed the other channel's pool
                    q.stats.sink = self._pools.setdefault(q.channel, ChannelPool())

    # -------------------------------------------------------------- contacts
    # Semantic checks: an event that cannot be true of what the floor holds (an answer
    # for a contact answered already, an abandon for no one waiting...) is counted per
    # feed by reason (`anomalies`, monitor/limits.py) and moves no figure. Each check
    # is a dict lookup the handler made anyway; counting happens only off the common
    # path.
    def _queue_room(self, queue_id: str, feed: str) -> bool:
        """Whether `queue_id` exists or `feed` may still create it (if not: counted)."""
        if queue_id in self.queues or self._feed_queues[feed] < self.max_queues_per_feed:
            return True
        self._anomaly(feed, limits.QUEUE_CAP)
        return False

    def _agent_room(self, agent_id: str, feed: str) -> bool:
        """Whether `agent_id` exists or `feed` may still create it (if not: counted)."""
        if agent_id in self.agents or self._feed_agents[feed] < self.max_agents_per_feed:
            return True
        self._anomaly(feed, limits.AGENT_CAP)
        return False

    def _offered(self, e: ContactOffered, feed: str) -> None:
        if e.contact in self.contacts:
            self._anomaly(feed, limits.OFFER_TWICE)  # delivered twice, or an id reused
            return
        if len(self.contacts) >= self.max_live_contacts:
            self._anomaly(feed, limits.CONTACT_CAP)  # a runaway feed: memory, not figures
            return
        q = self._queue(e.queue, feed)
        if q is None:
            return
        self.contacts[e.contact] = Contact(e.contact, e.queue, e.t)
        self._wait(q, e.contact, e.t)
        self._bucket(q, e.t).offered += 1

    def _leave_queue(self, contact_id: str, queue_id: str, feed: str) -> Contact | None:
        """Remove a contact waiting in `queue_id`; None (counted) if it was not waiting
        there. Creates nothing: an outcome for no one waiting names no new queue."""
        c = self.contacts.get(contact_id)
        if c is None:
            self.unknown_references += 1
            self._anomaly(feed, limits.UNKNOWN_CONTACT)
            return None
        q = self.queues.get(queue_id)
        if q is None or not self._unwait(q, contact_id):
            self._anomaly(feed, limits.NOT_WAITING)
            return None
        self._touch(q)
        return c

    def _answered(self, e: ContactAnswered, feed: str) -> None:
        contacts = self.contacts
        c = contacts.get(e.contact)
        if c is not None:
            if c.answered_t is not None:
                self._anomaly(feed, limits.ANSWER_TWICE)
                return
            q = self.queues.get(e.queue)
            if q is None or e.contact not in q.waiting:
                self._anomaly(feed, limits.NOT_WAITING)  # it waits in another queue
                return
        elif not self._queue_room(e.queue, feed):
            return
        agent = self.agents.get(e.agent)
        if agent is None and not self._agent_room(e.agent, feed):
            return  # checked before anything moves: the event is not applied at all
        if c is None and len(contacts) >= self.max_live_contacts:
            self._anomaly(feed, limits.CONTACT_CAP)
            return
        if c is None:
            # Never offered: answered before we started watching (a log read from
            # mid-day). Counted; its work is tracked (load, in progress, handle time),
            # with no answer or wait figures.
            self.unknown_references += 1
            self._anomaly(feed, limits.ANSWER_WITHOUT_OFFER)
            c = contacts[e.contact] = Contact(e.contact, e.queue, e.t)
            q = self._queue(e.queue, feed)
        else:
            self._unwait(q, e.contact)
            self._touch(q)
            wait = e.t - c.offered_t
            b = self._bucket(q, e.t)
            b.answered += 1
            b.wait_answered_s += wait
            within = wait <= q.sl_target_s
            b.answered_within_sl += within
            b.removed_within_sl += within
            if wait > b.max_wait_s:  # max(), without the call
                b.max_wait_s = wait
        c.answered_t, c.agent = e.t, e.agent
        if agent is None:
            agent = self._agent(e.agent, feed)  # room checked above: made here
        else:
            self._changes.agents.add(e.agent)
        agent.contacts.add(e.contact)
        q.in_progress += 1
        self._in_progress_count[q.channel] += 1

    def _abandoned(self, e: ContactAbandoned, feed: str) -> None:
        c = self._leave_queue(e.contact, e.queue, feed)
        if c is None:
            return
        wait = e.t - c.offered_t
        q = self.queues[e.queue]
        b = self._bucket(q, e.t)
        b.abandoned += 1
        b.wait_abandoned_s += wait
        b.short_abandoned += wait < self.short_abandon_s
        b.abandoned_within_sl += wait <= q.sl_target_s
        b.removed_within_sl += wait <= q.sl_target_s
        b.max_wait_s = max(b.max_wait_s, wait)
        del self.contacts[e.contact]

    def _exited(self, e: ContactExited, feed: str) -> None:
        c = self._leave_queue(e.contact, e.queue, feed)
        if c is None:
            return
        b = self._bucket(self.queues[e.queue], e.t)
        b.other_exits += 1
        b.max_wait_s = max(b.max_wait_s, e.t - c.offered_t)
        del self.contacts[e.contact]

    def _callback_requested(self, e: CallbackRequested, feed: str) -> None:
        # A callback may be booked without waiting first (an offline appointment): it
        # joins the backlog whether or not the contact waited here.
        q = self._queue(e.queue, feed)
        if q is None:
            return
        if len(q.backlog) >= self.max_backlog_per_queue and e.contact not in q.backlog:
            self._anomaly(feed, limits.CONTACT_CAP)  # checked before anything moves
            return
        c = self.contacts.get(e.contact)
        self.unknown_references += c is None
        if c is not None and self._unwait(q, e.contact):
            wait = e.t - c.offered_t
            b = self._bucket(q, e.t)
            b.callbacks += 1
            b.removed_within_sl += wait <= q.sl_target_s
            b.max_wait_s = max(b.max_wait_s, wait)
            del self.contacts[e.contact]
        if e.contact not in q.backlog:
            self._backlog_count[q.channel] += 1
        q.backlog[e.contact] = e.t
        self._touch(q)  # its backlog (count, oldest) moved, waited first or not

    def _callback_completed(self, e: CallbackCompleted, feed: str) -> None:
        q = self.queues.get(e.queue)
        if q is None or q.backlog.pop(e.contact, None) is None:
            self._anomaly(feed, limits.UNKNOWN_CALLBACK)
            return
        self._backlog_count[q.channel] -= 1
        self._bucket(q, e.t).callbacks_worked += 1
        self._touch(q)

    def _ended(self, e: ContactEnded, feed: str) -> None:
        c = self.contacts.get(e.contact)
        if c is None:  # never seen, or ended already
            self.unknown_references += 1
            self._anomaly(feed, limits.UNKNOWN_CONTACT)
            return
        if c.answered_t is None:
            # Ended while still waiting: it leaves the queue (nothing else ever would)
            # with no outcome to count.
            self._anomaly(feed, limits.END_WITHOUT_ANSWER)
            del self.contacts[e.contact]
            q = self.queues.get(c.queue)
            if q is not None and self._unwait(q, e.contact):
                self._touch(q)
            return
        agent_id = c.agent or e.agent
        if e.agent != agent_id:
            # Not who answered it: the one who did is freed, and books the handle time.
            self._anomaly(feed, limits.WRONG_AGENT)
        agent = self._agent(agent_id, feed)
        if agent is None:
            return  # (counted) nothing moves
        del self.contacts[e.contact]
        agent.contacts.discard(e.contact)
        q = self.queues.get(c.queue)
        if q is not None and q.in_progress > 0:
            q.in_progress -= 1
            self._in_progress_count[q.channel] -= 1
            self._touch(q)
        if agent.pending_handle is not None:
            self._finish_pending(agent, 0.0)
        # Sources with skewed clocks can stamp the end before the answer: no negative talk.
        agent.pending_handle = (c.queue, max(0.0, e.t - c.answered_t))
        if agent.contacts and agent.state != _WRAP_UP:
            # Still busy with other chats: no wrap-up belongs to this one.
            self._finish_pending(agent, 0.0)

    def _transferred(self, e: ContactTransferred, feed: str) -> None:
        if not self._queue_room(e.to_queue, feed):
            return  # checked first: a transfer is applied whole or not at all
        c = self.contacts.get(e.contact)
        if c is None:
            # Never seen: it still arrives in `to_queue`, as an offer would.
            self.unknown_references += 1
            self._anomaly(feed, limits.UNKNOWN_CONTACT)
        elif c.answered_t is None:
            # It leaves the queue it waits in (its own, whatever the event names).
            q = self.queues.get(c.queue)
            if q is not None and e.contact in q.waiting:
                self._exited(ContactExited(e.t, e.contact, c.queue, "transfer"), feed)
        else:
            # Handled like an end: the agent's wrap-up, if any, still joins its AHT.
            self._ended(ContactEnded(e.t, e.contact, c.queue, c.agent), feed)
        self.contacts.pop(e.contact, None)
        self._offered(ContactOffered(e.t, e.contact, e.to_queue), feed)

    def _chat_message(self, e: ChatMessage, feed: str) -> None:
        """Response times, counted at the agent's reply (docs/metrics.md, "Chat response
        times"). Per contact two times and a flag, whatever the chat's length: the
        first customer message, and the first one since the agent last wrote."""
        c = self.contacts.get(e.contact)
        if c is None:
            self._anomaly(feed, limits.UNKNOWN_CONTACT)
            return
        side = e.side
        if side == Side.CUSTOMER:
            if c.first_customer_msg_t is None:
                c.first_customer_msg_t = e.t
            if c.awaiting_reply_t is None:  # later lines of the same turn wait as one
                c.awaiting_reply_t = e.t
            return  # no figure moves until the reply
        if side != Side.AGENT:
            return  # a system line is no one's reply
        asked = c.awaiting_reply_t
        first = not c.first_reply_seen and c.first_customer_msg_t is not None
        if asked is None and not first:
            return  # the agent writes again before the customer: no new turn
        q = self.queues.get(c.queue)
        if q is None:
            return
        self._touch(q)
        b = self._bucket(q, e.t)
        # A reply stamped before the message (clocks of two systems) waited 0 s, not less.
        if first:
            c.first_reply_seen = True
            b.first_responses += 1
            b.first_response_s += max(0.0, e.t - c.first_customer_msg_t)
        if asked is not None:
            c.awaiting_reply_t = None
            b.responses += 1
            b.response_s += max(0.0, e.t - asked)

    def _survey(self, e: SurveyResult, feed: str) -> None:
        nps, csat = e.nps, e.csat
        if not (-1 <= nps <= 10 and (csat == -1 or 1 <= csat <= 5)):
            self._anomaly(feed, limits.BAD_VALUE)  # what is in range still counts
        q = self._queue(e.queue, feed)
        if q is None:
            return
        b = self._bucket(q, e.t)
        if 0 <= nps <= 10:
            b.surveys_nps += 1
            b.nps_promoters += nps >= 9
            b.nps_detractors += nps <= 6
        if 1 <= csat <= 5:
            b.surveys_csat += 1
            b.csat_sum += csat
            b.csat_satisfied += csat >= 4

    # ------------------------------------------------- bot stage (issue 15 part 4)
    # A chat a bot holds is not waiting for a human: it is in `Queue.bots` until the
    # bot resolves it (contained) or hands it over (a `contact.offered` follows). The
    # outcomes are counted in the minute they happen, whether or not the start was
    # seen (a feed watched from mid-chat); "handoffs waiting" are the handed-over
    # contacts still waiting (`Queue.handoffs`, left by `_unwait`).
    def _bot_queue(self, queue_id: str, contact_id: str, feed: str) -> Queue | None:
        q = self._queue(queue_id, feed)
        if q is not None and q.bots.pop(contact_id, None) is None \
                and len(q.bots) >= self.max_backlog_per_queue:
            self._anomaly(feed, limits.CONTACT_CAP)  # a runaway feed: memory, not figures
            return None
        return q

    def _bot_started(self, e: BotStarted, feed: str) -> None:
        q = self._bot_queue(e.queue, e.contact, feed)
        if q is not None:
            q.bots[e.contact] = e.t
            self._touch(q)

    def _bot_resolved(self, e: BotResolved, feed: str) -> None:
        q = self._queue(e.queue, feed)
        if q is not None:
            q.bots.pop(e.contact, None)
            self._bucket(q, e.t).bot_resolved += 1
            self._touch(q)

    def _bot_handoff(self, e: BotHandoff, feed: str) -> None:
        q = self._queue(e.queue, feed)
        if q is None:
            return
        q.bots.pop(e.contact, None)
        self._bucket(q, e.t).bot_handoffs += 1
        if e.contact in q.waiting or len(q.handoffs) < self.max_backlog_per_queue:
            q.handoffs[e.contact] = e.t
        self._touch(q)

    def _mark_backlog_ages(self, changes: Changes) -> None:
        """A new minute: the oldest backlog item's age (whole clock minutes, see
        monitor/backlog.py) moved for every queue with a backlog. Handoffs whose offer
        never came (or went to another queue) are forgotten after a minute."""
        for q in self.queues.values():
            if q.backlog:
                changes.queues.add(q.id)
            if q.handoffs:
                bots.drop_stale_handoffs(q, self.now)

    # ---------------------------------------------------------------- agents
    def _login(self, e: AgentLogin, feed: str) -> None:
        a = self._agent(e.agent, feed)
        if a is None:
            return
        if a.feed != feed:  # logged in through another feed than the one that named it
            self._feed_agents[a.feed] -= 1
            self._feed_agents[feed] += 1
        a.name, a.team, a.feed = e.name, e.team, feed
        if a.state == AgentStatus.LOGGED_OUT:
            self._set_state(a, AgentStatus.AVAILABLE, "", e.t)

    def _logout(self, e: AgentLogout, feed: str) -> None:
        a = self.agents.get(e.agent)
        if a is None:  # never seen: nothing to log out, no agent to create for it
            self._anomaly(feed, limits.UNKNOWN_AGENT)
            return
        self._changes.agents.add(e.agent)
        self._finish_pending(a, 0.0)
        self._set_state(a, AgentStatus.LOGGED_OUT, "", e.t)

    def _state(self, e: AgentStateChanged, feed: str) -> None:
        # The most common event: one dict lookup both checks the value and gives the
        # member (no `AgentStatus(...)` call), the agent is found without `_agent`.
        state = _STATUS.get(e.state)
        if state is None:
            self.rejected_events += 1
            self._anomaly(feed, limits.BAD_VALUE)
            return
        a = self.agents.get(e.agent)
        if a is None:
            a = self._agent(e.agent, feed)
            if a is None:
                return
        else:
            self._changes.agents.add(e.agent)
        if a.pending_handle is not None:  # (without one, finishing it does nothing)
            if a.state == _WRAP_UP and state is not _WRAP_UP:
                self._finish_pending(a, e.t - a.state_since)
            elif state is not _WRAP_UP and state is not _ON_CONTACT:
                self._finish_pending(a, 0.0)
        self._set_state(a, state, e.reason, e.t)

    def _set_state(self, a: Agent, state: AgentStatus, reason: str, t: float) -> None:
        old = a.state
        if old == state:
            if a.reason != reason:  # a new reason only: no count moves
                a.state, a.reason, a.state_since = state, reason, t
            return
        a.state, a.reason, a.state_since = state, reason, t
        self.productivity.state_moved(a.id, old, state, self.now)  # staffed time
        # Views show agents only as available, busy and staffed: a move within one of
        # those (ringing, on contact, wrap-up) is counted but names no queue.
        shown = _COUNTED_AS.get(old, _NOT_COUNTED) != _COUNTED_AS.get(state, _NOT_COUNTED)
        # One pass moves the agent's counts from the old state to the new one.
        queues, channel, channels = self.queues, None, None
        versions, marked = self._counts_version, self._changes.queues
        for queue_id in a.skills:
            q = queues.get(queue_id)
            if q is not None:
                members = q.members
                members[old] -= 1
                members[state] += 1
                if shown:  # only the counts moved: cached views are patched, not rebuilt
                    versions[queue_id] = versions.get(queue_id, 0) + 1
                    marked.add(queue_id)
                if channel is None:
                    channel = q.channel
                elif q.channel != channel:
                    channels = channels or {channel}
                    channels.add(q.channel)
        if channel is None:
            return
        # A blended agent is one agent in each channel it serves, counted once there.
        channel_members = self._channel_members
        for served in channels or (channel,):
            members = channel_members.get(served)
            if members is None:
                members = channel_members[served] = Counter()
            members[old] -= 1
            members[state] += 1
            if shown:
                self._channel_version[served] += 1
            if served == _ONLINE:
                slots = (state in SERVING_STATES) - (old in SERVING_STATES)
                if slots:
                    self._channel_capacity[_ONLINE] += slots * a.chat_capacity

    def _count_members(self, a: Agent, sign: int) -> None:
        """Keep per-queue and per-channel agent counts by state, so views never scan agents."""
        channels: list[str] = []
        state = a.state
        # A logged-out agent is in no figure a view shows: no queue is named for it.
        shown = views.COUNTED_AS.get(state, views.NOT_COUNTED) != views.NOT_COUNTED
        versions, marked = self._counts_version, self._changes.queues
        for queue_id in a.skills:
            q = self.queues.get(queue_id)
            if q is not None:
                q.members[state] += sign
                if shown:  # only the counts moved: cached views are patched, not rebuilt
                    versions[queue_id] = versions.get(queue_id, 0) + 1
                    marked.add(queue_id)
                if q.channel not in channels:
                    channels.append(q.channel)
        # A blended agent is one agent in each channel it serves, counted once there.
        for channel in channels:
            self._channel_members.setdefault(channel, Counter())[state] += sign
            if shown:
                self._channel_version[channel] += 1
        if Channel.ONLINE in channels and state in SERVING_STATES:
            self._channel_capacity[Channel.ONLINE] += sign * a.chat_capacity

    def _recount_members(self) -> None:
        """Rebuild all agent counts; only when queue channels or whole feeds change.

        Counted in bulk: (queue, state) pairs by `Counter`, and per channel by one set
        test per agent and channel (`snapshot.channel_counts`), not a set of channels
        built per agent. Every view's counts are then taken as moved.
        """
        queues, agents = self.queues, list(self.agents.values())
        for q in queues.values():
            q.members = Counter()
        for (queue_id, state), n in Counter(
            (queue_id, a.state) for a in agents for queue_id in a.skills
        ).items():
            q = queues.get(queue_id)
            if q is not None:
                q.members[state] = n
        members, capacity = snapshots.channel_counts(agents, _ids_by_channel(queues))
        self._channel_members = {}
        for (channel, state), n in members.items():
            self._channel_members.setdefault(channel, Counter())[state] = n
        self._channel_capacity = Counter({Channel.ONLINE: capacity})
        versions = self._counts_version
        for queue_id in queues:
            versions[queue_id] = versions.get(queue_id, 0) + 1
        for q in queues.values():
            self._channel_version[q.channel] += 1

    def _skills(self, e: AgentSkills, feed: str) -> None:
        if not 0 <= e.chat_capacity <= limits.MAX_CHAT_CAPACITY:
            self._anomaly(feed, limits.BAD_VALUE)  # negative slots would count against others
            return
        a = self._agent(e.agent, feed)
        if a is None:
            return
        skills = dict(e.skills)
        queues = self.queues
        new = [queue_id for queue_id in skills if queue_id not in queues]
        room = max(0, self.max_queues_per_feed - self._feed_queues[feed])
        if len(new) > room:
            # Past the feed's cap: those queues are not created, nor the agent put in them.
            self._anomaly(feed, limits.QUEUE_CAP)
            for queue_id in new[room:]:
                del skills[queue_id]
        for queue_id in skills:
            self._queue(queue_id, feed)  # new ones fit: counted above
        # Created first, so a new queue counts everyone skilled in it so far (this agent
        # too, by its old skills), and the agent's move below is from there.
        self._count_members(a, -1)
        a.skills, a.chat_capacity = skills, e.chat_capacity
        self._count_members(a, +1)

    def _finish_pending(self, a: Agent, wrap_s: float) -> None:
        if a.pending_handle is None:
            return
        queue_id, talk_s = a.pending_handle
        a.pending_handle = None
        handle = talk_s + max(0.0, wrap_s)
        a.handled += 1
        a.handle_s += handle
        q = self.queues.get(queue_id)
        self.productivity.handled(a.id, q.channel if q is not None else None, self.now)
        if q is not None:
            b = self._bucket(q, self.now)
            b.handled += 1
            b.handle_s += handle
            self._touch(q)

    # ----------------------------------------------------------------- views
    def take_changes(self) -> Changes:
        """What moved since the previous call (see `Changes` for the contract).

        Costs what changed: the queues events touched, and the waiting queues whose
        longest wait reached another whole second (about a tenth of them per tick at
        10 ticks/s), found by two subtractions per waiting queue; once per minute a
        look at each queue's minutes leaving the windows read; once per 10 s the
        estimates.
        """
        self._refresh_estimates()
        changes = self._changes
        if self.now != self._seen_now:
            self._pass_seconds(changes.queues)
            minute = int(self.now // BUCKET_S)
            if minute != self._seen_minute:
                self._mark_window_moves(changes, minute)
                self._mark_backlog_ages(changes)
                # Productivity and occupancy move once a minute (whole minutes).
                changes.channels.update(self.productivity.moved_channels())
                self._seen_minute = minute
            self._seen_now = self.now
        queues, channels = self.queues, changes.channels
        for queue_id in changes.queues:
            q = queues.get(queue_id)
            if q is not None:
                channels.add(q.channel)
        self._changes = Changes()
        return changes

    def _pass_seconds(self, marked: set[str]) -> None:
        """Mark the waiting queues whose longest wait reached another whole second.

        The clock moved from `_seen_now` (the previous call) to `now`. A queue whose
        oldest contact changed since is marked already (events that change it name
        the queue); for the others the oldest is the one the views were built from,
        so the figure may have moved only where `floor(now - oldest)` differs from
        `floor(seen - oldest)`: the same float expressions as the views', so exact.
        Each queue's figure moves at its own moment in the second (its oldest offered
        time), so about a tenth of the waiting queues are marked per tick at 10
        ticks/s. A channel's longest wait is its longest-waiting queue's, which moves
        at the same moment, so the channel is named with that queue.

        A loop, not a heap keyed by each queue's next whole second: measured on
        bench/bench_views.py at 400 waiting queues it costs about 0.08 ms per tick
        against 0.16 ms for the heap, whose re-keying on every move of a queue's
        oldest contact (about 25 per tick there) and exact float boundaries cost more
        in Python than the look at every waiting queue it saves.
        """
        now, seen = self.now, self._seen_now
        oldest_of, queues, whole = self._oldest, self.queues, math.floor
        for queue_id in self._waiting_queues:
            if queue_id in marked:
                continue
            oldest = oldest_of.get(queue_id)
            if oldest is None:
                oldest = self._queue_oldest(queues[queue_id])
            # floor, not whole_seconds: it moves whenever whole_seconds does.
            if whole(now - oldest) != whole(seen - oldest):
                marked.add(queue_id)

    def _queue_oldest(self, q: Queue) -> float:
        """When the contact waiting longest in `q` was offered (inf: nobody waits)."""
        oldest = self._oldest.get(q.id)
        if oldest is None:
            waiting = q.waiting
            if not waiting:
                oldest = math.inf
            elif q.id in self._unordered:
                oldest = min(waiting.values())
            else:  # in time order (as offers mostly come): the first one
                oldest = next(iter(waiting.values()))
            self._oldest[q.id] = oldest
        return oldest

    def _mark_window_moves(self, changes: Changes, minute: int) -> None:
        """Minutes left the windows read so far: mark queues that had counts in them.

        The floor never writes a bucket ahead of `now`, so minutes entering a window
        are empty; only those leaving it (or a whole half hour, when a new one starts)
        can change a view. A channel's sums move only with its queues'.
        """
        seen = self._seen_minute
        rolling = [w for w in self._read_windows if isinstance(w, int) and w > 0]
        interval_from = None
        first = self._interval_first_minute()
        if WINDOW_INTERVAL in self._read_windows and first != self._seen_interval_first:
            interval_from = self._seen_interval_first
        self._seen_interval_first = first
        marked = changes.queues
        for queue_id, q in self.queues.items():
            if queue_id in marked:
                continue
            stats = q.stats
            for w in rolling:
                if stats.has_counts(seen - w + 1, min(minute - w, seen)):
                    marked.add(queue_id)
                    break
            else:
                if interval_from is not None and stats.has_counts(interval_from, seen):
                    marked.add(queue_id)

    def longest_wait_s(self, q: Queue) -> float:
        """How long the oldest contact waiting in `q` has waited, in whole seconds."""
        return whole_seconds(self.now - self._queue_oldest(q))

    def totals(self, q: Queue, window: Window | None = None) -> Totals:
        """A queue's sums over rolling minutes, the current half hour, or today."""
        window = window or self.window_min
        if window == WINDOW_TODAY:
            return q.stats.today(self.now)
        if window == WINDOW_INTERVAL:
            return q.stats.since(self._interval_first_minute(), self.now)
        return q.stats.window(self.now, int(window))

    def _interval_first_minute(self) -> int:
        now, cached = self.now, self._interval
        if cached[0] != now:
            cached = self._interval = (now, int(clock.half_hour_start(now, self.tz) // BUCKET_S))
        return cached[1]

    def channel_totals(self, channel: str, window: Window | None = None) -> Totals:
        """All queues of a channel summed over `window` (default: the floor's window).

        Rolling windows come from the channel's running sums; calendar windows and
        windows longer than the ring add up the channel's queues.
        """
        window = window or self.window_min
        if isinstance(window, int) and 0 < window <= KEEP_MINUTES:
            pool = self._channel_pools().get(channel)
            return pool.window(self.now, window) if pool is not None else Totals()
        out = Totals()
        for q in self.channel_queues(channel):
            out.add(self.totals(q, window))
        return out

    def channel_queues(self, channel: str) -> list[Queue]:
        """The queues of one channel, in the floor's order (read only)."""
        if self._by_channel is None:
            by_channel: dict[str, list[Queue]] = {}
            for q in self.queues.values():
                by_channel.setdefault(q.channel, []).append(q)
            self._by_channel = by_channel
        return self._by_channel.get(channel, [])

    def channel_counts(self, channel: str) -> tuple[int, int, int]:
        """(waiting, backlog, in progress) over a channel's queues, kept as events come."""
        return (self._waiting_count[channel], self._backlog_count[channel],
                self._in_progress_count[channel])

    def channel_longest_wait_s(self, channel: str) -> float:
        """The longest wait of anyone waiting in the channel, in whole seconds."""
        oldest = self._channel_oldest.get(channel)
        if oldest is None:  # its oldest left: look at the queues with someone waiting
            oldest, queues = math.inf, self.queues
            for queue_id in self._waiting_queues:
                q = queues[queue_id]
                if q.channel == channel:
                    oldest = min(oldest, self._queue_oldest(q))
            self._channel_oldest[channel] = oldest
        return whole_seconds(self.now - oldest)

    def _channel_pools(self) -> dict[str, ChannelPool]:
        """The channel pools, built from the queues' counters if they were dropped."""
        if self._pools is None:
            pools: dict[str, ChannelPool] = {}
            for q in self.queues.values():
                pool = pools.get(q.channel)
                if pool is None:
                    pool = pools[q.channel] = ChannelPool()
                stats = q.stats
                stats.sink = None
                stats.flush()
                for minute, bucket in stats.minutes():
                    pool.add(minute, bucket)
                stats.sink = pool
            self._pools = pools
            self._unflushed.clear()
        else:
            self._pass_on_counts()
        return self._pools

    def _pass_on_counts(self) -> None:
        """Hand what events added to queue buckets on to the channel pools."""
        if self._unflushed:
            if self._pools is not None:
                for stats in self._unflushed:
                    stats.flush()
            self._unflushed.clear()

    def _drop_pools(self) -> None:
        """Forget the channel pools (rebuilt on the next read): queues changed channel."""
        for q in self.queues.values():
            q.stats.sink = None
        self._pools = None
        self._unflushed.clear()
        self._by_channel = None

    def sl_variant_of(self, queue_id: str) -> str:
        return self.sl_variants.get(queue_id, self.sl_variant)

    def queue_stamp(self, queue_id: str) -> tuple[int, int]:
        """Moves whenever anything a view of the queue shows may have moved, except the
        clock: its record's version and its agent counts' version (for the alert rules,
        which look again only at queues whose stamp moved)."""
        return self.queues[queue_id].version, self._counts_version.get(queue_id, 0)

    def queue_view(self, queue_id: str, window: Window | None = None) -> QueueView:
        """One queue's tile figures over `window` (default: the floor's window).

        Cached: kept while the queue (its version), the minute and its wait estimate
        stay; when only its agents' counts moved (their own version) or its longest
        wait reached another whole second, only those figures are replaced. Otherwise
        made again, in two parts (`views.view_of`): the figures of a rolling window
        only when its running sums moved (`RollingCounters.window_sums`, kept with
        the entry: an answer or abandon moves them; a contact ending, a callback
        booked, a new estimate or a minute that took nothing out do not), the rest
        read afresh.
        """
        q = self.queues[queue_id]
        window = window or self.window_min
        self._read_windows.add(window)
        ewt = self.wait_estimate(queue_id)
        minute = int(self.now // BUCKET_S)
        key = (queue_id, window)
        entry = self._views.get(key)
        counts = self._counts_version.get(queue_id, 0)
        variant = self.sl_variants.get(queue_id, self.sl_variant)
        rolling = type(window) is int  # calendar windows: made whole every time
        sums = part = None
        if entry is not None and entry[0] is q and entry[4].sl_variant == variant:
            if entry[1] == q.version and entry[2] == minute and entry[3] is ewt:
                view, longest = entry[4], self.longest_wait_s(q)
                if entry[5] != counts:  # agents changed state: new counts (and clock)
                    view = views.with_agents(view, longest, q.members)
                elif view.longest_wait_s != longest:  # only the clock moved
                    view = views.with_longest_wait(view, longest)
                else:
                    return view
                self._views[key] = (q, q.version, minute, ewt, view, counts, entry[6], entry[7])
                return view
            if rolling:
                sums = q.stats.window_sums(self.now, window)
                if sums == entry[6]:
                    part = entry[7]  # the same sums: the same window figures
        if part is None:
            if rolling:
                if sums is None:
                    sums = q.stats.window_sums(self.now, window)
                totals = totals_of(sums)
            else:
                totals = self.totals(q, window)
            part = views.window_part(totals, variant)
        # Reading its window flushed the queue's counters to the channel pool too: the
        # channel's next read need not flush them again (a write names them anew).
        self._unflushed.discard(q.stats)
        view = views.view_of(self, q, window, variant, ewt, part)
        self._views[key] = (q, q.version, minute, ewt, view, counts, sums, part)
        return view

    def wait_estimate(self, queue_id: str) -> estimates.WaitEstimate:
        """Estimated wait for a contact arriving now (kept for 10 s of event time).

        The channel's agents serve all its queues, so the model runs on the channel's
        pool (its arrival rate, AHT and serving capacity), once per channel per slot;
        a queue's own position only enters the empirical fallback.
        """
        q = self.queues[queue_id]
        self._refresh_estimates()
        estimate = self._ewt.get(queue_id)
        if estimate is None:  # a queue new in this slot
            estimate = self._ewt[queue_id] = self._pool_estimate(q.channel).for_queue(
                len(q.waiting))
        return estimate

    def _pool_estimate(self, channel: str) -> estimates.PoolEstimate:
        pool = self._ewt_pools.get(channel)
        if pool is None:
            # Rates over the history we really hold, not a window we only partly saw.
            held = self.now - (self.first_t if self.first_t is not None else self.now)
            window_s = min(estimates.ESTIMATE_WINDOW_MIN * 60.0, max(60.0, held))
            totals = self.channel_totals(channel, estimates.ESTIMATE_WINDOW_MIN)
            pool = self._ewt_pools[channel] = estimates.PoolEstimate(
                totals, window_s, self._serving(channel))
        return pool

    def _refresh_estimates(self) -> None:
        """In a new 10 s slot, estimate every queue again; mark those whose figure moved."""
        slot = int(self.now // estimates.REFRESH_S)
        if slot == self._ewt_slot:
            return
        self._ewt_slot = slot
        self._ewt_pools = {}
        before, now = self._ewt, {}
        marked = self._changes.queues
        for queue_id, q in self.queues.items():
            estimate = self._pool_estimate(q.channel).for_queue(len(q.waiting))
            old = before.get(queue_id)
            if old == estimate:
                estimate = old  # same figures: cached views stay valid
            else:
                marked.add(queue_id)
            now[queue_id] = estimate
        self._ewt = now

    def _serving(self, channel: str) -> int:
        """Servers of a channel: agents available or busy; for chat, their chat slots."""
        if channel == Channel.ONLINE:
            return self.chat_slots(Channel.ONLINE)
        members = self.channel_members(channel)
        return sum(members[s] for s in SERVING_STATES)

    def channel_members(self, channel: str) -> Counter[str]:
        """Agents serving `channel` by state, a blended agent once (read only)."""
        return self._channel_members.get(channel, Counter())

    def chat_slots(self, channel: str) -> int:
        """Chat slots of the agents available or busy in `channel` (0 for voice)."""
        return self._channel_capacity[channel]

    def channel_view(self, channel: str, window: Window | None = None) -> ChannelView:
        """One channel's header figures over `window` (default: the floor's window).

        Cached like `queue_view`: built again when one of its queues changed, the
        minute moved, or its longest wait reached another whole second.
        """
        window = window or self.window_min
        self._read_windows.add(window)
        minute = int(self.now // BUCKET_S)
        version = self._channel_version[channel]
        key = (channel, window)
        entry = self._channel_views.get(key)
        if (
            entry is not None
            and entry[0] == version
            and entry[1] == minute
            and entry[2] == self.sl_variant
            and entry[3].longest_wait_s == self.channel_longest_wait_s(channel)
        ):
            return entry[3]
        view = views.channel_view(self, channel, window)
        self._channel_views[key] = (version, minute, self.sl_variant, view)
        return view

    # -------------------------------------------------------------- snapshot
    def snapshot(self, feed: str = "") -> dict[str, Any]:
        """Everything of one feed as plain data (msgpack/JSON safe)."""
        return snapshots.dump(self, feed)

    def load_snapshot(self, state: dict[str, Any], feed: str = "") -> str | None:
        """Replace everything of `feed` with the snapshot's state: None. A state that
        cannot be loaded whole changes nothing; it is counted (`bad_snapshot`) and
        its problem kept in `snapshot_problems` and returned."""
        return self.install_snapshot(self.prepare_snapshot(state, feed))

    def prepare_snapshot(
        self, state: dict[str, Any], feed: str = "", latest: float | None = None,
        build: bool = True,
    ) -> snapshots.PreparedSnapshot:
        """`snapshot.prepare` with this floor's caps and window: the costly half of a load.

        Reads only settings fixed when the floor was made, never its records, so a
        source may call it on its own thread; `install_snapshot` (or `apply` of a
        `Snapshot` carrying it) then does the cheap half on the floor's thread.
        """
        return snapshots.prepare(state, feed, self.max_queues_per_feed, self.max_agents_per_feed,
                                 windows=(self.window_min,), latest=latest, build=build)

    def can_install(self, prepared: snapshots.PreparedSnapshot, feed: str) -> bool:
        """Whether `prepared` can be installed here for `feed`: made for that feed with
        this floor's caps, and not installed yet (else the state is loaded again)."""
        return (prepared.feed == feed and not prepared.installed
                and prepared.max_queues == self.max_queues_per_feed
                and prepared.max_agents == self.max_agents_per_feed)

    def install_snapshot(self, prepared: snapshots.PreparedSnapshot) -> str | None:
        """`load_snapshot` of a prepared state: the same contract (None when installed;
        a refused state changes nothing, is counted and its problem kept and returned)."""
        feed = prepared.feed
        try:
            snapshots.install(self, prepared)
        except snapshots.SnapshotError as exc:
            self._anomaly(feed, limits.BAD_SNAPSHOT)
            self.snapshot_problems[feed] = str(exc)
            return str(exc)
        self.snapshot_problems.pop(feed, None)
        self.productivity.adopt(self)  # the snapshot's staffed agents followed from now
        # What each feed holds now is what it created (see `reindex_feed` for agents);
        # its clock is the snapshot's (a restarted feed may start again from an earlier one).
        self._feed_queues = Counter(q.feed for q in self.queues.values())
        self._feed_t[feed] = prepared.now
        return None

    def reindex(self) -> None:
        """Recount agents per queue and channel, and mark the whole floor changed.

        For code that replaced queues or agents wholesale, so the counts views read
        and the UI's change tracking agree with the state. A snapshot install uses the
        narrower `reindex_feed`.
        """
        self._recount_members()
        self._recount_channels()
        self._drop_pools()
        self._oldest.clear()  # found again on read
        self._unordered = {q.id for q in self.queues.values() if not _in_order(q.waiting)}
        self._views.clear()
        self._channel_views.clear()
        self._ewt = {k: v for k, v in self._ewt.items() if k in self.queues}
        self._feed_agents = Counter(a.feed for a in self.agents.values())
        self._changes.structure = True
        self._changes.queues.update(self.queues)
        self._changes.agents.update(self.agents)
        self._changes.channels.update(self._channel_version)  # every channel ever seen

    def reindex_feed(self, swap: snapshots.Swap) -> None:
        """Fix every count after `snapshot.install` swapped one feed's records, touching
        only what moved: the queues it replaced, the agents it removed or added (and
        agents of other feeds skilled in its queues), their channels.

        Agent counts: what the removed agents counted under the old queues is taken
        out, what the new ones count under the new queues put in (agents whose queues
        are all the snapshot's were counted when it was prepared). Channel pools of the
        channels whose queues changed are rebuilt, from the prepared pool and the
        channel's other queues. Changes name the replaced queues, the queues and
        channels whose counts moved, and the agents removed, added or linked to.
        """
        prepared, old_queues, replaced = swap.prepared, swap.old_queues, swap.replaced
        queues, new_queues = self.queues, prepared.queues
        self._pass_on_counts()  # events' counts first reach the pools they belong to
        marked: set[str] = replaced | new_queues.keys()
        channels = {old_queues[queue_id].channel for queue_id in replaced} | prepared.channels
        pool_channels = set(channels)  # channels whose queues' minutes changed
        # Agents: out under the old queues, in under the new ones.
        removed, added = [*swap.dropped, *swap.cross], [*prepared.loose, *swap.cross]
        moved = Counter(
            (queue_id, a.state) for a in removed if not replaced.issuperset(a.skills)
            for queue_id in a.skills if queue_id not in replaced and queue_id in old_queues)
        moved.subtract(Counter(
            (queue_id, a.state) for a in added for queue_id in a.skills
            if queue_id in queues and (queue_id not in new_queues or a.feed != prepared.feed)))
        for (queue_id, state), n in moved.items():
            if n:
                queues[queue_id].members[state] -= n
                marked.add(queue_id)
        gone, gone_slots = snapshots.channel_counts(removed, _ids_by_channel(old_queues))
        came, came_slots = snapshots.channel_counts(added, _ids_by_channel(queues))
        came.update(prepared.closed_members)
        came.subtract(gone)
        for (channel, state), n in came.items():
            if n:
                self._channel_members.setdefault(channel, Counter())[state] += n
                channels.add(channel)
        slots = came_slots + prepared.closed_capacity - gone_slots
        if slots:
            self._channel_capacity[Channel.ONLINE] += slots
            channels.add(Channel.ONLINE)
        self._feed_agents.subtract(a.feed for a in swap.dropped)
        self._feed_agents[prepared.feed] += len(prepared.agents)
        # Waiting, backlog and in-progress counts, longest waits.
        for queue_id in replaced:
            q = old_queues[queue_id]
            self._waiting_count[q.channel] -= len(q.waiting)
            self._backlog_count[q.channel] -= len(q.backlog)
            self._in_progress_count[q.channel] -= q.in_progress
            self._waiting_queues.discard(queue_id)
            self._oldest.pop(queue_id, None)
            self._unordered.discard(queue_id)
        for queue_id, q in new_queues.items():
            self._waiting_count[q.channel] += len(q.waiting)
            self._backlog_count[q.channel] += len(q.backlog)
            self._in_progress_count[q.channel] += q.in_progress
            if q.waiting:
                self._waiting_queues.add(queue_id)
        for channel in channels:
            self._channel_oldest.pop(channel, None)  # found again on read
        self._by_channel = None
        self._swap_pools(prepared, pool_channels)
        # Caches and what readers must re-read.
        self._ewt = {k: v for k, v in self._ewt.items() if k in queues}
        for key in [key for key in self._views if key[0] in replaced]:
            del self._views[key]
        versions = self._counts_version
        for queue_id in marked:
            if queue_id in queues:
                versions[queue_id] = versions.get(queue_id, 0) + 1
        for channel in channels:
            self._channel_version[channel] += 1
        changes = self._changes
        changes.structure = True
        changes.queues.update(marked)
        changes.channels.update(channels)
        changes.agents.update(a.id for a in swap.dropped)  # `cross` only counted again
        changes.agents.update(prepared.agents)
        changes.agents.update(swap.linked)

    def _swap_pools(self, prepared: snapshots.PreparedSnapshot, channels: set[str]) -> None:
        """Channel pools after an install: those of `channels` made again from the
        prepared pool plus the channel's other queues; the others stay as they are."""
        if self._pools is None:  # built whole on the next read
            for q in prepared.queues.values():
                q.stats.sink = None
            return
        for channel in channels:
            pool = prepared.pools.get(channel) or ChannelPool()
            for q in self.queues.values():
                if q.channel == channel and q.id not in prepared.queues:
                    stats = q.stats
                    stats.sink = None
                    stats.flush()
                    for minute, bucket in stats.minutes():
                        pool.add(minute, bucket)
                    stats.sink = pool
            self._pools[channel] = pool


def _ids_by_channel(queues: dict[str, Queue]) -> dict[str, set[str]]:
    """Queue ids per channel."""
    out: dict[str, set[str]] = {}
    for queue_id, q in queues.items():
        out.setdefault(q.channel, set()).add(queue_id)
    return out


def _in_order(waiting: dict[str, float]) -> bool:
    """Whether a waiting dict holds its contacts oldest first."""
    return all(a <= b for a, b in pairwise(waiting.values()))
