"""A tick costs what is on screen: tiles scrolled out of view wait, tooltips are
written on hover, text widths are measured once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect
from PySide6.QtGui import QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from monitor import events as ev
from monitor.thresholds import TileState
from monitor.views import WINDOW_TODAY
from tests.floors import build_floor
from ui.panels.queue_tile import _Value
from ui.panels.queue_wall import QueueTile, QueueWall

EXTRA = 40  # hotline queues added to the worked example: more than a small wall shows


@pytest.fixture
def crowded(qtbot):
    """A shown wall too small for its hotline tiles: that group scrolls."""
    floor = build_floor()
    for n in range(EXTRA):
        floor.apply(ev.QueueDefined(floor.now, f"h{n:02d}", f"H {n}", "hotline", 20.0), "sim")
    wall = QueueWall()
    qtbot.addWidget(wall)
    wall.update_floor(floor, floor.take_changes())
    wall.resize(700, 260)
    wall.show()
    qtbot.waitExposed(wall)
    QApplication.processEvents()
    scroll = wall.groups["hotline"].scroll
    assert scroll.verticalScrollBar().maximum() > 0, "the hotline tiles must not all fit"
    assert scroll.verticalScrollBar().value() == 0
    return floor, wall


def _in_view(wall: QueueWall, queue_id: str) -> bool:
    group = wall.groups["hotline"]
    area, viewport = group.tile_area, group.scroll.viewport()
    shown = QRect(-area.x(), -area.y(), viewport.width(), viewport.height())
    return shown.intersects(wall.tiles[queue_id].geometry())


def _shown_waiting(wall: QueueWall, queue_id: str) -> str:
    """The label's text as painted (not `values()`, which catches a tile up)."""
    return wall.tiles[queue_id].fields["waiting"].value.text()


def _offer(floor, queue_id: str, contact: str) -> None:
    floor.apply(ev.ContactOffered(floor.now + 1, contact, queue_id), "sim")


def _spy_views(monkeypatch, floor) -> list[str]:
    calls: list[str] = []
    original = floor.queue_view

    def spy(queue_id, *args, **kwargs):
        calls.append(queue_id)
        return original(queue_id, *args, **kwargs)

    monkeypatch.setattr(floor, "queue_view", spy)
    return calls


def test_a_tile_out_of_view_waits_and_shows_the_figures_when_scrolled_in(
    crowded, monkeypatch, qtbot
):
    floor, wall = crowded
    last = f"h{EXTRA - 1:02d}"
    assert _in_view(wall, "general") and not _in_view(wall, last)
    calls = _spy_views(monkeypatch, floor)

    _offer(floor, "general", "x1")
    _offer(floor, last, "x2")
    _offer(floor, last, "x3")
    wall.update_floor(floor, floor.take_changes())

    assert "general" in calls and last not in calls  # the hidden tile read nothing
    assert _shown_waiting(wall, "general") == "2"
    assert _shown_waiting(wall, last) == "0" and wall.tiles[last].pending
    assert last in wall.pending

    bar = wall.groups["hotline"].scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert _in_view(wall, last)
    assert _shown_waiting(wall, last) == "2" and not wall.tiles[last].pending
    assert last not in wall.pending
    assert wall.tiles[last].values() == _fresh(qtbot, floor, last).values()


def _fresh(qtbot, floor, queue_id: str) -> QueueTile:
    """A new tile showing the queue's current view: what a held-back tile must show."""
    tile = QueueTile(queue_id)
    qtbot.addWidget(tile)
    tile.update_view(floor.queue_view(queue_id), "en", floor.thresholds_for(queue_id))
    return tile


def test_a_window_change_reaches_a_hidden_tile_when_it_scrolls_in(crowded):
    floor, wall = crowded
    last = f"h{EXTRA - 1:02d}"
    _offer(floor, last, "x2")
    wall.update_floor(floor, floor.take_changes())
    assert wall.tiles[last].pending

    wall.set_window(WINDOW_TODAY)
    bar = wall.groups["hotline"].scroll.verticalScrollBar()
    bar.setValue(bar.maximum())

    assert not wall.tiles[last].pending
    assert wall.tiles[last].tooltip_text("service_level").startswith("Service level over today")


def test_reading_a_held_back_tile_gives_its_current_figures(crowded):
    floor, wall = crowded
    last = f"h{EXTRA - 1:02d}"
    for n in range(3):
        _offer(floor, last, f"x{n}")
    wall.update_floor(floor, floor.take_changes())
    tile = wall.tiles[last]
    assert tile.pending and _shown_waiting(wall, last) == "0"

    # Anything that reads a tile (state, values, tooltips) sees the floor as it is.
    floor.apply(ev.Heartbeat(floor.now + 70), "sim")  # past 3 x the 20 s target
    wall.update_floor(floor, floor.take_changes())
    assert tile.pending and _shown_waiting(wall, last) == "0"
    assert tile.values()["waiting"] == "3"
    assert tile.state == TileState.CRITICAL
    assert tile.values()["state"] == "Critical"
    assert not tile.pending


