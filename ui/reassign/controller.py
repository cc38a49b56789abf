"""One-click reassignment between hotline and online: actions, preview, pending, undo, lend.

Slots only gather the selection and hand over; what a move means lives in
`monitor.commands` and `monitor.impact`. Commands go out on a worker thread
(the GUI never waits on the network) and their results come back as a signal.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QSpinBox, QToolButton, QWidget

from feeds.command_sender import send_reassign
from feeds.health import FeedHealth
from feeds.hub import FeedHub
from feeds.store.audit import AuditRecord, AuditWriter, who_am_i
from monitor.commands import (
    ACCEPTED,
    APPLIED,
    REJECTED,
    UNDO,
    CommandError,
    CommandStatus,
    LendWatch,
    PendingMoves,
    Reassign,
    Role,
    Skills,
    serves,
    undo_commands,
)
from monitor.floor import Changes, Floor
from monitor.impact import ImpactPreview, preview, preview_targets
from monitor.routing import route
from ui.panels.agent_panel import AgentPanel
from ui.panels.queue_wall import QueueWall
from ui.reassign.impact_dialog import ImpactDialog

SEND_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class UndoEntry:
    """One move that can be undone: its agents' skills before it, and when it was sent."""

    before: dict[str, Skills]
    sent_monotonic: float


