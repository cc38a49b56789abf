"""Queue wall: a header per channel and one tile per queue, grouped Hotline | Online.

A tick reads only the queues and channels the floor says changed, and of those
only the tiles on screen: a tile scrolled out of view is held back (pending) and
reads the floor when it comes into view or is read; a structure change adds or
removes single tiles; a tile sets only labels whose text moved.

The wall fits itself to its size (`wall_layout.py`): one font scale for every
tile and header, the largest at which all tiles show whole without scrolling,
and as many columns per channel as fit, so nothing is cut and nothing scrolls
sideways. A feed gone stale greys the figures it feeds; a click on a tile
selects its queue (`sig_queue_clicked`); the window read (rolling minutes, this
half hour, today) is `set_window`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial

from PySide6.QtCore import QEvent, QMimeData, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QFontMetrics,
    QKeyEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from monitor.alert_book import Alert
from monitor.alert_rules import Severity
from monitor.events import Channel
from monitor.floor import Changes, Floor
from monitor.scope_views import ScopeHeaders
from monitor.views import ChannelView, Window
from ui import fmt
from ui.panels import backlog_bot_text, quality_text, wall_layout, work_text
from ui.panels.agent_model import AGENT_IDS_MIME
from ui.panels.alert_look import message_of
from ui.panels.queue_tile import (
    STALE_VALUE,
    TILE_COLOURS,
    QueueTile,
    WallFonts,
    display_name,
    model_text,
    stale_text,
    state_text,
    wall_fonts,
    window_text,
)

__all__ = [
    "TILE_COLOURS",
    "QueueTile",
    "QueueWall",
    "agent_ids_from",
    "display_name",
    "model_text",
    "state_text",
    "window_text",
]

TILE_COLUMNS = 3  # columns until the wall is first shown and fitted to its size
BETWEEN = 8  # pixels between the two channels (does not scale)
_INSET = 4  # a channel's side margin at scale 1
_GAP = 8  # between tiles at scale 1
# Room left in a channel header for its numbers to grow a digit or two before it
# would wrap onto a line the fit did not count.
_HEADER_ROOM = " 8888"
# The wall asks for at least one row of tiles at this scale (the window's own font
# size): a splitter may squeeze it no further, and smaller fonts are for width.
_ROW_SCALE = 1.0
# Events on a tile area (it moves when its group scrolls) or on its viewport after
# which held-back tiles may be in view. A tile moved into view by a relayout alone is
# caught up when it is first painted (QueueTile.paintEvent).
_MAY_BRING_INTO_VIEW = frozenset({QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show})


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


class _ChannelGroup(QFrame):
    """The title, summary and tiles of one channel; agents dropped on it move to it."""

    sig_agents_dropped = Signal(list)  # agent ids

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.title_label = QLabel(title, self)
        self.stale_mark = QLabel(stale_text(), self)
        self.stale_mark.hide()
        self.header = QLabel(self)
        self.header.setWordWrap(True)
        # What the summary's second line means (a stale feed's reason goes first).
        self._definitions = quality_text.header_tooltip() + "\n" + work_text.definitions()
        self._definitions += "\n" + backlog_bot_text.definitions()
        self.header.setToolTip(self._definitions)
        self._text_colour = self.header.palette().color(QPalette.ColorRole.WindowText)
        self._top = QHBoxLayout()
        self._top.addWidget(self.title_label, 0, Qt.AlignmentFlag.AlignTop)
        self._top.addWidget(self.stale_mark, 0, Qt.AlignmentFlag.AlignTop)
        self._top.addWidget(self.header, 1)
        self.tile_area = QWidget()
        self.grid = QGridLayout(self.tile_area)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.columns = TILE_COLUMNS
        for column in range(TILE_COLUMNS):
            self.grid.setColumnStretch(column, 1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.tile_area)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(self._top)
        self._layout.addWidget(self.scroll, 1)
        self._stale: str | None = None

    def title(self) -> str:
        return self.title_label.text()

    def set_scale(self, fonts: WallFonts) -> None:
        scale = fonts.scale
        inset = round(_INSET * scale)
        self._layout.setContentsMargins(inset, round(2 * scale), inset, 0)
        self._layout.setSpacing(round(4 * scale))
        self._top.setSpacing(round(8 * scale))
        self.grid.setSpacing(round(_GAP * scale))
        self.title_label.setFont(fonts.group)
        self.stale_mark.setFont(fonts.badge)
        self.header.setFont(fonts.header)

    def header_height(self, fonts: WallFonts, width: int) -> int:
        """Height above the tiles at these fonts and this group width: margins, the
        title row (the summary wrapped as its label will wrap it) and the gap."""
        scale = fonts.scale
        inset = round(_INSET * scale)
        spacing = round(8 * scale)
        title = QFontMetrics(fonts.group)
        room = width - 2 * inset - title.horizontalAdvance(self.title_label.text()) - spacing
        if self._stale is not None:
            room -= QFontMetrics(fonts.badge).horizontalAdvance(self.stale_mark.text()) + spacing
        header = QFontMetrics(fonts.header).boundingRect(
            QRect(0, 0, max(1, room), 1_000_000),
            int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap),
            self.header.text() + _HEADER_ROOM,
        )
        row = max(title.height(), header.height())
        return round(2 * scale) + row + round(4 * scale)

    def set_stale(self, tip: str | None) -> None:
        """Grey the summary and say "Stale" (why, in `tip`), or back to normal."""
        if tip == self._stale:
            return
        self._stale = tip
        self.stale_mark.setVisible(tip is not None)
        self.stale_mark.setToolTip(tip or "")
        self.header.setToolTip(f"{tip}\n\n{self._definitions}" if tip else self._definitions)
        palette = self.header.palette()
        palette.setColor(
            QPalette.ColorRole.WindowText, STALE_VALUE if tip is not None else self._text_colour
        )
        self.header.setPalette(palette)
        self.stale_mark.setPalette(palette)

    @property
    def stale(self) -> str | None:
        return self._stale

    def place(self, tiles: list[QueueTile], start: int = 0) -> None:
        """Put `tiles[start:]` in their grid cells, in order, `columns` to a row."""
        for n in range(start, len(tiles)):
            tile = tiles[n]
            self.grid.removeWidget(tile)
            self.grid.addWidget(tile, n // self.columns, n % self.columns)

    def set_columns(self, columns: int, tiles: list[QueueTile]) -> None:
        if columns == self.columns:
            return
        for column in range(max(columns, self.columns)):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        self.columns = columns
        self.place(tiles)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasFormat(AGENT_IDS_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        ids = agent_ids_from(event.mimeData())
        if ids:
            event.acceptProposedAction()
            self.sig_agents_dropped.emit(ids)


def agent_ids_from(mime: QMimeData) -> list[str]:
    raw = bytes(mime.data(AGENT_IDS_MIME).data()).decode(errors="replace")
    return [line for line in raw.splitlines() if line]


class QueueWall(QWidget):
    """Hotline and Online side by side: channel headers over tiles, one per queue.

    A tick costs what changed and is on screen: only the tiles of `changes.queues`
    in view and the headers of `changes.channels` are read (`pending` names the
    tiles held back); a structure change adds and removes single tiles.
    Tiles keep their order of first appearance within their channel.
    """

    sig_agents_dropped = Signal(str, list)  # channel, agent ids dropped on its group
    sig_queue_clicked = Signal(str)  # queue id selected by a click; "" when cleared

    def __init__(self, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.tiles: dict[str, QueueTile] = {}
        self._floor: Floor | None = None
        self._window: Window | None = None  # None: the floor's own window
        self._stale: dict[str, str] = {}  # feed -> why its figures are stale
        self._selected = ""
        self._channel_of: dict[str, str] = {}  # queue id -> group key of its tile
        self._pending: set[str] = set()  # queues whose tiles are held back out of view
        self._pulsing: set[str] = set()  # queues whose tiles pulse (critical, unacknowledged)
        self._pulse_on = False
        # A scope (monitor/scope.py): only its queues get tiles; headers sum them.
        self._scope_queues: frozenset[str] | None = None
        self._scope_headers: ScopeHeaders | None = None
        self._base_font = self.font()
        self._fonts = wall_fonts(self._base_font, 1.0)
        self._fitting = False
        self._tile_h = 0  # every tile's height: the tallest tile's (see _even_heights)
        self._min_hint = QSize(0, 0)
        # (tiles, width, header height) it was made for
        self._min_hint_for: tuple[int, int, int] = (-1, -1, -1)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Esc clears the selection
        self.groups: dict[str, _ChannelGroup] = {
            Channel.HOTLINE.value: _ChannelGroup(self.tr("Hotline"), self),
            Channel.ONLINE.value: _ChannelGroup(self.tr("Online"), self),
        }
        self._order: dict[str, list[str]] = {key: [] for key in self.groups}  # grid order
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(BETWEEN)
        for channel, group in self.groups.items():
            self._layout.addWidget(group, 1)
            group.set_scale(self._fonts)
            group.tile_area.installEventFilter(self)
            group.scroll.viewport().installEventFilter(self)
            group.sig_agents_dropped.connect(
                lambda ids, channel=channel: self.sig_agents_dropped.emit(channel, ids)
            )
        self._update_min_hint()

    # ------------------------------------------------------------ per tick
    def update_floor(self, floor: Floor, changes: Changes) -> None:
        """Reflect one tick: read the views of changed queues and channels, nothing else.

        A new floor object is shown whole; a structure change adds tiles for new
        queues and removes those of gone ones, leaving every other tile in place.
        """
        whole = floor is not self._floor
        self._floor = floor
        window, lang, stale = self._window, self.lang, self._stale
        if whole:
            headers = set(self.groups)
        else:
            headers = {self._group_key(channel) for channel in changes.channels}
        moved = False  # tiles came or went: fit the wall again
        shown = self._shown_rects()
        group_keys: dict[str, str] = {}  # channel -> group key, for this tick
        if whole or changes.structure:
            queues = set(floor.queues) if whole else set(changes.queues)
            added, moved = self._add_and_remove(floor, headers)
            queues |= added
        else:
            queues = changes.queues
        stale_moved = moved
        for queue_id in queues:
            queue = floor.queues.get(queue_id)
            if queue is None or not self._in_scope(queue_id):
                continue  # gone between the change and this tick; removed on structure
            group = group_keys.get(queue.channel)
            if group is None:
                group = group_keys[queue.channel] = self._group_key(queue.channel)
            if self._channel_of.get(queue_id) != group:
                # New without a structure flag, or redefined on the other channel.
                if queue_id in self.tiles:
                    headers.add(self._channel_of[queue_id])
                    self._remove_tiles([queue_id])
                self._add_tile(queue_id, group)
                headers.add(group)
                moved = True
            tile = self.tiles[queue_id]
            rect = shown.get(group)
            if rect is not None and not rect.intersects(tile.geometry()) and tile.isVisible():
                # Scrolled out of view: read when it comes back (`_catch_up_shown`),
                # or when something reads the tile.
                if not tile.pending:
                    tile.mark_pending(partial(self._refresh_tile, queue_id))
                    self._pending.add(queue_id)
            else:
                tile.update_view(
                    floor.queue_view(queue_id, window), lang, floor.thresholds_for(queue_id)
                )
            if stale or tile.stale is not None:  # its feed may have gone or come back
                reason = stale.get(queue.feed)
                if reason != tile.stale:
                    tile.set_stale(reason, queue.feed)
                    stale_moved = True
        for key in headers:
            _set_text(self.groups[key].header, self._header_text(self._channel_view(key, window)))
        if stale_moved:
            self._show_stale_headers()
        if moved:
            if self._selected and self._selected not in self.tiles:
                self.select_queue("")  # its queue is gone
            self._fit()  # and catches up held-back tiles the new places bring into view

    def header_text(self, channel: str) -> str:
        """The summary line shown above a channel's tiles."""
        return self.groups[self._group_key(channel)].header.text()

    @property
    def pending(self) -> frozenset[str]:
        """Queues whose tiles are out of view with figures not yet shown."""
        return frozenset(q for q in self._pending if q in self.tiles and self.tiles[q].pending)

    def _shown_rects(self) -> dict[str, QRect]:
        """Per channel, the part of its tile area on screen (in tile-area coordinates);
        no entry while the wall is hidden (then every tile is kept current)."""
        if not self.isVisible():
            return {}
        rects = {}
        for key, group in self.groups.items():
            viewport = group.scroll.viewport()
            area = group.tile_area
            rects[key] = QRect(-area.x(), -area.y(), viewport.width(), viewport.height())
        return rects

    def _refresh_tile(self, queue_id: str) -> None:
        """Read one queue's view into its tile (a tile held back while out of view)."""
        self._pending.discard(queue_id)
        floor, tile = self._floor, self.tiles.get(queue_id)
        if floor is None or tile is None or queue_id not in floor.queues:
            return
        tile.update_view(
            floor.queue_view(queue_id, self._window), self.lang, floor.thresholds_for(queue_id)
        )

    def _catch_up_shown(self) -> None:
        """Show the current figures on held-back tiles that are now in view."""
        if not self._pending:
            return
        shown = self._shown_rects()
        for queue_id in list(self._pending):
            tile = self.tiles.get(queue_id)
            if tile is None or not tile.pending:
                self._pending.discard(queue_id)
                continue
            rect = shown.get(self._channel_of[queue_id])
            if rect is None or rect.intersects(tile.geometry()):
                tile.catch_up()

    # ------------------------------------------------------------ alerts
    def show_alerts(self, alert_of: Callable[[str], Alert | None],
                    queue_ids: Iterable[str]) -> None:
        """Colour these queues' tiles by `alert_of(queue_id)` (the queue's worst
        unsnoozed alert, or None); the others keep theirs."""
        chinese = self.lang.lower().startswith("zh")
        pulsing, tiles = self._pulsing, self.tiles
        for queue_id in queue_ids:
            tile = tiles.get(queue_id)
            if tile is None:
                continue
            alert = alert_of(queue_id)
            if alert is None:
                tile.set_alert(None)
                pulsing.discard(queue_id)
                continue
            pulses = alert.severity == Severity.CRITICAL and not alert.acknowledged
            tile.set_alert(alert.severity, pulses, message_of(alert, chinese))
            if pulses:
                pulsing.add(queue_id)
                tile.set_pulse(self._pulse_on)
            else:
                pulsing.discard(queue_id)

    def pulse(self, on: bool) -> None:
        """One half of the pulse of tiles with a critical unacknowledged alert: the tick
        calls it with the phase of the clock, and only those tiles repaint, on a flip."""
        if on == self._pulse_on:
            return
        self._pulse_on = on
        for queue_id in list(self._pulsing):
            tile = self.tiles.get(queue_id)
            if tile is None:
                self._pulsing.discard(queue_id)
            else:
                tile.set_pulse(on)

    @property
    def pulsing(self) -> frozenset[str]:
        """Queues whose tiles pulse now."""
        return frozenset(self._pulsing)

    # ------------------------------------------------------------ window, stale, selection
    @property
    def window(self) -> Window | None:
        """The window tiles read (None until set: the floor's own rolling window)."""
        return self._window

    def set_window(self, window: Window) -> None:
        """Read every tile and header over `window` (rolling minutes, WINDOW_INTERVAL
        or WINDOW_TODAY): all of them once now, then what changed on each tick."""
        if window == self._window:
            return
        self._window = window
        if self._floor is not None:
            self._show_all(self._floor)

    def set_stale_feeds(self, stale: Mapping[str, str]) -> None:
        """Grey the tiles and headers fed by these feeds (feed -> why, translated).

        Called every tick: it costs nothing unless the set or a reason changed, and
        then re-styles only the tiles of the feeds that changed.
        """
        if stale == self._stale:
            return
        old, self._stale = self._stale, dict(stale)
        changed = {
            feed
            for feed in old.keys() | self._stale.keys()
            if old.get(feed) != self._stale.get(feed)
        }
        floor = self._floor
        if floor is None:
            return
        for queue_id, tile in self.tiles.items():
            queue = floor.queues.get(queue_id)
            if queue is not None and queue.feed in changed:
                tile.set_stale(self._stale.get(queue.feed), queue.feed)
        self._show_stale_headers()

    @property
    def selected_queue(self) -> str:
        """The queue whose tile is selected ("" for none)."""
        return self._selected

    def select_queue(self, queue_id: str) -> None:
        """Select a queue's tile ("" clears) and say so with `sig_queue_clicked`."""
        if queue_id not in self.tiles:
            queue_id = ""
        if queue_id == self._selected:
            return
        old = self.tiles.get(self._selected)
        if old is not None:
            old.set_selected(False)
        self._selected = queue_id
        if queue_id:
            self.tiles[queue_id].set_selected(True)
        self.sig_queue_clicked.emit(queue_id)

    def _on_tile_clicked(self, queue_id: str) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)  # so that Esc reaches the wall
        self.select_queue("" if queue_id == self._selected else queue_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape and self._selected:
            self.select_queue("")
            event.accept()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ size
    @property
    def scale(self) -> float:
        """The font scale every tile and header shows at."""
        return self._fonts.scale

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """One row of tiles at the smallest scale under each header: a splitter never
        squeezes the wall into a strip that shows no tile whole."""
        return self._min_hint

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self._min_hint.expandedTo(QSize(800, 0))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()
        self._catch_up_shown()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fit()  # a size set before the first show arrives while still hidden
        self._catch_up_shown()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # The tile area scrolled, or it or its viewport changed size or showed: tiles
        # held back out of view may be in view now.
        # (While fitting, the tile area moves and resizes many times; `_fit` catches
        # up once at its end.)
        if self._pending and not self._fitting and event.type() in _MAY_BRING_INTO_VIEW:
            self._catch_up_shown()
        # A tile grew wider than its column (a figure widened): fit the wall again
        # rather than cut the tile at the edge.
        if event.type() == QEvent.Type.LayoutRequest and not self._fitting:
            for group in self.groups.values():
                if (
                    watched is group.tile_area
                    and group.isVisible()
                    and group.tile_area.minimumSizeHint().width() > group.scroll.viewport().width()
                ):
                    self._fit()
                    break
        return super().eventFilter(watched, event)

    def _fit(self) -> None:
        """Choose the scale and columns for the current size (see wall_layout.py).

        The plan works from tile sizes measured at the current scale; once applied,
        the layout is settled and measured and, should the tiles or headers need
        more room than planned, the next smaller scale is tried.
        """
        if self._fitting or not self.isVisible() or self.width() <= 0 or self.height() <= 0:
            return
        self._fitting = True
        try:
            self._settle()
            counts = [len(self._order[key]) for key in self.groups]
            needs = [
                wall_layout.GroupNeeds(n, self._header_h(key))
                for n, key in zip(counts, self.groups, strict=True)
            ]
            upto = wall_layout.MAX_SCALE if self.tiles else 1.0
            for _attempt in range(6):
                planned = wall_layout.plan(
                    self.width(), self.height(), needs, self._metrics(), BETWEEN, upto
                )
                self._apply(planned)
                self._settle()
                self._even_headers()  # measured with the summaries as tall as they will be
                measured = [
                    wall_layout.GroupNeeds(n, self._measured_header_h(key))
                    for n, key in zip(counts, self.groups, strict=True)
                ]
                exact = wall_layout.plan_at(
                    planned.scale, self.width(), self.height(), measured, self._metrics(), BETWEEN
                )
                self._apply(exact)  # the columns the measured tiles allow
                self._settle()
                self._even_headers()
                if exact.fits or not planned.fits or planned.scale <= wall_layout.MIN_SCALE:
                    break
                upto = planned.scale - wall_layout.SCALE_STEP  # needed more than planned
            self._even_heights()
            self._settle()
            self._update_min_hint()
        finally:
            self._fitting = False
        self._catch_up_shown()  # new columns or scale move tiles

    def _even_heights(self) -> None:
        """Every tile as tall as the tallest (a Chinese name can make a line taller),
        so a row's tiles line up."""
        tallest = max((t.sizeHint().height() for t in self.tiles.values()), default=0)
        self._tile_h = tallest
        for tile in self.tiles.values():
            if tile.minimumHeight() != tallest:
                tile.setMinimumHeight(tallest)

    def _even_headers(self) -> None:
        """Summaries as tall as the tallest: one channel's summary wrapping onto a second
        line must not set its tiles lower than the other channel's."""
        headers = [g.header for g in self.groups.values()]
        for header in headers:
            header.setMinimumHeight(0)
        self._settle()
        line = max((h.heightForWidth(h.width()) for h in headers), default=0)
        for header in headers:
            header.setMinimumHeight(line)

    def _settle(self) -> None:
        """Lay the channels out now, so their sizes can be measured."""
        self._layout.activate()
        for group in self.groups.values():
            group.layout().activate()

    def _header_h(self, key: str):  # noqa: ANN202 - a closure for wall_layout
        """A channel's height above its tiles at (scale, width), from font metrics,
        corrected by what the laid-out header measures now (a fallback font, e.g.
        for Chinese, can make a line taller than the window font says)."""
        group, base = self.groups[key], self._base_font
        model = group.header_height(self._fonts, group.width())
        measured = group.height() - group.scroll.height()
        ratio = max(1.0, measured / model) if model > 0 and group.scroll.height() > 0 else 1.0
        return lambda scale, width: group.header_height(wall_fonts(base, scale), width) * ratio

    def _measured_header_h(self, key: str):  # noqa: ANN202 - a closure for wall_layout
        group, fonts = self.groups[key], self._fonts
        measured = group.height() - group.scroll.height()
        return lambda scale, width: max(measured, group.header_height(fonts, width))

    def _metrics(self) -> wall_layout.TileMetrics:
        """Tile sizes at the current scale, brought back to scale 1."""
        scale = self._fonts.scale
        width = max((t.minimumSizeHint().width() for t in self.tiles.values()), default=0)
        height = max((t.sizeHint().height() for t in self.tiles.values()), default=0)
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return wall_layout.TileMetrics(width / scale, height / scale, _GAP, _INSET, scrollbar)

    def _apply(self, planned: wall_layout.WallPlan) -> None:
        if planned.scale != self._fonts.scale:
            self._fonts = fonts = wall_fonts(self._base_font, planned.scale)
            for group in self.groups.values():
                group.set_scale(fonts)
            for tile in self.tiles.values():
                tile.set_scale(fonts)
        for n, (key, group_plan) in enumerate(zip(self.groups, planned.groups, strict=True)):
            if self._layout.stretch(n) != group_plan.width:
                self._layout.setStretch(n, max(1, group_plan.width))
            self.groups[key].set_columns(group_plan.columns, self._tiles_of(key))

    def _update_min_hint(self) -> None:
        """One row of tiles at the window's own font size (scale 1) under the
        headers; remade only when tiles came or went, the width moved or a summary
        wraps onto more or fewer lines (none of which the wall's height moves), so
        that the splitter's answer to it cannot loop back into a new hint."""
        fonts = wall_fonts(self._base_font, _ROW_SCALE)
        headers = max(
            group.header_height(fonts, max(1, group.width())) for group in self.groups.values()
        )
        key = (len(self.tiles), self.width(), headers)
        if key == self._min_hint_for:
            return
        self._min_hint_for = key
        metrics = self._metrics()
        height = headers + round(metrics.tile_h * _ROW_SCALE) + 2
        low = wall_layout.MIN_SCALE
        width = len(self.groups) * round(metrics.tile_w * low + 2 * _INSET * low) + BETWEEN
        hint = QSize(width, height)
        old = self._min_hint
        if abs(hint.width() - old.width()) > 2 or abs(hint.height() - old.height()) > 2:
            self._min_hint = hint
            self.updateGeometry()

    # ------------------------------------------------------------ tiles
    def _tiles_of(self, key: str) -> list[QueueTile]:
        return [self.tiles[queue_id] for queue_id in self._order[key]]

    def _show_all(self, floor: Floor) -> None:
        """Every tile and header read afresh (a new window)."""
        self.update_floor(floor, Changes(queues=set(self.tiles), channels=set(self.groups)))

    def _show_stale_headers(self) -> None:
        """A channel's summary is greyed while any of its queues' feeds is stale."""
        floor = self._floor
        for key, group in self.groups.items():
            feeds: dict[str, str] = {}
            for queue_id in self._order[key]:
                tile = self.tiles[queue_id]
                if tile.stale is not None and floor is not None and queue_id in floor.queues:
                    feeds.setdefault(floor.queues[queue_id].feed, tile.stale)
            tip = "\n".join(
                self.tr("Feed {feed} is stale: {reason}").format(feed=feed or "?", reason=reason)
                for feed, reason in sorted(feeds.items())
            )
            group.set_stale(tip or None)

    @staticmethod
    def _group_key(channel: str) -> str:
        # A queue of an unknown channel is shown with the hotline, as the floor does.
        return Channel.ONLINE.value if channel == Channel.ONLINE else Channel.HOTLINE.value

    def _add_and_remove(self, floor: Floor, headers: set[str]) -> tuple[set[str], bool]:
        """Remove tiles of gone queues, add tiles for new ones; return the new queue ids
        and whether any tile came or went.

        The channels whose tiles came or went join `headers`: their sums changed.
        """
        gone = [q for q in self.tiles if q not in floor.queues or not self._in_scope(q)]
        headers.update(self._channel_of[queue_id] for queue_id in gone)
        self._remove_tiles(gone)
        added = set()
        for queue_id, queue in floor.queues.items():
            if queue_id not in self.tiles and self._in_scope(queue_id):
                group = self._group_key(queue.channel)
                self._add_tile(queue_id, group)
                headers.add(group)
                added.add(queue_id)
        return added, bool(gone or added)

    def _add_tile(self, queue_id: str, key: str) -> None:
        group, order = self.groups[key], self._order[key]
        tile = QueueTile(queue_id, group.tile_area)
        tile.set_scale(self._fonts)
        tile.setMinimumHeight(self._tile_h)
        tile.sig_clicked.connect(self._on_tile_clicked)
        n = len(order)
        group.grid.addWidget(tile, n // group.columns, n % group.columns)
        order.append(queue_id)
        self.tiles[queue_id] = tile
        self._channel_of[queue_id] = key

    def _remove_tiles(self, queue_ids: list[str]) -> None:
        """Delete these tiles; the tiles after them move up, keeping their order."""
        first_gap: dict[str, int] = {}
        for queue_id in queue_ids:
            key = self._channel_of.pop(queue_id)
            tile = self.tiles.pop(queue_id)
            self._pending.discard(queue_id)
            order = self._order[key]
            index = order.index(queue_id)
            del order[index]
            first_gap[key] = min(index, first_gap.get(key, index))
            self.groups[key].grid.removeWidget(tile)
            tile.hide()
            tile.setParent(None)
            tile.deleteLater()
        for key, start in first_gap.items():
            self.groups[key].place(self._tiles_of(key), start)

    # ------------------------------------------------------------ scope
    def set_scope(self, queues: frozenset[str] | None, headers: ScopeHeaders | None) -> None:
        """Show only these queues' tiles, and headers over them (`headers`); None: all."""
        self._scope_queues, self._scope_headers = queues, headers
        floor = self._floor
        if floor is not None:  # tiles come and go as on a structure change
            self.update_floor(floor, Changes(queues=set(floor.queues), structure=True,
                                             channels=set(self.groups)))

    def _in_scope(self, queue_id: str) -> bool:
        return self._scope_queues is None or queue_id in self._scope_queues

    def _channel_view(self, key: str, window: Window | None) -> ChannelView:
        assert self._floor is not None
        if self._scope_headers is not None and self._scope_queues is not None:
            return self._scope_headers.channel_view(self._floor, key, window)
        return self._floor.channel_view(key, window)

    def _scope_load(self, view: ChannelView) -> str:
        """A scoped header's load: its agents now (the time-weighted figures are the
        whole channel's, so a scope does not show them)."""
        if view.chat_utilisation is not None:
            return self.tr(" · chat slots {util} used").format(
                util=fmt.percent(view.chat_utilisation))
        if view.occupancy is not None:
            return self.tr(" · occupancy {occ}").format(occ=fmt.percent(view.occupancy))
        return ""

    def _header_text(self, view: ChannelView) -> str:
        text = self.tr(
            "{waiting} waiting · longest {longest} · SL {sl} · {busy}/{staffed} busy · "
            "callbacks {backlog}"
        ).format(
            waiting=view.waiting,
            longest=fmt.mmss(view.longest_wait_s),
            sl=fmt.percent(view.service_level),
            busy=view.agents_busy,
            staffed=view.agents_staffed,
            backlog=view.backlog,
        )
        text += backlog_bot_text.backlog_items(view)  # oldest callback, worked
        # A second line: load and productivity time-weighted over the window
        # (monitor/productivity.py), then the bot stage. Three short lines, not one long
        # one: at 1280x720 one line ran past a narrow channel's edge.
        work = ""
        if self._scope_queues is not None:  # productivity is kept per channel, not per scope
            work = self._scope_load(view)
        elif self._floor is not None:
            work = work_text.header_item(
                self._floor.productivity.channel(self._floor, view.channel, self._window),
                view.channel == Channel.ONLINE)
        work += backlog_bot_text.bot_items(view)
        if work:
            text += "\n" + work.removeprefix(" · ")
        # Surveys and chat response times on a line of their own (wrapped between items).
        return text + "\n" + quality_text.header_line(
            view.nps, view.nps_responses, view.csat, view.csat_satisfied,
            view.first_response_s, view.response_s, view.channel == Channel.ONLINE)
