"""The queue wall fits the window from 1280x720 to 3840x2160, in English and Chinese.

Screenshot tests: the floor window at both sizes and in both languages, checked with
font metrics (every tile text fits its label, every tile is as tall as its content
and shown whole, the wall never scrolls sideways) and saved as PNG under the test's
tmp dir. Metrics come from whatever fonts are installed: no CJK font is needed, and
no pixel colour of a glyph is looked at.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel

from monitor import events as ev
from ui.floor_window import FloorWindow
from ui.i18n import install_translator
from ui.panels import wall_layout
from ui.panels.queue_wall import QueueWall

SIZES = [(1280, 720), (3840, 2160)]
LANGS = ["en", "zh_CN"]


# ------------------------------------------------------------------ the planner
def _needs(*tiles, header=20.0):
    return [wall_layout.GroupNeeds(n, lambda scale, width: header * scale) for n in tiles]


METRICS = wall_layout.TileMetrics(tile_w=220, tile_h=130, gap=8, inset=4, scrollbar=15)


def test_columns_follow_the_width():
    narrow = wall_layout.plan(800, 2000, _needs(12), METRICS, 8)
    wide = wall_layout.plan(3000, 2000, _needs(12), METRICS, 8)

    assert narrow.groups[0].columns < wide.groups[0].columns
    for result, width in ((narrow, 800), (wide, 3000)):
        columns = result.groups[0].columns
        tile_w = METRICS.tile_w * result.scale
        gaps = (columns - 1) * round(METRICS.gap * result.scale)
        assert columns * tile_w + gaps <= width - 2 * round(METRICS.inset * result.scale)


def test_the_scale_grows_with_the_wall_and_stays_in_bounds():
    small = wall_layout.plan(1280, 140, _needs(3, 2), METRICS, 8)
    large = wall_layout.plan(3840, 500, _needs(3, 2), METRICS, 8)
    huge = wall_layout.plan(30000, 20000, _needs(3, 2), METRICS, 8)

    assert small.scale < 1.0 < large.scale <= wall_layout.MAX_SCALE
    assert huge.scale == wall_layout.MAX_SCALE
    assert large.fits and huge.fits


def test_no_scale_fits_gives_the_smallest_and_a_scroll_bar():
    crowded = wall_layout.plan(1280, 160, _needs(40, 40), METRICS, 8)

    assert crowded.scale == wall_layout.MIN_SCALE and not crowded.fits
    group = crowded.groups[0]
    # The scroll bar's width is taken from the tiles: still no tile is cut.
    room = group.width - 2 * round(METRICS.inset * crowded.scale) - METRICS.scrollbar
    gap = round(METRICS.gap * crowded.scale)
    assert group.columns * METRICS.tile_w * crowded.scale + (group.columns - 1) * gap <= room


def test_never_more_columns_than_tiles_and_width_shared_by_tiles():
    result = wall_layout.plan(3840, 600, _needs(3, 2), METRICS, 8)

    assert [g.columns for g in result.groups] == [3, 2]
    assert sum(g.width for g in result.groups) == 3840 - 8
    assert result.groups[0].width > result.groups[1].width  # three tiles, two tiles
    assert wall_layout.split_width(1000, [20, 0], 300) == [700, 300]  # one tile's room


# ------------------------------------------------------------------ the window
@pytest.fixture(params=LANGS)
def lang(request):
    app = QCoreApplication.instance()
    translator = install_translator(app, request.param)
    yield request.param
    if translator is not None:
        app.removeTranslator(translator)


def _demo_like(floor):
    """The worked example with the demo's five queues: a third hotline queue, eight
    chats waiting, estimates over a minute (every tile shows "offer callback")."""
    floor.apply(
        ev.QueueDefined(floor.now, "complaints", "Complaints", "hotline", 30.0, name_zh="投诉")
    )
    for n in range(8):
        floor.apply(ev.ContactOffered(floor.now, f"w{n}", "wechat"))
    floor.apply(ev.ContactOffered(floor.now, "long", "vip"))
    floor.apply(ev.Heartbeat(floor.now + 40))
    floor.take_changes()
    return floor


def _window(qtbot, floor, lang, size):
    window = FloorWindow(floor, lang=lang)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    return window


def _clipped(label: QLabel) -> str | None:
    """Why a label's text does not fit its box, by its font's metrics; None if it fits."""
    metrics = label.fontMetrics()
    box = label.contentsRect()
    if label.wordWrap():
        need = metrics.boundingRect(
            QRect(0, 0, box.width(), 100_000), int(Qt.TextFlag.TextWordWrap), label.text()
        )
        if need.height() > box.height():
            return f"{label.text()!r} needs {need.height()} px height, has {box.height()}"
        return None
    if metrics.horizontalAdvance(label.text()) > box.width():
        return (
            f"{label.text()!r} needs {metrics.horizontalAdvance(label.text())} px, "
            f"has {box.width()}"
        )
    if metrics.height() > box.height():
        return f"{label.text()!r} needs {metrics.height()} px height, has {box.height()}"
    return None


def _check_wall(wall: QueueWall) -> list[str]:
    problems = []
    for key, group in wall.groups.items():
        viewport = group.scroll.viewport()
        if group.scroll.horizontalScrollBar().isVisible():
            problems.append(f"{key}: horizontal scroll bar")
        if group.tile_area.width() > viewport.width():
            problems.append(
                f"{key}: tiles {group.tile_area.width()} px wide in a {viewport.width()} px view"
            )
        for label in (group.title_label, group.header):
            if (why := _clipped(label)) is not None:
                problems.append(f"{key} header: {why}")
    for queue_id, tile in wall.tiles.items():
        if tile.height() < tile.sizeHint().height():
            problems.append(
                f"{queue_id}: {tile.height()} px tall, content needs {tile.sizeHint().height()}"
            )
        if tile.width() < tile.minimumSizeHint().width():
            problems.append(
                f"{queue_id}: {tile.width()} px wide, content needs "
                f"{tile.minimumSizeHint().width()}"
            )
        viewport = tile.parentWidget().parentWidget()  # tile area, in the scroll viewport
        shown = QRect(tile.mapTo(viewport, tile.rect().topLeft()), tile.size())
        if not viewport.rect().contains(shown):
            problems.append(f"{queue_id}: {shown} not whole in its view {viewport.rect()}")
        for label in tile.findChildren(QLabel):
            if not label.isVisibleTo(tile) or not label.text():
                continue
            if (why := _clipped(label)) is not None:
                problems.append(f"{queue_id}: {why}")
            inside = QRect(label.mapTo(tile, label.rect().topLeft()), label.size())
            if not tile.rect().contains(inside):
                problems.append(f"{queue_id}: {label.text()!r} outside its tile")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=["720p", "4k"])
def test_floor_window_wall_fits_without_clipping(qtbot, floor, lang, size, tmp_path):
    window = _window(qtbot, _demo_like(floor), lang, size)
    wall = window.queue_wall
    wall.set_stale_feeds({"": "unreachable"})  # the "Stale" word shows too
    QApplication.processEvents()

    shot = tmp_path / f"floor_{size[0]}x{size[1]}_{lang}.png"
    assert window.grab().save(str(shot)) and shot.stat().st_size > 0
    assert wall.tiles["wechat"].offer.isVisible()  # its widest caption is shown
    assert _check_wall(wall) == []
    # The wall has the room it needs: one row of tiles in both channels, no more.
    assert wall.height() >= wall.minimumSizeHint().height()


@pytest.mark.parametrize("lang_code", LANGS)
def test_fonts_scale_and_tiles_fill_the_width_at_4k(qtbot, lang_code):
    from tests.floors import build_floor

    app = QCoreApplication.instance()
    translator = install_translator(app, lang_code)
    try:
        small = _window(qtbot, _demo_like(build_floor()), lang_code, (1280, 720))
        large = _window(qtbot, _demo_like(build_floor()), lang_code, (3840, 2160))
    finally:
        if translator is not None:
            app.removeTranslator(translator)

    small_wall, large_wall = small.queue_wall, large.queue_wall
    assert large_wall.scale >= 2 * small_wall.scale
    value = large_wall.tiles["general"].fields["waiting"].value
    assert (
        value.font().pointSizeF()
        >= 2 * small_wall.tiles["general"].fields["waiting"].value.font().pointSizeF()
    )
    # Today's main left two thirds of a 4K wall empty: now the tiles span it.
    for wall, (width, _height) in ((small_wall, (1280, 720)), (large_wall, (3840, 2160))):
        spans = sum(tile.width() for tile in wall.tiles.values())
        assert spans >= 0.85 * width
        tops = {tile.mapTo(wall, tile.rect().topLeft()).y() for tile in wall.tiles.values()}
        assert len({top for top in tops}) <= 2  # one row per channel (headers may differ)


def test_many_queues_reflow_into_columns_and_scroll_only_down(qtbot, floor):
    for n in range(24):
        floor.apply(ev.QueueDefined(floor.now, f"h{n:02d}", f"Hotline queue {n}", "hotline", 20.0))
        floor.apply(ev.QueueDefined(floor.now, f"o{n:02d}", f"Chat queue {n}", "online", 60.0))
    floor.take_changes()
    window = _window(qtbot, floor, "en", (1280, 720))
    wall = window.queue_wall

    assert wall.scale == wall_layout.MIN_SCALE  # 52 tiles cannot all show: smallest font
    for group in wall.groups.values():
        assert group.columns >= 2
        assert group.scroll.verticalScrollBar().isVisible()
    problems = [p for p in _check_wall(wall) if "not whole in its view" not in p]
    assert problems == []

    window.resize(3840, 2160)
    QApplication.processEvents()
    assert all(group.columns >= 5 for group in wall.groups.values())
    assert [p for p in _check_wall(wall) if "not whole in its view" not in p] == []


def test_a_wrapped_channel_summary_does_not_set_its_tiles_lower(qtbot, floor):
    """One channel's summary on two lines, the other's on one: the tiles still line up."""
    window = _window(qtbot, _demo_like(floor), "en", (1400, 900))
    wall = window.queue_wall
    groups = list(wall.groups.values())
    groups[0].header.setText("short")
    groups[1].header.setText(" · ".join(["a long channel summary"] * 12))
    wall._fit()  # noqa: SLF001 - what a resize or a new figure triggers
    QApplication.processEvents()
    tops = {
        key: min(t.mapTo(wall, t.rect().topLeft()).y() for t in wall._tiles_of(key))  # noqa: SLF001
        for key in wall.groups
    }
    assert len(set(tops.values())) == 1, tops
    assert _check_wall(wall) == []
