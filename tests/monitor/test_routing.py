"""A command goes to the feed that owns its agents; mixed feeds are refused with a reason."""

from __future__ import annotations

import pytest

from monitor.commands import CommandError, Reassign
from monitor.routing import route

OWNERS = {"h1": "ws://pbx", "h2": "ws://pbx", "o1": "ws://chat"}
FEEDS = ["ws://pbx", "ws://chat"]


def owner(agent: str) -> str:
    return OWNERS.get(agent, "")


def test_agents_of_one_feed_go_to_that_feed():
    assert route(Reassign(("o1",), "hotline"), owner, FEEDS) == "ws://chat"
    assert route(Reassign(("h1", "h2"), "online"), owner, FEEDS) == "ws://pbx"


def test_unknown_agents_go_with_known_ones_the_feed_then_names_them():
    assert route(Reassign(("h1", "nobody"), "online"), owner, FEEDS) == "ws://pbx"


def test_agents_of_two_feeds_are_refused_naming_both():
    with pytest.raises(CommandError) as exc:
        route(Reassign(("h1", "o1"), "blend"), owner, FEEDS)
    assert "h1 on ws://pbx" in str(exc.value) and "o1 on ws://chat" in str(exc.value)


def test_only_unknown_agents_one_feed_sends_several_refuse():
    assert route(Reassign(("x",), "online"), owner, ["ws://pbx"]) == "ws://pbx"
    with pytest.raises(CommandError, match="unknown agent x: not on any feed"):
        route(Reassign(("x",), "online"), owner, FEEDS)


def test_a_feed_that_is_gone_or_no_feed_at_all():
    with pytest.raises(CommandError, match="not connected"):
        route(Reassign(("o1",), "online"), owner, ["ws://pbx"])
    with pytest.raises(CommandError, match="no feed"):
        route(Reassign(("o1",), "online"), owner, [])
