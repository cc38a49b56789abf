"""Impact of a reassignment before it is made: Erlang per channel and per queue, with and
without the move.

The inputs are exactly those of `floorwatch erlang` (calls in a period, AHT,
servers, target, patience), so a supervisor can check a preview by hand.

Capacity is counted once per person (docs/erlang.md, "Reassignment preview"): an
agent serving one channel is one hotline server or its chat slots; a blended
agent busy on a call is a hotline server, one holding chats is its chat slots,
and an idle blended agent is split between the channels by the share of agent
time their recent work took. Each queue is read at its own SL target against
its own goal (the queue's `Thresholds`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import erlang, metrics
from .commands import Reassign, Skills, target_skills
from .events import AgentStatus, Channel
from .rolling import Totals
from .state import SERVING_STATES, Agent
from .thresholds import ThresholdBook

if TYPE_CHECKING:  # only for hints: this module reads a floor, it never builds one
    from .floor import Floor

PERIOD_MIN = 15
CHANNELS = (Channel.HOTLINE.value, Channel.ONLINE.value)


@dataclass(frozen=True, slots=True)
class ErlangInputs:
    """One channel's traffic and staffing, in `floorwatch erlang` terms."""

    calls: int  # offered in the last PERIOD_MIN minutes
    period_s: float
    aht_s: float | None
    agents: int  # servers: agents for voice, chat slots for online
    target_s: float
    patience_s: float | None

    def estimate(self) -> erlang.StaffingEstimate | None:
        if not self.calls or not self.aht_s:
            return None
        rate = self.calls / self.period_s
        if self.patience_s:
            return erlang.erlang_a(rate, self.aht_s, self.agents, self.target_s, self.patience_s)
        return erlang.erlang_c(rate, self.aht_s, self.agents, self.target_s)

    def cli_args(self) -> list[str]:
        """The same question as a `floorwatch erlang` command line."""
        args = ["--calls", str(self.calls), "--period", f"{int(self.period_s)}s",
                "--aht", f"{self.aht_s:g}", "--agents", str(self.agents),
                "--target", f"{self.target_s:g}"]
        if self.patience_s:
            args += ["--patience", f"{self.patience_s:g}"]
        return args


@dataclass(frozen=True, slots=True)
class ChannelImpact:
    channel: str
    before: ErlangInputs
    after: ErlangInputs
    estimate_before: erlang.StaffingEstimate | None
    estimate_after: erlang.StaffingEstimate | None


@dataclass(frozen=True, slots=True)
class QueueImpact:
    """One queue: its channel's pool (the agents serve all its queues) at its own target."""

    queue_id: str
    name: str
    name_zh: str
    channel: str
    goal: float  # the queue's SL goal (its thresholds' sl_goal)
    before: ErlangInputs
    after: ErlangInputs
    estimate_before: erlang.StaffingEstimate | None
    estimate_after: erlang.StaffingEstimate | None

    @property
    def sl_before(self) -> float | None:
        return None if self.estimate_before is None else self.estimate_before.service_level

    @property
    def sl_after(self) -> float | None:
        return None if self.estimate_after is None else self.estimate_after.service_level

    @property
    def alert(self) -> bool:
        """The move leaves the queue below its goal and worse than before: it pushes the
        queue below its goal, or further below."""
        before, after = self.sl_before, self.sl_after
        if after is None or after >= self.goal:
            return False
        return before is None or after < before - 1e-9


@dataclass(frozen=True, slots=True)
class ImpactPreview:
    command: Reassign
    channels: dict[str, ChannelImpact]
    moves: dict[str, tuple[Skills, Skills]]  # agent -> (before, after)
    queues: dict[str, QueueImpact]  # queue id -> its figures, by channel then name
    agent_names: dict[str, str]  # agent id -> name, for the moved agents

    @property
    def alerts(self) -> list[QueueImpact]:
        """Queues the move pushes below their goal (or further below)."""
        return [q for q in self.queues.values() if q.alert]


# ------------------------------------------------------------------- capacity
def _channels_of(floor: Floor, skills: Skills) -> set[str]:
    """The channels an agent with `skills` can take work from (chat needs a slot)."""
    out = set()
    for queue_id in skills.skills:
        q = floor.queues.get(queue_id)
        if q is None:
            continue
        if q.channel == Channel.ONLINE:
            if skills.chat_capacity > 0:
                out.add(Channel.ONLINE.value)
        else:
            out.add(Channel.HOTLINE.value)
    return out


def _working_on(floor: Floor, agent: Agent) -> str:
    """The channel the agent is busy with now ('' if idle or unknown)."""
    for contact_id in agent.contacts:
        contact = floor.contacts.get(contact_id)
        if contact is not None and contact.queue in floor.queues:
            return str(floor.queues[contact.queue].channel)
    if agent.state == AgentStatus.WRAP_UP and agent.pending_handle is not None:
        q = floor.queues.get(agent.pending_handle[0])
        if q is not None:
            return str(q.channel)
    return ""


def voice_share(floor: Floor, chat_capacity: int) -> float:
    """Share of an idle blended agent's time the hotline gets: the hotline's share of the
    agent time the last PERIOD_MIN minutes' work took (a call takes a whole agent, a
    chat one of its `chat_capacity` slots). One half when neither channel had work."""
    work = {}
    for channel in CHANNELS:
        t = floor.channel_totals(channel, PERIOD_MIN)
        aht = metrics.aht_s(t) or 0.0
        work[channel] = t.offered * aht
    voice = work[Channel.HOTLINE.value]
    chat = work[Channel.ONLINE.value] / max(1, chat_capacity)
    return 0.5 if voice + chat <= 0 else voice / (voice + chat)


