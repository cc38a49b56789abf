"""The move preview dialog: queue names, per-queue goals, the alert colour, the erlang tooltip."""

from __future__ import annotations

from monitor.commands import Reassign
from monitor.impact import preview
from tests.monitor.test_impact import busy_floor
from ui.reassign.impact_dialog import ALERT_STYLE, ImpactDialog


def test_a_move_below_goal_is_shown_in_the_alert_colour_with_names(qtbot):
    floor = busy_floor()
    impact = preview(floor, Reassign(("h28", "h29"), profile="online"))
    dialog = ImpactDialog(impact, "Move to online")
    qtbot.addWidget(dialog)
    values = dialog.values()
    # Names, not ids, with the channel; the rows are queues, not only channels.
    assert values["complaints"]["name"] == "Complaints (Hotline)"
    assert values["app"]["name"] == "App chat (Online)"
    assert values["complaints"]["servers"] == "36 → 34"
    # The figures differ: not the "SL 100 % -> 100 %" of the issue.
    before, after = values["complaints"]["service_level"].split(" → ")
    assert before != after
    # Pushed below its 80 % goal: alert colour and the words for it.
    assert set(dialog.alerted()) == {"complaints", "general"}
    assert values["complaints"]["goal"] == "below 80%"
    assert values["app"]["goal"] == "80%"
    assert dialog.cells["app"]["service_level"].styleSheet() != ALERT_STYLE
    assert "Below goal after this: Complaints, General." in dialog.note.text()
    assert "Hot 28 (h28), Hot 29 (h29)" in dialog.note.text()
    tip = dialog.cells["complaints"]["service_level"].toolTip()
    assert "--target 30" in tip and "--agents 36" in tip and "--agents 34" in tip


def test_chinese_names_in_a_chinese_window(qtbot):
    impact = preview(busy_floor(), Reassign(("h28",), profile="online"))
    dialog = ImpactDialog(impact, "", lang="zh_CN")
    qtbot.addWidget(dialog)
    assert dialog.values()["complaints"]["name"].startswith("投诉")
    assert dialog.values()["general"]["name"].startswith("General")  # no Chinese name
