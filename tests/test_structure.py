"""The layering holds: no import cycle, dependencies point one way, modules stay small.

Read from the source (ast), so an import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "index", "bot")
MAX_LINES = 400
# What each layer may import from (corpus ← index ← bot.core ← front ends).
ALLOWED = {
    "corpus": {"corpus"},
    "index": {"corpus", "index"},
    "bot.core": {"corpus", "index", "bot.core"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in sorted((REPO / package).rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """The project modules `path` imports (a `from package import module` names the module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    table = modules()
    known = set(table)
    return {name: imports(path, known) - {name} for name, path in table.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path of module names, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if target.startswith(node + ".") or node.startswith(target + "."):
                continue  # a package and its own modules (an __init__ re-export) is not a cycle
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_finds_one_and_only_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycle_in_corpus_index_bot() -> None:
    assert find_cycle(import_graph()) is None


def test_dependencies_point_one_way() -> None:
    wrong = []
    for name, targets in import_graph().items():
        layer = next((prefix for prefix in ALLOWED if name == prefix or name.startswith(prefix + ".")), None)
        if layer is None:
            continue
        for target in targets:
            if not any(target == ok or target.startswith(ok + ".") for ok in ALLOWED[layer]):
                wrong.append(f"{name} → {target}")
    assert wrong == []


def test_telegram_is_imported_only_by_its_adapter() -> None:
    outside = [
        name
        for name, path in modules().items()
        if not name.startswith("bot.telegram_app")
        and any(
            isinstance(node, ast.Import | ast.ImportFrom)
            and any(
                n == "telegram" or n.startswith("telegram.")
                for n in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""])
            )
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert outside == []


def test_no_module_over_400_lines() -> None:
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
