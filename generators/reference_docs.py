"""Rewrite the generated blocks of README.md, CONTRIBUTING.md and docs/*.md from the code.

    python -m generators.reference_docs           # rewrite every block (part of `make synth`)
    python -m generators.reference_docs --check   # fail on drift (`make check-generated`)

A block sits between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``, each on a line
of its own, NAME being one of ``BLOCKS``. Everything between the two markers is replaced; the
prose around them is the author's. Figures the code can count (scenarios, path coverage, adapter
fixes, lint waivers, parameters, Make targets ...) live only in such blocks, so the prose never
carries a count that can drift. An unknown NAME or an opening marker without its end stops the
generator.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from generators import operations_blocks

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "templates" / "ekyc.template.json"
MAKEFILE_PATH = ROOT / "Makefile"
COMMAND = "make synth"
# Markers stand on lines of their own; a marker quoted inside a sentence is left alone.
BLOCK = re.compile(r"^(<!-- generated: ([a-z-]+) -->\n)(.*?)^(<!-- end generated -->)$",
                   re.S | re.M)
OPENING = re.compile(r"^<!-- generated: (.*?) -->$", re.M)


def documents(root: Path = ROOT) -> list[Path]:
    """The hand-written pages that may hold generated blocks."""
    pages = [root / "README.md", root / "CONTRIBUTING.md", *sorted((root / "docs").glob("*.md"))]
    return [page for page in pages if page.exists()]


def sources() -> SimpleNamespace:
    """The code whose figures the blocks show: the only imports of this module's subjects, kept
    in one place because issue 13 moves several of them (see its layout)."""
    from engine import adapter as moto_adapter
    from engine.rekognition import models as face_models
    from engine.rekognition import similarity
    from harness.path_coverage import coverages
    from harness.scenario_runner import covered_as
    from statemachines import api_common, registry
    from statemachines.asl import all_states
    from statemachines.scenarios import all_scenarios
    from templates.api import models
    from templates.policies import UNSCOPED_ACTIONS

    return SimpleNamespace(
        adapter=moto_adapter, coverages=coverages, covered_as=covered_as,
        api_workflows=registry.api_workflows(), definitions=registry.definitions(),
        api_errors=api_common.ERRORS,
        max_inline_image_chars=api_common.MAX_INLINE_IMAGE_CHARS, scenarios=all_scenarios(),
        unscoped_actions=UNSCOPED_ACTIONS, face_models=face_models,
        similarity=similarity, all_states=all_states, api_models=models())


# --- small Markdown helpers --------------------------------------------------------------------

def table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |"
              for row in rows]
    return "\n".join(lines) + "\n"


def code(text: str) -> str:
    return f"`{text}`"


def link(path: Path, here: Path, text: str | None = None) -> str:
    """A Markdown link from a page in ``here`` to ``path``, shown as its path from the root."""
    target = os.path.relpath(path, here)
    return f"[{text or code(path.relative_to(ROOT).as_posix())}]({target})"


def template() -> dict:
    return json.loads(TEMPLATE_PATH.read_text())


# --- the blocks --------------------------------------------------------------------------------

def make_targets(src: SimpleNamespace, here: Path) -> str:
    """Every Make target with its ``## `` comment, as ``make help`` lists them."""
    found = re.findall(r"^([a-z-]+):.*?## (.*)$", MAKEFILE_PATH.read_text(), flags=re.M)
    return table(("command", "what it does"), [(code(f"make {name}"), text)
                                               for name, text in found])


def scenario_counts(src: SimpleNamespace, here: Path) -> str:
    counts: dict[str, int] = {}
    for scenario in src.scenarios:
        counts[scenario.workflow] = counts.get(scenario.workflow, 0) + 1
    rows = [(code(workflow), count) for workflow, count in counts.items()]
    rows.append(("**all**", f"**{len(src.scenarios)}**"))
    return table(("state machine (test cases in `mock_config.json`)", "scenarios"), rows)


