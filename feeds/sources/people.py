"""One person across two platforms, merged: pure, no I/O (used by `joined.JoinedSource`).

Asterisk knows a person as a member interface (`PJSIP/1017`), Chatwoot as a user
(`cw-17`); the config's `[[agents]]` links both to one Floorwatch agent id. Each
platform's source reports its part of that person: logged in or not, a state, its
queue memberships, chat capacity. `PersonJoin` keeps the parts and tells the floor one
agent, merged:

- skills: the union (the platforms' queues are different queues); chat capacity:
  the sum (only Chatwoot gives one);
- state: the busiest part's: on a contact on either platform is on a contact, then
  ringing, wrap-up, available, not ready; logged out only when every part is;
- name and team: the link's, else the first part's.

Events that name an agent (answered, ended, messages, surveys) get the person's id.
Every event goes out under the feed key of the platform whose event caused it, so it
stays in that platform's order (the floor holds a feed's events behind its snapshot).
The floor stamps an agent with the feed of the login or snapshot that made it: that
platform is the person's *owner*. A snapshot of one platform lists every person it
owns, merged; a person one platform drops but the other still has is logged in again
under the other's key, and stays on the floor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from monitor import agent_parts
from monitor.agent_links import AgentLink
from monitor.events import (
    AgentLogin,
    AgentLogout,
    AgentSkills,
    AgentStateChanged,
    AgentStatus,
    Event,
    Snapshot,
)

# The merged state is the part's state first in this order.
_PRIORITY = (
    AgentStatus.ON_CONTACT,
    AgentStatus.RINGING,
    AgentStatus.WRAP_UP,
    AgentStatus.AVAILABLE,
    AgentStatus.NOT_READY,
    AgentStatus.LOGGED_OUT,
)
_RANK = {s.value: i for i, s in enumerate(_PRIORITY)}
_AGENT_EVENTS = (AgentLogin, AgentLogout, AgentStateChanged, AgentSkills)
CHANNEL_OF = {"asterisk": "hotline", "chatwoot": "online"}  # a platform's work


@dataclass(slots=True)
class Part:
    """What one platform says of a person."""

    name: str = ""
    team: str = ""
    state: str = AgentStatus.LOGGED_OUT.value
    reason: str = ""
    skills: dict[str, int] = field(default_factory=dict)
    chat_capacity: int = 0


@dataclass(slots=True)
class _Person:
    id: str
    link: AgentLink | None
    owner: str  # the feed key the floor knows this agent by
    parts: dict[str, Part] = field(default_factory=dict)  # part key -> part
    told_in: bool = False  # a login was told (and no logout since)
    told_state: tuple[str, str] = (AgentStatus.LOGGED_OUT.value, "")
    told_since: float = 0.0
    told_skills: tuple[dict[str, int], int] = field(default_factory=lambda: ({}, 0))


@dataclass(frozen=True, slots=True)
class Merged:
    """The one agent the floor is told of."""

    name: str
    team: str
    state: str
    reason: str
    skills: dict[str, int]
    chat_capacity: int


class PersonJoin:
    """Merges the agent parts the platform sources report; see the module docstring."""

    def __init__(self, links: Iterable[AgentLink], platforms: Mapping[str, str]) -> None:
        """`platforms`: each part's feed key -> its platform ("asterisk" | "chatwoot")."""
        self.platforms = dict(platforms)
        self._person_of: dict[tuple[str, str], str] = {}  # (part key, platform id) -> person
        self._platform_of: dict[tuple[str, str], str] = {}  # (part key, person) -> platform id
        self._links: dict[str, AgentLink] = {}
        for link in links:
            self._links[link.id] = link
            for key, platform in self.platforms.items():
                platform_id = link.platform_id(platform)
                if platform_id:
                    self._person_of[(key, platform_id)] = link.id
                    self._platform_of[(key, link.id)] = platform_id
        self._people: dict[str, _Person] = {}

    # ------------------------------------------------------------------ ids
    def person(self, part: str, agent: str) -> str:
        """The person `part`'s agent id is (itself when no link names it)."""
        return self._person_of.get((part, agent), agent)

    def platform_id(self, part: str, person: str) -> str:
        """`person`'s agent id on `part` ('' when it has none there)."""
        found = self._platform_of.get((part, person))
        if found is not None:
            return found
        p = self._people.get(person)
        return person if p is not None and part in p.parts and person not in self._links else ""

    def platform_ids(self, part: str) -> dict[str, str]:
        """Linked person -> its id on `part`, for every link naming one there."""
        return {person: pid for (key, person), pid in self._platform_of.items() if key == part}

    def display_name(self, person: str) -> str:
        """The link's name of `person`, else its id."""
        link = self._links.get(person)
        return (link.name if link else "") or person

    def owner(self, person: str) -> str:
        """The feed key the floor knows `person` by ('' when unknown)."""
        p = self._people.get(person)
        return p.owner if p is not None else ""

    def parts(self, person: str) -> dict[str, Part]:
        """A copy of what each platform says of `person` (part key -> part)."""
        p = self._people.get(person)
        return {k: dataclasses.replace(v, skills=dict(v.skills)) for k, v in
                (p.parts.items() if p is not None else ())}

    def merged(self, person: str) -> Merged | None:
        p = self._people.get(person)
        return None if p is None else self._merge(p)

    # --------------------------------------------------------------- events
    def event(self, part: str, e: Event) -> list[tuple[str, Event]]:
        """`part`'s event as (feed key, event) pairs for the floor."""
        if isinstance(e, Snapshot):
            return self.snapshot(part, e)
        if isinstance(e, _AGENT_EVENTS):
            return self._agent_event(part, e)
        agent = getattr(e, "agent", None)
        if agent:
            person = self.person(part, agent)
            if person != agent:
                e = dataclasses.replace(e, agent=person)  # type: ignore[type-var]
        return [(part, e)]

    def _agent_event(self, part: str, e: Event) -> list[tuple[str, Event]]:
        person_id = self.person(part, e.agent)  # type: ignore[attr-defined]
        p = self._people.get(person_id)
        if p is None:
            p = self._people[person_id] = _Person(person_id, self._links.get(person_id), part)
        piece = p.parts.get(part)
        if piece is None:
            if isinstance(e, AgentLogout):
                return []  # logging out a part we never saw: nothing to tell
            piece = p.parts[part] = Part()
        if isinstance(e, AgentLogin):
            piece.name, piece.team = e.name, e.team
            if piece.state == AgentStatus.LOGGED_OUT:
                piece.state, piece.reason = AgentStatus.AVAILABLE.value, ""
        elif isinstance(e, AgentLogout):
            piece.state, piece.reason = AgentStatus.LOGGED_OUT.value, ""
        elif isinstance(e, AgentStateChanged):
            piece.state, piece.reason = e.state, e.reason
        elif isinstance(e, AgentSkills):
            piece.skills, piece.chat_capacity = dict(e.skills), e.chat_capacity
        return self._told(p, part, e.t)

    def _told(self, p: _Person, part: str, t: float) -> list[tuple[str, Event]]:
        """`_tell`'s events under `part`'s key: the floor may hold a feed's events behind
        its snapshot (monitor/snapshot_gate.py), so what a part's event or snapshot
        causes goes out in that part's stream, after the queues it names. A login
        stamps the agent with that key on the floor: the part becomes the owner."""
        out = self._tell(p, t)
        if any(isinstance(e, AgentLogin) for e in out):
            p.owner = part
        return [(part, e) for e in out]

    def _tell(self, p: _Person, t: float) -> list[Event]:
        """The events that bring the floor's agent to `p`'s merged state."""
        m = self._merge(p)
        out: list[Event] = []
        if m.state != AgentStatus.LOGGED_OUT and not p.told_in:
            out.append(AgentLogin(t, p.id, m.name, m.team))
            p.told_in = True
            p.told_state = (AgentStatus.AVAILABLE.value, "")  # the floor's state on login
        skills = (m.skills, m.chat_capacity)
        if skills != p.told_skills:
            out.append(AgentSkills(t, p.id, dict(m.skills), m.chat_capacity))
            p.told_skills = skills
        if (m.state, m.reason) != p.told_state:
            if m.state == AgentStatus.LOGGED_OUT:
                out.append(AgentLogout(t, p.id))
                p.told_in = False
            else:
                out.append(AgentStateChanged(t, p.id, m.state, m.reason))
            p.told_state, p.told_since = (m.state, m.reason), t
        return out

    # ------------------------------------------------------------- snapshot
    def snapshot(self, part: str, snap: Snapshot) -> list[tuple[str, Event]]:
        """`part`'s snapshot for the floor, then what it changed of other feeds' people.

        The snapshot lists, merged, every person `part` owns (a person first reported by
        it becomes its own); its contacts name persons. A person `part` no longer lists
        but another platform still has is told again under that platform's key (the
        floor drops it with `part`'s old records); people owned elsewhere whose part
        here changed get the events that bring them up to date.
        """
        state = dict(snap.state)
        listed: dict[str, Part] = {}
        since: dict[str, float] = {}
        for d in state.get("agents", []):
            if not isinstance(d, dict) or not isinstance(d.get("id"), str):
                continue  # the snapshot check on the floor refuses it whole
            person = self.person(part, d["id"])
            try:
                listed[person] = Part(
                    name=str(d.get("name", "")), team=str(d.get("team", "")),
                    state=str(d.get("state", AgentStatus.LOGGED_OUT.value)),
                    reason=str(d.get("reason", "")), skills=dict(d.get("skills") or {}),
                    chat_capacity=int(d.get("chat_capacity", 0)))
                since[person] = float(d.get("state_since", snap.t))
            except (TypeError, ValueError, OverflowError):  # int(inf), a list …
                continue  # refused whole by the floor's check; nothing to merge
        later: list[tuple[str, Event]] = []
        for p in list(self._people.values()):
            if p.id in listed:
                continue
            p.parts.pop(part, None)
            if p.owner != part:
                later += self._told(p, part, snap.t)
            elif p.parts:  # the floor drops it with this feed's records: tell it again
                p.owner = next(iter(p.parts))
                p.told_in, p.told_skills = False, ({}, 0)
                p.told_state = (AgentStatus.LOGGED_OUT.value, "")
                later += [(p.owner, e) for e in self._tell(p, snap.t)]
            else:
                del self._people[p.id]
        agents: list[dict[str, Any]] = []
        for person, piece in listed.items():
            p = self._people.get(person)
            if p is None:
                p = self._people[person] = _Person(person, self._links.get(person), part)
            p.parts[part] = piece
            if p.owner != part:
                later += self._told(p, part, snap.t)
                continue
            m = self._merge(p)
            if (m.state, m.reason) != p.told_state or not p.told_in:
                p.told_since = since[person] if len(p.parts) == 1 else snap.t
            p.told_in = m.state != AgentStatus.LOGGED_OUT
            p.told_state = (m.state, m.reason)
            p.told_skills = (m.skills, m.chat_capacity)
            agents.append({
                "id": p.id, "name": m.name, "team": m.team, "state": m.state,
                "reason": m.reason, "state_since": p.told_since, "skills": dict(m.skills),
                "chat_capacity": m.chat_capacity,
            })
        state["agents"] = agents
        contacts = state.get("contacts")
        if isinstance(contacts, list):
            state["contacts"] = [self._contact(part, c) for c in contacts]
        return [(part, Snapshot(snap.t, snap.seq, state)), *later]

    def _contact(self, part: str, c: Any) -> Any:
        if isinstance(c, dict) and isinstance(c.get("agent"), str) and c["agent"]:
            person = self.person(part, c["agent"])
            if person != c["agent"]:
                return {**c, "agent": person}
        return c


    def _merge(self, p: _Person) -> Merged:
        """The one agent `p`'s parts make (see the module docstring)."""
        parts = list(p.parts.values())
        best = min(parts, key=lambda x: _RANK.get(x.state, len(_RANK)), default=Part())
        skills: dict[str, int] = {}
        for piece in parts:
            skills.update(piece.skills)
        link = p.link
        name = (link.name if link else "") or next((x.name for x in parts if x.name), p.id)
        team = (link.team if link else "") or next((x.team for x in parts if x.team), "")
        reason = best.reason
        if len(parts) > 1:
            reason = agent_parts.encode(best.state, best.reason, (
                (CHANNEL_OF.get(self.platforms.get(key, ""), key), x.state, x.reason)
                for key, x in p.parts.items()))
        return Merged(name, team, best.state, reason, skills,
                      sum(x.chat_capacity for x in parts))
