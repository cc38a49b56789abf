"""Confirm a reassignment after seeing its predicted effect on both channels."""

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
from monitor.impact import ChannelImpact, ImpactPreview
from ui import fmt


def _wait_if_delayed(e: StaffingEstimate | None) -> float | None:
    if e is None or not e.valid or e.p_wait <= 0:
        return None
    return e.asa_s / e.p_wait


def impact_values(impact: ChannelImpact) -> dict[str, str]:
    """The preview's numbers for one channel, as the dialog shows them."""
    before, after = impact.estimate_before, impact.estimate_after
    return {
        "servers": f"{impact.before.agents} → {impact.after.agents}",
        "service_level": f"{fmt.percent(before and before.service_level)} → "
                         f"{fmt.percent(after and after.service_level)}",
        "wait": f"{fmt.mmss(_wait_if_delayed(before))} → {fmt.mmss(_wait_if_delayed(after))}",
        "asa": f"{fmt.mmss(before and before.asa_s)} → {fmt.mmss(after and after.asa_s)}",
    }


class ImpactDialog(QDialog):
    """Predicted SL and waits per channel, with and without the move; OK sends it."""

    def __init__(self, preview: ImpactPreview, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.preview = preview
        grid = QGridLayout()
        headers = [self.tr("Channel"), self.tr("Servers"), self.tr("Service level"),
                   self.tr("Wait if queued"), self.tr("ASA")]
        for column, text in enumerate(headers):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, column)
        names = {"hotline": self.tr("Hotline"), "online": self.tr("Online")}
        self.cells: dict[str, dict[str, QLabel]] = {}
        for row, (channel, impact) in enumerate(preview.channels.items(), start=1):
            grid.addWidget(QLabel(names.get(channel, channel)), row, 0)
            self.cells[channel] = {}
            for column, (key, text) in enumerate(impact_values(impact).items(), start=1):
                label = QLabel(text)
                label.setToolTip("floorwatch erlang " + " ".join(impact.after.cli_args()))
                grid.addWidget(label, row, column)
                self.cells[channel][key] = label
        agents = ", ".join(preview.moves) or self.tr("(no known agent)")
        note = QLabel(self.tr(
            "Agents: {agents}. Erlang from the last 15 minutes' traffic; online servers "
            "are chat slots. Hover a number for the same question as a "
            "'floorwatch erlang' command.").format(agents=agents))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def values(self) -> dict[str, dict[str, str]]:
        return {ch: {k: lab.text() for k, lab in cells.items()} for ch, cells in self.cells.items()}
