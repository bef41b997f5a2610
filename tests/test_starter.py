"""The starter Lambda: key parsing, execution names, and what it does with each SQS message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from contract import item
from lambdas import inline, starter

ROOT = Path(__file__).resolve().parent.parent
ID_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:id"
SELFIE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:selfie"


# --- keys ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("key,expected", [
    ("selfie/alice.jpg", ("selfie", "alice")),
    ("id_document/alice.jpeg", ("id_document", "alice")),
    ("selfie/bob.png", ("selfie", "bob")),
    ("selfie/UPPER.JPG", ("selfie", "UPPER")),
    ("selfie/john.doe.jpg", ("selfie", "john.doe")),
    ("id_document/a_b-c:d.png", ("id_document", "a_b-c:d")),
    ("selfie/" + "x" * 100 + ".jpg", ("selfie", "x" * 100)),
], ids=["selfie", "id-jpeg", "png", "uppercase-ext", "dotted-userid", "all-allowed-chars",
        "longest-userid"])
def test_parse_key_accepts(key, expected):
    assert starter.parse_key(key) == expected


@pytest.mark.parametrize("key,message", [
    ("selfie/alice smith.jpg", "user id 'alice smith'"),
    ("selfie/zoë.jpg", "user id 'zoë'"),
    ("selfie/../alice.jpg", "nested folders"),
    ("selfie/..jpg", "user id '.'"),
    ("selfie/a..b.jpg", "user id 'a..b'"),
    ("selfie/x/alice.jpg", "nested folders"),
    ("selfie/alice", "must end in .jpg, .jpeg or .png"),
    ("selfie/alice.gif", "must end in .jpg, .jpeg or .png"),
    ("passport/alice.jpg", "expected id_document/<userid>.<ext> or selfie/<userid>.<ext>"),
    ("alice.jpg", "expected id_document/<userid>.<ext>"),
    ("selfie/.jpg", "user id ''"),
    ("selfie/" + "x" * 101 + ".jpg", "must be 1-100"),
    ("selfie/-alice.jpg", "starting alphanumeric"),
], ids=["space", "unicode", "dot-dot-slash", "dot-userid", "double-dot", "nested", "no-ext",
        "gif", "unknown-prefix", "no-prefix", "empty-userid", "too-long", "leading-dash"])
def test_parse_key_refuses_with_a_specific_message(key, message):
    with pytest.raises(ValueError) as error:
        starter.parse_key(key)
    assert message in str(error.value)
    assert repr(key) in str(error.value)


# --- execution names -----------------------------------------------------------------------------

@pytest.mark.parametrize("prefix,userid", [
    ("selfie", "alice"), ("id_document", "alice"), ("selfie", "x" * 100),
    ("selfie", "a.b:c"), ("id_document", "9" * 100),
], ids=["short", "id", "long", "odd-chars", "long-id"])
def test_execution_name_is_valid_and_deterministic(prefix, userid):
    name = starter.execution_name(prefix, userid, "bucket", f"{prefix}/{userid}.jpg", "0055AE")
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,80}", name)
    assert name.startswith({"selfie": "selfie-", "id_document": "id-"}[prefix])
    assert name == starter.execution_name(prefix, userid, "bucket", f"{prefix}/{userid}.jpg",
                                          "0055AE")


def test_execution_name_differs_per_upload_and_per_workflow():
    names = {
        starter.execution_name("selfie", "alice", "b", "selfie/alice.jpg", "01"),
        starter.execution_name("selfie", "alice", "b", "selfie/alice.jpg", "02"),
        starter.execution_name("selfie", "alice", "b", "selfie/alice.png", "01"),
        starter.execution_name("id_document", "alice", "b", "id_document/alice.jpg", "01"),
    }
    assert len(names) == 4


# --- handler with recording fakes ----------------------------------------------------------------

class ExecutionAlreadyExists(Exception):
    pass


class ConditionalCheckFailedException(Exception):
    pass


class FakeClient:
    """Records calls; ``responses`` maps a method name to a value or an exception to raise,
    or to a list of them, one per call in turn."""

    def __init__(self, **responses):
        self.calls: list[tuple[str, dict]] = []
        self.responses = responses
        self.exceptions = type("Exceptions", (), {
            "ExecutionAlreadyExists": ExecutionAlreadyExists,
            "ConditionalCheckFailedException": ConditionalCheckFailedException})

    def __getattr__(self, method):
        def call(**kwargs):
            self.calls.append((method, kwargs))
            response = self.responses.get(method, {})
            if isinstance(response, list):
                response = response.pop(0)
            if isinstance(response, Exception):
                raise response
            return response
        return call

    def methods(self):
        return [method for method, _ in self.calls]


@pytest.fixture
def clients(monkeypatch):
    monkeypatch.setenv("TABLE_NAME", "users")
    monkeypatch.setenv("COLLECTION_ID", "faces")
    monkeypatch.setenv("ID_DOCUMENT_STATE_MACHINE_ARN", ID_ARN)
    monkeypatch.setenv("IDENTITY_VERIFICATION_STATE_MACHINE_ARN", SELFIE_ARN)
    fakes = {"dynamodb": FakeClient(), "rekognition": FakeClient(), "stepfunctions": FakeClient(),
             "s3": FakeClient()}
    monkeypatch.setattr(starter, "_clients", fakes)
    return fakes


def s3_body(key: str, sequencer: str = "0062E99A", bucket: str = "uploads") -> str:
    return json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "eventTime": "2026-11-25T10:00:00.123Z",
        "s3": {"bucket": {"name": bucket},
               "object": {"key": key, "size": 1024, "eTag": "abc", "sequencer": sequencer}},
    }]})


def sqs_event(*bodies: str) -> dict:
    return {"Records": [{"messageId": f"m{i}", "body": body, "eventSource": "aws:sqs"}
                        for i, body in enumerate(bodies)]}


def test_id_upload_records_the_location_and_starts_the_id_workflow(clients):
    assert starter.handler(sqs_event(s3_body("id_document/alice.jpg")), None) == {
        "batchItemFailures": []}
    ddb = clients["dynamodb"]
    assert ddb.methods() == ["get_item", "update_item", "update_item"]
    claim, release = ddb.calls[1][1], ddb.calls[2][1]
    assert claim["Key"] == {"userid": {"S": "alice"}}
    assert claim["UpdateExpression"].startswith(
        "SET id_bucket = :b, id_object = :k, id_event = :e, id_claim = :m, "
        "id_verify_status = :s")
    assert claim["UpdateExpression"].endswith("REMOVE id_verify_reason")
    assert claim["ConditionExpression"] == \
        "attribute_not_exists(id_event) OR id_event <> :e OR id_claim = :m"
    values = claim["ExpressionAttributeValues"]
    assert (values[":b"], values[":k"], values[":s"], values[":m"]) == (
        {"S": "uploads"}, {"S": "id_document/alice.jpg"}, {"S": "processing"}, {"S": "m0"})
    (method, start), = clients["stepfunctions"].calls
    assert method == "start_execution" and start["stateMachineArn"] == ID_ARN
    assert json.loads(start["input"]) == {"userid": "alice", "bucket": "uploads",
                                          "key": "id_document/alice.jpg",
                                          "uploaded_at": "2026-11-25T10:00:00.123Z"}
    assert values[":e"] == {"S": start["name"]}
    # Once the run has started, the claim no longer names the message.
    assert (release["Key"], release["UpdateExpression"], release["ConditionExpression"],
            release["ExpressionAttributeValues"]) == (
        {"userid": {"S": "alice"}}, "REMOVE id_claim", "id_claim = :m", {":m": {"S": "m0"}})
    assert clients["rekognition"].calls == []


def test_url_encoded_key_is_decoded(clients):
    starter.handler(sqs_event(s3_body("selfie/john.doe%3A1.jpg")), None)
    (_, start), = clients["stepfunctions"].calls
    assert json.loads(start["input"])["key"] == "selfie/john.doe:1.jpg"
    assert json.loads(start["input"])["userid"] == "john.doe:1"


def test_selfie_reupload_deletes_the_old_face_and_starts_verification(clients):
    clients["dynamodb"].responses["get_item"] = {"Item": {
        "userid": {"S": "alice"}, "rek_faceid": {"S": "old-face"},
        "selfie_event": {"S": "selfie-alice-previous"}}}
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None)["batchItemFailures"] == []
    assert clients["rekognition"].calls == [
        ("delete_faces", {"CollectionId": "faces", "FaceIds": ["old-face"]})]
    update = clients["dynamodb"].calls[1][1]
    assert update["UpdateExpression"].endswith("REMOVE identity_verify_reason, rek_faceid")
    assert "identity_verify_status = :s" in update["UpdateExpression"]
    (_, start), = clients["stepfunctions"].calls
    assert start["stateMachineArn"] == SELFIE_ARN


def test_first_selfie_deletes_nothing(clients):
    starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None)
    assert clients["rekognition"].calls == []
    assert clients["dynamodb"].methods() == ["get_item", "update_item", "update_item"]


SELFIE_RUN = starter.execution_name("selfie", "alice", "uploads", "selfie/alice.jpg", "0062E99A")


def test_repeated_event_touches_neither_face_nor_item_and_starts_nothing(clients, capsys):
    clients["dynamodb"].responses["get_item"] = {"Item": {
        "rek_faceid": {"S": "face-indexed-by-first-run"}, "selfie_event": {"S": SELFIE_RUN}}}
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None)["batchItemFailures"] == []
    assert clients["rekognition"].calls == []
    assert clients["dynamodb"].methods() == ["get_item"]
    assert clients["stepfunctions"].calls == []
    (logged,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (logged["message"], logged["execution"]) == ("duplicate", SELFIE_RUN)


def test_a_delivery_that_loses_the_claim_ends_quietly(clients):
    """Another delivery of the upload wrote the item between this one's read and write."""
    clients["dynamodb"].responses["update_item"] = ConditionalCheckFailedException("taken")
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None) == {
        "batchItemFailures": []}
    assert clients["dynamodb"].methods() == ["get_item", "update_item"]
    assert clients["stepfunctions"].calls == []


