"""The wall display: legible from 5 m at 1080p and 4K (font metrics, not eyes), every
configured queue on a page, the same figures as the floor window at the same tick,
stale feeds greyed, alerts in colour and words, no supervisor controls."""

from __future__ import annotations

from collections import deque

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QMenuBar, QWidget

from feeds.health import FeedHealth
from feeds.source import FeedEvent
from monitor import events as ev
from monitor.alert_book import Alert
from monitor.alert_rules import Scope, Severity
from monitor.config import Config
from monitor.floor import Changes
from monitor.wall_pages import WallSettings
from tests.floors import NOW, T0, build_floor
from ui.floor_window import FloorWindow
from ui.i18n import install_translator
from ui.panels.queue_tile import STALE_VALUE
from ui.panels.wall_tile import LABEL_RULE, MAIN_RULE, WallTile
from ui.tick import FloorTicker
from ui.wall_app import open_wall
from ui.wall_window import WallWindow

SCREENS = [(1920, 1080), (3840, 2160)]
FIGURES = ("waiting", "longest_wait", "service_level", "ewt", "agents", "backlog")


def _wall(qtbot, floor, size, lang="en", **kw) -> WallWindow:
    wall = WallWindow(floor, lang, **kw)
    qtbot.addWidget(wall)
    wall.resize(*size)
    wall.show()
    qtbot.waitExposed(wall)
    QCoreApplication.processEvents()
    return wall


def _tiles_on_page(wall: WallWindow) -> list[WallTile]:
    return [*wall.channels.values(), *(wall.tiles[q] for q in wall.page_queues())]


def _check_page(wall: WallWindow, words: bool) -> int:
    """Every tile on the page whole on screen; figures >= 5 % and words >= 2 % of the
    height in cap height, none wider than its label. Returns the labels checked."""
    height, checked = wall.height(), 0
    for tile in _tiles_on_page(wall):
        assert tile.isVisible()
        box = tile.geometry()
        assert box.top() >= 0 and box.bottom() < height and box.right() < wall.width(), tile.key
        labels = [(cell.value, MAIN_RULE) for cell in tile.cells.values()]
        if words:
            labels += [(cell.caption, LABEL_RULE) for cell in tile.cells.values()]
            labels += [(tile.name, LABEL_RULE)]
            if tile.badge.isVisible():
                labels.append((tile.badge, LABEL_RULE))
        for label, rule in labels:
            metrics = QFontMetrics(label.font())
            assert metrics.capHeight() >= rule * height, (tile.key, label.text())
            assert metrics.horizontalAdvance(label.text()) <= label.width(), (
                tile.key,
                label.text(),
            )
            assert label.height() >= metrics.height(), (tile.key, label.text())  # no cut line
            checked += 1
    if words:
        for label in (wall.clock, wall.banner):
            assert QFontMetrics(label.font()).capHeight() >= LABEL_RULE * height
    return checked


@pytest.mark.parametrize("size", SCREENS)
def test_every_queue_is_legible_and_whole_at_1080p_and_4k(qtbot, floor, size):
    wall = _wall(qtbot, floor, size)
    image = wall.grab()
    assert (image.width(), image.height()) == size
    seen: set[str] = set()
    for page in range(len(wall.pages)):
        wall.show_page(page)
        QCoreApplication.processEvents()
        assert _check_page(wall, words=True) >= 2 * 6 + 6 * len(wall.page_queues())
        seen.update(wall.page_queues())
        assert wall.tiles[wall.page_queues()[0]].values()["name"]  # read, not blank
    assert seen == set(floor.queues)  # every configured queue is shown on some page
    # The worked example's four queues fit one page at both sizes (2 a column).
    assert len(wall.pages) == 1


def test_text_scales_with_the_screen(qtbot, floor):
    small, large = (_wall(qtbot, floor, size) for size in SCREENS)
    cell = "general"
    a = QFontMetrics(small.tiles[cell].cells["waiting"].value.font()).capHeight()
    b = QFontMetrics(large.tiles[cell].cells["waiting"].value.font()).capHeight()
    assert b >= 1.9 * a


@pytest.mark.parametrize("size", SCREENS)
def test_chinese_wall_figures_are_legible_and_whole(qtbot, floor, size):
    # Only what needs no CJK glyph metrics: the figures (digits) and the tiles' places.
    app = QCoreApplication.instance()
    translator = install_translator(app, "zh_CN")
    try:
        wall = _wall(qtbot, floor, size, lang="zh_CN")
        shown = set()
        for page in range(len(wall.pages)):
            wall.show_page(page)
            QCoreApplication.processEvents()
            _check_page(wall, words=False)
            shown.update(wall.page_queues())
        assert shown == set(floor.queues)
        assert wall.tiles["general"].values()["name"] == "普通"
    finally:
        app.removeTranslator(translator)


