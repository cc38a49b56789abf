"""The tiles, channel headers and wall totals show NPS with its number of answers,
satisfaction (mean and % satisfied) and chat response times, "–" for an empty
window; tooltips state the definitions (issue 15). Nothing here needs a CJK font."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontMetrics

from monitor import events as ev
from monitor.floor import WINDOW_TODAY
from tests.floors import NOW, build_floor
from ui.panels.queue_wall import QueueWall
from ui.panels.wall_tile import LABEL_RULE
from ui.wall_window import WallWindow


def _surveyed_floor():
    """The worked example plus, at NOW: general 7 NPS answers (3 promoters, 2 passives,
    2 detractors) and 8 satisfaction answers (28 in all, five of them 4 or 5); an app
    chat whose first reply came 30 s after its question and a second turn of 10 s."""
    floor = build_floor()
    scores = [(10, 5), (9, 4), (9, 5), (8, 4), (7, 3), (6, 2), (0, 1), (-1, 4)]
    for n, (nps, csat) in enumerate(scores):
        floor.apply(ev.SurveyResult(NOW + n, f"s{n}", "general", "", nps, csat))
    floor.apply(ev.ContactOffered(NOW + 10, "k9", "app"))
    floor.apply(ev.ChatMessage(NOW + 10, "k9", "customer", "hello"))
    floor.apply(ev.ContactAnswered(NOW + 20, "k9", "app", "a3"))
    floor.apply(ev.ChatMessage(NOW + 40, "k9", "agent", "hi", "a3"))
    floor.apply(ev.ChatMessage(NOW + 50, "k9", "customer", "where is it"))
    floor.apply(ev.ChatMessage(NOW + 60, "k9", "agent", "on its way", "a3"))
    return floor


def _wall(qtbot, floor) -> QueueWall:
    wall = QueueWall("en")
    qtbot.addWidget(wall)
    wall.update_floor(floor, floor.take_changes())
    return wall


def test_a_tile_shows_nps_with_its_answers_and_a_dash_for_an_empty_window(qtbot):
    floor = _surveyed_floor()
    wall = _wall(qtbot, floor)
    general = wall.tiles["general"]
    # 3 promoters - 2 detractors of 7 answers: +14.3 -> "+14 n=7"; mean 28/8 = 3.5,
    # 5 of 8 satisfied = 62.5 % -> 62 % (Python rounds half to even: 62).
    assert general.values()["nps"] == "+14 n=7"
    assert general.values()["csat"] == "3.5 · 62%"
    assert general.values()["response"] == "–"  # a hotline: no chat
    assert general.fields["response"].isHidden()  # and its cell not shown
    vip = wall.tiles["vip"].values()
    assert (vip["nps"], vip["csat"]) == ("–", "–")  # no survey: a dash, not 0
    # app: first response 30 s; turns 30 s and 10 s: average 20 s.
    app = wall.tiles["app"]
    assert app.values()["response"] == "0:30/0:20"
    assert not app.fields["response"].isHidden()
    assert app.values()["nps"] == "–"

    # Twenty minutes on, the 15-minute window holds none of it: dashes again...
    floor.apply(ev.Heartbeat(NOW + 20 * 60))
    wall.update_floor(floor, floor.take_changes())
    assert (general.values()["nps"], general.values()["csat"]) == ("–", "–")
    assert app.values()["response"] == "–"
    # ... and today still holds all of it.
    wall.set_window(WINDOW_TODAY)
    assert general.values()["nps"] == "+14 n=7"
    assert app.values()["response"] == "0:30/0:20"


def test_tooltips_state_each_definition_with_the_counts(qtbot):
    wall = _wall(qtbot, _surveyed_floor())
    general = wall.tiles["general"]
    nps = general.tooltip_text("nps")
    assert "promoters (9–10)" in nps and "detractors (0–6)" in nps and "7 NPS answers" in nps
    assert "the last 15 min" in nps
    csat = general.tooltip_text("csat")
    assert "8 answers" in csat and "4 or 5" in csat
    response = wall.tiles["app"].tooltip_text("response")
    assert "first reply" in response and "next reply" in response
    # The hover tooltip of the figure is that text (written on demand).
    assert general.fields["nps"].toolTip() == nps


def test_channel_headers_carry_a_line_of_surveys_and_replies(qtbot):
    wall = _wall(qtbot, _surveyed_floor())
    hotline = wall.header_text("hotline").splitlines()
    online = wall.header_text("online").splitlines()
    # The last of the header's lines (counts; load and bots; surveys and replies).
    assert len(hotline) == 3 and hotline[-1].replace("\u00a0", " ") == (
        "NPS +14 n=7 · Satisfaction 3.5 · 62%")
    assert online[-1].replace("\u00a0", " ") == (
        "NPS – · Satisfaction – · 1st/avg reply 0:30/0:20")
    assert "promoters" in wall.groups["hotline"].header.toolTip()


def test_wall_totals_show_the_detail_line_legibly(qtbot):
    floor = _surveyed_floor()
    wall = WallWindow(floor, "en")
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    wall.show()
    qtbot.waitExposed(wall)
    QCoreApplication.processEvents()
    hotline, online = wall.channels["hotline"], wall.channels["online"]
    assert (hotline.values()["nps"], hotline.values()["csat"]) == ("+14 n=7", "3.5 · 62%")
    assert "reply" not in hotline.details  # response times are online only
    assert online.values()["reply"] == "0:30/0:20"
    assert online.values()["nps"] == "–"
    for tile in (hotline, online):
        for detail in tile.details.values():
            for label in (detail.caption, detail.value):
                metrics = QFontMetrics(label.font())
                assert metrics.capHeight() >= LABEL_RULE * wall.height(), label.text()
                assert metrics.horizontalAdvance(label.text()) <= label.width(), label.text()
        assert tile.geometry().right() < wall.width()
    # Four queues still fit one page (two a column) under the taller totals.
    assert len(wall.pages) == 1
