"""Virtual screens for tests: Qt's offscreen platform with a JSON screen layout.

The test process already runs plain `offscreen` (one 800x800 screen), and the platform
is chosen once per process, so a layout needs a subprocess: `run_python` and
`run_floorwatch` start one with QT_QPA_PLATFORM=offscreen:configfile=FILE and their own
settings/data folders (a test never touches the user's QSettings).

The layout format is the offscreen plugin's (qtbase src/plugins/platforms/offscreen/
qoffscreenintegration.cpp): {"synchronousWindowSystemEvents": bool,
"windowFrameMargins": bool, "screens": [{"name", "x", "y", "width", "height",
"logicalDpi", "logicalBaseDpi", "dpr"}]}.

Inside such a subprocess, `set_screens` applies a new layout at run time through the
plugin's own "setConfiguration" hook, so a screen can be unplugged or plugged back the
way a platform does it (QWindowSystemInterface::handleScreenRemoved/Added).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def screen(name: str, x: int, width: int, height: int, y: int = 0) -> dict[str, Any]:
    """One screen of a layout, at 96 dpi and device pixel ratio 1."""
    return {
        "name": name,
        "x": x,
        "y": y,
        "width": width,
        "height": height,
        "logicalDpi": 96,
        "logicalBaseDpi": 96,
        "dpr": 1.0,
    }


# A desk screen at x=0 and a 4K wall screen to its right: the two-screen setup.
TWO_SCREENS = [screen("desk", 0, 1920, 1080), screen("wall", 1920, 3840, 2160)]


def layout(screens: list[dict[str, Any]]) -> dict[str, Any]:
    """A whole offscreen configuration: no window frames, so geometry is the screen's."""
    return {"synchronousWindowSystemEvents": False, "windowFrameMargins": False, "screens": screens}


def write_layout(path: Path, screens: list[dict[str, Any]]) -> Path:
    """Write the layout JSON file that `offscreen:configfile=` reads; returns `path`."""
    path.write_text(json.dumps(layout(screens)), encoding="utf-8")
    return path


def screens_env(tmp_path: Path, screens: list[dict[str, Any]]) -> dict[str, str]:
    """The environment of a subprocess on these screens, with settings kept in `tmp_path`."""
    config = write_layout(tmp_path / "screens.json", screens)
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # QSettings' native home on Linux
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_python(
    code: str, tmp_path: Path, screens: list[dict[str, Any]] = TWO_SCREENS, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    """Run a Python snippet on these virtual screens (cwd: the repository)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=screens_env(tmp_path, screens),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_floorwatch(
    args: list[str],
    tmp_path: Path,
    screens: list[dict[str, Any]] = TWO_SCREENS,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run `floorwatch ARGS…` (as `python -m ui`) on these virtual screens."""
    return subprocess.run(
        [sys.executable, "-m", "ui", *args],
        cwd=ROOT,
        env=screens_env(tmp_path, screens),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, read from its header (no Qt needed)."""
    data = path.read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# ------------------------------------------------------------------ inside the subprocess
def set_screens(screens: list[dict[str, Any]]) -> None:
    """Give the running offscreen platform a new screen list (names are the identity).

    Qt has no Python API for this: the plugin hands out its `setConfiguration` through
    QPlatformNativeInterface::nativeResourceForIntegration (what Qt's own tests use), and
    PySide6 wraps neither that private class nor QJsonObject, so this reaches both with
    ctypes. Checked against PySide6 6.11; `_check_in_plugin` refuses to call anything that
    isn't the offscreen plugin's code rather than jump to a wrong address.
    """
    import ctypes

    import shiboken6
    from PySide6.QtCore import QByteArray, QJsonDocument, QLibraryInfo
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() != "offscreen":
        raise RuntimeError("set_screens needs the offscreen platform")
    libs = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath))
    gui, core = (
        ctypes.CDLL(str(libs / "libQt6Gui.so.6")),
        ctypes.CDLL(str(libs / "libQt6Core.so.6")),
    )
    native = gui._ZN15QGuiApplication23platformNativeInterfaceEv  # static, returns the interface
    native.restype = ctypes.c_void_p
    iface = native()
    # nativeResourceForIntegration is QPlatformNativeInterface's first virtual, after
    # QObject's 12 (metaObject, qt_metacast, qt_metacall, 2 destructors, event, eventFilter,
    # timerEvent, childEvent, customEvent, connectNotify, disconnectNotify).
    vtable = ctypes.c_void_p.from_address(iface).value
    slot = ctypes.c_void_p.from_address(vtable + 12 * ctypes.sizeof(ctypes.c_void_p)).value
    _check_in_plugin(slot)
    resource = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)(slot)
    name = QByteArray(b"setConfiguration")
    set_configuration = resource(iface, shiboken6.getCppPointer(name)[0])
    _check_in_plugin(set_configuration)
    # A C++ QJsonObject: QJsonDocument::object() returns it through a hidden result pointer.
    document = QJsonDocument.fromJson(QByteArray(json.dumps(layout(screens)).encode()))
    to_object = core._ZNK13QJsonDocument6objectEv
    to_object.restype, to_object.argtypes = None, [ctypes.c_void_p, ctypes.c_void_p]
    json_object = ctypes.create_string_buffer(64)  # a QJsonObject is one pointer
    to_object(json_object, shiboken6.getCppPointer(document)[0])
    try:
        # static void setConfiguration(const QJsonObject &, QOffscreenPlatformNativeInterface *)
        ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)(set_configuration)(
            json_object, iface
        )
    finally:
        destroy = core._ZN11QJsonObjectD1Ev
        destroy.argtypes = [ctypes.c_void_p]
        destroy(json_object)


def _check_in_plugin(address: int | None) -> None:
    import ctypes

    class DlInfo(ctypes.Structure):
        _fields_ = [
            ("fname", ctypes.c_char_p),
            ("fbase", ctypes.c_void_p),
            ("sname", ctypes.c_char_p),
            ("saddr", ctypes.c_void_p),
        ]

    info = DlInfo()
    libc = ctypes.CDLL(None)
    if (
        not address
        or not libc.dladdr(ctypes.c_void_p(address), ctypes.byref(info))
        or b"libqoffscreen" not in (info.fname or b"")
    ):
        raise RuntimeError("this Qt's offscreen plugin offers no setConfiguration")
