"""The callback / offline-appointment backlog as the wall shows it (issue 15 part 3).

A queue's backlog (`Queue.backlog`: contact -> when the callback or appointment was
requested) holds the contacts that left the live queue to be called back. The wall
shows per queue and channel how many wait, how old the oldest is, and how many were
worked in the window (`Totals.callbacks_worked`, one per `CallbackCompleted`).

The oldest item's age is counted in **whole clock minutes**: the minutes of the
floor's clock between the request's minute and now's (requested at 10:00:59, it is
1 minute old at 10:01:00). Callbacks are promised in minutes and hours, not seconds,
and a figure that moves only when the clock's minute turns keeps the views of the
queues with a backlog cached for the minute (the floor names them once a minute,
`Floor._mark_backlog_ages`), where an age in seconds would rebuild them every second.
"""

from __future__ import annotations

from collections.abc import Iterable

from .rolling import BUCKET_S


def oldest_age_s(backlog: dict[str, float], now: float) -> float | None:
    """Age of the oldest backlog item in whole clock minutes, as seconds; None if empty.

    O(items): the dict is in request order except where a contact asked again, so the
    minimum is taken, not the first.
    """
    if not backlog:
        return None
    oldest = min(backlog.values())
    return float(max(0, int(now // BUCKET_S) - int(oldest // BUCKET_S)) * BUCKET_S)


def channel_oldest_age_s(backlogs: Iterable[dict[str, float]], now: float) -> float | None:
    """The oldest item over several queues' backlogs (a channel's), as `oldest_age_s`."""
    ages = [age for b in backlogs if (age := oldest_age_s(b, now)) is not None]
    return max(ages, default=None)
