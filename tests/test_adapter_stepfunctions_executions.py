"""Adapter fixes 1, 4 and 12 (engine/adapter/stepfunctions_executions.py), on the embedded engine:
MockConfigFile test cases, generated execution names, StartSyncExecution. Fix 25 has
``tests/test_adapter_express_names.py``.
"""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from botocore.config import Config

from .adapter_machines import create, express, finish, output
from .conftest import EXTERNAL_ENGINE

pytestmark = [pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter"),
              pytest.mark.usefixtures("endpoint_url")]


@pytest.fixture(scope="module")
def ddb(endpoint_url):
    client = boto3.client("dynamodb", endpoint_url=endpoint_url)
    client.create_table(TableName="adapter-tests", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    client.put_item(TableName="adapter-tests", Item={"id": {"S": "a"}, "v": {"S": "real"}})
    return client


# --- 1. MockConfigFile test cases ----------------------------------------------------------------

def test_test_case_mocks_its_states_and_leaves_the_others_real(sfn, ddb, tmp_path, monkeypatch):
    name = f"mocked{uuid.uuid4().hex[:8]}"
    arn = create(sfn, {
        "Detect": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rekognition:detectFaces",
                   "Parameters": {"Image": {"Bytes": "eA=="}}, "ResultPath": "$.detected",
                   "Retry": [{"ErrorEquals": ["Rekognition.ThrottlingException"],
                              "IntervalSeconds": 1, "MaxAttempts": 3}],
                   "Next": "Read"},
        "Read": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                 "Parameters": {"TableName": "adapter-tests", "Key": {"id": {"S": "a"}}},
                 "ResultSelector": {"v.$": "$.Item.v.S"}, "ResultPath": "$.read", "End": True},
    }, name=name)
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({
        "StateMachines": {name: {"TestCases": {"Throttled": {"Detect": "Faces"}}}},
        "MockedResponses": {"Faces": {
            "0-1": {"Throw": {"Error": "Rekognition.ThrottlingException", "Cause": "slow"}},
            "2": {"Return": {"FaceDetails": [{"Confidence": 99.5}]}}}},
    }))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    result = output(finish(sfn, f"{arn}#Throttled"))
    assert result == {"detected": {"FaceDetails": [{"Confidence": 99.5}]}, "read": {"v": "real"}}


def test_unknown_test_case_and_missing_config_are_clear_errors(sfn, tmp_path, monkeypatch):
    arn = create(sfn, {"Only": {"Type": "Pass", "End": True}})
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)
    with pytest.raises(sfn.exceptions.ClientError, match="set SFN_MOCK_CONFIG"):
        sfn.start_execution(stateMachineArn=f"{arn}#Anything", input="{}")
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({"StateMachines": {}, "MockedResponses": {}}))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    with pytest.raises(sfn.exceptions.ClientError, match="no test case 'Anything'"):
        sfn.start_execution(stateMachineArn=f"{arn}#Anything", input="{}")


def test_child_runs_the_test_case_of_its_parent(sfn, tmp_path, monkeypatch):
    child_name = f"child{uuid.uuid4().hex[:8]}"
    child = create(sfn, {"Ask": {"Type": "Task", "End": True,
                                 "Resource": "arn:aws:states:::aws-sdk:rekognition:listFaces",
                                 "Parameters": {"CollectionId": "c"}}}, name=child_name)
    parent = create(sfn, {"Run child": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": child, "Input": {}},
        "ResultSelector": {"out.$": "$.Output"}, "End": True}})
    config = tmp_path / "mock.json"
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    # The parent's test case mocks nothing: only the child's Task is mocked.
    config.write_text(json.dumps({
        "StateMachines": {child_name: {"TestCases": {"Inherited": {"Ask": "Listed"}}},
                          parent.rsplit(":", 1)[1]: {"TestCases": {"Inherited": {}}}},
        "MockedResponses": {"Listed": {"0": {"Return": {"Faces": [{"FaceId": "f1"}]}}}},
    }))
    assert output(finish(sfn, f"{parent}#Inherited")) == {"out": {"Faces": [{"FaceId": "f1"}]}}


# --- 4. unnamed executions ------------------------------------------------------------------------

def test_unnamed_executions_get_distinct_generated_names(sfn):
    arn = create(sfn, {"Only": {"Type": "Pass", "End": True}})
    first = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    second = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    assert first != second
    assert not first.endswith(":None")
    assert len(first.rsplit(":", 1)[1]) == 36  # a UUID, as AWS generates


# --- 12. StartSyncExecution -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sync_client(endpoint_url):
    return boto3.client("stepfunctions", endpoint_url=endpoint_url,
                        config=Config(inject_host_prefix=False))


def test_start_sync_execution_answers_with_status_and_output(sync_client):
    doubler = express(sync_client, {"Double": {"Type": "Pass", "End": True, "Parameters": {
        "doubled.$": "States.MathAdd($.n, $.n)"}}})
    answer = sync_client.start_sync_execution(stateMachineArn=doubler, input='{"n": 4}')
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"]) == {"doubled": 8}
    refuser = express(sync_client, {"No": {"Type": "Fail", "Error": "Refused", "Cause": "why"}})
    answer = sync_client.start_sync_execution(stateMachineArn=refuser, input="{}")
    assert (answer["status"], answer["error"], answer["cause"]) == ("FAILED", "Refused", "why")
    assert "output" not in answer


def test_start_sync_execution_refuses_standard_state_machines(sync_client):
    standard = create(sync_client, {"Only": {"Type": "Pass", "End": True}})
    with pytest.raises(sync_client.exceptions.ClientError, match="only runs EXPRESS"):
        sync_client.start_sync_execution(stateMachineArn=standard, input="{}")


def test_sdk_task_runs_an_express_child_with_the_parents_test_case(sfn, tmp_path, monkeypatch):
    child_name = f"xchild{uuid.uuid4().hex[:8]}"
    child = express(sfn, {"Ask": {"Type": "Task", "End": True,
                                  "Resource": "arn:aws:states:::aws-sdk:rekognition:listFaces",
                                  "Parameters": {"CollectionId": "c"}}}, name=child_name)
    parent = create(sfn, {"Run child": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startSyncExecution",
        "Parameters": {"StateMachineArn": child, "Input": "{}"},
        "ResultSelector": {"status.$": "$.Status", "out.$": "States.StringToJson($.Output)"},
        "End": True}})
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({
        "StateMachines": {child_name: {"TestCases": {"Case": {"Ask": "Listed"}}},
                          parent.rsplit(":", 1)[1]: {"TestCases": {"Case": {}}}},
        "MockedResponses": {"Listed": {"0": {"Return": {"Faces": [{"FaceId": "f9"}]}}}}}))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    assert output(finish(sfn, f"{parent}#Case")) == {
        "status": "SUCCEEDED", "out": {"Faces": [{"FaceId": "f9"}]}}
