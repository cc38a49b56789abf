"""Alert panel, tile and agent-row colours: a raised alert shows, the UI acknowledges and
snoozes it through the engine's callbacks, filters, and narrow model signals."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer

from monitor.alert_book import AlertBook
from monitor.alert_rules import AlertRule, Severity
from monitor.floor import Changes
from ui.alert_sound import AlertSound
from ui.floor_window import FloorWindow
from ui.panels.agent_model import Column as AgentColumn
from ui.panels.alert_look import (
    AGENT_ALERT_COLOURS,
    PULSE_BACKGROUND,
    SEVERITY_PALE,
    SEVERITY_STRONG,
    TILE_ALERT_COLOURS,
)
from ui.panels.alert_panel import AlertIdRole, AlertPanel, Column, SeverityRole
from ui.panels.queue_tile import TILE_COLOURS

SL_MESSAGE = "Hotline service level 33 % below 80 % (15 min)"
WAIT_MESSAGE = "Online longest wait 1:15 over 60 s: offer a callback"
WALL_T = 1_800_000_000.0


def _rule(name: str, severity: Severity, metric: str = "longest_wait_s") -> AlertRule:
    return AlertRule(name, metric, severity=severity)


class FakeEngine:
    """The alert engine's acts as the window uses them, recorded."""

    def __init__(self, floor) -> None:
        self.floor, self.book = floor, AlertBook()
        self.acked: list[tuple[int, str, float | None]] = []
        self.snoozed: list[tuple[int, float, str, float | None]] = []

    def acknowledge(self, alert_id: int, by: str, wall_t: float | None = None) -> bool:
        self.acked.append((alert_id, by, wall_t))
        return self.book.acknowledge(alert_id, by, self.floor.now, wall_t or 0.0)

    def snooze(self, alert_id: int, minutes: float, by: str, wall_t: float | None = None) -> bool:
        self.snoozed.append((alert_id, minutes, by, wall_t))
        return self.book.snooze(alert_id, minutes, by, self.floor.now, wall_t or 0.0)


class SilentSink:
    available = True

    def __init__(self) -> None:
        self.played: list[Severity] = []

    def play(self, severity: Severity) -> None:
        self.played.append(severity)


def _raise_sl(book: AlertBook, t: float):
    return book.raise_alert(
        _rule("hotline_service_level", Severity.CRITICAL, "service_level"),
        "general",
        t,
        33.0,
        queue="general",
        message_en=SL_MESSAGE,
        message_zh="热线服务水平 33% 低于 80%",
    )


def _raise_wait(book: AlertBook, t: float):
    return book.raise_alert(
        _rule("online_longest_wait", Severity.WARNING),
        "app",
        t,
        75.0,
        queue="app",
        message_en=WAIT_MESSAGE,
        message_zh="在线最长等待超过 60 秒",
    )


def _window(qtbot, floor, tmp_path, lang: str = "en"):
    engine = FakeEngine(floor)
    sink = SilentSink()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = FloorWindow(floor, lang=lang, alerts=engine, sound=AlertSound(sink, settings))
    qtbot.addWidget(window)
    window.wall_clock = lambda: WALL_T
    window.list_every_s = 0.0  # every tick lists (the throttle has its own test)
    return window, engine


def _tick(window, floor, **changes) -> None:
    window.refresh(floor, Changes(alerts=True, **changes), [])


def _panel(floor, book):
    calls: dict[str, list] = {"ack": [], "snooze": []}

    def ack(alert_id: int) -> bool:
        calls["ack"].append(alert_id)
        return book.acknowledge(alert_id, "ann@desk-3", floor.now, WALL_T)

    def snooze(alert_id: int, minutes: float) -> bool:
        calls["snooze"].append((alert_id, minutes))
        return book.snooze(alert_id, minutes, "ann@desk-3", floor.now, WALL_T)

    return AlertPanel(book, ack, snooze, lambda: floor.now), calls


