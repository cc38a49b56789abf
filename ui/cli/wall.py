"""`floorwatch wall`: the wall display alone, fullscreen on a screen, as a viewer.

Sources, one of: --feed URL… (with --token-file, a viewer's token), --config FILE (its
feeds, tokens, [wall] pages and thresholds), --demo (the simulator in this process,
as `demo --no-server`), --replay FILE (a recording at its own pace). Without any, the
default config's feeds. Bad flags: one line, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from monitor.config import Config, load_config

from .common import (
    add_sim_flags,
    add_token_files_flag,
    feed_tokens,
    feed_url,
    non_negative_float,
    sim_config,
)
from .run import DEFAULT_CONFIG
from .scope_flag import add_scope_flag


def screen_index(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a screen number 0, 1, …, not {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a screen number is 0 or more, not {value}")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "wall",
        help="the wall display (big numbers, both channels) fullscreen on a screen",
        description="Open the wall display fullscreen on a screen: Hotline and Online side "
        "by side in numbers legible from 5 m, paged by the config's [wall] "
        "section. A viewer: it sends no commands.",
    )
    p.add_argument(
        "--screen",
        type=screen_index,
        metavar="N",
        help="screen number (0 = the first; default: the one remembered, else "
        "the last screen that is not the primary)",
    )
    source = p.add_mutually_exclusive_group()
    source.add_argument(
        "--feed", action="append", type=feed_url, metavar="URL", help="feed URL (repeatable)"
    )
    source.add_argument(
        "--config", type=Path, metavar="FILE", help=f"TOML config (default {DEFAULT_CONFIG})"
    )
    source.add_argument(
        "--demo", action="store_true", help="run the simulator in this process (no websocket)"
    )
    source.add_argument(
        "--replay", type=Path, metavar="FILE", help="a recording, replayed at its own pace"
    )
    add_token_files_flag(p)
    add_sim_flags(p)
    p.add_argument("--lang", choices=["en", "zh_CN"], help="UI language (default: system)")
    p.add_argument(
        "--exit-after",
        type=non_negative_float,
        metavar="SECONDS",
        help="quit after this many seconds (for scripts and screenshots)",
    )
    p.add_argument(
        "--screenshot",
        type=Path,
        metavar="PATH",
        help="save a PNG of the wall (its screen's size) when exiting",
    )
    p.add_argument(
        "--rules",
        type=Path,
        metavar="FILE",
        help="alert rules (TOML, docs/alerts.md); default as for run",
    )
    add_scope_flag(p, "the wall")
    p.set_defaults(func=run)


def _fail(message: str) -> int:
    print(f"floorwatch wall: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from ui.display import explain_missing_display

    if explain_missing_display():
        return 2
    if args.token_files and not args.feed and args.config is None:
        return _fail("--token-file goes with --feed or --config")
    from .rules import rules_from

    rules, _ = rules_from(args.rules)  # a bad rule file: one line, exit 2
    config = Config()
    sources = []
    if args.demo:
        from feeds.sources.simulated import SimulatedSource

        sources = [SimulatedSource(sim_config(args), speed=args.speed, warmup_s=args.warmup)]
    elif args.replay is not None:
        from feeds.sources.replay import ReplaySource
        from feeds.store.recording import RecordingError

        try:
            sources = [ReplaySource(args.replay)]
        except (RecordingError, ValueError) as exc:
            return _fail(str(exc))
    else:
        from feeds.hub import websocket_source

        config_path = args.config or (DEFAULT_CONFIG if not args.feed else None)
        if config_path is not None:
            if args.config is None and not config_path.exists():
                return _fail(
                    f"no --feed, --demo or --replay given and no config at "
                    f"{config_path}; see assets/floorwatch.example.toml"
                )
            config = load_config(config_path)
        urls = list(dict.fromkeys(args.feed or config.feeds))
        platforms = [] if args.feed else config.platform_feeds  # --feed replaces them all
        if not urls and not platforms:
            return _fail("no feeds: pass --feed URL or list [[feeds]] in the config")
        from_config = {u: config.feed_token_files.get(u, config.token_file) for u in config.feeds}
        tokens = feed_tokens(
            urls, args.token_files, from_config, f"{config_path}: token_file" if config_path else ""
        )
        sources = [websocket_source(u, tokens[u]) for u in urls]
        if platforms:  # Asterisk, Chatwoot …: their credentials read now (docs/platforms.md)
            from .run import ami_sources

            sources += ami_sources(config)
    from ui.wall_app import WallOptions, run_wall

    options = WallOptions(
        lang=args.lang or config.lang,
        screen=args.screen,
        exit_after=args.exit_after,
        screenshot=args.screenshot,
        config=config,
        rules=rules,
        scope=args.scope,
    )
    return run_wall(sources, options)
