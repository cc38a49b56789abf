"""The simulator's own counters for a seeded run equal what monitor computes from its feed.

End to end over a real websocket: the simulator's events go through `FeedServer.publish`
to a `FeedHub` client, which hands them to a client-side `Floor`, as the wall does.
Whatever the client shows must be what the simulator knows it did (its counters, and
who is still waiting), and must equal the server's own mirror of the feed.
"""

from __future__ import annotations

from collections import defaultdict

from feeds.hub import FeedHub
from feeds.server import FeedServer
from feeds.sim import START_T, SimConfig, Simulation
from monitor import events as ev
from monitor.events import Channel
from monitor.floor import Floor
from tests.conftest import wait_until

RUN_MIN = 45  # inside the 60-minute window, so window totals are run totals
CHUNK_S = 60.0
# 09:30 local profile time: the morning peak builds, so queues, abandons and callbacks show.
CONFIG = SimConfig(agents=60, seed=11, start_t=START_T + 5400, start_hour=9.5)
COMPARED = ("offered", "answered", "abandoned", "callbacks")


def still_waiting(events: list[ev.Event]) -> dict[str, set[str]]:
    """Per queue, the contacts that entered it and have not left it, from the events alone."""
    waiting: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if isinstance(e, ev.ContactOffered):
            waiting[e.queue].add(e.contact)
        elif isinstance(e, ev.ContactTransferred):
            waiting[e.queue].discard(e.contact)  # the simulator transfers after the call
            waiting[e.to_queue].add(e.contact)
        elif isinstance(e, ev.ContactAnswered | ev.ContactAbandoned | ev.ContactExited
                        | ev.CallbackRequested):
            waiting[e.queue].discard(e.contact)
    return waiting


def test_client_floor_matches_the_simulators_ground_truth(loop_thread):
    server = FeedServer()
    port = loop_thread.run(server.start())
    sim = Simulation(CONFIG)
    loop_thread.call(server.publish, sim.setup_events())

    # Connect before the run: the client starts from a snapshot of the setup, then
    # receives every event of the run live, in sequence.
    hub = FeedHub.for_urls([f"ws://127.0.0.1:{port}"])
    hub.start()
    conn = hub.source()
    client = Floor()

    def pump() -> None:
        for item in hub.drain():
            key, event = item.feed, item.event
            client.apply(event, key)

    try:
        assert wait_until(lambda: conn.last_seq == server.seq)
        pump()
        assert set(client.queues) == set(sim.counters)

        run: list[ev.Event] = []
        for i in range(1, RUN_MIN + 1):
            events = sim.run_until(CONFIG.start_t + i * CHUNK_S)
            run += events
            loop_thread.call(server.publish, events)
            pump()  # like the UI tick: drain while the feed is still flowing

        # Every event the client took off the wire was put in the hand-off before
        # last_seq moved, so one drain after it reaches the server's seq has them all.
        assert wait_until(lambda: conn.last_seq == server.seq, timeout=15)
        pump()
        assert hub.pending == 0
        health = hub.health()[0]
        assert health.connected and health.rejected == 0

        assert client.now == server.floor.now == max(e.t for e in run)
        assert client.now - CONFIG.start_t <= RUN_MIN * 60  # all of the run is in the window
        waiting = still_waiting(run)
        for q, truth in sim.counters.items():
            totals = client.queues[q].stats.window(client.now, 60)
            got = {k: getattr(totals, k) for k in COMPARED}
            assert got == {k: truth[k] for k in COMPARED}, q
            assert set(client.queues[q].waiting) == waiting[q], q
            assert client.queue_view(q, 60).waiting == len(waiting[q])
        # The run is busy enough for the comparison to mean something.
        total = {k: sum(c[k] for c in sim.counters.values()) for k in COMPARED}
        assert total["offered"] > 300 and total["answered"] > 200
        assert total["abandoned"] > 0 and total["callbacks"] > 0
        assert sum(map(len, waiting.values())) > 0

        # Client and server mirror agree on every tile and channel.
        for q in server.floor.queues:
            for window in (15, 60):
                assert client.queue_view(q, window) == server.floor.queue_view(q, window), q
        for ch in Channel:
            assert client.channel_view(ch) == server.floor.channel_view(ch), ch
    finally:
        # Server first: a closed connection lets the hub's network thread end at once.
        loop_thread.run(server.stop())
        hub.stop()
