"""Client configuration (TOML): feeds, token file, language, metric settings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import clock
from .metrics import DEFAULT_SL_VARIANT, SL_VARIANTS


class ConfigError(ValueError):
    """A config file that cannot be used, with the file and key in the message."""


@dataclass(slots=True)
class Config:
    feeds: list[str] = field(default_factory=list)
    token_file: str = ""  # for every feed of this config without a token file of its own
    feed_token_files: dict[str, str] = field(default_factory=dict)  # url -> its token file
    lang: str = ""  # "" = system locale
    window_minutes: int = 15
    short_abandon_s: float = 5.0
    tz: str = ""  # "" = the machine's zone; for "today" and the half-hour interval
    day_reset: str = "00:00"  # local time "today" starts (a 24 h centre may use 06:00)
    sl_variant: str = DEFAULT_SL_VARIANT
    sl_variants: dict[str, str] = field(default_factory=dict)  # queue id -> variant


def load_config(path: Path) -> Config:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    cfg = Config()
    feeds = raw.get("feeds", [])
    if not isinstance(feeds, list):
        raise ConfigError(f"{path}: 'feeds' must be an array of tables")
    for i, entry in enumerate(feeds):
        url = entry.get("url") if isinstance(entry, dict) else entry
        if not isinstance(url, str) or not url.startswith(("ws://", "wss://")):
            raise ConfigError(f"{path}: feeds[{i}].url must be a ws:// or wss:// URL")
        cfg.feeds.append(url)
        token_file = entry.get("token_file", "") if isinstance(entry, dict) else ""
        if not isinstance(token_file, str):
            raise ConfigError(f"{path}: feeds[{i}].token_file must be a path")
        if token_file:
            cfg.feed_token_files[url] = token_file
    client = raw.get("client", {})
    if not isinstance(client, dict):
        raise ConfigError(f"{path}: [client] must be a table")
    checks = {
        "token_file": str, "lang": str, "window_minutes": int, "short_abandon_s": (int, float),
        "tz": str, "day_reset": str, "sl_variant": str,
    }
    for key, typ in checks.items():
        if key in client:
            value = client[key]
            if not isinstance(value, typ) or isinstance(value, bool):
                raise ConfigError(f"{path}: client.{key} has the wrong type ({value!r})")
            setattr(cfg, key, value)
    if cfg.lang not in ("", "en", "zh_CN"):
        raise ConfigError(f"{path}: client.lang must be 'en' or 'zh_CN'")
    if cfg.window_minutes not in (5, 15, 30, 60):
        raise ConfigError(f"{path}: client.window_minutes must be 5, 15, 30 or 60")
    try:
        clock.zone(cfg.tz)
    except (ValueError, KeyError):
        raise ConfigError(f"{path}: client.tz {cfg.tz!r} is not a known time zone") from None
    try:
        clock.parse_hhmm(cfg.day_reset)
    except ValueError:
        raise ConfigError(f"{path}: client.day_reset must be HH:MM") from None
    variants = raw.get("sl_variants", {})
    if not isinstance(variants, dict):
        raise ConfigError(f"{path}: [sl_variants] must be a table of queue = variant")
    cfg.sl_variants = dict(variants)
    for where, variant in [("client.sl_variant", cfg.sl_variant),
                           *((f"sl_variants.{k}", v) for k, v in variants.items())]:
        if variant not in SL_VARIANTS:
            raise ConfigError(f"{path}: {where} must be one of {', '.join(SL_VARIANTS)}")
    return cfg
