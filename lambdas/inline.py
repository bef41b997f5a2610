"""Put a handler module into CloudFormation's inline ``Code.ZipFile``, as small as it reads.

Docstrings and comments are dropped (``ast.unparse`` keeps neither) and each indentation level
becomes one space, so that the module in the repository can stay readable and the template
small. The code that runs is otherwise the same, statement for statement.

CloudFormation once took 4096 characters of inline code. The ``AWS::Lambda::Function`` resource
schema (CloudFormation registry, as cfn-lint ships it) now says of ``ZipFile``: "This zip file
cannot exceed 4MB" (also aws/aws-cdk#20624, and troposphere's own check), so that is the limit.
"""

from __future__ import annotations

import ast
from pathlib import Path

MAX_INLINE_BYTES = 4 * 1024 * 1024


def _drop_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str):
        body = body[1:] or [ast.Pass()]
    return body


def inline_source(path: str | Path) -> str:
    """The module at ``path`` without docstrings and comments; ValueError if still too large."""
    tree = ast.parse(Path(path).read_text(), filename=str(path))
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
