"""`floorwatch reassign` against a FeedServer playing the platform (tests/fake_platform); no Qt."""

from __future__ import annotations

import argparse
import socket
from collections import Counter

import pytest

from feeds.command_sender import send_reassign
from feeds.hub import FeedHub
from feeds.store.audit import AuditLog
from monitor import events as ev
from monitor.commands import Reassign
from tests.floors import T0, logged_in
from ui.cli import reassign as cmd_reassign

SETUP = [
    ev.QueueDefined(T0, "hl-general", "General", "hotline"),
    ev.QueueDefined(T0, "hl-vip", "VIP", "hotline", tier="vip"),
    ev.QueueDefined(T0, "ol-app", "App chat", "online", 60.0),
    ev.QueueDefined(T0, "ol-wechat", "WeChat", "online", 60.0),
    *logged_in("a1", "Ann", {"hl-general": 5, "hl-vip": 5}),
    *logged_in("a2", "Bo", {"hl-general": 4}),
]
HOTLINE_A1 = {"skills": {"hl-general": 5, "hl-vip": 5}, "chat_capacity": 0}
ONLINE = {"skills": {"ol-app": 5, "ol-wechat": 5}, "chat_capacity": 3}


@pytest.fixture
def feed(fake_platform):
    return fake_platform(SETUP)


@pytest.fixture
def tokens(tmp_path):
    paths = {}
    for name in ("sup", "view", "wrong"):
        paths[name] = tmp_path / f"{name}.token"
        paths[name].write_text(f"\n{name}\n", encoding="utf-8")
    return paths


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="floorwatch")
    cmd_reassign.add_parser(parser.add_subparsers())
    try:
        args = parser.parse_args(["reassign", *argv])
        code = args.func(args)
    except SystemExit as exc:  # argparse refuses a flag's value
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _audit(path) -> list:
    with AuditLog(path) as log:
        return log.query(0)


def test_supervisor_lends_an_agent_to_online(feed, tokens, tmp_path, capsys):
    db = tmp_path / "audit.db"
    code, out, err = _run(["--feed", feed.url, "--token-file", str(tokens["sup"]),
                           "--agent", "a1", "--to", "online", "--for", "30m",
                           "--db", str(db)], capsys)
    assert code == 0, err
    [(data, role)] = feed.received
    assert role == "supervisor"
    assert (data["action"], data["agents"], data["profile"], data["duration_s"]) == \
        ("reassign", ["a1"], "online", 1800.0)
    lines = out.splitlines()
    assert lines[0] == "a1: applied  hl-general:5,hl-vip:5 cap0 -> ol-app:5,ol-wechat:5 cap3"
    assert lines[1] == f"reassign {data['request_id']}: applied: 1 agent to online for 30m"
    [row] = _audit(db)
    assert (row.request_id, row.status, row.reason) == (data["request_id"], "applied", "")
    assert row.before == {"a1": HOTLINE_A1} and row.after == {"a1": ONLINE}
    assert row.agents == ["a1"] and row.duration_s == 1800.0 and row.profile == "online"
    assert row.who.endswith(" (supervisor)") and row.feed == feed.url
    assert row.t_result is not None and row.t_result >= row.t_sent


def test_viewer_is_rejected_with_the_reason(feed, tokens, tmp_path, capsys):
    db = tmp_path / "audit.db"
    code, out, _ = _run(["--feed", feed.url, "--token-file", str(tokens["view"]),
                         "--agent", "a1", "--agent", "a2", "--to", "online",
                         "--db", str(db)], capsys)
    assert code == 1
    assert "a1: rejected" in out and "a2: rejected" in out
    assert "viewer tokens may not send commands" in out
    assert feed.applied == Counter()
    assert feed.server.floor.agents["a1"].skills == HOTLINE_A1["skills"]
    [row] = _audit(db)
    assert row.status == "rejected" and row.reason == "viewer tokens may not send commands"
    assert row.who.endswith(" (viewer)") and row.agents == ["a1", "a2"]
    assert row.before["a2"] == {"skills": {"hl-general": 4}, "chat_capacity": 0}
    assert row.after == {}


