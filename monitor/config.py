"""Client configuration (TOML): feeds, token file, language, metric settings, recording."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import clock
from .agent_links import AgentLink, AgentLinkError, agent_links
from .config_feeds import (
    FEED_KINDS,
    AmiFeed,
    FeedConfigError,
    PlatformFeed,
    feed_keys,
    platform_feed,
    read_credential,
)
from .config_teams import TeamsError, teams_table
from .limits import MAX_AGENTS_PER_FEED, MAX_QUEUES_PER_FEED
from .metrics import DEFAULT_SL_VARIANT, SL_VARIANTS
from .thresholds import DEFAULT_BOOK, ThresholdBook, Thresholds
from .wall_pages import MAX_QUEUES_PER_PAGE, MAX_ROTATION_S, MIN_ROTATION_S, WallSettings


class ConfigError(ValueError):
    """A config file that cannot be used, with the file and key in the message."""


# keep_days: at most this many days back (a century), so a typo cannot wrap a date.
MAX_KEEP_DAYS = 36_500


@dataclass(frozen=True, slots=True)
class RecordingSettings:
    """[recording]: the window records its feeds, one file per local day
    (feeds/store/recording_files.py; docs/recording.md)."""

    enabled: bool = True
    dir: str = ""  # "" = the user data dir's "recordings" folder
    keep_days: int = 14  # files of days older than this are deleted at start; 0 keeps all


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
    # What one feed may create (monitor/limits.py); events past it are counted, not applied.
    max_queues_per_feed: int = MAX_QUEUES_PER_FEED
    max_agents_per_feed: int = MAX_AGENTS_PER_FEED
    thresholds: ThresholdBook = DEFAULT_BOOK  # tile limits: defaults and per queue
    # queue id -> channel, for sources that cannot say (an Asterisk queue_log's queues
    # are hotline queues unless named here).
    channels: dict[str, str] = field(default_factory=dict)
    recording: RecordingSettings = field(default_factory=RecordingSettings)
    wall: WallSettings = field(default_factory=WallSettings)  # the wall display's pages
    path: str = ""  # the file it was read from, for messages about its keys
    # [[feeds]] entries of a platform kind (asterisk-ami, ami-websocket, queue-log, chatwoot)
    platform_feeds: list[PlatformFeed] = field(default_factory=list)
    feed_names: dict[str, str] = field(default_factory=dict)  # url -> its entry's name
    # [[agents]] (or agents_csv): one person's ids on each platform (monitor/agent_links.py)
    agents: list[AgentLink] = field(default_factory=list)
    # [teams.NAME] queues = [...]: the queues of a team scope (monitor/config_teams.py)
    teams: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ami_feeds(self) -> list[AmiFeed]:
        """The asterisk-ami entries."""
        return [f for f in self.platform_feeds if isinstance(f, AmiFeed)]


# The tables a config may have; a key outside them is a misspelling, not a new setting.
SECTIONS = ("agents", "agents_csv", "channels", "client", "feeds", "recording", "sl_variants",
            "thresholds", "wall", "teams")
RECORDING_KEYS = ("enabled", "dir", "keep_days")
WALL_KEYS = ("pages", "queues_per_page", "rotation_s")
FEED_KEYS = ("name", "kind", "url", "token_file")
# [thresholds] keys -> (Thresholds field, scale from the file's unit to the field's).
THRESHOLD_KEYS: dict[str, tuple[str, float]] = {
    "sl_goal_percent": ("sl_goal", 0.01),
    "sl_critical_percent": ("sl_critical", 0.01),
    "critical_wait_factor": ("critical_wait_factor", 1.0),
    "min_contacts": ("min_contacts", 1.0),
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest of `choices`, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_keys(path: Path, where: str, table: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = list(allowed)
    for key in table:
        if key not in allowed:
            name = f"{where}.{key}" if where else key
            raise ConfigError(f"{path}: {name}: unknown key{did_you_mean(key, allowed)}; "
                              f"known: {', '.join(allowed)}")


def load_config(path: Path) -> Config:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    cfg = Config(path=str(path))
    _check_keys(path, "", raw, SECTIONS)
    feeds = raw.get("feeds", [])
    if not isinstance(feeds, list):
        raise ConfigError(f"{path}: 'feeds' must be an array of tables")
    names: set[str] = set()
    for i, entry in enumerate(feeds):
        kind = _feed_kind(path, i, entry)
        if kind != "floorwatch":
            _check_keys(path, f"feeds[{i}]", entry, feed_keys(kind))
            try:
                feed = platform_feed(f"{path}: feeds[{i}]", kind, entry,
                                     _feed_name(path, i, entry), i)
            except FeedConfigError as exc:
                raise ConfigError(str(exc)) from None
            if feed.key in names:
                raise ConfigError(f"{path}: feeds[{i}].name: {feed.key!r} names another feed "
                                  f"too; give each feed its own name")
            names.add(feed.key)
            cfg.platform_feeds.append(feed)
            continue
        if isinstance(entry, dict):
            _check_keys(path, f"feeds[{i}]", entry, FEED_KEYS)
            name = _feed_name(path, i, entry)
            if name:
                if name in names:
                    raise ConfigError(f"{path}: feeds[{i}].name: {name!r} names another "
                                      f"feed too; give each feed its own name")
                names.add(name)
                cfg.feed_names[entry.get("url", "")] = name
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
        "max_queues_per_feed": int, "max_agents_per_feed": int,
    }
    _check_keys(path, "client", client, checks)
    for key, typ in checks.items():
        if key in client:
            value = client[key]
            if not isinstance(value, typ) or isinstance(value, bool):
                raise ConfigError(f"{path}: client.{key} has the wrong type ({value!r})")
            setattr(cfg, key, value)
    if cfg.lang not in ("", "en", "zh_CN"):
        raise ConfigError(f"{path}: client.lang must be 'en' or 'zh_CN'")
    if not 0 <= cfg.short_abandon_s <= 3600:
        raise ConfigError(f"{path}: client.short_abandon_s must be 0 to 3600 seconds "
                          f"(got {cfg.short_abandon_s:g})")
    for key in ("max_queues_per_feed", "max_agents_per_feed"):
        if not 1 <= getattr(cfg, key) <= 10_000_000:
            raise ConfigError(f"{path}: client.{key} must be 1 to 10,000,000 "
                              f"(got {getattr(cfg, key)})")
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
    cfg.thresholds = _thresholds(path, raw.get("thresholds", {}))
    channels = raw.get("channels", {})
    if not isinstance(channels, dict):
        raise ConfigError(f"{path}: [channels] must be a table of queue = \"hotline\" or "
                          f"\"online\"")
    for queue, channel in channels.items():
        if channel not in ("hotline", "online"):
            raise ConfigError(f"{path}: channels.{queue} must be \"hotline\" or \"online\"")
    cfg.channels = dict(channels)
    cfg.recording = _recording(path, raw.get("recording", {}))
    cfg.wall = _wall(path, raw.get("wall", {}))
    try:
        cfg.agents = agent_links(path, raw.get("agents"), raw.get("agents_csv"))
    except AgentLinkError as exc:
        raise ConfigError(str(exc)) from None
    try:
        cfg.teams = teams_table(path, raw.get("teams", {}))
    except TeamsError as exc:
        raise ConfigError(str(exc)) from None
    return cfg


def _feed_kind(path: Path, i: int, entry: Any) -> str:
    """An entry's kind: "floorwatch" when it has none (a bare URL or a table without
    `kind`, as configs were before kinds); a kind not built yet is refused by name."""
    if not isinstance(entry, dict) or "kind" not in entry:
        return "floorwatch"
    kind = entry["kind"]
    if kind not in FEED_KINDS:
        raise ConfigError(f"{path}: feeds[{i}].kind: unknown kind {kind!r}"
                          f"{did_you_mean(str(kind), FEED_KINDS)}; "
                          f"known: {', '.join(FEED_KINDS)}")
    return str(kind)


def _feed_name(path: Path, i: int, entry: Mapping[str, Any]) -> str:
    name = entry.get("name", "")
    if not isinstance(name, str) or (name and not name.strip()):
        raise ConfigError(f"{path}: feeds[{i}].name must be a non-empty string")
    return name.strip()


def read_secret(cfg: Config, feed: AmiFeed) -> str:
    """The AMI secret of `feed` (see `feed_credentials`)."""
    return feed_credentials(cfg, feed)["secret"]


def feed_credentials(cfg: Config, feed: PlatformFeed) -> dict[str, str]:
    """The credentials of a platform entry, read now from its files or environment
    variables: {"secret"} for asterisk-ami, {"token"} ('' when none) for ami-websocket,
    {"token", "pubsub_token"} for chatwoot, {} for queue-log. A ConfigError naming the
    file and key when one cannot be had; no message holds a credential."""
    where = f"{cfg.path or 'config'}: feeds[{feed.index}]"
    out: dict[str, str] = {}
    for base in ("secret", "token", "pubsub_token"):
        if not hasattr(feed, f"{base}_file"):
            continue
        try:
            out[base] = read_credential(where, f"{base}_file", getattr(feed, f"{base}_file"),
                                        f"{base}_env", getattr(feed, f"{base}_env"))
        except FeedConfigError as exc:
            raise ConfigError(str(exc)) from None
    return out


def _wall(path: Path, table: Any) -> WallSettings:
    """[wall]: pages (an array of arrays of queue ids), queues_per_page (0 to 100, 0 =
    as many as fit), rotation_s (3 to 3600 seconds). Queue ids are checked against the
    feeds' queues once those are known (`check_queues`)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [wall] must be a table")
    _check_keys(path, "wall", table, WALL_KEYS)
    default = WallSettings()
    pages = table.get("pages", [])
    if not isinstance(pages, list) or not all(
            isinstance(page, list) and page and all(isinstance(q, str) and q for q in page)
            for page in pages):
        raise ConfigError(f"{path}: wall.pages must be an array of non-empty arrays of "
                          f"queue ids, e.g. [[\"general\", \"app\"], [\"vip\"]]")
    per_page = table.get("queues_per_page", default.queues_per_page)
    if isinstance(per_page, bool) or not isinstance(per_page, int) \
            or not 0 <= per_page <= MAX_QUEUES_PER_PAGE:
        raise ConfigError(f"{path}: wall.queues_per_page must be a whole number 0 (as many "
                          f"as fit) to {MAX_QUEUES_PER_PAGE} (got {per_page!r})")
    if pages and "queues_per_page" in table:
        raise ConfigError(f"{path}: wall.queues_per_page: give either wall.pages or "
                          f"wall.queues_per_page, not both")
    rotation = table.get("rotation_s", default.rotation_s)
    if isinstance(rotation, bool) or not isinstance(rotation, (int, float)) \
            or not MIN_ROTATION_S <= rotation <= MAX_ROTATION_S:
        raise ConfigError(f"{path}: wall.rotation_s must be {MIN_ROTATION_S:g} to "
                          f"{MAX_ROTATION_S:g} seconds (got {rotation!r})")
    return WallSettings(tuple(tuple(page) for page in pages), per_page, float(rotation))


