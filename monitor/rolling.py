"""Per-queue counters in one-minute buckets: constant memory for any run length.

A rolling window of N minutes is the current minute plus the previous N-1
whole minutes (the same convention as minute-bucketed platform reports).

Windows answer in O(1): each window length (and each "since minute M" range)
asked for keeps running sums that follow the buckets as minutes enter and leave
it, and as buckets change. Float fields are summed exactly, as integers in units
of 2**-1074 (every finite float is a whole number of those), and rounded once
when read: a window's figures depend only on the buckets it covers, never on the
order in which sums were kept, so two floors holding the same buckets show the
same figures to the last bit however differently they were read.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from itertools import compress
from operator import attrgetter, ne
from typing import Any

BUCKET_S = 60
KEEP_MINUTES = 61  # 60-minute window plus the minute in progress


@dataclass(slots=True)
class Totals:
    """Sums over a window. Outcomes are counted at the time they happen."""

    offered: int = 0
    answered: int = 0
    answered_within_sl: int = 0
    wait_answered_s: float = 0.0
    abandoned: int = 0
    abandoned_within_sl: int = 0
    short_abandoned: int = 0
    wait_abandoned_s: float = 0.0
    other_exits: int = 0
    callbacks: int = 0
    removed_within_sl: int = 0  # answered, abandoned or callback within T (Amazon Connect)
    max_wait_s: float = 0.0  # longest wait of any contact that left the queue
    handled: int = 0
    handle_s: float = 0.0
    first_responses: int = 0
    first_response_s: float = 0.0
    surveys_nps: int = 0
    nps_promoters: int = 0
    nps_detractors: int = 0
    surveys_csat: int = 0
    csat_sum: int = 0
    # Appended after the fields above, never between them: a snapshot's buckets are
    # lists in field order, and one written before these existed loads with them 0.
    csat_satisfied: int = 0  # satisfaction answers of 4 or 5
    responses: int = 0  # agent replies to a customer message, every turn of a chat
    response_s: float = 0.0  # sum of their delays (customer message -> that reply)
    # Backlog and bot stage (issue 15 parts 3, 4), appended for the same reason.
    callbacks_worked: int = 0  # backlog items worked (`CallbackCompleted`)
    bot_resolved: int = 0  # chats the bot resolved (contained)
    bot_handoffs: int = 0  # chats the bot handed to a human

    def add(self, other: Totals) -> None:
        self.offered += other.offered
        self.answered += other.answered
        self.answered_within_sl += other.answered_within_sl
        self.wait_answered_s += other.wait_answered_s
        self.abandoned += other.abandoned
        self.abandoned_within_sl += other.abandoned_within_sl
        self.short_abandoned += other.short_abandoned
        self.wait_abandoned_s += other.wait_abandoned_s
        self.other_exits += other.other_exits
        self.callbacks += other.callbacks
        self.removed_within_sl += other.removed_within_sl
        self.max_wait_s = max(self.max_wait_s, other.max_wait_s)
        self.handled += other.handled
        self.handle_s += other.handle_s
        self.first_responses += other.first_responses
        self.first_response_s += other.first_response_s
        self.surveys_nps += other.surveys_nps
        self.nps_promoters += other.nps_promoters
        self.nps_detractors += other.nps_detractors
        self.surveys_csat += other.surveys_csat
        self.csat_sum += other.csat_sum
        self.csat_satisfied += other.csat_satisfied
        self.responses += other.responses
        self.response_s += other.response_s
        self.callbacks_worked += other.callbacks_worked
        self.bot_resolved += other.bot_resolved
        self.bot_handoffs += other.bot_handoffs


_FIELDS = tuple(f.name for f in fields(Totals))
_SUM_FIELDS = tuple(f for f in _FIELDS if f != "max_wait_s")
assert len(_SUM_FIELDS) == 23 + 3, "Totals.add must name every field"
_N = len(_FIELDS)
_MAX = _FIELDS.index("max_wait_s")
# Summed exactly (see the module docstring); the other summed fields are whole numbers.
_EXACT = tuple(i for i, f in enumerate(fields(Totals)) if f.type == "float" and i != _MAX)
_EXACT_SET = frozenset(_EXACT)
_INDICES = range(_N)
_values = attrgetter(*_FIELDS)  # a bucket's fields as one tuple, in _FIELDS order

_EMPTY = Totals()  # compared against, never written

_SCALE_BITS = 1074  # the smallest float is 2**-1074
_SCALE = 1 << _SCALE_BITS


def _fixed(x: float) -> int:
    """x exactly, in units of 2**-1074."""
    n, d = x.as_integer_ratio()  # d is a power of two
    return n << (_SCALE_BITS + 1 - d.bit_length())


def _vector(values: tuple[Any, ...]) -> list[Any]:
    """A bucket's fields as summable numbers: exact fields scaled, max_wait_s as is."""
    out = list(values)
    for i in _EXACT:
        out[i] = _fixed(out[i]) if out[i] else 0
    return out


