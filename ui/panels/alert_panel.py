"""Alert panel: the raised alerts, newest first; acknowledge, snooze, filter, mute.

A table model over an `AlertBook`'s active alerts (at most its 10,000). It re-reads the
book only on ticks where the list changed (`refresh(listed=True)`): rows of cleared
alerts are removed, new ones inserted at the top, and only rows whose acknowledgement,
snooze or escalation moved are signalled. The "N min ago" of the rows on screen moves
with the floor clock, at most once a second. The panel never acts on the book itself:
acknowledging and snoozing go through the callbacks it is given (the alert engine's, which
record who and when), then the panel re-reads the book.

Keys: Space or Enter acknowledges the selected alerts; Ctrl+K does too from anywhere in
the window (with none selected: the newest unacknowledged alert shown).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from math import ceil
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QTextLayout,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from monitor.alert_book import Alert, AlertBook
from monitor.alert_rules import Severity
from monitor.scope import Members, alert_in_scope
from ui import fmt
from ui.panels.alert_look import SEVERITY_PALE, SEVERITY_STRONG, message_of, severity_text

_Index = QModelIndex | QPersistentModelIndex

AlertIdRole = Qt.ItemDataRole.UserRole + 1  # the alert id of the row, whatever the column
SeverityRole = Qt.ItemDataRole.UserRole + 2  # "critical" | "warning" | "info"
SubtitleRole = Qt.ItemDataRole.UserRole + 3  # the alert cell's second line: target · age

SNOOZE_MINUTES = (5, 15, 30, 60)
MESSAGE_LINES = 2  # the message wraps onto this many lines, then is cut with "…"

_LINK = QBrush(QColor("#1565c0"))  # "Acknowledge": a link to click
_DIM = QBrush(QColor("#616161"))
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class AlertActions(Protocol):
    """What the window needs of the alert engine (monitor/alert_engine.py)."""

    book: AlertBook

    def acknowledge(self, alert_id: int, by: str, wall_t: float | None = None) -> bool: ...

    def snooze(
        self, alert_id: int, minutes: float, by: str, wall_t: float | None = None
    ) -> bool: ...


class Column(IntEnum):
    SEVERITY = 0  # the word on its colour, the time it was raised under it
    ALERT = 1  # the message, and the target and age under it
    STATUS = 2  # "Acknowledge" (click), or who acknowledged; snoozed until when


def age_text(seconds: float) -> str:
    """How long ago an alert was raised: "12 s ago", "4 min ago", "1 h 5 min ago"."""
    translate = QCoreApplication.translate
    seconds = max(0, int(seconds))
    if seconds < 60:
        return translate("AlertPanel", "{n} s ago").format(n=seconds)
    if seconds < 3600:
        return translate("AlertPanel", "{n} min ago").format(n=seconds // 60)
    return translate("AlertPanel", "{h} h {m} min ago").format(
        h=seconds // 3600, m=seconds % 3600 // 60
    )


def hhmm(epoch_s: float) -> str:
    """Local HH:MM of an event time (a snooze's end: to the minute is enough in a cell)."""
    return fmt.clock(epoch_s)[:5]


def _who(by: str) -> str:
    """A short name for the status cell ("ann@desk-3 (supervisor)" -> "ann")."""
    return by.partition("@")[0].strip() or by


class AlertTableModel(QAbstractTableModel):
    """The book's active alerts as rows, newest first; `sync` turns the book's list into
    narrow row signals (insert at the top, remove the cleared, signal moved statuses)."""

    def __init__(
        self, now: Callable[[], float], lang: str = "en", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.now = now  # the floor's event time: ages and snooze ends are in it
        self.chinese = lang.lower().startswith("zh")
        # an alert -> how its target reads (a queue's or agent's name); the id by default
        self.describe_target: Callable[[Alert], str] = lambda alert: alert.target
        self._alerts: list[Alert] = []  # row -> alert, newest first
        self._rows: dict[int, int] = {}  # alert id -> row
        self._status: dict[int, tuple[Any, ...]] = {}  # alert id -> what its status shows
        self._underline = QFont()
        self._underline.setUnderline(True)
        translate = QCoreApplication.translate
        self._headers = [
            translate("AlertPanel", "Severity"),
            translate("AlertPanel", "Alert"),
            translate("AlertPanel", "Status"),
        ]

    # ----------------------------------------------------------------- update
    def sync(self, alerts: Sequence[Alert]) -> None:
        """Show `alerts` (the book's newest first) with the fewest signals.

        The book keeps alerts in the order they were raised, so the rows still listed
        keep their order: cleared rows are removed in runs, new ones inserted in runs.
        """
        wanted = {alert.id for alert in alerts}
        gone = [row for row, alert in enumerate(self._alerts) if alert.id not in wanted]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._alerts[first : last + 1]
            self.endRemoveRows()
        kept = {alert.id for alert in self._alerts}
        new = [row for row, alert in enumerate(alerts) if alert.id not in kept]
        for first, last in _runs(new):  # ascending: rows above are already in place
            self.beginInsertRows(QModelIndex(), first, last)
            self._alerts[first:first] = alerts[first : last + 1]
            self.endInsertRows()
        if [a.id for a in self._alerts] != [a.id for a in alerts]:  # not the book's order
            self.beginResetModel()
            self._alerts = list(alerts)
            self.endResetModel()
        self._rows = {alert.id: row for row, alert in enumerate(self._alerts)}
        now = self.now()
        moved = []
        status: dict[int, tuple[Any, ...]] = {}
        for row, alert in enumerate(self._alerts):
            shown = status[alert.id] = (
                alert.acked_t,
                alert.snoozed_until,
                alert.snoozed(now),
                alert.escalated_t,
            )
            old = self._status.get(alert.id)
            if old is not None and old != shown:
                moved.append(row)
        self._status = status
        last_column = len(Column) - 1
        for first, last in _runs(moved):
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column), [])

    def refresh_ages(self, rows: Iterable[int]) -> None:
        """The clock moved: signal the ages (alert column) of these rows."""
        for first, last in _runs(sorted(rows)):
            self.dataChanged.emit(
                self.index(first, Column.ALERT), self.index(last, Column.ALERT), [SubtitleRole]
            )

    # ------------------------------------------------------------- accessors
    def alert_at(self, row: int) -> Alert:
        return self._alerts[row]

    def row_of(self, alert_id: int) -> int | None:
        return self._rows.get(alert_id)

    def alerts(self) -> list[Alert]:
        """The alerts shown, newest first."""
        return list(self._alerts)

    def message(self, alert: Alert) -> str:
        return message_of(alert, self.chinese)

    def subtitle(self, alert: Alert) -> str:
        return f"{self.describe_target(alert)} · {age_text(self.now() - alert.raised_t)}"

    def status_text(self, alert: Alert) -> str:
        """Two lines: "Acknowledge" or "✓ who"; then snoozed until, or when, or escalated."""
        translate = QCoreApplication.translate
        first = (
            f"✓ {_who(alert.acked_by)}"
            if alert.acknowledged
            else translate("AlertPanel", "Acknowledge")
        )
        if alert.snoozed(self.now()):
            second = translate("AlertPanel", "snoozed to {time}").format(
                time=hhmm(alert.snoozed_until or 0.0)
            )
        elif alert.acknowledged:
            second = fmt.clock(alert.acked_wall_t or 0.0)
        elif alert.escalated_t is not None:
            second = translate("AlertPanel", "escalated")
        else:
            second = ""
        return f"{first}\n{second}" if second else first

    def tooltip(self, alert: Alert) -> str:
        translate = QCoreApplication.translate
        lines = [
            self.message(alert),
            translate(
                "AlertPanel", "{severity} · rule {rule} · target {target} · value {value}"
            ).format(
                severity=severity_text(alert.severity),
                rule=alert.rule,
                target=self.describe_target(alert),
                value=f"{alert.value:g}",
            ),
            translate("AlertPanel", "Raised {time} (event time)").format(
                time=fmt.clock(alert.raised_t)
            ),
        ]
        if alert.acknowledged:
            lines.append(
                translate("AlertPanel", "Acknowledged by {who} at {time}").format(
                    who=alert.acked_by, time=fmt.clock(alert.acked_wall_t or 0.0)
                )
            )
        if alert.snoozed(self.now()):
            lines.append(
                translate("AlertPanel", "Snoozed until {time}: no colour, no sound").format(
                    time=fmt.clock(alert.snoozed_until or 0.0)
                )
            )
        if alert.escalated_t is not None:
            lines.append(
                translate("AlertPanel", "Escalated {time}: unacknowledged too long").format(
                    time=fmt.clock(alert.escalated_t)
                )
            )
        lines.extend(f"{key}: {value}" for key, value in alert.details.items())
        return "\n".join(lines)

    # --------------------------------------------------------- Qt interface
    def rowCount(self, parent: _Index | None = None) -> int:  # noqa: N802 - Qt API
        return 0 if parent is not None and parent.isValid() else len(self._alerts)

    def columnCount(self, parent: _Index | None = None) -> int:  # noqa: N802 - Qt API
        return 0 if parent is not None and parent.isValid() else len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802 - Qt API
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._alerts):
            return None
        alert, column = self._alerts[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.SEVERITY:
                return f"{severity_text(alert.severity)}\n{fmt.clock(alert.raised_t)}"
            if column == Column.ALERT:
                return self.message(alert)
            return self.status_text(alert)
        if role == SubtitleRole:
            return self.subtitle(alert)
        if role == AlertIdRole:
            return alert.id
        if role == SeverityRole:
            return str(alert.severity)
        quiet = alert.acknowledged or alert.snoozed(self.now())
        if role == Qt.ItemDataRole.BackgroundRole and column == Column.SEVERITY:
            return QBrush((SEVERITY_PALE if quiet else SEVERITY_STRONG)[alert.severity][0])
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.SEVERITY:
                return QBrush((SEVERITY_PALE if quiet else SEVERITY_STRONG)[alert.severity][1])
            if column == Column.STATUS:
                return _DIM if alert.acknowledged else _LINK
            return _DIM if quiet else None
        if role == Qt.ItemDataRole.FontRole and column == Column.STATUS:
            return None if alert.acknowledged else self._underline
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRE if column == Column.SEVERITY else _LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.STATUS and not alert.acknowledged:
                return QCoreApplication.translate(
                    "AlertPanel",
                    "Click, or select and press Space, Enter or Ctrl+K, to "
                    "acknowledge: it stops escalation and the pulse; the alert stays until "
                    "its condition clears",
                )
            return self.tooltip(alert)
        return None


class AlertFilterProxy(QSortFilterProxyModel):
    """Alerts of one severity (or all), whose message, target or rule contain a text."""

    def __init__(self, source: AlertTableModel) -> None:
        super().__init__(source)
        self._source = source
        self._text = ""
        self._severity: Severity | None = None
        self._scope: Members | None = None  # a scope's queues and agents (None: all)
        self.setSourceModel(source)
        self.setDynamicSortFilter(False)  # on while a filter is set (see set_filters)

    def set_filters(self, text: str | None = None, severity: Severity | None | str = "") -> None:
        """Change the text and/or severity filter ("" leaves the severity as it is)."""
        self.beginFilterChange()
        if text is not None:
            self._text = text.strip().casefold()
        if severity != "":
            self._severity = Severity(severity) if severity else None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        active = bool(self._text) or self._severity is not None or self._scope is not None
        if self.dynamicSortFilter() != active:
            self.setDynamicSortFilter(active)

    def set_scope(self, members: Members | None) -> None:
        """Show only alerts of a scope's queues and agents (monitor.scope.alert_in_scope)."""
        self._scope = members
        self.set_filters()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        if not self._text and self._severity is None and self._scope is None:
            return True
        alert = self._source.alert_at(source_row)
        if not alert_in_scope(self._scope, alert.queue, alert.agent):
            return False
        if self._severity is not None and alert.severity != self._severity:
            return False
        if self._text:
            needle = self._text
            return any(
                needle in text.casefold()
                for text in (
                    alert.message_en,
                    alert.message_zh,
                    alert.target,
                    alert.rule,
                    alert.acked_by,
                    self._source.describe_target(alert),
                    *map(str, alert.details.values()),
                )
            )
        return True


class _AlertDelegate(QStyledItemDelegate):
    """The alert cell: the message on up to MESSAGE_LINES lines, target · age under it
    in grey (a narrow column still shows what and where)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        message, opt.text = opt.text, ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_colour = opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if isinstance(brush, QBrush) and not selected:
            text_colour = brush.color()
        metrics = QFontMetrics(opt.font)
        line = line_height(opt.font)
        rect = opt.rect.adjusted(4, 2, -4, -2)
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(text_colour)
        top = rect.top()
        for text in wrap_lines(message, opt.font, rect.width(), MESSAGE_LINES):
            painter.drawText(QRect(rect.left(), top, rect.width(), line), _LEFT, text)
            top += line
        subtitle = index.data(SubtitleRole) or ""
        painter.setPen(text_colour if selected else _DIM.color())
        painter.drawText(
            QRect(rect.left(), rect.top() + MESSAGE_LINES * line, rect.width(), line),
            _LEFT,
            metrics.elidedText(subtitle, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()


_LINE_HEIGHTS: dict[str, int] = {}


def line_height(font: QFont) -> int:
    """One line of text in `font`, Chinese included: a fallback font for Chinese can
    stand taller than the window font's own line spacing says."""
    key = font.key()
    height = _LINE_HEIGHTS.get(key)
    if height is None:
        layout = QTextLayout("国Ag", font)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(1000)
        layout.endLayout()
        height = _LINE_HEIGHTS[key] = max(QFontMetrics(font).lineSpacing(), ceil(line.height()))
    return height


# Wrapped messages by (text, font, width, lines): a row is repainted whenever the list
# moves (rows inserted above it), and laying its text out again each time cost most of
# the panel's paint on a busy floor. Bounded: emptied when full.
_WRAPPED: dict[tuple[str, str, int, int], list[str]] = {}
_WRAPPED_MAX = 4_096


def wrap_lines(text: str, font: QFont, width: int, most: int) -> list[str]:
    """`text` broken into at most `most` lines of `width` pixels; the last one cut with
    "…" when more would follow (Chinese breaks between characters, Latin at spaces)."""
    key = (text, font.key(), width, most)
    lines = _WRAPPED.get(key)
    if lines is None:
        if len(_WRAPPED) >= _WRAPPED_MAX:
            _WRAPPED.clear()
        lines = _WRAPPED[key] = _wrap_lines(text, font, width, most)
    return lines


def _wrap_lines(text: str, font: QFont, width: int, most: int) -> list[str]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    starts: list[int] = []
    while len(starts) <= most:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(1, width))
        starts.append(line.textStart())
    layout.endLayout()
    lines = []
    for n, start in enumerate(starts[:most]):
        end = starts[n + 1] if n + 1 < len(starts) else len(text)
        lines.append(text[start:end].rstrip())
    if len(starts) > most:
        metrics = QFontMetrics(font)
        rest = text[starts[most - 1] :].replace("\n", " ")
        lines[-1] = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return lines


