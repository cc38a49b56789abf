"""The wall's screen: fullscreen on the chosen one, remembered, following an unplug, Esc.

Two-screen cases run in a subprocess on Qt's offscreen platform with a JSON layout (see
tests/ui/screens.py): a desk screen 1920x1080 at x=0 and a wall screen 3840x2160 at
x=1920. Unplugging goes through the platform plugin (the same path a real unplug takes),
not through a hand-emitted signal.
"""

from __future__ import annotations

import json
import time

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from tests.ui.screens import png_size, run_python
from ui.wall_screens import KEY_NAME, WallPlacement, screen_problem

# Prints one JSON line per `report(...)`: where the window is and what settings hold.
PRELUDE = """
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
from tests.ui.screens import TWO_SCREENS, set_screens
from ui.wall_screens import WallPlacement
app = QApplication([])
settings = QSettings(sys.argv[1] if len(sys.argv) > 1 else SETTINGS, QSettings.Format.IniFormat)
window = QWidget()
def report(placement):
    app.processEvents()
    g = window.geometry()
    print(json.dumps({
        "screen": window.screen().name(),
        "placed_on": placement.screen.name(),
        "geometry": [g.x(), g.y(), g.width(), g.height()],
        "screens": {s.name(): [s.geometry().x(), s.geometry().y(), s.geometry().width(),
                               s.geometry().height()] for s in app.screens()},
        "fullscreen": window.isFullScreen(),
        "remembered": settings.value("wall/screen_name"),
    }))
"""


def _run(tmp_path, body: str) -> list[dict]:
    code = PRELUDE.replace("SETTINGS", repr(str(tmp_path / "settings.ini"))) + body
    started = time.monotonic()
    done = run_python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 5, "a screens subprocess must stay fast"
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_screen_one_puts_the_wall_fullscreen_on_the_second_screen(tmp_path):
    shot = tmp_path / "wall.png"
    (state,) = _run(
        tmp_path,
        f"p = WallPlacement(window, settings, 1); p.show(); report(p); window.grab().save({str(shot)!r})",
    )
    assert png_size(shot) == (3840, 2160)  # what the window draws is the screen's size
    assert state["screens"]["wall"] == [1920, 0, 3840, 2160]  # the layout took effect
    assert state["screen"] == "wall"
    assert state["fullscreen"]
    assert state["geometry"] == state["screens"]["wall"]
    assert state["remembered"] == "wall"


def test_the_chosen_screen_is_used_next_time(tmp_path):
    # Choose the desk (not what the default would pick), then start again without a choice.
    (first,) = _run(tmp_path, "p = WallPlacement(window, settings, 0); p.show(); report(p)")
    (again,) = _run(tmp_path, "p = WallPlacement(window, settings); p.show(); report(p)")
    assert first["screen"] == again["screen"] == "desk"
    assert again["geometry"] == again["screens"]["desk"]
    assert again["fullscreen"]


def test_move_to_another_screen_is_remembered(tmp_path):
    (state,) = _run(
        tmp_path, "p = WallPlacement(window, settings, 1); p.show(); p.move_to(0); report(p)"
    )
    assert state["screen"] == state["remembered"] == "desk"
    assert state["fullscreen"]
    assert state["geometry"] == state["screens"]["desk"]


def test_without_a_remembered_screen_the_wall_takes_the_non_primary_one(tmp_path):
    (state,) = _run(tmp_path, "p = WallPlacement(window, settings); p.show(); report(p)")
    assert state["screen"] == "wall"  # the desk (x=0) is the primary screen
    assert state["geometry"] == state["screens"]["wall"]


def test_unplugging_the_walls_screen_moves_it_fullscreen_to_the_other(tmp_path):
    unplug, plug_back = _run(
        tmp_path,
        """
p = WallPlacement(window, settings, 1)
p.show()
moves = []
p.moved.connect(moves.append)
set_screens(TWO_SCREENS[:1])  # the platform drops "wall": QGuiApplication.screenRemoved
report(p)
set_screens(TWO_SCREENS)  # "wall" is plugged back: QGuiApplication.screenAdded
report(p)
assert moves == ["desk", "wall"], moves
""",
    )
    assert list(unplug["screens"]) == ["desk"]
    assert unplug["screen"] == unplug["placed_on"] == "desk"
    assert unplug["fullscreen"]
    assert unplug["geometry"] == unplug["screens"]["desk"]  # Qt alone leaves it at x=1920
    assert unplug["remembered"] == "wall"  # a fallback is not a choice
    assert plug_back["screen"] == "wall"
    assert plug_back["geometry"] == plug_back["screens"]["wall"]


def test_unplugging_another_screen_leaves_the_wall_where_it_is(tmp_path):
    (state,) = _run(
        tmp_path,
        """
set_screens(TWO_SCREENS + [{**TWO_SCREENS[0], "name": "spare", "x": 5760}])
p = WallPlacement(window, settings, 0)  # on the desk; a fallback would pick "wall"
p.show()
set_screens(TWO_SCREENS)
report(p)
""",
    )
    assert state["screen"] == "desk"
    assert state["geometry"] == state["screens"]["desk"]


# ------------------------------------------------------------------ in the test process
def _settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _wall(qtbot) -> tuple[QWidget, QLabel]:
    window = QWidget()
    tile = QLabel("12", window)  # a child with focus: Esc must still reach the filter
    QVBoxLayout(window).addWidget(tile)
    tile.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    qtbot.addWidget(window)
    return window, tile


def test_esc_leaves_fullscreen_onto_the_same_screen(qtbot, tmp_path):
    window, tile = _wall(qtbot)
    placement = WallPlacement(window, _settings(tmp_path), 0)
    placement.show()
    qtbot.waitExposed(window)
    tile.setFocus()
    assert window.isFullScreen()
    qtbot.keyClick(tile, Qt.Key.Key_Escape)
    assert not window.isFullScreen()
    screen = QGuiApplication.screens()[0].geometry()
    assert screen.contains(window.geometry())
    assert window.geometry() != screen  # windowed, not still the screen's size
    placement.go_fullscreen()
    assert window.isFullScreen()
    qtbot.waitUntil(lambda: window.geometry() == screen, timeout=2000)  # a queued platform event


def test_leave_fullscreen_for_a_menu(qtbot, tmp_path):
    window, _ = _wall(qtbot)
    placement = WallPlacement(window, _settings(tmp_path), 0)
    placement.show()
    qtbot.waitExposed(window)
    placement.leave_fullscreen()
    assert not window.isFullScreen()


def test_other_keys_are_left_alone(qtbot, tmp_path):
    window, tile = _wall(qtbot)
    placement = WallPlacement(window, _settings(tmp_path), 0)
    placement.show()
    qtbot.waitExposed(window)
    qtbot.keyClick(tile, Qt.Key.Key_Space)
    assert window.isFullScreen()


def test_the_choice_is_saved_under_wall(qtbot, tmp_path):
    window, _ = _wall(qtbot)
    settings = _settings(tmp_path)
    WallPlacement(window, settings, 0)
    assert settings.value(KEY_NAME) == QGuiApplication.screens()[0].name()
    assert int(settings.value("wall/screen_index")) == 0
    assert settings.value("wall/screen_geometry") == QGuiApplication.screens()[0].geometry()


def test_screen_problem_names_the_flag_and_the_range():
    count = len(QGuiApplication.screens())
    assert screen_problem(0) is None
    assert screen_problem(count - 1) is None
    for bad in (count, -1):
        message = screen_problem(bad)
        assert message is not None and "\n" not in message
        assert f"--screen {bad}" in message
        assert f"0 to {count - 1}" in message