def _deltas(old: tuple[Any, ...], new: tuple[Any, ...]) -> list[tuple[int, Any]]:
    """(field index, exact change) of every summed field that changed."""
    out = []
    # The fields that changed, found in C: an event changes a few of the 24.
    for i in compress(_INDICES, map(ne, new, old)):
        if i in _EXACT_SET:
            out.append((i, _fixed(new[i]) - _fixed(old[i])))
        elif i != _MAX:
            out.append((i, new[i] - old[i]))
    return out


def _totals(sums: list[Any], top: float) -> Totals:
    out = list(sums)
    for i in _EXACT:
        out[i] = out[i] / _SCALE if out[i] else 0.0  # int / int: correctly rounded
    out[_MAX] = top
    return Totals(*out)


def totals_of(sums: tuple[Any, ...]) -> Totals:
    """The `Totals` a `window_sums` tuple stands for (what `window` returns)."""
    return _totals(sums[:_N], sums[_N])


_NO_SUMS = (*[0] * _N, 0.0)  # window_sums of an empty window: totals_of gives Totals()


def exact_sum(buckets: list[Totals]) -> Totals:
    """Buckets summed from scratch the way windows sum them (for checks)."""
    sums, top = [0] * _N, 0.0
    for b in buckets:
        vec = _vector(_values(b))
        for i in range(_N):
            if i != _MAX:
                sums[i] += vec[i]
        top = max(top, b.max_wait_s)
    return _totals(sums, top)


class _Span:
    """Running sums of the held minutes lo..hi; `length` set for a rolling window."""

    __slots__ = ("lo", "hi", "length", "sums", "top", "top_stale")

    def __init__(self, lo: int, hi: int, length: int | None) -> None:
        self.lo, self.hi, self.length = lo, hi, length
        self.sums: list[Any] = [0] * _N
        self.top = 0.0  # max_wait_s over the span
        self.top_stale = False


_MAX_ROLLING_SPANS = 8
_MAX_SINCE_SPANS = 4


