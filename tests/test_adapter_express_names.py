"""Adapter fix 25: execution names are no idempotency key for Express state machines.

AWS, Step Functions API reference, StartExecution: "StartExecution is idempotent for STANDARD
workflows. For a STANDARD workflow, if you call StartExecution with the same name and input as a
running execution, the call succeeds and return the same response as the original request. If
the execution is closed or if the input is different, it returns a 400 ExecutionAlreadyExists
error. [...] StartExecution isn't idempotent for EXPRESS workflows." The developer guide's
"Execution guarantees" (express-at-least-once-execution.html) says the same of asynchronous
Express workflows: "Starting multiple workflows with the same name results in concurrent
executions."

Each run adds one to a counter in DynamoDB, so the tests count runs, not API answers.
"""

from __future__ import annotations

import json
import time
import uuid

import boto3
import pytest

from .conftest import EXTERNAL_ENGINE

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter")
ROLE = "arn:aws:iam::123456789012:role/adapter-tests"
TABLE = "adapter-express-names"


@pytest.fixture(scope="module")
def ddb(endpoint_url):
    client = boto3.client("dynamodb", endpoint_url=endpoint_url)
    client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    return client


def counting_machine(sfn, kind: str, wait_seconds: int = 0) -> str:
    """A state machine whose every run adds one to ``runs`` of the item named by ``$.id``."""
    states = {"Count the run": {
        "Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
        "Parameters": {"TableName": TABLE, "Key": {"id": {"S.$": "$.id"}},
                       "UpdateExpression": "ADD runs :one",
                       "ExpressionAttributeValues": {":one": {"N": "1"}}},
        "ResultPath": None, "End": True}}
    if wait_seconds:
        states = {"Take a moment": {"Type": "Wait", "Seconds": wait_seconds,
                                    "Next": "Count the run"}, **states}
    return sfn.create_state_machine(
        name=f"count-{kind.lower()}-{uuid.uuid4().hex[:8]}", type=kind, roleArn=ROLE,
        definition=json.dumps({"StartAt": next(iter(states)), "States": states}),
    )["stateMachineArn"]


def runs(ddb, item: str, expected: int, timeout: float = 15) -> int:
    """The item's run count once it reaches ``expected`` (or at the timeout), then a moment
    later, so that a run too many would show."""
    deadline = time.monotonic() + timeout
    while True:
        found = ddb.get_item(TableName=TABLE, Key={"id": {"S": item}}, ConsistentRead=True)
        count = int(found.get("Item", {}).get("runs", {}).get("N", "0"))
        if count >= expected or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    time.sleep(0.3)
    found = ddb.get_item(TableName=TABLE, Key={"id": {"S": item}}, ConsistentRead=True)
    return int(found.get("Item", {}).get("runs", {}).get("N", "0"))


def test_express_starts_with_one_name_each_run(sfn, ddb):
    machine = counting_machine(sfn, "EXPRESS")
    item = uuid.uuid4().hex
    start = {"stateMachineArn": machine, "name": "same-name", "input": json.dumps({"id": item})}
    first, second = (sfn.start_execution(**start)["executionArn"] for _ in range(2))
    assert runs(ddb, item, 2) == 2
    # A name used by runs that have ended starts one more.
    third = sfn.start_execution(**start)["executionArn"]
    assert runs(ddb, item, 3) == 3
    assert len({first, second, third}) == 3
    assert all(":express:" in arn and ":same-name:" in arn for arn in (first, second, third))


def test_standard_still_runs_a_name_once(sfn, ddb):
    machine = counting_machine(sfn, "STANDARD", wait_seconds=1)
    item = uuid.uuid4().hex
    start = {"stateMachineArn": machine, "name": "same-name", "input": json.dumps({"id": item})}
    first = sfn.start_execution(**start)["executionArn"]
    # While it runs: the same name and input is the same execution.
    assert sfn.start_execution(**start)["executionArn"] == first
    # The same name with another input is refused.
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(**{**start, "input": json.dumps({"id": item, "other": 1})})
    assert runs(ddb, item, 1) == 1
    assert sfn.describe_execution(executionArn=first)["status"] == "SUCCEEDED"
    # Once it has ended, the name is refused even with the same input.
    with pytest.raises(sfn.exceptions.ExecutionAlreadyExists):
        sfn.start_execution(**start)
    assert runs(ddb, item, 2, timeout=0.5) == 1
