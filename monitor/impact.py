"""Impact of a reassignment before it is made: Erlang per channel, with and without the move.

The inputs are exactly those of `floorwatch erlang` (calls in a period, AHT,
agents, target, patience), so a supervisor can check a preview by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import erlang, metrics
from .commands import Reassign, Skills, target_skills
from .events import Channel
from .rolling import Totals
from .state import SERVING_STATES

if TYPE_CHECKING:  # only for hints: this module reads a floor, it never builds one
    from .floor import Floor

PERIOD_MIN = 15


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
class ImpactPreview:
    command: Reassign
    channels: dict[str, ChannelImpact]
    moves: dict[str, tuple[Skills, Skills]]  # agent -> (before, after)


def _servers(floor: Floor, skills: dict[str, Skills], channel: str) -> int:
    """Serving capacity of a channel if agents had `skills` (others as they are)."""
    total = 0
    for agent in floor.agents.values():
        if agent.state not in SERVING_STATES:
            continue  # not ready or logged out: serves neither channel now
        s = skills.get(agent.id) or Skills(agent.skills, agent.chat_capacity)
        if any(floor.queues[q].channel == channel for q in s.skills if q in floor.queues):
            total += s.chat_capacity if channel == Channel.ONLINE else 1
    return total


def _inputs(floor: Floor, channel: str, servers: int) -> ErlangInputs:
    totals = Totals()
    targets: Counter[float] = Counter()
    for q in floor.queues.values():
        if q.channel == channel:
            t = q.stats.window(floor.now, PERIOD_MIN)
            totals.add(t)
            targets[q.sl_target_s] += t.offered + 1  # busiest queue's target, any if idle
    aht = metrics.aht_s(totals)
    patience = None
    if totals.abandoned:
        patience = (totals.wait_answered_s + totals.wait_abandoned_s) / totals.abandoned
    target = targets.most_common(1)[0][0] if targets else 20.0
    return ErlangInputs(totals.offered, PERIOD_MIN * 60.0,
                        None if aht is None else round(aht, 1), servers, target,
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


def preview(floor: Floor, command: Reassign) -> ImpactPreview:
    """Erlang estimates for hotline and online with and without `command`."""
    after_skills = predicted_after(floor, command)
    moves = {a: (before, after_skills[a])
             for a, before in floor_skills(floor, command.agents).items()}
    out = {}
    for channel in (Channel.HOTLINE.value, Channel.ONLINE.value):
        before = _inputs(floor, channel, _servers(floor, {}, channel))
        after = _inputs(floor, channel, _servers(floor, after_skills, channel))
        out[channel] = ChannelImpact(channel, before, after, before.estimate(), after.estimate())
    return ImpactPreview(command, out, moves)
