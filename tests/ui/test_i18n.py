"""Simplified Chinese ships complete, and switching language changes the UI."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from ui.floor_window import FloorWindow
from ui.i18n import I18N_DIR, install_translator

TS = I18N_DIR / "floorwatch_zh_CN.ts"
UI_DIR = Path(__file__).resolve().parents[2] / "ui"


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


def test_every_string_has_a_finished_chinese_translation():
    root = ET.parse(TS).getroot()
    messages = list(root.iter("message"))
    assert messages
    unfinished = [m.findtext("source") for m in messages
                  if not m.findtext("translation") or m.find("translation").get("type")]
    assert unfinished == []


def test_compiled_translation_is_in_step_with_its_source(tmp_path):
    fresh = tmp_path / "fresh.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(fresh)],
                   check=True, capture_output=True)
    assert fresh.read_bytes() == TS.with_suffix(".qm").read_bytes(), "run make i18n"


def test_translation_file_covers_every_marked_string_in_the_code(tmp_path):
    lupdate = _tool("pyside6-lupdate")
    fresh = tmp_path / "fresh.ts"
    subprocess.run([lupdate, *map(str, sorted(UI_DIR.glob("*.py"))), "-ts", str(fresh)],
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
