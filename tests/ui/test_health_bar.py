"""The status bar says when the window lags its feeds."""

from __future__ import annotations

from feeds.health import FeedHealth
from ui.panels.health_bar import HealthBar


def test_a_lagging_engine_is_said_in_words(qtbot, floor):
    bar = HealthBar()
    qtbot.addWidget(bar)
    record = FeedHealth(url="ws://feed", feed="pbx", connected=True, last_event_age_s=0.1)
    bar.update_health([record], floor)
    assert "behind" not in bar.text()
    record.behind_s = 3.4
    bar.update_health([record], floor)
    assert "behind by 3 s" in bar.text()


def test_a_refused_login_says_so_not_just_disconnected(qtbot, floor):
    bar = HealthBar()
    qtbot.addWidget(bar)
    record = FeedHealth(url="ws://feed", feed="pbx", connected=False,
                        last_error="ConnectionClosedError: received 4001 unknown token")
    bar.update_health([record], floor)
    assert "pbx refused (token not accepted)" in bar.text()
    record.last_error = "ConnectionRefusedError: [Errno 111] Connect call failed"
    bar.update_health([record], floor)
    assert "pbx unreachable" in bar.text()
