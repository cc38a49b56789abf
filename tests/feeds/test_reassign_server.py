"""`reassign` over real websockets: roles, results, the feed's skills events, retries."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect

from feeds import protocol as p
from feeds.hub import FeedHub
from feeds.server import FeedServer
from feeds.sim import SimConfig
from feeds.sim.serve import SimulationFeed
from monitor.commands import Reassign, Skills
from monitor.events import AgentSkills, Event, Heartbeat
from monitor.floor import Floor
from tests.conftest import wait_until

TOKENS = {"sup": "supervisor", "view": "viewer"}
CONFIG = SimConfig(agents=30, seed=4, start_hour=9.5)


class Consumer:
    """What the UI tick does, without Qt: drain the hub into a Floor, keep the events."""

    def __init__(self, hub: FeedHub) -> None:
        self.hub, self.floor = hub, Floor()
        self.events: list[Event] = []

    def pump(self) -> Floor:
        for item in self.hub.drain():
            key, event = item.feed, item.event
            self.floor.apply(event, key)
            self.events.append(event)
        return self.floor

    def skills(self, agent: str) -> Skills | None:
        a = self.pump().agents.get(agent)
        return None if a is None else Skills(a.skills, a.chat_capacity)

    def moves(self, agent: str) -> list[AgentSkills]:
        self.pump()
        return [e for e in self.events if isinstance(e, AgentSkills) and e.agent == agent]


@pytest.fixture
def served(loop_thread):
    """A warmed-up simulation behind a FeedServer with tokens; not ticking by itself."""
    server = FeedServer(tokens=TOKENS)
    feed = SimulationFeed(CONFIG, server)
    loop_thread.call(feed.warm_up, 900.0)
    port = loop_thread.run(server.start())
    hubs: list[FeedHub] = []

    def consumer(token: str) -> Consumer:
        hub = FeedHub.for_urls([f"ws://127.0.0.1:{port}"], token=token)
        hub.start()
        hubs.append(hub)
        return Consumer(hub)

    yield feed, port, consumer
    loop_thread.run(server.stop())  # first: FeedHub.stop does not close a live connection
    for hub in hubs:
        hub.stop()


def pick(loop_thread, feed: SimulationFeed, busy: bool) -> str:
    def find() -> str:
        for a in feed.sim._agents:
            if not a.chat_queues and (a.call is not None) == busy and not a.chats:
                return a.id
        return ""

    agent = loop_thread.call(find)
    assert agent, "no such agent at this seed"
    return agent


def connected(consumer: Consumer) -> bool:
    return consumer.hub.health()[0].connected and consumer.hub.role() != ""


def test_supervisor_moves_agents_and_clients_see_the_new_skills(loop_thread, served):
    feed, _, consumer = served
    sup = consumer("sup")
    wall = consumer("view")  # a wall display sees the same move
    assert wait_until(lambda: connected(sup) and connected(wall))
    assert sup.hub.role() == "supervisor" and wall.hub.role() == "viewer"
    idle = pick(loop_thread, feed, busy=False)
    busy = pick(loop_thread, feed, busy=True)
    assert wait_until(lambda: sup.skills(idle) is not None and sup.skills(busy) is not None)
    before_busy = sup.skills(busy)

    result = sup.hub.send_command(Reassign((idle,), "online").to_data()).result(10)
    assert result["status"] == "applied" and result["agents"] == {idle: "applied"}
    target = Skills.from_dict(result["after"][idle])
    assert target == Skills({"ol-app": 5, "ol-wechat": 5}, 3)
    # The skills event is published with the result, not on some later tick.
    assert wait_until(lambda: sup.skills(idle) == target and wall.skills(idle) == target)

    result = sup.hub.send_command(Reassign((busy,), "blend").to_data()).result(10)
    assert result["status"] == "accepted" and result["agents"] == {busy: "pending"}
    pending = Skills.from_dict(result["after"][busy])
    assert sup.skills(busy) == before_busy  # keeps its call, and its skills for now
    # The call ends as the simulation runs on; then the feed reports the new skills.
    loop_thread.call(lambda: feed.server.publish(feed.sim.run_until(feed.sim.now + 1800)))
    assert wait_until(lambda: sup.skills(busy) == pending)
    assert len(sup.moves(busy)) == 1


def test_viewer_command_is_rejected_and_the_floor_is_unchanged(loop_thread, served):
    feed, _, consumer = served
    wall = consumer("view")
    assert wait_until(lambda: connected(wall))
    agent = pick(loop_thread, feed, busy=False)
    assert wait_until(lambda: wall.skills(agent) is not None)
    before = wall.skills(agent)
    seq = feed.server.seq

    data = Reassign((agent,), "online", request_id="from-wall").to_data()
    result = wall.hub.send_command(data).result(10)

    assert result["status"] == "rejected"
    assert result["reason"] == "viewer tokens may not send commands"
    assert result["request_id"] == "from-wall"
    assert feed.server.seq == seq  # nothing published
    assert loop_thread.call(feed.sim.agent_skills, agent) == before
    assert wall.skills(agent) == before and wall.moves(agent) == []


def test_bad_commands_are_rejected_with_the_reason(served):
    _, _, consumer = served
    sup = consumer("sup")
    assert wait_until(lambda: connected(sup))
    unknown = sup.hub.send_command(Reassign(("a0001", "a9999"), "online").to_data()).result(10)
    assert unknown["status"] == "rejected" and unknown["reason"] == "unknown agent a9999"
    invalid = sup.hub.send_command({"action": "reassign", "request_id": "x", "agents": ["a0001"],
                                    "profile": "sideways"}).result(10)
    assert invalid == {**invalid, "status": "rejected", "request_id": "x",
                       "reason": "profile must be one of hotline, online, blend"}
    other = sup.hub.send_command({"action": "dance", "request_id": "y"}).result(10)
    assert other["status"] == "rejected" and other["reason"] == "unknown action 'dance'"


def test_unknown_token_is_refused_at_connect(served):
    _, _, consumer = served
    stranger = consumer("guess")
    assert wait_until(lambda: "unknown token" in stranger.hub.health()[0].last_error)
    assert stranger.hub.role() == ""
    assert stranger.pump().agents == {}


def test_a_retry_after_a_dropped_connection_applies_once(loop_thread, served):
    feed, _, consumer = served
    sup = consumer("sup")
    assert wait_until(lambda: connected(sup))
    agent = pick(loop_thread, feed, busy=False)
    data = Reassign((agent,), "online", request_id="once").to_data()
    first = sup.hub.send_command(dict(data)).result(10)
    assert first["status"] == "applied"
    assert wait_until(lambda: len(sup.moves(agent)) == 1)

    loop_thread.run(feed.server.stop())  # the connection drops
    assert wait_until(lambda: not sup.hub.health()[0].connected)
    loop_thread.run(feed.server.start())
    assert wait_until(lambda: connected(sup) and sup.hub.health()[0].reconnects >= 1)

    again = sup.hub.send_command(dict(data)).result(10)
    assert again == first
    end = first["t"] + 60
    loop_thread.call(lambda: feed.server.publish(feed.sim.run_until(end) + [Heartbeat(end)]))
    assert wait_until(lambda: sup.pump().now == end)
    assert len(sup.moves(agent)) == 1
    published = [e for _, e in feed.server._recent
                 if isinstance(e, AgentSkills) and e.agent == agent]
    assert len(published) == 2  # its setup skills and the one move


def test_a_result_lost_with_the_connection_is_not_applied_twice(loop_thread, served):
    feed, port, consumer = served
    agent = pick(loop_thread, feed, busy=False)
    data = Reassign((agent,), "blend", request_id="lost").to_data()

    async def send_and_drop() -> None:
        async with connect(f"ws://127.0.0.1:{port}") as ws:
            await ws.send(p.encode(p.Envelope(type=p.HELLO, data={"token": "sup"})))
            await ws.send(p.encode(p.Envelope(type=p.COMMAND, data=dict(data))))
        # closed before reading the result

    loop_thread.run(send_and_drop())
    moved = lambda: loop_thread.call(feed.sim.agent_skills, agent).chat_capacity == 3  # noqa: E731
    assert wait_until(moved)

    sup = consumer("sup")
    assert wait_until(lambda: connected(sup))
    retry = sup.hub.send_command(dict(data)).result(10)
    assert retry["status"] == "applied" and retry["agents"] == {agent: "applied"}
    loop_thread.run(asyncio.sleep(0.1))
    published = [e for _, e in feed.server._recent
                 if isinstance(e, AgentSkills) and e.agent == agent]
    assert len(published) == 2
