"""`floorwatch` command line. Qt is imported only by the commands that open windows."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path

from platformdirs import user_config_path

from monitor.config import Config, ConfigError, load_config

from . import cmd_audit, cmd_erlang, cmd_reassign, cmd_record, cmd_report

DEFAULT_CONFIG = user_config_path("floorwatch") / "floorwatch.toml"


def read_token(path: str | Path | None) -> str:
    """The first non-empty line of a token file ('' for no file)."""
    if not path:
        return ""
    for line in Path(path).expanduser().read_text(encoding="utf-8").splitlines():
        if line.strip():
            return line.strip()
    return ""


def read_tokens(path: str | Path) -> dict[str, str]:
    """Lines `TOKEN ROLE` (role viewer or supervisor); '#' starts a comment."""
    tokens: dict[str, str] = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or parts[1] not in ("viewer", "supervisor"):
            raise ValueError(f"{path}:{n}: expected 'TOKEN viewer|supervisor'")
        tokens[parts[0]] = parts[1]
    return tokens


def _parse_hhmm(hhmm: str) -> tuple[int, int]:
    try:
        hour, minute = (int(x) for x in hhmm.split(":"))
    except ValueError:
        raise ValueError(f"--start must be HH:MM, not {hhmm!r}") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValueError(f"--start must be HH:MM, not {hhmm!r}")
    return hour, minute


def _sim_config(args: argparse.Namespace):  # -> SimConfig (imported lazily)
    """Today at --start, local time; the traffic shape follows that local hour."""
    from feeds.simulator import SimConfig

    hour, minute = _parse_hhmm(args.start)
    start = datetime.now().replace(hour=hour, minute=minute, second=0, microsecond=0)
    return SimConfig(agents=args.agents, seed=args.seed, start_t=start.timestamp(),
                     start_hour=hour + minute / 60)


def _add_window_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=["en", "zh_CN"], help="UI language (default: system)")
    p.add_argument("--exit-after", type=float, metavar="SECONDS",
                   help="quit after this many seconds (for scripts and screenshots)")
    p.add_argument("--screenshot", type=Path, metavar="PATH",
                   help="save a PNG of the main window when exiting")


def _add_sim_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agents", type=int, default=60, help="agents on the floor (default 60)")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same floor)")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per second")
    p.add_argument("--start", default="09:00", metavar="HH:MM",
                   help="simulated clock at start of warm-up, today (default 09:00)")
    p.add_argument("--warmup", type=float, default=3600.0, metavar="SECONDS",
                   help="simulated history run before serving (default 3600)")


def cmd_sim(args: argparse.Namespace) -> int:
    from feeds.sim_server import serve_simulation

    tokens = read_tokens(args.tokens) if args.tokens else None

    def ready(port: int) -> None:
        print(f"floorwatch simulator serving ws://{args.host}:{port}", flush=True)

    try:
        asyncio.run(serve_simulation(
            _sim_config(args), host=args.host, port=args.port, speed=args.speed,
            warmup_s=args.warmup, tokens=tokens, on_ready=ready))
    except KeyboardInterrupt:
        pass
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from feeds.sim_server import SimulationThread

    from .app import WindowOptions, run_floor

    sim = SimulationThread(_sim_config(args), speed=args.speed, warmup_s=args.warmup)
    port = sim.start()
    try:
        options = WindowOptions(lang=args.lang or "", exit_after=args.exit_after,
                                screenshot=args.screenshot)
        return run_floor([f"ws://127.0.0.1:{port}"], "", options)
    finally:
        sim.stop()


def cmd_run(args: argparse.Namespace) -> int:
    from .app import WindowOptions, run_floor

    config = Config()
    config_path = args.config or (DEFAULT_CONFIG if not args.feed else None)
    if config_path is not None:
        if args.config is None and not config_path.exists():
            print(f"no --feed given and no config at {config_path}; "
                  "see assets/floorwatch.example.toml", file=sys.stderr)
            return 2
        config = load_config(config_path)
    urls = args.feed or config.feeds
    if not urls:
        print("no feeds: pass --feed URL or list [[feeds]] in the config", file=sys.stderr)
        return 2
    token = read_token(args.token_file or config.token_file)
    options = WindowOptions(lang=args.lang or config.lang, exit_after=args.exit_after,
                            screenshot=args.screenshot, config=config)
    return run_floor(urls, token, options)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="floorwatch", description="Real-time supervisor wall for hotline + online chat.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sim", help="serve a simulated blended floor over websocket")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--tokens", type=Path, metavar="FILE",
                   help="lines 'TOKEN ROLE' allowed to connect (default: anyone)")
    _add_sim_flags(p)
    p.set_defaults(func=cmd_sim)

    p = sub.add_parser("demo", help="the simulator plus the floor window, over websocket")
    _add_sim_flags(p)
    _add_window_flags(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("run", help="open the floor window on real feeds")
    p.add_argument("--feed", action="append", metavar="URL", help="feed URL (repeatable)")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help=f"TOML config (default {DEFAULT_CONFIG})")
    p.add_argument("--token-file", metavar="FILE", help="file holding the access token")
    _add_window_flags(p)
    p.set_defaults(func=cmd_run)

    cmd_erlang.add_parser(sub)
    cmd_report.add_parser(sub)
    cmd_record.add_parser(sub)
    cmd_reassign.add_parser(sub)
    cmd_audit.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, ValueError, OSError) as exc:
        print(f"floorwatch: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
