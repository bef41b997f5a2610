"""The README and docs/: short, linked, and never carrying a count the code can make.

Figures the code can count live in generated blocks (``generators/reference_docs.py``), checked
here like the ASL is by ``make check-generated``; every relative link must lead to a file (and
to a heading, where it names one); the tests and scenarios the docs cite must exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generators import reference_docs
from statemachines.scenarios import all_scenarios

ROOT = Path(__file__).resolve().parent.parent
README_LIMIT_BYTES = 12 * 1024
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
# A number written in prose before something the code can count.
COUNTABLE = ("scenarios?", "fix(?:es)?", "workflows?", "state machines?", "routes?", "waivers?",
             "rules?", "checks?", "tests?", "states", "branches", "calls?", "rounds?",
             "targets?", "parameters?", "outputs?", "queues?", "actions?", "Lambdas?")
NUMBER = r"(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
HAND_COUNT = re.compile(rf"\b{NUMBER} (?:[a-z-]+ )?(?:{'|'.join(COUNTABLE)})\b", re.I)


def prose(text: str) -> str:
    """``text`` without code blocks and generated blocks."""
    return reference_docs.BLOCK.sub("", FENCE.sub("", text))


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the headings of ``page``."""
    headings = re.findall(r"^#+ (.*)$", FENCE.sub("", page.read_text()), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_the_readme_stays_short():
    assert (ROOT / "README.md").stat().st_size <= README_LIMIT_BYTES


def test_the_readme_names_the_command_ci_runs():
    assert "make test" in (ROOT / "README.md").read_text()
    assert "make test" in (ROOT / ".ci" / "run").read_text()


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_every_relative_link_leads_to_a_file_and_heading(page):
    broken = []
    for target in LINK.findall(FENCE.sub("", page.read_text())):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.is_file():
            broken.append(target)
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(target)
    assert broken == []


def test_the_generated_blocks_match_the_code():
    """What `make check-generated` checks: run `make synth` when this fails."""
    assert reference_docs.stale(reference_docs.artifacts()) == []


def test_every_generated_block_is_shown_somewhere():
    used = {name for page in PAGES for name in reference_docs.OPENING.findall(page.read_text())}
    assert used == set(reference_docs.BLOCKS)


def test_a_stale_or_malformed_block_is_caught():
    src = reference_docs.sources()
    page = "intro\n<!-- generated: scenario-counts -->\n| stale | 1 |\n<!-- end generated -->\n"
    fresh = reference_docs.render(page, ROOT / "docs", src)
    assert fresh != page and "| stale |" not in fresh
    assert f"**{len(src.scenarios)}**" in fresh
    assert reference_docs.render(fresh, ROOT / "docs", src) == fresh
    with pytest.raises(ValueError, match="unknown"):
        reference_docs.render("<!-- generated: nothing-like-it -->\n<!-- end generated -->\n",
                              ROOT, src)
    with pytest.raises(ValueError, match="no `<!-- end generated -->`"):
        reference_docs.render("<!-- generated: outputs -->\nno end\n", ROOT, src)


def test_the_hand_count_rule_would_see_a_count():
    assert HAND_COUNT.search("it runs 131 scenarios") and HAND_COUNT.search("three rules")
    assert not HAND_COUNT.search("one message per failure, two images per request")


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PAGES])
def test_prose_carries_no_count_the_code_can_make(page):
    if page.name == "workshop.md":
        pytest.skip("generated as a whole by the workshop guide")
    assert HAND_COUNT.findall(prose(page.read_text())) == []


def test_the_tests_and_scenarios_the_docs_cite_exist():
    defined = set()
    for module in (ROOT / "tests").glob("test_*.py"):
        defined |= set(re.findall(r"^def (test_\w+)", module.read_text(), flags=re.M))
    scenarios = {(s.workflow, s.name) for s in all_scenarios()}
    workflows = {workflow for workflow, _ in scenarios}
    missing = []
    for page in PAGES:
        text = page.read_text()
        missing += [name for name in re.findall(r"`(test_\w+)", text) if name not in defined]
        missing += [f"{workflow}:{name}"
                    for workflow, name in re.findall(r"`(\w+):([A-Za-z]\w*)[`\]]", text)
                    if workflow in workflows and (workflow, name) not in scenarios]
    assert missing == []
