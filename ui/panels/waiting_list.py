"""The waiting contacts of one queue (the tile the supervisor clicked), longest first."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor.agent_work import waiting_contacts
from monitor.floor import Changes, Floor
from ui import fmt

MAX_SHOWN = 200  # a queue with more is in trouble anyway; the tile says how many


def channel_name(channel: str) -> str:
    if channel == "online":
        return QCoreApplication.translate("WaitingList", "Online")
    return QCoreApplication.translate("WaitingList", "Hotline")


class WaitingList(QWidget):
    """Contact id, waiting since (floor clock) and channel of one queue's waiting contacts.

    Rebuilt only when the floor names the queue as changed and its list of
    contacts differs from the one shown; hidden while no queue is chosen.
    """

    def __init__(self, parent: QWidget | None = None, lang: str = "en") -> None:
        super().__init__(parent)
        self.queue_id = ""
        self._chinese = lang.lower().startswith("zh")
        self._shown: list[tuple[str, float]] = []
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Contact"), self.tr("Waiting since"), self.tr("Channel")]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        self.hide()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
            self.table.horizontalHeader().setFont(self.font())

    def show_queue(self, floor: Floor, queue_id: str) -> None:
        """Follow `queue_id` ("" hides the list)."""
        self.queue_id = queue_id if queue_id in floor.queues else ""
        self._shown = []
        self.setVisible(bool(self.queue_id))
        if self.queue_id:
            self._fill(floor)

    def update_floor(self, floor: Floor, changes: Changes) -> None:
        """One tick: read the queue only if the floor says it changed."""
        if not self.queue_id:
            return
        if self.queue_id not in floor.queues:
            self.show_queue(floor, "")
            return
        if self.queue_id in changes.queues or changes.structure:
            self._fill(floor)

    def contacts(self) -> list[tuple[str, str, str]]:
        """What the table shows: (contact, waiting since, channel) per row."""
        return [
            tuple(self.table.item(row, col).text() for col in range(3))  # type: ignore[misc]
            for row in range(self.table.rowCount())
        ]

    def _fill(self, floor: Floor) -> None:
        queue = floor.queues[self.queue_id]
        name = queue.name_zh if self._chinese and queue.name_zh else queue.name
        title = self.tr("{queue}: {n} waiting").format(queue=name, n=len(queue.waiting))
        if self.title.text() != title:
            self.title.setText(title)
        contacts = waiting_contacts(queue, MAX_SHOWN)
        shown = [(c.contact, c.offered_t) for c in contacts]
        if shown == self._shown:
            return
        self._shown = shown
        self.table.setRowCount(len(contacts))
        for row, contact in enumerate(contacts):
            texts = (contact.contact, fmt.clock(contact.offered_t), channel_name(contact.channel))
            for col, text in enumerate(texts):
                item = self.table.item(row, col)
                if item is None:
                    self.table.setItem(row, col, QTableWidgetItem(text))
                elif item.text() != text:
                    item.setText(text)
