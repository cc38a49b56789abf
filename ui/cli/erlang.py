"""`floorwatch erlang`: Erlang C / Erlang A staffing numbers on the command line. Qt-free."""

from __future__ import annotations

import argparse
import json
import math
import sys

from monitor.erlang import MODEL_ERLANG_A, StaffingEstimate, erlang_a, erlang_c, solve_agents
from ui.fmt import parse_duration

DEFAULT_SL = 0.8


def parse_period(text: str) -> float:
    """Seconds in a period written like 30m, 1h, 900s or 15m."""
    try:
        return parse_duration(text)
    except ValueError:
        raise ValueError(
            f"bad --period {text!r}: use a positive number with s, m or h (30m, 1h)") from None


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the `erlang` subcommand on a CLI's subparsers."""
    p = subparsers.add_parser(
        "erlang", help="Erlang C / Erlang A service level, ASA and staffing",
        description="Steady-state queue numbers for a traffic level: Erlang C (M/M/N), or "
                    "Erlang A (M/M/N+M) when --patience is given. See docs/erlang.md.")
    p.add_argument("--calls", type=float, required=True, metavar="N",
                   help="contacts offered in the period")
    p.add_argument("--period", required=True, metavar="PERIOD",
                   help="length of the period: 30m, 1h, 900s")
    p.add_argument("--aht", type=float, required=True, metavar="SECONDS",
                   help="average handle time")
    p.add_argument("--agents", type=int, metavar="N",
                   help="agents staffed (not with --solve-agents)")
    p.add_argument("--target", type=float, required=True, metavar="SECONDS",
                   help="service level target: answered within this many seconds")
    p.add_argument("--patience", type=float, metavar="SECONDS",
                   help="mean patience before abandoning; selects Erlang A")
    p.add_argument("--solve-agents", action="store_true",
                   help="find the smallest staffing reaching --sl instead of taking --agents")
    p.add_argument("--sl", type=float, metavar="FRACTION",
                   help=f"service level goal for --solve-agents, 0..1 (default {DEFAULT_SL})")
    p.add_argument("--format", choices=["table", "json"], default="table",
                   help="output format (default table)")
    p.set_defaults(func=run)


def _estimate(args: argparse.Namespace) -> StaffingEstimate:
    period_s = parse_period(args.period)
    for name in ("calls", "aht", "target", "patience", "sl"):
        value = getattr(args, name)
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise ValueError(f"--{name} must be a number >= 0, got {value:g}")
    if args.aht <= 0:
        raise ValueError("--aht must be > 0")
    if args.patience is not None and args.patience <= 0:
        raise ValueError("--patience must be > 0")
    rate = args.calls / period_s
    if args.solve_agents:
        if args.agents is not None:
            raise ValueError("give either --agents or --solve-agents, not both")
        sl = DEFAULT_SL if args.sl is None else args.sl
        if not 0 < sl < 1:
            raise ValueError(f"--sl must be between 0 and 1 (exclusive), got {sl:g}")
        return solve_agents(rate, args.aht, args.target, sl, patience_s=args.patience)
    if args.sl is not None:
        raise ValueError("--sl is the goal for --solve-agents; give that too")
    if args.agents is None:
        raise ValueError("--agents is required unless --solve-agents is given")
    if args.agents < 0:
        raise ValueError(f"--agents must be >= 0, got {args.agents}")
    if args.patience is not None:
        return erlang_a(rate, args.aht, args.agents, args.target, args.patience)
    return erlang_c(rate, args.aht, args.agents, args.target)


def _seconds(value: float) -> str:
    if math.isinf(value):
        return "unbounded (agents <= traffic: the queue grows without limit)"
    text = f"{value:.1f} s"
    if value >= 60:
        minutes, secs = divmod(round(value), 60)
        text += f" ({minutes} min {secs:02d} s)"
    return text


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.2f} %"


def to_json(est: StaffingEstimate, with_abandon: bool) -> dict[str, object]:
    """The JSON object: fractions 0..1, seconds; asa_s is null when unbounded."""
    out: dict[str, object] = {
        "agents": est.agents,
        "traffic_erlangs": est.traffic_erlangs,
        "p_wait": est.p_wait,
        "service_level": est.service_level,
        "asa_s": est.asa_s if math.isfinite(est.asa_s) else None,
        "occupancy": est.occupancy,
    }
    if with_abandon:
        out["p_abandon"] = est.p_abandon
    out["model"] = est.model
    return out


def to_table(est: StaffingEstimate, target_s: float, patience_s: float | None,
             sl_goal: float | None = None) -> str:
    """Aligned `key  value` lines for people, ending with the model and definitions."""
    agents = str(est.agents)
    if sl_goal is not None:
        agents += f" (fewest reaching SL {_percent(sl_goal)})"
    rows = [
        ("agents", agents),
        ("traffic", f"{est.traffic_erlangs:.2f} Erlangs"),
        ("P(wait)", _percent(est.p_wait)),
        ("service level", f"{_percent(est.service_level)} answered within {target_s:g} s"),
        ("ASA", _seconds(est.asa_s)),
        ("occupancy", _percent(est.occupancy)),
    ]
    if est.p_abandon is not None:
        rows.append(("P(abandon)", _percent(est.p_abandon)))
    if est.model == MODEL_ERLANG_A:
        model = f"model: Erlang A (M/M/N+M), mean patience {patience_s:g} s"
        asa = "ASA = mean time in queue over all arrivals (abandoned ones until they left)"
    else:
        model = "model: Erlang C (M/M/N), callers never abandon"
        asa = "ASA = mean wait over all arrivals"
    width = max(len(key) for key, _ in rows)
    lines = [f"{key:<{width}}  {value}" for key, value in rows]
    lines += [model, f"SL = P(answered and waited <= {target_s:g} s) over all arrivals; {asa}"]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print one estimate as a table or JSON; bad input: message on stderr, exit code 2."""
    try:
        est = _estimate(args)
    except ValueError as exc:
        print(f"floorwatch erlang: {exc}", file=sys.stderr)
        return 2
    if not est.valid:
        print("floorwatch erlang: warning: agents <= traffic, Erlang C has no steady state",
              file=sys.stderr)
    if args.format == "json":
        print(json.dumps(to_json(est, args.patience is not None)))
    else:
        sl_goal = (DEFAULT_SL if args.sl is None else args.sl) if args.solve_agents else None
        print(to_table(est, args.target, args.patience, sl_goal))
    return 0