# ------------------------------------------------------------------ the window
def test_a_raised_alert_shows_in_the_panel_and_colours_its_tile(qtbot, floor, tmp_path):
    window, engine = _window(qtbot, floor, tmp_path)
    tile = window.queue_wall.tiles["general"]
    assert window.alert_panel.proxy.rowCount() == 0
    assert tile.look == ("warning", "threshold")  # SL 33 % is below its own 80 % goal

    alert = _raise_sl(engine.book, floor.now - 30)
    _tick(window, floor, queues={"general"})

    panel = window.alert_panel
    assert panel.proxy.rowCount() == 1
    text = panel.row_text(0)
    assert SL_MESSAGE in text and "Critical" in text and "General" in text
    assert "30 s ago" in text and "Acknowledge" in text
    assert panel.proxy.index(0, 0).data(AlertIdRole) == alert.id
    # The alert (critical) is stronger than the tile's own warning: its colour and word.
    assert tile.look == ("critical", "alert")
    assert tile.values()["state"] == "Critical"
    assert tile.alert == Severity.CRITICAL and tile.pulsing
    assert tile.colours()[1] == TILE_ALERT_COLOURS[Severity.CRITICAL][1]
    assert SL_MESSAGE in tile.rule_text()
    assert window.queue_wall.tiles["vip"].look == ("ok", "threshold")


def test_the_stronger_of_threshold_and_alert_wins(qtbot, floor, tmp_path):
    window, engine = _window(qtbot, floor, tmp_path)
    engine.book.raise_alert(
        _rule("note", Severity.INFO),
        "general",
        floor.now,
        1.0,
        queue="general",
        message_en="for information",
    )
    engine.book.raise_alert(
        _rule("note", Severity.INFO),
        "vip",
        floor.now,
        1.0,
        queue="vip",
        message_en="for information",
    )
    _tick(window, floor)

    general, vip = window.queue_wall.tiles["general"], window.queue_wall.tiles["vip"]
    assert general.look == ("warning", "threshold")  # its own warning beats an info alert
    assert general.values()["state"] == "Warning"
    assert general.colours() == TILE_COLOURS[general.state]
    assert vip.look == ("info", "alert")  # an OK tile takes the info alert's blue
    assert vip.values()["state"] == "Info"
    assert vip.colours() == TILE_ALERT_COLOURS[Severity.INFO]
    assert not vip.pulsing


def test_critical_unacknowledged_tiles_pulse_with_the_tick_until_acknowledged(
    qtbot, floor, tmp_path
):
    window, engine = _window(qtbot, floor, tmp_path)
    alert = _raise_sl(engine.book, floor.now)
    _raise_wait(engine.book, floor.now)
    general, app = window.queue_wall.tiles["general"], window.queue_wall.tiles["app"]
    backgrounds = []
    for second in range(4):  # the tick drives it: a flip every whole second of wall time
        window.wall_clock = lambda s=second: WALL_T + s
        _tick(window, floor)
        backgrounds.append(general.colours()[0])
        assert app.colours()[0] == TILE_ALERT_COLOURS[Severity.WARNING][0]  # no pulse
    normal = TILE_ALERT_COLOURS[Severity.CRITICAL][0]
    assert backgrounds == [normal, PULSE_BACKGROUND, normal, PULSE_BACKGROUND]
    assert window.queue_wall.pulsing == {"general"}

    engine.acknowledge(alert.id, "ann")
    _tick(window, floor)
    assert not general.pulsing and general.colours()[0] == normal
    assert general.look == ("critical", "alert")  # still raised: still its colour
    assert window.queue_wall.pulsing == frozenset()


