"""Where alert rules come from: `--rules FILE`, else the user's config dir, else the
shipped defaults (monitor/alert_defaults.py; assets/alerts.example.toml shows them)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_path

from monitor.alert_defaults import default_rules
from monitor.alert_rules import AlertRule
from monitor.alert_rules_toml import load_rules

USER_RULES = user_config_path("floorwatch") / "alerts.toml"


def user_rules_path() -> Path:
    return USER_RULES


def rules_from(path: Path | None, *, user_file: bool = True) -> tuple[list[AlertRule], str]:
    """The rules and where they came from (for the window's title and messages).

    A bad file raises AlertRulesError (a ConfigError: one line naming file, rule, key);
    nothing falls back silently to the defaults when a file was named or exists.
    """
    if path is not None:
        return load_rules(path), str(path)
    if user_file and USER_RULES.is_file():
        return load_rules(USER_RULES), str(USER_RULES)
    return default_rules(), "shipped defaults"
