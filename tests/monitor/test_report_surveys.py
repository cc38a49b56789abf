"""The report's nps, nps_responses, csat and first_response_s columns (issue 15):
filled from surveys and chats, credited to the interval the contact entered, and
empty (None in JSON, an empty CSV cell), never 0, where there is nothing to count."""

from __future__ import annotations

import io

import pytest

from monitor import events as ev
from monitor import report as report_module
from monitor.report import CSV_COLUMNS, ReportBuilder, build_report, format_table, write_csv

T0 = 1_772_413_200.0  # 2026-03-02 01:00:00 UTC
OLD_COLUMNS = ("interval_start,queue,channel,offered,answered,abandoned,short_abandoned,"
               "other_exits,answered_within_sl,service_level,asa_s,aht_s,max_wait_s,"
               "abandon_rate").split(",")


def _chat_and_survey() -> list[ev.Event]:
    return [
        ev.QueueDefined(T0, "chat", "Chat", "online", 60.0),
        # 01:00 interval: k1 enters at 01:29:50, asks at once, answered at 01:30:10, the
        # agent first writes at 01:30:20 (30 s after the question); a second turn does
        # not change the first response. Surveyed at 01:45 (after its end): 9 / 5.
        ev.ContactOffered(T0 + 1790, "k1", "chat"),
        ev.ChatMessage(T0 + 1790, "k1", "customer", "hello"),
        ev.ContactAnswered(T0 + 1810, "k1", "chat", "a1"),
        ev.ChatMessage(T0 + 1820, "k1", "agent", "hi", "a1"),
        ev.ChatMessage(T0 + 1830, "k1", "customer", "more"),
        ev.ChatMessage(T0 + 1890, "k1", "agent", "ok", "a1"),
        ev.ContactEnded(T0 + 1900, "k1", "chat", "a1"),
        ev.SurveyResult(T0 + 2700, "k1", "chat", "a1", 9, 5),
        # k2 enters at 01:10, first reply 10 s after its question; surveyed 6 (NPS) and
        # 3 (satisfaction): a detractor, not satisfied.
        ev.ContactOffered(T0 + 600, "k2", "chat"),
        ev.ContactAnswered(T0 + 601, "k2", "chat", "a1"),
        ev.ChatMessage(T0 + 602, "k2", "customer", "hi"),
        ev.ChatMessage(T0 + 612, "k2", "agent", "hello", "a1"),
        ev.ContactEnded(T0 + 700, "k2", "chat", "a1"),
        ev.SurveyResult(T0 + 800, "k2", "chat", "a1", 6, 3),
        # k3 enters at 01:40: no chat reply, no survey: the 01:30 row stays empty.
        ev.ContactOffered(T0 + 2400, "k3", "chat"),
        ev.ChatMessage(T0 + 2401, "k3", "customer", "anyone?"),
        ev.ContactAbandoned(T0 + 2460, "k3", "chat"),
        # A survey of a contact the data never saw enter counts nowhere.
        ev.SurveyResult(T0 + 2500, "ghost", "chat", "a1", 0, 1),
        # Only a satisfaction answer (nps -1) for k2: counts in csat, not in n.
        ev.SurveyResult(T0 + 900, "k2", "chat", "a1", -1, 4),
    ]


def test_survey_and_first_response_columns_by_entry_interval():
    rows = build_report(_chat_and_survey(), "30m", "UTC")
    assert [(r.interval_start, r.offered) for r in rows] == [
        ("2026-03-02T01:00:00+00:00", 2), ("2026-03-02T01:30:00+00:00", 1)]
    first, second = rows
    # k1 and k2 entered 01:00-01:30: NPS answers 9 (promoter) and 6 (detractor): 0 of 2;
    # satisfaction 5, 3, 4: mean 4.0; first responses 30 s and 10 s: 20 s.
    assert (first.nps, first.nps_responses, first.csat, first.first_response_s) == (
        0.0, 2, 4.0, 20.0)
    # k3: nothing to count: empty, not 0.
    assert (second.nps, second.nps_responses, second.csat, second.first_response_s) == (
        None, None, None, None)