def test_acknowledge_by_click_records_who_and_when(qtbot, floor, tmp_path):
    window, engine = _window(qtbot, floor, tmp_path)
    alert = _raise_sl(engine.book, floor.now)
    _tick(window, floor)
    window.show()
    view = window.alert_panel.view
    qtbot.waitExposed(window)

    cell = view.visualRect(window.alert_panel.proxy.index(0, Column.STATUS))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())

    assert engine.acked == [(alert.id, window.user, WALL_T)]
    assert "@" in window.user  # user@host, as the audit log names people
    assert alert.acked_by == window.user and alert.acked_wall_t == WALL_T
    text = window.alert_panel.row_text(0)
    assert "✓ " + window.user.partition("@")[0] in text and "Acknowledge" not in text
    # A second click on an acknowledged row acknowledges nothing more.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())
    assert len(engine.acked) == 1


def test_a_click_elsewhere_on_the_row_does_not_acknowledge(qtbot, floor):
    book = AlertBook()
    _raise_sl(book, floor.now)
    panel, calls = _panel(floor, book)
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    qtbot.waitExposed(panel)

    cell = panel.view.visualRect(panel.proxy.index(0, Column.ALERT))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=cell.center())
    assert calls["ack"] == []
    assert panel.selected_alert_ids() == [1]  # it selected the row instead


def test_acknowledge_by_keyboard(qtbot, floor):
    book = AlertBook()
    first, second, third = (
        _raise_sl(book, floor.now),
        _raise_wait(book, floor.now),
        book.raise_alert(_rule("x", Severity.INFO), "vip", floor.now, 1.0),
    )
    panel, calls = _panel(floor, book)
    qtbot.addWidget(panel)
    panel.show()
    view = panel.view
    rows = {panel.proxy.index(r, 0).data(AlertIdRole): r for r in range(3)}
    assert rows == {third.id: 0, second.id: 1, first.id: 2}  # newest first

    view.selectRow(rows[second.id])
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert calls["ack"] == [second.id]
    view.selectRow(rows[first.id])
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert calls["ack"] == [second.id, first.id]
    # Ctrl+K with nothing selected: the newest unacknowledged alert.
    view.clearSelection()
    assert panel.ack_action.shortcut().toString() == "Ctrl+K"
    panel.ack_action.trigger()
    assert calls["ack"] == [second.id, first.id, third.id]
    assert all(a.acknowledged for a in (first, second, third))


def test_snooze_from_the_menu(qtbot, floor):
    book = AlertBook()
    alert = _raise_sl(book, floor.now)
    panel, calls = _panel(floor, book)
    qtbot.addWidget(panel)
    assert [a.text() for a in panel.snooze_menu.actions()] == [
        "5 min",
        "15 min",
        "30 min",
        "60 min",
    ]

    panel.view.selectRow(0)
    panel.snooze_actions[15].trigger()

    assert calls["snooze"] == [(alert.id, 15)]
    assert alert.snoozed_until == floor.now + 900
    assert "snoozed to" in panel.row_text(0)
    assert (
        panel.proxy.index(0, Column.SEVERITY).data(Qt.ItemDataRole.BackgroundRole).color()
        == SEVERITY_PALE[Severity.CRITICAL][0]
    )  # quiet now: the pale colour


def test_a_snoozed_alert_leaves_its_tile(qtbot, floor, tmp_path):
    window, engine = _window(qtbot, floor, tmp_path)
    alert = _raise_wait(engine.book, floor.now)
    _tick(window, floor)
    assert window.queue_wall.tiles["app"].look == ("warning", "alert")

    window.alert_panel.view.selectRow(0)
    window.alert_panel.snooze_actions[5].trigger()
    assert engine.snoozed == [(alert.id, 5, window.user, WALL_T)]
    _tick(window, floor)
    assert window.queue_wall.tiles["app"].look == ("ok", "threshold")


