"""The demo's story: the uploads and API calls `make demo` plays on a fresh stack, and the
outcome declared for each, beside it. The demo checks what it gets against these
(``differences``); the end-to-end tests play the same story and check the same.

Pictures are names from ``harness/pictures.py``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus

from contract.item import ID_DOCUMENT, ID_FACE_NAME_PREFIX, PARTITION_KEY, SELFIE
from contract.keys import THUMBNAIL_PREFIX, api_folder
from contract.settings import COLLECTION, COMPARE_FACES


@dataclass(frozen=True)
class Step:
    """One upload of the story, and the outcome it should have."""

    user: str
    kind: str  # "id" or "selfie"
    picture: str  # a name from harness.pictures.images()
    story: str  # what is uploaded, in a few words
    expected: str  # the upload's final status
    reason: str = ""  # how its reason starts; "" expects no reason
    key: str | None = None  # a key of its own (e.g. one the starter must refuse)
    # How its reason starts with CompareMode COLLECTION, where that mode can tell more.
    collection_reason: str | None = None

    def expected_reason(self, compare_mode: str) -> str:
        if compare_mode == COLLECTION and self.collection_reason is not None:
            return self.collection_reason
        return self.reason


# A key's S3 event that the starter refuses is retried, then kept in the dead-letter queue.
REFUSED = "refused"
REFUSED_REASON = "key refused by the starter: to the DLQ"

STORY = [
    Step("alice", "id", "id_card", "her ID card", "pass"),
    Step("alice", "selfie", "astronaut", "her face", "pass"),
    Step("bob", "id", "id_card", "Alice's ID card", "pass"),
    Step("bob", "selfie", "hopper", "someone else's face", "fail", "similarity "),
    Step("carol", "id", "hopper_id_card", "her ID card", "pass"),
    Step("carol", "selfie", "coffee", "a cup, no face", "fail", "no face"),
    Step("dave", "id", "hopper_id_card", "his ID card", "pass"),
    Step("dave", "selfie", "two_hoppers", "his face, twice", "fail", "2 faces"),
    Step("erin", "id", "id_card", "Alice's ID card", "pass"),
    Step("erin", "selfie", "mirrored", "Alice's face, mirrored", "fail", "duplicate of face "),
    # With CompareMode COLLECTION the search sees whose ID documents show this face.
    Step("frank", "selfie", "hopper", "a selfie, no ID yet", "fail", "no ID document",
         collection_reason="the selfie matches the face on the ID document of another user "
                           "(face "),
    Step("alice", "selfie", "astronaut_png", "a new selfie (PNG)", "pass"),
    Step("mallory", "selfie", "astronaut", "a key with no user id", REFUSED, REFUSED_REASON,
         key=f"{SELFIE.prefix}not a valid user id.jpg"),
]


@dataclass(frozen=True)
class ApiStep:
    """One request to the synchronous API, and the answer it should get."""

    route: str
    user: str | None  # None for /compare
    pictures: tuple[str, ...]  # selfie first, then the ID card where the route takes one
    story: str  # what is sent, in a few words
    http: int  # the answer's HTTP status
    expected: str  # the answer's status
    reason: str = ""  # how its reason starts; "" expects no reason


# Played after the upload story, on the same stack: Alice's face is registered by then.
API_STORY = [
    ApiStep("/register", "grace", ("hopper",), "her selfie", 200, "Registered"),
    ApiStep("/auth", "grace", ("hopper",), "her face", 200, "Verified"),
    ApiStep("/auth", "grace", ("astronaut_png",), "Alice's face", 403, "UserAccessDenied",
            "the selfie does not match"),
    ApiStep("/update", "grace", ("hopper",), "a new selfie", 200, "Updated"),
    ApiStep("/register", "mallory", ("mirrored",), "Alice, mirrored", 409,
            "DuplicateFace", "duplicate of face "),
    ApiStep("/register", "ivan", ("coffee",), "a cup, no face", 422, "FaceRejected", "no face"),
    ApiStep("/register-idcard", "henry", ("astronaut_png", "hopper_id_card"),
            "Alice + Grace's card", 422, "IdDocumentMismatch", "similarity "),
    ApiStep("/compare", None, ("astronaut", "id_card"), "Alice + her card", 200, "Match",
            "similarity "),
    ApiStep("/compare", None, ("hopper", "id_card"), "Grace + Alice's card", 200,
            "NoMatch", "similarity "),
    # Alice verified through the uploads: her face, her item and her pictures are erased.
    ApiStep("/user", "alice", (), "erase her", 200, "Erased"),
    ApiStep("/user", "alice", (), "erase her again", 404, "UserNotFound", "nothing is kept"),
]


@dataclass(frozen=True)
class Leftovers:
    """What the stack still keeps of an erased user, which the story declares to be nothing:
    the item, faces indexed under the user id, pictures under the user's keys."""

    user: str
    found: tuple[str, ...]

    @property
    def status(self) -> str:
        return ", ".join(self.found) or NOTHING_LEFT


NOTHING_LEFT = "nothing left"
ERASED = ["alice"]  # checked after the API story: each keeps nothing


