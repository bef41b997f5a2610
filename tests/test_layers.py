"""The code base's layers, held to the layout: imports only go down, no import circle, nothing
edits ``sys.path``. Every module of the repository is read with ``ast``, the imports inside
functions included; with ``python -m`` from the repository's root and pytest's
``pythonpath = ["."]`` every package is found without touching ``sys.path``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {"build", "dist", "node_modules", "__pycache__"}  # and every hidden folder (.venv)

# Lowest first. A package imports from the layers below its own, or from a peer of its own layer
# (no circle: test_no_import_circle_between_packages).
LAYERS = (
    {"contract"},  # the user item's attributes, key prefixes, thresholds, EKYC_* variables
    {"statemachines", "templates", "lambdas"},  # what is deployed
    {"engine", "deploy", "client", "generators", "harness"},  # what runs, ships, uses, tests it
    {"scripts"},  # what a person runs
    {"bench"},
    {"tests"},
)
# The product never imports the test harness, even where it is a peer ("the CLI never imports
# test code").
PRODUCT = {"contract", "statemachines", "templates", "lambdas", "engine", "deploy", "client"}
TEST_CODE = {"harness", "bench", "tests"}


def source_files() -> dict[str, Path]:
    """Every module of the repository by its dotted name."""
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        folders = path.relative_to(ROOT).parts[:-1]
        if any(part.startswith(".") or part in SKIPPED for part in folders):
            continue
        parts = [*folders, path.stem] if path.stem != "__init__" else list(folders)
        if parts:
            found[".".join(parts)] = path
    return found


MODULES = source_files()
OURS = {name.split(".")[0] for name in MODULES} | set().union(*LAYERS)


def package_of(module: str) -> str:
    return module.split(".")[0]


def layer_of(package: str) -> int:
    return next(index for index, packages in enumerate(LAYERS) if package in packages)


def imported(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, module) of each import of ours in ``path``, wherever it stands in the file: a
    name imported from a package counts as its submodule when there is one."""
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".")[: len(module.split(".")) - node.level + is_package]
                base = ".".join([*package, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                     for alias in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(
                node.func, "id", None)) in ("import_module", "__import__") and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            names = [node.args[0].value]
        found += [(node.lineno, name) for name in names if name.split(".")[0] in OURS]
    return found


IMPORTS = {module: imported(module, path) for module, path in MODULES.items()}


def test_every_package_has_a_layer():
    unplaced = {package_of(module) for module in MODULES} - set().union(*LAYERS)
    assert unplaced == set(), "add each new package to LAYERS"


def goes_up(importer: str, target: str) -> bool:
    """Whether package ``importer`` importing package ``target`` breaks the layering."""
    return importer != target and (layer_of(target) > layer_of(importer) or
                                   (importer in PRODUCT and target in TEST_CODE))


def test_nothing_imports_upward():
    wrong = [f"{MODULES[module].relative_to(ROOT)}:{line} imports {name}"
             for module, found in IMPORTS.items() for line, name in found
             if goes_up(package_of(module), package_of(name))]
    assert wrong == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected parts of ``graph`` with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for after in sorted(graph.get(node, ())):
            if after not in index:
                visit(after)
                low[node] = min(low[node], low[after])
            elif after in stack:
                low[node] = min(low[node], index[after])
        if low[node] == index[node]:
            part = []
            while not part or part[-1] != node:
                part.append(stack.pop())
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_between_packages():
    graph: dict[str, set[str]] = {}
    for module, found in IMPORTS.items():
        graph.setdefault(package_of(module), set()).update(
            package_of(name) for _, name in found if package_of(name) != package_of(module))
    assert cycles(graph) == []


def test_no_import_circle_between_modules():
    graph: dict[str, set[str]] = {}
    for module, found in IMPORTS.items():
        graph.setdefault(module, set()).update(
            name for _, name in found if name in IMPORTS and name != module)
    assert cycles(graph) == []


def edits_sys_path(node: ast.AST) -> bool:
    def is_sys_path(target: ast.AST) -> bool:
        while isinstance(target, ast.Subscript | ast.Attribute) and not (
                isinstance(target, ast.Attribute) and target.attr == "path"):
            target = target.value
        return isinstance(target, ast.Attribute) and target.attr == "path" and \
            isinstance(target.value, ast.Name) and target.value.id == "sys"

    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return is_sys_path(node.func.value) or node.func.attr == "addsitedir"
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
        targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
        return any(is_sys_path(target) for target in targets)
    return False


def test_nothing_edits_sys_path():
    edits = [f"{path.relative_to(ROOT)}:{node.lineno}" for path in MODULES.values()
             for node in ast.walk(ast.parse(path.read_text())) if edits_sys_path(node)]
    assert edits == []


def test_the_guard_sees_what_it_guards():
    """The rules refuse what they should; the walk reaches imports inside functions and relative
    ones; a sys.path edit and a circle are spotted."""
    assert [goes_up(*pair) for pair in [("client", "harness"), ("engine", "scripts"),
                                        ("statemachines", "engine"), ("bench", "tests"),
                                        ("scripts", "engine"), ("harness", "client"),
                                        ("tests", "bench")]] == [True] * 4 + [False] * 3
    assert "engine.adapter.awslambda" in [name for _, name in IMPORTS["engine.adapter"]]
    assert "engine.rekognition.engine" in [name for _, name in
                                           IMPORTS["engine.rekognition.models"]]
    sample = ast.parse("def f():\n    import sys\n    sys.path.insert(0, '.')\n")
    assert any(edits_sys_path(node) for node in ast.walk(sample))
    assert not any(edits_sys_path(node) for node in ast.walk(ast.parse("x = sys.path[0]")))
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
