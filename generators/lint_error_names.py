"""Check every error name the workflows and their scenario mocks write against the names AWS raises.

    python -m generators.lint_error_names           # statemachines/*.asl.json and mock_config.json

A ``Retry`` or ``Catch`` on a name Step Functions never raises never fires, and on AWS nothing
says so: the error falls through to the next catcher. The engine cannot show it either when a
scenario mocks the same wrong name. So, for each Task state:

- an ``aws-sdk`` task's names are ``<Service>.<Error>Exception`` with the error in botocore's
  model of that service; an optimized integration's names are in its documented list; ``States.*``
  names are the language's own (rules and AWS documents: ``statemachines/aws_errors.py``);
- no name is listed twice in one state's ``Retry`` or ``Catch`` (the second never fires);
- each error a scenario mock throws is one the mocked state's integration can raise.

Prints one line per finding and exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from generators.output import ROOT
from statemachines import aws_errors as names
from statemachines.asl import all_states, repeated_error_names

STATEMACHINES = ROOT / "statemachines"
MOCK_CONFIG = STATEMACHINES / "mock_config.json"


def _inner_states(state: dict) -> dict[str, dict]:
    """The states a Parallel's branches or a Map's iterations run."""
    found: dict[str, dict] = {}
    for branch in state.get("Branches", []):
        found.update(all_states(branch))
    processor = state.get("ItemProcessor") or state.get("Iterator")
    if processor:
        found.update(all_states(processor))
    return found


def _states(definition: dict) -> Iterator[tuple[str, dict]]:
    for name, state in definition["States"].items():
        yield name, state
        yield from _inner_states(state).items()


def _problem(state: dict, error: str) -> str | None:
    """Why ``state`` never sees ``error``, or None."""
    if state.get("Type") == "Task" or error.startswith("States."):
        return names.problem(state.get("Resource", ""), error)
    inner = _inner_states(state).values()  # a Parallel or Map: what its states can raise
    if any(s.get("Type") == "Fail" and s.get("Error") == error for s in inner) or any(
            s.get("Type") == "Task" and names.problem(s["Resource"], error) is None
            for s in inner):
        return None
    return "no state inside raises it"


def definition_findings(label: str, definition: dict) -> list[str]:
    findings = []
    for name, state in _states(definition):
        for field, error in repeated_error_names(state):
            findings.append(f"{label}: {name}: {field} lists {error} twice; the second "
                            "never fires")
        for field in ("Retry", "Catch"):
            for handler in state.get(field, []):
                for error in handler["ErrorEquals"]:
                    problem = _problem(state, error)
                    if problem:
                        findings.append(f"{label}: {name}: {field} {error}: {problem}")
    return findings


def mock_findings(label: str, config: dict, definitions: dict[str, dict]) -> list[str]:
    """``definitions``: each mocked state machine's definition, by its name in ``config``."""
    findings = []
    for machine, spec in config.get("StateMachines", {}).items():
        if machine not in definitions:
            findings.append(f"{label}: {machine}: no such state machine to check its mocks")
            continue
        states = dict(_states(definitions[machine]))
        for case, mocked in spec.get("TestCases", {}).items():
            for state_name, response in mocked.items():
                state = states.get(state_name)
                if state is None:
                    findings.append(f"{label}: {machine} {case}: no state {state_name!r}")
                    continue
                for answer in config["MockedResponses"].get(response, {}).values():
                    error = answer.get("Throw", {}).get("Error")
                    problem = error and _problem(state, error)
                    if problem:
                        findings.append(f"{label}: {machine} {case}: {state_name} throws "
                                        f"{error}: {problem}")
    return findings


def _mocked_definitions() -> dict[str, dict]:
    from statemachines.registry import machines

    return {machine.name: json.loads(machine.path.read_text()) for machine in machines()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("definitions", nargs="*", type=Path,
                        help="ASL files (default: statemachines/*.asl.json)")
    parser.add_argument("--mock-config", type=Path,
                        help="MockConfigFile (default: statemachines/mock_config.json when no "
                             "ASL file is named)")
    args = parser.parse_args(argv)
    paths = args.definitions or sorted(STATEMACHINES.glob("*.asl.json"))
    mock_config = args.mock_config or (None if args.definitions else MOCK_CONFIG)

    findings: list[str] = []
    checked = 0
    for path in paths:
        definition = json.loads(path.read_text())
        checked += sum(len(handler["ErrorEquals"]) for _, state in _states(definition)
                       for field in ("Retry", "Catch") for handler in state.get(field, []))
        findings += definition_findings(path.name, definition)
    if mock_config is not None:
        findings += mock_findings(mock_config.name, json.loads(mock_config.read_text()),
                                  _mocked_definitions())
    for finding in findings:
        print(finding)
    if findings:
        print(f"rules: {names.SDK_GUIDE} (aws-sdk), {names.ERRORS_GUIDE} (States.*), the "
              "optimized integrations' pages in statemachines/aws_errors.py")
    checked_mocks = f" and the mocks of {mock_config.name}" if mock_config else ""
    print(f"error names: {len(findings)} finding(s); {checked} Retry/Catch names in "
          f"{len(paths)} file(s){checked_mocks} checked")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
