"""Feed staleness: when a feed reads as good, degraded or down (no Qt needed)."""

import pytest

from feeds.health import SLOW_AFTER_S, STALE_AFTER_S, FeedHealth, FeedState, feed_state


def health(**kw) -> FeedHealth:
    values = {"url": "ws://feed", "connected": True, "last_event_age_s": 0.5} | kw
    return FeedHealth(**values)


def test_limits():
    assert (SLOW_AFTER_S, STALE_AFTER_S) == (2.0, 5.0)


@pytest.mark.parametrize(("kw", "state"), [
    ({}, FeedState.GOOD),
    ({"last_event_age_s": SLOW_AFTER_S}, FeedState.GOOD),  # at the limit is not over it
    ({"last_event_age_s": 2.5}, FeedState.DEGRADED),  # slow
    ({"last_event_age_s": None}, FeedState.DEGRADED),  # connected, nothing heard yet
    ({"dropped": 1}, FeedState.DEGRADED),  # the hand-off to the UI overflowed
    ({"behind_s": 0.9}, FeedState.GOOD),
    ({"behind_s": 1.5}, FeedState.DEGRADED),  # the engine lags the feed
    ({"last_event_age_s": STALE_AFTER_S}, FeedState.DEGRADED),
    ({"last_event_age_s": 5.1}, FeedState.DOWN),  # silent: stale
    ({"last_event_age_s": 5.1, "dropped": 3}, FeedState.DOWN),
    ({"connected": False}, FeedState.DOWN),
    ({"connected": False, "last_event_age_s": None}, FeedState.DOWN),
])
def test_feed_state(kw, state):
    assert feed_state(health(**kw)) == state


def test_rejected_frames_alone_do_not_degrade():
    assert feed_state(health(rejected=7)) == FeedState.GOOD


def test_event_rate_gives_events_per_second_and_age(monkeypatch):
    from feeds import health as h

    now = [100.0]
    monkeypatch.setattr(h.time, "monotonic", lambda: now[0])
    rate, record = h.EventRate(), h.FeedHealth(url="x")
    assert rate.fill(record).last_event_age_s is None  # nothing heard yet
    record.events = 50
    rate.seen()
    now[0] = 102.0
    rate.fill(record)
    assert record.events_per_s == 25.0 and record.last_event_age_s == 2.0
    record.events = 60
    now[0] = 102.5  # under a second since the last mark: the rate stands
    assert rate.fill(record).events_per_s == 25.0


@pytest.mark.parametrize(("error", "connected", "reason"), [
    ("ConnectionClosedError: received 4001 (private use) unknown token; then sent 4001",
     False, "refused"),
    ("unknown token", False, "refused"),
    ("ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 1)", False,
     "unreachable"),
    ("TimeoutError: timed out during opening handshake", False, "unreachable"),
    ("ConnectionClosedError: no close frame received or sent", False, "lost"),
    ("", False, ""),
    ("ConnectionRefusedError: …", True, ""),  # connected again: nothing to explain
])
def test_why_a_feed_is_down(error, connected, reason):
    from feeds.health import down_reason

    assert down_reason(health(last_error=error, connected=connected)) == reason


def test_a_platform_refusing_our_credentials_reads_as_refused():
    from feeds.health import DownReason, FeedHealth, down_reason
    from feeds.staleness import StaleReason, error_reason

    for error in ("unauthorized: the API token was refused (HTTP 401)",
                  "AmiLoginRefused: login refused: Authentication failed"):
        assert down_reason(FeedHealth(url="x", last_error=error)) == DownReason.REFUSED
        assert error_reason(error) == StaleReason.BAD_TOKEN