def test_a_tile_painted_while_held_back_catches_up(crowded, qtbot):
    floor, wall = crowded
    last = f"h{EXTRA - 1:02d}"
    _offer(floor, last, "x1")
    wall.update_floor(floor, floor.take_changes())
    tile = wall.tiles[last]
    assert tile.pending

    # Into view by a way the wall does not watch (here: it stops watching the
    # scroll); the paint that shows the tile catches it up.
    group = wall.groups["hotline"]
    group.tile_area.removeEventFilter(wall)
    bar = group.scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert tile.pending
    qtbot.waitUntil(lambda: not tile.pending, timeout=2000)
    assert _shown_waiting(wall, last) == "1"


def test_a_hidden_wall_keeps_every_tile_current(qtbot):
    floor = build_floor()
    for n in range(EXTRA):
        floor.apply(ev.QueueDefined(floor.now, f"h{n:02d}", f"H {n}", "hotline", 20.0), "sim")
    wall = QueueWall()
    qtbot.addWidget(wall)
    wall.update_floor(floor, floor.take_changes())
    last = f"h{EXTRA - 1:02d}"
    _offer(floor, last, "x1")
    wall.update_floor(floor, floor.take_changes())
    assert not wall.tiles[last].pending and _shown_waiting(wall, last) == "1"


# ------------------------------------------------------------ tooltips on hover
@pytest.mark.qt_log_ignore(r"^This plugin does not support raise\(\)$")
def test_figure_tooltips_are_written_on_hover_from_the_current_view(qtbot, floor):
    wall = QueueWall()
    qtbot.addWidget(wall)
    wall.update_floor(floor, floor.take_changes())
    wall.show()
    tile = wall.tiles["general"]

    def hover(name: str) -> str:
        label = tile.fields[name].value  # no tooltip of its own: the field answers
        QApplication.sendEvent(
            label, QHelpEvent(QEvent.Type.ToolTip, QPoint(1, 1), label.mapToGlobal(QPoint(1, 1)))
        )
        text = QToolTip.text()
        QToolTip.hideText()
        return text

    view = floor.queue_view("general")
    sl = hover("service_level")
    assert sl == tile.tooltip_text("service_level") == tile.fields["service_level"].toolTip()
    assert "T = 20 s" in sl and f"({view.answered} answered, {view.offered} offered)" in sl
    agents = hover("agents")
    assert f"staffed {view.agents_staffed}" in agents and "each person once" in agents
    assert "Estimated wait for a contact arriving now" in hover("ewt")

    # Nothing is stored per tick, yet the next hover says the new counts.
    floor.apply(ev.ContactOffered(floor.now + 1, "x9", "general"), "sim")
    wall.update_floor(floor, floor.take_changes())
    assert f"{view.offered + 1} offered" in hover("service_level")
    # The caption follows the target, not the counts.
    assert tile.fields["service_level"].caption.text() == "SL 20s"
    floor.apply(ev.QueueDefined(floor.now, "general", "General", "hotline", 30.0), "sim")
    wall.update_floor(floor, floor.take_changes())
    assert tile.fields["service_level"].caption.text() == "SL 30s"
    assert "T = 30 s" in hover("service_level")


# ------------------------------------------------------------ text widths
class _CountingMetrics:
    def __init__(self, metrics: QFontMetrics) -> None:
        self.metrics, self.calls = metrics, 0

    def horizontalAdvance(self, text: str) -> int:  # noqa: N802 - QFontMetrics API
        self.calls += 1
        return self.metrics.horizontalAdvance(text)


def test_text_widths_are_measured_once_per_font_and_text(qtbot, monkeypatch):
    monkeypatch.setattr(_Value, "_widths", {})
    value = _Value("88:88")
    qtbot.addWidget(value)
    real = QFontMetrics(value.font())
    counting = value._metrics = _CountingMetrics(real)

    for _ in range(5):
        for text in ("1:05", "1:06", "12%"):
            value.setText(text)
            assert value.text_width(text) == real.horizontalAdvance(text)

    assert counting.calls == 3  # three texts, one font


def test_the_width_cache_stays_bounded(qtbot, monkeypatch):
    monkeypatch.setattr(_Value, "_widths", {})
    monkeypatch.setattr(_Value, "WIDTH_CACHE_MAX", 50)
    value = _Value("88:88")
    qtbot.addWidget(value)
    real = QFontMetrics(value.font())

    for n in range(500):
        value.setText(str(n))
        assert len(_Value._widths) <= 50
    assert value.text_width("499") == real.horizontalAdvance("499")
