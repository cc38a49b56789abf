"""Queue wall: a header per channel and one tile per queue, grouped Hotline | Online.

A tick reads only the queues and channels the floor says changed; a structure
change adds or removes single tiles; a tile sets only labels whose text moved.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, QMimeData, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from monitor.erlang import MODEL_EMPIRICAL, MODEL_ERLANG_A, MODEL_ERLANG_C
from monitor.events import Channel
from monitor.floor import Changes, Floor
from monitor.metrics import SL_VARIANTS
from monitor.thresholds import TileState, tile_state
from monitor.views import WINDOW_INTERVAL, WINDOW_TODAY, ChannelView, QueueView
from ui import fmt
from ui.panels.agent_model import AGENT_IDS_MIME

TILE_COLUMNS = 3

# (background, border, badge text) per state; light, like the rest of the window.
TILE_COLOURS: dict[TileState, tuple[QColor, QColor, QColor]] = {
    TileState.OK: (QColor("#f4faf4"), QColor("#81c784"), QColor("#1b5e20")),
    TileState.WARNING: (QColor("#fff6dc"), QColor("#f0a500"), QColor("#7a4f00")),
    TileState.CRITICAL: (QColor("#fde4e4"), QColor("#d32f2f"), QColor("#b71c1c")),
}


def state_text(state: TileState) -> str:
    """The word that says what the tile colour says."""
    return {
        TileState.OK: QCoreApplication.translate("QueueWall", "OK"),
        TileState.WARNING: QCoreApplication.translate("QueueWall", "Warning"),
        TileState.CRITICAL: QCoreApplication.translate("QueueWall", "Critical"),
    }[state]


def display_name(view: QueueView, lang: str) -> str:
    """The queue's Chinese name in a Chinese UI (when it has one), else its name."""
    if lang.lower().startswith("zh") and view.name_zh:
        return view.name_zh
    return view.name


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


