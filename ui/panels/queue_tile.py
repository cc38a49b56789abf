"""One queue's tile on the wall: its figures, the word for its state, its rule, its look.

A tile is exactly as tall as its content and never narrower than it; the wall
(`queue_wall.py`) picks one font scale for all tiles and as many columns as fit.
A tile sets only the labels whose text moved, and re-styles only when its state,
its feed's staleness or its selection changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from monitor.alert_rules import Severity
from monitor.erlang import MODEL_EMPIRICAL, MODEL_ERLANG_A, MODEL_ERLANG_C
from monitor.events import Channel
from monitor.metrics import SL_VARIANTS
from monitor.thresholds import (
    DEFAULT_THRESHOLDS,
    Rule,
    RuleDescription,
    Thresholds,
    TileState,
    describe,
    evaluate,
)
from monitor.views import WINDOW_INTERVAL, WINDOW_TODAY, QueueView, Window
from ui import fmt
from ui.panels import backlog_bot_text, quality_text
from ui.panels.alert_look import (
    PULSE_BACKGROUND,
    TILE_ALERT_COLOURS,
    alert_text,
    severity_text,
)

# (background, border, badge text) per state; light, like the rest of the window.
TILE_COLOURS: dict[TileState, tuple[QColor, QColor, QColor]] = {
    TileState.OK: (QColor("#f4faf4"), QColor("#81c784"), QColor("#1b5e20")),
    TileState.WARNING: (QColor("#fff6dc"), QColor("#f0a500"), QColor("#7a4f00")),
    TileState.CRITICAL: (QColor("#fde4e4"), QColor("#d32f2f"), QColor("#b71c1c")),
}
# A stale feed's tile: no alert colour at all, its numbers grey (they are old).
STALE_COLOURS = (QColor("#eeeeee"), QColor("#9e9e9e"), QColor("#616161"))
STALE_VALUE = QColor("#9e9e9e")
SELECTED = QColor("#1565c0")  # the ring of the tile whose queue the grid is filtered to
OFFER_COLOUR = QColor("#7a4f00")

CALLBACK_OFFER_S = 60  # field practice for online; the same rule reads well for voice
# How strong a colour is, to combine the tile's own state with an alert's severity: the
# stronger wins, an alert on a tie (it names something to acknowledge).
_STATE_RANK = {TileState.OK: 0, TileState.WARNING: 2, TileState.CRITICAL: 3}
_ALERT_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.CRITICAL: 3}


def state_text(state: TileState) -> str:
    """The word that says what the tile colour says."""
    return {
        TileState.OK: QCoreApplication.translate("QueueWall", "OK"),
        TileState.WARNING: QCoreApplication.translate("QueueWall", "Warning"),
        TileState.CRITICAL: QCoreApplication.translate("QueueWall", "Critical"),
    }[state]


def stale_text() -> str:
    """The word a stale tile or channel header shows instead of its state."""
    return QCoreApplication.translate("QueueWall", "Stale")


def display_name(view: QueueView, lang: str) -> str:
    """The queue's Chinese name in a Chinese UI (when it has one), else its name."""
    if lang.lower().startswith("zh") and view.name_zh:
        return view.name_zh
    return view.name


def window_text(window: Window) -> str:
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
            "QueueWall", "queue position × recent time between answers"
        ),
    }
    return names.get(model, QCoreApplication.translate("QueueWall", "not enough data"))