def test_rounding_of_the_new_columns():
    events = [ev.ContactOffered(T0, f"c{n}", "q") for n in range(3)]
    events += [ev.SurveyResult(T0 + 60, "c0", "q", "", 10, 5),
               ev.SurveyResult(T0 + 61, "c1", "q", "", 7, 4),
               ev.SurveyResult(T0 + 62, "c2", "q", "", 7, 4)]
    (row,) = build_report(events, "1h", "UTC")
    # 1 promoter of 3: 33.333 -> 33.3; satisfaction 13/3 = 4.333 -> 4.33
    assert (row.nps, row.nps_responses, row.csat) == (33.3, 3, 4.33)


def test_csv_appends_the_columns_and_leaves_them_empty_without_data():
    assert list(CSV_COLUMNS[:len(OLD_COLUMNS)]) == OLD_COLUMNS  # the old order stands
    assert CSV_COLUMNS[len(OLD_COLUMNS):len(OLD_COLUMNS) + 4] == (
        "nps", "nps_responses", "csat", "first_response_s")
    buf = io.StringIO()
    write_csv(build_report(_chat_and_survey(), "30m", "UTC"), buf)
    lines = buf.getvalue().splitlines()
    cells = [line.split(",") for line in lines]
    n = len(OLD_COLUMNS)
    assert cells[1][n - 1:n + 4] == ["0.0", "0.0", "2", "4.0", "20.0"]
    assert cells[2][n:n + 4] == ["", "", "", ""]  # an interval without surveys or replies


def test_a_queue_log_source_leaves_the_columns_empty():
    # What an Asterisk queue_log gives: calls, no surveys, no chats.
    events = [ev.ContactOffered(T0, "u1", "sales"), ev.ContactAnswered(T0 + 5, "u1", "sales",
                                                                        "PJSIP/1"),
              ev.ContactEnded(T0 + 65, "u1", "sales", "PJSIP/1")]
    (row,) = build_report(events, "30m", "UTC")
    assert (row.nps, row.nps_responses, row.csat, row.first_response_s) == (None,) * 4
    # ... nor callbacks or bots (issue 15 parts 3, 4): empty too.
    assert (row.backlog_oldest_s, row.bot_contained, row.bot_handoffs) == (None,) * 3
    table = format_table([row]).splitlines()
    assert "NPS  NPS n  CSAT  1st resp s  backlog oldest s  bot contained  bot handoffs" in table[0]
    assert table[1].split()[-7:] == ["-"] * 7


def test_out_of_range_scores_are_counted_and_the_rest_still_counts():
    builder = ReportBuilder("total", "UTC")
    builder.add([ev.ContactOffered(T0, "c1", "q"),
                 ev.SurveyResult(T0 + 5, "c1", "q", "", 42, 5)])
    (row,) = builder.rows()
    assert builder.skipped["bad_score"] == 1
    assert (row.nps, row.nps_responses, row.csat) == (None, None, 5.0)


def test_closed_contacts_kept_for_surveys_are_bounded(monkeypatch):
    monkeypatch.setattr(report_module, "SURVEY_KEEP_MAX", 3)
    builder = ReportBuilder("total", "UTC")
    for n in range(5):
        builder.add([ev.ContactOffered(T0 + n, f"c{n}", "q"),
                     ev.ContactAbandoned(T0 + n + 1, f"c{n}", "q")])
    assert len(builder._closed) == 3  # noqa: SLF001 - the bound is the point
    # Past the time horizon too: a day later, the old ones go.
    builder.add([ev.ContactOffered(T0 + 2 * 86400, "late", "q"),
                 ev.ContactAbandoned(T0 + 2 * 86400 + 1, "late", "q")])
    assert list(builder._closed) == [(None, "late")]  # noqa: SLF001


@pytest.mark.parametrize("interval", ["15m", "1d", "total"])
def test_every_interval_kind_credits_the_entry(interval):
    rows = build_report(_chat_and_survey(), interval, "UTC")
    assert sum(r.nps_responses or 0 for r in rows) == 2
    assert sum(r.offered for r in rows) == 3
