"""`floorwatch run`: the floor window on real feeds, from flags or a TOML config."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_config_path

from monitor.config import Config, load_config

from .common import add_token_files_flag, add_window_flags, feed_tokens, feed_url
from .recording_flags import add_record_flags, default_settings, recording_plan
from .scope_flag import add_scope_flag

if TYPE_CHECKING:
    from feeds.source import Source

DEFAULT_CONFIG = user_config_path("floorwatch") / "floorwatch.toml"


def _warn(message: str) -> None:
    print(f"floorwatch: warning: {message}", file=sys.stderr)


def ami_sources(config: Config, warn: Callable[[str], None] = _warn) -> list[Source]:
    """The sources of the config's platform feeds (every kind but floorwatch; joined
    into one with [[agents]]), their credentials read now: a ConfigError naming the
    file and key when one cannot be (see feeds/sources/from_config.py)."""
    from feeds.sources.from_config import platform_sources

    return platform_sources(config, warn)


def sources_for(config: Config, urls: list[str] | None = None,
                tokens: dict[str, str] | None = None, *, with_ami: bool = True) -> list[Source]:
    """The sources `run` watches: a websocket source per URL (by default the config's
    floorwatch feeds, with their token files read) and, `with_ami`, the sources of the
    config's platform feeds (asterisk-ami, ami-websocket, queue-log, chatwoot)."""
    from feeds.hub import websocket_source

    if urls is None:
        urls = list(dict.fromkeys(config.feeds))
        from_config = {u: config.feed_token_files.get(u, config.token_file) for u in urls}
        tokens = feed_tokens(urls, None, from_config, f"{config.path}: token_file")
    tokens = tokens or {}
    ami = ami_sources(config) if with_ami else []
    return [*(websocket_source(u, tokens.get(u, "")) for u in urls), *ami]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("run", help="open the floor window on real feeds")
    p.add_argument("--feed", action="append", type=feed_url, metavar="URL",
                   help="feed URL (repeatable)")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help=f"TOML config (default {DEFAULT_CONFIG})")
    add_token_files_flag(p)
    add_window_flags(p)
    add_scope_flag(p)
    add_record_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ui.display import explain_missing_display

    if explain_missing_display():  # before Qt loads: a missing library would abort it
        return 2
    from ui.app import WindowOptions, run_floor

    config = Config()
    config_path = args.config or (DEFAULT_CONFIG if not args.feed else None)
    if config_path is not None:
        if args.config is None and not config_path.exists():
            print(f"no --feed given and no config at {config_path}; "
                  "see assets/floorwatch.example.toml", file=sys.stderr)
            return 2
        config = load_config(config_path)
    urls = args.feed or config.feeds
    if not urls and not config.platform_feeds:
        print("no feeds: pass --feed URL or list [[feeds]] in the config", file=sys.stderr)
        return 2
    urls = list(dict.fromkeys(urls))
    # A config's token files were given for the config's own feeds, and only those.
    from_config = {u: config.feed_token_files.get(u, config.token_file) for u in config.feeds}
    tokens = feed_tokens(urls, args.token_files, from_config,
                         f"{config_path}: token_file" if config_path else "")
    # The config's AMI feeds join its websocket feeds; --feed replaces them all.
    sources = sources_for(config, urls, tokens, with_ami=not args.feed)
    from .rules import rules_from

    rules, _ = rules_from(args.rules)
    # With --feed and no --config, only the default config's [recording] applies.
    settings = config.recording if config_path is not None else default_settings(
        args, DEFAULT_CONFIG)
    recording = recording_plan(args, settings, config_path=config.path or str(DEFAULT_CONFIG))
    options = WindowOptions(lang=args.lang or config.lang, exit_after=args.exit_after,
                            screenshot=args.screenshot,
                            size=args.size or (1600, 1000), config=config, rules=rules,
                            recording=recording, scope=args.scope)
    return run_floor(sources, options)
