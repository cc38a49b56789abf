"""`floorwatch reassign`: move agents between hotline and online work from a script. Qt-free.

Connects to the feeds, waits for their snapshots (so the audit log gets each
agent's skills before the move, and the command goes to the feed that owns the
agents: `monitor.routing`), sends one `reassign` command, waits for its result
and records both in the audit log. A dropped connection is retried with the same
request id, which the feed treats as the same command (idempotent).

Exit codes: 0 accepted or applied, 1 rejected, 2 bad arguments or no connection
within --timeout (nothing sent), 3 sent but no result (outcome unknown; rerun
with the printed --request-id to retry safely).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from feeds.command_sender import send_reassign, wait_connected
from feeds.hub import FeedHub
from feeds.store.audit import (
    AuditError,
    AuditLog,
    AuditRecord,
    compact_skills,
    default_audit_path,
    who_am_i,
)
from monitor.commands import (
    ACCEPTED,
    APPLIED,
    PROFILES,
    REJECTED,
    CommandError,
    Reassign,
)
from monitor.events import Snapshot
from monitor.floor import Floor
from monitor.impact import floor_skills, predicted_after
from monitor.routing import route
from ui.fmt import format_duration, parse_duration

from .common import add_token_files_flag, feed_tokens, feed_url, positive_float

log = logging.getLogger(__name__)

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_UNKNOWN = 0, 1, 2, 3
_POLL_S = 0.02


# ------------------------------------------------------------------------- the CLI
def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the `reassign` subcommand (func=run) on a CLI's subparsers."""
    p = subparsers.add_parser(
        "reassign", help="move agents to online, hotline or blended work (for scripts)",
        description="Send one reassignment to a feed, wait for its result, print it and record "
                    "it in the audit log. Exit 0 accepted/applied, 1 rejected, 2 bad arguments "
                    "or no connection (nothing sent), 3 sent but no result (retry with "
                    "--request-id).")
    p.add_argument("--feed", required=True, action="append", type=feed_url, metavar="URL",
                   dest="feeds",
                   help="feed URL (ws://host:port); repeat for several feeds: the command "
                        "goes to the one that owns the agents")
    add_token_files_flag(p)
    p.add_argument("--agent", action="append", required=True, metavar="ID", dest="agents",
                   help="agent id (repeatable)")
    p.add_argument("--to", required=True, choices=PROFILES, dest="profile",
                   help="target skill profile")
    p.add_argument("--for", dest="duration", metavar="DURATION",
                   help="lend for this long, then revert (30m, 2h)")
    p.add_argument("--timeout", type=positive_float, default=10.0, metavar="SECONDS",
                   help="give up connecting / waiting for the result after this (default 10)")
    p.add_argument("--request-id", metavar="ID",
                   help="reuse a request id (retrying an earlier run is then safe)")
    p.add_argument("--db", type=Path, metavar="PATH",
                   help=f"audit database (default {default_audit_path()})")
    p.set_defaults(func=run)


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"floorwatch reassign: {message}", file=sys.stderr)
    return code


def _command(args: argparse.Namespace) -> Reassign:
    duration = None if args.duration is None else parse_duration(args.duration)
    agents = tuple(dict.fromkeys(a.strip() for a in args.agents))  # order kept, no repeats
    if not all(agents):
        raise ValueError("--agent must not be empty")
    request_id = args.request_id or uuid.uuid4().hex
    return Reassign(agents, args.profile, duration_s=duration, request_id=request_id)


def _load_floor(hub: FeedHub, agents: tuple[str, ...], timeout: float) -> Floor:
    """Drain the hub into a Floor until every feed's snapshot (and our agents) are in."""
    floor = Floor()
    deadline = time.monotonic() + timeout
    waiting = {s.key for s in hub.sources}  # feeds whose snapshot has not come yet
    while True:
        for item in hub.drain():
            floor.apply(item.event, item.feed)
            if isinstance(item.event, Snapshot):
                waiting.discard(item.feed)
        if not waiting or all(a in floor.agents for a in agents):
            # Agents no snapshot has are still sent; the feed rejects them with a reason.
            return floor
        if time.monotonic() >= deadline:
            log.warning("no snapshot from %s within %.3g s: skills before are unknown",
                        ", ".join(sorted(waiting)), timeout)
            return floor
        time.sleep(_POLL_S)