class ReassignController(QObject):
    """Supervisor controls on the agent panel and the wall; hidden for viewers."""

    sig_result = Signal(dict)  # a command result, on the GUI thread
    _sig_done = Signal(object, object)  # (Reassign, result dict or exception), thread hop

    def __init__(
        self,
        floor: Floor,
        hub: FeedHub,
        panel: AgentPanel,
        wall: QueueWall,
        audit: AuditWriter | None = None,  # submit() never blocks; SQLite stays off this thread
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.floor, self.hub, self.panel, self.audit = floor, hub, panel, audit
        self.pending = PendingMoves()
        self.wall = wall
        self.undo_stack: list[UndoEntry] = []  # per command: agent -> skills before
        self.lends = LendWatch()  # timed lends, to audit their automatic end
        # request id -> (feed, skills before, skills after) until its result
        self._sent: dict[str, tuple[str, dict[str, Skills], dict[str, Skills]]] = {}
        self._undo_text: dict[str, tuple[str, str]] = {}  # request id -> (applied, accepted)
        self.last_result: dict[str, Any] | None = None
        self._records: dict[str, AuditRecord] = {}  # request id -> its audit row, until result
        # request id -> (its audit row, agents still pending): accepted, not yet applied
        self._awaiting_applied: dict[str, tuple[AuditRecord, set[str]]] = {}
        self.confirm: Callable[[ImpactPreview, str], bool] = self._confirm_with_dialog
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="fw-commands")
        self._role = ""
        self._sig_done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        panel.model.badge_of = self._badge

        def action(text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
            act = QAction(text, panel)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            panel.view.addAction(act)
            return act

        self.to_online = action(self.tr("To online"), "Ctrl+Shift+O",
                                lambda: self.request("online"))
        self.to_hotline = action(self.tr("To hotline"), "Ctrl+Shift+H",
                                 lambda: self.request("hotline"))
        self.blend = action(self.tr("Blend"), "Ctrl+Shift+B", lambda: self.request("blend"))
        self.lend = action(self.tr("Lend to online"), "Ctrl+Shift+L",
                           lambda: self.request("online", lend=True))
        # Undo goes through the preview and a confirmation like a move, and only from
        # the agent panel: Ctrl+Z in another part of the window is not an undo of a move.
        self.undo = QAction(self.tr("Undo move"), panel)
        self.undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.undo.triggered.connect(self.undo_last)
        panel.addAction(self.undo)
        self.lend_minutes = QSpinBox(panel)
        self.lend_minutes.setRange(5, 240)
        self.lend_minutes.setSingleStep(5)
        self.lend_minutes.setValue(30)
        self.lend_minutes.setSuffix(self.tr(" min"))
        self.lend_minutes.setToolTip(self.tr("How long a lend lasts before the agents come back"))
        self.status = QLabel(panel)
        self.controls: list[QWidget] = []
        for act in (self.to_online, self.to_hotline, self.blend, self.lend):
            button = QToolButton(panel)
            button.setDefaultAction(act)
            button.setObjectName(f"button-{act.text()}")
            panel.actions_bar.addWidget(button)
            self.controls.append(button)
        panel.actions_bar.addWidget(self.lend_minutes)
        undo_button = QToolButton(panel)
        undo_button.setDefaultAction(self.undo)
        panel.actions_bar.addWidget(undo_button)
        panel.actions_bar.addWidget(self.status, 1)
        self.controls += [self.lend_minutes, undo_button]
        wall.sig_agents_dropped.connect(self._on_drop)
        self._set_role("")

    # ----------------------------------------------------------------- roles
    def _set_role(self, role: str) -> None:
        self._role = role
        allowed = role == Role.SUPERVISOR
        for widget in self.controls:
            widget.setVisible(allowed)
        for act in (self.to_online, self.to_hotline, self.blend, self.lend, self.undo):
            act.setVisible(allowed)
            act.setEnabled(allowed)

    @property
    def can_command(self) -> bool:
        return self._role == Role.SUPERVISOR

    # -------------------------------------------------------------- requests
    def request(self, profile: str, agents: list[str] | None = None,
                lend: bool = False) -> Reassign | None:
        """Preview, confirm and send a move of the selected (or given) agents."""
        if not self.can_command:
            self._say(self.tr("Only supervisors can move agents."))
            return None
        agents = agents if agents is not None else self.panel.selected_agent_ids()
        if not agents:
            self._say(self.tr("Select one or more agents first."))
            return None
        duration = self.lend_minutes.value() * 60.0 if lend else None
        command = Reassign(tuple(agents), profile=profile, duration_s=duration)
        feed = self._route(command)
        if feed is None:
            return None
        impact = preview(self.floor, command)
        if not self.confirm(impact, self._title(command)):
            return None
        self._send(command, feed, {a: before for a, (before, _after) in impact.moves.items()},
                   {a: after for a, (_before, after) in impact.moves.items()})
        return command

    def _route(self, command: Reassign) -> str | None:
        """The feed that owns the command's agents, or None (and the reason shown)."""
        feeds = [s.key for s in self.hub.sources if s.accepts_commands]
        agents = self.floor.agents
        # A platform joined with another (one person on both) takes commands through
        # the joined source: its agents are that source's, whichever platform they are
        # filed under on the floor.
        owner = self.hub.command_key
        try:
            return route(command, lambda a: owner(agents[a].feed) if a in agents else "", feeds)
        except CommandError as exc:
            self._say(self.tr("Not sent: {reason}").format(reason=str(exc)))
            return None

    def undo_last(self) -> list[Reassign]:
        """Preview and confirm giving the agents of the last move their previous skills
        back; then send it and, with its result, say what was undone."""
        if not self.can_command or not self.undo_stack:
            self._say(self.tr("Nothing to undo."))
            return []
        entry = self.undo_stack[-1]
        before = {a: s for a, s in entry.before.items() if a in self.floor.agents}
        if not before:
            self.undo_stack.pop()
            self._say(self.tr("Nothing to undo: the agents of the last move are gone."))
            return []
        where = self._where(before.values())
        n = len(before)
        whole = Reassign(tuple(before), reason=UNDO)  # the undo as one question
        impact = preview_targets(self.floor, whole, before)
        minutes = int((time.monotonic() - entry.sent_monotonic) // 60)
        title = self.tr("Undo: move {n} agent(s) back to {where}").format(n=n, where=where)
        if minutes:
            title += self.tr(" (moved {minutes} min ago)").format(minutes=minutes)
        if not self.confirm(impact, title):
            self._say(self.tr("Undo cancelled: nothing changed."))
            return []
        self.undo_stack.pop()
        commands = []
        for command in undo_commands(before):
            feed = self._route(command)
            if feed is None:
                continue
            now = {}
            for agent in command.agents:
                current = self.floor.agents[agent]
                now[agent] = Skills(dict(current.skills), current.chat_capacity)
            count, where = len(command.agents), self._where([before[a] for a in command.agents])
            self._undo_text[command.request_id] = (
                self.tr("Undone: moved {n} agent(s) back to {where}").format(
                    n=count, where=where),
                self.tr("Undo accepted: {n} agent(s) go back to {where} when their contacts "
                        "end").format(n=count, where=where))
            self._send(command, feed, now, {a: before[a] for a in command.agents},
                       undoable=False)
            commands.append(command)
        return commands

    def _where(self, skills: Iterable[Skills]) -> str:
        """Where agents with these skills work, in words."""
        channels = {q.id: str(q.channel) for q in self.floor.queues.values()}
        kinds = {serves(s, channels) for s in skills}
        words = {"hotline": self.tr("hotline"), "online": self.tr("online"),
                 "blend": self.tr("hotline and online")}
        return words[kinds.pop()] if len(kinds) == 1 and kinds <= set(words) else \
            self.tr("their previous skills")

    def _on_drop(self, channel: str, agents: list[str]) -> None:
        self.request(channel, agents)

    def _send(self, command: Reassign, feed: str, before: dict[str, Skills],
              after: dict[str, Skills], undoable: bool = True) -> None:
        known = [a for a in command.agents if a in before]
        self.pending.sent(Reassign(tuple(known), command.profile, command.skills,
                                   command.chat_capacity, command.duration_s,
                                   command.request_id), before, after)
        if undoable and known:
            self.undo_stack.append(UndoEntry({a: before[a] for a in known}, time.monotonic()))
        self.lends.cancel(known)  # a newer move ends an earlier lend's claim on them
        self._sent[command.request_id] = (feed, dict(before), dict(after))
        if self.audit is not None:
            record = AuditRecord.for_command(
                command, who=who_am_i(self.hub.role(feed)), feed=feed,
                before={a: s.as_dict() for a, s in before.items()},
                after={a: s.as_dict() for a, s in after.items()},
                queue_names=self._queue_names())
            self._records[command.request_id] = record
            self.audit.submit(record)
        self.panel.model.refresh_agents(command.agents)
        self._say(self.tr("Sending…"))
        self._pool.submit(self._send_blocking, command, feed)

    def _send_blocking(self, command: Reassign, feed: str) -> None:
        """Worker thread: send (retrying a dropped connection with the same request id),
        then hop back to the GUI thread with the result."""
        try:
            outcome: object = send_reassign(self.hub, command, SEND_TIMEOUT_S, key=feed)
        except Exception as exc:  # shown to the supervisor, never raised into Qt
            outcome = exc
        self._sig_done.emit(command, outcome)

    def _on_done(self, command: Reassign, outcome: object) -> None:
        if isinstance(outcome, dict):
            result = outcome
        else:
            result = {"request_id": command.request_id, "status": REJECTED,
                      "reason": f"not sent: {outcome}"}
        self.last_result = result
        if result.get("status") not in (ACCEPTED, APPLIED):
            result = {**result, "status": REJECTED}  # an error result changed nothing known
        touched = self.pending.result(result)
        sent = self._sent.pop(command.request_id, None)
        undone = self._undo_text.pop(command.request_id, None)
        if result.get("status") == REJECTED:
            # Nothing changed on the floor, so there is nothing to undo either.
            self.undo_stack = [u for u in self.undo_stack if set(u.before) != set(touched)]
            self._say(self.tr("Rejected: {reason}").format(reason=result.get("reason", "")))
        elif undone is not None:
            self._say(undone[0] if result.get("status") == APPLIED else undone[1])
        else:
            self._say(self.tr("{status}: {agents}").format(
                status=result.get("status", ""), agents=", ".join(command.agents)))
        if sent is not None and command.duration_s and result.get("status") != REJECTED:
            feed, before, after = sent
            t = result.get("t")
            start = float(t) if isinstance(t, int | float) and not isinstance(t, bool) \
                else self.floor.now
            self.lends.started(command, feed, start, before, after)
        record = self._records.pop(command.request_id, None)
        if record is not None and self.audit is not None:
            record = record.with_result(outcome if isinstance(outcome, dict) else result)
            self.audit.submit(record)
            waiting = {a for a in touched if a in self.pending.by_agent}
            if result.get("status") == ACCEPTED and waiting:
                # The audit says "applied" once the feed shows every pending agent moved.
                self._awaiting_applied[command.request_id] = (record, waiting)
        self._settle(touched)  # the feed may have reported the new skills before the result
        self.panel.model.refresh_agents(touched)
        self.sig_result.emit(result)

    # ------------------------------------------------------------------ tick
    def refresh(self, floor: Floor, changes: Changes, health: list[FeedHealth]) -> None:
        """Per tick: follow the role the feed granted; clear moves the feed has applied."""
        self.floor = floor
        role = self.hub.role()
        if role != self._role:
            self._set_role(role)
        # Only agents the feed changed this tick can have settled a move.
        moved = changes.agents & self.pending.by_agent.keys() if self.pending.by_agent else ()
        self._settle(moved)
        if self.lends.lends:
            self._lends_over()

    def _lends_over(self) -> None:
        """Audit, and say, the automatic end of lends whose agents are back."""
        agents = self.floor.agents

        def skills_of(agent_id: str) -> Skills | None:
            a = agents.get(agent_id)
            return None if a is None else Skills(dict(a.skills), a.chat_capacity)

        for end in self.lends.check(self.floor.now, skills_of):
            if self.audit is not None:
                self.audit.submit(AuditRecord.for_lend_end(
                    end, queue_names=self._queue_names()))
            if end.complete:
                self._say(self.tr("Lend over: {n} agent(s) back to {where}").format(
                    n=len(end.agents), where=self._where(end.back.values())))

    def _settle(self, agent_ids: Iterable[str]) -> None:
        done = []
        for agent_id in agent_ids:
            agent = self.floor.agents.get(agent_id)
            move = self.pending.by_agent.get(agent_id)
            if agent is not None and move is not None and self.pending.settle(
                    agent_id, Skills(dict(agent.skills), agent.chat_capacity)):
                done.append(agent_id)
                self._applied(move.request_id, agent_id)
        if done:
            self.panel.model.refresh_agents(done)

    def _applied(self, request_id: str, agent_id: str) -> None:
        """One pending agent of an accepted move has moved; the last one completes it."""
        entry = self._awaiting_applied.get(request_id)
        if entry is None:
            return
        record, waiting = entry
        waiting.discard(agent_id)
        if not waiting and self.audit is not None:
            del self._awaiting_applied[request_id]
            self.audit.submit(record.with_result({"status": APPLIED, "reason": ""}))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --------------------------------------------------------------- helpers
    def _queue_names(self) -> dict[str, str]:
        return {q.id: q.name for q in self.floor.queues.values() if q.name}

    def _badge(self, agent_id: str) -> str:
        status = self.pending.badge(agent_id)
        if not status:
            return ""
        if status == CommandStatus.ACCEPTED:
            return self.tr("move pending (after contact)")
        return self.tr("moving…")

    def _title(self, command: Reassign) -> str:
        names = {"online": self.tr("Move to online"), "hotline": self.tr("Move to hotline"),
                 "blend": self.tr("Blend hotline and online")}
        title = names.get(command.profile, self.tr("Move agents"))
        if command.duration_s:
            title += self.tr(" for {n} min").format(n=int(command.duration_s // 60))
        return title

    def _confirm_with_dialog(self, impact: ImpactPreview, title: str) -> bool:
        dialog = ImpactDialog(impact, title, self.panel.window(), lang=self.wall.lang)
        return dialog.exec() == ImpactDialog.DialogCode.Accepted

    def _say(self, text: str) -> None:
        self.status.setText(text)
