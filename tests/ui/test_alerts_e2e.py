"""The real parts together: engine, tick, floor window, alert history on disk.

A raised alert appears in the panel and colours its tile; acknowledging it with a
click records who and when in the history file."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from feeds.hub import FeedHub
from feeds.store.alert_history import AlertHistory, read_alerts
from monitor import events as ev
from monitor.alert_defaults import default_rules
from monitor.alert_engine import AlertEngine
from monitor.alert_rules import Severity
from monitor.floor import Floor
from ui.alert_sound import AlertSound
from ui.floor_window import FloorWindow
from ui.panels.alert_panel import Column
from ui.tick import FloorTicker

T0 = 1_767_258_000.0


class Sink:
    available = True

    def __init__(self) -> None:
        self.played: list[Severity] = []

    def play(self, severity: Severity) -> None:
        self.played.append(severity)


def test_raise_show_colour_acknowledge_and_history(qtbot, tmp_path: Path) -> None:
    floor = Floor()
    engine = AlertEngine(floor, default_rules())
    sink = Sink()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = FloorWindow(floor, alerts=engine, sound=AlertSound(sink, settings))
    qtbot.addWidget(window)
    window.list_every_s = 0.0  # list every tick: the test ticks faster than a person reads
    ticker = FloorTicker(floor, FeedHub([]), [window], alerts=engine)
    history = AlertHistory(tmp_path / "alerts.db")
    ticker.alert_sinks += [history.record, window.alert_sound.on_transitions]
    try:
        for e in [ev.QueueDefined(T0, "ol", "App chat", "online", 60.0, name_zh="应用"),
                  ev.QueueDefined(T0, "hl", "General", "hotline", 20.0),
                  ev.AgentLogin(T0, "a1", "Ann"), ev.AgentSkills(T0, "a1", {"ol": 5}, 3),
                  ev.AgentStateChanged(T0, "a1", "available"),
                  ev.ContactOffered(T0 + 1, "c1", "ol")]:
            engine.apply(e)
        ticker.tick()
        tile = window.queue_wall.tiles["ol"]
        assert window.alert_panel.proxy.rowCount() == 0
        for s in range(2, 70):
            engine.apply(ev.Heartbeat(T0 + s))
        ticker.tick()

        panel = window.alert_panel
        assert panel.proxy.rowCount() == 1
        text = panel.row_text(0)
        assert "an online customer has waited" in text and "Warning" in text
        assert tile.look == ("warning", "alert")
        assert sink.played == [Severity.WARNING]

        window.show()
        qtbot.waitExposed(window)
        view = panel.view
        cell = view.visualRect(panel.proxy.index(0, Column.STATUS))
        before = time.time()
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())
        ticker.tick()
        assert history.flush(5.0)
        (row,) = read_alerts(tmp_path / "alerts.db", None)
        assert row["rule"] == "online_longest_wait" and row["target"] == "ol"
        assert row["acked_by"] == window.user and "@" in window.user
        assert before <= row["acked_wall_t"] <= time.time()
        assert row["acked_t"] == floor.now
        assert row["cleared_t"] is None

        engine.apply(ev.ContactAnswered(T0 + 71, "c1", "ol", "a1"))
        engine.apply(ev.Heartbeat(T0 + 72))
        ticker.tick()
        assert panel.proxy.rowCount() == 0
        assert tile.look[1] != "alert"
        assert history.flush(5.0)
        (row,) = read_alerts(tmp_path / "alerts.db", None)
        assert row["cleared_t"] is not None
    finally:
        history.close()
