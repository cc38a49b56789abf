"""Table model of the floor's agents: one row per agent, narrow updates per tick.

Rows keep the order agents first appeared in `Floor.agents`, or the order of the
last `sort_rows` request; a tick never moves them. New agents are appended, and
only agents leaving the floor reset the model. Everything `data()` reads is O(1),
so 10,000 agents stay smooth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from monitor.events import AgentStatus
from monitor.floor import Agent, Changes, Floor
from ui import fmt

SortRole = Qt.ItemDataRole.UserRole + 1  # raw value to sort by: float seconds, int load …
AgentIdRole = Qt.ItemDataRole.UserRole + 2  # the agent id of the row, whatever the column
AGENT_IDS_MIME = "application/x-floorwatch-agent-ids"  # newline-separated ids, dragged to a wall

_Index = QModelIndex | QPersistentModelIndex

# Past this many separate runs of changed rows (a snapshot of one feed among others,
# rows sorted), one signal over their span is cheaper than a signal per run.
MAX_RUNS = 64


class Column(IntEnum):
    NAME = 0
    STATE = 1
    TIME_IN_STATE = 2
    LOAD = 3
    SKILLS = 4
    HANDLED = 5
    AHT = 6


# Order for sorting by state: ready first, gone last.
STATE_ORDER: dict[str, int] = {
    AgentStatus.AVAILABLE: 0,
    AgentStatus.RINGING: 1,
    AgentStatus.ON_CONTACT: 2,
    AgentStatus.WRAP_UP: 3,
    AgentStatus.NOT_READY: 4,
    AgentStatus.LOGGED_OUT: 5,
}

# (background, foreground) of the state cell; light tints so dark text stays readable.
STATE_COLOURS: dict[str, tuple[QColor, QColor]] = {
    AgentStatus.AVAILABLE: (QColor("#c8e6c9"), QColor("#1b5e20")),
    AgentStatus.ON_CONTACT: (QColor("#bbdefb"), QColor("#0d47a1")),
    AgentStatus.RINGING: (QColor("#e1f5fe"), QColor("#01579b")),
    AgentStatus.WRAP_UP: (QColor("#ffe082"), QColor("#4e342e")),
    AgentStatus.NOT_READY: (QColor("#e0e0e0"), QColor("#424242")),
    AgentStatus.LOGGED_OUT: (QColor("#f5f5f5"), QColor("#9e9e9e")),
}
_DIM = QBrush(QColor("#9e9e9e"))
_STATE_BRUSHES = {s: (QBrush(bg), QBrush(fg)) for s, (bg, fg) in STATE_COLOURS.items()}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def state_labels() -> dict[str, str]:
    """Translated names of agent states, in the order a supervisor reads them."""
    return {
        AgentStatus.AVAILABLE: QCoreApplication.translate("AgentState", "Available"),
        AgentStatus.RINGING: QCoreApplication.translate("AgentState", "Ringing"),
        AgentStatus.ON_CONTACT: QCoreApplication.translate("AgentState", "On contact"),
        AgentStatus.WRAP_UP: QCoreApplication.translate("AgentState", "Wrap-up"),
        AgentStatus.NOT_READY: QCoreApplication.translate("AgentState", "Not ready"),
        AgentStatus.LOGGED_OUT: QCoreApplication.translate("AgentState", "Logged out"),
    }


def skills_text(agent: Agent) -> str:
    """Queue ids the agent serves, sorted and comma-joined."""
    return ", ".join(sorted(agent.skills))


class AgentTableModel(QAbstractTableModel):
    """Agents of one `Floor` as rows; `update_floor` turns `Changes` into narrow signals."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._floor: Floor | None = None
        self._appeared: list[str] = []  # agent ids in the order they first appeared
        self._ids: list[str] = []  # row -> agent id
        self._rows: dict[str, int] = {}  # agent id -> row
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._state_labels = state_labels()
        # agent id -> badge text for a move in flight ("" = none); set by the reassign controller
        self.badge_of: Callable[[str], str] = lambda _agent_id: ""
        self._headers = [
            QCoreApplication.translate("AgentTableModel", "Name"),
            QCoreApplication.translate("AgentTableModel", "State"),
            QCoreApplication.translate("AgentTableModel", "Time in state"),
            QCoreApplication.translate("AgentTableModel", "Load"),
            QCoreApplication.translate("AgentTableModel", "Skills"),
            QCoreApplication.translate("AgentTableModel", "Handled"),
            QCoreApplication.translate("AgentTableModel", "AHT"),
        ]
        self._header_tips = [
            QCoreApplication.translate("AgentTableModel", "Agent name (id and team in tooltip)"),
            QCoreApplication.translate("AgentTableModel", "Current state, with not-ready reason"),
            QCoreApplication.translate("AgentTableModel", "Time since the last state change"),
            QCoreApplication.translate(
                "AgentTableModel", "Contacts in hand / concurrent capacity (1 for voice)"
            ),
            QCoreApplication.translate("AgentTableModel", "Queues the agent is skilled for"),
            QCoreApplication.translate(
                "AgentTableModel", "Contacts completed (with wrap-up) since this client connected"
            ),
            QCoreApplication.translate(
                "AgentTableModel", "Agent's average handle time: talk or chat + wrap-up"
            ),
        ]

    # ----------------------------------------------------------------- update
    def update_floor(self, floor: Floor, changes: Changes) -> None:
        """Reflect one tick: dataChanged for the rows of changed agents, nothing else.

        A structure change appends rows for new agents; only agents leaving the
        floor (or a new floor) reset the model, once. Time in state moves for every
        agent every tick but is not signalled here: see `refresh_time_in_state`.
        """
        if floor is not self._floor:
            self._reset(floor)
            return
        if changes.structure or any(agent_id not in self._rows for agent_id in changes.agents):
            if not self._add_agents(floor):
                self._reset(floor)
                return
        self._emit_rows(self._rows[a] for a in changes.agents if a in self._rows)

    def refresh_time_in_state(self, rows: Iterable[int] | None = None) -> None:
        """Signal that time in state moved for these source rows (default: all rows).

        A view passes only the rows it shows: a signal over all 10,000 rows would make
        a dynamically filtering proxy re-filter every row, every tick.
        """
        column = Column.TIME_IN_STATE
        roles = [Qt.ItemDataRole.DisplayRole, SortRole]
        spans = [(0, len(self._ids) - 1)] if rows is None else _runs(sorted(rows))
        for first, last in spans:
            if first <= last:
                self.dataChanged.emit(self.index(first, column), self.index(last, column), roles)

    def sort_rows(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Put the rows in order of `column` now (-1: the order agents appeared in).

        Sorts in Python, once, by the values of this moment (stable: ties keep the
        order of appearance); rows then stay where they are until the next request.
        Persistent indexes (selection, current row) follow their agents.
        """
        self._sort = (column, order)
        if self._floor is None:
            return
        self.layoutAboutToBeChanged.emit()
        self._ids = self._sorted(self._appeared)
        old_rows, self._rows = self._rows, {agent_id: row for row, agent_id in enumerate(self._ids)}
        old_ids = {row: agent_id for agent_id, row in old_rows.items()}
        persistent = self.persistentIndexList()
        moved = [
            self.index(self._rows[old_ids[index.row()]], index.column())
            if index.row() in old_ids else QModelIndex()
            for index in persistent
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _sorted(self, agent_ids: list[str]) -> list[str]:
        column, order = self._sort
        if column < 0 or self._floor is None:
            return list(agent_ids)
        agents = self._floor.agents
        return sorted(
            agent_ids,
            key=lambda agent_id: self._sort_value(agents[agent_id], column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def _add_agents(self, floor: Floor) -> bool:
        """Append rows for agents new to the floor; False if some agent left it."""
        new = [agent_id for agent_id in floor.agents if agent_id not in self._rows]
        if len(self._ids) + len(new) != len(floor.agents):
            return False
        if new:
            first = len(self._ids)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._appeared.extend(new)
            self._ids.extend(new)
            self._rows.update((agent_id, first + n) for n, agent_id in enumerate(new))
            self.endInsertRows()
        return True

    def _emit_rows(self, rows: Iterable[int]) -> None:
        runs = _runs(sorted(rows))
        if len(runs) > MAX_RUNS:
            runs = [(runs[0][0], runs[-1][1])]
        last_column = len(Column) - 1
        for first, last in runs:
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column), [])

    def _reset(self, floor: Floor) -> None:
        self.beginResetModel()
        self._floor = floor
        self._appeared = list(floor.agents)
        self._ids = self._sorted(self._appeared)
        self._rows = {agent_id: row for row, agent_id in enumerate(self._ids)}
        self.endResetModel()

    # ------------------------------------------------------------- accessors
    def agent_id(self, row: int) -> str:
        """The id of the agent shown in source row `row`."""
        return self._ids[row]

    def row_of(self, agent_id: str) -> int | None:
        """The source row of an agent, or None if the model does not show it."""
        return self._rows.get(agent_id)

    def agent_at(self, row: int) -> Agent:
        """The agent shown in source row `row` (the live object in the floor)."""
        assert self._floor is not None
        return self._floor.agents[self._ids[row]]

    def state_label(self, agent: Agent) -> str:
        """State as the table shows it, e.g. "Not ready (break)", plus a pending-move badge."""
        label = self._state_labels.get(agent.state, str(agent.state))
        label = f"{label} ({agent.reason})" if agent.reason else label
        badge = self.badge_of(agent.id)
        return f"{label} · {badge}" if badge else label

    def refresh_agents(self, agent_ids: Iterable[str]) -> None:
        """Repaint these agents' rows (e.g. a badge came or went between ticks)."""
        self._emit_rows(r for r in (self._rows.get(a) for a in agent_ids) if r is not None)

    # ------------------------------------------------------------ drag out
    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def mimeTypes(self) -> list[str]:  # noqa: N802 - Qt override
        return [AGENT_IDS_MIME]

    def mimeData(self, indexes: list[_Index]) -> QMimeData:  # noqa: N802 - Qt override
        ids = list(dict.fromkeys(self._ids[i.row()] for i in indexes if i.isValid()))
        data = QMimeData()
        data.setData(AGENT_IDS_MIME, QByteArray("\n".join(ids).encode()))
        return data

    # --------------------------------------------------------- Qt interface
    def rowCount(self, parent: _Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._floor is None or not index.isValid():
            return None
        row = index.row()
        if row >= len(self._ids):
            return None
        agent = self._floor.agents.get(self._ids[row])
        if agent is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(agent, column)
        if role == SortRole:
            return self._sort_value(agent, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == Column.STATE:
                return _STATE_BRUSHES.get(agent.state, (None, None))[0]
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.STATE:
                return _STATE_BRUSHES.get(agent.state, (None, None))[1]
            return _DIM if agent.state == AgentStatus.LOGGED_OUT else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (
                _RIGHT
                if column in (Column.TIME_IN_STATE, Column.LOAD, Column.HANDLED, Column.AHT)
                else _LEFT
            )
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.NAME:
            return f"{agent.id} · {agent.team}" if agent.team else agent.id
        if role == AgentIdRole:
            return agent.id
        return None

    def _display(self, agent: Agent, column: int) -> Any:
        if column == Column.NAME:
            return agent.name
        if column == Column.STATE:
            return self.state_label(agent)
        if column == Column.TIME_IN_STATE:
            return fmt.mmss(self._time_in_state(agent))
        if column == Column.LOAD:
            return fmt.load(agent.load, agent.chat_capacity)
        if column == Column.SKILLS:
            return skills_text(agent)
        if column == Column.HANDLED:
            return str(agent.handled)
        if column == Column.AHT:
            return fmt.mmss(agent.handle_s / agent.handled if agent.handled else None)
        return None

    def _sort_value(self, agent: Agent, column: int) -> Any:
        if column == Column.NAME:
            return agent.name.casefold()
        if column == Column.STATE:
            return STATE_ORDER.get(agent.state, len(STATE_ORDER))
        if column == Column.TIME_IN_STATE:
            return self._time_in_state(agent)
        if column == Column.LOAD:
            return agent.load
        if column == Column.SKILLS:
            return skills_text(agent)
        if column == Column.HANDLED:
            return agent.handled
        if column == Column.AHT:
            return agent.handle_s / agent.handled if agent.handled else -1.0
        return None

    def _time_in_state(self, agent: Agent) -> float:
        assert self._floor is not None
        return max(0.0, self._floor.now - agent.state_since)


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
