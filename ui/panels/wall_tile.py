"""Big-number tiles of the wall display, read from 5 m: one per queue, one per channel.

Sizes follow the screen, not the window's font: every figure's cap height is at
least MAIN_CAP of the wall's height and every word's at least LABEL_CAP (measured
with QFontMetrics.capHeight, so it holds whatever font the system gives), at 1080p
and 4K alike. A label's minimum width is its widest expected text (`_TEMPLATES`) or
its text, whichever is wider, so a figure is never cut; a queue name too long for its
tile is elided with "…" (the full name in its tooltip).

A tile sets only the labels whose text moved and re-colours only when its state,
alert or staleness moved.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from monitor.alert_rules import Severity
from monitor.productivity import WorkFigures
from monitor.thresholds import DEFAULT_THRESHOLDS, Thresholds, TileState, evaluate
from monitor.views import ChannelView, QueueView
from ui import fmt
from ui.panels import quality_text, work_text
from ui.panels.alert_look import TILE_ALERT_COLOURS, severity_text
from ui.panels.queue_tile import (
    STALE_COLOURS,
    STALE_VALUE,
    TILE_COLOURS,
    display_name,
    stale_text,
    state_text,
)

# Of the wall's height: the rule is 5 % for figures and 2 % for words; a little more,
# so rounding to whole pixels never lands under it.
MAIN_CAP = 0.052
LABEL_CAP = 0.021
MAIN_RULE, LABEL_RULE = 0.05, 0.02  # what the tests check
_STATE_RANK = {TileState.OK: 0, TileState.WARNING: 2, TileState.CRITICAL: 3}
_ALERT_RANK = {Severity.INFO: 1, Severity.WARNING: 2, Severity.CRITICAL: 3}
# The widest text each figure is expected to show; a wider one widens its label.
_TEMPLATES = {
    "waiting": "888",
    "longest_wait": "88:88",
    "service_level": "100%",
    "ewt": "88:88",
    "agents": "88 / 88",
    "backlog": "888",
    "load": "100%",
}
# The detail line's figures (word size, see `_Detail`): their widest expected texts.
_DETAIL_TEMPLATES = {
    "nps": quality_text.NPS_TEMPLATE,
    "csat": quality_text.CSAT_TEMPLATE,
    "reply": quality_text.RESPONSE_TEMPLATE,
}


def cap_font(base: QFont, cap_px: float, bold: bool) -> QFont:
    """`base` at the smallest pixel size whose cap height is at least `cap_px`."""
    font = QFont(base)
    font.setBold(bold)
    target = max(1, math.ceil(cap_px))
    size = max(1, math.floor(target / 0.75))  # caps are about 0.7 em in most faces
    font.setPixelSize(size)
    while QFontMetrics(font).capHeight() < target and size < 4 * target:
        size += 1
        font.setPixelSize(size)
    return font


@dataclass(frozen=True, slots=True)
class WallTextFonts:
    """The wall's two sizes for one screen height: figures and words."""

    height: int
    main: QFont
    label: QFont
    label_bold: QFont


_CACHE: dict[tuple[str, int], WallTextFonts] = {}


def wall_text_fonts(base: QFont, height: int) -> WallTextFonts:
    """The fonts for a wall `height` pixels tall (made once per base font and height)."""
    key = (base.key(), height)
    fonts = _CACHE.get(key)
    if fonts is None:
        fonts = _CACHE[key] = WallTextFonts(
            height,
            main=cap_font(base, MAIN_CAP * height, True),
            label=cap_font(base, LABEL_CAP * height, False),
            label_bold=cap_font(base, LABEL_CAP * height, True),
        )
    return fonts


def _agents_text(counts: tuple[int, int]) -> str:
    return f"{counts[0]} / {counts[1]}"  # as the floor window's tile writes it


# Queue figures: (field, raw value from a QueueView, its text): the floor window's
# formats, so both windows show the same text for the same view.
QUEUE_FIELDS: tuple[tuple[str, Callable[[QueueView], Any], Callable[[Any], str]], ...] = (
    ("waiting", attrgetter("waiting"), str),
    ("longest_wait", attrgetter("longest_wait_s"), fmt.mmss),
    ("service_level", attrgetter("service_level"), fmt.percent),
    ("ewt", attrgetter("ewt_s"), fmt.mmss),
    ("agents", attrgetter("agents_available", "agents_busy"), _agents_text),
    ("backlog", attrgetter("backlog"), str),
)


