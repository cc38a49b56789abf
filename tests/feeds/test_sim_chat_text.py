"""The simulator's chat text carries the words keyword alerts look for, rarely and on cue.

Customers now and then complain or ask for a refund (Chinese, English, mixed); agents
very rarely reply rudely. The rates change only which words are said: the traffic of a
seed is the same whatever they are, so figures measured on a seeded day stay put.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from feeds.sim import SimConfig, Simulation
from feeds.sim import profile as prof
from monitor.events import ChatMessage, Event
from monitor.keywords import KeywordMatcher

# At least these words are in the shipped keyword lists (monitor/alert_defaults.py).
CUSTOMER_WORDS = (
    "投诉", "举报", "12315", "曝光", "律师", "complaint", "complain", "lawyer", "退款", "refund",
)  # fmt: skip
AGENT_WORDS = ("滚", "闭嘴", "不关我的事", "爱买不买", "shut up", "not my problem", "stupid")
HOURS = 3


def _messages(config: SimConfig, hours: float = HOURS) -> list[Event]:
    sim = Simulation(config)
    sim.setup_events()
    return sim.run_until(config.start_t + hours * 3600)


@pytest.fixture(scope="module")
def day() -> list[Event]:
    return _messages(SimConfig(agents=60, seed=5))


def _chat(events: list[Event], side: str) -> list[ChatMessage]:
    return [e for e in events if isinstance(e, ChatMessage) and e.side == side]


def test_customers_sometimes_use_complaint_words_in_both_languages(day) -> None:
    matcher = KeywordMatcher(CUSTOMER_WORDS)
    customer = _chat(day, "customer")
    hit = [m for m in customer if matcher.find(m.text)]
    assert 0.005 < len(hit) / len(customer) < 0.03  # rare, but a few an hour
    words = Counter(h.word for m in hit for h in matcher.find(m.text))
    assert {"投诉", "12315", "complaint", "refund", "退款"} <= set(words)
    refunds = sum(1 for m in customer if KeywordMatcher(["退款", "refund"]).find(m.text))
    assert 0.002 < refunds / len(customer) < 0.01
    # Agents' text never carries the customers' complaint words.
    assert not any(matcher.find(m.text) for m in _chat(day, "agent"))


def test_agents_very_rarely_reply_rudely_and_never_greet_rudely(day) -> None:
    matcher = KeywordMatcher(AGENT_WORDS)
    agent = _chat(day, "agent")
    rude = [m for m in agent if matcher.find(m.text)]
    assert 0 < len(rude) < 0.005 * len(agent)
    assert all(m.text in prof.AGENT_RUDE and m.agent for m in rude)
    assert not any(matcher.find(m.text) for m in _chat(day, "customer"))
    assert not any(matcher.find(text) for text in prof.AGENT_GREETINGS + prof.AGENT_REPLIES)


def test_every_hot_line_carries_a_listed_word() -> None:
    customer, agent = KeywordMatcher(CUSTOMER_WORDS), KeywordMatcher(AGENT_WORDS)
    assert all(customer.find(text) for text in prof.CUSTOMER_HOT)
    assert all(agent.find(text) for text in prof.AGENT_RUDE)
    assert not any(customer.find(t) for t in prof.CUSTOMER_OPENERS + prof.CUSTOMER_FOLLOWUPS)


def test_the_rude_reply_rate_is_the_knob_it_says() -> None:
    config = SimConfig(agents=20, seed=3, rude_reply_prob=1.0)
    events = _messages(config, 1.0)
    replies = [m for m in _chat(events, "agent") if m.text not in prof.AGENT_GREETINGS]
    assert replies
    assert all(m.text in prof.AGENT_RUDE for m in replies)
    assert len({m.text for m in replies}) > 1  # the draw still picks among the lines
    polite = _messages(dataclasses.replace(config, rude_reply_prob=0.0), 1.0)
    assert not any(m.text in prof.AGENT_RUDE for m in _chat(polite, "agent"))


def test_text_rates_never_change_the_traffic_of_a_seed() -> None:
    def without_text(events: list[Event]) -> list[Event]:
        return [
            dataclasses.replace(e, text="") if isinstance(e, ChatMessage) else e for e in events
        ]

    base = SimConfig(agents=40, seed=9)
    louder = dataclasses.replace(base, hot_message_prob=0.5, rude_reply_prob=0.3)
    quiet, loud = _messages(base, 1.0), _messages(louder, 1.0)
    assert [e.text for e in _chat(quiet, "agent")] != [e.text for e in _chat(loud, "agent")]
    assert without_text(quiet) == without_text(loud)
