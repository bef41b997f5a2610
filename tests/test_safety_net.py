"""The safety net, and adapter fix 24 that lets the embedded engine run it as AWS does.

24. A Standard execution that ends ``FAILED``, ``TIMED_OUT`` or ``ABORTED`` puts AWS's "Step
    Functions Execution Status Change" event on the default event bus (Step Functions
    Developer Guide, "EventBridge (CloudWatch Events) for Step Functions execution status
    changes": source ``aws.states``, ``detail`` as DescribeExecution answers), Express
    executions none; a rule's state machine target starts an execution with the event.

The chain test deploys the generated stack and plants an upload execution that fails
uncatchably (``States.Runtime``): the stack's own rule and safety net record ``error``.
"""

from __future__ import annotations

import json
import time
import uuid

import boto3
import pytest

from client.uploads import ID_DOCUMENT, Client
from harness.local_stack import listen
from harness.pictures import images
from statemachines import id_document
from statemachines import safety_net as net

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine")
ROLE = "arn:aws:iam::123456789012:role/safety-net-tests"
ENDED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


@pytest.fixture(scope="module")
def clients(endpoint_url):
    session = boto3.session.Session(region_name="us-east-1")
    return {name: session.client(name, endpoint_url=endpoint_url)
            for name in ("stepfunctions", "events")}


def machine(sfn, states: dict, kind: str = "STANDARD", **definition) -> str:
    return sfn.create_state_machine(
        name=f"m{uuid.uuid4().hex[:10]}", roleArn=ROLE, type=kind,
        definition=json.dumps({"StartAt": next(iter(states)), "States": states, **definition}),
    )["stateMachineArn"]


def listener(clients, watched: str) -> str:
    """A state machine started by a rule on every status-change event of ``watched``."""
    sfn, events = clients["stepfunctions"], clients["events"]
    arn = machine(sfn, {"Keep": {"Type": "Pass", "End": True}})
    rule = f"r{uuid.uuid4().hex[:10]}"
    events.put_rule(Name=rule, EventPattern=json.dumps({
        "source": ["aws.states"], "detail-type": [net.EXECUTION_STATUS_CHANGE],
        "detail": {"stateMachineArn": [watched]}}))
    events.put_targets(Rule=rule, Targets=[{"Id": "listener", "Arn": arn, "RoleArn": ROLE}])
    return arn


def heard(sfn, listener_arn: str, expected: int = 1, timeout: float = 10) -> list[dict]:
    """The events the listener was started with, once ``expected`` executions have ended."""
    deadline = time.monotonic() + timeout
    while True:
        found = sfn.list_executions(stateMachineArn=listener_arn)["executions"]
        described = [sfn.describe_execution(executionArn=e["executionArn"]) for e in found]
        if len(described) >= expected and all(d["status"] in ENDED for d in described):
            return [json.loads(d["input"]) for d in described]
        if time.monotonic() > deadline:
            return [json.loads(d["input"]) for d in described]
        time.sleep(0.02)


def run(sfn, arn: str, payload: dict | None = None) -> str:
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(payload or {}))[
        "executionArn"]
    while sfn.describe_execution(executionArn=execution)["status"] == "RUNNING":
        time.sleep(0.01)
    return execution


# --- 24. execution status events ---------------------------------------------------------------

def test_a_failed_standard_execution_sends_the_status_change_event(clients):
    sfn = clients["stepfunctions"]
    failing = machine(sfn, {"Read": {"Type": "Pass", "Parameters": {"v.$": "$.missing"},
                                     "End": True}})
    heard_by = listener(clients, failing)
    execution = run(sfn, failing, {"userid": "alice"})
    (event,) = heard(sfn, heard_by)
    described = sfn.describe_execution(executionArn=execution)
    assert (event["source"], event["detail-type"]) == ("aws.states", net.EXECUTION_STATUS_CHANGE)
    assert event["resources"] == [execution]
    assert event["account"] == "123456789012" and event["region"] == "us-east-1"
    detail = event["detail"]
    assert {key: detail[key] for key in ("executionArn", "stateMachineArn", "name", "status",
                                         "error", "cause")} == {
        "executionArn": execution, "stateMachineArn": failing, "name": described["name"],
        "status": "FAILED", "error": "States.Runtime", "cause": described["cause"]}
    assert json.loads(detail["input"]) == {"userid": "alice"}
    assert detail["inputDetails"] == {"included": True}
    assert (detail["output"], detail["outputDetails"]) == (None, None)
    assert detail["startDate"] == int(described["startDate"].timestamp() * 1000)
    assert detail["stopDate"] >= detail["startDate"]


def test_aborted_and_timed_out_executions_send_it_too(clients):
    sfn = clients["stepfunctions"]
    waiting = machine(sfn, {"Wait": {"Type": "Wait", "Seconds": 30, "End": True}})
    timing_out = machine(sfn, {"Wait": {"Type": "Wait", "Seconds": 30, "End": True}},
                         TimeoutSeconds=1)
    stopped_by, timed_by = listener(clients, waiting), listener(clients, timing_out)
    stopped = sfn.start_execution(stateMachineArn=waiting)["executionArn"]
    sfn.stop_execution(executionArn=stopped)
    sfn.start_execution(stateMachineArn=timing_out)
    assert [e["detail"]["status"] for e in heard(sfn, stopped_by)] == ["ABORTED"]
    assert [e["detail"]["status"] for e in heard(sfn, timed_by)] == ["TIMED_OUT"]


