"""`[[feeds]]` entries of the kinds that are real platforms (docs/platforms.md).

Each entry holds where its credentials are, never a credential: `read_credential`
reads one when the source is built, so a config, its repr and its messages cannot
carry a secret. Messages name the file and the key (`feeds[2].token_file`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AMI_DEFAULT_PORT = 5038
# `[[feeds]] kind`: "floorwatch" (a native websocket feed) and the platforms.
FEED_KINDS = ("floorwatch", "asterisk-ami", "ami-websocket", "queue-log", "chatwoot")


class FeedConfigError(ValueError):
    """A platform entry that cannot be used (monitor.config re-raises it as ConfigError)."""


@dataclass(frozen=True, slots=True)
class AmiFeed:
    """`kind = "asterisk-ami"`: Asterisk's manager interface over TCP (docs/asterisk.md)."""

    host: str
    port: int = AMI_DEFAULT_PORT
    username: str = ""
    secret_file: str = ""  # exactly one of secret_file / secret_env is set
    secret_env: str = ""
    name: str = ""
    index: int = 0  # its place in [[feeds]], for messages naming feeds[i]

    kind = "asterisk-ami"
    platform = "asterisk"

    @property
    def key(self) -> str:
        """The feed key its source gets: the entry's name, else ami://host:port."""
        return self.name or f"ami://{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class AmiWebsocketFeed:
    """`kind = "ami-websocket"`: AMI messages through a websocket bridge (JSON frames)."""

    url: str
    token_file: str = ""  # optional; at most one of token_file / token_env
    token_env: str = ""
    name: str = ""
    index: int = 0

    kind = "ami-websocket"
    platform = "asterisk"

    @property
    def key(self) -> str:
        return self.name or self.url


@dataclass(frozen=True, slots=True)
class QueueLogFeed:
    """`kind = "queue-log"`: Asterisk's queue_log file, followed as it grows."""

    path: str
    name: str = ""
    index: int = 0

    kind = "queue-log"
    platform = "asterisk"

    @property
    def key(self) -> str:
        return self.name or f"queue_log:{self.path}"


@dataclass(frozen=True, slots=True)
class ChatwootFeed:
    """`kind = "chatwoot"`: Chatwoot's ActionCable stream and REST API (docs/chatwoot.md)."""

    url: str
    account_id: int
    user_id: int
    token_file: str = ""  # exactly one of token_file / token_env (the api_access_token)
    token_env: str = ""
    pubsub_token_file: str = ""  # exactly one of these two (the user's pubsub token)
    pubsub_token_env: str = ""
    cable_url: str = ""  # "" = ws(s)://the same host/cable
    name: str = ""
    index: int = 0

    kind = "chatwoot"
    platform = "chatwoot"

    @property
    def key(self) -> str:
        return self.name or f"chatwoot:{self.url}#{self.account_id}"


PlatformFeed = AmiFeed | AmiWebsocketFeed | QueueLogFeed | ChatwootFeed

_KEYS: dict[str, tuple[str, ...]] = {
    "asterisk-ami": ("name", "kind", "host", "port", "username", "secret_file", "secret_env"),
    "ami-websocket": ("name", "kind", "url", "token_file", "token_env"),
    "queue-log": ("name", "kind", "path"),
    "chatwoot": ("name", "kind", "url", "account_id", "user_id", "token_file", "token_env",
                 "pubsub_token_file", "pubsub_token_env", "cable_url"),
}


def feed_keys(kind: str) -> tuple[str, ...]:
    """The keys an entry of `kind` may have."""
    return _KEYS[kind]


