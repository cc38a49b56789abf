"""A scope in the floor window (issue 15 part 5): a team scope hides other teams'
agents and queues (tiles, grid rows, alerts), the tiles still show NPS with its
number of answers, the channel headers sum the scope's queues, and the window says
it shows a scope. Nothing here needs a CJK font."""

from __future__ import annotations

from monitor import events as ev
from monitor.alert_book import Alert
from monitor.alert_rules import Scope as AlertScope
from monitor.alert_rules import Severity
from monitor.floor import Floor
from monitor.scope import WHOLE_FLOOR, Members, parse_scope
from ui.floor_window import FloorWindow
from ui.panels.agent_model import AgentIdRole
from ui.panels.alert_panel import AlertFilterProxy, AlertTableModel

T0 = 1_767_258_000.0


def _floor() -> Floor:
    """hl-gen, hl-vip (vip) on the hotline; ol-app, ol-vip (vip) online. Team A:
    a1 {hl-gen, hl-vip}, a2 {ol-app}; team B: a3 {ol-vip}, a4 {hl-gen}. hl-gen has
    3 NPS answers (10, 9, 0: +33) and one waiting call; ol-app one waiting chat."""
    floor = Floor()
    events: list[ev.Event] = [
        ev.QueueDefined(T0, "hl-gen", "General", "hotline", 20.0),
        ev.QueueDefined(T0, "hl-vip", "VIP", "hotline", 20.0, tier="vip"),
        ev.QueueDefined(T0, "ol-app", "App", "online", 60.0),
        ev.QueueDefined(T0, "ol-vip", "VIP chat", "online", 60.0, tier="vip"),
    ]
    for aid, team, skills, chats in [
        ("a1", "A", {"hl-gen": 5, "hl-vip": 5}, 0),
        ("a2", "A", {"ol-app": 5}, 3),
        ("a3", "B", {"ol-vip": 5}, 3),
        ("a4", "B", {"hl-gen": 5}, 0),
    ]:
        events += [ev.AgentLogin(T0, aid, aid.upper(), team), ev.AgentSkills(T0, aid, skills, chats)]
    for n, score in enumerate((10, 9, 0)):
        events.append(ev.SurveyResult(T0 + 5 + n, f"s{n}", "hl-gen", "", score, -1))
    events += [ev.ContactOffered(T0 + 20, "c1", "hl-gen"),
               ev.ContactOffered(T0 + 25, "c2", "ol-app"),
               ev.Heartbeat(T0 + 40)]
    for e in events:
        floor.apply(e)
    return floor


def _shown_agents(window: FloorWindow) -> set[str]:
    proxy = window.agent_panel.proxy
    return {proxy.index(row, 0).data(AgentIdRole) for row in range(proxy.rowCount())}


