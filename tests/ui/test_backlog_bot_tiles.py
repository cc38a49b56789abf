"""The callback backlog and the bot stage on the floor window's tiles and headers.

The worked example (tests/floors.py) plus a bot in front of the app chat: two chats
resolved, one handed over and waiting, at NOW. A tile shows "Bot/handoffs 67%/1" only
for an online queue with bot traffic; the backlog cell shows waiting · oldest · worked;
the channel header says the same in words; an empty window shows "–", not 0.
"""

from __future__ import annotations

from monitor import events as ev
from tests.floors import NOW, build_floor
from ui.panels import backlog_bot_text as text
from ui.panels.queue_wall import QueueWall

SEP = "\u2009·\u2009"


def _wall(qtbot, floor):
    wall = QueueWall("en")
    qtbot.addWidget(wall)
    wall.update_floor(floor, floor.take_changes())
    return wall


def _bot_floor():
    return build_floor(
        ev.BotStarted(NOW - 50, "b1", "app"),
        ev.BotStarted(NOW - 40, "b2", "app"),
        ev.BotStarted(NOW - 30, "b3", "app"),
        ev.BotResolved(NOW - 20, "b1", "app"),
        ev.BotResolved(NOW - 15, "b2", "app"),
        ev.BotHandoff(NOW - 10, "b3", "app"),
        ev.ContactOffered(NOW - 10, "b3", "app"),
        ev.Heartbeat(NOW),
    )


def test_an_online_tile_with_bot_traffic_shows_containment_and_handoffs(qtbot):
    wall = _wall(qtbot, _bot_floor())
    app, wechat, vip = (wall.tiles[q] for q in ("app", "wechat", "vip"))
    # 2 resolved of 3 outcomes: 67%; b3 waits for a human.
    assert app.values()["bot"] == "67%/1"
    assert app.fields["bot"].isVisibleTo(app)
    assert not wechat.fields["bot"].isVisibleTo(wechat)  # online, but no bot traffic
    assert not vip.fields["bot"].isVisibleTo(vip)  # hotline
    assert "resolved / (resolved + handed to a human)" in app.tooltip_text("bot")
    header = wall.header_text("online").replace("\u00a0", " ")
    assert "bot contained 67% · 1 handoffs waiting" in header
    assert "bot contained" not in wall.header_text("hotline")
    # The callback asked for at 09:01:30: the hotline header's oldest, none worked yet.
    assert "callbacks 1 · oldest 1m · 0 worked" in wall.header_text("hotline").replace(
        "\u00a0", " "
    )
    assert wall.tiles["vip"].values()["backlog"] == f"1{SEP}1m{SEP}0"
    assert "worked over" in wall.tiles["vip"].tooltip_text("backlog")


def test_worked_callbacks_and_an_empty_window_show_dashes_not_zero(qtbot):
    floor = _bot_floor()
    floor.apply(ev.CallbackCompleted(NOW + 5, "c6", "vip", "a1"))
    wall = _wall(qtbot, floor)
    assert wall.tiles["vip"].values()["backlog"] == f"0{SEP}–{SEP}1"  # none left, 1 worked
    # 16 minutes on: every outcome left the 15-minute window.
    floor.apply(ev.Heartbeat(NOW + 16 * 60))
    wall.update_floor(floor, floor.take_changes())
    assert wall.tiles["vip"].values()["backlog"] == "0"
    app = wall.tiles["app"]
    assert app.values()["bot"] == "–/1"  # no outcome in the window; b3 still waits
    assert app.fields["bot"].isVisibleTo(app)  # a handoff still waits: bot traffic
    assert "bot contained – · 1 handoffs waiting" in wall.header_text("online").replace(
        "\u00a0", " "
    )


def test_texts():
    assert [text.age_text(s) for s in (None, 0.0, 59 * 60.0, 3900.0)] == ["–", "0m", "59m", "1h05m"]
    assert text.backlog_text(0, None, 0) == "0"
    assert text.backlog_text(3, 720.0, 5) == f"3{SEP}12m{SEP}5"
    assert text.bot_text(None, 0) == "–/0"
    assert text.bot_text(0.625, 3) == "62%/3"


def test_the_bot_row_fits_at_720p(qtbot):
    """An online tile with its bot row: the wall still fits at 1280x720, nothing cut."""
    from tests.ui.test_wall_layout import _check_wall, _demo_like, _window

    window = _window(qtbot, _demo_like(_bot_floor()), "en", (1280, 720))
    wall = window.queue_wall
    assert wall.tiles["app"].fields["bot"].isVisible()
    assert _check_wall(wall) == []
