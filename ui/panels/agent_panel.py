"""Agent grid: filter by text, state, channel and queue, sort on header click, select many
rows; the waiting contacts of a queue clicked on the wall beside it."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from monitor.agent_work import BLEND, HOTLINE, ONLINE, queue_names, work_channel
from monitor.floor import Changes, Floor
from ui.panels.agent_model import (
    AgentIdRole,
    AgentTableModel,
    Column,
    SortRole,
    channel_labels,
    state_labels,
)
from ui.panels.waiting_list import WaitingList
from ui.panels.work_text import RATE_TEMPLATE

_Index = QModelIndex | QPersistentModelIndex


class AgentFilterProxy(QSortFilterProxyModel):
    """Filters agents by text (name, id, team or queue), state, channel and queue (skill);
    sorting is the model's.

    Filtering is dynamic while a filter is set: the rows of changed agents (and only
    those) are re-filtered when the model signals them. The proxy never sorts itself:
    `sort` (a header click) asks the source model to reorder its rows once, in Python,
    by the values of that moment. So rows move only when the user asks, and a tick
    never re-sorts 10,000 rows (nor does a click call `lessThan` some 140,000 times).
    """

    def __init__(self, source: AgentTableModel) -> None:
        super().__init__(source)
        self._source = source
        self._text = ""
        self._state: str | None = None
        self._skill: str | None = None
        self._channel: str | None = None
        self._agents: frozenset[str] | None = None  # a scope's agents (None: everyone)
        self._active = False  # any filter set; filterAcceptsRow runs 10,000 times
        self.setSourceModel(source)
        self.setSortRole(SortRole)  # for callers that sort the proxy's own way
        self.setDynamicSortFilter(False)  # on while a filter is set: see set_filters

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the source rows by `column` (-1: order of appearance); see the class."""
        self._source.sort_rows(column, order)

    def set_filters(
        self,
        text: str | None = None,
        state: str | None = "",
        skill: str | None = "",
        channel: str | None = "",
    ) -> None:
        """Change any of the four filters ("" leaves state/skill/channel as it is, None
        clears)."""
        self.beginFilterChange()
        if text is not None:
            self._text = text.strip().casefold()
        if state != "":
            self._state = state
        if skill != "":
            self._skill = skill
        if channel != "":
            self._channel = channel
        self._active = bool(self._text) or any(
            f is not None for f in (self._state, self._skill, self._channel, self._agents)
        )
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        # With no filter there is nothing to re-filter: changed rows pass straight on
        # (a snapshot's 10,000 rows then cost no Python call at all).
        if self.dynamicSortFilter() != self._active:
            self.setDynamicSortFilter(self._active)

    def set_scope(self, agents: frozenset[str] | None) -> None:
        """Show only these agents (a scope's, monitor/scope.py); None shows everyone.
        Called when the scope's members change, not per tick."""
        self._agents = agents
        self.set_filters()

    def is_filtering(self) -> bool:
        """True when any filter is set (changed rows are then re-filtered as they change)."""
        return self._active

    def accepts(self, source_row: int) -> bool:
        """Whether the agent in `source_row` passes all four filters."""
        agent = self._source.agent_at(source_row)
        if self._agents is not None and agent.id not in self._agents:
            return False
        if self._state is not None and agent.state != self._state:
            return False
        if self._skill is not None and self._skill not in agent.skills:
            return False
        queues = self._source.queues()
        if self._channel is not None and work_channel(agent.skills, queues) != self._channel:
            return False
        if self._text:
            needle = self._text
            return (
                needle in agent.name.casefold()
                or needle in agent.id.casefold()
                or needle in agent.team.casefold()
                or any(needle in skill.casefold() for skill in agent.skills)
                or any(needle in name.casefold()
                       for name in queue_names(agent.skills, queues, chinese=True))
                or any(needle in name.casefold() for name in queue_names(agent.skills, queues))
            )
        return True

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        return not self._active or self.accepts(source_row)


