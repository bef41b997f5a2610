"""The demo's story, deployed from the generated template onto the embedded engine.

S3 upload -> S3 notification -> SQS -> starter Lambda (its real code) -> workflows (the real
face service) -> DynamoDB, SNS and, for what cannot be processed, the dead-letter queue.
"""

from __future__ import annotations

import hashlib
import json

import boto3
import pytest

from client.uploads import ID_DOCUMENT, SELFIE, Client
from harness.burst import with_comment
from harness.local_stack import listen
from harness.pictures import images
from harness.story import (
    ERASED,
    NOTHING_LEFT,
    STORY,
    dead_letters,
    differences,
    leftovers,
    mark_refused,
    play,
    play_api,
)

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")


@pytest.fixture(scope="module")
def story(endpoint_url, tmp_path_factory):
    with stack_on_engine(endpoint_url, "e2e") as (session, name, _):
        client = Client(session, name, out=lambda _: None)
        sqs = session.client("sqs")
        queue = listen(session, client.outputs["NotificationTopicArn"], f"{name}-notifications")
        outcomes = play(client, images(), tmp_path_factory.mktemp("pictures"))
        notifications = []
        while True:
            got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                break
            notifications += [json.loads(m["Body"]) for m in got]
            for message in got:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        dead = dead_letters(sqs, client.outputs["SelfieDeadLetterQueueUrl"])
        mark_refused(outcomes, dead)
        faces = session.client("rekognition").list_faces(
            CollectionId=client.outputs["CollectionId"])["Faces"]
        yield {"outcomes": outcomes, "notifications": notifications, "dead": dead,
               "faces": faces, "client": client, "session": session}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def outcome(story, user: str, kind: str, picture: str):
    (found,) = [o for o in story["outcomes"] if (o.step.user, o.step.kind, o.step.picture)
                == (user, kind, picture)]
    return found


@pytest.mark.parametrize("index", range(len(STORY)),
                         ids=[f"{step.user}-{step.kind}-{step.picture}" for step in STORY])
def test_each_upload_ends_as_declared_in_the_story(story, index):
    found = story["outcomes"][index]
    assert differences([found], [], []) == []
    assert found.path or found.step.key, "the execution's path is read back"


def test_not_similar_records_the_score_and_a_pass_indexes_the_face(story):
    bob = outcome(story, "bob", "selfie", "hopper")
    assert bob.item["similarity"] < 80 and "rek_faceid" not in bob.item
    alice = outcome(story, "alice", "selfie", "astronaut")
    assert alice.item["similarity"] >= 80 and alice.item["rek_faceid"]


def test_duplicate_names_alices_first_face(story):
    alice = outcome(story, "alice", "selfie", "astronaut")
    erin = outcome(story, "erin", "selfie", "mirrored")
    assert erin.reason == f"duplicate of face {alice.item['rek_faceid']}"


def test_reupload_replaces_the_old_face_in_the_collection(story):
    first = outcome(story, "alice", "selfie", "astronaut").item["rek_faceid"]
    second = outcome(story, "alice", "selfie", "astronaut_png").item["rek_faceid"]
    assert first != second
    assert [(f["FaceId"], f["ExternalImageId"]) for f in story["faces"]] == [(second, "alice")]


def test_one_notification_per_failed_verification(story):
    reasons = sorted((m["userid"], m["status"]) for m in story["notifications"])
    assert reasons == [("bob", "fail"), ("carol", "fail"), ("dave", "fail"), ("erin", "fail"),
                       ("frank", "fail")]
    assert all(m["flow"] == "identity_verification" and m["execution"] for m in
               story["notifications"])


def test_an_unprocessable_upload_ends_in_the_dead_letter_queue_intact(story):
    (message,) = story["dead"]
    (record,) = message["Records"]
    assert record["eventName"].startswith("ObjectCreated:")
    assert record["s3"]["object"]["key"].replace("%2F", "/").replace("+", " ") == \
        "selfie/not a valid user id.jpg"


def test_a_pass_records_the_thumbnail_made_beside_the_indexing(story, endpoint_url):
    import io

    from PIL import Image

    alice = outcome(story, "alice", "selfie", "astronaut_png").item
    assert alice["thumbnail_key"] == "thumbnails/alice.jpg"
    assert alice["photo_uploaded_at"].endswith("Z")
    s3 = boto3.client("s3", endpoint_url=endpoint_url)
    thumbnail = s3.get_object(Bucket=story["client"].outputs["BucketName"],
                              Key=alice["thumbnail_key"])
    assert thumbnail["ContentType"] == "image/jpeg"
    width, height = Image.open(io.BytesIO(thumbnail["Body"].read())).size
    assert max(width, height) == 250


