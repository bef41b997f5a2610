"""Put a handler module into CloudFormation's inline ``Code.ZipFile``, as small as it reads.

Docstrings and comments are dropped (``ast.unparse`` keeps neither) and each indentation level
becomes one space, so that the module in the repository can stay readable and the template
small. The code that runs is otherwise the same, statement for statement.

The handler may import values from ``contract`` (the package every layer agrees on), which the
Lambda runtime does not have: each such name is replaced by its value, a plain constant, and
the import is dropped. So the inlined code reads ``'rek_faceid'`` where the module says
``FACE_ID``, exactly as if the literal had been written there.

CloudFormation once took 4096 characters of inline code. The ``AWS::Lambda::Function`` resource
schema (CloudFormation registry, as cfn-lint ships it) now says of ``ZipFile``: "This zip file
cannot exceed 4MB" (also aws/aws-cdk#20624, and troposphere's own check), so that is the limit.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

MAX_INLINE_BYTES = 4 * 1024 * 1024
CONTRACT = "contract"
# What can stand in the code as a literal.
CONSTANT_TYPES = (str, int, float, bool, type(None))


def _drop_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str):
        body = body[1:] or [ast.Pass()]
    return body


def _is_constant(value) -> bool:
    if isinstance(value, tuple):
        return all(_is_constant(element) for element in value)
    return isinstance(value, CONSTANT_TYPES)


class _ContractValues(ast.NodeTransformer):
    """Replaces each name imported from ``contract`` (and attributes read off it) by its value."""

    def __init__(self, imported: dict[str, object]):
        self.imported = imported

    def _value(self, node: ast.expr):
        if isinstance(node, ast.Name) and node.id in self.imported:
            return True, self.imported[node.id]
        if isinstance(node, ast.Attribute):
            found, owner = self._value(node.value)
            if found:
                return True, getattr(owner, node.attr)
        return False, None

    def _fold(self, node: ast.expr) -> ast.expr:
        found, value = self._value(node)
        if found and isinstance(node.ctx, ast.Load) and _is_constant(value):
            return ast.copy_location(ast.Constant(value), node)
        return self.generic_visit(node)

    visit_Name = visit_Attribute = _fold


def _inline_contract(tree: ast.Module, path: str | Path) -> None:
    imported: dict[str, object] = {}
    body = []
    for statement in tree.body:
        if isinstance(statement, ast.ImportFrom) and \
                (statement.module or "").split(".")[0] == CONTRACT:
            module = importlib.import_module(statement.module)
            for alias in statement.names:
                imported[alias.asname or alias.name] = getattr(module, alias.name)
        else:
            body.append(statement)
    tree.body = body
    _ContractValues(imported).visit(tree)
    left = sorted({node.id for node in ast.walk(tree)
                   if isinstance(node, ast.Name) and node.id in imported})
    if left:
        raise ValueError(f"{path}: {', '.join(left)} from {CONTRACT} is not read as a constant "
                         "(a string, a number or a tuple of them), so it cannot be inlined")


def inline_source(path: str | Path) -> str:
    """The module at ``path`` without docstrings and comments, with the ``contract`` values it
    imports written in; ValueError if still too large."""
    tree = ast.parse(Path(path).read_text(), filename=str(path))
    _inline_contract(tree, path)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            node.body = _drop_docstring(node.body)
    # ast.unparse writes one statement per line and strings without raw newlines, so every
    # run of leading spaces is indentation, four per level.
    lines = []
    for line in ast.unparse(tree).splitlines():
        code = line.lstrip(" ")
        lines.append(" " * ((len(line) - len(code)) // 4) + code)
    source = "\n".join(lines) + "\n"
    size = len(source.encode())
    if size > MAX_INLINE_BYTES:
        raise ValueError(f"{path}: {size} bytes inline, more than CloudFormation's "
                         f"{MAX_INLINE_BYTES} for Code.ZipFile; deploy it as a package")
    return source
