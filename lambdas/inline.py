"""Fit a handler module into CloudFormation's inline ``Code.ZipFile`` (4096 bytes at most).

The module is parsed and written back with ``ast.unparse`` without its docstrings (comments
are gone with the parse), then with one space per indentation level and no space that Python
does not need between tokens. So the module in the repository can stay readable, and the code
that runs is the same program: each shortening is checked against the unparsed AST.
"""

from __future__ import annotations

import ast
import io
import tokenize
from pathlib import Path

MAX_INLINE_BYTES = 4096
FSTRING_MIDDLE = getattr(tokenize, "FSTRING_MIDDLE", None)


def inline_source(path: str | Path) -> str:
    """The module at ``path`` made short; ValueError if it is still larger than the limit."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            node.body = _without_docstring(node.body)
    source = ast.unparse(tree) + "\n"
    shorter = _tighten(source)
    if _same_program(shorter, source):
        source = shorter
    size = len(source.encode())
    if size > MAX_INLINE_BYTES:
        raise ValueError(f"{path}: {size} bytes once inlined, more than the {MAX_INLINE_BYTES} "
                         "CloudFormation allows in Code.ZipFile; make the module smaller")
    return source


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        return body[1:] or [ast.Pass()]
    return body


def _tighten(source: str) -> str:
    """One space per indentation level, no blank lines, a space between tokens only where two
    words would otherwise merge (``not x``, ``in f'...'``)."""
    lines, line, depth = [], "", 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.INDENT:
            depth += 1
        elif token.type == tokenize.DEDENT:
            depth -= 1
        elif token.type == tokenize.NEWLINE:
            lines.append(" " * depth + line)
            line = ""
        elif token.type not in (tokenize.NL, tokenize.ENDMARKER):
            text = token.string
            if token.type == FSTRING_MIDDLE:  # Python 3.12+ tokenizes f-strings, braces undoubled
                text = text.replace("{", "{{").replace("}", "}}")
            if _word_char(line[-1:]) and _word_char(text[:1]):
                line += " "
            line += text
    return "\n".join(lines) + "\n"


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _same_program(candidate: str, source: str) -> bool:
    try:
        return ast.dump(ast.parse(candidate)) == ast.dump(ast.parse(source))
    except SyntaxError:
        return False
