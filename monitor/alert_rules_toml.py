"""Alert rules from TOML: `[[rules]]` tables and named `[keywords]` lists (docs/alerts.md).

A rule file is checked whole before any rule is used: the first problem raises
`AlertRulesError` with one line naming the file, the rule (by name, or `rules[3]`
before it has one) and the key, and the caller keeps the rules it had. A misspelt key
or value is an error with the nearest known one suggested, never ignored: a rule
that silently watches nothing is worse than a refused file.
"""

from __future__ import annotations

import math
import re
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .alert_rules import COMPARISONS, METRICS, AlertRule, KeywordSpec, Scope, Selector, Severity
from .config import ConfigError, did_you_mean

# What a message template may name, and what the engine fills each with (docs/alerts.md).
PLACEHOLDERS: dict[str, str] = {
    "target": "the alert's target id: queue, agent, feed, chat contact or hotspot word",
    "queue": "the queue's name (Chinese name in message_zh), else its id",
    "agent": "the agent's name, else its id (agent and keyword rules)",
    "value": "the measured value, formatted in the metric's unit",
    "threshold": "the rule's enter level, formatted the same way (hotspots: min_chats)",
    "word": "the matched keyword (keyword and hotspot rules)",
    "contact": "the chat contact id (keyword rules)",
    "context": "the message around the matched word (keyword rules)",
    "feed": "the feed's name (feed rules)",
    "waiting": "contacts waiting in the queue (queue rules)",
    "available": "agents available for the queue (queue rules)",
    "minutes": "sl_forecast: the forecast minutes; agent rules: minutes in the state",
}

# Keys every rule may have, then those for one kind of rule; selector keys by scope.
COMMON_KEYS = (
    "name",
    "metric",
    "severity",
    "enabled",
    "message_en",
    "message_zh",
    "escalate_after",
)
THRESHOLD_KEYS = ("op", "enter", "exit", "for")
KEYWORD_KEYS = ("words", "side")
HOTSPOT_KEYS = ("window", "min_chats", "factor")
SELECTOR_KEYS = ("queue", "queues", "channel", "tier", "agent", "agents", "team", "feed", "feeds")
RULE_KEYS = (*COMMON_KEYS, *THRESHOLD_KEYS, *KEYWORD_KEYS, *HOTSPOT_KEYS, *SELECTOR_KEYS)
SCOPE_SELECTORS: dict[Scope, tuple[str, ...]] = {
    Scope.QUEUE: ("queue", "queues", "channel", "tier"),
    Scope.AGENT: ("agent", "agents", "team", "channel"),
    Scope.FEED: ("feed", "feeds"),
    Scope.CONTACT: ("queue", "queues", "channel", "tier"),
    Scope.KEYWORD: ("queue", "queues", "channel", "tier"),
}
# Names people reach for that the file spells otherwise (difflib would not find them).
KEY_HINTS = {
    "when": "op",
    "comparison": "op",
    "threshold": "enter",
    "duration": "for",
    "for_s": "for",
    "min_duration": "for",
    "level": "severity",
    "escalate_after_s": "escalate_after",
    "keywords": "words",
    "message": "message_en",
    "disabled": "enabled",
}
TOP_KEYS = ("rules", "keywords")
LIST_KEYS = ("zh", "en")
CHANNELS = ("hotline", "online")
SIDES = ("customer", "agent", "any")
CALENDAR_WINDOWS = ("interval", "today")
MAX_ROLLING_MIN = 60  # the floor keeps 60 minutes of buckets (monitor/rolling.py)
MAX_DURATION_S = 7 * 86400.0  # a week: anything longer is a typo for a smaller unit
NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([hms])")
UNIT_S = {"h": 3600.0, "m": 60.0, "s": 1.0}


class AlertRulesError(ConfigError):
    """A rule file that cannot be used; one line naming the file, the rule and the key."""


