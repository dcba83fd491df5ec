"""The layers of docs/architecture.md, checked on the code's imports (function-local ones too):
no module imports itself back through others, and each package imports only the layers below.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "cli", "services", "storage", "ocr", "models", "synth", "bench")
MAY_IMPORT = {
    "models": set(),
    "ocr": {"models"},
    "storage": {"models"},
    "services": {"models", "ocr", "storage"},
    "api": {"models", "services"},
    "cli": {"models", "ocr", "services", "api"},  # `sohoa serve` runs the API; `sohoa ocr` ocr/
    "synth": {"models", "ocr"},
    "bench": {"models", "ocr", "storage", "services", "api", "synth"},  # bench/counter: the API
}


def _graph() -> dict[str, set[str]]:
    modules: dict[str, Path] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # a migration keeps its own copy of what it needs
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {module: set() for module in modules}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            for name in names:
                target = resolve(name)
                if target is not None and target != module:
                    graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back() -> None:
    assert _cycles(_graph()) == []


def test_each_package_imports_only_the_layers_below_it() -> None:
    crossing = sorted(
        f"{module} -> {target}"
        for module, targets in _graph().items()
        for target in targets
        if target.split(".")[0] != module.split(".")[0]
        and target.split(".")[0] not in MAY_IMPORT[module.split(".")[0]]
    )
    assert crossing == []


def test_use_cases_see_domain_models_not_catalog_rows() -> None:
    rows = sorted(
        f"{module} -> {target}"
        for module, targets in _graph().items()
        for target in targets
        if module.split(".")[0] in ("services", "api", "cli") and target == "storage.catalog.tables"
    )
    assert rows == []
