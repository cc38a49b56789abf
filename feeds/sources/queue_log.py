"""Asterisk `queue_log` import: a PBX's own history turned into canonical events.

Lines are `epoch|uniqueid|queue|agent|EVENT|data…`; the events feed the same engine
(monitor.floor) and report (monitor.report) as every live source, so no metric is
computed twice. docs/metrics.md has the event mapping table. Besides the mapped events,
the agent's talk state is derived (on_contact at CONNECT, available or not_ready when
its last call ends), so the floor's AHT is talk time: queue_log has no wrap-up.

Lines are taken in file order. Bad lines are counted and sampled with their line
number, never fatal; lines about calls whose earlier lines are missing (a log rotated
mid-call) are counted as `unmatched` and left out, except CONNECT, which still tells
the floor that the agent is busy.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from monitor.events import (
    AgentLogin,
    AgentLogout,
    AgentSkills,
    AgentStateChanged,
    AgentStatus,
    Channel,
    ContactAbandoned,
    ContactAnswered,
    ContactEnded,
    ContactExited,
    ContactOffered,
    Event,
    ExitReason,
    Heartbeat,
    QueueDefined,
)

MAX_PROBLEM_SAMPLES = 1000
NONE = "NONE"  # what Asterisk writes in the queue / agent field when there is none
DEFAULT_SL_TARGET_S = 20.0
MAX_EPOCH = 253_402_000_000  # late in the year 9999: datetime's limit, with room for offsets


@dataclass(slots=True)
class ImportStats:
    """What an import read, produced and could not use."""

    lines: int = 0
    events: int = 0  # canonical events produced
    skipped: int = 0  # lines with a problem (all of them, not only the samples)
    problems: list[tuple[int, str]] = field(default_factory=list)  # first 1000: (line, why)
    counts: Counter[str] = field(default_factory=Counter)  # accepted lines per Asterisk event
    transfers: int = 0  # BLINDTRANSFER + ATTENDEDTRANSFER + TRANSFER lines
    unmatched: int = 0  # lines about calls whose earlier lines are not in the input

    def problem(self, line_no: int, reason: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_PROBLEM_SAMPLES:
            self.problems.append((line_no, reason))


# Data field checks: (fewest data fields accepted, ((index, label, required), …)) for the
# integer fields. Optional fields are checked only when present and non-empty. Minimums
# follow the oldest variants still in the wild (ENTERQUEUE with 2 fields, CONNECT with
# only holdtime, EXITWITHTIMEOUT with only position).
_Spec = tuple[int, tuple[tuple[int, str, bool], ...]]
_POSITIONS: _Spec = (0, ((0, "position", False), (1, "origposition", False),
                         (2, "waittime", False)))
_SPECS: dict[str, _Spec] = {
    "ENTERQUEUE": (0, ((2, "position", False),)),
    "CONNECT": (1, ((0, "holdtime", True), (2, "ringtime", False))),
    "COMPLETECALLER": (2, ((0, "holdtime", True), (1, "calltime", True),
                           (2, "origposition", False))),
    "ABANDON": (3, ((0, "position", True), (1, "origposition", True), (2, "waittime", True))),
    "EXITWITHTIMEOUT": (1, ((0, "position", True), (1, "origposition", False),
                            (2, "waittime", False))),
    "EXITWITHKEY": (2, ((1, "position", True), (2, "origposition", False),
                        (3, "waittime", False))),
    "WITHDRAW": _POSITIONS,
    "BLINDTRANSFER": (4, ((2, "holdtime", True), (3, "calltime", True),
                          (4, "origposition", False))),
    # method, 1-2 method fields, holdtime, calltime, origposition: count from the end
    "ATTENDEDTRANSFER": (4, ((-3, "holdtime", True), (-2, "calltime", True))),
    "RINGNOANSWER": (0, ((0, "ringtime", False),)),
}
_SPECS["COMPLETEAGENT"] = _SPECS["COMPLETECALLER"]
_SPECS["EXITEMPTY"] = _SPECS["EXITWITHTIMEOUT"]
_SPECS["TRANSFER"] = _SPECS["BLINDTRANSFER"]
_SPECS["RINGCANCELED"] = _SPECS["RINGNOANSWER"]
_NO_DATA: _Spec = (0, ())

# Events about one call: they need a uniqueid and a queue.
_CALL_EVENTS = frozenset({
    "ENTERQUEUE", "CONNECT", "COMPLETECALLER", "COMPLETEAGENT", "ABANDON",
    "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY", "WITHDRAW",
    "BLINDTRANSFER", "ATTENDEDTRANSFER", "TRANSFER",
})
# Events about one agent: they need the agent field.
_AGENT_EVENTS = frozenset({
    "CONNECT", "ADDMEMBER", "REMOVEMEMBER", "PAUSE", "PAUSEALL", "UNPAUSE", "UNPAUSEALL",
    "AGENTLOGIN", "AGENTLOGOFF", "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF",
})
_TRANSFERS = frozenset({"BLINDTRANSFER", "ATTENDEDTRANSFER", "TRANSFER"})
# Known lines without a canonical event (counted in ImportStats.counts only).
_IGNORED = ("RINGNOANSWER", "RINGCANCELED", "CONFIGRELOAD", "QUEUESTART", "SYSCOMPAT",
            "AGENTDUMP", "AGENTCALLED", "DID", "INFO")

_Out = list[Event]
_Handler = Callable[[float, str, str, str, list[str], _Out], None]


def _bad_int(value: str) -> bool:
    try:
        int(value)
    except ValueError:
        return True
    return False


class QueueLogImport:
    """Stateful converter of queue_log lines (queues and agents seen, calls open)."""

    def __init__(self, sl_target_s: float = DEFAULT_SL_TARGET_S,
                 stats: ImportStats | None = None,
                 channels: Mapping[str, str] | None = None) -> None:
        self.sl_target_s = sl_target_s
        self.stats = stats if stats is not None else ImportStats()
        self.channels = dict(channels or {})  # queue -> channel; hotline when not named
        self._queues: set[str] = set()
        self._logged_in: set[str] = set()
        self._members: dict[str, set[str]] = {}  # agent -> queues it is a member of
        self._paused: dict[str, str] = {}  # agent -> pause reason
        self._busy: dict[str, int] = {}  # agent -> calls connected now
        self._calls: dict[str, tuple[str, str]] = {}  # uniqueid -> (queue, agent or "")
        self._last_t = self._last_event_t = -math.inf  # latest accepted line / event
        ended = self._ended
        exited = self._exited
        handlers: dict[str, _Handler | None] = {
            "ENTERQUEUE": self._enter,
            "CONNECT": self._connect,
            "COMPLETECALLER": ended,
            "COMPLETEAGENT": ended,
            "BLINDTRANSFER": ended,
            "ATTENDEDTRANSFER": ended,
            "TRANSFER": ended,
            "ABANDON": self._abandon,
            "EXITWITHTIMEOUT": lambda *a: exited(ExitReason.TIMEOUT.value, *a),
            "EXITEMPTY": lambda *a: exited(ExitReason.EMPTY.value, *a),
            "EXITWITHKEY": lambda *a: exited(ExitReason.KEY.value, *a),
            "WITHDRAW": lambda *a: exited(ExitReason.WITHDRAW.value, *a),
            "ADDMEMBER": self._add_member,
            "REMOVEMEMBER": self._remove_member,
            "PAUSE": self._pause,
            "PAUSEALL": self._pause,
            "UNPAUSE": self._unpause,
            "UNPAUSEALL": self._unpause,
            "AGENTLOGIN": self._login,
            "AGENTCALLBACKLOGIN": self._login,
            "AGENTLOGOFF": self._logoff,
            "AGENTCALLBACKLOGOFF": self._logoff,
        }
        handlers.update(dict.fromkeys(_IGNORED))
        self._table: dict[str, tuple[_Spec, _Handler | None, bool, bool]] = {
            name: (_SPECS.get(name, _NO_DATA), h, name in _CALL_EVENTS, name in _AGENT_EVENTS)
            for name, h in handlers.items()
        }

    # ------------------------------------------------------------------ lines
    def convert(self, line_no: int, line: str) -> list[Event]:
        """The canonical events of one line (often none); problems go to `stats`."""
        stats = self.stats
        stats.lines += 1
        line = line.rstrip("\r\n")
        if not line or line.isspace():
            return []
        f = line.split("|")
        if len(f) < 5:
            stats.problem(line_no, f"expected at least 5 '|'-separated fields, got {len(f)}")
            return []
        epoch, uid, queue, agent, name = f[0], f[1], f[2], f[3], f[4]
        try:
            t = float(epoch)
        except ValueError:
            t = math.nan
        if not math.isfinite(t):
            stats.problem(line_no, f"time {epoch[:40]!r} is not an epoch number")
            return []
        if not 0 <= t < MAX_EPOCH:
            stats.problem(line_no, f"time {epoch[:40]!r} is out of range (epoch seconds)")
            return []
        entry = self._table.get(name)
        if entry is None:
            stats.problem(line_no, f"unknown event {name[:40]!r}")
            return []
        (min_fields, int_fields), handler, call_event, agent_event = entry
        data = f[5:]
        if len(data) < min_fields:
            stats.problem(line_no, f"{name}: expected at least {min_fields} data fields, "
                                   f"got {len(data)}")
            return []
        n = len(data)
        for i, label, required in int_fields:
            if -n <= i < n:
                value = data[i]
                if (required or value) and _bad_int(value):
                    stats.problem(line_no, f"{name}: {label} {value[:40]!r} is not an integer")
                    return []
        if call_event and (not uid or not queue or queue == NONE):
            stats.problem(line_no, f"{name}: a call event needs a uniqueid and a queue")
            return []
        if agent_event and (not agent or agent == NONE):
            stats.problem(line_no, f"{name}: needs an agent")
            return []
        stats.counts[name] += 1
        if t > self._last_t:
            self._last_t = t
        out: list[Event] = []
        if queue not in self._queues and queue and queue != NONE:
            self._queues.add(queue)
            channel = self.channels.get(queue, Channel.HOTLINE.value)
            out.append(QueueDefined(t, queue, queue, channel, self.sl_target_s))
        if handler is not None:
            handler(t, uid, queue, agent, data, out)
        if name in _TRANSFERS:
            stats.transfers += 1
        if out:
            stats.events += len(out)
            if t > self._last_event_t:
                self._last_event_t = t
        return out

    @property
    def last_t(self) -> float:
        """Time of the latest accepted line (-inf before one): a live tail's clock."""
        return self._last_t

    def events(self, lines: Iterable[str]) -> Iterator[Event]:
        """Convert lines (numbered from 1) as they come, then a Heartbeat at the time of
        the last line if that line made no event, so the data ends where the log ends."""
        convert = self.convert
        for line_no, line in enumerate(lines, 1):
            out = convert(line_no, line)
            if out:
                yield from out
        if self._last_t > self._last_event_t:
            self.stats.events += 1
            self._last_event_t = self._last_t
            yield Heartbeat(self._last_t)

    # ------------------------------------------------------------------ calls
    def _enter(self, t: float, uid: str, queue: str, agent: str, data: list[str],
               out: _Out) -> None:
        self._calls[uid] = (queue, "")
        out.append(ContactOffered(t, uid, queue, data[1] if len(data) > 1 else ""))

    def _connect(self, t: float, uid: str, queue: str, agent: str, data: list[str],
                 out: _Out) -> None:
        call = self._calls.get(uid)
        if call is not None and call[1]:
            self.stats.unmatched += 1  # connected twice: the first one stands
            return
        if call is None:
            # Entered before the log starts: still tell the floor the agent is busy.
            self.stats.unmatched += 1
        else:
            queue = call[0]
        self._calls[uid] = (queue, agent)
        self._ensure_login(t, agent, out)
        out.append(ContactAnswered(t, uid, queue, agent))
        calls = self._busy.get(agent, 0)
        self._busy[agent] = calls + 1
        if not calls:
            out.append(AgentStateChanged(t, agent, AgentStatus.ON_CONTACT.value))

    def _ended(self, t: float, uid: str, queue: str, agent: str, data: list[str],
               out: _Out) -> None:
        call = self._calls.get(uid)
        if call is None or not call[1]:
            self.stats.unmatched += 1
            return
        del self._calls[uid]
        queue, agent = call
        out.append(ContactEnded(t, uid, queue, agent))
        calls = self._busy.get(agent, 0) - 1
        if calls > 0:
            self._busy[agent] = calls
            return
        self._busy.pop(agent, None)
        if agent in self._logged_in:
            out.append(self._idle_state(t, agent))

    def _leave(self, uid: str) -> str | None:
        """The queue of a waiting call that leaves unanswered; None if not waiting."""
        call = self._calls.get(uid)
        if call is None or call[1]:
            self.stats.unmatched += 1
            return None
        del self._calls[uid]
        return call[0]

    def _abandon(self, t: float, uid: str, queue: str, agent: str, data: list[str],
                 out: _Out) -> None:
        q = self._leave(uid)
        if q is not None:
            out.append(ContactAbandoned(t, uid, q))

    def _exited(self, reason: str, t: float, uid: str, queue: str, agent: str,
                data: list[str], out: _Out) -> None:
        q = self._leave(uid)
        if q is not None:
            out.append(ContactExited(t, uid, q, reason))

    # ----------------------------------------------------------------- agents
    def _ensure_login(self, t: float, agent: str, out: _Out) -> None:
        if agent not in self._logged_in:
            self._logged_in.add(agent)
            out.append(AgentLogin(t, agent, agent))

    def _idle_state(self, t: float, agent: str) -> AgentStateChanged:
        reason = self._paused.get(agent)
        if reason is None:
            return AgentStateChanged(t, agent, AgentStatus.AVAILABLE.value)
        return AgentStateChanged(t, agent, AgentStatus.NOT_READY.value, reason)

    def _skills(self, t: float, agent: str, queues: set[str]) -> AgentSkills:
        return AgentSkills(t, agent, dict.fromkeys(sorted(queues), 1), 0)

    def _add_member(self, t: float, uid: str, queue: str, agent: str, data: list[str],
                    out: _Out) -> None:
        self._ensure_login(t, agent, out)
        queues = self._members.setdefault(agent, set())
        queues.add(queue)
        out.append(self._skills(t, agent, queues))
        if data and data[0] == "PAUSED":
            self._pause(t, uid, queue, agent, [], out)

    def _remove_member(self, t: float, uid: str, queue: str, agent: str, data: list[str],
                       out: _Out) -> None:
        queues = self._members.get(agent)
        if queues is None:
            return
        queues.discard(queue)
        out.append(self._skills(t, agent, queues))
        if not queues:
            del self._members[agent]
            self._logoff(t, uid, queue, agent, data, out)

    def _pause(self, t: float, uid: str, queue: str, agent: str, data: list[str],
               out: _Out) -> None:
        self._ensure_login(t, agent, out)
        reason = (data[0] if data else "") or "pause"
        self._paused[agent] = reason
        if agent not in self._busy:  # on a call: shown when the call ends (_idle_state)
            out.append(AgentStateChanged(t, agent, AgentStatus.NOT_READY.value, reason))

    def _unpause(self, t: float, uid: str, queue: str, agent: str, data: list[str],
                 out: _Out) -> None:
        self._ensure_login(t, agent, out)
        self._paused.pop(agent, None)
        if agent not in self._busy:
            out.append(AgentStateChanged(t, agent, AgentStatus.AVAILABLE.value))

    def _login(self, t: float, uid: str, queue: str, agent: str, data: list[str],
               out: _Out) -> None:
        self._ensure_login(t, agent, out)

    def _logoff(self, t: float, uid: str, queue: str, agent: str, data: list[str],
                out: _Out) -> None:
        if agent in self._logged_in:
            self._logged_in.discard(agent)
            self._paused.pop(agent, None)
            out.append(AgentLogout(t, agent))


def iter_queue_log(lines: Iterable[str], stats: ImportStats | None = None,
                   sl_target_s: float = DEFAULT_SL_TARGET_S) -> Iterator[Event]:
    """Stream canonical events from queue_log lines; counts and problems go to `stats`."""
    return QueueLogImport(sl_target_s, stats).events(lines)


def open_queue_log(path: str | os.PathLike[str]) -> TextIO:
    """Open a queue_log file for reading: UTF-8, undecodable bytes replaced."""
    return open(path, encoding="utf-8", errors="replace")


def read_queue_log(path_or_lines: str | os.PathLike[str] | Iterable[str],
                   sl_target_s: float = DEFAULT_SL_TARGET_S) -> tuple[list[Event], ImportStats]:
    """All events of a queue_log file (a str is a path) or of an iterable of lines."""
    stats = ImportStats()
    if isinstance(path_or_lines, str | os.PathLike):
        with open_queue_log(path_or_lines) as f:
            return list(iter_queue_log(f, stats, sl_target_s)), stats
    return list(iter_queue_log(path_or_lines, stats, sl_target_s)), stats

