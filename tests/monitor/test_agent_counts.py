"""Agent counts in cached views: patched field by field, never stale.

An agent's state change moves only the available / busy / staffed counts of the
queues it serves, so the floor patches those figures into each cached queue view
instead of building it again, names no queue for a move the views do not show
(ringing -> on contact -> wrap-up are all "busy"), and moves the channel headers
with them. Every figure is checked against `monitor.views.fresh_*`, which counts
the agents from their records.
"""

from __future__ import annotations

from dataclasses import fields

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import events as ev
from monitor import views
from monitor.floor import WINDOW_INTERVAL, WINDOW_TODAY, Floor
from monitor.views import QueueView

T0 = 1_767_258_000.0
QUEUES = [f"s{i:02d}" for i in range(12)]  # s00..s05 hotline, s06..s11 online
CHANNEL = {q: "hotline" if i < 6 else "online" for i, q in enumerate(QUEUES)}
WINDOWS = (15, 5, WINDOW_INTERVAL, WINDOW_TODAY)
CHANNELS = ("hotline", "online")


def shared_floor() -> Floor:
    """12 queues on both channels; "shared" serves all of them, "solo" only s00.

    Every queue has had traffic, so its views hold window figures a rebuild would
    have to recompute.
    """
    floor = Floor(tz="UTC")
    for q in QUEUES:
        floor.apply(ev.QueueDefined(T0, q, q.upper(), CHANNEL[q], 20.0))
    floor.apply(ev.AgentLogin(T0, "shared", "Shared"))
    floor.apply(ev.AgentSkills(T0, "shared", dict.fromkeys(QUEUES, 5), 2))
    floor.apply(ev.AgentLogin(T0, "solo", "Solo"))
    floor.apply(ev.AgentSkills(T0, "solo", {"s00": 5}, 0))
    t = T0
    for n, q in enumerate(QUEUES):
        t += 1.0
        floor.apply(ev.ContactOffered(t, f"c{n}", q))
        if n % 3:
            floor.apply(ev.ContactAbandoned(t + 4.0, f"c{n}", q))
    floor.apply(ev.Heartbeat(t + 5.0))
    return floor


def read_everything(floor: Floor) -> dict[tuple[str, object], QueueView]:
    return {(q, w): floor.queue_view(q, w) for q in floor.queues for w in WINDOWS}


def assert_fresh(floor: Floor, where: str) -> None:
    for q in floor.queues:
        for w in WINDOWS:
            assert floor.queue_view(q, w) == views.fresh_queue_view(floor, q, w), (where, q, w)
    for channel in CHANNELS:
        for w in WINDOWS:
            assert floor.channel_view(channel, w) == views.fresh_channel_view(floor, channel, w), \
                (where, channel, w)


def counts(view: QueueView) -> tuple[int, int, int]:
    return view.agents_available, view.agents_busy, view.agents_staffed


def test_a_shared_agent_moves_the_counts_of_every_queue_it_serves():
    floor = shared_floor()
    before = read_everything(floor)
    headers = {c: floor.channel_view(c) for c in CHANNELS}
    floor.take_changes()
    assert {counts(v) for v in before.values()} >= {(1, 0, 1), (2, 0, 2)}

    floor.apply(ev.AgentStateChanged(T0 + 17, "shared", "on_contact"))  # the clock stands
    changes = floor.take_changes()
    assert set(QUEUES) <= changes.queues and changes.channels == set(CHANNELS)
    for (q, w), old in before.items():
        new = floor.queue_view(q, w)
        assert new == views.fresh_queue_view(floor, q, w), (q, w)
        available, busy, staffed = counts(old)
        assert counts(new) == (available - 1, busy + 1, staffed)
        # Every other figure is the one shown before.
        assert vars(new) == vars(old) | {"agents_available": available - 1,
                                         "agents_busy": busy + 1}
    for channel in CHANNELS:
        header = floor.channel_view(channel)
        assert header == views.fresh_channel_view(floor, channel)
        assert header.agents_busy == headers[channel].agents_busy + 1
    assert_fresh(floor, "on contact")


def test_moves_within_busy_name_no_queue_and_keep_the_cached_views():
    floor = shared_floor()
    floor.apply(ev.AgentStateChanged(T0 + 20, "shared", "ringing"))
    floor.take_changes()
    cached = read_everything(floor)
    headers = {c: floor.channel_view(c) for c in CHANNELS}
    for n, state in enumerate(("on_contact", "wrap_up")):
        floor.apply(ev.AgentStateChanged(T0 + 20, "shared", state))  # the clock stands
        changes = floor.take_changes()
        assert changes.queues == set() and changes.channels == set(), state
        assert changes.agents == {"shared"}
        for key, view in cached.items():
            assert floor.queue_view(*key) is view, (state, key)
        for channel in CHANNELS:
            assert floor.channel_view(channel) is headers[channel]
        assert_fresh(floor, f"{state} ({n})")


