"""The diagrams (Mermaid and SVG) drawn from the committed ASL files."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from generators import workshop_guide
from generators.diagrams import cli, edges, mermaid, placement, svg
from statemachines.asl import all_states, branch_of, nested, targets
from statemachines.registry import definitions

DEFINITIONS = definitions()

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
FILES = {definition.filename: json.loads(definition.path.read_text(encoding="utf-8"))
         for definition in DEFINITIONS}
IDS = sorted(FILES)

# A small machine with what the real ones lack: a loop, a self-loop, a nested Parallel and
# names full of characters that Mermaid and XML treat specially.
AWKWARD = {
    "Comment": 'Loops & <quotes> "here"',
    "StartAt": 'Start "here" & <now>',
    "States": {
        'Start "here" & <now>': {"Type": "Pass", "Next": "Again? | #1"},
        "Again? | #1": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.n", "NumericLessThan": 3, "Next": 'Start "here" & <now>'},
                {"Variable": "$.n", "NumericEquals": 3, "Next": "Again? | #1"},
                {"And": [{"Variable": "$.x", "IsPresent": True},
                         {"Variable": "$.x", "StringEquals": "y"}], "Next": "Fan out"},
            ],
            "Default": "Give up",
        },
        "Fan out": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {
                    "Left": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                             "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Left failed"}],
                             "End": True},
                    "Left failed": {"Type": "Pass", "End": True}}},
                {"StartAt": "Inner", "States": {
                    "Inner": {"Type": "Parallel", "End": True, "Branches": [
                        {"StartAt": "Deep", "States": {"Deep": {"Type": "Succeed"}}}]}}},
            ],
            "Next": "Done",
        },
        "Give up": {"Type": "Fail", "Error": "GaveUp"},
        "Done": {"Type": "Succeed"},
    },
}
ALL_IDS = [*IDS, "awkward"]


def definition_for(name: str) -> dict:
    return AWKWARD if name == "awkward" else FILES[name]


def unescape_mermaid(text: str) -> str:
    named = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
    return re.sub(r"#(\w+);", lambda m: named.get(m.group(1)) or chr(int(m.group(1))), text)


# A label may hold none of the characters that end it or that Mermaid reads as markup: they
# must arrive as entity codes (#quot; #lt; ...).
LABEL = r'"([^"<>|`]*)"'
NODE = re.compile(r"^\s*(s_\w+)(\(\(|\(\[|\[\[|\[|\(|\{)" + LABEL
                  + r"(\)\)|\]\)|\]\]|\]|\)|\})(?::::\w+)?$")
EDGE = re.compile(r"^\s*(\w+) (-->|-\.->|==>|~~~)(?:\|" + LABEL + r"\|)? (\w+)$")


def parse_mermaid(text: str) -> tuple[dict[str, list[str]], list[tuple[str, str, str, str]]]:
    """Node declarations (id -> labels) and edges (source, arrow, label, target)."""
    nodes: dict[str, list[str]] = {}
    edges = []
    for line in text.splitlines():
        if match := NODE.match(line):
            nodes.setdefault(match.group(1), []).append(unescape_mermaid(match.group(3)))
        elif match := EDGE.match(line):
            edges.append((match.group(1), match.group(2),
                          unescape_mermaid(match.group(3) or ""), match.group(4)))
    return nodes, edges


# --- Mermaid --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_IDS)
def test_mermaid_has_one_node_per_state_and_one_edge_per_transition(name):
    definition = definition_for(name)
    text = mermaid.render(definition)
    assert text.startswith("flowchart TD\n")
    nodes, edges = parse_mermaid(text)
    states = all_states(definition)

    labels = Counter(label for found in nodes.values() for label in found)
    assert labels == Counter(list(states)), "each state must be declared exactly once"
    assert all(len(found) == 1 for found in nodes.values())
    state_of = {node: found[0] for node, found in nodes.items()}

    drawn: dict[str, Counter] = {state: Counter() for state in states}
    for source, arrow, _, target in edges:
        if arrow in ("-->", "-.->") and source in state_of:
            drawn[state_of[source]][state_of[target]] += 1
    for state_name, state in states.items():
        assert drawn[state_name] == Counter(targets(state)), state_name

    # Catch edges are dashed, Default edges say "otherwise", the start marker enters StartAt.
    catches = sum(len(state.get("Catch", [])) for state in states.values())
    assert sum(1 for _, arrow, _, _ in edges if arrow == "-.->") == catches
    defaults = sum(1 for state in states.values() if "Default" in state)
    assert sum(1 for _, _, label, _ in edges if label == "otherwise") == defaults
    starts = [target for source, _, _, target in edges if source == "start_marker"]
    assert [state_of[target] for target in starts] == [definition["StartAt"]]


@pytest.mark.parametrize("name", ALL_IDS)
def test_mermaid_puts_parallel_branches_in_subgraphs(name):
    definition = definition_for(name)
    text = mermaid.render(definition)
    ids = mermaid.node_ids(list(all_states(definition)))
    lines = text.splitlines()
    openings = sum(1 for line in lines if line.strip().startswith("subgraph "))
    closings = sum(1 for line in lines if line.strip() == "end")
    # A Parallel's branches, or the one item processor of a Map.
    containers = [state for state in all_states(definition).values() if nested(state)]
    assert openings == closings == sum(1 + len(nested(c)) for c in containers)
    for inner, (parallel, branch) in branch_of(definition).items():
        # The state's declaration sits between its branch's "subgraph" line and the next "end"
        # at that depth.
        header = next(i for i, line in enumerate(lines)
                      if line.strip().startswith(f"subgraph g_{ids[parallel][2:]}_{branch + 1}["))
        depth = 0
        for line in lines[header + 1:]:
            stripped = line.strip()
            if stripped.startswith("subgraph "):
                depth += 1
            elif stripped == "end":
                if depth == 0:
                    break
                depth -= 1
            elif (match := NODE.match(line)) and match.group(1) == ids[inner] and depth == 0:
                break
        else:
            pytest.fail("unterminated subgraph")
        assert match and match.group(1) == ids[inner], (
            f"{inner!r} is not inside branch {branch + 1} of {parallel!r}")


def test_condition_and_error_labels_are_short_summaries():
    assert edges.describe_condition(
        {"Variable": "$.detection.count", "NumericGreaterThan": 1}) == "detection.count > 1"
    assert edges.describe_condition(
        {"And": [{"Variable": "$.x.Value", "IsPresent": True},
                 {"Variable": "$.x.Value", "BooleanEquals": True}]}) == "x.Value == true"
    assert edges.describe_condition(
        {"Variable": "$.user.Item.rek_faceid.S", "IsPresent": False}) == "user.rek_faceid absent"
    assert edges.describe_condition(
        {"Variable": "$.a", "NumericLessThanPath": "$.settings.b"}) == "a < settings.b"
    assert edges.describe_errors(["States.ALL"]) == "any error"
    many = edges.describe_errors([f"Service.VeryLongErrorNumber{i}Exception" for i in range(4)])
    assert many == "Service.VeryLongErrorNumber0 +3 more"
    for state_name, state in all_states(FILES["update_face.asl.json"]).items():
        for transition in edges.transitions(state_name, state):
            assert len(transition.label) <= edges.LABEL_LIMIT


# --- SVG ------------------------------------------------------------------------------------------

def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


@pytest.mark.parametrize("name", ALL_IDS)
def test_svg_is_xml_with_a_label_per_state(name):
    definition = definition_for(name)
    root = ET.fromstring(svg.render(definition, f"{name} & <co>"))
    assert root.tag == f"{SVG}svg"
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert width > 0 and height > 0
    assert root.find(f"{SVG}title").text == f"{name} & <co>"

    labels = Counter(" ".join(span.text for span in text.iter(f"{SVG}tspan"))
                     for text in root.iter(f"{SVG}text") if text.get("class") == "label")
    assert labels == Counter(list(all_states(definition)))

    groups = [g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("state ")]
    assert sorted(g.get("data-state") for g in groups) == sorted(all_states(definition))
    # Every shape lies inside the picture.
    for shape in root.iter(f"{SVG}rect"):
        if shape.get("class") == "shape":
            assert 0 <= float(shape.get("x")) <= float(shape.get("x")) + float(
                shape.get("width")) <= width
            assert 0 <= float(shape.get("y")) <= float(shape.get("y")) + float(
                shape.get("height")) <= height
    edges = [p for p in root.iter(f"{SVG}path") if (p.get("class") or "").startswith("edge ")]
    assert len(edges) == len(placement.layout(definition).routes)
    dashed = [p for p in edges if "catch" in p.get("class").split()]
    assert all(p.get("stroke-dasharray") for p in dashed)
    assert len(dashed) == sum(len(s.get("Catch", [])) for s in all_states(definition).values())


@pytest.mark.parametrize("name", ALL_IDS)
def test_svg_layout_has_no_overlapping_boxes(name):
    definition = definition_for(name)
    plan = placement.layout(definition)
    boxes = [(box.x, box.y, box.w, box.h) for box in plan.boxes.values()]
    assert len(boxes) == len(all_states(definition))
    for i, box in enumerate(boxes):
        for other in boxes[i + 1:]:
            assert not overlaps(box, other), (box, other)
        assert box[0] >= 0 and box[1] >= 0
        assert box[0] + box[2] <= plan.width and box[1] + box[3] <= plan.height


@pytest.mark.parametrize("name", ALL_IDS)
def test_parallel_frames_hold_their_branches_and_nothing_else(name):
    definition = definition_for(name)
    plan = placement.layout(definition)
    inside = branch_of(definition)
    parallels = [n for n, s in all_states(definition).items() if nested(s)]
    assert sorted(frame.name for frame in plan.frames) == sorted(parallels)
    for frame in plan.frames:
        area = (frame.x, frame.y, frame.w, frame.h)
        members = {n for n in inside if _within(n, frame.name, inside)}
        assert set(frame.members) == members
        for state_name, box in plan.boxes.items():
            corners = (box.x, box.y, box.w, box.h)
            if state_name in members:
                assert (frame.x <= box.x and box.x + box.w <= frame.x + frame.w
                        and frame.y <= box.y and box.y + box.h <= frame.y + frame.h), state_name
            else:
                assert not overlaps(area, corners), (frame.name, state_name)
    for frame in plan.frames:  # a nested frame lies inside its outer one, others apart
        for other in plan.frames:
            if other is frame:
                continue
            if _within(frame.name, other.name, inside):
                assert (other.x < frame.x and frame.x + frame.w < other.x + other.w
                        and other.y < frame.y and frame.y + frame.h < other.y + other.h)
            elif not _within(other.name, frame.name, inside):
                assert not overlaps((frame.x, frame.y, frame.w, frame.h),
                                    (other.x, other.y, other.w, other.h))


def _within(state: str, parallel: str, inside: dict[str, tuple[str, int]]) -> bool:
    while state in inside:
        state = inside[state][0]
        if state == parallel:
            return True
    return False


def test_layers_follow_the_forward_edges():
    for name in IDS:
        definition = FILES[name]
        plan = placement.layout(definition)
        assert plan.layers[definition["StartAt"]] == 0
        for route in plan.routes:
            if route.source != route.target and not route.reversed:
                assert plan.layers[route.target] > plan.layers[route.source], route
    loop = placement.layout(AWKWARD)
    assert any(route.reversed for route in loop.routes)  # the loop back to the start


# --- Files and determinism ------------------------------------------------------------------------

def test_generation_is_deterministic():
    for name in ALL_IDS:
        definition = definition_for(name)
        assert mermaid.render(definition) == mermaid.render(definition)
        assert svg.render(definition, name) == svg.render(definition, name)
    assert cli.artifacts() == cli.artifacts()
    assert workshop_guide.artifacts() == workshop_guide.artifacts()


def test_generation_does_not_depend_on_the_hash_seed():
    program = ("import hashlib; from generators import workshop_guide; "
               "from generators.diagrams import cli; "
               "files = {**cli.artifacts(), **workshop_guide.artifacts()}; "
               "print(hashlib.sha256(repr(sorted((str(k), v) for k, v in files.items()))"
               ".encode()).hexdigest())")
    digests = set()
    for seed in ("1", "2"):
        result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, check=True,
                                capture_output=True, text=True,
                                env={**os.environ, "PYTHONHASHSEED": seed})
        digests.add(result.stdout.strip())
    files = {**cli.artifacts(), **workshop_guide.artifacts()}
    here = hashlib.sha256(repr(sorted((str(k), v) for k, v in files.items())).encode())
    assert digests == {here.hexdigest()}


def test_artifacts_cover_every_definition():
    files = cli.artifacts()
    expected = set()
    for definition in DEFINITIONS:
        stem = definition.filename.removesuffix(".asl.json")
        expected |= {definition.path.with_name(f"{stem}.svg"),
                     definition.path.with_name(f"{stem}.mmd")}
    assert set(files) == expected
    for path, content in files.items():
        if path.suffix == ".mmd":
            assert content.startswith("flowchart TD\n")
            assert "python -m generators.diagrams" in content.splitlines()[1]
        else:
            ET.fromstring(content.split("\n", 1)[1])
    assert set(workshop_guide.artifacts()) == {ROOT / "docs" / "workshop.md"}