def scenario_catalogue(src: SimpleNamespace, here: Path) -> str:
    """Each scenario with its description, folded per state machine."""
    by_workflow: dict[str, list] = {}
    for scenario in src.scenarios:
        by_workflow.setdefault(scenario.workflow, []).append(scenario)
    parts = []
    for workflow, scenarios in by_workflow.items():
        rows = [(code(s.name), " ".join(s.description.split())) for s in scenarios]
        parts.append(f"<details><summary><code>{workflow}</code> ({len(scenarios)})</summary>\n\n"
                     + table(("scenario", "what it checks"), rows) + "\n</details>\n")
    return "\n".join(parts)


def path_coverage(src: SimpleNamespace, here: Path) -> str:
    """States and Choice branches the scenarios' paths go through. The tests assert that each
    execution takes its scenario's path, and `make test` fails below 100% of either."""
    coverage = src.coverages(src.definitions)
    for scenario in src.scenarios:
        coverage[src.covered_as(scenario.workflow)].add(scenario.path)
        if scenario.nested_path:
            coverage[src.covered_as(scenario.nested_workflow)].add(scenario.nested_path)

    def share(seen: int, total: int) -> str:
        return f"{seen}/{total} ({100 * seen / max(total, 1):.0f}%)"

    rows = []
    for name, covered in coverage.items():
        states = len(src.all_states(covered.definition))
        branches = len(covered.choices)
        rows.append((code(name), share(states - len(covered.missing_states), states),
                     share(branches - len(covered.missing_branches), branches)))
    return table(("state machine", "states", "Choice branches"), rows)


def adapter_fixes(src: SimpleNamespace, here: Path) -> str:
    """Number, title (the fix's section heading in the code), direction and module of each fix;
    the adapter's docstring holds the full text and the AWS document each follows."""
    package = Path(src.adapter.__file__)
    files = sorted(package.parent.rglob("*.py")) if package.name == "__init__.py" else [package]
    titles: dict[int, tuple[str, Path]] = {}
    for path in files:
        for number, title in re.findall(r"^# --- (\d+)\. (.*?) -*$", path.read_text(), re.M):
            titles.setdefault(int(number), (title, path))
    listed = "1. " + src.adapter.__doc__.split("\n1. ", 1)[1]
    entries = re.findall(r"^(\d+)\. (.*?)(?=^\S|\Z)", listed, re.S | re.M)
    rows = []
    for number, body in entries:
        title, path = titles[int(number)]
        rows.append((number, title, direction(body), link(path, here)))
    return table(("fix", "what it fixes", "direction", "where"), rows)


def direction(entry: str) -> str:
    """An adapter fix's ``Direction:`` in a few words: which way it moves the engine."""
    said = re.search(r"Direction: (.*)", " ".join(entry.split())).group(1)
    way = re.match(r"toward AWS|neutral \((?:speed|timing) only\)|harness", said).group(0)
    if way != "toward AWS":
        return way
    for words, meaning in (("both ways", "refuses and accepts like AWS"),
                           ("(refuses", "refuses like AWS"), ("(accepts", "accepts like AWS")):
        if said.startswith(f"toward AWS, {words}") or said.startswith(f"toward AWS {words}"):
            return f"{way}: {meaning}"
    return way


def natural(text: str) -> list:
    """Sort key that puts ``CKV_AWS_18`` before ``CKV_AWS_115``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def lint_waivers(src: SimpleNamespace, here: Path) -> str:
    """Every rule switched off for a resource, read from the template's ``LintWaivers``."""
    waived: dict[tuple[str, str], list[str]] = {}
    for name, resource in template()["Resources"].items():
        for rule, reason in resource.get("Metadata", {}).get("LintWaivers", {}).items():
            waived.setdefault((rule, reason), []).append(name)
    rows = sorted(((rule, "checkov" if rule.startswith("CKV_") else "cfn-lint",
                    ", ".join(code(name) for name in sorted(names)), reason)
                   for (rule, reason), names in waived.items()),
                  key=lambda row: (row[1] == "checkov", natural(row[0]), row[2]))
    return table(("rule", "tool", "resources", "why it does not apply"),
                 [(code(rule), tool, names, reason) for rule, tool, names, reason in rows])


