"""Start the floor window on any sources: Qt app, translator, hub, tick."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from feeds.hub import FeedHub
from feeds.source import Source
from feeds.store.alert_history import AlertHistory
from feeds.store.alert_history import default_path as default_alert_history_path
from feeds.store.audit import AuditWriter, default_audit_path
from monitor.agent_work import lend_left_s
from monitor.alert_engine import AlertEngine
from monitor.alert_rules import AlertRule
from monitor.config import Config
from monitor.floor import Floor
from ui.reassign.controller import ReassignController

from .display import explain_missing_display
from .floor_window import FloorWindow
from .i18n import install_translator, system_language
from .tick import FloorTicker, freeze_long_lived


@dataclass(slots=True)
class WindowOptions:
    lang: str = ""  # "" = system locale
    exit_after: float | None = None  # seconds; then screenshot (if asked) and quit
    screenshot: Path | None = None
    size: tuple[int, int] = (1600, 1000)  # window width, height in pixels
    config: Config = field(default_factory=Config)  # metric settings
    rules: list[AlertRule] | None = None  # alert rules; None: the shipped defaults


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
    window.feed_keys = [source.key for source in sources]  # the floor's names of the feeds
    # Controls appear once the feed grants the supervisor role; a viewer never sees them.
    audit = AuditWriter(default_audit_path())  # opens the database on its own thread
    controller = ReassignController(floor, hub, window.agent_panel, window.queue_wall, audit)
    show_lends(window, controller)
    ticker = FloorTicker(floor, hub, [window, controller], alerts=alerts)
    # What alerts did each tick: to the history (written on its own thread) and the sound.
    history = AlertHistory(default_alert_history_path())
    ticker.alert_sinks.append(history.record)
    if window.alert_sound is not None:
        ticker.alert_sinks.append(window.alert_sound.on_transitions)
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
        controller.close()
        hub.stop()
        audit.close()
        history.close()
    return exit_code or rc
