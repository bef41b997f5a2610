"""Adapter fix 33 (engine/adapter/cloudformation.py): a stack's ``AWS::Pipes::Pipe`` is created
in moto's pipes backend, with ``Ref`` its name and ``GetAtt Arn`` its ARN ("AWS::Pipes::Pipe",
CloudFormation Template Reference, Return values). moto's CloudFormation skipped the type."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest

from .conftest import EXTERNAL_ENGINE

pytestmark = [pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter"),
              pytest.mark.usefixtures("endpoint_url")]


def test_a_stacks_pipe_is_created_with_its_source_target_and_filter(endpoint_url):
    name = f"pipe-{uuid.uuid4().hex[:8]}"
    pattern = json.dumps({"eventName": ["REMOVE"]})
    template = {"Resources": {
        "Source": {"Type": "AWS::SQS::Queue"},
        "Target": {"Type": "AWS::SQS::Queue"},
        "Pipe": {"Type": "AWS::Pipes::Pipe", "Properties": {
            "Name": f"{name}-pipe",
            "RoleArn": "arn:aws:iam::123456789012:role/pipe",
            "Source": {"Fn::GetAtt": ["Source", "Arn"]},
            "SourceParameters": {"FilterCriteria": {"Filters": [{"Pattern": pattern}]}},
            "Target": {"Fn::GetAtt": ["Target", "Arn"]},
            "TargetParameters": {"InputTemplate": "{\"id\": \"<$.body>\"}"}}}},
        "Outputs": {"Name": {"Value": {"Ref": "Pipe"}},
                    "Arn": {"Value": {"Fn::GetAtt": ["Pipe", "Arn"]}}}}
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(template))
    (stack,) = cfn.describe_stacks(StackName=name)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["Name"] == f"{name}-pipe"
    pipes = boto3.client("pipes", endpoint_url=endpoint_url)
    described = pipes.describe_pipe(Name=f"{name}-pipe")
    assert described["Arn"] == outputs["Arn"]
    assert described["Source"].endswith(":Source") or ":sqs:" in described["Source"]
    assert described["SourceParameters"]["FilterCriteria"]["Filters"] == [{"Pattern": pattern}]
    assert described["TargetParameters"]["InputTemplate"] == "{\"id\": \"<$.body>\"}"