def parameters(src: SimpleNamespace, here: Path) -> str:
    rows = []
    for name, parameter in template()["Parameters"].items():
        if "AllowedValues" in parameter:
            values = parameter["AllowedValues"]
            allowed = ", ".join(code(value) for value in values) if len(values) <= 3 else \
                f"{code(values[0])} to {code(values[-1])}, as CloudWatch Logs takes them"
        elif "MaxValue" in parameter:
            allowed = f"{parameter['MinValue']} to {parameter['MaxValue']}"
        elif "MinValue" in parameter:
            allowed = f"at least {parameter['MinValue']}"
        else:
            allowed = ""
        default = parameter.get("Default")
        shown = "(set by the deploy tool)" if default is None else code(default) if default \
            else "empty"
        rows.append((code(name), shown, allowed, parameter["Description"]))
    return table(("parameter", "default", "allowed", "meaning"), rows)


def outputs(src: SimpleNamespace, here: Path) -> str:
    return table(("output", "what it names"), [(code(name), output["Description"])
                                               for name, output in template()["Outputs"].items()])


def unscoped_actions(src: SimpleNamespace, here: Path) -> str:
    by_reason: dict[str, list[str]] = {}
    for action, reason in src.unscoped_actions.items():
        by_reason.setdefault(reason, []).append(action)
    return table(("actions", "why `*`"), [(", ".join(code(a) for a in actions), reason)
                                          for reason, actions in by_reason.items()])


def api_routes(src: SimpleNamespace, here: Path) -> str:
    rows = []
    for workflow in src.api_workflows:
        route, module = workflow.route, workflow.module
        summary = " ".join(module.__doc__.split("\n\n", 1)[0].split()).split(": ", 1)[-1]
        summary = summary[:1].upper() + summary[1:]
        (definition,) = [d for d in src.definitions if d.workflow == module.NAME]
        rows.append((code(f"{workflow.method} {route}"), summary, body(src.api_models[route][1]),
                     link(definition.path, here),
                     link(definition.path.with_suffix("").with_suffix(".svg"), here, "svg")))
    return table(("route", "what it does", "body", "workflow", "diagram"), rows)


def body(model: dict) -> str:
    """A request model's fields: the required ones, then the optional ones."""
    required = [code(name) for name in model["properties"] if name in model["required"]]
    optional = [code(name) for name in model["properties"] if name not in model["required"]]
    return ", ".join(required) + (f"; optional {', '.join(optional)}" if optional else "")


def api_errors(src: SimpleNamespace, here: Path) -> str:
    rows = sorted((status, code(error), when) for error, (status, when) in src.api_errors.items())
    return table(("HTTP status", "error", "when"), rows)


def api_limits(src: SimpleNamespace, here: Path) -> str:
    chars = src.max_inline_image_chars
    return (f"An image sent inline may carry at most {chars:,} base64 characters (about "
            f"{chars * 3 // 4 // 1024:,} KiB of image), so that two of them fit in one execution "
            "beside what the workflow keeps.\n")


def diagrams(src: SimpleNamespace, here: Path) -> str:
    rows = []
    for definition in src.definitions:
        stem = definition.path.name.removesuffix(".asl.json")
        svg, mermaid = (definition.path.with_name(stem + suffix) for suffix in (".svg", ".mmd"))
        rows.append((code(definition.workflow), link(definition.path, here, definition.filename),
                     link(svg, here, "svg"), link(mermaid, here, "mermaid")))
    return table(("workflow", "definition", "diagram", "source"), rows)


def operations_alarms(src: SimpleNamespace, here: Path) -> str:
    return table(("alarm (runbook)", "metric (statistic)", "fires at", "alarms"),
                 operations_blocks.alarm_rows(template()))


def retention_rules(src: SimpleNamespace, here: Path) -> str:
    return table(("prefix", "expires after (days)", "default", "lifecycle rule"),
                 operations_blocks.retention_rows(template()))


def face_actions(src: SimpleNamespace, here: Path) -> str:
    names = ["".join(word.title() for word in action.split("_"))
             for action in src.face_models.FaceService.ACTIONS]
    return ", ".join(code(name) for name in names) + "\n"


