"""Access tokens from files: one for a client, `TOKEN ROLE` lines for a server.

Tokens come only from files (or the environment, by the caller), are sent only
to the feed they were given for, and never appear in logs, recordings or output.
"""

from __future__ import annotations

import os
import ssl
import stat
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from monitor.commands import Role


def _read(path: str | Path, what: str) -> str:
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{what} {path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ValueError(f"{what} {path}: not UTF-8 text") from None


def read_token(path: str | Path | None) -> str:
    """The first non-empty line of a token file ('' for no file); ValueError naming
    the file when it cannot be read or holds no token."""
    if not path:
        return ""
    for line in _read(path, "token file").splitlines():
        if line.strip():
            return line.strip()
    raise ValueError(f"token file {path}: empty (the token goes on its first line)")


def read_tokens(path: str | Path) -> dict[str, str]:
    """Lines `TOKEN ROLE` (role viewer or supervisor); '#' starts a comment."""
    tokens: dict[str, str] = {}
    roles = {r.value for r in Role}
    for n, line in enumerate(_read(path, "tokens file").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or parts[1] not in roles:
            raise ValueError(f"{path}:{n}: expected 'TOKEN viewer|supervisor'")
        tokens[parts[0]] = parts[1]
    if not tokens:
        # An empty list would admit nobody: surely not what was meant.
        raise ValueError(f"tokens file {path}: no tokens (lines 'TOKEN viewer|supervisor')")
    return tokens


def redact_url(url: str) -> str:
    """The URL without user, password, query or fragment: what may be stored and shown.

    A platform may put a token in the query (`?token=…`); the full URL is used only
    to connect to that feed, and this form names the feed everywhere else.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: keep the text, the connect fails
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"
    netloc = host if port is None else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def token_files_per_feed(urls: list[str], token_files: list[str] | None) -> dict[str, str]:
    """Which token file goes to which feed URL ('' for none).

    `--token-file` is given once per `--feed`, in the same order; one token file for
    several feeds is refused, because a token must reach only the feed it is for.
    """
    files = [f for f in token_files or [] if f]
    if not files:
        return dict.fromkeys(urls, "")
    if len(files) != len(urls):
        raise ValueError(
            f"--token-file: {len(urls)} feed{'s' if len(urls) != 1 else ''} but "
            f"{len(files)} token file{'s' if len(files) != 1 else ''}: give one --token-file "
            "per --feed, in the same order (a token goes only to the feed it is given for)")
    return dict(zip(urls, files, strict=True))


def readable_by_others(path: str | Path) -> bool:
    """True when a token file's permissions let group or other users read it (POSIX)."""
    if os.name != "posix":
        return False
    return bool(Path(path).expanduser().stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))


def read_feed_tokens(files: dict[str, str], warn: Callable[[str], None]) -> dict[str, str]:
    """Each feed's token, read from its file; `warn` hears of files others can read."""
    tokens = {}
    for url, path in files.items():
        tokens[url] = read_token(path)
        if path and readable_by_others(path):
            warn(f"token file {path} can be read by other users: chmod 600 {path}")
    return tokens


def create_private(path: str | Path) -> None:
    """Create `path` (if missing) readable and writable by its owner only (0600).

    SQLite gives a database's -wal and -shm files the database file's permissions,
    so creating the file this way first keeps the whole store private.
    """
    fd = os.open(os.fspath(path), os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def tls_context(cert: str | Path | None, key: str | Path | None) -> ssl.SSLContext | None:
    """A server TLS context from PEM files, or None for plain ws:// (neither given).

    Raises ValueError naming the flag when only one is given or a file is unusable.
    """
    if not cert and not key:
        return None
    if not cert or not key:
        raise ValueError("--tls-cert and --tls-key go together")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(os.fspath(cert), os.fspath(key))
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(f"--tls-cert {cert} / --tls-key {key}: cannot load ({exc})") from None
    return context
