"""Tokens go only to the feed they were given for and never land in a file or output;
recordings and the audit log are private files."""

from __future__ import annotations

import os
import stat

import pytest

from feeds.server import FeedServer
from feeds.store.audit import AuditLog
from tests.floors import hotline_queue, logged_in
from ui.cli import main

SECRETS = ("tok-A-9f3", "tok-B-77c", "urlsecret-5d1")


class Lookups(dict):
    """A server's token table that remembers every token a client presented."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.presented: list[str] = []

    def get(self, key, default=None):
        self.presented.append(key)
        return super().get(key, default)


@pytest.fixture
def two_servers(loop_thread):
    servers = []
    for token in SECRETS[:2]:
        server = FeedServer(feed_id=f"feed-{token[4]}", tokens=Lookups({token: "supervisor"}))
        loop_thread.call(server.publish, [hotline_queue(),
                                          *logged_in(f"a{token[4]}", "Ann", {"hl": 5}, 0)])
        server.url = f"ws://127.0.0.1:{loop_thread.run(server.start())}"
        servers.append(server)
    yield servers
    for server in servers:
        loop_thread.run(server.stop())


def token_files(tmp_path, *tokens: str) -> list[str]:
    paths = []
    for n, token in enumerate(tokens):
        path = tmp_path / f"token{n}"
        path.write_text(token + "\n", encoding="utf-8")
        path.chmod(0o600)
        paths.append(str(path))
    return paths


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def assert_no_secret(*texts: str | bytes) -> None:
    for text in texts:
        blob = text if isinstance(text, bytes) else text.encode()
        for secret in SECRETS:
            assert secret.encode() not in blob, secret


def test_record_sends_each_token_to_its_own_feed_and_stores_none(two_servers, tmp_path,
                                                                 capsys):
    a, b = two_servers
    fa, fb = token_files(tmp_path, SECRETS[0], SECRETS[1])
    out = tmp_path / "day.fwrec"
    code = main(["record", "--feed", f"{a.url}/?token={SECRETS[2]}", "--token-file", fa,
                 "--feed", b.url, "--token-file", fb, "--out", str(out), "--duration", "1s"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert a.tokens.presented and set(a.tokens.presented) == {SECRETS[0]}
    assert set(b.tokens.presented) == {SECRETS[1]}
    assert f"{a.url}/" in captured.out  # the feed is named, without its query
    files = [out, *(out.parent / f"{out.name}{s}" for s in ("-wal", "-shm"))]
    assert_no_secret(captured.out, captured.err,
                     *(f.read_bytes() for f in files if f.exists()))
    assert mode(out) == 0o600


def test_reassign_keeps_tokens_out_of_the_audit_log_and_output(two_servers, tmp_path,
                                                               capsys):
    a, b = two_servers
    fa, fb = token_files(tmp_path, SECRETS[0], SECRETS[1])
    db = tmp_path / "audit.db"
    code = main(["reassign", "--feed", a.url, "--token-file", fa, "--feed", b.url,
                 "--token-file", fb, "--agent", "aB", "--to", "online", "--db", str(db)])
    captured = capsys.readouterr()
    assert code == 1, captured.err  # the feed takes no commands: rejected, with its reason
    assert SECRETS[1] in b.tokens.presented and SECRETS[1] not in a.tokens.presented
    with AuditLog(db) as log:
        assert [r.feed for r in log.query(0)] == [b.url]
    assert_no_secret(captured.out, captured.err, db.read_bytes())
    assert mode(db) == 0o600


def test_one_token_file_for_two_feeds_is_refused(two_servers, tmp_path, capsys):
    a, b = two_servers
    (fa,) = token_files(tmp_path, SECRETS[0])
    code = main(["record", "--feed", a.url, "--feed", b.url, "--token-file", fa,
                 "--out", str(tmp_path / "x.fwrec"), "--duration", "1s"])
    err = capsys.readouterr().err
    assert code == 2 and "--token-file: 2 feeds but 1 token file" in err
    assert a.tokens.presented == b.tokens.presented == []  # nothing went anywhere
    assert not (tmp_path / "x.fwrec").exists()


def test_a_token_file_others_can_read_is_named_in_a_warning(two_servers, tmp_path, capsys):
    a, _b = two_servers
    (fa,) = token_files(tmp_path, SECRETS[0])
    os.chmod(fa, 0o644)
    code = main(["record", "--feed", a.url, "--token-file", fa,
                 "--out", str(tmp_path / "y.fwrec"), "--duration", "0.5s"])
    err = capsys.readouterr().err
    assert code == 0
    assert f"warning: token file {fa} can be read by other users: chmod 600 {fa}" in err
    assert_no_secret(err)
