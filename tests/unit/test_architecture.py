"""The direction of dependencies between feature packages, read from the source's imports.

    core <- accounts <- monitors -> notifications <- downtimes, statuspages, maintenance_windows, cases
                        monitors <- downtimes;  maintenance_windows <- cases
    statuspages, downtimes, monitors <- bindings (status pages tell it of maintenances through
                                                  their own MaintenanceListener interface)

Notifications ask "is this group muted" through their own Muter interface, so they import no
feature that mutes; downtimes reach monitors (their groups), never the reverse. A new import
against these arrows, or any cycle between features, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "recess"
FEATURES = {"accounts", "downtimes", "monitors", "notifications", "statuspages", "maintenance_windows", "cases", "bindings"}
ALLOWED = {
    "accounts": set(),
    "notifications": {"accounts"},
    "monitors": {"accounts", "notifications"},
    "downtimes": {"accounts", "monitors", "notifications"},
    "statuspages": {"accounts", "notifications"},
    "maintenance_windows": {"accounts", "notifications"},
    "cases": {"accounts", "notifications", "maintenance_windows"},
    "bindings": {"accounts", "notifications", "statuspages", "downtimes", "monitors"},
}


def _imports(path: Path) -> set[str]:
    """Every recess module `path` imports, at any depth (functions and TYPE_CHECKING blocks too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("recess."))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("recess."):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def package_graph() -> dict[str, dict[str, set[str]]]:
    """package -> imported package -> the files that make the edge."""
    graph: dict[str, dict[str, set[str]]] = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).parts
        if len(parts) < 2 or parts[0] == "migrations":
            continue
        package = parts[0]
        for module in _imports(path):
            target = module.split(".")[1]
            if target != package and (SRC / target).is_dir():
                graph.setdefault(package, {}).setdefault(target, set()).add(str(path.relative_to(SRC)))
    return graph


def test_core_imports_no_feature() -> None:
    edges = {t: files for t, files in package_graph().get("core", {}).items() if t in FEATURES}
    assert edges == {}, f"core must not depend on features: {edges}"


def test_features_depend_only_as_drawn() -> None:
    graph = package_graph()
    wrong = {
        f"{package} -> {target}": sorted(files)
        for package in FEATURES
        for target, files in graph.get(package, {}).items()
        if target in FEATURES and target not in ALLOWED[package]
    }
    assert wrong == {}, f"imports against the dependency picture: {wrong}"


def test_no_cycle_between_features() -> None:
    graph = {p: {t for t in graph_edges if t in FEATURES} for p, graph_edges in package_graph().items() if p in FEATURES}

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(node):], node]))
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*path, node])

    for start in sorted(graph):
        visit(start, [])


def test_the_graph_is_read() -> None:
    """The graph reader is not vacuous: notifications' own imports of core are found."""
    assert "core" in package_graph()["notifications"]
