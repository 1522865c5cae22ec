"""The package layout is the architecture: layers import only downwards, no cycles, no private
imports across modules. Every import counts, including those inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "thresholdkit"

#: Bottom to top; a module may import its own layer and those before it.
LAYERS = ["model", "data", "areas", "rules", "batch", "render", "authoring", "cli"]
#: Modules at the package root: ``__init__`` (the version) is below everything; ``api`` and
#: ``__main__`` sit on top.
ROOT_RANK = {"thresholdkit": -1, "thresholdkit.api": len(LAYERS), "thresholdkit.__main__": len(LAYERS) + 1}


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def rank(module: str) -> int:
    if module in ROOT_RANK:
        return ROOT_RANK[module]
    parts = module.split(".")
    assert parts[1] in LAYERS, f"{module} is in no layer: put it in one of {LAYERS}"
    return LAYERS.index(parts[1])


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path, known: dict[str, Path]) -> list[tuple[str, list[str], int]]:
    """(imported module, names, line) for every thresholdkit import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("thresholdkit")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("thresholdkit"):
            names = [a.name for a in node.names]
            # "from thresholdkit.pkg import mod" imports the module pkg.mod
            submodules = [f"{node.module}.{n}" for n in names if f"{node.module}.{n}" in known]
            if submodules:
                found += [(m, [], node.lineno) for m in submodules]
            else:
                found.append((node.module, names, node.lineno))
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {m for m, _, _ in imports(path, known) if m != name} for name, path in known.items()}


def test_every_module_is_in_a_layer():
    for name in modules():
        rank(name)


def test_layers_import_only_downwards():
    known = modules()
    wrong = []
    for name, path in known.items():
        for target, _names, line in imports(path, known):
            if target in known and rank(target) > rank(name):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {name} imports {target} (a higher layer)")
    assert wrong == []


def test_no_private_imports_across_modules():
    known = modules()
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line}: from {target} import {n}"
        for name, path in known.items()
        for target, names, line in imports(path, known)
        for n in names
        if n.startswith("_") and not n.startswith("__") and target != name
    ]
    assert wrong == []


def test_no_import_cycles():
    g = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g.get(node, ())):
            if nxt not in g:
                continue
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(g):
        if node not in state:
            visit(node)
    # a package importing its own submodules is not a cycle of modules
    real = [c for c in cycles if not all(c[0].startswith(m) or m.startswith(c[0]) for m in c)]
    assert real == [], " ; ".join(" -> ".join(c) for c in real)


def test_core_names_no_concrete_plugin_class():
    """Only the data plugin itself knows its class and its attributes: the core goes through hooks."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "dataplugin.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = (isinstance(node, ast.Name) and node.id == "DataPlugin") or (
                isinstance(node, ast.alias) and node.name == "DataPlugin"
            )
            attr = isinstance(node, ast.Attribute) and node.attr == "data_dir"
            if named or attr:
                offenders.append(f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', '?')}")
    assert offenders == []
