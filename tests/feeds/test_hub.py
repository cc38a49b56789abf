"""The hub's hand-off: how far the engine lags is measured and reported per feed."""

from __future__ import annotations

import time

from feeds.hub import FeedHub, Handoff
from feeds.sim import START_T, SimConfig
from feeds.source import FeedEvent
from feeds.sources.simulated import SimulatedSource
from monitor.events import Heartbeat
from tests.conftest import wait_until


def test_handoff_says_how_long_its_oldest_item_waited(monkeypatch):
    from feeds import hub as hub_module

    now = [10.0]
    monkeypatch.setattr(hub_module.time, "monotonic", lambda: now[0])
    handoff = Handoff(limit=10)
    assert handoff.waited_s() == 0.0
    handoff.put(FeedEvent("f", 1, Heartbeat(1.0)))
    now[0] = 12.5
    handoff.put(FeedEvent("f", 2, Heartbeat(2.0)))
    assert handoff.waited_s() == 2.5
    handoff.take(1)
    assert handoff.waited_s() == 0.0  # the second arrived just now
    handoff.take(5)
    assert handoff.waited_s() == 0.0 and len(handoff) == 0


def test_an_engine_that_does_not_drain_shows_as_behind():
    source = SimulatedSource(SimConfig(agents=10, start_t=START_T), manual=True, warmup_s=60)
    hub = FeedHub([source])
    hub.start()
    try:
        assert wait_until(lambda: hub.pending > 0)
        time.sleep(0.3)
        assert hub.health()[0].behind_s >= 0.3
        hub.drain()
        assert hub.health()[0].behind_s == 0.0
    finally:
        hub.stop()


class Flaky(SimulatedSource):
    """A source with a bug that strikes once, after a few events."""

    def __init__(self) -> None:
        super().__init__(SimConfig(agents=5, start_t=START_T), key="flaky", manual=True)
        self.runs = 0

    async def events(self, stop):
        self.runs += 1
        n = 0
        async for item in super().events(stop):
            n += 1
            if self.runs == 1 and n == 3:
                raise RuntimeError("a bug in the source")
            yield item


def test_a_failing_source_is_restarted_and_says_so():
    source = Flaky()
    hub = FeedHub([source])
    hub.start()
    try:
        assert wait_until(lambda: source.runs == 2, timeout=5)
        health = hub.health()[0]
        assert health.restarts == 1 and "RuntimeError: a bug in the source" in health.last_error
        assert wait_until(lambda: hub.pending > 3)  # and its events flow again
    finally:
        hub.stop()
    assert "flaky" in hub.finished


class Live:
    """A live feed as the hub sees it: it cannot wait, so what does not fit is dropped."""

    key = "live"
    waits_when_full = False

    def __init__(self) -> None:
        self.overflowed_items: list[FeedEvent] = []

    def overflowed(self, item: FeedEvent) -> None:
        self.overflowed_items.append(item)


def test_a_batch_that_does_not_fit_drops_the_rest_but_lets_a_snapshot_through():
    from monitor.events import Snapshot

    hub = FeedHub([], handoff_limit=3)
    source = Live()
    items = [FeedEvent("live", i, Heartbeat(float(i))) for i in range(1, 6)]
    snapshot = FeedEvent("live", 9, Snapshot(9.0, 9, {}))
    pending = [*items, snapshot]
    hub._hand_off(source, pending)
    assert pending == []
    assert source.overflowed_items == items[3:]
    assert hub.drain() == [*items[:3], snapshot]


def test_handoff_batches_keep_the_age_of_their_oldest_item(monkeypatch):
    from feeds import hub as hub_module

    now = [10.0]
    monkeypatch.setattr(hub_module.time, "monotonic", lambda: now[0])
    handoff = Handoff(limit=10)
    assert handoff.put_many([FeedEvent("f", i, Heartbeat(1.0)) for i in (1, 2, 3)]) == 3
    now[0] = 11.0
    assert handoff.put_many([FeedEvent("f", i, Heartbeat(1.0)) for i in (4, 5)]) == 2
    now[0] = 13.0
    assert handoff.waited_s() == 3.0
    assert [i.seq for i in handoff.take(2)] == [1, 2]
    assert handoff.waited_s() == 3.0  # item 3 came with the first batch
    handoff.take(1)
    assert handoff.waited_s() == 2.0
    assert handoff.put_many([FeedEvent("f", i, Heartbeat(1.0)) for i in range(6, 20)]) == 8
