"""Adapter fixes 16 and 21 (engine/adapter/awslambda.py), on the embedded engine: an SQS event
source and a Lambda Invoke run the function's own handler code.
"""

from __future__ import annotations

import json
import time
import uuid

import boto3
import pytest

from .adapter_machines import CAUGHT, create, finish, output
from .conftest import EXTERNAL_ENGINE

pytestmark = [pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter"),
              pytest.mark.usefixtures("endpoint_url")]


# --- 16. SQS event sources run the function's own code --------------------------------------------

def test_a_functions_variables_reach_its_handler_as_strings_as_lambda_holds_them():
    """moto resolves a Number parameter's Ref to an int; CloudFormation and Lambda give the
    handler a string."""
    from types import SimpleNamespace

    from engine.adapter.awslambda import local_function
    moto_function = SimpleNamespace(
        function_name="f", function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        handler="index.handler", code_bytes=b"", timeout=3,
        environment_vars={"DAYS": 2, "NAME": "users"})
    assert local_function(moto_function).environment == {"DAYS": "2", "NAME": "users"}


HANDLER = """
import json
def handler(event, context):
    failed = [r["messageId"] for r in event["Records"] if r["body"] == "fail"]
    assert all(r["eventSource"] == "aws:sqs" and r["receiptHandle"] for r in event["Records"])
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}
"""


def test_sqs_event_source_runs_the_handler_and_redrives_its_failures(endpoint_url):
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    sqs = boto3.client("sqs", endpoint_url=endpoint_url)
    name = f"esm-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": {
        "Dead": {"Type": "AWS::SQS::Queue"},
        "Work": {"Type": "AWS::SQS::Queue", "Properties": {
            "VisibilityTimeout": 30, "RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::GetAtt": ["Dead", "Arn"]}, "maxReceiveCount": 2}}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}}},
        "Function": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": HANDLER}}},
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Work", "Arn"]},
            "FunctionName": {"Ref": "Function"}, "BatchSize": 10,
            "FunctionResponseTypes": ["ReportBatchItemFailures"]}}},
        "Outputs": {"Work": {"Value": {"Ref": "Work"}}, "Dead": {"Value": {"Ref": "Dead"}}}}))
    outputs = {o["OutputKey"]: o["OutputValue"]
               for o in cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]}
    sqs.send_message(QueueUrl=outputs["Work"], MessageBody="ok")
    sqs.send_message(QueueUrl=outputs["Work"], MessageBody="fail")
    dead: list[str] = []
    for _ in range(100):
        dead += [m["Body"] for m in sqs.receive_message(
            QueueUrl=outputs["Dead"], WaitTimeSeconds=0).get("Messages", [])]
        if dead:
            break
        time.sleep(0.1)
    assert dead == ["fail"]
    left = sqs.get_queue_attributes(QueueUrl=outputs["Work"], AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert left == {"ApproximateNumberOfMessages": "0",
                    "ApproximateNumberOfMessagesNotVisible": "0"}


# --- 21. Lambda Invoke ----------------------------------------------------------------------------

INVOKED = """
class TooDark(Exception):
    pass


def handler(event, context):
    if event.get("dark"):
        raise TooDark("the picture is too dark")
    return {"seen": event["name"], "function": context.function_name}
"""


def test_a_lambda_task_runs_the_handler_here_and_names_its_exception(endpoint_url, sfn):
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    name = f"invoke-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": []}}},
        "Function": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": INVOKED}}}},
        "Outputs": {"Function": {"Value": {"Fn::GetAtt": ["Function", "Arn"]}}}}))
    function = cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"][0]["OutputValue"]
    arn = create(sfn, {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        "ResultSelector": {"result.$": "$.Payload"},
        "Catch": [{"ErrorEquals": ["TooDark"], "ResultPath": "$.error", "Next": "Caught"}],
        "End": True}, "Caught": CAUGHT})
    assert output(finish(sfn, arn, {"name": "alice"})) == {
        "result": {"seen": "alice", "function": function.split(":")[-1]}}
    assert output(finish(sfn, arn, {"name": "bob", "dark": True})) == {"caught": "TooDark"}
