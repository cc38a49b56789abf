"""`[[feeds]] kind = "asterisk-ami"` entries: their keys, their secret, their refusals."""

from __future__ import annotations

import pytest

from monitor.config import AmiFeed, ConfigError, load_config, read_secret

SECRET = "s3cret-do-not-show"


def write(tmp_path, text: str):
    path = tmp_path / "floorwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def ami(extra: str = 'secret_env = "FW_AMI_SECRET"') -> str:
    return f"""
[[feeds]]
url = "ws://pbx:1"
[[feeds]]
name = "pbx-1"
kind = "asterisk-ami"
host = "10.0.0.5"
username = "floorwatch"
{extra}
"""


def test_an_ami_entry_is_read_with_its_defaults_beside_a_websocket_feed(tmp_path):
    cfg = load_config(write(tmp_path, ami()))
    assert cfg.feeds == ["ws://pbx:1"]  # the websocket feed is as before
    assert cfg.ami_feeds == [
        AmiFeed(
            host="10.0.0.5",
            port=5038,
            username="floorwatch",
            secret_env="FW_AMI_SECRET",
            name="pbx-1",
            index=1,
        )
    ]
    assert cfg.ami_feeds[0].key == "pbx-1"


def test_port_and_key_without_a_name(tmp_path):
    cfg = load_config(
        write(
            tmp_path,
            """
[[feeds]]
kind = "asterisk-ami"
host = "pbx.example"
port = 15038
username = "fw"
secret_file = "~/ami.secret"
""",
        )
    )
    (feed,) = cfg.ami_feeds
    assert (feed.port, feed.secret_file, feed.key) == (
        15038,
        "~/ami.secret",
        "ami://pbx.example:15038",
    )
    assert cfg.feeds == []


def test_the_secret_from_the_environment(tmp_path, monkeypatch):
    cfg = load_config(write(tmp_path, ami()))
    monkeypatch.setenv("FW_AMI_SECRET", f"  {SECRET}\n")
    assert read_secret(cfg, cfg.ami_feeds[0]) == SECRET


def test_the_secret_from_the_first_line_of_a_file(tmp_path):
    secret = tmp_path / "ami.secret"
    secret.write_text(f" {SECRET} \nsecond line\n", encoding="utf-8")
    cfg = load_config(write(tmp_path, ami(f'secret_file = "{secret}"')))
    assert read_secret(cfg, cfg.ami_feeds[0]) == SECRET


def test_an_unset_variable_names_the_file_key_and_variable(tmp_path, monkeypatch):
    path = write(tmp_path, ami())
    monkeypatch.delenv("FW_AMI_SECRET", raising=False)
    cfg = load_config(path)  # the secret is wanted only when the source is built
    with pytest.raises(ConfigError) as err:
        read_secret(cfg, cfg.ami_feeds[0])
    assert str(err.value) == f"{path}: feeds[1].secret_env: FW_AMI_SECRET is not set"


def test_a_missing_or_empty_secret_file_names_the_file_and_key(tmp_path):
    missing = tmp_path / "nope.secret"
    path = write(tmp_path, ami(f'secret_file = "{missing}"'))
    cfg = load_config(path)
    with pytest.raises(
        ConfigError,
        match=rf"^{path}: feeds\[1\]\.secret_file: {missing}: "
        r"cannot read",
    ):
        read_secret(cfg, cfg.ami_feeds[0])
    missing.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"feeds\[1\]\.secret_file: .*: empty"):
        read_secret(cfg, cfg.ami_feeds[0])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("", r"feeds\[1\]\.secret_file / secret_env: give one of"),
        (
            'secret_env = "A"\nsecret_file = "/x"',
            r"feeds\[1\]\.secret_file / secret_env: give only",
        ),
        ('secret_env = ""', r"feeds\[1\]\.secret_env must be a non-empty string"),
        ('secret_env = "A"\nport = 0', r"feeds\[1\]\.port must be a whole number 1 to 65535"),
        ('secret_env = "A"\nport = "5038"', r"feeds\[1\]\.port must be a whole number"),
        ('secret_env = "A"\nsecret = "inline"', r"feeds\[1\]\.secret: unknown key"),
        ('secret_env = "A"\nurl = "ws://x:1"', r"feeds\[1\]\.url: unknown key"),
    ],
)
def test_bad_ami_entries_are_refused_in_one_line(tmp_path, extra, expected):
    path = write(tmp_path, ami(extra))
    with pytest.raises(ConfigError, match=expected) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}: ") and "\n" not in str(err.value)


def test_host_and_username_are_required(tmp_path):
    path = write(tmp_path, '[[feeds]]\nkind = "asterisk-ami"\nhost = "h"\nsecret_env = "A"\n')
    with pytest.raises(ConfigError, match=r"feeds\[0\]\.username must be given"):
        load_config(path)


def test_an_unknown_kind_gets_a_suggestion(tmp_path):
    path = write(tmp_path, '[[feeds]]\nkind = "asterisk_ami"\nhost = "h"\n')
    with pytest.raises(
        ConfigError,
        match=r"feeds\[0\]\.kind: unknown kind 'asterisk_ami' "
        r"\(did you mean 'asterisk-ami'\?\)",
    ):
        load_config(path)


def test_an_explicit_floorwatch_kind_and_a_name_are_a_websocket_feed(tmp_path):
    cfg = load_config(
        write(tmp_path, '[[feeds]]\nname = "chat"\nkind = "floorwatch"\nurl = "ws://chat:2"\n')
    )
    assert (cfg.feeds, cfg.feed_names, cfg.ami_feeds) == (
        ["ws://chat:2"],
        {"ws://chat:2": "chat"},
        [],
    )


def test_two_feeds_of_one_name_are_refused(tmp_path):
    path = write(
        tmp_path,
        ami()
        .replace('name = "pbx-1"', 'name = "x"')
        .replace('url = "ws://pbx:1"', 'url = "ws://pbx:1"\nname = "x"'),
    )
    with pytest.raises(ConfigError, match=r"feeds\[1\]\.name: 'x' names another feed"):
        load_config(path)


def test_the_secret_is_in_no_repr_or_message(tmp_path, monkeypatch):
    monkeypatch.setenv("FW_AMI_SECRET", SECRET)
    cfg = load_config(write(tmp_path, ami()))
    assert read_secret(cfg, cfg.ami_feeds[0]) == SECRET
    assert SECRET not in repr(cfg) and SECRET not in repr(cfg.ami_feeds)
