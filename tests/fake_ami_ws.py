"""A fake amiws bridge (AMI to WebSocket, github.com/staskobzar/amiws) over a real websocket.

It speaks amiws' frames: each AMI message goes to every websocket client as
`{"type": 3|4, "server_id": N, "server_name": "...", "ssl": false, "data": {AMI keys}}`
(3 an event, 4 a response), and each JSON object a client sends is one AMI action whose
members are its `Key: Value` lines (`AMIServerID` picks a server; amiws drops it from the
action). Responses and events go to every client, as amiws sends them.

The Asterisk behind it is `tests.fake_ami.FakeAmi`'s model (its `queues` / `members` /
`entries`, `refuse`, `unanswered` and member actions, inherited): only the wire differs.
Tests can require a bearer token on the handshake (a 401 otherwise), see every
handshake's headers, `push` events, send `raw` frames, `drop` connections and `relogin`
(the bridge's own AMI connection coming back).
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.fake_ami import FakeAmi, Fields

EVENT, RESPONSE = 3, 4
# The fake's own handshake log would print the token the test looks for in the source's.
_QUIET = logging.getLogger(__name__)
_QUIET.setLevel(logging.INFO)


class FakeAmiWs(FakeAmi):
    def __init__(self, token: str = "", server_id: int = 1, server_name: str = "pbx1") -> None:
        super().__init__()
        self.token = token
        self.server_id, self.server_name = server_id, server_name
        self.handshakes: list[dict[str, str]] = []  # headers of every handshake
        self.frames_in: list[str] = []  # every frame a client sent, as sent
        self._conns: set[ServerConnection] = set()
        self._ws: Server | None = None
        self.url = ""

    async def start(self) -> FakeAmiWs:
        self._ws = await serve(
            self._serve_ws,
            "127.0.0.1",
            0,
            process_request=self._check,
            ping_interval=None,
            logger=_QUIET,
        )
        self.port = next(iter(self._ws.sockets)).getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}/"
        return self

    async def close(self) -> None:
        self.drop()
        if self._ws is not None:
            self._ws.close()
            await self._ws.wait_closed()

    @property
    def clients(self) -> int:
        return len(self._conns)

    # ---------------------------------------------------------------- out
    def frame(self, kind: int, data: dict[str, Any], server_id: int | None = None) -> str:
        return json.dumps(
            {
                "type": kind,
                "server_id": self.server_id if server_id is None else server_id,
                "server_name": self.server_name,
                "ssl": False,
                "data": data,
            }
        )

    def push(self, fields: Fields) -> None:
        """One AMI event to every client (FakeAmi's member actions call this too)."""
        self.raw(self.frame(EVENT, fields))

    def respond(self, fields: Fields) -> None:
        self.raw(self.frame(RESPONSE, fields))

    def raw(self, data: str | bytes) -> None:
        broadcast(self._conns, data)

    def drop(self) -> None:
        """Cut every client's connection (a network drop as the client sees it)."""
        for conn in list(self._conns):
            conn.transport.abort()
        self._conns.clear()

    def relogin(self) -> None:
        """The bridge's AMI connection to Asterisk dropped and came back: amiws sends the
        Login response (it sets no ActionID) and Asterisk its FullyBooted event."""
        self.logins += 1
        self.respond({"Response": "Success", "Message": "Authentication accepted"})
        self.push({"Event": "FullyBooted", "Privilege": "system,all", "Status": "Fully Booted"})

    # ----------------------------------------------------------------- in
    def _check(self, connection: ServerConnection, request: Request) -> Response | None:
        self.handshakes.append(dict(request.headers.raw_items()))
        if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
            return connection.respond(HTTPStatus.UNAUTHORIZED, "Unauthorized\n")
        return None

    async def _serve_ws(self, conn: ServerConnection) -> None:
        self._conns.add(conn)
        try:
            async for frame in conn:
                text = frame if isinstance(frame, str) else frame.decode()
                self.frames_in.append(text)
                try:
                    obj = json.loads(text)
                except ValueError:
                    continue  # amiws logs "Invalid JSON string" and sends nothing
                if not isinstance(obj, dict):
                    continue
                action = {k: v if isinstance(v, str) else json.dumps(v) for k, v in obj.items()}
                target = action.pop("AMIServerID", None)
                if target is not None and int(target) != self.server_id:
                    continue  # for another server behind the bridge
                self.actions.append(action)
                self._act(action)
        except ConnectionClosed:
            pass
        finally:
            self._conns.discard(conn)

    def _act(self, action: Fields) -> None:
        """Asterisk's answer (FakeAmi.answer) as the bridge forwards it: the responses as
        response frames, the QueueStatus events as event frames."""
        for message in self.answer(action):
            (self.respond if "Response" in message else self.push)(message)
