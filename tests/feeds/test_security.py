"""Feed server security: token guessing is slowed per address; TLS for wss://."""

from __future__ import annotations

import ssl
import time
from pathlib import Path

import pytest

from feeds.credentials import redact_url, tls_context, token_files_per_feed
from feeds.hub import FeedHub
from feeds.login_throttle import MAX_DELAY_S, LoginThrottle
from feeds.server import FeedServer
from feeds.sources.websocket import WebsocketSource
from tests.conftest import wait_until
from tests.floors import hotline_queue, logged_in

DATA = Path(__file__).parent / "data"
CERT, KEY = DATA / "tls_test_cert.pem", DATA / "tls_test_key.pem"


def test_each_failure_from_an_address_doubles_its_pause():
    throttle = LoginThrottle()
    delays = [throttle.delay_for("10.0.0.1", now=100.0 + n) for n in range(10)]
    assert delays[:4] == [0.05, 0.1, 0.2, 0.4]
    assert delays[-1] == MAX_DELAY_S
    assert throttle.delay_for("10.0.0.2", now=110.0) == 0.05  # another address: no penalty
    assert throttle.delay_for("10.0.0.1", now=100.0 + 200) == 0.05  # forgotten after a minute


def test_guessing_tokens_is_slow_and_a_good_token_is_not(loop_thread):
    server = FeedServer(tokens={"right": "supervisor"})
    port = loop_thread.run(server.start())
    url = f"ws://127.0.0.1:{port}"
    try:
        guesser = FeedHub.for_urls([url], token="wrong")
        guesser.start()
        started = time.monotonic()
        try:
            # The client retries with backoff; a server without a pause would refuse
            # each try at once. Six refusals need 0.05+0.1+…+1.6 s of pauses.
            assert wait_until(lambda: server.failed_logins >= 6, timeout=20)
        finally:
            guesser.stop()
        assert time.monotonic() - started > 1.5
        good = FeedHub.for_urls([url], token="right")
        good.start()
        try:
            t0 = time.monotonic()
            assert wait_until(lambda: good.role() == "supervisor", timeout=5)
            assert time.monotonic() - t0 < 1.0
        finally:
            good.stop()
    finally:
        loop_thread.run(server.stop())


def test_a_feed_over_tls(loop_thread):
    server = FeedServer(tls=tls_context(CERT, KEY))
    loop_thread.call(server.publish, [hotline_queue(), *logged_in("a1", "Ann", {"hl": 5})])
    port = loop_thread.run(server.start())
    client_tls = ssl.create_default_context(cafile=str(CERT))
    hub = FeedHub([WebsocketSource(f"wss://localhost:{port}", tls=client_tls)])
    hub.start()
    try:
        assert wait_until(lambda: hub.health()[0].connected and hub.pending > 0)
        assert any(item.event.TYPE == "snapshot" for item in hub.drain())
    finally:
        hub.stop()
        loop_thread.run(server.stop())


def test_a_plain_client_cannot_talk_to_a_tls_feed(loop_thread):
    server = FeedServer(tls=tls_context(CERT, KEY))
    port = loop_thread.run(server.start())
    hub = FeedHub([WebsocketSource(f"wss://localhost:{port}")])  # the system CAs
    hub.start()
    try:
        assert wait_until(lambda: "CERTIFICATE_VERIFY_FAILED" in hub.health()[0].last_error
                          or "certificate verify failed" in hub.health()[0].last_error)
        assert not hub.health()[0].connected
    finally:
        hub.stop()
        loop_thread.run(server.stop())


@pytest.mark.parametrize(("cert", "key", "message"), [
    (CERT, None, "--tls-cert and --tls-key go together"),
    (None, KEY, "--tls-cert and --tls-key go together"),
    (KEY, CERT, "cannot load"),
    (DATA / "missing.pem", KEY, "cannot load"),
])
def test_bad_tls_files_name_the_flags(cert, key, message):
    with pytest.raises(ValueError, match=message):
        tls_context(cert, key)
    assert tls_context(None, None) is None


@pytest.mark.parametrize(("url", "shown"), [
    ("ws://h:1/x?token=abc", "ws://h:1/x"),
    ("wss://user:pw@h/p#frag", "wss://h/p"),
    ("ws://[::1]:80/a?b=1", "ws://[::1]:80/a"),
    ("ws://127.0.0.1:8765", "ws://127.0.0.1:8765"),
])
def test_urls_are_shown_without_secrets(url, shown):
    assert redact_url(url) == shown
    assert WebsocketSource(url, "t").key == shown


def test_token_files_pair_with_feeds_in_order():
    assert token_files_per_feed(["a", "b"], ["fa", "fb"]) == {"a": "fa", "b": "fb"}
    assert token_files_per_feed(["a"], ["fa"]) == {"a": "fa"}
    assert token_files_per_feed(["a", "b"], None) == {"a": "", "b": ""}
    with pytest.raises(ValueError, match="one --token-file per --feed"):
        token_files_per_feed(["a", "b"], ["fa"])
