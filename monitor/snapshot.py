"""A feed's part of the floor as plain data, and back (the protocol's `snapshot` state).

A feed sends one on connect and after a sequence gap; the server builds it from
its own floor. Everything is msgpack/JSON safe. A state is checked whole
(`monitor.snapshot_check`) before `load` drops anything: a bad one raises
`SnapshotError` and the floor keeps what it had.

Loading is two steps, so the costly one can run off the GUI thread: `prepare` checks
the state and builds every record (pure, no floor), `install` swaps the prepared
records into the floor and fixes its counts for what moved (cheap). `load` is
`install(prepare(...))`. Measured (bench/bench_wall.py): a thread of the GUI's own
process gains little, as it shares the GIL with the ticks; built records cost more to
pickle across a process boundary than to build. So a child process best checks only
(`prepare(..., build=False)`: the verdict beside the state), and `install` builds.
The GUI instead builds across several ticks, a few milliseconds at a time:
`build_steps` is the build in pieces, `monitor.snapshot_build.SnapshotBuild` drives it
within a time budget per tick (the same records as `prepare`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .events import AgentStatus, Channel
from .limits import MAX_AGENTS_PER_FEED, MAX_QUEUES_PER_FEED
from .rolling import KEEP_MINUTES, ChannelPool
from .snapshot_check import CHECK_CHUNK, check_steps
from .state import SERVING_STATES, Agent, Contact, Queue

if TYPE_CHECKING:  # floor.py imports this module; the types are only for hints
    from .floor import Floor
    from .trend import Trend


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
                # The bot stage (monitor/bots.py): optional keys, absent in older states.
                "bots": [[k, v] for k, v in q.bots.items()],
                "handoffs": [[k, v] for k, v in q.handoffs.items()],
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
                "awaiting_reply_t": c.awaiting_reply_t,
            }
            for c in floor.contacts.values()
            if c.queue in queue_ids
        ],
        "trend": floor.trend.dump(),
    }


# Records built between two pauses of `build_steps`: ~1-2 ms of work at 5,000 agents.
BUILD_CHUNK = 250
# A queue costs about as much as this many agents to build (its minutes loaded, pooled
# and summed), so a chunk holds BUILD_CHUNK // QUEUE_WEIGHT queues.
QUEUE_WEIGHT = 25


_STATUS = {s.value: s for s in AgentStatus}  # a state's text -> the enum (a lookup, not a call)
_NONE: dict[str, int] = {}


class SnapshotError(ValueError):
    """A snapshot state that cannot be loaded whole; the message says where and why."""


@dataclass(slots=True, eq=False)
class PreparedSnapshot:
    """A feed's snapshot state, checked whole and made into records, ready to `install`.

    `prepare` builds it without the floor (pure: the state in, this out), so a source
    can make it off the GUI thread and the GUI thread only installs it. It is used
    once: `install` hands its records to the floor, which then changes them as events
    come. Prepared with `build=False` it is the check's verdict only (a child process
    checks, the records are built on install: they cost more to send than to build).
    """

    feed: str
    max_queues: int  # the caps it was checked against
    max_agents: int
    problem: str | None = None  # why the state cannot be loaded (then nothing else is set)
    now: float = 0.0
    first_t: float | None = None
    queues: dict[str, Queue] = field(default_factory=dict)  # waiting oldest first
    contacts: dict[str, Contact] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    trend: dict[str, Any] | None = None  # the state's trend (checked), if it had one
    channels: frozenset[str] = frozenset()  # channels of the snapshot's queues
    # Answered contacts whose agent the snapshot does not hold (another feed's agent).
    foreign: list[Contact] = field(default_factory=list)
    # Agent counts that need no floor: agents whose queues are all the snapshot's are
    # counted in its queues' `members` already, and here per (channel, state), with
    # their chat slots while serving online. The others (`loose`) are counted on install.
    closed_members: Counter[tuple[str, str]] = field(default_factory=Counter)
    closed_capacity: int = 0
    loose: list[Agent] = field(default_factory=list)
    # Per channel, the snapshot queues' minutes summed (the floor's channel pools).
    pools: dict[str, ChannelPool] = field(default_factory=dict)
    state: dict[str, Any] | None = None  # checked, records not built yet (`build=False`)
    installed: bool = False


def prepare(
    state: dict[str, Any],
    feed: str = "",
    max_queues: int = MAX_QUEUES_PER_FEED,
    max_agents: int = MAX_AGENTS_PER_FEED,
    *,
    windows: Iterable[int] = (),
    latest: float | None = None,
    build: bool = True,
) -> PreparedSnapshot:
    """Check `state` whole and build every record of it, without touching any floor.

    A state that cannot be loaded gives a `PreparedSnapshot` whose `problem` says why
    (installing it changes nothing). `windows`: rolling windows (minutes) the floor
    reads, summed here once so the first views after the install cost little.
    `latest`: as in `snapshot_check.problem` (a source's bound on the state's clock),
    so a source checks once, here, and refuses the frame on `problem`.
    `build=False`: check only; `install` builds the records (see the class).
    Thread-safe: reads only `state`, which the caller must not change meanwhile.
    """
    steps = prepare_steps(state, feed, max_queues, max_agents, windows=windows,
                          latest=latest, build=build)
    while True:
        try:
            next(steps)
        except StopIteration as end:
            return end.value


def prepare_steps(
    state: dict[str, Any],
    feed: str = "",
    max_queues: int = MAX_QUEUES_PER_FEED,
    max_agents: int = MAX_AGENTS_PER_FEED,
    *,
    windows: Iterable[int] = (),
    latest: float | None = None,
    build: bool = True,
    check_chunk: int = CHECK_CHUNK,
    chunk: int = BUILD_CHUNK,
) -> Generator[None, None, PreparedSnapshot]:
    """`prepare` in pieces (the check's, `snapshot_check.check_steps`, then the build's,
    `build_steps`): it pauses (yields) between them and returns what `prepare` returns.
    `prepare` runs it to the end; `monitor.snapshot_build` a budget at a time."""
    why = yield from check_steps(state, max_queues=max_queues, max_agents=max_agents,
                                 latest=latest, chunk=check_chunk)
    if why is not None:
        return PreparedSnapshot(feed, max_queues, max_agents, problem=why)
    out = PreparedSnapshot(feed, max_queues, max_agents, now=float(state["now"]),
                           first_t=state.get("first_t"), trend=state.get("trend"), state=state)
    if build:
        yield
        yield from build_steps(out, windows, chunk)
    return out


def _build(out: PreparedSnapshot, windows: Iterable[int]) -> None:
    """Every record of a checked state (`out.state`, then dropped), its counts and pools."""
    for _ in build_steps(out, windows):
        pass


def build_steps(
    out: PreparedSnapshot, windows: Iterable[int], chunk: int = BUILD_CHUNK
) -> Iterator[None]:
    """`_build` in pieces: pauses (yields) between chunks of about `chunk` records and
    between its phases, never after the last piece, so the call that does the last
    piece ends the iteration. What it leaves in `out` does not depend on `chunk`: the
    same work in the same order, only paused. `monitor.snapshot_build` spreads it over
    ticks."""
    state, feed, now = out.state, out.feed, out.now
    assert state is not None
    out.state = None
    windows = [w for w in windows if isinstance(w, int) and 0 < w <= KEEP_MINUTES]
    chunk = max(1, chunk)
    queue_chunk = max(1, chunk // QUEUE_WEIGHT)
    queues = out.queues
    for i, d in enumerate(state.get("queues", [])):
        if i and not i % queue_chunk:
            yield
        q = Queue(
            id=d["id"], name=d["name"], channel=d["channel"],
            sl_target_s=d["sl_target_s"], tier=d["tier"], name_zh=d.get("name_zh", ""),
            feed=feed, backlog={k: v for k, v in d.get("backlog", [])},
            bots={k: v for k, v in d.get("bots", [])},
            handoffs={k: v for k, v in d.get("handoffs", [])},
        )
        q.stats.load(d.get("stats", {}))
        queues[q.id] = q
    out.channels = frozenset(q.channel for q in queues.values())
    yield
    agents = out.agents
    for i, d in enumerate(state.get("agents", [])):
        if i and not i % chunk:
            yield
        get = d.get
        pending = get("pending_handle")
        a = Agent(
            id=d["id"], name=d["name"], team=get("team", ""),
            state=_STATUS[d["state"]], reason=get("reason", ""),
            state_since=d["state_since"], skills=dict(get("skills", _NONE)),
            chat_capacity=get("chat_capacity", 0), handled=get("handled", 0),
            handle_s=get("handle_s", 0.0), feed=feed,
            pending_handle=tuple(pending) if pending else None,
        )
        agents[a.id] = a
    yield
    contacts = out.contacts
    for i, d in enumerate(state.get("contacts", [])):
        if i and not i % chunk:
            yield
        get = d.get
        c = Contact(
            id=d["id"], queue=d["queue"], offered_t=d["offered_t"],
            answered_t=get("answered_t"), agent=get("agent", ""),
            first_customer_msg_t=get("first_customer_msg_t"),
            first_reply_seen=bool(get("first_reply_seen")),
            awaiting_reply_t=get("awaiting_reply_t"),
        )
        contacts[c.id] = c
        q = queues[c.queue]  # the check made sure it is one of the snapshot's
        if c.answered_t is None:
            q.waiting[c.id] = c.offered_t
        else:
            q.in_progress += 1
            agent = agents.get(c.agent)
            if agent is not None:
                agent.contacts.add(c.id)
            else:
                out.foreign.append(c)
    # Waiting dicts must stay in arrival order for "longest wait" readers.
    for q in queues.values():
        if not _in_order(q.waiting):
            q.waiting = dict(sorted(q.waiting.items(), key=lambda kv: kv[1]))
    yield
    _count_agents(out)
    for channel in sorted(out.channels):
        pool = out.pools[channel] = ChannelPool()
        mine = [q for q in queues.values() if q.channel == channel]
        for n, q in enumerate(mine):
            if not n % queue_chunk:  # the first: after the counts, or the last channel
                yield
            for minute, bucket in q.stats.minutes():
                pool.add(minute, bucket)
            q.stats.sink = pool
            for w in windows:
                q.stats.window(now, w)
        for w in windows:
            pool.window(now, w)


def _count_agents(out: PreparedSnapshot) -> None:
    """Count the snapshot's agents in its queues, and per channel those whose queues
    are all the snapshot's (the rest, `loose`, need the floor's queues)."""
    queues = out.queues
    for (queue_id, state), n in Counter(
        (queue_id, a.state) for a in out.agents.values() for queue_id in a.skills
        if queue_id in queues
    ).items():
        queues[queue_id].members[state] = n
    ids_of: dict[str, set[str]] = {}
    for queue_id, q in queues.items():
        ids_of.setdefault(q.channel, set()).add(queue_id)
    own = queues.keys()
    closed = [a for a in out.agents.values() if own >= a.skills.keys()]
    if len(closed) != len(out.agents):
        closed_ids = {a.id for a in closed}
        out.loose = [a for a in out.agents.values() if a.id not in closed_ids]
    out.closed_members, out.closed_capacity = channel_counts(closed, ids_of)


def channel_counts(
    agents: Iterable[Agent], ids_of: dict[str, set[str]]
) -> tuple[Counter[tuple[str, str]], int]:
    """Agents per (channel, state), a blended agent once in each channel it serves, and
    the chat slots of those serving online; `ids_of`: channel -> its queue ids."""
    per = list(ids_of.items())
    counts = Counter(
        (channel, a.state) for a in agents for channel, ids in per
        if not ids.isdisjoint(a.skills)
    )
    online = ids_of.get(Channel.ONLINE)
    capacity = 0
    if online:
        capacity = sum(a.chat_capacity for a in agents
                       if a.state in SERVING_STATES and not online.isdisjoint(a.skills))
    return counts, capacity


@dataclass(slots=True)
class Swap:
    """What an install replaced, for the floor to fix its counts (`Floor.reindex_feed`)."""

    prepared: PreparedSnapshot
    old_queues: dict[str, Queue]  # the floor's queues before the install
    replaced: set[str]  # queue ids whose old queue left: the feed's, and any it redefined
    dropped: list[Agent]  # agents that left: the feed's old ones, and others' it redefined
    cross: list[Agent]  # agents of other feeds skilled in a replaced queue: counted again
    linked: set[str]  # agents of other feeds that the snapshot's contacts name


def load(floor: Floor, state: dict[str, Any], feed: str = "") -> None:
    """Replace everything of `feed` in `floor` with the snapshot's state; other feeds stay.

    Raises `SnapshotError`, having changed nothing, if the state is not loadable whole
    (within the floor's caps per feed).
    """
    install(floor, prepare(state, feed, floor.max_queues_per_feed, floor.max_agents_per_feed,
                           windows=(floor.window_min,)))


def install(floor: Floor, prepared: PreparedSnapshot) -> None:
    """Replace everything of `prepared.feed` in `floor` with the prepared records.

    Costs the records of that feed and the links to them, not the floor: the feed's
    queues, agents and contacts are swapped, the contacts of other feeds scanned once
    for links, and the counts fixed by `Floor.reindex_feed` for what moved. Raises
    `SnapshotError`, having changed nothing, if the state was refused when prepared.
    """
    if prepared.problem is not None:
        raise SnapshotError(prepared.problem)
    if prepared.installed:
        raise ValueError("a prepared snapshot is installed once (its records are the floor's)")
    if prepared.state is not None:  # checked only: its records are built here
        _build(prepared, (floor.window_min,))
    prepared.installed = True
    feed = prepared.feed
    new_queues, new_agents, new_contacts = prepared.queues, prepared.agents, prepared.contacts
    old_queues = floor.queues
    gone = {queue_id for queue_id, q in old_queues.items() if q.feed == feed}
    replaced = gone | (new_queues.keys() & old_queues.keys())
    queues = {k: q for k, q in old_queues.items() if q.feed != feed}
    queues.update(new_queues)
    if gone:
        contacts = {k: c for k, c in floor.contacts.items() if c.queue not in gone}
    else:
        contacts = dict(floor.contacts)
    dropped = [a for a in floor.agents.values() if a.feed == feed or a.id in new_agents]
    agents = {k: a for k, a in floor.agents.items() if a.feed != feed}
    cross = [a for k, a in agents.items()
             if k not in new_agents and not replaced.isdisjoint(a.skills)] if replaced else []
    agents.update(new_agents)
    # Contacts that stay and name the new records: answered by a new agent, or in
    # progress in a queue the snapshot redefined.
    for c in contacts.values():
        if c.answered_t is not None and (c.agent in new_agents or c.queue in new_queues) \
                and c.id not in new_contacts:
            agent = new_agents.get(c.agent)
            if agent is not None:
                agent.contacts.add(c.id)
            q = new_queues.get(c.queue)
            if q is not None:
                q.in_progress += 1
    linked = set()
    for c in prepared.foreign:
        agent = agents.get(c.agent)
        if agent is not None:
            agent.contacts.add(c.id)
            linked.add(c.agent)
    contacts.update(new_contacts)
    floor.queues, floor.agents, floor.contacts = queues, agents, contacts
    floor.now = max(floor.now, prepared.now)
    if prepared.first_t is not None:
        floor.first_t = min(floor.first_t or prepared.first_t, prepared.first_t)
    if prepared.trend is not None:
        if any(q.feed != feed for q in queues.values()):
            # Other feeds fill other channels: take only this feed's channels.
            if not _same_trend(floor.trend, prepared.trend, prepared.channels):
                floor.trend.merge(prepared.trend, set(prepared.channels))
        elif not _same_trend(floor.trend, prepared.trend, None):
            floor.trend.load(prepared.trend)
    floor.reindex_feed(Swap(prepared, old_queues, replaced, dropped, cross, linked))


def _same_trend(trend: Trend, data: dict[str, Any], channels: frozenset[str] | None) -> bool:
    """Whether taking `data` (whole when `channels` is None, else only those channels)
    would leave `trend` as it is: then it is not replaced, and nothing redraws it.
    False whenever unsure (taking it is always right, only dearer)."""
    times = list(data.get("times", []))
    if not times or list(trend.times) != times:
        return False
    series = data.get("series", {})
    if channels is None:
        if data.get("next_t") != trend.next_t:
            return False
        channels = frozenset(series)
    for channel in channels:
        mine, theirs = trend.series.get(channel), series.get(channel)
        if mine is None or theirs is None or len(theirs) != 2:
            return False
        if not (_same_values(mine[0], theirs[0]) and _same_values(mine[1], theirs[1])):
            return False
    return True


def _same_values(mine: Iterable[float], theirs: list[float]) -> bool:
    """Equal lists of numbers, NaN equal to NaN (service level gaps)."""
    values = list(mine)
    if values == theirs:
        return True
    return len(values) == len(theirs) and all(
        a == b or (a != a and b != b) for a, b in zip(values, theirs, strict=True))


def _in_order(waiting: dict[str, float]) -> bool:
    """Whether a waiting dict holds its contacts oldest first."""
    return all(a <= b for a, b in pairwise(waiting.values()))
