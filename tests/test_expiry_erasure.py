"""An abandoned record that time to live deleted takes the user's leftovers with it
(templates/expiry.py): the table's stream, the pipe's filter and input template, the rule that
starts ``forget``, their roles and dead-letter queue, read off the generated template; and, on
the embedded engine (which runs no pipe), ``forget`` started with what the pipe and the rule
would deliver for an AWS-shaped time-to-live record erases an ID face and an API upload that
outlived the item.

The sample record follows "Record", "StreamRecord" and "Identity" (Amazon DynamoDB Streams API
Reference: a time-to-live deletion is a REMOVE whose userIdentity is type "Service", principalId
"dynamodb.amazonaws.com"; a KEYS_ONLY record carries Keys alone) and the sample event of "Amazon
DynamoDB stream as a source for EventBridge Pipes" (EventBridge User Guide).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from botocore.config import Config

from contract.item import ID_FACE_NAME_PREFIX, PARTITION_KEY
from contract.keys import API_PREFIX
from harness.pictures import images
from statemachines import forget, registry

from .conftest import EXTERNAL_ENGINE, stack_on_engine

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((ROOT / "templates" / "ekyc.template.json").read_text())
RESOURCES = TEMPLATE["Resources"]
PIPE = RESOURCES["ExpiryPipe"]
RULE = RESOURCES["ExpiryRule"]["Properties"]
DEAD_LETTERS = {"Fn::GetAtt": ["ExpiredRecordsDeadLetterQueue", "Arn"]}
FORGET = {"Ref": "ForgetStateMachine"}


def ttl_record(userid: str, *, service: bool = True, event: str = "REMOVE") -> dict:
    identity = ({"type": "Service", "principalId": "dynamodb.amazonaws.com"} if service else
                None)
    record = {
        "eventID": "c81e728d9d4c2f636f067f89cc14862c",
        "eventName": event,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {"ApproximateCreationDateTime": 1764620000,
                     "Keys": {PARTITION_KEY: {"S": userid}},
                     "SequenceNumber": "4421584500000000017450439091",
                     "SizeBytes": 12, "StreamViewType": "KEYS_ONLY"},
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:111122223333:table/users/stream/"
                          "2026-12-01T00:00:00.000",
    }
    if identity:
        record["userIdentity"] = identity
    return record


def matches(pattern: dict, event: dict) -> bool:
    """An event pattern of exact values ("Amazon EventBridge event patterns"): every field the
    pattern names is in the event, with one of the listed values."""
    for key, wanted in pattern.items():
        if key not in event:
            return False
        if isinstance(wanted, dict):
            if not isinstance(event[key], dict) or not matches(wanted, event[key]):
                return False
        elif event[key] not in wanted:
            return False
    return True


def render(template: str, record: dict) -> str:
    """A pipe's InputTemplate with each ``<$.path>`` replaced by the value at that path
    ("Amazon EventBridge Pipes input transformation": dot notation; a string's variable is
    written in quotes, so it takes the bare string)."""
    def value(match: re.Match) -> str:
        found = record
        for part in match.group(1).split("."):
            found = found[part]
        return found if isinstance(found, str) else json.dumps(found)
    return re.sub(r"<\$\.([A-Za-z0-9_.]+)>", value, template)


def forget_input(record: dict) -> dict:
    """What forget is started with for ``record``: the pipe's rendered template is the detail
    of the event it puts on the bus, and the rule's target hands forget its InputPath."""
    rendered = render(PIPE["Properties"]["TargetParameters"]["InputTemplate"], record)
    event = {"source": "ekyc.stack", "detail-type": "Abandoned record expired",
             "detail": json.loads(rendered)}
    (target,) = RULE["Targets"]
    assert target["InputPath"] == "$.detail"
    return event["detail"]


def test_the_table_streams_its_keys_while_records_expire():
    assert RESOURCES["UsersTable"]["Properties"]["StreamSpecification"] == {"Fn::If": [
        "ExpiresAbandonedRecords", {"StreamViewType": "KEYS_ONLY"}, {"Ref": "AWS::NoValue"}]}
    assert PIPE["Condition"] == RESOURCES["ExpiryPipeRole"]["Condition"] == \
        "ExpiresAbandonedRecords"
    assert PIPE["Properties"]["Source"] == {"Fn::GetAtt": ["UsersTable", "StreamArn"]}


