"""`floorwatch sim`: serve the simulated floor over a real websocket. Qt-free.

Runs until Ctrl-C or SIGTERM; either stops the server cleanly (a second Ctrl-C
interrupts for real). With --truth FILE the simulator's own counts by 15-minute
entry interval (feeds/sim/truth.py) are written to FILE on the way out, so a
recording of the feed can be checked against them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from pathlib import Path

from .common import add_sim_flags, port_number, sim_config


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("sim", help="serve a simulated blended floor over websocket")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port_number, default=8765)
    p.add_argument("--tokens", type=Path, metavar="FILE",
                   help="lines 'TOKEN ROLE' allowed to connect (default: anyone)")
    p.add_argument("--channel", choices=["hotline", "online", "both"], default="both",
                   help="serve one channel only, as one platform of a blended site "
                        "(default both)")
    p.add_argument("--id-prefix", default="", metavar="TEXT",
                   help="put before agent and contact ids, so two simulators can feed "
                        "one window")
    p.add_argument("--tls-cert", type=Path, metavar="FILE",
                   help="serve wss:// with this certificate (PEM; with --tls-key)")
    p.add_argument("--tls-key", type=Path, metavar="FILE",
                   help="the certificate's private key (PEM)")
    p.add_argument("--truth", type=Path, metavar="FILE",
                   help="on exit, write the simulator's own offered, answered, abandoned "
                        "and callback counts per queue and 15-minute entry interval to FILE "
                        "(JSON), to check a recording's `floorwatch report` against")
    add_sim_flags(p)
    p.set_defaults(func=run)


def _stop_on_signals(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set `stop`, so the server closes and --truth is written.

    After the first Ctrl-C the next one raises KeyboardInterrupt, as usual. Where the
    loop cannot take signal handlers (Windows), Ctrl-C raises KeyboardInterrupt at once.
    """
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        stop.set()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)  # back to KeyboardInterrupt

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, on_signal)


def run(args: argparse.Namespace) -> int:
    from feeds.credentials import read_tokens, tls_context
    from feeds.sim.serve import serve_simulation
    from feeds.sim.truth import TruthCounter, truth_path_problem, write_truth

    truth_path: Path | None = args.truth.expanduser() if args.truth else None
    if truth_path is not None:
        problem = truth_path_problem(truth_path)
        if problem:  # before the warm-up: a long run must not end without its file
            print(f"floorwatch sim: --truth {truth_path}: {problem}", file=sys.stderr)
            return 2
    tokens = read_tokens(args.tokens) if args.tokens else None
    tls = tls_context(args.tls_cert, args.tls_key)
    config = sim_config(args)
    if args.channel != "both":
        config.channels = (args.channel,)
    config.id_prefix = args.id_prefix

    def ready(port: int) -> None:
        scheme = "wss" if tls else "ws"
        print(f"floorwatch simulator serving {scheme}://{args.host}:{port}", flush=True)

    truth = TruthCounter() if truth_path is not None else None

    async def serve() -> None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        await serve_simulation(
            config, host=args.host, port=args.port, speed=args.speed,
            warmup_s=args.warmup, tokens=tokens, stop=stop, on_ready=ready, tls=tls,
            truth=truth)

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # e.g. the port is taken
        print(f"floorwatch sim: --port {args.port}: cannot listen on {args.host} "
              f"({exc.strerror or exc})", file=sys.stderr)
        return 2
    if truth is not None and truth_path is not None:
        try:
            write_truth(truth_path, truth.to_json())
        except OSError as exc:
            print(f"floorwatch sim: --truth {truth_path}: cannot write "
                  f"({exc.strerror or exc})", file=sys.stderr)
            return 1
        print(f"floorwatch simulator: truth written to {truth_path}", flush=True)
    return 0
