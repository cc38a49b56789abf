"""Single frames that used to do lasting damage are refused at the edge, counted, and the
feed goes on (issue: no frame can silence, freeze or corrupt the wall)."""

from __future__ import annotations

import json

import msgpack
import pytest

from feeds import protocol as p
from feeds.hub import FeedHub
from monitor import events as ev
from tests.conftest import wait_until
from tests.floors import T0

HUGE = int("1" + "0" * 400)  # an integer no float can hold


def decode_event(frame):
    return p.to_event(p.decode(frame))


@pytest.mark.parametrize(("raw", "reason"), [
    ('{"v":1,"seq":1,"t":' + str(HUGE) + ',"type":"heartbeat","data":{}}', "bad_time"),
    ('{"v":1,"seq":1,"t":5,"type":"survey.result","data":{"contact":"c","queue":"q",'
     '"nps":' + str(HUGE) + ',"csat":3}}', "wrong_field_type"),
    ('{"v":1,"seq":' + str(2**63) + ',"t":5,"type":"heartbeat","data":{}}', "bad_seq"),
    (msgpack.packb({"v": 1, "seq": 1, "t": 1.5e17, "type": "heartbeat", "data": {}}),
     "bad_time"),
    (msgpack.packb({"v": 1, "seq": 1, "t": 3e11, "type": "heartbeat", "data": {}}),
     "bad_time"),
    (msgpack.packb({"v": 1, "seq": 1, "t": -1e13, "type": "contact.offered",
                    "data": {"contact": "c", "queue": "q"}}), "bad_time"),
    (msgpack.packb({"v": 1, "seq": 0, "t": T0, "type": "snapshot",
                    "data": {"seq": 2**64 - 1, "state": {}}}), "wrong_field_type"),
    (msgpack.packb({"v": 1, "seq": 1, "t": T0, "type": "chat.message",
                    "data": {"contact": "c", "side": "customer", "text": "x" * 70_000}}),
     "too_long"),
    (msgpack.packb({"v": 1, "seq": 1, "t": T0, "type": "agent.skills",
                    "data": {"agent": "a", "skills": {"q": 2**60}, "chat_capacity": 1}}),
     "wrong_field_type"),
])
def test_absurd_values_are_rejected_with_a_reason(raw, reason):
    with pytest.raises(p.FrameError) as exc:
        decode_event(raw)
    assert exc.value.reason == reason


def test_values_in_range_still_pass():
    event = decode_event(json.dumps({"v": 1, "seq": 2**53, "t": T0, "type": "survey.result",
                                     "data": {"contact": "c", "queue": "q", "nps": 9,
                                              "csat": 5}}))
    assert isinstance(event, ev.SurveyResult) and event.nps == 9


def test_an_event_far_ahead_of_the_feed_clock_is_refused_and_the_feed_goes_on(loop_thread):
    from tests.feeds.test_client_server import SETUP, Consumer, FakeFeed, frame

    fake = FakeFeed(loop_thread)
    port = fake.start()
    hub = FeedHub.for_urls([f"ws://127.0.0.1:{port}"])
    hub.start()
    consumer = Consumer(hub)
    fake.wait_connected()
    fake.send(*(frame(e, i + 1) for i, e in enumerate(SETUP)),
              frame(ev.Heartbeat(T0 + 30 * 24 * 3600), 4),  # a month ahead: a broken clock
              frame(ev.ContactOffered(T0 + 5, "c1", "hl"), 5))
    assert wait_until(lambda: "c1" in consumer.pump().contacts)
    health = consumer.hub.health()[0]
    assert health.rejected_reasons == {"time_jump": 1} and health.resyncs == 0
    assert consumer.floor.now < T0 + 3600  # the wall's clock stayed where the floor is
    hub.stop()
    fake.stop()


def test_half_a_surrogate_pair_in_json_is_refused_whole_pairs_pass():
    text = '{"v":1,"seq":1,"t":5,"type":"chat.message","data":{"contact":"c",' \
           '"side":"customer","text":"%s"}}'
    with pytest.raises(p.FrameError) as exc:
        decode_event(text.replace("%s", "a\\ud800"))
    assert exc.value.reason == "bad_text"
    assert decode_event(text.replace("%s", "\\u4f60\\ud83d\\ude00")).text == "你😀"
