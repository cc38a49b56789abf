"""`[[feeds]]` of the kinds ami-websocket, queue-log and chatwoot, their credentials,
and the `[[agents]]` / `agents_csv` links of one person across two platforms."""

from __future__ import annotations

import pytest

from monitor.agent_links import AgentLink
from monitor.config import ConfigError, feed_credentials, load_config
from monitor.config_feeds import AmiWebsocketFeed, ChatwootFeed, QueueLogFeed

TOKEN, PUBSUB = "api-token-do-not-show", "pubsub-do-not-show"


def write(tmp_path, text: str, name: str = "floorwatch.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CHATWOOT = """
[[feeds]]
kind = "chatwoot"
url = "https://chat.example/"
account_id = 3
user_id = 9
token_env = "FW_CW_TOKEN"
pubsub_token_file = "{pubsub}"
"""


def test_every_kind_is_read_with_its_default_key(tmp_path, monkeypatch):
    pubsub = tmp_path / "pubsub"
    pubsub.write_text(PUBSUB + "\n", encoding="utf-8")
    monkeypatch.setenv("FW_CW_TOKEN", TOKEN)
    text = CHATWOOT.format(pubsub=pubsub) + """
[[feeds]]
kind = "ami-websocket"
url = "ws://bridge:8080/ami"
[[feeds]]
kind = "queue-log"
name = "pbx log"
path = "/var/log/asterisk/queue_log"
"""
    cfg = load_config(write(tmp_path, text))
    chat, bridge, log = cfg.platform_feeds
    assert chat == ChatwootFeed(url="https://chat.example", account_id=3, user_id=9,
                                token_env="FW_CW_TOKEN", pubsub_token_file=str(pubsub))
    assert chat.key == "chatwoot:https://chat.example#3"
    assert bridge == AmiWebsocketFeed(url="ws://bridge:8080/ami", index=1)
    assert bridge.key == "ws://bridge:8080/ami"
    assert log == QueueLogFeed(path="/var/log/asterisk/queue_log", name="pbx log", index=2)
    assert log.key == "pbx log"
    assert feed_credentials(cfg, chat) == {"token": TOKEN, "pubsub_token": PUBSUB}
    assert feed_credentials(cfg, bridge) == {"token": ""}  # a bridge may need none
    assert feed_credentials(cfg, log) == {}
    assert TOKEN not in repr(cfg) and PUBSUB not in repr(cfg)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ('kind = "chatwoot"\nurl = "ws://x"\naccount_id = 1\nuser_id = 1\ntoken_env = "A"\n'
         'pubsub_token_env = "B"', r"feeds\[0\]\.url must be an http:// or https:// URL"),
        ('kind = "chatwoot"\nurl = "http://x"\naccount_id = "1"\nuser_id = 1\n'
         'token_env = "A"\npubsub_token_env = "B"', r"feeds\[0\]\.account_id must be a whole"),
        ('kind = "chatwoot"\nurl = "http://x"\naccount_id = 1\nuser_id = 1\n'
         'pubsub_token_env = "B"', r"feeds\[0\]\.token_file / token_env: give one of"),
        ('kind = "chatwoot"\nurl = "http://x"\naccount_id = 1\nuser_id = 1\ntoken = "inline"',
         r"feeds\[0\]\.token: unknown key"),
        ('kind = "ami-websocket"\nurl = "http://x"', r"feeds\[0\]\.url must be a ws://"),
        ('kind = "ami-websocket"\nurl = "ws://x"\ntoken_env = "A"\ntoken_file = "f"',
         r"feeds\[0\]\.token_file / token_env: give only one of"),
        ('kind = "queue-log"', r"feeds\[0\]\.path must be given for a queue-log feed"),
        ('kind = "queue-log"\npath = "/x"\nhost = "h"', r"feeds\[0\]\.host: unknown key"),
    ],
)
def test_bad_platform_entries_are_refused_in_one_line(tmp_path, entry, expected):
    path = write(tmp_path, f"[[feeds]]\n{entry}\n")
    with pytest.raises(ConfigError, match=expected) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}: ") and "\n" not in str(err.value)


def test_a_missing_credential_names_the_file_and_key_never_the_value(tmp_path, monkeypatch):
    monkeypatch.delenv("FW_CW_TOKEN", raising=False)
    cfg = load_config(write(tmp_path, CHATWOOT.format(pubsub=tmp_path / "nope")))
    with pytest.raises(ConfigError, match=r"feeds\[0\]\.token_env: FW_CW_TOKEN is not set"):
        feed_credentials(cfg, cfg.platform_feeds[0])
    monkeypatch.setenv("FW_CW_TOKEN", TOKEN)
    with pytest.raises(ConfigError, match=r"feeds\[0\]\.pubsub_token_file: .*nope: cannot read"
                       ) as err:
        feed_credentials(cfg, cfg.platform_feeds[0])
    assert TOKEN not in str(err.value)


LINKS = """
[[agents]]
id = "a017"
name = "Li Na"
team = "A"
asterisk = "PJSIP/1017"
chatwoot = 17
[[agents]]
id = "a018"
asterisk = "PJSIP/1018"
"""


def test_agents_from_the_config_and_from_a_csv(tmp_path):
    (tmp_path / "people.csv").write_text(
        "id,name,team,asterisk,chatwoot\nb001,Wang Wei,B,,21\n\nb002,Zhao,B,SIP/2002,22\n",
        encoding="utf-8")
    cfg = load_config(write(tmp_path, 'agents_csv = "people.csv"\n' + LINKS))
    assert cfg.agents == [
        AgentLink("a017", "Li Na", "A", "PJSIP/1017", 17),
        AgentLink("a018", "", "", "PJSIP/1018", 0),
        AgentLink("b001", "Wang Wei", "B", "", 21),
        AgentLink("b002", "Zhao", "B", "SIP/2002", 22),
    ]
    assert cfg.agents[0].platform_id("chatwoot") == "cw-17"
    assert cfg.agents[1].platform_id("chatwoot") == ""
    assert cfg.agents[1].platform_id("asterisk") == "PJSIP/1018"


@pytest.mark.parametrize(
    ("text", "csv_text", "expected"),
    [
        ('[[agents]]\nname = "x"\nasterisk = "P/1"', None, r"agents\[0\]\.id must be given"),
        ('[[agents]]\nid = "a"', None, r"agents\[0\]: give asterisk"),
        ('[[agents]]\nid = "a"\nchatwoot = "x"', None, r"agents\[0\]\.chatwoot must be"),
        ('[[agents]]\nid = "a"\nasterisk = "P/1"\nphone = 1', None,
         r"agents\[0\]\.phone: unknown key"),
        ('[[agents]]\nid = "a"\nasterisk = "P/1"\n[[agents]]\nid = "b"\nasterisk = "P/1"',
         None, r"agents: asterisk 'P/1' is given to two people"),
        ('agents_csv = "people.csv"', "name,asterisk\nx,P/1\n", r"people.csv: .*no 'id' column"),
        ('agents_csv = "people.csv"', "id,asterisk\na,P/1,extra\n",
         r"people.csv: line 2: more cells than columns"),
        ('agents_csv = "people.csv"', "id,chatwoot\na,-3\n",
         r"people.csv: line 2\.chatwoot must be"),
        ('agents_csv = "missing.csv"', None, r"agents_csv: .*missing.csv: cannot read"),
    ],
)
def test_bad_agent_links_are_refused_in_one_line(tmp_path, text, csv_text, expected):
    if csv_text is not None:
        (tmp_path / "people.csv").write_text(csv_text, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected) as err:
        load_config(write(tmp_path, text + "\n"))
    assert "\n" not in str(err.value)


def test_an_absurd_agents_csv_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr("monitor.agent_links.MAX_CSV_BYTES", 100)
    (tmp_path / "people.csv").write_text("id,asterisk\n" + "a,P/1\n" * 50, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"agents_csv: .*people.csv: over 100 bytes"):
        load_config(write(tmp_path, 'agents_csv = "people.csv"\n'))
