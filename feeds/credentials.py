"""Access tokens from files: one for a client, `TOKEN ROLE` lines for a server.

Tokens come only from files (or the environment, by the caller), are sent only
to the feed they were given for, and never appear in logs, recordings or output.
"""

from __future__ import annotations

from pathlib import Path

from monitor.commands import Role


def read_token(path: str | Path | None) -> str:
    """The first non-empty line of a token file ('' for no file)."""
    if not path:
        return ""
    for line in Path(path).expanduser().read_text(encoding="utf-8").splitlines():
        if line.strip():
            return line.strip()
    return ""


def read_tokens(path: str | Path) -> dict[str, str]:
    """Lines `TOKEN ROLE` (role viewer or supervisor); '#' starts a comment."""
    tokens: dict[str, str] = {}
    roles = {r.value for r in Role}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or parts[1] not in roles:
            raise ValueError(f"{path}:{n}: expected 'TOKEN viewer|supervisor'")
        tokens[parts[0]] = parts[1]
    return tokens
