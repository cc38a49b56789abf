"""Sequence numbers of one feed: duplicates, gaps and resync, with no I/O.

Kept apart from any socket (as python-websockets keeps `protocol.py` apart from
its connections) so the websocket source, replay and tests drive the same
rules with plain calls. A gap means the state may be stale: the caller asks for
a snapshot, events after the gap are held until it arrives, then those it does
not already include are played after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")

HOLD_LIMIT = 100_000  # events held while waiting for a snapshot; beyond this, drop
# A feed numbers its events 1, 2, 3 …; a server never lets a client fall this far behind
# without a snapshot (its replay buffer and send queue are far smaller), so a jump past
# it is a broken or hostile frame, not a gap: rejected, never a reason to resync.
MAX_JUMP = 1_000_000
SEQ_JUMP = "seq_jump"  # the rejection reason, as counted in feed health


@dataclass(slots=True)
class Step(Generic[T]):
    """What to do after one input: deliver these (seq, item) in order; ask for a snapshot?"""

    deliver: list[tuple[int, T]] = field(default_factory=list)
    resync: bool = False
    rejected: int = 0  # inputs refused as implausible (SEQ_JUMP); they changed nothing


class Sequencer(Generic[T]):
    """Ordering state of one feed; `T` is whatever the caller carries (an envelope)."""

    def __init__(self, hold_limit: int = HOLD_LIMIT) -> None:
        self.hold_limit = hold_limit
        self.last_seq = 0  # the last number delivered (or included in a snapshot)
        self.epoch = ""  # the server run our numbers belong to
        self.anchor: int | None = None  # the server's number at welcome, if it said
        self.awaiting_snapshot = False
        self.duplicates = 0
        self.resyncs = 0
        self.held_dropped = 0
        self._held: list[tuple[int, T, bool]] = []  # (seq, item, refused already)

    @property
    def resume_from(self) -> int | None:
        """What to ask a server to resume after, or None for a fresh start."""
        return self.last_seq if self.last_seq > 0 else None

    def welcome(self, epoch: str, seq: int | None = None) -> None:
        """The server told us its run (and its latest number); numbers of another run
        mean nothing here."""
        if epoch != self.epoch:
            self.epoch, self.last_seq = epoch, 0
        self.anchor = seq if isinstance(seq, int) and seq >= 0 else None

    def plausible(self, seq: int) -> bool:
        """Within MAX_JUMP of what we know of the feed's numbering (anything goes before
        we know anything: the first number becomes the reference)."""
        known = max(self.last_seq, self.anchor or 0)
        if not known and self.anchor is None:
            return True
        return seq <= known + MAX_JUMP

    def next_in_order(self, seq: int) -> bool:
        """Take `seq` at once if it is simply the next number (the common case: no `Step`
        built); False changes nothing, and `event` applies the general rules."""
        if seq == self.last_seq + 1 and self.last_seq and not self.awaiting_snapshot:
            self.last_seq = seq
            return True
        return False

    def event(self, seq: int, item: T, *, refused: bool = False) -> Step[T]:
        """A sequenced (seq > 0) or unsequenced (seq == 0) event arrived.

        `refused`: the caller already refused (and counted) the frame for its content;
        it still uses up its number, and is counted for nothing else here.
        """
        if seq and seq <= self.last_seq:
            self.duplicates += not refused
            return Step()
        if self.awaiting_snapshot:
            self._hold(seq, item, refused)
            return Step()
        if seq:
            if not self.plausible(seq):
                return Step(rejected=0 if refused else 1)
            if self.last_seq and seq != self.last_seq + 1:
                self._hold(seq, item, refused)
                return Step(resync=self._start_resync())
            self.last_seq = seq
        return Step([(seq, item)])

    def snapshot(self, seq: int, item: T) -> Step[T]:
        """A snapshot including everything up to `seq`: deliver it, then what was held."""
        if not self.plausible(seq):
            return Step(rejected=1)
        self.last_seq = seq
        self.awaiting_snapshot = False
        held, self._held = self._held, []
        step: Step[T] = Step([(seq, item)])
        for held_seq, held_item, refused in held:
            if held_seq <= self.last_seq:
                continue  # the snapshot includes it
            if held_seq != self.last_seq + 1:
                # Sent before the snapshot yet numbered past it: no honest feed does that
                # (the snapshot is stamped with everything sent so far). Asking again would
                # only bring the same snapshot back: refuse it instead.
                step.rejected += not refused
                continue
            more = self.event(held_seq, held_item, refused=refused)
            step.deliver += more.deliver
            step.rejected += more.rejected
        return step

    def lost(self) -> bool:
        """A delivered event could not be used downstream; True if a snapshot must be asked for."""
        return self._start_resync()

    def _start_resync(self) -> bool:
        if self.awaiting_snapshot:
            return False  # already asked
        self.awaiting_snapshot = True
        self.resyncs += 1
        return True

    def _hold(self, seq: int, item: T, refused: bool) -> None:
        if len(self._held) < self.hold_limit:
            self._held.append((seq, item, refused))
        else:
            self.held_dropped += 1
