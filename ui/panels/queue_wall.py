"""Queue wall: a header per channel and one tile per queue, grouped Hotline | Online.

Tiles are rebuilt only when the floor's structure changes; every other tick
only sets the text of labels whose value moved.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QMimeData, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
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


class _Field(QWidget):
    """A small caption over a value; the value is what tests and readers look at."""

    def __init__(self, caption: str, big: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(caption, self)
        self.value = QLabel(fmt.DASH, self)
        caption_font = QFont(self.caption.font())
        caption_font.setPointSizeF(caption_font.pointSizeF() * 0.85)
        self.caption.setFont(caption_font)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        value_font = QFont(self.value.font())
        value_font.setBold(True)
        if big:
            value_font.setPointSizeF(value_font.pointSizeF() * 1.6)
        self.value.setFont(value_font)
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


class QueueTile(QFrame):
    """One queue: waiting, longest wait, SL, ASA, abandons, agents, callbacks."""

    def __init__(self, queue_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue_id = queue_id
        self.setObjectName(f"tile-{queue_id}")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._state = TileState.OK

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
            "agents": _Field(self.tr("Avail / busy"), False, self),
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
        """Show one queue view; labels whose text did not change are left alone."""
        name = display_name(view, lang)
        _set_text(self.title, name)
        other = view.name if name != view.name else view.name_zh
        tip = f"{name} · {other} ({view.id})" if other and other != name else f"{name} ({view.id})"
        if self.title.toolTip() != tip:
            self.title.setToolTip(tip)
        values = {
            "waiting": str(view.waiting),
            "longest_wait": fmt.mmss(view.longest_wait_s),
            "service_level": fmt.percent(view.service_level),
            "ewt": fmt.mmss(view.ewt_s),
            "asa": fmt.mmss(view.asa_s),
            "aht": fmt.mmss(view.aht_s),
            "abandon_rate": fmt.percent(view.abandon_rate),
            "agents": f"{view.agents_available} / {view.agents_busy}",
            "backlog": str(view.backlog),
        }
        for field_name, text in values.items():
            _set_text(self.fields[field_name].value, text)
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
        if self.fields["service_level"].toolTip() != sl_tip:
            self.fields["service_level"].setToolTip(sl_tip)
            _set_text(
                self.fields["service_level"].caption,
                self.tr("SL {target}s").format(target=f"{view.sl_target_s:g}"),
            )
        ewt_tip = self.tr(
            "Estimated wait for a contact arriving now ({model}); "
            "offer a callback or appointment above {threshold} s"
        ).format(model=model_text(view.ewt_model), threshold=CALLBACK_OFFER_S)
        if self.fields["ewt"].toolTip() != ewt_tip:
            self.fields["ewt"].setToolTip(ewt_tip)
        offer = view.ewt_s is not None and view.ewt_s > CALLBACK_OFFER_S
        _set_text(self.fields["ewt"].caption,
                  self.tr("EWT · offer callback") if offer else self.tr("EWT"))
        agents_tip = self.tr("Available {available} · busy {busy} · staffed {staffed}").format(
            available=view.agents_available, busy=view.agents_busy, staffed=view.agents_staffed
        )
        if self.fields["agents"].toolTip() != agents_tip:
            self.fields["agents"].setToolTip(agents_tip)
        self._set_state(tile_state(view))

    def values(self) -> dict[str, str]:
        """The displayed text by field name (name, state, waiting, longest_wait, …)."""
        out = {"name": self.title.text(), "state": self.badge.text()}
        out.update({name: field.value.text() for name, field in self.fields.items()})
        return out

    def _set_state(self, state: TileState) -> None:
        text = state_text(state)
        if state == self._state and self.badge.text() == text:
            return
        self._state = state
        self.badge.setText(text)
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
    """Hotline and Online side by side: channel headers over tiles, one per queue."""

    sig_agents_dropped = Signal(str, list)  # channel, agent ids dropped on its group

    def __init__(self, lang: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.tiles: dict[str, QueueTile] = {}
        self._channel_of: dict[str, str] = {}
        self.groups: dict[str, _ChannelGroup] = {
            Channel.HOTLINE.value: _ChannelGroup(self.tr("Hotline"), self),
            Channel.ONLINE.value: _ChannelGroup(self.tr("Online"), self),
        }
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for channel, group in self.groups.items():
            layout.addWidget(group, 1)
            group.sig_agents_dropped.connect(
                lambda ids, channel=channel: self.sig_agents_dropped.emit(channel, ids))

    def update_floor(self, floor: Floor, changes: Changes) -> None:
        """Reflect one tick: rebuild tiles on structure change, else refresh their labels.

        Every tile is refreshed, not only changed queues, because longest wait and
        the rolling window move with time alone.
        """
        layout_now = {queue_id: self._group_key(q.channel) for queue_id, q in floor.queues.items()}
        if changes.structure or layout_now != self._channel_of:
            self._rebuild(layout_now)
        for queue_id, tile in self.tiles.items():
            tile.update_view(floor.queue_view(queue_id), self.lang)
        for channel, group in self.groups.items():
            _set_text(group.header, self._header_text(floor.channel_view(channel)))

    def header_text(self, channel: str) -> str:
        """The summary line shown above a channel's tiles."""
        return self.groups[self._group_key(channel)].header.text()

    @staticmethod
    def _group_key(channel: str) -> str:
        # A queue of an unknown channel is shown with the hotline, as the floor does.
        return Channel.ONLINE.value if channel == Channel.ONLINE else Channel.HOTLINE.value

    def _rebuild(self, layout_now: dict[str, str]) -> None:
        for tile in self.tiles.values():
            tile.hide()
            tile.setParent(None)
            tile.deleteLater()
        self.tiles = {}
        self._channel_of = dict(layout_now)
        counts = dict.fromkeys(self.groups, 0)
        for queue_id, channel in layout_now.items():
            group = self.groups[channel]
            tile = QueueTile(queue_id, group.tile_area)
            n = counts[channel]
            group.grid.addWidget(tile, n // TILE_COLUMNS, n % TILE_COLUMNS)
            counts[channel] = n + 1
            self.tiles[queue_id] = tile
        for group in self.groups.values():
            for column in range(TILE_COLUMNS):
                group.grid.setColumnStretch(column, 1)

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
