import pytest

from monitor.config import ConfigError, load_config


def write(tmp_path, text):
    path = tmp_path / "floorwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_in_assets_loads():
    from pathlib import Path

    cfg = load_config(Path(__file__).resolve().parents[2] / "assets/floorwatch.example.toml")
    assert cfg.feeds == ["ws://127.0.0.1:8765"]
    assert cfg.window_minutes == 15


def test_full_config(tmp_path):
    cfg = load_config(write(tmp_path, """
[client]
token_file = "/etc/fw/token"
lang = "zh_CN"
window_minutes = 30
short_abandon_s = 3
tz = "Asia/Shanghai"
day_reset = "06:00"
sl_variant = "answered"
[sl_variants]
hl-vip = "removed"
[[feeds]]
url = "ws://a:1"
[[feeds]]
url = "wss://b:2"
"""))
    assert cfg.feeds == ["ws://a:1", "wss://b:2"]
    assert (cfg.token_file, cfg.lang, cfg.window_minutes, cfg.short_abandon_s) == (
        "/etc/fw/token", "zh_CN", 30, 3)
    assert (cfg.tz, cfg.day_reset, cfg.sl_variant) == ("Asia/Shanghai", "06:00", "answered")
    assert cfg.sl_variants == {"hl-vip": "removed"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[client\n", "not valid TOML"),
        ("[[feeds]]\nurl = 'http://x'\n", "feeds[0].url"),
        ("[client]\nwindow_minutes = '15'\n", "client.window_minutes"),
        ("[client]\nwindow_minutes = 7\n", "5, 15, 30 or 60"),
        ("[client]\nlang = 'fr'\n", "client.lang"),
        ("feeds = 3\n", "'feeds' must be"),
        ("[client]\ntz = 'Mars/Olympus'\n", "client.tz"),
        ("[client]\nday_reset = '6am'\n", "client.day_reset"),
        ("[client]\nsl_variant = 'best'\n", "client.sl_variant"),
        ("[sl_variants]\nhl = 'best'\n", "sl_variants.hl"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.toml")
