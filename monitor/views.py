"""What a queue tile or channel header shows, read from a `Floor` over one window.

Views are frozen snapshots built on demand; the floor keeps only the counters
they are computed from.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import backlog as backlogs
from . import bots, clock, estimates, metrics
from .events import AgentStatus, Channel
from .rolling import BUCKET_S, Totals, exact_sum
from .state import BUSY_STATES, SERVING_STATES, Queue

if TYPE_CHECKING:  # floor.py imports this module; the type is only for hints
    from .floor import Floor

# Windows a view can ask for: rolling minutes, or these calendar windows.
WINDOW_INTERVAL = "interval"  # the current local half hour (Cisco "Half")
WINDOW_TODAY = "today"  # since the configured daily reset
Window = int | str


@dataclass(frozen=True)
class QueueView:
    """What a queue tile shows, over one rolling window.

    Without slots on purpose: the floor builds or patches a view for each queue that
    changed, hundreds per tick on a large floor, and a view made by handing it its
    field dict (`_view_of`) costs about 0.4 us where the generated frozen `__init__`
    of 35 fields costs about 4 us (bench/bench_views.py). Either way it is the same
    frozen value.
    """

    id: str
    name: str
    name_zh: str
    channel: str
    tier: str
    sl_target_s: float
    waiting: int
    longest_wait_s: float  # whole seconds (see `whole_seconds`)
    backlog: int
    offered: int
    answered: int
    abandoned: int
    service_level: float | None
    asa_s: float | None
    aht_s: float | None
    abandon_rate: float | None
    agents_available: int
    agents_busy: int
    agents_staffed: int
    window: Window
    sl_variant: str
    short_abandoned: int
    other_exits: int
    callbacks: int
    abandoned_wait_s: float | None
    first_response_s: float | None
    nps: float | None
    csat: float | None
    in_progress: int
    ewt_s: float | None
    ewt_model: str
    # Survey and chat response figures of the window (docs/metrics.md); defaults so a
    # view written out by hand for a test of other figures need not name them.
    nps_responses: int = 0  # NPS answers, the n of `nps`
    csat_responses: int = 0  # satisfaction answers, the n of `csat`
    csat_satisfied: float | None = None  # share of them that were 4 or 5
    response_s: float | None = None  # chat average response, every turn
    # Backlog and bot stage (issue 15 parts 3, 4; monitor/backlog.py, monitor/bots.py).
    backlog_oldest_s: float | None = None  # age of the oldest item, whole clock minutes
    callbacks_worked: int = 0  # backlog items worked in the window
    bots_active: int = 0  # chats a bot holds now
    bot_resolved: int = 0  # bot outcomes in the window: resolved (contained) ...
    bot_handoffs: int = 0  # ... and handed to a human
    bot_containment: float | None = None  # resolved / (resolved + handoffs)
    handoffs_waiting: int = 0  # handed-over contacts waiting for a human now

    # Compared on every tick by each tile with the view it showed last: the generated
    # __eq__ builds two tuples of 35 fields (about 1 us), this compares the field
    # dicts in C (about 0.35 us; nothing when the floor hands back the same view).
    # The same result: equal exactly when every field is.
    def __eq__(self, other: object) -> bool:
        if other.__class__ is not QueueView:
            return NotImplemented
        return self is other or self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash(tuple(self.__dict__.values()))


@dataclass(frozen=True, slots=True)
class ChannelView:
    channel: str
    waiting: int
    longest_wait_s: float  # whole seconds (see `whole_seconds`)
    service_level: float | None
    agents_busy: int
    agents_staffed: int
    backlog: int
    occupancy: float | None  # now: busy / (busy + available)
    chat_utilisation: float | None  # now: chats in progress / chat capacity of serving agents
    in_progress: int
    # Survey and chat response figures of the window, all queues of the channel.
    nps: float | None = None
    nps_responses: int = 0
    csat: float | None = None
    csat_responses: int = 0
    csat_satisfied: float | None = None
    first_response_s: float | None = None
    response_s: float | None = None
    # Backlog and bot stage (issue 15 parts 3, 4), as on `QueueView`.
    backlog_oldest_s: float | None = None
    callbacks_worked: int = 0
    bots_active: int = 0
    bot_resolved: int = 0
    bot_handoffs: int = 0
    bot_containment: float | None = None
    handoffs_waiting: int = 0


def whole_seconds(seconds: float) -> float:
    """A wait in whole seconds, rounded down: 59.9 s is 59 s, anything under 1 s is 0.

    Longest waits are shown and compared in whole seconds (m:ss on the wall, as
    wallboards count them), so a view moves with the clock once a second, not on
    every tick: docs/metrics.md, "Longest wait in whole seconds".
    """
    if seconds >= 1.0:
        return float(math.floor(seconds)) if seconds < math.inf else seconds
    return 0.0


_RINGING, _ON_CONTACT, _WRAP_UP = AgentStatus.RINGING, AgentStatus.ON_CONTACT, AgentStatus.WRAP_UP
assert {_RINGING, _ON_CONTACT, _WRAP_UP} == BUSY_STATES
_AVAILABLE, _NOT_READY = AgentStatus.AVAILABLE, AgentStatus.NOT_READY

# What one agent in each state adds to (available, busy, staffed): the only agent
# figures a queue or channel view shows. A move between two states with the same
# entry (ringing, on contact, wrap-up) changes no view, so the floor names no queue
# for it; a state not listed (logged out) adds nothing.
COUNTED_AS: dict[str, tuple[int, int, int]] = {
    _AVAILABLE: (1, 0, 1),
    _RINGING: (0, 1, 1),
    _ON_CONTACT: (0, 1, 1),
    _WRAP_UP: (0, 1, 1),
    _NOT_READY: (0, 0, 1),
}
NOT_COUNTED = (0, 0, 0)
assert all(COUNTED_AS[s][1] for s in BUSY_STATES) and all(
    COUNTED_AS[s][0] + COUNTED_AS[s][1] for s in SERVING_STATES)


def agent_counts(members: Counter[str]) -> tuple[int, int, int]:
    """(available, busy, staffed) from a queue's agents by state."""
    get = members.get
    busy = get(_RINGING, 0) + get(_ON_CONTACT, 0) + get(_WRAP_UP, 0)
    available = get(_AVAILABLE, 0)
    return available, busy, busy + available + get(_NOT_READY, 0)


