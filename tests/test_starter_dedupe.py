"""One upload, one verification: a repeated S3 event starts no second run, on either workflow type.

S3 delivers event notifications at least once, and SQS delivers messages at least once, so the
starter sees some uploads twice, sometimes at the same moment. A second verification of the
same selfie would find the face the first one has just indexed and record ``duplicate`` over
``pass``. Step Functions does not prevent it for Express workflows: "Starting multiple
workflows with the same name results in concurrent executions" (developer guide, "Execution
guarantees"; the engine behaves so through adapter fix 25). The starter claims the upload on
the user's item with a conditional write, so only one delivery starts a run.

The stack is deployed twice from the generated template, ``WorkflowType`` STANDARD and EXPRESS.
Runs are counted with ListExecutions, which the engine answers for Express state machines too
(AWS does not: there, CloudWatch Logs would show them).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime

import boto3
import pytest

from client.uploads import ID_DOCUMENT, SELFIE, Client
from harness.pictures import images
from lambdas import starter

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")


@pytest.fixture(scope="module", params=["STANDARD", "EXPRESS"])
def stack(request, endpoint_url):
    with stack_on_engine(endpoint_url, f"dedupe-{request.param.lower()}",
                         WorkflowType=request.param) as (session, name, _):
        client = Client(session, name, out=lambda _: None)
        yield {"client": client, "outputs": client.outputs, "endpoint_url": endpoint_url,
               "s3": session.client("s3"), "sqs": session.client("sqs"),
               "sfn": session.client("stepfunctions")}


def verified_user(stack, userid: str) -> dict:
    """A user whose ID document and selfie have passed: the item, face registered. Every
    test uses the same face, so the faces of earlier tests are taken out first (else the
    selfie would be a duplicate of theirs)."""
    client, bucket = stack["client"], stack["outputs"]["BucketName"]
    rekognition = boto3.client("rekognition", endpoint_url=stack["endpoint_url"])
    collection = stack["outputs"]["CollectionId"]
    earlier = [face["FaceId"] for face in rekognition.list_faces(CollectionId=collection)["Faces"]]
    if earlier:
        rekognition.delete_faces(CollectionId=collection, FaceIds=earlier)
    stack["s3"].put_object(Bucket=bucket, Key=f"id_document/{userid}.jpg",
                           Body=images()["id_card"])
    assert client.wait(ID_DOCUMENT, userid)["id_verify_status"] == "pass"
    stack["s3"].put_object(Bucket=bucket, Key=f"selfie/{userid}.jpg", Body=images()["astronaut"])
    item = client.wait(SELFIE, userid)
    assert item["identity_verify_status"] == "pass" and item["rek_faceid"]
    return item


def selfie_event(stack, userid: str) -> str:
    """A new S3 event for the user's selfie (a new sequencer, the time now: the workflow
    records no photo older than the one it has)."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "eventTime": now,
        "s3": {"bucket": {"name": stack["outputs"]["BucketName"]},
               "object": {"key": f"selfie/{userid}.jpg", "size": len(images()["astronaut"]),
                          "sequencer": uuid.uuid4().hex.upper()}}}]})


def runs_of(stack, userid: str) -> list[dict]:
    """The verification executions started for the user's selfie, once none is running."""
    sfn, arn = stack["sfn"], stack["outputs"]["IdentityVerificationStateMachineArn"]
    deadline = time.monotonic() + 60
    while True:
        listed = sfn.get_paginator("list_executions").paginate(
            stateMachineArn=arn).build_full_result()["executions"]
        mine = [e for e in listed if e["name"].startswith(f"selfie-{userid}-")]
        if all(e["status"] != "RUNNING" for e in mine) or time.monotonic() > deadline:
            return mine
        time.sleep(0.05)


def settled(stack, userid: str, before: dict) -> tuple[dict, list[dict]]:
    """The item once the redelivered event has been verified, and the runs by then."""
    stack["client"].wait(SELFIE, userid, before["selfie_event"])
    time.sleep(1)  # time for a second run to start and show, if there were one
    return stack["client"].item(userid), runs_of(stack, userid)


def assert_verified_once(stack, userid: str, before: dict) -> None:
    item, runs = settled(stack, userid, before)
    assert (item["identity_verify_status"], item.get("identity_verify_reason")) == (
        "pass", None), item
    assert len(runs) == 2, runs  # the upload's own run, and one for the repeated event
    faces = boto3.client("rekognition", endpoint_url=stack["endpoint_url"]).list_faces(
        CollectionId=stack["outputs"]["CollectionId"])["Faces"]
    assert [face["FaceId"] for face in faces if face["ExternalImageId"] == userid] == [
        item["rek_faceid"]]


def test_an_event_delivered_twice_is_verified_once(stack):
    userid = f"twice{uuid.uuid4().hex[:6]}"
    before = verified_user(stack, userid)
    body = selfie_event(stack, userid)
    stack["sqs"].send_message_batch(QueueUrl=stack["outputs"]["SelfieQueueUrl"], Entries=[
        {"Id": "first", "MessageBody": body}, {"Id": "again", "MessageBody": body}])
    assert_verified_once(stack, userid, before)


def test_two_deliveries_at_the_same_moment_start_one_run(stack, monkeypatch):
    """Both deliveries read the item before either writes it: the starter's own check cannot
    tell them apart, only its conditional write can."""
    userid = f"race{uuid.uuid4().hex[:6]}"
    before = verified_user(stack, userid)
    outputs = stack["outputs"]
    for variable, value in {
            "AWS_ENDPOINT_URL": stack["endpoint_url"], "TABLE_NAME": outputs["TableName"],
            "COLLECTION_ID": outputs["CollectionId"],
            "ID_DOCUMENT_STATE_MACHINE_ARN": outputs["IdDocumentStateMachineArn"],
            "IDENTITY_VERIFICATION_STATE_MACHINE_ARN":
                outputs["IdentityVerificationStateMachineArn"]}.items():
        monkeypatch.setenv(variable, value)
    both_read = threading.Barrier(2, timeout=5)

    class ReadsBeforeWrites:
        def __init__(self):
            self.client = boto3.client("dynamodb")

        def __getattr__(self, name):
            method = getattr(self.client, name)
            if name != "update_item":
                return method

            def update_when_both_have_read(**kwargs):
                try:
                    both_read.wait()
                except threading.BrokenBarrierError:
                    pass  # the other delivery wrote nothing: nothing to wait for
                return method(**kwargs)
            return update_when_both_have_read

    monkeypatch.setattr(starter, "_clients", {"dynamodb": ReadsBeforeWrites()})
    body = selfie_event(stack, userid)
    answers = {}

    def deliver(message_id: str) -> None:
        answers[message_id] = starter.handler({"Records": [
            {"messageId": message_id, "body": body, "eventSource": "aws:sqs"}]}, None)

    threads = [threading.Thread(target=deliver, args=(m,)) for m in ("first", "again")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {"first": {"batchItemFailures": []}, "again": {"batchItemFailures": []}}
    assert_verified_once(stack, userid, before)
