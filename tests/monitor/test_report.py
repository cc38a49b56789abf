"""Interval reports, checked value by value against numbers worked out by hand."""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import replace
from pathlib import Path

import pytest

from feeds.sources.queue_log import read_queue_log
from monitor import events as ev
from monitor.report import (
    CSV_COLUMNS,
    INTERVALS,
    MAX_AHEAD_S,
    ReportBuilder,
    ReportRow,
    build_report,
    format_table,
    rows_to_json,
    write_csv,
)

DATA = Path(__file__).resolve().parents[1] / "feeds" / "data" / "queue_log_all_events.txt"
B = 1_772_415_000.0  # 2026-03-02 09:30:00+08:00 = 01:30:00Z
SH = "Asia/Shanghai"

# The log (tests/feeds/test_queue_log.py has the outline), SL target 20 s, short < 5 s.
# waits = outcome time - entry time; talk = end - answer.
#
# 09:30 sales: c1 ans 10 (in SL), talk 120 | c2 ans 35, talk 300 | c3 abandon 3 (short,
#   within T) | c4 abandon 45 | c5 timeout 60 | c6 key 8 | c7 enters 09:59:50, answered
#   10:00:15 (next interval, still counted here) after 25, transferred after 60 talk.
#   offered 7, answered 3, within 1, abandoned 2, short 1, other exits 2
#   outcomes = 3 + 2 + 2 = 7; SL = 1 / (7 - 1) = 0.1667; ASA = (10+35+25)/3 = 23.3
#   AHT = (120+300+60)/3 = 160.0; max wait = 60 (c5); abandon = (2-1)/(7-1) = 0.1667
# 09:30 support: s1 empty 1 | s2 withdraw 30 | s3 ans 20 (in SL: <=), talk 60 |
#   s4 ans 5, talk 60
#   offered 4, answered 2, within 2, exits 2; SL = 2/4 = 0.5; ASA = (20+5)/2 = 12.5
#   AHT = (60+60)/2 = 60.0; max wait 30 (s2); abandon 0/4 = 0.0
# 10:00 sales: c8 enters at 10:00:00 exactly, ans 12, talk 90 | c9 abandon 4 (short) |
#   c10 waiting from +2000 to the last line +2400 -> 400
#   offered 3, answered 1, within 1, abandoned 1 (short); outcomes 2
#   SL = 1/(2-1) = 1.0; ASA 12.0; AHT 90.0; max wait 400; abandon (1-1)/(2-1) = 0.0
# 10:00 support: s5 abandon 30 (not short, not within) | s6 ans 18, talk 82
#   offered 2, answered 1, within 1, abandoned 1; SL = 1/2; ASA 18.0; AHT 82.0;
#   max wait 30; abandon 1/2
EXPECTED_30M = [
    ReportRow("2026-03-02T09:30:00+08:00", "sales", "hotline", 7, 3, 2, 1, 2, 1,
              0.1667, 23.3, 160.0, 60.0, 0.1667),
    ReportRow("2026-03-02T09:30:00+08:00", "support", "hotline", 4, 2, 0, 0, 2, 2,
              0.5, 12.5, 60.0, 30.0, 0.0),
    ReportRow("2026-03-02T10:00:00+08:00", "sales", "hotline", 3, 1, 1, 1, 0, 1,
              1.0, 12.0, 90.0, 400.0, 0.0),
    ReportRow("2026-03-02T10:00:00+08:00", "support", "hotline", 2, 1, 1, 0, 0, 1,
              0.5, 18.0, 82.0, 30.0, 0.5),
]

