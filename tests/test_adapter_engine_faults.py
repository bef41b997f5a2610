"""Adapter fixes 22 and 23: what a newcomer meets on the embedded engine, made to behave as AWS.

22. An action the engine does not implement answers as a failing AWS service answers
    (``InternalFailure``, HTTP 500, "Common Errors" of every AWS API reference), so a task that
    calls it fails with a catchable error naming the action, instead of ending the execution
    with ``States.Runtime``.
23. Every PUT's S3 event carries a new, greater ``sequencer`` ("Event message structure" of S3
    event notifications: "a string representation of a hexadecimal value used to determine
    event sequence, only used with PUTs and DELETEs"), so uploading the same bytes again is a
    new upload.

The chain tests deploy the generated template with its default parameters, as ``make deploy``
does (``AnalyzeIdDocuments=true``, answered by the local AnalyzeID), and play
``python -m scripts.ekyc verify``.
"""

from __future__ import annotations

import json
import time
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from client import cli
from client.uploads import FINAL, ID_DOCUMENT, Client, state_machine_output
from contract.item import ID_FIELD_PREFIX
from contract.settings import ANALYZE_ID
from harness import id_cards
from harness.pictures import images
from statemachines.id_fields import FIELDS

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter")
ROLE = "arn:aws:iam::123456789012:role/adapter-tests"
# Textract's AnalyzeExpense (API reference: "AnalyzeExpense"), which moto does not implement.
NOT_IMPLEMENTED = "textract:analyzeExpense is not implemented by the embedded engine"
EXPENSE = {"Document": {"S3Object": {"Bucket": "any-bucket", "Name": "receipt.jpg"}}}


@pytest.fixture(scope="module")
def clients(endpoint_url):
    session = boto3.session.Session(region_name="us-east-1")
    return {name: session.client(name, endpoint_url=endpoint_url)
            for name in ("stepfunctions", "textract", "s3", "sqs")}


@pytest.fixture(scope="module")
def stack(endpoint_url):
    """The generated template deployed with its default parameters."""
    default = {ANALYZE_ID.parameter: ANALYZE_ID.default}
    with stack_on_engine(endpoint_url, "defaults", **default) as (session, name, _):
        yield {"name": name, "client": Client(session, name, out=lambda _: None),
               "sfn": session.client("stepfunctions")}


# --- 22. actions the engine does not implement -------------------------------------------------

def test_an_action_the_engine_lacks_answers_as_a_failing_service(clients):
    with pytest.raises(ClientError) as raised:
        clients["textract"].analyze_expense(**EXPENSE)
    response = raised.value.response
    assert response["Error"]["Code"] == "InternalFailure"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert response["ResponseMetadata"]["RequestId"]
    assert response["Error"]["Message"].startswith(NOT_IMPLEMENTED)


def test_a_task_calling_it_fails_into_its_catch_with_a_reason_naming_it(clients):
    sfn = clients["stepfunctions"]
    arn = sfn.create_state_machine(name=f"lacking{uuid.uuid4().hex[:8]}", roleArn=ROLE,
                                   definition=json.dumps({"StartAt": "Read", "States": {
        "Read": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:textract:analyzeExpense",
                 "Parameters": EXPENSE,
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": True},
        "Caught": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn)["executionArn"]
    while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
        time.sleep(0.01)
    assert described["status"] == "SUCCEEDED", described
    caught = json.loads(described["output"])
    assert caught["Error"].startswith("Textract.")
    assert NOT_IMPLEMENTED in caught["Cause"]


def test_verify_with_default_parameters_reads_the_id_and_passes(stack, tmp_path):
    """``make deploy`` (AnalyzeIdDocuments=true), then ``ekyc verify`` with Alice's ID card and
    her selfie: both pass, and the fields printed on the card are on her item
    (statemachines/id_fields.py: ``id_first_name`` ... ``id_expiry``, as printed)."""
    (tmp_path / "id.jpg").write_bytes(images()["id_card"])
    (tmp_path / "selfie.jpg").write_bytes(images()["astronaut"])
    started = time.monotonic()
    assert cli.main(["--stack", stack["name"], "--timeout", "60", "verify", "newcomer",
                      "--id", str(tmp_path / "id.jpg"),
                      "--selfie", str(tmp_path / "selfie.jpg")]) == 0  # the verdict: pass
    assert time.monotonic() - started < 60
    item = stack["client"].item("newcomer")
    assert (item["id_verify_status"], item["identity_verify_status"]) == ("pass", "pass")
    card = id_cards.ALICE
    assert {name: item[f"{ID_FIELD_PREFIX}{name}"] for name in FIELDS} == {
        "first_name": card.given_names, "last_name": card.surname,
        "date_of_birth": card.date_of_birth, "document_number": card.document_number,
        "expiry": card.expires}


# --- 23. S3 event sequencers -------------------------------------------------------------------

def test_each_put_of_the_same_bytes_gets_a_greater_sequencer(clients):
    s3, sqs = clients["s3"], clients["sqs"]
    name = f"sequenced-{uuid.uuid4().hex[:8]}"
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    s3.create_bucket(Bucket=name)
    s3.put_bucket_notification_configuration(Bucket=name, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]})
    for _ in range(2):
        s3.put_object(Bucket=name, Key="selfie/same.jpg", Body=b"the same bytes")
    records = []
    while len(records) < 2:
        for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                                           WaitTimeSeconds=1).get("Messages", []):
            records += json.loads(message["Body"]).get("Records", [])  # not s3:TestEvent
    first, second = (record["s3"]["object"] for record in records)
    assert first["eTag"] == second["eTag"]
    assert int(first["sequencer"], 16) < int(second["sequencer"], 16)


def test_the_same_picture_uploaded_twice_is_verified_twice(stack, tmp_path):
    client, picture = stack["client"], tmp_path / "id.jpg"
    picture.write_bytes(images()["id_card"])
    events = []
    for _ in range(2):
        _, previous = client.upload(ID_DOCUMENT, "twice", picture)
        item = client.wait(ID_DOCUMENT, "twice", previous, timeout=60)
        assert item["id_verify_status"] in FINAL
        events.append(item[ID_DOCUMENT.event])
    assert events[0] != events[1]
    executions = stack["sfn"].list_executions(
        stateMachineArn=client.outputs[state_machine_output(ID_DOCUMENT)])["executions"]
    assert {e["name"] for e in executions if e["name"] in events} == set(events)
