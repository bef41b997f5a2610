"""Validate every generated ASL file with statelint and with the local engine's parser.

cfn-lint checks the definitions against a JSON schema only; statelint also finds dangling
``Next`` targets, unreachable states, bad paths and a ``Resource`` that is not a URI (the
``${Placeholders}`` sit in ``Parameters``, never in a ``Resource``), and moto's parser is the
engine the local tests run on. statelint knows no JSONPath filter expressions
(``$.a[?(@.type == 'X')].b``), which Step Functions accepts in ``Parameters`` and
``ResultSelector`` (not in reference paths): statelint sees such a path as a plain
``$.filtered`` one, the engine's parser sees it as written.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from statelint.config import Config
from statelint.linter import Linter

from generators.output import ROOT

FILTER_PATH = re.compile(r'"(\$[^"]*\[\?\([^"]*)"')


def problems(path: Path) -> list[str]:
    text = path.read_text()
    found = Linter.validate(FILTER_PATH.sub('"$.filtered"', text), Config())
    try:
        AmazonStateLanguageParser.parse(text)
    except Exception as error:  # the parser raises assorted types; all mean "refused"
        found.append(f"local engine parser: {type(error).__name__}: {error}")
    return found


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv or [])] or sorted((ROOT / "statemachines").glob("*.asl.json"))
    if not paths:
        print("no ASL files found: run `make synth` first")
        return 1
    failed = 0
    for path in paths:
        found = problems(path)
        status = "ok" if not found else f"{len(found)} problem(s)"
        print(f"{path.name}: {status}")
        for problem in found:
            print(f"  {problem}")
        failed += bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
