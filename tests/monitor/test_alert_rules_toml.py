"""Alert rule files: every key parsed, every kind of mistake refused in one line naming
the file, the rule and the key, the shipped example equal to the shipped defaults."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.alert_defaults import DEFAULT_RULES_TOML, default_rules
from monitor.alert_rules import METRICS, AlertRule, KeywordSpec, Selector, Severity
from monitor.alert_rules_toml import (
    PLACEHOLDERS,
    RULE_KEYS,
    AlertRulesError,
    load_rules,
    parse_duration,
    parse_rules,
    render,
)
from monitor.config import ConfigError

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "alerts.example.toml"

EVERY_KEY = """
[keywords]
refund = ["refund", "退款", "refund"]

[keywords.complaint]
zh = ["投诉", "举报"]
en = ["complaint", "投诉"]

[[rules]]
name = "vip_sl"
metric = "service_level"
op = "<"
enter = 80
exit = 85.5
for = "1m30s"
severity = "critical"
escalate_after = "2m"
queues = ["hl-a", "hl-b"]
channel = "hotline"
tier = "vip"
window = "interval"
message_en = "{queue} at {value} % (goal {threshold})"
message_zh = "{queue} 服务水平 {value}%"
enabled = false

[[rules]]
name = "long_break"
metric = "not_ready_s"
op = ">="
enter = 600
for = 45
agent = "a1"
team = "red"
channel = "online"
severity = "info"

[[rules]]
name = "two_agents_wrap"
metric = "wrap_up_s"
op = ">"
enter = 120
agents = ["a1", "a2"]

[[rules]]
name = "feed_quiet"
metric = "feed_stale_s"
op = ">"
enter = 5
feeds = ["ws://pbx:8765"]

[[rules]]
name = "vip_complaints"
metric = "keyword"
words = "complaint"
side = "any"
queue = "ol-vip"
tier = "vip"
message_en = "{contact}: {word}"

[[rules]]
name = "refund_spike"
metric = "keyword_hotspot"
words = "refund"
window = "10m"
min_chats = 5
factor = 2.5
channel = "online"