class _Minutes:
    """A ring of KEEP_MINUTES minute slots with O(1) window sums over them.

    Subclasses say what a slot holds (`_slot_vector`, `_slot_top`); this class keeps
    the spans: running sums per window length or first minute asked for.
    """

    __slots__ = ("_minutes", "_spans")

    def __init__(self) -> None:
        self._minutes: list[int] = [-1] * KEEP_MINUTES
        self._spans: dict[tuple[str, int], _Span] = {}

    def _slot_vector(self, i: int) -> list[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _slot_top(self, i: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def _flush(self) -> None:
        """Bring the spans up to date with changes made to buckets since the last read."""

    # ---------------------------------------------------------------- spans
    def _span(self, kind: str, key: int, lo: int, hi: int, length: int | None) -> _Span:
        spans = self._spans
        span = spans.get((kind, key))
        if span is None:
            limit = _MAX_ROLLING_SPANS if length is not None else _MAX_SINCE_SPANS
            same_kind = [k for k in spans if k[0] == kind]
            if len(same_kind) >= limit:
                del spans[same_kind[0]]  # the oldest made
            span = spans[(kind, key)] = _Span(lo, hi, length)
            self._rebuild(span)
        elif span.hi != hi:
            self._align(span, hi)
        return span

    def _rebuild(self, span: _Span) -> None:
        span.sums, span.top, span.top_stale = [0] * _N, 0.0, False
        lo, hi = span.lo, span.hi
        for i, minute in enumerate(self._minutes):
            if lo <= minute <= hi:
                self._take(span, self._slot_vector(i), +1)

    def _align(self, span: _Span, current: int) -> None:
        """Move a span's upper end to `current` (and a rolling span's lower end with it)."""
        steps = current - span.hi
        length = span.length
        if steps < 0 or (length is not None and steps >= length) or steps > KEEP_MINUTES:
            # Backwards, or so far that walking the minutes costs more than a rebuild.
            span.hi = current
            if length is not None:
                span.lo = current - length + 1
            self._rebuild(span)
            return
        minutes = self._minutes
        if length is not None:
            for minute in range(span.lo, span.lo + steps):
                i = minute % KEEP_MINUTES
                if minutes[i] == minute:
                    self._take(span, self._slot_vector(i), -1)
            span.lo += steps
        for minute in range(span.hi + 1, current + 1):
            i = minute % KEEP_MINUTES
            if minutes[i] == minute:
                self._take(span, self._slot_vector(i), +1)
        span.hi = current

    @staticmethod
    def _take(span: _Span, vec: list[Any], sign: int) -> None:
        """Add (sign +1) or remove (-1) one whole minute."""
        sums = span.sums
        for i, v in enumerate(vec):
            if v and i != _MAX:
                sums[i] += v if sign > 0 else -v
        top = vec[_MAX]
        if sign > 0:
            if top > span.top:
                span.top = top
        elif top and top >= span.top:
            span.top_stale = True  # the longest wait left: find the next one on read

    def _changed(self, minute: int, deltas: list[tuple[int, Any]], old_top: float,
                 new_top: float) -> None:
        """A held minute changed by `deltas`: update the spans over it."""
        for span in self._spans.values():
            if span.lo <= minute <= span.hi:
                sums = span.sums
                for i, d in deltas:
                    sums[i] += d
                if new_top > span.top:
                    span.top = new_top
                elif new_top < old_top and old_top >= span.top:
                    span.top_stale = True

    def _evicted(self, minute: int, i: int) -> None:
        """Held minute `minute` in slot i leaves the ring (the slot is reused)."""
        for span in self._spans.values():
            if span.lo <= minute <= span.hi:
                self._take(span, self._slot_vector(i), -1)

    def _read(self, span: _Span) -> Totals:
        if span.top_stale:
            top, lo, hi = 0.0, span.lo, span.hi
            for i, minute in enumerate(self._minutes):
                if lo <= minute <= hi:
                    top = max(top, self._slot_top(i))
            span.top, span.top_stale = top, False
        return _totals(span.sums, span.top)

    # ---------------------------------------------------------------- reads
    def since(self, first_minute: int, now: float) -> Totals:
        """Sum of the ring's buckets from `first_minute` to the current minute."""
        self._flush()
        current = int(now // BUCKET_S)
        if first_minute > current:
            return Totals()
        return self._read(self._span("since", first_minute, first_minute, current, None))

    def window(self, now: float, minutes: int) -> Totals:
        """Sum of the current minute and the previous `minutes - 1` minutes."""
        self._flush()
        if minutes <= 0:
            return Totals()
        current = int(now // BUCKET_S)
        return self._read(self._span("window", minutes, current - minutes + 1, current, minutes))

    def window_sums(self, now: float, minutes: int) -> tuple[Any, ...]:
        """`window(now, minutes)` before it is made a `Totals`: the running sums in
        field order (float fields exact, in units of 2**-1074), then max_wait_s.

        Equal tuples are equal windows, so a reader may keep one to learn cheaply
        whether a window moved (the floor's cached views do); `totals_of` makes it
        the `Totals` that `window` returns.
        """
        self._flush()
        if minutes <= 0:
            return _NO_SUMS
        current = int(now // BUCKET_S)
        span = self._span("window", minutes, current - minutes + 1, current, minutes)
        if span.top_stale:
            self._read(span)  # finds the window's longest wait again
        return (*span.sums, span.top)


class RollingCounters(_Minutes):
    """A ring of minute buckets keyed by absolute minute number, plus today's total.

    Today's total is the buckets that have left the ring since the day started,
    plus those still in it: each event is written once, to its minute bucket.

    `bucket` hands out the bucket itself for the caller to add to; the running
    sums catch up on the next read with what was added to the buckets handed out
    since the previous read (and to the last one handed out, even if it is kept
    across reads). A `sink` (a floor's `ChannelPool`) receives the same changes.
    """

    __slots__ = ("_buckets", "day", "day_start_minute", "_dirty", "_watch", "sink")

    def __init__(self) -> None:
        super().__init__()
        self._buckets: list[Totals] = [Totals() for _ in range(KEEP_MINUTES)]
        self.day = Totals()  # evicted buckets of today
        self.day_start_minute = 0
        self._dirty: dict[int, tuple[Any, ...]] = {}  # slot -> its values when handed out
        self._watch: int | None = None  # the slot handed out last
        self.sink: ChannelPool | None = None

    def _slot_vector(self, i: int) -> list[Any]:
        return _vector(_values(self._buckets[i]))

    def _slot_top(self, i: int) -> float:
        return self._buckets[i].max_wait_s

    def bucket(self, t: float, now: float) -> Totals | None:
        """The bucket for time t, or None when t is already out of every window."""
        minute = int(t // BUCKET_S)
        if minute <= int(now // BUCKET_S) - KEEP_MINUTES:
            return None
        i = minute % KEEP_MINUTES
        held = self._minutes[i]
        if held != minute:
            if held > minute:
                return None  # slot holds a newer minute: t is too old
            self._flush()
            old = self._buckets[i]
            if held >= 0 and self._spans:
                self._evicted(held, i)
            if held >= self.day_start_minute:
                self.day.add(old)
            self._minutes[i] = minute
            self._buckets[i] = Totals()
            self._dirty.pop(i, None)  # what was noted of the slot was the old minute's
        b = self._buckets[i]
        if i not in self._dirty:
            self._dirty[i] = _values(b)
        self._watch = i
        return b

    def _flush(self) -> None:
        if not self._dirty:
            return
        dirty, self._dirty = self._dirty, {}
        sink, buckets = self.sink, self._buckets
        if self._spans or sink is not None:
            for i, old in dirty.items():
                new = _values(buckets[i])
                if new != old:
                    minute, deltas = self._minutes[i], _deltas(old, new)
                    if self._spans:
                        self._changed(minute, deltas, old[_MAX], new[_MAX])
                    if sink is not None:
                        sink.changed(minute, deltas, new[_MAX])
        if self._watch is not None:  # a caller may still hold it: keep comparing
            self._dirty[self._watch] = _values(buckets[self._watch])

    def flush(self) -> None:
        """Pass on what was added to buckets since the last read (to spans and the sink)."""
        self._flush()

    def today(self, now: float) -> Totals:
        out = self.since(self.day_start_minute, now)
        out.add(self.day)
        return out

    def reset_day(self, start_t: float) -> None:
        self.day = Totals()
        self.day_start_minute = int(start_t // BUCKET_S)

    def has_counts(self, first_minute: int, last_minute: int) -> bool:
        """Whether any held bucket of the minutes first..last holds anything."""
        minutes, buckets = self._minutes, self._buckets
        if last_minute - first_minute < KEEP_MINUTES:
            for minute in range(first_minute, last_minute + 1):
                i = minute % KEEP_MINUTES
                if minutes[i] == minute and buckets[i] != _EMPTY:
                    return True
            return False
        return any(first_minute <= m <= last_minute and b != _EMPTY
                   for m, b in zip(minutes, buckets, strict=True))

    def minutes(self) -> list[tuple[int, Totals]]:
        """(minute, bucket) of every minute the ring holds (read only)."""
        return [(m, b) for m, b in zip(self._minutes, self._buckets, strict=True) if m >= 0]

    def dump(self) -> dict[str, Any]:
        return {
            "minutes": [
                [m, [getattr(b, f) for f in _FIELDS]]
                for m, b in zip(self._minutes, self._buckets, strict=True)
                if m >= 0
            ],
            "day": [getattr(self.day, f) for f in _FIELDS],
            "day_start_minute": self.day_start_minute,
        }

    def load(self, data: dict[str, Any]) -> None:
        self._flush()
        for minute, values in data.get("minutes", []):
            i = int(minute) % KEEP_MINUTES
            if int(minute) < self._minutes[i]:
                continue
            self._minutes[i] = int(minute)
            self._buckets[i] = Totals(*values[: len(_FIELDS)])
        self.day = Totals(*data.get("day", [])[: len(_FIELDS)])
        self.day_start_minute = int(data.get("day_start_minute", 0))
        self._spans.clear()  # rebuilt from the loaded buckets when next read
        self._dirty.clear()
        self._watch = None


class ChannelPool(_Minutes):
    """The minute buckets of several queues added together, for channel-wide windows.

    Fed by its queues' `RollingCounters` (their `sink`) with each change to a
    bucket, it holds exact sums, so its windows equal the exact sums of the
    queues' own buckets. Rolling windows only (no day, no calendar windows), and
    its max_wait_s only ever grows within a minute (the floor's buckets never shrink).
    """

    __slots__ = ("_vectors",)

    def __init__(self) -> None:
        super().__init__()
        self._vectors: list[list[Any]] = [[0] * _N for _ in range(KEEP_MINUTES)]

    def _slot_vector(self, i: int) -> list[Any]:
        return self._vectors[i]

    def _slot_top(self, i: int) -> float:
        return self._vectors[i][_MAX]

    def add(self, minute: int, bucket: Totals) -> None:
        """Add one whole bucket (when the pool is built from its queues)."""
        vec = _vector(_values(bucket))
        self.changed(minute, [(i, v) for i, v in enumerate(vec) if v and i != _MAX],
                     bucket.max_wait_s)

    def changed(self, minute: int, deltas: list[tuple[int, Any]], new_top: float) -> None:
        """A queue's bucket of `minute` changed by `deltas` (exact units)."""
        i = minute % KEEP_MINUTES
        held = self._minutes[i]
        if held != minute:
            if held > minute:
                return  # older than anything a rolling window can show
            if held >= 0 and self._spans:
                self._evicted(held, i)
            self._minutes[i] = minute
            self._vectors[i] = [0] * _MAX + [0.0] + [0] * (_N - _MAX - 1)
        vec = self._vectors[i]
        for k, d in deltas:
            vec[k] += d
        old_top = vec[_MAX]
        if new_top > old_top:
            vec[_MAX] = new_top
        if self._spans:
            self._changed(minute, deltas, old_top, vec[_MAX])
