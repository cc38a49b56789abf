"""Queue and channel views as module functions, and the modules split out of the floor."""

import subprocess
import sys
from pathlib import Path

import pytest

from monitor import events as ev
from monitor import views
from monitor.floor import Floor
from tests.floors import T0, logged_in, two_channel_queues

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def floor() -> Floor:
    f = Floor()
    for e in [
        *two_channel_queues(),
        *logged_in("a1", "Ann", {"hl": 5}),
        *logged_in("a2", "Bo", {"hl": 1, "ol": 5}, 3),  # blended
        ev.ContactOffered(T0 + 1, "c1", "hl"),
        ev.ContactOffered(T0 + 2, "c2", "hl"),
        ev.ContactAnswered(T0 + 11, "c1", "hl", "a1"),
        ev.AgentStateChanged(T0 + 11, "a1", "on_contact"),
        ev.ContactOffered(T0 + 20, "k1", "ol"),
        ev.ContactAnswered(T0 + 30, "k1", "ol", "a2"),
        ev.Heartbeat(T0 + 62),
    ]:
        f.apply(e)
    return f


def test_queue_view(floor):
    v = views.queue_view(floor, "hl")
    assert v == floor.queue_view("hl")
    assert (v.waiting, v.longest_wait_s, v.answered, v.service_level) == (1, 60.0, 1, 1.0)
    assert (v.agents_available, v.agents_busy, v.agents_staffed) == (1, 1, 2)
    assert v.window == 15 and v.sl_variant == "offered"
    assert views.queue_view(floor, "hl", views.WINDOW_TODAY).window == views.WINDOW_TODAY


def test_channel_view(floor):
    online = views.channel_view(floor, "online")
    assert online == floor.channel_view("online")
    # a2 is busy with one chat of three slots; a blended agent counts once per channel.
    assert (online.agents_busy, online.agents_staffed, online.in_progress) == (0, 1, 1)
    assert online.chat_utilisation == pytest.approx(1 / 3)
    hotline = views.channel_view(floor, "hotline")
    assert (hotline.waiting, hotline.agents_busy, hotline.agents_staffed) == (1, 1, 2)
    assert hotline.occupancy == 0.5 and hotline.chat_utilisation is None


def test_channel_members_and_chat_slots(floor):
    assert floor.channel_members("hotline") == {"available": 1, "on_contact": 1}
    assert floor.channel_members("nowhere") == {}
    assert (floor.chat_slots("online"), floor.chat_slots("hotline")) == (3, 0)


def test_names_still_importable_from_the_floor_module():
    from monitor import floor, state

    assert floor.QueueView is views.QueueView and floor.ChannelView is views.ChannelView
    assert floor.WINDOW_TODAY == views.WINDOW_TODAY
    assert floor.Agent is state.Agent and floor.SERVING_STATES is state.SERVING_STATES


@pytest.mark.parametrize("module", ["monitor.views", "monitor.snapshot", "monitor.state",
                                    "monitor.thresholds", "monitor.impact"])
def test_split_modules_import_alone_without_the_floor(module):
    # No import cycle: each loads first in a fresh interpreter and leaves the engine out.
    code = f"import sys, {module}; print('monitor.floor' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"
