"""`floorwatch alerts`: the alert history (`list`) and rules tried on the past (`check`).

Each subcommand lives in its own module, imported only when it runs.
"""

from __future__ import annotations

import argparse
import importlib

SUBCOMMANDS = {
    "list": ("alerts_list", "alerts raised recently, from the alert history"),
    "check": ("alerts_check", "run alert rules over a recording or an Asterisk queue_log "
                              "and print when each alert was raised and cleared"),
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("alerts", help="alert history and rule backtesting",
                              description="Alert history and rule backtesting (docs/alerts.md).")
    sub = p.add_subparsers(dest="alerts_command", required=True)
    for name, (module, summary) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=summary, description=summary)
        mod = importlib.import_module(f"ui.cli.{module}")
        mod.add_arguments(sp)
        sp.set_defaults(func=mod.run)
