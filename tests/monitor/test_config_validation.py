"""Config keys and values: unknown keys with a suggestion, values out of range, thresholds,
queues no feed has; each refusal one line naming the file and the key."""

from __future__ import annotations

import pytest

from monitor.config import ConfigError, check_queues, load_config
from monitor.floor import Floor
from monitor.thresholds import DEFAULT_BOOK, Thresholds
from ui.cli import main


def write(tmp_path, text):
    path = tmp_path / "floorwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ("[client]\nwindow_minute = 15\n",
     "client.window_minute: unknown key (did you mean 'window_minutes'?)"),
    ("[clinet]\nlang = 'en'\n", "clinet: unknown key (did you mean 'client'?)"),
    ("[[feeds]]\nurl = 'ws://a:1'\ntoken_fiel = 'x'\n",
     "feeds[0].token_fiel: unknown key (did you mean 'token_file'?)"),
    ("[thresholds]\nsl_goal = 80\n",
     "thresholds.sl_goal: unknown key (did you mean 'sl_goal_percent'?)"),
    ("[thresholds.queues.hl]\nmin_contact = 3\n",
     "thresholds.queues.hl.min_contact: unknown key (did you mean 'min_contacts'?)"),
    ("[client]\nzzz = 1\n", "client.zzz: unknown key; known: token_file"),
])
def test_unknown_keys_are_errors_with_a_suggestion(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)


@pytest.mark.parametrize(("text", "message"), [
    ("[client]\nshort_abandon_s = -3\n", "client.short_abandon_s must be 0 to 3600"),
    ("[client]\nshort_abandon_s = nan\n", "client.short_abandon_s"),
    ("[thresholds]\nsl_goal_percent = 120\n", "thresholds.sl_goal_percent must be between"),
    ("[thresholds]\nsl_critical_percent = 90\n",
     "thresholds.sl_critical_percent must not be above sl_goal_percent"),
    ("[thresholds]\ncritical_wait_factor = 0.5\n", "thresholds.critical_wait_factor"),
    ("[thresholds]\nmin_contacts = -1\n", "thresholds.min_contacts must be between"),
    ("[thresholds]\nmin_contacts = 2.5\n", "thresholds.min_contacts must be a whole number"),
    ("[thresholds]\nsl_goal_percent = '80'\n", "thresholds.sl_goal_percent must be a number"),
    ("[thresholds.queues.hl]\nsl_goal_percent = 50\n",
     "thresholds.queues.hl.sl_critical_percent must not be above sl_goal_percent "
     "(got 60, inherited)"),
    ("thresholds = 3\n", "[thresholds] must be a table"),
])
def test_values_out_of_range_are_refused(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_thresholds_default_and_per_queue(tmp_path):
    cfg = load_config(write(tmp_path, """
[thresholds]
sl_goal_percent = 85
min_contacts = 20
[thresholds.queues.complaints]
sl_goal_percent = 90
sl_critical_percent = 75
"""))
    book = cfg.thresholds
    assert book.for_queue("general") == Thresholds(sl_goal=0.85, min_contacts=20)
    # A queue's table overrides only what it names; the rest comes from [thresholds].
    assert book.for_queue("complaints") == Thresholds(sl_goal=0.90, sl_critical=0.75,
                                                      min_contacts=20)
    floor = Floor.from_config(cfg)
    assert floor.thresholds_for("complaints").sl_critical == 0.75
    assert Floor().thresholds_for("complaints") == Thresholds()


def test_no_thresholds_table_means_the_shipped_defaults(tmp_path):
    assert load_config(write(tmp_path, "[client]\n")).thresholds is DEFAULT_BOOK


def test_a_queue_no_feed_has_is_refused_once_the_queues_are_known(tmp_path):
    path = write(tmp_path, """
[sl_variants]
hl-vipp = "answered"
[thresholds.queues.complaints]
min_contacts = 5
""")
    cfg = load_config(path)
    with pytest.raises(ConfigError) as info:
        check_queues(cfg, ["hl-vip", "hl-general", "complaints"])
    assert str(info.value) == (f"{path}: sl_variants.hl-vipp: no feed has a queue 'hl-vipp' "
                               "(did you mean 'hl-vip'?)")
    with pytest.raises(ConfigError, match="thresholds.queues.complaints"):
        check_queues(cfg, ["hl-vipp"])
    check_queues(cfg, ["hl-vipp", "complaints"])  # every queue named exists: fine


def test_the_cli_refuses_a_bad_config_in_one_line(tmp_path, capsys):
    path = write(tmp_path, "[client]\nshort_abandon_s = -3\n")
    assert main(["report", "--config", str(path), str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert str(path) in err and "client.short_abandon_s" in err


def test_the_example_config_states_the_shipped_thresholds():
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "assets/floorwatch.example.toml"
    assert load_config(example).thresholds.default == Thresholds()
