"""`floorwatch sim`: serve the simulated floor over a real websocket. Qt-free."""

from __future__ import annotations

import argparse
import asyncio
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
    add_sim_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from feeds.credentials import read_tokens, tls_context
    from feeds.sim.serve import serve_simulation

    tokens = read_tokens(args.tokens) if args.tokens else None
    tls = tls_context(args.tls_cert, args.tls_key)
    config = sim_config(args)
    if args.channel != "both":
        config.channels = (args.channel,)
    config.id_prefix = args.id_prefix

    def ready(port: int) -> None:
        scheme = "wss" if tls else "ws"
        print(f"floorwatch simulator serving {scheme}://{args.host}:{port}", flush=True)

    try:
        asyncio.run(serve_simulation(
            config, host=args.host, port=args.port, speed=args.speed,
            warmup_s=args.warmup, tokens=tokens, on_ready=ready, tls=tls))
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # e.g. the port is taken
        print(f"floorwatch sim: --port {args.port}: cannot listen on {args.host} "
              f"({exc.strerror or exc})", file=sys.stderr)
        return 2
    return 0
