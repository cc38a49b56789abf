"""A feed's snapshot checked and built a piece at a time, within a budget per call.

`snapshot.prepare` checks a state and builds its records in one go: 55-65 ms at
5,000 agents and 100 queues (more with a garbage collection), too much for one GUI
tick, and a thread of the GUI's process shares the GIL with the ticks. A
`SnapshotBuild` does the same work across calls of `step`, each returning once its
budget is spent: the check in chunks (`snapshot_check.check_steps`, ~20 ms in all
at that size), then the records in chunks (`snapshot.build_steps`), a few ms each.
Its result is what `prepare(..., build=True)` gives for the same arguments (the same
code, `snapshot.prepare_steps`, only paused), `problem` set if the state is refused.

The budget is read on a clock the caller hands in (the GUI passes `time.perf_counter`;
tests a counter), so the engine itself reads no wall clock.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import Any

from .limits import MAX_AGENTS_PER_FEED, MAX_QUEUES_PER_FEED
from .snapshot import BUILD_CHUNK, PreparedSnapshot, build_steps, prepare_steps
from .snapshot_check import CHECK_CHUNK


class SnapshotBuild:
    """One snapshot state on its way to a `PreparedSnapshot`; `step` until it returns one.

    `checked`: the state already checked (`prepare(..., build=False)`, e.g. by a feed's
    child process) for the same feed and caps: only its records are built. The state
    must not change until the build is done.
    """

    def __init__(
        self,
        state: dict[str, Any],
        feed: str = "",
        max_queues: int = MAX_QUEUES_PER_FEED,
        max_agents: int = MAX_AGENTS_PER_FEED,
        *,
        windows: Iterable[int] = (),
        latest: float | None = None,
        checked: PreparedSnapshot | None = None,
        chunk: int = BUILD_CHUNK,
        check_chunk: int = CHECK_CHUNK,
    ) -> None:
        self.feed = feed
        self.result: PreparedSnapshot | None = None
        self.steps = 0  # calls of `step` that did some work
        self.pieces = 0  # pieces of work done (chunks of the check, then of the build)
        if checked is not None and checked.state is not None:  # only the build is left
            self._work = _built(checked, tuple(windows), chunk)
        else:
            self._work = prepare_steps(
                state,
                feed,
                max_queues,
                max_agents,
                windows=tuple(windows),
                latest=latest,
                chunk=chunk,
                check_chunk=check_chunk,
            )

    @property
    def done(self) -> bool:
        return self.result is not None

    def step(self, budget_s: float, clock: Callable[[], float]) -> PreparedSnapshot | None:
        """Do pieces until `budget_s` (read on `clock`) is spent, at least one: the
        prepared snapshot once the last piece is done (then always), else None.

        A step overruns its budget by at most one piece (a chunk: a few milliseconds).
        """
        if self.result is not None:
            return self.result
        self.steps += 1
        start = clock()
        while True:
            try:
                next(self._work)
            except StopIteration as end:
                self.pieces += 1
                self.result = end.value
                return self.result
            self.pieces += 1
            if clock() - start >= budget_s:
                return None

    def finish(self) -> PreparedSnapshot:
        """Do what is left at once (no budget)."""
        result = self.step(float("inf"), lambda: 0.0)
        assert result is not None
        return result


def _built(
    checked: PreparedSnapshot, windows: tuple[int, ...], chunk: int
) -> Generator[None, None, PreparedSnapshot]:
    yield from build_steps(checked, windows, chunk)
    return checked