def test_an_agent_missing_from_the_floor_is_still_sent_and_rejected(feed, tokens, tmp_path,
                                                                    capsys):
    db = tmp_path / "audit.db"
    code, out, _ = _run(["--feed", feed.url, "--token-file", str(tokens["sup"]),
                         "--agent", "nobody", "--to", "blend", "--db", str(db)], capsys)
    assert code == 1 and "unknown agent nobody" in out
    [row] = _audit(db)
    assert row.status == "rejected" and row.before == {}


def test_unknown_token_exits_2_and_sends_nothing(feed, tokens, tmp_path, capsys):
    db = tmp_path / "audit.db"
    code, out, err = _run(["--feed", feed.url, "--token-file", str(tokens["wrong"]),
                           "--agent", "a1", "--to", "online", "--timeout", "5",
                           "--db", str(db)], capsys)
    assert code == 2 and "unknown token" in err and out == ""
    assert feed.received == [] and _audit(db) == []


def test_retry_after_a_dropped_connection_reuses_the_request_id(fake_platform, tokens, tmp_path,
                                                               capsys):
    fake = fake_platform(SETUP, drop_first=True)
    db = tmp_path / "audit.db"
    code, out, err = _run(["--feed", fake.url, "--token-file", str(tokens["sup"]),
                           "--agent", "a1", "--to", "online", "--db", str(db)], capsys)
    assert code == 0, err
    [request_id] = fake.calls
    assert fake.calls[request_id] == 2  # sent twice, same id
    assert fake.applied == Counter({"a1": 1})  # applied once
    assert "a1: applied" in out
    [row] = _audit(db)
    assert (row.request_id, row.status) == (request_id, "applied")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cannot_connect_within_the_timeout(tokens, tmp_path, capsys):
    code, _, err = _run(["--feed", f"ws://127.0.0.1:{_closed_port()}", "--agent", "a1",
                         "--to", "hotline", "--timeout", "0.5",
                         "--db", str(tmp_path / "audit.db")], capsys)
    assert code == 2 and "cannot connect" in err and "nothing sent" in err


def test_send_reassign_without_a_connection_reports_not_sent():
    hub = FeedHub.for_urls([f"ws://127.0.0.1:{_closed_port()}"])
    hub.start()
    try:
        result = send_reassign(hub, Reassign(("a1",), "online", request_id="x"),
                                            timeout=0.3)
    finally:
        hub.stop()
    assert result["status"] == "error" and result["sent"] is False
    assert result["request_id"] == "x" and "cannot connect" in result["reason"]


@pytest.mark.parametrize(("extra", "message"), [
    (["--for", "soon"], "not a duration"),
    (["--timeout", "0"], "argument --timeout: must be more than 0"),
    (["--token-file", "/nonexistent/token"], "No such file"),
])
def test_bad_arguments_exit_2(tmp_path, capsys, extra, message):
    code, _, err = _run(["--feed", "ws://127.0.0.1:1", "--agent", "a1", "--to", "online",
                         "--db", str(tmp_path / "audit.db"), *extra], capsys)
    assert code == 2 and message in err


def test_a_corrupt_audit_log_sends_nothing(feed, tokens, tmp_path, capsys):
    db = tmp_path / "audit.db"
    db.write_bytes(b"not a database\n" * 100)
    code, _, err = _run(["--feed", feed.url, "--token-file", str(tokens["sup"]),
                         "--agent", "a1", "--to", "online", "--db", str(db)], capsys)
    assert code == 2 and str(db) in err and "nothing sent" in err
    assert feed.received == []


def test_a_request_id_reused_for_another_move_is_rejected_not_reported_as_done(
        feed, tokens, tmp_path, capsys):
    db = tmp_path / "audit.db"
    common = ["--feed", feed.url, "--token-file", str(tokens["sup"]), "--agent", "a2",
              "--request-id", "X", "--db", str(db)]
    code, out, _ = _run([*common, "--to", "hotline"], capsys)
    assert code == 0
    code, out, err = _run([*common, "--to", "online"], capsys)
    assert code == 1
    assert "rejected" in out and "already used for a different command" in out
    assert feed.applied["a2"] == 1  # the second never moved anyone