class _Value(QLabel):
    """A tile figure whose box only grows, so a new value repaints it without a relayout.

    A QLabel that may change size invalidates its tile's layout, and so the whole
    channel grid, on every setText; at 200 tiles and 10 ticks/s that relaid the wall
    every tick. This one has a fixed size fitted to `template` (a typical widest
    value) and widens, once, only when a longer text arrives.
    """

    # (font key, template) -> (width, height, padding) of the box: measured once, as
    # hundreds of tiles share a handful of fonts.
    _boxes: ClassVar[dict[tuple[str, str], tuple[int, int, int]]] = {}

    def __init__(self, template: str, parent: QWidget | None = None) -> None:
        super().__init__(fmt.DASH, parent)
        self._template = template
        self._metrics = QFontMetrics(self.font())
        self._pad = 0

    def fit(self) -> None:
        """Size the box for the template and the current text in the current font."""
        text = self.text()
        font = self.font()
        self._metrics = QFontMetrics(font)
        key = (font.key(), self._template)
        box = self._boxes.get(key)
        if box is None:
            super().setText(self._template)
            hint = self.sizeHint()
            super().setText(text)
            pad = max(0, hint.width() - self._metrics.horizontalAdvance(self._template))
            box = self._boxes[key] = (hint.width(), hint.height(), pad)
        width, height, self._pad = box
        self.setFixedSize(max(width, self._metrics.horizontalAdvance(text) + self._pad), height)

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel API
        width = self._metrics.horizontalAdvance(text) + self._pad
        if width > self.maximumWidth():
            self.setFixedWidth(width)
        super().setText(text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit()


class _Field(QWidget):
    """A small caption over a value; the value is what tests and readers look at."""

    def __init__(self, caption: str, big: bool, parent: QWidget | None = None,
                 template: str = "88:88") -> None:
        super().__init__(parent)
        self.caption = QLabel(caption, self)
        self.value = _Value(template, self)
        caption_font = QFont(self.caption.font())
        caption_font.setPointSizeF(caption_font.pointSizeF() * 0.85)
        self.caption.setFont(caption_font)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        value_font = QFont(self.value.font())
        value_font.setBold(True)
        if big:
            value_font.setPointSizeF(value_font.pointSizeF() * 1.6)
        self.value.setFont(value_font)  # fits the value's box (FontChange)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)


CALLBACK_OFFER_S = 60  # field practice for online; the same rule reads well for voice


def window_text(window: int | str) -> str:
    if window == WINDOW_TODAY:
        return QCoreApplication.translate("QueueWall", "today")
    if window == WINDOW_INTERVAL:
        return QCoreApplication.translate("QueueWall", "this half hour")
    return QCoreApplication.translate("QueueWall", "the last {n} min").format(n=window)


def model_text(model: str) -> str:
    names = {
        MODEL_ERLANG_A: QCoreApplication.translate("QueueWall", "Erlang A, with observed patience"),
        MODEL_ERLANG_C: QCoreApplication.translate("QueueWall", "Erlang C"),
        MODEL_EMPIRICAL: QCoreApplication.translate(
            "QueueWall", "queue position × recent time between answers"),
    }
    return names.get(model, QCoreApplication.translate("QueueWall", "not enough data"))


def _agents_text(counts: tuple[int, int]) -> str:
    return f"{counts[0]} / {counts[1]}"


# Tile value fields: (field, raw value read from a view, text of that value). The raw
# value is compared with the last view's first, so an unchanged figure costs no formatting.
_FIELD_TEXTS: tuple[tuple[str, Callable[[QueueView], Any], Callable[[Any], str]], ...] = (
    ("waiting", attrgetter("waiting"), str),
    ("longest_wait", attrgetter("longest_wait_s"), fmt.mmss),
    ("service_level", attrgetter("service_level"), fmt.percent),
    ("ewt", attrgetter("ewt_s"), fmt.mmss),
    ("asa", attrgetter("asa_s"), fmt.mmss),
    ("aht", attrgetter("aht_s"), fmt.mmss),
    ("abandon_rate", attrgetter("abandon_rate"), fmt.percent),
    ("agents", attrgetter("agents_available", "agents_busy"), _agents_text),
    ("backlog", attrgetter("backlog"), str),
)
_SL_TIP_INPUTS = attrgetter("sl_target_s", "window", "sl_variant", "answered", "offered")
_AGENT_TIP_INPUTS = attrgetter("agents_available", "agents_busy", "agents_staffed")


class QueueTile(QFrame):
    """One queue: waiting, longest wait, SL, ASA, abandons, agents, callbacks."""

    def __init__(self, queue_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue_id = queue_id
        self.setObjectName(f"tile-{queue_id}")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._state = TileState.OK
        self._view: QueueView | None = None  # the view shown last
        self._badge_state: TileState | None = None  # the state the badge shows
        self._lang = ""
        self._offer = False  # the EWT caption says "offer callback"

        self.title = QLabel(self)
        title_font = QFont(self.title.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title.setFont(title_font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.badge = QLabel(self)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        badge_font = QFont(self.badge.font())
        badge_font.setBold(True)
        self.badge.setFont(badge_font)

        self.fields: dict[str, _Field] = {
            "waiting": _Field(self.tr("Waiting"), True, self),
            "longest_wait": _Field(self.tr("Longest"), True, self),
            "service_level": _Field(self.tr("SL"), True, self),
            "ewt": _Field(self.tr("EWT"), False, self),
            "asa": _Field(self.tr("ASA"), False, self),
            "aht": _Field(self.tr("AHT"), False, self),
            "abandon_rate": _Field(self.tr("Abandoned"), False, self),
            "agents": _Field(self.tr("Avail / busy"), False, self, "88 / 88"),
            "backlog": _Field(self.tr("Callbacks"), False, self),
        }
        self.fields["asa"].setToolTip(
            self.tr("Average speed of answer: mean wait of answered contacts"))
        self.fields["aht"].setToolTip(
            self.tr("Average handle time: talk or chat + wrap-up of completed contacts"))
        self.fields["abandon_rate"].setToolTip(
            self.tr("Abandoned after the short-abandon threshold, of contacts with an outcome")
        )
        self.fields["backlog"].setToolTip(self.tr("Callbacks and appointments waiting"))
        self._texts = {name: field.value.text() for name, field in self.fields.items()}

        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.badge)
        big = QHBoxLayout()
        for name in ("waiting", "longest_wait", "service_level"):
            big.addWidget(self.fields[name], 1)
        # Two rows of three keep a tile narrow enough for three across a half screen.
        small = QGridLayout()
        small.setHorizontalSpacing(8)
        small.setVerticalSpacing(2)
        for n, name in enumerate(("ewt", "asa", "aht", "abandon_rate", "agents", "backlog")):
            small.addWidget(self.fields[name], n // 3, n % 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(big)
        layout.addLayout(small)
        self._set_state(TileState.OK)

    @property
    def state(self) -> TileState:
        """The urgency the tile currently shows (its colour and badge word)."""
        return self._state

    def update_view(self, view: QueueView, lang: str = "en") -> None:
        """Show one queue view; labels whose text did not change are left alone.

        Compares with the view shown last, so a tile whose figures did not move
        formats nothing and touches no widget.
        """
        last, self._view = self._view, view
        if view == last and lang == self._lang:
            return  # the floor hands back the same figures: nothing to do
        if last is None or lang != self._lang or (view.name, view.name_zh, view.id) != (
                last.name, last.name_zh, last.id):
            self._lang = lang
            name = display_name(view, lang)
            _set_text(self.title, name)
            other = view.name if name != view.name else view.name_zh
            tip = (f"{name} · {other} ({view.id})" if other and other != name
                   else f"{name} ({view.id})")
            if self.title.toolTip() != tip:
                self.title.setToolTip(tip)
            last = None  # a new name or language: everything below is shown afresh
        shown = self._texts
        for field_name, raw, text in _FIELD_TEXTS:
            value = raw(view)
            if last is None or value != raw(last):
                new = text(value)
                if shown[field_name] != new:  # e.g. longest wait moved, but not a second
                    shown[field_name] = new
                    self.fields[field_name].value.setText(new)
        if last is None or _SL_TIP_INPUTS(view) != _SL_TIP_INPUTS(last):
            self._show_sl_target(view)
        ewt_model_changed = last is None or view.ewt_model != last.ewt_model
        if ewt_model_changed:
            self.fields["ewt"].setToolTip(self.tr(
                "Estimated wait for a contact arriving now ({model}); "
                "offer a callback or appointment above {threshold} s"
            ).format(model=model_text(view.ewt_model), threshold=CALLBACK_OFFER_S))
        offer = view.ewt_s is not None and view.ewt_s > CALLBACK_OFFER_S
        if ewt_model_changed or offer != self._offer:
            self._offer = offer
            _set_text(self.fields["ewt"].caption,
                      self.tr("EWT · offer callback") if offer else self.tr("EWT"))
        if last is None or _AGENT_TIP_INPUTS(view) != _AGENT_TIP_INPUTS(last):
            self.fields["agents"].setToolTip(self.tr(
                "Available {available} · busy {busy} · staffed {staffed}"
            ).format(available=view.agents_available, busy=view.agents_busy,
                     staffed=view.agents_staffed))
        self._set_state(tile_state(view))

    def _show_sl_target(self, view: QueueView) -> None:
        sl_tip = self.tr(
            "Service level over {window}: {definition}, T = {target} s "
            "({answered} answered, {offered} offered)"
        ).format(
            target=f"{view.sl_target_s:g}",
            window=window_text(view.window),
            definition=SL_VARIANTS[view.sl_variant],
            answered=view.answered,
            offered=view.offered,
        )
        self.fields["service_level"].setToolTip(sl_tip)
        _set_text(
            self.fields["service_level"].caption,
            self.tr("SL {target}s").format(target=f"{view.sl_target_s:g}"),
        )

    def values(self) -> dict[str, str]:
        """The displayed text by field name (name, state, waiting, longest_wait, …)."""
        out = {"name": self.title.text(), "state": self.badge.text()}
        out.update({name: field.value.text() for name, field in self.fields.items()})
        return out

    def _set_state(self, state: TileState) -> None:
        if state is self._badge_state:
            return
        self._state = self._badge_state = state
        self.badge.setText(state_text(state))
        palette = self.badge.palette()
        palette.setColor(QPalette.ColorRole.WindowText, TILE_COLOURS[state][2])
        self.badge.setPalette(palette)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        background, border, _text = TILE_COLOURS[self._state]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = 3.0 if self._state != TileState.OK else 1.5
        painter.setPen(QPen(border, width))
        painter.setBrush(background)
        inset = width / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), 6, 6)
        painter.end()


class _ChannelGroup(QGroupBox):
    """The header and the tiles of one channel; agents dropped on it move to the channel."""

    sig_agents_dropped = Signal(list)  # agent ids

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setAcceptDrops(True)
        self.header = QLabel(self)
        header_font = QFont(self.header.font())
        header_font.setBold(True)
        self.header.setFont(header_font)
        self.header.setWordWrap(True)
        self.tile_area = QWidget()
        self.grid = QGridLayout(self.tile_area)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.tile_area)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(scroll, 1)

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

    A tick costs what changed: only the tiles of `changes.queues` and the headers of
    `changes.channels` are read; a structure change adds and removes single tiles.
    Tiles keep their places, in order of first appearance within their channel.
    """

    sig_agents_dropped = Signal(str, list)  # channel, agent ids dropped on its group

    def __init__(self, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.tiles: dict[str, QueueTile] = {}
        self._floor: Floor | None = None
        self._channel_of: dict[str, str] = {}  # queue id -> group key of its tile
        self.groups: dict[str, _ChannelGroup] = {
            Channel.HOTLINE.value: _ChannelGroup(self.tr("Hotline"), self),
            Channel.ONLINE.value: _ChannelGroup(self.tr("Online"), self),
        }
        self._order: dict[str, list[str]] = {key: [] for key in self.groups}  # grid order
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for channel, group in self.groups.items():
            layout.addWidget(group, 1)
            group.sig_agents_dropped.connect(
                lambda ids, channel=channel: self.sig_agents_dropped.emit(channel, ids))
            for column in range(TILE_COLUMNS):
                group.grid.setColumnStretch(column, 1)

    def update_floor(self, floor: Floor, changes: Changes) -> None:
        """Reflect one tick: read the views of changed queues and channels, nothing else.

        A new floor object is shown whole; a structure change adds tiles for new
        queues and removes those of gone ones, leaving every other tile in place.
        """
        whole = floor is not self._floor
        self._floor = floor
        if whole:
            headers = set(self.groups)
        else:
            headers = {self._group_key(channel) for channel in changes.channels}
        if whole or changes.structure:
            queues = set(floor.queues) if whole else set(changes.queues)
            queues |= self._add_and_remove(floor, headers)
        else:
            queues = changes.queues
        for queue_id in queues:
            queue = floor.queues.get(queue_id)
            if queue is None:
                continue  # gone between the change and this tick; removed on structure
            group = self._group_key(queue.channel)
            if self._channel_of.get(queue_id) != group:
                # New without a structure flag, or redefined on the other channel.
                if queue_id in self.tiles:
                    headers.add(self._channel_of[queue_id])
                    self._remove_tiles([queue_id])
                self._add_tile(queue_id, group)
                headers.add(group)
            self.tiles[queue_id].update_view(floor.queue_view(queue_id), self.lang)
        for key in headers:
            _set_text(self.groups[key].header, self._header_text(floor.channel_view(key)))

    def header_text(self, channel: str) -> str:
        """The summary line shown above a channel's tiles."""
        return self.groups[self._group_key(channel)].header.text()

    @staticmethod
    def _group_key(channel: str) -> str:
        # A queue of an unknown channel is shown with the hotline, as the floor does.
        return Channel.ONLINE.value if channel == Channel.ONLINE else Channel.HOTLINE.value

    def _add_and_remove(self, floor: Floor, headers: set[str]) -> set[str]:
        """Remove tiles of gone queues, add tiles for new ones; return the new queue ids.

        The channels whose tiles came or went join `headers`: their sums changed.
        """
        gone = [queue_id for queue_id in self.tiles if queue_id not in floor.queues]
        headers.update(self._channel_of[queue_id] for queue_id in gone)
        self._remove_tiles(gone)
        added = set()
        for queue_id, queue in floor.queues.items():
            if queue_id not in self.tiles:
                group = self._group_key(queue.channel)
                self._add_tile(queue_id, group)
                headers.add(group)
                added.add(queue_id)
        return added

    def _add_tile(self, queue_id: str, key: str) -> None:
        group, order = self.groups[key], self._order[key]
        tile = QueueTile(queue_id, group.tile_area)
        n = len(order)
        group.grid.addWidget(tile, n // TILE_COLUMNS, n % TILE_COLUMNS)
        order.append(queue_id)
        self.tiles[queue_id] = tile
        self._channel_of[queue_id] = key

    def _remove_tiles(self, queue_ids: list[str]) -> None:
        """Delete these tiles; the tiles after them move up, keeping their order."""
        first_gap: dict[str, int] = {}
        for queue_id in queue_ids:
            key = self._channel_of.pop(queue_id)
            tile = self.tiles.pop(queue_id)
            order = self._order[key]
            index = order.index(queue_id)
            del order[index]
            first_gap[key] = min(index, first_gap.get(key, index))
            self.groups[key].grid.removeWidget(tile)
            tile.hide()
            tile.setParent(None)
            tile.deleteLater()
        for key, start in first_gap.items():
            grid, order = self.groups[key].grid, self._order[key]
            for n in range(start, len(order)):
                moved = self.tiles[order[n]]
                grid.removeWidget(moved)
                grid.addWidget(moved, n // TILE_COLUMNS, n % TILE_COLUMNS)

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
        if view.chat_utilisation is not None:
            text += self.tr(" · chat slots {util} used").format(
                util=fmt.percent(view.chat_utilisation))
        elif view.occupancy is not None:
            text += self.tr(" · occupancy {occ}").format(occ=fmt.percent(view.occupancy))
        return text
