"""Report columns backlog_oldest_s, bot_contained, bot_handoffs (issue 15), hand-computed.

Entry convention, as every report column: a backlog item is credited to the interval
its contact entered in (its longest wait in the backlog: until worked, or until its
run's latest event), a bot outcome to the interval the bot took the chat in. Empty
(None), not 0, where nothing of the kind happened: a queue_log has neither.
"""

from __future__ import annotations

import io

from monitor import events as ev
from monitor.report import CSV_COLUMNS, ReportBuilder, write_csv

T0 = 1_767_258_000.0  # 2026-01-01 09:00:00 UTC


def rows_by_key(events: list[ev.Event]) -> dict[tuple[str, str], object]:
    builder = ReportBuilder("15m", "UTC")
    builder.add(events)
    return {(r.interval_start[11:16], r.queue): r for r in builder.rows()}


def test_backlog_oldest_and_bot_outcomes_by_entry_interval():
    events = [
        ev.QueueDefined(T0, "ol", "Web chat", "online", 60.0),
        ev.QueueDefined(T0, "hl", "Hotline", "hotline", 20.0),
        # Two callbacks asked for by 09:00-interval entries: k1 worked after 1800 s in
        # the backlog, k2 never worked (waits until the data's last event, 09:40:00).
        ev.ContactOffered(T0, "k1", "ol"),
        ev.CallbackRequested(T0 + 60, "k1", "ol", "callback", 60.0),
        ev.ContactOffered(T0 + 300, "k2", "ol"),
        ev.CallbackRequested(T0 + 360, "k2", "ol", "appointment", 60.0),
        # The bot took b1 at 09:14:50 and resolved it at 09:15:20: a 09:00 outcome.
        ev.BotStarted(T0 + 890, "b1", "ol"),
        ev.BotResolved(T0 + 920, "b1", "ol"),
        # b2 taken at 09:16 and handed over at 09:17 (then offered): 09:15.
        ev.BotStarted(T0 + 960, "b2", "ol"),
        ev.BotHandoff(T0 + 1020, "b2", "ol"),
        ev.ContactOffered(T0 + 1020, "b2", "ol"),
        ev.ContactAnswered(T0 + 1030, "b2", "ol", "a1"),
        # An outcome whose start the data never saw counts nowhere.
        ev.BotResolved(T0 + 1100, "b0", "ol"),
        ev.CallbackCompleted(T0 + 60 + 1800, "k1", "ol", "a1"),
        # A hotline call with no callback and no bot.
        ev.ContactOffered(T0 + 100, "h1", "hl"),
        ev.ContactAnswered(T0 + 105, "h1", "hl", "a2"),
        ev.Heartbeat(T0 + 2400),
    ]
    events.sort(key=lambda e: e.t)
    rows = rows_by_key(events)
    r = rows[("09:00", "ol")]
    # max(1800 worked, 2400 - 360 = 2040 still waiting) = 2040
    assert (r.backlog_oldest_s, r.bot_contained, r.bot_handoffs) == (2040.0, 1, 0)
    r = rows[("09:15", "ol")]
    assert (r.backlog_oldest_s, r.bot_contained, r.bot_handoffs) == (None, 0, 1)
    assert r.offered == 1 and r.answered == 1
    r = rows[("09:00", "hl")]
    assert (r.backlog_oldest_s, r.bot_contained, r.bot_handoffs) == (None, None, None)
    assert set(rows) == {("09:00", "ol"), ("09:15", "ol"), ("09:00", "hl")}


def test_a_bot_only_interval_has_a_row_and_the_columns_come_last():
    events = [
        ev.QueueDefined(T0, "ol", "Web chat", "online", 60.0),
        ev.BotStarted(T0 + 10, "b1", "ol"),
        ev.BotResolved(T0 + 40, "b1", "ol"),
    ]
    rows = rows_by_key(events)
    r = rows[("09:00", "ol")]
    assert (r.offered, r.bot_contained, r.bot_handoffs, r.backlog_oldest_s) == (0, 1, 0, None)
    out = io.StringIO()
    write_csv(rows.values(), out)
    header, line = out.getvalue().splitlines()
    cols = header.split(",")
    # Appended after the columns before them (part 1's end with first_response_s).
    first = cols.index("first_response_s")
    assert {"backlog_oldest_s", "bot_contained", "bot_handoffs"} <= set(cols[first + 1 :])
    cells = dict(zip(cols, line.split(","), strict=True))
    assert (cells["backlog_oldest_s"], cells["bot_contained"], cells["bot_handoffs"]) == (
        "",
        "1",
        "0",
    )
    assert tuple(cols) == CSV_COLUMNS


def test_a_callback_worked_before_the_data_began_counts_nowhere():
    events = [
        ev.QueueDefined(T0, "hl", "Hotline", "hotline", 20.0),
        ev.ContactOffered(T0, "c1", "hl"),
        ev.CallbackCompleted(T0 + 30, "k-old", "hl", "a1"),
    ]
    builder = ReportBuilder("15m", "UTC")
    builder.add(events)
    (row,) = builder.rows()
    assert row.backlog_oldest_s is None
    assert sum(t.callbacks_worked for t in builder.totals.values()) == 0
