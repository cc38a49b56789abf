"""Flags and helpers shared by the commands that run the simulator or open a window."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the simulator is imported only by commands that run it
    from feeds.sim.config import SimConfig, Surge


def parse_hhmm(hhmm: str) -> tuple[int, int]:
    """`--start HH:MM` as (hour, minute); ValueError naming the flag otherwise."""
    try:
        hour, minute = (int(x) for x in hhmm.split(":"))
    except ValueError:
        raise ValueError(f"--start must be HH:MM, not {hhmm!r}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"--start must be HH:MM, not {hhmm!r}")
    return hour, minute


def sim_config(args: argparse.Namespace) -> SimConfig:
    """Today at --start, local time; the traffic shape follows that local hour."""
    from feeds.sim.config import SimConfig

    hour, minute = parse_hhmm(args.start)
    start = datetime.now().replace(hour=hour, minute=minute, second=0, microsecond=0)
    return SimConfig(agents=args.agents, seed=args.seed, start_t=start.timestamp(),
                     start_hour=hour + minute / 60, surges=tuple(args.surge or ()))


def add_window_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["en", "zh_CN"], help="UI language (default: system)")
    p.add_argument("--exit-after", type=non_negative_float, metavar="SECONDS",
                   help="quit after this many seconds (for scripts and screenshots)")
    p.add_argument("--screenshot", type=Path, metavar="PATH",
                   help="save a PNG of the main window when exiting")
    p.add_argument("--size", type=window_size, metavar="WIDTHxHEIGHT",
                   help="open the window at this size in pixels (default 1600x1000)")
    p.add_argument("--rules", type=Path, metavar="FILE",
                   help="alert rules (TOML, docs/alerts.md); default: floorwatch/alerts.toml "
                        "in the user config dir if there is one, else the shipped rules")


def add_token_files_flag(p: argparse.ArgumentParser) -> None:
    """`--token-file`, once per `--feed` (read with `feed_tokens`)."""
    p.add_argument("--token-file", action="append", metavar="FILE", dest="token_files",
                   help="file holding the access token; with several --feed, one per feed "
                        "in the same order")


def add_sim_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agents", type=positive_int, default=60,
                   help="agents on the floor (default 60)")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same floor)")
    p.add_argument("--speed", type=positive_float, default=1.0,
                   help="simulated seconds per second")
    p.add_argument("--start", default="09:00", metavar="HH:MM",
                   help="simulated clock at start of warm-up, today (default 09:00)")
    p.add_argument("--warmup", type=non_negative_float, default=3600.0, metavar="SECONDS",
                   help="simulated history run before serving (default 3600)")
    p.add_argument("--surge", type=surge, action="append", metavar="HH:MM+MIN*FACTOR[:CHANNEL]",
                   help="arrivals x FACTOR for MIN minutes from HH:MM (building up over a "
                        "few minutes), on the hotline or online channel or both; repeatable, "
                        "e.g. --surge 10:30+45*2.5:online")


def feed_tokens(urls: list[str], token_files: list[str] | None,
                fallback: dict[str, str] | None = None, fallback_origin: str = "") -> dict[str, str]:
    """Each feed URL's token: from the --token-file given with it (one per --feed, in
    order), else from `fallback` (url -> token file, from a config named by
    `fallback_origin`). A token file other users can read is read all the same, with a
    warning on stderr; one that cannot be read is a ValueError naming where it came from."""
    from feeds.credentials import read_feed_tokens, token_files_per_feed

    files = token_files_per_feed(urls, token_files)
    origin = "--token-file"
    if not any(files.values()) and fallback:
        files = {url: fallback.get(url, "") for url in urls}
        origin = fallback_origin or "config"
    try:
        return read_feed_tokens(files, lambda message: print(
            f"floorwatch: warning: {message}", file=sys.stderr))
    except ValueError as exc:
        raise ValueError(f"{origin}: {exc}") from None


# ---------------------------------------------------------------- flag types
# argparse prints "argument --flag: <message>" and exits 2 for these, so every bad
# value is refused in one line that names the flag, before anything starts.
def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {value}")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, not {text!r}")
    return value


def positive_float(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, not {text}")
    return value


def non_negative_float(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
    return value


def surge(text: str) -> Surge:
    """`--surge 10:30+45*2.5:online` (feeds.sim.config.parse_surge)."""
    from feeds.sim.config import parse_surge

    try:
        return parse_surge(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def window_size(text: str) -> tuple[int, int]:
    """`--size 1280x720`: a window size Qt can show (from 640x480 to 8K)."""
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, not {text!r}")
    w, h = int(width), int(height)
    if not (640 <= w <= 7680 and 480 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"a size from 640x480 to 7680x4320, not {text!r}")
    return w, h


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, not {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0..65535, not {value}")
    return value


def feed_url(text: str) -> str:
    """A ws:// or wss:// URL with a host and, if given, a numeric port."""
    from urllib.parse import urlsplit

    from feeds.credentials import redact_url

    shown = redact_url(text) if "://" in text else text
    parts = urlsplit(text)
    if parts.scheme not in ("ws", "wss"):
        raise argparse.ArgumentTypeError(f"expected a ws:// or wss:// URL, not {shown!r}")
    if not parts.hostname:
        raise argparse.ArgumentTypeError(f"{shown!r} names no host")
    try:
        parts.port  # noqa: B018 - parsing it is the check
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown!r}: the port is not a number 0..65535") \
            from None
    return text
