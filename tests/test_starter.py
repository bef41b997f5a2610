"""The starter Lambda (key parsing, execution names, what it does per SQS message) and its inliner.

Service calls go to real boto3 clients with botocore's Stubber: each expected call is listed
with its exact parameters (checked against the service model too), any other call fails.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from lambdas import inline, starter

STARTER = Path(__file__).resolve().parent.parent / "lambdas" / "starter.py"
ID_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:id"
SELFIE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:selfie"
ENVIRONMENT = {"TABLE_NAME": "users", "COLLECTION_ID": "faces",
               "ID_DOCUMENT_STATE_MACHINE_ARN": ID_ARN,
               "IDENTITY_VERIFICATION_STATE_MACHINE_ARN": SELFIE_ARN}
ID_UPDATE = ("SET id_bucket = :b, id_object = :k, id_event = :e, id_verify_status = :s, "
             "updated_at = :t REMOVE id_verify_reason")
SELFIE_UPDATE = ("SET selfie_bucket = :b, selfie_object = :k, selfie_event = :e, "
                 "identity_verify_status = :s, updated_at = :t "
                 "REMOVE identity_verify_reason, rek_faceid")


# --- parse_key -----------------------------------------------------------------------------------

@pytest.mark.parametrize("key,expected", [
    ("selfie/alice.jpg", ("selfie", "alice")),
    ("id_document/alice.jpeg", ("id_document", "alice")),
    ("selfie/bob.png", ("selfie", "bob")),
    ("selfie/UPPER.JPG", ("selfie", "UPPER")),
    ("id_document/a.JpEg", ("id_document", "a")),
    ("selfie/john.doe.jpg", ("selfie", "john.doe")),
    ("id_document/a_b-c:d.png", ("id_document", "a_b-c:d")),
    ("selfie/7.jpg", ("selfie", "7")),
    ("selfie/" + "x" * 100 + ".jpg", ("selfie", "x" * 100)),
], ids=["selfie", "id-jpeg", "png", "uppercase-ext", "mixed-case-ext", "dotted-userid",
        "all-allowed-chars", "one-digit", "longest-userid"])
def test_parse_key_accepts(key, expected):
    assert starter.parse_key(key) == expected


@pytest.mark.parametrize("key,message", [
    ("selfie/alice smith.jpg", "invalid user id 'alice smith'"),
    ("selfie/zoë.jpg", "invalid user id 'zoë'"),
    ("selfie/../alice.jpg", "nested path"),
    ("selfie/x/alice.jpg", "nested path"),
    ("selfie/..jpg", "invalid user id '.'"),
    ("selfie/a..b.jpg", "invalid user id 'a..b'"),
    ("selfie/-alice.jpg", "invalid user id '-alice'"),
    ("selfie/alice", "missing extension"),
    ("selfie/alice.gif", "unsupported extension 'gif'"),
    ("selfie/alice.", "unsupported extension ''"),
    ("passport/alice.jpg", "unknown prefix"),
    ("Selfie/alice.jpg", "unknown prefix"),
    ("alice.jpg", "unknown prefix"),
    ("selfie/.jpg", "empty user id"),
    ("selfie/" + "x" * 101 + ".jpg", "user id longer than 100 characters"),
], ids=["space", "unicode", "dot-dot-slash", "nested", "dot-userid", "double-dot", "leading-dash",
        "no-ext", "gif", "empty-ext", "unknown-prefix", "prefix-case", "no-prefix",
        "empty-userid", "too-long"])
def test_parse_key_refuses_naming_the_key_and_the_problem(key, message):
    with pytest.raises(ValueError) as error:
        starter.parse_key(key)
    assert str(error.value).startswith(f"key {key!r}: ")
    assert message in str(error.value)


# --- execution_name ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,userid,middle", [
    ("selfie", "alice", "alice"),
    ("id_document", "alice", "alice"),
    ("selfie", "john.doe:1", "john_doe_1"),
    ("selfie", "a_b-c", "a_b-c"),
    ("selfie", "x" * 100, "x" * 56),
    ("id_document", "9." * 50, "9_" * 28),
], ids=["selfie", "id", "dots-and-colons", "kept-chars", "long-selfie", "long-id"])
def test_execution_name_is_a_valid_step_functions_name(kind, userid, middle):
    name = starter.execution_name(kind, userid, "uploads", f"{kind}/{userid}.jpg", "0062E99A")
    prefix = {"selfie": "selfie", "id_document": "id"}[kind]
    assert re.fullmatch(rf"{prefix}-{middle}-[0-9a-f]{{16}}", name)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,80}", name)


def test_execution_name_is_stable_across_releases():
    # Changing the formula would let a redelivered event start a second run of an old upload.
    assert starter.execution_name("selfie", "alice", "uploads", "selfie/alice.jpg",
                                  "0062E99A") == "selfie-alice-d1e530c373a4205b"


BASE = ("selfie", "alice", "uploads", "selfie/alice.jpg", "0062E99A")


@pytest.mark.parametrize("other", [
    ("selfie", "alice", "uploads", "selfie/alice.jpg", "0062E99B"),
    ("selfie", "alice", "uploads", "selfie/alice.png", "0062E99A"),
    ("selfie", "alice", "uploads-2", "selfie/alice.jpg", "0062E99A"),
    ("id_document", "alice", "uploads", "selfie/alice.jpg", "0062E99A"),
    ("selfie", "alice", "uploads", "selfie/alice.jpg#", "0062E99A"),
], ids=["new-version", "other-key", "other-bucket", "other-workflow", "no-ambiguous-join"])
def test_execution_name_differs_per_upload(other):
    assert starter.execution_name(*BASE) == starter.execution_name(*BASE)
    assert starter.execution_name(*other) != starter.execution_name(*BASE)


# --- handler -------------------------------------------------------------------------------------

class UtcTimestamp:
    """Equal to an ISO-8601 timestamp in UTC."""

    def __eq__(self, other):
        try:
            return datetime.fromisoformat(other).utcoffset() == timedelta(0)
        except (TypeError, ValueError):
            return False

    def __repr__(self):
        return "<ISO-8601 UTC timestamp>"


@pytest.fixture
def stubs(monkeypatch):
    """Stubbed dynamodb, rekognition and stepfunctions clients, installed in the starter."""
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    clients = {service: boto3.client(service, region_name="us-east-1",
                                     aws_access_key_id="testing", aws_secret_access_key="testing")
               for service in ("dynamodb", "rekognition", "stepfunctions")}
    monkeypatch.setattr(starter, "clients", clients)
    stubbers = {service: Stubber(client) for service, client in clients.items()}
    for stubber in stubbers.values():
        stubber.activate()
    yield stubbers
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()  # every expected call was made
        stubber.deactivate()


def expect_get_item(stubs, userid, item=None):
    stubs["dynamodb"].add_response(
        "get_item", {"Item": item} if item else {},
        {"TableName": "users", "Key": {"userid": {"S": userid}}, "ConsistentRead": True})


def expect_update_item(stubs, userid, expression, bucket, key, name):
    stubs["dynamodb"].add_response("update_item", {}, {
        "TableName": "users", "Key": {"userid": {"S": userid}}, "UpdateExpression": expression,
        "ExpressionAttributeValues": {
            ":b": {"S": bucket}, ":k": {"S": key}, ":e": {"S": name},
            ":s": {"S": "processing"}, ":t": {"S": UtcTimestamp()}}})


def expect_start(stubs, arn, name, userid, bucket, key, error_code=None):
    params = {"stateMachineArn": arn, "name": name,
              "input": json.dumps({"userid": userid, "bucket": bucket, "key": key})}
    if error_code:
        stubs["stepfunctions"].add_client_error("start_execution", error_code,
                                                expected_params=params)
    else:
        stubs["stepfunctions"].add_response(
            "start_execution", {"executionArn": f"{arn}:{name}", "startDate": datetime.now()},
            params)


def s3_body(key, sequencer="0062E99A", bucket="uploads", event_name="ObjectCreated:Put"):
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": event_name,
        "s3": {"bucket": {"name": bucket},
               "object": {"key": key, "size": 1024, "eTag": "abc", "sequencer": sequencer}},
    }]})


def sqs_event(*bodies):
    return {"Records": [{"messageId": f"m{i}", "body": body, "eventSource": "aws:sqs"}
                        for i, body in enumerate(bodies)]}


def logged(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_id_upload_records_the_location_and_starts_the_id_workflow(stubs, capsys):
    name = starter.execution_name("id_document", "alice", "uploads", "id_document/alice.jpg",
                                  "0062E99A")
    expect_get_item(stubs, "alice")
    expect_update_item(stubs, "alice", ID_UPDATE, "uploads", "id_document/alice.jpg", name)
    expect_start(stubs, ID_ARN, name, "alice", "uploads", "id_document/alice.jpg")
    assert starter.handler(sqs_event(s3_body("id_document/alice.jpg")), None) == {
        "batchItemFailures": []}
    assert logged(capsys) == [{"level": "INFO", "message": "started", "messageId": "m0",
                               "key": "id_document/alice.jpg", "userid": "alice",
                               "execution": name}]


@pytest.mark.parametrize("item", [
    None,
    {"userid": {"S": "alice"}, "identity_verify_status": {"S": "fail"}},
], ids=["new-user", "no-face-yet"])
def test_first_selfie_deletes_no_face(stubs, item):
    name = starter.execution_name("selfie", "alice", "uploads", "selfie/alice.png", "0062E99A")
    expect_get_item(stubs, "alice", item)
    expect_update_item(stubs, "alice", SELFIE_UPDATE, "uploads", "selfie/alice.png", name)
    expect_start(stubs, SELFIE_ARN, name, "alice", "uploads", "selfie/alice.png")
    assert starter.handler(sqs_event(s3_body("selfie/alice.png")), None) == {
        "batchItemFailures": []}


def test_selfie_reupload_deletes_the_old_face_and_starts_verification(stubs):
    name = starter.execution_name("selfie", "alice", "uploads", "selfie/alice.jpg", "0062E99A")
    expect_get_item(stubs, "alice", {"userid": {"S": "alice"}, "rek_faceid": {"S": "old-face"},
                                     "selfie_event": {"S": "selfie-alice-0123456789abcdef"}})
    stubs["rekognition"].add_response("delete_faces", {"DeletedFaces": ["old-face"]},
                                      {"CollectionId": "faces", "FaceIds": ["old-face"]})
    expect_update_item(stubs, "alice", SELFIE_UPDATE, "uploads", "selfie/alice.jpg", name)
    expect_start(stubs, SELFIE_ARN, name, "alice", "uploads", "selfie/alice.jpg")
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None) == {
        "batchItemFailures": []}


@pytest.mark.parametrize("kind,key,arn,start_error", [
    ("selfie", "selfie/alice.jpg", SELFIE_ARN, None),
    ("selfie", "selfie/alice.jpg", SELFIE_ARN, "ExecutionAlreadyExists"),
    ("id_document", "id_document/alice.jpg", ID_ARN, "ExecutionAlreadyExists"),
], ids=["selfie-start-had-failed", "selfie-already-running", "id-already-running"])
def test_repeated_event_touches_neither_face_nor_item(stubs, capsys, kind, key, arn, start_error):
    name = starter.execution_name(kind, "alice", "uploads", key, "0062E99A")
    short = {"selfie": "selfie", "id_document": "id"}[kind]
    expect_get_item(stubs, "alice", {"rek_faceid": {"S": "face-indexed-by-the-first-run"},
                                     f"{short}_event": {"S": name}})
    expect_start(stubs, arn, name, "alice", "uploads", key, start_error)
    assert starter.handler(sqs_event(s3_body(key)), None) == {"batchItemFailures": []}
    (line,) = logged(capsys)
    assert line["message"] == ("already started" if start_error else "started")


def test_execution_already_exists_is_a_duplicate_delivery_not_a_failure(stubs, capsys):
    name = starter.execution_name("id_document", "bob", "uploads", "id_document/bob.jpg", "07")
    expect_get_item(stubs, "bob")
    expect_update_item(stubs, "bob", ID_UPDATE, "uploads", "id_document/bob.jpg", name)
    expect_start(stubs, ID_ARN, name, "bob", "uploads", "id_document/bob.jpg",
                 "ExecutionAlreadyExists")
    assert starter.handler(sqs_event(s3_body("id_document/bob.jpg", "07")), None) == {
        "batchItemFailures": []}
    assert logged(capsys)[0]["message"] == "already started"


@pytest.mark.parametrize("code,failures", [
    ("ExecutionAlreadyExists", []),
    ("StateMachineDoesNotExist", [{"itemIdentifier": "m0"}]),
], ids=["already-exists", "other-error"])
def test_a_plain_client_error_is_judged_by_its_code(stubs, monkeypatch, code, failures):
    def start_execution(**kwargs):
        raise ClientError({"Error": {"Code": code, "Message": "..."}}, "StartExecution")

    monkeypatch.setitem(starter.clients, "stepfunctions",
                        SimpleNamespace(start_execution=start_execution))
    name = starter.execution_name("id_document", "bob", "uploads", "id_document/bob.jpg", "07")
    expect_get_item(stubs, "bob")
    expect_update_item(stubs, "bob", ID_UPDATE, "uploads", "id_document/bob.jpg", name)
    assert starter.handler(sqs_event(s3_body("id_document/bob.jpg", "07")), None) == {
        "batchItemFailures": failures}


def test_url_encoded_key_is_decoded(stubs):
    key = "id_document/john.doe:1.JPG"
    name = starter.execution_name("id_document", "john.doe:1", "uploads", key, "0062E99A")
    expect_get_item(stubs, "john.doe:1")
    expect_update_item(stubs, "john.doe:1", ID_UPDATE, "uploads", key, name)
    expect_start(stubs, ID_ARN, name, "john.doe:1", "uploads", key)
    assert starter.handler(sqs_event(s3_body("id_document/john.doe%3A1.JPG")), None) == {
        "batchItemFailures": []}


def test_one_bad_key_fails_only_its_own_message(stubs, capsys):
    name = starter.execution_name("id_document", "bob", "uploads", "id_document/bob.png",
                                  "0062E99A")
    expect_get_item(stubs, "bob")
    expect_update_item(stubs, "bob", ID_UPDATE, "uploads", "id_document/bob.png", name)
    expect_start(stubs, ID_ARN, name, "bob", "uploads", "id_document/bob.png")
    event = sqs_event(s3_body("selfie/alice+smith.jpg"), s3_body("id_document/bob.png"))
    assert starter.handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    error, started = logged(capsys)
    assert error == {"level": "ERROR", "messageId": "m0", "key": "selfie/alice smith.jpg",
                     "message": "ValueError: key 'selfie/alice smith.jpg': invalid user id "
                                "'alice smith', expected [A-Za-z0-9][A-Za-z0-9_.:-]*, no '..'"}
    assert (started["level"], started["messageId"], started["userid"]) == ("INFO", "m1", "bob")


def test_each_record_of_a_message_is_logged_on_its_own(stubs, capsys):
    name = starter.execution_name("selfie", "bob", "uploads", "selfie/bob.jpg", "0062E99A")
    expect_get_item(stubs, "bob")
    expect_update_item(stubs, "bob", SELFIE_UPDATE, "uploads", "selfie/bob.jpg", name)
    expect_start(stubs, SELFIE_ARN, name, "bob", "uploads", "selfie/bob.jpg")
    good, bad = (json.loads(s3_body(key))["Records"][0] for key in ("selfie/bob.jpg", "selfie/x"))
    event = sqs_event(json.dumps({"Records": [good, bad]}))
    assert starter.handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    started, failed = logged(capsys)
    assert started["userid"] == "bob"
    assert failed == {"level": "ERROR", "messageId": "m0", "key": "selfie/x",
                      "message": "ValueError: key 'selfie/x': missing extension"}


def test_a_failing_service_call_fails_the_message(stubs, capsys):
    stubs["dynamodb"].add_client_error("get_item", "ProvisionedThroughputExceededException")
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None) == {
        "batchItemFailures": [{"itemIdentifier": "m0"}]}
    (line,) = logged(capsys)
    assert line["level"] == "ERROR" and line["userid"] == "alice"
    assert "ProvisionedThroughputExceededException" in line["message"]


def test_s3_test_event_is_acknowledged_without_any_call(stubs, capsys):
    body = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-11-22",
                       "Bucket": "uploads", "RequestId": "r", "HostId": "h"})
    assert starter.handler(sqs_event(body), None) == {"batchItemFailures": []}
    assert logged(capsys) == [{"level": "INFO", "message": "s3:TestEvent ignored",
                               "messageId": "m0"}]


@pytest.mark.parametrize("body,message", [
    ("not json", "JSONDecodeError"),
    ("", "JSONDecodeError"),
    (json.dumps({"hello": "world"}), "not an S3 ObjectCreated event"),
    (json.dumps({"Records": []}), "not an S3 ObjectCreated event"),
    (s3_body("selfie/alice.jpg", event_name="ObjectRemoved:Delete"),
     "not an S3 ObjectCreated event: 'ObjectRemoved:Delete'"),
    (json.dumps({"Records": [{"eventSource": "aws:sns", "eventName": "ObjectCreated:Put"}]}),
     "not an S3 ObjectCreated event"),
    (json.dumps(["Records"]), "AttributeError"),
], ids=["not-json", "empty", "not-s3", "no-records", "removal", "other-source", "json-list"])
def test_unprocessable_messages_are_reported_not_dropped(stubs, capsys, body, message):
    assert starter.handler(sqs_event(body), None) == {
        "batchItemFailures": [{"itemIdentifier": "m0"}]}
    (line,) = logged(capsys)
    assert line["level"] == "ERROR" and line["messageId"] == "m0" and message in line["message"]


# --- inlining ------------------------------------------------------------------------------------

def test_starter_fits_inline_with_room_to_grow_and_still_works(stubs, capsys):
    source = inline.inline_source(STARTER)
    assert source.endswith("\n")
    assert len(source.encode()) <= inline.MAX_INLINE_BYTES - 200
    assert '"""' not in source and "# " not in source
    deployed: dict = {}
    exec(compile(source, "index.py", "exec"), deployed)
    deployed["clients"].update(starter.clients)
    name = starter.execution_name("selfie", "bob", "uploads", "selfie/bob.jpg", "0062E99A")
    expect_get_item(stubs, "bob")
    expect_update_item(stubs, "bob", SELFIE_UPDATE, "uploads", "selfie/bob.jpg", name)
    expect_start(stubs, SELFIE_ARN, name, "bob", "uploads", "selfie/bob.jpg")
    assert deployed["handler"](sqs_event(s3_body("selfie/bob.jpg")), None) == {
        "batchItemFailures": []}


