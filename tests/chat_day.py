"""A scripted, seeded stretch of online chat as Chatwoot tells it, with its ground
truth per inbox queue and 15-minute interval of entry (as `floorwatch report` counts).

Conversations open in two inboxes, some first with a bot (status `pending`) that
hands over to a human or resolves them itself; a waiting conversation is assigned
to an agent of its inbox, or resolved unanswered; answered ones are resolved later.
`ChatPlayer` plays the script through `tests/fake_chatwoot.FakeChatwoot`'s helpers,
which change the fake's state and broadcast what Chatwoot broadcasts.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.fake_chatwoot import FakeChatwoot

INTERVAL_S = 900
INBOXES = {1: ("Web chat", [11, 12]), 2: ("App chat", [12, 13])}
USERS = {11: "Li Na", 12: "Wang Wei", 13: "Zhao Lei"}


@dataclass
class ChatDay:
    steps: list[tuple[int, str, tuple[Any, ...]]]  # (time, FakeChatwoot method, args)
    truth: dict[tuple[str, int], Counter[str]] = field(default_factory=dict)
    bot_resolved: int = 0


def scripted_chats(seed: int, start_t: int, hours: float = 1.5) -> ChatDay:
    rng = random.Random(seed)
    steps: list[tuple[int, str, tuple[Any, ...]]] = []
    truth: dict[tuple[str, int], Counter[str]] = {}
    bot_resolved = 0

    def count(inbox: int, entered: int, what: str) -> None:
        key = (f"inbox-{inbox}", entered // INTERVAL_S * INTERVAL_S)
        truth.setdefault(key, Counter())[what] += 1

    t, conv, end = start_t, 100, start_t + int(hours * 3600)
    while True:
        t += max(1, int(rng.expovariate(1 / 40)))
        if t >= end:
            break
        conv += 1
        inbox = rng.choice(list(INBOXES))
        entered = t
        if rng.random() < 0.2:  # a bot answers first
            steps.append((t, "create", (conv, inbox, t, "pending")))
            entered = t + rng.randint(5, 120)
            if rng.random() < 0.3:  # the bot solved it: never a human's
                steps.append((entered, "set_status", (conv, "resolved", entered)))
                bot_resolved += 1
                continue
            steps.append((entered, "set_status", (conv, "open", entered)))
        else:
            steps.append((t, "create", (conv, inbox, t, "open")))
        count(inbox, entered, "offered")
        waited = entered + max(1, int(rng.expovariate(1 / 50)))
        if rng.random() < 0.8:
            agent = rng.choice(INBOXES[inbox][1])
            steps.append((waited, "assign", (conv, agent, waited)))
            count(inbox, entered, "answered")
            done = waited + max(5, int(rng.expovariate(1 / 300)))
        else:
            count(inbox, entered, "other_exits")  # resolved while waiting: an exit
            done = waited
        steps.append((done, "set_status", (conv, "resolved", done)))
    steps.sort(key=lambda s: s[0])  # stable: a conversation's own steps keep their order
    return ChatDay(steps, truth, bot_resolved)


def chat_fake(**kw: Any) -> FakeChatwoot:
    """The fake with the script's users, inboxes and the watching administrator (99)."""
    fake = FakeChatwoot(**kw)
    for user, name in USERS.items():
        fake.add_user(user, name, "online")
    fake.add_user(99, "Floorwatch", "online", role="administrator")
    for inbox, (name, members) in INBOXES.items():
        fake.add_inbox(inbox, name, members)
    return fake


class ChatPlayer:
    """Plays a ChatDay's steps into the fake (call on the fake's event loop)."""

    def __init__(self, fake: FakeChatwoot, day: ChatDay) -> None:
        self.fake, self.day, self.next = fake, day, 0

    def play_until(self, index: int) -> None:
        while self.next < min(index, len(self.day.steps)):
            _t, method, args = self.day.steps[self.next]
            if method == "create":
                conv, inbox, t, status = args
                self.fake.create(conv, inbox, t, status=status)
            else:
                getattr(self.fake, method)(*args)
            self.next += 1
