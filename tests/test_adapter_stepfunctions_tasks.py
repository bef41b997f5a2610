"""Adapter fixes 2, 3, 7, 19 and 20 (engine/adapter/stepfunctions_tasks.py), on the embedded
engine: states:startExecution in its three patterns, aws-sdk error names, polling of .sync
children, mocked DynamoDB errors, blob parameters. Fix 3 has more in
``tests/test_adapter_error_names.py``.
"""

from __future__ import annotations

import json
import uuid

import pytest
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_callback as callback,
)

from engine.adapter import stepfunctions_tasks

from .adapter_machines import CAUGHT, create, finish, output
from .conftest import EXTERNAL_ENGINE

pytestmark = [pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter"),
              pytest.mark.usefixtures("endpoint_url")]


# --- 2. states:startExecution in all three patterns -----------------------------------------------

@pytest.fixture(scope="module")
def child(sfn):
    return create(sfn, {"Answer": {"Type": "Pass", "Parameters": {"doubled.$":
                                                                 "States.MathAdd($.n, $.n)"},
                                   "End": True}})


@pytest.fixture(scope="module")
def failing_child(sfn):
    return create(sfn, {"Refuse": {"Type": "Fail", "Error": "ChildRefused", "Cause": "no"}})


def nested(sfn, child_arn: str, resource: str) -> str:
    return create(sfn, {
        "Start child": {"Type": "Task", "Resource": f"arn:aws:states:::{resource}",
                        "Parameters": {"StateMachineArn": child_arn, "Input": {"n": 21}},
                        "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error",
                                   "Next": "Caught"}],
                        "End": True},
        "Caught": CAUGHT})


def test_request_response_start_returns_the_execution_and_a_json_ready_date(sfn, child):
    result = output(finish(sfn, nested(sfn, child, "states:startExecution")))
    assert result["ExecutionArn"].startswith(child.replace(":stateMachine:", ":execution:"))
    assert isinstance(result["StartDate"], int) and result["StartDate"] > 1_600_000_000_000


def test_sync_gives_the_child_output_as_a_string(sfn, child):
    result = output(finish(sfn, nested(sfn, child, "states:startExecution.sync")))
    assert result["Status"] == "SUCCEEDED" and json.loads(result["Output"]) == {"doubled": 42}


def test_sync2_gives_the_child_output_as_json(sfn, child):
    result = output(finish(sfn, nested(sfn, child, "states:startExecution.sync:2")))
    assert result["Output"] == {"doubled": 42}


@pytest.mark.parametrize("resource", ["states:startExecution.sync", "states:startExecution.sync:2"])
def test_a_failed_child_fails_the_task_into_its_catch(sfn, failing_child, resource):
    assert output(finish(sfn, nested(sfn, failing_child, resource))) == {
        "caught": "States.TaskFailed"}


# --- 3. aws-sdk error names -----------------------------------------------------------------------

@pytest.mark.parametrize("service,prefix", [("rekognition", "Rekognition"), ("s3", "S3"),
                                            ("dynamodb", "DynamoDb"), ("sfn", "Sfn"),
                                            ("secretsmanager", "SecretsManager")])
def test_sdk_error_prefix_is_the_service_as_aws_names_it(service, prefix):
    assert stepfunctions_tasks.sdk_error_prefix(service) == prefix


def test_sdk_errors_match_catchers_written_as_on_aws(sfn):
    arn = create(sfn, {
        "Read": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                 "Parameters": {"Bucket": "no-such-bucket-here", "Key": "k"},
                 "Catch": [{"ErrorEquals": ["S3.NoSuchBucketException"], "ResultPath": "$.error",
                            "Next": "Caught"}],
                 "End": True},
        "Caught": CAUGHT})
    assert output(finish(sfn, arn)) == {"caught": "S3.NoSuchBucketException"}


# --- 7. .sync polling -----------------------------------------------------------------------------

def test_sync_children_are_polled_promptly():
    assert callback._DELAY_SECONDS_SYNC_CONDITION_CHECK == stepfunctions_tasks.SYNC_POLL_SECONDS


# --- 19. mocked errors of DynamoDB tasks ----------------------------------------------------------

def test_a_mocked_dynamodb_error_keeps_its_name_and_cause(sfn, tmp_path, monkeypatch):
    name = f"ddbthrow{uuid.uuid4().hex[:8]}"
    arn = create(sfn, {
        "Write": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
                  "Parameters": {"TableName": "adapter-tests", "Key": {"id": {"S": "a"}},
                                 "UpdateExpression": "SET v = :v",
                                 "ExpressionAttributeValues": {":v": {"S": "x"}}},
                  "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                             "ResultPath": "$.error", "Next": "Caught"}],
                  "End": True},
        "Caught": {"Type": "Pass", "Parameters": {"caught.$": "$.error"}, "End": True},
    }, name=name)
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({
        "StateMachines": {name: {"TestCases": {"Conflict": {"Write": "Refused"}}}},
        "MockedResponses": {"Refused": {"0": {"Throw": {
            "Error": "DynamoDB.ConditionalCheckFailedException",
            "Cause": "The conditional request failed"}}}},
    }))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    assert output(finish(sfn, f"{arn}#Conflict")) == {"caught": {
        "Error": "DynamoDB.ConditionalCheckFailedException",
        "Cause": "The conditional request failed"}}


# --- 20. blob parameters of aws-sdk tasks -------------------------------------------------------

def test_base64_blob_parameters_reach_the_service_as_bytes():
    operation = stepfunctions_tasks.operation_model("rekognition", "compare_faces")
    parameters = {"SourceImage": {"Bytes": "aGVsbG8="}, "TargetImage": {"S3Object": {
        "Bucket": "b", "Name": "k"}}, "SimilarityThreshold": 0}
    stepfunctions_tasks.decode_blobs(parameters, operation.input_shape)
    assert parameters["SourceImage"] == {"Bytes": b"hello"}
    assert parameters["TargetImage"] == {"S3Object": {"Bucket": "b", "Name": "k"}}
    textract = stepfunctions_tasks.operation_model("textract", "analyze_id")
    pages = {"DocumentPages": [{"Bytes": "aGk="}]}
    assert stepfunctions_tasks.decode_blobs(pages, textract.input_shape) == {
        "DocumentPages": [{"Bytes": b"hi"}]}
