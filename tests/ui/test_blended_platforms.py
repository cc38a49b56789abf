"""`floorwatch run --config` with an Asterisk feed and a Chatwoot feed and `[[agents]]`
links, end to end: the fake Asterisk manager (real TCP) and the fake Chatwoot (real
ActionCable websocket and REST API) feed one window; hotline and online queues stand
side by side on its wall, each person is one row, and "To online" on a person sends
the right actions to both fakes as one command with one audit record. A refusal from
Chatwoot undoes the Asterisk part."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QToolButton

from feeds.hub import FeedHub, feed_keys
from feeds.sources.joined import JoinedSource
from feeds.store.audit import AuditWriter
from monitor.config import load_config
from monitor.floor import Floor
from tests.fake_ami import FakeAmi, queue_params
from tests.fake_chatwoot import FakeChatwoot
from tests.feeds.test_ami_source import _queue_member
from ui.cli import main
from ui.cli.run import sources_for
from ui.floor_window import FloorWindow
from ui.panels.agent_model import Column
from ui.reassign.controller import ReassignController
from ui.tick import FloorTicker

AMI_SECRET, CW_TOKEN, CW_PUBSUB = "ami-s3cret", "cw-api-s3cret", "cw-pubsub-s3cret"


def _fakes(loop_thread) -> tuple[FakeAmi, FakeChatwoot]:
    ami = FakeAmi(secret=AMI_SECRET)
    ami.queues = [queue_params("general")]
    ami.members = [_queue_member("general", "PJSIP/1017", "Li Na"),
                   _queue_member("general", "PJSIP/1018", "Wang Wei")]
    cw = FakeChatwoot(token=CW_TOKEN, pubsub_token=CW_PUBSUB)
    cw.add_user(17, "Li Na", "online")
    cw.add_user(18, "Wang Wei", "online")
    cw.add_user(99, "Floorwatch", "online", role="administrator")
    cw.add_inbox(1, "Web chat", [18])
    cw.add_inbox(2, "App chat", [18])
    loop_thread.run(ami.start())
    loop_thread.run(cw.start())
    return ami, cw


def _config(tmp_path, ami: FakeAmi, cw: FakeChatwoot):
    files = {}
    for name, value in (("ami", AMI_SECRET), ("token", CW_TOKEN), ("pubsub", CW_PUBSUB)):
        files[name] = tmp_path / f"{name}.secret"
        files[name].write_text(value + "\n", encoding="utf-8")
        files[name].chmod(0o600)
    path = tmp_path / "floorwatch.toml"
    path.write_text(f"""
[recording]
enabled = false

[[feeds]]
name = "pbx"
kind = "asterisk-ami"
host = "127.0.0.1"
port = {ami.port}
username = "floorwatch"
secret_file = "{files['ami']}"

[[feeds]]
name = "chat"
kind = "chatwoot"
url = "{cw.url}"
cable_url = "{cw.cable_url}"
account_id = {cw.account_id}
user_id = {cw.user_id}
token_file = "{files['token']}"
pubsub_token_file = "{files['pubsub']}"

[[agents]]
id = "a017"
name = "Li Na"
asterisk = "PJSIP/1017"
chatwoot = 17

