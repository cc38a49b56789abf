"""What an agent works on, as the agent grid shows it: channel, queues, lend, waiting.

Read-only helpers over a floor's records; no clock of their own (times are event
time, passed in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .commands import Lend
from .events import Channel
from .state import Queue

HOTLINE = Channel.HOTLINE.value
ONLINE = Channel.ONLINE.value
BLEND = "blend"  # skilled for queues of both channels


def work_channel(skills: Iterable[str], queues: Mapping[str, Queue]) -> str:
    """hotline, online or blend from the channels of the agent's queues ('' for none).

    A queue the floor does not know (yet) says nothing about the channel.
    """
    channels = {queues[q].channel for q in skills if q in queues}
    if not channels:
        return ""
    if len(channels) > 1:
        return BLEND
    return ONLINE if channels == {ONLINE} else HOTLINE


def queue_names(
    skills: Iterable[str], queues: Mapping[str, Queue], chinese: bool = False
) -> list[str]:
    """Names of the agent's queues (Chinese names when asked and known), sorted;
    the id stands in for a queue the floor does not know."""
    names = []
    for queue_id in skills:
        queue = queues.get(queue_id)
        if queue is None:
            names.append(queue_id)
        else:
            names.append(queue.name_zh if chinese and queue.name_zh else queue.name or queue_id)
    return sorted(names, key=str.casefold)


@dataclass(frozen=True, slots=True)
class WaitingContact:
    contact: str
    channel: str
    offered_t: float  # event time it joined the queue


def waiting_contacts(queue: Queue, limit: int | None = None) -> list[WaitingContact]:
    """The queue's waiting contacts, longest waiting first (at most `limit`)."""
    ordered = sorted(queue.waiting.items(), key=lambda item: item[1])
    if limit is not None:
        ordered = ordered[:limit]
    return [WaitingContact(contact, queue.channel, t) for contact, t in ordered]


def lend_left_s(lends: Iterable[Lend], agent: str, now: float) -> float | None:
    """Seconds left of the timed lend `agent` is on (0 once due, until it is back), or
    None if it is on none (`now`: event time)."""
    ends = [lend.ends_t for lend in lends if agent in lend.waiting]
    return max(0.0, max(ends) - now) if ends else None