# total, from the earliest entry (c1 at 09:30:00):
#   sales: offered 10, answered 4 (c1 c2 c7 c8), within 2 (c1 c8), abandoned 3 (c3 c4 c9),
#     short 2 (c3 c9), exits 2; outcomes 9; SL = 2/(9-2) = 0.2857
#     ASA = (10+35+25+12)/4 = 20.5; AHT = (120+300+60+90)/4 = 142.5; max 400
#     abandon = (3-2)/(9-2) = 0.1429
#   support: offered 6, answered 3, within 3, abandoned 1, short 0, exits 2; outcomes 6
#     SL = 3/6 = 0.5; ASA = (20+5+18)/3 = 14.3; AHT = (60+60+82)/3 = 67.3; max 30;
#     abandon = 1/6 = 0.1667
EXPECTED_TOTAL = [
    ReportRow("2026-03-02T09:30:00+08:00", "sales", "hotline", 10, 4, 3, 2, 2, 2,
              0.2857, 20.5, 142.5, 400.0, 0.1429),
    ReportRow("2026-03-02T09:30:00+08:00", "support", "hotline", 6, 3, 1, 0, 2, 3,
              0.5, 14.3, 67.3, 30.0, 0.1667),
]


@pytest.fixture(scope="module")
def events() -> list[ev.Event]:
    return read_queue_log(DATA)[0]


def _without_staffing(rows: list[ReportRow]) -> list[ReportRow]:
    """Rows without contacts_per_agent_hour (hand-computed on its own events in
    tests/monitor/test_report_staffing.py): the log's members are staffed too."""
    return [replace(r, contacts_per_agent_hour=None) for r in rows]


def test_30_minute_rows_value_by_value(events):
    rows = build_report(events, "30m", SH)
    assert _without_staffing(rows) == EXPECTED_30M


def test_contacts_per_agent_hour_from_the_logs_members(events):
    # Staffed: members from ADDMEMBER to REMOVEMEMBER (paused still staffed), else to the
    # log's last line (+2400, 10:10:00); Agent/1001 is a member of no queue. Handled:
    # talks that ended in the interval, a transfer out included (the talk ended).
    # 09:30 sales: PJSIP/101 and /102 the whole 1,800 s = 1 h; c1, c2 ended -> 2.0
    # 09:30 support: PJSIP/101 1,800 s; s3, s4 transferred out -> 2 / 0.5 h = 4.0
    # 10:00 sales: /101 to 10:09:20 (560 s) + /102 to 10:10:00 (600 s); c7 (transfer at
    #   10:04:35), c8 -> 2 x 3600 / 1160 = 6.2
    # 10:00 support: /101 to 10:09:10 (550 s); s6 -> 3600 / 550 = 6.5
    rows = build_report(events, "30m", SH)
    assert [r.contacts_per_agent_hour for r in rows] == [2.0, 4.0, 6.2, 6.5]
    # total: sales /101 2,400 s + /102 2,430 s, c1 c2 c7 c8 -> 4 x 3600 / 4830 = 3.0;
    #   support /101 2,390 s, s3 s4 s6 -> 3 x 3600 / 2390 = 4.5
    total = build_report(events, "total", SH)
    assert [r.contacts_per_agent_hour for r in total] == [3.0, 4.5]


def test_total_rows_value_by_value(events):
    assert _without_staffing(build_report(events, "total", SH)) == EXPECTED_TOTAL


def test_short_abandon_zero_disables_short_abandons(events):
    rows = build_report(events, "30m", SH, short_abandon_s=0)
    assert [r.short_abandoned for r in rows] == [0, 0, 0, 0]
    sales_0930, _, sales_1000, _ = rows
    # 09:30 sales: SL = 1/7 = 0.1429, abandon = 2/7 = 0.2857
    assert (sales_0930.service_level, sales_0930.abandon_rate) == (0.1429, 0.2857)
    # 10:00 sales: SL = 1/2, abandon = 1/2
    assert (sales_1000.service_level, sales_1000.abandon_rate) == (0.5, 0.5)
    # a longer threshold: c4 (45 s) is not short at 45 (strictly less), at 45.5 it is
    assert build_report(events, "total", SH, short_abandon_s=45)[0].short_abandoned == 2
    assert build_report(events, "total", SH, short_abandon_s=45.5)[0].short_abandoned == 3