def _set_text(label: QLabel, text: str) -> bool:
    if label.text() == text:
        return False
    label.setText(text)
    return True


class _Cell(QWidget):
    """A caption (a word) over a figure."""

    def __init__(self, caption: str, template: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.template = template
        self.caption = QLabel(caption, self)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.value = QLabel(fmt.DASH, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)

    def set_fonts(self, fonts: WallTextFonts) -> None:
        self.caption.setFont(fonts.label)
        self.value.setFont(fonts.main)
        self.fit()

    def fit(self) -> None:
        """Wide enough for the template, the figure and the caption: never cut."""
        value = QFontMetrics(self.value.font())
        need = max(
            value.horizontalAdvance(self.template), value.horizontalAdvance(self.value.text())
        )
        self.value.setMinimumWidth(need + 2)
        caption = QFontMetrics(self.caption.font())
        self.caption.setMinimumWidth(caption.horizontalAdvance(self.caption.text()) + 2)

    def set_value(self, text: str) -> None:
        if _set_text(self.value, text) and (
            QFontMetrics(self.value.font()).horizontalAdvance(text) + 2 > self.value.minimumWidth()
        ):
            self.fit()


class _Detail(QWidget):
    """A word and its figure side by side, both in the wall's word size: the detail line
    under a tile's big figures (second figures: surveys, chat replies), one line high."""

    def __init__(self, caption: str, template: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.template = template
        self.caption = QLabel(caption, self)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.value = QLabel(fmt.DASH, self)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.caption)
        self._layout.addWidget(self.value)

    def set_fonts(self, fonts: WallTextFonts, gap: int) -> None:
        self.caption.setFont(fonts.label)
        self.value.setFont(fonts.label_bold)
        self._layout.setSpacing(gap)
        self.fit()

    def fit(self) -> None:
        """Wide enough for the template, the figure and the word: never cut."""
        value = QFontMetrics(self.value.font())
        need = max(
            value.horizontalAdvance(self.template), value.horizontalAdvance(self.value.text())
        )
        self.value.setMinimumWidth(need + 2)
        caption = QFontMetrics(self.caption.font())
        self.caption.setMinimumWidth(caption.horizontalAdvance(self.caption.text()) + 2)

    def set_value(self, text: str) -> None:
        if _set_text(self.value, text) and (
            QFontMetrics(self.value.font()).horizontalAdvance(text) + 2 > self.value.minimumWidth()
        ):
            self.fit()


class WallTile(QFrame):
    """A name and a state word over two rows of three figures, each under its caption;
    optionally a detail line of second figures in the word size."""

    def __init__(
        self,
        key: str,
        captions: dict[str, str],
        parent: QWidget | None = None,
        details: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"wall-tile-{key}")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # never squashed
        self._full_name = ""
        self._state = TileState.OK
        self._alert: Severity | None = None
        self._stale: str | None = None
        self._styled: tuple[Any, ...] | None = None
        self._colours = TILE_COLOURS[TileState.OK]
        self._text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        self.name = QLabel(self)
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        palette = self.name.palette()
        palette.setColor(QPalette.ColorRole.WindowText, self._text_colour)  # never greyed
        self.name.setPalette(palette)
        self.badge = QLabel(self)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.cells = {
            name: _Cell(caption, _TEMPLATES[name], self) for name, caption in captions.items()
        }
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.name, 1)
        top.addWidget(self.badge)
        self._grid = QGridLayout()
        for n, cell in enumerate(self.cells.values()):
            self._grid.addWidget(cell, n // 3, n % 3)
        self.details = {
            name: _Detail(caption, _DETAIL_TEMPLATES[name], self)
            for name, caption in (details or {}).items()
        }
        self._detail_row = QHBoxLayout()
        self._detail_row.setContentsMargins(0, 0, 0, 0)
        for detail in self.details.values():
            detail.setToolTip(quality_text.header_tooltip())
            self._detail_row.addWidget(detail)
        self._detail_row.addStretch(1)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(top)
        self._layout.addLayout(self._grid)
        if self.details:
            self._layout.addLayout(self._detail_row)
        self._fonts: WallTextFonts | None = None
        self._restyle()

    # ------------------------------------------------------------ size
    def set_fonts(self, fonts: WallTextFonts) -> None:
        if fonts is self._fonts:
            return
        self._fonts = fonts
        pad = max(2, round(fonts.height * 0.006))
        self._layout.setContentsMargins(2 * pad, pad, 2 * pad, pad)
        self._layout.setSpacing(0)
        self._grid.setHorizontalSpacing(5 * pad)
        self._grid.setVerticalSpacing(0)
        self.name.setFont(fonts.label_bold)
        self.badge.setFont(fonts.label_bold)
        metrics = QFontMetrics(fonts.label_bold)
        words = [state_text(s) for s in TileState] + [stale_text()]
        words += [severity_text(s) for s in Severity]
        self.badge.setMinimumWidth(max(metrics.horizontalAdvance(w) for w in words) + 2)
        self.name.setMinimumWidth(metrics.horizontalAdvance("M…") + 2)
        for cell in self.cells.values():
            cell.set_fonts(fonts)
        self._detail_row.setSpacing(5 * pad)
        for detail in self.details.values():
            detail.set_fonts(fonts, pad)
        self._elide()
        # A tile not shown yet (the next page's) tells no layout that its fonts grew:
        # drop every cached size, so its size hint is the new fonts' at once.
        for widget in [*self.findChildren(QWidget), self]:
            widget.updateGeometry()  # its size in its parent layout's cache
            layout = widget.layout()
            if layout is not None:
                layout.invalidate()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._elide()

    def set_name(self, name: str, tip: str = "") -> None:
        if name != self._full_name:
            self._full_name = name
            self.name.setToolTip(tip or name)
            self._elide()

    def _elide(self) -> None:
        """The name as it fits its label: whole, or cut with "…" (never clipped)."""
        width = self.name.width() - 2
        metrics = QFontMetrics(self.name.font())
        text = self._full_name
        if width > 0 and metrics.horizontalAdvance(text) > width:
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        _set_text(self.name, text)

    # ------------------------------------------------------------ state
    def values(self) -> dict[str, str]:
        """The displayed text by field name (name, state, and each figure)."""
        out = {"name": self.name.text(), "state": self.badge.text()}
        out.update({name: cell.value.text() for name, cell in self.cells.items()})
        out.update({name: detail.value.text() for name, detail in self.details.items()})
        return out

    def set_values(self, texts: dict[str, str]) -> None:
        for name, text in texts.items():
            target = self.cells.get(name)
            (target if target is not None else self.details[name]).set_value(text)

    def set_state(self, state: TileState) -> None:
        self._state = state
        self._restyle()

    def set_alert(self, severity: Severity | None) -> None:
        self._alert = severity
        self._restyle()

    def set_stale(self, reason: str | None) -> None:
        self._stale = reason
        self.badge.setToolTip(reason or "")
        self._restyle()

    @property
    def stale(self) -> str | None:
        return self._stale

    @property
    def look(self) -> str:
        """The level its colour shows: ok | info | warning | critical | stale."""
        styled = self._styled
        assert styled is not None
        return styled[-1]

    def _restyle(self) -> None:
        """The stronger of its own state and its queue's alert shows, with its word; a
        stale feed's tile is grey and says "Stale"."""
        if self._stale is not None:
            colours, word, level = STALE_COLOURS, stale_text(), "stale"
        elif self._alert is not None and _ALERT_RANK[self._alert] >= _STATE_RANK[self._state]:
            colours = TILE_ALERT_COLOURS[self._alert]
            word, level = severity_text(self._alert), str(self._alert)
        else:
            colours = TILE_COLOURS[self._state]
            word, level = state_text(self._state), str(self._state)
        styled = (word, level)
        if (*styled,) == self._styled:
            return
        self._styled = styled
        self._colours = colours
        _set_text(self.badge, word)
        palette = self.badge.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colours[2])
        self.badge.setPalette(palette)
        palette = self.palette()  # figures inherit it; a stale figure is grey
        palette.setColor(
            QPalette.ColorRole.WindowText,
            STALE_VALUE if self._stale is not None else self._text_colour,
        )
        self.setPalette(palette)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        background, border, _text = self._colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(2.0, self.height() * 0.015) if self.look not in ("ok", "stale") else 2.0
        painter.setPen(QPen(QColor(border), width))
        painter.setBrush(background)
        inset = width / 2
        painter.drawRoundedRect(self.rect().adjusted(inset, inset, -inset, -inset), 8, 8)
        painter.end()


