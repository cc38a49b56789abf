"""Report column contacts_per_agent_hour, hand-computed: contacts handled (ended in the
interval) per staffed agent-hour of the queue's agents, chats at once each counting;
empty where no agent of the queue was staffed."""

from __future__ import annotations

from monitor import events as ev
from monitor.report import build_report

B = 1_767_258_000.0  # 2026-01-01 09:00:00 UTC, a 15-minute boundary


def _events() -> list[ev.Event]:
    return [
        ev.QueueDefined(B, "q", "General", "hotline"),
        ev.QueueDefined(B, "chat", "Web chat", "online", 60.0),
        ev.QueueDefined(B, "vip", "VIP", "hotline"),
        ev.AgentLogin(B, "a1", "Ann"), ev.AgentSkills(B, "a1", {"q": 1}),
        # c1: in and out in the first interval
        ev.ContactOffered(B + 10, "c1", "q"), ev.ContactAnswered(B + 20, "c1", "q", "a1"),
        ev.ContactEnded(B + 200, "c1", "q", "a1"),
        # a2 joins at +300 with three chats at once, all ended before +900
        ev.AgentLogin(B + 300, "a2", "Bo"), ev.AgentSkills(B + 300, "a2", {"chat": 1}, 3),
        *(e for n in range(3) for e in (
            ev.ContactOffered(B + 400 + n, f"k{n}", "chat"),
            ev.ContactAnswered(B + 410 + n, f"k{n}", "chat", "a2"),
            ev.ContactEnded(B + 600 + 100 * n, f"k{n}", "chat", "a2"))),
        ev.AgentStateChanged(B + 800, "a2", "not_ready", "break"),  # still staffed
        # vip: nobody is skilled in it
        ev.ContactOffered(B + 100, "v1", "vip"), ev.ContactAbandoned(B + 130, "v1", "vip"),
        # c2: the second interval
        ev.ContactOffered(B + 950, "c2", "q"), ev.ContactAnswered(B + 960, "c2", "q", "a1"),
        ev.ContactEnded(B + 1000, "c2", "q", "a1"),
        ev.AgentLogout(B + 1200, "a1"),
        ev.AgentLogout(B + 1500, "a2"),
    ]


def _per_hour(interval: str) -> dict[tuple[str, str], float | None]:
    return {(r.interval_start[11:16], r.queue): r.contacts_per_agent_hour
            for r in build_report(_events(), interval, "UTC")}


def test_per_interval_staffed_hours_and_handled_contacts():
    assert _per_hour("15m") == {
        ("09:00", "q"): 4.0,  # c1 over a1's 900 s: 1 x 3600 / 900
        ("09:00", "chat"): 18.0,  # k0..k2 over a2's 600 s (+300..+900): 3 x 3600 / 600
        ("09:00", "vip"): None,  # no one staffed for it: empty, not 0
        ("09:15", "q"): 12.0,  # c2 over a1's 300 s (+900..+1200): 1 x 3600 / 300
    }


def test_one_total_interval():
    assert _per_hour("total") == {
        ("09:00", "q"): 6.0,  # c1, c2 over a1's 1,200 s
        ("09:00", "chat"): 9.0,  # three chats over a2's 1,200 s (+300..+1500)
        ("09:00", "vip"): None,
    }


def test_a_stretch_still_open_closes_at_the_runs_last_event():
    events = [e for e in _events() if not isinstance(e, ev.AgentLogout)]
    events.append(ev.Heartbeat(B + 1800))
    # a1 staffed to +1800 now: the 09:15 interval has 900 s for c2.
    assert _per_hour_of(events)[("09:15", "q")] == 4.0


def _per_hour_of(events: list[ev.Event]) -> dict[tuple[str, str], float | None]:
    return {(r.interval_start[11:16], r.queue): r.contacts_per_agent_hour
            for r in build_report(events, "15m", "UTC")}


def test_an_absurd_stretch_is_left_out_not_walked_interval_by_interval():
    # Logged in in 1970, the next events a century later (two of them, so the report
    # takes the jump as real): no week-long shift exists; the stretch is counted as
    # untracked instead of filling millions of 6-minute intervals.
    from monitor.report import ReportBuilder

    builder = ReportBuilder("6m", "UTC")
    far = 4_000_000_000.0
    builder.add([
        ev.QueueDefined(1.0, "q", "Q", "hotline"),
        ev.AgentLogin(1.0, "a1", "Ann"), ev.AgentSkills(1.0, "a1", {"q": 1}),
        ev.ContactOffered(far, "c1", "q"), ev.ContactAnswered(far + 1, "c1", "q", "a1"),
        ev.ContactEnded(far + 61, "c1", "q", "a1"), ev.AgentLogout(far + 120, "a1"),
    ])
    (row,) = builder.rows()
    assert row.contacts_per_agent_hour is None  # no staffed time it could trust
    assert builder.staffing.untracked == 1
    assert len(builder.staffing.staffed_s) == 0
