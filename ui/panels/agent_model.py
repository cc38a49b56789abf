"""Table model of the floor's agents: one row per agent, narrow updates per tick.

Rows keep the order agents first appeared in `Floor.agents`, or the order of the
last `sort_rows` request; a tick never moves them. New agents are appended, and
only agents leaving the floor reset the model. Everything `data()` reads is O(1),
so 10,000 agents stay smooth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
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
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from monitor import agent_parts
from monitor.agent_work import BLEND, HOTLINE, ONLINE, queue_names, work_channel
from monitor.alert_book import Alert
from monitor.events import AgentStatus
from monitor.floor import Agent, Changes, Floor
from monitor.state import Queue
from ui import fmt
from ui.panels import work_text
from ui.panels.alert_look import AGENT_ALERT_COLOURS, alert_text, message_of

SortRole = Qt.ItemDataRole.UserRole + 1  # raw value to sort by: float seconds, int load …
AgentIdRole = Qt.ItemDataRole.UserRole + 2  # the agent id of the row, whatever the column
AGENT_IDS_MIME = "application/x-floorwatch-agent-ids"  # newline-separated ids, dragged to a wall

_Index = QModelIndex | QPersistentModelIndex

# Past this many separate runs of changed rows (a snapshot of one feed among others,
# rows sorted), one signal over their span is cheaper than a signal per run.
MAX_RUNS = 64


class Column(IntEnum):
    ID = 0
    NAME = 1
    TEAM = 2
    CHANNEL = 3
    STATE = 4
    TIME_IN_STATE = 5
    LOAD = 6
    SKILLS = 7
    HANDLED = 8
    AHT = 9
    PER_HOUR = 10  # contacts per staffed hour over the floor's window (monitor/productivity.py)


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
# An agent of a stale feed: every cell grey, so nobody reads a frozen state as live.
_STALE_FG = QBrush(QColor("#8a8a8a"))
_STALE_BG = QBrush(QColor("#ececec"))
_LENT_FG = QBrush(QColor("#6a1b9a"))  # the lend marker: not a state colour
_STATE_BRUSHES = {s: (QBrush(bg), QBrush(fg)) for s, (bg, fg) in STATE_COLOURS.items()}
_ALERT_BRUSHES = {s: (QBrush(bg), QBrush(fg)) for s, (bg, fg) in AGENT_ALERT_COLOURS.items()}
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


def reason_labels() -> dict[str, str]:
    """Translated not-ready reasons for the codes feeds commonly send (others shown as sent)."""
    return {
        "break": QCoreApplication.translate("NotReadyReason", "break"),
        "meal": QCoreApplication.translate("NotReadyReason", "meal"),
        "lunch": QCoreApplication.translate("NotReadyReason", "lunch"),
        "training": QCoreApplication.translate("NotReadyReason", "training"),
        "meeting": QCoreApplication.translate("NotReadyReason", "meeting"),
        "coaching": QCoreApplication.translate("NotReadyReason", "coaching"),
        "admin": QCoreApplication.translate("NotReadyReason", "admin"),
        "outbound": QCoreApplication.translate("NotReadyReason", "outbound"),
        "personal": QCoreApplication.translate("NotReadyReason", "personal"),
    }


def channel_labels() -> dict[str, str]:
    """Translated names of what an agent works on (see `monitor.agent_work.work_channel`)."""
    return {
        HOTLINE: QCoreApplication.translate("AgentChannel", "Hotline"),
        ONLINE: QCoreApplication.translate("AgentChannel", "Online"),
        BLEND: QCoreApplication.translate("AgentChannel", "Blended"),
        "": fmt.DASH,
    }


class AgentTableModel(QAbstractTableModel):
    """Agents of one `Floor` as rows; `update_floor` turns `Changes` into narrow signals."""

    # agent ids whose labels changed between ticks (a move badge): a view may widen columns
    sig_rows_relabelled = Signal(list)

    def __init__(self, parent: QObject | None = None, lang: str = "en") -> None:
        super().__init__(parent)
        self._floor: Floor | None = None
        self._appeared: list[str] = []  # agent ids in the order they first appeared
        self._ids: list[str] = []  # row -> agent id
        self._rows: dict[str, int] = {}  # agent id -> row
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._chinese = lang.lower().startswith("zh")  # queue names in Chinese
        self._state_labels = state_labels()
        self._reason_labels = reason_labels()
        self._channel_labels = channel_labels()
        # feed key -> floor time its agents' timers stopped at (the feed went stale)
        self._frozen: dict[str, float] = {}
        self._italic = QFont()
        self._italic.setItalic(True)
        # agent id -> badge text for a move in flight ("" = none); set by the reassign controller
        self.badge_of: Callable[[str], str] = lambda _agent_id: ""
        # agent id -> seconds left of a timed lend (None = not lent); set by whoever tracks
        # lends (see `monitor.agent_work.Lends`)
        self.lend_left: Callable[[str], float | None] = lambda _agent_id: None
        # agent id -> the agent's worst unsnoozed alert (None = none): its id and name
        # cells take the alert's colour, its state says the word; set when alerts run
        self.alert_of: Callable[[str], Alert | None] = lambda _agent_id: None
        translate = QCoreApplication.translate
        self._headers = [
            translate("AgentTableModel", "Id"),
            translate("AgentTableModel", "Name"),
            translate("AgentTableModel", "Team"),
            translate("AgentTableModel", "Channel"),
            translate("AgentTableModel", "State"),
            translate("AgentTableModel", "Time in state"),
            translate("AgentTableModel", "Load"),
            translate("AgentTableModel", "Queues"),
            translate("AgentTableModel", "Handled"),
            translate("AgentTableModel", "AHT"),
            work_text.rate_caption(),
        ]
        self._header_tips = [
            translate("AgentTableModel", "Agent id, as the feed names the agent"),
            translate("AgentTableModel", "Agent name"),
            translate("AgentTableModel", "Team the agent logged in with"),
            translate("AgentTableModel", "What the agent's queues cover: hotline, online or both "
               "(blended); a lent agent shows the time left of the lend"),
            translate("AgentTableModel", "Current state, with not-ready reason"),
            translate("AgentTableModel", "Time since the last state change"),
            translate("AgentTableModel", "Contacts in hand / concurrent capacity (1 for voice)"),
            translate("AgentTableModel", "Queues the agent is skilled for"),
            translate("AgentTableModel", "Contacts completed (with wrap-up) since this client connected"),
            translate("AgentTableModel", "Agent's average handle time: talk or chat + wrap-up"),
            "",  # per agent-hour: names the floor's window (headerData)
        ]
        self._work_minute: int | None = None  # the minute the per-hour column last moved

    # ----------------------------------------------------------------- update
    def update_floor(self, floor: Floor, changes: Changes) -> None:
        """Reflect one tick: dataChanged for the rows of changed agents, nothing else.

        A structure change appends rows for new agents; only agents leaving the
        floor (or a new floor) reset the model, once. Time in state moves for every
        agent every tick but is not signalled here: see `refresh_time_in_state`.
        """
        if floor is not self._floor:
            self._reset(floor)
        elif changes.structure or any(a not in self._rows for a in changes.agents):
            if not self._add_agents(floor):
                self._reset(floor)
            else:
                self._emit_rows(self._rows[a] for a in changes.agents if a in self._rows)
        else:
            self._emit_rows(self._rows[a] for a in changes.agents if a in self._rows)
        # A person's other platform beside its state makes a longer label: let the view
        # widen the column (only the people that changed this tick are looked at).
        agents = floor.agents
        both = [a for a in changes.agents
                if a in agents and agents[a].reason.startswith(agent_parts.PREFIX)]
        if both:
            self.sig_rows_relabelled.emit(both)

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

    def refresh_per_hour(self, rows: Iterable[int] | None = None) -> None:
        """Signal the per-hour column of these source rows (default: all) when a minute
        passed since it was last signalled: it covers whole minutes, so it moves once a
        minute (between, only agents that changed, by `update_floor`)."""
        roles = [Qt.ItemDataRole.DisplayRole, SortRole]
        spans = [(0, len(self._ids) - 1)] if rows is None else _runs(sorted(rows))
        minute = int(self._floor.now // 60) if self._floor is not None else None
        if minute != self._work_minute:
            self._work_minute = minute
            for first, last in spans:
                if first <= last:
                    self.dataChanged.emit(self.index(first, Column.PER_HOUR),
                                          self.index(last, Column.PER_HOUR), roles)

    def refresh_lends(self, rows: Iterable[int]) -> None:
        """Signal the channel column of these source rows whose agents are lent (the
        countdown moves with the clock, like time in state)."""
        lent = [r for r in rows if self.lend_left(self._ids[r]) is not None]
        for first, last in _runs(sorted(lent)):
            self.dataChanged.emit(self.index(first, Column.CHANNEL),
                                  self.index(last, Column.CHANNEL), [])

    def set_stale_feeds(self, feeds: Iterable[str]) -> None:
        """Grey the agents of these feeds and stop their timers at the floor's time now
        (they keep it until the feed is back); the rows of a feed that changed repaint."""
        wanted = set(feeds)
        if wanted == self._frozen.keys():
            return
        now = self._floor.now if self._floor is not None else 0.0
        changed = wanted ^ self._frozen.keys()
        self._frozen = {feed: self._frozen.get(feed, now) for feed in wanted}
        if self._floor is not None:
            agents = self._floor.agents
            self._emit_rows(row for row, agent_id in enumerate(self._ids)
                            if agents[agent_id].feed in changed)

    def is_stale(self, agent: Agent) -> bool:
        """Whether the agent's feed is stale (its row shows the last known state)."""
        return agent.feed in self._frozen

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

    def queues(self) -> Mapping[str, Queue]:
        """The floor's queues by id (empty before the first floor)."""
        return self._floor.queues if self._floor is not None else {}

    def agent_at(self, row: int) -> Agent:
        """The agent shown in source row `row` (the live object in the floor)."""
        assert self._floor is not None
        return self._floor.agents[self._ids[row]]

    def state_label(self, agent: Agent) -> str:
        """State as the table shows it, e.g. "Not ready (break)", plus a pending-move badge."""
        label = self._state_labels.get(agent.state, str(agent.state))
        parts = agent_parts.decode(agent.reason) if agent.reason else None
        if parts is not None:  # one person on two platforms: the other part, when it differs
            label = " · ".join([label, *(f"{self._channel_labels.get(c, c)}: "
                                         f"{self._part_label(s, r)}"
                                         for c, s, r in parts if s != agent.state)])
        elif agent.reason:
            label = f"{label} ({self._reason_labels.get(agent.reason, agent.reason)})"
        badge = self.badge_of(agent.id)
        if badge:
            label = f"{label} · {badge}"
        alert = self.alert_of(agent.id)
        return f"{label} · {alert_text(alert.severity)}" if alert is not None else label

    def _part_label(self, state: str, reason: str) -> str:
        label = self._state_labels.get(state, state)
        return f"{label} ({self._reason_labels.get(reason, reason)})" if reason else label

    def parts_text(self, agent: Agent) -> str | None:
        """Each platform's state of a person on two, e.g. "Hotline: On contact; Online:
        Available", or None for an agent of one platform."""
        parts = agent_parts.decode(agent.reason) if agent.reason else None
        if parts is None:
            return None
        return "; ".join(f"{self._channel_labels.get(c, c)}: {self._part_label(s, r)}"
                         for c, s, r in parts)

    def load_text(self, agent: Agent) -> str:
        """Contacts in hand: "2/3" (of the chat capacity); with calls and chats at once,
        each channel's: "1 + 2/3" (calls + chats of capacity)."""
        assert self._floor is not None
        if not agent.contacts or not agent.chat_capacity:
            return fmt.load(agent.load, agent.chat_capacity)
        contacts, queues = self._floor.contacts, self._floor.queues
        calls = 0
        for contact_id in agent.contacts:
            c = contacts.get(contact_id)
            q = queues.get(c.queue) if c is not None else None
            calls += q is not None and q.channel == HOTLINE
        if not calls:
            return fmt.load(agent.load, agent.chat_capacity)
        return f"{calls} + {fmt.load(agent.load - calls, agent.chat_capacity)}"

    def refresh_agents(self, agent_ids: Iterable[str]) -> None:
        """Repaint these agents' rows (e.g. a badge came or went between ticks)."""
        agent_ids = list(agent_ids)
        self._emit_rows(r for r in (self._rows.get(a) for a in agent_ids) if r is not None)
        self.sig_rows_relabelled.emit(agent_ids)

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
            if section == Column.PER_HOUR:
                window = self._floor.window_min if self._floor is not None else 15
                return work_text.agent_tooltip(window)
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
        if role == Qt.ItemDataRole.FontRole:
            return self._italic if self._frozen and agent.feed in self._frozen else None
        if role == SortRole:
            return self._sort_value(agent, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._frozen and agent.feed in self._frozen:
                return _STALE_BG
            if column == Column.STATE:
                return _STATE_BRUSHES.get(agent.state, (None, None))[0]
            if column <= Column.NAME and (alert := self.alert_of(agent.id)) is not None:
                return _ALERT_BRUSHES[alert.severity][0]
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if self._frozen and agent.feed in self._frozen:
                return _STALE_FG
            if column == Column.STATE:
                return _STATE_BRUSHES.get(agent.state, (None, None))[1]
            if column == Column.CHANNEL and self.lend_left(agent.id) is not None:
                return _LENT_FG
            if column <= Column.NAME and (alert := self.alert_of(agent.id)) is not None:
                return _ALERT_BRUSHES[alert.severity][1]
            return _DIM if agent.state == AgentStatus.LOGGED_OUT else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return (
                _RIGHT
                if column in (Column.TIME_IN_STATE, Column.LOAD, Column.HANDLED, Column.AHT,
                              Column.PER_HOUR)
                else _LEFT
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(agent, column)
        if role == AgentIdRole:
            return agent.id
        return None

    def _tooltip(self, agent: Agent, column: int) -> str | None:
        if self._frozen and agent.feed in self._frozen:
            return QCoreApplication.translate(
                "AgentTableModel", "Feed {feed} is stale: this is the agent's last known state"
            ).format(feed=agent.feed)
        if column <= Column.NAME and (alert := self.alert_of(agent.id)) is not None:
            return f"{alert_text(alert.severity)}: {message_of(alert, self._chinese)}"
        if column == Column.NAME:
            return f"{agent.id} · {agent.team}" if agent.team else agent.id
        if column == Column.STATE:  # whole, however narrow the column; each platform's
            parts = self.parts_text(agent)
            return self.state_label(agent) if parts is None else parts
        if column == Column.SKILLS:
            return ", ".join(sorted(agent.skills))  # the ids behind the names
        left = self.lend_left(agent.id) if column == Column.CHANNEL else None
        if left is not None:
            return QCoreApplication.translate(
                "AgentTableModel",
                "⇄ Lent: {left} left; the feed moves the agent back when the time is up",
            ).format(left=fmt.mmss(left))
        return None

    def channel_text(self, agent: Agent) -> str:
        """Hotline, Online or Blended, with a lent agent's marker and time left."""
        assert self._floor is not None
        text = self._channel_labels[work_channel(agent.skills, self._floor.queues)]
        left = self.lend_left(agent.id)
        if left is None:
            return text
        # Short, so the column stays narrow: the tooltip says what the marker means.
        return f"{text} ⇄ {fmt.mmss(left)}"

    def skills_text(self, agent: Agent) -> str:
        """Names of the queues the agent serves, sorted and comma-joined."""
        assert self._floor is not None
        return ", ".join(queue_names(agent.skills, self._floor.queues, self._chinese))

    def _display(self, agent: Agent, column: int) -> Any:
        if column == Column.ID:
            return agent.id
        if column == Column.NAME:
            return agent.name
        if column == Column.TEAM:
            return agent.team
        if column == Column.CHANNEL:
            return self.channel_text(agent)
        if column == Column.STATE:
            return self.state_label(agent)
        if column == Column.TIME_IN_STATE:
            return fmt.mmss(self._time_in_state(agent))
        if column == Column.LOAD:
            return self.load_text(agent)
        if column == Column.SKILLS:
            return self.skills_text(agent)
        if column == Column.HANDLED:
            return str(agent.handled)
        if column == Column.AHT:
            return fmt.mmss(agent.handle_s / agent.handled if agent.handled else None)
        if column == Column.PER_HOUR:
            return work_text.rate_text(self._per_hour(agent))
        return None

    def _sort_value(self, agent: Agent, column: int) -> Any:
        if column == Column.ID:
            return agent.id.casefold()
        if column == Column.NAME:
            return agent.name.casefold()
        if column == Column.TEAM:
            return agent.team.casefold()
        if column == Column.CHANNEL:
            return self.channel_text(agent)
        if column == Column.STATE:
            return STATE_ORDER.get(agent.state, len(STATE_ORDER))
        if column == Column.TIME_IN_STATE:
            return self._time_in_state(agent)
        if column == Column.LOAD:
            return agent.load
        if column == Column.SKILLS:
            return self.skills_text(agent)
        if column == Column.HANDLED:
            return agent.handled
        if column == Column.AHT:
            return agent.handle_s / agent.handled if agent.handled else -1.0
        if column == Column.PER_HOUR:
            rate = self._per_hour(agent)
            return -1.0 if rate is None else rate
        return None

    def _per_hour(self, agent: Agent) -> float | None:
        """Contacts per staffed hour over the floor's window (cached per minute there)."""
        assert self._floor is not None
        return self._floor.productivity.agent(self._floor, agent.id).contacts_per_agent_hour

    def _time_in_state(self, agent: Agent) -> float:
        assert self._floor is not None
        now = self._frozen.get(agent.feed, self._floor.now) if self._frozen else self._floor.now
        return max(0.0, now - agent.state_since)


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows as (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
