"""`--surge`: extra simulated traffic for a while, building up and dying down."""

from __future__ import annotations

import argparse

import pytest

from feeds.sim import SimConfig, Simulation
from feeds.sim import profile as prof
from feeds.sim.config import Surge, parse_surge
from monitor.events import ContactOffered
from ui.cli.common import add_sim_flags, sim_config


def test_parse_surge() -> None:
    assert parse_surge("10:30+45*2.5:online") == Surge(630.0, 45.0, 2.5, "online")
    assert parse_surge("08:05+20*3") == Surge(485.0, 20.0, 3.0, "")
    assert parse_surge(" 23:50+30*1.5:Hotline ") == Surge(1430.0, 30.0, 1.5, "hotline")


@pytest.mark.parametrize("text, why", [
    ("10:30", "expected HH:MM"),
    ("10:30+45", "expected HH:MM"),
    ("1030+45*2", "expected HH:MM"),
    ("10:30+x*2", "expected HH:MM"),
    ("10:30+45*nan", "expected HH:MM"),
    ("25:00+45*2", "not a time of day"),
    ("10:60+45*2", "not a time of day"),
    ("10:30+0*2", "duration"),
    ("10:30+2000*2", "duration"),
    ("10:30+45*0", "factor"),
    ("10:30+45*50", "factor"),
    ("10:30+45*2:fax", "channel"),
])
def test_bad_surges_say_what_is_wrong(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_surge(text)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="floorwatch sim")
    add_sim_flags(p)
    return p


def test_surge_flag_is_repeatable_and_reaches_the_config() -> None:
    args = _parser().parse_args(["--surge", "10:30+45*2.5:online", "--surge", "14:00+30*2"])
    config = sim_config(args)
    assert config.surges == (Surge(630.0, 45.0, 2.5, "online"), Surge(840.0, 30.0, 2.0, ""))
    assert sim_config(_parser().parse_args([])).surges == ()


def test_bad_surge_flag_is_one_line_naming_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _parser().parse_args(["--surge", "10:30+45*2:fax"])
    assert exit_info.value.code != 0
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "--surge" in err and "channel" in err and "Traceback" not in err


def test_surge_builds_holds_and_dies_down() -> None:
    s = Surge(600.0, 60.0, 3.0, "hotline")  # 10:00 for an hour, ramps of 10 minutes
    f = [prof.surge_factor(600.0 + x, "hotline", [s]) for x in range(0, 61)]
    assert f[0] == 1.0 and f[60] == 1.0
    assert prof.surge_factor(599.0, "hotline", [s]) == 1.0
    assert prof.surge_factor(661.0, "hotline", [s]) == 1.0
    ramp = int(prof.SURGE_RAMP_MIN)
    assert all(a < b for a, b in zip(f[:ramp], f[1:ramp + 1], strict=True))  # builds up
    assert f[1] < 1.2 and 1.8 < f[ramp // 2] < 2.2  # not a step: half way at half the ramp
    assert all(x == 3.0 for x in f[ramp:61 - ramp])  # holds
    assert all(a > b for a, b in zip(f[60 - ramp:60], f[61 - ramp:61], strict=True))  # dies down
    assert prof.surge_factor(630.0, "online", [s]) == 1.0  # the other channel: untouched


def test_short_surges_ramp_over_a_third_each_and_overlaps_multiply() -> None:
    short = Surge(600.0, 6.0, 2.0)
    assert prof.surge_factor(602.0, "online", [short]) == 2.0  # full from 2 to 4 minutes
    assert 1.0 < prof.surge_factor(601.0, "online", [short]) < 2.0
    both = [Surge(600.0, 60.0, 2.0), Surge(620.0, 30.0, 1.5, "online")]
    assert prof.surge_factor(635.0, "online", both) == pytest.approx(3.0)
    assert prof.surge_factor(635.0, "hotline", both) == pytest.approx(2.0)


def test_surge_past_midnight_wraps() -> None:
    s = Surge(1430.0, 40.0, 2.0)  # 23:50 to 00:30
    assert prof.surge_factor(5.0, "hotline", [s]) == 2.0
    assert prof.surge_factor(1435.0, "hotline", [s]) > 1.0
    assert prof.surge_factor(31.0, "hotline", [s]) == 1.0


def test_no_surge_leaves_the_intraday_table_alone() -> None:
    table = tuple(prof.intraday((m + 0.5) / 60, "hotline") for m in range(1440))
    assert prof.surged(table, "hotline", ()) is table


def _offered(config: SimConfig, hours: float) -> list[ContactOffered]:
    sim = Simulation(config)
    return [e for e in sim.run_until(config.start_t + hours * 3600)
            if isinstance(e, ContactOffered)]


def _per_minute(offers: list[ContactOffered], config: SimConfig, channel: str,
                start_min: float, end_min: float) -> float:
    """Offers per minute on `channel` between two local minutes of the day, over the
    intraday shape (so only the surge is left)."""
    t0 = config.start_t - config.start_hour * 3600
    queues = {q.id for q in prof.QUEUES if q.channel == channel}
    n = sum(1 for e in offers if e.queue in queues and start_min <= (e.t - t0) / 60 < end_min)
    shape = sum(prof.intraday((m + 0.5) / 60, channel)
                for m in range(int(start_min), int(end_min)))
    return n / shape


def test_simulated_surge_multiplies_arrivals_on_its_channel_only() -> None:
    base = dict(agents=60, seed=4, start_hour=8.0, traffic_noise=0.0)
    surge = SimConfig(**base, surges=(parse_surge("09:00+60*2.5:hotline"),))
    offers = _offered(surge, 2.0)
    before = _per_minute(offers, surge, "hotline", 480, 540)  # 08:00-09:00
    held = _per_minute(offers, surge, "hotline", 550, 590)  # past the ramps
    assert 2.1 < held / before < 2.9
    online = (_per_minute(offers, surge, "online", 550, 590)
              / _per_minute(offers, surge, "online", 480, 540))
    assert 0.8 < online < 1.25
    # The same seed and surge: the same day, event for event.
    assert _offered(surge, 2.0) == offers
    plain = _offered(SimConfig(**base), 2.0)
    assert _per_minute(plain, surge, "hotline", 550, 590) / before < 1.3
