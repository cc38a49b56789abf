"""Everything a floor shows, as one comparable value: for tests that an event or a
snapshot changed nothing anyone could see (or exactly what they say it changed)."""

from __future__ import annotations

import dataclasses
from typing import Any

from monitor.events import Channel
from monitor.floor import WINDOW_INTERVAL, WINDOW_TODAY, Floor

WINDOWS = (5, 15, 60, WINDOW_INTERVAL, WINDOW_TODAY)


def figures(floor: Floor) -> dict[str, Any]:
    """Views of every queue and channel over every window, agents, contacts, backlogs."""
    floor.take_changes()
    return {
        "now": floor.now,
        "queues": {(q, w): floor.queue_view(q, w) for q in sorted(floor.queues) for w in WINDOWS},
        "channels": {(c.value, w): floor.channel_view(c, w) for c in Channel for w in WINDOWS},
        "agents": {
            a.id: (a.name, a.state, a.reason, a.state_since, dict(a.skills), a.chat_capacity,
                   sorted(a.contacts), a.handled, a.handle_s, a.pending_handle, a.feed)
            for a in floor.agents.values()
        },
        "contacts": {c.id: dataclasses.astuple(c) for c in floor.contacts.values()},
        "backlogs": {q.id: dict(q.backlog) for q in floor.queues.values()},
        "in_progress": {q.id: q.in_progress for q in floor.queues.values()},
    }