def load_rules(path: Path) -> list[AlertRule]:
    """The rules of a TOML file; `AlertRulesError` if it cannot be read or used."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AlertRulesError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise AlertRulesError(f"{path}: not UTF-8 text") from None
    return parse_rules(text, str(path))


def parse_rules(text: str, source: str) -> list[AlertRule]:
    """The rules of a rule file's text; `source` names the file in error messages."""
    try:
        raw = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError, or an integer past Python's digit limit
        raise AlertRulesError(f"{source}: not valid TOML: {exc}") from None
    for key in raw:
        if key not in TOP_KEYS:
            raise _error(source, "", key, _unknown(key, TOP_KEYS))
    lists = _keyword_lists(source, raw.get("keywords", {}))
    tables = raw.get("rules", [])
    if not isinstance(tables, list):
        raise _error(source, "", "rules", "must be an array of tables ([[rules]])")
    rules: list[AlertRule] = []
    first_index: dict[str, int] = {}
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            raise AlertRulesError(f"{source}: rules[{index}]: must be a table ([[rules]])")
        rule = _rule(_Where(source, index), table, lists)
        if rule.name in first_index:
            raise _error(
                source,
                f"rule {rule.name!r}",
                "name",
                f"rules[{first_index[rule.name]}] has this name too; names must be unique",
            )
        first_index[rule.name] = index
        rules.append(rule)
    return rules


def render(template: str, **values: Any) -> str:
    """`template` with its placeholders filled; never raises (a missing value is '').

    Numbers without a format spec show whole when whole, else with one decimal.
    """
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return template  # unbalanced braces: the text as written beats nothing
    out: list[str] = []
    for literal, field, spec, conversion in parts:
        out.append(literal)
        if field is None:
            continue
        value = values.get(field, "")
        if value is None:
            value = ""
        try:
            if conversion == "r":
                value = repr(value)
            elif conversion in ("s", "a"):
                value = str(value) if conversion == "s" else ascii(value)
            if spec:
                out.append(format(value, spec))
                continue
        except (ValueError, TypeError):
            pass
        out.append(_plain(value))
    return "".join(out)


def _plain(value: Any) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return "∞" if value > 0 else ("-∞" if value < 0 else "")
        return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return str(value)


# ---------------------------------------------------------------------- one rule
class _Where:
    """Where in the file a rule is, for messages: by name once it has a valid one."""

    def __init__(self, source: str, index: int) -> None:
        self.source = source
        self.label = f"rules[{index}]"

    def error(self, key: str, problem: str) -> AlertRulesError:
        return _error(self.source, self.label, key, problem)


def _error(source: str, where: str, key: str, problem: str) -> AlertRulesError:
    place = f"{where} key {key!r}" if where else f"key {key!r}"
    return AlertRulesError(f"{source}: {place}: {problem}")


def _unknown(key: str, known: tuple[str, ...]) -> str:
    hint = KEY_HINTS.get(key, "")
    suggestion = f" (did you mean {hint!r}?)" if hint in known else did_you_mean(key, known)
    return f"unknown key{suggestion}; known: {', '.join(known)}"


def _rule(where: _Where, table: dict[str, Any], lists: Mapping[str, tuple[str, ...]]) -> AlertRule:
    if "name" not in table:
        raise where.error("name", "missing (every rule needs a snake_case name)")
    name = table["name"]
    if not isinstance(name, str) or not NAME_RE.fullmatch(name):
        raise where.error(
            "name",
            f"must be snake_case: a-z, 0-9 and _, starting with a "
            f"letter, at most 64 characters (got {name!r})",
        )
    where.label = f"rule {name!r}"
    for key in table:
        if key not in RULE_KEYS:
            raise where.error(key, _unknown(key, RULE_KEYS))
    metric = table.get("metric")
    if metric is None:
        raise where.error("metric", f"missing; known: {', '.join(METRICS)}")
    if not isinstance(metric, str) or metric not in METRICS:
        raise where.error(
            "metric",
            f"unknown metric {metric!r}"
            f"{did_you_mean(str(metric), METRICS)}; "
            f"known: {', '.join(METRICS)}",
        )
    scope, unit = METRICS[metric]
    kind = (
        "hotspot"
        if metric == "keyword_hotspot"
        else "keyword"
        if metric == "keyword"
        else "threshold"
    )
    _check_applicable(where, table, metric, scope, kind)

    severity = _choice(where, table, "severity", tuple(s.value for s in Severity), "warning")
    fields: dict[str, Any] = {
        "name": name,
        "metric": metric,
        "severity": Severity(severity),
        "selector": _selector(where, table),
        "message_en": _message(where, table, "message_en"),
        "message_zh": _message(where, table, "message_zh"),
        "enabled": _bool(where, table, "enabled", True),
    }
    if "escalate_after" in table:
        if fields["severity"] != Severity.CRITICAL:
            raise where.error(
                "escalate_after", f"only critical rules escalate (this one is {severity!r})"
            )
        fields["escalate_after_s"] = _duration(where, table["escalate_after"], "escalate_after")
    if kind == "threshold":
        fields.update(_threshold(where, table, metric, unit))
        if "window" in table:
            fields["window"] = _queue_window(where, table["window"])
    else:
        fields["keywords"] = _keywords(where, table, lists, hotspot=kind == "hotspot")
    return AlertRule(**fields)