def test_inlining_drops_docstrings_and_comments_and_tightens(tmp_path):
    module = tmp_path / "module.py"
    module.write_text('"""Module doc."""\n\nimport os  # why\n\n\nclass C:\n    """Doc."""\n\n\n'
                      'def f(x):\n    """Doc."""\n    if not x in "a  b":\n'
                      '        return f"{x}  {{y}}" + os.sep\n    return [1, 2]\n')
    assert inline.inline_source(module) == (
        "import os\nclass C:\n pass\ndef f(x):\n if not x in'a  b':\n"
        "  return f'{x}  {{y}}'+os.sep\n return[1,2]\n")


def test_inlining_keeps_the_unparsed_module_if_tightening_changed_it(tmp_path, monkeypatch):
    module = tmp_path / "module.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr(inline, "_tighten", lambda source: "x=2\n")
    assert inline.inline_source(module) == "x = 1\n"


def test_inlining_accepts_a_module_of_exactly_the_limit(tmp_path):
    module = tmp_path / "full.py"
    module.write_text('"""Docstrings do not count."""\n' + "x = 1  # nor comments\n" * 1024)
    assert len(inline.inline_source(module).encode()) == inline.MAX_INLINE_BYTES


def test_inlining_refuses_an_oversize_module(tmp_path):
    module = tmp_path / "big.py"
    module.write_text('"""Docstrings do not count."""\n' + "x = 1  # nor comments\n" * 1025)
    with pytest.raises(ValueError, match=r"big\.py: 4100 bytes once inlined, more than the 4096"):
        inline.inline_source(module)
