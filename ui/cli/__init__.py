"""`floorwatch` command line: one module per subcommand, imported only when it runs.

As pip does (`pip/_internal/commands/__init__.py`), the table below maps each
command to its module; `floorwatch erlang --help` imports the erlang module
alone, so it loads neither Qt nor SQLite nor websockets.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from monitor.config import ConfigError

# name -> (module under ui.cli, one-line help shown by `floorwatch --help`)
COMMANDS: dict[str, tuple[str, str]] = {
    "sim": ("sim", "serve a simulated blended floor over websocket"),
    "demo": ("demo", "the simulator plus the floor window, over websocket"),
    "run": ("run", "open the floor window on real feeds"),
    "wall": ("wall", "the wall display (big numbers, both channels) fullscreen on a screen"),
    "erlang": ("erlang", "Erlang C / Erlang A service level, ASA and staffing"),
    "report": ("report", "interval report from a recording or an Asterisk queue_log"),
    "record": ("record", "record live feeds into a file (for reports and replay)"),
    "replay": ("replay", "replay a recording in the floor window (or serve it as a feed)"),
    "reassign": ("reassign", "move agents to online, hotline or blended work (for scripts)"),
    "audit": ("audit", "supervisor commands recorded in the audit log"),
    "alerts": ("alerts", "alert history (list) and rules tried on a recording (check)"),
}


def _chosen(argv: list[str]) -> str | None:
    """The subcommand named on the command line, if any (its first non-option word)."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with `only`, that command's module is the only one imported."""
    parser = argparse.ArgumentParser(
        prog="floorwatch", description="Real-time supervisor wall for hotline + online chat.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module, summary) in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f"{__name__}.{module}").add_parser(sub)
        else:
            sub.add_parser(name, help=summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(_chosen(argv) or "").parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, ValueError, OSError) as exc:
        print(f"floorwatch: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