def what_is_left(session, outputs: dict[str, str], user: str) -> Leftovers:
    """The user's item, faces (named after the user, or after the user's ID document) and
    pictures (``<prefix><user>.<extension>``, and anything in the user's API folder), as
    found."""
    found = []
    item = session.client("dynamodb").get_item(
        TableName=outputs["TableName"], Key={PARTITION_KEY: {"S": user}}, ConsistentRead=True)
    if "Item" in item:
        found.append("the item")
    pages = session.client("rekognition").get_paginator("list_faces").paginate(
        CollectionId=outputs["CollectionId"])
    found += [f"face {face['FaceId']}" for page in pages for face in page["Faces"]
              if face.get("ExternalImageId") in (user, ID_FACE_NAME_PREFIX + user)]
    s3 = session.client("s3")
    for prefix in (ID_DOCUMENT.prefix, SELFIE.prefix, THUMBNAIL_PREFIX):
        listed = s3.list_objects_v2(Bucket=outputs["BucketName"], Prefix=f"{prefix}{user}.")
        found += [entry["Key"] for entry in listed.get("Contents", [])
                  if entry["Key"][len(prefix):].rpartition(".")[0] == user]
    listed = s3.list_objects_v2(Bucket=outputs["BucketName"], Prefix=api_folder(user))
    found += [entry["Key"] for entry in listed.get("Contents", [])]
    return Leftovers(user, tuple(found))


def leftovers(session, outputs: dict[str, str]) -> list[Leftovers]:
    return [what_is_left(session, outputs, user) for user in ERASED]


def play_api(api, images: dict[str, bytes]) -> list[tuple[ApiStep, int, dict]]:
    """Each API step's request: (step, HTTP status, answer)."""
    answers = []
    for step in API_STORY:
        status, body = api.call(step.route, step.user, [images[name] for name in step.pictures])
        answers.append((step, status, body))
    return answers


UPLOADS = {"id": ID_DOCUMENT, "selfie": SELFIE}  # by Step.kind


@dataclass
class Outcome:
    step: Step
    item: dict = field(default_factory=dict)
    path: list[str] = field(default_factory=list)
    refused: bool = False  # its S3 event reached the dead-letter queue
    compare_mode: str = COMPARE_FACES  # the stack's CompareMode

    @property
    def expected_reason(self) -> str:
        return self.step.expected_reason(self.compare_mode)

    @property
    def status(self) -> str:
        if self.refused:
            return REFUSED
        return str(self.item.get(UPLOADS[self.step.kind].status, "-"))

    @property
    def reason(self) -> str:
        if self.refused:
            return REFUSED_REASON
        return str(self.item.get(UPLOADS[self.step.kind].reason, ""))


def play(client, images: dict[str, bytes], folder: Path, out=print,
         compare_mode: str = COMPARE_FACES) -> list[Outcome]:
    """Upload each step's picture and wait for its final status. A step with a key of its own
    is only uploaded: ``mark_refused`` tells afterwards whether the starter refused it.
    ``compare_mode``: the stack's CompareMode, which a few expected reasons depend on."""
    outcomes = []
    for step in STORY:
        kind = UPLOADS[step.kind]
        if step.key:
            client.s3.put_object(Bucket=client.outputs["BucketName"], Key=step.key,
                                 Body=images[step.picture])
            outcomes.append(Outcome(step, compare_mode=compare_mode))
            continue
        picture = folder / f"{step.picture}.{'png' if step.picture.endswith('png') else 'jpg'}"
        picture.write_bytes(images[step.picture])
        _, previous = client.upload(kind, step.user, picture)
        item = client.wait(kind, step.user, previous, timeout=120)
        outcomes.append(Outcome(step, item, client.path(kind, item),
                                compare_mode=compare_mode))
    return outcomes


def dead_letters(sqs, queue_url: str, timeout: float = 30) -> list[dict]:
    """Messages that reached a dead-letter queue (after maxReceiveCount failed deliveries)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                    VisibilityTimeout=0).get("Messages", [])
        if found:
            return [json.loads(message["Body"]) for message in found]
        time.sleep(0.2)
    return []


def dead_letter_keys(dead: list[dict]) -> set[str]:
    """The object keys of the S3 events in ``dead``. An event carries its key URL-encoded
    ("Event message structure", Amazon S3 User Guide:
    https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)."""
    return {unquote_plus(record["s3"]["object"]["key"])
            for body in dead for record in body.get("Records", [])}


def mark_refused(outcomes: list[Outcome], dead: list[dict]) -> None:
    """Mark each upload under a key of its own whose S3 event is in the dead-letter queue."""
    keys = dead_letter_keys(dead)
    for outcome in outcomes:
        outcome.refused = outcome.step.key is not None and outcome.step.key in keys


@dataclass(frozen=True)
class Difference:
    """A row of the story whose outcome is not the one declared."""

    row: str
    expected: str
    got: str

    def __str__(self) -> str:
        return f"{self.row}: expected {self.expected}, got {self.got}"


def as_told(status: str, reason: str, expected: str, reason_start: str) -> bool:
    return status == expected and (reason.startswith(reason_start) if reason_start
                                   else reason == "")


def told(status: str, reason: str, *, start: bool = False) -> str:
    return f"{status} ({reason}{'…' if start else ''})" if reason else status


def differences(outcomes: list[Outcome], answers: list[tuple[ApiStep, int, dict]],
                left: list[Leftovers]) -> list[Difference]:
    """Each upload and API call whose outcome is not the one declared beside its step, and
    each erased user of whom something is left."""
    found = []
    for outcome in outcomes:
        step = outcome.step
        if not as_told(outcome.status, outcome.reason, step.expected, outcome.expected_reason):
            found.append(Difference(f"{step.user} {step.kind} ({step.story})",
                                    told(step.expected, outcome.expected_reason, start=True),
                                    told(outcome.status, outcome.reason)))
    for step, http, body in answers:
        got, reason = f"{http} {body.get('status', '')}", str(body.get("reason", ""))
        if not as_told(got, reason, f"{step.http} {step.expected}", step.reason):
            row = " ".join(part for part in (step.route, step.user, f"({step.story})") if part)
            found.append(Difference(row, told(f"{step.http} {step.expected}", step.reason,
                                              start=True), told(got, reason)))
    found += [Difference(f"{kept.user} after the erasure", NOTHING_LEFT, kept.status)
              for kept in left if kept.found]
    return found
