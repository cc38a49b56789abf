"""A feed's snapshot: dump and load, one feed replaced while the others stay."""

import json

from monitor import events as ev
from monitor import snapshot
from monitor.floor import Floor
from tests.floors import T0, logged_in


def floor_of(feed: str, queue: str, agent: str, channel: str = "hotline") -> Floor:
    f = Floor()
    for e in [
        ev.QueueDefined(T0, queue, queue.title(), channel, 20.0, name_zh="队列"),
        *logged_in(agent, agent.title(), {queue: 5}, 3 if channel == "online" else 0),
        ev.ContactOffered(T0 + 1, f"{queue}-w1", queue),
        ev.ContactOffered(T0 + 2, f"{queue}-w2", queue),
        ev.ContactOffered(T0 + 3, f"{queue}-t1", queue),
        ev.ContactAnswered(T0 + 9, f"{queue}-t1", queue, agent),
        ev.AgentStateChanged(T0 + 9, agent, "on_contact"),
        ev.CallbackRequested(T0 + 12, f"{queue}-cb", queue),
        ev.Heartbeat(T0 + 40),
    ]:
        f.apply(e, feed)
    return f


def test_dump_is_plain_data_and_the_floor_method_delegates():
    f = floor_of("A", "hl", "a1")
    state = snapshot.dump(f, "A")
    assert state == f.snapshot("A")
    json.dumps(state)  # plain data: a feed sends it as is
    assert [q["id"] for q in state["queues"]] == ["hl"]
    assert sorted(c["id"] for c in state["contacts"]) == ["hl-t1", "hl-w1", "hl-w2"]
    assert snapshot.dump(f, "other feed")["queues"] == []


def test_load_restores_what_views_read():
    f = floor_of("A", "hl", "a1")
    g = Floor()
    snapshot.load(g, snapshot.dump(f, "A"), "A")
    assert g.queue_view("hl") == f.queue_view("hl")
    assert g.channel_view("hotline") == f.channel_view("hotline")
    assert list(g.queues["hl"].waiting) == ["hl-w1", "hl-w2"]  # oldest first
    assert g.queues["hl"].backlog == {"hl-cb": T0 + 12}
    assert g.agents["a1"].contacts == {"hl-t1"} and g.agents["a1"].feed == "A"
    changes = g.take_changes()
    assert changes.structure and changes.queues == {"hl"} and changes.agents == {"a1"}


def test_loading_one_feed_leaves_the_others_and_twice_is_once():
    online = floor_of("B", "app", "b1", "online")
    g = Floor()
    g.load_snapshot(snapshot.dump(floor_of("A", "hl", "a1"), "A"), "A")
    g.load_snapshot(snapshot.dump(online, "B"), "B")
    before = g.queue_view("hl")
    for _ in range(2):
        g.load_snapshot(snapshot.dump(online, "B"), "B")
    assert g.queue_view("hl") == before
    assert g.queues["app"].in_progress == 1  # not counted once per load
    assert g.channel_view("online") == online.channel_view("online")
    assert g.channel_view("online").agents_busy == 1

    g.load_snapshot({"now": T0 + 40, "queues": [], "agents": [], "contacts": []}, "B")
    assert set(g.queues) == {"hl"} and set(g.agents) == {"a1"}
    assert sorted(g.contacts) == ["hl-t1", "hl-w1", "hl-w2"]
    assert g.channel_view("online").agents_staffed == 0


def test_two_feeds_snapshots_keep_each_channels_trend():
    hotline = floor_of("pbx", "hl", "h1", "hotline")
    online = floor_of("chat", "ol", "o1", "online")
    client = Floor()
    client.load_snapshot(hotline.snapshot("pbx"), "pbx")
    client.load_snapshot(online.snapshot("chat"), "chat")
    waiting = {ch: list(w) for ch, (w, _sl) in client.trend.series.items()}
    assert waiting["hotline"] == list(hotline.trend.series["hotline"][0])
    assert waiting["online"] == list(online.trend.series["online"][0])
    assert max(waiting["hotline"]) > 0 and max(waiting["online"]) > 0
    assert len(client.trend.times) == len(waiting["hotline"]) == len(waiting["online"])
