"""Erlang C / Erlang A against the public worked examples (METRICS.md) and a brute-force chain."""

from __future__ import annotations

import math

import pytest

from monitor.erlang import (
    MODEL_EMPIRICAL,
    MODEL_ERLANG_A,
    MODEL_ERLANG_C,
    MODEL_NONE,
    empirical_wait_s,
    erlang_a,
    erlang_c,
    estimate_wait,
    solve_agents,
)

RATE = 100 / 1800  # 100 calls per 30 min
AHT = 180.0
TARGET = 20.0
PATIENCE = 300.0


def _brute_force_erlang_a(lam, mu, theta, n, target, states=400, steps=4000):
    """Truncated birth-death chain, and P(served by T) of a tagged caller by Euler steps."""
    weights = [1.0]
    for i in range(1, n + states):
        weights.append(weights[-1] * lam / (min(i, n) * mu + max(i - n, 0) * theta))
    total = sum(weights)
    probs = [w / total for w in weights]
    p_wait = sum(probs[n:])
    queue = sum((i - n) * p for i, p in enumerate(probs) if i >= n)
    # dist[j]: tagged caller with j ahead, still waiting; integrated forward in time.
    served = []
    for start in range(states):
        dist = [0.0] * (start + 1)
        dist[start] = 1.0
        got, dt = 0.0, target / steps
        for _ in range(steps):
            new = dist[:]
            for j, pj in enumerate(dist):
                advance = n * mu + j * theta
                new[j] -= pj * (advance + theta) * dt
                if j:
                    new[j - 1] += pj * advance * dt
                else:
                    got += pj * advance * dt
            dist = new
        served.append(got)
        if start > 40 and got < 1e-12:
            served += [0.0] * (states - len(served))
            break
    sl = 1 - p_wait + sum(probs[n + j] * served[j] for j in range(states))
    return p_wait, queue, sl


@pytest.mark.parametrize(("agents", "p_wait", "sl", "occupancy"), [
    (14, 0.174, 0.888, 0.714),
    (15, 0.102, 0.941, 0.667),
])
def test_erlang_c_worked_examples(agents, p_wait, sl, occupancy):
    est = erlang_c(RATE, AHT, agents, TARGET)
    assert est.valid and est.model == MODEL_ERLANG_C and est.p_abandon is None
    assert est.traffic_erlangs == pytest.approx(10.0)
    assert round(est.p_wait, 3) == p_wait
    assert round(est.service_level, 3) == sl
    assert round(est.occupancy, 3) == occupancy
    assert est.asa_s == pytest.approx(est.p_wait * AHT / (agents - 10.0))
    assert est.service_level == pytest.approx(
        1 - est.p_wait * math.exp(-(agents - 10.0) * TARGET / AHT))


def test_erlang_a_worked_example_matches_pyworkforce():
    est = erlang_a(RATE, AHT, 14, TARGET, PATIENCE)
    assert est.valid and est.model == MODEL_ERLANG_A
    assert round(est.p_abandon, 6) == 0.013984
    assert round(est.p_wait, 5) == 0.14526
    assert round(est.occupancy, 6) == 0.704297
    assert round(est.service_level, 6) == 0.916792
    assert round(est.asa_s / 60, 6) == 0.069919  # pyworkforce reports minutes
    assert round(est.asa_s, 3) == 4.195


@pytest.mark.parametrize(("lam", "aht", "agents", "target", "patience"), [
    (RATE, AHT, 14, TARGET, PATIENCE),
    (0.05, 120.0, 5, 30.0, 60.0),  # N < A: overloaded, only abandonment keeps it finite
    (0.2, 30.0, 8, 10.0, 40.0),
])
def test_erlang_a_matches_brute_force_chain(lam, aht, agents, target, patience):
    est = erlang_a(lam, aht, agents, target, patience)
    p_wait, queue, sl = _brute_force_erlang_a(lam, 1 / aht, 1 / patience, agents, target)
    assert est.p_wait == pytest.approx(p_wait, abs=1e-9)
    assert est.asa_s == pytest.approx(queue / lam, rel=1e-9)
    assert est.p_abandon == pytest.approx(queue / patience / lam, rel=1e-9)
    assert est.service_level == pytest.approx(sl, abs=5e-5)  # Euler steps, not exact


def test_erlang_a_tends_to_erlang_c_for_patient_callers():
    c = erlang_c(RATE, AHT, 15, TARGET)
    a = erlang_a(RATE, AHT, 15, TARGET, 1e9)
    for field in ("p_wait", "service_level", "asa_s", "occupancy"):
        assert getattr(a, field) == pytest.approx(getattr(c, field), rel=1e-5)


@pytest.mark.parametrize("agents", [0, 5, 9, 10])
def test_erlang_c_without_steady_state_is_flagged_not_raised(agents):
    est = erlang_c(RATE, AHT, agents, TARGET)
    assert not est.valid
    assert (est.p_wait, est.service_level, est.asa_s, est.occupancy) == (1.0, 0.0, math.inf, 1.0)


@pytest.mark.parametrize("agents", [0, 5, 10])
def test_erlang_a_is_valid_at_or_below_traffic(agents):
    est = erlang_a(RATE, AHT, agents, TARGET, PATIENCE)
    assert est.valid
    assert 0 <= est.service_level <= 1 and 0 < est.p_abandon <= 1 and 0 <= est.occupancy <= 1
    if agents == 0:
        assert (est.p_wait, est.service_level, est.p_abandon) == (1.0, 0.0, 1.0)
        assert est.asa_s == pytest.approx(PATIENCE)  # everyone waits until they give up