def _recording(path: Path, table: Any) -> RecordingSettings:
    """[recording]: enabled (true/false), dir (a folder path), keep_days (0 to 36500)."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [recording] must be a table")
    _check_keys(path, "recording", table, RECORDING_KEYS)
    settings = RecordingSettings()
    enabled = table.get("enabled", settings.enabled)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{path}: recording.enabled must be true or false (got {enabled!r})")
    folder = table.get("dir", settings.dir)
    if not isinstance(folder, str) or "\0" in folder:
        raise ConfigError(f"{path}: recording.dir must be a folder path (got {folder!r})")
    keep = table.get("keep_days", settings.keep_days)
    if isinstance(keep, bool) or not isinstance(keep, int):
        raise ConfigError(f"{path}: recording.keep_days must be a whole number of days "
                          f"(got {keep!r})")
    if not 0 <= keep <= MAX_KEEP_DAYS:
        raise ConfigError(f"{path}: recording.keep_days must be 0 (keep every file) to "
                          f"{MAX_KEEP_DAYS:,} (got {keep})")
    return RecordingSettings(enabled=enabled, dir=folder.strip(), keep_days=keep)


def _threshold_values(path: Path, where: str, table: Any, base: Thresholds) -> Thresholds:
    """`base` with the keys of one thresholds table applied, each checked."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{where}] must be a table")
    _check_keys(path, where, table, [*THRESHOLD_KEYS, *(["queues"] if where == "thresholds"
                                                          else [])])
    changes: dict[str, float | int] = {}
    for key, (name, scale) in THRESHOLD_KEYS.items():
        if key not in table:
            continue
        value = table[key]
        whole = name == "min_contacts"
        if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
            kind = "a whole number" if whole else "a number"
            raise ConfigError(f"{path}: {where}.{key} must be {kind} (got {value!r})")
        changes[name] = int(value) if whole else value * scale
    values = replace(base, **changes)
    key_of = {name: key for key, (name, _scale) in THRESHOLD_KEYS.items()}
    for name, problem in values.problems():
        key = key_of[name]
        problem = problem.replace("sl_goal", "sl_goal_percent")
        shown = table.get(key, _inherited(base, name))
        raise ConfigError(f"{path}: {where}.{key} {problem} (got {shown})")
    return values


