"""Write generated files, or check that the committed ones match: the one way every generator
puts its output on disk."""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "templates" / "ekyc.template.json"  # read by the checks and the guide


def drift(files: dict[Path, str], root: Path = ROOT) -> list[str]:
    """For each file whose committed copy is missing or differs: its path, which of the two,
    and (when it differs) a unified diff from the committed copy to the fresh one."""
    problems = []
    for path, fresh in files.items():
        relative = path.relative_to(root)
        if not path.exists():
            problems.append(f"{relative}: missing\n")
            continue
        committed = path.read_text(encoding="utf-8")
        if committed != fresh:
            diff = difflib.unified_diff(committed.splitlines(keepends=True),
                                        fresh.splitlines(keepends=True),
                                        f"{relative} (committed)", f"{relative} (generated)")
            problems.append(f"{relative}: differs\n" + "".join(diff))
    return problems


def write(files: dict[Path, str], root: Path = ROOT) -> None:
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {path.relative_to(root)}")


def write_or_check(files: dict[Path, str], *, check: bool, what: str, command: str,
                   root: Path = ROOT) -> int:
    """Write ``files``; or (``check``) show each one missing or different and fail if any."""
    if not check:
        write(files, root)
        return 0
    problems = drift(files, root)
    for problem in problems:
        print(problem, end="" if problem.endswith("\n") else "\n")
    if problems:
        print(f"\n{len(problems)} {what} out of date: run `{command}` and commit.")
        return 1
    print(f"{len(files)} {what} match the generator.")
    return 0


def command_line(argv: list[str] | None, files, *, description: str, what: str, command: str,
                 root: Path = ROOT) -> int:
    """A generator's ``main``: write the files ``files()`` builds, or check them with
    ``--check``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true",
                        help=f"fail if a committed {what} differs from the generator")
    args = parser.parse_args(argv)
    return write_or_check(files(), check=args.check, root=root, what=f"{what}(s)",
                          command=command)