def test_every_transition_of_a_shared_agent_matches_views_from_scratch():
    floor = shared_floor()
    read_everything(floor)
    t = T0 + 20
    transitions = [
        ev.AgentStateChanged(t, "shared", "not_ready", "break"),
        ev.AgentStateChanged(t + 1, "shared", "available"),
        ev.AgentStateChanged(t + 2, "solo", "on_contact"),
        ev.AgentStateChanged(t + 2, "shared", "wrap_up"),
        ev.AgentLogout(t + 3, "shared"),
        ev.AgentSkills(t + 4, "shared", {"s00": 1, "s07": 1}, 3),  # logged out: no count
        ev.AgentLogin(t + 5, "shared", "Shared"),
        ev.AgentSkills(t + 6, "shared", dict.fromkeys(QUEUES[3:9], 2), 1),
        ev.AgentStateChanged(t + 7, "shared", "on_contact"),
    ]
    for e in transitions:
        floor.apply(e)
        floor.take_changes()
        assert_fresh(floor, repr(e))


@st.composite
def state_stream(draw: st.DrawFn) -> list[ev.Event]:
    out: list[ev.Event] = []
    t = T0 + 20
    for _ in range(draw(st.integers(1, 40))):
        t += draw(st.sampled_from([0.0, 0.4, 1.0, 30.0]))
        agent = draw(st.sampled_from(["shared", "solo", "third"]))
        kind = draw(st.sampled_from(["state", "state", "state", "skills", "login", "logout",
                                     "offer"]))
        if kind == "state":
            state = draw(st.sampled_from(["available", "ringing", "on_contact", "wrap_up",
                                          "not_ready"]))
            out.append(ev.AgentStateChanged(t, agent, state, "x" if state == "not_ready" else ""))
        elif kind == "skills":
            chosen = draw(st.sets(st.sampled_from(QUEUES), max_size=12))
            out.append(ev.AgentSkills(t, agent, dict.fromkeys(sorted(chosen), 1),
                                      draw(st.integers(0, 3))))
        elif kind == "login":
            out.append(ev.AgentLogin(t, agent, agent))
        elif kind == "logout":
            out.append(ev.AgentLogout(t, agent))
        else:
            out.append(ev.ContactOffered(t, f"x{len(out)}", draw(st.sampled_from(QUEUES))))
    return out


@settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(state_stream(), st.lists(st.booleans(), min_size=40, max_size=40))
def test_a_reader_of_named_queues_never_shows_a_stale_count(stream, ticks):
    """A wall that re-reads only `changes.queues` shows each queue's counts as they are."""
    floor = shared_floor()
    shown = read_everything(floor)
    floor.take_changes()
    for e, tick in zip(stream, ticks, strict=False):
        floor.apply(e)
        if not tick:
            continue
        changes = floor.take_changes()
        for q in changes.queues:
            for w in WINDOWS:
                shown[(q, w)] = floor.queue_view(q, w)
        for (q, w), view in shown.items():
            fresh = views.fresh_queue_view(floor, q, w)
            assert counts(view) == counts(fresh), (repr(e), q, w)
            assert view == fresh, (repr(e), q, w)
    floor.take_changes()
    assert_fresh(floor, "end")


def test_a_view_holds_every_field_in_order_however_it_was_made():
    """Views made from a field dict (built, patched) hold exactly QueueView's fields."""
    floor = shared_floor()
    names = [f.name for f in fields(QueueView)]
    built = floor.queue_view("s00")
    floor.apply(ev.AgentStateChanged(T0 + 17, "shared", "not_ready", "lunch"))
    patched = floor.queue_view("s00")
    floor.apply(ev.Heartbeat(T0 + 18))  # s00 has someone waiting: a second passed
    clocked = floor.queue_view("s00")
    assert counts(patched) != counts(built) and clocked.longest_wait_s == 17.0
    for view in (built, patched, clocked):
        assert list(vars(view)) == names
        assert view == QueueView(**vars(view))


def test_agents_skilled_in_a_queue_before_it_exists_count_once_it_does() -> None:
    """Skills may name a queue the floor does not have (yet, or no longer after a
    snapshot): when it appears, by definition or by another agent's skills, its tile
    counts every agent skilled in it, as a fresh view does."""
    from monitor import events as ev
    from monitor.floor import Floor
    from monitor.views import fresh_channel_view, fresh_queue_view

    t = 1_767_258_000.0
    for appear in (ev.QueueDefined(t + 2, "h2", "H2", "hotline", 20.0),
                   ev.AgentSkills(t + 2, "b", {"h2": 1}),
                   ev.ContactOffered(t + 2, "c1", "h2")):
        floor = Floor()
        floor.apply(ev.AgentLogin(t, "a", "A"))
        floor.apply(ev.AgentLogin(t, "b", "B"))
        # Skilled in h2 while the floor has no h2 (the skills event creates it, then a
        # snapshot-like removal is not needed: a missing queue is the same case).
        floor.queues.clear()
        floor.agents["a"].skills = {"h2": 1}
        floor.apply(appear)
        view = floor.queue_view("h2")
        assert view == fresh_queue_view(floor, "h2"), appear
        assert view.agents_available == (2 if type(appear) is ev.AgentSkills else 1), appear
        assert floor.channel_view("hotline") == fresh_channel_view(floor, "hotline"), appear