@pytest.mark.parametrize(("variant", "expected"), [
    ("offered", 0.1667),  # 1 / (7 - 1)
    ("answered", 0.3333),  # 1 / 3
    ("answered_abandoned", 0.4),  # (1 + c3) / (3 + 2)
    ("removed", 0.2857),  # (1 answered + 1 abandoned within 20 s) / 7 outcomes
])
def test_service_level_variants(events, variant, expected):
    assert build_report(events, "30m", SH, sl_variant=variant)[0].service_level == expected


def test_sl_target_override_and_queue_targets(events):
    # T = 30: 09:30 sales answered waits 10, 35, 25 -> 2 within; SL = 2/6 = 0.3333
    row = build_report(events, "30m", SH, sl_target_s=30)[0]
    assert (row.answered_within_sl, row.service_level) == (2, 0.3333)
    # None: each queue's own QueueDefined target (here imported with 40 s)
    own = build_report(read_queue_log(DATA, sl_target_s=40)[0], "30m", SH)[0]
    assert (own.answered_within_sl, own.service_level) == (3, 0.5)  # 3 / 6


def test_each_interval(events):
    def starts(interval: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in build_report(events, interval, SH):
            out.setdefault(r.queue, []).append(r.interval_start[11:16])
        return out

    # entries: sales +0 +60 +120 +200 +300 +400 (09:36:40) +1790 (09:59:50) +1800 +1900
    #   +2000; support +100 +500 (09:38:20) +600 (09:40) +700 +2100 (10:05) +2200 (10:06:40)
    assert starts("6m") == {"sales": ["09:30", "09:36", "09:54", "10:00"],
                            "support": ["09:30", "09:36", "10:00", "10:06"]}
    assert starts("15m") == {"sales": ["09:30", "09:45", "10:00"],
                             "support": ["09:30", "10:00"]}
    assert starts("30m") == {"sales": ["09:30", "10:00"], "support": ["09:30", "10:00"]}
    assert starts("1h") == {"sales": ["09:00", "10:00"], "support": ["09:00", "10:00"]}
    day = build_report(events, "1d", SH)
    assert [(r.interval_start, r.queue, r.offered) for r in day] == [
        ("2026-03-02T00:00:00+08:00", "sales", 10), ("2026-03-02T00:00:00+08:00", "support", 6)]
    # 09:30 sales 5, support 1 | 09:36 sales 1, support 3 | 09:54 sales 1 | 10:00 sales 3,
    # support 1 | 10:06 support 1
    assert [r.offered for r in build_report(events, "6m", SH)] == [5, 1, 1, 3, 1, 3, 1, 1]
    assert set(INTERVALS) == {"6m", "15m", "30m", "1h", "1d", "total"}


def test_time_zone_changes_interval_text_and_alignment(events):
    utc = build_report(events, "30m", "UTC")
    assert [r.interval_start for r in utc] == [
        "2026-03-02T01:30:00+00:00", "2026-03-02T01:30:00+00:00",
        "2026-03-02T02:00:00+00:00", "2026-03-02T02:00:00+00:00"]
    # same instants, only the text moves: the numbers are those of Asia/Shanghai
    assert [r.offered for r in utc] == [r.offered for r in EXPECTED_30M]
    # +05:30: B is 07:00 in Kolkata, all entries (up to +2200) fall in its 07:00 hour
    kolkata = build_report(events, "1h", "Asia/Kolkata")
    assert [(r.interval_start, r.offered) for r in kolkata] == [
        ("2026-03-02T07:00:00+05:30", 10), ("2026-03-02T07:00:00+05:30", 6)]
    # the UTC day holds the same contacts, starting at UTC midnight
    assert build_report(events, "1d", "UTC")[0].interval_start == "2026-03-02T00:00:00+00:00"
    assert build_report(events, "total", "UTC")[0].interval_start == "2026-03-02T01:30:00+00:00"


@pytest.fixture
def shanghai_is_local(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_no_zone_means_the_local_zone(events, shanghai_is_local):
    assert _without_staffing(build_report(events, "30m", None)) == EXPECTED_30M


def _contact(entered: float, queue: str = "q", cid: str = "c") -> list[ev.Event]:
    return [ev.ContactOffered(entered, cid, queue), ev.ContactAbandoned(entered + 30, cid, queue)]


def test_boundaries_are_start_inclusive_end_exclusive():
    ten = B + 1800  # 10:00:00 Shanghai
    events = [*_contact(ten - 0.001, cid="before"), *_contact(ten, cid="at")]
    rows = build_report(events, "30m", SH)
    assert [(r.interval_start, r.offered) for r in rows] == [
        ("2026-03-02T09:30:00+08:00", 1), ("2026-03-02T10:00:00+08:00", 1)]
    day_end = B + 14.5 * 3600  # 2026-03-03 00:00:00 Shanghai
    rows = build_report([*_contact(day_end - 1, cid="a"), *_contact(day_end, cid="b")],
                        "1d", SH)
    assert [r.interval_start for r in rows] == ["2026-03-02T00:00:00+08:00",
                                                "2026-03-03T00:00:00+08:00"]


def test_outcomes_belong_to_the_entry_interval():
    events = [
        ev.QueueDefined(B, "q", "Q", "online", 60.0),
        ev.ContactOffered(B + 1790, "c", "q"),  # 09:59:50
        ev.ContactAnswered(B + 1850, "c", "q", "a"),  # 10:00:50, waited 60 = T: within
        ev.ContactEnded(B + 2000, "c", "q", "a"),  # talk 150
        ev.ContactOffered(B + 1801, "d", "q"),  # 10:00:01, still waiting at the end
        ev.Heartbeat(B + 2101),
    ]
    rows = build_report(events, "30m", SH)
    assert rows == [
        ReportRow("2026-03-02T09:30:00+08:00", "q", "online", 1, 1, 0, 0, 0, 1,
                  1.0, 60.0, 150.0, 60.0, 0.0),
        # no outcome yet: rates undefined; d waited +1801 .. +2101 = 300
        ReportRow("2026-03-02T10:00:00+08:00", "q", "online", 1, 0, 0, 0, 0, 0,
                  None, None, None, 300.0, None),
    ]


def test_callbacks_and_transfers_from_other_sources():
    events = [
        ev.QueueDefined(B, "chat", "Chat", "online", 60.0),
        ev.QueueDefined(B, "vip", "VIP", "hotline", 20.0),
        ev.ContactOffered(B, "c1", "chat"),
        ev.CallbackRequested(B + 50, "c1", "chat", waited_s=50),  # within 60
        ev.ContactOffered(B + 10, "c2", "chat"),
        ev.ContactTransferred(B + 100, "c2", "chat", "vip"),  # waited 90: exit, then vip
        ev.ContactAnswered(B + 105, "c2", "vip", "a"),  # 5 s in vip
        ev.ContactEnded(B + 205, "c2", "vip", "a"),
        ev.ContactOffered(B + 20, "c3", "chat"),
        ev.ContactAnswered(B + 30, "c3", "chat", "a"),
        ev.ContactTransferred(B + 90, "c3", "chat", "vip", "a"),  # talk 60, then vip again
        ev.ContactAbandoned(B + 92, "c3", "vip"),  # 2 s in vip: short
    ]
    chat, vip = build_report(events, "total", SH)
    # chat: c1 callback, c2 transferred while waiting (exit), c3 answered within 10 s
    #   other_exits = 1 exit + 1 callback; outcomes = 1 + 0 + 1 + 1 = 3
    assert (chat.offered, chat.answered, chat.other_exits, chat.answered_within_sl) == \
        (3, 1, 2, 1)
    assert (chat.service_level, chat.aht_s, chat.max_wait_s) == (0.3333, 60.0, 90.0)
    assert build_report(events, "total", SH, sl_variant="removed")[0].service_level == \
        0.6667  # (c3 answered + c1 callback within 60) / 3
    # vip: c2 answered after 5, talk 100; c3 abandoned after 2 (short)
    assert (vip.offered, vip.answered, vip.abandoned, vip.short_abandoned) == (2, 1, 1, 1)
    assert (vip.service_level, vip.asa_s, vip.aht_s, vip.abandon_rate) == \
        (1.0, 5.0, 100.0, 0.0)
    assert chat.interval_start == vip.interval_start == "2026-03-02T09:30:00+08:00"


def test_dst_fall_back_in_new_york():
    # 2026-11-01: 01:00-02:00 happens twice (EDT -04:00, then EST -05:00).
    first = 1_793_511_000.0  # 05:30Z = 01:30 EDT
    second = first + 3600  # 06:30Z = 01:30 EST
    events = [*_contact(first, cid="a"), *_contact(second, cid="b"),
              *_contact(first + 86400, cid="c")]  # 00:30 EST next day
    hours = build_report(events, "1h", "America/New_York")
    assert [r.interval_start for r in hours] == [
        "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-02T00:00:00-05:00"]
    days = build_report(events, "1d", "America/New_York")
    assert [(r.interval_start, r.offered) for r in days] == [
        ("2026-11-01T00:00:00-04:00", 2), ("2026-11-02T00:00:00-05:00", 1)]


def test_bad_arguments_raise_value_error(events):
    with pytest.raises(ValueError, match="interval"):
        build_report(events, "2h", SH)
    with pytest.raises(ValueError, match="service level variant"):
        build_report(events, "30m", SH, sl_variant="fast")
    with pytest.raises(ValueError, match="time zone"):
        build_report(events, "30m", "Mars/Olympus")


def test_csv_header_and_cells():
    rows = [*EXPECTED_30M[:1], ReportRow("2026-03-02T10:00:00+08:00", "q", "online", 1, 0,
                                         0, 0, 0, 0, None, None, None, 300.0, None)]
    buf = io.StringIO()
    write_csv(rows, buf)
    lines = buf.getvalue().split("\n")
    assert lines[0] == ("interval_start,queue,channel,offered,answered,abandoned,"
                        "short_abandoned,other_exits,answered_within_sl,service_level,asa_s,"
                        "aht_s,max_wait_s,abandon_rate,nps,nps_responses,csat,first_response_s,"
                        "backlog_oldest_s,bot_contained,bot_handoffs,contacts_per_agent_hour")
    assert lines[1] == "2026-03-02T09:30:00+08:00,sales,hotline,7,3,2,1,2,1,0.1667,23.3,160.0," \
                       "60.0,0.1667,,,,,,,,"
    assert lines[2] == "2026-03-02T10:00:00+08:00,q,online,1,0,0,0,0,0,,,,300.0,,,,,,,,,"
    assert lines[3:] == [""]
    assert tuple(next(csv.reader(io.StringIO(buf.getvalue())))) == CSV_COLUMNS


def test_json_and_table():
    rows = [*EXPECTED_30M[:1], ReportRow("2026-03-02T10:00:00+08:00", "q", "online", 1, 0,
                                         0, 0, 0, 0, None, None, None, 300.0, None)]
    data = json.loads(json.dumps(rows_to_json(rows)))
    assert list(data[0]) == list(CSV_COLUMNS)
    assert data[0]["service_level"] == 0.1667 and data[0]["offered"] == 7
    assert data[1]["asa_s"] is None and data[1]["service_level"] is None
    table = format_table(rows).splitlines()
    assert table[0].split()[:3] == ["interval", "start", "queue"]
    assert "16.7%" in table[1] and "23.3" in table[1]
    assert table[2].split()[-13:] == ["-", "-", "-", "300.0", *["-"] * 9]
    assert format_table([]) == "(no contacts entered a queue)"


# ------------------------------------------------------------ feed runs, bad values
def test_the_same_contact_id_in_two_feed_runs_is_two_contacts():
    builder = ReportBuilder("total", "UTC")
    # Run 1 ends with c1 waiting (its server stopped); run 2 reuses c1, starting again
    # at an earlier event time (a restarted simulator's clock).
    builder.add([ev.ContactOffered(B + 100, "c1", "q"), ev.Heartbeat(B + 160)], run=1)
    builder.add([ev.ContactOffered(B, "c1", "q"), ev.ContactAnswered(B + 10, "c1", "q", "a"),
                 ev.ContactEnded(B + 400, "c1", "q", "a")], run=2)
    (row,) = builder.rows()
    assert (row.offered, row.answered, row.asa_s, row.aht_s) == (2, 1, 10.0, 390.0)
    assert row.max_wait_s == 60.0  # run 1's c1 waited until run 1's last event, not 300
    assert builder.skipped == {}
    # Interleaved (two feeds, or runs met again): the same, pair by pair.
    interleaved = ReportBuilder("total", "UTC")
    interleaved.add_runs([(1, ev.ContactOffered(B + 100, "c1", "q")),
                          (2, ev.ContactOffered(B, "c1", "q")),
                          (2, ev.ContactAnswered(B + 10, "c1", "q", "a")),
                          (1, ev.Heartbeat(B + 160)),
                          (2, ev.ContactEnded(B + 400, "c1", "q", "a"))])
    assert interleaved.rows() == [row]


def test_a_far_ahead_event_counts_only_when_the_next_one_confirms_it():
    jump = MAX_AHEAD_S + 60
    builder = ReportBuilder("total", "UTC")
    builder.add([ev.ContactOffered(B, "c1", "q"),
                 ev.Heartbeat(B + 1e6),  # a broken clock: the next event is back at B
                 ev.ContactOffered(B + 5, "c2", "q"),
                 ev.ContactOffered(B + jump, "c3", "q"),  # the morning after: confirmed
                 ev.ContactAnswered(B + jump + 4, "c3", "q", "a"),
                 ev.Heartbeat(B + 5e6)])  # the last event: nothing confirms it
    assert builder.skipped == {"time_jump": 2}
    (row,) = builder.rows()
    assert (row.offered, row.answered) == (3, 1)
    assert row.max_wait_s == jump + 4  # c1 and c2 waited until c3's answer, no longer


def test_times_and_targets_no_report_can_use_are_counted_not_raised():
    builder = ReportBuilder("30m", "UTC")
    builder.add([ev.QueueDefined(B, "q", "Q", "hotline", float("nan")),
                 ev.QueueDefined(B, "r", "R", "hotline", -1.0),
                 ev.QueueDefined(B, "s", "S", "online", "twenty"),  # type: ignore[arg-type]
                 ev.ContactOffered(float("nan"), "c1", "q"),
                 ev.ContactOffered(-1e13, "c2", "q"),
                 ev.ContactOffered(3e11, "c3", "q"),
                 ev.ContactOffered("soon", "c4", "q"),  # type: ignore[arg-type]
                 ev.ContactOffered(B, "c5", "q"),
                 ev.ContactAbandoned(B - 5, "c5", "q"),  # before it entered
                 ev.ContactAnswered(B + 8, "c5", "q", "a"),
                 ev.ContactEnded(B + 2, "c5", "q", "a")])  # before it was answered
    assert builder.skipped == {"bad_time": 4, "bad_value": 3, "out_of_order": 2}
    (row,) = builder.rows()
    assert (row.offered, row.answered, row.abandoned, row.asa_s) == (1, 1, 0, 8.0)
    assert row.channel == "hotline" and row.answered_within_sl == 1  # the default T, 20 s