@pytest.mark.parametrize(("goal", "patience", "expected"), [
    (0.85, None, 14),
    (0.9, None, 15),
    (0.85, PATIENCE, 13),
    (0.9, PATIENCE, 14),
])
def test_solve_agents_finds_the_smallest_staffing(goal, patience, expected):
    best = solve_agents(RATE, AHT, TARGET, goal, patience_s=patience)
    assert best.agents == expected
    assert best.service_level >= goal
    model = erlang_c if patience is None else erlang_a
    extra = () if patience is None else (patience,)
    assert model(RATE, AHT, expected - 1, TARGET, *extra).service_level < goal


def test_solve_agents_at_scale_and_when_unreachable():
    best = solve_agents(40.0, 35.0, TARGET, 0.8)  # 1400 Erlangs
    assert best.service_level >= 0.8 > erlang_c(40.0, 35.0, best.agents - 1, TARGET).service_level
    best = solve_agents(40.0, 35.0, TARGET, 0.8, patience_s=PATIENCE)
    assert erlang_a(40.0, 35.0, best.agents - 1, TARGET, PATIENCE).service_level < 0.8
    with pytest.raises(ValueError, match="no staffing"):
        solve_agents(RATE, AHT, TARGET, 0.9, max_agents=12)
    with pytest.raises(ValueError):
        solve_agents(RATE, AHT, TARGET, 1.0)


def test_large_floors_do_not_overflow():
    c = erlang_c(40.0, 35.0, 1500, TARGET)  # A = 1400
    assert c.valid and 0 < c.p_wait < 0.01 and c.occupancy == pytest.approx(1400 / 1500)
    a = erlang_a(40.0, 35.0, 1500, TARGET, PATIENCE)
    assert a.p_wait == pytest.approx(c.p_wait, rel=0.05) and a.service_level > 0.999
    overloaded = erlang_a(40.0, 180.0, 1500, TARGET, PATIENCE)  # A = 7200, N = 1500
    # Nearly everyone queues; served share ~ N/A, so P(abandon) ~ 1 - 1500/7200.
    assert overloaded.p_abandon == pytest.approx(1 - 1500 / 7200, rel=1e-6)
    assert overloaded.occupancy == pytest.approx(1.0)
    assert not erlang_c(40.0, 180.0, 1500, TARGET).valid
    big = erlang_c(40.0, 35.0, 2000, TARGET)
    assert big.p_wait < 1e-50 and big.service_level == 1.0
    assert all(math.isfinite(x.asa_s) for x in (c, a, overloaded, big))


@pytest.mark.parametrize("bad", [
    lambda: erlang_c(-1.0, AHT, 14, TARGET),
    lambda: erlang_c(RATE, 0.0, 14, TARGET),
    lambda: erlang_c(RATE, AHT, -1, TARGET),
    lambda: erlang_c(RATE, AHT, 14, -5.0),
    lambda: erlang_c(math.nan, AHT, 14, TARGET),
    lambda: erlang_a(RATE, AHT, 14, TARGET, 0.0),
    lambda: erlang_a(RATE, AHT, 14, TARGET, math.inf),
])
def test_bad_input_raises_value_error(bad):
    with pytest.raises(ValueError):
        bad()


def test_no_traffic():
    assert erlang_c(0.0, AHT, 3, TARGET).service_level == 1.0
    est = erlang_a(0.0, AHT, 3, TARGET, PATIENCE)
    assert (est.p_wait, est.service_level, est.asa_s, est.p_abandon) == (0.0, 1.0, 0.0, 0.0)


def test_empirical_wait():
    assert empirical_wait_s(4, 12.5) == 50.0
    assert empirical_wait_s(0, 12.5) == 0.0
    assert empirical_wait_s(3, None) is None
    with pytest.raises(ValueError):
        empirical_wait_s(-1, 10.0)


def test_estimate_wait_picks_the_model():
    ewt, model = estimate_wait(RATE, AHT, 14, 3)
    assert model == MODEL_ERLANG_C and ewt == pytest.approx(AHT / (14 - 10))
    c = erlang_c(RATE, AHT, 14, TARGET)
    assert ewt == pytest.approx(c.asa_s / c.p_wait)

    ewt, model = estimate_wait(RATE, AHT, 14, 3, mean_patience_s=PATIENCE)
    a = erlang_a(RATE, AHT, 14, TARGET, PATIENCE)
    assert model == MODEL_ERLANG_A and ewt == pytest.approx(a.asa_s / a.p_wait)

    # Understaffed for Erlang C and no abandons seen: fall back to the queue's own pace.
    assert estimate_wait(RATE, AHT, 10, 3, recent_answer_interval_s=12.0) == (48.0, MODEL_EMPIRICAL)
    assert estimate_wait(None, None, 14, 0, recent_answer_interval_s=9.0) == (9.0, MODEL_EMPIRICAL)
    assert estimate_wait(RATE, AHT, 10, 3) == (None, MODEL_NONE)
    ewt, model = estimate_wait(RATE, AHT, 0, 3, mean_patience_s=PATIENCE)
    assert model == MODEL_ERLANG_A and ewt == pytest.approx(PATIENCE)