@pytest.mark.parametrize("cache", ["on", "off"])
def test_a_verification_analyses_each_distinct_image_once(story, monkeypatch, cache):
    """The ID card is analysed by DetectFaces, then by the compare; the selfie by the duplicate
    search, the compare and IndexFaces. With the cache, each image once. (Runs before the API
    story, which registers Grace's face.)"""
    from engine.rekognition.responses import face_engine

    engine = face_engine()
    if cache == "on" and engine.cache is None:
        pytest.skip("EKYC_FACES_CACHE_MB=0 turned the cache off")
    if cache == "off":
        monkeypatch.setattr(engine, "cache", None)
    client, userid = story["client"], f"judy{cache}"
    id_card = with_comment(images()["hopper_id_card"], userid)
    selfie = with_comment(images()["hopper"], userid)
    s3 = story["session"].client("s3")
    with engine.watch() as analysed:
        s3.put_object(Bucket=client.outputs["BucketName"], Key=f"id_document/{userid}.jpg",
                      Body=id_card)
        assert client.wait(ID_DOCUMENT, userid)["id_verify_status"] == "pass"
        s3.put_object(Bucket=client.outputs["BucketName"], Key=f"selfie/{userid}.jpg",
                      Body=selfie)
        item = client.wait(SELFIE, userid)
    try:
        assert item["identity_verify_status"] == "pass", item
        expected = {"on": (1, 1), "off": (2, 3)}[cache]
        assert (analysed[sha256(id_card)], analysed[sha256(selfie)]) == expected
        assert sum(analysed.values()) == sum(expected)
    finally:  # the API story (next) registers Grace: leave no duplicate of her face
        if item.get("rek_faceid"):
            story["session"].client("rekognition").delete_faces(
                CollectionId=client.outputs["CollectionId"], FaceIds=[item["rek_faceid"]])

def test_the_demos_api_story_after_the_uploads_answers_as_told(story, endpoint_url):
    from client.api import ApiClient
    from engine.api_front import LocalApi

    outputs = story["client"].outputs
    with LocalApi.for_stack(outputs, endpoint_url=endpoint_url,
                            session=story["session"]) as front:
        api = ApiClient(story["session"], front.url, outputs["BucketName"])
        answers = play_api(api, images())
        left = leftovers(story["session"], outputs)
    assert differences([], answers, left) == []
    assert [kept.status for kept in left] == [NOTHING_LEFT] * len(ERASED)
    assert all((status == 200) == (body["status"] in ("Registered", "Verified", "Updated",
                                                      "Match", "NoMatch", "Erased"))
               for _, status, body in answers)


def test_an_event_delivered_again_after_an_erasure_makes_no_item(story):
    """S3 delivers at least once: an ID document's event that comes after the user was erased
    (the picture gone) is consumed without making the user's item again or starting a run."""
    import time

    outputs, session = story["client"].outputs, story["session"]
    sqs = session.client("sqs")
    queue = outputs["IdDocumentQueueUrl"]
    body = json.dumps({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "eventTime": "2026-12-01T10:00:00.000Z",
        "s3": {"bucket": {"name": outputs["BucketName"]},
               "object": {"key": "id_document/erased-meanwhile.jpg", "size": 1024,
                          "eTag": "0123", "sequencer": "0062E99A"}}}]})
    sqs.send_message(QueueUrl=queue, MessageBody=body)
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=names)["Attributes"]
        if all(counts[name] == "0" for name in names):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the starter did not consume the event: {counts}")
    assert "Item" not in session.client("dynamodb").get_item(
        TableName=outputs["TableName"], Key={"userid": {"S": "erased-meanwhile"}},
        ConsistentRead=True)
    sfn = session.client("stepfunctions")
    runs = sfn.list_executions(stateMachineArn=outputs["IdDocumentStateMachineArn"])
    assert not [run for run in runs["executions"] if "erased-meanwhile" in run["name"]]
    assert dead_letters(sqs, outputs["IdDocumentDeadLetterQueueUrl"], timeout=1) == []

