"""``DELETE /user``: erase everything the stack keeps of a user.

First the user's faces go from the collection: every face indexed for the user, which is
named (``ExternalImageId``) after the user id, or after ``_id:`` and the user id for the face
on the user's ID document. That covers the registered face, a face an update left behind
(``previous_faceid``) and any face no record names. ListFaces filters by face ids and user
vectors only, not by ``ExternalImageId`` (ListFaces, Amazon Rekognition API Reference), so the
workflow reads the whole collection, a page at a time, and deletes the user's faces on each
page with one DeleteFaces: **an erasure takes longer the larger the collection**, and this
Express workflow must finish within Express's five minutes ("Step Functions service quotas").

Then the user's pictures go from the bucket: every API upload in the user's folder
``api/<userid>/`` (listed a page at a time), then the ID document and the selfie (their
extension in any case) and the thumbnail; then the item, last: a run that fails half-way
leaves the item, so the same request finds what is left and erases it. Both sweeps run whether
or not an item is kept, so a face or an upload that outlived its record goes too; a request
that finds no item and nothing to sweep (a second request, or a user id never seen) answers
``UserNotFound`` (404).

The same workflow erases what is left of a user whose item time to live deleted
(AbandonedRecordDays, templates/expiry.py): that start carries ``record_expired``, which the
API's request model does not admit. If the user uploaded again in between, an item is kept
again, and that erasure is called off: the user's new attempt is not an abandoned one.

The execution is the erasure's log: this workflow alone logs its execution data, and no state
reads more than the user id, face ids and names, and object keys (the item is read through a
projection), so the log says what was erased, never the data.
"""

from __future__ import annotations

from itertools import product

from contract import item
from contract.keys import ID_DOCUMENT_PREFIX, IMAGE_EXTENSIONS, SELFIE_PREFIX, THUMBNAIL_PREFIX
from contract.placeholders import BUCKET_NAME, placeholder

from . import asl
from . import forget_sweeps as sweeps
from .api_common import DESCRIBE_ERROR, Answers
from .api_requests import Request
from .common import RETRY_DYNAMODB, RETRY_S3, TABLE, userid_key

NAME = "forget"
TITLE = "Forget"
ROUTE = "/user"
METHOD = "DELETE"
COMMAND = "forget"
REQUEST = Request("ForgetRequest", "User", images=())

BUCKET = placeholder(BUCKET_NAME)
# Set by the start an expired record's deletion makes (templates/expiry.py), never by the API.
RECORD_EXPIRED = "record_expired"
READ = "Read what is kept of the user"
CAME_BACK = "Did the user come back after the record expired?"
NOT_ABANDONED = "Keep the user's new attempt"
KNOWN = "Is a record kept of the user?"
ANYTHING_ERASED = "Was anything of the user erased?"
NOTHING_KEPT = "Nothing kept of the user"
DELETE_OBJECTS = "Delete the user's pictures"
ALL_DELETED = "Did S3 delete every picture?"
OBJECTS_LEFT = "Pictures left in the bucket"
DELETE_ITEM = "Delete the user's record"
ANSWER = "Answer erased"

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
        "eKYC API: erase a user: every face indexed for the user, the API uploads, the "
        "pictures and the record.")
    answers = Answers()
    on_error = asl.catch_all(DESCRIBE_ERROR)

    workflow.add(READ, asl.task(
        asl.optimized("dynamodb:getItem"),
        parameters={"TableName": TABLE, "Key": userid_key(), "ConsistentRead": True,
                    "ProjectionExpression": item.PARTITION_KEY},
        result_path="$.user", retry=RETRY_DYNAMODB, catch=on_error, next=CAME_BACK))
    workflow.add(CAME_BACK, asl.choice(
        [(asl.all_of(asl.is_present(f"$.{RECORD_EXPIRED}"), asl.is_present("$.user.Item")),
          NOT_ABANDONED)], default=sweeps.NAME_FACES))
    workflow.add(NOT_ABANDONED, answers.answer("NothingErased", {
        "reason": "the user uploaded again after the record expired"}))
    sweeps.add_face_sweep(workflow, on_error=on_error, next=sweeps.LIST_UPLOADS)
    sweeps.add_upload_sweep(workflow, on_error=on_error, left=OBJECTS_LEFT, next=DELETE_OBJECTS)
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
        result_path=sweeps.S3_ANSWER, retry=RETRY_S3, catch=on_error, next=ALL_DELETED))
    workflow.add(ALL_DELETED, asl.choice(
        [(asl.is_present(f"{sweeps.S3_ANSWER}.Errors[0]"), OBJECTS_LEFT)], default=KNOWN))
    workflow.add(KNOWN, asl.choice([(asl.is_present("$.user.Item"), DELETE_ITEM)],
                                   default=ANYTHING_ERASED))
    # DeleteObjects says nothing of keys that named no object, so only the sweeps' counts tell
    # whether a user without a record had anything left.
    workflow.add(ANYTHING_ERASED, asl.choice(
        [(asl.any_of(asl.numeric(sweeps.FACES_DELETED, "GreaterThan", 0),
                     asl.numeric(sweeps.UPLOADS_DELETED_COUNT, "GreaterThan", 0)), ANSWER)],
        default=NOTHING_KEPT))
    workflow.add(NOTHING_KEPT, answers.refuse("UserNotFound", "nothing is kept of the user id"))
    workflow.add(OBJECTS_LEFT, answers.refuse(
        "ServiceError", reason_format="States.Format('S3 could not delete {} pictures of the "
        "user; the record is kept, so the request can be repeated', "
        f"States.ArrayLength({sweeps.S3_ANSWER}.Errors))"))
    workflow.add(DELETE_ITEM, asl.task(
        asl.optimized("dynamodb:deleteItem"),
        parameters={"TableName": TABLE, "Key": userid_key()},
        result_path=None, retry=RETRY_DYNAMODB, catch=on_error, next=ANSWER))
    workflow.add(ANSWER, answers.answer("Erased", {
        "faces_deleted.$": sweeps.FACES_DELETED,
        "api_uploads_deleted.$": sweeps.UPLOADS_DELETED_COUNT,
        "picture_keys_cleared": len(keys)}))
    answers.add_failure_tail(workflow, images=False)
    return workflow.definition()
