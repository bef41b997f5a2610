"""Write every generated artifact, or with ``--check`` fail when a committed one has drifted.

    python -m scripts.synth            # write the template, the ASL files and the mock config
    python -m scripts.synth --check    # compare the committed files with a fresh build
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from statemachines import registry
from statemachines.scenarios import all_scenarios, mock_config
from templates import ekyc

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "templates" / "ekyc.template.json"
MOCK_CONFIG_PATH = ROOT / "statemachines" / "mock_config.json"


def render(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def artifacts() -> dict[Path, str]:
    """Every generated file and its content, built fresh from the Python sources."""
    files = {definition.path: render(definition.build())
             for definition in registry.definitions()}
    files[TEMPLATE_PATH] = render(ekyc.build().to_dict())
    files[MOCK_CONFIG_PATH] = render(mock_config(all_scenarios()))
    return files


def views() -> dict[Path, str]:
    """Files drawn from the committed definitions and template: the diagrams and the
    workshop guide (written after those, so that they show what was just generated)."""
    from scripts import diagrams, workshop_guide

    return {**diagrams.artifacts(), **workshop_guide.artifacts()}


def drift(files: dict[Path, str]) -> list[str]:
    """A unified diff for each committed file that differs from its fresh build."""
    problems = []
    for path, fresh in files.items():
        committed = path.read_text() if path.exists() else ""
        if committed != fresh:
            relative = path.relative_to(ROOT)
            diff = difflib.unified_diff(committed.splitlines(keepends=True),
                                        fresh.splitlines(keepends=True),
                                        f"{relative} (committed)", f"{relative} (generated)")
            problems.append("".join(diff) or f"{relative}: missing\n")
    return problems


def write(files: dict[Path, str], root: Path = ROOT) -> None:
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path.relative_to(root)}")


def write_or_check(files: dict[Path, str], *, check: bool, root: Path, what: str,
                   command: str) -> int:
    """Write ``files``, or (``check``) name each one missing or different and fail if any."""
    if not check:
        write(files, root)
        return 0
    stale = [path for path, content in files.items()
             if not path.exists() or path.read_text(encoding="utf-8") != content]
    for path in stale:
        print(f"{path.relative_to(root)}: {'differs' if path.exists() else 'missing'}")
    if stale:
        print(f"\n{len(stale)} {what} out of date: run `{command}`.")
        return 1
    print(f"{len(files)} {what} match the generator.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if committed artifacts differ from the generator")
    args = parser.parse_args(argv)
    files = artifacts()
    if args.check:
        problems = drift(files) + drift(views())
        files = {**files, **views()}
        for problem in problems:
            sys.stdout.write(problem)
        if problems:
            print(f"\n{len(problems)} generated file(s) drifted: run `make synth` and commit.")
            return 1
        print(f"{len(files)} generated files match the generator.")
        return 0
    write(files)
    write(views())  # drawn from the files just written
    return 0


if __name__ == "__main__":
    sys.exit(main())
