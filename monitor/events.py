"""Canonical events: the one vocabulary every source is turned into.

Every feed (simulator, native websocket, replay, platform adapters) ends as a
stream of these. Times are event times in epoch seconds (float); the engine
never reads the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # monitor.snapshot imports this module; the type is only for hints
    from .snapshot import PreparedSnapshot


class Channel(StrEnum):
    HOTLINE = "hotline"
    ONLINE = "online"


class AgentStatus(StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RINGING = "ringing"  # reserved / offered, not yet accepted
    ON_CONTACT = "on_contact"  # talking, on hold, or chatting
    WRAP_UP = "wrap_up"  # after-contact work
    NOT_READY = "not_ready"  # aux / break, with a reason code


class ExitReason(StrEnum):
    """Ways a contact leaves a queue other than answered or abandoned."""

    TIMEOUT = "timeout"
    KEY = "key"
    WITHDRAW = "withdraw"
    EMPTY = "empty"
    TRANSFER = "transfer"


class Side(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Event:
    """Base of all canonical events. `t` is the event time (epoch seconds)."""

    TYPE: ClassVar[str] = ""
    t: float


@dataclass(frozen=True, slots=True)
class QueueDefined(Event):
    TYPE: ClassVar[str] = "queue.defined"
    queue: str
    name: str
    channel: str  # Channel value
    sl_target_s: float = 20.0
    tier: str = "normal"  # normal | vip | complaint | callback …
    name_zh: str = ""


@dataclass(frozen=True, slots=True)
class ContactOffered(Event):
    """A call or chat entered a queue and waits for an agent."""

    TYPE: ClassVar[str] = "contact.offered"
    contact: str
    queue: str
    customer: str = ""


@dataclass(frozen=True, slots=True)
class ContactAnswered(Event):
    """Connected to an agent (for chat: accepted by an agent)."""

    TYPE: ClassVar[str] = "contact.answered"
    contact: str
    queue: str
    agent: str


@dataclass(frozen=True, slots=True)
class ContactAbandoned(Event):
    """The customer left before being answered."""

    TYPE: ClassVar[str] = "contact.abandoned"
    contact: str
    queue: str


@dataclass(frozen=True, slots=True)
class ContactExited(Event):
    """Left the queue unanswered for a reason other than abandoning."""

    TYPE: ClassVar[str] = "contact.exited"
    contact: str
    queue: str
    reason: str = ExitReason.TIMEOUT.value


@dataclass(frozen=True, slots=True)
class ContactEnded(Event):
    """Conversation over (hang-up, chat closed); wrap-up follows as agent state."""

    TYPE: ClassVar[str] = "contact.ended"
    contact: str
    queue: str
    agent: str


@dataclass(frozen=True, slots=True)
class ContactTransferred(Event):
    """Moved from `queue` to `to_queue`; it waits again in `to_queue`."""

    TYPE: ClassVar[str] = "contact.transferred"
    contact: str
    queue: str
    to_queue: str
    agent: str = ""


@dataclass(frozen=True, slots=True)
class CallbackRequested(Event):
    """The customer left the live queue asking to be called back (or booked an
    offline appointment). Not an abandon: the contact waits in a backlog."""

    TYPE: ClassVar[str] = "callback.requested"
    contact: str
    queue: str
    kind: str = "callback"  # callback | appointment
    waited_s: float = 0.0


@dataclass(frozen=True, slots=True)
class CallbackCompleted(Event):
    """A backlog item was worked (called back / appointment booked)."""

    TYPE: ClassVar[str] = "callback.completed"
    contact: str
    queue: str
    agent: str = ""


@dataclass(frozen=True, slots=True)
class ChatMessage(Event):
    TYPE: ClassVar[str] = "chat.message"
    contact: str
    side: str  # Side value
    text: str
    agent: str = ""


@dataclass(frozen=True, slots=True)
class AgentLogin(Event):
    TYPE: ClassVar[str] = "agent.login"
    agent: str
    name: str
    team: str = ""


@dataclass(frozen=True, slots=True)
class AgentLogout(Event):
    TYPE: ClassVar[str] = "agent.logout"
    agent: str


@dataclass(frozen=True, slots=True)
class AgentStateChanged(Event):
    TYPE: ClassVar[str] = "agent.state"
    agent: str
    state: str  # AgentStatus value
    reason: str = ""  # not-ready reason code: break, meal, training, meeting …


@dataclass(frozen=True, slots=True)
class AgentSkills(Event):
    """Queue memberships (queue -> level 1..10) and concurrent chat capacity."""

    TYPE: ClassVar[str] = "agent.skills"
    agent: str
    skills: dict[str, int] = field(default_factory=dict)
    chat_capacity: int = 0


@dataclass(frozen=True, slots=True)
class SurveyResult(Event):
    """Post-contact survey: NPS 0-10 and/or satisfaction 1-5 (-1 = not given)."""

    TYPE: ClassVar[str] = "survey.result"
    contact: str
    queue: str
    agent: str = ""
    nps: int = -1
    csat: int = -1


@dataclass(frozen=True, slots=True)
class Heartbeat(Event):
    """Advances event time when nothing else happens."""

    TYPE: ClassVar[str] = "heartbeat"


# Bot stage (protocol v1, a compatible addition): a chat a bot answers first. It is
# not waiting for a human; the bot either resolves it (contained) or hands it over,
# and a `contact.offered` into `queue` follows the handoff.
@dataclass(frozen=True, slots=True)
class BotStarted(Event):
    """A bot took the chat (not yet waiting for a human)."""

    TYPE: ClassVar[str] = "bot.started"
    contact: str
    queue: str


@dataclass(frozen=True, slots=True)
class BotResolved(Event):
    """The bot resolved the chat: contained, no human needed."""

    TYPE: ClassVar[str] = "bot.resolved"
    contact: str
    queue: str


@dataclass(frozen=True, slots=True)
class BotHandoff(Event):
    """The bot handed the chat to a human; a `contact.offered` into `queue` follows."""

    TYPE: ClassVar[str] = "bot.handoff"
    contact: str
    queue: str


class _CarriesPrepared(Event):
    """A slot for `Snapshot.prepared`: not a dataclass field, so never on the wire
    (encoders and decoders walk `dataclasses.fields`), in eq, repr or pickles."""

    __slots__ = ("_prepared",)


@dataclass(frozen=True, slots=True)
class Snapshot(_CarriesPrepared):
    """The whole state of one feed, including everything up to `seq`.

    A source may attach the state already prepared (`monitor.snapshot.prepare`, off
    the GUI thread) with `with_prepared`; `Floor.apply` then only installs it.
    """

    TYPE: ClassVar[str] = "snapshot"
    seq: int = 0
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def prepared(self) -> PreparedSnapshot | None:
        """The state as `monitor.snapshot.prepare` left it (checked, and built unless
        `build=False`), if a source prepared it."""
        return getattr(self, "_prepared", None)

    def with_prepared(self, prepared: PreparedSnapshot) -> Snapshot:
        """This snapshot carrying `prepared` (a new event; this one is unchanged)."""
        out = Snapshot(self.t, self.seq, self.state)
        object.__setattr__(out, "_prepared", prepared)  # frozen: set once, here
        return out


EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (
        QueueDefined,
        ContactOffered,
        ContactAnswered,
        ContactAbandoned,
        ContactExited,
        ContactEnded,
        ContactTransferred,
        CallbackRequested,
        CallbackCompleted,
        ChatMessage,
        AgentLogin,
        AgentLogout,
        AgentStateChanged,
        AgentSkills,
        SurveyResult,
        Heartbeat,
        Snapshot,
        BotStarted,
        BotResolved,
        BotHandoff,
    )
}
