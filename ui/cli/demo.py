"""`floorwatch demo`: the built-in simulator and the floor window, over a real websocket.

It records like `floorwatch run` (docs/recording.md), into the recordings folder's
`demo/`, so a simulated floor never mixes into a real day; the `[recording]` section of
the default config, when there is one, applies to it too.
"""

from __future__ import annotations

import argparse

from .common import add_sim_flags, add_window_flags, sim_config
from .recording_flags import add_record_flags, default_settings, recording_plan
from .run import DEFAULT_CONFIG
from .scope_flag import add_scope_flag


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="the simulator plus the floor window, over websocket")
    add_sim_flags(p)
    add_window_flags(p)
    add_scope_flag(p)
    p.add_argument("--no-server", action="store_true",
                   help="run the simulator inside the window's process, without a websocket")
    add_record_flags(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ui.display import explain_missing_display

    if explain_missing_display():  # before Qt loads and before the simulator starts
        return 2
    from ui.app import WindowOptions, run_floor

    from .rules import rules_from

    rules, _ = rules_from(args.rules)  # a bad rule file: one line, exit 2, before the sim
    recording = recording_plan(args, default_settings(args, DEFAULT_CONFIG), demo=True,
                               config_path=str(DEFAULT_CONFIG))
    options = WindowOptions(lang=args.lang or "", exit_after=args.exit_after,
                            screenshot=args.screenshot,
                            size=args.size or (1600, 1000), rules=rules, recording=recording,
                            scope=args.scope)
    if args.no_server:
        from feeds.sources.simulated import SimulatedSource

        source = SimulatedSource(sim_config(args), speed=args.speed, warmup_s=args.warmup)
        return run_floor([source], options)

    from feeds.hub import websocket_source
    from feeds.sim.serve import SimulationThread

    sim = SimulationThread(sim_config(args), speed=args.speed, warmup_s=args.warmup)
    port = sim.start()
    try:
        return run_floor([websocket_source(f"ws://127.0.0.1:{port}")], options)
    finally:
        sim.stop()
