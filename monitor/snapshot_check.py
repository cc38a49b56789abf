"""Whether a snapshot's state can be loaded whole, checked before anything is replaced.

A feed's snapshot replaces everything the floor holds of that feed, so a bad one
must be refused before the first record is dropped: `problem` walks the whole state
once and names the first thing wrong (where, and why), or None. It checks types,
required keys, ranges (times from 1970 to 2100 and none after the snapshot's own
clock; measures finite and non-negative; counts whole), list sizes (at most the
caps the floor enforces on events), ids listed once, and contacts in queues the
snapshot defines. Pure and stdlib only: the websocket source
runs it to refuse a frame, the floor to refuse a load.

Messages name the place (`queues[3].sl_target_s`) and the kind of fault, never the
value: a hostile feed's text is not echoed into health or logs.

Agents, contacts and counter values (thousands per snapshot) are first tried by a
fast test that only says whether all is well, with no place names formatted; any
doubt goes to the full check, which finds the first fault and words it.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator, Mapping
from dataclasses import fields
from typing import Any

from .events import AgentStatus, Channel
from .limits import (
    MAX_AGENTS_PER_FEED,
    MAX_CHAT_CAPACITY,
    MAX_CONTACTS_PER_SNAPSHOT,
    MAX_INT,
    MAX_NUMBER,
    MAX_QUEUES_PER_FEED,
    MAX_T,
    MAX_TEXT,
)
from .rolling import BUCKET_S, KEEP_MINUTES, Totals
from .trend import SAMPLES

_CHANNELS = frozenset(c.value for c in Channel)
_STATES = frozenset(s.value for s in AgentStatus)
# Per Totals field, in order: True for a count (whole), False for a measure (seconds).
_COUNTS = tuple(f.type in ("int", int) for f in fields(Totals))
_MAX_MINUTE = int(MAX_T // BUCKET_S)
_NO_SKILLS: dict[str, int] = {}  # an agent without a skills key: nothing to check


class _Bad(Exception):
    """The first fault found; its text is the problem reported."""


def problem(
    state: Any,
    *,
    max_queues: int = MAX_QUEUES_PER_FEED,
    max_agents: int = MAX_AGENTS_PER_FEED,
    max_contacts: int = MAX_CONTACTS_PER_SNAPSHOT,
    latest: float | None = None,
) -> str | None:
    """What makes `state` unloadable, or None if it can replace a feed's state whole.

    `latest`: no later clock is believable (the caller's bound, e.g. the feed's own
    clock plus what it may run ahead).
    """
    steps = check_steps(state, max_queues=max_queues, max_agents=max_agents,
                        max_contacts=max_contacts, latest=latest)
    while True:
        try:
            next(steps)
        except StopIteration as end:
            return end.value


# Items checked between two pauses of `check_steps`: ~2-4 ms at 5,000 agents.
CHECK_CHUNK = 1000
QUEUE_WEIGHT = 40  # a queue (its minutes) costs about as much as this many agents


def check_steps(
    state: Any,
    *,
    max_queues: int = MAX_QUEUES_PER_FEED,
    max_agents: int = MAX_AGENTS_PER_FEED,
    max_contacts: int = MAX_CONTACTS_PER_SNAPSHOT,
    latest: float | None = None,
    chunk: int = CHECK_CHUNK,
) -> Generator[None, None, str | None]:
    """`problem` in pieces: pauses (yields) between chunks of about `chunk` items, and
    returns what `problem` returns (a GUI tick checks a piece at a time)."""
    try:
        yield from _check_state(state, max_queues, max_agents, max_contacts, latest,
                                max(1, chunk))
    except _Bad as exc:
        return str(exc)
    return None


# ------------------------------------------------------------------ the parts
def _check_state(
    state: Any, max_queues: int, max_agents: int, max_contacts: int, latest: float | None,
    chunk: int,
) -> Iterator[None]:
    queue_chunk = max(1, chunk // QUEUE_WEIGHT)
    s = _map(state, "state")
    now = _time(_need(s, "now", "state"), "now")
    if latest is not None and now > latest:
        raise _Bad("now: after the feed's clock allows")
    if s.get("first_t") is not None:
        _time(s["first_t"], "first_t", now)
    queues = _list(s.get("queues", []), "queues", max_queues)
    budget = [max_contacts]  # live contacts left: backlog items and contacts together
    queue_ids: set[str] = set()
    for i, d in enumerate(queues):
        if i and not i % queue_chunk:
            yield
        queue_id = _check_queue(d, f"queues[{i}]", now, budget)
        if queue_id in queue_ids:
            raise _Bad(f"queues[{i}].id: listed twice")
        queue_ids.add(queue_id)
    yield
    agents = _list(s.get("agents", []), "agents", max_agents)
    agent_ids: set[str] = set()
    for i, d in enumerate(agents):
        if i and not i % chunk:
            yield
        if _agent_ok(d, now, max_queues):
            agent_id = d["id"]
        else:
            agent_id = _check_agent(d, f"agents[{i}]", now, max_queues)
        if agent_id in agent_ids:
            raise _Bad(f"agents[{i}].id: listed twice")
        agent_ids.add(agent_id)
    yield
    contacts = _list(s.get("contacts", []), "contacts", budget[0])
    contact_ids: set[str] = set()
    for i, d in enumerate(contacts):
        if i and not i % chunk:
            yield
        if _contact_ok(d, now):
            contact_id, queue_id = d["id"], d["queue"]
        else:
            contact_id, queue_id = _check_contact(d, f"contacts[{i}]", now)
        if contact_id in contact_ids:
            raise _Bad(f"contacts[{i}].id: listed twice")
        if queue_id not in queue_ids:
            raise _Bad(f"contacts[{i}].queue: not a queue of this snapshot")
        contact_ids.add(contact_id)
    if "trend" in s:
        _check_trend(s["trend"], now)


def _check_queue(d: Any, where: str, now: float, budget: list[int]) -> str:
    m = _map(d, where)
    queue_id = _text(_need(m, "id", where), f"{where}.id")
    _text(_need(m, "name", where), f"{where}.name")
    if "name_zh" in m:
        _text(m["name_zh"], f"{where}.name_zh")
    channel = _need(m, "channel", where)
    if not isinstance(channel, str) or channel not in _CHANNELS:
        raise _Bad(f"{where}.channel: not a channel")
    _measure(_need(m, "sl_target_s", where), f"{where}.sl_target_s")
    _text(_need(m, "tier", where), f"{where}.tier")
    for key in ("backlog", "bots", "handoffs"):  # bots, handoffs: the bot stage
        if key not in m:
            continue
        items = _list(m[key], f"{where}.{key}", budget[0])
        budget[0] -= len(items)
        for j, item in enumerate(items):
            at = f"{where}.{key}[{j}]"
            pair = _list(item, at, 2)
            if len(pair) != 2:
                raise _Bad(f"{at}: not a (contact, time) pair")
            _text(pair[0], at)
            _time(pair[1], at, now)
    if "stats" in m:
        _check_stats(m["stats"], f"{where}.stats", now)
    return queue_id


def _check_stats(d: Any, where: str, now: float) -> None:
    m = _map(d, where)
    now_minute = int(now // BUCKET_S)
    for j, item in enumerate(_list(m.get("minutes", []), f"{where}.minutes", KEEP_MINUTES)):
        at = f"{where}.minutes[{j}]"
        pair = _list(item, at, 2)
        if len(pair) != 2:
            raise _Bad(f"{at}: not a (minute, values) pair")
        minute = _count(pair[0], at)
        if minute > now_minute:
            raise _Bad(f"{at}: a minute after the snapshot's clock")
        _totals(pair[1], at)
    if "day" in m:
        _totals(m["day"], f"{where}.day")
    if "day_start_minute" in m:
        if _count(m["day_start_minute"], f"{where}.day_start_minute") > _MAX_MINUTE:
            raise _Bad(f"{where}.day_start_minute: out of range")


def _totals(values: Any, where: str) -> None:
    # Longer lists are a newer peer's (more fields): only ours are read.
    if _totals_ok(values):
        return
    items = _list(values, where, 4 * len(_COUNTS))
    for value, whole in zip(items, _COUNTS, strict=False):
        if whole:
            _count(value, where)
        else:
            # Sums of seconds may dip below 0: a source whose parts' clocks disagree can
            # stamp an answer before its offer, and the engine counts the wait it says.
            _measure(value, where, signed=True)


def _check_agent(d: Any, where: str, now: float, max_queues: int) -> str:
    m = _map(d, where)
    agent_id = _text(_need(m, "id", where), f"{where}.id")
    _text(_need(m, "name", where), f"{where}.name")
    for key in ("team", "reason"):
        if key in m:
            _text(m[key], f"{where}.{key}")
    state = _need(m, "state", where)
    if not isinstance(state, str) or state not in _STATES:
        raise _Bad(f"{where}.state: not an agent state")
    _time(_need(m, "state_since", where), f"{where}.state_since", now)
    if "skills" in m:
        skills = m["skills"]
        if not isinstance(skills, Mapping):
            raise _Bad(f"{where}.skills: not a map")
        if len(skills) > max_queues:
            raise _Bad(f"{where}.skills: more than {max_queues}")
        for queue_id, level in skills.items():
            _text(queue_id, f"{where}.skills")
            if type(level) is not int or not -MAX_INT <= level <= MAX_INT:
                raise _Bad(f"{where}.skills: a level that is not a whole number")
    if "chat_capacity" in m:
        if _count(m["chat_capacity"], f"{where}.chat_capacity") > MAX_CHAT_CAPACITY:
            raise _Bad(f"{where}.chat_capacity: more than {MAX_CHAT_CAPACITY}")
    if "handled" in m:
        _count(m["handled"], f"{where}.handled")
    if "handle_s" in m:
        _measure(m["handle_s"], f"{where}.handle_s")
    pending = m.get("pending_handle")
    if pending is not None:
        at = f"{where}.pending_handle"
        pair = _list(pending, at, 2)
        if len(pair) != 2:
            raise _Bad(f"{at}: not a (queue, seconds) pair")
        _text(pair[0], at)
        _measure(pair[1], at)
    return agent_id


# ------------------------------------------------------------------ fast tests
# Each says True only where the full check would pass; False sends the item to the
# full check, which names the first fault. Plain dicts, lists, str, int and float only.
def _is_text(value: Any) -> bool:
    return type(value) is str and len(value) <= MAX_TEXT


def _is_time(value: Any, now: float) -> bool:
    # A float compared with bounds is false for NaN and both infinities.
    return (type(value) is float or type(value) is int) and 0 <= value <= MAX_T and value <= now


def _is_measure(value: Any) -> bool:
    return (type(value) is float or type(value) is int) and 0 <= value <= MAX_NUMBER


def _is_count(value: Any) -> bool:
    return type(value) is int and 0 <= value <= MAX_INT


def _agent_ok(m: Any, now: float, max_queues: int) -> bool:
    if type(m) is not dict:
        return False
    get = m.get
    agent_id, name, team, reason = get("id"), get("name"), get("team", ""), get("reason", "")
    if not (type(agent_id) is str and type(name) is str and type(team) is str
            and type(reason) is str):
        return False
    if max(len(agent_id), len(name), len(team), len(reason)) > MAX_TEXT:
        return False
    state = get("state")
    if type(state) is not str or state not in _STATES:
        return False
    if not _is_time(get("state_since"), now):
        return False
    skills = get("skills", _NO_SKILLS)
    if type(skills) is not dict or len(skills) > max_queues:
        return False
    for queue_id, level in skills.items():
        if (type(queue_id) is not str or len(queue_id) > MAX_TEXT or type(level) is not int
                or not -MAX_INT <= level <= MAX_INT):
            return False
    capacity = get("chat_capacity", 0)
    if not _is_count(capacity) or capacity > MAX_CHAT_CAPACITY:
        return False
    if not (_is_count(get("handled", 0)) and _is_measure(get("handle_s", 0))):
        return False
    pending = get("pending_handle")
    return pending is None or (
        (type(pending) is list or type(pending) is tuple) and len(pending) == 2 and _is_text(pending[0])
        and _is_measure(pending[1]))


def _contact_ok(m: Any, now: float) -> bool:
    if type(m) is not dict:
        return False
    get = m.get
    contact_id, queue_id, agent = get("id"), get("queue"), get("agent", "")
    if not (type(contact_id) is str and type(queue_id) is str and type(agent) is str
            and max(len(contact_id), len(queue_id), len(agent)) <= MAX_TEXT
            and _is_time(get("offered_t"), now)):
        return False
    for key in ("answered_t", "first_customer_msg_t", "awaiting_reply_t"):
        value = get(key)
        if value is not None and not _is_time(value, now):
            return False
    return type(get("first_reply_seen", False)) is bool


def _totals_ok(values: Any) -> bool:
    if type(values) is not list or len(values) > 4 * len(_COUNTS):
        return False
    for value, whole in zip(values, _COUNTS, strict=False):
        if whole:
            if type(value) is not int or not 0 <= value <= MAX_INT:
                return False
        elif not ((type(value) is float or type(value) is int)
                  and -MAX_NUMBER <= value <= MAX_NUMBER):
            return False
    return True


def _check_contact(d: Any, where: str, now: float) -> tuple[str, str]:
    m = _map(d, where)
    contact_id = _text(_need(m, "id", where), f"{where}.id")
    queue_id = _text(_need(m, "queue", where), f"{where}.queue")
    _time(_need(m, "offered_t", where), f"{where}.offered_t", now)
    for key in ("answered_t", "first_customer_msg_t", "awaiting_reply_t"):
        if m.get(key) is not None:
            _time(m[key], f"{where}.{key}", now)
    if "agent" in m:
        _text(m["agent"], f"{where}.agent")
    if "first_reply_seen" in m and not isinstance(m["first_reply_seen"], bool):
        raise _Bad(f"{where}.first_reply_seen: not true or false")
    return contact_id, queue_id


def _check_trend(d: Any, now: float) -> None:
    m = _map(d, "trend")
    times = _list(m.get("times", []), "trend.times", SAMPLES)
    for value in times:
        _time(value, "trend.times", now)
    if m.get("next_t") is not None:
        _time(m["next_t"], "trend.next_t")
    series = m.get("series", {})
    if not isinstance(series, Mapping):
        raise _Bad("trend.series: not a map")
    for channel, pair in series.items():
        if not isinstance(channel, str) or channel not in _CHANNELS:
            raise _Bad("trend.series: not a channel")
        at = f"trend.series.{channel}"
        lists = _list(pair, at, 2)
        if len(lists) != 2:
            raise _Bad(f"{at}: not a (waiting, service level) pair")
        waiting, levels = (_list(x, at, SAMPLES) for x in lists)
        if len(waiting) != len(times) or len(levels) != len(times):
            raise _Bad(f"{at}: not one value per sample time")
        for value in waiting:
            _measure(value, at)
        for value in levels:  # a fraction, or NaN where nothing was counted
            if not (type(value) is float and math.isnan(value)) and _measure(value, at) > 1:
                raise _Bad(f"{at}: a service level above 1")


# ------------------------------------------------------------------ the values
def _need(m: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in m:
        raise _Bad(f"{where}.{key}: missing" if where != "state" else f"{key}: missing")
    return m[key]


def _map(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Bad(f"{where}: not a map ({type(value).__name__})")
    return value


def _list(value: Any, where: str, most: int) -> list[Any] | tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise _Bad(f"{where}: not a list ({type(value).__name__})")
    if len(value) > most:
        raise _Bad(f"{where}: more than {most:,} items")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _Bad(f"{where}: not text ({type(value).__name__})")
    if len(value) > MAX_TEXT:
        raise _Bad(f"{where}: longer than {MAX_TEXT:,} characters")
    return value


def _count(value: Any, where: str) -> int:
    # type(), not isinstance: True is not a count.
    if type(value) is not int:
        raise _Bad(f"{where}: not a whole number ({type(value).__name__})")
    if not 0 <= value <= MAX_INT:
        raise _Bad(f"{where}: out of range")
    return value


def _measure(value: Any, where: str, signed: bool = False) -> float:
    """A finite number (seconds, a rate), non-negative unless `signed`."""
    low = -MAX_NUMBER if signed else 0
    if type(value) is int:  # compared as an int first: 10**400 is no float
        if not low <= value <= MAX_NUMBER:
            raise _Bad(f"{where}: out of range")
        return float(value)
    if type(value) is not float:
        raise _Bad(f"{where}: not a number ({type(value).__name__})")
    if not (math.isfinite(value) and low <= value <= MAX_NUMBER):
        raise _Bad(f"{where}: out of range")
    return value


def _time(value: Any, where: str, now: float | None = None) -> float:
    """An epoch time from 1970 to 2100 (and, given `now`, not after it)."""
    if type(value) is int:
        if not 0 <= value <= MAX_T:
            raise _Bad(f"{where}: a time out of range")
        t = float(value)
    elif type(value) is float:
        if not (math.isfinite(value) and 0.0 <= value <= MAX_T):
            raise _Bad(f"{where}: a time out of range")
        t = value
    else:
        raise _Bad(f"{where}: not a time ({type(value).__name__})")
    if now is not None and t > now:
        raise _Bad(f"{where}: after the snapshot's clock")
    return t