def rule_tooltip(rule: RuleDescription, limits: Thresholds) -> str:
    """The rule that colours a tile, in words, with why it shows what it shows now."""
    translate = QCoreApplication.translate  # written out per string for lupdate
    verdict = rule.verdict
    wait = translate("QueueTile", "longest wait over {seconds} s")
    below = translate("QueueTile", "service level below {pct} %")
    why = {
        Rule.NONE: translate("QueueTile", "every figure within its limits"),
        Rule.UNSTAFFED: translate("QueueTile", "contacts waiting with nobody staffed"),
        Rule.WAIT_CRITICAL: wait.format(seconds=f"{rule.critical_wait_s:g}"),
        Rule.WAIT_WARNING: wait.format(seconds=f"{rule.target_s:g}"),
        Rule.SL_CRITICAL: below.format(pct=f"{rule.sl_critical_pct:g}"),
        Rule.SL_WARNING: below.format(pct=f"{rule.sl_goal_pct:g}"),
    }.get(verdict.rule, str(verdict.rule))
    lines = [
        translate("QueueTile", "{state}: {why}").format(state=state_text(verdict.state), why=why),
        translate(
            "QueueTile", "Warning: service level below {goal} % or a wait over {target} s"
        ).format(goal=f"{rule.sl_goal_pct:g}", target=f"{rule.target_s:g}"),
        translate(
            "QueueTile",
            "Critical: service level below {critical} % or a wait over {wait} s "
            "({factor} × the target), or contacts waiting with nobody staffed",
        ).format(
            critical=f"{rule.sl_critical_pct:g}",
            wait=f"{rule.critical_wait_s:g}",
            factor=f"{limits.critical_wait_factor:g}",
        ),
        translate(
            "QueueTile", "The service level counts from {least} contacts (now {contacts})"
        ).format(least=rule.min_contacts, contacts=rule.contacts),
    ]
    if verdict.sl_too_few:
        lines.append(
            translate("QueueTile", "Its low service level is ignored: too few contacts yet")
        )
    return "\n".join(lines)


# ------------------------------------------------------------------ fonts
@dataclass(frozen=True, slots=True)
class WallFonts:
    """Every font of the wall at one scale (sizes relative to the window's font)."""

    scale: float
    title: QFont  # a queue's name
    badge: QFont  # the state word
    mark: QFont  # "offer callback"
    caption: QFont  # over each figure
    big: QFont  # waiting, longest, SL
    small: QFont  # the other figures
    group: QFont  # "Hotline", "Online"
    header: QFont  # a channel's summary line


_FONTS: dict[tuple[str, float], WallFonts] = {}


def _sized(base: QFont, factor: float, bold: bool) -> QFont:
    font = QFont(base)
    if base.pointSizeF() > 0:
        font.setPointSizeF(base.pointSizeF() * factor)
    else:  # a font set in pixels
        font.setPixelSize(max(1, round(base.pixelSize() * factor)))
    font.setBold(bold)
    return font


def wall_fonts(base: QFont, scale: float) -> WallFonts:
    """The wall's fonts at `scale` (made once per base font and scale, shared by tiles)."""
    # No nested functions in this module: pyside6-lupdate then loses the class
    # context of every tr() after them.
    key = (base.key(), scale)
    fonts = _FONTS.get(key)
    if fonts is None:
        fonts = _FONTS[key] = WallFonts(
            scale,
            title=_sized(base, 1.15 * scale, True),
            badge=_sized(base, scale, True),
            mark=_sized(base, 0.85 * scale, True),
            caption=_sized(base, 0.85 * scale, False),
            big=_sized(base, 1.6 * scale, True),
            small=_sized(base, scale, True),
            group=_sized(base, 1.2 * scale, True),
            header=_sized(base, scale, False),
        )
    return fonts