def test_pages_rotate_when_queues_do_not_fit(qtbot, floor):
    config = Config(wall=WallSettings(queues_per_page=1, rotation_s=5))
    wall = _wall(qtbot, floor, SCREENS[0], config=config)
    assert [p.queues for p in wall.pages] == [("general", "app"), ("vip", "wechat")]
    assert wall.page_label.text() == "Page 1 / 2"
    assert wall._rotation.isActive() and wall._rotation.interval() == 5000
    assert not wall.tiles["vip"].isVisible()
    wall.next_page()
    QCoreApplication.processEvents()
    assert wall.page_label.text() == "Page 2 / 2"
    assert wall.tiles["vip"].isVisible() and not wall.tiles["general"].isVisible()
    # A tile off the page when its queue moved shows the news when its page comes.
    assert wall.tiles["vip"].values()["backlog"] == "1"
    _check_page(wall, words=True)
    wall.next_page()
    assert wall.page == 0


def test_config_pages_choose_and_order_the_queues(qtbot, floor):
    config = Config(wall=WallSettings(pages=(("app", "vip"),)))
    wall = _wall(qtbot, floor, SCREENS[0], config=config)
    assert [p.queues for p in wall.pages] == [("vip", "app")]
    assert wall.page_label.text() == ""  # one page: no indicator, no rotation
    assert not wall._rotation.isActive()
    assert not wall.tiles["general"].isVisible()


@pytest.mark.parametrize("size", SCREENS)
def test_more_queues_than_fit_go_on_more_pages(qtbot, size):
    extra = [ev.QueueDefined(T0, f"hl{n}", f"Hotline {n}", "hotline", 20.0) for n in range(4)]
    floor = build_floor(*extra)  # six hotline queues, two online
    wall = _wall(qtbot, floor, size)
    assert wall.fit == 2  # tiles and screen grow together: the same fit at 1080p and 4K
    assert len(wall.pages) == 3 and wall._rotation.isActive()
    seen = set()
    for page in range(3):
        wall.show_page(page)
        QCoreApplication.processEvents()
        _check_page(wall, words=True)
        seen.update(wall.page_queues())
    assert seen == set(floor.queues)
    assert wall.pages[2].online == ()  # the online column has only two queues


class _Hub:
    def __init__(self) -> None:
        self.items: deque[FeedEvent] = deque()
        self.connected = True

    def drain(self, max_events: int) -> list[FeedEvent]:
        out = list(self.items)
        self.items.clear()
        return out

    def health(self) -> list[FeedHealth]:
        return [
            FeedHealth(
                url="ws://sim",
                feed="sim",
                key="sim",
                connected=self.connected,
                events=10,
                last_error="" if self.connected else "ConnectionClosedError: gone",
            )
        ]


def test_floor_window_and_wall_show_the_same_numbers_at_the_same_tick(qtbot, floor, tmp_path):
    window = FloorWindow(floor, lang="en")
    qtbot.addWidget(window)
    window.feed_keys = ["sim"]
    hub = _Hub()
    ticker = FloorTicker(floor, hub, [window])  # type: ignore[arg-type]
    settings = QSettings(str(tmp_path / "wall.ini"), QSettings.Format.IniFormat)
    wall = open_wall(window, ticker, 0, settings)  # the View menu's action (closed below)
    assert wall in ticker.views and wall.floor is floor  # one floor, one tick
    assert settings.value("wall/screen_index") in (0, "0")  # the choice is remembered
    hub.items.extend(
        [
            FeedEvent("sim", 1, ev.ContactOffered(NOW + 1, "c9", "general")),
            FeedEvent("sim", 2, ev.ContactOffered(NOW + 2, "c10", "app")),
            FeedEvent("sim", 3, ev.AgentStateChanged(NOW + 3, "a5", "on_contact")),
            FeedEvent("sim", 4, ev.Heartbeat(NOW + 20)),
        ]
    )
    ticker.tick()  # new contacts: the tiles come and go as the floor's structure says
    hub.items.append(FeedEvent("sim", 5, ev.Heartbeat(NOW + 40)))
    ticker.tick()  # only the clock moved: the changed queues' tiles, nothing else
    compared = 0
    assert len(wall.pages) == 1  # all four queues on the page the tick refreshed
    for queue_id in wall.page_queues():
        ours, theirs = wall.tiles[queue_id].values(), window.queue_wall.tiles[queue_id].values()
        shown = [f for f in FIGURES if f != "backlog"]
        assert {f: ours[f] for f in shown} == {f: theirs[f] for f in shown}, queue_id
        # The floor window's tile adds the oldest's age and worked: "1 · 1m · 0".
        assert theirs["backlog"].split("\u2009")[0] == ours["backlog"], queue_id
        compared += 1
    assert compared == len(floor.queues)
    assert wall.tiles["general"].values()["waiting"] == "2"  # the tick's news, not the old
    assert wall.tiles["app"].values()["longest_wait"] == "0:38"
    window.close()  # the desk window closing closes its wall
    QCoreApplication.processEvents()
    assert wall not in ticker.views  # closed: the tick lets it go
    assert getattr(window, "wall", "absent") is None


