"""[recording]: on by default, a folder, days kept; each bad key or value one line
naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import Config, ConfigError, RecordingSettings, load_config
from ui.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "assets/floorwatch.example.toml"


def write(tmp_path, text):
    path = tmp_path / "floorwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_recording_is_on_by_default_with_two_weeks_kept(tmp_path):
    assert Config().recording == RecordingSettings(enabled=True, dir="", keep_days=14)
    assert load_config(write(tmp_path, "[client]\n")).recording == RecordingSettings()
    assert load_config(EXAMPLE).recording == RecordingSettings()  # the example says so


def test_every_key(tmp_path):
    cfg = load_config(write(tmp_path, '[recording]\nenabled = false\ndir = " ~/rec "\n'
                                      "keep_days = 0\n"))
    assert cfg.recording == RecordingSettings(enabled=False, dir="~/rec", keep_days=0)


@pytest.mark.parametrize(("text", "message"), [
    ("[recording]\nkeep_day = 3\n",
     "recording.keep_day: unknown key (did you mean 'keep_days'?)"),
    ("[recording]\nenable = false\n",
     "recording.enable: unknown key (did you mean 'enabled'?)"),
    ("[recordings]\nenabled = false\n", "recordings: unknown key (did you mean 'recording'?)"),
    ("[recording]\nenabled = 'no'\n", "recording.enabled must be true or false (got 'no')"),
    ("[recording]\nenabled = 0\n", "recording.enabled must be true or false (got 0)"),
    ("[recording]\ndir = 3\n", "recording.dir must be a folder path (got 3)"),
    ("[recording]\nkeep_days = -1\n", "recording.keep_days must be 0 (keep every file) to "
                                      "36,500 (got -1)"),
    ("[recording]\nkeep_days = 40000\n", "recording.keep_days must be 0"),
    ("[recording]\nkeep_days = 1.5\n", "recording.keep_days must be a whole number of days"),
    ("[recording]\nkeep_days = true\n", "recording.keep_days must be a whole number of days"),
    ("recording = 3\n", "[recording] must be a table"),
])
def test_bad_keys_and_values_are_refused_naming_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
    assert "\n" not in str(info.value)


def test_run_refuses_a_bad_recording_section_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # the display check comes first
    path = write(tmp_path, '[[feeds]]\nurl = "ws://127.0.0.1:9"\n[recording]\nkeep_days = -2\n')
    assert main(["run", "--config", str(path), "--exit-after", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err and "recording.keep_days" in err
