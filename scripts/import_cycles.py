#!/usr/bin/env python3
"""Find import cycles among the modules of `publisher/`, counting every import.

import-linter checks the layers; this script checks what it cannot: an import
made inside a function, or a command module loaded lazily by name, still
counts here, so a cycle cannot hide behind a deferred import. Like
import-linter, `from pkg import mod` counts as importing the submodule.
Prints each cycle and exits 1 if there is any; `make lint` runs it.

Usage: python scripts/import_cycles.py [PACKAGE_DIR]
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """module -> the project modules it imports (anywhere in the file)."""
    package = root.name
    modules = {module_name(root, p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".")
                    if not is_package:
                        anchor = anchor[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from pkg import mod` imports the submodule; `from mod import name`, the module.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target.split(".")[0] == package and target != name:
                    graph[name].add(target)
        # Commands registered by module name (publisher/cli/app.py's lazy registry).
        for target in re.findall(rf'"({package}(?:\.\w+)+)"', source):
            if target in modules and target != name:
                graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[1] / "publisher")
    graph = import_graph(root.resolve())
    found = cycles(graph)
    edges = sum(len(v) for v in graph.values())
    if found:
        for component in found:
            print("import cycle: " + " <-> ".join(component))
        return 1
    print(f"no import cycles among {len(graph)} modules ({edges} imports)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