class _AlertView(QTableView):
    """The table: Space or Enter acknowledges the selected alerts."""

    sig_acknowledge_selected = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (
            Qt.Key.Key_Space,
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ) and event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        ):
            self.sig_acknowledge_selected.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class AlertPanel(QWidget):
    """The alerts column: filter, acknowledge, snooze, mute, and the table."""

    sig_mute_toggled = Signal(bool)  # the user muted (True) or unmuted alert sounds here

    def __init__(
        self,
        book: AlertBook,
        acknowledge: Callable[[int], bool],
        snooze: Callable[[int, float], bool],
        now: Callable[[], float],
        lang: str = "en",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = book
        self._acknowledge, self._snooze = acknowledge, snooze
        self.model = AlertTableModel(now, lang, self)
        self.proxy = AlertFilterProxy(self.model)
        self._second = -1  # the whole second of event time the ages were shown at
        self.queues: frozenset[str] = frozenset()  # queues and agents the alerts name
        self.agents: frozenset[str] = frozenset()

        title = self.tr("Alerts")
        self.title = QLabel("<b>" + title + "</b>", self)  # bold, at the window's size
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter alerts…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_text)
        self.severity_combo = QComboBox(self)
        self.severity_combo.setToolTip(self.tr("Show only alerts of this severity"))
        self.severity_combo.addItem(self.tr("All severities"), None)
        for severity in (Severity.CRITICAL, Severity.WARNING, Severity.INFO):
            self.severity_combo.addItem(severity_text(severity), str(severity))
        self.severity_combo.currentIndexChanged.connect(self._on_severity)

        self.ack_action = QAction(self.tr("Acknowledge"), self)
        self.ack_action.setShortcut(QKeySequence("Ctrl+K"))
        self.ack_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.ack_action.setToolTip(
            self.tr(
                "Acknowledge the selected alerts (Ctrl+K; with none selected, the newest "
                "unacknowledged one)"
            )
        )
        self.ack_action.triggered.connect(self.acknowledge_selected)
        self.addAction(self.ack_action)
        self.ack_button = QToolButton(self)
        self.ack_button.setDefaultAction(self.ack_action)

        self.snooze_menu = QMenu(self)
        self.snooze_actions: dict[int, QAction] = {}
        for minutes in SNOOZE_MINUTES:
            action = self.snooze_menu.addAction(self.tr("{n} min").format(n=minutes))
            action.triggered.connect(lambda _checked=False, m=minutes: self.snooze_selected(m))
            self.snooze_actions[minutes] = action
        self.snooze_button = QToolButton(self)
        self.snooze_button.setText(self.tr("Snooze"))
        self.snooze_button.setToolTip(
            self.tr(
                "Quiet the selected alerts for a while: no tile colour, no sound, no escalation"
            )
        )
        self.snooze_button.setMenu(self.snooze_menu)
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

        self.mute_button = QToolButton(self)
        self.mute_button.setCheckable(True)
        self.mute_button.setText(self.tr("Mute"))
        self.mute_button.setToolTip(self.tr("Mute alert sounds (remembered)"))
        self.mute_button.toggled.connect(self.sig_mute_toggled)
        self.no_sound = QLabel(self.tr("no sound"), self)
        self.no_sound.setToolTip(
            self.tr("Alert sounds are off: Qt Multimedia is not available on this machine")
        )
        self.no_sound.hide()
        self.count_label = QLabel(self)

        self.view = _AlertView(self)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setWordWrap(False)
        self.view.setCornerButtonEnabled(False)
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        self.view.setItemDelegateForColumn(Column.ALERT, _AlertDelegate(self.view))
        self.view.verticalHeader().setVisible(False)
        # Fixed row height: the view never measures 10,000 rows.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(Column.ALERT, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.clicked.connect(self._on_clicked)
        self.view.sig_acknowledge_selected.connect(self.acknowledge_selected)
        self._fit()

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.title)
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.severity_combo)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for widget in (self.ack_button, self.snooze_button, self.mute_button):
            buttons.addWidget(widget)
        buttons.addWidget(self.no_sound)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        self.refresh(True)

    # ----------------------------------------------------------------- per tick
    def refresh(self, listed: bool) -> None:
        """One tick: re-read the book if its list changed; ages move once a second."""
        if listed:
            alerts = self.book.newest_first()
            self.model.sync(alerts)
            self.queues = frozenset(a.queue for a in alerts if a.queue)
            self.agents = frozenset(a.agent for a in alerts if a.agent)
            self._update_count()
        second = int(self.model.now())
        if second != self._second:
            self._second = second
            self.model.refresh_ages(self._shown_rows())

    def set_sound_state(self, available: bool, muted: bool) -> None:
        """Show whether sounds play: the mute toggle, or "no sound" without Qt Multimedia."""
        self.mute_button.blockSignals(True)
        self.mute_button.setChecked(muted)
        self.mute_button.blockSignals(False)
        self.mute_button.setEnabled(available)
        self.no_sound.setVisible(not available)

    # ----------------------------------------------------------------- acts
    def selected_alert_ids(self) -> list[int]:
        """Ids of the selected alerts, top row first."""
        rows = self.view.selectionModel().selectedRows()
        rows.sort(key=lambda index: index.row())
        return [index.data(AlertIdRole) for index in rows]

    def acknowledge_selected(self) -> list[int]:
        """Acknowledge the selected alerts (none selected: the newest unacknowledged one
        shown); returns the ids the engine acknowledged."""
        ids = self.selected_alert_ids()
        if not ids:
            for row in range(self.proxy.rowCount()):
                alert = self.model.alert_at(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
                if not alert.acknowledged:
                    ids = [alert.id]
                    break
        return self.acknowledge(ids)

    def acknowledge(self, alert_ids: Iterable[int]) -> list[int]:
        done = [alert_id for alert_id in alert_ids if self._acknowledge(alert_id)]
        if done:
            self.refresh(True)  # the book has it now; the tiles follow on the next tick
        return done

    def snooze_selected(self, minutes: float) -> list[int]:
        done = [
            alert_id for alert_id in self.selected_alert_ids() if self._snooze(alert_id, minutes)
        ]
        if done:
            self.refresh(True)
        return done

    def _on_clicked(self, index: QModelIndex) -> None:
        """A click on "Acknowledge" in the status cell acknowledges that alert."""
        if index.column() == Column.STATUS:
            alert_id = index.data(AlertIdRole)
            alert = self.book.by_id.get(alert_id)
            if alert is not None and not alert.acknowledged:
                self.acknowledge([alert_id])

    def _context_menu(self, pos: QPoint) -> None:
        if not self.view.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.ack_action)
        menu.addSeparator()
        for minutes, action in self.snooze_actions.items():
            menu.addAction(self.tr("Snooze {n} min").format(n=minutes), action.trigger)
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    # ----------------------------------------------------------------- filters
    def _on_text(self, text: str) -> None:
        self.proxy.set_filters(text=text)
        self._update_count()

    def _on_severity(self, _index: int) -> None:
        self.proxy.set_filters(severity=self.severity_combo.currentData())
        self._update_count()

    def _update_count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        unseen = sum(1 for alert in self.model.alerts() if not alert.acknowledged)
        text = (
            self.tr("{total} alerts, {unseen} unacknowledged")
            if shown == total
            else self.tr("{shown} of {total} alerts, {unseen} unacknowledged")
        ).format(shown=shown, total=total, unseen=unseen)
        if text != self.count_label.text():
            self.count_label.setText(text)

    # ----------------------------------------------------------------- size
    def _shown_rows(self) -> list[int]:
        """Source rows on screen (all of them while the panel is hidden: none)."""
        count = self.proxy.rowCount()
        if not count or not self.view.isVisible():
            return []
        top = max(0, self.view.rowAt(0))
        bottom = self.view.rowAt(self.view.viewport().height() - 1)
        bottom = count - 1 if bottom < 0 else bottom
        proxy = self.proxy
        return [proxy.mapToSource(proxy.index(row, 0)).row() for row in range(top, bottom + 1)]

    def _fit(self) -> None:
        """Row height and column widths from the font (it grows with the window)."""
        metrics = self.view.fontMetrics()
        self.view.verticalHeader().setDefaultSectionSize(
            line_height(self.view.font()) * (MESSAGE_LINES + 1) + 6
        )
        pad = 2 * metrics.averageCharWidth() + 8
        words = [severity_text(s) for s in Severity] + ["88:88:88", self._headers_text(0)]
        self.view.setColumnWidth(
            Column.SEVERITY, max(metrics.horizontalAdvance(w) for w in words) + pad
        )
        underline = QFont(self.view.font())
        underline.setUnderline(True)
        status = [
            self.tr("Acknowledge"),
            "✓ supervisor",
            self._headers_text(2),
            self.tr("snoozed to {time}").format(time="88:88"),
            "88:88:88",
        ]
        self.view.setColumnWidth(
            Column.STATUS, max(QFontMetrics(underline).horizontalAdvance(w) for w in status) + pad
        )

    def _headers_text(self, column: int) -> str:
        return self.model.headerData(column, Qt.Orientation.Horizontal) or ""

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the window scaled its fonts
            self.view.horizontalHeader().setFont(self.font())
            self._fit()

    # ----------------------------------------------------------------- tests, readers
    def row_text(self, row: int) -> str:
        """Everything a row shows (view row, after the filter), as one line of text."""
        proxy = self.proxy
        cells = [str(proxy.index(row, c).data() or "") for c in Column]
        cells.insert(2, str(proxy.index(row, Column.ALERT).data(SubtitleRole) or ""))
        return " | ".join(cell.replace("\n", " ") for cell in cells)


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
