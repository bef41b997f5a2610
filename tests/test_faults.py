"""Faults and bad input through the whole chain, on the embedded engine: nothing is lost.

The generated stack is deployed as in production; uploads go S3 -> SQS -> starter -> workflows
with the real face service. Each test asserts where every upload ended: a final status with a
specific reason on the user's item, or the dead-letter queue with the original message intact.
Faults inside the workflows (throttling, DynamoDB and SNS failing) are the scenarios'
(``tests/test_scenarios.py``); the faults table in docs/testing.md names the test behind each row.
"""

from __future__ import annotations

import hashlib
import json
import struct
import time
import zlib

import pytest

from client.uploads import ID_DOCUMENT, SELFIE, Client
from harness.bombs import blank_png
from harness.burst import executions_named, run_burst, with_comment
from harness.pictures import images

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")

BURST_USERS = 24


@pytest.fixture(scope="module")
def stack(endpoint_url):
    with stack_on_engine(endpoint_url, "faults") as (session, name, _):
        client = Client(session, name, out=lambda _: None)
        yield {"client": client, "s3": session.client("s3"), "sqs": session.client("sqs"),
               "sfn": session.client("stepfunctions"), "outputs": client.outputs}


def put(stack, key: str, body: bytes) -> None:
    stack["s3"].put_object(Bucket=stack["outputs"]["BucketName"], Key=key, Body=body)


def final_item(stack, kind, userid: str, timeout: float = 120) -> dict:
    return stack["client"].wait(kind, userid, None, timeout=timeout)


def dead_letters(stack, queue: str, expected: int, timeout: float = 60) -> list[str]:
    """Bodies in a dead-letter queue, once there are ``expected`` (left there for others)."""
    url = stack["outputs"][f"{queue}DeadLetterQueueUrl"]
    deadline = time.monotonic() + timeout
    while True:
        found = stack["sqs"].receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                             VisibilityTimeout=0).get("Messages", [])
        if len(found) >= expected or time.monotonic() > deadline:
            return [message["Body"] for message in found]
        time.sleep(0.2)


def png_without_pixels() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0)) \
        + chunk(b"IEND", b"")


BAD_SELFIES = {  # user -> (content, start of the recorded reason)
    "pdf": (b"%PDF-1.4 a document, not a photo",
            "image not usable: Rekognition.InvalidImageFormatException"),
    "truncated": (images()["truncated_png"],
                  "image not usable: Rekognition.InvalidImageFormatException"),
    "oversized": (b"\xff\xd8\xff" + b"\0" * (15 * 1024 * 1024 + 1),
                  "image not usable: Rekognition.ImageTooLargeException"),
    "nopixels": (png_without_pixels(),
                 "image not usable: Rekognition.InvalidImageFormatException"),
    "gigapixel": (blank_png(30000, 30000),
                  "image not usable: Rekognition.InvalidImageFormatException"),
    "coffee": (images()["coffee"], "no face"),
}


def test_bad_images_end_in_a_rejection_that_names_the_problem(stack):
    for user, (content, _) in BAD_SELFIES.items():
        put(stack, f"selfie/{user}.jpg", content)
    for user, (_, reason) in BAD_SELFIES.items():
        item = final_item(stack, SELFIE, user)
        assert item["identity_verify_status"] == "fail", (user, item)
        assert item["identity_verify_reason"].startswith(reason), (user, item)
        assert "rek_faceid" not in item


def test_several_faces_are_refused_after_the_id_document(stack):
    put(stack, "id_document/crowd.jpg", images()["hopper_id_card"])
    assert final_item(stack, ID_DOCUMENT, "crowd")["id_verify_status"] == "pass"
    put(stack, "selfie/crowd.jpg", images()["two_hoppers"])
    item = final_item(stack, SELFIE, "crowd")
    assert (item["identity_verify_status"], item["identity_verify_reason"]) == (
        "fail", "2 faces")
    assert "rek_faceid" not in item


