"""Early warning: each queue's service level over the next minutes, from the recent
arrivals, their trend, the staffing on the floor now and Erlang C (docs/erlang.md,
"Early warning").

What the forecast rests on, so a tooltip can state it:

- **Pool.** A queue's agents also serve the other queues of its channel (the floor's
  wait estimate and the reassignment preview read the same pool), so the arrivals,
  AHT and servers are the channel's, and each queue is read at its own SL target.
  A surge in one queue still shows: it is part of the pool's arrivals.
- **Arrivals.** Offered contacts per whole minute over the last `FIT_MIN` minutes (the
  minute in progress is partial, so it is left out). Level and trend are a weighted
  least-squares line (recent minutes count more, half-life `HALF_LIFE_MIN`), the
  level read at the latest minute. The trend is damped twice: shrunk by its own
  uncertainty (a slope no bigger than its standard error counts as none) and
  damped per minute ahead (x `DAMPING` each minute), so a short rise is not drawn
  out to the horizon.
- **AHT.** The pool's over the last 15 minutes (60 if none ended in 15); a default
  per channel only when none ended at all, and `aht_source` says so.
- **Servers.** Each person once, as in the reassignment preview (`impact.servers`):
  a hotline server is an agent available or busy; online servers are chat slots (an
  agent holding up to chat_capacity chats at once is that many servers, since the
  measured chat AHT already is the time a chat holds a slot); a blended agent busy
  on a call is a hotline server, one holding chats is its chat slots, an idle one is
  split by the channels' recent work. Not-ready and logged-out agents serve nobody.
- **Model.** Erlang C at each minute's projected arrival rate, steady state: the
  service level the floor is heading for at that load, which the 15-minute figure on
  the wall follows with a lag. That lag is the warning's lead.

Cost: the pool's projection and Erlang terms are made once per channel per
`REFRESH_S` of event time and shared by its queues; a queue's own part is its
15-minute window and `horizon_min` exponentials (bench/bench_early_warning.py).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import impact, metrics
from .events import Channel
from .rolling import BUCKET_S, KEEP_MINUTES
from .thresholds import basis_of

if TYPE_CHECKING:  # only for hints: this module reads a floor, it never builds one
    from .floor import Floor

FIT_MIN = 30  # whole minutes of arrivals the level and trend are fitted to
MIN_FIT_MIN = 10  # fewer whole minutes held: no forecast (the rate is not known yet)
HALF_LIFE_MIN = 10.0  # weight of a minute halves with each this many minutes of age
DAMPING = 0.9  # the trend's step k minutes ahead counts DAMPING**k
BASIS_MIN = 15  # the queue's own arrivals over this window must reach MIN_ARRIVALS
MIN_ARRIVALS = 10
AHT_WINDOW_MIN = 15
DEFAULT_AHT_S = {Channel.HOTLINE.value: 240.0, Channel.ONLINE.value: 400.0}
REFRESH_S = 60.0  # a channel's pool is read again after this much event time (its
# arrivals are whole minutes: nothing else it reads moves much faster)
CALIBRATION_CAP = 0.98  # an SL of 100 % over a few dozen contacts proves no more than this


@dataclass(frozen=True, slots=True)
class Forecast:
    """One queue's projected service level over the next `horizon_min` minutes.

    Rates are contacts per minute of the pool (the queue's channel); `agents` are its
    servers (agents, or chat slots online). SLs are fractions 0..1 of Erlang C at the
    projected load of minute 0 (now) and minute `horizon_min`.
    """

    queue: str
    minutes_to_breach: float | None  # first minute whose projected SL < goal; None: none
    projected_sl_now: float
    projected_sl_end: float
    goal: float
    arrival_per_min: float  # the fitted level now
    trend_per_min_per_min: float  # the slope used (after its uncertainty shrink)
    aht_s: float
    agents: int
    target_s: float
    horizon_min: int
    basis_contacts: int  # pool arrivals in the minutes fitted
    fit_minutes: int = 0  # whole minutes fitted
    arrival_end_per_min: float = 0.0  # projected rate at the horizon
    aht_source: str = "window"  # "window", or "default" when no contact had ended
    channel: str = ""  # whose pool the figures are
    queue_arrivals: int = 0  # the queue's own offered contacts over BASIS_MIN minutes
    # Servers the model ran with: `agents` calibrated to the SL the queue really had
    # over the last 15 minutes (`observed_sl`, None when it rests on too few contacts:
    # then `agents` as counted), moved by the staffing change since.
    effective_servers: int = 0
    observed_sl: float | None = None
    sl_path: tuple[float, ...] = ()  # projected SL for minutes 0..horizon_min

    @property
    def breach(self) -> bool:
        return self.minutes_to_breach is not None


@dataclass(frozen=True, slots=True)
class Projection:
    """Arrivals per minute ahead, from whole-minute counts (oldest first)."""

    level: float
    slope: float  # per minute per minute, after the uncertainty shrink
    rates: tuple[float, ...]  # minutes 0..horizon
    fit_minutes: int
    contacts: int


def project(counts: Sequence[int], horizon_min: int) -> Projection | None:
    """Level, damped trend and the rate of each minute 0..horizon_min ahead.

    `counts[-1]` is the latest whole minute; minute 0 is the one in progress.
    None with fewer than MIN_FIT_MIN minutes.
    """
    counts = list(counts[-FIT_MIN:])
    n = len(counts)
    if n < MIN_FIT_MIN:
        return None
    # x = minutes before the latest whole minute (0 for it, negative before).
    decay = 0.5 ** (1.0 / HALF_LIFE_MIN)
    sw = swx = swy = swxx = swxy = 0.0
    weights = [decay ** (n - 1 - i) for i in range(n)]
    for i, (w, y) in enumerate(zip(weights, counts, strict=True)):
        x = i - (n - 1)
        sw += w
        swx += w * x
        swy += w * y
        swxx += w * x * x
        swxy += w * x * y
    mx, my = swx / sw, swy / sw
    sxx = swxx - sw * mx * mx
    slope = (swxy - sw * mx * my) / sxx if sxx > 0 else 0.0
    level = my - slope * mx  # the line at x = 0
    if sxx > 0 and n > 2:
        # Weighted residual variance -> the slope's standard error; shrink the slope
        # by (1 - (se/slope)^2): none when |slope| <= se, almost whole when far above.
        rss = sum(w * (y - level - slope * (i - (n - 1))) ** 2
                  for i, (w, y) in enumerate(zip(weights, counts, strict=True)))
        # Poisson counts vary by at least their mean: a flat fit is no proof of calm.
        var = max(rss / sw * n / (n - 2), max(level, 0.0), 1.0)
        se2 = var / sxx
        slope *= max(0.0, 1.0 - se2 / (slope * slope)) if slope else 0.0
        # The line through the weighted mean with the slope kept: with no slope left
        # the level is the recent mean, not the end of a line drawn through noise.
        level = my - slope * mx
    level = max(0.0, level)
    rates, step, rise = [], DAMPING, 0.0
    for _ in range(horizon_min + 1):
        rise += slope * step  # minute h is h + 1 steps past the latest whole minute
        step *= DAMPING
        rates.append(max(0.0, level + rise))
    return Projection(level, slope, tuple(rates), n, sum(counts))


@dataclass(frozen=True, slots=True)
class _Pool:
    """A channel's projection with the Erlang terms every queue's target needs.

    `b_now[h]` holds Erlang B for minute h's projected traffic at each server count
    from `lo[h]` (the first count with a steady state) to `hi`; `b_window` the same for
    the fitted minutes' mean rate, which a queue's measured SL calibrates against.
    """

    projection: Projection
    aht_s: float
    aht_source: str
    servers: int  # counted now
    servers_avg: float  # counted, over the last BASIS_MIN minutes of refreshes
    hi: int  # SL is ~1 at every target from here on: no count above it matters
    traffic: tuple[float, ...]  # Erlangs per minute ahead
    lo: tuple[int, ...]
    b_now: tuple[Sequence[float], ...]
    window_traffic: float
    window_lo: int
    b_window: Sequence[float]


# Above this many servers the exact recursion (one step per server, for each of the
# horizon's minutes) would cost tens of milliseconds once a minute at 10,000 agents
# (bench/bench_alerts.py); there Erlang B comes from the Poisson terms directly.
SWEEP_MAX = 2_000


class _LargeB:
    """Erlang B for lo..hi servers at large traffic, each worked out when asked for:
    B(n) = P(X = n) / P(X <= n) for X ~ Poisson(A), the numerator exact (log space),
    the denominator by the normal approximation with continuity correction (its error
    is under 1 % for A in the hundreds and falls as 1/sqrt(A))."""

    __slots__ = ("traffic", "lo", "hi")

    def __init__(self, traffic: float, lo: int, hi: int) -> None:
        self.traffic, self.lo, self.hi = traffic, lo, hi

    def __len__(self) -> int:
        return max(0, self.hi - self.lo + 1)

    def __getitem__(self, i: int) -> float:
        a, n = self.traffic, self.lo + i
        log_pmf = -a + n * math.log(a) - math.lgamma(n + 1)
        cdf = 0.5 * math.erfc(-(n + 0.5 - a) / math.sqrt(2.0 * a))
        return min(1.0, math.exp(log_pmf) / cdf) if cdf > 0 else 1.0


def _sweep(traffic: float, hi: int) -> tuple[int, Sequence[float]]:
    """(lo, Erlang B for lo..hi servers), lo the smallest count above `traffic`."""
    lo = math.floor(traffic) + 1
    if hi > SWEEP_MAX and traffic > 0:
        return lo, _LargeB(traffic, lo, hi)
    b, out = 1.0, []
    for n in range(1, hi + 1):
        ab = traffic * b
        b = ab / (n + ab)
        if n >= lo:
            out.append(b)
    return lo, out


def _sl(traffic: float, lo: int, b: Sequence[float], n: int, target_s: float,
        aht_s: float) -> float:
    """Erlang C SL(T) = 1 - C·e^(-(N-A)·T/AHT) for n servers (0 without a steady state)."""
    if n < lo:
        return 0.0
    blocking = b[min(n, lo + len(b) - 1) - lo]
    p_wait = blocking / (1.0 - (traffic / n) * (1.0 - blocking))
    return 1.0 - p_wait * math.exp(-(n - traffic) * target_s / aht_s)


def _pool(projection: Projection, aht_s: float, servers: int, aht_source: str,
          servers_avg: float | None = None, window_rate: float | None = None) -> _Pool:
    traffic = tuple(rate * aht_s / BUCKET_S for rate in projection.rates)
    if window_rate is None:
        window_rate = projection.rates[0]
    window_traffic = window_rate * aht_s / BUCKET_S
    top = max(max(traffic), window_traffic)
    # Past A + 6·sqrt(A) + 10 servers hardly anyone waits: SL is 1 at any target.
    hi = max(servers, math.ceil(top + 6.0 * math.sqrt(top) + 10.0))
    lo, b_now = [], []
    for a in traffic:
        first, values = _sweep(a, hi)
        lo.append(first)
        b_now.append(values)
    window_lo, b_window = _sweep(window_traffic, hi)
    return _Pool(projection, aht_s, aht_source, servers,
                 float(servers) if servers_avg is None else servers_avg, hi, traffic,
                 tuple(lo), tuple(b_now), window_traffic, window_lo, b_window)


def _calibrated(pool: _Pool, target_s: float, observed_sl: float) -> int:
    """The fewest servers at which Erlang C gives the fitted minutes' mean load the
    service level the queue really had (capped at CALIBRATION_CAP): how many servers
    the floor has been worth to this queue, whatever abandons, blending and priority
    did."""
    goal = min(observed_sl, CALIBRATION_CAP)
    lo, hi = pool.window_lo, pool.hi
    if lo > hi:
        return hi
    a, b, aht = pool.window_traffic, pool.b_window, pool.aht_s
    while lo < hi:  # SL rises with the servers
        mid = (lo + hi) // 2
        if _sl(a, pool.window_lo, b, mid, target_s, aht) >= goal:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _forecast(pool: _Pool, queue: str, goal: float, target_s: float, horizon_min: int,
              channel: str = "", queue_arrivals: int = 0,
              observed_sl: float | None = None) -> Forecast:
    aht = pool.aht_s
    servers = pool.servers
    if observed_sl is not None:
        # Calibrated servers, moved by how the staffing now differs from its mean over
        # the minutes the SL was measured in (agents who just went on break count).
        servers = _calibrated(pool, target_s, observed_sl)
        servers += round(pool.servers - pool.servers_avg)
        servers = min(max(servers, 0), pool.hi)
    path = [_sl(pool.traffic[h], pool.lo[h], pool.b_now[h], servers, target_s, aht)
            for h in range(horizon_min + 1)]
    breach = None
    for h, sl in enumerate(path):
        if sl < goal:
            if h == 0:
                breach = 0.0
            else:  # where the line between the two minutes crosses the goal
                before = path[h - 1]
                breach = h - 1 + (before - goal) / (before - sl)
            break
    proj = pool.projection
    return Forecast(
        queue=queue, minutes_to_breach=breach, projected_sl_now=path[0],
        projected_sl_end=path[-1], goal=goal, arrival_per_min=proj.level,
        trend_per_min_per_min=proj.slope, aht_s=aht, agents=pool.servers,
        target_s=target_s, horizon_min=horizon_min, basis_contacts=proj.contacts,
        fit_minutes=proj.fit_minutes, arrival_end_per_min=proj.rates[horizon_min],
        aht_source=pool.aht_source, channel=channel, queue_arrivals=queue_arrivals,
        effective_servers=servers, observed_sl=observed_sl, sl_path=tuple(path),
    )


def forecast_from(
    counts_per_minute: Sequence[int], aht_s: float, agents: int, target_s: float, goal: float,
    horizon_min: int = 15, queue: str = "", observed_sl: float | None = None,
) -> Forecast | None:
    """The forecast for one pool from whole-minute arrival counts (oldest first, the
    latest whole minute last), without a floor: Erlang C with `agents` servers, or,
    given the SL measured over the last BASIS_MIN minutes, with the servers that
    reproduce it at those minutes' mean rate. None with fewer than MIN_FIT_MIN
    minutes, or fewer than MIN_ARRIVALS arrivals in the last BASIS_MIN minutes."""
    _check(horizon_min, goal)
    recent = counts_per_minute[-BASIS_MIN:]
    if sum(recent) < MIN_ARRIVALS:
        return None
    projection = project(counts_per_minute, horizon_min)
    if projection is None:
        return None
    pool = _pool(projection, aht_s, agents, "window", window_rate=sum(recent) / len(recent))
    return _forecast(pool, queue, goal, target_s, horizon_min, observed_sl=observed_sl)


def _check(horizon_min: int, goal: float) -> None:
    if isinstance(horizon_min, bool) or not isinstance(horizon_min, int) or horizon_min < 0:
        raise ValueError(f"horizon_min must be an integer >= 0, got {horizon_min!r}")
    if not 0.0 <= goal <= 1.0:
        raise ValueError(f"goal must be a fraction 0..1, got {goal!r}")


# ------------------------------------------------------------------ on a floor
class _FloorCache:
    """Per floor: each channel's pool for the current REFRESH_S slot, and the servers."""

    __slots__ = ("pools", "servers", "staffing")

    def __init__(self) -> None:
        self.pools: dict[tuple[str, int, int], _Pool | None] = {}
        self.servers: tuple[int, dict[str, int]] | None = None
        # Per channel: (slot, servers counted) of each refresh in the last BASIS_MIN minutes.
        self.staffing: dict[str, list[tuple[int, int]]] = {}


_CACHES: weakref.WeakKeyDictionary[Floor, _FloorCache] = weakref.WeakKeyDictionary()


def channel_counts(floor: Floor, channel: str, now: float) -> list[int]:
    """The channel's offered contacts per whole minute, oldest first: the last FIT_MIN
    minutes before the one in progress, from the first whole minute the floor saw."""
    current = int(now // BUCKET_S)
    first = current - FIT_MIN
    if floor.first_t is not None:
        first = max(first, int(floor.first_t // BUCKET_S) + 1)  # its first minute is partial
    first = max(first, current - KEEP_MINUTES + 1)
    if first >= current:
        return []
    out = [0] * (current - first)
    for q in floor.channel_queues(channel):
        for minute, bucket in q.stats.minutes():
            if first <= minute < current:
                out[minute - first] += bucket.offered
    return out


def _servers(floor: Floor, cache: _FloorCache, slot: int) -> dict[str, int]:
    if cache.servers is None or cache.servers[0] != slot:
        cache.servers = (slot, impact.servers(floor))
    return cache.servers[1]


def _floor_pool(floor: Floor, cache: _FloorCache, channel: str, now: float,
                horizon_min: int) -> _Pool | None:
    slot = int(now // REFRESH_S)
    key = (channel, slot, horizon_min)
    if key in cache.pools:
        return cache.pools[key]
    if len(cache.pools) > 16:  # older slots are never asked for again
        cache.pools = {k: v for k, v in cache.pools.items() if k[1] == slot}
    pool = None
    projection = project(channel_counts(floor, channel, now), horizon_min)
    if projection is not None:
        aht, source = metrics.aht_s(floor.channel_totals(channel, AHT_WINDOW_MIN)), "window"
        if not aht:
            aht = metrics.aht_s(floor.channel_totals(channel, KEEP_MINUTES - 1))
        if not aht:
            aht, source = DEFAULT_AHT_S.get(channel, DEFAULT_AHT_S["hotline"]), "default"
        servers = _servers(floor, cache, slot).get(channel, 0)
        kept = int(BASIS_MIN * BUCKET_S // REFRESH_S)
        history = [x for x in cache.staffing.get(channel, []) if slot - kept < x[0] < slot]
        history.append((slot, servers))
        cache.staffing[channel] = history
        average = sum(n for _, n in history) / len(history)
        recent = channel_counts(floor, channel, now)[-BASIS_MIN:]
        pool = _pool(projection, aht, servers, source, average, sum(recent) / len(recent))
    cache.pools[key] = pool
    return pool


def forecast(
    floor: Floor, queue_id: str, goal: float, horizon_min: int = 15, now: float | None = None,
) -> Forecast | None:
    """`queue_id`'s projected service level for minutes 0..horizon_min against `goal`.

    None when the queue is unknown, had fewer than MIN_ARRIVALS arrivals in the last
    BASIS_MIN minutes, or the floor holds fewer than MIN_FIT_MIN whole minutes. The
    pool (the queue's channel) is projected once per REFRESH_S of event time, the
    first time any of its queues asks in that slot (event time only: a replay asking
    at the same moments gets the same forecasts).
    """
    _check(horizon_min, goal)
    q = floor.queues.get(queue_id)
    if q is None:
        return None
    now = floor.now if now is None else now
    arrivals = q.stats.window(now, BASIS_MIN).offered
    if arrivals < MIN_ARRIVALS:
        return None
    # The window's sums, not a view: a view would refresh every queue's wait estimate.
    totals = floor.totals(q, BASIS_MIN)
    variant = floor.sl_variant_of(queue_id)
    observed = metrics.service_level(totals, variant)
    if observed is not None and basis_of(totals, variant) < floor.thresholds_for(
            queue_id).min_contacts:
        observed = None  # resting on too few contacts to say what the servers are worth
    cache = _CACHES.get(floor)
    if cache is None:
        cache = _CACHES[floor] = _FloorCache()
    pool = _floor_pool(floor, cache, q.channel, now, horizon_min)
    if pool is None:
        return None
    return _forecast(pool, queue_id, goal, q.sl_target_s, horizon_min, q.channel, arrivals,
                     observed)


def inputs_text(f: Forecast) -> str:
    """The forecast's inputs in one line of English, for logs, the CLI and tests (the
    UI formats the same fields through its translations)."""
    breach = ("no breach" if f.minutes_to_breach is None
              else f"below {f.goal:.0%} in about {f.minutes_to_breach:.0f} min")
    aht = f"AHT {f.aht_s:.0f} s" + (" (default: none ended yet)" if f.aht_source == "default"
                                    else "")
    servers = "chat slots" if f.channel == Channel.ONLINE else "agents"
    return (f"{f.queue}: SL {f.projected_sl_now:.0%} now -> {f.projected_sl_end:.0%} in "
            f"{f.horizon_min} min, {breach}; {f.channel or 'pool'} arrivals "
            f"{f.arrival_per_min:.1f}/min, trend {f.trend_per_min_per_min:+.2f}/min per min "
            f"(fitted to {f.basis_contacts} contacts over {f.fit_minutes} min), {aht}, "
            f"{f.agents} {servers}, target {f.target_s:g} s (Erlang C)")
