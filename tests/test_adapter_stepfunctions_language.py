"""Adapter fixes 5, 6, 8, 18 and 34 (engine/adapter/stepfunctions_language.py), on the embedded
engine: scaled retry waits, definite JSONPaths, States.* errors out of Parallel and Map, the
errors States.ALL does not match, StringMatches patterns.
"""

from __future__ import annotations

import json
import os
import uuid

import pytest

from engine.adapter import stepfunctions_language

from .adapter_machines import CAUGHT, create, finish, output
from .conftest import EXTERNAL_ENGINE

pytestmark = [pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter"),
              pytest.mark.usefixtures("endpoint_url")]


# --- 5. retry waits -------------------------------------------------------------------------------

def test_retries_still_happen_with_scaled_waits(sfn, tmp_path, monkeypatch):
    name = f"retry{uuid.uuid4().hex[:8]}"
    arn = create(sfn, {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rekognition:listCollections",
        "Parameters": {}, "End": True,
        "Retry": [{"ErrorEquals": ["Rekognition.ThrottlingException"], "IntervalSeconds": 30,
                   "BackoffRate": 2, "MaxAttempts": 2}]}}, name=name)
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({
        "StateMachines": {name: {"TestCases": {"T": {"Call": "Slow"}}}},
        "MockedResponses": {"Slow": {
            "0-1": {"Throw": {"Error": "Rekognition.ThrottlingException", "Cause": "slow"}},
            "2": {"Return": {"CollectionIds": ["c"]}}}}}))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    stepfunctions_language.set_retry_time_scale(0.0001)  # 30 s and 60 s of waiting become 9 ms
    try:
        described = finish(sfn, f"{arn}#T")
    finally:
        stepfunctions_language.set_retry_time_scale(
            float(os.environ.get(stepfunctions_language.RETRY_SCALE_VARIABLE, "1")))
    assert output(described) == {"CollectionIds": ["c"]}
    events = sfn.get_execution_history(executionArn=described["executionArn"])["events"]
    assert [e["type"] for e in events].count("TaskFailed") == 2


# --- 6. definite JSONPaths ------------------------------------------------------------------------

def test_a_path_through_an_index_selects_one_value(sfn):
    arn = create(sfn, {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.faces[0].Confidence",
                                                 "NumericLessThan": 99, "Next": "Low"}],
                  "Default": "High"},
        "Low": {"Type": "Pass", "Parameters": {"said.$": "States.Format('{}',"
                                               " $.faces[0].Confidence)",
                                               "all.$": "$.faces[*].Confidence"},
                "End": True},
        "High": {"Type": "Pass", "End": True}})
    assert output(finish(sfn, arn, {"faces": [{"Confidence": 97.5}]})) == {
        "said": "97.5", "all": [97.5]}


def test_an_indefinite_path_always_selects_a_list(sfn):
    arn = create(sfn, {"Pick": {"Type": "Pass", "Parameters": {
        "one.$": "$.fields[?(@.type == 'FIRST_NAME')].text",
        "none.$": "$.fields[?(@.type == 'EXPIRY')].text",
        "all.$": "$.fields[*].text"}, "End": True}})
    fields = [{"type": "FIRST_NAME", "text": "ALICE"}, {"type": "LAST_NAME", "text": "MARTIN"}]
    assert output(finish(sfn, arn, {"fields": fields})) == {
        "one": ["ALICE"], "none": [], "all": ["ALICE", "MARTIN"]}


@pytest.mark.parametrize("path,definite", [
    ("$.a[0].b", True), ("$.a.b", True), ("$.a[0]", True), ("$.a[*].b", False),
    ("$..b", False), ("$.a[1:2]", False), ("$.a[?(@.x == 1)]", False), ("$.a[0,1]", False),
])
def test_definite_paths_are_told_apart(path, definite):
    assert stepfunctions_language.is_definite(path) is definite


# --- 8. States.* errors out of branches -----------------------------------------------------------

BRANCH_ENDINGS = {
    "fail state": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "States.TaskFailed",
                                                    "Cause": "x"}}},
    "runtime error": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True,
                                                       "Parameters": {"x.$": "$.missing"}}}},
}


@pytest.mark.parametrize("ending", BRANCH_ENDINGS, ids=list(BRANCH_ENDINGS))
@pytest.mark.parametrize("kind", ["Parallel", "Map"])
def test_states_errors_in_branches_reach_the_catch(sfn, kind, ending):
    branch = BRANCH_ENDINGS[ending]
    body = {"Branches": [branch]} if kind == "Parallel" else {
        "ItemsPath": "$.items", "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **branch}}
    arn = create(sfn, {
        "Fan out": {"Type": kind, **body, "End": True,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                               "Next": "Caught"}]},
        "Caught": CAUGHT})
    described = finish(sfn, arn, {"items": [1]})
    if ending == "fail state":
        assert output(described) == {"caught": "States.TaskFailed"}
    else:  # States.Runtime is terminal: no catcher takes it (fix 18), the execution fails
        assert (described["status"], described["error"]) == ("FAILED", "States.Runtime")


# --- 18. terminal errors -------------------------------------------------------------------------

def test_states_all_does_not_catch_a_runtime_error(sfn):
    arn = create(sfn, {
        "Read": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets",
                 "Parameters": {}, "ResultSelector": {"missing.$": "$.NoSuchField"},
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": True},
        "Caught": CAUGHT})
    described = finish(sfn, arn)
    assert (described["status"], described["error"]) == ("FAILED", "States.Runtime")


# --- 34. StringMatches patterns -------------------------------------------------------------------

@pytest.mark.parametrize("value, pattern, matched", [
    ("_id:alice", "_id:*", True),  # the ID document faces' names (registered_faces.py)
    ("alice", "_id:*", False),
    ("abc", "a?c", False),  # no character but * is special
    ("a?c", "a?c", True),
    ("abc", "a[b]c", False),
    ("a[b]c", "a[b]c", True),
    ("a*c", "a\\*c", True),  # an escaped asterisk stands for itself
    ("abc", "a\\*c", False),
])
def test_string_matches_reads_the_pattern_as_the_states_language_does(sfn, value, pattern,
                                                                       matched):
    arn = create(sfn, {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.value", "StringMatches": pattern,
                                                 "Next": "Matched"}], "Default": "Other"},
        "Matched": {"Type": "Pass", "Result": {"matched": True}, "End": True},
        "Other": {"Type": "Pass", "Result": {"matched": False}, "End": True}})
    assert output(finish(sfn, arn, {"value": value})) == {"matched": matched}