def test_odd_keys_are_processed_or_kept_in_the_dead_letter_queue(stack):
    accepted = {"selfie/UPPER.JPG": "UPPER", "selfie/lower.JPEG": "lower"}
    refused = ["selfie/with space.jpg", "selfie/zoë.jpg", "selfie/../escape.jpg",
               "selfie/noextension"]
    for key in [*accepted, *refused]:
        put(stack, key, images()["coffee"])
    for userid in accepted.values():
        assert final_item(stack, SELFIE, userid)["identity_verify_reason"] == "no face"
    bodies = dead_letters(stack, "Selfie", len(refused))
    keys = sorted(json.loads(body)["Records"][0]["s3"]["object"]["key"] for body in bodies)
    # S3 events carry keys URL-encoded; the messages are as S3 sent them.
    from urllib.parse import unquote_plus
    assert sorted(unquote_plus(key) for key in keys) == sorted(refused)


def test_a_message_the_starter_cannot_parse_reaches_the_dead_letter_queue_intact(stack):
    queue = stack["outputs"]["IdDocumentQueueUrl"]
    body = "this is not an S3 event {"
    stack["sqs"].send_message(QueueUrl=queue, MessageBody=body)
    assert dead_letters(stack, "IdDocument", 1) == [body]


def executions_of(stack, output: str, marker: str) -> list[dict]:
    listed = stack["sfn"].get_paginator("list_executions").paginate(
        stateMachineArn=stack["outputs"][output]).build_full_result()["executions"]
    return [execution for execution in listed if marker in execution["name"]]


def test_the_same_s3_event_twice_starts_one_execution(stack):
    put(stack, "id_document/twice.jpg", images()["id_card"])
    assert final_item(stack, ID_DOCUMENT, "twice")["id_verify_status"] == "pass"
    # One more S3 event for the same object, delivered twice (S3 delivers at least once).
    event = {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "eventTime": "2026-11-25T10:00:00.000Z",
        "s3": {"bucket": {"name": stack["outputs"]["BucketName"]},
               "object": {"key": "id_document/twice.jpg", "sequencer": "0A1B2C3D4E5F"}}}]}
    for _ in range(2):
        stack["sqs"].send_message(QueueUrl=stack["outputs"]["IdDocumentQueueUrl"],
                                  MessageBody=json.dumps(event))
    deadline = time.monotonic() + 30
    while len(executions_of(stack, "IdDocumentStateMachineArn", "twice")) < 2 and \
            time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # time for a second start of the same event to show, if there were one
    runs = executions_of(stack, "IdDocumentStateMachineArn", "twice")
    assert len(runs) == 2, runs  # the upload's own event, and the redelivered one once


def test_a_burst_of_users_ends_with_every_status_and_no_duplicate(stack):
    """BURST_USERS users upload an ID document and a selfie at the same moment, all the same
    two files: each upload runs once, nothing is lost, and each file is analysed once.
    (``make bench-burst`` times a larger burst, with the face service's cache off and on.)"""
    from engine.rekognition.responses import face_engine

    id_card = with_comment(images()["id_card"], "burst")
    coffee = with_comment(images()["coffee"], "burst")
    users = [f"burst{number:03d}" for number in range(BURST_USERS)]
    with face_engine().watch() as analysed:
        burst = run_burst(stack["client"], stack["s3"], users, lambda _: id_card,
                          lambda _: coffee, timeout=300)
    assert all(ids["id_verify_status"] == "pass" for ids, _ in burst.finals.values())
    # The selfie shows no face; it may arrive before the ID document, which is its own reason.
    assert {selfie["identity_verify_reason"] for _, selfie in burst.finals.values()} <= {
        "no face", "no ID document"}
    for output in ("IdDocumentStateMachineArn", "IdentityVerificationStateMachineArn"):
        names = executions_named(stack["sfn"], stack["outputs"][output], "burst")
        assert len(names) == len(set(names)) == BURST_USERS, output
    for queue in ("IdDocument", "Selfie"):
        assert not [body for body in dead_letters(stack, queue, 1, timeout=0)
                    if "burst" in body], queue
    if face_engine().cache is not None:  # unless EKYC_FACES_CACHE_MB=0 turned it off
        assert analysed == {hashlib.sha256(id_card).hexdigest(): 1,
                            hashlib.sha256(coffee).hexdigest(): 1}