def _inherited(base: Thresholds, name: str) -> str:
    """An inherited value as the file writes it, for a message about a clash with it."""
    scale = next(s for n, s in THRESHOLD_KEYS.values() if n == name)
    return f"{getattr(base, name) / scale:g}, inherited"


def _thresholds(path: Path, table: Any) -> ThresholdBook:
    """[thresholds] for every queue, and [thresholds.queues.ID] for one queue."""
    if table == {}:
        return DEFAULT_BOOK
    default = _threshold_values(path, "thresholds", table, Thresholds())
    queues = table.get("queues", {})
    if not isinstance(queues, dict):
        raise ConfigError(f"{path}: [thresholds.queues] must be a table of queue tables")
    by_queue = {q: _threshold_values(path, f"thresholds.queues.{q}", t, default)
                for q, t in queues.items()}
    return ThresholdBook(default, MappingProxyType(by_queue))


def queue_keys(cfg: Config) -> list[tuple[str, str]]:
    """(config key, queue id) for every setting of the config that names a queue."""
    return [*((f"sl_variants.{q}", q) for q in cfg.sl_variants),
            *((f"thresholds.queues.{q}", q) for q in cfg.thresholds.by_queue),
            *((f"wall.pages[{n}]", q) for n, page in enumerate(cfg.wall.pages) for q in page),
            *((f"teams.{t}.queues", q) for t, queues in cfg.teams.items() for q in queues)]


def check_queues(cfg: Config, queue_ids: Iterable[str]) -> None:
    """Refuse a config naming a queue no feed has (once the feeds' queues are known).

    The config is read before any feed connects, so this runs when they have sent
    their queues; the message names the file, the key and the closest real queue.
    """
    known = list(queue_ids)
    for key, queue in queue_keys(cfg):
        if queue not in known:
            raise ConfigError(f"{cfg.path or 'config'}: {key}: no feed has a queue {queue!r}"
                              f"{did_you_mean(queue, known)}")
