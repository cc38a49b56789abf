"""Productivity and time-weighted occupancy over a window (docs/metrics.md, "Productivity
and occupancy").

- contacts per agent-hour = contacts handled / staffed agent-hours. Handled: a contact
  whose handling finished (after its wrap-up, as AHT counts it). Staffed: logged in,
  whatever the state (available, busy or not ready, as the tiles' "staffed"). Chats
  handled at the same time each count: three chats in one staffed hour are 3 per hour.
- occupancy = busy agent-seconds / (busy + available agent-seconds): ringing, on contact
  and wrap-up are busy; not ready counts in neither.
- chat slots used (online) = chat-seconds in progress / chat-slot-seconds of the agents
  available or busy.

Per channel the floor's running counts (agents by state, chats in progress, chat
slots) are levels between events: when the clock moves, the time since the last move
is added at those levels to one-minute sums (the work follows the clock, a few
channels, not the agents). Per agent, a staffed stretch is added to its minutes when it
ends, and the open one is read on demand; a handled contact goes to its minute. Memory
is bounded: the last KEEP_MINUTES minutes and today's sum of the older ones.

The figures cover whole minutes only: a rolling window of N minutes is the N whole
minutes before the current one; the half hour and today run up to the start of the
current minute. So a figure stands still within a minute (cached per minute, and read
once a minute by the screens) and an empty window (the first minute of the half hour,
no one staffed) is None, shown as "–".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import clock
from .events import AgentStatus, Channel
from .rolling import BUCKET_S, KEEP_MINUTES
from .views import WINDOW_INTERVAL, WINDOW_TODAY, Window

if TYPE_CHECKING:
    from .floor import Floor

_LOGGED_OUT = AgentStatus.LOGGED_OUT
_AVAILABLE, _NOT_READY = AgentStatus.AVAILABLE, AgentStatus.NOT_READY
_RINGING, _ON_CONTACT, _WRAP_UP = AgentStatus.RINGING, AgentStatus.ON_CONTACT, AgentStatus.WRAP_UP
_ONLINE = Channel.ONLINE.value
_CHANNELS = (Channel.HOTLINE.value, Channel.ONLINE.value)
# What a channel's minute holds, by index.
HANDLED, STAFFED_S, BUSY_S, AVAILABLE_S, CHATS_S, SLOTS_S = range(6)


@dataclass(frozen=True, slots=True)
class WorkFigures:
    """Productivity and occupancy over one window's whole minutes (None: nothing to say)."""

    handled: int
    staffed_s: float
    contacts_per_agent_hour: float | None
    occupancy: float | None = None  # time-weighted; channels only
    chat_utilisation: float | None = None  # time-weighted chat slots used; online only


def per_agent_hour(handled: float, staffed_s: float) -> float | None:
    """Contacts handled per staffed agent-hour; None with no staffed time."""
    return handled * 3600.0 / staffed_s if staffed_s > 0 else None


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