def _check_applicable(
    where: _Where, table: Mapping[str, Any], metric: str, scope: Scope, kind: str
) -> None:
    """Keys the file may spell but that mean nothing for this rule: refused, not ignored."""
    for key in table:
        if key in THRESHOLD_KEYS and kind != "threshold":
            raise where.error(
                key,
                f"{metric} rules have no threshold: a hit raises at once "
                "(hotspots count chats with min_chats)",
            )
        if key in KEYWORD_KEYS and kind == "threshold":
            raise where.error(
                key,
                "only keyword and keyword_hotspot rules take "
                f"{key!r}; {metric!r} is a measured metric",
            )
        if key in ("min_chats", "factor") and kind != "hotspot":
            raise where.error(key, f"only keyword_hotspot rules take {key!r}")
        if key == "window" and not (scope == Scope.QUEUE or kind == "hotspot"):
            raise where.error(
                key, f"{metric} rules have no window (only queue metrics and hotspots do)"
            )
        if key in SELECTOR_KEYS and key not in SCOPE_SELECTORS[scope]:
            raise where.error(
                key,
                f"{metric} rules watch {scope.value}s: they select by "
                f"{', '.join(SCOPE_SELECTORS[scope])}",
            )


def _threshold(where: _Where, table: Mapping[str, Any], metric: str, unit: str) -> dict[str, Any]:
    if "op" not in table:
        raise where.error("op", f"missing; one of {', '.join(COMPARISONS)}")
    op = _choice(where, table, "op", COMPARISONS, ">")
    if "enter" not in table:
        raise where.error("enter", "missing (the value that raises the alert)")
    enter = _level(where, table, "enter", unit)
    exit_ = _level(where, table, "exit", unit) if "exit" in table else enter
    # Hysteresis: the clearing level sits on the safe side of the raising one, or an
    # alert would clear while its raising condition still held.
    if op in (">", ">=") and exit_ > enter:
        raise where.error(
            "exit",
            f"a {op!r} rule clears at or below exit, so exit must not be "
            f"above enter ({_plain(exit_)} > {_plain(enter)})",
        )
    if op in ("<", "<=") and exit_ < enter:
        raise where.error(
            "exit",
            f"a {op!r} rule clears at or above exit, so exit must not be "
            f"below enter ({_plain(exit_)} < {_plain(enter)})",
        )
    for_s = _duration(where, table["for"], "for") if "for" in table else 0.0
    return {"op": op, "enter": enter, "exit": exit_, "for_s": for_s}


