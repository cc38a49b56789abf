"""Hand-built floors the tests share, as lists of events. Qt-free.

Only shapes two or more test modules really share live here; a module's own scenario
stays in that module, built from these pieces where they fit.
"""

from __future__ import annotations

from monitor import events as ev
from monitor.floor import Floor

T0 = 1_767_258_000.0  # 2026-01-01 09:00 UTC: a whole minute, so bucket edges are easy


# ------------------------------------------------------------------------ pieces
def hotline_queue(t: float = T0) -> ev.QueueDefined:
    """Queue "hl", General, hotline, service level target 20 s."""
    return ev.QueueDefined(t, "hl", "General", "hotline", 20.0)


def online_queue(t: float = T0) -> ev.QueueDefined:
    """Queue "ol", App chat, online, service level target 60 s."""
    return ev.QueueDefined(t, "ol", "App chat", "online", 60.0)


def two_channel_queues(t: float = T0) -> list[ev.Event]:
    """One hotline queue ("hl") and one online queue ("ol")."""
    return [hotline_queue(t), online_queue(t)]


def logged_in(agent: str, name: str, skills: dict[str, int], chat_capacity: int = 0,
              t: float = T0) -> list[ev.Event]:
    """An agent's login and skills (the agent is then available)."""
    return [ev.AgentLogin(t, agent, name), ev.AgentSkills(t, agent, dict(skills), chat_capacity)]


# -------------------------------------------------------------- the worked example
NOW = T0 + 130


def worked_example() -> list[ev.Event]:
    """A small floor whose numbers are worked out below; it ends with a heartbeat at NOW.

    At NOW (T0 + 130):
      general (hotline, SL 20 s): c1 answered after 10 s (a1), c2 after 35 s (a3),
        c3 abandoned after 30 s, c4 waiting 30 s  -> SL 1/3, ASA 22.5 s, abandon 1/3
      vip (hotline): c6 left for a callback      -> backlog 1
      app (online, SL 60 s): c5 answered after 15 s (a2) -> SL 100%, ASA 15 s
      wechat (online): nothing yet
      agents: a1 Ann on contact since +10, a2 Bo on contact since +45,
        a3 Cy on contact since +40, a4 Di not ready (break) since +2, a5 Eve available since +0
    """
    return [
        ev.QueueDefined(T0, "general", "General", "hotline", 20.0, name_zh="普通"),
        ev.QueueDefined(T0, "vip", "VIP", "hotline", 20.0, tier="vip"),
        ev.QueueDefined(T0, "app", "App chat", "online", 60.0, name_zh="应用"),
        ev.QueueDefined(T0, "wechat", "WeChat", "online", 60.0, name_zh="微信"),
        *logged_in("a1", "Ann", {"general": 5, "vip": 5}),
        *logged_in("a2", "Bo", {"app": 5, "wechat": 3}, 3),
        *logged_in("a3", "Cy", {"general": 2, "app": 2}, 3),
        *logged_in("a4", "Di", {"general": 1}),
        *logged_in("a5", "Eve", {"app": 4}, 2),
        ev.ContactOffered(T0, "c1", "general"),
        ev.AgentStateChanged(T0 + 2, "a4", "not_ready", "break"),
        ev.ContactOffered(T0 + 5, "c2", "general"),
        ev.ContactAnswered(T0 + 10, "c1", "general", "a1"),
        ev.AgentStateChanged(T0 + 10, "a1", "on_contact"),
        ev.ContactOffered(T0 + 20, "c3", "general"),
        ev.ContactOffered(T0 + 30, "c5", "app"),
        ev.ContactAnswered(T0 + 40, "c2", "general", "a3"),
        ev.AgentStateChanged(T0 + 40, "a3", "on_contact"),
        ev.ContactAnswered(T0 + 45, "c5", "app", "a2"),
        ev.AgentStateChanged(T0 + 45, "a2", "on_contact"),
        ev.ContactAbandoned(T0 + 50, "c3", "general"),
        ev.ContactOffered(T0 + 60, "c6", "vip"),
        ev.CallbackRequested(T0 + 90, "c6", "vip", waited_s=30.0),
        ev.ContactOffered(T0 + 100, "c4", "general"),
        ev.Heartbeat(NOW),
    ]


def build_floor(*extra: ev.Event) -> Floor:
    """The worked example's floor (feed "sim"), plus any extra events."""
    floor = Floor()
    for event in [*worked_example(), *extra]:
        floor.apply(event, "sim")
    return floor