def test_a_failed_start_leaves_the_claim_to_its_message_which_starts_the_run_again(clients):
    clients["stepfunctions"].responses["start_execution"] = RuntimeError("throttled")
    event = sqs_event(s3_body("selfie/alice.jpg"))
    assert starter.handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert clients["dynamodb"].methods() == ["get_item", "update_item"]  # no release
    # SQS delivers the message again; the item still names it as the claim's holder.
    clients["dynamodb"].responses["get_item"] = {"Item": {
        "selfie_event": {"S": SELFIE_RUN}, "selfie_claim": {"S": "m0"}}}
    del clients["stepfunctions"].responses["start_execution"]
    assert starter.handler(event, None) == {"batchItemFailures": []}
    assert [call["name"] for _, call in clients["stepfunctions"].calls] == [SELFIE_RUN] * 2
    assert clients["dynamodb"].methods()[-2:] == ["update_item", "update_item"]


def test_another_message_with_the_same_upload_is_a_duplicate_while_a_claim_is_held(clients):
    clients["dynamodb"].responses["get_item"] = {"Item": {
        "selfie_event": {"S": SELFIE_RUN}, "selfie_claim": {"S": "another-message"}}}
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None) == {
        "batchItemFailures": []}
    assert clients["stepfunctions"].calls == []


