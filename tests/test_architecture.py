"""The engine and feeds must never import Qt (ARCHITECTURE.md)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_monitor_and_feeds_sources_have_no_qt_imports():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for pkg in ("monitor", "feeds")
        for path in (ROOT / pkg).rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] in QT
    ]
    assert offenders == []


def test_monitor_imports_only_the_standard_library():
    allowed = set(sys.stdlib_module_names) | {"monitor"}
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "monitor").rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] not in allowed
    ]
    assert offenders == []


def test_importing_every_core_module_loads_no_qt():
    modules = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for pkg in ("monitor", "feeds")
        for p in (ROOT / pkg).rglob("*.py")
        if p.name != "__main__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print([m for m in sys.modules if m.split('.')[0] in {QT!r}])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
