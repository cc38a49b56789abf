"""A scripted hotline day through the fake Asterisk manager (real TCP, the AMI wire
format): the floor the AmiSource builds equals the script's ground truth, with and
without a forced disconnect in the middle; the report over its events gives the
script's counts per queue and 15-minute interval. No Qt."""

from __future__ import annotations

import asyncio

import pytest

from monitor.floor import Floor
from monitor.report import ReportBuilder
from monitor.views import WINDOW_TODAY, fresh_totals
from tests.ami_day import DayPlayer, scripted_day
from tests.fake_ami import FakeAmi
from tests.feeds.test_ami_source import T0, Run

HOURS = 3.0


def _floor_counts(floor: Floor, queue: str) -> dict[str, int]:
    t = fresh_totals(floor, floor.queues[queue], WINDOW_TODAY)
    return {"offered": t.offered, "answered": t.answered, "abandoned": t.abandoned}


@pytest.mark.parametrize("disconnect", [False, True], ids=["straight", "dropped-midday"])
def test_the_floor_equals_the_scripted_day(disconnect: bool) -> None:
    day = scripted_day(seed=3, start_t=T0 + 1, hours=HOURS)
    assert len(day.events) > 1000 and day.waiting_at_end  # a real day, ending busy

    async def main() -> None:
        fake = await FakeAmi().start()
        player = DayPlayer(fake, day)
        r = Run(fake)
        r.floor = Floor(tz="UTC")
        try:
            await r.until(lambda: r.snapshots() == 1)
            half = len(day.events) // 2 if disconnect else len(day.events)
            last = player.push_until(half)
            await r.until(lambda: r.floor.now >= last, timeout=10.0)
            if disconnect:
                player.entries_waited(last)
                fake.drop()
                await r.until(lambda: r.source.health().resyncs == 1)
                last = player.push_until(len(day.events))
                await r.until(lambda: r.floor.now >= last, timeout=10.0)
            await asyncio.sleep(0.05)  # the last instant's events after the clock moved
        finally:
            await r.close()
            await fake.close()
        floor = r.floor
        for queue, truth in day.totals().items():
            assert _floor_counts(floor, queue) == {k: truth[k] for k in
                                                   ("offered", "answered", "abandoned")}
            assert floor.queue_view(queue).waiting == day.waiting_at_end[queue]
        talking = {a.id for a in floor.agents.values() if a.state == "on_contact"}
        assert talking == day.talking_at_end
        assert {a.id for a in floor.agents.values() if a.state == "available"} == (
            set(day.members) - day.talking_at_end)
        assert r.source.map.stats.unmatched == 0
        assert r.source.health().rejected == 0
        # The report (entry-interval attribution) over the same events: per interval.
        builder = ReportBuilder("15m", "UTC")
        builder.add([item.event for item in r.items])
        got = {(q, int(start)): {"offered": t.offered, "answered": t.answered,
                                 "abandoned": t.abandoned}
               for (start, q), t in builder.totals.items()}
        want = {key: {k: c[k] for k in ("offered", "answered", "abandoned")}
                for key, c in day.truth.items()}
        # The snapshot's one waiting call at connect is in no interval of the script.
        assert got == want

    asyncio.run(main())
