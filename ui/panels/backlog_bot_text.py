"""How the callback backlog and the bot stage read on tiles, headers and the wall.

Backlog: how many wait, the oldest one's age, how many were worked in the window:
"3 · 12m · 5" on a tile ("0" while nothing was in it); bot stage: the containment
rate over the window and the handed-over chats waiting for a human now: "62%/3". "–" where the window has no bot outcome or the backlog is empty, never 0.
One place, so the floor window's tiles, its channel headers and the wall write them
alike. The definitions are docs/metrics.md's ("Callback backlog and bot containment");
the figures are `monitor.backlog`'s and `monitor.bots`'.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from monitor.views import ChannelView, QueueView
from ui import fmt

# The widest texts expected (a wider one widens its box once): about as wide as the
# tile's other figures, so a tile keeps its width (thin spaces around the dots).
_SEP = "\u2009·\u2009"
BACKLOG_TEMPLATE = f"8{_SEP}88m{_SEP}8"
BOT_TEMPLATE = "88%/8"


def age_text(age_s: float | None) -> str:
    """The oldest backlog item's age in whole minutes: "0m", "12m", "1h05m"; "–" if none."""
    if age_s is None:
        return fmt.DASH
    minutes = int(age_s // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m"


def backlog_text(count: int, oldest_s: float | None, worked: int) -> str:
    """Waiting, the oldest's age, worked in the window: "3 · 12m · 5" (thin spaces);
    "0" when the queue had no backlog in the window at all."""
    if not count and not worked:
        return "0"
    return f"{count}{_SEP}{age_text(oldest_s)}{_SEP}{worked}"


def backlog_of(view: QueueView | ChannelView) -> str:
    return backlog_text(view.backlog, view.backlog_oldest_s, view.callbacks_worked)


def has_bot_traffic(view: QueueView | ChannelView) -> bool:
    """Whether the bot stage shows: a bot holds a chat now, handed one over that waits,
    or had an outcome in the window."""
    return bool(view.bots_active or view.handoffs_waiting or view.bot_resolved or view.bot_handoffs)


def bot_text(containment: float | None, handoffs_waiting: int) -> str:
    """Containment over the window / handoffs waiting now: "62%/3"."""
    return f"{fmt.percent(containment)}/{handoffs_waiting}"


def bot_of(view: QueueView | ChannelView) -> str:
    return bot_text(view.bot_containment, view.handoffs_waiting)


# ------------------------------------------------------------------ words
def bot_caption() -> str:
    return QCoreApplication.translate("BacklogBot", "Bot/handoffs")


def backlog_tooltip(window: str) -> str:
    return QCoreApplication.translate(
        "BacklogBot",
        "Callbacks and appointments waiting · age of the oldest (whole minutes since it "
        "was asked for) · worked over {window} (called back or booked)",
    ).format(window=window)


def bot_tooltip(window: str) -> str:
    return QCoreApplication.translate(
        "BacklogBot",
        "Bot containment over {window}: chats the bot resolved / (resolved + handed to a "
        "human); – with no bot outcome. Then the chats the bot handed over that wait for "
        "a human now",
    ).format(window=window)


def header_items(view: ChannelView) -> str:
    """A channel header's backlog and bot items, after its counts:
    " · oldest 12m · 5 worked · bot contained 62% · 3 handoffs waiting" (after the
    header's "callbacks 3").

    No-break spaces inside each item: a narrow header wraps between items (as
    quality_text's line)."""
    return backlog_items(view) + bot_items(view)


def backlog_items(view: ChannelView) -> str:
    """" · oldest 12m · 5 worked" (after the header's "callbacks 3"), or ''."""
    translate = QCoreApplication.translate
    items = []
    if view.backlog:
        items.append(
            translate("BacklogBot", "oldest {age}").format(age=age_text(view.backlog_oldest_s))
        )
    if view.backlog or view.callbacks_worked:
        items.append(translate("BacklogBot", "{n} worked").format(n=view.callbacks_worked))
    return _joined(items)


def bot_items(view: ChannelView) -> str:
    """" · bot contained 62% · 3 handoffs waiting" where the channel has bot traffic."""
    translate = QCoreApplication.translate
    items = []
    if has_bot_traffic(view):
        items.append(
            translate("BacklogBot", "bot contained {rate}").format(
                rate=fmt.percent(view.bot_containment)
            )
        )
        items.append(
            translate("BacklogBot", "{n} handoffs waiting").format(n=view.handoffs_waiting)
        )
    return _joined(items)


def _joined(items: list[str]) -> str:
    return "".join(" · " + item.replace(" ", "\u00a0") for item in items)


def definitions() -> str:
    """The definitions behind the header's backlog and bot items."""
    return QCoreApplication.translate(
        "BacklogBot",
        "Callbacks: waiting now; oldest = whole minutes since the oldest was asked for; "
        "worked = called back or booked in the window.\n"
        "Bot contained: chats the bot resolved / (resolved + handed to a human) in the "
        "window; handoffs waiting: chats the bot handed over that wait for a human now",
    )