def test_the_pipe_lets_through_time_to_live_deletions_only():
    (only,) = PIPE["Properties"]["SourceParameters"]["FilterCriteria"]["Filters"]
    pattern = json.loads(only["Pattern"])
    assert pattern == {"eventName": ["REMOVE"], "userIdentity": {
        "type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]}}
    assert matches(pattern, ttl_record("ann"))
    assert not matches(pattern, ttl_record("ann", service=False))  # DELETE /user's own delete
    assert not matches(pattern, ttl_record("ann", event="MODIFY"))


def test_forget_is_started_with_the_apis_input_and_the_expiry_flag():
    assert forget_input(ttl_record("ann-42")) == {"userid": "ann-42",
                                                  forget.RECORD_EXPIRED: True}
    assert forget.RECORD_EXPIRED not in registry.get("forget").request.schema()["properties"]


def test_the_rule_takes_the_pipes_events_to_forget():
    bus = PIPE["Properties"]["TargetParameters"]["EventBridgeEventBusParameters"]
    assert RULE["EventPattern"] == {"source": [bus["Source"]],
                                    "detail-type": [bus["DetailType"]]}
    assert "AWS::StackName" in bus["Source"]["Fn::Sub"]  # no other stack's pipe matches
    assert PIPE["Properties"]["Target"] == {
        "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:"
                   "event-bus/default"}
    (target,) = RULE["Targets"]
    assert target["Arn"] == FORGET


def statements(role: str) -> list[tuple[list[str], list]]:
    (policy,) = RESOURCES[role]["Properties"]["Policies"]
    return [(s["Action"], s["Resource"]) for s in policy["PolicyDocument"]["Statement"]]


def test_the_roles_may_do_their_one_job():
    stream = {"Fn::GetAtt": ["UsersTable", "StreamArn"]}
    assert statements("ExpiryPipeRole") == [
        (["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
         [stream]),
        (["dynamodb:ListStreams"], ["*"]),
        (["events:PutEvents"], [PIPE["Properties"]["Target"]]),
        (["sqs:SendMessage"], [DEAD_LETTERS]),
    ]
    assert statements("ExpiryRuleRole") == [(["states:StartExecution"], [FORGET])]
    principals = {role: RESOURCES[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"][
        0]["Principal"]["Service"] for role in ("ExpiryPipeRole", "ExpiryRuleRole")}
    assert principals == {"ExpiryPipeRole": ["pipes.amazonaws.com"],
                          "ExpiryRuleRole": ["events.amazonaws.com"]}


def test_what_cannot_be_delivered_is_dead_lettered_and_alarms():
    source = PIPE["Properties"]["SourceParameters"]["DynamoDBStreamParameters"]
    assert source["DeadLetterConfig"] == {"Arn": DEAD_LETTERS}
    assert 0 < source["MaximumRetryAttempts"] <= 10000
    # Below the stream's 24 hours, so a dead-lettered record can still be read from it.
    assert 60 <= source["MaximumRecordAgeInSeconds"] < 24 * 3600
    assert source["BatchSize"] == 1
    (target,) = RULE["Targets"]
    assert target["DeadLetterConfig"] == {"Arn": DEAD_LETTERS}
    alarm = RESOURCES["ExpiredRecordsDeadLetterAlarm"]["Properties"]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {
        "Fn::GetAtt": ["ExpiredRecordsDeadLetterQueue", "QueueName"]}}]
    policy = RESOURCES["ExpiredRecordsDeadLetterQueuePolicy"]["Properties"]["PolicyDocument"]
    assert policy["Statement"][0]["Condition"] == {
        "ArnLike": {"aws:SourceArn": {"Fn::GetAtt": ["ExpiryRule", "Arn"]}}}


def test_the_sample_record_is_not_changed_by_rendering():
    record = ttl_record("bo")
    kept = copy.deepcopy(record)
    forget_input(record)
    assert record == kept


@pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")
def test_on_the_engine_an_expired_users_leftovers_are_erased(endpoint_url):
    """As after a time-to-live deletion: no item, but the ID's face (as CompareMode=COLLECTION
    indexes it) and an API upload are left; forget, started with the pipe's input, erases
    both. Another user's ID face stays."""
    with stack_on_engine(endpoint_url, "expiry", AbandonedRecordDays="2") as (session, _, stack):
        outputs = stack.outputs()
        forget_arn = next(value for key, value in outputs.items()
                          if TEMPLATE["Outputs"][key]["Value"] == FORGET)
        (pipe,) = [p for p in session.client("pipes").list_pipes()["Pipes"]
                   if p["Source"].startswith(f"arn:aws:dynamodb:us-east-1:123456789012:table/"
                                             f"{outputs['TableName']}/stream/")]
        assert pipe["Target"].endswith(":event-bus/default")
        rekognition, s3 = session.client("rekognition"), session.client("s3")
        picture = images()["astronaut"]
        for userid in ("gone", "kept"):
            rekognition.index_faces(CollectionId=outputs["CollectionId"],
                                    Image={"Bytes": picture}, MaxFaces=1, QualityFilter="NONE",
                                    ExternalImageId=f"{ID_FACE_NAME_PREFIX}{userid}")
        upload = f"{API_PREFIX}gone/selfie.jpg"
        s3.put_object(Bucket=outputs["BucketName"], Key=upload, Body=picture)

        # StartSyncExecution's "sync-" host prefix names no host of the engine.
        sfn = session.client("stepfunctions", config=Config(inject_host_prefix=False))
        run = sfn.start_sync_execution(
            stateMachineArn=forget_arn, input=json.dumps(forget_input(ttl_record("gone"))))

        assert run["status"] == "SUCCEEDED", run
        answer = json.loads(run["output"])
        assert (answer["faces_deleted"], answer["api_uploads_deleted"]) == (1, 1)
        names = {face.get("ExternalImageId") for face in rekognition.list_faces(
            CollectionId=outputs["CollectionId"], MaxResults=4096)["Faces"]}
        assert names == {f"{ID_FACE_NAME_PREFIX}kept"}
        listed = s3.list_objects_v2(Bucket=outputs["BucketName"], Prefix=f"{API_PREFIX}gone/")
        assert listed["KeyCount"] == 0

        # "kept" uploaded again after the record expired: an item is kept again, so the
        # erasure the expiry started is called off and nothing of the new attempt goes.
        session.client("dynamodb").put_item(TableName=outputs["TableName"],
                                            Item={PARTITION_KEY: {"S": "kept"}})
        run = sfn.start_sync_execution(
            stateMachineArn=forget_arn, input=json.dumps(forget_input(ttl_record("kept"))))
        assert run["status"] == "SUCCEEDED", run
        assert json.loads(run["output"])["status"] == "NothingErased"
        names = {face.get("ExternalImageId") for face in rekognition.list_faces(
            CollectionId=outputs["CollectionId"], MaxResults=4096)["Faces"]}
        assert names == {f"{ID_FACE_NAME_PREFIX}kept"}
