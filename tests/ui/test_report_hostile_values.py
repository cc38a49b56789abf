"""`floorwatch report` on recordings holding values a feed may send but no report can use.

Each recording is written the way `floorwatch record` writes one (a `Recorder`, or rows
in its format for what today's client refuses but an older recording may hold). The
report must never fail: it uses each value safely or leaves it out, says on stderr what
it left out, and exits 0 with a sane report (issue 9: `sl_target_s: "twenty"` in a
snapshot and an `inf` minute counter gave a traceback, a contact offered at t = -1e13
an error, and one far-future heartbeat a max wait of 3e11 s).
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.store import packing
from feeds.store.recording import Recorder, read_recording
from monitor import events as ev
from tests.ui.test_cmd_report import AFTER, BEFORE, FEED, R0, snapshot_of, write_recording
from ui.cli import main

ARGS = ("--tz", "UTC", "--format", "json")


def report(capsys, path: Path, *args: str) -> tuple[int, list[dict[str, Any]], list[str]]:
    """Exit code, rows and stderr lines of `floorwatch report PATH` (in process)."""
    code = main(["report", str(path), *(args or ARGS)])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else [], err.splitlines()


def baseline(capsys, tmp_path: Path) -> list[dict[str, Any]]:
    """The report of the clean recording the hostile ones are made from."""
    code, rows, err = report(capsys, write_recording(tmp_path / "clean.fwrec",
                                                     [snapshot_of(BEFORE), *AFTER]))
    assert (code, err) == (0, [])
    return rows


def with_state(change) -> ev.Snapshot:
    """The snapshot of BEFORE with its state changed in place by `change(state)`."""
    snap = snapshot_of(BEFORE)
    state = copy.deepcopy(snap.state)
    change(state)
    return ev.Snapshot(snap.t, snap.seq, state)


def queue(state: dict[str, Any], queue_id: str) -> dict[str, Any]:
    return next(q for q in state["queues"] if q["id"] == queue_id)


def by_queue(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["interval_start"], r["queue"]): r for r in rows}


# -------------------------------------------------------------- snapshot values
def test_an_integer_past_64_bits_in_a_snapshot_is_recorded_and_does_not_matter(
        capsys, tmp_path):
    # JSON integers have no size limit; msgpack's stop at 64 bits (the recorder dropped
    # the whole snapshot, so the report lost its queue definitions).
    snap = with_state(lambda s: s.update(x=10**30, y=[-(10**40)]))
    path = write_recording(tmp_path / "big.fwrec", [snap, *AFTER])
    stored = next(read_recording(path))[1]
    assert isinstance(stored, ev.Snapshot)  # stored whole, read back exactly
    assert (stored.state["x"], stored.state["y"]) == (10**30, [-(10**40)])
    assert stored.state["queues"] == snap.state["queues"]
    code, rows, err = report(capsys, path)
    assert (code, err) == (0, [])
    assert rows == baseline(capsys, tmp_path)


def test_a_target_past_64_bits_or_of_twenty_leaves_that_queue_definition_out(
        capsys, tmp_path):
    def change(state):
        queue(state, "app")["sl_target_s"] = "twenty"
        queue(state, "general")["sl_target_s"] = 10**30
    path = write_recording(tmp_path / "twenty.fwrec", [with_state(change), *AFTER])
    code, rows, err = report(capsys, path)
    assert code == 0
    assert err == [f"{path}: 2 queue definition(s) in snapshots left out (wrong_field_type 2); "
                   "such a queue reports as hotline with a 20 s target"]
    clean = by_queue(baseline(capsys, tmp_path))
    got = by_queue(rows)
    assert got.keys() == clean.keys()
    for key, row in got.items():
        # Counts do not depend on the definition; the channel is the default's.
        assert {k: row[k] for k in ("offered", "answered", "abandoned", "max_wait_s")} == \
            {k: clean[key][k] for k in ("offered", "answered", "abandoned", "max_wait_s")}
        assert row["channel"] == "hotline"
    # app's c5 waited 45 s: within its own 60 s, not within the default 20 s.
    app = next(r for r in rows if r["queue"] == "app")
    assert (app["answered_within_sl"], app["service_level"]) == (0, 0.0)


def test_a_negative_or_absent_target_and_a_queue_that_is_not_a_map(capsys, tmp_path):
    def change(state):
        queue(state, "app")["sl_target_s"] = -5.0
        del queue(state, "general")["id"]
        state["queues"].append("not a queue")
    path = write_recording(tmp_path / "odd.fwrec", [with_state(change), *AFTER])
    code, rows, err = report(capsys, path)
    assert code == 0
    assert err == [
        f"{path}: 2 queue definition(s) in snapshots left out (missing_field 1, not_a_map 1); "
        "such a queue reports as hotline with a 20 s target",
        f"{path}: 1 event(s) left out of the report: 1 a queue definition whose SL target "
        "is not a number of seconds",
    ]
    assert [r["offered"] for r in rows] == [r["offered"] for r in baseline(capsys, tmp_path)]


def test_inf_nan_and_huge_minute_counters_in_a_snapshot_change_nothing(capsys, tmp_path):
    hostile = [math.inf, -math.inf, math.nan, 1e308, 10**30, -(10**30), "many", None]

    def change(state):
        for q in state["queues"]:
            stats = q["stats"]
            minute, counters = (stats["minutes"] or [[0, [0] * 21]])[0]
            stats["minutes"] = [[minute, [hostile[i % len(hostile)]
                                          for i in range(len(counters))]],
                                [math.inf, counters], [10**30, counters]]
            stats["day"] = [math.nan] * len(stats["day"])
            stats["day_start_minute"] = -math.inf
        state["now"] = math.inf
    path = write_recording(tmp_path / "inf.fwrec", [with_state(change), *AFTER])
    code, rows, err = report(capsys, path)
    assert (code, err) == (0, [])
    assert rows == baseline(capsys, tmp_path)


def test_a_snapshot_whose_state_is_no_floor_at_all(capsys, tmp_path):
    snaps = [ev.Snapshot(R0, 5, {"queues": "general"}), ev.Snapshot(R0, 5, {}),
             snapshot_of(BEFORE)]
    path = write_recording(tmp_path / "nofloor.fwrec", [*snaps, *AFTER])
    code, rows, err = report(capsys, path)
    assert code == 0
    assert err == [f"{path}: 2 snapshot(s) unreadable; their queue definitions are missing"]
    assert rows == baseline(capsys, tmp_path)


# ------------------------------------------------------------------ event times
def test_a_contact_offered_at_minus_1e13_is_skipped_with_its_outcome(capsys, tmp_path):
    events = [snapshot_of(BEFORE), *AFTER[:3],
              ev.ContactOffered(-1e13, "x1", "general"),
              ev.ContactAnswered(R0 + 25, "x1", "general", "a1"),
              *AFTER[3:]]
    path = write_recording(tmp_path / "past.fwrec", events)
    code, rows, err = report(capsys, path)
    assert code == 0
    assert err == [f"{path}: 1 of {len(events)} recorded events skipped",
                   "  row 5: bad_time: -1e+13"]
    assert rows == baseline(capsys, tmp_path)  # x1's answer counts nowhere


def test_far_future_heartbeats_do_not_make_every_wait_last_until_then(capsys, tmp_path):
    # c6 enters at R0 + 1800 and is still waiting at the end (R0 + 1830): max wait 30 s.
    events = [snapshot_of(BEFORE), *AFTER[:5],
              ev.Heartbeat(3e11),  # year 11476: refused on reading (bad_time)
              ev.Heartbeat(R0 + 40 * 86_400),  # 40 days on, within the protocol's range
              *AFTER[5:],
              ev.Heartbeat(4_000_000_000.0)]  # 2096, the last event: nothing confirms it
    path = write_recording(tmp_path / "future.fwrec", events)
    code, rows, err = report(capsys, path)
    assert code == 0
    assert err == [
        f"{path}: 1 of {len(events)} recorded events skipped",
        "  row 7: bad_time: 3e+11",
        f"{path}: 2 event(s) left out of the report: 2 more than 6 h past its feed run's "
        "latest event and not confirmed by the next one",
    ]
    assert rows == baseline(capsys, tmp_path)
    assert rows[-1]["queue"] == "general" and rows[-1]["max_wait_s"] == 30.0  # c6


def test_a_feed_quiet_overnight_is_not_a_broken_clock(capsys, tmp_path):
    night = 14 * 3600
    morning = [ev.ContactOffered(R0 + night, "m1", "general"),
               ev.ContactAnswered(R0 + night + 12, "m1", "general", "a1")]
    path = write_recording(tmp_path / "night.fwrec", [snapshot_of(BEFORE), *AFTER, *morning])
    code, rows, err = report(capsys, path, "--tz", "UTC", "--format", "json",
                             "--interval", "total")
    assert (code, err) == (0, [])
    general = next(r for r in rows if r["queue"] == "general")
    assert (general["offered"], general["answered"]) == (6, 3)
    # c6, still waiting when the events end, waited until the morning.
    assert general["max_wait_s"] == night + 12 - 1800


def test_an_answer_timed_before_its_contact_entered_is_left_out(capsys, tmp_path):
    events = [snapshot_of(BEFORE),
              ev.ContactOffered(R0 + 100, "z1", "general"),
              ev.ContactAnswered(R0 + 40, "z1", "general", "a1"),  # 60 s before it entered
              ev.ContactEnded(R0 + 90, "z1", "general", "a1"),
              ev.ContactAbandoned(R0 + 130, "z1", "general"),
              ev.Heartbeat(R0 + 140)]
    path = write_recording(tmp_path / "backwards.fwrec", events)
    code, rows, err = report(capsys, path)
    assert code == 0
    assert err == [f"{path}: 2 event(s) left out of the report: 2 an outcome timed before "
                   "the contact entered (or was answered)"]
    (row,) = rows
    assert (row["offered"], row["answered"], row["abandoned"]) == (1, 0, 1)
    assert row["max_wait_s"] == 30.0 and row["asa_s"] is None


# --------------------------------------------------- anything in any field, any row
FIELD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5),
    st.sampled_from(["hl", "c1", "a1", "hotline", "online", "available", "customer"]),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                         max_size=3),
)
FIELD_NAMES = st.sampled_from(["contact", "queue", "agent", "to_queue", "name", "channel",
                               "sl_target_s", "tier", "state", "reason", "skills", "kind",
                               "waited_s", "nps", "csat", "seq", "state", "x"])
QUEUE_DICTS = st.dictionaries(st.sampled_from(["id", "name", "channel", "sl_target_s",
                                               "tier", "name_zh", "stats"]),
                              FIELD_VALUES, max_size=7)
ROWS = st.lists(st.tuples(
    st.sampled_from(sorted(ev.EVENT_TYPES)),
    st.one_of(st.floats(allow_nan=False, allow_infinity=False),
              st.floats(R0 - 100, R0 + 100_000), st.integers(-(2**62), 2**62)),
    st.integers(0, 2**62),
    st.dictionaries(FIELD_NAMES, FIELD_VALUES, max_size=6),
    st.lists(QUEUE_DICTS, max_size=3),
), min_size=1, max_size=25)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                HealthCheck.too_slow])
@given(rows=ROWS)
def test_any_recorded_values_give_a_report_never_a_traceback(capsys, rows):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "any.fwrec"
        with Recorder(path, feeds=[FEED]):
            pass  # an empty recording in the recorder's format
        with contextlib.closing(sqlite3.connect(path)) as conn, conn:
            conn.executemany(
                "INSERT INTO events (feed, seq, t, type, data) VALUES (?, ?, ?, ?, ?)",
                [(FEED, seq, t, typ,
                  packing.pack({"seq": seq, "state": {"now": t, "queues": queues}}
                               if typ == "snapshot" else data))
                 for typ, t, seq, data, queues in rows])
        for interval in ("30m", "total"):
            code = main(["report", str(path), "--interval", interval, "--tz", "UTC",
                         "--format", "json"])
            out, err = capsys.readouterr()
            assert code == 0, err
            for row in json.loads(out):
                assert 0 <= row["answered"] + row["abandoned"] <= row["offered"]
                assert all(v is None or math.isfinite(v) and v >= 0
                           for k, v in row.items() if k.endswith("_s"))
            assert "Traceback" not in err