def queue_view(floor: Floor, queue_id: str, window: Window | None = None) -> QueueView:
    """One queue's figures over `window` (the floor's default window if None)."""
    q = floor.queues[queue_id]
    window = window or floor.window_min
    variant = floor.sl_variant_of(queue_id)
    return view_of(floor, q, window, variant, floor.wait_estimate(queue_id),
                   window_part(floor.totals(q, window), variant))


# A view in two parts. The window part is what the queue's window sums give (and the
# SL variant): the same sums, the same part, so the floor keeps it with the sums it
# was made from and makes it again only when they moved. The rest (contacts waiting
# and in progress, longest wait, agents, estimate, definition) is read afresh from
# running counts whenever a view is made: a few lookups.
WindowPart = tuple[Any, ...]
WINDOW_FIELDS = (
    "offered", "answered", "abandoned", "service_level", "asa_s", "aht_s", "abandon_rate",
    "short_abandoned", "other_exits", "callbacks", "abandoned_wait_s", "first_response_s",
    "nps", "csat", "nps_responses", "csat_responses", "csat_satisfied", "response_s",
    "callbacks_worked", "bot_resolved", "bot_handoffs", "bot_containment",
)


def window_part(t: Totals, variant: str) -> WindowPart:
    """The figures of a view that come from its window's sums, in `WINDOW_FIELDS` order."""
    return (
        t.offered, t.answered, t.abandoned, metrics.service_level(t, variant),
        metrics.asa_s(t), metrics.aht_s(t), metrics.abandon_rate(t), t.short_abandoned,
        t.other_exits, t.callbacks, metrics.abandoned_wait_s(t), metrics.first_response_s(t),
        metrics.nps(t), metrics.csat(t), t.surveys_nps, t.surveys_csat,
        metrics.csat_satisfied(t), metrics.response_s(t),
        t.callbacks_worked, t.bot_resolved, t.bot_handoffs, bots.containment(t),
    )