class AgentPanel(QWidget):
    """The agents of the floor in a filterable, sortable table with multi-selection."""

    sig_queue_chosen = Signal(str)  # the queue filter changed here ("" for all queues)

    def __init__(self, parent: QWidget | None = None, lang: str = "en") -> None:
        super().__init__(parent)
        self.lang = lang
        self.model = AgentTableModel(self, lang)
        self.proxy = AgentFilterProxy(self.model)
        self._floor: Floor | None = None
        self._skill_ids: list[tuple[str, str, str]] = []  # (id, name, name_zh) offered

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, id, team or queue…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_text)

        self.state_combo = QComboBox(self)
        self.state_combo.setToolTip(self.tr("Show only agents in this state"))
        self.state_combo.addItem(self.tr("All states"), None)
        for state, label in state_labels().items():
            self.state_combo.addItem(label, str(state))
        self.state_combo.currentIndexChanged.connect(self._on_state)

        self.channel_combo = QComboBox(self)
        self.channel_combo.setToolTip(
            self.tr("Show only agents working on this channel (blended: both)"))
        self.channel_combo.addItem(self.tr("All channels"), None)
        labels = channel_labels()
        for channel in (HOTLINE, ONLINE, BLEND):
            self.channel_combo.addItem(labels[channel], channel)
        self.channel_combo.currentIndexChanged.connect(self._on_channel)

        self.skill_combo = QComboBox(self)
        self.skill_combo.setToolTip(
            self.tr("Show only agents skilled for this queue (or click its tile on the wall)"))
        self.skill_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.skill_combo.addItem(self.tr("All queues"), None)
        self.skill_combo.currentIndexChanged.connect(self._on_skill)
        self.waiting = WaitingList(self, lang)

        self.count_label = QLabel(self)

        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setCornerButtonEnabled(False)
        vertical = self.view.verticalHeader()
        vertical.setVisible(False)
        # Fixed row height: the view never measures 10,000 rows.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 6)
        horizontal = self.view.horizontalHeader()
        horizontal.setStretchLastSection(False)
        horizontal.setSectionsClickable(True)
        horizontal.setSortIndicatorShown(True)
        # No indicator until the user clicks: rows start in floor order.
        horizontal.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        # Queue names are the only text that grows: they take the spare width, but
        # never less than `_queues_min` (then the table scrolls sideways instead).
        self._queues_min = 0
        self._fit_columns()
        horizontal.setSectionResizeMode(Column.SKILLS, QHeaderView.ResizeMode.Stretch)
        self.view.viewport().installEventFilter(self)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 6, 0)  # the count is not flush with the edge
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.state_combo)
        filters.addWidget(self.channel_combo)
        filters.addWidget(self.skill_combo)
        filters.addWidget(self.count_label)
        # Supervisor controls (reassignment) go here; a viewer's panel leaves it empty.
        self.actions_bar = QHBoxLayout()
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(self.actions_bar)
        table_row = QHBoxLayout()
        table_row.addWidget(self.view, 1)
        table_row.addWidget(self.waiting)
        self._fit_waiting_width()
        layout.addLayout(table_row, 1)
        self.model.sig_rows_relabelled.connect(self._fit_state_column)
        self._update_count()

    def _fit_columns(self) -> None:
        """Column widths from the font and the texts they hold (a 4K screen's larger
        font, or Chinese labels, get room too); the queue names take what is left."""
        metrics = self.view.fontMetrics()
        pad = metrics.averageCharWidth() + 10  # the cell's margins

        def widest(texts: list[str]) -> int:
            return max(metrics.horizontalAdvance(t) for t in texts) + pad

        headers = [self.model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
        labels = channel_labels()
        states = [f"{label} (training)" for label in state_labels().values()]
        samples = {
            Column.ID: ["ha00001"],
            Column.NAME: ["Xiaoming Zhang"],
            Column.TEAM: ["Hotline 1"],
            Column.CHANNEL: [f"{label} ⇄ 88:88" for label in labels.values()],
            Column.STATE: states,
            Column.TIME_IN_STATE: ["88:88:88"],
            Column.LOAD: ["8 + 8/8"],  # calls + chats of a person on two platforms
            Column.HANDLED: ["888"],
            Column.AHT: ["88:88"],
            Column.PER_HOUR: [RATE_TEMPLATE],
        }
        for column, texts in samples.items():
            width = max(widest(texts), widest([headers[column]]) + metrics.height() // 2)
            self.view.setColumnWidth(column, width)
        # Never narrower than a few names: below that the table scrolls sideways.
        self._queues_min = widest(["Complaints, General"])

    def _fit_waiting_width(self) -> None:
        """Contact id, a clock and a channel: narrow; the agents keep the rest."""
        self.waiting.setFixedWidth(self.fontMetrics().averageCharWidth() * 40)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the window scaled its fonts
            self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
            self.view.horizontalHeader().setFont(self.font())  # styles give headers their own
            self._fit_waiting_width()
            self._fit_columns()
            self._fit_queues_column()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_queues_column()
        return super().eventFilter(watched, event)

    def _fit_queues_column(self) -> None:
        """Queues stretch over the spare width, or keep their minimum and scroll."""
        header = self.view.horizontalHeader()
        others = sum(self.view.columnWidth(c) for c in Column if c != Column.SKILLS)
        fits = self.view.viewport().width() - others >= self._queues_min
        mode = QHeaderView.ResizeMode.Stretch if fits else QHeaderView.ResizeMode.Interactive
        if header.sectionResizeMode(Column.SKILLS) != mode:
            header.setSectionResizeMode(Column.SKILLS, mode)
        if not fits and self.view.columnWidth(Column.SKILLS) < self._queues_min:
            self.view.setColumnWidth(Column.SKILLS, self._queues_min)

    def _fit_state_column(self, agent_ids: list[str]) -> None:
        """Widen the state column so a move badge that just appeared is not cut off."""
        metrics = self.view.fontMetrics()
        pad = 2 * metrics.averageCharWidth() + 8
        wanted = self.view.columnWidth(Column.STATE)
        for agent_id in agent_ids:
            row = self.model.row_of(agent_id)
            if row is not None:
                text = self.model.state_label(self.model.agent_at(row))
                wanted = max(wanted, metrics.horizontalAdvance(text) + pad)
        if wanted > self.view.columnWidth(Column.STATE):
            self.view.setColumnWidth(Column.STATE, wanted)

    # ----------------------------------------------------------------- update
    def update_floor(self, floor: Floor, changes: Changes) -> None:
        """Reflect one tick: the model signals changed rows (the proxy re-filters just
        those), and time in state is refreshed for the rows on screen."""
        first = floor is not self._floor
        self._floor = floor
        self.model.update_floor(floor, changes)
        if changes.structure or first:
            self._update_skills(floor)
        self.waiting.update_floor(floor, changes)
        self._refresh_shown_time()
        self._update_count()

    def show_queue(self, queue_id: str) -> None:
        """Filter the grid to the agents of `queue_id` and list its waiting contacts
        ("" shows every queue again and hides the list)."""
        index = self.skill_combo.findData(queue_id) if queue_id else 0
        self.skill_combo.setCurrentIndex(max(0, index))
        if self._floor is not None:
            self.waiting.show_queue(self._floor, queue_id if index > 0 else "")

    def set_scope(self, agents: frozenset[str] | None) -> None:
        """Show only a scope's agents (None: everyone), counted as "N of M agents"."""
        self.proxy.set_scope(agents)
        self._update_count()

    def set_stale_feeds(self, feeds: set[str]) -> None:
        """Grey the rows of agents of these feeds and stop their timers."""
        self.model.set_stale_feeds(feeds)

    def _refresh_shown_time(self) -> None:
        """Time in state moves for everyone: signal it for the rows the view shows.

        Rows off screen are not signalled; they read the floor clock when scrolled
        into view. They keep their places even when sorted by time in state, since
        the sort used the values of the moment the user asked for it.
        """
        count = self.proxy.rowCount()
        if not count or not self.view.isVisible():
            return
        top = max(0, self.view.rowAt(0))
        bottom = self.view.rowAt(self.view.viewport().height() - 1)
        bottom = count - 1 if bottom < 0 else bottom
        proxy, rows = self.proxy, []
        for row in range(top, bottom + 1):
            rows.append(proxy.mapToSource(proxy.index(row, 0)).row())
        self.model.refresh_time_in_state(rows)
        self.model.refresh_per_hour(rows)
        self.model.refresh_lends(rows)

    def selected_agent_ids(self) -> list[str]:
        """Ids of the selected agents, in the order the table shows them."""
        rows = self.view.selectionModel().selectedRows()
        rows.sort(key=lambda index: index.row())
        return [index.data(AgentIdRole) for index in rows]

    # ---------------------------------------------------------------- filters
    def _on_text(self, text: str) -> None:
        self.proxy.set_filters(text=text)
        self._update_count()

    def _on_state(self, _index: int) -> None:
        self.proxy.set_filters(state=self.state_combo.currentData())
        self._update_count()

    def _on_channel(self, _index: int) -> None:
        self.proxy.set_filters(channel=self.channel_combo.currentData())
        self._update_count()

    def _on_skill(self, _index: int) -> None:
        queue_id = self.skill_combo.currentData()
        self.proxy.set_filters(skill=queue_id)
        if self._floor is not None and self.waiting.queue_id != (queue_id or ""):
            self.waiting.show_queue(self._floor, queue_id or "")
        self._update_count()
        self.sig_queue_chosen.emit(queue_id or "")

    def _update_skills(self, floor: Floor) -> None:
        """Offer every queue (by name) as a filter, keeping the current choice if it
        still exists."""
        skill_ids = [(q.id, q.name, q.name_zh) for q in floor.queues.values()]
        if skill_ids == self._skill_ids:
            return
        self._skill_ids = skill_ids
        chinese = self.lang.lower().startswith("zh")
        current = self.skill_combo.currentData()
        self.skill_combo.blockSignals(True)
        try:
            while self.skill_combo.count() > 1:
                self.skill_combo.removeItem(1)
            for queue_id, name, name_zh in skill_ids:
                self.skill_combo.addItem((name_zh if chinese and name_zh else name) or queue_id,
                                         queue_id)
                self.skill_combo.setItemData(
                    self.skill_combo.count() - 1, queue_id, Qt.ItemDataRole.ToolTipRole)
            index = self.skill_combo.findData(current) if current is not None else 0
        finally:
            self.skill_combo.blockSignals(False)
        # A queue that disappeared can no longer filter: fall back to all.
        self.skill_combo.setCurrentIndex(max(0, index))

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = (
            self.tr("{total} agents").format(total=total)
            if shown == total
            else self.tr("{shown} of {total} agents").format(shown=shown, total=total)
        )
        if text != self.count_label.text():
            self.count_label.setText(text)
