"""``DELETE /user``: erase everything the stack keeps of a user.

The user's registered face, and a face an update left behind (``previous_faceid``, kept when
``POST /update`` could not delete the old face), go from the collection; the user's pictures
from the bucket (the ID document and the selfie, their extension in any case, and the
thumbnail); then the item, last: a run that fails half-way leaves the item, so the same
request finds what is left and erases it. A second request finds nothing and answers
``UserNotFound`` (404).

A face indexed for the user that no record names does not outlive an erasure either: the
verification that indexed it records its pass only while the item exists, and otherwise takes
its face out again (``identity_verification``). Rekognition's ListFaces filters by face ids
and user vectors only, not by ``ExternalImageId`` (ListFaces, Amazon Rekognition API
Reference), so finding such faces afterwards would mean reading the whole collection.

The execution is the erasure's log: this workflow alone logs its execution data, and no state
reads more than the user id and the face ids (the item is read through a projection), so the
log says what was erased, never the data.
"""

from __future__ import annotations

from itertools import product

from contract import item
from contract.keys import ID_DOCUMENT_PREFIX, IMAGE_EXTENSIONS, SELFIE_PREFIX, THUMBNAIL_PREFIX
from contract.placeholders import BUCKET_NAME, placeholder

from . import asl
from .api_common import DESCRIBE_ERROR, Answers
from .api_requests import Request
from .common import (
    COLLECTION,
    RETRY_DYNAMODB,
    RETRY_REKOGNITION,
    RETRY_S3,
    TABLE,
    userid_key,
)

NAME = "forget"
TITLE = "Forget"
ROUTE = "/user"
METHOD = "DELETE"
COMMAND = "forget"
REQUEST = Request("ForgetRequest", "User", images=())

BUCKET = placeholder(BUCKET_NAME)
READ = "Read what is kept of the user"
KNOWN = "Is anything kept of the user?"
NOTHING_KEPT = "Nothing kept of the user"
FACE_RECORDED = "Which faces are kept of the user?"
NAME_BOTH_FACES = "Name the face and the one an update left"
NAME_FACE = "Name the registered face"
NAME_PREVIOUS_FACE = "Name the face an update left"
DELETE_FACE = "Delete the user's faces"
NO_FACE = "No face to delete"
DELETE_OBJECTS = "Delete the user's pictures"
ALL_DELETED = "Did S3 delete every picture?"
OBJECTS_LEFT = "Pictures left in the bucket"
DELETE_ITEM = "Delete the user's record"
ANSWER = "Answer erased"

FACE = f"$.user.Item.{item.FACE_ID}.S"
PREVIOUS_FACE = f"$.user.Item.{item.PREVIOUS_FACE_ID}.S"
FACE_IDS = "$.face_ids"


def every_case(extension: str) -> list[str]:
    """``extension`` in every mix of lower and upper case letters (``jpg``, ``jpG``, ...
    ``JPG``): the starter takes an upload's extension whatever its case."""
    return ["".join(letters) for letters in product(*((c.lower(), c.upper()) for c in extension))]


def user_keys() -> list[str]:
    """The format of each key a picture of the user may have: the uploads' (``<prefix><userid>
    .<ext>``, the extension in every case the starter takes) and the thumbnail's."""
    extensions = [case for ext in IMAGE_EXTENSIONS for case in every_case(ext)]
    uploads = [f"{prefix}{{}}.{ext}" for prefix in (ID_DOCUMENT_PREFIX, SELFIE_PREFIX)
               for ext in extensions]
    return [*uploads, f"{THUMBNAIL_PREFIX}{{}}.jpg"]


def build() -> dict:
    workflow = asl.Workflow(
        "eKYC API: erase a user: the registered face, the pictures and the record.")
    answers = Answers()
    on_error = asl.catch_all(DESCRIBE_ERROR)

    workflow.add(READ, asl.task(
        asl.optimized("dynamodb:getItem"),
        parameters={"TableName": TABLE, "Key": userid_key(), "ConsistentRead": True,
                    "ProjectionExpression": f"{item.PARTITION_KEY}, {item.FACE_ID}, "
                                            f"{item.PREVIOUS_FACE_ID}"},
        result_path="$.user", retry=RETRY_DYNAMODB, catch=on_error, next=KNOWN))
    workflow.add(KNOWN, asl.choice([(asl.is_present("$.user.Item"), FACE_RECORDED)],
                                   default=NOTHING_KEPT))
    workflow.add(NOTHING_KEPT, answers.refuse("UserNotFound", "nothing is kept of the user id"))
    workflow.add(FACE_RECORDED, asl.choice(
        [(asl.all_of(asl.is_present(FACE), asl.is_present(PREVIOUS_FACE)), NAME_BOTH_FACES),
         (asl.is_present(FACE), NAME_FACE),
         (asl.is_present(PREVIOUS_FACE), NAME_PREVIOUS_FACE)],
        default=NO_FACE))
    for state, faces in ((NAME_BOTH_FACES, f"{FACE}, {PREVIOUS_FACE}"), (NAME_FACE, FACE),
                         (NAME_PREVIOUS_FACE, PREVIOUS_FACE)):
        workflow.add(state, asl.pass_state(parameters={"ids.$": f"States.Array({faces})"},
                                           result_path=FACE_IDS, next=DELETE_FACE))
    # A face already gone is not an error: DeleteFaces lists only the faces it deleted.
    workflow.add(DELETE_FACE, asl.task(
        asl.sdk("rekognition", "deleteFaces"),
        parameters={"CollectionId": COLLECTION, "FaceIds.$": f"{FACE_IDS}.ids"},
        result_selector={"count.$": "States.ArrayLength($.DeletedFaces)"},
        result_path="$.faces", retry=RETRY_REKOGNITION, catch=on_error, next=DELETE_OBJECTS))
    workflow.add(NO_FACE, asl.pass_state(parameters={"count": 0}, result_path="$.faces",
                                         next=DELETE_OBJECTS))
    # DeleteObjects answers a key that names no object as deleted (S3 API Reference), so every
    # key the user's pictures may have is named (one request takes up to 1,000 keys, which
    # tests/test_forget_keys.py checks); Quiet: the answer lists the failures only, under
    # Errors, which is absent when there are none.
    keys = user_keys()
    workflow.add(DELETE_OBJECTS, asl.task(
        asl.sdk("s3", "deleteObjects"),
        parameters={"Bucket": BUCKET, "Delete": {
            "Objects": [{"Key.$": f"States.Format('{key}', $.userid)"} for key in keys],
            "Quiet": True}},
        result_path="$.objects", retry=RETRY_S3, catch=on_error, next=ALL_DELETED))
    workflow.add(ALL_DELETED, asl.choice(
        [(asl.is_present("$.objects.Errors[0]"), OBJECTS_LEFT)], default=DELETE_ITEM))
    workflow.add(OBJECTS_LEFT, answers.refuse(
        "ServiceError", reason_format="States.Format('S3 could not delete {} pictures of the "
        "user; the record is kept, so the request can be repeated', "
        "States.ArrayLength($.objects.Errors))"))
    workflow.add(DELETE_ITEM, asl.task(
        asl.optimized("dynamodb:deleteItem"),
        parameters={"TableName": TABLE, "Key": userid_key()},
        result_path=None, retry=RETRY_DYNAMODB, catch=on_error, next=ANSWER))
    workflow.add(ANSWER, answers.answer("Erased", {
        "faces_deleted.$": "$.faces.count", "picture_keys_cleared": len(keys)}))
    answers.add_failure_tail(workflow, images=False)
    return workflow.definition()