def view_of(floor: Floor, q: Queue, window: Window, variant: str,
            ewt: estimates.WaitEstimate, part: WindowPart) -> QueueView:
    """`q`'s view over `window`: `part` (see `window_part`) and everything else read now."""
    (offered, answered, abandoned, service_level, asa, aht, abandon_rate, short_abandoned,
     other_exits, callbacks, abandoned_wait, first_response, nps, csat, nps_responses,
     csat_responses, csat_satisfied, response, callbacks_worked, bot_resolved,
     bot_handoffs, bot_containment) = part
    available, busy, staffed = agent_counts(q.members)
    # Every field of QueueView, in its order (tests/monitor/test_agent_counts.py checks).
    return _view_of({
        "id": q.id, "name": q.name, "name_zh": q.name_zh, "channel": q.channel,
        "tier": q.tier, "sl_target_s": q.sl_target_s, "waiting": len(q.waiting),
        "longest_wait_s": floor.longest_wait_s(q), "backlog": len(q.backlog),
        "offered": offered, "answered": answered, "abandoned": abandoned,
        "service_level": service_level, "asa_s": asa, "aht_s": aht,
        "abandon_rate": abandon_rate, "agents_available": available, "agents_busy": busy,
        "agents_staffed": staffed, "window": window, "sl_variant": variant,
        "short_abandoned": short_abandoned, "other_exits": other_exits,
        "callbacks": callbacks, "abandoned_wait_s": abandoned_wait,
        "first_response_s": first_response, "nps": nps, "csat": csat,
        "in_progress": q.in_progress, "ewt_s": ewt.ewt_s, "ewt_model": ewt.model,
        "nps_responses": nps_responses, "csat_responses": csat_responses,
        "csat_satisfied": csat_satisfied, "response_s": response,
        "backlog_oldest_s": backlogs.oldest_age_s(q.backlog, floor.now),
        "callbacks_worked": callbacks_worked, "bots_active": len(q.bots),
        "bot_resolved": bot_resolved, "bot_handoffs": bot_handoffs,
        "bot_containment": bot_containment, "handoffs_waiting": bots.handoffs_waiting(q),
    })


_new_object = object.__new__
_set_attribute = object.__setattr__  # what the frozen __init__ itself writes with


def _view_of(values: dict[str, Any]) -> QueueView:
    """A QueueView holding `values`, which names every field (and nothing else)."""
    view = _new_object(QueueView)
    _set_attribute(view, "__dict__", values)
    return view


def with_longest_wait(view: QueueView, longest_wait_s: float) -> QueueView:
    """The same view with another longest wait (the clock moved, nothing else did)."""
    values = view.__dict__.copy()
    values["longest_wait_s"] = longest_wait_s
    return _view_of(values)


def with_agents(view: QueueView, longest_wait_s: float, members: Counter[str]) -> QueueView:
    """The same view with the agent counts of `members` and another longest wait.

    For a queue whose agents changed state and nothing else: its window, contacts
    and estimate are those the view was built from.
    """
    values = view.__dict__.copy()
    values["longest_wait_s"] = longest_wait_s
    (values["agents_available"], values["agents_busy"],
     values["agents_staffed"]) = agent_counts(members)
    return _view_of(values)


def channel_view(floor: Floor, channel: str, window: Window | None = None) -> ChannelView:
    """All queues of one channel together; agent figures count a blended agent once."""
    totals = floor.channel_totals(channel, window)
    waiting, backlog, in_progress = floor.channel_counts(channel)
    return _channel_view(floor, channel, totals, waiting, backlog, in_progress,
                         floor.channel_longest_wait_s(channel))


