"""Asterisk queue_log import on a hand-written log with every event type (no Qt)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from feeds.sources.queue_log import (
    MAX_PROBLEM_SAMPLES,
    ImportStats,
    QueueLogImport,
    iter_queue_log,
    read_queue_log,
)
from monitor import events as ev
from monitor.floor import Floor

DATA = Path(__file__).resolve().parent / "data" / "queue_log_all_events.txt"
B = 1_772_415_000.0  # 2026-03-02 09:30:00 Asia/Shanghai (01:30:00 UTC), line 9 of DATA

# Outline of DATA (offsets from B; sl target 20 s):
#   sales:   c1 +0 answered +10 (101) ends +130 | c2 +60 (old 2-field ENTERQUEUE) answered
#            +95 (102) ends +395 | c3 +120 abandons +123 | c4 +200 abandons +245 |
#            c5 +300 EXITWITHTIMEOUT +360 | c6 +400 EXITWITHKEY +408 |
#            c7 +1790 answered +1815 (101) BLINDTRANSFER +1875 | c8 +1800 answered +1812
#            (102) ends +1902 | c9 +1900 abandons +1904 | c10 +2000 still waiting
#   support: s1 +100 EXITEMPTY +101 | s2 +500 WITHDRAW +530 | s3 +600 answered +620
#            (Agent/1001) ATTENDEDTRANSFER +680 | s4 +700 answered +705 TRANSFER +765 |
#            s5 +2100 abandons +2130 | s6 +2200 answered +2218 ends +2300
#   line 8: COMPLETECALLER of a call from before the log (unmatched)
#   lines 35-38: unknown event, too few fields, bad epoch, non-integer waittime; 39 blank
#   last line: CONFIGRELOAD at +2400


@pytest.fixture(scope="module")
def imported() -> tuple[list[ev.Event], ImportStats]:
    return read_queue_log(DATA)


def test_stats_count_every_asterisk_event_and_problem_lines(imported):
    events, stats = imported
    assert stats.lines == 61
    assert stats.counts == Counter({
        "QUEUESTART": 1, "CONFIGRELOAD": 2, "AGENTLOGIN": 1, "ADDMEMBER": 3, "UNPAUSE": 2,
        "ENTERQUEUE": 16, "CONNECT": 7, "RINGNOANSWER": 1, "RINGCANCELED": 1,
        "COMPLETECALLER": 3, "COMPLETEAGENT": 2, "ABANDON": 4, "EXITEMPTY": 1,
        "EXITWITHTIMEOUT": 1, "EXITWITHKEY": 1, "WITHDRAW": 1, "ATTENDEDTRANSFER": 1,
        "TRANSFER": 1, "BLINDTRANSFER": 1, "PAUSE": 1, "PAUSEALL": 1, "UNPAUSEALL": 1,
        "REMOVEMEMBER": 2, "AGENTLOGOFF": 1,
    })
    assert stats.transfers == 3  # c7 BLINDTRANSFER, s3 ATTENDEDTRANSFER, s4 TRANSFER
    assert stats.unmatched == 1  # line 8
    assert stats.skipped == 4
    assert stats.problems == [
        (35, "unknown event 'FOOBAR'"),
        (36, "expected at least 5 '|'-separated fields, got 2"),
        (37, "time 'yesterday' is not an epoch number"),
        (38, "ABANDON: waittime 'abc' is not an integer"),
    ]
    assert stats.events == len(events)


def test_call_events_map_to_canonical_contacts(imported):
    events, _ = imported
    by_type = Counter(type(e) for e in events)
    assert by_type[ev.ContactOffered] == 16
    assert by_type[ev.ContactAnswered] == 7
    assert by_type[ev.ContactAbandoned] == 4
    assert by_type[ev.ContactEnded] == 7  # 4 completed + 3 transferred
    assert by_type[ev.ContactExited] == 4
    offered = {e.contact: e for e in events if isinstance(e, ev.ContactOffered)}
    assert offered["1772415000.1"] == ev.ContactOffered(B, "1772415000.1", "sales",
                                                        "13800000001")
    # the old two-field ENTERQUEUE still carries the caller id
    assert offered["1772415060.2"].customer == "13800000002"
    exits = [(e.contact, e.reason) for e in events if isinstance(e, ev.ContactExited)]
    assert exits == [("1772415100.11", "empty"), ("1772415300.5", "timeout"),
                     ("1772415400.6", "key"), ("1772415500.12", "withdraw")]
    ended = {e.contact: e for e in events if isinstance(e, ev.ContactEnded)}
    assert ended["1772416790.7"] == ev.ContactEnded(B + 1875, "1772416790.7", "sales",
                                                    "PJSIP/101")
    assert ended["1772415700.14"].t == B + 765  # old TRANSFER name
    answered = [e for e in events if isinstance(e, ev.ContactAnswered)]
    assert answered[0] == ev.ContactAnswered(B + 10, "1772415000.1", "sales", "PJSIP/101")


def test_queues_are_defined_before_their_first_event(imported):
    events, _ = imported
    defined = [e for e in events if isinstance(e, ev.QueueDefined)]
    assert defined == [
        ev.QueueDefined(B - 40, "sales", "sales", "hotline", 20.0),
        ev.QueueDefined(B - 40, "support", "support", "hotline", 20.0),
    ]
    for q in ("sales", "support"):
        first = next(i for i, e in enumerate(events) if getattr(e, "queue", None) == q
                     or q in getattr(e, "skills", {}))
        assert isinstance(events[first], ev.QueueDefined)
    custom, _ = read_queue_log(DATA, sl_target_s=45.0)
    assert {e.sl_target_s for e in custom if isinstance(e, ev.QueueDefined)} == {45.0}


def test_agent_events(imported):
    events, _ = imported
    agent_events = [e for e in events if isinstance(e, ev.AgentLogin | ev.AgentLogout
                                                    | ev.AgentSkills)]
    assert agent_events == [
        ev.AgentLogin(B - 50, "Agent/1001", "Agent/1001"),  # AGENTLOGIN
        ev.AgentLogin(B - 40, "PJSIP/101", "PJSIP/101"),  # first ADDMEMBER
        ev.AgentSkills(B - 40, "PJSIP/101", {"sales": 1}, 0),
        ev.AgentSkills(B - 40, "PJSIP/101", {"sales": 1, "support": 1}, 0),
        ev.AgentLogin(B - 30, "PJSIP/102", "PJSIP/102"),
        ev.AgentSkills(B - 30, "PJSIP/102", {"sales": 1}, 0),
        ev.AgentSkills(B + 2350, "PJSIP/101", {"sales": 1}, 0),  # REMOVEMEMBER support
        ev.AgentSkills(B + 2360, "PJSIP/101", {}, 0),  # REMOVEMEMBER of its last queue
        ev.AgentLogout(B + 2360, "PJSIP/101"),
        ev.AgentLogout(B + 2390, "Agent/1001"),  # AGENTLOGOFF
    ]
    states = [(e.t - B, e.agent, e.state, e.reason) for e in events
              if isinstance(e, ev.AgentStateChanged) and e.agent != "Agent/1001"]
    assert states == [
        (-30, "PJSIP/102", "not_ready", "pause"),  # ADDMEMBER …|PAUSED
        (-20, "PJSIP/102", "available", ""),  # UNPAUSE
        (10, "PJSIP/101", "on_contact", ""),  # CONNECT c1
        (95, "PJSIP/102", "on_contact", ""),
        (130, "PJSIP/101", "available", ""),  # COMPLETECALLER c1
        (395, "PJSIP/102", "available", ""),
        (1000, "PJSIP/101", "not_ready", "lunch"),  # PAUSE lunch
        (1500, "PJSIP/101", "available", ""),
        (1600, "PJSIP/102", "not_ready", "pause"),  # PAUSEALL without a reason
        (1700, "PJSIP/102", "available", ""),  # UNPAUSEALL
        (1812, "PJSIP/102", "on_contact", ""),
        (1815, "PJSIP/101", "on_contact", ""),
        (1875, "PJSIP/101", "available", ""),  # BLINDTRANSFER ends c7
        (1902, "PJSIP/102", "available", ""),
    ]


def test_the_log_ends_with_a_heartbeat_at_its_last_line(imported):
    events, _ = imported
    assert events[-1] == ev.Heartbeat(B + 2400)  # CONFIGRELOAD makes no event of its own


def test_streaming_matches_reading_all_and_lines_can_be_given_directly(imported):
    lines = DATA.read_text(encoding="utf-8").splitlines(keepends=True)
    stats = ImportStats()
    streamed = list(iter_queue_log(iter(lines), stats, 20.0))
    assert streamed == imported[0]
    assert stats == imported[1]
    crlf = [line.replace("\n", "\r\n") for line in lines]
    assert read_queue_log(crlf)[0] == imported[0]
    assert read_queue_log(str(DATA))[0] == imported[0]


def test_undecodable_bytes_are_replaced(tmp_path):
    path = tmp_path / "queue_log"
    path.write_bytes(b"100|u1|q|NONE|ENTERQUEUE||\xff\xfe|1|Zh\xe5ng\n"
                     b"110|u1|q|NONE|ABANDON|1|1|10\n")
    events, stats = read_queue_log(path)
    assert stats.skipped == 0
    assert events[1] == ev.ContactOffered(100.0, "u1", "q", "\ufffd\ufffd")
    assert isinstance(events[2], ev.ContactAbandoned)


@pytest.mark.parametrize(("line", "reason"), [
    ("100|u|q|A|CONNECT|x|b|1", "CONNECT: holdtime 'x' is not an integer"),
    ("100|u|q|A|CONNECT", "CONNECT: expected at least 1 data fields, got 0"),
    ("100|u|q|A|COMPLETECALLER|10", "COMPLETECALLER: expected at least 2 data fields, got 1"),
    ("100|u|q|NONE|EXITWITHKEY|1|?", "EXITWITHKEY: position '?' is not an integer"),
    ("100|u|q|A|ATTENDEDTRANSFER|APP|Dial|x|60|1", "ATTENDEDTRANSFER: holdtime 'x' is not an "
                                                "integer"),
    ("100|u|q|A|RINGNOANSWER|1.5", "RINGNOANSWER: ringtime '1.5' is not an integer"),
    ("100|u|NONE|NONE|ENTERQUEUE||123", "ENTERQUEUE: a call event needs a uniqueid and a queue"),
    ("100||q|NONE|ABANDON|1|1|3", "ABANDON: a call event needs a uniqueid and a queue"),
    ("100|u|q|NONE|ADDMEMBER|", "ADDMEMBER: needs an agent"),
    ("nan|u|q|NONE|ENTERQUEUE||1", "time 'nan' is not an epoch number"),
    ("1772415000000|u|q|NONE|ENTERQUEUE||1",  # milliseconds
     "time '1772415000000' is out of range (epoch seconds)"),
    ("-5|u|q|NONE|ENTERQUEUE||1", "time '-5' is out of range (epoch seconds)"),
    ("100|u|q|NONE|enterqueue||1", "unknown event 'enterqueue'"),
])
def test_bad_lines_are_reported_with_their_reason(line, reason):
    events, stats = read_queue_log(["1|x|q|NONE|CONFIGRELOAD|", line])
    assert stats.problems == [(2, reason)]
    assert stats.skipped == 1
    assert not [e for e in events if not isinstance(e, ev.QueueDefined | ev.Heartbeat)]


def test_tolerated_variants_are_accepted():
    lines = [
        "100|u1|q|NONE|ENTERQUEUE",  # no data at all
        "101|u1|q|A|CONNECT|1",  # only holdtime (Asterisk 1.2)
        "160|u1|q|A|ATTENDEDTRANSFER|LINK|c1|c2|1|59|1",  # LINK: two method fields
        "200|u2|q|NONE|ENTERQUEUE||5",
        "230|u2|q|NONE|EXITWITHTIMEOUT|1",  # only position (Asterisk 1.2)
        "300|u3|q|NONE|ENTERQUEUE||6",
        "310|u3|q|NONE|WITHDRAW",
        "400|u4|q|NONE|ENTERQUEUE||7|||",  # empty optional fields
    ]
    events, stats = read_queue_log(lines)
    assert stats.skipped == 0 and stats.unmatched == 0 and stats.transfers == 1
    assert [type(e).__name__ for e in events if not isinstance(e, ev.AgentStateChanged)] == [
        "QueueDefined", "ContactOffered", "AgentLogin", "ContactAnswered", "ContactEnded",
        "ContactOffered", "ContactExited", "ContactOffered", "ContactExited", "ContactOffered",
    ]


def test_problem_samples_are_capped_but_all_are_counted():
    lines = (f"{i}|u|q|NONE|BOGUS|" for i in range(MAX_PROBLEM_SAMPLES + 500))
    stats = ImportStats()
    assert list(iter_queue_log(lines, stats)) == []
    assert stats.skipped == MAX_PROBLEM_SAMPLES + 500
    assert len(stats.problems) == MAX_PROBLEM_SAMPLES
    assert stats.problems[-1] == (MAX_PROBLEM_SAMPLES, "unknown event 'BOGUS'")


def test_calls_missing_their_start_are_unmatched():
    lines = [
        "100|old1|q|A|CONNECT|30|b|2",  # entered before the log: answer kept for the floor
        "150|old1|q|A|COMPLETECALLER|30|50|1",
        "160|old2|q|NONE|ABANDON|1|1|40",  # never seen: left out
        "170|old3|q|B|COMPLETEAGENT|10|20|1",  # never seen: left out
        "180|u|q|NONE|ENTERQUEUE||1",
        "190|u|q|A|COMPLETECALLER|10|0|1",  # ends a call that was never connected
    ]
    events, stats = read_queue_log(lines)
    assert stats.unmatched == 4
    contacts = [(type(e).__name__, e.t) for e in events if hasattr(e, "contact")]
    assert contacts == [("ContactAnswered", 100.0), ("ContactEnded", 150.0),
                        ("ContactOffered", 180.0)]


def test_pause_during_a_call_takes_effect_when_it_ends():
    imp = QueueLogImport()
    lines = [
        "100|u|q|NONE|ENTERQUEUE||1",
        "105|u|q|A|CONNECT|5|b|1",
        "110|NONE|q|A|PAUSE|break",
        "150|u|q|A|COMPLETEAGENT|5|45|1",
        "200|NONE|q|A|UNPAUSE|",
    ]
    states = [(e.t, e.state, e.reason) for e in imp.events(lines)
              if isinstance(e, ev.AgentStateChanged)]
    assert states == [(105.0, "on_contact", ""), (150.0, "not_ready", "break"),
                      (200.0, "available", "")]


def test_imported_events_drive_the_floor(imported):
    events, _ = imported
    floor = Floor(short_abandon_s=5.0)
    for e in events:
        floor.apply(e, "pbx")
    assert floor.unknown_references == 0 and floor.rejected_events == 0
    assert floor.events_applied == len(events)
    assert floor.now == B + 2400
    assert list(floor.queues["sales"].waiting) == ["1772417000.10"]  # c10
    assert floor.queues["support"].waiting == {}
    assert list(floor.contacts) == ["1772417000.10"]
    # Over 60 minutes everything of the log is in the window, so the wall agrees with
    # the report's total: sales 10 offered, 4 answered (2 within 20 s), 3 abandoned
    # (2 short), 2 exits -> SL 2 / (9 - 2); AHT (120 + 300 + 60 + 90) / 4.
    sales = floor.queue_view("sales", 60)
    assert (sales.offered, sales.answered, sales.abandoned) == (10, 4, 3)
    assert sales.service_level == pytest.approx(2 / 7)
    assert sales.asa_s == pytest.approx(82 / 4)
    assert sales.aht_s == pytest.approx(142.5)
    assert sales.longest_wait_s == 400.0  # c10: +2000 to +2400
    support = floor.queue_view("support", 60)
    assert (support.offered, support.answered, support.abandoned) == (6, 3, 1)
    assert support.aht_s == pytest.approx(202 / 3)  # (60 + 60 + 82) / 3
    assert {a.id: (str(a.state), a.handled) for a in floor.agents.values()} == {
        "Agent/1001": ("logged_out", 3),
        "PJSIP/101": ("logged_out", 2),
        "PJSIP/102": ("available", 2),
    }
    assert floor.channel_view("hotline").waiting == 1
