"""How the queue wall fills its space: one font scale, each channel's width and columns.

Plain arithmetic, no Qt, so the rule is testable on its own. The wall measures its
tiles (their minimum size at scale 1), says how tall each channel's header is at a
scale and width, and gets back the largest scale at which every tile is shown
whole with no scrolling; when even the smallest scale cannot show them all, the
smallest scale with one vertical scroll bar. Columns always follow the width: as
many as fit, never more than the channel has tiles, so a tile is never cut and
the wall never scrolls sideways.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MIN_SCALE = 0.85  # smaller and tile text stops being readable at a glance: scroll instead
MAX_SCALE = 3.0  # a wall display at 4K fills at about this; larger is a poster
# Scales are multiples of this, so a drag-resize re-fonts the wall a few times, not
# on every pixel, and the same window size always gives the same wall.
SCALE_STEP = 0.05


@dataclass(frozen=True, slots=True)
class TileMetrics:
    """Sizes at scale 1 that scale with the fonts (tile, gaps, insets)."""

    tile_w: float  # the widest tile's minimum width
    tile_h: float  # the tallest tile's height (tiles are exactly as tall as their content)
    gap: float  # between tiles, in both directions
    inset: float  # a channel's left and right margin
    scrollbar: int  # width of a vertical scroll bar (does not scale)


@dataclass(frozen=True, slots=True)
class GroupNeeds:
    """One channel: how many tiles, and its header height at (scale, group width)."""

    tiles: int
    header_h: Callable[[float, int], float]


@dataclass(frozen=True, slots=True)
class GroupPlan:
    width: int
    columns: int
    fits: bool  # every row visible without scrolling


@dataclass(frozen=True, slots=True)
class WallPlan:
    scale: float
    groups: tuple[GroupPlan, ...]

    @property
    def fits(self) -> bool:
        return all(g.fits for g in self.groups)


def scales(upto: float = MAX_SCALE) -> list[float]:
    """The scales tried, largest first: MAX_SCALE (or `upto`) down to MIN_SCALE."""
    top = round(min(upto, MAX_SCALE) / SCALE_STEP)
    bottom = round(MIN_SCALE / SCALE_STEP)
    return [round(k * SCALE_STEP, 2) for k in range(top, bottom - 1, -1)] or [MIN_SCALE]


def plan(
    width: int,
    height: int,
    groups: Sequence[GroupNeeds],
    metrics: TileMetrics,
    between: int,
    upto: float = MAX_SCALE,
) -> WallPlan:
    """The largest scale (at most `upto`) at which every channel shows all its tiles.

    `between` is the fixed space between two channels. If no scale fits, the
    smallest one: its channels that still overflow scroll vertically.
    """
    candidates = scales(upto)
    for scale in candidates:
        result = plan_at(scale, width, height, groups, metrics, between)
        if result.fits:
            return result
    return plan_at(candidates[-1], width, height, groups, metrics, between)


def plan_at(
    scale: float,
    width: int,
    height: int,
    groups: Sequence[GroupNeeds],
    metrics: TileMetrics,
    between: int,
) -> WallPlan:
    """Channel widths and columns at one scale, and whether each channel fits."""
    inset = round(metrics.inset * scale)
    tile_w = metrics.tile_w * scale
    widths = split_width(
        width - between * max(0, len(groups) - 1),
        [g.tiles for g in groups],
        math.ceil(tile_w) + 2 * inset,
    )
    out = []
    for group, group_w in zip(groups, widths, strict=True):
        inner = group_w - 2 * inset
        room = height - group.header_h(scale, group_w)
        columns = columns_for(inner, group.tiles, tile_w, metrics.gap * scale)
        fits = tile_w <= inner and _rows_h(group.tiles, columns, metrics, scale) <= room
        if not fits:  # a vertical scroll bar takes its width from the tiles
            columns = columns_for(
                inner - metrics.scrollbar, group.tiles, tile_w, metrics.gap * scale
            )
        out.append(GroupPlan(group_w, columns, fits))
    return WallPlan(scale, tuple(out))


def columns_for(inner: float, tiles: int, tile_w: float, gap: float) -> int:
    """As many columns as tiles of `tile_w` fit in `inner`, at least 1, at most `tiles`."""
    fit = int((inner + round(gap)) // (tile_w + round(gap))) if tile_w > 0 else tiles
    return max(1, min(max(1, tiles), fit))


def _rows_h(tiles: int, columns: int, metrics: TileMetrics, scale: float) -> float:
    rows = math.ceil(tiles / columns) if tiles else 0
    return rows * metrics.tile_h * scale + max(0, rows - 1) * round(metrics.gap * scale)


def split_width(total: int, tiles: Sequence[int], least: int) -> list[int]:
    """Share `total` between channels by their number of tiles (an empty channel
    counts as one), each at least `least` wide when there is room for that."""
    weights = [max(1, n) for n in tiles]
    if not weights:
        return []
    least = min(least, total // len(weights))
    widths = [0] * len(weights)
    free = list(range(len(weights)))
    remaining = total
    while free:
        weight = sum(weights[i] for i in free)
        short = [i for i in free if remaining * weights[i] / weight < least]
        if not short:
            break
        for i in short:  # too narrow for one tile: give it one tile's width
            widths[i] = least
            remaining -= least
            free.remove(i)
    weight = sum(weights[i] for i in free)
    given = 0
    for n, i in enumerate(free):
        widths[i] = (
            remaining - given if n == len(free) - 1 else int(remaining * weights[i] / weight)
        )
        given += widths[i]
    return widths