def _channel_view(floor: Any, channel: str, totals: Totals, waiting: int, backlog: int,
                  in_progress: int, longest_wait_s: float) -> ChannelView:
    members = floor.channel_members(channel)
    busy = sum(members[s] for s in BUSY_STATES)
    available = members[AgentStatus.AVAILABLE]
    staffed = busy + available + members[AgentStatus.NOT_READY]
    capacity = floor.chat_slots(channel) if channel == Channel.ONLINE else 0
    return ChannelView(
        channel=channel,
        waiting=waiting,
        longest_wait_s=longest_wait_s,
        service_level=metrics.service_level(totals, floor.sl_variant),
        agents_busy=busy,
        agents_staffed=staffed,
        backlog=backlog,
        occupancy=busy / (busy + available) if busy + available else None,
        chat_utilisation=in_progress / capacity if capacity else None,
        in_progress=in_progress,
        nps=metrics.nps(totals),
        nps_responses=totals.surveys_nps,
        csat=metrics.csat(totals),
        csat_responses=totals.surveys_csat,
        csat_satisfied=metrics.csat_satisfied(totals),
        first_response_s=metrics.first_response_s(totals),
        response_s=metrics.response_s(totals),
        **_backlog_bot_figures(floor, channel, totals),
    )


def _backlog_bot_figures(floor: Any, channel: str, totals: Totals) -> dict[str, Any]:
    """A channel header's backlog and bot figures (issue 15 parts 3, 4): O(its queues)."""
    queues = floor.channel_queues(channel)  # a scoped header: the scope's queues
    active, waiting = bots.channel_live(queues)
    return {
        "backlog_oldest_s": backlogs.channel_oldest_age_s(
            (q.backlog for q in queues if q.backlog), floor.now),
        "callbacks_worked": totals.callbacks_worked, "bots_active": active,
        "bot_resolved": totals.bot_resolved, "bot_handoffs": totals.bot_handoffs,
        "bot_containment": bots.containment(totals), "handoffs_waiting": waiting,
    }


# ------------------------------------------------------------ from scratch
# The same figures recomputed from the floor's raw records, with none of its running
# sums, counts or caches: what the cached views are checked against in the tests.