# ------------------------------------------------------------------ labels
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
    # (font key, text) -> advance width: every tick sets hundreds of figures, and
    # measuring each text again was over a quarter of a tile's update. The texts are
    # few (times, percentages, small counts); cleared whole past WIDTH_CACHE_MAX.
    _widths: ClassVar[dict[tuple[str, str], int]] = {}
    WIDTH_CACHE_MAX: ClassVar[int] = 4096

    def __init__(self, template: str, parent: QWidget | None = None) -> None:
        super().__init__(fmt.DASH, parent)
        self._template = template
        self._metrics = QFontMetrics(self.font())
        self._font_key = self.font().key()
        self._pad = 0

    def text_width(self, text: str) -> int:
        """`text`'s advance in this label's font, measured once per font and text."""
        key = (self._font_key, text)
        widths = self._widths
        width = widths.get(key)
        if width is None:
            if len(widths) >= self.WIDTH_CACHE_MAX:
                widths.clear()
            width = widths[key] = self._metrics.horizontalAdvance(text)
        return width

    def fit(self) -> None:
        """Size the box for the template and the current text in the current font."""
        text = self.text()
        font = self.font()
        self._metrics = QFontMetrics(font)
        self._font_key = font.key()
        key = (self._font_key, self._template)
        box = self._boxes.get(key)
        if box is None:
            super().setText(self._template)
            hint = self.sizeHint()
            super().setText(text)
            pad = max(0, hint.width() - self._metrics.horizontalAdvance(self._template))
            box = self._boxes[key] = (hint.width(), hint.height(), pad)
        width, height, self._pad = box
        self.setFixedSize(max(width, self.text_width(text) + self._pad), height)

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel API
        width = self.text_width(text) + self._pad
        if width > self.maximumWidth():
            self.setFixedWidth(width)
        super().setText(text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit()


class _Field(QWidget):
    """A small caption over a value; the value is what tests and readers look at.

    A tooltip that depends on the figures is written only when someone hovers
    (`tip_source`, shown by the tile's `event`: no Python `event` override here, as
    every event of thousands of fields would pass through it), not on every tick
    the figures move.
    """

    def __init__(
        self, caption: str, big: bool, parent: QWidget | None = None, template: str = "88:88"
    ) -> None:
        super().__init__(parent)
        self.big = big
        self.tip_source: Callable[[], str] | None = None
        self.caption = QLabel(caption, self)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.value = _Value(template, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set_fonts(self, fonts: WallFonts) -> None:
        self.caption.setFont(fonts.caption)
        self.value.setFont(fonts.big if self.big else fonts.small)  # refits the box

    def toolTip(self) -> str:  # noqa: N802 - QWidget API
        """The text its tooltip shows now (written on demand when it has a source)."""
        if self.tip_source is not None:
            return self.tip_source()
        return super().toolTip()


# Tile value fields: (field, raw value read from a view, text of that value). The raw
# value is compared with the last view's first, so an unchanged figure costs no formatting.
def _agents_text(counts: tuple[int, int]) -> str:
    return f"{counts[0]} / {counts[1]}"


_FIELD_TEXTS: tuple[tuple[str, Callable[[QueueView], Any], Callable[[Any], str]], ...] = (
    ("waiting", attrgetter("waiting"), str),
    ("longest_wait", attrgetter("longest_wait_s"), fmt.mmss),
    ("service_level", attrgetter("service_level"), fmt.percent),
    ("ewt", attrgetter("ewt_s"), fmt.mmss),
    ("asa", attrgetter("asa_s"), fmt.mmss),
    ("aht", attrgetter("aht_s"), fmt.mmss),
    ("abandon_rate", attrgetter("abandon_rate"), fmt.percent),
    ("agents", attrgetter("agents_available", "agents_busy"), _agents_text),
    ("backlog", attrgetter("backlog", "backlog_oldest_s", "callbacks_worked"),
     lambda fig: backlog_bot_text.backlog_text(*fig)),
    ("nps", attrgetter("nps", "nps_responses"), quality_text.nps_pair_text),
    ("csat", attrgetter("csat", "csat_satisfied"), quality_text.csat_pair_text),
    ("response", attrgetter("first_response_s", "response_s"),
     quality_text.response_pair_text),
    ("bot", attrgetter("bot_containment", "handoffs_waiting"),
     lambda fig: backlog_bot_text.bot_text(*fig)),
)
# Figures whose tooltip is written from the view on hover (QueueTile.tooltip_text).
_HOVER_TIPS = ("service_level", "ewt", "agents", "nps", "csat", "response", "backlog", "bot")

# Spacing at scale 1, in pixels; scaled with the fonts.
_MARGINS = (10, 6, 10, 8)
_SPACING = 4
_SMALL_GAPS = (8, 2)  # horizontal, vertical
_RING = 3  # the selection ring's width


class QueueTile(QFrame):
    """One queue: waiting, longest wait, SL, ASA, abandons, agents, callbacks; NPS,
    satisfaction and (online) chat response times in its detail row."""

    sig_clicked = Signal(str)  # queue id, on a left click

    def __init__(self, queue_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue_id = queue_id
        self.setObjectName(f"tile-{queue_id}")
        # As tall as its content, never less; as wide as its column.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._state = TileState.OK
        self._view: QueueView | None = None  # the view shown last
        self._limits: Thresholds | None = None  # the thresholds it was judged by
        self._lang = ""
        self._offer = False  # the "offer callback" mark shows
        self._stale: str | None = None  # why its feed is stale; None when it is not
        self._stale_feed = ""
        self._selected = False
        self._pressed = False
        self._scale = 0.0
        self._styled: tuple[Any, ...] | None = None  # (state, stale, alert) the look shows
        self._alert: Severity | None = None  # the queue's worst unsnoozed alert's severity
        self._alert_tip = ""  # its message, for the tooltip
        self._pulses = False  # a critical alert nobody acknowledged: the tile pulses
        self._pulse_on = False  # which half of the pulse it shows
        self._look: tuple[str, str] = ("ok", "threshold")  # (level, source) shown
        self._colours = TILE_COLOURS[TileState.OK]  # (background, border, text) shown
        # Set while the tile is out of view and its figures moved: reads the floor
        # afresh into the tile (the wall's, see QueueWall.update_floor).
        self._pending: Callable[[], None] | None = None

        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        # The name keeps its colour on a stale tile (only figures are old); a colour
        # set explicitly is not inherited from the tile's grey.
        self._text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        title_palette = self.title.palette()
        title_palette.setColor(QPalette.ColorRole.WindowText, self._text_colour)
        self.title.setPalette(title_palette)
        self.offer = QLabel(self.tr("offer callback"), self)
        self.offer.setToolTip(
            self.tr("Estimated wait over {threshold} s: offer a callback or appointment").format(
                threshold=CALLBACK_OFFER_S
            )
        )
        offer_policy = self.offer.sizePolicy()
        offer_policy.setRetainSizeWhenHidden(True)  # showing it never re-lays the wall out
        self.offer.setSizePolicy(offer_policy)
        self.offer.hide()
        self.badge = QLabel(self)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        self.fields: dict[str, _Field] = {
            "waiting": _Field(self.tr("Waiting"), True, self),
            "longest_wait": _Field(self.tr("Longest"), True, self),
            "service_level": _Field(self.tr("SL"), True, self),
            "ewt": _Field(self.tr("EWT"), False, self),
            "asa": _Field(self.tr("ASA"), False, self),
            "aht": _Field(self.tr("AHT"), False, self),
            "abandon_rate": _Field(self.tr("Abandoned"), False, self),
            "agents": _Field(self.tr("Avail / busy"), False, self, "88 / 88"),
            "backlog": _Field(self.tr("Callbacks"), False, self,
                              backlog_bot_text.BACKLOG_TEMPLATE),
            # The detail row: surveys, and chat response times (online tiles only).
            "nps": _Field(quality_text.nps_caption(), False, self, quality_text.NPS_TEMPLATE),
            "csat": _Field(quality_text.csat_caption(), False, self,
                           quality_text.CSAT_TEMPLATE),
            "response": _Field(quality_text.response_caption(), False, self,
                               quality_text.RESPONSE_TEMPLATE),
            # The bot stage (online queues with bot traffic only).
            "bot": _Field(backlog_bot_text.bot_caption(), False, self,
                          backlog_bot_text.BOT_TEMPLATE),
        }
        self.fields["response"].hide()  # until a view says the queue is online
        self.fields["bot"].hide()  # until a view shows bot traffic in an online queue
        self.fields["asa"].setToolTip(
            self.tr("Average speed of answer: mean wait of answered contacts")
        )
        self.fields["aht"].setToolTip(
            self.tr("Average handle time: talk or chat + wrap-up of completed contacts")
        )
        self.fields["abandon_rate"].setToolTip(
            self.tr("Abandoned after the short-abandon threshold, of contacts with an outcome")
        )
        for name in _HOVER_TIPS:
            self.fields[name].tip_source = partial(self.tooltip_text, name)
        self._texts = {name: field.value.text() for name, field in self.fields.items()}

        self._top = QHBoxLayout()
        self._top.addWidget(self.title, 1)
        self._top.addWidget(self.offer)
        self._top.addWidget(self.badge)
        self._big = QHBoxLayout()
        for name in ("waiting", "longest_wait", "service_level"):
            self._big.addWidget(self.fields[name], 1)
        # Rows of three keep a tile narrow enough for three across a half screen.
        self._small = QGridLayout()
        for n, name in enumerate(("ewt", "asa", "aht", "abandon_rate", "agents", "backlog",
                                  "nps", "csat", "response", "bot")):
            self._small.addWidget(self.fields[name], n // 3, n % 3)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(self._top)
        self._layout.addLayout(self._big)
        self._layout.addLayout(self._small)
        self._restyle()

    # ------------------------------------------------------------ state
    @property
    def state(self) -> TileState:
        """The urgency its figures give (shown in colour and word unless stale)."""
        self.catch_up()
        return self._state

    @property
    def pending(self) -> bool:
        """Its figures moved while it was out of view and are not shown yet."""
        return self._pending is not None

    def mark_pending(self, refresh: Callable[[], None]) -> None:
        """Leave the tile as it is until it comes into view or is read; then
        `refresh` shows the current figures (it calls `update_view`)."""
        self._pending = refresh

    def catch_up(self) -> None:
        """Show the current figures now if they moved while it was out of view."""
        refresh, self._pending = self._pending, None
        if refresh is not None:
            refresh()

    @property
    def stale(self) -> str | None:
        """Why the queue's feed is stale (the figures are old), or None."""
        return self._stale

    @property
    def selected(self) -> bool:
        return self._selected

    @property
    def scale(self) -> float:
        return self._scale

    def update_view(
        self, view: QueueView, lang: str = "en", limits: Thresholds = DEFAULT_THRESHOLDS
    ) -> None:
        """Show one queue view, judged by `limits`; labels whose text did not change
        are left alone.

        Compares with the view shown last, so a tile whose figures did not move
        formats nothing and touches no widget.
        """
        self._pending = None
        last, self._view = self._view, view
        if view == last and lang == self._lang and limits is self._limits:
            return  # the floor hands back the same figures: nothing to do
        if (
            last is None
            or lang != self._lang
            or (view.name, view.name_zh, view.id) != (last.name, last.name_zh, last.id)
        ):
            self._lang = lang
            name = display_name(view, lang)
            _set_text(self.title, name)
            other = view.name if name != view.name else view.name_zh
            tip = (
                f"{name} · {other} ({view.id})"
                if other and other != name
                else f"{name} ({view.id})"
            )
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
        if last is None or view.channel != last.channel:
            # Response times are a chat's: a hotline tile leaves the cell empty.
            self.fields["response"].setVisible(view.channel == Channel.ONLINE)
        bot = view.channel == Channel.ONLINE and backlog_bot_text.has_bot_traffic(view)
        if bot != self.fields["bot"].isVisibleTo(self):
            self.fields["bot"].setVisible(bot)
        if last is None or view.sl_target_s != last.sl_target_s:
            _set_text(
                self.fields["service_level"].caption,
                self.tr("SL {target}s").format(target=f"{view.sl_target_s:g}"),
            )
        offer = view.ewt_s is not None and view.ewt_s > CALLBACK_OFFER_S
        if offer != self._offer:
            self._offer = offer
            self.offer.setVisible(offer)
        # The state on every new view (a few comparisons); the rule's words and the
        # figures' tooltips only when someone hovers (`event`, `tooltip_text`), so a
        # tick formats no tooltip.
        self._limits = limits
        self._state = evaluate(view, limits).state
        self._restyle()

    def rule_text(self) -> str:
        """The tile's tooltip: the rule that colours it, and why it shows what it shows."""
        self.catch_up()
        if self._view is None:
            return ""
        limits = self._limits or DEFAULT_THRESHOLDS
        text = rule_tooltip(describe(self._view, limits), limits)
        if self._alert is not None:
            text = self.tr("{alert}: {message}").format(
                alert=alert_text(self._alert), message=self._alert_tip) + "\n\n" + text
        return text

    def event(self, event: QEvent) -> bool:
        # Children without a tooltip of their own (the badge, the name's row) pass
        # their tooltip event up to here.
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            field = self._field_at(event.pos())
            if field is not None and field.tip_source is not None:
                QToolTip.showText(event.globalPos(), field.tip_source(), field)
            else:
                QToolTip.showText(event.globalPos(), self.rule_text(), self)
            return True
        return super().event(event)

    def _field_at(self, pos: QPoint) -> _Field | None:
        """The figure under `pos` (tile coordinates), if any."""
        widget = self.childAt(pos)
        while widget is not None and widget is not self:
            if isinstance(widget, _Field):
                return widget
            widget = widget.parentWidget()
        return None

    def tooltip_text(self, field: str) -> str:
        """The tooltip of a figure whose words follow the view (service_level, ewt,
        agents, nps, csat, response), written from the view shown now; "" before the
        first view."""
        self.catch_up()
        view = self._view
        if view is None:
            return ""
        if field == "service_level":
            return self.tr(
                "Service level over {window}: {definition}, T = {target} s "
                "({answered} answered, {offered} offered)"
            ).format(
                target=f"{view.sl_target_s:g}",
                window=window_text(view.window),
                definition=SL_VARIANTS[view.sl_variant],
                answered=view.answered,
                offered=view.offered,
            )
        if field == "ewt":
            return self.tr(
                "Estimated wait for a contact arriving now ({model}); "
                "offer a callback or appointment above {threshold} s"
            ).format(model=model_text(view.ewt_model), threshold=CALLBACK_OFFER_S)
        if field == "agents":
            return self.tr(
                "Available {available} · busy {busy} · staffed {staffed}\n"
                "Agents who serve this queue: one skilled for several queues counts "
                "on each of their tiles; the channel header counts each person once"
            ).format(
                available=view.agents_available,
                busy=view.agents_busy,
                staffed=view.agents_staffed,
            )
        if field == "nps":
            return quality_text.nps_tooltip(window_text(view.window), view.nps_responses)
        if field == "csat":
            return quality_text.csat_tooltip(window_text(view.window), view.csat_responses)
        if field == "response":
            return quality_text.response_tooltip(window_text(view.window))
        if field == "backlog":
            return backlog_bot_text.backlog_tooltip(window_text(view.window))
        if field == "bot":
            return backlog_bot_text.bot_tooltip(window_text(view.window))
        return self.fields[field].toolTip()

    def values(self) -> dict[str, str]:
        """The displayed text by field name (name, state, waiting, longest_wait, …)."""
        self.catch_up()
        out = {"name": self.title.text(), "state": self.badge.text()}
        out.update({name: field.value.text() for name, field in self.fields.items()})
        return out

    def set_stale(self, reason: str | None, feed: str = "") -> None:
        """Grey the figures and say "Stale" (`reason` as the tooltip), or back to normal."""
        if reason == self._stale and feed == self._stale_feed:
            return
        self._stale, self._stale_feed = reason, feed
        if reason is None:
            self.badge.setToolTip("")
        else:
            self.badge.setToolTip(
                self.tr(
                    "Feed {feed} is stale: {reason}. These are the last figures it sent."
                ).format(feed=feed or "?", reason=reason)
            )
        self._restyle()

    def set_selected(self, selected: bool) -> None:
        if selected != self._selected:
            self._selected = selected
            self.update()

    # ------------------------------------------------------------ alerts
    def set_alert(self, severity: Severity | None, pulses: bool = False, tip: str = "") -> None:
        """Take the colour of the queue's worst unsnoozed alert (None: no alert); a
        critical one nobody acknowledged `pulses` (the wall drives it, `set_pulse`)."""
        self._alert_tip = tip
        pulses = pulses and severity == Severity.CRITICAL
        if severity == self._alert and pulses == self._pulses:
            return
        self._alert, self._pulses = severity, pulses
        if not pulses:
            self._pulse_on = False
        self._restyle()

    def set_pulse(self, on: bool) -> None:
        """Show one half of the pulse (a deeper red on); only a pulsing tile changes."""
        on = on and self._pulses and self._stale is None
        if on != self._pulse_on:
            self._pulse_on = on
            self.update()

    @property
    def alert(self) -> Severity | None:
        """The severity of the alert colouring the tile's queue, if any (even when the
        tile's own state is the stronger and shows)."""
        return self._alert

    @property
    def pulsing(self) -> bool:
        return self._pulses

    @property
    def look(self) -> tuple[str, str]:
        """(level, source) the colour shows: level ok | info | warning | critical |
        stale; source threshold (its own figures), alert, or stale."""
        self.catch_up()
        return self._look

    def colours(self) -> tuple[QColor, QColor, QColor]:
        """(background, border, badge text) painted now, the pulse included."""
        self.catch_up()
        background, border, text = self._colours
        return (PULSE_BACKGROUND if self._pulse_on else background), border, text

    def _restyle(self) -> None:
        """Badge word and colour, figure colour: only when state, staleness or the
        alert moved. The stronger of the tile's own state and its alert shows."""
        styled = (self._state, self._stale is not None, self._alert)
        if styled == self._styled:
            return
        self._styled = styled
        stale = self._stale is not None
        if stale:
            self._look, self._colours, word = ("stale", "stale"), STALE_COLOURS, stale_text()
        elif self._alert is not None and _ALERT_RANK[self._alert] >= _STATE_RANK[self._state]:
            self._look = (str(self._alert), "alert")
            self._colours = TILE_ALERT_COLOURS[self._alert]
            # The severity word alone: as wide as the state words, so an alert never
            # widens a tile (the wall does not refit for it); the tooltip says "alert".
            word = severity_text(self._alert)
        else:
            self._look = (str(self._state), "threshold")
            self._colours = TILE_COLOURS[self._state]
            word = state_text(self._state)
        self.badge.setText(word)
        badge_palette = self.badge.palette()
        badge_palette.setColor(QPalette.ColorRole.WindowText, self._colours[2])
        self.badge.setPalette(badge_palette)
        offer_palette = self.offer.palette()
        offer_palette.setColor(
            QPalette.ColorRole.WindowText, STALE_VALUE if stale else OFFER_COLOUR
        )
        self.offer.setPalette(offer_palette)
        # Figures inherit the tile's text colour; the name and the badge have their own.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, STALE_VALUE if stale else self._text_colour)
        self.setPalette(palette)
        self.update()

    # ------------------------------------------------------------ size
    def set_scale(self, fonts: WallFonts) -> None:
        """Fonts and spacing at one scale (the wall chooses it for all tiles)."""
        if fonts.scale == self._scale:
            return
        scale = self._scale = fonts.scale
        left, top, right, bottom = (round(m * scale) for m in _MARGINS)
        self._layout.setContentsMargins(left, top, right, bottom)
        self._layout.setSpacing(round(_SPACING * scale))
        self._top.setSpacing(round(6 * scale))
        self._big.setSpacing(round(6 * scale))
        self._small.setHorizontalSpacing(round(_SMALL_GAPS[0] * scale))
        self._small.setVerticalSpacing(round(_SMALL_GAPS[1] * scale))
        self.title.setFont(fonts.title)
        self.offer.setFont(fonts.mark)
        self.badge.setFont(fonts.badge)
        # The badge is as wide as its widest word (states, alert severities, stale), so
        # a new state or alert never re-lays the wall out.
        metrics = QFontMetrics(fonts.badge)
        words = [state_text(s) for s in TileState] + [stale_text()]
        words += [severity_text(s) for s in Severity]
        self.badge.setMinimumWidth(max(metrics.horizontalAdvance(w) for w in words) + 2)
        for field in self.fields.values():
            field.set_fonts(fonts)

    # ------------------------------------------------------------ click
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = True
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self._pressed:
            self._pressed = False
            if self.rect().contains(event.position().toPoint()):
                self.sig_clicked.emit(self.queue_id)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if self._pending is not None:
            # Painted, so on screen, with figures the wall held back: a way into view
            # the wall did not see. Catch up after this paint, not inside it.
            QTimer.singleShot(0, self, self.catch_up)
        background, border, _text = self._colours
        if self._pulse_on:
            background = PULSE_BACKGROUND
        width = 1.5 if self._look[0] in ("ok", "stale") else 3.0
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect())
        if self._selected:  # a ring outside the state's border, so both show
            painter.setPen(QPen(SELECTED, _RING))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            half = _RING / 2
            painter.drawRoundedRect(rect.adjusted(half, half, -half, -half), 8, 8)
            rect = rect.adjusted(_RING, _RING, -_RING, -_RING)
        painter.setPen(QPen(border, width))
        painter.setBrush(background)
        inset = width / 2
        painter.drawRoundedRect(rect.adjusted(inset, inset, -inset, -inset), 6, 6)
        painter.end()
