"""The one tick: a broken panel is counted and logged, the others still refresh."""

from __future__ import annotations

from feeds.hub import FeedHub
from monitor.floor import Floor
from ui.tick import FloorTicker


class Panel:
    def __init__(self, broken: bool = False) -> None:
        self.broken, self.refreshed = broken, 0

    def refresh(self, floor, changes, health) -> None:
        self.refreshed += 1
        if self.broken:
            raise RuntimeError("a bug in a panel")


def test_a_panel_that_raises_does_not_stop_the_others(qtbot, caplog):
    first, broken, last = Panel(), Panel(broken=True), Panel()
    ticker = FloorTicker(Floor(), FeedHub([]), [first, broken, last])
    ticker.tick()
    ticker.tick()
    assert (first.refreshed, broken.refreshed, last.refreshed) == (2, 2, 2)
    assert ticker.view_errors == 2
    assert "Panel could not refresh" in caplog.text
