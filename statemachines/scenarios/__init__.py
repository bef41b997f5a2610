"""Scenarios: every path of every workflow, as data.

A scenario names a Step Functions Local test case: the Rekognition answers it mocks (the only
service that is mocked; DynamoDB, SNS and nested executions run for real), the user's item
before the run, and what must be true after it: the states entered, the execution's status,
the item left in DynamoDB and the notification published (or that none was).

``mock_config()`` renders all scenarios in Step Functions Local's MockConfigFile format, written
to ``statemachines/mock_config.json``; the same data can drive the TestState API, one state at a
time, since each mocked answer is keyed by state name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from .. import registry

BUCKET = "ekyc-test-uploads"
UPLOADED_AT = "2026-11-25T10:00:00.123Z"  # the S3 event time the starter passes on


@dataclass(frozen=True)
class Mock:
    """A named mocked answer of one Task state, attempt by attempt.

    ``attempts`` are (how many attempts, answer) pairs in order, where an answer is
    ``{"Return": body}`` or ``{"Throw": {"Error": ..., "Cause": ...}}``.
    """

    name: str
    attempts: tuple[tuple[int, dict], ...]

    def responses(self) -> dict[str, dict]:
        """MockedResponses entry: keys are attempt numbers or ranges ("0", "1-2")."""
        rendered, first = {}, 0
        for count, answer in self.attempts:
            last = first + count - 1
            rendered[str(first) if count == 1 else f"{first}-{last}"] = answer
            first = last + 1
        return rendered


def returns(name: str, body: dict) -> Mock:
    return Mock(name, ((1, {"Return": body}),))


def throws(name: str, error: str, cause: str, *, times: int = 1, then: dict | None = None) -> Mock:
    """Throw ``error`` on the first ``times`` attempts, then return ``then`` (if given)."""
    attempts: list[tuple[int, dict]] = [(times, {"Throw": {"Error": error, "Cause": cause}})]
    if then is not None:
        attempts.append((1, {"Return": then}))
    return Mock(name, tuple(attempts))


@dataclass(frozen=True)
class Scenario:
    """One test case of one workflow, with everything a test asserts afterwards."""

    workflow: str
    name: str
    description: str
    userid: str
    upload: str  # "selfie" or "id_document": which object the execution is about
    mocks: dict[str, Mock]
    path: tuple[str, ...]
    # The API workflows' input is a request body rather than an uploaded object.
    request: dict[str, Any] | None = None
    # What the API answers: a subset of the output (succeeded) or of the JSON cause (failed).
    answer: dict[str, Any] | None = None
    status: str = "SUCCEEDED"
    error: str | None = None
    seed_item: dict[str, Any] | None = None
    item: dict[str, Any] = field(default_factory=dict)  # None as a value: attribute absent
    notification: dict[str, Any] | None = None  # None: no message may be published
    # A nested compare's own test case: same name, in the ``nested_workflow`` state machine.
    nested_mocks: dict[str, Mock] | None = None
    nested_path: tuple[str, ...] = ()  # empty where the engine keeps no history (Express)
    nested_workflow: str = "identity_compare"
    # States of a Parallel branch that a failing sibling branch may cancel before they start:
    # whether they are entered is a race, on AWS as here, so a path may or may not hold them.
    racing: tuple[str, ...] = ()
    # For each state named, the errors of its failed attempts in order, as the execution's
    # history records them (TaskFailed events): the retries the path itself does not show.
    retried: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def takes_path(self, path: list[str]) -> bool:
        """Whether an execution's ``path`` is this scenario's, racing states aside."""
        def settled(states) -> list[str]:
            return [state for state in states if state not in self.racing]
        return settled(path) == settled(self.path) and \
            all(path.count(state) <= 1 for state in self.racing)

    @property
    def key(self) -> str:
        return f"{self.upload}/{self.userid}.jpg"

    @property
    def input(self) -> dict:
        if self.request is not None:
            return self.request
        return {"userid": self.userid, "bucket": BUCKET, "key": self.key,
                "uploaded_at": UPLOADED_AT}


def mock_config(scenarios: list[Scenario]) -> dict:
    """Step Functions Local's MockConfigFile for ``scenarios`` (state machines by workflow name)."""
    machines: dict[str, dict] = {}
    responses: dict[str, dict] = {}

    def add(workflow: str, case: str, mocks: dict[str, Mock]) -> None:
        cases = machines.setdefault(workflow, {"TestCases": {}})["TestCases"]
        if case in cases:
            raise ValueError(f"test case {case} of {workflow} is defined twice")
        cases[case] = {state: mock.name for state, mock in mocks.items()}
        for mock in mocks.values():
            rendered = mock.responses()
            if responses.setdefault(mock.name, rendered) != rendered:
                raise ValueError(f"mocked response {mock.name} has two different bodies")

    for scenario in scenarios:
        add(scenario.workflow, scenario.name, scenario.mocks)
        if scenario.nested_mocks is not None:
            add(scenario.nested_workflow, scenario.name, scenario.nested_mocks)
    return {"StateMachines": machines, "MockedResponses": responses}


def all_scenarios() -> list[Scenario]:
    """Every workflow's scenarios and its variants', in registry order."""
    found: list[Scenario] = []
    for workflow in registry.WORKFLOWS:
        module = workflow.scenarios_module()
        if module is None:
            continue
        found += module.SCENARIOS
        for variant in workflow.variants:
            if variant.scenarios:
                holder = importlib.import_module(variant.scenarios_module) \
                    if variant.scenarios_module else module
                found += getattr(holder, variant.scenarios)
    return found
