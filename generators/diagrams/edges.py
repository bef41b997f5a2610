"""What the drawings say about a state machine: each state's ways out, the text on each edge
(a Choice rule's condition, a Catch's errors) and the service a Task calls."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from statemachines.asl import all_states, nested

LABEL_LIMIT = 40  # characters of an edge label, Mermaid and SVG alike


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
    for inner in condition.get("And", []) + condition.get("Or", []):
        found += _variables(inner)
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


def terminals(branch: dict) -> list[str]:
    """States whose end finishes the branch successfully (not Fail states)."""
    return [name for name, state in branch["States"].items()
            if state.get("End") or state["Type"] == "Succeed"]


def integration(resource: str) -> str:
    """``service:action`` of a Task's Resource, e.g. ``rekognition:detectFaces``."""
    match = re.match(r"arn:[^:]+:states:::(?:aws-sdk:)?(.+)$", resource)
    return match.group(1) if match else resource


def drawn_edges(definition: dict) -> list[Transition]:
    """The edges the SVG draws: a Parallel state forks into each branch, each branch's end
    joins the Parallel's successor (drawn instead of the Parallel's own Next)."""
    edges = []
    for name, state in all_states(definition).items():
        joins = [(end, state["Next"]) for branch in nested(state)
                 for end in terminals(branch)] if "Next" in state else []
        for transition in transitions(name, state):
            if not (transition.kind == "next" and joins):
                edges.append(transition)
        for branch in nested(state):
            edges.append(Transition(name, branch["StartAt"], "fork"))
        edges += [Transition(end, target, "join") for end, target in joins]
    return edges

