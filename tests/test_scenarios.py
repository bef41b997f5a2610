"""Every path of every workflow, on a real engine: Rekognition is mocked through the
MockConfigFile; DynamoDB, SNS and the nested compare run for real.

Each test checks the states entered (and the nested compare's), the execution's status and
error, the user's item afterwards and the notification published, or that none was.
"""

from __future__ import annotations

import json

import pytest

from harness.scenario_runner import covered_as, failed_attempts
from statemachines.scenarios import all_scenarios

from .conftest import EXTERNAL_ENGINE

SCENARIOS = all_scenarios()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[f"{s.workflow}:{s.name}" for s in SCENARIOS])
def test_scenario(deployment, record_path, scenario):
    if scenario.nested_mocks is not None and EXTERNAL_ENGINE:
        pytest.skip("Step Functions Local hands no test case to a nested execution; the "
                    "embedded engine runs the child's test case of the same name")
    run = deployment.run(scenario)
    record_path(covered_as(scenario.workflow), run.path)
    for child in run.children:
        record_path(covered_as(scenario.nested_workflow), child.path)

    assert scenario.takes_path(run.path), run.path
    assert (run.status, run.error) == (scenario.status, scenario.error)
    if scenario.retried:
        failed = failed_attempts(deployment.history(run.execution_arn))
        assert {state: tuple(failed.get(state, ())) for state in scenario.retried} == \
            scenario.retried

    for attribute, expected in scenario.item.items():
        if expected is None:
            assert attribute not in run.item, attribute
        else:
            assert run.item.get(attribute) == expected, attribute
    if run.item:
        assert run.item.get("userid") == scenario.userid

    if scenario.answer is not None:
        answer = run.output if run.status == "SUCCEEDED" else json.loads(run.cause)
        assert {key: answer.get(key) for key in scenario.answer} == scenario.answer

    if scenario.notification is None:
        assert run.notifications == []
    else:
        (message,) = run.notifications
        assert {key: message.get(key) for key in scenario.notification} == scenario.notification
        assert message["execution"] == run.execution_arn
        assert message["object"] == f"s3://ekyc-test-uploads/{scenario.key}"

    if scenario.nested_path:
        (child,) = run.children
        assert child.path == list(scenario.nested_path)
    else:
        assert run.children == []


def test_a_racing_state_may_be_entered_once_or_not_at_all():
    from statemachines.scenarios import Scenario

    scenario = Scenario(workflow="w", name="n", description="d", userid="u", upload="selfie",
                        mocks={}, path=("Start", "Parallel", "A", "B", "End"), racing=("B",))
    assert scenario.takes_path(["Start", "Parallel", "A", "B", "End"])
    assert scenario.takes_path(["Start", "Parallel", "A", "End"])
    assert not scenario.takes_path(["Start", "Parallel", "A", "B", "B", "End"])
    assert not scenario.takes_path(["Start", "Parallel", "B", "End"])


def test_map_iterations_are_listed_one_by_one_however_they_interleaved():
    from harness.scenario_runner import entered_states

    processor = {"StartAt": "Whose?", "States": {
        "Whose?": {"Type": "Choice", "Choices": [
            {"Variable": "$.x", "IsPresent": True, "Next": "Mine"}], "Default": "Other"},
        "Mine": {"Type": "Pass", "End": True}, "Other": {"Type": "Pass", "End": True}}}
    definition = {"StartAt": "Map", "States": {
        "Map": {"Type": "Map", "ItemProcessor": processor, "Next": "After"},
        "After": {"Type": "Succeed"}}}

    def events(*names):
        return [{"stateEnteredEventDetails": {"name": name}} for name in names]

    expected = ["Map", "Whose?", "Mine", "Whose?", "Other", "After"]
    assert entered_states(events("Map", "Whose?", "Whose?", "Other", "Mine", "After"),
                          definition) == expected
    assert entered_states(events("Map", "Whose?", "Other", "Whose?", "Mine", "After"),
                          definition) == expected
