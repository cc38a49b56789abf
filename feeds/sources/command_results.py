"""What every platform source that takes `reassign` shares: parsing the command, its
result shapes, and the results remembered by request id, so a retry of the same
command (the command sender resends after a dropped connection) gets its first
answer instead of being carried out twice. No I/O."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from monitor.commands import CommandError, Reassign, Skills

MAX_RESULTS = 10_000  # applied results remembered (oldest forgotten first)


def rejected(request_id: str, reason: str) -> dict[str, Any]:
    """A `command.result` that changed nothing (the websocket feed's shape)."""
    return {"request_id": request_id, "status": "rejected", "reason": reason, "agents": {}}


def applied(command: Reassign, before: Mapping[str, Skills], after: Mapping[str, Skills],
            t: float) -> dict[str, Any]:
    """The `command.result` of a move carried out at once on the platform."""
    return {
        "request_id": command.request_id,
        "status": "applied",
        "reason": "",
        "agents": dict.fromkeys(command.agents, "applied"),
        "before": {a: s.as_dict() for a, s in before.items()},
        "after": {a: s.as_dict() for a, s in after.items()},
        "t": t,
    }


def check_targets(command: Reassign, queues: Iterable[str],
                  known: Callable[[str], bool], platform: str) -> None:
    """Refuse (CommandError) a timed lend, a queue or an agent the platform lacks."""
    if command.duration_s is not None:
        raise CommandError(f"a timed lend is not supported on {platform} feed")
    queues = frozenset(queues)
    unknown = sorted(q for q in command.skills or {} if q not in queues)
    if unknown:
        raise CommandError(f"unknown queue {', '.join(unknown)}")
    missing = [a for a in command.agents if not known(a)]
    if missing:
        raise CommandError(f"unknown agent{'s' if len(missing) > 1 else ''} {', '.join(missing)}")


class Results:
    """Applied results by request id, bounded."""

    def __init__(self, limit: int = MAX_RESULTS) -> None:
        self.limit = limit
        self._by_id: OrderedDict[str, tuple[Reassign, dict[str, Any]]] = OrderedDict()

    def parse(self, data: dict[str, Any]) -> tuple[Reassign | None, dict[str, Any] | None]:
        """(the command, None) to carry out, or (None, the answer) for bad data or a
        request id already used."""
        request_id = str(data.get("request_id", ""))
        try:
            command = Reassign.from_data(data)
        except CommandError as e:
            return None, rejected(request_id, str(e))
        answer = self.repeat(command)
        return (None, answer) if answer is not None else (command, None)

    def repeat(self, command: Reassign) -> dict[str, Any] | None:
        """The first answer to this request id (a copy), a refusal if it named another
        move, or None when the id is new."""
        seen = self._by_id.get(command.request_id)
        if seen is None:
            return None
        if seen[0].same_move(command):
            return dict(seen[1])
        return rejected(command.request_id, f"request id {command.request_id} was already "
                                            f"used for a different command")

    def keep(self, command: Reassign, result: dict[str, Any]) -> dict[str, Any]:
        """Remember an applied result; returns a copy for the caller."""
        self._by_id[command.request_id] = (command, result)
        while len(self._by_id) > self.limit:
            self._by_id.popitem(last=False)
        return dict(result)
