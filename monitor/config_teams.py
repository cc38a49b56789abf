"""[teams.NAME] in the client config: the queues one team works (docs/scopes.md).

    [teams.A]
    queues = ["hl-general", "ol-app"]

A team scope (monitor/scope.py) shows these queues; a team without a table here
shows the queues its agents are skilled in. The team's agents are always those whose
`team` field is NAME (from the feed, or [[agents]] team = ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

TEAM_KEYS = ("queues",)


class TeamsError(ValueError):
    """A [teams] table that cannot be used; the message names the file and key."""


def teams_table(path: Path | str, table: Any) -> dict[str, tuple[str, ...]]:
    """[teams]: team name -> its queue ids, in the file's order, each checked."""
    if not isinstance(table, dict):
        raise TeamsError(f"{path}: [teams] must be a table of [teams.NAME] tables")
    out: dict[str, tuple[str, ...]] = {}
    for name, team in table.items():
        where = f"{path}: teams.{name}"
        if not name.strip():
            raise TeamsError(f"{path}: teams: a team name must not be empty")
        if not isinstance(team, dict):
            raise TeamsError(f"{where} must be a table with queues = [...]")
        for key in team:
            if key not in TEAM_KEYS:
                raise TeamsError(f"{where}.{key}: unknown key; known: {', '.join(TEAM_KEYS)}")
        queues = team.get("queues")
        if (
            not isinstance(queues, list)
            or not queues
            or not all(isinstance(q, str) and q.strip() for q in queues)
        ):
            raise TeamsError(
                f"{where}.queues must be a non-empty array of queue ids, "
                f'e.g. ["hl-general", "ol-app"] (got {queues!r})'
            )
        out[name] = tuple(dict.fromkeys(q.strip() for q in queues))
    return out
