"""Discrete-event model of a blended contact centre that speaks canonical events.

The wall, the metrics and the alerts need traffic that behaves like a real floor: queues
build at the peaks, callers give up, chat customers take a callback after a minute,
blended agents move between channels, people go on breaks. A seeded model gives that,
and the same seed replays the same day for tests and demos. Time is simulated epoch
seconds; nothing here reads the wall clock.

Everything runs off one heap of (time, seq, handler, arg): `seq` breaks time ties in
scheduling order, so the event list never depends on how `run_until` is chunked.
"""

from __future__ import annotations

import copy
import heapq
import itertools
import math
import random
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from monitor.commands import ACCEPTED, APPLIED, REJECTED, Reassign, Role, Skills, target_skills
from monitor.events import (
    AgentLogin,
    AgentSkills,
    AgentStateChanged,
    AgentStatus,
    BotHandoff,
    BotResolved,
    BotStarted,
    CallbackCompleted,
    CallbackRequested,
    ChatMessage,
    ContactAbandoned,
    ContactAnswered,
    ContactEnded,
    ContactOffered,
    ContactTransferred,
    Event,
    QueueDefined,
    Side,
    SurveyResult,
)

from . import profile as prof
from .config import SimConfig
from .roster import (
    ABANDON,
    ACTIVE,
    GONE,
    WAITING,
    SimAgent,
    SimContact,
    SimQueue,
    build_queues,
    make_agents,
    set_rates,
)
from .truth import TruthCounter

COUNTER_KEYS = (
    "offered", "answered", "abandoned", "callbacks", "ended", "transferred",
    "callbacks_completed", "bot_started", "bot_resolved", "bot_handoffs",
)
TRANSFER_FROM, TRANSFER_TO = "hl-general", "hl-complaint"
NOISE_SLOT_S = 300.0
NOISE_RHO = math.exp(-NOISE_SLOT_S / 1800.0)  # swings last about half an hour
NOISE_STEP = math.sqrt(1.0 - NOISE_RHO * NOISE_RHO)  # keeps the walk's spread at sigma
NOISE_CAP = 1.5

AVAILABLE = AgentStatus.AVAILABLE.value
ON_CONTACT = AgentStatus.ON_CONTACT.value
WRAP_UP = AgentStatus.WRAP_UP.value
NOT_READY = AgentStatus.NOT_READY.value
CUSTOMER, AGENT = Side.CUSTOMER.value, Side.AGENT.value

PENDING = "pending"  # per-agent outcome: the move waits for the agent's last contact to end
RESULT_MEMORY = 10_000  # command results kept by request_id, for idempotent retries


def command_refusal(role: str) -> str:
    """Why a connection with `role` may not send commands; "" if it may."""
    if role == Role.SUPERVISOR:
        return ""
    if role == Role.VIEWER:
        return "viewer tokens may not send commands"
    return f"role {role!r} may not send commands" if role else "unknown token"


def rejected(request_id: str, reason: str, t: float) -> dict[str, Any]:
    """A `command.result` for a command that changed nothing."""
    return {"request_id": request_id, "status": REJECTED, "reason": reason,
            "agents": {}, "before": {}, "after": {}, "t": t}