def test_filter_by_severity_and_text(qtbot, floor):
    book = AlertBook()
    _raise_sl(book, floor.now)
    _raise_wait(book, floor.now)
    book.raise_alert(
        _rule("kw", Severity.INFO, "keyword"),
        "c5",
        floor.now,
        1.0,
        message_en="Keyword refund in chat c5",
        details={"word": "refund"},
    )
    panel, _calls = _panel(floor, book)
    qtbot.addWidget(panel)

    def shown() -> list[str]:
        return [panel.proxy.index(r, 0).data(SeverityRole) for r in range(panel.proxy.rowCount())]

    assert shown() == ["info", "warning", "critical"]
    panel.severity_combo.setCurrentIndex(panel.severity_combo.findData("warning"))
    assert shown() == ["warning"]
    assert panel.count_label.text() == "1 of 3 alerts, 3 unacknowledged"
    panel.severity_combo.setCurrentIndex(0)
    panel.filter_edit.setText("REFUND")
    assert shown() == ["info"]
    panel.filter_edit.setText("general")  # the target
    assert shown() == ["critical"]
    # A new alert that does not match stays hidden; one that does shows.
    book.raise_alert(
        _rule("other", Severity.WARNING), "general", floor.now, 2.0, message_en="General again"
    )
    panel.refresh(True)
    assert shown() == ["warning", "critical"]


def test_the_model_signals_narrowly(qtbot, floor):
    book = AlertBook()
    first = _raise_sl(book, floor.now)
    panel, _calls = _panel(floor, book)
    qtbot.addWidget(panel)
    model = panel.model
    events: list[tuple] = []
    model.rowsInserted.connect(lambda _p, a, b: events.append(("insert", a, b)))
    model.rowsRemoved.connect(lambda _p, a, b: events.append(("remove", a, b)))
    model.modelReset.connect(lambda: events.append(("reset",)))
    model.dataChanged.connect(lambda a, b, _r: events.append(("data", a.row(), b.row())))

    second = _raise_wait(book, floor.now + 1)
    panel.refresh(True)
    assert events == [("insert", 0, 0)]  # the new one on top, nothing else
    events.clear()
    book.acknowledge(first.id, "ann", floor.now, WALL_T)
    panel.refresh(True)
    assert events == [("data", 1, 1)]
    events.clear()
    book.clear(("online_longest_wait", "app"), floor.now + 2, 10.0)
    panel.refresh(True)
    assert events == [("remove", 0, 0)]
    assert [a.id for a in model.alerts()] == [first.id]
    events.clear()
    panel.refresh(True)  # nothing changed: nothing said
    assert events == []
    assert second.cleared_t is not None


def test_ages_move_at_most_once_a_second(qtbot, floor):
    book = AlertBook()
    _raise_sl(book, floor.now)
    clock = [floor.now]
    panel = AlertPanel(book, lambda _i: True, lambda _i, _m: True, lambda: clock[0])
    qtbot.addWidget(panel)
    panel.show()
    signals = []
    panel.model.dataChanged.connect(lambda a, _b, roles: signals.append((a.column(), roles)))

    clock[0] += 0.4  # same second as the refresh at construction
    panel.refresh(False)
    assert signals == []
    clock[0] += 0.7
    panel.refresh(False)
    panel.refresh(False)
    assert len(signals) == 1 and signals[0][0] == Column.ALERT
    assert "1 s ago" in panel.row_text(0)


def test_chinese_message_in_a_chinese_window(qtbot, floor):
    book = AlertBook()
    _raise_sl(book, floor.now)
    panel = AlertPanel(book, lambda _i: True, lambda _i, _m: True, lambda: floor.now, lang="zh_CN")
    qtbot.addWidget(panel)
    assert panel.proxy.index(0, Column.ALERT).data() == "热线服务水平 33% 低于 80%"
    assert (
        panel.proxy.index(0, Column.SEVERITY).data(Qt.ItemDataRole.BackgroundRole).color()
        == SEVERITY_STRONG[Severity.CRITICAL][0]
    )