def face_limits(src: SimpleNamespace, here: Path) -> str:
    mib = 1024 * 1024
    return (f"`Bytes` up to {src.face_models.MAX_BYTES // mib} MiB, an `S3Object` up to "
            f"{src.face_models.MAX_S3_OBJECT // mib} MiB; a larger image is refused with "
            "`ImageTooLargeException`.\n")


def similarity_anchors(src: SimpleNamespace, here: Path) -> str:
    s = src.similarity
    return (f"`similarity = 100 / (1 + exp({s.STEEPNESS:.2f} × (distance − {s.MIDPOINT:.3f})))`:"
            f" distance {s.SAME_PERSON_CUTOFF} (dlib's usual same-person cut-off) lands on "
            f"{s.AT_CUTOFF:.0f}, Rekognition's default threshold; distance "
            f"{s.DIFFERENT_PEOPLE} lands on {s.AT_DIFFERENT_PEOPLE:.0f}. Held to: a distance of "
            f"{s.SAME_PERSON_PAIRS} or less (same-person pairs) scores "
            f"{s.SAME_PERSON_AT_LEAST:.0f} or more, a distance of {s.DIFFERENT_PAIRS:.2f} or more "
            f"scores below {s.DIFFERENT_BELOW:.0f}.\n")


def similarity_curve(src: SimpleNamespace, here: Path) -> str:
    s = src.similarity
    return table(("distance", "similarity"), [
        (f"{distance:.2f}", f"{float(s.similarity(distance)):.2f}")
        for distance in s.SHOWN_DISTANCES])


BLOCKS: dict[str, Callable[[SimpleNamespace, Path], str]] = {
    "make-targets": make_targets,
    "scenario-counts": scenario_counts,
    "scenario-catalogue": scenario_catalogue,
    "path-coverage": path_coverage,
    "adapter-fixes": adapter_fixes,
    "lint-waivers": lint_waivers,
    "parameters": parameters,
    "outputs": outputs,
    "unscoped-actions": unscoped_actions,
    "api-routes": api_routes,
    "api-errors": api_errors,
    "api-limits": api_limits,
    "diagrams": diagrams,
    "operations-alarms": operations_alarms,
    "retention-rules": retention_rules,
    "face-actions": face_actions,
    "face-limits": face_limits,
    "similarity-anchors": similarity_anchors,
    "similarity-curve": similarity_curve,
}


# --- write or check ----------------------------------------------------------------------------

def render(text: str, here: Path, src: SimpleNamespace) -> str:
    """``text`` with every generated block rewritten."""
    names = OPENING.findall(text)
    unknown = sorted(set(names) - set(BLOCKS))
    if unknown:
        raise ValueError(f"unknown generated block(s): {', '.join(unknown)}")
    blocks = BLOCK.findall(text)
    if len(blocks) != len(names):
        raise ValueError("a `<!-- generated: ... -->` marker has no `<!-- end generated -->`")
    return BLOCK.sub(lambda m: m.group(1) + BLOCKS[m.group(2)](src, here) + m.group(4), text)


def artifacts(root: Path = ROOT) -> dict[Path, str]:
    """Each page that holds generated blocks, with the blocks fresh."""
    src = sources()
    fresh = {}
    for page in documents(root):
        text = page.read_text(encoding="utf-8")
        if OPENING.search(text):
            fresh[page] = render(text, page.parent, src)
    return fresh


def stale(files: dict[Path, str]) -> list[Path]:
    return [path for path, text in files.items() if path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if a committed block differs from the code")
    args = parser.parse_args(argv)
    files = artifacts()
    if args.check:
        drifted = stale(files)
        for path in drifted:
            print(f"{path.relative_to(ROOT)}: generated blocks differ")
        if drifted:
            print(f"\nrun `{COMMAND}` (or `python -m generators.reference_docs`) and commit.")
            return 1
        print(f"generated blocks of {len(files)} pages match the code.")
        return 0
    for path, text in files.items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
