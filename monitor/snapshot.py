"""A feed's part of the floor as plain data, and back (the protocol's `snapshot` state).

A feed sends one on connect and after a sequence gap; the server builds it from
its own floor. Everything is msgpack/JSON safe. A state is checked whole
(`monitor.snapshot_check`) before `load` drops anything: a bad one raises
`SnapshotError` and the floor keeps what it had.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .events import AgentStatus
from .snapshot_check import problem
from .state import Agent, Contact, Queue

if TYPE_CHECKING:  # floor.py imports this module; the type is only for hints
    from .floor import Floor


def dump(floor: Floor, feed: str = "") -> dict[str, Any]:
    """Everything of one feed as plain data."""
    queues = [q for q in floor.queues.values() if q.feed == feed]
    agents = [a for a in floor.agents.values() if a.feed == feed]
    queue_ids = {q.id for q in queues}
    return {
        "now": floor.now,
        "first_t": floor.first_t,
        "queues": [
            {
                "id": q.id, "name": q.name, "name_zh": q.name_zh, "channel": q.channel,
                "sl_target_s": q.sl_target_s, "tier": q.tier,
                "backlog": [[k, v] for k, v in q.backlog.items()],
                "stats": q.stats.dump(),
            }
            for q in queues
        ],
        "agents": [
            {
                "id": a.id, "name": a.name, "team": a.team, "state": str(a.state),
                "reason": a.reason, "state_since": a.state_since, "skills": a.skills,
                "chat_capacity": a.chat_capacity, "handled": a.handled,
                "handle_s": a.handle_s, "pending_handle": a.pending_handle,
            }
            for a in agents
        ],
        "contacts": [
            {
                "id": c.id, "queue": c.queue, "offered_t": c.offered_t,
                "answered_t": c.answered_t, "agent": c.agent,
                "first_customer_msg_t": c.first_customer_msg_t,
                "first_reply_seen": c.first_reply_seen,
            }
            for c in floor.contacts.values()
            if c.queue in queue_ids
        ],
        "trend": floor.trend.dump(),
    }


class SnapshotError(ValueError):
    """A snapshot state that cannot be loaded whole; the message says where and why."""


def load(floor: Floor, state: dict[str, Any], feed: str = "") -> None:
    """Replace everything of `feed` in `floor` with the snapshot's state; other feeds stay.

    Raises `SnapshotError`, having changed nothing, if the state is not loadable whole
    (within the floor's caps per feed).
    """
    why = problem(state, max_queues=floor.max_queues_per_feed,
                  max_agents=floor.max_agents_per_feed)
    if why is not None:
        raise SnapshotError(why)
    gone_queues = {q.id for q in floor.queues.values() if q.feed == feed}
    floor.contacts = {k: c for k, c in floor.contacts.items() if c.queue not in gone_queues}
    floor.queues = {k: q for k, q in floor.queues.items() if q.feed != feed}
    floor.agents = {k: a for k, a in floor.agents.items() if a.feed != feed}
    floor.now = max(floor.now, float(state.get("now", 0.0)))
    if state.get("first_t") is not None:
        floor.first_t = min(floor.first_t or state["first_t"], state["first_t"])
    for d in state.get("queues", []):
        q = Queue(
            id=d["id"], name=d["name"], channel=d["channel"],
            sl_target_s=d["sl_target_s"], tier=d["tier"], name_zh=d.get("name_zh", ""),
            feed=feed, backlog={k: v for k, v in d.get("backlog", [])},
        )
        q.stats.load(d.get("stats", {}))
        floor.queues[q.id] = q
    for d in state.get("contacts", []):
        c = Contact(
            id=d["id"], queue=d["queue"], offered_t=d["offered_t"],
            answered_t=d.get("answered_t"), agent=d.get("agent", ""),
            first_customer_msg_t=d.get("first_customer_msg_t"),
            first_reply_seen=bool(d.get("first_reply_seen")),
        )
        floor.contacts[c.id] = c
        if c.answered_t is None and c.queue in floor.queues:
            floor.queues[c.queue].waiting[c.id] = c.offered_t
    for d in state.get("agents", []):
        pending = d.get("pending_handle")
        a = Agent(
            id=d["id"], name=d["name"], team=d.get("team", ""),
            state=AgentStatus(d["state"]), reason=d.get("reason", ""),
            state_since=d["state_since"], skills=dict(d.get("skills", {})),
            chat_capacity=d.get("chat_capacity", 0), handled=d.get("handled", 0),
            handle_s=d.get("handle_s", 0.0), feed=feed,
            pending_handle=tuple(pending) if pending else None,
        )
        floor.agents[a.id] = a
    for c in floor.contacts.values():
        if c.answered_t is not None:
            if c.agent in floor.agents:
                floor.agents[c.agent].contacts.add(c.id)
            if c.queue in floor.queues and floor.queues[c.queue].feed == feed:
                floor.queues[c.queue].in_progress += 1
    # Waiting dicts must stay in arrival order for "longest wait" readers.
    for q in floor.queues.values():
        q.waiting = dict(sorted(q.waiting.items(), key=lambda kv: kv[1]))
    if "trend" in state:
        if any(q.feed != feed for q in floor.queues.values()):
            # Other feeds fill other channels: take only this feed's channels.
            floor.trend.merge(state["trend"],
                              {str(d["channel"]) for d in state.get("queues", [])})
        else:
            floor.trend.load(state["trend"])
    floor.reindex()
