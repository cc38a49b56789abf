"""The staleness rule: which feeds are stale, why, and since when (wall clock)."""

import pytest

from feeds.health import STALE_AFTER_S, FeedHealth
from feeds.staleness import (
    StaleFeeds,
    StaleReason,
    error_reason,
    health_reason,
    stale_reason,
)


def _health(**kw) -> FeedHealth:
    base = dict(
        url="ws://127.0.0.1:9000", feed="sim", connected=True, last_event_age_s=0.2, events=100
    )
    base.update(kw)
    return FeedHealth(**base)


def test_a_connected_feed_that_speaks_is_live():
    assert stale_reason(True, 0.2) is None
    assert stale_reason(True, STALE_AFTER_S) is None  # at the threshold, not past it
    assert stale_reason(True, None) is None  # connected, nothing yet: catching up


def test_silence_past_the_threshold_is_stale_even_when_connected():
    assert stale_reason(True, STALE_AFTER_S + 0.1) is StaleReason.SILENT
    assert stale_reason(True, 3.0, silent_after_s=2.0) is StaleReason.SILENT
    assert stale_reason(True, 3.0, silent_after_s=10.0) is None


@pytest.mark.parametrize(
    ("error", "was_connected", "reason"),
    [
        ("unknown token", False, StaleReason.BAD_TOKEN),
        (
            "ConnectionClosedError: received 4001 (private use) unknown token",
            True,
            StaleReason.BAD_TOKEN,
        ),
        (
            "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 9)",
            True,
            StaleReason.REFUSED,
        ),
        (
            "OSError: Multiple exceptions: [Errno 111] Connect call failed ('::1', 9)",
            False,
            StaleReason.REFUSED,
        ),
        ("ConnectionClosedError: no close frame received or sent", True, StaleReason.LOST),
        ("TimeoutError: timed out during opening handshake", False, StaleReason.UNREACHABLE),
        ("gaierror: [Errno -2] Name or service not known", False, StaleReason.UNREACHABLE),
        ("OSError: [Errno 101] Network is unreachable", False, StaleReason.UNREACHABLE),
        ("", False, StaleReason.NOT_CONNECTED),
        ("", True, StaleReason.LOST),
        ("something new", True, StaleReason.LOST),
        ("something new", False, StaleReason.UNREACHABLE),
    ],
)
def test_a_disconnected_feed_is_stale_for_the_reason_its_error_gives(error, was_connected, reason):
    assert error_reason(error, was_connected) is reason
    assert stale_reason(False, 0.1, error, was_connected) is reason


def test_health_records_say_whether_the_feed_had_been_connected():
    assert health_reason(_health(connected=False, last_error="")) is StaleReason.LOST
    never = _health(connected=False, last_error="", events=0, last_event_age_s=None)
    assert health_reason(never) is StaleReason.NOT_CONNECTED
    assert health_reason(_health()) is None


def test_since_is_the_last_frame_and_holds_while_the_reason_changes():
    feeds = StaleFeeds()
    live = _health()
    assert feeds.update([("a", live)], now=1000.0) == {}

    lost = _health(connected=False, last_event_age_s=0.5, last_error="ConnectionClosedError: x")
    stale = feeds.update([("a", lost)], now=1001.0)
    assert list(stale) == ["a"]
    assert stale["a"].reason is StaleReason.LOST
    assert stale["a"].since == pytest.approx(1000.5)  # when the last frame came
    assert stale["a"].name == "sim"

    refused = _health(
        connected=False,
        last_event_age_s=30.0,
        last_error="ConnectionRefusedError: [Errno 111] Connect call failed",
    )
    later = feeds.update([("a", refused)], now=1030.0)
    assert later["a"].reason is StaleReason.REFUSED
    assert later["a"].since == pytest.approx(1000.5)  # the same outage

    assert feeds.update([("a", live)], now=1031.0) == {}
    again = feeds.update([("a", lost)], now=1100.0)
    assert again["a"].since == pytest.approx(1099.5)  # a new outage, a new since


def test_since_is_now_when_the_feed_never_sent_anything():
    feeds = StaleFeeds()
    never = _health(connected=False, last_event_age_s=None, events=0, last_error="")
    assert feeds.update([("a", never)], now=50.0)["a"].since == 50.0
    assert feeds.update([("a", never)], now=60.0)["a"].since == 50.0


def test_only_the_stale_feed_of_several_is_named_by_its_key():
    feeds = StaleFeeds(silent_after_s=2.0)
    silent = _health(feed="", url="ws://h:1", last_event_age_s=3.0)
    stale = feeds.update([("ws://h:1", silent), ("ws://o:2", _health(feed="online"))], 10.0)
    assert list(stale) == ["ws://h:1"]
    assert stale["ws://h:1"].reason is StaleReason.SILENT
    assert stale["ws://h:1"].name == "ws://h:1"  # no announced id: its URL
    assert stale["ws://h:1"].since == pytest.approx(7.0)
