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


# ---------------------------------------------------------------- import contract
# Layers, highest first: a module may import its own layer and the ones below it,
# never one above. Inside and across packages the module graph has no cycles.
# The checker reads source only (ast), so it also sees imports inside functions, the
# lazy ones a run-time check of sys.modules would miss; imports under
# `if TYPE_CHECKING:` never run and are skipped.
LAYERS = ("ui", "feeds", "monitor")

Graph = dict[str, dict[str, str]]  # module -> {imported module: "path:line" of first import}


def find_modules(root: Path, packages: tuple[str, ...] = LAYERS) -> dict[str, Path]:
    """Dotted module name -> file, for every .py under the given top-level packages."""
    modules: dict[str, Path] = {}
    for pkg in packages:
        for path in sorted((root / pkg).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _ImportCollector(ast.NodeVisitor):
    """(absolute name, line) of each import that can run; relative ones made absolute."""

    def __init__(self, package: tuple[str, ...]) -> None:
        self.package = package  # the importing module's package, as parts
        self.found: list[tuple[str, int]] = []

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:  # the else branch does run
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found += [(alias.name, node.lineno) for alias in node.names]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package[:len(self.package) - (node.level - 1)]
            source = ".".join([*base, *([node.module] if node.module else [])])
        else:
            source = node.module or ""
        # `from pkg import name`: name may be a submodule (an edge to it) or an attribute
        # of pkg (an edge to pkg); resolve_import tells them apart.
        self.found += [(f"{source}.{alias.name}" if alias.name != "*" else source, node.lineno)
                       for alias in node.names]


def resolve_import(name: str, modules: dict[str, Path]) -> str | None:
    """The module an import name lands in: the longest known prefix, or None if outside."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def import_graph(root: Path, packages: tuple[str, ...] = LAYERS) -> Graph:
    """Edges between the modules under `packages`, read from their source."""
    modules = find_modules(root, packages)
    graph: Graph = {}
    for module, path in modules.items():
        parts = tuple(module.split("."))
        package = parts if path.name == "__init__.py" else parts[:-1]
        collector = _ImportCollector(package)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        edges = graph.setdefault(module, {})
        for name, line in collector.found:
            target = resolve_import(name, modules)
            if target is not None and target != module:
                edges.setdefault(target, f"{path.relative_to(root)}:{line}")
    return graph


def layer_violations(graph: Graph, layers: tuple[str, ...] = LAYERS) -> list[str]:
    """Each import of a higher layer, as `low.module imports high.module (path:line)`."""
    rank = {name: i for i, name in enumerate(layers)}  # 0 = highest
    out = []
    for module, edges in sorted(graph.items()):
        own = rank.get(module.split(".")[0])
        for target, where in sorted(edges.items()):
            other = rank.get(target.split(".")[0])
            if own is not None and other is not None and other < own:
                out.append(f"{module} imports {target} ({where})")
    return out


def strongly_connected(graph: Graph) -> list[list[str]]:
    """Tarjan's components with more than one module (iterative; sorted for stable output)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def _shortest_cycle(graph: Graph, start: str, within: set[str]) -> list[str]:
    """start -> ... -> start, fewest hops, staying inside one component."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.get(node, ())):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if child in within and child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"{start} is in a component but on no cycle")  # pragma: no cover


def import_cycles(graph: Graph) -> list[str]:
    """One readable chain per cycle group: `a -> b -> a (a.py:3, b.py:7)`."""
    out = []
    for component in strongly_connected(graph):
        chain = _shortest_cycle(graph, component[0], set(component))
        where = ", ".join(graph[a][b] for a, b in zip(chain, chain[1:], strict=False))
        text = f"{' -> '.join(chain)} ({where})"
        if len(component) > len(chain) - 1:
            text += f"; all entangled: {', '.join(component)}"
        out.append(text)
    return out


def test_layers_ui_over_feeds_over_monitor():
    """monitor imports neither feeds nor ui; feeds never imports ui."""
    assert layer_violations(import_graph(ROOT)) == []


def test_no_import_cycles():
    assert import_cycles(import_graph(ROOT)) == []


def test_the_checker_sees_the_real_imports():
    """A checker that parsed nothing would pass everything: pin a few known edges."""
    graph = import_graph(ROOT)
    assert "monitor.erlang" in graph["ui.cli.erlang"]  # absolute `from monitor.erlang import`
    assert "ui.app" in graph["ui.cli.demo"]  # inside a function
    assert "ui.cli.common" in graph["ui.cli.demo"]  # relative `from .common import`
    assert "feeds.sim.serve" not in graph["ui.cli.common"]  # only under TYPE_CHECKING


# The same checker on small made-up trees: each contract fails when broken.
def _tree(root: Path, files: dict[str, str]) -> Path:
    for pkg in LAYERS:
        (root / pkg).mkdir(parents=True, exist_ok=True)
        (root / pkg / "__init__.py").touch()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


CLEAN = {
    "monitor/events.py": "import json\n",
    "monitor/floor.py": "from .events import x\nfrom monitor import events\n",
    "feeds/sub/__init__.py": "",
    "feeds/sub/source.py": (
        "from typing import TYPE_CHECKING\n"
        "from monitor import floor\n"
        "from .. import wire\n"
        "if TYPE_CHECKING:\n    from ui.app import Window\n"
    ),
    "feeds/wire.py": "import monitor.events\n",
    "ui/app.py": "import feeds.sub.source\nfrom monitor.floor import Floor\n",
}


def test_checker_passes_a_clean_tree(tmp_path):
    graph = import_graph(_tree(tmp_path, CLEAN))
    assert graph["feeds.sub.source"] == {"monitor.floor": "feeds/sub/source.py:2",
                                         "feeds.wire": "feeds/sub/source.py:3"}
    assert layer_violations(graph) == []
    assert import_cycles(graph) == []


def test_checker_fails_when_monitor_imports_feeds(tmp_path):
    files = dict(CLEAN)
    files["monitor/floor.py"] += "def late():\n    from feeds.wire import decode\n"
    graph = import_graph(_tree(tmp_path, files))
    assert layer_violations(graph) == ["monitor.floor imports feeds.wire (monitor/floor.py:4)"]


def test_checker_fails_when_monitor_imports_ui(tmp_path):
    files = dict(CLEAN, **{"monitor/events.py": "import ui\n"})
    assert layer_violations(import_graph(_tree(tmp_path, files))) == [
        "monitor.events imports ui (monitor/events.py:1)"]


def test_checker_fails_when_feeds_imports_ui(tmp_path):
    files = dict(CLEAN, **{"feeds/wire.py": "import monitor.events\nimport ui.app as app\n"})
    assert layer_violations(import_graph(_tree(tmp_path, files))) == [
        "feeds.wire imports ui.app (feeds/wire.py:2)"]


def test_checker_fails_on_a_two_module_cycle(tmp_path):
    files = dict(CLEAN, **{"monitor/a.py": "from . import b\n",
                           "monitor/b.py": "def f():\n    from monitor.a import thing\n"})
    assert import_cycles(import_graph(_tree(tmp_path, files))) == [
        "monitor.a -> monitor.b -> monitor.a (monitor/a.py:1, monitor/b.py:2)"]


def test_checker_fails_on_a_cycle_through_a_package_init(tmp_path):
    files = dict(CLEAN, **{"feeds/sub/__init__.py": "from .source import Source\n",
                           "feeds/sub/source.py": "from feeds.sub import helper\n"})
    assert import_cycles(import_graph(_tree(tmp_path, files))) == [
        "feeds.sub -> feeds.sub.source -> feeds.sub "
        "(feeds/sub/__init__.py:1, feeds/sub/source.py:1)"]


def test_checker_names_every_module_of_a_larger_knot(tmp_path):
    files = dict(CLEAN, **{"ui/a.py": "import ui.b\nimport ui.c\n", "ui/b.py": "import ui.a\n",
                           "ui/c.py": "import ui.b\n"})
    assert import_cycles(import_graph(_tree(tmp_path, files))) == [
        "ui.a -> ui.b -> ui.a (ui/a.py:1, ui/b.py:1); all entangled: ui.a, ui.b, ui.c"]
