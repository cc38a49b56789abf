"""The status bar shows what the engine would not apply of a feed's events, and warns
when a feed has created all the queues or agents it may (issue 9, item 2)."""

from __future__ import annotations

from PySide6.QtGui import QPalette

from feeds.health import FeedHealth, FeedState
from feeds.hub import FeedHub
from feeds.sim import SimConfig
from feeds.sources.simulated import SimulatedSource
from monitor import events as ev
from monitor.floor import Floor
from tests.floors import T0
from ui.panels.health_bar import FEED_COLOURS, HealthBar

KEY = "ws://pbx:8765"


def _record() -> FeedHealth:
    return FeedHealth(url=KEY, key=KEY, feed="pbx", connected=True, last_event_age_s=0.1)


def _colour(bar: HealthBar):
    return bar.feed_labels[0].palette().color(QPalette.ColorRole.WindowText)


def test_ignored_events_are_counted_on_the_label_and_by_reason_in_the_tooltip(qtbot):
    bar, floor = HealthBar(), Floor()
    qtbot.addWidget(bar)
    bar.update_health([_record()], floor)
    assert "ignored" not in bar.text() and _colour(bar) == FEED_COLOURS[FeedState.GOOD]
    floor.apply(ev.ContactAbandoned(T0, "ghost", "hl"), KEY)
    floor.apply(ev.ContactEnded(T0, "ghost", "hl", "a1"), KEY)
    floor.apply(ev.AgentLogout(T0, "nobody"), KEY)
    floor.apply(ev.AgentLogout(T0, "nobody"), "another feed")  # not this feed's
    floor.apply(ev.Snapshot(T0, 1, {"now": "soon"}), KEY)
    bar.update_health([_record()], floor)
    assert "ignored 4" in bar.text()
    tip = bar.feed_labels[0].toolTip()
    assert "unknown_contact: 2" in tip and "unknown_agent: 1" in tip
    assert "bad_snapshot: 1" in tip and "Last snapshot refused: now:" in tip


def test_a_feed_at_its_queue_cap_is_said_and_turns_amber(qtbot):
    bar, floor = HealthBar(), Floor(max_queues_per_feed=3, max_agents_per_feed=2)
    qtbot.addWidget(bar)
    for i in range(3):
        floor.apply(ev.ContactOffered(T0 + i, f"c{i}", f"q{i}"), KEY)
    bar.update_health([_record()], floor)
    assert "queue limit 3 reached" in bar.text() and "ignored" not in bar.text()
    assert "agent limit" not in bar.text()
    assert _colour(bar) == FEED_COLOURS[FeedState.DEGRADED]
    floor.apply(ev.ContactOffered(T0 + 5, "c5", "q5"), KEY)  # one more: counted, not made
    for i in range(3):
        floor.apply(ev.AgentLogin(T0 + 5, f"a{i}", "A"), KEY)
    bar.update_health([_record()], floor)
    assert "agent limit 2 reached" in bar.text() and "ignored 2" in bar.text()
    assert len(floor.queues) == 3 and len(floor.agents) == 2
    tip = bar.feed_labels[0].toolTip()
    assert "queue_cap: 1" in tip and "agent_cap: 1" in tip


def test_a_source_whose_key_is_not_its_url_is_found_by_its_key(qtbot):
    """The simulator's health says `sim:sim` while its events are filed under `sim`:
    the hub gives each record its source's key."""
    bar, floor = HealthBar(), Floor()
    qtbot.addWidget(bar)
    floor.apply(ev.AgentLogout(T0, "nobody"), "sim")
    (record,) = FeedHub([SimulatedSource(SimConfig(agents=5, seed=1))]).health()
    assert (record.url, record.key) == ("sim:sim", "sim")
    record.connected, record.last_event_age_s = True, 0.1
    bar.update_health([record], floor)
    assert "ignored 1" in bar.text()
