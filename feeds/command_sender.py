"""Send a supervisor command through a hub and wait for its result, from a worker thread.

Shared by the window (on its command thread) and `floorwatch reassign`. A dropped
connection is retried with the same request id, which a feed treats as the same
command, so a retry is never applied twice.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from monitor.commands import CommandStatus, Reassign

from .health import FeedHealth
from .hub import FeedHub

log = logging.getLogger(__name__)

ATTEMPTS = 3
_POLL_S = 0.02


def _health(hub: FeedHub, key: str | None) -> FeedHealth:
    return hub.source(key).health()


def wait_connected(hub: FeedHub, timeout: float, key: str | None = None) -> str:
    """Wait until the feed `key` is connected and has told us our role; returns the role.

    Raises ConnectionError (with the feed's last error, e.g. 'unknown token') if
    that does not happen within `timeout`; an unknown token fails at once.
    """
    deadline = time.monotonic() + timeout
    while True:
        health = _health(hub, key)
        role = hub.role(key if key is not None else hub.source().key)
        if health.connected and role:
            return role
        if "unknown token" in health.last_error:
            raise ConnectionError(f"{health.url}: unknown token")
        if time.monotonic() >= deadline:
            why = f": {health.last_error}" if health.last_error else ""
            raise ConnectionError(f"cannot connect to {health.url} within {timeout:g} s{why}")
        time.sleep(_POLL_S)


def send_reassign(
    hub: FeedHub,
    command: Reassign,
    timeout: float = 10.0,
    *,
    key: str | None = None,
    attempts: int = ATTEMPTS,
) -> dict[str, Any]:
    """Send `command` to feed `key` and return its `command.result` data; blocking.

    A connection lost before the result arrives is retried (after the hub has
    reconnected) with the same request id, up to `attempts` sends, all within
    `timeout` seconds. This never raises for network trouble: it returns a
    result with status "error", a `reason`, and `sent` (False when the command
    never left, i.e. it certainly had no effect).
    """
    data = command.to_data()
    deadline = time.monotonic() + timeout
    sends = 0  # times the command may have reached the feed
    why = ""
    for attempt in range(1, attempts + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            wait_connected(hub, remaining, key)
        except ConnectionError as exc:
            why = str(exc)
            break
        remaining = max(0.05, deadline - time.monotonic())
        future = hub.send_command(dict(data), key=key, timeout=remaining)
        try:
            result = future.result(remaining + 1.0)
        except ConnectionError as exc:
            # Lost before the result: it may or may not have reached the feed, so
            # resend the same request id (the feed answers a repeat, never applies it
            # twice). "... is not connected" means it never left.
            if "is not connected" not in str(exc):
                sends += 1
            why = f"connection lost ({exc})"
            log.info("reassign %s: attempt %d of %d failed: %s",
                     command.request_id, attempt, attempts, exc)
            continue
        except TimeoutError:
            future.cancel()
            return error_result(command, f"no result within {timeout:g} s", sent=True)
        result = dict(result)
        result.setdefault("request_id", command.request_id)
        result["sent"] = True
        return result
    reason = why or f"no result within {timeout:g} s"
    if sends:
        reason += f" (sent {sends} time{'s' if sends != 1 else ''}, no result)"
    return error_result(command, reason, sent=sends > 0)


def error_result(command: Reassign, reason: str, *, sent: bool) -> dict[str, Any]:
    """A result for a command that got none: status error, why, and whether it left."""
    return {"request_id": command.request_id, "status": CommandStatus.ERROR.value,
            "reason": reason, "sent": sent}
