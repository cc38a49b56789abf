"""The bot stage in front of online queues, as the wall shows it (issue 15 part 4).

Protocol v1 `bot.started` / `bot.resolved` / `bot.handoff` (docs/protocol.md). Per
queue the floor keeps the chats a bot holds now (`Queue.bots`) and the handed-over
contacts waiting for a human (`Queue.handoffs`); the outcomes are window counters
(`Totals.bot_resolved`, `Totals.bot_handoffs`), counted in the minute they happen.

- containment rate = resolved / (resolved + handoffs) over the window; "–" (None)
  with no bot outcome in it;
- handoffs waiting = contacts the bot handed over that are waiting for a human now.
"""

from __future__ import annotations

from collections.abc import Iterable

from .rolling import BUCKET_S, Totals
from .state import Queue


def containment(t: Totals) -> float | None:
    """Share of the window's bot outcomes the bot resolved itself; None with none."""
    outcomes = t.bot_resolved + t.bot_handoffs
    return t.bot_resolved / outcomes if outcomes else None


def handoffs_waiting(q: Queue) -> int:
    """Contacts the bot handed over that wait in `q` now (O(handoffs))."""
    waiting = q.waiting
    return sum(1 for c in q.handoffs if c in waiting)


def drop_stale_handoffs(q: Queue, now: float) -> None:
    """Forget handoffs older than a minute that are not waiting in `q`: their offer
    never came, or went to another queue. Bounded memory; no figure moves (they were
    not waiting, so counted nowhere)."""
    waiting, cutoff = q.waiting, now - BUCKET_S
    stale = [c for c, t in q.handoffs.items() if t < cutoff and c not in waiting]
    for c in stale:
        del q.handoffs[c]


def channel_live(queues: Iterable[Queue]) -> tuple[int, int]:
    """(chats with a bot now, handoffs waiting now) over a channel's queues."""
    active = waiting = 0
    for q in queues:
        if q.bots:
            active += len(q.bots)
        if q.handoffs:
            waiting += handoffs_waiting(q)
    return active, waiting
