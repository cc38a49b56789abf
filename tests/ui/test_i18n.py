"""Simplified Chinese ships complete, and switching language changes the UI.

Two kinds of check: the translation file itself (every entry finished, the compiled
file in step, every marked string of the code present), and the floor window as a
supervisor sees it in Chinese (no visible text is an English string whose Chinese
entry is missing or unfinished).
"""

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableView,
    QWidget,
)

from feeds.health import FeedHealth
from tests.floors import build_floor
from ui.floor_window import FloorWindow
from ui.i18n import I18N_DIR, install_translator

TS = I18N_DIR / "floorwatch_zh_CN.ts"
UI_DIR = Path(__file__).resolve().parents[2] / "ui"
# What `make i18n` scans: the translation file holds the strings of exactly these files.
UI_SOURCES = sorted([*UI_DIR.glob("*.py"), *UI_DIR.glob("*/*.py")])


def _sources(path: Path) -> set[tuple[str, str]]:
    root = ET.parse(path).getroot()
    return {
        (ctx.findtext("name"), m.findtext("source"))
        for ctx in root.iter("context")
        for m in ctx.iter("message")
        if (m.find("translation") is None or m.find("translation").get("type")
            not in ("obsolete", "vanished"))
    }


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} ships with PySide6"
    return found


def unfinished_entries(path: Path) -> list[tuple[str, str]]:
    """(context, source) of every entry without a finished translation: empty, marked
    unfinished, or left over (vanished/obsolete) from code that no longer exists."""
    root = ET.parse(path).getroot()
    return [
        (ctx.findtext("name"), m.findtext("source"))
        for ctx in root.iter("context")
        for m in ctx.iter("message")
        if m.find("translation") is None
        or not (m.findtext("translation") or "").strip()
        or m.find("translation").get("type")
    ]


def test_every_string_has_a_finished_chinese_translation():
    assert list(ET.parse(TS).getroot().iter("message"))
    assert unfinished_entries(TS) == []


def test_an_unfinished_or_empty_entry_is_caught(tmp_path):
    """The check above is not vacuous: it names an entry left unfinished or empty."""
    text = TS.read_text(encoding="utf-8")
    first = re.search(r"<translation>([^<]+)</translation>", text)
    assert first is not None
    unfinished = text.replace(first.group(0), '<translation type="unfinished"></translation>', 1)
    path = tmp_path / "unfinished.ts"
    path.write_text(unfinished, encoding="utf-8")
    assert len(unfinished_entries(path)) == 1
    empty = text.replace(first.group(0), "<translation></translation>", 1)
    path.write_text(empty, encoding="utf-8")
    assert len(unfinished_entries(path)) == 1


def test_compiled_translation_is_in_step_with_its_source(tmp_path):
    fresh = tmp_path / "fresh.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(fresh)],
                   check=True, capture_output=True)
    assert fresh.read_bytes() == TS.with_suffix(".qm").read_bytes(), "run make i18n"


def test_translation_file_covers_every_marked_string_in_the_code(tmp_path):
    lupdate = _tool("pyside6-lupdate")
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, *map(str, UI_SOURCES), "-ts", str(fresh)],
                   check=True, capture_output=True)
    missing = _sources(fresh) - _sources(TS)
    assert not missing, f"run pyside6-lupdate and translate: {sorted(missing)}"


def test_installed_translator_switches_the_window_to_chinese(qtbot, floor):
    app = QCoreApplication.instance()
    translator = install_translator(app, "zh_CN")
    assert translator is not None
    try:
        window = FloorWindow(floor, lang="zh_CN")
        qtbot.addWidget(window)
        titles = {g.title() for g in window.queue_wall.groups.values()}
        assert titles == {"热线", "在线"}
    finally:
        app.removeTranslator(translator)
    window_en = FloorWindow(floor, lang="en")
    qtbot.addWidget(window_en)
    assert {g.title() for g in window_en.queue_wall.groups.values()} == {"Hotline", "Online"}


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="no translation"):
        install_translator(QCoreApplication.instance(), "fr_FR")


# ------------------------------------------------------- the window as it is seen
def missing_sources(tmp_path: Path, ts: Path) -> set[str]:
    """English strings the code marks (as lupdate finds them now) whose entry in `ts`,
    in their context, is absent or unfinished. Such a string is wrong wherever it shows
    in the Chinese window, whichever context put it there."""
    fresh = tmp_path / "marked.ts"
    subprocess.run([_tool("pyside6-lupdate"), *map(str, UI_SOURCES), "-ts", str(fresh)],
                   check=True, capture_output=True)
    finished = _sources(ts) - set(unfinished_entries(ts))
    return {source for _ctx, source in _sources(fresh) - finished}


def _pattern(source: str) -> re.Pattern[str]:
    """A source string as the screen shows it: {placeholders} stand for any text."""
    parts = re.split(r"\{[a-z_]*\}", source)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