[[rules]]
name = "today_waits"
metric = "waiting"
op = "<="
enter = 0
window = 60
"""


def test_every_key_is_parsed_into_the_rule():
    rules = parse_rules(EVERY_KEY, "alerts.toml")
    assert rules == [
        AlertRule(
            name="vip_sl",
            metric="service_level",
            op="<",
            enter=80.0,
            exit=85.5,
            for_s=90.0,
            severity=Severity.CRITICAL,
            escalate_after_s=120.0,
            selector=Selector(queues=("hl-a", "hl-b"), channel="hotline", tier="vip"),
            window="interval",
            message_en="{queue} at {value} % (goal {threshold})",
            message_zh="{queue} 服务水平 {value}%",
            enabled=False,
        ),
        AlertRule(
            name="long_break",
            metric="not_ready_s",
            op=">=",
            enter=600.0,
            exit=600.0,
            for_s=45.0,
            severity=Severity.INFO,
            selector=Selector(agents=("a1",), team="red", channel="online"),
        ),
        AlertRule(
            name="two_agents_wrap",
            metric="wrap_up_s",
            enter=120.0,
            exit=120.0,
            selector=Selector(agents=("a1", "a2")),
        ),
        AlertRule(
            name="feed_quiet",
            metric="feed_stale_s",
            enter=5.0,
            exit=5.0,
            selector=Selector(feeds=("ws://pbx:8765",)),
        ),
        AlertRule(
            name="vip_complaints",
            metric="keyword",
            selector=Selector(queues=("ol-vip",), tier="vip"),
            message_en="{contact}: {word}",
            keywords=KeywordSpec(words=("投诉", "举报", "complaint"), side="any"),
        ),
        AlertRule(
            name="refund_spike",
            metric="keyword_hotspot",
            selector=Selector(channel="online"),
            keywords=KeywordSpec(words=("refund", "退款"), window_s=600.0, min_chats=5, factor=2.5),
        ),
        AlertRule(name="today_waits", metric="waiting", op="<=", enter=0.0, exit=0.0, window=60),
    ]


def test_a_hotspot_window_in_bare_minutes_and_windows_today():
    rules = parse_rules(
        '[[rules]]\nname = "h"\nmetric = "keyword_hotspot"\nwords = ["x"]\nwindow = 20\n'
        '[[rules]]\nname = "t"\nmetric = "abandon_rate"\nop = ">"\nenter = 5\n'
        'window = "today"\n',
        "alerts.toml",
    )
    assert rules[0].keywords is not None and rules[0].keywords.window_s == 1200.0
    assert rules[1].window == "today"


def test_an_empty_file_has_no_rules():
    assert parse_rules("", "alerts.toml") == []


RULE = '[[rules]]\nname = "r"\nmetric = "waiting"\nop = ">"\nenter = 5\n'


@pytest.mark.parametrize(
    ("text", "where", "key", "fragment"),
    [
        # unknown keys, with the nearest known one
        ("rule = 1\n", "", "rule", "unknown key (did you mean 'rules'?)"),
        (RULE + "enetr = 3\n", "rule 'r'", "enetr", "unknown key (did you mean 'enter'?)"),
        (RULE + "when = '>'\n", "rule 'r'", "when", "unknown key (did you mean 'op'?)"),
        ("[keywords.k]\nzh = ['a']\nfr = ['b']\n", "keywords.k", "fr", "unknown key"),
        # names
        ('[[rules]]\nmetric = "waiting"\n', "rules[0]", "name", "missing"),
        ('[[rules]]\nname = "Online Wait"\n', "rules[0]", "name", "must be snake_case"),
        (RULE + RULE, "rule 'r'", "name", "rules[0] has this name too"),
        # metric, op, severity
        (
            '[[rules]]\nname = "r"\nmetric = "longest_wait"\n',
            "rule 'r'",
            "metric",
            "unknown metric 'longest_wait' (did you mean 'longest_wait_s'?)",
        ),
        ('[[rules]]\nname = "r"\n', "rule 'r'", "metric", "missing"),
        (RULE.replace('op = ">"', 'op = "=>"'), "rule 'r'", "op", "must be one of >, >=, <, <="),
        (RULE.replace('op = ">"\n', ""), "rule 'r'", "op", "missing"),
        (
            RULE + 'severity = "critcal"\n',
            "rule 'r'",
            "severity",
            "must be one of info, warning, critical (got 'critcal') (did you mean 'critical'?)",
        ),
        # numbers
        (RULE.replace("enter = 5", 'enter = "5"'), "rule 'r'", "enter", "must be a number"),
        (RULE.replace("enter = 5", "enter = nan"), "rule 'r'", "enter", "must be a number"),
        (RULE.replace("enter = 5\n", ""), "rule 'r'", "enter", "missing"),
        (RULE.replace("enter = 5", "enter = -1"), "rule 'r'", "enter", "must not be negative"),
        (
            RULE.replace('"waiting"', '"service_level"').replace("enter = 5", "enter = 180"),
            "rule 'r'",
            "enter",
            "is a percentage: must be 0 to 100 (got 180)",
        ),
        (
            RULE.replace('"waiting"', '"abandon_rate"') + "exit = 101\n",
            "rule 'r'",
            "exit",
            "is a percentage",
        ),
        # hysteresis
        (RULE + "exit = 6\n", "rule 'r'", "exit", "exit must not be above enter (6 > 5)"),
        (
            RULE.replace('op = ">"', 'op = "<"') + "exit = 4\n",
            "rule 'r'",
            "exit",
            "exit must not be below enter (4 < 5)",
        ),
        # durations
        (RULE + 'for = "-5s"\n', "rule 'r'", "for", "must not be negative"),
        (RULE + "for = -5\n", "rule 'r'", "for", "must not be negative"),
        (RULE + 'for = "5 minutes"\n', "rule 'r'", "for", "such as '90s', '5m' or '1h'"),
        (RULE + 'for = ""\n', "rule 'r'", "for", "such as '90s'"),
        (RULE + "for = true\n", "rule 'r'", "for", "such as '90s'"),
        (RULE + 'for = "9999h"\n', "rule 'r'", "for", "at most a week"),
        (
            RULE + 'severity = "critical"\nescalate_after = "-1m"\n',
            "rule 'r'",
            "escalate_after",
            "must not be negative",
        ),
        (
            RULE + 'escalate_after = "5m"\n',
            "rule 'r'",
            "escalate_after",
            "only critical rules escalate",
        ),
        # windows
        (RULE + "window = 90\n", "rule 'r'", "window", "rolling minutes 1 to 60"),
        (RULE + 'window = "todya"\n', "rule 'r'", "window", "(did you mean 'today'?)"),
        (
            RULE.replace('"waiting"', '"not_ready_s"') + "window = 15\n",
            "rule 'r'",
            "window",
            "have no window",
        ),
        # selectors
        (RULE + 'agent = "a1"\n', "rule 'r'", "agent", "they select by queue, queues"),
        (
            RULE.replace('"waiting"', '"feed_stale_s"') + 'queue = "q"\n',
            "rule 'r'",
            "queue",
            "select by feed, feeds",
        ),
        (RULE + 'queue = "a"\nqueues = ["b"]\n', "rule 'r'", "queues", "not both"),
        (RULE + "queues = []\n", "rule 'r'", "queues", "non-empty list of ids"),
        (RULE + 'channel = "phone"\n', "rule 'r'", "channel", "must be one of hotline, online"),
        (RULE + 'tier = ""\n', "rule 'r'", "tier", "non-empty string"),
        (RULE + 'enabled = "no"\n', "rule 'r'", "enabled", "must be true or false"),
        # keyword rules
        ('[[rules]]\nname = "k"\nmetric = "keyword"\n', "rule 'k'", "words", "needs words"),
        (
            '[[rules]]\nname = "k"\nmetric = "keyword"\nwords = []\n',
            "rule 'k'",
            "words",
            "non-empty list",
        ),
        (
            '[[rules]]\nname = "k"\nmetric = "keyword"\nwords = "complain"\n'
            '[keywords.complaint]\nzh = ["投诉"]\n',
            "rule 'k'",
            "words",
            "no keyword list 'complain' (did you mean 'complaint'?)",
        ),
        (
            '[[rules]]\nname = "k"\nmetric = "keyword"\nwords = ["x"]\nside = "agents"\n',
            "rule 'k'",
            "side",
            "(did you mean 'agent'?)",
        ),
        (
            '[[rules]]\nname = "k"\nmetric = "keyword"\nwords = ["x"]\nenter = 1\n',
            "rule 'k'",
            "enter",
            "no threshold",
        ),
        (
            '[[rules]]\nname = "k"\nmetric = "keyword"\nwords = ["x"]\nmin_chats = 3\n',
            "rule 'k'",
            "min_chats",
            "only keyword_hotspot",
        ),
        (RULE + 'words = ["x"]\n', "rule 'r'", "words", "only keyword and keyword_hotspot"),
        (
            '[[rules]]\nname = "h"\nmetric = "keyword_hotspot"\nwords = ["x"]\nmin_chats = 1\n',
            "rule 'h'",
            "min_chats",
            "at least 2",
        ),
        (
            '[[rules]]\nname = "h"\nmetric = "keyword_hotspot"\nwords = ["x"]\nfactor = 0.5\n',
            "rule 'h'",
            "factor",
            "at least 1",
        ),
        (
            '[[rules]]\nname = "h"\nmetric = "keyword_hotspot"\nwords = ["x"]\nwindow = 0\n',
            "rule 'h'",
            "window",
            "above 0",
        ),
        ("[keywords.k]\nzh = [1]\n", "keywords.k", "zh", "every word must be a non-empty"),
        ("[keywords]\nk = 3\n", "", "keywords.k", "must be a list of words or a table"),
        # message templates
        (
            RULE + 'message_en = "{queu} waits"\n',
            "rule 'r'",
            "message_en",
            "unknown placeholder {queu} (did you mean 'queue'?)",
        ),
        (RULE + 'message_zh = "{} 等待"\n', "rule 'r'", "message_zh", "unknown placeholder {}"),
        (RULE + 'message_en = "{queue.id}"\n', "rule 'r'", "message_en", "unknown placeholder"),
        (RULE + 'message_en = "{queue waits"\n', "rule 'r'", "message_en", "bad template"),
        (
            RULE + 'message_en = "{value:.1f} s"\n',
            "rule 'r'",
            "message_en",
            "placeholder {value:.1f}: write {value} without a format",
        ),
        (RULE + 'message_zh = "{queue!r}"\n', "rule 'r'", "message_zh", "{queue!r}: write"),
        (RULE + "message_en = 3\n", "rule 'r'", "message_en", "must be a string"),
        # the file's shape
        ("rules = 3\n", "", "rules", "must be an array of tables"),
    ],
)
def test_each_mistake_is_one_line_naming_file_rule_and_key(text, where, key, fragment):
    with pytest.raises(AlertRulesError) as info:
        parse_rules(text, "alerts.toml")
    message = str(info.value)
    place = f"{where} key {key!r}" if where else f"key {key!r}"
    assert message.startswith(f"alerts.toml: {place}: "), message
    assert fragment in message and "\n" not in message


def test_a_bad_rule_after_good_ones_refuses_the_whole_file():
    good = parse_rules(RULE, "alerts.toml")
    assert len(good) == 1
    with pytest.raises(AlertRulesError, match=r"rule 's' key 'enter'"):
        parse_rules(RULE + RULE.replace('"r"', '"s"').replace("5", "'x'"), "alerts.toml")


def test_load_rules_names_the_file_on_every_failure(tmp_path):
    assert issubclass(AlertRulesError, ConfigError)  # the CLI's one-line handler catches it
    missing = tmp_path / "nope.toml"
    with pytest.raises(AlertRulesError, match=r"nope\.toml: cannot read"):
        load_rules(missing)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe\x00[[rules]]")
    with pytest.raises(AlertRulesError, match=r"bin\.toml: not UTF-8"):
        load_rules(binary)
    broken = tmp_path / "broken.toml"
    broken.write_text("[[rules]\n", encoding="utf-8")
    with pytest.raises(AlertRulesError) as info:
        load_rules(broken)
    assert str(info.value).startswith(f"{broken}: not valid TOML") and "line 1" in str(info.value)
    bad = tmp_path / "alerts.toml"
    bad.write_text(RULE + "exit = 9\n", encoding="utf-8")
    with pytest.raises(AlertRulesError) as info:
        load_rules(bad)
    assert str(info.value).startswith(f"{bad}: rule 'r' key 'exit': ")


@pytest.mark.parametrize(
    ("op", "enter", "exit_", "ok"),
    [
        (">", 5, 3, True),
        (">", 5, 5, True),
        (">", 5, 6, False),
        (">=", 5, 4, True),
        (">=", 5, 5.5, False),
        ("<", 80, 85, True),
        ("<", 80, 80, True),
        ("<", 80, 79, False),
        ("<=", 15, 16, True),
        ("<=", 15, 14, False),
    ],
)
def test_exit_must_sit_on_the_clearing_side_of_enter(op, enter, exit_, ok):
    text = (
        f'[[rules]]\nname = "r"\nmetric = "waiting"\nop = "{op}"\nenter = {enter}\nexit = {exit_}\n'
    )
    if not ok:
        with pytest.raises(AlertRulesError, match=r"rule 'r' key 'exit'"):
            parse_rules(text, "alerts.toml")
        return
    (rule,) = parse_rules(text, "alerts.toml")
    assert (rule.enter, rule.exit) == (enter, exit_)
    # Hysteresis as the engine reads it: no value both raises and clears, and a value
    # between the two levels does neither (a raised alert stays, a clear one stays clear).
    for value in [x / 4 for x in range(0, 4 * 100)]:
        assert not (rule.entered(value) and rule.exited(value)), value
    if enter != exit_:
        between = (enter + exit_) / 2
        assert not rule.entered(between) and not rule.exited(between)


def test_exit_defaults_to_enter():
    (rule,) = parse_rules(RULE, "alerts.toml")
    assert rule.exit == rule.enter == 5.0
    assert rule.entered(6) and rule.exited(5) and not rule.exited(6)


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("90s", 90.0),
        ("5m", 300.0),
        ("1h", 3600.0),
        ("1m30s", 90.0),
        ("1h 15m", 4500.0),
        ("1.5m", 90.0),
        ("2M", 120.0),
        (45, 45.0),
        (2.5, 2.5),
        (0, 0.0),
        ('"0s"', 0.0),
    ],
)
def test_durations_in_seconds_or_with_a_unit(written, seconds):
    shown = f'"{written}"' if isinstance(written, str) and '"' not in written else written
    (rule,) = parse_rules(RULE + f"for = {shown}\n", "alerts.toml")
    assert rule.for_s == seconds


@pytest.mark.parametrize("bad", ["5", "m5", "5x", "1h-5m", "5s5", "five minutes", None, [5]])
def test_malformed_durations_raise_value_error(bad):
    with pytest.raises(ValueError, match="such as '90s'"):
        parse_duration(bad)


def test_the_example_file_is_exactly_the_shipped_defaults():
    assert load_rules(EXAMPLE) == default_rules()
    # and not vacuously: it holds a rule for every default the issue asks for
    assert len(default_rules()) == DEFAULT_RULES_TOML.count("[[rules]]") >= 12


def test_the_shipped_defaults():
    rules = {r.name: r for r in default_rules()}
    sl = rules["hotline_service_level"]
    assert (sl.metric, sl.op, sl.enter, sl.selector.channel, sl.window) == (
        "service_level",
        "<",
        80.0,
        "hotline",
        15,
    )
    assert sl.exit > sl.enter and sl.for_s == 60.0
    wait = rules["online_longest_wait"]
    assert (wait.metric, wait.op, wait.enter, wait.selector.channel) == (
        "longest_wait_s",
        ">",
        60.0,
        "online",
    )
    assert (
        "callback" in wait.message_en
        and "回拨" in wait.message_zh
        and "离线预约" in wait.message_zh
    )
    by_metric = {(r.metric, r.enter) for r in rules.values()}
    for needed in [
        ("abandon_rate", 10.0),
        ("waiting_per_available", 2.0),
        ("not_ready_s", 900.0),
        ("wrap_up_s", 180.0),
        ("first_response_s", 60.0),
        ("feed_stale_s", 5.0),
        ("sl_forecast", 15.0),
    ]:
        assert needed in by_metric
    early = rules["sl_early_warning"]
    assert (early.op, early.exit, early.severity) == ("<", 16.0, Severity.WARNING)
    assert "{minutes}" in early.message_en and "{minutes}" in early.message_zh
    sides = {r.keywords.side for r in rules.values() if r.metric == "keyword" and r.keywords}
    assert sides == {"customer", "agent"}
    hot = rules["refund_hotspot"].keywords
    assert hot is not None and "退款" in hot.words and "refund" in hot.words
    assert (hot.min_chats, hot.window_s, hot.factor) == (8, 900.0, 3.0)
    for rule in rules.values():
        assert rule.metric in METRICS and rule.message_en and rule.message_zh
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rule.message_zh), rule.name
        assert (rule.escalate_after_s is not None) == (rule.severity == Severity.CRITICAL)
    assert rules["feed_stale"].severity == rules["agent_abusive_words"].severity == "critical"


def test_render_fills_placeholders_and_never_raises():
    assert (
        render("{queue}: {value} s over {threshold}", queue="ol", value=61.0, threshold=60.0)
        == "ol: 61 s over 60"
    )
    assert render("{value} %", value=79.25) == "79.2 %"
    assert render("{value:.2f}", value=1.0) == "1.00"
    assert render("{agent} / {word}", agent="a1") == "a1 / "  # missing: empty
    assert render("{queue:.0f}", queue="ol") == "ol"  # a spec that does not fit: plain
    assert render("{value}", value=math.inf) == "∞"
    assert render("{value}", value=None) == ""
    assert render("{0} {a.b} {x[1]}", x=[1, 2]) == "  "
    assert render("{queue waits", queue="ol") == "{queue waits"  # broken template as is
    assert render("literal {{braces}}") == "literal {braces}"


def test_the_docs_define_every_metric_and_placeholder():
    text = (EXAMPLE.parents[1] / "docs" / "alerts.md").read_text(encoding="utf-8")
    for metric in METRICS:
        assert f"| `{metric}` |" in text, metric
    for name in PLACEHOLDERS:
        assert f"| `{{{name}}}` |" in text, name
    assert "## Early warning" in text and "time,rule,severity,target,event,value" in text


@pytest.mark.parametrize(
    ("extra", "key", "fragment"),
    [
        ("enter = 1" + "0" * 400, "enter", "must be a number"),
        ("enter = 1\nfor = 1" + "0" * 400, "for", "must be a finite duration"),
        ('enter = 1\nmessage_en = "{value!x}"', "message_en", "{value!x}: write {value}"),
    ],
)
def test_numbers_too_big_for_a_float_and_bad_conversions_are_refused(extra, key, fragment):
    text = '[[rules]]\nname = "r"\nmetric = "waiting"\nop = ">"\n' + extra + "\n"
    with pytest.raises(AlertRulesError) as info:
        parse_rules(text, "alerts.toml")
    assert str(info.value).startswith(f"alerts.toml: rule 'r' key '{key}': ")
    assert fragment in str(info.value)


def test_a_toml_integer_past_the_digit_limit_is_a_toml_error_not_a_crash():
    with pytest.raises(AlertRulesError, match=r"^alerts\.toml: not valid TOML"):
        parse_rules("x = 1" + "0" * 5000 + "\n", "alerts.toml")


def toml_value(value: Any) -> str:
    """A value as TOML source (JSON string escapes are valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"


SCALARS = st.one_of(
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            *METRICS,
            *PLACEHOLDERS,
            ">",
            "<=",
            "5m",
            "-1s",
            "critical",
            "online",
            "{value}",
            "{queu}",
            "{",
            "today",
            "complaint",
            "1h30m",
        ]
    ),
    st.text(max_size=12),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.sampled_from(["zh", "x"]), SCALARS, max_size=2),
)


@given(
    metric=st.sampled_from(list(METRICS)),
    overrides=st.dictionaries(st.sampled_from([*RULE_KEYS, "bogus"]), VALUES, max_size=4),
)
def test_any_values_give_rules_or_one_line_error_never_a_traceback(metric, overrides):
    keyword = metric.startswith("keyword")
    base = {
        "name": "r",
        "metric": metric,
        **({"words": ["x"]} if keyword else {"op": ">", "enter": 5}),
    }
    table = {**base, **overrides}
    text = '[keywords.complaint]\nzh = ["投诉"]\n[[rules]]\n' + "".join(
        f"{key} = {toml_value(value)}\n" for key, value in table.items()
    )
    try:
        rules = parse_rules(text, "alerts.toml")
    except AlertRulesError as exc:
        assert str(exc).startswith("alerts.toml: ") and "\n" not in str(exc)
    else:
        assert len(rules) == 1 and isinstance(rules[0], AlertRule)
