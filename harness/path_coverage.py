"""Which states and which Choice branches of each workflow the executed runs went through.

A Choice branch is one of its rules (by position) or its Default; the branch an execution took
is read off the state it entered next, so every rule of a Choice must lead to its own state
(``branches()`` refuses a Choice where two branches share a target). States inside Parallel
branches count like any other.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from statemachines.asl import all_states


def branches(definition: dict) -> dict[tuple[str, str], str]:
    """(choice state, next state) -> branch label, e.g. ``("Check", "Low") -> "rule 1"``."""
    found: dict[tuple[str, str], str] = {}
    for name, state in all_states(definition).items():
        if state["Type"] != "Choice":
            continue
        labelled = [(rule["Next"], f"rule {i}") for i, rule in enumerate(state["Choices"], 1)]
        labelled.append((state["Default"], "Default"))
        targets = [target for target, _ in labelled]
        if len(set(targets)) != len(targets):
            raise ValueError(f"Choice {name!r}: two branches lead to the same state, so the "
                             "branch taken cannot be told from the path")
        for target, label in labelled:
            found[(name, target)] = label
    return found


@dataclass
class Coverage:
    """Coverage of one definition by a set of paths."""

    name: str
    definition: dict
    states_seen: set[str] = field(default_factory=set)
    branches_seen: set[tuple[str, str]] = field(default_factory=set)

    @cached_property
    def choices(self) -> dict[tuple[str, str], str]:
        return branches(self.definition)

    def add(self, path: Iterable[str]) -> None:
        path = list(path)
        self.states_seen.update(path)
        for here, after in zip(path, path[1:], strict=False):
            if (here, after) in self.choices:
                self.branches_seen.add((here, after))

    @property
    def missing_states(self) -> list[str]:
        return [name for name in all_states(self.definition) if name not in self.states_seen]

    @property
    def missing_branches(self) -> list[str]:
        return [f"{choice} -> {label} ({target})"
                for (choice, target), label in self.choices.items()
                if (choice, target) not in self.branches_seen]

    @property
    def complete(self) -> bool:
        return not self.missing_states and not self.missing_branches

    def summary(self) -> str:
        states, all_branches = all_states(self.definition), self.choices
        state_share = len(states) - len(self.missing_states)
        branch_share = len(all_branches) - len(self.missing_branches)
        lines = [f"{self.name}: states {state_share}/{len(states)} "
                 f"({100 * state_share / len(states):.0f}%), choice branches "
                 f"{branch_share}/{len(all_branches)} "
                 f"({100 * branch_share / max(len(all_branches), 1):.0f}%)"]
        lines += [f"    state never entered: {name}" for name in self.missing_states]
        lines += [f"    branch never taken: {branch}" for branch in self.missing_branches]
        return "\n".join(lines)


def coverages(definitions: Iterable) -> dict[str, Coverage]:
    """An empty coverage for each definition (``statemachines.registry.definitions()``), by the
    name its runs have, read from its ASL file."""
    return {definition.name: Coverage(definition.name, json.loads(definition.path.read_text()))
            for definition in definitions}
