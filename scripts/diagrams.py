"""Draw every state machine as a Mermaid flowchart and as an SVG, straight from its ASL.

    python -m scripts.diagrams            # write statemachines/<name>.mmd and <name>.svg
    python -m scripts.diagrams --check    # fail when a committed diagram differs or is missing

The SVG is laid out here, in pure Python, so no Graphviz, mermaid-cli or browser is needed:
states are put in layers by their longest path from ``StartAt`` (edges that would close a cycle
are turned around for the layout), long edges get invisible waypoints in the layers they cross,
a few barycenter sweeps order each layer to cut crossings, and every layer is then placed by an
isotonic regression that keeps the order and the minimum gaps, so no two boxes overlap. The
states of a Parallel state's branches are laid out with the rest and framed by a dashed box.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from statemachines import registry
from statemachines.asl import all_states

ROOT = Path(__file__).resolve().parent.parent
GENERATED_BY = "python -m scripts.diagrams"

LABEL_LIMIT = 40  # characters of an edge label, Mermaid and SVG alike


# --- Transitions and their labels -----------------------------------------------------------------

@dataclass(frozen=True)
class Transition:
    """One way out of a state: ``kind`` is next, rule, default or catch."""

    source: str
    target: str
    kind: str
    label: str = ""


def shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def short_path(path: str) -> str:
    """A readable tail of a JSONPath: ``$.user.Item.rek_faceid.S`` -> ``user.rek_faceid``."""
    text = path[2:] if path.startswith("$.") else path
    text = re.sub(r"\.(S|N|BOOL)$", "", text).replace(".Item.", ".")
    if len(text) > 24:
        text = ".".join(text.split(".")[-2:])
    return text


_COMPARISONS = {
    "Equals": "==", "GreaterThan": ">", "GreaterThanEquals": ">=", "LessThan": "<",
    "LessThanEquals": "<=", "Matches": "matches",
}
_TYPE_TESTS = {"IsNull": "null", "IsString": "a string", "IsNumeric": "a number",
               "IsBoolean": "a boolean", "IsTimestamp": "a timestamp"}


def _leaf(condition: dict) -> str:
    variable = short_path(condition.get("Variable", "?"))
    for key, value in condition.items():
        if key in ("Variable", "Next"):
            continue
        if key == "IsPresent":
            return f"{variable} present" if value else f"{variable} absent"
        if key in _TYPE_TESTS:
            return f"{variable} is {'' if value else 'not '}{_TYPE_TESTS[key]}"
        is_path = key.endswith("Path")
        operator = key[:-4] if is_path else key
        for prefix in ("String", "Numeric", "Boolean", "Timestamp"):
            if operator.startswith(prefix):
                operator = operator[len(prefix):]
                break
        symbol = _COMPARISONS.get(operator, operator)
        if is_path:
            operand = short_path(str(value))
        elif isinstance(value, bool):
            operand = "true" if value else "false"
        elif isinstance(value, str):
            operand = f"'{value}'"
        else:
            operand = json.dumps(value)
        return f"{variable} {symbol} {operand}"
    return variable


def _variables(condition: dict) -> list[str]:
    """Every variable a condition reads, nested conditions included."""
    found = [condition["Variable"]] if "Variable" in condition else []
    for nested in condition.get("And", []) + condition.get("Or", []):
        found += _variables(nested)
    if "Not" in condition:
        found += _variables(condition["Not"])
    return found


def describe_condition(condition: dict) -> str:
    """A short text for a Choice rule, e.g. ``detection.count > 1``.

    Inside an ``And``, an ``IsPresent`` guard on a variable another operand reads is left out:
    it only keeps the comparison from failing."""
    if "And" in condition or "Or" in condition:
        joiner, operands = ("and", condition["And"]) if "And" in condition else (
            "or", condition["Or"])
        if joiner == "and":
            read = [variable for op in operands if op.get("IsPresent") is None
                    for variable in _variables(op)]
            operands = [op for op in operands if not (
                op.get("IsPresent") is True
                and any(other.startswith(op["Variable"]) for other in read))] or operands
        parts = [describe_condition(op) for op in operands]
        if len(parts) == 1:
            return parts[0]
        return f" {joiner} ".join(
            f"({part})" if ("And" in op or "Or" in op) else part
            for part, op in zip(parts, operands, strict=True))
    if "Not" in condition:
        inner = describe_condition(condition["Not"])
        return f"not ({inner})"
    return _leaf(condition)


def describe_errors(errors: list[str]) -> str:
    """A short label for a Catch: ``States.ALL`` is "any error"; long lists are cut."""
    names = ["any error" if error == "States.ALL" else error.removesuffix("Exception")
             for error in errors]
    text = ", ".join(names)
    if len(text) > LABEL_LIMIT and len(names) > 1:
        text = f"{names[0]} +{len(names) - 1} more"
    return shorten(text)


def transitions(state_name: str, state: dict) -> list[Transition]:
    """Every transition of one state, in the order ASL lists them."""
    found = []
    if "Next" in state:
        found.append(Transition(state_name, state["Next"], "next"))
    for rule in state.get("Choices", []):
        text = shorten(describe_condition(rule))
        found.append(Transition(state_name, rule["Next"], "rule", text))
    if "Default" in state:
        found.append(Transition(state_name, state["Default"], "default", "otherwise"))
    for handler in state.get("Catch", []):
        found.append(Transition(state_name, handler["Next"], "catch",
                                describe_errors(handler["ErrorEquals"])))
    return found


def _terminals(branch: dict) -> list[str]:
    """States whose end finishes the branch successfully (not Fail states)."""
    return [name for name, state in branch["States"].items()
            if state.get("End") or state["Type"] == "Succeed"]


def _parallels(definition: dict) -> list[tuple[str, dict]]:
    return [(name, state) for name, state in all_states(definition).items()
            if state["Type"] == "Parallel"]


# --- Mermaid ------------------------------------------------------------------------------------

_MERMAID_ESCAPES = [("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"),
                    ("|", "#124;"), ("`", "#96;"), ("&", "#amp;")]

_MERMAID_SHAPES = {  # state type -> (opening, closing, class)
    "Task": ("[", "]", "taskState"),
    "Pass": ("(", ")", "passState"),
    "Choice": ("{", "}", "choiceState"),
    "Parallel": ("[[", "]]", "parallelState"),
    "Map": ("[[", "]]", "parallelState"),
    "Wait": ("(", ")", "passState"),
    "Succeed": ("([", "])", "succeedState"),
    "Fail": ("((", "))", "failState"),
}

_MERMAID_CLASSES = [
    ("startMarker", "fill:#333,stroke:#333,color:#fff"),
    ("taskState", "fill:#e8f0fe,stroke:#4a6fa5,color:#1b2a41"),
    ("passState", "fill:#f4f4f4,stroke:#8a8a8a,color:#222"),
    ("choiceState", "fill:#fff4d6,stroke:#c9a227,color:#3d3000"),
    ("parallelState", "fill:#ede7f6,stroke:#6a4c93,color:#2e1f47"),
    ("succeedState", "fill:#d8f5d0,stroke:#3c8d2f,color:#173d12"),
    ("failState", "fill:#fde0dc,stroke:#c0392b,color:#6b1a12"),
]


def mermaid_text(text: str) -> str:
    """Text made safe inside a quoted Mermaid label (entity codes, Mermaid's own syntax)."""
    for raw, code in _MERMAID_ESCAPES:
        text = text.replace(raw, code)
    return text


def node_ids(names: list[str]) -> dict[str, str]:
    """A Mermaid id per state: ``s_`` and the name's letters and digits, unique."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        base = "s_" + (re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "state")
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        ids[name] = candidate
        taken.add(candidate)
    return ids


def mermaid(definition: dict) -> str:
    """A Mermaid ``flowchart TD`` of the definition.

    One node per state; ``-->`` for Next, Choice rules (labelled with their condition) and
    Default ("otherwise"); ``-.->`` for Catch (labelled with the errors); Parallel branches are
    subgraphs that their Parallel state enters with ``==>``, and an invisible ``~~~`` link from
    each branch's end keeps the Parallel state's successor below the branches."""
    states = all_states(definition)
    ids = node_ids(list(states))
    lines = ["flowchart TD"]
    if definition.get("Comment"):
        lines.append(f"    %% {definition['Comment']}")
    lines.append('    start_marker(("start")):::startMarker')

    def declare(name: str, indent: str) -> None:
        opening, closing, css = _MERMAID_SHAPES.get(states[name]["Type"], ("[", "]", "taskState"))
        lines.append(f'{indent}{ids[name]}{opening}"{mermaid_text(name)}"{closing}:::{css}')

    def declare_states(container: dict, indent: str) -> None:
        for name, state in container["States"].items():
            declare(name, indent)
            for number, branch in enumerate(state.get("Branches", []), start=1):
                if number == 1:
                    lines.append(f'{indent}subgraph g_{ids[name][2:]}["{mermaid_text(name)}"]')
                    lines.append(f"{indent}    direction TB")
                lines.append(f'{indent}    subgraph g_{ids[name][2:]}_{number}["branch {number}"]')
                lines.append(f"{indent}        direction TB")
                declare_states(branch, indent + "        ")
                lines.append(f"{indent}    end")
            if state.get("Branches"):
                lines.append(f"{indent}end")

    declare_states(definition, "    ")
    lines.append(f"    start_marker --> {ids[definition['StartAt']]}")
    for name, state in states.items():
        for transition in transitions(name, state):
            arrow = "-.->" if transition.kind == "catch" else "-->"
            label = f'|"{mermaid_text(transition.label)}"|' if transition.label else ""
            lines.append(f"    {ids[name]} {arrow}{label} {ids[transition.target]}")
        for number, branch in enumerate(state.get("Branches", []), start=1):
            lines.append(f'    {ids[name]} ==>|"branch {number}"| {ids[branch["StartAt"]]}')
            if "Next" in state:
                for end in _terminals(branch):
                    lines.append(f"    {ids[end]} ~~~ {ids[state['Next']]}")
    for css, style in _MERMAID_CLASSES:
        lines.append(f"    classDef {css} {style}")
    return "\n".join(lines) + "\n"


# --- Layout -------------------------------------------------------------------------------------

CHAR_WIDTH = 7.0  # estimated width of one character at 12px sans-serif
SMALL_CHAR_WIDTH = 5.8  # at 10px
LINE_HEIGHT = 15.0
WRAP = 24  # characters per line of a state's name
MIN_WIDTH = 96.0
LAYER_GAP = 62.0  # vertical room between layers, for edges and their labels
MARGIN = 24.0
CLUSTER_PAD = 14.0  # between a Parallel's frame and the states inside
CLUSTER_LABEL = 18.0  # room for the frame's title above its first states
GAP_NODES = 28.0
GAP_DUMMY = 14.0
SWEEPS = 12


@dataclass
class Box:
    """A state's box: top-left corner, size, the wrapped name and an optional second line."""

    name: str
    type: str
    x: float
    y: float
    w: float
    h: float
    lines: list[str]
    subtitle: str = ""

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass
class Route:
    """A drawn edge: its polyline from source to target (waypoints included)."""

    source: str
    target: str
    kind: str  # next, rule, default, catch, fork, join
    label: str
    points: list[tuple[float, float]]
    reversed: bool = False


@dataclass
class Frame:
    """The dashed frame around a Parallel state's branches."""

    name: str
    x: float
    y: float
    w: float
    h: float
    members: list[str] = field(default_factory=list)


@dataclass
class Layout:
    width: float
    height: float
    boxes: dict[str, Box]
    routes: list[Route]
    frames: list[Frame]
    start: tuple[float, float]
    layers: dict[str, int]


def integration(resource: str) -> str:
    """``service:action`` of a Task's Resource, e.g. ``rekognition:detectFaces``."""
    match = re.match(r"arn:[^:]+:states:::(?:aws-sdk:)?(.+)$", resource)
    return match.group(1) if match else resource


def _wrap(name: str) -> list[str]:
    lines = textwrap.wrap(name, WRAP, break_long_words=False, break_on_hyphens=False)
    return lines if lines and " ".join(lines) == name else [name]


def _subtitle(state: dict) -> str:
    if state["Type"] == "Task":
        return integration(state.get("Resource", ""))
    if state["Type"] == "Parallel":
        count = len(state.get("Branches", []))
        return f"parallel, {count} branch{'es' if count != 1 else ''}"
    return ""


def _layout_edges(definition: dict) -> list[Transition]:
    """The transitions to draw: a Parallel state forks into each branch, each branch's end
    joins the Parallel's successor (drawn instead of the Parallel's own Next)."""
    edges = []
    for name, state in all_states(definition).items():
        joins = [(end, state["Next"]) for branch in state.get("Branches", [])
                 for end in _terminals(branch)] if "Next" in state else []
        for transition in transitions(name, state):
            if not (transition.kind == "next" and joins):
                edges.append(transition)
        for branch in state.get("Branches", []):
            edges.append(Transition(name, branch["StartAt"], "fork"))
        edges += [Transition(end, target, "join") for end, target in joins]
    return edges


def _enclosing(definition: dict) -> dict[str, list[tuple[str, int]]]:
    """For each state: the Parallel states around it, outermost first, with the branch index."""
    found: dict[str, list[tuple[str, int]]] = {}

    def walk(container: dict, around: list[tuple[str, int]]) -> None:
        for name, state in container["States"].items():
            found[name] = around
            for index, branch in enumerate(state.get("Branches", [])):
                walk(branch, around + [(name, index)])

    walk(definition, [])
    return found


def _crossings(order: list[list[int]], succs: dict[int, list[int]]) -> int:
    total = 0
    for upper, lower in zip(order, order[1:], strict=False):
        position = {node: index for index, node in enumerate(lower)}
        segments = [(i, position[t]) for i, node in enumerate(upper) for t in succs[node]]
        for a, (u1, v1) in enumerate(segments):
            for u2, v2 in segments[a + 1:]:
                if (u1 - u2) * (v1 - v2) < 0:
                    total += 1
    return total


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """The non-decreasing sequence closest to ``targets`` (weighted least squares), by
    pooling adjacent violators."""
    blocks: list[list[float]] = []  # [weighted sum, weight, count]
    for target, weight in zip(targets, weights, strict=True):
        blocks.append([target * weight, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, weight_sum, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += weight_sum
            blocks[-1][2] += count
    result = []
    for total, weight_sum, count in blocks:
        result += [total / weight_sum] * int(count)
    return result


def layout(definition: dict) -> Layout:
    """Positions of every state, edge and Parallel frame (see the module docstring)."""
    states = all_states(definition)
    names = list(states)
    index = {name: i for i, name in enumerate(names)}
    enclosing = _enclosing(definition)
    edges = _layout_edges(definition)

    # Box sizes.
    boxes: dict[str, Box] = {}
    for name, state in states.items():
        lines, subtitle = _wrap(name), _subtitle(state)
        width = max(max(len(line) for line in lines) * CHAR_WIDTH,
                    len(subtitle) * SMALL_CHAR_WIDTH) + 24
        if state["Type"] == "Choice":
            width += 20  # the pointed ends
        height = len(lines) * LINE_HEIGHT + 14 + (13 if subtitle else 0)
        boxes[name] = Box(name, state["Type"], 0.0, 0.0, max(width, MIN_WIDTH), height,
                          lines, subtitle)

    # Break cycles: an edge to a state still on the depth-first stack is turned around.
    outgoing: dict[str, list[int]] = defaultdict(list)
    for number, edge in enumerate(edges):
        if edge.source != edge.target:
            outgoing[edge.source].append(number)
    reverse: set[int] = set()
    status: dict[str, int] = {}

    def visit(name: str) -> None:
        status[name] = 1
        for number in outgoing[name]:
            target = edges[number].target
            if status.get(target) == 1:
                reverse.add(number)
            elif target not in status:
                visit(target)
        status[name] = 2

    for name in [definition["StartAt"], *names]:
        if name not in status:
            visit(name)

    # Layers: longest path from StartAt over the (now acyclic) edges.
    oriented = [(edge.target, edge.source) if number in reverse else (edge.source, edge.target)
                for number, edge in enumerate(edges) if edge.source != edge.target]
    indegree = Counter(target for _, target in oriented)
    after: dict[str, list[str]] = defaultdict(list)
    for source, target in oriented:
        after[source].append(target)
    layer = {name: 0 for name in names}
    ready = [name for name in names if indegree[name] == 0]
    while ready:
        name = ready.pop(0)
        for target in after[name]:
            layer[target] = max(layer[target], layer[name] + 1)
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    depth = max(layer.values()) + 1

    # Nodes: the states, then a waypoint per layer a long edge crosses.
    node_layer = [layer[name] for name in names]
    node_group: list[list[tuple[str, int]]] = [enclosing[name] for name in names]
    chains: list[list[int]] = []
    for number, edge in enumerate(edges):
        if edge.source == edge.target:
            chains.append([index[edge.source]])
            continue
        top, bottom = (edge.target, edge.source) if number in reverse else (
            edge.source, edge.target)
        chain = [index[top]]
        for level in range(layer[top] + 1, layer[bottom]):
            chain.append(len(node_layer))
            node_layer.append(level)
            node_group.append(enclosing[edge.source])
        chain.append(index[bottom])
        chains.append(chain)
    count = len(node_layer)
    is_dummy = [node >= len(names) for node in range(count)]
    preds: dict[int, list[int]] = defaultdict(list)
    succs: dict[int, list[int]] = defaultdict(list)
    for chain in chains:
        for upper, lower in zip(chain, chain[1:], strict=False):
            succs[upper].append(lower)
            preds[lower].append(upper)

    # First order: depth-first discovery from StartAt.
    seen: list[int] = []
    marked: set[int] = set()

    def discover(node: int) -> None:
        marked.add(node)
        seen.append(node)
        for lower in succs[node]:
            if lower not in marked:
                discover(lower)

    for node in [index[definition["StartAt"]], *range(count)]:
        if node not in marked:
            discover(node)
    order: list[list[int]] = [[] for _ in range(depth)]
    for node in seen:
        order[node_layer[node]].append(node)

    def arrange(nodes: list[int], key: dict[int, float], level: int = 0) -> list[int]:
        """Sort by key, keeping the states of one Parallel together and its branches in order."""
        units: dict[object, list[int]] = {}
        for node in nodes:
            group = node_group[node]
            units.setdefault(group[level][0] if len(group) > level else node, []).append(node)
        ranked = sorted(units.values(), key=lambda members: (
            sum(key[m] for m in members) / len(members), key[members[0]]))
        result: list[int] = []
        for members in ranked:
            if len(node_group[members[0]]) > level:
                by_branch: dict[int, list[int]] = defaultdict(list)
                for member in members:
                    by_branch[node_group[member][level][1]].append(member)
                for branch in sorted(by_branch):
                    result += arrange(by_branch[branch], key, level + 1)
            else:
                result += sorted(members, key=lambda m: key[m])
        return result

    def sweep(levels: range, neighbours: dict[int, list[int]]) -> None:
        for level in levels:
            position = {node: i for row in order for i, node in enumerate(row)}
            key = {}
            for node in order[level]:
                linked = neighbours[node]
                key[node] = (sum(position[n] for n in linked) / len(linked) if linked
                             else float(position[node]))
            order[level] = arrange(order[level], key)

    order = [arrange(row, {node: float(i) for i, node in enumerate(row)}) for row in order]
    best, best_crossings = [row[:] for row in order], _crossings(order, succs)
    for _ in range(SWEEPS):
        sweep(range(1, depth), preds)
        sweep(range(depth - 2, -1, -1), succs)
        crossings = _crossings(order, succs)
        if crossings < best_crossings:
            best, best_crossings = [row[:] for row in order], crossings
    order = best

    # Horizontal positions (centres): each layer keeps its order and minimum gaps and lies as
    # close as it can to the mean of its neighbours' positions.
    width = [0.0 if is_dummy[node] else boxes[names[node]].w for node in range(count)]

    def separation(left: int, right: int) -> float:
        gap = GAP_DUMMY if is_dummy[left] or is_dummy[right] else GAP_NODES
        if node_group[left] != node_group[right]:
            gap += CLUSTER_PAD
        return (width[left] + width[right]) / 2 + gap

    x = [0.0] * count
    for row in order:
        cursor = 0.0
        for i, node in enumerate(row):
            if i:
                cursor += separation(row[i - 1], node)
            x[node] = cursor

    def place(row: list[int], desired: list[float]) -> None:
        offsets = [0.0]
        for left, right in zip(row, row[1:], strict=False):
            offsets.append(offsets[-1] + separation(left, right))
        weights = [2.0 if is_dummy[node] else 1.0 for node in row]
        fitted = _isotonic([d - o for d, o in zip(desired, offsets, strict=True)], weights)
        for node, value, offset in zip(row, fitted, offsets, strict=True):
            x[node] = value + offset

    def attract(levels: range, sides: tuple[dict[int, list[int]], ...]) -> None:
        for level in levels:
            desired = []
            for node in order[level]:
                linked = [n for side in sides for n in side[node]]
                desired.append(sum(x[n] for n in linked) / len(linked) if linked else x[node])
            place(order[level], desired)

    for _ in range(8):
        attract(range(1, depth), (preds,))
        attract(range(depth - 2, -1, -1), (succs,))
    attract(range(depth), (preds, succs))

    # Parallel frames: nothing else may stand inside one, in the layers it spans.
    frames_of = [name for name in names if states[name].get("Branches")]

    def members_of(frame: str) -> list[int]:
        return [node for node in range(count)
                if any(around == frame for around, _ in node_group[node])]

    def padding(node: int, frame: str) -> float:
        """Room around a member: one padding per frame between it and ``frame``'s edge."""
        around = [parallel for parallel, _ in node_group[node]]
        return CLUSTER_PAD * (len(around) - around.index(frame))

    def extent(frame: str, inside: list[int]) -> tuple[float, float, set[int]]:
        """Left and right of the frame (before the final shift) and the layers it spans."""
        levels = {node_layer[node] for node in inside if not is_dummy[node]}
        span = [node for node in inside if node_layer[node] in levels]
        return (min(x[node] - width[node] / 2 - padding(node, frame) for node in span),
                max(x[node] + width[node] / 2 + padding(node, frame) for node in span), levels)

    for _ in range(len(frames_of) * 2):
        moved = False
        for frame in frames_of:
            inside = set(members_of(frame))
            if all(is_dummy[node] for node in inside):
                continue
            left, right, levels = extent(frame, list(inside))
            for level in levels:
                row = order[level]
                positions = [i for i, node in enumerate(row) if node in inside]
                first, last = min(positions), max(positions)
                for i in range(first - 1, -1, -1):  # push the outsiders on the left further left
                    node = row[i]
                    limit = (left - GAP_DUMMY - width[node] / 2 if i == first - 1
                             else x[row[i + 1]] - separation(node, row[i + 1]))
                    if x[node] > limit + 1e-6:
                        x[node], moved = limit, True
                for i in range(last + 1, len(row)):  # and those on the right further right
                    node = row[i]
                    limit = (right + GAP_DUMMY + width[node] / 2 if i == last + 1
                             else x[row[i - 1]] + separation(row[i - 1], node))
                    if x[node] < limit - 1e-6:
                        x[node], moved = limit, True
        if not moved:
            break

    # Vertical positions.
    layer_height = [0.0] * depth
    for name in names:
        layer_height[layer[name]] = max(layer_height[layer[name]], boxes[name].h)
    top = MARGIN + 44.0 + 34.0  # title, then the start marker
    layer_top = []
    for level in range(depth):
        layer_top.append(top)
        top += layer_height[level] + LAYER_GAP
    shift = MARGIN - min(x[node] - width[node] / 2 for node in range(count))
    for node, name in enumerate(names):
        box = boxes[name]
        box.x = round(x[node] + shift - box.w / 2, 1)
        box.y = round(layer_top[layer[name]] + (layer_height[layer[name]] - box.h) / 2, 1)

    # Frames around each Parallel's branches, innermost last so it is drawn on top.
    frames = []
    for frame in frames_of:
        inside = members_of(frame)
        real = [node for node in inside if not is_dummy[node]]
        if not real:
            continue
        left, right, _ = extent(frame, inside)
        left, right = left + shift, right + shift
        upper = min(boxes[names[node]].y - padding(node, frame) for node in real) - CLUSTER_LABEL
        lower = max(boxes[names[node]].y + boxes[names[node]].h + padding(node, frame)
                    for node in real)
        real = [names[node] for node in real]
        frames.append(Frame(frame, round(left, 1), round(upper, 1), round(right - left, 1),
                            round(lower - upper, 1), real))
    frames.sort(key=lambda f: len(enclosing[f.name]))

    # Edge routes: leave the source's bottom, pass the waypoints, enter the target's top; the
    # ends of several edges are spread over the side of the box.
    def point(node: int) -> float:
        return x[node] + shift

    ends_out: dict[str, list[tuple[float, int]]] = defaultdict(list)
    ends_in: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for number, chain in enumerate(chains):
        if len(chain) < 2:
            continue
        ends_out[names[chain[0]]].append((point(chain[1]), number))
        ends_in[names[chain[-1]]].append((point(chain[-2]), number))

    def spread(ends: dict[str, list[tuple[float, int]]]) -> dict[int, float]:
        offset = {}
        for name, items in ends.items():
            items.sort()
            step = min(14.0, boxes[name].w * 0.6 / max(len(items) - 1, 1))
            for i, (_, number) in enumerate(items):
                offset[number] = (i - (len(items) - 1) / 2) * step
        return offset

    out_offset, in_offset = spread(ends_out), spread(ends_in)
    routes = []
    for number, (edge, chain) in enumerate(zip(edges, chains, strict=True)):
        if len(chain) == 1:
            box = boxes[edge.source]
            points = [(box.x + box.w, box.y + box.h * 0.35), (box.x + box.w, box.y + box.h * 0.65)]
        else:
            upper, lower = boxes[names[chain[0]]], boxes[names[chain[-1]]]
            points = [(upper.cx + out_offset[number], upper.y + upper.h)]
            for node in chain[1:-1]:
                level = node_layer[node]
                points.append((point(node), layer_top[level]))
                points.append((point(node), layer_top[level] + layer_height[level]))
            points.append((lower.cx + in_offset[number], lower.y))
            if number in reverse:
                points.reverse()
        routes.append(Route(edge.source, edge.target, edge.kind, edge.label,
                            [(round(px, 1), round(py, 1)) for px, py in points],
                            number in reverse))

    start_box = boxes[definition["StartAt"]]
    right_edge = max([box.x + box.w for box in boxes.values()]
                     + [frame.x + frame.w for frame in frames]
                     + [x[node] + shift for node in range(count)])
    return Layout(
        width=round(right_edge + MARGIN, 1),
        height=round(top - LAYER_GAP + MARGIN, 1),
        boxes=boxes, routes=routes, frames=frames,
        start=(round(start_box.cx, 1), round(start_box.y - 26.0, 1)), layers=layer)


# --- SVG ----------------------------------------------------------------------------------------

_FILLS = {  # state type -> (fill, stroke, text)
    "Task": ("#e8f0fe", "#4a6fa5", "#1b2a41"),
    "Pass": ("#f4f4f4", "#8a8a8a", "#222222"),
    "Choice": ("#fff4d6", "#c9a227", "#3d3000"),
    "Parallel": ("#ede7f6", "#6a4c93", "#2e1f47"),
    "Map": ("#ede7f6", "#6a4c93", "#2e1f47"),
    "Wait": ("#f4f4f4", "#8a8a8a", "#222222"),
    "Succeed": ("#d8f5d0", "#3c8d2f", "#173d12"),
    "Fail": ("#fde0dc", "#c0392b", "#6b1a12"),
}
_EDGE_STYLES = {  # kind -> (stroke, dash, marker, label colour)
    "next": ("#444444", "", "arrow", "#333333"),
    "rule": ("#444444", "", "arrow", "#6b5300"),
    "default": ("#444444", "", "arrow", "#6b5300"),
    "catch": ("#9a9a9a", "5 4", "arrow-grey", "#777777"),
    "fork": ("#6a4c93", "", "arrow-purple", "#6a4c93"),
    "join": ("#6a4c93", "", "arrow-purple", "#6a4c93"),
}


def _number(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attribute(value: str) -> str:
    return escape(value, {'"': "&quot;", "'": "&apos;"})


def _path(points: list[tuple[float, float]]) -> str:
    """Straight down through waypoints, S-curves between layers."""
    (x0, y0), rest = points[0], points[1:]
    parts = [f"M{_number(x0)},{_number(y0)}"]
    previous = points[0]
    for px, py in rest:
        if abs(px - previous[0]) < 0.05:
            parts.append(f"L{_number(px)},{_number(py)}")
        else:
            middle = (previous[1] + py) / 2
            parts.append(f"C{_number(previous[0])},{_number(middle)} "
                         f"{_number(px)},{_number(middle)} {_number(px)},{_number(py)}")
        previous = (px, py)
    return " ".join(parts)


def _curve_point(start: tuple[float, float], end: tuple[float, float],
                 t: float) -> tuple[float, float]:
    """A point on the S-curve between two route points (a cubic with vertical tangents)."""
    middle = (start[1] + end[1]) / 2
    xs = (start[0], start[0], end[0], end[0])
    ys = (start[1], middle, middle, end[1])
    weights = ((1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t ** 3)
    return (sum(w * v for w, v in zip(weights, xs, strict=True)),
            sum(w * v for w, v in zip(weights, ys, strict=True)))


def _shape(box: Box, fill: str, stroke: str) -> str:
    x, y, w, h = box.x, box.y, box.w, box.h
    common = f'fill="{fill}" stroke="{stroke}" stroke-width="1.4"'
    if box.type == "Choice":
        corners = [(x + 10, y), (x + w - 10, y), (x + w, y + h / 2), (x + w - 10, y + h),
                   (x + 10, y + h), (x, y + h / 2)]
        text = " ".join(f"{_number(px)},{_number(py)}" for px, py in corners)
        return f'<polygon class="shape" points="{text}" {common}/>'
    radius = {"Task": 3.0, "Pass": 10.0, "Wait": 10.0, "Succeed": h / 2, "Fail": h / 2,
              "Parallel": 3.0, "Map": 3.0}.get(box.type, 3.0)
    rect = (f'<rect class="shape" x="{_number(x)}" y="{_number(y)}" width="{_number(w)}" '
            f'height="{_number(h)}" rx="{_number(radius)}" {common}/>')
    if box.type in ("Parallel", "Map"):  # a double border
        rect += (f'<rect x="{_number(x + 3)}" y="{_number(y + 3)}" width="{_number(w - 6)}" '
                 f'height="{_number(h - 6)}" rx="2" fill="none" stroke="{stroke}" '
                 'stroke-width="0.8"/>')
    return rect


def _label_width(text: str, size: int = 10) -> float:
    return len(text) * size * 0.58 + 6


def _overlap(area: tuple[float, float, float, float],
             others: list[tuple[float, float, float, float]]) -> float:
    """How much of ``area`` (left, top, right, bottom) the ``others`` cover, in px²."""
    left, top, right, bottom = area
    return sum(max(0.0, min(right, o[2]) - max(left, o[0]))
               * max(0.0, min(bottom, o[3]) - max(top, o[1])) for o in others)


def _place_labels(plan: Layout) -> list[tuple[str, float, float, str]]:
    """Where each edge label goes: the first spot along its edge (the first segments are
    tried first) where it covers neither a box nor a label placed before it."""
    taken = [(box.x, box.y, box.x + box.w, box.y + box.h) for box in plan.boxes.values()]
    placed = []
    for route in plan.routes:
        if not route.label:
            continue
        colour = _EDGE_STYLES.get(route.kind, _EDGE_STYLES["next"])[3]
        half_width, half_height = _label_width(route.label) / 2, 8.0
        if route.source == route.target:
            spots = [(route.points[0][0] + 30 + half_width, route.points[0][1])]
        else:
            spots = [_curve_point(start, end, t)
                     for start, end in zip(route.points, route.points[1:], strict=False)
                     for t in (0.5, 0.3, 0.7, 0.15, 0.85)]
        areas = [(lx - half_width, ly - half_height, lx + half_width, ly + half_height)
                 for lx, ly in spots]
        scores = [_overlap(area, taken) for area in areas]
        best = scores.index(min(scores))  # the first spot of the least overlap
        lx, ly = spots[best]
        taken.append((lx - half_width, ly - half_height, lx + half_width, ly + half_height))
        placed.append((route.label, round(lx, 1), round(ly, 1), colour))
    return placed


def _label(text: str, x: float, y: float, colour: str, css: str, *, anchor: str,
           size: int = 10) -> str:
    """Small text on a white backing, so that edges running behind it do not hide it."""
    width = _label_width(text, size)
    left = x - width / 2 if anchor == "middle" else x - 3
    return (f'<g class="{css}"><rect x="{_number(left)}" y="{_number(y - size * 0.75)}" '
            f'width="{_number(width)}" height="{_number(size * 1.5)}" rx="3" fill="#ffffff" '
            f'fill-opacity="0.88"/><text x="{_number(x)}" y="{_number(y + size * 0.35)}" '
            f'font-size="{size}" text-anchor="{anchor}" fill="{colour}">{escape(text)}</text></g>')


def svg(definition: dict, title: str) -> str:
    """A self-contained SVG drawing of the definition, laid out by ``layout``."""
    plan = layout(definition)
    placed = _place_labels(plan)
    width = max([plan.width, MARGIN * 2 + len(title) * 9.5,
                 MARGIN * 2 + len(definition.get("Comment", "")) * 6.4]
                + [lx + _label_width(text) / 2 + 8 for text, lx, _, _ in placed])
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_number(width)}" '
        f'height="{_number(plan.height)}" viewBox="0 0 {_number(width)} '
        f'{_number(plan.height)}" font-family="sans-serif" font-size="12">',
        f"<!-- Generated by {GENERATED_BY} from the state machine's ASL; do not edit. -->",
        f"<title>{escape(title)}</title>",
        "<defs>",
    ]
    for marker, colour in (("arrow", "#444444"), ("arrow-grey", "#9a9a9a"),
                           ("arrow-purple", "#6a4c93")):
        out.append(f'<marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" '
                   f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                   f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    out.append("</defs>")
    out.append('<rect width="100%" height="100%" fill="#ffffff"/>')
    out.append(f'<text class="title" x="{_number(MARGIN)}" y="{_number(MARGIN + 14)}" '
               f'font-size="16" font-weight="bold">{escape(title)}</text>')
    if definition.get("Comment"):
        out.append(f'<text class="comment" x="{_number(MARGIN)}" y="{_number(MARGIN + 32)}" '
                   f'font-size="11" fill="#555555">{escape(definition["Comment"])}</text>')

    for frame in plan.frames:
        out.append(f'<rect class="frame" data-state="{_attribute(frame.name)}" '
                   f'x="{_number(frame.x)}" y="{_number(frame.y)}" '
                   f'width="{_number(frame.w)}" height="{_number(frame.h)}" rx="10" '
                   'fill="#faf7fd" stroke="#6a4c93" stroke-dasharray="6 4"/>')

    sx, sy = plan.start
    start_box = plan.boxes[definition["StartAt"]]
    out.append(f'<g class="start"><circle cx="{_number(sx)}" cy="{_number(sy)}" r="7" '
               f'fill="#333333"/><path d="M{_number(sx)},{_number(sy + 7)} '
               f'L{_number(sx)},{_number(start_box.y)}" stroke="#444444" '
               'marker-end="url(#arrow)"/></g>')

    labels = [_label(f"{frame.name} (branches)", frame.x + 8, frame.y + 10, "#6a4c93",
                     "frame-label", anchor="start", size=11) for frame in plan.frames]
    for route in plan.routes:
        stroke, dash, marker, _ = _EDGE_STYLES.get(route.kind, _EDGE_STYLES["next"])
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        if route.source == route.target:
            (ax, ay), (bx, by) = route.points
            d = (f"M{_number(ax)},{_number(ay)} C{_number(ax + 34)},{_number(ay - 12)} "
                 f"{_number(bx + 34)},{_number(by + 12)} {_number(bx)},{_number(by)}")
        else:
            d = _path(route.points)
        out.append(f'<path class="edge {route.kind}" d="{d}" fill="none" stroke="{stroke}" '
                   f'stroke-width="1.2"{dashes} marker-end="url(#{marker})"/>')
    for text, lx, ly, colour in placed:
        labels.append(_label(text, lx, ly, colour, "edge-label", anchor="middle"))

    for name, box in plan.boxes.items():
        fill, stroke, ink = _FILLS.get(box.type, _FILLS["Task"])
        tooltip = f"{name} ({box.type})" + (f": {box.subtitle}" if box.subtitle else "")
        out.append(f'<g class="state {box.type.lower()}" data-state="{_attribute(name)}">'
                   f"<title>{escape(tooltip)}</title>{_shape(box, fill, stroke)}")
        first = box.y + 7 + LINE_HEIGHT - 3
        spans = "".join(
            f'<tspan x="{_number(box.cx)}" y="{_number(first + i * LINE_HEIGHT)}">'
            f"{escape(line)}</tspan>" for i, line in enumerate(box.lines))
        out.append(f'<text class="label" text-anchor="middle" fill="{ink}">{spans}</text>')
        if box.subtitle:
            sub_y = first + len(box.lines) * LINE_HEIGHT - 1
            out.append(f'<text class="subtitle" x="{_number(box.cx)}" y="{_number(sub_y)}" '
                       f'font-size="10" text-anchor="middle" fill="#666666">'
                       f"{escape(box.subtitle)}</text>")
        out.append("</g>")
    out += labels  # on top of boxes and edges
    out.append("</svg>")
    return "\n".join(out) + "\n"


# --- Files --------------------------------------------------------------------------------------

def _stem(filename: str) -> str:
    return filename.removesuffix(".asl.json")


def artifacts() -> dict[Path, str]:
    """Every diagram file and its content, drawn from the committed ``.asl.json`` files."""
    files: dict[Path, str] = {}
    for definition in registry.definitions():
        document = json.loads(definition.path.read_text(encoding="utf-8"))
        stem = _stem(definition.filename)
        source = f"statemachines/{definition.filename}"
        chart = mermaid(document).split("\n", 1)
        files[definition.path.with_name(f"{stem}.mmd")] = (
            f"{chart[0]}\n    %% Generated by {GENERATED_BY} from {source}; do not edit.\n"
            f"{chart[1]}")
        files[definition.path.with_name(f"{stem}.svg")] = svg(document, source)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if a committed diagram differs from the generator")
    args = parser.parse_args(argv)
    from scripts.synth import write_or_check

    return write_or_check(artifacts(), check=args.check, root=ROOT, what="diagram file(s)",
                          command=GENERATED_BY)


if __name__ == "__main__":
    sys.exit(main())