def test_agent_rows_take_the_alert_colour_and_word(qtbot, floor, tmp_path):
    window, engine = _window(qtbot, floor, tmp_path)
    engine.book.raise_alert(
        _rule("agent_not_ready", Severity.WARNING, "not_ready_s"),
        "a4",
        floor.now,
        960.0,
        agent="a4",
        message_en="Di not ready 16 min",
    )
    _tick(window, floor, agents={"a4"})

    model = window.agent_panel.model
    row = model.row_of("a4")
    name = model.index(row, AgentColumn.NAME)
    assert (
        name.data(Qt.ItemDataRole.BackgroundRole).color()
        == AGENT_ALERT_COLOURS[Severity.WARNING][0]
    )
    assert "Di not ready 16 min" in name.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(row, AgentColumn.STATE).data().endswith("· Warning alert")
    other = model.index(model.row_of("a1"), AgentColumn.NAME)
    assert other.data(Qt.ItemDataRole.BackgroundRole) is None
    assert window.alert_panel.row_text(0).count("Di") >= 1  # the target by name


def test_mute_in_the_panel_and_the_menu_agree_and_are_remembered(qtbot, floor, tmp_path):
    window, _engine = _window(qtbot, floor, tmp_path)
    panel, menu = window.alert_panel, window.menus.mute_action
    assert not window.alert_sound.muted and not menu.isChecked()

    panel.mute_button.click()
    assert window.alert_sound.muted and menu.isChecked()
    menu.trigger()
    assert not window.alert_sound.muted and not panel.mute_button.isChecked()
    menu.trigger()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert AlertSound(SilentSink(), settings).muted


def test_no_sound_is_said_in_the_panel(qtbot, floor, tmp_path):
    class Unavailable(SilentSink):
        available = False

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = FloorWindow(floor, alerts=FakeEngine(floor), sound=AlertSound(Unavailable(), settings))
    qtbot.addWidget(window)
    window.show()
    assert window.alert_panel.no_sound.isVisible()
    assert not window.alert_panel.mute_button.isEnabled()
    assert not window.menus.mute_action.isEnabled()


def test_the_alerts_column_can_be_hidden_and_a_window_without_alerts_has_none(
    qtbot, floor, tmp_path
):
    window, _engine = _window(qtbot, floor, tmp_path)
    window.show()
    show = [a for a in window.menus.view_menu.actions() if a.text() == "Alerts panel"]
    assert len(show) == 1 and window.alert_panel.isVisible()
    show[0].trigger()
    assert not window.alert_panel.isVisible()

    plain = FloorWindow(floor)
    qtbot.addWidget(plain)
    assert plain.alert_panel is None and plain.alert_sound is None
    assert not hasattr(plain.menus, "mute_action")


def test_the_window_with_alerts_creates_no_timers(qtbot, floor, tmp_path):
    window, engine = _window(qtbot, floor, tmp_path)
    _raise_sl(engine.book, floor.now)
    _tick(window, floor)
    assert window.findChildren(QTimer) == []


def test_the_list_is_re_read_at_most_every_list_every_s(qtbot, floor, tmp_path):
    """A busy floor changes the list most ticks: the panel lists it at most every
    quarter second of the wall clock, and a change waiting is listed once it is due."""
    window, engine = _window(qtbot, floor, tmp_path)
    window.list_every_s = 0.25
    clock = [WALL_T + 10.0]
    window.wall_clock = lambda: clock[0]
    panel = window.alert_panel
    _raise_sl(engine.book, floor.now)
    _tick(window, floor)
    assert panel.proxy.rowCount() == 1  # the first change is listed at once
    clock[0] = WALL_T + 10.1
    _raise_wait(engine.book, floor.now)
    _tick(window, floor, queues={"app"})
    assert panel.proxy.rowCount() == 1  # too soon: waits
    assert window.queue_wall.tiles["app"].look[1] == "alert"  # the tile does not wait
    clock[0] = WALL_T + 10.3
    window.refresh(floor, Changes(), [])  # a tick with no change of its own
    assert panel.proxy.rowCount() == 2
