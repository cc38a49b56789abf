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
from typing import Any

from . import clock, estimates, metrics, views
from . import snapshot as snapshots
from .config import Config
from .events import (
    AgentLogin,
    AgentLogout,
    AgentSkills,
    AgentStateChanged,
    AgentStatus,
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
from .rolling import Totals
from .state import BUSY_STATES, SERVING_STATES, Agent, Contact, Queue
from .trend import Trend
from .views import WINDOW_INTERVAL, WINDOW_TODAY, ChannelView, QueueView, Window

# The floor's public names; records and views live in state.py and views.py, and are
# importable from here as before.
__all__ = [
    "BUSY_STATES", "SERVING_STATES", "WINDOW_INTERVAL", "WINDOW_TODAY", "Agent", "Changes",
    "ChannelView", "Contact", "Floor", "Queue", "QueueView", "Window",
]

_STATES = frozenset(s.value for s in AgentStatus)


@dataclass(slots=True)
class Changes:
    """What moved since the last `take_changes` call."""

    queues: set[str] = field(default_factory=set)
    agents: set[str] = field(default_factory=set)
    structure: bool = False  # queues or agents added/removed: rebuild lists


class Floor:
    """In-memory state of queues, agents and live contacts, for one or more feeds."""

    def __init__(
        self,
        short_abandon_s: float = 5.0,
        window_min: int = 15,
        tz: str | None = None,
        day_reset: str = "00:00",
        sl_variant: str = metrics.DEFAULT_SL_VARIANT,
        sl_variants: dict[str, str] | None = None,
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
        self._ewt_cache: dict[str, tuple[int, estimates.WaitEstimate]] = {}
        self.now = 0.0
        self.queues: dict[str, Queue] = {}
        self.agents: dict[str, Agent] = {}
        self.contacts: dict[str, Contact] = {}
        self.trend = Trend()
        self.events_applied = 0
        self.unknown_references = 0  # events naming a contact we never saw
        self.rejected_events = 0  # events with values the engine cannot use
        self._channel_members: dict[str, Counter[str]] = {}
        self._channel_capacity: Counter[str] = Counter()  # chat slots of serving agents
        self._changes = Changes()
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
        }

    @classmethod
    def from_config(cls, config: Config) -> Floor:
        """A floor with the metric settings of a client config (window, SL, time zone)."""
        return cls(
            short_abandon_s=config.short_abandon_s,
            window_min=config.window_minutes,
            tz=config.tz or None,  # "" means the machine's zone
            day_reset=config.day_reset,
            sl_variant=config.sl_variant,
            sl_variants=config.sl_variants,
        )

    # ------------------------------------------------------------------ apply
    def apply(self, event: Event, feed: str = "") -> None:
        """Apply one event. `feed` names its source, so a snapshot replaces only that feed."""
        if isinstance(event, Snapshot):
            self.load_snapshot(event.state, feed)
            return
        if self.first_t is None:
            self.first_t = event.t
        if event.t > self.now:
            self._advance(event.t)
        self._handlers[type(event)](event, feed)
        self.events_applied += 1

    def _advance(self, t: float) -> None:
        # Sample the trend at every 10 s boundary crossed; after a long silence
        # only the last sample matters, so jump instead of looping per step.
        if self.trend.next_t is not None and t - self.trend.next_t > 3600:
            self.trend.next_t = t - (t % 10)
        while self.trend.due(t):
            sample_t = t if self.trend.next_t is None else self.trend.next_t
            self.now = max(self.now, sample_t)
            self.trend.record(sample_t, self._trend_values())
        self.now = t
        if self._next_day_start is None or t >= self._next_day_start:
            self.day_start = clock.day_start(t, self.tz, self.day_reset)
            self._next_day_start = clock.next_day_start(t, self.tz, self.day_reset)
            for q in self.queues.values():
                q.stats.reset_day(self.day_start)

    def _trend_values(self) -> dict[str, tuple[float, float]]:
        out = {}
        for ch in (Channel.HOTLINE, Channel.ONLINE):
            v = self.channel_view(ch)
            out[ch.value] = (
                float(v.waiting),
                math.nan if v.service_level is None else v.service_level,
            )
        return out

    def _queue(self, queue_id: str, feed: str) -> Queue:
        q = self.queues.get(queue_id)
        if q is None:
            # A contact for a queue never defined: keep it visible, not lost.
            q = Queue(id=queue_id, name=queue_id, channel=Channel.HOTLINE, feed=feed)
            q.stats.reset_day(self.day_start or 0.0)
            self.queues[queue_id] = q
            self._changes.structure = True
        self._changes.queues.add(queue_id)
        return q

    def _agent(self, agent_id: str, feed: str) -> Agent:
        a = self.agents.get(agent_id)
        if a is None:
            a = Agent(id=agent_id, name=agent_id, feed=feed, state_since=self.now)
            self.agents[agent_id] = a
            self._changes.structure = True
        self._changes.agents.add(agent_id)
        return a

    def _bucket(self, q: Queue, t: float) -> Totals:
        return q.stats.bucket(t, self.now) or Totals()  # too old: count nowhere

    # ---------------------------------------------------------------- queues
    def _queue_defined(self, e: QueueDefined, feed: str) -> None:
        q = self._queue(e.queue, feed)
        q.name, q.channel, q.sl_target_s = e.name, e.channel, e.sl_target_s
        q.tier, q.name_zh, q.feed = e.tier, e.name_zh, feed
        self._changes.structure = True
        self._recount_members()  # the queue's channel may have changed

    # -------------------------------------------------------------- contacts
    def _offered(self, e: ContactOffered, feed: str) -> None:
        if e.contact in self.contacts:
            return  # duplicate delivery
        q = self._queue(e.queue, feed)
        self.contacts[e.contact] = Contact(e.contact, e.queue, e.t)
        q.waiting[e.contact] = e.t
        self._bucket(q, e.t).offered += 1

    def _leave_queue(self, contact_id: str, queue_id: str, feed: str) -> Contact | None:
        """Remove a waiting contact from its queue; None if it was not waiting."""
        c = self.contacts.get(contact_id)
        q = self._queue(queue_id, feed)
        if c is None or contact_id not in q.waiting:
            self.unknown_references += c is None
            return None
        del q.waiting[contact_id]
        return c

    def _answered(self, e: ContactAnswered, feed: str) -> None:
        c = self._leave_queue(e.contact, e.queue, feed)
        if c is None:
            if e.contact in self.contacts:
                return  # already answered: duplicate
            # Answered before we started watching: track the work, no wait stats.
            c = self.contacts[e.contact] = Contact(e.contact, e.queue, e.t)
        else:
            q = self.queues[e.queue]
            wait = e.t - c.offered_t
            b = self._bucket(q, e.t)
            b.answered += 1
            b.wait_answered_s += wait
            b.answered_within_sl += wait <= q.sl_target_s
            b.removed_within_sl += wait <= q.sl_target_s
            b.max_wait_s = max(b.max_wait_s, wait)
        c.answered_t, c.agent = e.t, e.agent
        self._agent(e.agent, feed).contacts.add(e.contact)
        self._queue(c.queue, feed).in_progress += 1

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
        q = self._queue(e.queue, feed)
        c = self._leave_queue(e.contact, e.queue, feed)
        if c is not None:
            wait = e.t - c.offered_t
            b = self._bucket(q, e.t)
            b.callbacks += 1
            b.removed_within_sl += wait <= q.sl_target_s
            b.max_wait_s = max(b.max_wait_s, wait)
            del self.contacts[e.contact]
        q.backlog[e.contact] = e.t

    def _callback_completed(self, e: CallbackCompleted, feed: str) -> None:
        self._queue(e.queue, feed).backlog.pop(e.contact, None)

    def _ended(self, e: ContactEnded, feed: str) -> None:
        c = self.contacts.pop(e.contact, None)
        agent = self._agent(e.agent, feed)
        agent.contacts.discard(e.contact)
        if c is None or c.answered_t is None:
            self.unknown_references += c is None
            if c is not None and c.queue in self.queues:
                # Ended while still waiting: it leaves the queue with no outcome to count.
                self.queues[c.queue].waiting.pop(e.contact, None)
            return
        q = self.queues.get(c.queue)
        if q is not None and q.in_progress > 0:
            q.in_progress -= 1
        self._finish_pending(agent, 0.0)
        # Sources with skewed clocks can stamp the end before the answer: no negative talk.
        agent.pending_handle = (c.queue, max(0.0, e.t - c.answered_t))
        if agent.state != AgentStatus.WRAP_UP and agent.contacts:
            # Still busy with other chats: no wrap-up belongs to this one.
            self._finish_pending(agent, 0.0)

    def _transferred(self, e: ContactTransferred, feed: str) -> None:
        c = self.contacts.get(e.contact)
        if c is None:
            self.unknown_references += 1
        elif e.contact in self._queue(e.queue, feed).waiting:
            self._exited(ContactExited(e.t, e.contact, e.queue, "transfer"), feed)
        elif c.agent:
            # Handled like an end: the agent's wrap-up, if any, still joins its AHT.
            self._ended(ContactEnded(e.t, e.contact, e.queue, c.agent), feed)
        self.contacts.pop(e.contact, None)
        self._offered(ContactOffered(e.t, e.contact, e.to_queue), feed)

    def _chat_message(self, e: ChatMessage, feed: str) -> None:
        c = self.contacts.get(e.contact)
        if c is None:
            return
        if e.side == Side.CUSTOMER and c.first_customer_msg_t is None:
            c.first_customer_msg_t = e.t
        elif e.side == Side.AGENT and not c.first_reply_seen and c.first_customer_msg_t:
            c.first_reply_seen = True
            b = self._bucket(self._queue(c.queue, feed), e.t)
            b.first_responses += 1
            b.first_response_s += e.t - c.first_customer_msg_t

    def _survey(self, e: SurveyResult, feed: str) -> None:
        b = self._bucket(self._queue(e.queue, feed), e.t)
        if 0 <= e.nps <= 10:
            b.surveys_nps += 1
            b.nps_promoters += e.nps >= 9
            b.nps_detractors += e.nps <= 6
        if 1 <= e.csat <= 5:
            b.surveys_csat += 1
            b.csat_sum += e.csat

    # ---------------------------------------------------------------- agents
    def _login(self, e: AgentLogin, feed: str) -> None:
        a = self._agent(e.agent, feed)
        a.name, a.team, a.feed = e.name, e.team, feed
        if a.state == AgentStatus.LOGGED_OUT:
            self._set_state(a, AgentStatus.AVAILABLE, "", e.t)

    def _logout(self, e: AgentLogout, feed: str) -> None:
        a = self._agent(e.agent, feed)
        self._finish_pending(a, 0.0)
        self._set_state(a, AgentStatus.LOGGED_OUT, "", e.t)

    def _state(self, e: AgentStateChanged, feed: str) -> None:
        if e.state not in _STATES:
            self.rejected_events += 1
            return
        a = self._agent(e.agent, feed)
        if a.state == AgentStatus.WRAP_UP and e.state != AgentStatus.WRAP_UP:
            self._finish_pending(a, e.t - a.state_since)
        elif e.state not in (AgentStatus.WRAP_UP, AgentStatus.ON_CONTACT):
            self._finish_pending(a, 0.0)
        self._set_state(a, AgentStatus(e.state), e.reason, e.t)

    def _set_state(self, a: Agent, state: AgentStatus, reason: str, t: float) -> None:
        if a.state == state and a.reason == reason:
            return
        self._count_members(a, -1)
        a.state, a.reason, a.state_since = state, reason, t
        self._count_members(a, +1)

    def _count_members(self, a: Agent, sign: int) -> None:
        """Keep per-queue and per-channel agent counts by state, so views never scan agents."""
        channels = set()
        for queue_id in a.skills:
            q = self.queues.get(queue_id)
            if q is not None:
                q.members[a.state] += sign
                channels.add(q.channel)
                self._changes.queues.add(queue_id)
        # A blended agent is one agent in each channel it serves, counted once there.
        for channel in channels:
            self._channel_members.setdefault(channel, Counter())[a.state] += sign
        if Channel.ONLINE in channels and a.state in SERVING_STATES:
            self._channel_capacity[Channel.ONLINE] += sign * a.chat_capacity

    def _recount_members(self) -> None:
        """Rebuild all agent counts; only when queue channels or whole feeds change."""
        self._channel_members = {}
        self._channel_capacity = Counter()
        for q in self.queues.values():
            q.members = Counter()
        for a in self.agents.values():
            self._count_members(a, +1)

    def _skills(self, e: AgentSkills, feed: str) -> None:
        a = self._agent(e.agent, feed)
        self._count_members(a, -1)
        a.skills, a.chat_capacity = dict(e.skills), e.chat_capacity
        for queue_id in a.skills:
            self._queue(queue_id, feed)
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
        if q is not None:
            b = self._bucket(q, self.now)
            b.handled += 1
            b.handle_s += handle
            self._changes.queues.add(queue_id)

    # ----------------------------------------------------------------- views
    def take_changes(self) -> Changes:
        changes, self._changes = self._changes, Changes()
        return changes

    def longest_wait_s(self, q: Queue) -> float:
        return max(0.0, self.now - min(q.waiting.values())) if q.waiting else 0.0

    def totals(self, q: Queue, window: Window | None = None) -> Totals:
        """A queue's sums over rolling minutes, the current half hour, or today."""
        window = window or self.window_min
        if window == WINDOW_TODAY:
            return q.stats.today(self.now)
        if window == WINDOW_INTERVAL:
            start = clock.half_hour_start(self.now, self.tz)
            return q.stats.since(int(start // 60), self.now)
        return q.stats.window(self.now, int(window))

    def sl_variant_of(self, queue_id: str) -> str:
        return self.sl_variants.get(queue_id, self.sl_variant)

    def queue_view(self, queue_id: str, window: Window | None = None) -> QueueView:
        """One queue's tile figures over `window` (default: the floor's window)."""
        return views.queue_view(self, queue_id, window)

    def wait_estimate(self, queue_id: str) -> estimates.WaitEstimate:
        """Estimated wait for a contact arriving now (cached per 10 s of event time).

        The channel's agents serve all its queues, so the model runs on the channel's
        pool (its arrival rate, AHT and serving capacity); a queue's own position only
        enters the empirical fallback.
        """
        q = self.queues[queue_id]
        slot = int(self.now // estimates.REFRESH_S)
        cached = self._ewt_cache.get(queue_id)
        if cached is not None and cached[0] == slot:
            return cached[1]
        # Rates over the history we really hold, not a window we only partly saw.
        held = self.now - (self.first_t if self.first_t is not None else self.now)
        window_s = min(estimates.ESTIMATE_WINDOW_MIN * 60.0, max(60.0, held))
        pool = Totals()
        for other in self.queues.values():
            if other.channel == q.channel:
                pool.add(other.stats.window(self.now, estimates.ESTIMATE_WINDOW_MIN))
        result = estimates.estimate(pool, window_s, self._serving(q.channel), len(q.waiting))
        self._ewt_cache[queue_id] = (slot, result)
        return result

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
        """One channel's header figures over `window` (default: the floor's window)."""
        return views.channel_view(self, channel, window)

    # -------------------------------------------------------------- snapshot
    def snapshot(self, feed: str = "") -> dict[str, Any]:
        """Everything of one feed as plain data (msgpack/JSON safe)."""
        return snapshots.dump(self, feed)

    def load_snapshot(self, state: dict[str, Any], feed: str = "") -> None:
        """Replace everything of `feed` with the snapshot's state."""
        snapshots.load(self, state, feed)

    def reindex(self) -> None:
        """Recount agents per queue and channel, and mark the whole floor changed.

        For code that replaced queues or agents wholesale (a snapshot load), so
        the counts views read and the UI's change tracking agree with the state.
        """
        self._recount_members()
        self._changes.structure = True
        self._changes.queues.update(self.queues)
        self._changes.agents.update(self.agents)
