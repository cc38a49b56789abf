"""The records a `Floor` holds: queues, live contacts and agents.

They live apart from `monitor.floor` so that the modules reading or rebuilding
them (views, snapshots, impact previews) need not import the engine itself.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .events import AgentStatus
from .rolling import RollingCounters

BUSY_STATES = frozenset(
    {AgentStatus.RINGING, AgentStatus.ON_CONTACT, AgentStatus.WRAP_UP}
)
SERVING_STATES = BUSY_STATES | {AgentStatus.AVAILABLE}


@dataclass(slots=True)
class Queue:
    id: str
    name: str
    channel: str
    sl_target_s: float = 20.0
    tier: str = "normal"
    name_zh: str = ""
    feed: str = ""
    waiting: dict[str, float] = field(default_factory=dict)  # contact -> offered_t
    backlog: dict[str, float] = field(default_factory=dict)  # callbacks waiting
    stats: RollingCounters = field(default_factory=RollingCounters)
    members: Counter[str] = field(default_factory=Counter)  # AgentStatus -> count
    in_progress: int = 0  # answered, not yet ended
    # Bumped by the floor whenever anything a view of this queue shows may have moved;
    # cached views are kept while it stands still.
    version: int = field(default=0, compare=False)
    # The bot stage (issue 15 part 4): chats a bot holds now (contact -> bot.started
    # time), and contacts handed over by the bot (contact -> bot.handoff time) while
    # they wait for a human, or were just handed over with their offer to follow.
    bots: dict[str, float] = field(default_factory=dict)
    handoffs: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Contact:
    id: str
    queue: str
    offered_t: float
    answered_t: float | None = None
    agent: str = ""
    first_customer_msg_t: float | None = None
    first_reply_seen: bool = False
    # The first customer message since the agent last wrote (None: none waits for a
    # reply): the start of the chat's next response time.
    awaiting_reply_t: float | None = None


@dataclass(slots=True)
class Agent:
    id: str
    name: str
    team: str = ""
    state: str = AgentStatus.LOGGED_OUT
    reason: str = ""
    state_since: float = 0.0
    skills: dict[str, int] = field(default_factory=dict)
    chat_capacity: int = 0
    contacts: set[str] = field(default_factory=set)
    handled: int = 0
    handle_s: float = 0.0
    feed: str = ""
    # Handle time of the last ended contact waits here until wrap-up ends,
    # because AHT includes wrap-up: (queue, talk seconds).
    pending_handle: tuple[str, float] | None = None

    @property
    def load(self) -> int:
        return len(self.contacts)