def platform_feed(where: str, kind: str, entry: Mapping[str, Any], name: str,
                  index: int) -> PlatformFeed:
    """One entry of a platform `kind`, checked; `where` is 'FILE: feeds[i]'."""
    if kind == "asterisk-ami":
        return _ami(where, entry, name, index)
    if kind == "ami-websocket":
        url = _url(where, entry, ("ws://", "wss://"), "a ws:// or wss:// URL")
        creds = _credential(where, entry, "token", required=False)
        return AmiWebsocketFeed(url=url, name=name, index=index, **creds)
    if kind == "queue-log":
        path = entry.get("path")
        if not isinstance(path, str) or not path.strip() or "\0" in path:
            raise FeedConfigError(f"{where}.path must be given for a queue-log feed (the "
                                  f"queue_log file Asterisk writes)")
        return QueueLogFeed(path=path.strip(), name=name, index=index)
    url = _url(where, entry, ("http://", "https://"), "an http:// or https:// URL")
    numbers = {key: _whole(where, entry, key) for key in ("account_id", "user_id")}
    cable = ""
    if "cable_url" in entry:
        cable = _url(where, {"url": entry["cable_url"]}, ("ws://", "wss://"),
                     "a ws:// or wss:// URL").replace(f"{where}.url", f"{where}.cable_url")
    return ChatwootFeed(url=url.rstrip("/"), name=name, index=index, cable_url=cable, **numbers,
                        **_credential(where, entry, "token"),
                        **_credential(where, entry, "pubsub_token"))


def _ami(where: str, entry: Mapping[str, Any], name: str, index: int) -> AmiFeed:
    for key in ("host", "username"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise FeedConfigError(f"{where}.{key} must be given for an asterisk-ami feed "
                                  f"(a non-empty string)")
    port = entry.get("port", AMI_DEFAULT_PORT)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise FeedConfigError(f"{where}.port must be a whole number 1 to 65535 (got {port!r})")
    return AmiFeed(host=entry["host"].strip(), port=port, username=entry["username"].strip(),
                   name=name, index=index, **_credential(where, entry, "secret"))


def _url(where: str, entry: Mapping[str, Any], schemes: tuple[str, ...], what: str) -> str:
    url = entry.get("url")
    if not isinstance(url, str) or not url.startswith(schemes) or len(url) <= len(schemes[0]):
        raise FeedConfigError(f"{where}.url must be {what}")
    return url.strip()


def _whole(where: str, entry: Mapping[str, Any], key: str) -> int:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FeedConfigError(f"{where}.{key} must be a whole number of at least 1 "
                              f"(got {value!r})")
    return value


def _credential(where: str, entry: Mapping[str, Any], base: str,
                required: bool = True) -> dict[str, str]:
    """`{base}_file` or `{base}_env`: exactly one (or none when not `required`)."""
    keys = (f"{base}_file", f"{base}_env")
    given = [key for key in keys if key in entry]
    if len(given) > 1 or (required and not given):
        problem = "give only one of" if given else "give one of"
        raise FeedConfigError(f"{where}.{keys[0]} / {keys[1].rsplit('_', 1)[0]}_env: "
                              f"{problem} {keys[0]} (a file holding the {base.replace('_', ' ')})"
                              f" or {keys[1]} (an environment variable)")
    if not given:
        return {}
    value = entry[given[0]]
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise FeedConfigError(f"{where}.{given[0]} must be a non-empty string")
    return {given[0]: value.strip()}


def read_credential(where: str, file_key: str, path: str, env_key: str, env: str,
                    environ: Mapping[str, str] | None = None) -> str:
    """A credential: its environment variable `env`, else the first line (stripped) of
    the file `path`; '' when neither is set. A FeedConfigError naming `where.key` when
    it cannot be had; the message never holds the credential."""
    environ = os.environ if environ is None else environ
    if env:
        value = environ.get(env, "")
        if not value.strip():
            state = "is empty" if env in environ else "is not set"
            raise FeedConfigError(f"{where}.{env_key}: {env} {state}")
        return value.strip()
    if not path:
        return ""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise FeedConfigError(f"{where}.{file_key}: {path}: cannot read "
                              f"({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise FeedConfigError(f"{where}.{file_key}: {path}: not UTF-8 text") from None
    first = text.splitlines()[0].strip() if text.strip() else ""
    if not first:
        raise FeedConfigError(f"{where}.{file_key}: {path}: empty (the secret goes on its "
                              f"first line)")
    return first


def credential_files(feed: PlatformFeed) -> list[str]:
    """The credential files `feed` names (for the 'readable by others' warning)."""
    names = ("secret_file", "token_file", "pubsub_token_file")
    return [value for n in names if (value := getattr(feed, n, ""))]