# ------------------------------------------------------------------ the two kinds
def queue_captions() -> dict[str, str]:
    translate = QCoreApplication.translate  # written out per string for lupdate
    return {
        "waiting": translate("WallTile", "Waiting"),
        "longest_wait": translate("WallTile", "Longest wait"),
        "service_level": translate("WallTile", "Service level"),
        "ewt": translate("WallTile", "Est. wait"),
        "agents": translate("WallTile", "Free / busy"),
        "backlog": translate("WallTile", "Callbacks"),
    }


def channel_captions() -> dict[str, str]:
    translate = QCoreApplication.translate
    return {
        "waiting": translate("WallTile", "Waiting"),
        "longest_wait": translate("WallTile", "Longest wait"),
        "service_level": translate("WallTile", "Service level"),
        "agents": translate("WallTile", "Busy / staffed"),
        "backlog": translate("WallTile", "Callbacks"),
        "load": translate("WallTile", "Load"),
    }


def detail_captions(channel: str) -> dict[str, str]:
    """The detail line: surveys, and for online the chat reply times."""
    translate = QCoreApplication.translate
    captions = {
        "nps": translate("WallTile", "NPS"),
        "csat": translate("WallTile", "CSAT"),
    }
    if channel == "online":
        captions["reply"] = translate("WallTile", "Reply 1st/avg")
    return captions


