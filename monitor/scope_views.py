"""Channel header figures over a scope's queues and agents (docs/scopes.md).

The floor keeps its channel figures for all queues of a channel; a scoped header
sums the scope's queues of that channel and counts the scope's agents serving them
(an agent skilled in a scope queue of the channel, a blended one once per channel).
The agent counts are kept like the floor's: built when the members change
(`rebuild`, on structure and skills changes only) and patched for the changed agents
of each tick (`follow`), so a tick never scans the scope's agents.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import views
from .events import Channel
from .rolling import Totals
from .scope import Members
from .state import SERVING_STATES, Agent

if TYPE_CHECKING:
    from .floor import Floor
    from .views import ChannelView, Window

# (state, channels served in the scope, chat slots, chats in hand)
_Part = tuple[str, tuple[str, ...], int, int]


class ScopeHeaders:
    """Channel views over one scope's members."""

    def __init__(self) -> None:
        self.members: Members | None = None
        self._queues: dict[str, list[str]] = {}  # channel -> the scope's queues in it
        self._parts: dict[str, _Part] = {}  # scope agent -> what it adds
        self._counts: dict[str, Counter[str]] = {}  # channel -> agents by state
        self._slots = 0  # chat slots of the scope's serving online agents

    def rebuild(self, floor: Floor, members: Members | None) -> None:
        """Count the members afresh (the members changed)."""
        self.members = members
        self._queues, self._parts, self._counts, self._slots = {}, {}, {}, 0
        self._chats = 0  # contacts in the hands of the scope's online agents (serving)
        if members is None:
            return
        for qid in members.queues:
            q = floor.queues.get(qid)
            if q is not None:
                self._queues.setdefault(q.channel, []).append(qid)
        for order in self._queues.values():
            order.sort()
        for aid in members.agents:
            a = floor.agents.get(aid)
            if a is not None:
                self._add(aid, self._part(floor, a), 1)

    def follow(self, floor: Floor, agent_ids: Iterable[str]) -> set[str]:
        """Patch the counts for changed agents; the channels whose counts moved."""
        members, moved = self.members, set()
        if members is None:
            return moved
        for aid in agent_ids:
            if aid not in members.agents:
                continue
            a = floor.agents.get(aid)
            old = self._parts.get(aid)
            new = self._part(floor, a) if a is not None else None
            if old == new:
                continue
            if old is not None:
                self._add(aid, old, -1)
                moved.update(old[1])
            if new is not None:
                self._add(aid, new, 1)
                moved.update(new[1])
        return moved

    def channels(self) -> list[str]:
        return list(self._queues)

    def channel_view(self, floor: Floor, channel: str, window: Window | None = None) -> ChannelView:
        """The header of `channel` over the scope's queues and agents."""
        totals, waiting, backlog, in_progress, longest = Totals(), 0, 0, 0, 0.0
        for qid in self._queues.get(channel, ()):
            q = floor.queues.get(qid)
            if q is None:
                continue
            totals.add(floor.totals(q, window))
            waiting += len(q.waiting)
            backlog += len(q.backlog)
            in_progress += q.in_progress
            if q.waiting:
                longest = max(longest, floor.longest_wait_s(q))
        view = views._channel_view(
            _ScopedFloor(floor, self), channel, totals, waiting, backlog, in_progress, longest
        )
        if channel == Channel.ONLINE and self._slots:
            # The scope's agents' chats over their slots: the scope's queues' chats in
            # progress may be in other teams' hands (a scope over 100 % read wrong).
            view = dataclasses.replace(view, chat_utilisation=self._chats / self._slots)
        return view

    def _part(self, floor: Floor, a: Agent) -> _Part:
        queues, members = floor.queues, self.members
        assert members is not None
        channels = sorted(
            {queues[q].channel for q in a.skills if q in members.queues and q in queues}
        )
        return a.state, tuple(channels), a.chat_capacity, len(a.contacts)

    def _add(self, aid: str, part: _Part, sign: int) -> None:
        state, channels, slots, chats = part
        for channel in channels:
            self._counts.setdefault(channel, Counter())[state] += sign
        if Channel.ONLINE in channels and state in SERVING_STATES:
            self._slots += sign * slots
            self._chats += sign * chats
        if sign > 0:
            self._parts[aid] = part
        else:
            self._parts.pop(aid, None)


class _ScopedFloor:
    """The floor as `views._channel_view` reads it, with the scope's agent counts.
    Anything else is the floor's own (figures a scope cannot split)."""

    def __init__(self, floor: Floor, headers: ScopeHeaders) -> None:
        self._floor, self._headers = floor, headers

    def channel_members(self, channel: str) -> Counter[str]:
        return self._headers._counts.get(channel, Counter())

    def chat_slots(self, channel: str) -> int:
        return self._headers._slots if channel == Channel.ONLINE else 0

    def channel_queues(self, channel: str) -> list[Any]:
        """The scope's queues of `channel`: the header's backlog and bot figures."""
        queues = self._floor.queues
        return [queues[q] for q in self._headers._queues.get(channel, ()) if q in queues]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._floor, name)