def test_express_executions_send_none(clients):
    sfn = clients["stepfunctions"]
    failing = machine(sfn, {"Fail": {"Type": "Fail", "Error": "Planted"}}, kind="EXPRESS")
    heard_by = listener(clients, failing)
    sfn.start_execution(stateMachineArn=failing)
    time.sleep(0.5)
    assert heard(sfn, heard_by, timeout=0) == []


# --- the safety net on the deployed stack ---------------------------------------------------------

@pytest.fixture(scope="module")
def stack(endpoint_url):
    with stack_on_engine(endpoint_url, "net") as (session, name, _):
        client = Client(session, name, out=lambda _: None)
        sqs = session.client("sqs")
        queue = listen(session, client.outputs["NotificationTopicArn"], f"{name}-notifications")
        yield {"client": client, "sfn": session.client("stepfunctions"),
               "ddb": session.client("dynamodb"), "sqs": sqs, "queue": queue}


def plant_runtime_failure(stack, tmp_path, monkeypatch, userid: str) -> str:
    """Start the stack's ID document workflow as the starter would (the item points at the
    execution and says processing), with Rekognition answering without ``FaceDetails``: the
    workflow's ResultSelector fails with ``States.Runtime``, which no Catch takes."""
    client, sfn = stack["client"], stack["sfn"]
    arn = client.outputs["IdDocumentStateMachineArn"]
    config = tmp_path / "mock_config.json"
    config.write_text(json.dumps({
        "StateMachines": {sfn.describe_state_machine(stateMachineArn=arn)["name"]: {
            "TestCases": {"Malformed": {id_document.DETECT: "DetectFacesMalformed"}}}},
        "MockedResponses": {"DetectFacesMalformed": {"0": {"Return": {"Faces": []}}}}}))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    name = f"id-{userid}-{uuid.uuid4().hex[:16]}"
    stack["ddb"].put_item(TableName=client.outputs["TableName"], Item={
        "userid": {"S": userid}, "id_event": {"S": name},
        "id_verify_status": {"S": "processing"}})
    upload = {"userid": userid, "bucket": client.outputs["BucketName"],
              "key": f"id_document/{userid}.jpg", "uploaded_at": "2026-11-25T10:00:00.123Z"}
    return sfn.start_execution(stateMachineArn=f"{arn}#Malformed", name=name,
                               input=json.dumps(upload))["executionArn"]


def settled(stack, userid: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while (item := stack["client"].item(userid)).get("id_verify_status") == "processing" \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    return item


def notifications(stack, userid: str) -> list[dict]:
    found = []
    while got := stack["sqs"].receive_message(QueueUrl=stack["queue"], MaxNumberOfMessages=10,
                                              WaitTimeSeconds=1).get("Messages", []):
        found += [json.loads(m["Body"]) for m in got]
    return [message for message in found if message.get("userid") == userid]


def test_an_uncatchable_failure_ends_as_error_with_its_reason(stack, tmp_path, monkeypatch):
    execution = plant_runtime_failure(stack, tmp_path, monkeypatch, "planted")
    item = settled(stack, "planted")
    failed = stack["sfn"].describe_execution(executionArn=execution)
    assert (failed["status"], failed["error"]) == ("FAILED", "States.Runtime")
    assert item["id_verify_status"] == "error"
    assert item["id_verify_reason"] == f"States.Runtime: {failed['cause']}"
    (message,) = notifications(stack, "planted")
    assert {key: message[key] for key in ("flow", "status", "reason", "failed_execution")} == {
        "flow": id_document.NAME, "status": "error", "reason": item["id_verify_reason"],
        "failed_execution": execution}
    net_execution = stack["sfn"].describe_execution(executionArn=message["execution"])
    assert net_execution["stateMachineArn"] == stack["client"].outputs[
        "SafetyNetStateMachineArn"]
    assert item["last_execution"] == message["execution"]


def safety_net_runs(stack, execution_name: str) -> list[dict]:
    """The safety net's executions started for the upload execution ``execution_name``."""
    sfn = stack["sfn"]
    found = sfn.list_executions(
        stateMachineArn=stack["client"].outputs["SafetyNetStateMachineArn"])["executions"]
    described = [sfn.describe_execution(executionArn=e["executionArn"]) for e in found]
    return [d for d in described if json.loads(d["input"])["detail"]["name"] == execution_name]


def test_a_recorded_rejection_is_left_alone_and_notified_once(stack, tmp_path):
    client, picture = stack["client"], tmp_path / "coffee.jpg"
    picture.write_bytes(images()["coffee"])
    _, previous = client.upload(ID_DOCUMENT, "noface", picture)
    item = client.wait(ID_DOCUMENT, "noface", previous, timeout=60)
    assert (item["id_verify_status"], item["id_verify_reason"]) == ("fail", "no face")
    deadline = time.monotonic() + 10
    while True:
        runs = safety_net_runs(stack, item[ID_DOCUMENT.event])
        if runs and all(run["status"] != "RUNNING" for run in runs):
            break
        assert time.monotonic() < deadline, "the safety net did not run"
        time.sleep(0.05)
    assert [run["status"] for run in runs] == ["SUCCEEDED"]
    assert client.item("noface") == item
    assert len(notifications(stack, "noface")) == 1
