"""What a queue tile or channel header shows, read from a `Floor` over one window.

Views are frozen snapshots built on demand; the floor keeps only the counters
they are computed from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import metrics
from .events import AgentStatus, Channel
from .rolling import Totals
from .state import BUSY_STATES

if TYPE_CHECKING:  # floor.py imports this module; the type is only for hints
    from .floor import Floor

# Windows a view can ask for: rolling minutes, or these calendar windows.
WINDOW_INTERVAL = "interval"  # the current local half hour (Cisco "Half")
WINDOW_TODAY = "today"  # since the configured daily reset
Window = int | str


@dataclass(frozen=True, slots=True)
class QueueView:
    """What a queue tile shows, over one rolling window."""

    id: str
    name: str
    name_zh: str
    channel: str
    tier: str
    sl_target_s: float
    waiting: int
    longest_wait_s: float
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


@dataclass(frozen=True, slots=True)
class ChannelView:
    channel: str
    waiting: int
    longest_wait_s: float
    service_level: float | None
    agents_busy: int
    agents_staffed: int
    backlog: int
    occupancy: float | None  # now: busy / (busy + available)
    chat_utilisation: float | None  # now: chats in progress / chat capacity of serving agents
    in_progress: int


def queue_view(floor: Floor, queue_id: str, window: Window | None = None) -> QueueView:
    """One queue's figures over `window` (the floor's default window if None)."""
    q = floor.queues[queue_id]
    window = window or floor.window_min
    t = floor.totals(q, window)
    busy = sum(q.members[s] for s in BUSY_STATES)
    available = q.members[AgentStatus.AVAILABLE]
    staffed = busy + available + q.members[AgentStatus.NOT_READY]
    variant = floor.sl_variant_of(queue_id)
    ewt = floor.wait_estimate(queue_id)
    return QueueView(
        id=q.id, name=q.name, name_zh=q.name_zh, channel=q.channel, tier=q.tier,
        sl_target_s=q.sl_target_s, waiting=len(q.waiting),
        longest_wait_s=floor.longest_wait_s(q), backlog=len(q.backlog),
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
    )


def channel_view(floor: Floor, channel: str, window: Window | None = None) -> ChannelView:
    """All queues of one channel together; agent figures count a blended agent once."""
    queues = [q for q in floor.queues.values() if q.channel == channel]
    totals = Totals()
    for q in queues:
        totals.add(floor.totals(q, window))
    members = floor.channel_members(channel)
    busy = sum(members[s] for s in BUSY_STATES)
    available = members[AgentStatus.AVAILABLE]
    staffed = busy + available + members[AgentStatus.NOT_READY]
    in_progress = sum(q.in_progress for q in queues)
    capacity = floor.chat_slots(channel) if channel == Channel.ONLINE else 0
    return ChannelView(
        channel=channel,
        waiting=sum(len(q.waiting) for q in queues),
        longest_wait_s=max((floor.longest_wait_s(q) for q in queues), default=0.0),
        service_level=metrics.service_level(totals, floor.sl_variant),
        agents_busy=busy,
        agents_staffed=staffed,
        backlog=sum(len(q.backlog) for q in queues),
        occupancy=busy / (busy + available) if busy + available else None,
        chat_utilisation=in_progress / capacity if capacity else None,
        in_progress=in_progress,
    )