def _finite(value: Any) -> float | None:
    """`value` as a float if it is a finite number (TOML ints may be too big for one)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _level(where: _Where, table: Mapping[str, Any], key: str, unit: str) -> float:
    value = _finite(table[key])
    if value is None:
        raise where.error(key, f"must be a number (got {table[key]!r})")
    if unit == "%" and not 0 <= value <= 100:
        raise where.error(key, f"is a percentage: must be 0 to 100 (got {value:g})")
    if value < 0:
        raise where.error(key, f"must not be negative (got {value:g})")
    return float(value)


def parse_duration(value: Any) -> float:
    """Seconds from a number of seconds or a string such as '90s', '5m', '1h' or '1m30s'.

    Raises ValueError with the problem (negative, malformed) for a message.
    """
    if isinstance(value, bool):
        raise ValueError(
            f"must be seconds or a duration such as '90s', '5m' or '1h' (got {value!r})"
        )
    if isinstance(value, int | float):
        number = _finite(value)
        if number is None:
            raise ValueError(f"must be a finite duration (got {value!r})")
        seconds, shown = number, f"{number:g}"
    elif isinstance(value, str):
        text = value.strip().lower()
        negative = text.startswith("-")
        text = text.lstrip("-").strip()
        parts = DURATION_PART.findall(text)
        if not text or "".join(f"{n}{u}" for n, u in parts) != text.replace(" ", ""):
            raise ValueError(
                f"must be seconds or a duration such as '90s', '5m' or '1h' (got {value!r})"
            )
        seconds = sum(float(n) * UNIT_S[u] for n, u in parts) * (-1 if negative else 1)
        shown = repr(value)
    else:
        raise ValueError(
            f"must be seconds or a duration such as '90s', '5m' or '1h' (got {value!r})"
        )
    if not math.isfinite(seconds):
        raise ValueError(f"must be a finite duration (got {shown})")
    if seconds < 0:
        raise ValueError(f"must not be negative (got {shown})")
    if seconds > MAX_DURATION_S:
        raise ValueError(f"must be at most a week (got {shown})")
    return seconds


def _duration(where: _Where, value: Any, key: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise where.error(key, str(exc)) from None


def _queue_window(where: _Where, value: Any) -> int | str:
    if isinstance(value, str) and value in CALENDAR_WINDOWS:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROLLING_MIN:
        return value
    hint = did_you_mean(value, CALENDAR_WINDOWS) if isinstance(value, str) else ""
    raise where.error(
        "window",
        f"must be rolling minutes 1 to {MAX_ROLLING_MIN}, 'interval' "
        f"or 'today' (got {value!r}){hint}",
    )


def _choice(
    where: _Where, table: Mapping[str, Any], key: str, choices: tuple[str, ...], default: str
) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or value not in choices:
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        raise where.error(key, f"must be one of {', '.join(choices)} (got {value!r}){hint}")
    return value


def _bool(where: _Where, table: Mapping[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise where.error(key, f"must be true or false (got {value!r})")
    return value


def _text(where: _Where, table: Mapping[str, Any], key: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (key in table and not value.strip()):
        raise where.error(key, f"must be a non-empty string (got {value!r})")
    return value.strip()


def _ids(where: _Where, table: Mapping[str, Any], one: str, many: str) -> tuple[str, ...]:
    """`queue = "a"` or `queues = ["a", "b"]` (either spelling takes either form)."""
    if one in table and many in table:
        raise where.error(many, f"give {one!r} or {many!r}, not both")
    key = one if one in table else many
    value = table.get(key, [])
    items = [value] if isinstance(value, str) else value
    if (
        not isinstance(items, list)
        or (key in table and not items)
        or not all(isinstance(i, str) and i.strip() for i in items)
    ):
        raise where.error(key, f"must be an id or a non-empty list of ids (got {value!r})")
    return tuple(dict.fromkeys(i.strip() for i in items))


def _selector(where: _Where, table: Mapping[str, Any]) -> Selector:
    channel = _text(where, table, "channel")
    if channel and channel not in CHANNELS:
        raise where.error(
            "channel",
            f"must be one of {', '.join(CHANNELS)} (got {channel!r})"
            f"{did_you_mean(channel, CHANNELS)}",
        )
    return Selector(
        queues=_ids(where, table, "queue", "queues"),
        channel=channel,
        tier=_text(where, table, "tier"),
        agents=_ids(where, table, "agent", "agents"),
        team=_text(where, table, "team"),
        feeds=_ids(where, table, "feed", "feeds"),
    )


def _message(where: _Where, table: Mapping[str, Any], key: str) -> str:
    template = table.get(key, "")
    if not isinstance(template, str):
        raise where.error(key, f"must be a string (got {template!r})")
    try:
        fields = [
            (f, spec, conv)
            for _lit, f, spec, conv in string.Formatter().parse(template)
            if f is not None
        ]
    except ValueError as exc:
        raise where.error(
            key, f"bad template: {exc} (write {{{{ and }}}} for a literal brace)"
        ) from None
    for field, spec, conversion in fields:
        if field not in PLACEHOLDERS:
            shown = f"{{{field}}}" if field else "{}"
            raise where.error(
                key,
                f"unknown placeholder {shown}{did_you_mean(field, PLACEHOLDERS)};"
                f" known: {', '.join(f'{{{p}}}' for p in PLACEHOLDERS)}",
            )
        if spec or conversion:
            # The engine hands values over already formatted in the metric's unit
            # (monitor.alert_metrics.format_value), so a spec could never apply.
            shown = (
                f"{{{field}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
            )
            raise where.error(
                key,
                f"placeholder {shown}: write {{{field}}} without a format; values come "
                "formatted in the metric's unit",
            )
    return template


# ---------------------------------------------------------------------- keywords
def _keywords(
    where: _Where, table: Mapping[str, Any], lists: Mapping[str, tuple[str, ...]], *, hotspot: bool
) -> KeywordSpec:
    if "words" not in table:
        raise where.error(
            "words",
            "missing: a keyword rule needs words (a list, or the name of a [keywords] list)",
        )
    value = table["words"]
    if isinstance(value, str):
        if value not in lists:
            known = f"; known: {', '.join(lists)}" if lists else "; the file has no [keywords]"
            raise where.error(
                "words", f"no keyword list {value!r}{did_you_mean(value, lists)}{known}"
            )
        words = lists[value]
    else:
        try:
            words = _word_list(value)
        except ValueError as exc:
            raise where.error("words", str(exc)) from None
    spec: dict[str, Any] = {
        "words": words,
        "side": _choice(where, table, "side", SIDES, "customer"),
    }
    if hotspot:
        if "window" in table:
            value = table["window"]
            # A bare number is minutes, as for a queue window; strings are durations.
            if isinstance(value, int | float) and not isinstance(value, bool):
                minutes = _finite(value)
                if minutes is None or minutes <= 0:
                    raise where.error("window", f"must be minutes above 0 (got {value!r})")
                value = minutes * 60.0
            spec["window_s"] = _duration(where, value, "window")
            if spec["window_s"] <= 0:
                raise where.error("window", "must be longer than 0")
        if "min_chats" in table:
            chats = table["min_chats"]
            if isinstance(chats, bool) or not isinstance(chats, int) or chats < 2:
                raise where.error(
                    "min_chats", f"must be a whole number of chats, at least 2 (got {chats!r})"
                )
            spec["min_chats"] = chats
        if "factor" in table:
            factor = _finite(table["factor"])
            if factor is None or factor < 1:
                raise where.error(
                    "factor",
                    f"must be a number, at least 1 (1: at the word's usual rate) "
                    f"(got {table['factor']!r})",
                )
            spec["factor"] = factor
    return KeywordSpec(**spec)


def _word_list(value: Any) -> tuple[str, ...]:
    """The words of a list as written (trimmed, repeats dropped); ValueError says why not."""
    if not isinstance(value, list) or not value:
        raise ValueError(f"must be a non-empty list of words (got {value!r})")
    if not all(isinstance(w, str) and w.strip() for w in value):
        raise ValueError("every word must be a non-empty string")
    return tuple(dict.fromkeys(w.strip() for w in value))


def _keyword_lists(source: str, table: Any) -> dict[str, tuple[str, ...]]:
    """`[keywords.NAME]` tables of zh/en word lists (or `NAME = [...]`), by name."""
    if not isinstance(table, dict):
        raise _error(source, "", "keywords", "must be a table of named word lists")
    lists: dict[str, tuple[str, ...]] = {}
    for name, entry in table.items():
        # a quoted TOML key may hold anything, a newline too: the message stays one line
        where = f"keywords.{name}" if re.fullmatch(r"[\w-]+", name) else f"keywords.{name!r}"
        if isinstance(entry, list):
            try:
                lists[name] = _word_list(entry)
            except ValueError as exc:
                raise _error(source, "", where, str(exc)) from None
            continue
        if not isinstance(entry, dict):
            raise _error(source, "", where, "must be a list of words or a table with zh and en")
        for key in entry:
            if key not in LIST_KEYS:
                raise _error(source, where, key, _unknown(key, LIST_KEYS))
        if not entry:
            raise _error(source, where, "zh", "missing: a keyword list needs zh or en words")
        words: list[str] = []
        for key in LIST_KEYS:
            if key in entry:
                try:
                    words += _word_list(entry[key])
                except ValueError as exc:
                    raise _error(source, where, key, str(exc)) from None
        lists[name] = tuple(dict.fromkeys(words))
    return lists
