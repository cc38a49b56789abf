"""Which feeds are stale, why, and since when: the rule behind the window's banner.

A feed is stale when it is not connected, or connected but silent (not even a
heartbeat) for longer than its threshold. Its figures are then the last ones
it sent, not the floor as it is: the window greys them and names the feed.

Wall-clock times come in as arguments, so every function here is pure except
`StaleFeeds`, which only remembers since when each feed has been stale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .health import STALE_AFTER_S, FeedHealth


class StaleReason(StrEnum):
    """Why a feed's figures cannot be trusted, in the words a supervisor can act on."""

    BAD_TOKEN = "bad_token"  # the feed turned our token away: fix the token file
    REFUSED = "refused"  # the host answered but nothing listens on the port: feed down
    UNREACHABLE = "unreachable"  # no answer at all: network, name, TLS or a timeout
    LOST = "lost"  # it was connected and the connection ended; reconnecting
    SILENT = "silent"  # connected, yet nothing arrived for longer than the threshold
    NOT_CONNECTED = "not_connected"  # never connected yet and no error to tell why


# Error texts (the exception's type name first, as sources record them) by reason.
# Order matters: a refused token also closes the connection.
_TOKEN_MARKS = ("unknown token", "4001", "unauthorized", "AmiLoginRefused")
_REFUSED_MARKS = ("ConnectionRefusedError", "Connection refused", "Connect call failed")
_LOST_MARKS = ("ConnectionClosed", "IncompleteRead", "ConnectionResetError")
_UNREACHABLE_MARKS = (
    "OSError",
    "TimeoutError",
    "gaierror",
    "InvalidStatus",
    "InvalidHandshake",
    "InvalidMessage",
    "InvalidURI",
    "SSL",
)


def error_reason(error: str, was_connected: bool = False) -> StaleReason:
    """The reason a disconnected feed's last error gives (`was_connected`: it had been
    connected before, so an unexplained end is a lost connection)."""
    if any(mark in error for mark in _TOKEN_MARKS):
        return StaleReason.BAD_TOKEN
    if any(mark in error for mark in _REFUSED_MARKS):
        return StaleReason.REFUSED
    if error.startswith(_LOST_MARKS):
        return StaleReason.LOST
    if error.startswith(_UNREACHABLE_MARKS):
        return StaleReason.UNREACHABLE
    if not error:
        return StaleReason.LOST if was_connected else StaleReason.NOT_CONNECTED
    return StaleReason.LOST if was_connected else StaleReason.UNREACHABLE


def stale_reason(
    connected: bool,
    last_event_age_s: float | None,
    last_error: str = "",
    was_connected: bool = False,
    silent_after_s: float = STALE_AFTER_S,
) -> StaleReason | None:
    """Why a feed is stale, or None when its figures are live.

    A connected feed that has sent nothing yet is not stale: it is catching up,
    and nothing it feeds is shown yet. A live feed sends heartbeats when the floor
    is quiet, so silence past `silent_after_s` is trouble, not calm.
    """
    if not connected:
        return error_reason(last_error, was_connected)
    if last_event_age_s is not None and last_event_age_s > silent_after_s:
        return StaleReason.SILENT
    return None


def health_reason(health: FeedHealth, silent_after_s: float = STALE_AFTER_S) -> StaleReason | None:
    """`stale_reason` read from a feed's health record."""
    was_connected = health.reconnects > 0 or health.events > 0
    return stale_reason(
        health.connected, health.last_event_age_s, health.last_error, was_connected, silent_after_s
    )


def feed_name(health: FeedHealth) -> str:
    """How a feed is named to people: the id it announced, else its (redacted) URL."""
    return health.feed or health.url


@dataclass(frozen=True, slots=True)
class Stale:
    """One stale feed: its key (the `feed` of its queues and agents), name, reason and
    the wall-clock time its data stopped (epoch seconds)."""

    key: str
    name: str
    reason: StaleReason
    since: float
    error: str = ""


class StaleFeeds:
    """Follows the feeds from tick to tick and remembers since when each one is stale.

    `since` is fixed when a feed turns stale: the time of its last frame when the
    source knows it (the figures shown are from then), else the moment it was
    first seen stale. It holds while the reason changes (lost, then refused on
    each retry) and is forgotten when the feed is live again.
    """

    def __init__(self, silent_after_s: float = STALE_AFTER_S) -> None:
        self.silent_after_s = silent_after_s
        self._since: dict[str, float] = {}

    def update(self, feeds: Iterable[tuple[str, FeedHealth]], now: float) -> dict[str, Stale]:
        """The stale feeds among `feeds` ((key, health) pairs) at wall-clock `now`,
        by key, in the order given."""
        stale: dict[str, Stale] = {}
        for key, health in feeds:
            reason = health_reason(health, self.silent_after_s)
            if reason is None:
                continue
            since = self._since.get(key)
            if since is None:
                age = health.last_event_age_s
                since = self._since[key] = now - age if age is not None else now
            stale[key] = Stale(key, feed_name(health), reason, since, health.last_error)
        for key in [k for k in self._since if k not in stale]:
            del self._since[key]  # live again (or gone): a new episode starts afresh
        return stale
