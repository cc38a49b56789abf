"""Without a usable display, a window-opening command explains itself instead of core dumping."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui import display
from ui.display import NO_DISPLAY, XCB_LIBRARIES, display_problem

ROOT = Path(__file__).resolve().parents[2]


def everything_installed(name: str) -> str:
    return f"lib{name}.so.1"


def without(*missing: str):
    def find(name: str) -> str | None:
        return None if name in missing else everything_installed(name)

    return find


@pytest.mark.parametrize("env", [
    {},
    {"QT_QPA_PLATFORM": "xcb"},
    {"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"},  # xcb needs an X server
    {"QT_QPA_PLATFORM": "", "DISPLAY": ""},
])
def test_no_display_names_the_three_ways_out(env):
    problem = display_problem(env, "linux", everything_installed)
    assert problem == NO_DISPLAY
    assert "xvfb-run -a floorwatch demo" in problem
    assert "QT_QPA_PLATFORM=offscreen floorwatch demo --exit-after 8 --screenshot out.png" \
        in problem


@pytest.mark.parametrize("env", [
    {"DISPLAY": ":0"},
    {"DISPLAY": "localhost:10.0", "QT_QPA_PLATFORM": "xcb"},
    {"WAYLAND_DISPLAY": "wayland-0"},  # Qt picks its Wayland plugin: no xcb needed
    {"QT_QPA_PLATFORM": "offscreen"},
    {"QT_QPA_PLATFORM": "wayland;xcb"},
    {"QT_QPA_PLATFORM": "vnc:size=1600x1000"},
])
def test_a_usable_platform_is_no_problem(env):
    assert display_problem(env, "linux", everything_installed) is None


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_other_systems_are_left_to_qt(platform):
    assert display_problem({}, platform, without(*XCB_LIBRARIES)) is None


def test_missing_xcb_cursor_names_its_debian_package():
    problem = display_problem({"DISPLAY": ":0"}, "linux", without("xcb-cursor"))
    assert problem is not None
    first, second = problem.splitlines()
    assert first.endswith("missing: libxcb-cursor")
    assert second == "install them (Debian/Ubuntu): sudo apt-get install libxcb-cursor0"


def test_every_missing_library_is_listed_once_with_its_package():
    problem = display_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb:nomitshm"}, "linux",
                              without("xcb-icccm", "xcb-keysyms", "xkbcommon-x11"))
    assert problem is not None
    assert "missing: libxcb-icccm, libxcb-keysyms, libxkbcommon-x11" in problem
    assert problem.endswith("apt-get install libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0")


def test_libraries_are_looked_up_with_the_ctypes_finder_by_default(monkeypatch):
    import ctypes.util

    asked: list[str] = []
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: asked.append(name))
    problem = display_problem({"DISPLAY": ":0"}, "linux")
    assert asked == list(XCB_LIBRARIES)
    assert problem is not None and "libxcb-cursor0" in problem


def test_the_explanation_goes_to_stderr_with_the_program_name(monkeypatch, capsys):
    monkeypatch.setattr(display, "_qt_app_running", lambda: False)
    monkeypatch.setattr(display, "display_problem", lambda: NO_DISPLAY)
    assert display.explain_missing_display() is True
    assert capsys.readouterr().err == f"floorwatch: {NO_DISPLAY}\n"


def test_a_running_qt_application_needs_no_check(monkeypatch, capsys):
    monkeypatch.setattr(display, "_qt_app_running", lambda: True)
    monkeypatch.setattr(display, "display_problem", lambda: NO_DISPLAY)
    assert display.explain_missing_display() is False
    assert capsys.readouterr().err == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is Linux only")
def test_demo_without_a_display_exits_2_with_the_message():
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    out = subprocess.run([sys.executable, "-m", "ui", "demo", "--exit-after", "1"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2, out.stderr[-2000:]
    assert out.stderr.startswith(f"floorwatch: {NO_DISPLAY}"), out.stderr[-2000:]
    assert "Traceback" not in out.stderr