def servers(floor: Floor, moved: Mapping[str, Skills] | None = None) -> dict[str, int]:
    """Serving capacity per channel (hotline agents, chat slots), each person once.

    `moved` gives some agents other skills (a move's target); a moved agent that
    ends up blended is idle after the move (a busy one moves when its work ends).
    """
    moved = moved or {}
    total = {channel: 0.0 for channel in CHANNELS}
    shares: dict[int, float] = {}
    for agent in floor.agents.values():
        if agent.state not in SERVING_STATES:
            continue  # not ready or logged out: serves neither channel now
        skills = moved.get(agent.id) or Skills(agent.skills, agent.chat_capacity)
        channels = _channels_of(floor, skills)
        slots = float(skills.chat_capacity)
        if not channels:
            continue
        if len(channels) == 1:
            (channel,) = channels
            total[channel] += slots if channel == Channel.ONLINE else 1.0
            continue
        busy_with = "" if agent.id in moved else _working_on(floor, agent)
        if busy_with == Channel.ONLINE:
            total[Channel.ONLINE.value] += slots
        elif busy_with:
            total[Channel.HOTLINE.value] += 1.0
        else:
            share = shares.get(skills.chat_capacity)
            if share is None:
                share = shares[skills.chat_capacity] = voice_share(floor, skills.chat_capacity)
            total[Channel.HOTLINE.value] += share
            total[Channel.ONLINE.value] += (1.0 - share) * slots
    return {channel: math.floor(value + 0.5) for channel, value in total.items()}


# --------------------------------------------------------------------- inputs
def _inputs(floor: Floor, channel: str, servers: int, target_s: float | None = None,
            ) -> ErlangInputs:
    """A channel's pooled traffic with `servers`, at `target_s` (default: the target of
    its busiest queue, any if idle)."""
    totals = Totals()
    targets: Counter[float] = Counter()
    for q in floor.queues.values():
        if q.channel == channel:
            t = q.stats.window(floor.now, PERIOD_MIN)
            totals.add(t)
            targets[q.sl_target_s] += t.offered + 1
    aht = metrics.aht_s(totals)
    patience = None
    if totals.abandoned:
        patience = (totals.wait_answered_s + totals.wait_abandoned_s) / totals.abandoned
    if target_s is None:
        target_s = targets.most_common(1)[0][0] if targets else 20.0
    return ErlangInputs(totals.offered, PERIOD_MIN * 60.0,
                        None if aht is None else round(aht, 1), servers, target_s,
                        None if patience is None else round(patience, 1))


def floor_skills(floor: Floor, agents: Iterable[str]) -> dict[str, Skills]:
    """Current skills of the agents the floor knows; unknown agents are left out."""
    return {a: Skills(dict(floor.agents[a].skills), floor.agents[a].chat_capacity)
            for a in agents if a in floor.agents}


def predicted_after(floor: Floor, command: Reassign) -> dict[str, Skills]:
    """What each known agent's skills will be once `command` applies."""
    channels = {q.id: str(q.channel) for q in floor.queues.values()}
    return {a: target_skills(command, s, channels)
            for a, s in floor_skills(floor, command.agents).items()}


def preview(floor: Floor, command: Reassign, thresholds: ThresholdBook | None = None,
            ) -> ImpactPreview:
    """Erlang estimates for hotline and online, and each queue, with and without `command`."""
    return preview_targets(floor, command, predicted_after(floor, command), thresholds)


def preview_targets(floor: Floor, command: Reassign, targets: Mapping[str, Skills],
                    thresholds: ThresholdBook | None = None) -> ImpactPreview:
    """The preview of giving agents the skills `targets` (a move, or an undo of one).

    `thresholds` gives each queue's goal (default: the floor's).
    """
    book = thresholds or floor.thresholds
    targets = {a: s for a, s in targets.items() if a in floor.agents}
    moves = {a: (before, targets[a])
             for a, before in floor_skills(floor, command.agents).items() if a in targets}
    before_n, after_n = servers(floor), servers(floor, targets)
    channels = {}
    for channel in CHANNELS:
        before = _inputs(floor, channel, before_n[channel])
        after = _inputs(floor, channel, after_n[channel])
        channels[channel] = ChannelImpact(channel, before, after, before.estimate(),
                                          after.estimate())
    queues = {}
    order = sorted(floor.queues.values(),
                   key=lambda q: (CHANNELS.index(q.channel) if q.channel in CHANNELS else 0,
                                  q.name or q.id))
    for q in order:
        channel = Channel.ONLINE.value if q.channel == Channel.ONLINE else \
            Channel.HOTLINE.value
        before = _inputs(floor, channel, before_n[channel], q.sl_target_s)
        after = _inputs(floor, channel, after_n[channel], q.sl_target_s)
        queues[q.id] = QueueImpact(q.id, q.name or q.id, q.name_zh, channel,
                                   book.for_queue(q.id).sl_goal, before, after,
                                   before.estimate(), after.estimate())
    names = {a: floor.agents[a].name or a for a in moves}
    return ImpactPreview(command, channels, moves, queues, names)
