"""Server side of supervisor commands for the simulator's feed (docs/protocol.md).

`FeedServer` answers each `command` frame with what its `command_handler(data, role)`
returns. The handler here parses a `reassign`, has the simulation carry it out, and
publishes the events it made at once, so clients see an applied move straight away
instead of on the next tick. It runs on the server's loop, like the ticks that advance
the simulation, and never awaits between the two, so a command lands between ticks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from feeds.server import CommandHandler
from monitor.commands import CommandError, Reassign
from monitor.events import Event

from .simulator import Simulation, command_refusal, rejected

log = logging.getLogger(__name__)


def run_command(
    sim: Simulation, data: dict[str, Any], role: str,
    publish: Callable[[Iterable[Event]], None],
) -> dict[str, Any]:
    """Carry out one command's `data` for a connection with `role`; the result data."""
    request_id = data.get("request_id", "")
    request_id = request_id if isinstance(request_id, str) else ""
    refusal = command_refusal(role)
    if refusal:
        return rejected(request_id, refusal, sim.now)
    try:
        command = Reassign.from_data(data)
    except CommandError as exc:
        return rejected(request_id, str(exc), sim.now)
    try:
        result = sim.reassign(command, role)
    except Exception:  # a bug must not take the connection down with it
        log.exception("reassign %s failed", request_id)
        return rejected(request_id, "internal error", sim.now)
    # Events the move made now (skills, and work an idle agent picked up) go out at once.
    publish(sim.run_until(sim.now))
    return result


def command_handler(
    sim: Simulation, publish: Callable[[Iterable[Event]], None],
) -> CommandHandler:
    """A `FeedServer` command handler for `sim`; `publish` is usually `server.publish`."""

    async def handle(data: dict[str, Any], role: str) -> dict[str, Any]:
        return run_command(sim, data, role, publish)

    return handle
