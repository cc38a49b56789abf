"""The early-warning forecast: hand-made arrival series checked against Erlang C itself,
and the floor's forecast against the floor's own figures."""

from __future__ import annotations

import math

import pytest

from feeds.sim import SimConfig, Simulation
from monitor import early_warning as ew
from monitor import erlang, impact
from monitor.events import AgentStateChanged, Heartbeat
from monitor.floor import Floor


def expected_breach(f: ew.Forecast) -> int | None:
    """The first minute whose Erlang C SL (monitor.erlang) is below the goal, at the
    rate the forecast states for it: level + trend x (damping + damping^2 + ...)."""
    for h in range(f.horizon_min + 1):
        rise = sum(ew.DAMPING ** k for k in range(1, h + 2))
        rate = max(0.0, f.arrival_per_min + f.trend_per_min_per_min * rise)
        sl = erlang.erlang_c(rate / 60.0, f.aht_s, f.effective_servers, f.target_s).service_level
        if sl < f.goal:
            return h
    return None


def test_flat_load_well_staffed_never_breaches() -> None:
    f = ew.forecast_from([10] * 30, aht_s=180.0, agents=50, target_s=20.0, goal=0.8)
    assert f is not None
    assert f.minutes_to_breach is None
    assert f.arrival_per_min == pytest.approx(10.0)
    assert f.trend_per_min_per_min == 0.0
    sl = erlang.erlang_c(10 / 60.0, 180.0, 50, 20.0).service_level
    assert f.projected_sl_now == pytest.approx(sl) and f.projected_sl_end == pytest.approx(sl)
    assert f.agents == f.effective_servers == 50 and f.observed_sl is None
    assert f.basis_contacts == 300 and f.fit_minutes == 30


def test_rising_load_breaches_where_erlang_c_crosses_the_goal() -> None:
    counts = [20 + i for i in range(30)]  # a clean ramp, one more each minute
    f = ew.forecast_from(counts, aht_s=60.0, agents=58, target_s=20.0, goal=0.8)
    assert f is not None
    # The ramp is seen as a ramp: most of its slope kept (less what its Poisson noise
    # could explain), the level near its end.
    assert f.trend_per_min_per_min == pytest.approx(1.0, rel=0.1)
    assert f.arrival_per_min == pytest.approx(counts[-1], rel=0.03)
    assert f.projected_sl_now >= 0.8 > f.projected_sl_end  # a breach ahead, not now
    minute = expected_breach(f)
    assert minute is not None and 0 < minute <= f.horizon_min
    # Interpolated between the last minute at goal and the first below it.
    assert minute - 1 < f.minutes_to_breach <= minute
    assert f.sl_path[minute] < 0.8 <= f.sl_path[minute - 1]
    for h, sl in enumerate(f.sl_path):
        rise = sum(ew.DAMPING ** k for k in range(1, h + 2))
        rate = f.arrival_per_min + f.trend_per_min_per_min * rise
        assert sl == pytest.approx(erlang.erlang_c(rate / 60.0, 60.0, 58, 20.0).service_level)


def test_the_same_ramp_well_staffed_does_not_breach() -> None:
    counts = [20 + i for i in range(30)]
    f = ew.forecast_from(counts, aht_s=60.0, agents=80, target_s=20.0, goal=0.8)
    assert f is not None and f.minutes_to_breach is None
    assert expected_breach(f) is None


@pytest.mark.parametrize("agents", [25, 30, 31])
def test_understaffed_queue_breaches_now(agents: int) -> None:
    # 10 calls a minute of 180 s: 30 Erlangs. 25 or 30 agents never catch up (no steady
    # state); 31 do, far below an 80 % service level.
    f = ew.forecast_from([10] * 30, aht_s=180.0, agents=agents, target_s=20.0, goal=0.8)
    assert f is not None
    assert f.minutes_to_breach == 0.0
    assert f.projected_sl_now == pytest.approx(
        erlang.erlang_c(10 / 60.0, 180.0, agents, 20.0).service_level)
    assert f.projected_sl_now < 0.8


@pytest.mark.parametrize("counts", [[], [0] * 30, [1] * 9 + [0] * 21, [5] * 9])
def test_too_little_data_gives_no_forecast(counts: list[int]) -> None:
    # Empty; nothing offered; 9 arrivals in the last 15 minutes; only 9 minutes held.
    assert ew.forecast_from(counts, aht_s=180.0, agents=10, target_s=20.0, goal=0.8) is None


def test_a_short_noisy_rise_is_not_drawn_out_to_the_horizon() -> None:
    # Flat at 10 a minute with Poisson-sized wobbles: no trend worth its noise.
    counts = [10, 12, 8, 11, 9, 10, 13, 7, 10, 11, 9, 10, 12, 8, 10,
              11, 9, 10, 12, 8, 10, 11, 9, 10, 13, 9, 10, 11, 12, 10]
    p = ew.project(counts, 15)
    assert p is not None
    assert p.slope == 0.0
    assert p.rates[0] == p.rates[-1] == pytest.approx(p.level)
    assert 9.5 < p.level < 11.0


def test_the_trend_is_damped_minute_by_minute() -> None:
    p = ew.project([100 + 5 * i for i in range(30)], 15)
    assert p is not None
    steps = [b - a for a, b in zip(p.rates, p.rates[1:], strict=False)]
    assert all(later < earlier for earlier, later in zip(steps, steps[1:], strict=False))
    total = p.slope * sum(ew.DAMPING ** k for k in range(1, 17))
    assert p.rates[-1] - p.level == pytest.approx(total)


