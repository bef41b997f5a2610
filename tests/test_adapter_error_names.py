"""Adapter fix 3: an ``aws-sdk`` task's error carries exactly the name Step Functions gives it.

The rule ("Learning to use AWS service SDK integrations in Step Functions",
https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html): the error
is ``<Service>.<Error>`` in PascalCase, the service written as in the guide's ``AcmPca``, and
the ``Exception`` suffix always appended. Each test calls a real service of the engine (the
local face service for Rekognition) and catches the error by the name written as on AWS.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest

from engine.adapter import stepfunctions_tasks

from .conftest import EXTERNAL_ENGINE

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter")
ROLE = "arn:aws:iam::123456789012:role/adapter-error-name-tests"


def caught_by_name(sfn, resource: str, parameters: dict, error: str) -> dict:
    """Run one Task with a Catch on ``error`` alone; return what the catcher received."""
    definition = {"StartAt": "Call", "States": {
        "Call": {"Type": "Task", "Resource": resource, "Parameters": parameters,
                 "Catch": [{"ErrorEquals": [error], "ResultPath": "$.error", "Next": "Caught"}],
                 "End": True},
        "Caught": {"Type": "Pass", "OutputPath": "$.error", "End": True}}}
    arn = sfn.create_state_machine(name=f"names{uuid.uuid4().hex[:10]}", roleArn=ROLE,
                                   definition=json.dumps(definition))["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    for _ in range(1000):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.01)
    assert described["status"] == "SUCCEEDED", (described.get("error"), described.get("cause"))
    return json.loads(described["output"])


def test_a_rekognition_error_is_caught_by_its_aws_name(sfn):
    caught = caught_by_name(
        sfn, "arn:aws:states:::aws-sdk:rekognition:searchFacesByImage",
        {"CollectionId": f"missing-{uuid.uuid4().hex[:8]}", "MaxFaces": 1,
         "Image": {"S3Object": {"Bucket": "no-bucket", "Name": "selfie.jpg"}}},
        "Rekognition.ResourceNotFoundException")
    assert caught["Error"] == "Rekognition.ResourceNotFoundException"
    assert "(Service: Rekognition, Status Code: 400" in caught["Cause"]


def test_an_acronym_service_is_written_word_by_word(sfn):
    """SNS's service id is ``SNS``: the prefix is ``Sns``, as ``ACM PCA`` gives ``AcmPca``."""
    caught = caught_by_name(
        sfn, "arn:aws:states:::aws-sdk:sns:publish",
        {"TopicArn": f"arn:aws:sns:us-east-1:123456789012:missing-{uuid.uuid4().hex[:8]}",
         "Message": "hello"},
        "Sns.NotFoundException")
    assert caught["Error"] == "Sns.NotFoundException"


@pytest.mark.parametrize("service,prefix", [
    ("acmpca", "AcmPca"),  # the guide's own example
    ("dynamodb", "DynamoDb"),  # "Call DynamoDB with Step Functions": the SDK prefix is DynamoDb
    ("sfn", "Sfn"), ("rekognition", "Rekognition"), ("s3", "S3"),
    ("secretsmanager", "SecretsManager"),
])
def test_the_service_prefix_is_written_as_aws_writes_it(service, prefix):
    assert stepfunctions_tasks.sdk_error_prefix(service) == prefix


def test_the_exception_suffix_is_appended_to_a_name_without_it():
    """botocore's ``InternalServerError`` is ``Rekognition.InternalServerErrorException`` on AWS;
    a name that has the suffix keeps it once."""
    from botocore.exceptions import ClientError

    internal = type("InternalServerError", (ClientError,), {})
    throttled = type("ThrottlingException", (ClientError,), {})
    response = {"Error": {"Code": "x", "Message": "y"}}
    name = stepfunctions_tasks.sdk_error_name
    assert name("Rekognition", internal(response, "DetectFaces")) == \
        "Rekognition.InternalServerErrorException"
    assert name("Rekognition", throttled(response, "DetectFaces")) == \
        "Rekognition.ThrottlingException"
