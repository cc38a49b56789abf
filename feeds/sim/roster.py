"""The simulator's roster and mutable records: queues, contacts, agents and their skills.

Split from `simulator.py` so the event engine there reads as routing logic only. These
records are the simulator's private working state, not the engine's `Floor`.
"""

from __future__ import annotations

import random
from collections import deque
from typing import Any

from monitor.commands import Skills
from monitor.events import AgentStatus, Channel

from . import profile as prof
from .config import SimConfig

AVAILABLE = AgentStatus.AVAILABLE.value
WAITING, ACTIVE, GONE = 0, 1, 2  # contact states
ABANDON = ""  # leave kind; otherwise "callback" or "appointment"


class SimQueue:
    """One queue's live work: who waits, the callback backlog, who is free to take work."""

    __slots__ = (
        "spec", "id", "voice", "waiting", "n_waiting", "backlog", "free", "members",
        "rate", "profile", "peak_shape", "noise_rng", "noise_x", "noise_slot",
    )

    def __init__(self, spec: prof.QueueSpec) -> None:
        self.spec = spec
        self.id = spec.id
        self.voice = spec.channel == Channel.HOTLINE
        self.waiting: deque[SimContact] = deque()  # arrival order; left contacts skipped lazily
        self.n_waiting = 0
        self.backlog: deque[tuple[float, SimContact]] = deque()  # (requested_t, contact)
        # Heap of free agents, best first; entries go stale when the agent's token moves.
        self.free: list[tuple[Any, ...]] = []
        self.members = 0
        self.rate = 0.0  # arrivals per second at relative rate 1.0
        self.profile: tuple[float, ...] = ()  # relative rate for each minute of the day
        self.peak_shape = 1.0
        self.noise_rng = random.Random(0)
        self.noise_x = 0.0  # log of the traffic swing factor
        self.noise_slot = 0


class SimContact:
    """A call or chat; `attempt` counts queue entries so stale patience timers are ignored."""

    __slots__ = (
        "id", "queue", "offered_t", "state", "attempt", "agent", "leave_kind", "callback",
    )

    def __init__(self, cid: str, queue: SimQueue) -> None:
        self.id = cid
        self.queue = queue
        self.offered_t = 0.0
        self.state = WAITING
        self.attempt = 0
        self.agent: SimAgent | None = None
        self.leave_kind = ABANDON
        self.callback = False  # in the backlog, or being worked as a callback


class SimAgent:
    """An agent; `token` changes on every state change, invalidating old free-heap entries.

    `pending` holds skills a reassignment will give the agent when its last contact ends
    (meanwhile it takes no new work); `lend_no` counts reassignments, so a timed lend's
    revert scheduled before a newer reassignment knows it was cancelled.
    """

    __slots__ = (
        "id", "name", "team", "skills", "voice_queues", "chat_queues", "all_queues",
        "capacity", "chat_rank", "status", "since", "call", "chats", "want_break", "token",
        "pending", "lend_no",
    )

    def __init__(self, aid: str, name: str, team: str) -> None:
        self.id, self.name, self.team = aid, name, team
        self.skills: dict[str, int] = {}
        self.voice_queues: list[tuple[SimQueue, int]] = []
        self.chat_queues: list[tuple[SimQueue, int]] = []
        self.all_queues: list[tuple[SimQueue, int]] = []
        self.capacity = 0
        self.chat_rank = 0  # blended agents rank after dedicated ones for chats
        self.status = AVAILABLE
        self.since = 0.0
        self.call: SimContact | None = None  # a call, or a callback being worked
        # Chats (and online callback items, one slot each). A dict, not a set: its
        # iteration order is deterministic.
        self.chats: dict[SimContact, None] = {}
        self.want_break: tuple[str, float] | None = None
        self.token = 0
        self.pending: Skills | None = None
        self.lend_no = 0

    def set_skills(self, skills: Skills, queues: dict[str, SimQueue]) -> None:
        """Replace memberships and chat capacity, keeping the queues' member counts.

        With chat capacity 0 the agent's chat queues are listed but not routed to.
        """
        for q, _ in self.all_queues:
            q.members -= 1
        self.skills, self.capacity = dict(skills.skills), skills.chat_capacity
        voice: list[tuple[SimQueue, int]] = []
        chat: list[tuple[SimQueue, int]] = []
        for qid, level in self.skills.items():
            q = queues[qid]
            if q.voice:
                voice.append((q, level))
            elif self.capacity > 0:
                chat.append((q, level))
        self.voice_queues, self.chat_queues, self.all_queues = voice, chat, voice + chat
        for q, _ in self.all_queues:
            q.members += 1
        # Blended agents rank after dedicated ones for chats, as in the initial roster.
        self.chat_rank = 1 if voice and chat else 0


