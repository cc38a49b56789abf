"""A fake contact-centre platform: a real FeedServer that carries out `reassign`. Qt-free.

It plays the platform's part as docs/protocol.md ("### `reassign`") describes it, in
little code, for tests of the clients (CLI and window); the simulator's own handling is
tested in tests/feeds.

- Every `command.result` has the protocol's shape: `request_id`, `status` (applied,
  accepted or rejected), `reason`, `agents` (agent -> applied | pending), `before`,
  `after` and `t` (the feed's event time).
- An agent holding a contact (on a call, chats open) is pending: it keeps its skills
  until `end_call` ends its contacts, then its `agent.skills` goes out at that time,
  after its wrap_up state. Any other agent, or one whose target is what it has, is
  applied at once. A newer move of a pending agent replaces its target.
- Rejected, nothing changed: a sender that is not a supervisor, invalid fields
  (`Reassign.from_data`'s reason), unknown agents, unknown queues in `skills`.
- Idempotent by request id: a repeated accepted or applied command gets the first
  result again and changes nothing; rejections are not remembered.
- `drop_first`: carries out the first command it accepts, then drops every connection
  before the result can go out, as a network failure would.
- `received` records every command, with the sender's role, rejected ones too.

Not modelled: a timed lend's revert (`duration_s` is checked and recorded only), and
routing work to an agent its new skills qualify.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import pytest

from feeds.server import FeedServer
from monitor import events as ev
from monitor.commands import CommandError, CommandStatus, Reassign, Role, Skills, target_skills

TOKENS = {"sup": Role.SUPERVISOR.value, "view": Role.VIEWER.value}  # token -> role
PENDING = "pending"  # per-agent outcome: the move waits for the agent's contacts to end
APPLIED = CommandStatus.APPLIED.value


class Received(NamedTuple):
    """One command as the platform got it."""

    data: dict[str, Any]
    role: str


class FakePlatform:
    """A FeedServer built from `setup` events, whose command handler moves agents.

    `start(loop_thread)` serves it (the URL is then `url`), `stop()` ends it; the
    `fake_platform` fixture does both.
    """

    def __init__(self, setup: Iterable[ev.Event], *, tokens: dict[str, str] | None = None,
                 drop_first: bool = False) -> None:
        self.setup = list(setup)
        self.server = FeedServer(tokens=dict(TOKENS if tokens is None else tokens),
                                 command_handler=self.handle)
        self.drop_first = drop_first
        self.url = ""
        self.received: list[Received] = []
        self.applied: Counter[str] = Counter()  # agent -> agent.skills published for moves
        self.waiting: dict[str, Skills] = {}  # pending agent -> its target
        # request id -> (the command, its accepted or applied result)
        self._results: dict[str, tuple[Reassign, dict[str, Any]]] = {}
        self._loop_thread: Any = None

    # ------------------------------------------------------------------ life
    def start(self, loop_thread: Any) -> str:
        """Listen on a free port and publish the setup; returns the URL."""
        self._loop_thread = loop_thread
        port = loop_thread.run(self.server.start())
        loop_thread.call(self.server.publish, self.setup)
        self.url = f"ws://127.0.0.1:{port}"
        return self.url

    def stop(self) -> None:
        self._loop_thread.run(self.server.stop())

    # ----------------------------------------------------------- what it saw
    @property
    def commands(self) -> list[dict[str, Any]]:
        """The data of every command received, oldest first."""
        return [r.data for r in self.received]

    @property
    def calls(self) -> Counter[str]:
        """Request id -> how many times it was received."""
        return Counter(str(r.data.get("request_id", "")) for r in self.received)

    # -------------------------------------------------------- the platform
    def end_call(self, agent: str, after_s: float = 30.0) -> None:
        """End the agent's contacts `after_s` from now; a pending move then takes effect.

        Call from the test's thread: the events are published on the server's loop.
        """
        self._loop_thread.call(self._end_contacts, agent, after_s)

    def _end_contacts(self, agent: str, after_s: float) -> None:
        floor = self.server.floor
        t = floor.now + after_s
        self.server.publish([
            *(ev.ContactEnded(t, c, floor.contacts[c].queue, agent)
              for c in sorted(floor.agents[agent].contacts)),
            ev.AgentStateChanged(t, agent, ev.AgentStatus.WRAP_UP.value),
        ])
        target = self.waiting.pop(agent, None)
        if target is not None:
            self._publish_skills(t, agent, target)

    async def handle(self, data: dict[str, Any], role: str) -> dict[str, Any]:
        """The FeedServer's command handler: (command data, role) -> result data."""
        self.received.append(Received(copy.deepcopy(data), role))
        result = self._carry_out(data, role)
        if self.drop_first and result["status"] != CommandStatus.REJECTED:
            self.drop_first = False
            for client in list(self.server._clients):
                await client.ws.close()
        return copy.deepcopy(result)

    def _carry_out(self, data: dict[str, Any], role: str) -> dict[str, Any]:
        floor = self.server.floor
        request_id = data.get("request_id")
        request_id = request_id if isinstance(request_id, str) else ""
        if role != Role.SUPERVISOR:
            who = "viewer tokens" if role == Role.VIEWER else f"role {role!r}"
            return self._rejected(request_id, f"{who} may not send commands")
        try:
            command = Reassign.from_data(data)
        except CommandError as exc:
            return self._rejected(request_id, str(exc))
        if command.request_id in self._results:
            first, result = self._results[command.request_id]
            if not first.same_move(command):
                return self._rejected(request_id, f"request id {request_id} was already "
                                      "used for a different command")
            return result
        agents = list(dict.fromkeys(command.agents))
        unknown = [a for a in agents if a not in floor.agents]
        if unknown:
            noun = "agent" if len(unknown) == 1 else "agents"
            return self._rejected(request_id, f"unknown {noun} {', '.join(unknown)}")
        bad_queues = [q for q in command.skills or {} if q not in floor.queues]
        if bad_queues:
            noun = "queue" if len(bad_queues) == 1 else "queues"
            return self._rejected(request_id, f"unknown {noun} {', '.join(bad_queues)}")
        channels = {q.id: str(q.channel) for q in floor.queues.values()}
        t = floor.now
        outcomes: dict[str, str] = {}
        before: dict[str, dict[str, Any]] = {}
        after: dict[str, dict[str, Any]] = {}
        for agent in agents:
            current = Skills(dict(floor.agents[agent].skills), floor.agents[agent].chat_capacity)
            target = target_skills(command, current, channels)
            before[agent], after[agent] = current.as_dict(), target.as_dict()
            if floor.agents[agent].contacts and target != current:
                self.waiting[agent] = target  # replaces an earlier pending target
                outcomes[agent] = PENDING
            else:
                self.waiting.pop(agent, None)
                self._publish_skills(t, agent, target)
                outcomes[agent] = APPLIED
        status = APPLIED if all(o == APPLIED for o in outcomes.values()) else \
            CommandStatus.ACCEPTED.value
        result = {"request_id": request_id, "status": status, "reason": "",
                  "agents": outcomes, "before": before, "after": after, "t": t}
        self._results[request_id] = (command, result)
        return result

    def _rejected(self, request_id: str, reason: str) -> dict[str, Any]:
        return {"request_id": request_id, "status": CommandStatus.REJECTED.value,
                "reason": reason, "agents": {}, "before": {}, "after": {},
                "t": self.server.floor.now}

    def _publish_skills(self, t: float, agent: str, skills: Skills) -> None:
        self.server.publish([ev.AgentSkills(t, agent, dict(skills.skills), skills.chat_capacity)])
        self.applied[agent] += 1


@pytest.fixture
def fake_platform(loop_thread) -> Iterator[Callable[..., FakePlatform]]:
    """Factory: `fake_platform(setup, **options)` is a started FakePlatform (see `.url`).

    Every platform made is stopped at the end of the test. A test module gets the
    fixture with `pytest_plugins = ["tests.fake_platform"]`.
    """
    made: list[FakePlatform] = []

    def make(setup: Iterable[ev.Event], **options: Any) -> FakePlatform:
        platform = FakePlatform(setup, **options)
        made.append(platform)
        platform.start(loop_thread)
        return platform

    yield make
    for platform in made:
        platform.stop()
