"""A state machine as a Mermaid ``flowchart TD``, for renderers that draw Mermaid (GitHub)."""

from __future__ import annotations

import re

from generators.diagrams.edges import terminals, transitions
from statemachines.asl import all_states, nested

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


def _branch_label(state: dict, number: int) -> str:
    """A Parallel's branch by its number; a Map's one processor runs for each item."""
    return "for each item" if state["Type"] == "Map" else f"branch {number}"


def render(definition: dict) -> str:
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
            for number, branch in enumerate(nested(state), start=1):
                if number == 1:
                    lines.append(f'{indent}subgraph g_{ids[name][2:]}["{mermaid_text(name)}"]')
                    lines.append(f"{indent}    direction TB")
                lines.append(f'{indent}    subgraph g_{ids[name][2:]}_{number}'
                             f'["{_branch_label(state, number)}"]')
                lines.append(f"{indent}        direction TB")
                declare_states(branch, indent + "        ")
                lines.append(f"{indent}    end")
            if nested(state):
                lines.append(f"{indent}end")

    declare_states(definition, "    ")
    lines.append(f"    start_marker --> {ids[definition['StartAt']]}")
    for name, state in states.items():
        for transition in transitions(name, state):
            arrow = "-.->" if transition.kind == "catch" else "-->"
            label = f'|"{mermaid_text(transition.label)}"|' if transition.label else ""
            lines.append(f"    {ids[name]} {arrow}{label} {ids[transition.target]}")
        for number, branch in enumerate(nested(state), start=1):
            lines.append(f'    {ids[name]} ==>|"{_branch_label(state, number)}"| '
                         f'{ids[branch["StartAt"]]}')
            if "Next" in state:
                for end in terminals(branch):
                    lines.append(f"    {ids[end]} ~~~ {ids[state['Next']]}")
    for css, style in _MERMAID_CLASSES:
        lines.append(f"    classDef {css} {style}")
    return "\n".join(lines) + "\n"
