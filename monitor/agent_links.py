"""One person on two platforms: `[[agents]]` (or `agents_csv`) of the config.

A centre's people are queue members in Asterisk (by member interface, `PJSIP/1017`)
and inbox members in Chatwoot (by user id) at once. A link joins those ids to the
one Floorwatch agent id the floor shows, so the grid has one row per person and a
move of that person changes both platforms (feeds/sources/joined.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LINK_KEYS = ("id", "name", "team", "asterisk", "chatwoot")
MAX_LINKS = 100_000  # a floor is far smaller; a runaway file must not eat memory
MAX_TEXT = 200
MAX_CSV_BYTES = 50_000_000  # read whole: 100,000 people are a few MB


class AgentLinkError(ValueError):
    """A link that cannot be used; the message names the file and the key or row."""


@dataclass(frozen=True, slots=True)
class AgentLink:
    """A person: the Floorwatch agent id, and its id on each platform ('' / 0 = none)."""

    id: str
    name: str = ""
    team: str = ""
    asterisk: str = ""  # the Asterisk member interface
    chatwoot: int = 0  # the Chatwoot user id

    def platform_id(self, platform: str) -> str:
        """Its id as `platform`'s source names agents ('' when not on that platform)."""
        if platform == "asterisk":
            return self.asterisk
        if platform == "chatwoot" and self.chatwoot:
            return f"cw-{self.chatwoot}"  # feeds.sources.chatwoot_map.chatwoot_agent_id
        return ""


def agent_links(path: Path, table: Any, csv_name: Any) -> list[AgentLink]:
    """The links of a config: its [[agents]] array and/or the CSV `agents_csv` names
    (relative to the config's folder; columns id,name,team,asterisk,chatwoot)."""
    links: list[AgentLink] = []
    if table is not None:
        if not isinstance(table, list) or not all(isinstance(t, dict) for t in table):
            raise AgentLinkError(f"{path}: 'agents' must be an array of tables ([[agents]])")
        for i, entry in enumerate(table):
            unknown = [k for k in entry if k not in LINK_KEYS]
            if unknown:
                raise AgentLinkError(f"{path}: agents[{i}].{unknown[0]}: unknown key; known: "
                                     f"{', '.join(LINK_KEYS)}")
            links.append(_link(f"{path}: agents[{i}]", entry))
    if csv_name is not None:
        if not isinstance(csv_name, str) or not csv_name.strip() or "\0" in csv_name:
            raise AgentLinkError(f"{path}: agents_csv must be a file path")
        links += _from_csv(path, (path.parent / Path(csv_name.strip()).expanduser()))
    if len(links) > MAX_LINKS:
        raise AgentLinkError(f"{path}: agents: more than {MAX_LINKS:,} people")
    _check_unique(path, links)
    return links


def _text(where: str, entry: dict[str, Any], key: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise AgentLinkError(f"{where}.{key} must be text of at most {MAX_TEXT} characters")
    return value.strip()


def _link(where: str, entry: dict[str, Any]) -> AgentLink:
    person = _text(where, entry, "id")
    if not person:
        raise AgentLinkError(f"{where}.id must be given (the agent id Floorwatch shows)")
    chatwoot = entry.get("chatwoot", 0)
    if isinstance(chatwoot, str) and chatwoot.strip().isdigit():
        chatwoot = int(chatwoot.strip())  # a CSV cell
    elif isinstance(chatwoot, str) and not chatwoot.strip():
        chatwoot = 0
    if isinstance(chatwoot, bool) or not isinstance(chatwoot, int) or chatwoot < 0:
        raise AgentLinkError(f"{where}.chatwoot must be a Chatwoot user id (a whole number)")
    link = AgentLink(person, _text(where, entry, "name"), _text(where, entry, "team"),
                     _text(where, entry, "asterisk"), chatwoot)
    if not link.asterisk and not link.chatwoot:
        raise AgentLinkError(f"{where}: give asterisk (a member interface) and/or chatwoot "
                             f"(a user id)")
    return link


def _from_csv(config: Path, path: Path) -> list[AgentLink]:
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise AgentLinkError(f"{config}: agents_csv: {path}: over {MAX_CSV_BYTES:,} bytes; "
                                 f"a floor's people take far less")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise AgentLinkError(f"{config}: agents_csv: {path}: cannot read "
                             f"({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise AgentLinkError(f"{config}: agents_csv: {path}: not UTF-8 text") from None
    rows = csv.DictReader(text.splitlines())
    columns = rows.fieldnames or []
    if "id" not in columns:
        raise AgentLinkError(f"{path}: the first line must name the columns "
                             f"({','.join(LINK_KEYS)}); no 'id' column")
    unknown = [c for c in columns if c not in LINK_KEYS]
    if unknown:
        raise AgentLinkError(f"{path}: column {unknown[0]!r}: unknown; known: "
                             f"{', '.join(LINK_KEYS)}")
    links = []
    for n, row in enumerate(rows, start=2):
        if len(links) >= MAX_LINKS:
            break
        if None in row:
            raise AgentLinkError(f"{path}: line {n}: more cells than columns")
        if not any((v or "").strip() for v in row.values()):
            continue  # a blank line
        links.append(_link(f"{path}: line {n}", {k: v or "" for k, v in row.items()}))
    return links


def _check_unique(path: Path, links: list[AgentLink]) -> None:
    for what in ("id", "asterisk", "chatwoot"):
        seen: set[Any] = set()
        for link in links:
            value = getattr(link, what)
            if not value:
                continue
            if value in seen:
                raise AgentLinkError(f"{path}: agents: {what} {value!r} is given to two "
                                     f"people")
            seen.add(value)