def test_an_execution_that_exists_already_counts_as_started(clients):
    clients["stepfunctions"].responses["start_execution"] = ExecutionAlreadyExists("exists")
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None) == {
        "batchItemFailures": []}
    assert clients["dynamodb"].methods() == ["get_item", "update_item", "update_item"]


def test_a_release_that_fails_does_not_fail_the_started_message(clients, capsys):
    clients["dynamodb"].responses["update_item"] = [{}, RuntimeError("throttled")]
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None) == {
        "batchItemFailures": []}
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(entry["level"], entry["message"]) for entry in logged] == [
        ("INFO", "started"), ("WARNING", "claim kept")]


def test_one_bad_key_fails_only_its_own_message(clients, capsys):
    event = sqs_event(s3_body("selfie/bad name.jpg"), s3_body("id_document/bob.png"))
    assert starter.handler(event, None) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    (_, start), = clients["stepfunctions"].calls
    assert json.loads(start["input"])["userid"] == "bob"
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    error = next(entry for entry in logged if entry["level"] == "ERROR")
    assert error["messageId"] == "m0" and "user id 'bad name'" in error["error"]


@pytest.mark.parametrize("body", [
    "not json",
    json.dumps({"hello": "world"}),
    json.dumps({"Records": []}),
    json.dumps({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectRemoved:Delete"}]}),
    json.dumps({"Records": [{"eventSource": "aws:sns", "eventName": "ObjectCreated:Put"}]}),
], ids=["not-json", "not-s3", "no-records", "removal", "other-source"])
def test_unprocessable_messages_are_reported_not_dropped(clients, body):
    assert starter.handler(sqs_event(body), None) == {
        "batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert clients["stepfunctions"].calls == []


def test_a_failing_service_call_fails_the_message(clients):
    clients["dynamodb"].responses["update_item"] = RuntimeError("throttled")
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None) == {
        "batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert clients["stepfunctions"].calls == []


def head_object_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "Not Found"}}, "HeadObject")


