"""`--no-record` and `--record FILE` for the commands that open the window (run, demo).

By default the window records into one file per local day (docs/recording.md); the
config's `[recording]` section moves the folder, sets how many days are kept or turns
it off. `--record FILE` records into that one file instead (appending when it is a
recording already), whatever the config says; `--no-record` records nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.config import RecordingSettings, load_config

if TYPE_CHECKING:
    from feeds.store.recording_files import RecordingPlan


def add_record_flags(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--no-record", action="store_true",
                       help="record nothing (by default the window records what it receives "
                            "into one file per day; docs/recording.md)")
    group.add_argument("--record", type=Path, metavar="FILE",
                       help="record into this file (a new one, or a recording to append to) "
                            "instead of the day's file")


def default_settings(args: argparse.Namespace, default_config: Path) -> RecordingSettings:
    """[recording] of the default config when the command reads no config of its own
    (demo, run --feed): turning recording off there turns it off everywhere. A bad
    config is a ConfigError (one line, exit 2); a flag that decides reads nothing."""
    if args.no_record or args.record is not None or not default_config.is_file():
        return RecordingSettings()
    return load_config(default_config).recording


def recording_plan(args: argparse.Namespace, settings: RecordingSettings, demo: bool = False,
                   config_path: str = "") -> RecordingPlan | None:
    """What the window records to, or None; ValueError naming the flag or key if the
    file or folder cannot be one."""
    from feeds.store.recording import RecordingError, read_meta
    from feeds.store.recording_files import RecordingPlan, recordings_dir

    if args.no_record:
        return None
    if args.record is not None:
        path: Path = args.record.expanduser()
        if path.is_dir():
            raise ValueError(f"--record {path}: is a folder, not a file")
        if not path.parent.is_dir():
            why = "is not a folder" if path.parent.exists() else "does not exist"
            raise ValueError(f"--record {path}: {path.parent} {why}")
        if path.exists() and path.stat().st_size > 0:
            try:
                read_meta(path)  # appending is fine; changing another database is not
            except RecordingError as exc:
                raise ValueError(f"--record {path}: {exc}") from None
        return RecordingPlan(file=path)
    if not settings.enabled:
        return None
    folder = recordings_dir(settings.dir, demo)
    if settings.dir and Path(settings.dir).expanduser().exists() \
            and not Path(settings.dir).expanduser().is_dir():
        raise ValueError(f"{config_path or 'config'}: recording.dir: {settings.dir} is not "
                         f"a folder")
    return RecordingPlan(folder=folder, keep_days=settings.keep_days)
