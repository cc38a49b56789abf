"""Erlang C and Erlang A queueing models: staffing, service level and estimated wait time.

Stdlib only. Rates are per second and times in seconds. Every probability and time is
over all arrivals; docs/erlang.md gives the formulas and definitions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MODEL_ERLANG_C = "erlang_c"
MODEL_ERLANG_A = "erlang_a"
MODEL_EMPIRICAL = "empirical"
MODEL_NONE = "none"

# Queue lengths whose stationary weight is below e^-40 of the largest are dropped.
_LOG_TAIL = 40.0
# An Erlang A chain would need more queue states than this only for absurd inputs
# (e.g. a day's patience with thousands of arrivals per second).
_MAX_QUEUE_STATES = 5_000_000


@dataclass(frozen=True)
class StaffingEstimate:
    """Steady-state performance of one staffing level under one model.

    service_level is P(answered and waited <= target) and asa_s the mean wait, both over
    all arrivals; p_abandon is None for Erlang C. valid is False for Erlang C with N <= A.
    """

    agents: int
    traffic_erlangs: float
    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float
    p_abandon: float | None
    model: str
    valid: bool


def _check_nonneg(name: str, value: float) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


def _check_pos(name: str, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


def _check_agents(agents: int) -> None:
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 0:
        raise ValueError(f"agents must be an integer >= 0, got {agents!r}")


def _check_common(arrival_rate_per_s: float, aht_s: float, agents: int, target_s: float) -> None:
    _check_nonneg("arrival_rate_per_s", arrival_rate_per_s)
    _check_pos("aht_s", aht_s)
    _check_agents(agents)
    _check_nonneg("target_s", target_s)


def erlang_b(traffic_erlangs: float, agents: int) -> float:
    """Blocking probability of M/M/N/N by the stable recurrence B(n) = A·B(n−1)/(n + A·B(n−1))."""
    b = 1.0
    for n in range(1, agents + 1):
        ab = traffic_erlangs * b
        b = ab / (n + ab)
    return b


def erlang_c(
    arrival_rate_per_s: float, aht_s: float, agents: int, target_s: float
) -> StaffingEstimate:
    """Erlang C (M/M/N, callers never abandon) for N agents and a service level target.

    With N <= A the queue grows without bound: valid=False, p_wait=1, SL=0, ASA=inf.
    """
    _check_common(arrival_rate_per_s, aht_s, agents, target_s)
    a = float(arrival_rate_per_s * aht_s)
    if agents <= a:
        return StaffingEstimate(agents, a, 1.0, 0.0, math.inf, 1.0, None, MODEL_ERLANG_C, False)
    b = erlang_b(a, agents)
    p_wait = b / (1.0 - (a / agents) * (1.0 - b))
    spare = agents - a
    service_level = 1.0 - p_wait * math.exp(-spare * target_s / aht_s)
    asa = p_wait * aht_s / spare
    return StaffingEstimate(
        agents, a, p_wait, service_level, asa, a / agents, None, MODEL_ERLANG_C, True)


@dataclass(frozen=True)
class _ErlangA:
    p_wait: float
    service_level: float
    mean_queue: float  # E[number waiting]
    wait_if_delayed_s: float  # E[time in queue | had to queue], served or abandoned


def _erlang_a_core(lam: float, mu: float, theta: float, agents: int, target_s: float) -> _ErlangA:
    """Exact M/M/N+M stationary metrics, with queue weights summed in log space."""
    if lam == 0.0:
        if agents == 0:
            return _ErlangA(1.0, 0.0, 0.0, 1.0 / theta)
        return _ErlangA(0.0, 1.0, 0.0, 1.0 / (agents * mu + theta))
    serving = agents * mu
    b = serving / theta  # service capacity in units of the abandonment rate
    log_lam = math.log(lam)

    # Tagged delayed caller with k ahead: its "offered wait" V_k is a sum of exponentials
    # with rates serving + i·theta (i = 0..k), density C_k·e^(−serving·t)·(1 − e^(−theta·t))^k.
    # P(served by T) = E[e^(−theta·V_k); V_k <= T] = b/(b+k+1)·I_x(k+1, b+1) with
    # x = 1 − e^(−theta·T), and I_x(k+1, b+1) = 1 − (negative binomial CDF at k).
    reach = b > 0.0 and target_s > 0.0
    if reach:
        x = -math.expm1(-theta * target_s)
        log_x = math.log(x)
        log_nb = -(b + 1.0) * theta * target_s
        nb_cdf = math.exp(log_nb)

    # Queue k (state N+k) has weight t_k = prod_{j=1..k} lam/(serving + j·theta) relative to
    # state N. Sums are kept scaled by e^(-top), top = largest log t_k seen so far.
    top = 0.0
    log_t = 0.0
    s0 = 1.0  # sum t_k
    s1 = 0.0  # sum k·t_k
    s2 = b / (b + 1.0) * max(0.0, 1.0 - nb_cdf) if reach else 0.0  # sum t_k·P(served by T)
    k = 0
    while True:
        k += 1
        rate = serving + k * theta
        log_t += log_lam - math.log(rate)
        if log_t > top:
            scale = math.exp(top - log_t)
            s0, s1, s2 = s0 * scale, s1 * scale, s2 * scale
            top = log_t
        w = math.exp(log_t - top)
        s0 += w
        s1 += k * w
        if reach:
            log_nb += log_x + math.log((b + k) / k)
            nb_cdf += math.exp(log_nb)
            s2 += w * b / (b + k + 1.0) * max(0.0, 1.0 - nb_cdf)
        ratio = lam / (rate + theta)  # t_{k+1}/t_k; falls with k, so the tail is geometric-bounded
        if ratio < 1.0 and log_t + math.log(ratio / (1.0 - ratio)) < top - _LOG_TAIL:
            break
        if k > _MAX_QUEUE_STATES:
            raise ValueError("Erlang A queue too long to evaluate; check rates and patience")

    # P(wait) = B·T/(1 − B + B·T), B = Erlang B(N, A), T = sum t_k (state N has weight 1).
    blocking = erlang_b(lam / mu, agents)
    if blocking >= 1.0:
        p_wait = 1.0
    elif blocking <= 0.0:
        p_wait = 0.0
    else:
        r = math.log1p(-blocking) - math.log(blocking) - (top + math.log(s0))
        p_wait = 1.0 / (1.0 + math.exp(r)) if r < 700.0 else 0.0
    mean_queue_if_delayed = s1 / s0
    service_level = 1.0 - p_wait + p_wait * (s2 / s0)
    return _ErlangA(p_wait, min(1.0, service_level), p_wait * mean_queue_if_delayed,
                    mean_queue_if_delayed / lam)


def erlang_a(
    arrival_rate_per_s: float, aht_s: float, agents: int, target_s: float, patience_s: float
) -> StaffingEstimate:
    """Erlang A (M/M/N+M: exponential patience with mean patience_s) for any N >= 0.

    Exact stationary distribution of the birth-death chain; ASA is the mean time in queue of
    all arrivals (abandoners count their time until they left), SL = P(served, wait <= T).
    """
    _check_common(arrival_rate_per_s, aht_s, agents, target_s)
    _check_pos("patience_s", patience_s)
    lam, mu, theta = arrival_rate_per_s, 1.0 / aht_s, 1.0 / patience_s
    core = _erlang_a_core(lam, mu, theta, agents, target_s)
    if lam == 0.0:
        p_abandon = 1.0 if agents == 0 else 0.0
        asa = 0.0
    else:
        p_abandon = min(1.0, theta * core.mean_queue / lam)
        asa = core.mean_queue / lam  # Little's law on the queue
    occupancy = min(1.0, lam * (1.0 - p_abandon) / (agents * mu)) if agents else 0.0
    return StaffingEstimate(
        agents, float(lam * aht_s), core.p_wait, core.service_level, asa, occupancy, p_abandon,
        MODEL_ERLANG_A, True)


def solve_agents(
    arrival_rate_per_s: float,
    aht_s: float,
    target_s: float,
    sl_goal: float,
    patience_s: float | None = None,
    max_agents: int = 100_000,
) -> StaffingEstimate:
    """The smallest staffing whose service level reaches sl_goal (Erlang A if patience given).

    Raises ValueError if even max_agents agents do not reach it.
    """
    if not 0.0 < sl_goal < 1.0:
        raise ValueError(f"sl_goal must be between 0 and 1 (exclusive), got {sl_goal!r}")
    _check_common(arrival_rate_per_s, aht_s, 0, target_s)
    _check_agents(max_agents)
    if patience_s is not None:
        _check_pos("patience_s", patience_s)

    def evaluate(n: int) -> StaffingEstimate:
        if patience_s is None:
            return erlang_c(arrival_rate_per_s, aht_s, n, target_s)
        return erlang_a(arrival_rate_per_s, aht_s, n, target_s, patience_s)

    a = arrival_rate_per_s * aht_s
    # Fewer agents can never pass: Erlang C needs N > A, and Erlang A answers at most N/A of
    # arrivals, so SL <= N/A.
    low = math.floor(a) + 1 if patience_s is None else max(1, math.ceil(sl_goal * a))
    if low > max_agents or evaluate(max_agents).service_level < sl_goal:
        raise ValueError(f"no staffing up to {max_agents} agents reaches SL {sl_goal:g}")
    best = evaluate(low)
    if best.service_level >= sl_goal:
        return best
    # SL rises with N: gallop up from the last failing N, then bisect.
    fail, step = low, 1
    while True:
        hi = min(fail + step, max_agents)
        best = evaluate(hi)
        if best.service_level >= sl_goal:
            break
        fail, step = hi, step * 2
    while hi - fail > 1:
        mid = (fail + hi) // 2
        estimate = evaluate(mid)
        if estimate.service_level >= sl_goal:
            hi, best = mid, estimate
        else:
            fail = mid
    return best


def empirical_wait_s(position: int, recent_answer_interval_s: float | None) -> float | None:
    """Position in queue × recent mean time between answers (None if that time is unknown)."""
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise ValueError(f"position must be an integer >= 0, got {position!r}")
    if recent_answer_interval_s is None:
        return None
    _check_nonneg("recent_answer_interval_s", recent_answer_interval_s)
    return position * recent_answer_interval_s


def estimate_wait(
    arrival_rate_per_s: float | None,
    aht_s: float | None,
    staffed_agents: int,
    waiting: int,
    mean_patience_s: float | None = None,
    recent_answer_interval_s: float | None = None,
) -> tuple[float | None, str]:
    """Estimated wait (s) for a contact arriving now, and the model used, for a queue tile.

    EWT is the model's mean time in queue of contacts that have to queue (Erlang C: AHT/(N−A),
    i.e. ASA/P(wait)); it does not use `waiting`. Erlang A is used when mean_patience_s is
    known (pass None until abandons were observed; estimate it as total time queued by all
    contacts / abandons), else Erlang C when N > A, else empirical_wait_s(waiting + 1, ...).
    Returns (None, "none") when nothing applies. staffed_agents = available + busy.
    """
    _check_agents(staffed_agents)
    if isinstance(waiting, bool) or not isinstance(waiting, int) or waiting < 0:
        raise ValueError(f"waiting must be an integer >= 0, got {waiting!r}")
    if arrival_rate_per_s is not None and aht_s is not None:
        _check_nonneg("arrival_rate_per_s", arrival_rate_per_s)
        _check_pos("aht_s", aht_s)
        if mean_patience_s is not None:
            _check_pos("mean_patience_s", mean_patience_s)
            core = _erlang_a_core(arrival_rate_per_s, 1.0 / aht_s, 1.0 / mean_patience_s,
                                  staffed_agents, 0.0)
            return core.wait_if_delayed_s, MODEL_ERLANG_A
        if staffed_agents > arrival_rate_per_s * aht_s:
            return aht_s / (staffed_agents - arrival_rate_per_s * aht_s), MODEL_ERLANG_C
    ewt = empirical_wait_s(waiting + 1, recent_answer_interval_s)
    return (ewt, MODEL_EMPIRICAL) if ewt is not None else (None, MODEL_NONE)
