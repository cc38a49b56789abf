"""Confirm a reassignment (or its undo) after seeing its predicted effect on every queue."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from monitor.erlang import StaffingEstimate
from monitor.impact import ChannelImpact, ImpactPreview, QueueImpact
from ui import fmt

# The wall's critical colours (queue_wall.TILE_COLOURS): text, background.
ALERT_STYLE = "color: #b71c1c; background-color: #fde4e4; font-weight: bold;"


def _wait_if_delayed(e: StaffingEstimate | None) -> float | None:
    if e is None or not e.valid or e.p_wait <= 0:
        return None
    return e.asa_s / e.p_wait


def impact_values(impact: ChannelImpact | QueueImpact) -> dict[str, str]:
    """The preview's numbers for one channel or queue, as the dialog shows them."""
    before, after = impact.estimate_before, impact.estimate_after
    return {
        "servers": f"{impact.before.agents} → {impact.after.agents}",
        "service_level": f"{fmt.percent(before and before.service_level)} → "
                         f"{fmt.percent(after and after.service_level)}",
        "wait": f"{fmt.mmss(_wait_if_delayed(before))} → {fmt.mmss(_wait_if_delayed(after))}",
        "asa": f"{fmt.mmss(before and before.asa_s)} → {fmt.mmss(after and after.asa_s)}",
    }


def queue_name(impact: QueueImpact, lang: str) -> str:
    """The queue's name in the window's language (its id only if it has no name)."""
    if lang.lower().startswith("zh") and impact.name_zh:
        return impact.name_zh
    return impact.name or impact.queue_id


class ImpactDialog(QDialog):
    """Predicted SL and waits per queue, with and without the move; OK sends it.

    A queue the move pushes below its goal (or further below) is shown in the alert
    colour and says so in words.
    """

    def __init__(self, preview: ImpactPreview, title: str, parent: QWidget | None = None,
                 lang: str = "en", note: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.preview = preview
        grid = QGridLayout()
        headers = [self.tr("Queue"), self.tr("Servers"), self.tr("Service level"),
                   self.tr("Goal"), self.tr("Wait if queued"), self.tr("ASA")]
        for column, text in enumerate(headers):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, column)
        channel_names = {"hotline": self.tr("Hotline"), "online": self.tr("Online")}
        self.cells: dict[str, dict[str, QLabel]] = {}
        for row, (queue_id, impact) in enumerate(preview.queues.items(), start=1):
            name = QLabel(self.tr("{queue} ({channel})").format(
                queue=queue_name(impact, lang),
                channel=channel_names.get(impact.channel, impact.channel)))
            grid.addWidget(name, row, 0)
            values = impact_values(impact)
            goal = fmt.percent(impact.goal)
            values = {"servers": values["servers"], "service_level": values["service_level"],
                      "goal": self.tr("below {goal}").format(goal=goal) if impact.alert
                      else goal,
                      "wait": values["wait"], "asa": values["asa"]}
            tip = self.tr("Before: floorwatch erlang {before}\nAfter: floorwatch erlang {after}"
                          ).format(before=" ".join(impact.before.cli_args()),
                                   after=" ".join(impact.after.cli_args()))
            self.cells[queue_id] = {"name": name}
            for column, (key, text) in enumerate(values.items(), start=1):
                label = QLabel(text)
                label.setToolTip(tip)
                if impact.alert and key in ("service_level", "goal"):
                    label.setStyleSheet(ALERT_STYLE)
                grid.addWidget(label, row, column)
                self.cells[queue_id][key] = label
        agents = ", ".join(f"{preview.agent_names.get(a, a)} ({a})" for a in preview.moves)
        text = self.tr(
            "Agents: {agents}. Erlang from the last 15 minutes' traffic of each channel, "
            "each queue at its own target; hotline servers are agents, online servers chat "
            "slots, a blended agent counted once (docs/erlang.md). Hover a number for the "
            "same question as a 'floorwatch erlang' command.").format(
                agents=agents or self.tr("(no known agent)"))
        if preview.alerts:
            text = self.tr("Below goal after this: {queues}.").format(
                queues=", ".join(queue_name(q, lang) for q in preview.alerts)) + " " + text
        self.note = QLabel((note + "\n" if note else "") + text)
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def values(self) -> dict[str, dict[str, str]]:
        """The shown text by queue id and column (name, servers, service_level, goal, …)."""
        return {q: {k: lab.text() for k, lab in cells.items()} for q, cells in self.cells.items()}

    def alerted(self) -> list[str]:
        """Queue ids whose service level cell is in the alert colour."""
        return [q for q, cells in self.cells.items()
                if cells["service_level"].styleSheet() == ALERT_STYLE]
