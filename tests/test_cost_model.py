"""The cost benchmark's counting and modelling (bench/usage.py, bench/cost.py)."""

from __future__ import annotations

import pytest

from bench import cost
from bench.usage import usage
from statemachines.scenarios import all_scenarios

from .conftest import EXTERNAL_ENGINE

SCENARIOS = {(s.workflow, s.name): s for s in all_scenarios()}


def test_usage_counts_entered_states_retries_and_billed_calls_only():
    events = [
        {"type": "TaskStateEntered"},
        {"type": "TaskScheduled", "taskScheduledEventDetails": {
            "resourceType": "aws-sdk:rekognition", "resource": "searchFacesByImage"}},
        {"type": "TaskFailed"},  # throttled: retried, not billed by Rekognition
        {"type": "TaskScheduled", "taskScheduledEventDetails": {
            "resourceType": "aws-sdk:rekognition", "resource": "searchFacesByImage"}},
        {"type": "TaskSucceeded", "taskSucceededEventDetails": {
            "resourceType": "aws-sdk:rekognition", "resource": "searchFacesByImage"}},
        {"type": "ParallelStateEntered"},
        {"type": "TaskStateEntered"},
        {"type": "TaskScheduled", "taskScheduledEventDetails": {
            "resourceType": "aws-sdk:rekognition", "resource": "deleteFaces"}},
        {"type": "TaskSucceeded", "taskSucceededEventDetails": {
            "resourceType": "aws-sdk:rekognition", "resource": "deleteFaces"}},
        {"type": "TaskStateEntered"},
        {"type": "TaskScheduled", "taskScheduledEventDetails": {
            "resourceType": "dynamodb", "resource": "updateItem"}},
        {"type": "PassStateEntered"},
    ]
    used = usage(events)
    assert used.transitions == 5 + 1  # five states entered, one retry
    assert (used.rekognition, used.dynamodb_writes, used.dynamodb_reads) == (1, 1, 0)


def test_a_parallel_state_takes_its_slowest_branch():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem", "Next": "P"},
        "P": {"Type": "Parallel", "Next": "Z", "Branches": [
            {"StartAt": "L", "States": {"L": {
                "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rekognition:indexFaces",
                "End": True}}},
            {"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "U"},
                "U": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                      "End": True}}}]},
        "Z": {"Type": "Succeed"}}}
    path = ["A", "P", "L", "T", "U", "Z"]
    expected = cost.LATENCY["dynamodb"] + max(
        cost.LATENCY["rekognition"], cost.LATENCY["lambda"] + cost.LATENCY["sns"])
    assert cost.modelled_seconds(path, definition) == pytest.approx(expected)
    assert cost.rekognition_rounds(path, definition) == 1


@pytest.mark.parametrize("seconds,billed", [(0.01, 0.1), (0.1, 0.1), (0.78, 0.8), (1.0, 1.0)])
def test_express_duration_is_billed_in_100_ms_steps(seconds, billed):
    assert cost.express_billed_seconds(seconds) == pytest.approx(billed)


@pytest.mark.skipif(EXTERNAL_ENGINE, reason="reads the embedded engine's histories")
def test_the_selfie_happy_path_makes_three_billed_calls_in_two_rounds(deployment):
    (flow,) = [flow for flow in cost.flows()
               if (flow.machine, flow.scenario) == ("identity_verification", "HappyPath")]
    measured = cost.measure(deployment, SCENARIOS[("identity_verification", "HappyPath")], flow)
    assert measured.used.rekognition == 3  # search, compare (nested), index
    assert measured.rounds == 2
    assert measured.used.executions == 2 and measured.used.lambda_invocations == 1
    assert measured.used.transitions == len(
        SCENARIOS[("identity_verification", "HappyPath")].path) + len(
        SCENARIOS[("identity_verification", "HappyPath")].nested_path)


def test_every_cost_flow_is_a_scenario_and_the_express_rows_count_their_standard_twin():
    flows = cost.flows()
    for flow in flows:
        if flow.label != cost.WORKSHOP:
            assert (flow.machine, flow.scenario) in SCENARIOS, flow
        assert flow.twin is None or (flow.twin, flow.scenario) in SCENARIOS, flow
    express = [flow for flow in flows if flow.label == "selfie, Express"]
    assert express and all(flow.twin == "identity_verification" for flow in express)
    assert [flow.api_calls for flow in flows if flow.label.startswith("POST ")] == [1] * 7
    assert {flow.uploads for flow in flows if flow.label.startswith("selfie")} == {1}


def test_the_compare_mode_goals_are_three_calls_per_onboarding_and_two_per_re_verification():
    from bench.modes import ModeCost, mode_goals

    def cost(mode, onboarding, again):
        return ModeCost(mode, onboarding, again, 3, 2, 0.0, 0.0, 0.0)

    faces = cost("COMPARE_FACES", 4, 3)
    assert [met for _, met in mode_goals([faces, cost("COLLECTION", 3, 2)])] == [True, True]
    assert [met for _, met in mode_goals([faces, cost("COLLECTION", 4, 2)])] == [False, True]
    assert [met for _, met in mode_goals([faces, cost("COLLECTION", 3, 3)])] == [True, False]
