"""`floorwatch report` on a recording with surveys and chats: the nps, nps_responses,
csat and first_response_s columns filled where there is data, empty (not 0) where
there is none, after the columns that were there before (issue 15)."""

from __future__ import annotations

import csv
import io
import json

from monitor import events as ev
from tests.ui.test_cmd_report import BEFORE, HEADER, R0, snapshot_of, write_recording
from ui.cli import main

# app (online): c5 enters 09:30:10, asks at once, answered 09:30:20, first reply at
# 09:30:50 (40 s); surveyed 10 (promoter) and 4 (satisfied). c6 enters 09:30:30,
# answered, first reply 20 s after its question, surveyed 5 (detractor) / 2.
# general (hotline): c7 answered, surveyed 8 (passive) / 4: NPS 0 of 1, no chat.
# 10:00: c8 enters the app queue and is answered: no reply, no survey.
EVENTS = [
    ev.ContactOffered(R0 + 10, "c5", "app"),
    ev.ChatMessage(R0 + 10, "c5", "customer", "hello"),
    ev.ContactAnswered(R0 + 20, "c5", "app", "a1"),
    ev.ContactOffered(R0 + 30, "c6", "app"),
    ev.ContactAnswered(R0 + 31, "c6", "app", "a1"),
    ev.ChatMessage(R0 + 40, "c6", "customer", "hi"),
    ev.ChatMessage(R0 + 50, "c5", "agent", "hi there", "a1"),
    ev.ChatMessage(R0 + 60, "c6", "agent", "hello", "a1"),
    ev.ContactOffered(R0 + 70, "c7", "general"),
    ev.ContactAnswered(R0 + 75, "c7", "general", "a1"),
    ev.ContactEnded(R0 + 200, "c5", "app", "a1"),
    ev.ContactEnded(R0 + 210, "c6", "app", "a1"),
    ev.ContactEnded(R0 + 220, "c7", "general", "a1"),
    ev.SurveyResult(R0 + 300, "c5", "app", "a1", 10, 4),
    ev.SurveyResult(R0 + 310, "c6", "app", "a1", 5, 2),
    ev.SurveyResult(R0 + 320, "c7", "general", "a1", 8, 4),
    ev.ContactOffered(R0 + 1800, "c8", "app"),
    ev.ContactAnswered(R0 + 1805, "c8", "app", "a1"),
]


def test_survey_columns_filled_and_empty(capsys, tmp_path):
    path = write_recording(tmp_path / "surveys.fwrec", [snapshot_of(BEFORE), *EVENTS])
    assert main(["report", str(path), "--tz", "Asia/Shanghai", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == HEADER
    assert ",abandon_rate,nps,nps_responses,csat,first_response_s," in lines[0]
    rows = {(r["interval_start"][11:16], r["queue"]): r
            for r in csv.DictReader(io.StringIO(out))}
    app, general, later = rows["09:30", "app"], rows["09:30", "general"], rows["10:00", "app"]
    # app: 1 promoter, 1 detractor of 2 -> 0; satisfaction (4 + 2) / 2 = 3; first
    # responses 40 s and 20 s -> 30 s.
    assert [app[c] for c in ("nps", "nps_responses", "csat", "first_response_s")] == [
        "0.0", "2", "3.0", "30.0"]
    # general: one passive -> 0 of 1; satisfaction 4; a call has no chat reply: empty.
    assert [general[c] for c in ("nps", "nps_responses", "csat", "first_response_s")] == [
        "0.0", "1", "4.0", ""]
    # 10:00: no survey, no reply: every new cell empty, not 0.
    assert [later[c] for c in ("nps", "nps_responses", "csat", "first_response_s")] == [
        "", "", "", ""]


def test_json_has_null_where_csv_is_empty(capsys, tmp_path):
    path = write_recording(tmp_path / "surveys.fwrec", [snapshot_of(BEFORE), *EVENTS])
    assert main(["report", str(path), "--tz", "UTC", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    last = rows[-1]
    assert (last["queue"], last["nps"], last["nps_responses"], last["csat"],
            last["first_response_s"]) == ("app", None, None, None, None)
    assert list(rows[0])[14:18] == ["nps", "nps_responses", "csat", "first_response_s"]
