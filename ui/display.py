"""Can a window open here? Asked before Qt is started, because Qt cannot say so itself.

Without a display, or with the X11 (xcb) platform plugin's system libraries missing,
Qt prints "could not load the Qt platform plugin xcb" and aborts the whole process
with a core dump. This module explains the problem in a line or two instead, so a
window-opening command can exit with code 2. Linux only; stdlib only (no Qt import).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping

NO_DISPLAY = (
    "no display: run under a desktop session, or `xvfb-run -a floorwatch demo`, or get a PNG "
    "with `QT_QPA_PLATFORM=offscreen floorwatch demo --exit-after 8 --screenshot out.png`")

# System libraries that Qt 6's xcb plugin (PySide6/Qt/plugins/platforms/libqxcb.so and
# libQt6XcbQpa.so.6, read with `readelf -d`) and Qt GUI load, as `ctypes.util.find_library`
# names, with the Debian/Ubuntu package that ships each. Qt 6 needs no libxcb-xinerama0
# (Qt 5 did). xcb-cursor (libxcb-cursor0) is the one most often missing, since Qt 6.5.
XCB_LIBRARIES: dict[str, str] = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-render": "libxcb-render0",
    "xcb-shape": "libxcb-shape0",
    "xcb-shm": "libxcb-shm0",
    "xcb-sync": "libxcb-sync1",
    "xcb-util": "libxcb-util1",
    "xcb-xfixes": "libxcb-xfixes0",
    "xcb-xkb": "libxcb-xkb1",
    "xcb": "libxcb1",
    "X11-xcb": "libx11-xcb1",
    "X11": "libx11-6",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xkbcommon": "libxkbcommon0",
    "GL": "libgl1",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}


def _platform_plugin(environ: Mapping[str, str]) -> str:
    """The plugin Qt will try first: QT_QPA_PLATFORM's first entry, or Qt's own default."""
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    # Unset: Qt 6 prefers Wayland in a Wayland session (and falls back to X11), else X11.
    return "wayland" if environ.get("WAYLAND_DISPLAY") else "xcb"


def display_problem(environ: Mapping[str, str] | None = None, platform: str | None = None,
                    find_library: Callable[[str], str | None] | None = None) -> str | None:
    """Why no window can open here, in a line or two with the fix; None when one can.

    Defaults: `os.environ`, `sys.platform`, `ctypes.util.find_library`.
    """
    environ = os.environ if environ is None else environ
    if not (sys.platform if platform is None else platform).startswith("linux"):
        return None
    plugin = _platform_plugin(environ)
    if plugin != "xcb":
        return None  # offscreen, wayland, vnc, eglfs...: Qt reports its own problems
    if not environ.get("DISPLAY"):
        return NO_DISPLAY
    if find_library is None:
        import ctypes.util

        find_library = ctypes.util.find_library
    missing = [name for name in XCB_LIBRARIES if find_library(name) is None]
    if not missing:
        return None
    names = ", ".join(f"lib{name}" for name in missing)
    packages = " ".join(XCB_LIBRARIES[name] for name in missing)
    return (f"Qt's X11 (xcb) platform plugin cannot load, missing: {names}\n"
            f"install them (Debian/Ubuntu): sudo apt-get install {packages}")


def _qt_app_running() -> bool:
    """A QApplication exists already (its platform plugin loaded): nothing left to check."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    return widgets is not None and widgets.QApplication.instance() is not None


def explain_missing_display() -> bool:
    """Print `floorwatch: <problem>` on stderr and return True when no window can open."""
    problem = None if _qt_app_running() else display_problem()
    if problem is None:
        return False
    print(f"floorwatch: {problem}", file=sys.stderr)
    return True
