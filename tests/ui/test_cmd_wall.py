"""`floorwatch wall`: bad flags are one line and exit 2; on two virtual screens the wall
goes fullscreen on the one asked for and its screenshot is that screen's size."""

from __future__ import annotations

import struct

import pytest

from tests.ui.screens import TWO_SCREENS, run_floorwatch
from ui.cli import main


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--screen", "-1"], "--screen"),
        (["--screen", "two"], "--screen"),
        (["--demo", "--replay", "x.db"], "not allowed with argument"),
        (["--feed", "http://x"], "--feed"),
        (["--exit-after", "-3"], "--exit-after"),
        (["--lang", "fr"], "--lang"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(capsys, args, needle):
    with pytest.raises(SystemExit) as exit_:
        main(["wall", *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert needle in err[-1] and "Traceback" not in "\n".join(err)


def test_a_token_file_without_a_feed_and_a_missing_config_are_one_line(capsys, tmp_path):
    assert main(["wall", "--token-file", str(tmp_path / "t")]) == 2
    assert (
        capsys.readouterr().err.strip()
        == "floorwatch wall: --token-file goes with --feed or --config"
    )
    missing = tmp_path / "none.toml"
    assert main(["wall", "--config", str(missing)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"floorwatch: {missing}: cannot read") and "\n" not in err


def test_a_bad_wall_section_names_file_and_key(capsys, tmp_path):
    config = tmp_path / "fw.toml"
    config.write_text('[[feeds]]\nurl = "ws://127.0.0.1:1"\n[wall]\nrotation = 5\n')
    assert main(["wall", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"{config}: wall.rotation: unknown key (did you mean 'rotation_s'?)" in err
    assert "\n" not in err


def test_a_replay_that_is_not_a_recording_is_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not a recording")
    assert main(["wall", "--replay", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("floorwatch wall: ") and str(bad) in err and "\n" not in err


def _png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_demo_on_the_second_screen_writes_a_screenshot_of_its_size(tmp_path):
    shot = tmp_path / "wall.png"
    done = run_floorwatch(
        [
            "wall",
            "--demo",
            "--screen",
            "1",
            "--exit-after",
            "8",
            "--screenshot",
            str(shot),
            "--lang",
            "en",
        ],
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    wall = TWO_SCREENS[1]
    assert _png_size(shot) == (wall["width"], wall["height"])  # 3840x2160, not the desk's


def test_a_screen_that_is_not_there_is_one_line(tmp_path):
    done = run_floorwatch(["wall", "--demo", "--screen", "2", "--exit-after", "1"], tmp_path)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if "propagateSizeHints" not in line]
    assert lines == ["floorwatch wall: --screen 2: there is no such screen; use 0 to 1"]