def test_a_team_scope_hides_other_teams_agents_and_queues(qtbot):
    floor = _floor()
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    window.refresh(floor, floor.take_changes(), [])
    assert set(window.queue_wall.tiles) == {"hl-gen", "hl-vip", "ol-app", "ol-vip"}
    assert _shown_agents(window) == {"a1", "a2", "a3", "a4"}
    assert window.scope_bar.strip.isHidden()

    window.set_scope(parse_scope("team:B"))
    # Team B works hl-gen (a4) and ol-vip (a3): team A's hl-vip and ol-app are gone.
    assert set(window.queue_wall.tiles) == {"hl-gen", "ol-vip"}
    assert _shown_agents(window) == {"a3", "a4"}
    assert window.agent_panel.count_label.text() == "2 of 4 agents"
    # The tiles still show NPS with its number of answers: (2 - 1) / 3 = +33.
    assert window.queue_wall.tiles["hl-gen"].values()["nps"] == "+33 n=3"
    # Headers over the scope: online has ol-vip only (c2 waits in ol-app, not shown);
    # the hotline counts a4 alone (a1 of team A also serves hl-gen).
    assert window.queue_wall.header_text("online").startswith("0 waiting")
    assert window.queue_wall.header_text("hotline").startswith("1 waiting")
    assert "0/1 busy" in window.queue_wall.header_text("hotline")
    # The window says it shows a scope, not the floor.
    assert not window.scope_bar.strip.isHidden()
    assert "Team B" in window.scope_bar.strip.text()
    assert "Team B" in window.windowTitle()
    assert window.scope_bar.combo.currentText() == "Team B"

    # A tick that changes no skills does not recompute the members.
    before = window.scope_bar.watch.recomputed
    floor.apply(ev.AgentStateChanged(T0 + 50, "a4", "not_ready", "break"))
    window.refresh(floor, floor.take_changes(), [])
    assert window.scope_bar.watch.recomputed == before
    # a3 is skilled in ol-app too: team B's queues follow its skills.
    floor.apply(ev.AgentSkills(T0 + 60, "a3", {"ol-vip": 5, "ol-app": 1}, 3))
    window.refresh(floor, floor.take_changes(), [])
    assert set(window.queue_wall.tiles) == {"hl-gen", "ol-vip", "ol-app"}
    assert window.queue_wall.header_text("online").startswith("1 waiting")

    window.set_scope(WHOLE_FLOOR)
    assert set(window.queue_wall.tiles) == {"hl-gen", "hl-vip", "ol-app", "ol-vip"}
    assert _shown_agents(window) == {"a1", "a2", "a3", "a4"}
    assert window.scope_bar.strip.isHidden()
    assert window.windowTitle() == "Floorwatch"


def test_the_selector_offers_teams_and_tiers_and_a_tier_spans_both_channels(qtbot):
    floor = _floor()
    window = FloorWindow(floor)
    qtbot.addWidget(window)
    combo = window.scope_bar.combo
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts == ["Whole floor", "Team A", "Team B", "Tier normal", "Tier vip"]
    combo.setCurrentIndex(texts.index("Tier vip"))  # as a supervisor picks it
    assert set(window.queue_wall.tiles) == {"hl-vip", "ol-vip"}
    assert _shown_agents(window) == {"a1", "a3"}


def test_alerts_outside_the_scope_are_hidden(qtbot):
    model = AlertTableModel(now=lambda: T0)
    proxy = AlertFilterProxy(model)

    def alert(n: int, queue: str, agent: str) -> Alert:
        scope = AlertScope.AGENT if agent else AlertScope.QUEUE if queue else AlertScope.FEED
        return Alert(n, "r", Severity.WARNING, scope, agent or queue or "feed", T0, 1.0,
                     queue=queue, agent=agent)

    model.sync([alert(1, "hl-gen", ""), alert(2, "hl-vip", ""), alert(3, "", "a3"),
                alert(4, "", "a1"), alert(5, "", "")])
    proxy.set_scope(Members(frozenset({"hl-gen", "ol-vip"}), frozenset({"a3", "a4"})))
    shown = {model.alert_at(proxy.mapToSource(proxy.index(r, 0)).row()).id
             for r in range(proxy.rowCount())}
    assert shown == {1, 3, 5}
    proxy.set_scope(None)
    assert proxy.rowCount() == 5


def test_the_wall_display_shows_a_scopes_queues_and_says_so(qtbot):
    from ui.wall_window import WallWindow

    floor = _floor()
    wall = WallWindow(floor)
    qtbot.addWidget(wall)
    assert set(wall.tiles) == {"hl-gen", "hl-vip", "ol-app", "ol-vip"}
    wall.set_scope(parse_scope("tier:vip"), {})
    assert set(wall.tiles) == {"hl-vip", "ol-vip"}
    assert set(wall.page_queues()) == {"hl-vip", "ol-vip"}
    assert not wall.scope_label.isHidden() and wall.scope_label.text() == "Tier vip"
    # The config's [teams.A] names its queues: ol-vip only, whatever its agents work.
    wall.set_scope(parse_scope("team:A"), {"A": ("ol-vip",)})
    assert set(wall.tiles) == {"ol-vip"}
    wall.set_scope(WHOLE_FLOOR, {})
    assert set(wall.tiles) == {"hl-gen", "hl-vip", "ol-app", "ol-vip"}
    assert wall.scope_label.isHidden()
