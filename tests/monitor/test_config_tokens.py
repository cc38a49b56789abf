"""A config gives each feed its own token file; a shared one only to the config's feeds."""

from __future__ import annotations

import pytest

from monitor.config import ConfigError, load_config
from ui.cli.common import feed_tokens


def write(tmp_path, text: str):
    path = tmp_path / "floorwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_feed_its_token_file_and_the_shared_one_for_the_rest(tmp_path):
    for name, token in (("pbx", "tok-pbx"), ("chat", "tok-chat"), ("shared", "tok-shared")):
        (tmp_path / name).write_text(token, encoding="utf-8")
        (tmp_path / name).chmod(0o600)
    cfg = load_config(write(tmp_path, f"""
[client]
token_file = "{tmp_path / 'shared'}"
[[feeds]]
url = "ws://pbx:1"
token_file = "{tmp_path / 'pbx'}"
[[feeds]]
url = "ws://chat:2"
token_file = "{tmp_path / 'chat'}"
[[feeds]]
url = "ws://other:3"
"""))
    assert cfg.feeds == ["ws://pbx:1", "ws://chat:2", "ws://other:3"]
    from_config = {u: cfg.feed_token_files.get(u, cfg.token_file) for u in cfg.feeds}
    tokens = feed_tokens([*cfg.feeds, "ws://not-in-config:4"], None, from_config)
    assert tokens == {"ws://pbx:1": "tok-pbx", "ws://chat:2": "tok-chat",
                      "ws://other:3": "tok-shared", "ws://not-in-config:4": ""}


def test_a_token_file_that_is_not_a_path_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"feeds\[0\].token_file must be a path"):
        load_config(write(tmp_path, '[[feeds]]\nurl = "ws://a:1"\ntoken_file = 7\n'))