def test_an_upload_gone_before_its_event_came_makes_no_item_and_starts_nothing(clients, capsys):
    """An event delivered again after an erasure: the picture is gone, so nothing is claimed."""
    clients["s3"].responses["head_object"] = head_object_error("404")
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None) == {
        "batchItemFailures": []}
    assert clients["s3"].calls == [("head_object", {"Bucket": "uploads",
                                                    "Key": "selfie/alice.jpg"})]
    assert clients["dynamodb"].calls == clients["stepfunctions"].calls == []
    assert clients["rekognition"].calls == []
    assert json.loads(capsys.readouterr().out)["message"] == "gone"


def test_an_upload_s3_will_not_show_fails_the_message(clients):
    """403 is S3's answer to a caller without s3:ListBucket, present or not: not "gone"."""
    clients["s3"].responses["head_object"] = head_object_error("403")
    assert starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None) == {
        "batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert clients["dynamodb"].calls == []


def test_s3_test_event_is_acknowledged_without_any_call(clients):
    body = json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "uploads"})
    assert starter.handler(sqs_event(body), None) == {"batchItemFailures": []}
    assert all(fake.calls == [] for fake in clients.values())


# --- inlining ------------------------------------------------------------------------------------

def test_starter_inlined_is_smaller_and_still_works_as_a_module():
    module = ROOT / "lambdas" / "starter.py"
    source = inline.inline_source(module)
    assert len(source) < len(module.read_text())
    namespace: dict = {}
    exec(compile(source, "index.py", "exec"), namespace)
    assert namespace["parse_key"]("selfie/a.jpg") == ("selfie", "a")
    assert '"""' not in source and "#" not in source.replace("#{version}", "")


def test_inlining_refuses_an_oversize_module(tmp_path, monkeypatch):
    monkeypatch.setattr(inline, "MAX_INLINE_BYTES", 4096)
    module = tmp_path / "big.py"
    module.write_text('"""Docstrings do not count."""\n' + "x = 1\n" * 682)
    assert len(inline.inline_source(module)) == 4092
    module.write_text('"""Docstrings do not count."""\n' + "x = 1\n" * 683)
    with pytest.raises(ValueError, match="4098 bytes inline, more than CloudFormation's 4096"):
        inline.inline_source(module)


