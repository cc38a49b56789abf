"""Slow down guessing of tokens: each failed login from an address waits longer.

A feed server refuses an unknown token at once today; without a pause a client
can try hundreds of tokens a second. Failures from one address are handled one
at a time, each after a pause that doubles with every recent failure (to a cap),
so guessing gets slow fast while a client with a good token never waits.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict, deque

WINDOW_S = 60.0  # failures older than this are forgotten
BASE_DELAY_S = 0.05
MAX_DELAY_S = 5.0
MAX_ADDRESSES = 10_000  # bounded memory under a spray from many addresses


class LoginThrottle:
    """Per remote address: recent failures and a lock that serialises their pauses."""

    def __init__(self) -> None:
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}

    def delay_for(self, address: str, now: float | None = None) -> float:
        """Record one failure from `address`; the pause before answering it."""
        now = time.monotonic() if now is None else now
        times = self._failures.pop(address, None) or deque()
        while times and now - times[0] > WINDOW_S:
            times.popleft()
        times.append(now)
        self._failures[address] = times  # most recent last
        while len(self._failures) > MAX_ADDRESSES:
            old, _ = self._failures.popitem(last=False)
            self._locks.pop(old, None)
        return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (len(times) - 1))

    async def failed(self, address: str) -> None:
        """Wait out the pause for one more failure from `address` (one at a time)."""
        lock = self._locks.setdefault(address, asyncio.Lock())
        async with lock:
            await asyncio.sleep(self.delay_for(address))