def _agent_status(result: dict[str, Any], agent: str) -> tuple[str, str]:
    """(status, reason) for one agent: from the result's per-agent map, else the overall."""
    per_agent = result.get("agents")
    entry = per_agent.get(agent) if isinstance(per_agent, dict) else None
    if isinstance(entry, dict):
        return str(entry.get("status", result.get("status", ""))), str(entry.get("reason", ""))
    if isinstance(entry, str) and entry:
        return entry, ""
    return str(result.get("status", "")), ""


def print_result(command: Reassign, rec: AuditRecord, result: dict[str, Any]) -> None:
    """One line per agent, then a summary (with the reason on rejection or error)."""
    status = rec.status
    for agent in command.agents:
        agent_status, agent_reason = _agent_status(result, agent)
        line = f"{agent}: {agent_status or status}"
        if agent_reason:
            line += f" ({agent_reason})"
        if status in (ACCEPTED, APPLIED):
            before, after = rec.before.get(agent), rec.after.get(agent)
            if before or after:
                line += f"  {compact_skills(before)} -> {compact_skills(after)}"
        print(line)
    lend = f" for {format_duration(command.duration_s)}" if command.duration_s else ""
    n = len(command.agents)
    summary = (f"reassign {command.request_id}: {status}: {n} agent{'s' if n != 1 else ''} "
               f"to {command.profile}{lend}")
    if rec.reason:
        summary += f": {rec.reason}"
    print(summary)


def run(args: argparse.Namespace) -> int:
    """Send the reassignment and report it; see the module docstring for exit codes."""

    try:
        command = _command(args)
        feeds = list(dict.fromkeys(args.feeds))
        tokens = feed_tokens(feeds, args.token_files)
    except (ValueError, OSError) as exc:
        return _fail(str(exc))
    try:
        audit = AuditLog(args.db if args.db else default_audit_path())
    except AuditError as exc:  # no audit trail, no command
        return _fail(f"{exc}; nothing sent")
    hub = FeedHub.for_urls(feeds, tokens=tokens)
    feeds = [source.key for source in hub.sources]  # named without secrets from here on
    hub.start()
    try:
        deadline = time.monotonic() + args.timeout
        try:
            for url in feeds:
                wait_connected(hub, max(0.0, deadline - time.monotonic()), url)
        except ConnectionError as exc:
            return _fail(f"{exc}; nothing sent")
        floor = _load_floor(hub, command.agents, max(0.0, deadline - time.monotonic()))
        try:
            feed = route(command, lambda a: floor.agents[a].feed if a in floor.agents else "",
                         feeds)
        except CommandError as exc:
            return _fail(f"{exc}; nothing sent")
        role = hub.role(feed)
        before = {a: s.as_dict() for a, s in floor_skills(floor, command.agents).items()}
        after = {a: s.as_dict() for a, s in predicted_after(floor, command).items()}
        rec = AuditRecord.for_command(command, who=who_am_i(role), feed=feed, before=before)
        audit.record(rec)  # a trace even if we die before the result
        result = send_reassign(hub, command, max(1.0, deadline - time.monotonic()), key=feed)
        if result.get("status") in (ACCEPTED, APPLIED) and not result.get("after"):
            result = {**result, "after": after}
        rec = rec.with_result(result)
        audit.record(rec)
    finally:
        hub.stop()
        audit.close()
    print_result(command, rec, result)
    if rec.status in (ACCEPTED, APPLIED):
        return EXIT_OK
    if rec.status == REJECTED:
        return EXIT_REJECTED
    if not result.get("sent"):
        return _fail(f"{rec.reason}; nothing sent")
    return _fail(f"{rec.reason}; the outcome is unknown: rerun with "
                 f"--request-id {command.request_id} to retry safely", EXIT_UNKNOWN)