class _Ledger:
    """Sums per minute for the last KEEP_MINUTES minutes, and today's older minutes.

    One dict of minute -> value per column, not a list per minute: a floor of 10,000
    agents would otherwise hold 600,000 small lists, each one more object for every
    full pass of the garbage collector (such passes made 150 ms ticks)."""

    __slots__ = ("cols", "day", "day_minute", "width", "open")

    def __init__(self, width: int, day_minute: int) -> None:
        self.cols: list[dict[int, float]] = [{} for _ in range(width)]
        self.width = width
        self.day = [0.0] * width  # minutes of today no longer held one by one
        self.day_minute = day_minute
        self.open: float | None = None  # an agent's staffed stretch: since when

    @property
    def minutes(self) -> bool:
        """Whether any minute is held one by one."""
        return any(self.cols)

    def reset_day(self, day_minute: int) -> None:
        if day_minute != self.day_minute:
            self.day, self.day_minute = [0.0] * self.width, day_minute

    def add(self, minute: int, index: int, value: float, current: int) -> None:
        keep_from = current - KEEP_MINUTES + 1
        if minute < keep_from:
            if minute >= self.day_minute:
                self.day[index] += value
            return
        col = self.cols[index]
        held = col.get(minute)
        if held is None:
            col[minute] = value
            self._evict(col, index, keep_from)
        else:
            col[minute] = held + value

    def _evict(self, col: dict[int, float], index: int, keep_from: int) -> None:
        # Minutes come mostly in order: the oldest are first (one held back behind a
        # newer one leaves with it, a few minutes late: still bounded).
        while col:
            first = next(iter(col))
            if first >= keep_from:
                return
            value = col.pop(first)
            if first >= self.day_minute:
                self.day[index] += value

    def spread(self, t0: float, t1: float, levels: tuple[float, ...], current: int) -> None:
        """Add `levels` held from t0 to t1 (seconds × level) to the minutes they cover."""
        keep_from = current - KEEP_MINUTES + 1
        start = keep_from * BUCKET_S
        if t0 < start:  # older than the held minutes: today's part to the day sum
            lump = min(t1, start) - max(t0, self.day_minute * BUCKET_S)
            if lump > 0:
                for i, level in enumerate(levels):
                    if level:
                        self.day[i + 1] += level * lump
            t0 = start
        for _ in range(KEEP_MINUTES + 1):  # bounded, even where float times lose minutes
            if t0 >= t1:
                break
            minute = int(t0 // BUCKET_S)
            end = min(t1, (minute + 1) * BUCKET_S)
            if end <= t0:  # too far from 1970 for whole minutes: no time to spread
                break
            span = end - t0
            for i, level in enumerate(levels):
                if level:
                    self.add(minute, i + 1, level * span, current)
            t0 = end

    def sums(self, first: int, last: int, with_day: bool) -> list[float]:
        out = list(self.day) if with_day else [0.0] * self.width
        for i, col in enumerate(self.cols):
            total = 0.0
            for minute, value in col.items():
                if first <= minute <= last:
                    total += value
            out[i] += total
        return out


class Productivity:
    """The floor's productivity and occupancy ledgers (one `Floor.productivity`)."""

    def __init__(self) -> None:
        self._t: float | None = None  # the clock time levels are added up to
        self._day_minute = 0
        self._day_start: float | None = None
        self._channels = {c: _Ledger(6, 0) for c in _CHANNELS}
        # Per channel: [since when, the floor's channel version, its levels then, the
        # level-seconds added up within one minute, that minute]: most events change no
        # level, and those that do add into the minute's running sum, so the ledger is
        # written once a minute, not once an event.
        self._segments: dict[str, list] = {
            c: [-math.inf, -1, (0, 0, 0, 0, 0), [0.0] * 5, None] for c in _CHANNELS}
        self._agents: dict[str, _Ledger] = {}
        self._cache: dict[tuple[str, Window], tuple[tuple[int, int], WorkFigures]] = {}
        self._agent_cache: dict[tuple[str, Window], tuple[tuple[int, int], WorkFigures]] = {}

    # ------------------------------------------------------------- writes
    def advance(self, floor: Floor, t: float) -> None:
        """The floor's clock moved to t. A channel's levels since its last change are
        added to its minutes only when they may have changed (its version moved: the
        events at the previous clock time changed its agents, chats or slots) or a
        minute ended (so whole minutes are complete when read): on most events a
        lookup and two comparisons per channel."""
        last = self._t
        self._t = t
        day_start = floor.day_start
        if day_start != self._day_start:  # a new day (rare): today's sums start again
            self._day_start = day_start
            day_minute = int(day_start // BUCKET_S) if day_start is not None else 0
            if day_minute != self._day_minute:
                self._day_minute = day_minute
                for ledger in self._channels.values():
                    ledger.reset_day(day_minute)
        if last is None or t <= last:
            return
        versions = floor._channel_version  # noqa: SLF001 - the floor's own change count
        minute = int(t // BUCKET_S)
        for channel, seg in self._segments.items():
            version = versions.get(channel, 0)
            if version != seg[1]:  # the levels may be new from `last` on
                seg[1] = version
                levels = self._levels(floor, channel)
                if levels != seg[2] or seg[0] == -math.inf:  # the old ones end at `last`
                    self._flush(channel, seg, last)
                    seg[2] = levels
            if seg[0] < minute * BUCKET_S:  # its start is in an earlier minute
                self._flush(channel, seg, t)

    def _flush(self, channel: str, seg: list, t: float) -> None:
        """Add the segment's levels from its start to t, and start it again at t: into
        the minute's running sum while it stays in one minute, else (and then the sum
        too) into the ledger's minutes."""
        t0, levels = seg[0], seg[2]
        seg[0] = t
        current = int(t // BUCKET_S)
        if seg[4] is not None and seg[4] != current:  # the sum's minute is over
            self._write_sum(channel, seg, current)
        if t <= t0 or not any(levels):
            return
        minute = int(t0 // BUCKET_S)
        if minute == current:  # within one minute: the running sum
            seg[4] = minute
            acc, span = seg[3], t - t0
            for i, level in enumerate(levels):
                if level:
                    acc[i] += level * span
            return
        self._channels[channel].spread(t0, t, levels, current)

    def _write_sum(self, channel: str, seg: list, current: int) -> None:
        """The minute's running sum into the ledger (then empty)."""
        acc, minute = seg[3], seg[4]
        seg[4] = None
        if minute is None:
            return
        ledger = self._channels[channel]
        for i, value in enumerate(acc):
            if value:
                ledger.add(minute, i + 1, value, current)
                acc[i] = 0.0

    @staticmethod
    def _levels(floor: Floor, channel: str) -> tuple[int, int, int, int, int]:
        """(staffed, busy, available, chats in progress, chat slots) of a channel now.

        Read on most events (when the channel's version moved): plain dict lookups,
        no generator, no Counter __missing__."""
        members = floor._channel_members.get(channel)  # noqa: SLF001 - no Counter made
        if members is None:
            return 0, 0, 0, 0, 0
        get = members.get
        busy = get(_RINGING, 0) + get(_ON_CONTACT, 0) + get(_WRAP_UP, 0)
        available = get(_AVAILABLE, 0)
        staffed = busy + available + get(_NOT_READY, 0)
        if channel != _ONLINE:
            return staffed, busy, available, 0, 0
        return (staffed, busy, available, floor._in_progress_count[channel],  # noqa: SLF001
                floor._channel_capacity[channel])  # noqa: SLF001

    def state_moved(self, agent_id: str, old: str, new: str, now: float) -> None:
        """An agent's state changed at the floor's time `now`: a staffed stretch may
        begin or end (only logging in or out moves it)."""
        if (old == _LOGGED_OUT) == (new == _LOGGED_OUT):
            return
        ledger = self._agent(agent_id)
        if new != _LOGGED_OUT:
            ledger.open = now
        elif ledger.open is not None:
            ledger.spread(ledger.open, now, (1,), int(now // BUCKET_S))
            ledger.open = None

    def handled(self, agent_id: str, channel: str | None, now: float) -> None:
        """One contact's handling finished (wrap-up included) at the floor's time `now`."""
        current = int(now // BUCKET_S)
        self._agent(agent_id).add(current, HANDLED, 1, current)
        ledger = self._channels.get(channel) if channel is not None else None
        if ledger is not None:
            ledger.add(current, HANDLED, 1, current)

    def adopt(self, floor: Floor) -> None:
        """After a snapshot replaced agents: each staffed agent not followed yet is
        followed from now (nothing before is known); gone agents are forgotten."""
        now, agents = floor.now, floor.agents
        for agent_id in [a for a in self._agents if a not in agents]:
            del self._agents[agent_id]
        for a in agents.values():
            ledger = self._agents.get(a.id)
            staffed = a.state != _LOGGED_OUT
            if staffed and (ledger is None or ledger.open is None):
                self._agent(a.id).open = now
            elif not staffed and ledger is not None and ledger.open is not None:
                self.state_moved(a.id, AgentStatus.AVAILABLE, _LOGGED_OUT, now)

    def _agent(self, agent_id: str) -> _Ledger:
        ledger = self._agents.get(agent_id)
        if ledger is None:
            ledger = self._agents[agent_id] = _Ledger(2, self._day_minute)
        else:
            ledger.reset_day(self._day_minute)  # before a write: today's sum is today's
        return ledger

    # -------------------------------------------------------------- reads
    def moved_channels(self) -> list[str]:
        """Channels whose figures may move when a minute passes (anything counted)."""
        return [c for c, ledger in self._channels.items() if ledger.minutes or any(ledger.day)]

    def _range(self, floor: Floor, window: Window) -> tuple[int, int, bool]:
        """(first minute, last minute, with today's older sum) of a window's whole minutes."""
        current = int(floor.now // BUCKET_S)
        if window == WINDOW_TODAY:
            return self._day_minute, current - 1, True
        if window == WINDOW_INTERVAL:
            first = int(clock.half_hour_start(floor.now, floor.tz) // BUCKET_S)
            return first, current - 1, False
        return current - int(window), current - 1, False

    def channel(
        self, floor: Floor, channel: str, window: Window | None = None, cached: bool = True
    ) -> WorkFigures:
        """A channel's figures over `window` (default: the floor's window)."""
        window = window or floor.window_min
        ledger = self._channels.get(channel)
        first, last, with_day = self._range(floor, window)
        key, stamp = (channel, window), (first, last)
        entry = self._cache.get(key) if cached else None
        if entry is not None and entry[0] == stamp:
            return entry[1]
        if ledger is None or first > last:
            figures = WorkFigures(0, 0.0, None)
        else:
            s = ledger.sums(first, last, with_day)
            figures = WorkFigures(
                handled=round(s[HANDLED]),
                staffed_s=s[STAFFED_S],
                contacts_per_agent_hour=per_agent_hour(s[HANDLED], s[STAFFED_S]),
                occupancy=ratio(s[BUSY_S], s[BUSY_S] + s[AVAILABLE_S]),
                chat_utilisation=(
                    ratio(s[CHATS_S], s[SLOTS_S]) if channel == Channel.ONLINE else None
                ),
            )
        self._cache[key] = (stamp, figures)
        return figures

    def agent(self, floor: Floor, agent_id: str, window: Window | None = None) -> WorkFigures:
        """One agent's contacts per staffed hour over `window`'s whole minutes."""
        window = window or floor.window_min
        a = floor.agents.get(agent_id)
        ledger = self._agents.get(agent_id)
        if a is not None and a.state != _LOGGED_OUT and (ledger is None or ledger.open is None):
            self._agent(agent_id).open = floor.now  # staffed before we followed it
            ledger = self._agents[agent_id]
        first, last, with_day = self._range(floor, window)
        key, stamp = (agent_id, window), (first, last)
        entry = self._agent_cache.get(key)
        if entry is not None and entry[0] == stamp and ledger is not None:
            return entry[1]
        if ledger is None or first > last:
            figures = WorkFigures(0, 0.0, None)
        else:
            ledger.reset_day(self._day_minute)
            s = ledger.sums(first, last, with_day)
            staffed = s[1]
            if ledger.open is not None:  # the stretch still open, up to the last minute
                staffed += max(0.0, (last + 1) * BUCKET_S - max(ledger.open, first * BUCKET_S))
            figures = WorkFigures(round(s[HANDLED]), staffed, per_agent_hour(s[HANDLED], staffed))
        if len(self._agent_cache) > 4 * len(floor.agents) + 64:
            self._agent_cache.clear()  # agents gone, windows no longer read
        self._agent_cache[key] = (stamp, figures)
        return figures
