"""How urgent a queue looks from its numbers: ok, warning or critical.

An interim reading until alert rules drive tile state; the limits are a
`Thresholds` value so rules or a config can set them instead of constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .views import QueueView


class TileState(StrEnum):
    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where a queue turns from ok to warning to critical.

    A wait longer than the queue's own SL target is a warning whatever these say.
    """

    sl_goal: float = 0.80  # service level below this: warning
    sl_critical: float = 0.60  # service level below this: critical
    critical_wait_factor: float = 3.0  # longest wait over this x the SL target: critical


DEFAULT_THRESHOLDS = Thresholds()


def tile_state(view: QueueView, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> TileState:
    """How urgent a queue looks: critical, warning or ok.

    Contacts waiting with nobody staffed is critical whatever the figures, since
    nothing will improve them. No service level yet (no traffic) never alarms.
    """
    sl = view.service_level
    # A target under a second would make every wait an alarm.
    target = max(1.0, view.sl_target_s)
    if view.waiting and view.agents_staffed == 0:
        return TileState.CRITICAL
    if view.longest_wait_s > thresholds.critical_wait_factor * target or (
        sl is not None and sl < thresholds.sl_critical
    ):
        return TileState.CRITICAL
    if view.longest_wait_s > target or (sl is not None and sl < thresholds.sl_goal):
        return TileState.WARNING
    return TileState.OK