class QueueWallTile(WallTile):
    """One queue's big numbers, judged by its thresholds like the floor window's tile."""

    def __init__(self, queue_id: str, parent: QWidget | None = None) -> None:
        # No detail line: a line more on every queue tile costs a tile a column at
        # 1080p. A queue's surveys and replies are on the floor window's tile; the
        # wall shows them per channel, on the totals.
        super().__init__(queue_id, queue_captions(), parent)
        self.queue_id = queue_id
        self._view: QueueView | None = None
        self._lang = ""

    def update_view(
        self, view: QueueView, lang: str = "en", limits: Thresholds = DEFAULT_THRESHOLDS
    ) -> None:
        last, self._view = self._view, view
        if view == last and lang == self._lang:
            return
        if (
            last is None
            or lang != self._lang
            or (view.name, view.name_zh) != (last.name, last.name_zh)
        ):
            self._lang = lang
            name = display_name(view, lang)
            self.set_name(name, f"{name} ({view.id})")
            last = None
        for field, raw, text in QUEUE_FIELDS:
            value = raw(view)
            if last is None or value != raw(last):
                self.cells[field].set_value(text(value))

        if last is None or view.sl_target_s != last.sl_target_s:
            _set_text(
                self.cells["service_level"].caption,
                QCoreApplication.translate("WallTile", "Service level {target}s").format(
                    target=f"{view.sl_target_s:g}"
                ),
            )
            self.cells["service_level"].fit()
        self.set_state(evaluate(view, limits).state)


class ChannelWallTile(WallTile):
    """A channel's totals: every queue of it, an agent skilled for several counted once."""

    def __init__(self, channel: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(f"channel-{channel}", channel_captions(), parent,
                         detail_captions(channel))
        self.channel = channel
        self.set_name(title)
        self.badge.hide()  # the totals have no state of their own; the queues do
        self.cells["load"].setToolTip(work_text.definitions())

    def update_view(self, view: ChannelView, work: WorkFigures | None = None) -> None:
        """Show a channel's totals; `work` (the floor's productivity over the same
        window) gives the time-weighted load and contacts per agent-hour."""
        if work is not None:
            online = view.channel == "online"
            load = fmt.percent(work_text.load_of(work, online))
            caption = QCoreApplication.translate(
                "WallTile", "Chat slots used"
            ) if online and work.chat_utilisation is not None else QCoreApplication.translate(
                "WallTile", "Occupancy")
        elif view.chat_utilisation is not None:
            load = fmt.percent(view.chat_utilisation)
            caption = QCoreApplication.translate("WallTile", "Chat slots used")
        else:
            load = fmt.percent(view.occupancy)
            caption = QCoreApplication.translate("WallTile", "Occupancy")
        if _set_text(self.cells["load"].caption, caption):
            self.cells["load"].fit()
        values = {
            "waiting": str(view.waiting),
            "longest_wait": fmt.mmss(view.longest_wait_s),
            "service_level": fmt.percent(view.service_level),
            "agents": f"{view.agents_busy} / {view.agents_staffed}",
            "backlog": str(view.backlog),
            "load": load,
            "nps": quality_text.nps_text(view.nps, view.nps_responses),
            "csat": quality_text.csat_text(view.csat, view.csat_satisfied),
        }
        if "reply" in self.details:
            values["reply"] = quality_text.response_text(view.first_response_s, view.response_s)
        self.set_values(values)