def test_calibration_takes_the_servers_that_reproduce_the_measured_sl() -> None:
    counts = [10] * 30
    f = ew.forecast_from(counts, aht_s=180.0, agents=31, target_s=20.0, goal=0.8,
                         observed_sl=0.9)
    assert f is not None and f.observed_sl == 0.9
    rate = 10 / 60.0
    fewest = next(n for n in range(31, 100)
                  if erlang.erlang_c(rate, 180.0, n, 20.0).service_level >= 0.9)
    assert f.effective_servers == fewest and f.agents == 31
    assert f.minutes_to_breach is None  # flat load at the servers worth 90 %
    assert f.projected_sl_now == pytest.approx(
        erlang.erlang_c(rate, 180.0, fewest, 20.0).service_level)


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="goal"):
        ew.forecast_from([10] * 30, 180.0, 40, 20.0, goal=80)
    with pytest.raises(ValueError, match="horizon_min"):
        ew.forecast_from([10] * 30, 180.0, 40, 20.0, 0.8, horizon_min=-1)


# ------------------------------------------------------------------ on a floor
@pytest.fixture(scope="module")
def sim_floor() -> tuple[Floor, list]:
    config = SimConfig(agents=40, seed=3, start_hour=9.5)
    sim = Simulation(config)
    events = sim.setup_events() + sim.run_until(config.start_t + 40 * 60)
    floor = Floor()
    for e in events:
        floor.apply(e, "sim")
    floor.apply(Heartbeat(config.start_t + 40 * 60 + 15), "sim")
    return floor, events


def test_floor_forecast_reads_the_channels_pool_at_the_queues_target(sim_floor) -> None:
    floor, _ = sim_floor
    servers = impact.servers(floor)
    seen = 0
    for qid, q in floor.queues.items():
        f = ew.forecast(floor, qid, 0.8)
        arrivals = q.stats.window(floor.now, 15).offered
        if arrivals < ew.MIN_ARRIVALS:
            assert f is None
            continue
        seen += 1
        assert f is not None and f.queue == qid and f.channel == q.channel
        assert f.target_s == q.sl_target_s and f.queue_arrivals == arrivals
        assert f.agents == servers[q.channel]
        counts = ew.channel_counts(floor, q.channel, floor.now)
        assert len(counts) == ew.FIT_MIN and f.basis_contacts == sum(counts)
        # The channel's offered contacts of those whole minutes, summed from scratch.
        current = int(floor.now // 60)
        assert sum(counts) == sum(b.offered for x in floor.channel_queues(q.channel)
                                  for m, b in x.stats.minutes() if current - 30 <= m < current)
        assert f.aht_source == "window" and f.aht_s > 0
        view = floor.queue_view(qid, 15)
        assert f.observed_sl == view.service_level
        assert len(f.sl_path) == 16 and all(0.0 <= x <= 1.0 for x in f.sl_path)
        text = ew.inputs_text(f)
        assert qid in text and f"{f.agents} " in text and f"target {f.target_s:g} s" in text
    assert seen >= 3


def test_floor_forecast_is_none_for_unknown_or_quiet_queues(sim_floor) -> None:
    floor, events = sim_floor
    assert ew.forecast(floor, "no-such-queue", 0.8) is None
    young = Floor()  # the first 5 minutes only: too little history for a rate
    for e in events:
        if e.t > events[0].t + 300:
            break
        young.apply(e, "sim")
    assert all(ew.forecast(young, qid, 0.8) is None for qid in young.queues)


def test_same_events_same_forecasts(sim_floor) -> None:
    floor, events = sim_floor
    again = Floor()
    for e in events:
        again.apply(e, "sim")
    again.apply(Heartbeat(floor.now), "sim")
    for qid in floor.queues:
        assert ew.forecast(again, qid, 0.8) == ew.forecast(floor, qid, 0.8)


def test_staffing_cut_shows_in_the_forecast() -> None:
    # Calibrated servers move with the staffing since the SL was measured: half the
    # hotline going on a break now must lower the projected SL.
    config = SimConfig(agents=40, seed=3, start_hour=9.5)
    sim = Simulation(config)
    floor = Floor()
    for e in sim.setup_events() + sim.run_until(config.start_t + 30 * 60):
        floor.apply(e, "sim")
    before = ew.forecast(floor, "hl-general", 0.8)
    assert before is not None
    t = config.start_t + 30 * 60 + 61  # the next pool refresh
    floor.apply(Heartbeat(t), "sim")
    hotline = [a for a in floor.agents.values() if "hl-general" in a.skills and
               not any(floor.queues[s].channel == "online" for s in a.skills)]
    for a in hotline[: len(hotline) // 2]:
        floor.apply(AgentStateChanged(t, a.id, "not_ready", "meeting"), "sim")
    after = ew.forecast(floor, "hl-general", 0.8)
    assert after is not None
    assert after.agents < before.agents
    assert after.effective_servers < before.effective_servers
    assert after.projected_sl_now < before.projected_sl_now or math.isclose(
        after.projected_sl_now, 0.0)


def test_erlang_b_at_large_traffic_is_within_a_percent_of_the_recursion() -> None:
    from monitor.early_warning import SWEEP_MAX, _LargeB, _sweep

    for traffic in (2_500.0, 9_000.0):
        hi = int(traffic + 6 * traffic**0.5 + 10)
        assert hi > SWEEP_MAX
        lo, large = _sweep(traffic, hi)
        assert isinstance(large, _LargeB) and len(large) == hi - lo + 1
        b = 1.0
        for n in range(1, hi + 1):
            ab = traffic * b
            b = ab / (n + ab)
            if n >= lo and (n - lo) % 37 == 0:
                assert abs(large[n - lo] - b) <= 0.01 * b