def visible_texts(window: QMainWindow) -> Iterator[tuple[str, str]]:
    """(where, text) for every string a supervisor can see in the window: labels,
    buttons, group titles, combo items, placeholders, tooltips of visible widgets,
    menu titles and entries, and the agent table's headers and cells."""
    yield "window title", window.windowTitle()
    for widget in [window, *window.findChildren(QWidget)]:
        if not widget.isVisibleTo(window) and widget is not window:
            continue
        name = type(widget).__name__
        if widget.toolTip():
            yield f"{name} tooltip", widget.toolTip()
        if callable(getattr(widget, "rule_text", None)):  # a tile's tooltip, made on hover
            yield f"{name} rule tooltip", widget.rule_text()
        if isinstance(widget, QLabel):
            yield name, widget.text()
        elif isinstance(widget, QAbstractButton):
            yield name, widget.text()
        elif isinstance(widget, QGroupBox):
            yield name, widget.title()
        elif isinstance(widget, QLineEdit):
            yield f"{name} placeholder", widget.placeholderText()
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield f"{name} item", widget.itemText(i)
        elif isinstance(widget, QTableView):
            model = widget.model()
            for column in range(model.columnCount()):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    yield f"{name} header", model.headerData(
                        column, Qt.Orientation.Horizontal, role) or ""
                for row in range(min(model.rowCount(), 20)):
                    yield f"{name} cell", model.index(row, column).data() or ""
    for menu in window.menuBar().findChildren(QMenu):
        yield "menu", menu.title()
        for action in menu.actions():
            yield "menu entry", action.text()
            yield "menu entry tooltip", action.toolTip()


def _segments(text: str) -> list[str]:
    """The text whole and its parts as the window joins them (' · ', ': ', brackets,
    lines)."""
    parts = re.split(r" · |\n|[()（）]|, |: ", text)
    return [text, *(p.strip() for p in parts if p.strip())]


def untranslated_on_screen(window: QMainWindow, missing: set[str]) -> list[tuple[str, str]]:
    """Visible texts that are (or are made of) an English string lacking its Chinese."""
    # A template with no English words of its own ("{queue} ({channel})") cannot be told
    # from data on screen; its words come from other entries, checked on their own.
    patterns = [(source, _pattern(source)) for source in missing
                if re.search("[A-Za-z]", re.sub(r"\{[a-z_]*\}", "", source))]
    found = []
    for where, text in visible_texts(window):
        for segment in _segments(text):
            hits = [s for s, p in patterns if p.fullmatch(segment)]
            if hits:
                found.append((where, segment))
                break
    return sorted(set(found))


def _chinese_window(qtbot, translator_path: Path) -> tuple[FloorWindow, QTranslator]:
    app = QCoreApplication.instance()
    translator = QTranslator(app)
    assert translator.load(str(translator_path))
    app.installTranslator(translator)
    window = FloorWindow(build_floor(), lang="zh_CN")
    qtbot.addWidget(window)
    window.show()
    down = FeedHealth(url="ws://127.0.0.1:9", feed="sim", connected=False, events=10,
                      last_event_age_s=2.0, last_error="ConnectionClosedError: gone")
    window.feed_keys = ["sim"]
    window.refresh(window.floor, window.floor.take_changes(), [down])  # the banner shows
    window.agent_panel.show_queue("general")  # the waiting list shows
    window.menus.show_settings()  # a dialog's texts count too
    return window, translator


def _walk(qtbot, translator_path: Path, missing: set[str]) -> list[tuple[str, str]]:
    window, translator = _chinese_window(qtbot, translator_path)
    try:
        found = untranslated_on_screen(window, missing)
        dialog = window.menus.last_dialog
        assert dialog is not None and dialog.isVisible()
        found += [("settings dialog", text) for _w, text in untranslated_on_screen(
            _DialogAsWindow(dialog), missing)]
        return found
    finally:
        QCoreApplication.instance().removeTranslator(translator)


class _DialogAsWindow(QMainWindow):
    """Lets `untranslated_on_screen` walk a dialog (it has no menus of its own)."""

    def __init__(self, dialog: QWidget) -> None:
        super().__init__()
        self._dialog = dialog

    def windowTitle(self) -> str:  # noqa: N802 - Qt API
        return self._dialog.windowTitle()

    def findChildren(self, kind):  # noqa: N802 - Qt API
        return [] if kind is QMenu else self._dialog.findChildren(kind)

    def isVisibleTo(self, _other) -> bool:  # noqa: N802 - Qt API
        return True


def test_the_chinese_window_shows_no_english_string_left_untranslated(qtbot, tmp_path):
    missing = missing_sources(tmp_path, TS)
    found = _walk(qtbot, TS.with_suffix(".qm"), missing)
    assert found == [], (
        "visible in the Chinese window but not translated in "
        f"{TS.name} (run make i18n and translate): {found}")


def test_the_walk_catches_a_visible_string_without_its_translation(qtbot, tmp_path):
    """Drop one translation the window shows (the wall's hotline title) and the walk
    names it."""
    text = TS.read_text(encoding="utf-8")
    source = "Hotline"
    entry = re.search(r'queue_wall.py" line="\d+"/>\s*<source>Hotline</source>\s*'
                      r"<translation>[^<]*</translation>", text)
    assert entry is not None
    broken = text.replace(entry.group(0), re.sub(
        r"<translation>[^<]*</translation>", '<translation type="unfinished"></translation>',
        entry.group(0)))
    ts = tmp_path / "broken.ts"
    ts.write_text(broken, encoding="utf-8")
    qm = tmp_path / "broken.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True,
                   capture_output=True)
    missing = missing_sources(tmp_path, ts)
    assert source in missing
    found = _walk(qtbot, qm, missing)
    assert ("QLabel", source) in found  # the title over the hotline tiles
