"""The simulator's truth counts (`sim --truth`) equal `floorwatch report` on its events.

In process and seeded, so every case is exact: the whole stream; a stream that starts
mid-run (as a recording does) with a contact that entered before the cut and was
transferred after it; the JSON format and its atomic write.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest

from feeds.sim import START_T, SimConfig, Simulation
from feeds.sim.truth import INTERVAL_S, TruthCounter, truth_path_problem, write_truth
from monitor import events as ev
from monitor.report import ReportBuilder

# 10:00 on the profile clock, three hours: the morning peak gives abandons, callbacks
# and (a tenth of general calls; 2% by default) transfers into the complaints queue.
CONFIG = SimConfig(agents=40, seed=7, start_t=START_T + 7200, start_hour=10.0, transfer_prob=0.1)
RUN_S = 3 * 3600
COMPARED = ("offered", "answered", "abandoned", "callbacks", "nps_responses",
            "csat_responses", "callbacks_worked", "bot_contained", "bot_handoffs")


def run_sim(config: SimConfig = CONFIG, run_s: float = RUN_S) -> tuple[dict, list[ev.Event]]:
    truth = TruthCounter(tz="UTC")
    sim = Simulation(config, truth)
    events = sim.setup_events()
    t = config.start_t
    while t < config.start_t + run_s:
        t += 60.0
        events += sim.run_until(t)
    return truth.to_json(), events


def report_counts(events: list[ev.Event]) -> dict[tuple[str, int], dict[str, int]]:
    """(queue, interval start) -> the compared columns of `floorwatch report` rows."""
    builder = ReportBuilder("15m", "UTC")
    builder.add(events)
    out = {}
    for (start, queue), t in builder.totals.items():
        # The CSV's other_exits is exits + callbacks; the simulator has no exits.
        assert t.other_exits == 0
        out[(queue, int(start))] = {"offered": t.offered, "answered": t.answered,
                                    "abandoned": t.abandoned, "callbacks": t.callbacks,
                                    "nps_responses": t.surveys_nps,
                                    "csat_responses": t.surveys_csat,
                                    "callbacks_worked": t.callbacks_worked,
                                    "bot_contained": t.bot_resolved,
                                    "bot_handoffs": t.bot_handoffs}
    return out


def truth_counts(truth: dict) -> dict[tuple[str, int], dict[str, int]]:
    return {(q, row["start"]): {k: row[k] for k in COMPARED}
            for q, rows in truth["queues"].items() for row in rows}


def test_truth_equals_the_report_of_the_whole_stream():
    truth, events = run_sim()
    assert truth["interval_s"] == INTERVAL_S == 900
    assert set(truth["queues"]) == {e.queue for e in events if isinstance(e, ev.QueueDefined)}
    got, want = report_counts(events), truth_counts(truth)
    assert got == want
    # Busy enough to mean something: every kind of count and a transfer happened.
    total = Counter()
    for row in want.values():
        total.update(row)
    assert total["offered"] > 1000 and total["abandoned"] > 10 and total["callbacks"] > 10
    # Surveys, backlog worked and both bot outcomes happened, so their equality means
    # something (the simulator's own counts, from its contacts, not its events).
    assert total["nps_responses"] > 50 and total["csat_responses"] > total["nps_responses"]
    assert total["callbacks_worked"] > 10 and total["bot_contained"] > 10
    assert total["bot_handoffs"] > 10
    assert any(isinstance(e, ev.ContactTransferred) for e in events)
    # Starts are 15-minute boundaries and each queue's rows are in time order.
    for rows in truth["queues"].values():
        starts = [r["start"] for r in rows]
        assert starts == sorted(starts) and all(s % 900 == 0 for s in starts)


def test_a_stream_starting_mid_run_matches_after_its_start():
    """As a recording that starts late: intervals starting after the cut are equal.

    The cut falls between a general call's entry and its transfer into complaints in
    a later interval, so the report sees the transfer of a contact it never saw
    enter: that is still an entry into the complaints queue (the wall counts it so),
    and the simulator counts it.
    """
    truth, events = run_sim()
    offered_t = {}
    cut = None
    for e in events:
        if isinstance(e, ev.ContactOffered):
            offered_t[e.contact] = e.t
        elif isinstance(e, ev.ContactTransferred):
            boundary = e.t - e.t % INTERVAL_S
            if offered_t[e.contact] < boundary:
                cut = (offered_t[e.contact] + boundary) / 2
                break
    assert cut is not None, "the run has no transfer across an interval boundary"
    tail = [e for e in events if isinstance(e, ev.QueueDefined) or e.t > cut]
    got = report_counts(tail)
    want = {k: v for k, v in truth_counts(truth).items() if k[1] > cut}
    assert {k: got.get(k) for k in want} == want


NEW_KEYS = ("nps_responses", "csat_responses", "callbacks_worked", "bot_contained",
            "bot_handoffs")


def test_json_has_every_queue_even_with_no_entries():
    truth = TruthCounter(tz="UTC")
    truth.queues.update({"q-a", "q-b"})
    truth.count("q-a", 1_000_000_799.5, "offered")  # 899.5 s into its quarter hour
    truth.count("q-a", 1_000_000_799.5, "answered")
    truth.count("q-a", 1_000_000_800.0, "offered")  # the next one starts exactly here
    truth.count("q-a", 1_000_000_800.0, "callbacks")
    assert truth.to_json() == {"interval_s": 900, "queues": {
        "q-a": [
            {"start": 999_999_900, "offered": 1, "answered": 1, "abandoned": 0,
             "callbacks": 0, **dict.fromkeys(NEW_KEYS, 0)},
            {"start": 1_000_000_800, "offered": 1, "answered": 0, "abandoned": 0,
             "callbacks": 1, **dict.fromkeys(NEW_KEYS, 0)},
        ],
        "q-b": [],
    }}


def test_write_is_atomic_and_replaces(tmp_path):
    path = tmp_path / "truth.json"
    write_truth(path, {"a": 1})
    write_truth(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 2}
    with pytest.raises(TypeError):  # fails half-way through the dump
        write_truth(path, {"a": 3, "b": object()})
    assert json.loads(path.read_text()) == {"a": 2}  # the old file, whole
    assert os.listdir(tmp_path) == ["truth.json"]  # no temp file left behind


def test_path_problems(tmp_path):
    assert truth_path_problem(tmp_path / "t.json") == ""
    assert "does not exist" in truth_path_problem(tmp_path / "no" / "t.json")
    assert "is a folder" in truth_path_problem(tmp_path)
    (tmp_path / "f").write_text("")
    assert "is not a folder" in truth_path_problem(tmp_path / "f" / "t.json")