def test_inlining_keeps_nesting_with_one_space_per_level(tmp_path):
    module = tmp_path / "nested.py"
    module.write_text('def f(x):\n    """doc"""\n    if x:\n        return "a    b"  # note\n'
                      "    return 0\n")
    assert inline.inline_source(module) == "def f(x):\n if x:\n  return 'a    b'\n return 0\n"


def test_inlining_writes_in_the_contract_values_and_drops_their_import(tmp_path):
    module = tmp_path / "handler.py"
    module.write_text("from contract.item import FACE_ID, SELFIE\n"
                      "from contract.keys import IMAGE_EXTENSIONS as KINDS\n"
                      "def handler(event, context):\n"
                      "    return event[FACE_ID], SELFIE.status, KINDS\n")
    assert inline.inline_source(module) == (
        "def handler(event, context):\n"
        " return (event['rek_faceid'], 'identity_verify_status', ('jpg', 'jpeg', 'png'))\n")


def test_inlining_refuses_a_contract_value_that_is_no_constant(tmp_path):
    module = tmp_path / "handler.py"
    module.write_text("from contract.item import UPLOADS\n"
                      "def handler(event, context):\n"
                      "    return [upload.prefix for upload in UPLOADS]\n")
    with pytest.raises(ValueError, match="UPLOADS from contract is not read as a constant"):
        inline.inline_source(module)


def test_the_inlined_starter_holds_the_contract_values_the_module_imports():
    source = inline.inline_source(ROOT / "lambdas" / "starter.py")
    assert "contract" not in source
    namespace: dict = {}
    exec(compile(source, "index.py", "exec"), namespace)
    assert namespace["WORKFLOWS"] == starter.WORKFLOWS
    assert namespace["USERID"].pattern == item.USERID_PATTERN
    assert namespace["EXTENSIONS"] == starter.EXTENSIONS


# --- the starter and contract.item agree ----------------------------------------------------------

@pytest.mark.parametrize("upload", item.UPLOADS, ids=lambda upload: upload.folder)
def test_the_starter_writes_the_item_attributes_the_contract_names(clients, upload):
    """The starter builds its attribute names from each upload's short name and verification,
    as contract.item.Upload does; both must give the same names."""
    clients["dynamodb"].responses["get_item"] = {"Item": {item.FACE_ID: {"S": "old-face"}}}
    assert starter.handler(sqs_event(s3_body(f"{upload.prefix}alice.jpg")), None) == {
        "batchItemFailures": []}
    claim, release = [call for method, call in clients["dynamodb"].calls
                      if method == "update_item"]
    assigned, removed = claim["UpdateExpression"].removeprefix("SET ").split(" REMOVE ")
    assert {part.split(" = ")[0] for part in assigned.split(", ")} == {
        upload.bucket, upload.object, upload.event, upload.claim, upload.status, item.UPDATED_AT}
    replaces_face = {item.FACE_ID} if upload is item.SELFIE else set()
    assert set(removed.split(", ")) == {upload.reason} | replaces_face
    assert claim["Key"] == {item.PARTITION_KEY: {"S": "alice"}}
    assert claim["ExpressionAttributeValues"][":s"] == {"S": item.PROCESSING}
    assert release["UpdateExpression"] == f"REMOVE {upload.claim}"
    (start,) = [call for method, call in clients["stepfunctions"].calls
                if method == "start_execution"]
    assert start["stateMachineArn"] == {item.ID_DOCUMENT: ID_ARN, item.SELFIE: SELFIE_ARN}[upload]
    assert start["name"].startswith(f"{upload.short}-alice-")
    deleted = [call["FaceIds"] for method, call in clients["rekognition"].calls
               if method == "delete_faces"]
    assert deleted == ([["old-face"]] if replaces_face else [])
