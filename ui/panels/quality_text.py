"""How the survey and chat response figures read, on tiles, headers and the wall.

NPS with its number of answers ("+42 n=37"), satisfaction as its mean and share
satisfied ("4.3 · 82%"), chat first and average response ("0:42/0:31"): one
place, so the floor window, its channel headers and the wall write them alike.
A figure with no answer or reply in the window is "–", never 0 (ui/fmt.DASH). The
definitions are docs/metrics.md's ("Surveys and chat response times").
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ui import fmt

# The widest text each figure is expected to show (a wider one widens its box once).
# Each about as wide as the tile's other figures, so the detail row hardly widens a tile.
NPS_TEMPLATE = "+88 n=88"
CSAT_TEMPLATE = "4.8 · 88%"
RESPONSE_TEMPLATE = "8:88/8:88"


def nps_score_text(nps: float | None) -> str:
    """The score, whole and signed: "+42", "0", "-15"; "–" with no answer."""
    if nps is None:
        return fmt.DASH
    score = round(nps)
    return f"{score:+d}" if score else "0"


def nps_text(nps: float | None, answers: int) -> str:
    """The score and how many answers it is made of: "+42 n=37"; "–" with no answer."""
    if nps is None:
        return fmt.DASH
    return f"{nps_score_text(nps)} n={answers}"


def nps_pair_text(pair: tuple[float | None, int]) -> str:
    return nps_text(*pair)


def csat_text(mean: float | None, satisfied: float | None) -> str:
    """Mean of the 1-5 answers and share of 4s and 5s: "4.3 · 82%"."""
    if mean is None:
        return fmt.DASH
    return f"{mean:.1f} · {fmt.percent(satisfied)}"


def csat_pair_text(pair: tuple[float | None, float | None]) -> str:
    return csat_text(*pair)


def response_text(first_s: float | None, mean_s: float | None) -> str:
    """First response / average response, "0:42/0:31"; "–" when neither has a reply."""
    if first_s is None and mean_s is None:
        return fmt.DASH
    return f"{fmt.mmss(first_s)}/{fmt.mmss(mean_s)}"


def response_pair_text(pair: tuple[float | None, float | None]) -> str:
    return response_text(*pair)


# ------------------------------------------------------------------ words
def nps_caption() -> str:
    return QCoreApplication.translate("Quality", "NPS")


def csat_caption() -> str:
    return QCoreApplication.translate("Quality", "Satisfaction")


def response_caption() -> str:
    return QCoreApplication.translate("Quality", "1st/avg reply")


def nps_tooltip(window: str, answers: int) -> str:
    return QCoreApplication.translate(
        "Quality",
        "NPS over {window}: % promoters (9–10) − % detractors (0–6) of the {n} NPS "
        "answers; passives (7–8) count only in n. From −100 to +100; few answers "
        "make a score that moves a lot",
    ).format(window=window, n=answers)


def csat_tooltip(window: str, answers: int) -> str:
    return QCoreApplication.translate(
        "Quality",
        "Satisfaction over {window}: mean of the {n} answers on a 1–5 scale, and the "
        "share of them that were 4 or 5 (satisfied)",
    ).format(window=window, n=answers)


def response_tooltip(window: str) -> str:
    return QCoreApplication.translate(
        "Quality",
        "Chat response times over {window}, counted at the agent's reply:\n"
        "first: the visitor's first message to the agent's first reply (mean);\n"
        "average: each customer message (the first since the agent last wrote) to the "
        "agent's next reply, every turn of the chat (mean). Online only",
    ).format(window=window)


def header_line(
    nps: float | None,
    nps_answers: int,
    csat: float | None,
    satisfied: float | None,
    first_s: float | None,
    mean_s: float | None,
    online: bool,
) -> str:
    """A channel header's second line; items joined so that a wrap falls between them."""
    items = [
        (nps_caption(), nps_text(nps, nps_answers)),
        (csat_caption(), csat_text(csat, satisfied)),
    ]
    if online:
        items.append((response_caption(), response_text(first_s, mean_s)))
    # The tile's captions and texts. No-break spaces inside an item: a narrow header
    # wraps between items, never inside one.
    return " · ".join(f"{caption} {value}".replace(" ", "\u00a0") for caption, value in items)


def header_tooltip() -> str:
    """The definitions behind a channel header's second line."""
    return QCoreApplication.translate(
        "Quality",
        "NPS: % promoters (9–10) − % detractors (0–6) of the n NPS answers in the window.\n"
        "Satisfaction: mean of the 1–5 answers, and the share that were 4 or 5.\n"
        "Response (online): first = visitor's first message to the agent's first reply; "
        "average = each customer message to the agent's next reply, every turn. Means.\n"
        "All queues of the channel, over the window chosen; – where there is no answer "
        "or reply",
    )
