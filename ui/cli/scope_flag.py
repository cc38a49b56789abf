"""`--scope all|team:NAME|tier:NAME` for run, demo, wall and report (docs/scopes.md)."""

from __future__ import annotations

import argparse

from monitor.scope import Scope, ScopeError, parse_scope


def scope_arg(text: str) -> Scope:
    """argparse type: a bad value is one line naming --scope, exit 2."""
    try:
        return parse_scope(text)
    except ScopeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_scope_flag(
    p: argparse.ArgumentParser, what: str = "the wall, the grid and the alerts"
) -> None:
    """`--scope`, limiting `what` to a team's or a tier's queues (docs/scopes.md)."""
    p.add_argument(
        "--scope",
        type=scope_arg,
        metavar="all|team:NAME|tier:NAME",
        help=f"limit {what} to one team's queues and agents or one tier's queues; "
        "default all (docs/scopes.md)",
    )
