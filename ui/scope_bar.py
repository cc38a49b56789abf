"""The floor window's scope: a selector in the menu bar's corner and a strip over the
wall that says, whenever a scope is chosen, that the window shows part of the floor.

The members come from `monitor.scope.ScopeWatch` (recomputed on structure and skills
changes only); the header counts from `monitor.scope_views.ScopeHeaders` (patched per
changed agent). The window applies members to its panels when they change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from monitor.floor import Changes, Floor
from monitor.scope import TEAM, TIER, WHOLE_FLOOR, Scope, ScopeWatch, team_names, tier_names
from monitor.scope_views import ScopeHeaders

STRIP_STYLE = "background: #1565c0; color: white; padding: 2px 8px; font-weight: bold;"
SCOPED_COMBO_STYLE = "QComboBox { background: #bbdefb; font-weight: bold; }"


def scope_label(scope: Scope) -> str:
    """How the selector and the strip name a scope."""
    if scope.kind == TEAM:
        return QCoreApplication.translate("ScopeBar", "Team {name}").format(name=scope.name)
    if scope.kind == TIER:
        return QCoreApplication.translate("ScopeBar", "Tier {name}").format(name=scope.name)
    return QCoreApplication.translate("ScopeBar", "Whole floor")


class ScopeBar(QObject):
    """The selector, the strip and the scope's members for one window."""

    sig_scope_chosen = Signal(object)  # a monitor.scope.Scope

    def __init__(
        self,
        parent: QWidget,
        team_queues: Mapping[str, Sequence[str]] | None = None,
        scope: Scope = WHOLE_FLOOR,
    ) -> None:
        super().__init__(parent)
        self.watch = ScopeWatch(scope, team_queues)
        self.headers = ScopeHeaders()
        self.caption = QLabel(self.tr("Scope:"), parent)
        self.combo = QComboBox(parent)
        self.combo.setToolTip(
            self.tr("Show the whole floor, one team's queues and agents, or one tier's queues")
        )
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.strip = QLabel(parent)
        self.strip.setStyleSheet(STRIP_STYLE)
        self.strip.hide()
        self._choices: list[Scope] = []
        self._teams: set[str] = set()
        self._fill([scope] if not scope.is_all else [])
        self.combo.currentIndexChanged.connect(self._on_index)

    @property
    def scope(self) -> Scope:
        return self.watch.scope

    def follow(self, floor: Floor, changes: Changes | None) -> tuple[bool, set[str]]:
        """One tick: (members changed, channels whose scoped header counts moved)."""
        if changes is None or changes.structure or self._new_team(floor, changes):
            self._refill(floor)
        moved = self.watch.update(floor, changes)
        if moved or (changes is None and not self.scope.is_all):
            self.headers.rebuild(floor, self.watch.members)
            self._show_strip()
            return True, set(self.headers.channels())
        if changes is None:
            return moved, set()
        return False, self.headers.follow(floor, changes.agents)

    def choose(self, scope: Scope) -> None:
        """Select `scope` (from the code or the command line); the window follows."""
        if scope not in self._choices:
            self._fill([*self._choices, scope])
        index = self._choices.index(scope)
        if index != self.combo.currentIndex():
            self.combo.setCurrentIndex(index)  # emits through _on_index
        else:
            self._on_index(index)

    # ---------------------------------------------------------------- internals
    def _on_index(self, index: int) -> None:
        if 0 <= index < len(self._choices):
            self.watch.set_scope(self._choices[index])
            self.combo.setStyleSheet("" if self.scope.is_all else SCOPED_COMBO_STYLE)
            self.sig_scope_chosen.emit(self.scope)

    def _new_team(self, floor: Floor, changes: Changes) -> bool:
        """A changed agent names a team not offered yet (a login may set it)."""
        agents, teams = floor.agents, self._teams
        return any(
            (a := agents.get(aid)) is not None and a.team and a.team not in teams
            for aid in changes.agents
        )

    def _refill(self, floor: Floor) -> None:
        teams = team_names(floor.agents.values(), self.watch.team_queues)
        tiers = tier_names(floor.queues.values())
        self._teams = set(teams)
        found = [Scope(TEAM, t) for t in teams] + [Scope(TIER, t) for t in tiers]
        current = self.scope
        if not current.is_all and current not in found:
            found.append(current)  # chosen (or asked for) before its team appeared
        self._fill(found)

    def _fill(self, scopes: list[Scope]) -> None:
        choices = [WHOLE_FLOOR, *scopes]
        if choices == self._choices:
            return
        self._choices = choices
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        for scope in choices:
            combo.addItem(scope_label(scope), scope.text)
        combo.setCurrentIndex(choices.index(self.scope) if self.scope in choices else 0)
        combo.blockSignals(False)
        combo.setStyleSheet("" if self.scope.is_all else SCOPED_COMBO_STYLE)

    def _show_strip(self) -> None:
        members = self.watch.members
        if members is None:
            self.strip.hide()
            return
        self.strip.setText(
            self.tr("Showing {scope} only · queues: {queues} · agents: {agents}").format(
                scope=scope_label(self.scope),
                queues=len(members.queues),
                agents=len(members.agents),
            )
        )
        self.strip.show()
