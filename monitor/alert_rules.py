"""Alert rules as values: what is measured, on which targets, when it raises and clears.

Rules come from TOML (`monitor.alert_rules_toml`, docs/alerts.md) or from the shipped
defaults (`monitor.alert_defaults`). This module holds only the model, so the engine,
the parser, the UI and the backtest share one definition.

Units in a rule are the ones a supervisor reads on the wall: seconds for waits and
durations, percent (0-100) for service level and abandon rate, plain counts and ratios
otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


class Scope(StrEnum):
    """What a rule's targets are: the target id of an alert is a queue, agent, feed,
    contact (keyword hits) or the normalised keyword itself (hotspots)."""

    QUEUE = "queue"
    AGENT = "agent"
    FEED = "feed"
    CONTACT = "contact"
    KEYWORD = "keyword"


# metric -> (scope, unit). The unit is for display: "s", "%", "" (count), "x" (ratio).
METRICS: dict[str, tuple[Scope, str]] = {
    # per queue, from its view over the rule's window
    "longest_wait_s": (Scope.QUEUE, "s"),
    "service_level": (Scope.QUEUE, "%"),
    "abandon_rate": (Scope.QUEUE, "%"),
    "waiting": (Scope.QUEUE, ""),
    "waiting_per_available": (Scope.QUEUE, "x"),  # waiting / agents available (0 -> waiting)
    "first_response_s": (Scope.QUEUE, "s"),
    "estimated_wait_s": (Scope.QUEUE, "s"),
    "backlog": (Scope.QUEUE, ""),
    # forecast: minutes until the SL falls below the queue's goal (monitor.early_warning)
    "sl_forecast": (Scope.QUEUE, "min"),
    # per agent: seconds in the state, from the agent's state_since
    "not_ready_s": (Scope.AGENT, "s"),
    "wrap_up_s": (Scope.AGENT, "s"),
    # per feed: seconds without a frame (wall clock, live only; docs/alerts.md)
    "feed_stale_s": (Scope.FEED, "s"),
    # chat text (monitor.keywords): one alert per contact and word, and hotspots
    "keyword": (Scope.CONTACT, ""),
    "keyword_hotspot": (Scope.KEYWORD, ""),
}

COMPARISONS = (">", ">=", "<", "<=")


@dataclass(frozen=True, slots=True)
class Selector:
    """Which targets a rule watches; every non-empty field must match (AND).

    Queue rules match on queue ids, channel and tier; agent rules on agent ids and
    team (and, through the queues they are skilled in, channel); keyword rules on the
    queue, channel and tier of the chat's queue. Empty everywhere: every target.
    """

    queues: tuple[str, ...] = ()
    channel: str = ""  # hotline | online
    tier: str = ""  # normal | vip | complaint | callback …
    agents: tuple[str, ...] = ()
    team: str = ""
    feeds: tuple[str, ...] = ()

    def matches_queue(self, queue_id: str, channel: str, tier: str) -> bool:
        return ((not self.queues or queue_id in self.queues)
                and (not self.channel or channel == self.channel)
                and (not self.tier or tier == self.tier))


@dataclass(frozen=True, slots=True)
class KeywordSpec:
    """The words a keyword or hotspot rule looks for, and on whose messages."""

    words: tuple[str, ...] = ()
    side: str = "customer"  # customer | agent | any
    # hotspot only: distinct chats within window_s that raise (and the usual rate factor)
    window_s: float = 900.0
    min_chats: int = 8
    factor: float = 3.0  # raise only at factor x the word's usual count per window


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One rule. `enter` raises (after `for_s` seconds true), `exit` clears.

    For ">" rules `exit` <= `enter` (it clears once the value is back at or below
    exit); for "<" rules `exit` >= `enter`. Without an exit in the file it equals
    enter. Keyword rules have no threshold: a hit raises.
    """

    name: str
    metric: str
    op: str = ">"
    enter: float = 0.0
    exit: float = 0.0
    for_s: float = 0.0  # minimum duration the condition holds before raising
    severity: Severity = Severity.WARNING
    selector: Selector = Selector()
    window: int | str = 15  # rolling minutes, "interval" or "today" (queue view window)
    escalate_after_s: float | None = None  # critical unacknowledged this long: escalated
    message_en: str = ""
    message_zh: str = ""
    keywords: KeywordSpec | None = None
    enabled: bool = True

    @property
    def scope(self) -> Scope:
        return METRICS[self.metric][0]

    @property
    def unit(self) -> str:
        return METRICS[self.metric][1]

    def entered(self, value: float) -> bool:
        """The condition that raises holds for `value`."""
        return _compare(self.op, value, self.enter)

    def exited(self, value: float) -> bool:
        """The condition that clears holds for `value` (hysteresis: not merely 'not entered')."""
        return not _compare(self.op, value, self.exit)


def _compare(op: str, value: float, limit: float) -> bool:
    if op == ">":
        return value > limit
    if op == ">=":
        return value >= limit
    if op == "<":
        return value < limit
    return value <= limit
