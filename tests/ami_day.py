"""A scripted, seeded hotline day as Asterisk's manager interface tells it, with the
day's ground truth: what a client of `tests/fake_ami.FakeAmi` must end up knowing.

Calls arrive at each queue, wait in order, are rung to a free member and answered,
or give up; members go in use and back. The script is the AMI events in time order,
each with the full fields FORMATS.md lists (the channel snapshot, member fields,
`Timestamp`). `DayPlayer` pushes it into a fake and keeps the fake's own state
(QueueStatus entries, members' Status) as Asterisk's would be, so a reconnect in the
middle of the day gets a true QueueStatus answer.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from dataclasses import dataclass, field

from tests.fake_ami import FakeAmi, Fields, channel, member, queue_params

INTERVAL_S = 900  # truth per 15-minute interval of entry, as `floorwatch report --interval 15m`
RING_S = 3.0  # AgentCalled to AgentConnect


@dataclass
class Day:
    events: list[tuple[float, Fields]]  # (event time, AMI event fields)
    queues: list[str]
    members: dict[str, tuple[str, list[str]]]  # interface -> (name, queues)
    # (queue, interval start) -> offered / answered / abandoned of calls entered then
    truth: dict[tuple[str, int], Counter[str]] = field(default_factory=dict)
    waiting_at_end: Counter[str] = field(default_factory=Counter)  # queue -> calls
    talking_at_end: set[str] = field(default_factory=set)  # member interfaces in a call

    def totals(self) -> dict[str, Counter[str]]:
        """queue -> the day's offered / answered / abandoned."""
        out: dict[str, Counter[str]] = {q: Counter() for q in self.queues}
        for (queue, _start), counts in self.truth.items():
            out[queue].update(counts)
        return out


def _event(name: str, t: float, **fields: str) -> Fields:
    return {"Event": name, "Privilege": "agent,all", "Timestamp": f"{t:.6f}", **fields}


