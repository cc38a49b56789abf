"""How productivity and time-weighted occupancy read on headers, the wall and the grid.

Contacts per staffed agent-hour as "6.3"; occupancy and chat slots used as a whole
percentage; "–" where the window has no whole minute or nobody staffed (never 0). The
definitions are docs/metrics.md's ("Productivity and occupancy"); the figures are
`monitor.productivity`'s.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from monitor.productivity import WorkFigures
from ui import fmt

RATE_TEMPLATE = "88.8"  # the widest rate expected (a wider one widens its box once)


def rate_text(rate: float | None) -> str:
    """Contacts per staffed agent-hour, one decimal: "6.3"; "–" with no staffed time."""
    if rate is None:
        return fmt.DASH
    return f"{rate:.1f}"


def load_of(work: WorkFigures, online: bool) -> float | None:
    """The channel's load over the window: chat slots used (online, when agents have
    chat slots), else occupancy."""
    if online and work.chat_utilisation is not None:
        return work.chat_utilisation
    return work.occupancy


def header_item(work: WorkFigures, online: bool) -> str:
    """The header's load and productivity, after its counts: " · occupancy 72% · 6.3/agent-h".

    No-break spaces and hyphen, and a word joiner after "/", inside each item: a narrow
    header wraps between items, never inside one (as quality_text's line).
    """
    translate = QCoreApplication.translate
    if online and work.chat_utilisation is not None:
        load = translate("WorkText", "chat slots {util} used").format(
            util=fmt.percent(work.chat_utilisation)
        )
    else:
        load = translate("WorkText", "occupancy {occ}").format(occ=fmt.percent(work.occupancy))
    rate = translate("WorkText", "{rate}/agent-h").format(
        rate=rate_text(work.contacts_per_agent_hour)
    )
    return "".join(
        " · " + item.replace(" ", "\u00a0").replace("-", "\u2011").replace("/", "/\u2060")
        for item in (load, rate)
    )


def rate_caption() -> str:
    """The short name of the figure (wall detail, grid column)."""
    return QCoreApplication.translate("WorkText", "Per agent-h")


def definitions() -> str:
    """What occupancy, chat slots used and contacts per agent-hour mean (tooltips)."""
    return QCoreApplication.translate(
        "WorkText",
        "Occupancy: busy time (ringing, on contact, wrap-up) / (busy + available time) "
        "of the channel's agents over the window; not ready counts in neither.\n"
        "Chat slots used (online): chats in progress / chat slots of available or busy "
        "agents, over time.\n"
        "Per agent-h: contacts handled (wrap-up finished) / staffed agent-hours "
        "(logged in: available, busy or not ready). Chats handled at once each count: "
        "3 chats in one hour are 3.0.\n"
        "Whole minutes only (the minute in progress joins when it ends); – where no "
        "one was staffed",
    )


def agent_tooltip(window_min: int) -> str:
    """The grid column's header tooltip."""
    return QCoreApplication.translate(
        "WorkText",
        "Contacts handled per staffed hour over the last {n} whole minutes: contacts "
        "whose handling finished / hours logged in (available, busy or not ready). "
        "Concurrent chats each count; – when not logged in during the window",
    ).format(n=window_min)
