"""The tree is the map: packages by domain, unique module names, no import cycle, and
imports only in the allowed direction (issue 14).

Every import counts, including those inside functions: a cycle hidden in a function is
still a cycle a reader has to untangle.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "carecenter"

# Lowest first. A package may import the basics, itself and the packages before it.
LAYERS = ("rules", "storage", "access", "settings", "care", "register", "pairing",
          "documents", "ledger", "overview", "demo", "cli")
BASICS = {"clock", "errors", "calendar"}
TOP_LEVEL = BASICS | {"__init__", "__main__"}
# Exceptions to the order, each with its reason.
ALLOWED_UPWARD: dict[tuple[str, str], str] = {}


def _modules() -> dict[str, Path]:
    found = {}
    for path in CORE.rglob("*.py"):
        if "versions" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The carecenter modules ``path`` imports (a package's ``__init__`` counts as it)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not node.module.startswith("carecenter"):
                continue
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                found.add(child if child in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("carecenter"))
    return {m for m in found if m in modules}


def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else ""


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_no_import_cycle_anywhere_in_the_core() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_two_product_modules_share_a_file_name() -> None:
    names = Counter(p.name for base in (CORE, ROOT / "ui") for p in base.rglob("*.py")
                    if p.name != "__init__.py" and "versions" not in p.parts)
    assert [n for n, count in names.items() if count > 1] == []


def test_only_the_basics_live_directly_in_the_core() -> None:
    top = {p.stem for p in CORE.glob("*.py")}
    assert top <= TOP_LEVEL, top - TOP_LEVEL
    packages = {p.name for p in CORE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(LAYERS)


def test_every_package_says_what_it_holds_and_what_it_may_import() -> None:
    for package in LAYERS:
        doc = ast.get_docstring(ast.parse((CORE / package / "__init__.py").read_text("utf-8")))
        assert doc and "May import" in doc, package


def test_packages_import_only_downwards() -> None:
    rank = {p: i for i, p in enumerate(LAYERS)}
    wrong = []
    for module, imported in graph().items():
        source = _package(module)
        for target in imported:
            goal = _package(target)
            if source == goal or (goal == "" and target.split(".")[-1] in BASICS):
                continue
            if goal == "":
                wrong.append(f"{module} → {target} (the core's package itself)")
            elif source == "" and module.split(".")[-1] in BASICS:
                wrong.append(f"{module} → {target} (a basic imports a package)")
            elif source and rank[goal] > rank[source] and (source, goal) not in ALLOWED_UPWARD:
                wrong.append(f"{module} → {target}")
    assert wrong == []


def test_nothing_but_the_command_line_entry_imports_cli() -> None:
    users = {m for m, imported in graph().items()
             if any(_package(t) == "cli" for t in imported) and _package(m) != "cli"}
    assert users <= {"carecenter.__main__"}


def test_storage_imports_no_domain_package_but_the_rules() -> None:
    for module, imported in graph().items():
        if _package(module) == "storage":
            assert {_package(t) for t in imported} <= {"", "storage", "rules"}, module


# The windows, lowest first: the person editor shows the care and agreement panels, the
# work list opens the visit and assessment dialogs, the shell opens everything.
UI_LAYERS = ("widgets", "access", "settings", "ledger", "pairing", "care", "documents", "register",
             "overview", "shell")


def test_the_windows_mirror_the_core_and_import_only_downwards() -> None:
    ui = ROOT / "ui"
    assert {p.name for p in ui.iterdir() if (p / "__init__.py").exists()} == set(UI_LAYERS)
    assert {p.stem for p in ui.glob("*.py")} == {"__init__"}
    rank = {p: i for i, p in enumerate(UI_LAYERS)}
    wrong = []
    for path in ui.rglob("*.py"):
        source = path.relative_to(ui).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ui."):
                goal = node.module.split(".")[1]
                if rank[goal] > rank[source]:
                    wrong.append(f"{path.relative_to(ROOT)} → {node.module}")
    assert wrong == []