[[agents]]
id = "a018"
name = "Wang Wei"
asterisk = "PJSIP/1018"
chatwoot = 18
""", encoding="utf-8")
    return path


def _member_actions(ami: FakeAmi) -> list[tuple[str, str, str]]:
    return [(a["Action"], a.get("Queue", ""), a["Interface"]) for a in ami.actions
            if a.get("Action") in ("QueueAdd", "QueueRemove", "QueuePenalty", "QueuePause")]


def _patches(cw: FakeChatwoot) -> list[tuple[int, list[int]]]:
    return [(b["inbox_id"], sorted(b["user_ids"])) for m, p, b in cw.requests
            if m == "PATCH" and p.endswith("/inbox_members")]


def test_run_config_builds_one_joined_source_for_the_two_platforms(tmp_path, monkeypatch,
                                                                     loop_thread):
    ami, cw = _fakes(loop_thread)
    seen: list = []
    monkeypatch.setattr("ui.app.run_floor", lambda sources, options: seen.extend(sources) or 0)
    try:
        assert main(["run", "--config", str(_config(tmp_path, ami, cw))]) == 0
    finally:
        loop_thread.run(ami.close())
        loop_thread.run(cw.close())
    (source,) = seen
    assert isinstance(source, JoinedSource) and feed_keys(seen) == ["pbx", "chat"]
    for secret in (AMI_SECRET, CW_TOKEN, CW_PUBSUB):
        assert secret not in repr(source) and secret not in repr(source.health())


def test_wall_config_takes_the_platform_feeds_too(tmp_path, monkeypatch, loop_thread):
    ami, cw = _fakes(loop_thread)
    seen: list = []
    monkeypatch.setattr("ui.wall_app.run_wall", lambda sources, options: seen.extend(sources) or 0)
    try:
        assert main(["wall", "--config", str(_config(tmp_path, ami, cw))]) == 0
    finally:
        loop_thread.run(ami.close())
        loop_thread.run(cw.close())
    assert [type(s) for s in seen] == [JoinedSource] and feed_keys(seen) == ["pbx", "chat"]


def test_a_person_moved_to_online_changes_both_platforms_or_neither(qtbot, tmp_path,
                                                                     loop_thread):
    ami, cw = _fakes(loop_thread)
    sources = sources_for(load_config(_config(tmp_path, ami, cw)))
    hub = FeedHub(sources)
    floor = Floor()
    window = FloorWindow(floor)
    window.feed_keys = feed_keys(sources)
    qtbot.addWidget(window)
    audit = AuditWriter(tmp_path / "audit.db")
    # The gate holds a feed's events behind its snapshot while others flow: each
    # person's events must keep to the stream of the platform that caused them.
    controller = ReassignController(floor, hub, window.agent_panel, window.queue_wall, audit)
    controller.confirm = lambda impact, title: True
    ticker = FloorTicker(floor, hub, [window, controller])
    hub.start()
    ticker.start()
    try:
        qtbot.waitUntil(lambda: controller.can_command and {"a017", "a018"} <= floor.agents.keys()
                        and {"general", "inbox-1", "inbox-2"} <= floor.queues.keys(),
                        timeout=15000)
        # One wall, both channels: the PBX's queue with the hotline, Chatwoot's inboxes
        # with online; one row per person, not one per platform id.
        wall = window.queue_wall
        qtbot.waitUntil(lambda: {"general", "inbox-1", "inbox-2"} <= wall.tiles.keys())
        assert floor.queues["general"].channel == "hotline"
        assert floor.queues["inbox-1"].channel == floor.queues["inbox-2"].channel == "online"
        panel = window.agent_panel
        assert sorted(panel.model.index(r, Column.ID).data()
                      for r in range(panel.model.rowCount())) == ["a017", "a018"]
        assert floor.agents["a018"].skills == {"general": 1, "inbox-1": 1, "inbox-2": 1}
        assert floor.agents["a017"].skills == {"general": 1}

        def to_online(agent: str) -> dict:
            controller.last_result = None
            index = panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(agent), 0))
            panel.view.selectionModel().select(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            button = next(b for b in panel.findChildren(QToolButton)
                          if b.defaultAction() is controller.to_online)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: controller.last_result is not None, timeout=15000)
            return controller.last_result

        # Chatwoot refuses the second inbox: Chatwoot undoes its first inbox itself, and
        # the join gives Asterisk its membership back. Nothing changed anywhere.
        cw.refuse[2] = (422, {"message": "Agent limit reached"})
        refused = to_online("a017")
        assert refused["status"] == "rejected", refused
        assert refused["reason"].startswith("chat: ") and "undone on pbx" in refused["reason"]
        assert _member_actions(ami) == [("QueueRemove", "general", "PJSIP/1017"),
                                        ("QueueAdd", "general", "PJSIP/1017")]
        assert _patches(cw) == [(1, [17, 18]), (2, [17, 18]), (1, [18])]
        assert {m["Location"] for m in ami.members} == {"PJSIP/1017", "PJSIP/1018"}
        assert cw.members == {1: [18], 2: [18]}
        assert "Rejected: chat: " in controller.status.text()

        # Asterisk refuses first: Chatwoot is never asked.
        del cw.refuse[2]
        ami.refuse["queueremove"] = "Unable to remove interface from queue"
        ami.actions.clear()
        cw.requests.clear()
        refused = to_online("a017")
        assert refused["status"] == "rejected" and refused["reason"].startswith("pbx: ")
        assert _patches(cw) == [] and cw.members == {1: [18], 2: [18]}

        # Accepted by both: one command, both platforms changed, one audit record.
        del ami.refuse["queueremove"]
        ami.actions.clear()
        cw.requests.clear()
        applied = to_online("a017")
        assert applied["status"] == "applied", applied
        assert _member_actions(ami) == [("QueueRemove", "general", "PJSIP/1017")]
        assert _patches(cw) == [(1, [17, 18]), (2, [17, 18])]
        assert applied["after"]["a017"]["skills"] == {"inbox-1": 1, "inbox-2": 1}
        qtbot.waitUntil(lambda: floor.agents["a017"].skills == {"inbox-1": 1, "inbox-2": 1},
                        timeout=10000)
        assert floor.agents["a017"].chat_capacity > 0
        audit.close()
        with sqlite3.connect(tmp_path / "audit.db") as conn:
            rows = conn.execute("SELECT request_id, status, feed FROM commands").fetchall()
        assert len(rows) == 3  # one record per command: two refused, one applied
        assert {r[1] for r in rows} == {"rejected", "applied"}
    finally:
        ticker.stop()
        controller.close()
        hub.stop()
        audit.close()
        loop_thread.run(ami.close())
        loop_thread.run(cw.close())