def fresh_totals(floor: Floor, q: Queue, window: Window | None = None) -> Totals:
    """A queue's window summed from its ring of minute buckets."""
    window = window or floor.window_min
    current = int(floor.now // BUCKET_S)
    if window == WINDOW_TODAY:
        first = q.stats.day_start_minute
    elif window == WINDOW_INTERVAL:
        first = int(clock.half_hour_start(floor.now, floor.tz) // BUCKET_S)
    else:
        first = current - int(window) + 1
    out = exact_sum([b for m, b in q.stats.minutes() if first <= m <= current])
    if window == WINDOW_TODAY:
        out.add(q.stats.day)
    return out


def fresh_queue_view(floor: Floor, queue_id: str, window: Window | None = None) -> QueueView:
    """`queue_view` from scratch (the wait estimate is the floor's, kept per 10 s slot)."""
    q = floor.queues[queue_id]
    window = window or floor.window_min
    t = fresh_totals(floor, q, window)
    members = Counter(floor.agents[a].state for a in _members_of(floor, [q]))
    busy = sum(members[s] for s in BUSY_STATES)
    available = members[AgentStatus.AVAILABLE]
    staffed = busy + available + members[AgentStatus.NOT_READY]
    variant = floor.sl_variant_of(queue_id)
    ewt = floor.wait_estimate(queue_id)
    return QueueView(
        id=q.id, name=q.name, name_zh=q.name_zh, channel=q.channel, tier=q.tier,
        sl_target_s=q.sl_target_s, waiting=len(q.waiting),
        longest_wait_s=_longest(floor, [q]), backlog=len(q.backlog),
        offered=t.offered, answered=t.answered, abandoned=t.abandoned,
        service_level=metrics.service_level(t, variant), asa_s=metrics.asa_s(t),
        aht_s=metrics.aht_s(t), abandon_rate=metrics.abandon_rate(t),
        agents_available=available, agents_busy=busy, agents_staffed=staffed,
        window=window, sl_variant=variant, short_abandoned=t.short_abandoned,
        other_exits=t.other_exits, callbacks=t.callbacks,
        abandoned_wait_s=metrics.abandoned_wait_s(t),
        first_response_s=metrics.first_response_s(t), nps=metrics.nps(t),
        csat=metrics.csat(t), in_progress=q.in_progress,
        ewt_s=ewt.ewt_s, ewt_model=ewt.model,
        nps_responses=t.surveys_nps, csat_responses=t.surveys_csat,
        csat_satisfied=metrics.csat_satisfied(t), response_s=metrics.response_s(t),
        backlog_oldest_s=backlogs.oldest_age_s(q.backlog, floor.now),
        callbacks_worked=t.callbacks_worked, bots_active=len(q.bots),
        bot_resolved=t.bot_resolved, bot_handoffs=t.bot_handoffs,
        bot_containment=bots.containment(t),
        handoffs_waiting=sum(1 for c in q.handoffs if c in q.waiting),
    )


def fresh_channel_totals(floor: Floor, channel: str, window: Window | None = None) -> Totals:
    """A channel's window summed from all its queues' minute buckets."""
    window = window or floor.window_min
    queues = [q for q in floor.queues.values() if q.channel == channel]
    if window in (WINDOW_TODAY, WINDOW_INTERVAL):
        out = Totals()
        for q in queues:
            out.add(fresh_totals(floor, q, window))
        return out
    current = int(floor.now // BUCKET_S)
    first = current - int(window) + 1
    return exact_sum([b for q in queues for m, b in q.stats.minutes() if first <= m <= current])


def fresh_channel_view(floor: Floor, channel: str, window: Window | None = None) -> ChannelView:
    """`channel_view` from scratch: every queue and agent of the channel walked."""
    queues = [q for q in floor.queues.values() if q.channel == channel]
    return _channel_view(
        _FreshCounts(floor, channel, queues), channel,
        fresh_channel_totals(floor, channel, window),
        sum(len(q.waiting) for q in queues), sum(len(q.backlog) for q in queues),
        sum(q.in_progress for q in queues), _longest(floor, queues))


def fresh_wait_estimate(floor: Floor, queue_id: str) -> estimates.WaitEstimate:
    """The wait estimate a queue would get if its slot began now."""
    q = floor.queues[queue_id]
    held = floor.now - (floor.first_t if floor.first_t is not None else floor.now)
    window_s = min(estimates.ESTIMATE_WINDOW_MIN * 60.0, max(60.0, held))
    pool = fresh_channel_totals(floor, q.channel, estimates.ESTIMATE_WINDOW_MIN)
    fresh = _FreshCounts(floor, q.channel, [x for x in floor.queues.values()
                                            if x.channel == q.channel])
    if q.channel == Channel.ONLINE:
        servers = fresh.chat_slots(q.channel)
    else:
        members = fresh.channel_members(q.channel)
        servers = sum(members[s] for s in SERVING_STATES)
    return estimates.estimate(pool, window_s, servers, len(q.waiting))


def _members_of(floor: Floor, queues: list[Queue]) -> list[str]:
    """Agents skilled for any of `queues`, each once."""
    ids = {q.id for q in queues}
    return [a.id for a in floor.agents.values() if ids.intersection(a.skills)]


def _longest(floor: Floor, queues: list[Queue]) -> float:
    """The longest wait over every contact waiting in `queues`, in whole seconds."""
    return whole_seconds(max((floor.now - t for q in queues for t in q.waiting.values()),
                             default=0.0))


class _FreshCounts:
    """Stands in for the floor in `_channel_view`: agent figures counted from the agents."""

    def __init__(self, floor: Floor, channel: str, queues: list[Queue]) -> None:
        self.sl_variant = floor.sl_variant
        self.now = floor.now  # for the backlog and bot figures
        self._queues = queues
        agents = [floor.agents[a] for a in _members_of(floor, queues)]
        self._members = Counter(a.state for a in agents)
        self._slots = sum(a.chat_capacity for a in agents if a.state in SERVING_STATES)
        self._channel = channel

    def channel_members(self, channel: str) -> Counter[str]:
        return self._members

    def channel_queues(self, channel: str) -> list[Queue]:
        return self._queues

    def chat_slots(self, channel: str) -> int:
        return self._slots if channel == Channel.ONLINE else 0
