"""One person on Asterisk and Chatwoot is one row of the agent grid: its state with the
other platform's part when it differs, and its calls and chats apart in the load."""

from __future__ import annotations

from PySide6.QtCore import Qt

from feeds.sources.people import PersonJoin
from monitor.agent_links import AgentLink
from monitor.events import (
    AgentLogin,
    AgentSkills,
    AgentStateChanged,
    ContactAnswered,
    ContactOffered,
    QueueDefined,
)
from monitor.floor import Floor
from ui.panels.agent_model import AgentTableModel, Column


def _floor() -> tuple[Floor, PersonJoin]:
    floor = Floor()
    join = PersonJoin([AgentLink("a017", "Li Na", "A", "PJSIP/1017", 17)],
                      {"pbx": "asterisk", "chat": "chatwoot"})

    def tell(part, *events):
        for e in events:
            for key, out in join.event(part, e):
                floor.apply(out, key)

    tell("pbx", QueueDefined(1.0, "general", "General", "hotline"),
         AgentLogin(2.0, "PJSIP/1017", "1017"), AgentSkills(2.0, "PJSIP/1017", {"general": 1}),
         ContactOffered(3.0, "call-1", "general"),
         ContactAnswered(4.0, "call-1", "general", "PJSIP/1017"),
         AgentStateChanged(4.0, "PJSIP/1017", "on_contact"))
    tell("chat", QueueDefined(1.0, "inbox-1", "Web chat", "online"),
         AgentLogin(5.0, "cw-17", "Li"), AgentSkills(5.0, "cw-17", {"inbox-1": 1}, 3),
         ContactOffered(6.0, "cw-conv-9", "inbox-1"),
         ContactAnswered(7.0, "cw-conv-9", "inbox-1", "cw-17"),
         AgentStateChanged(7.0, "cw-17", "not_ready", "busy"))
    return floor, join


def test_a_person_is_one_row_with_both_platforms_state_and_load(qtbot):
    floor, _join = _floor()
    model = AgentTableModel()
    relabelled: list = []
    model.sig_rows_relabelled.connect(relabelled.append)
    model.update_floor(floor, floor.take_changes())
    assert relabelled == [["a017"]]  # the view may widen the state column for it
    assert model.rowCount() == 1
    cell = model.index(0, Column.STATE)
    assert cell.data() == "On contact · Online: Not ready (busy)"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == (
        "Hotline: On contact; Online: Not ready (busy)")
    assert model.index(0, Column.LOAD).data() == "1 + 1/3"  # a call, and a chat of three
    assert model.index(0, Column.CHANNEL).data() == "Blended"
    assert model.index(0, Column.NAME).data() == "Li Na"


def test_an_agent_of_one_platform_reads_as_before(qtbot):
    floor = Floor()
    for e in (QueueDefined(1.0, "inbox-1", "Web chat", "online"),
              AgentLogin(2.0, "cw-18", "Bo"), AgentSkills(2.0, "cw-18", {"inbox-1": 1}, 3),
              AgentStateChanged(3.0, "cw-18", "not_ready", "break")):
        floor.apply(e, "chat")
    model = AgentTableModel()
    model.update_floor(floor, floor.take_changes())
    assert model.index(0, Column.STATE).data() == "Not ready (break)"
    assert model.index(0, Column.LOAD).data() == "0/3"
