"""The few Chatwoot REST calls the Chatwoot source needs, over the standard library.

`http.client` run in a worker thread (`asyncio.to_thread`): one short request per
call, no session to keep, nothing beyond the standard library. Every answer is capped
(`max_bytes`) and parsed as JSON; a 401 raises `ChatwootUnauthorized`, any other
non-2xx `ChatwootHttpError` with Chatwoot's own message. The access token goes only
into the `api_access_token` header: never into errors, logs or `repr`.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

MAX_BYTES = 8 * 1024 * 1024  # one REST answer (a page of 25 conversations is ~100 KB)
PER_PAGE = 25  # Chatwoot's conversations list page size


class ChatwootHttpError(Exception):
    """Chatwoot answered with an error status; `str` is `HTTP <status> <its message>`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status} {message}".strip())
        self.status = status


class ChatwootUnauthorized(ChatwootHttpError):
    """HTTP 401: the access token was not accepted (or the user may not do this)."""


def _message(body: bytes) -> str:
    """Chatwoot's error text: `{"error": ...}`, `{"message": ...}` or `{"errors": [...]}`."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(data, Mapping):
        return ""
    for key in ("error", "message", "errors"):
        value = data.get(key)
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value[:3])
        if isinstance(value, str) and value:
            return value[:150]
    return ""


class ChatwootRest:
    """REST calls to one Chatwoot account as one user (its `api_access_token`)."""

    def __init__(
        self,
        url: str,
        account_id: int,
        token: str,
        *,
        timeout_s: float = 10.0,
        max_bytes: int = MAX_BYTES,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the Chatwoot url must be http(s)://host[:port]")
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.base = parts.path.rstrip("/")
        self.account = f"{self.base}/api/v1/accounts/{int(account_id)}"
        self.timeout_s, self.max_bytes = timeout_s, max_bytes
        self._token = token
        self._tls = (
            tls if tls is not None else (ssl.create_default_context() if self.https else None)
        )

    def __repr__(self) -> str:  # never the token
        return f"ChatwootRest({self.host}:{self.port}{self.account})"

    # ------------------------------------------------------------- the calls
    async def inboxes(self) -> list[Any]:
        return _list(await self.get("/inboxes"), "payload")

    async def agents(self) -> list[Any]:
        return _list(await self.get("/agents"), None)

    async def inbox_members(self, inbox_id: int) -> list[Any]:
        return _list(await self.get(f"/inbox_members/{int(inbox_id)}"), "payload")

    async def set_inbox_members(self, inbox_id: int, user_ids: list[int]) -> Any:
        """PATCH: the inbox's members become exactly `user_ids`."""
        return await self.request(
            "PATCH", "/inbox_members", {"inbox_id": int(inbox_id), "user_ids": user_ids}
        )

    async def teams(self) -> list[Any]:
        return _list(await self.get("/teams"), None)

    async def team_members(self, team_id: int) -> list[Any]:
        return _list(await self.get(f"/teams/{int(team_id)}/team_members"), None)

    async def conversations(self, status: str, page: int) -> tuple[list[Any], int | None]:
        """One page of conversations of `status` (every assignee): the page's items and
        the list's `all_count` (None when absent)."""
        data = await self.get(
            "/conversations", {"status": status, "assignee_type": "all", "page": page}
        )
        inner = data.get("data") if isinstance(data, Mapping) else None
        if not isinstance(inner, Mapping):
            raise ChatwootHttpError(200, "conversations: no data object")
        meta = inner.get("meta")
        count = meta.get("all_count") if isinstance(meta, Mapping) else None
        return _list(inner, "payload"), count if type(count) is int else None

    # ----------------------------------------------------------------- wire
    async def get(self, path: str, query: Mapping[str, Any] | None = None) -> Any:
        return await self.request("GET", path + (f"?{urlencode(query)}" if query else ""))

    async def request(self, method: str, path: str, body: Any = None) -> Any:
        """`method` on the account's `path`; the parsed JSON answer (None if empty)."""
        return await asyncio.to_thread(self._blocking, method, self.account + path, body)

    def _blocking(self, method: str, target: str, body: Any) -> Any:
        conn: http.client.HTTPConnection
        if self.https:
            conn = http.client.HTTPSConnection(
                self.host, self.port, timeout=self.timeout_s, context=self._tls
            )
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout_s)
        headers = {"api_access_token": self._token, "Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, target, body=payload, headers=headers)
            response = conn.getresponse()
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > self.max_bytes:
                raise ChatwootHttpError(
                    response.status, f"answer larger than {self.max_bytes} bytes"
                )
            raw = response.read(self.max_bytes + 1)
        finally:
            conn.close()
        if len(raw) > self.max_bytes:
            raise ChatwootHttpError(response.status, f"answer larger than {self.max_bytes} bytes")
        if response.status == 401:
            raise ChatwootUnauthorized(401, _message(raw) or "Unauthorized")
        if not 200 <= response.status < 300:
            raise ChatwootHttpError(response.status, _message(raw) or response.reason or "")
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise ChatwootHttpError(response.status, "answer is not JSON") from None


def _list(data: Any, key: str | None) -> list[Any]:
    """`data[key]` (or `data` itself) when it is a list; else an error naming it."""
    value = data.get(key) if key is not None and isinstance(data, Mapping) else data
    if not isinstance(value, list):
        raise ChatwootHttpError(200, f"answer has no {key or 'list'}")
    return value