def scripted_day(seed: int, start_t: float, hours: float = 3.0) -> Day:
    """A seeded day from `start_t`: two queues, six members, ~1 call a minute each."""
    rng = random.Random(seed)
    queues = ["general", "vip"]
    members = {
        "PJSIP/101": ("Li Na", ["general", "vip"]),
        "PJSIP/102": ("Wang Wei", ["general"]),
        "PJSIP/103": ("Zhao Lei", ["general"]),
        "PJSIP/104": ("Sun Li", ["vip"]),
        "PJSIP/105": ("Zhou Jie", ["general", "vip"]),
        "PJSIP/106": ("Wu Fang", ["general"]),
    }
    end_t = start_t + hours * 3600
    out: list[tuple[float, Fields]] = []
    truth: dict[tuple[str, int], Counter[str]] = {}
    waiting: dict[str, list[tuple[str, float]]] = {q: [] for q in queues}  # FIFO per queue
    busy: set[str] = set()
    timers: list[tuple[float, int, str, tuple]] = []  # (t, n, kind, args)
    n = 0

    def later(t: float, kind: str, *args) -> None:
        nonlocal n
        n += 1
        heapq.heappush(timers, (t, n, kind, args))

    def count(queue: str, joined: float, what: str) -> None:
        start = int(joined // INTERVAL_S * INTERVAL_S)
        truth.setdefault((queue, start), Counter())[what] += 1

    def status(t: float, interface: str, code: str) -> None:
        name, mine = members[interface]
        for queue in mine:
            out.append((t, _event("QueueMemberStatus", t, **member(queue, interface, name,
                                                                    status=code))))

    def dispatch(t: float) -> None:
        for queue in queues:
            while waiting[queue]:
                free = [i for i, (_n, qs) in members.items() if queue in qs and i not in busy]
                if not free:
                    break
                interface = rng.choice(free)
                uid, joined = waiting[queue].pop(0)
                busy.add(interface)
                name = members[interface][0]
                who = {"MemberName": name, "Interface": interface, "Queue": queue}
                out.append((t, _event("AgentCalled", t, **channel(uid), **who)))
                connect_t = t + RING_S
                later(connect_t, "connect", uid, queue, interface, joined)

    t = start_t
    for queue in queues:
        later(start_t + rng.expovariate(1 / 60), "arrive", queue)
    calls = 0
    while timers:
        t, _n, kind, args = heapq.heappop(timers)
        if kind == "arrive":
            (queue,) = args
            if t >= end_t:
                continue
            calls += 1
            uid = f"{int(start_t)}.{calls}"
            waiting[queue].append((uid, t))
            out.append((t, _event("QueueCallerJoin", t, **channel(uid), Queue=queue,
                                  Position=str(len(waiting[queue])),
                                  Count=str(len(waiting[queue])))))
            count(queue, t, "offered")
            later(t + rng.expovariate(1 / 150), "give_up", uid, queue, t)
            later(t + rng.expovariate(1 / 60), "arrive", queue)
            dispatch(t)
        elif kind == "give_up":
            uid, queue, joined = args
            entry = next((w for w in waiting[queue] if w[0] == uid), None)
            if entry is None or t >= end_t:
                continue  # already rung, or the day is over: still waiting at the end
            position = waiting[queue].index(entry) + 1
            waiting[queue].remove(entry)
            out.append((t, _event("QueueCallerAbandon", t, **channel(uid), Queue=queue,
                                  Position=str(position), OriginalPosition=str(position),
                                  HoldTime=str(int(t - joined)))))
            count(queue, joined, "abandoned")
        elif kind == "connect":
            uid, queue, interface, joined = args
            name = members[interface][0]
            who = {"MemberName": name, "Interface": interface, "Queue": queue}
            hold = str(int(t - joined))
            out.append((t, _event("QueueCallerLeave", t, **channel(uid), Queue=queue,
                                  Count=str(len(waiting[queue])), Position="1")))
            out.append((t, _event("AgentConnect", t, **channel(uid), **who,
                                  RingTime=str(int(RING_S)), HoldTime=hold)))
            status(t, interface, "2")
            count(queue, joined, "answered")
            talk = rng.expovariate(1 / 240)
            later(t + talk, "complete", uid, queue, interface, hold, talk)
        elif kind == "complete":
            uid, queue, interface, hold, talk = args
            if t >= end_t:
                continue  # still talking when the day's script ends
            name = members[interface][0]
            out.append((t, _event("AgentComplete", t, **channel(uid), MemberName=name,
                                  Interface=interface, Queue=queue, HoldTime=hold,
                                  TalkTime=str(int(talk)), Reason="caller")))
            status(t, interface, "1")
            busy.discard(interface)
            dispatch(t)
    out.sort(key=lambda item: item[0])  # stable: each instant keeps its order
    day = Day(out, queues, members, truth)
    day.waiting_at_end = Counter({q: len(w) for q, w in waiting.items() if w})
    day.talking_at_end = set(busy)
    return day


class DayPlayer:
    """Pushes a `Day` into a FakeAmi, keeping the fake's state as Asterisk's would be."""

    def __init__(self, fake: FakeAmi, day: Day) -> None:
        self.fake, self.day = fake, day
        self.next = 0  # index of the next event to push
        self._joined: dict[str, float] = {}
        fake.queues = [queue_params(q) for q in day.queues]
        fake.members = [
            _queue_member(queue, interface, name)
            for interface, (name, queues) in day.members.items() for queue in queues
        ]
        fake.entries = []

    def push_until(self, index: int) -> float:
        """Push events up to (not including) `index`; returns the last pushed time."""
        t = 0.0
        while self.next < min(index, len(self.day.events)):
            t, fields = self.day.events[self.next]
            self._mirror(t, fields)
            t = float(fields["Timestamp"])  # as the client reads it (microseconds)
            self.fake.push(fields)
            self.next += 1
        return t

    def entries_waited(self, now: float) -> None:
        """Set each waiting entry's `Wait` as a QueueStatus answer at `now` gives it."""
        for entry in self.fake.entries:
            entry["Wait"] = str(int(now - self._joined[entry["Uniqueid"]]))

    def _mirror(self, t: float, fields: Fields) -> None:
        kind, fake = fields["Event"], self.fake
        if kind == "QueueCallerJoin":
            self._joined[fields["Uniqueid"]] = t
            fake.entries.append({
                "Queue": fields["Queue"], "Position": fields["Position"],
                "Channel": fields["Channel"], "Uniqueid": fields["Uniqueid"],
                "CallerIDNum": fields["CallerIDNum"], "CallerIDName": "",
                "ConnectedLineNum": "", "ConnectedLineName": "", "Wait": "0", "Priority": "0",
            })
        elif kind in ("QueueCallerLeave", "QueueCallerAbandon"):
            fake.entries = [e for e in fake.entries if e["Uniqueid"] != fields["Uniqueid"]]
        elif kind == "QueueMemberStatus":
            for m in fake.members:
                if m["Location"] == fields["Interface"] and m["Queue"] == fields["Queue"]:
                    m["Status"] = fields["Status"]
                    m["InCall"] = "1" if fields["Status"] == "2" else "0"


def _queue_member(queue: str, interface: str, name: str) -> Fields:
    """A QueueMember item of the QueueStatus answer (FORMATS.md)."""
    return {
        "Queue": queue, "Name": name, "Location": interface, "StateInterface": interface,
        "Membership": "dynamic", "Penalty": "0", "CallsTaken": "0", "LastCall": "0",
        "LastPause": "0", "LoginTime": "0", "InCall": "0", "Status": "1", "Paused": "0",
        "PausedReason": "", "Wrapuptime": "0",
    }
