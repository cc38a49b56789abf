"""Replay determinism: the alerts the live window raised, tick by tick from a running
feed, are the alerts `floorwatch alerts check` finds in the recording of that feed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from feeds.hub import FeedHub
from feeds.sim.config import SimConfig
from feeds.sources.simulated import SimulatedSource
from feeds.store.recording import Recorder, read_rows
from monitor import views
from monitor.alert_backtest import run_backtest
from monitor.alert_book import TIMELINE_EVENTS, Transition
from monitor.alert_defaults import default_rules
from monitor.alert_engine import AlertEngine
from monitor.alert_rules import AlertRule, Scope, Selector, Severity
from monitor.floor import Floor
from ui.cli import main
from ui.tick import FloorTicker

# Tighter than the shipped rules, so a short simulated stretch raises and clears plenty.
EXTRA = [
    AlertRule("online_wait_20", "longest_wait_s", ">", 20, 10, 0, Severity.WARNING,
              Selector(channel="online")),
    AlertRule("hotline_wait_5", "longest_wait_s", ">", 5, 2, 3, Severity.CRITICAL,
              Selector(channel="hotline"), escalate_after_s=60),
    AlertRule("sl_90", "service_level", "<", 90, 92, 10, Severity.INFO),
    AlertRule("waiting_any", "waiting", ">", 0, 0, 0, Severity.INFO),
    AlertRule("wrap_60", "wrap_up_s", ">", 60, 60, 0, Severity.INFO),
]


def key(tr: Transition) -> tuple[float, str, str, str, float]:
    return tr.t, tr.rule, tr.target, tr.event, tr.value


def test_alerts_check_on_the_recording_equals_what_the_live_window_raised(
        qtbot: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = [*default_rules(), *EXTRA]
    source = SimulatedSource(SimConfig(agents=40, seed=7), speed=240.0, warmup_s=1800)
    hub = FeedHub([source])
    floor = Floor()
    engine = AlertEngine(floor, rules)
    ticker = FloorTicker(floor, hub, [], alerts=engine)
    path = tmp_path / "day.db"
    recorder = Recorder(path, feeds=[source.key])
    assert recorder.wait_ready()
    ticker.taps.append(lambda items: [recorder.record(i.feed, i.seq, i.event) for i in items])
    live: list[Transition] = []
    # Feed rules read the wall clock (a feed's silence), live only: not in a replay.
    replayable = {r.name for r in rules if r.scope is not Scope.FEED}
    ticker.alert_sinks.append(lambda trs, _alerts: live.extend(
        tr for tr in trs if tr.event in TIMELINE_EVENTS and tr.rule in replayable))
    hub.start()
    ticker.start()
    try:
        start = time.monotonic()
        # About 20 simulated minutes, applied in live ticks of whatever size they come.
        qtbot.waitUntil(lambda: floor.first_t is not None and floor.now - floor.first_t > 1200,
                        timeout=60_000)
        assert time.monotonic() - start < 60
    finally:
        ticker.stop()
        hub.stop()
    while hub.pending:
        ticker.tick()
    ticker.tick()
    recorder.close()
    assert recorder.dropped == 0
    assert {tr.rule for tr in live} >= {"online_wait_20", "waiting_any", "sl_90"}
    assert any(tr.event == "cleared" for tr in live)

    replay_floor = Floor()
    replayed = run_backtest(((feed, event) for feed, _s, _e, event in read_rows(path)),
                            rules, replay_floor)
    assert [key(tr) for tr in replayed.transitions if tr.rule in replayable] == [
        key(tr) for tr in live]
    # And the floor the recording rebuilds is the live floor at the same event time:
    # every queue's figures over every window, every agent, every contact.
    assert replay_floor.now == floor.now
    for queue_id in floor.queues:
        for window in (15, 60, "interval", "today"):
            assert (views.fresh_queue_view(replay_floor, queue_id, window)
                    == views.fresh_queue_view(floor, queue_id, window)), (queue_id, window)
    assert replay_floor.agents == floor.agents and replay_floor.contacts == floor.contacts

    # And the command line prints that same timeline.
    capsys.readouterr()
    assert main(["alerts", "check", str(path), "--format", "json", "--tz", "UTC"]) == 0
    printed = capsys.readouterr().out
    defaults_only = [tr for tr in live if tr.rule in {r.name for r in default_rules()}]
    assert printed.count('"event"') == len(defaults_only)
