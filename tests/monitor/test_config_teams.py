"""[teams.NAME] queues = [...] in the client config (monitor/config_teams.py)."""

from __future__ import annotations

import pytest

from monitor.config import ConfigError, check_queues, load_config


def _load(tmp_path, text: str):
    path = tmp_path / "fw.toml"
    path.write_text(text, encoding="utf-8")
    return path, load_config(path)


def test_teams_are_read_in_order_without_repeats(tmp_path):
    _path, cfg = _load(tmp_path, '[teams.A]\nqueues = ["hl-gen", "ol-app", "hl-gen"]\n'
                                 '[teams."Hotline 1"]\nqueues = ["hl-vip"]\n')
    assert cfg.teams == {"A": ("hl-gen", "ol-app"), "Hotline 1": ("hl-vip",)}


def test_no_teams_table_is_no_teams(tmp_path):
    _path, cfg = _load(tmp_path, "[client]\nwindow_minutes = 15\n")
    assert cfg.teams == {}


@pytest.mark.parametrize(("text", "says"), [
    ('teams = 3\n', "[teams] must be a table"),
    ('[teams]\nA = ["hl"]\n', "teams.A must be a table"),
    ('[teams.A]\nqueue = ["hl"]\n', "teams.A.queue: unknown key"),
    ('[teams.A]\nqueues = []\n', "teams.A.queues must be a non-empty array"),
    ('[teams.A]\nqueues = "hl"\n', "teams.A.queues must be a non-empty array"),
    ('[teams.A]\nqueues = [1]\n', "teams.A.queues must be a non-empty array"),
])
def test_bad_teams_name_file_and_key(tmp_path, text, says):
    path = tmp_path / "fw.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and says in message and "\n" not in message


def test_a_team_queue_no_feed_has_is_named(tmp_path):
    path, cfg = _load(tmp_path, '[teams.A]\nqueues = ["hl-gen", "ol-ap"]\n')
    with pytest.raises(ConfigError, match=r"teams\.A\.queues: no feed has a queue 'ol-ap' "
                                          r"\(did you mean 'ol-app'\?\)"):
        check_queues(cfg, ["hl-gen", "ol-app"])


def test_the_examples_teams_block_loads_when_uncommented(tmp_path):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "assets/floorwatch.example.toml"
    text = example.read_text(encoding="utf-8")
    for line in ("# [teams.A]", '# queues = ["hl-general", "ol-app"]'):
        assert line in text
        text = text.replace(line, line[2:])
    _path, cfg = _load(tmp_path, text)
    assert cfg.teams == {"A": ("hl-general", "ol-app")}
