"""Which queues the wall display shows on which page, and which page shows when.

The wall shows Hotline and Online side by side, each channel's queues in a column
under its totals. A page is what one screen shows: a few hotline queues and a few
online queues. When the queues do not fit one screen the pages rotate.

From the config's `[wall]` section (`WallSettings`):
- `pages`: the queues of each page, in order (a page may mix channels; each queue
  goes to its channel's column). Only these queues are shown. A page with more
  queues in one column than fit is split into consecutive pages, never cut.
- else `queues_per_page`: at most this many queues per channel column on a page
  (0: as many as fit), every queue of the floor in the floor's order.
- `rotation_s`: seconds each page stays up.

How many fit is the window's measure (`fit`), handed in; the rest is here, Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

HOTLINE, ONLINE = "hotline", "online"
DEFAULT_ROTATION_S = 15.0
MIN_ROTATION_S = 3.0  # faster than this nobody reads a page to the end
MAX_ROTATION_S = 3600.0
MAX_QUEUES_PER_PAGE = 100


@dataclass(frozen=True, slots=True)
class WallSettings:
    """[wall]: pages (queue ids per page), queues per channel column, rotation seconds."""

    pages: tuple[tuple[str, ...], ...] = ()  # empty: every queue, `queues_per_page` a column
    queues_per_page: int = 0  # per channel column; 0 = as many as fit the screen
    rotation_s: float = DEFAULT_ROTATION_S


@dataclass(frozen=True, slots=True)
class WallPage:
    """One screen: the hotline column's queues and the online column's, in order."""

    hotline: tuple[str, ...] = ()
    online: tuple[str, ...] = ()

    @property
    def queues(self) -> tuple[str, ...]:
        return self.hotline + self.online


def _column(channel: str) -> str:
    # A queue of an unknown channel goes with the hotline, as the floor window shows it.
    return ONLINE if channel == ONLINE else HOTLINE


def _chunks(ids: Sequence[str], size: int) -> list[tuple[str, ...]]:
    return [tuple(ids[i : i + size]) for i in range(0, len(ids), size)]


def _pages_of(hotline: Sequence[str], online: Sequence[str], size: int) -> list[WallPage]:
    """Both columns cut into `size`-queue pieces, side by side page after page."""
    hot, onl = _chunks(hotline, size), _chunks(online, size)
    return [
        WallPage(hot[i] if i < len(hot) else (), onl[i] if i < len(onl) else ())
        for i in range(max(len(hot), len(onl)))
    ]


def plan_pages(
    queues: Iterable[tuple[str, str]], settings: WallSettings, fit: int
) -> list[WallPage]:
    """The pages for these queues ((id, channel) in the floor's order), `fit` queues
    fitting one column of the screen. Always at least one page (maybe empty)."""
    fit = max(1, fit)
    channel_of = dict(queues)
    if settings.pages:
        pages: list[WallPage] = []
        for wanted in settings.pages:
            ids = [q for q in dict.fromkeys(wanted) if q in channel_of]  # unknown: not shown
            hotline = [q for q in ids if _column(channel_of[q]) == HOTLINE]
            online = [q for q in ids if _column(channel_of[q]) == ONLINE]
            pages.extend(_pages_of(hotline, online, fit))
        return pages or [WallPage()]
    size = min(fit, settings.queues_per_page) if settings.queues_per_page > 0 else fit
    hotline = [q for q, c in channel_of.items() if _column(c) == HOTLINE]
    online = [q for q, c in channel_of.items() if _column(c) == ONLINE]
    return _pages_of(hotline, online, size) or [WallPage()]


def page_after(current: int, pages: Sequence[WallPage]) -> int:
    """The page shown after `current` (back to the first after the last)."""
    return (current + 1) % len(pages) if pages else 0


def page_of(queue_id: str, pages: Sequence[WallPage]) -> int | None:
    """The first page showing `queue_id`, if any."""
    return next((n for n, page in enumerate(pages) if queue_id in page.queues), None)
