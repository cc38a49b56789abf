"""What each platform says of one person, carried in the merged agent's `reason`.

A person linked across Asterisk and Chatwoot is one agent on the floor, in the state
of its busiest part (feeds/sources/people.py). When the parts differ (on a call, yet
available for chat; or not ready for chat only), the supervisor must still see both,
and so must a replay: the merged state's `reason`, empty for those states otherwise,
carries the parts as `parts:hotline=on_contact;online=not_ready/busy`. A not-ready
merged state keeps its plain reason code (alert rules and reports read it).
"""

from __future__ import annotations

from collections.abc import Iterable

from .events import AgentStatus

PREFIX = "parts:"

Part = tuple[str, str, str]  # (channel, state, not-ready reason)


def encode(merged_state: str, merged_reason: str, parts: Iterable[Part]) -> str:
    """The merged agent's reason: the parts when a part's state differs from the
    merged one and the merged state is not `not_ready`, else `merged_reason`."""
    parts = sorted(parts)
    if merged_state == AgentStatus.NOT_READY or all(s == merged_state for _c, s, _r in parts):
        return merged_reason
    return PREFIX + ";".join(f"{c}={s}/{r}" if r else f"{c}={s}" for c, s, r in parts)


def decode(reason: str) -> list[Part] | None:
    """The parts a reason carries (channel, state, reason), or None for a plain reason."""
    if not reason.startswith(PREFIX):
        return None
    out: list[Part] = []
    for item in reason[len(PREFIX):].split(";"):
        channel, _, rest = item.partition("=")
        state, _, why = rest.partition("/")
        if channel and state:
            out.append((channel, state, why))
    return out