class Simulation:
    """A seeded blended contact centre; `run_until` advances it and returns the events.

    `counters[queue][key]` is ground truth to check consumers against, counted from the
    events emitted: "offered" counts every entry into the queue (ContactOffered, or a
    ContactTransferred into it, as the Floor counts them); "answered", "abandoned",
    "callbacks" (CallbackRequested), "ended", "transferred" (out of the queue),
    "callbacks_completed", "bot_started", "bot_resolved" and "bot_handoffs" count their
    events.

    With `truth`, offered, answered, abandoned, callbacks, survey answers, backlog
    worked and bot outcomes are also counted by 15-minute interval (feeds/sim/truth.py).
    """

    def __init__(self, config: SimConfig, truth: TruthCounter | None = None) -> None:
        self.config = config
        self.now = config.start_t
        self.counters: dict[str, dict[str, int]] = {}
        self.truth = truth
        self._rng = random.Random(config.seed)
        # The bot stage draws from its own stream: the rest of the traffic keeps its draws.
        self._bot_rng = random.Random(f"{config.seed}:bot")
        self._heap: list[tuple[float, int, Callable[[float, Any], None], Any]] = []
        self._seq = itertools.count()
        self._out: list[Event] = []
        self._contact_no = 0
        self._queues = build_queues(config.channels)
        for q in self._queues.values():  # `--surge`: extra traffic for a while
            q.profile = prof.surged(q.profile, q.spec.channel, config.surges)
            q.peak_shape = max(q.profile)
        for q in self._queues.values():
            self.counters[q.id] = dict.fromkeys(COUNTER_KEYS, 0)
        if truth is not None:
            truth.queues.update(self._queues)
        mean_break = sum(w * (lo + hi) * 30.0 for _, w, lo, hi in prof.BREAKS)
        share = min(max(config.not_ready_share, 1e-6), 0.9)
        self._break_gap_s = mean_break * (1.0 - share) / share
        self._agents = make_agents(config, self._rng, self._queues)
        self._by_id = {a.id: a for a in self._agents}
        # request id -> (the command, its result): a retry gets the result again
        self._results: OrderedDict[str, tuple[Reassign, dict[str, Any]]] = OrderedDict()
        self._initial: dict[str, tuple[str, str]] = {}
        set_rates(config, self._agents, self._queues)
        self._start()

    # ------------------------------------------------------------------ public
    def setup_events(self) -> list[Event]:
        """Queues, then each agent's login, skills and state at `start_t`: the floor to build on."""
        t = self.config.start_t
        out: list[Event] = [
            QueueDefined(
                t, s.id, s.name, s.channel, sl_target_s=s.sl_target_s, tier=s.tier,
                name_zh=s.name_zh,
            )
            for s in prof.QUEUES
            if s.id in self._queues
        ]
        for a in self._agents:
            state, reason = self._initial[a.id]
            out.append(AgentLogin(t, a.id, a.name, a.team))
            out.append(AgentSkills(t, a.id, dict(a.skills), a.capacity))
            out.append(AgentStateChanged(t, a.id, state, reason))
        return out

    def run_until(self, t: float) -> list[Event]:
        """Advance to `t`; every event with time <= t, in time order."""
        heap = self._heap
        while heap and heap[0][0] <= t:
            when, _, handler, arg = heapq.heappop(heap)
            self.now = when
            handler(when, arg)
        self.now = max(self.now, t)
        out, self._out = self._out, []
        return out

    def agent_ids(self) -> list[str]:
        return [a.id for a in self._agents]

    def agent_skills(self, agent_id: str) -> Skills:
        """The skills the agent routes with now (not a pending move's)."""
        a = self._by_id[agent_id]
        return Skills(dict(a.skills), a.capacity)

    def pending_skills(self, agent_id: str) -> Skills | None:
        """Skills waiting for the agent's last contact to end, if any."""
        return self._by_id[agent_id].pending

    # ---------------------------------------------------------------- commands
    def reassign(self, command: Reassign, role: str = Role.SUPERVISOR) -> dict[str, Any]:
        """Carry out a `reassign` at the current time `now`; returns the `command.result` data.

        An agent with no contact in hand gets the new skills now; one on a contact keeps it,
        takes no new work, and changes when its last contact ends (outcome "pending").
        Either way an AgentSkills event marks the change; events made now come out of the
        next `run_until`. With `duration_s` the previous skills come back that much later,
        the same way, unless a newer reassignment of the agent came first. A retried
        request_id returns the first result and changes nothing (the same id with a
        different command is rejected); a rejection changes nothing at all.
        """
        t = self.now
        refusal = command_refusal(role)
        if refusal:
            return rejected(command.request_id, refusal, t)
        done = self._results.get(command.request_id)
        if done is not None:
            first, result = done
            if not first.same_move(command):
                # A reused id must never pass for a retry: the client would be told the
                # first command's outcome for a move that did not happen.
                return rejected(command.request_id, f"request id {command.request_id} was "
                                "already used for a different command", t)
            return copy.deepcopy(result)
        agent_ids = list(dict.fromkeys(command.agents))
        unknown = [x for x in agent_ids if x not in self._by_id]
        if unknown:
            noun = "agent" if len(unknown) == 1 else "agents"
            return rejected(command.request_id, f"unknown {noun} {', '.join(unknown)}", t)
        bad_queues = [q for q in command.skills or {} if q not in self._queues]
        if bad_queues:
            noun = "queue" if len(bad_queues) == 1 else "queues"
            return rejected(command.request_id, f"unknown {noun} {', '.join(bad_queues)}", t)
        channels = {q.id: q.spec.channel for q in self._queues.values()}
        outcomes: dict[str, str] = {}
        before: dict[str, dict[str, Any]] = {}
        after: dict[str, dict[str, Any]] = {}
        for aid in agent_ids:
            a = self._by_id[aid]
            current = Skills(dict(a.skills), a.capacity)
            target = target_skills(command, current, channels)
            a.lend_no += 1  # cancels the revert of any earlier lend
            outcomes[aid] = self._move(t, a, target)
            before[aid], after[aid] = current.as_dict(), target.as_dict()
            if command.duration_s is not None:
                self._at(t + command.duration_s, self._revert, (a, a.lend_no, current))
        status = APPLIED if all(o == APPLIED for o in outcomes.values()) else ACCEPTED
        result = {"request_id": command.request_id, "status": status, "reason": "",
                  "agents": outcomes, "before": before, "after": after, "t": t}
        self._results[command.request_id] = (command, result)
        while len(self._results) > RESULT_MEMORY:
            self._results.popitem(last=False)
        return copy.deepcopy(result)

    def _move(self, t: float, a: SimAgent, target: Skills) -> str:
        """Apply now if the agent holds no contact (or nothing would change), else pend."""
        if (a.call is None and not a.chats) or target == Skills(a.skills, a.capacity):
            self._apply_skills(t, a, target)
            return APPLIED
        a.pending = target
        self._refresh(a)  # no new work until the move is done
        return PENDING

    def _apply_skills(self, t: float, a: SimAgent, target: Skills) -> None:
        a.pending = None
        a.set_skills(target, self._queues)
        self._out.append(AgentSkills(t, a.id, dict(a.skills), a.capacity))
        if a.status in (AVAILABLE, ON_CONTACT):
            self._dispatch(t, a)  # routing uses the new skills at once
        else:
            self._refresh(a)  # wrap-up or break: its own dispatch comes later

    def _revert(self, t: float, arg: tuple[SimAgent, int, Skills]) -> None:
        a, lend_no, skills = arg
        if a.lend_no == lend_no:
            self._move(t, a, skills)

    # ------------------------------------------------------------------- setup
    def _start(self) -> None:
        t0, rng = self.config.start_t, self._rng
        for a in self._agents:
            a.since = t0
            if rng.random() < self.config.not_ready_share:
                # Start near the steady state: some agents are already on a break.
                reason, dur = self._draw_break()
                a.status = NOT_READY
                self._initial[a.id] = (NOT_READY, reason)
                self._at(t0 + rng.uniform(0.0, dur), self._break_end, a)
            else:
                self._initial[a.id] = (AVAILABLE, "")
                self._at(t0 + rng.expovariate(1.0 / self._break_gap_s), self._break_start, a)
                self._refresh(a)
        for q in self._queues.values():
            # Own stream per queue, so traffic swings do not depend on what else happened.
            q.noise_rng = random.Random(f"{self.config.seed}:{q.id}")
            q.noise_x = q.noise_rng.gauss(0.0, self.config.traffic_noise)
            self._schedule_arrival(q, t0)

    # ------------------------------------------------------------- plumbing
    def _at(self, t: float, handler: Callable[[float, Any], None], arg: Any) -> None:
        heapq.heappush(self._heap, (t, next(self._seq), handler, arg))

    def _lognormal(self, mean: float, sigma: float, floor: float) -> float:
        return max(floor, math.exp(self._rng.gauss(math.log(mean) - sigma * sigma / 2, sigma)))

    def _choice(self, options: tuple[str, ...]) -> str:
        # Cheaper than Random.choice, which matters at 10,000 agents.
        return options[int(self._rng.random() * len(options))]

    def _draw_break(self) -> tuple[str, float]:
        weights = [w for _, w, _, _ in prof.BREAKS]
        reason, _, lo, hi = self._rng.choices(prof.BREAKS, weights)[0]
        return reason, 60.0 * self._rng.uniform(lo, hi)

    def _set_status(self, t: float, a: SimAgent, status: str, reason: str = "") -> None:
        if a.status == status:
            return
        a.status = status
        if status == AVAILABLE:
            a.since = t
        self._out.append(AgentStateChanged(t, a.id, status, reason))

    def _refresh(self, a: SimAgent) -> None:
        """Re-file the agent in the free heaps of its queues after any change."""
        a.token += 1
        if a.want_break is not None or a.pending is not None:
            return
        token, seq = a.token, self._seq
        if a.status == AVAILABLE:  # fully idle: a call or a first chat
            for q, level in a.voice_queues:
                self._push_free(q, (-level, a.since, next(seq), token, a))
        if (
            a.chat_queues and a.call is None
            and a.status in (AVAILABLE, ON_CONTACT) and len(a.chats) < a.capacity
        ):
            # Chats go to the least loaded agent, not the most skilled: that is how
            # chat routers spread concurrent work.
            load = len(a.chats)
            for q, level in a.chat_queues:
                self._push_free(q, (a.chat_rank, load, -level, a.since, next(seq), token, a))

    def _push_free(self, q: SimQueue, entry: tuple[Any, ...]) -> None:
        heapq.heappush(q.free, entry)
        if len(q.free) > 4 * q.members + 64:
            q.free = [e for e in q.free if e[-2] == e[-1].token]
            heapq.heapify(q.free)

    def _free_agent(self, q: SimQueue) -> SimAgent | None:
        while q.free:
            entry = heapq.heappop(q.free)
            if entry[-2] == entry[-1].token:
                return entry[-1]
        return None

    # ---------------------------------------------------------------- contacts
    def _schedule_arrival(self, q: SimQueue, t: float) -> None:
        """Next arrival of a non-homogeneous Poisson process, by thinning."""
        bound = q.peak_shape * NOISE_CAP
        peak = q.rate * bound
        if peak <= 0:
            return
        rng, profile = self._rng, q.profile
        minute0 = self.config.start_hour * 60.0 - self.config.start_t / 60.0
        while True:
            t += rng.expovariate(peak)
            shape = profile[int(minute0 + t / 60.0) % 1440] * self._noise(q, t)
            if rng.random() * bound <= shape:
                break
        self._at(t, self._arrival, q)

    def _noise(self, q: SimQueue, t: float) -> float:
        """Slow random swings of a queue's traffic (a mean-reverting walk per 5 minutes).

        Real arrivals vary more than Poisson; without this a large floor settles into a
        steady state where nothing ever happens.
        """
        sigma = self.config.traffic_noise
        if sigma <= 0:
            return 1.0
        slot = int((t - self.config.start_t) // NOISE_SLOT_S)
        while q.noise_slot < slot:
            q.noise_slot += 1
            q.noise_x = NOISE_RHO * q.noise_x + NOISE_STEP * q.noise_rng.gauss(0.0, sigma)
        return min(NOISE_CAP, math.exp(q.noise_x - sigma * sigma / 2))

    def _arrival(self, t: float, q: SimQueue) -> None:
        rng = self._rng
        self._contact_no += 1
        c = SimContact(f"{self.config.id_prefix}c{self._contact_no:07d}", q)
        if q.voice:
            customer = f"+86 13{int(rng.random() * 10)}****{int(rng.random() * 1e4):04d}"
        else:
            customer = f"{q.id[3:]}-{int(rng.random() * 1e6):06d}"
        text = ""
        if not q.voice:
            hot = rng.random() < self.config.hot_message_prob
            text = self._choice(prof.CUSTOMER_HOT if hot else prof.CUSTOMER_OPENERS)
            if self._bot_rng.random() < self.config.bot_share:
                self._bot_start(t, c, q, customer, text)
                self._schedule_arrival(q, t)
                return
        self._offer(t, c, q, customer, text)
        self._schedule_arrival(q, t)

    def _offer(self, t: float, c: SimContact, q: SimQueue, customer: str, text: str) -> None:
        """A new contact enters `q` (a chat with its opening line)."""
        self._out.append(ContactOffered(t, c.id, q.id, customer))
        if text:
            self._out.append(ChatMessage(t, c.id, CUSTOMER, text))
        self._enter(t, c, q)

    # -------------------------------------------------------------- bot stage
    # A share of online chats meets a bot first (`bot_share`): it resolves some
    # (`bot_resolve_prob`) and hands the rest to the queue, where they wait as any
    # chat. The chat is not waiting for a human meanwhile, so it is no offer yet.
    def _bot_start(self, t: float, c: SimContact, q: SimQueue, customer: str,
                   text: str) -> None:
        self._out.append(BotStarted(t, c.id, q.id))
        self.counters[q.id]["bot_started"] += 1
        rng, cfg = self._bot_rng, self.config
        span = max(5.0, math.exp(rng.gauss(math.log(cfg.bot_handle_s) - 0.125, 0.5)))
        self._at(t + span, self._bot_done, (c, q, customer, text, t))

    def _bot_done(self, t: float, arg: tuple[SimContact, SimQueue, str, str, float]) -> None:
        c, q, customer, text, started_t = arg
        if self._bot_rng.random() < self.config.bot_resolve_prob:
            self._out.append(BotResolved(t, c.id, q.id))
            self.counters[q.id]["bot_resolved"] += 1
            if self.truth is not None:  # credited to the interval the bot took it in
                self.truth.count(q.id, started_t, "bot_contained")
            return
        self._out.append(BotHandoff(t, c.id, q.id))
        self.counters[q.id]["bot_handoffs"] += 1
        if self.truth is not None:
            self.truth.count(q.id, started_t, "bot_handoffs")
        self._offer(t, c, q, customer, text)

    def _enter(self, t: float, c: SimContact, q: SimQueue) -> None:
        """The contact joins `q` (new or transferred): answered now, or it waits."""
        cfg, rng = self.config, self._rng
        c.queue, c.offered_t, c.attempt = q, t, c.attempt + 1
        self.counters[q.id]["offered"] += 1
        if self.truth is not None:
            self.truth.count(q.id, t, "offered")
        agent = self._free_agent(q)
        if agent is not None:
            self._answer(t, c, agent)
            self._refresh(agent)
            return
        c.state = WAITING
        q.waiting.append(c)
        q.n_waiting += 1
        if len(q.waiting) > 2 * q.n_waiting + 64:
            q.waiting = deque(w for w in q.waiting if w.state == WAITING and w.queue is q)
        if q.voice:
            patience = rng.expovariate(1.0 / cfg.voice_patience_s)
            after, accept = cfg.hotline_callback_after_s, cfg.hotline_callback_accept
        else:
            patience = rng.expovariate(1.0 / cfg.chat_patience_s)
            after, accept = cfg.online_callback_after_s, cfg.online_callback_accept
        leave_t, c.leave_kind = t + patience, ABANDON
        if patience > after and rng.random() < accept:
            # Offered a callback when the wait passed the threshold; says yes shortly after.
            leave_t = t + after + rng.uniform(0.0, min(10.0, patience - after))
            appointment = not q.voice and rng.random() < cfg.appointment_share
            c.leave_kind = "appointment" if appointment else "callback"
        self._at(leave_t, self._leave, (c, c.attempt))

    def _leave(self, t: float, arg: tuple[SimContact, int]) -> None:
        c, attempt = arg
        if c.state != WAITING or c.attempt != attempt:
            return  # answered (or moved on) before patience ran out
        q = c.queue
        c.state = GONE
        q.n_waiting -= 1
        if c.leave_kind == ABANDON:
            self._out.append(ContactAbandoned(t, c.id, q.id))
            self.counters[q.id]["abandoned"] += 1
            if self.truth is not None:
                self.truth.count(q.id, c.offered_t, "abandoned")
        else:
            self._out.append(CallbackRequested(t, c.id, q.id, c.leave_kind, t - c.offered_t))
            self.counters[q.id]["callbacks"] += 1
            if self.truth is not None:
                self.truth.count(q.id, c.offered_t, "callbacks")
            # No agent skilled for q can be idle while c waited, so nobody to wake.
            c.callback = True
            q.backlog.append((t, c))

    def _answer(self, t: float, c: SimContact, a: SimAgent) -> None:
        """Connect; the caller re-files the agent (`_refresh`) once it is done assigning."""
        q, cfg = c.queue, self.config
        c.state, c.agent = ACTIVE, a
        if c.callback:
            # Working a backlog item: a call back, or for chat a slot spent on the booking.
            duration = self._lognormal(cfg.callback_handle_s, 0.5, 30.0)
        else:
            self._out.append(ContactAnswered(t, c.id, q.id, a.id))
            self.counters[q.id]["answered"] += 1
            if self.truth is not None:  # credited to the entry, however long it waited
                self.truth.count(q.id, c.offered_t, "answered")
            if q.voice:
                duration = self._lognormal(cfg.voice_handle_s, 0.6, 20.0)
            else:
                duration = self._lognormal(cfg.chat_handle_s, 0.5, 45.0)
                self._script_chat(t, c, a, duration)
        if q.voice:
            a.call = c
        else:
            a.chats[c] = None
            a.since = t
        self._set_status(t, a, ON_CONTACT)
        self._at(t + duration, self._end, c)

    def _script_chat(self, t: float, c: SimContact, a: SimAgent, duration: float) -> None:
        """Schedule the conversation: a greeting, then a few customer lines with replies."""
        rng, end = self._rng, t + duration
        self._at(t + rng.uniform(3.0, 20.0), self._message, (c, a, prof.AGENT_GREETINGS))
        for _ in range(int(rng.random() * 3)):
            said = t + duration * rng.uniform(0.25, 0.85)
            hot = rng.random() < self.config.hot_message_prob
            lines = prof.CUSTOMER_HOT if hot else prof.CUSTOMER_FOLLOWUPS
            self._at(said, self._message, (c, None, lines))
            reply = min(said + rng.uniform(5.0, 40.0), end - 1.0)
            self._at(reply, self._reply, (c, a))

    def _message(self, t: float, arg: tuple[SimContact, SimAgent | None, tuple[str, ...]]) -> None:
        c, a, texts = arg
        text = self._choice(texts)
        if a is None:
            self._out.append(ChatMessage(t, c.id, CUSTOMER, text))
        else:
            self._out.append(ChatMessage(t, c.id, AGENT, text, a.id))

    def _reply(self, t: float, arg: tuple[SimContact, SimAgent]) -> None:
        """An agent's reply; very rarely a rude or refusing one (`rude_reply_prob`).

        One draw picks both whether and which, as `_choice` alone would: the rate
        changes the words, never the random stream, so the traffic stays the same.
        """
        c, a = arg
        u, p = self._rng.random(), self.config.rude_reply_prob
        if u < p:
            texts, x = prof.AGENT_RUDE, u / p
        else:
            texts, x = prof.AGENT_REPLIES, (u - p) / (1.0 - p)
        text = texts[min(int(x * len(texts)), len(texts) - 1)]
        self._out.append(ChatMessage(t, c.id, AGENT, text, a.id))

    def _end(self, t: float, c: SimContact) -> None:
        q, a, cfg = c.queue, c.agent, self.config
        assert a is not None
        if q.voice:
            a.call = None
            if (
                q.id == TRANSFER_FROM and not c.callback and TRANSFER_TO in self._queues
                and self._rng.random() < cfg.transfer_prob
            ):
                self._out.append(ContactTransferred(t, c.id, q.id, TRANSFER_TO, a.id))
                self.counters[q.id]["transferred"] += 1
                self._wrap(t, a, cfg.voice_wrap_s)
                self._enter(t, c, self._queues[TRANSFER_TO])
                return
        else:
            del a.chats[c]
        c.state = GONE
        if c.callback:
            self._out.append(CallbackCompleted(t, c.id, q.id, a.id))
            self.counters[q.id]["callbacks_completed"] += 1
            if self.truth is not None:  # the entry that asked for it
                self.truth.count(q.id, c.offered_t, "callbacks_worked")
        else:
            self._out.append(ContactEnded(t, c.id, q.id, a.id))
            self.counters[q.id]["ended"] += 1
            if self._rng.random() < cfg.survey_prob:
                self._at(t + self._rng.uniform(20.0, 180.0), self._survey,
                         (c.id, q, a.id, c.offered_t))
        if q.voice:
            self._wrap(t, a, cfg.voice_wrap_s)
        elif a.chats:
            self._dispatch(t, a)  # a chat slot opened: take a waiting chat
        else:
            self._wrap(t, a, cfg.chat_wrap_s)

    def _survey(self, t: float, arg: tuple[str, SimQueue, str, float]) -> None:
        cid, q, agent, entry_t = arg
        rng = self._rng
        mood = rng.gauss(5.5 if q.spec.tier == "complaint" else 8.0, 2.2)
        nps = min(10, max(0, round(mood)))
        csat = min(5, max(1, round(1.0 + 0.4 * mood + rng.gauss(0.0, 0.6))))
        if rng.random() < 0.15:
            nps = -1  # answered the satisfaction question only
        self._out.append(SurveyResult(t, cid, q.id, agent, nps, csat))
        if self.truth is not None:  # credited to the entry surveyed, as the report does
            if nps != -1:
                self.truth.count(q.id, entry_t, "nps_responses")
            self.truth.count(q.id, entry_t, "csat_responses")

    # ------------------------------------------------------------------ agents
    def _wrap(self, t: float, a: SimAgent, span: tuple[float, float]) -> None:
        """The agent's last contact ended: wrap-up, and a pending reassignment applies."""
        self._set_status(t, a, WRAP_UP)
        if a.pending is not None:
            self._apply_skills(t, a, a.pending)
        else:
            self._refresh(a)
        self._at(t + self._rng.uniform(*span), self._dispatch, a)

    def _dispatch(self, t: float, a: SimAgent) -> None:
        """An agent has room for work: it takes what `_pick` gives it, else it is available
        (or starts the break it has been waiting for)."""
        if a.want_break is not None:
            if a.call is None and not a.chats:
                self._start_break(t, a)
            else:
                self._refresh(a)
            return
        while (c := self._pick(a)) is not None:
            self._answer(t, c, a)
        if a.call is None and not a.chats:
            self._set_status(t, a, AVAILABLE)
        self._refresh(a)

    def _pick(self, a: SimAgent) -> SimContact | None:
        """Take the longest waiting contact (after priority head starts) `a` may serve now,
        or a callback from the backlog once it is due or nothing live waits.

        Blended agents take a call only with no chats, and chats only when not on a call;
        an agent waiting for a reassignment to apply takes nothing.
        """
        if a.call is not None or a.pending is not None:
            return None
        if a.chats:
            if len(a.chats) >= a.capacity:
                return None
            queues = a.chat_queues
        else:
            queues = a.all_queues
        due = self.config.callback_due_s
        best: SimQueue | None = None
        best_key, from_backlog = math.inf, False
        for q, _ in queues:
            waiting = q.waiting
            while waiting and (waiting[0].state != WAITING or waiting[0].queue is not q):
                waiting.popleft()
            if waiting and waiting[0].offered_t - q.spec.priority_s < best_key:
                best, best_key, from_backlog = q, waiting[0].offered_t - q.spec.priority_s, False
            if q.backlog and q.backlog[0][0] + due < best_key:
                best, best_key, from_backlog = q, q.backlog[0][0] + due, True
        if best is None:
            return None
        if from_backlog:
            return best.backlog.popleft()[1]
        best.n_waiting -= 1
        return best.waiting.popleft()

    def _break_start(self, t: float, a: SimAgent) -> None:
        a.want_break = self._draw_break()
        if a.status == AVAILABLE:
            self._start_break(t, a)
        else:
            self._refresh(a)  # stop offering new chats; the break starts when work ends

    def _start_break(self, t: float, a: SimAgent) -> None:
        assert a.want_break is not None
        reason, duration = a.want_break
        a.want_break = None
        self._set_status(t, a, NOT_READY, reason)
        self._refresh(a)
        self._at(t + duration, self._break_end, a)

    def _break_end(self, t: float, a: SimAgent) -> None:
        self._dispatch(t, a)
        self._at(t + self._rng.expovariate(1.0 / self._break_gap_s), self._break_start, a)
