"""The builder package has no import loop: no module imports, even lazily inside a
function, a module that imports it back (directly or through others). A submodule's
import of its own package (a registry's base class) is not a loop: Python runs the
package first anyway. Imports only for type checkers do not count."""

from __future__ import annotations

import ast
from pathlib import Path

BUILDER = Path(__file__).resolve().parent.parent / "builder"


def modules() -> dict[str, Path]:
    out = {}
    for path in BUILDER.rglob("*.py"):
        parts = list(path.relative_to(BUILDER.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]) -> dict[str, int]:
    """The builder modules ``name`` imports (-> line), with the packages they sit in."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
                   for b in node.body for n in ast.walk(b)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: dict[str, int] = {}
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            while target and target != "builder":  # the module and the packages it is in
                if target != name and not name.startswith(target + "."):
                    out.setdefault(target, node.lineno)
                target = target.rpartition(".")[0]
    return out


def loops(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_builder_package_has_no_import_loop():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    described = [
        "; ".join(f"{a} -> {b} (line {graph[a][b]})" for a in group for b in graph[a]
                  if b in group) for group in loops(graph)]
    assert described == []


def test_the_check_finds_a_loop():
    graph = {"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {"a": 4}}
    assert loops(graph) == [["a", "b", "c"]]
