"""Start the floor window on any sources: Qt app, translator, hub, tick."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from feeds.hub import FeedHub, feed_keys
from feeds.source import Source
from feeds.store.alert_history import AlertHistory
from feeds.store.alert_history import default_path as default_alert_history_path
from feeds.store.audit import AuditWriter, default_audit_path
from feeds.store.recording_files import LiveRecorder, RecordingPlan, run_names
from monitor.agent_work import lend_left_s
from monitor.alert_engine import AlertEngine
from monitor.alert_rules import AlertRule
from monitor.config import Config
from monitor.floor import Floor
from monitor.scope import Scope
from ui.reassign.controller import ReassignController

from .display import explain_missing_display
from .floor_window import FloorWindow
from .i18n import install_translator, system_language
from .recording_status import attach_recorder
from .tick import FloorTicker, freeze_long_lived

if TYPE_CHECKING:  # imported by a replay only
    from .replay_feed import ReplaySetup


@dataclass(slots=True)
class WindowOptions:
    lang: str = ""  # "" = system locale
    exit_after: float | None = None  # seconds; then screenshot (if asked) and quit
    screenshot: Path | None = None
    size: tuple[int, int] = (1600, 1000)  # window width, height in pixels
    config: Config = field(default_factory=Config)  # metric settings
    rules: list[AlertRule] | None = None  # alert rules; None: the shipped defaults
    recording: RecordingPlan | None = None  # record what the window receives; None: don't
    replay: ReplaySetup | None = None  # replaying a recording: its bar; no commands, no history
    scope: Scope | None = None  # --scope: the team or tier shown (None: the whole floor)


def show_lends(window: FloorWindow, controller: ReassignController) -> None:
    """Let the agent grid count down the timed lends the controller watches."""
    lends = controller.lends.lends  # request id -> Lend (its end and agents not back yet)
    window.agent_panel.model.lend_left = lambda agent: lend_left_s(
        lends.values(), agent, controller.floor.now
    )


def run_floor(sources: list[Source], options: WindowOptions) -> int:
    """Open the floor window on `sources` and run the Qt event loop; returns the exit code."""
    if explain_missing_display():  # Qt would abort the process with a core dump instead
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Floorwatch")
    lang = options.lang or system_language()
    translator = install_translator(app, lang)  # noqa: F841 - must outlive the window
    cfg = options.config
    floor = Floor.from_config(cfg)
    if options.rules is None:
        from monitor.alert_defaults import default_rules

        options.rules = default_rules()
    alerts = AlertEngine(floor, options.rules)
    hub = FeedHub(sources)
    window = FloorWindow(floor, lang=lang, config=cfg, config_path=cfg.path, alerts=alerts)
    window.feed_keys = feed_keys(sources)  # the floor's names of the feeds
    if options.scope is not None:
        window.set_scope(options.scope)
    # Controls appear once the feed grants the supervisor role; a viewer never sees them.
    audit = AuditWriter(default_audit_path())  # opens the database on its own thread
    # A replay moves nobody: without a controller no move button, menu entry or drop acts.
    controller = None if options.replay is not None else ReassignController(
        floor, hub, window.agent_panel, window.queue_wall, audit)
    if controller is not None:
        show_lends(window, controller)
    views = [window] if controller is None else [window, controller]
    ticker = FloorTicker(floor, hub, views, alerts=alerts)
    from .wall_app import add_wall_menu

    add_wall_menu(window, ticker)  # View → "Open wall on screen…": one more view of the tick
    # What alerts did each tick: to the history (written on its own thread) and the sound.
    # A replay's alerts are not the floor's history: they stay out of it.
    history = AlertHistory(default_alert_history_path())
    if options.replay is None:
        ticker.alert_sinks.append(history.record)
    else:
        from .replay_bar import attach_replay

        attach_replay(window, ticker, options.replay, lambda: Floor.from_config(cfg))
    if window.alert_sound is not None:
        ticker.alert_sinks.append(window.alert_sound.on_transitions)
    # What the tick drains, recorded on the recorder's thread; trouble shows in the status
    # bar. A day's file starts from the floor's state, so never while a feed is held.
    recorder = None if options.recording is None else LiveRecorder(
        options.recording, window.feed_keys, runs=run_names(sources), floor=floor,
        ready=lambda: not ticker.gate.feeds)
    if recorder is not None:
        attach_recorder(window, ticker, recorder)
    exit_code = 0

    def finish() -> None:
        nonlocal exit_code
        ticker.tick()  # show the latest state in the screenshot
        if options.screenshot is not None and not window.grab().save(str(options.screenshot)):
            print(f"could not write screenshot {options.screenshot}", file=sys.stderr)
            exit_code = 1
        app.quit()

    hub.start()
    ticker.start()
    window.resize(*options.size)
    window.show()
    freeze_long_lived()  # Qt's and the window's objects live as long as the process
    if options.exit_after is not None:
        QTimer.singleShot(int(options.exit_after * 1000), finish)
    try:
        rc = app.exec()
    finally:
        ticker.stop()
        if controller is not None:
            controller.close()
        hub.stop()
        audit.close()
        history.close()
        if recorder is not None:
            recorder.close()
    return exit_code or rc
