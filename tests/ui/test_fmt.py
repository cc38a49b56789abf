"""Formatting helpers (no Qt)."""

import math

from ui import fmt


def test_mmss():
    assert fmt.mmss(102) == "1:42"
    assert fmt.mmss(5.9) == "0:05"
    assert fmt.mmss(3725) == "1:02:05"
    assert fmt.mmss(-3) == "0:00"
    assert fmt.mmss(None) == fmt.mmss(math.nan) == "–"


def test_percent_load_rate_age():
    assert fmt.percent(0.78) == "78%"
    assert fmt.percent(None) == "–"
    assert fmt.load(2, 4) == "2/4"
    assert fmt.load(1, 0) == "1/1"
    assert fmt.rate(120.4) == "120"
    assert fmt.rate(3.14) == "3.1"
    assert fmt.age(0.34) == "0.3 s"
    assert fmt.age(75) == "1:15"
    assert fmt.age(None) == "–"
    assert fmt.clock(0) == "--:--:--"