def test_a_stale_feed_greys_the_figures_and_says_so(qtbot, floor):
    wall = _wall(qtbot, floor, SCREENS[0])
    wall.feed_keys = ["sim"]
    live = FeedHealth(
        url="ws://sim", feed="sim", key="sim", connected=True, last_event_age_s=0.5, events=10
    )
    wall.refresh(floor, Changes(), [live])
    tile = wall.tiles["general"]
    assert tile.look != "stale" and "sim: live" in wall.health.text()
    gone = FeedHealth(
        url="ws://sim",
        feed="sim",
        key="sim",
        connected=False,
        events=10,
        last_error="ConnectionRefusedError: refused",
    )
    wall.refresh(floor, Changes(), [gone])
    assert tile.look == "stale" and tile.values()["state"] == "Stale"
    assert tile.palette().color(tile.foregroundRole()) == STALE_VALUE
    assert (
        tile.cells["waiting"].value.palette().color(tile.cells["waiting"].value.foregroundRole())
        == STALE_VALUE
    )
    assert wall.channels["hotline"].look == "stale"
    assert "Feed sim stale since" in wall.banner.text()
    assert "sim: stale" in wall.health.text()
    wall.refresh(floor, Changes(), [live])
    assert tile.look != "stale" and "stale" not in wall.banner.text()


class _Book:
    def __init__(self, alerts: list[Alert]) -> None:
        self.active = {(a.rule, a.target): a for a in alerts}

    def queue_alert(self, queue_id: str, now: float) -> Alert | None:
        mine = [a for a in self.active.values() if a.queue == queue_id]
        return max(mine, key=lambda a: a.id) if mine else None


class _Engine:
    def __init__(self, book: _Book) -> None:
        self.book = book


def _alert(n, severity, scope, target, queue="", message="", t=T0) -> Alert:
    return Alert(n, f"rule{n}", severity, scope, target, t, 1.0, message_en=message, queue=queue)


def test_alerts_colour_tiles_and_fill_the_banner_worst_and_newest_first(qtbot, floor):
    book = _Book(
        [
            _alert(1, Severity.WARNING, Scope.QUEUE, "vip", "vip", "VIP slow", T0 + 10),
            _alert(2, Severity.CRITICAL, Scope.QUEUE, "app", "app", "App chat drowning", T0 + 5),
            _alert(3, Severity.WARNING, Scope.QUEUE, "general", "general", "General late", T0 + 20),
            _alert(4, Severity.CRITICAL, Scope.AGENT, "a1", "", "Ann wrote a bad word", T0 + 30),
        ]
    )
    wall = _wall(qtbot, floor, SCREENS[0], alerts=_Engine(book))
    assert wall.tiles["app"].look == "critical"
    assert wall.tiles["app"].values()["state"] == "Critical"  # a word, not colour alone
    assert wall.banner_lines[0] == "Critical: App chat drowning"
    assert wall.banner_lines[1] == "+2 more"  # the warnings, newest first, past the room
    assert all("Ann" not in line for line in wall.banner_lines)  # agents stay off the wall


def test_the_wall_has_no_supervisor_controls(qtbot, floor):
    wall = _wall(qtbot, floor, SCREENS[0])
    assert not wall.findChildren(QAbstractButton)
    assert not wall.findChildren(QComboBox)
    assert not wall.findChildren(QMenuBar)
    assert not wall.findChildren(QAction)
    # Nothing takes the keyboard or opens anything: Esc (leave fullscreen) is all it hears.
    assert all(w.focusPolicy() == Qt.FocusPolicy.NoFocus for w in wall.findChildren(QWidget))
    assert not any(label.openExternalLinks() for label in wall.findChildren(QLabel))


def test_the_view_menu_lists_the_screens_and_opens_the_wall(qtbot, floor, tmp_path):
    from PySide6.QtGui import QGuiApplication

    from ui.wall_app import add_wall_menu

    window = FloorWindow(floor, lang="en")
    qtbot.addWidget(window)
    ticker = FloorTicker(floor, _Hub(), [window])  # type: ignore[arg-type]
    settings = QSettings(str(tmp_path / "wall.ini"), QSettings.Format.IniFormat)
    menu = add_wall_menu(window, ticker, settings)
    assert menu.title() == "Open wall on screen…"
    assert menu.menuAction() in window.menus.view_menu.actions()
    actions = menu.actions()
    assert len(actions) == len(QGuiApplication.screens())
    assert actions[0].text().startswith("Screen 0: ")
    actions[0].trigger()
    wall = window.wall
    assert isinstance(wall, WallWindow) and wall in ticker.views
    # Placed by W2's WallPlacement on the chosen screen (fullscreen there: its own tests).
    assert wall.isVisible() and wall.placement.screen is QGuiApplication.screens()[0]
    actions[0].trigger()  # again: the same wall, not a second one
    assert window.wall is wall and ticker.views.count(wall) == 1
    wall.close()
    QCoreApplication.processEvents()
    assert wall not in ticker.views