def build_queues(channels: tuple[str, ...] = ("hotline", "online")) -> dict[str, SimQueue]:
    """Every queue of the profile on `channels`, its intraday shape tabled per minute
    (cheap to look up for every arrival) and the table's peak, the bound for thinning."""
    queues = {spec.id: SimQueue(spec) for spec in prof.QUEUES if spec.channel in channels}
    for q in queues.values():
        q.profile = tuple(
            prof.intraday((m + 0.5) / 60.0, q.spec.channel) for m in range(24 * 60)
        )
        q.peak_shape = max(q.profile)
    return queues


def make_agents(
    cfg: SimConfig, rng: random.Random, queues: dict[str, SimQueue]
) -> list[SimAgent]:
    """The roster: about half hotline, a third online, the rest blended, mixed by id."""
    n = max(0, cfg.agents)
    if len(cfg.channels) == 1:  # one platform's floor: everyone works its channel
        n_hot = n if cfg.channels[0] == Channel.HOTLINE else 0
        n_onl = n - n_hot
    else:
        n_hot = round(n * cfg.hotline_share)
        n_onl = min(n - n_hot, round(n * cfg.online_share))
    kinds = ["hotline"] * n_hot + ["online"] * n_onl + ["blended"] * (n - n_hot - n_onl)
    rng.shuffle(kinds)
    width = max(4, len(str(n)))
    seen: dict[str, int] = {}
    agents = []
    for i, kind in enumerate(kinds, start=1):
        k = seen[kind] = seen.get(kind, -1) + 1
        name = f"{rng.choice(prof.SURNAMES)} {rng.choice(prof.GIVEN_NAMES)}"
        a = SimAgent(f"{cfg.id_prefix}a{i:0{width}d}", name, f"{kind.capitalize()} {k // 15 + 1}")
        first = k == 0  # the first of each kind covers every queue of its kind
        if kind in ("hotline", "blended"):
            a.skills["hl-general"] = rng.randint(4, 10)
        if kind == "hotline":
            if first or rng.random() < 0.4:
                a.skills["hl-vip"] = rng.randint(5, 10)
            if first or rng.random() < 0.45:
                a.skills["hl-complaint"] = rng.randint(3, 10)
            if len(a.skills) > 1:
                # Specialists rank low for general calls, so they stay free for theirs.
                a.skills["hl-general"] = rng.randint(1, 5)
        if kind == "online":
            both = first or rng.random() < 0.7
            for qid in ("ol-app", "ol-wechat"):
                if both or rng.random() < 0.5:
                    a.skills[qid] = rng.randint(1, 10)
            if not any(q.startswith("ol-") for q in a.skills):
                a.skills["ol-app"] = rng.randint(1, 10)
            a.capacity = rng.randint(3, 5)
        if kind == "blended":
            a.skills["ol-app"] = rng.randint(1, 8)
            a.skills["ol-wechat"] = rng.randint(1, 8)
            a.capacity = 3
            a.chat_rank = 1
        for qid, level in a.skills.items():
            q = queues[qid]
            q.members += 1
            (a.voice_queues if q.voice else a.chat_queues).append((q, level))
        a.all_queues = a.voice_queues + a.chat_queues
        agents.append(a)
    return agents


def set_rates(cfg: SimConfig, agents: list[SimAgent], queues: dict[str, SimQueue]) -> None:
    """Arrival rates from the staffed capacity, so traffic scales with the agent count."""
    ready = 1.0 - cfg.not_ready_share
    blended = [a for a in agents if a.voice_queues and a.chat_queues]
    # Blended agents take a call only when they hold no chat, so most of their
    # time goes to chat.
    voice_agents = sum(1 for a in agents if not a.chat_queues) + 0.3 * len(blended)
    chat_slots = sum(a.capacity for a in agents if not a.voice_queues)
    chat_slots += 0.7 * sum(a.capacity for a in blended)
    voice_work = cfg.voice_handle_s + sum(cfg.voice_wrap_s) / 2
    rates = {
        Channel.HOTLINE.value: cfg.load * ready * voice_agents / voice_work,
        # The bot contains part of the chats (issue 15): more arrive, so the humans see
        # the load the factors set.
        Channel.ONLINE.value: (
            cfg.load * cfg.online_load_factor * ready * chat_slots / cfg.chat_handle_s
            / (1.0 - min(0.9, cfg.bot_share * cfg.bot_resolve_prob))
        ),
    }
    for q in queues.values():
        q.rate = rates[q.spec.channel] * q.spec.share
