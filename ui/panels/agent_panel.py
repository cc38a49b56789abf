"""Agent grid: filter by text, state and skill, sort on header click, select many rows."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
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

from monitor.floor import Changes, Floor
from ui.panels.agent_model import AgentIdRole, AgentTableModel, Column, SortRole, state_labels

_Index = QModelIndex | QPersistentModelIndex


class AgentFilterProxy(QSortFilterProxyModel):
    """Filters agents by text (name, id or skill), state and skill; sorting is the model's.

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
        self._active = False  # any filter set; filterAcceptsRow runs 10,000 times
        self.setSourceModel(source)
        self.setSortRole(SortRole)  # for callers that sort the proxy's own way
        self.setDynamicSortFilter(False)  # on while a filter is set: see set_filters

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the source rows by `column` (-1: order of appearance); see the class."""
        self._source.sort_rows(column, order)

    def set_filters(
        self, text: str | None = None, state: str | None = "", skill: str | None = ""
    ) -> None:
        """Change any of the three filters ("" leaves state/skill as it is, None clears)."""
        self.beginFilterChange()
        if text is not None:
            self._text = text.strip().casefold()
        if state != "":
            self._state = state
        if skill != "":
            self._skill = skill
        self._active = bool(self._text) or self._state is not None or self._skill is not None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        # With no filter there is nothing to re-filter: changed rows pass straight on
        # (a snapshot's 10,000 rows then cost no Python call at all).
        if self.dynamicSortFilter() != self._active:
            self.setDynamicSortFilter(self._active)

    def is_filtering(self) -> bool:
        """True when any filter is set (changed rows are then re-filtered as they change)."""
        return self._active

    def accepts(self, source_row: int) -> bool:
        """Whether the agent in `source_row` passes all three filters."""
        agent = self._source.agent_at(source_row)
        if self._state is not None and agent.state != self._state:
            return False
        if self._skill is not None and self._skill not in agent.skills:
            return False
        if self._text:
            needle = self._text
            return (
                needle in agent.name.casefold()
                or needle in agent.id.casefold()
                or any(needle in skill.casefold() for skill in agent.skills)
            )
        return True

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        return not self._active or self.accepts(source_row)


class AgentPanel(QWidget):
    """The agents of the floor in a filterable, sortable table with multi-selection."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AgentTableModel(self)
        self.proxy = AgentFilterProxy(self.model)
        self._skill_ids: list[str] = []

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(self.tr("Filter by name, id or skill…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_text)

        self.state_combo = QComboBox(self)
        self.state_combo.setToolTip(self.tr("Show only agents in this state"))
        self.state_combo.addItem(self.tr("All states"), None)
        for state, label in state_labels().items():
            self.state_combo.addItem(label, str(state))
        self.state_combo.currentIndexChanged.connect(self._on_state)

        self.skill_combo = QComboBox(self)
        self.skill_combo.setToolTip(self.tr("Show only agents skilled for this queue"))
        self.skill_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.skill_combo.addItem(self.tr("All skills"), None)
        self.skill_combo.currentIndexChanged.connect(self._on_skill)

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
        for column, width in (
            (Column.NAME, 180),
            (Column.STATE, 170),
            (Column.TIME_IN_STATE, 100),
            (Column.LOAD, 60),
            (Column.SKILLS, 260),
        ):
            self.view.setColumnWidth(column, width)
        # No indicator until the user clicks: rows start in floor order.
        horizontal.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        # Skills is the only column whose text grows; let it take the spare width.
        horizontal.setSectionResizeMode(Column.SKILLS, QHeaderView.ResizeMode.Stretch)

        filters = QHBoxLayout()
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.state_combo)
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
        layout.addWidget(self.view, 1)
        self._update_count()

    # ----------------------------------------------------------------- update
    def update_floor(self, floor: Floor, changes: Changes) -> None:
        """Reflect one tick: the model signals changed rows (the proxy re-filters just
        those), and time in state is refreshed for the rows on screen."""
        self.model.update_floor(floor, changes)
        if changes.structure:
            self._update_skills(floor)
        self._refresh_shown_time()
        self._update_count()

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

    def _on_skill(self, _index: int) -> None:
        self.proxy.set_filters(skill=self.skill_combo.currentData())
        self._update_count()

    def _update_skills(self, floor: Floor) -> None:
        """Offer every queue as a skill filter, keeping the current choice if it still exists."""
        skill_ids = list(floor.queues)
        if skill_ids == self._skill_ids:
            return
        self._skill_ids = skill_ids
        current = self.skill_combo.currentData()
        self.skill_combo.blockSignals(True)
        try:
            while self.skill_combo.count() > 1:
                self.skill_combo.removeItem(1)
            for queue_id in skill_ids:
                self.skill_combo.addItem(queue_id, queue_id)
                self.skill_combo.setItemData(
                    self.skill_combo.count() - 1,
                    floor.queues[queue_id].name,
                    Qt.ItemDataRole.ToolTipRole,
                )
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
