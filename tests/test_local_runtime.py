"""engine/lambda_runtime.py: the SQS -> Lambda link, driven directly."""

from __future__ import annotations

import io
import json
import time
import zipfile

import boto3
import pytest

from engine import lambda_runtime

from .conftest import EXTERNAL_ENGINE

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="runs on the embedded engine")

HANDLER = """
import os
seen = []
def handler(event, context):
    seen.extend((r["body"], os.environ["GREETING"], context.function_name)
                for r in event["Records"])
    print("handled", len(event["Records"]))
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]}
                                  for r in event["Records"] if r["body"] == "bad"]}
"""


def function(name: str) -> lambda_runtime.Function:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", HANDLER)
    return lambda_runtime.Function(
        name=name, arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
        handler="index.handler", code_zip=buffer.getvalue(),
        environment={"GREETING": "hello"}, timeout=3)


@pytest.fixture
def queue(endpoint_url):
    sqs = boto3.client("sqs", endpoint_url=endpoint_url)
    url = sqs.create_queue(QueueName=f"runtime-{time.monotonic_ns()}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    return sqs, url, arn


def test_a_batch_runs_the_handler_with_its_environment_and_keeps_only_failures(
        queue, endpoint_url):
    sqs, url, arn = queue
    # One archive for both: a zip records when each file was written, so a second archive
    # made a (2-second) tick later is another code version, with a handler of its own.
    greeter = function("greeter")
    source = lambda_runtime.SqsEventSource(greeter, arn, 10, True, endpoint_url)
    for body in ("good", "bad"):
        sqs.send_message(QueueUrl=url, MessageBody=body)
    assert source.poll_once() == 2
    handler = lambda_runtime.load_handler(greeter)
    assert sorted(handler.__globals__["seen"][-2:]) == [("bad", "hello", "greeter"),
                                                        ("good", "hello", "greeter")]
    assert ("greeter", "handled 2") in lambda_runtime.LOGS
    left = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert sum(map(int, left.values())) == 1  # the failure stays for a retry; "good" is deleted
    (retried,) = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
    assert retried["Body"] == "bad"


def test_the_event_has_lambdas_sqs_shape(queue):
    sqs, url, arn = queue
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"x": 1}))
    (message,) = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    (record,) = lambda_runtime.sqs_event([message], arn)["Records"]
    assert set(record) == {"messageId", "receiptHandle", "body", "attributes",
                           "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN",
                           "awsRegion"}
    assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == (
        "aws:sqs", arn, "us-east-1")
    assert "ApproximateReceiveCount" in record["attributes"]


def test_the_poller_stops_when_its_queue_is_deleted(queue, endpoint_url):
    sqs, url, arn = queue
    source = lambda_runtime.SqsEventSource(function("orphan"), arn, 10, True, endpoint_url)
    source.start()
    sqs.delete_queue(QueueUrl=url)
    for _ in range(50):
        if not source.running:
            break
        time.sleep(0.1)
    assert not source.running
