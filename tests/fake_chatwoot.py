"""A fake Chatwoot: its ActionCable websocket and its REST API, over real sockets.

The websocket (`/cable`, the `websockets` library) speaks Rails ActionCable as
Chatwoot runs it: `{"type": "welcome"}`, then a `subscribe` command whose
`identifier` is a JSON string naming `RoomChannel` with `pubsub_token`, `account_id`
and `user_id`; a right one gets `confirm_subscription` and a `presence.update`, a
wrong one `reject_subscription` (or, as Chatwoot itself does when its `find_by!`
raises, nothing: `subscribe_mode = "silent"`); pings `{"type": "ping", "message":
<epoch>}` every `ping_s`; broadcasts `{"identifier": ..., "message": {"event": ...,
"data": ...}}`; `update_presence` answered with `presence.update`.

The REST API (`http.server` in a thread) checks the `api_access_token` header (else
401 `{"error": "Invalid Access Token"}`) and answers in Chatwoot's shapes: inboxes
`{payload: [...]}`, agents `[...]`, inbox members `{payload: [agent...]}` (GET
`/inbox_members/<inbox>`, PATCH `/inbox_members` replaces the list), teams and team
members, and conversations `{data: {meta: {...counts}, payload: [...]}}` by page.

The script helpers (`create`, `assign`, `set_status`, `message`, `presence`) change
the fake's state and broadcast what Chatwoot v4 broadcasts for the change, so a
fresh REST snapshot after a drop always agrees with the events before it. Payload
shapes follow Chatwoot v4 (docs/chatwoot.md): conversation and message
`push_event_data`, the agent and conversation jbuilder partials.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from websockets.asyncio.server import ServerConnection, serve

CHANNEL = "Channel::WebWidget"


class FakeChatwoot:
    def __init__(
        self,
        account_id: int = 1,
        user_id: int = 99,
        token: str = "api-s3cret-token",
        pubsub_token: str = "pubsub-s3cret-token",
    ) -> None:
        self.account_id, self.user_id = account_id, user_id
        self.token, self.pubsub_token = token, pubsub_token
        self.lock = threading.Lock()
        self.inboxes: dict[int, str] = {}  # id -> name
        self.users: dict[int, dict[str, Any]] = {}  # id -> {name, availability, role}
        self.members: dict[int, list[int]] = {}  # inbox id -> user ids
        self.teams: dict[int, tuple[str, list[int]]] = {}  # team id -> (name, user ids)
        self.conversations: dict[int, dict[str, Any]] = {}  # display id -> record
        self.requests: list[tuple[str, str, Any]] = []  # (method, path?query, JSON body)
        self.refuse: dict[int, tuple[int, dict[str, Any]]] = {}  # inbox -> PATCH answer
        self.lie: set[int] = set()  # inboxes whose PATCH answers 200 and changes nothing
        self.per_page = 25
        self.ping_s = 3.0
        self.pings = True
        self.now = 1_764_500_000.0  # the server's clock (ping messages)
        self.subscribe_mode = "confirm"  # or "reject", "silent"
        self.subscribes = 0
        self.commands: list[dict[str, Any]] = []  # every command frame received
        self._subscribed: list[tuple[ServerConnection, str]] = []
        self._sockets: set[ServerConnection] = set()
        self._ws_server: Any = None
        self._http: ThreadingHTTPServer | None = None
        self._next_message = 1000
        self.ws_port = self.http_port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    async def start(self) -> FakeChatwoot:
        self._ws_server = await serve(
            self._serve, "127.0.0.1", 0, subprotocols=["actioncable-v1-json"], compression=None
        )
        self.ws_port = next(iter(self._ws_server.sockets)).getsockname()[1]
        fake = self

        class Handler(_Handler):
            owner = fake

        # Chatwoot serves both on one port; http.server cannot upgrade to a websocket
        # and the websockets server takes no PATCH, so here they have a port each and
        # the source is told the cable's (`ChatwootSource(..., cable_url=fake.cable_url)`).
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.http_port = self._http.server_address[1]
        threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self

    @property
    def cable_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}/cable"

    async def close(self) -> None:
        self.drop()
        if self._ws_server is not None:
            self._ws_server.close()
            await self._ws_server.wait_closed()
        if self._http is not None:
            await asyncio.to_thread(self._http.shutdown)
            self._http.server_close()

    # ------------------------------------------------------------ websocket
    async def _serve(self, ws: ServerConnection) -> None:
        if ws.request is None or ws.request.path != "/cable":
            await ws.close(1008, "not found")
            return
        self._sockets.add(ws)
        pinger = asyncio.ensure_future(self._ping(ws))
        try:
            await ws.send(json.dumps({"type": "welcome"}))
            async for raw in ws:
                command = json.loads(raw)
                self.commands.append(command)
                identifier = command.get("identifier", "")
                if command.get("command") == "subscribe":
                    self.subscribes += 1
                    if self._accepts(identifier) and self.subscribe_mode == "confirm":
                        self._subscribed.append((ws, identifier))
                        await ws.send(
                            json.dumps({"identifier": identifier, "type": "confirm_subscription"})
                        )
                        await ws.send(self._wrap(identifier, "presence.update", self._presence()))
                    elif self.subscribe_mode != "silent":
                        await ws.send(
                            json.dumps({"identifier": identifier, "type": "reject_subscription"})
                        )
                elif command.get("command") == "message":
                    action = json.loads(command.get("data", "{}")).get("action")
                    if action == "update_presence" and (ws, identifier) in self._subscribed:
                        await ws.send(self._wrap(identifier, "presence.update", self._presence()))
        except Exception:  # noqa: BLE001 - a dropped client ends its handler
            pass
        finally:
            pinger.cancel()
            self._sockets.discard(ws)
            self._subscribed = [(w, i) for w, i in self._subscribed if w is not ws]

    async def _ping(self, ws: ServerConnection) -> None:
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(self.ping_s)
                if self.pings:
                    await ws.send(json.dumps({"type": "ping", "message": int(self.now)}))

    def _accepts(self, identifier: str) -> bool:
        try:
            params = json.loads(identifier)
        except ValueError:
            return False
        return (
            params.get("channel") == "RoomChannel"
            and params.get("pubsub_token") == self.pubsub_token
            and str(params.get("user_id")) == str(self.user_id)
            and str(params.get("account_id")) == str(self.account_id)
        )

    def _wrap(self, identifier: str, event: str, data: dict[str, Any]) -> str:
        return json.dumps({"identifier": identifier, "message": {"event": event, "data": data}})

    def push(self, event: str, data: dict[str, Any]) -> None:
        """Broadcast one event to every subscriber (Chatwoot adds `account_id`)."""
        for ws, identifier in list(self._subscribed):
            asyncio.ensure_future(
                ws.send(self._wrap(identifier, event, {**data, "account_id": self.account_id}))
            )

    def raw(self, text: str) -> None:
        """Send a frame as it is to every subscriber."""
        for ws, _identifier in list(self._subscribed):
            asyncio.ensure_future(ws.send(text))

    def identifier(self) -> str:
        """The identifier the (first) subscriber used."""
        return self._subscribed[0][1] if self._subscribed else ""

    def drop(self) -> None:
        """Cut every websocket (a network drop as the client sees it)."""
        for ws in list(self._sockets):
            ws.transport.abort()
        self._subscribed.clear()

    def _presence(self) -> dict[str, Any]:
        # Users seen within 60 s with their status; an offline user is not listed.
        with self.lock:
            users = {
                str(u): d["availability"]
                for u, d in self.users.items()
                if d["availability"] != "offline"
            }
        return {"account_id": self.account_id, "users": users, "contacts": {}}

    # -------------------------------------------------------------- the script
    def add_inbox(self, inbox: int, name: str, members: list[int]) -> None:
        with self.lock:
            self.inboxes[inbox] = name
            self.members[inbox] = list(members)

    def add_user(
        self, user: int, name: str, availability: str = "online", role: str = "agent"
    ) -> None:
        with self.lock:
            self.users[user] = {"name": name, "availability": availability, "role": role}

    def create(
        self, conv: int, inbox: int, t: float, status: str = "open", assignee: int | None = None
    ) -> None:
        with self.lock:
            self.conversations[conv] = {
                "id": conv,
                "inbox_id": inbox,
                "status": status,
                "assignee": assignee,
                "created_at": int(t),
                "updated_at": t,
                "waiting_since": int(t),
                "first_reply_created_at": None,
                "last_activity_at": int(t),
            }
        self._broadcast("conversation.created", conv)

    def assign(self, conv: int, user: int | None, t: float) -> None:
        with self.lock:
            c = self.conversations[conv]
            c["assignee"], c["updated_at"] = user, t
        self._broadcast("assignee.changed", conv)

    def set_status(self, conv: int, status: str, t: float) -> None:
        with self.lock:
            c = self.conversations[conv]
            c["status"], c["updated_at"] = status, t
        self._broadcast("conversation.status_changed", conv)

    def message(
        self,
        conv: int,
        kind: int,
        content: str,
        t: float,
        sender: int | None = None,
        private: bool = False,
    ) -> None:
        """A message: kind 0 incoming (from the contact), 1 outgoing (agent `sender`, or
        a bot when None), 2 activity, 3 template."""
        with self.lock:
            c = self.conversations[conv]
            c["last_activity_at"] = int(t)
            if kind == 1 and sender is not None and c["first_reply_created_at"] is None:
                c["first_reply_created_at"] = int(t)
            self._next_message += 1
            data = self._message_data(self._next_message, c, kind, content, t, sender, private)
        self.push("message.created", data)

    def presence(self, availability: dict[int, str]) -> None:
        """Users change status; subscribers get the `presence.update` at once."""
        with self.lock:
            for user, status in availability.items():
                self.users[user]["availability"] = status
        self.push("presence.update", self._presence())

    def _broadcast(self, event: str, conv: int) -> None:
        with self.lock:
            data = self._push_data(self.conversations[conv])
        self.push(event, data)

    # --------------------------------------------------------------- shapes
    def agent_json(self, user: int) -> dict[str, Any]:
        """The agent jbuilder partial (GET agents, inbox and team members)."""
        d = self.users[user]
        return {
            "id": user,
            "account_id": self.account_id,
            "availability_status": d["availability"],
            "auto_offline": True,
            "confirmed": True,
            "email": f"agent{user}@example.com",
            "provider": "email",
            "available_name": d["name"],
            "name": d["name"],
            "role": d["role"],
            "thumbnail": "",
        }

    def _user_push(self, user: int) -> dict[str, Any]:
        d = self.users[user]
        return {
            "id": user,
            "name": d["name"],
            "available_name": d["name"],
            "avatar_url": "",
            "type": "user",
            "availability_status": d["availability"],
            "thumbnail": "",
        }

    @staticmethod
    def _contact_push(conv: int) -> dict[str, Any]:
        return {
            "additional_attributes": {},
            "custom_attributes": {},
            "email": None,
            "id": 5000 + conv,
            "identifier": None,
            "name": f"visitor {conv}",
            "phone_number": None,
            "thumbnail": "",
            "type": "contact",
        }

    def _push_data(self, c: dict[str, Any]) -> dict[str, Any]:
        """Conversations::EventDataPresenter#push_data (v4)."""
        assignee = c["assignee"]
        return {
            "additional_attributes": {},
            "can_reply": True,
            "channel": CHANNEL,
            "contact_inbox": {
                "id": 7000 + c["id"],
                "contact_id": 5000 + c["id"],
                "inbox_id": c["inbox_id"],
                "source_id": f"src-{c['id']}",
                "hmac_verified": False,
                "pubsub_token": "contact-token",
            },
            "id": c["id"],
            "inbox_id": c["inbox_id"],
            "messages": [],
            "labels": [],
            "meta": {
                "sender": self._contact_push(c["id"]),
                "assignee": None if assignee is None else self._user_push(assignee),
                "assignee_type": None if assignee is None else "User",
                "team": None,
                "hmac_verified": False,
            },
            "status": c["status"],
            "custom_attributes": {},
            "snoozed_until": None,
            "unread_count": 0,
            "first_reply_created_at": c["first_reply_created_at"],
            "priority": None,
            "waiting_since": c["waiting_since"],
            "agent_last_seen_at": 0,
            "contact_last_seen_at": 0,
            "last_activity_at": c["last_activity_at"],
            "timestamp": c["last_activity_at"],
            "created_at": c["created_at"],
            "updated_at": c["updated_at"],
        }

    def _list_item(self, c: dict[str, Any]) -> dict[str, Any]:
        """api/v1/conversations/partials/_conversation.json.jbuilder."""
        meta: dict[str, Any] = {
            "sender": self._contact_push(c["id"]),
            "channel": CHANNEL,
            "hmac_verified": False,
        }
        if c["assignee"] is not None:
            meta["assignee"] = self.agent_json(c["assignee"])
        return {
            "meta": meta,
            "id": c["id"],
            "messages": [],
            "account_id": self.account_id,
            "uuid": f"00000000-0000-0000-0000-{c['id']:012d}",
            "additional_attributes": {},
            "agent_last_seen_at": 0,
            "assignee_last_seen_at": 0,
            "can_reply": True,
            "contact_last_seen_at": 0,
            "custom_attributes": {},
            "inbox_id": c["inbox_id"],
            "labels": [],
            "muted": False,
            "snoozed_until": None,
            "status": c["status"],
            "created_at": c["created_at"],
            "timestamp": c["last_activity_at"],
            "first_reply_created_at": c["first_reply_created_at"] or 0,
            "unread_count": 0,
            "last_non_activity_message": None,
            "last_activity_at": c["last_activity_at"],
            "priority": None,
            "waiting_since": c["waiting_since"] or 0,
            "sla_policy_id": None,
        }

    def _message_data(
        self,
        mid: int,
        c: dict[str, Any],
        kind: int,
        content: str,
        t: float,
        sender: int | None,
        private: bool,
    ) -> dict[str, Any]:
        """Message#push_event_data (v4)."""
        if kind == 0:
            sender_type, sender_id, who = "Contact", 5000 + c["id"], self._contact_push(c["id"])
        elif sender is not None:
            sender_type, sender_id, who = "User", sender, self._user_push(sender)
        else:
            sender_type, sender_id = "AgentBot", 3
            who = {"id": 3, "name": "Bot", "avatar_url": "", "type": "agent_bot"}
        return {
            "id": mid,
            "content": content,
            "account_id": self.account_id,
            "inbox_id": c["inbox_id"],
            "conversation_id": c["id"],
            "message_type": kind,
            "created_at": int(t),
            "updated_at": "2025-11-30T10:00:00.000Z",
            "private": private,
            "status": "sent",
            "source_id": None,
            "content_type": "text",
            "content_attributes": {},
            "sender_type": sender_type,
            "sender_id": sender_id,
            "external_source_ids": {},
            "additional_attributes": {},
            "processed_message_content": content,
            "sentiment": {},
            "conversation": {
                "assignee_id": c["assignee"],
                "unread_count": 1,
                "last_activity_at": c["last_activity_at"],
                "contact_inbox": {"source_id": f"src-{c['id']}"},
            },
            "sender": who,
        }

    # -------------------------------------------------------------- REST
    def answer(
        self, method: str, path: str, query: dict[str, str], body: Any, token: str | None
    ) -> tuple[int, Any]:
        """(status, JSON) for one request; called from the HTTP server's threads."""
        with self.lock:
            self.requests.append((method, path + (f"?{urlencode(query)}" if query else ""), body))
            if token != self.token:
                return 401, {"error": "Invalid Access Token"}
            prefix = f"/api/v1/accounts/{self.account_id}"
            if not path.startswith(prefix + "/"):
                return 404, {"error": "Resource could not be found"}
            parts = path[len(prefix) + 1 :].split("/")
            if method == "GET" and parts == ["inboxes"]:
                return 200, {"payload": [self._inbox_json(i) for i in sorted(self.inboxes)]}
            if method == "GET" and parts == ["agents"]:
                return 200, [self.agent_json(u) for u in sorted(self.users)]
            if method == "GET" and parts[0] == "inbox_members" and len(parts) == 2:
                inbox = int(parts[1]) if parts[1].isdigit() else -1
                if inbox not in self.inboxes:
                    return 404, {"error": "Resource could not be found"}
                return 200, {"payload": [self.agent_json(u) for u in self.members[inbox]]}
            if method == "PATCH" and parts == ["inbox_members"]:
                return self._patch_members(body)
            if method == "GET" and parts == ["teams"]:
                return 200, [
                    {
                        "id": t,
                        "name": name,
                        "description": "",
                        "allow_auto_assign": True,
                        "account_id": self.account_id,
                        "is_member": False,
                    }
                    for t, (name, _users) in sorted(self.teams.items())
                ]
            if method == "GET" and parts[0] == "teams" and parts[2:] == ["team_members"]:
                team = self.teams.get(int(parts[1]))
                if team is None:
                    return 404, {"error": "Resource could not be found"}
                return 200, [self.agent_json(u) for u in team[1]]
            if method == "GET" and parts == ["conversations"]:
                return 200, self._conversations(query)
            return 404, {"error": "Resource could not be found"}

    def _inbox_json(self, inbox: int) -> dict[str, Any]:
        return {
            "id": inbox,
            "avatar_url": "",
            "channel_id": inbox,
            "name": self.inboxes[inbox],
            "channel_type": CHANNEL,
            "greeting_enabled": False,
            "greeting_message": None,
            "working_hours_enabled": False,
            "enable_email_collect": True,
            "csat_survey_enabled": False,
            "enable_auto_assignment": True,
            "auto_assignment_config": {},
            "out_of_office_message": None,
            "working_hours": [],
            "timezone": "UTC",
            "callback_webhook_url": None,
            "allow_messages_after_resolved": True,
            "lock_to_single_conversation": False,
            "sender_name_type": "friendly",
            "business_name": None,
            "widget_color": "#1f93ff",
            "website_url": "https://example.com",
            "hmac_mandatory": False,
            "welcome_title": "",
            "welcome_tagline": "",
            "web_widget_script": "",
            "website_token": f"wt{inbox}",
            "selected_feature_flags": [],
            "reply_time": "in_a_few_minutes",
        }

    def _patch_members(self, body: Any) -> tuple[int, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("user_ids"), list):
            return 422, {"message": "param is missing or the value is empty: user_ids"}
        inbox = body.get("inbox_id")
        if inbox not in self.inboxes:
            return 404, {"error": "Resource could not be found"}
        if inbox in self.refuse:
            return self.refuse[inbox]
        ids = body["user_ids"]
        if any(u not in self.users for u in ids):
            return 422, {"message": "User must exist", "attributes": ["user"]}
        if inbox not in self.lie:
            self.members[inbox] = [u for u in sorted(set(ids))]
        return 200, {"payload": [self.agent_json(u) for u in self.members[inbox]]}

    def _conversations(self, query: dict[str, str]) -> dict[str, Any]:
        status = query.get("status", "open")
        page = int(query.get("page", "1"))
        chosen = [
            c for c in self.conversations.values() if status == "all" or c["status"] == status
        ]
        chosen.sort(key=lambda c: -c["last_activity_at"])  # Chatwoot's `latest`
        start = (page - 1) * self.per_page
        items = chosen[start : start + self.per_page]
        unassigned = sum(c["assignee"] is None for c in chosen)
        mine = sum(c["assignee"] == self.user_id for c in chosen)
        return {
            "data": {
                "meta": {
                    "mine_count": mine,
                    "assigned_count": len(chosen) - unassigned,
                    "unassigned_count": unassigned,
                    "all_count": len(chosen),
                },
                "payload": [self._list_item(c) for c in items],
            }
        }


class _Handler(BaseHTTPRequestHandler):
    owner: FakeChatwoot

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        return

    def _answer(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        status, data = self.owner.answer(
            self.command, parts.path, query, body, self.headers.get("api_access_token")
        )
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_PATCH = _answer
