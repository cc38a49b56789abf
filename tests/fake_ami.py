"""A fake Asterisk manager over real TCP, speaking the AMI wire format (FORMATS.md).

Banner line, `Key: Value` lines ended by CRLF, a blank line after each message,
`ActionID` echoed in every `Response:`. `Login` checks the secret (a wrong one gets
`Response: Error` and the connection closed, as Asterisk does); `QueueStatus` answers
with QueueParams / QueueMember / QueueEntry then `QueueStatusComplete`; `Ping` gets a
Pong. `QueueAdd` / `QueueRemove` / `QueuePenalty` / `QueuePause` change `members` and
send the QueueMemberAdded / Removed / Penalty / Pause event then the Response, with
Asterisk's error messages for a queue or member that is not there. Tests change
`queues` / `members` / `entries`, `push` events, `drop` connections, make an action
`refuse` (Response: Error with a message) or go `unanswered`.
"""

from __future__ import annotations

import asyncio
import contextlib

Fields = dict[str, str]


def wire(fields: Fields) -> bytes:
    return ("".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n").encode()


class FakeAmi:
    def __init__(self, username: str = "floorwatch", secret: str = "s3cret") -> None:
        self.username, self.secret = username, secret
        self.queues: list[Fields] = []  # QueueParams fields
        self.members: list[Fields] = []  # QueueMember fields
        self.entries: list[Fields] = []  # QueueEntry fields
        self.actions: list[Fields] = []  # every action received (tests check them)
        self.logins = 0
        # "queueadd" or "queueadd vip" (action lower case, optional queue) -> Error Message
        self.refuse: dict[str, str] = {}
        self.unanswered: set[str] = set()  # the same keys: actions that get no Response
        self._clients: list[asyncio.StreamWriter] = []
        self._partial = False  # raw() left a message half written
        self._held: list[tuple[asyncio.StreamWriter, bytes]] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> FakeAmi:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        self.drop()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def push(self, fields: Fields) -> None:
        """Send one event to every logged-in client."""
        self.raw(wire(fields))

    def raw(self, data: bytes) -> None:
        """Write bytes as they are; a part of a message holds replies until the rest comes
        (Asterisk writes each message whole, so replies never land inside one)."""
        for w in self._clients:
            w.write(data)
        self._partial = not data.endswith(b"\r\n\r\n")
        if not self._partial:
            for w, held in self._held:
                w.write(held)
            self._held.clear()

    def _reply(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        if self._partial and writer in self._clients:
            self._held.append((writer, data))
        else:
            writer.write(data)

    def drop(self) -> None:
        """Close every client connection (a network drop as the client sees it)."""
        for w in self._clients:
            w.close()
        self._clients.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Asterisk Call Manager/9.0.0\r\n")
        logged_in = False
        try:
            while True:
                action: Fields = {}
                while True:
                    line = (await reader.readuntil(b"\r\n")).decode().rstrip("\r\n")
                    if not line:
                        break
                    key, _, value = line.partition(": ")
                    action[key] = value
                if not action:
                    continue
                self.actions.append(action)
                name, aid = action.get("Action", "").lower(), action.get("ActionID", "")
                if name == "login":
                    if (action.get("Username"), action.get("Secret")) != (
                        self.username,
                        self.secret,
                    ):
                        writer.write(
                            wire(
                                {
                                    "Response": "Error",
                                    "ActionID": aid,
                                    "Message": "Authentication failed",
                                }
                            )
                        )
                        await writer.drain()
                        break
                    logged_in = True
                    self.logins += 1
                    self._clients.append(writer)
                    writer.write(
                        wire(
                            {
                                "Response": "Success",
                                "ActionID": aid,
                                "Message": "Authentication accepted",
                            }
                        )
                    )
                elif not logged_in:
                    writer.write(
                        wire({"Response": "Error", "ActionID": aid, "Message": "Permission denied"})
                    )
                else:
                    for message in self.answer(action):
                        self._reply(writer, wire(message))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            if writer in self._clients:
                self._clients.remove(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def answer(self, action: Fields) -> list[Fields]:
        """What Asterisk sends back for one action of a logged-in client, in order: a
        `Response`, and for QueueStatus its events (nothing for an `unanswered` one)."""
        name, aid = action.get("Action", "").lower(), action.get("ActionID", "")
        if name in self.unanswered and name in ("queuestatus", "ping"):
            return []
        if name == "queuestatus":
            items = (
                [("QueueParams", q) for q in self.queues]
                + [("QueueMember", m) for m in self.members]
                + [("QueueEntry", e) for e in self.entries]
            )
            return [
                {"Response": "Success", "ActionID": aid, "EventList": "start",
                 "Message": "Queue status will follow"},
                *({"Event": event, **fields, "ActionID": aid} for event, fields in items),
                {"Event": "QueueStatusComplete", "ActionID": aid, "EventList": "Complete",
                 "ListItems": str(len(items))},
            ]
        if name == "ping":
            return [{"Response": "Success", "ActionID": aid, "Ping": "Pong",
                     "Timestamp": "1764524400.000000"}]
        if name in MEMBER_ACTIONS:
            if {name, f"{name} {action.get('Queue', '')}"} & self.unanswered:
                return []
            error = (
                self.refuse.get(f"{name} {action.get('Queue', '')}")
                or self.refuse.get(name)
                or self._member_action(name, action)
            )
            ok = MEMBER_ACTIONS[name]
            if name == "queuepause" and action.get("Paused", "").lower() != "true":
                ok = "Interface unpaused successfully"
            return [{"Response": "Error" if error else "Success", "ActionID": aid,
                     "Message": error or ok}]
        return [{"Response": "Error", "ActionID": aid, "Message": "Invalid/unknown command"}]

    def _member_action(self, name: str, action: Fields) -> str:
        """Carry out a member action on `members` and push its event; '' or the error."""
        queue, interface = action.get("Queue", ""), action.get("Interface", "")
        if queue not in {q["Queue"] for q in self.queues}:
            return NO_QUEUE[name]
        found = next(
            (m for m in self.members if (m["Queue"], m["Location"]) == (queue, interface)), None
        )
        if name == "queueadd":
            if found is not None:
                return "Unable to add interface: Already there"
            found = {
                "Queue": queue,
                "Name": action.get("MemberName") or interface,
                "Location": interface,
                "StateInterface": interface,
                "Membership": "dynamic",
                "Penalty": action.get("Penalty", "0"),
                "CallsTaken": "0",
                "LastCall": "0",
                "LastPause": "0",
                "LoginTime": "0",
                "InCall": "0",
                "Status": "1",
                "Paused": "1" if action.get("Paused", "").lower() == "true" else "0",
                "PausedReason": action.get("Reason", ""),
                "Wrapuptime": "0",
            }
            self.members.append(found)
            event = "QueueMemberAdded"
        elif found is None:
            return {
                "queueremove": "Unable to remove interface: Not there",
                "queuepause": "Interface not found",
            }.get(name, "Invalid interface, queuename or penalty")
        elif name == "queueremove":
            self.members.remove(found)
            event = "QueueMemberRemoved"
        elif name == "queuepenalty":
            found["Penalty"] = action.get("Penalty", "0")
            event = "QueueMemberPenalty"
        else:
            paused = action.get("Paused", "").lower() == "true"
            found["Paused"], found["PausedReason"] = (
                ("1", action.get("Reason", "")) if paused else ("0", "")
            )
            event = "QueueMemberPause"
        fields = member(
            queue, interface, found["Name"], found["Status"], found["Paused"], found["PausedReason"]
        )
        self.push({"Event": event, "Privilege": "agent,all", **fields, "Penalty": found["Penalty"]})
        return ""


# Error Messages for a queue that does not exist, as Asterisk's manager actions word them.
NO_QUEUE = {
    "queueadd": "Unable to add interface: No such queue",
    "queueremove": "Unable to remove interface from queue: No such queue",
    "queuepenalty": "Invalid interface, queuename or penalty",
    "queuepause": "Interface not found",
}
# Success Messages, worded the same way.
MEMBER_ACTIONS = {
    "queueadd": "Added interface to queue",
    "queueremove": "Removed interface from queue",
    "queuepenalty": "Interface penalty set successfully",
    "queuepause": "Interface paused successfully",
}


def queue_params(queue: str) -> Fields:
    """A QueueParams event's fields for an idle queue (FORMATS.md), SL target 30 s."""
    return {
        "Queue": queue,
        "Max": "0",
        "Strategy": "rrmemory",
        "Calls": "0",
        "Holdtime": "0",
        "TalkTime": "0",
        "Completed": "0",
        "Abandoned": "0",
        "ServiceLevel": "30",
        "ServicelevelPerf": "0.0",
        "ServicelevelPerf2": "0.0",
        "Weight": "0",
    }


def channel(uid: str, num: str = "13800000000") -> Fields:
    """The channel snapshot every caller event carries (FORMATS.md)."""
    return {
        "Channel": f"PJSIP/trunk-{uid[-4:]}",
        "ChannelState": "6",
        "ChannelStateDesc": "Up",
        "CallerIDNum": num,
        "CallerIDName": "",
        "ConnectedLineNum": "",
        "ConnectedLineName": "",
        "Language": "zh",
        "AccountCode": "",
        "Context": "from-trunk",
        "Exten": "400",
        "Priority": "1",
        "Uniqueid": uid,
        "Linkedid": uid,
    }


def member(
    queue: str, interface: str, name: str, status: str = "1", paused: str = "0", reason: str = ""
) -> Fields:
    """Member fields as QueueMemberStatus & co. carry them."""
    return {
        "Queue": queue,
        "MemberName": name,
        "Interface": interface,
        "StateInterface": interface,
        "Membership": "dynamic",
        "Penalty": "0",
        "CallsTaken": "0",
        "LastCall": "0",
        "LastPause": "0",
        "LoginTime": "0",
        "InCall": "0",
        "Status": status,
        "Paused": paused,
        "PausedReason": reason,
        "Ringinuse": "0",
        "Wrapuptime": "0",
    }
