"""Which feed a command goes to: the one that owns its agents.

Every queue and agent on the floor remembers the feed (source key) that told
us about it. A command naming agents of two feeds is refused before anything
is sent, rather than split: a move of several people is then all-or-nothing on
one platform, and the supervisor sees at once why (see docs/protocol.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .commands import CommandError, Reassign


def route(command: Reassign, owner_of: Callable[[str], str], feeds: Sequence[str]) -> str:
    """The feed to send `command` to; CommandError with the reason shown to people if none.

    `owner_of(agent)` is the agent's feed, '' when the floor does not know it. Agents
    the floor does not know go with the others (that feed rejects them by name); with
    no known agent, a hub of one feed sends there and a hub of several refuses.
    """
    if not feeds:
        raise CommandError("no feed to send the command to")
    by_feed: dict[str, list[str]] = {}
    unknown: list[str] = []
    for agent in command.agents:
        feed = owner_of(agent)
        if feed:
            by_feed.setdefault(feed, []).append(agent)
        else:
            unknown.append(agent)
    if len(by_feed) > 1:
        parts = "; ".join(f"{', '.join(agents)} on {feed}" for feed, agents in by_feed.items())
        raise CommandError(f"agents of different feeds cannot move in one command ({parts}): "
                           "move each feed's agents separately")
    if by_feed:
        feed = next(iter(by_feed))
        if feed not in feeds:
            raise CommandError(f"{', '.join(by_feed[feed])}: feed {feed} is not connected")
        return feed
    if len(feeds) == 1:
        return feeds[0]
    raise CommandError(f"unknown agent{'s' if len(unknown) != 1 else ''} "
                       f"{', '.join(unknown)}: not on any feed")
