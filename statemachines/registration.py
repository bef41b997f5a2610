"""Steps the API's registering workflows share (``/register``, ``/register-idcard``, ``/update``).

A face is indexed only after every check has passed, and the record is written with a
condition, so two requests racing for one user id cannot both register: the loser takes its
face out of the collection again and is refused.
"""

from __future__ import annotations

from contract import item

from . import asl
from .api_common import DESCRIBE_ERROR, SELFIE, Answers
from .common import (
    INDEXED_FACE_ID,
    delete_face,
    get_user,
    index_face,
    update_user,
)
from .registered_faces import (
    HIDDEN_DUPLICATE,
    HIDDEN_DUPLICATE_REASON,
    add_registered_face_search,
    registration_may_be_hidden,
)

GET_USER = "Get user record"
USER_KNOWN = "Is the user already registered?"
ALREADY_REGISTERED = "User already registered"
SEARCH = "Search for duplicate faces"
FACE_KNOWN = "Is the face already registered?"
DUPLICATE = "Duplicate face"
INDEX = "Index face"
INDEXED = "Was the face indexed?"
NOT_INDEXED = "Face not indexed"
WHERE_STORED = "Where is the selfie stored?"
STORED_IN_S3 = "Selfie stored in S3"
SENT_INLINE = "Selfie sent inline"
UNDO_INDEX = "Remove the indexed face"
WHY_NOT_RECORDED = "Why was the record not written?"

ITEM = "$.user.Item"
FACE_ID = INDEXED_FACE_ID
BEST_DUPLICATE = "$.duplicates.matches[0]"
CONDITION_FAILED = "DynamoDB.ConditionalCheckFailedException"


def add_registration_check(workflow: asl.Workflow, answers: Answers, *, on_error: list,
                           next: str) -> None:
    """Refuse a user id that already has a face; ``/update`` is the way to change it."""
    workflow.add(GET_USER, get_user(catch=on_error, next=USER_KNOWN))
    workflow.add(USER_KNOWN, asl.choice(
        [(asl.is_present(f"{ITEM}.{item.FACE_ID}.S"), ALREADY_REGISTERED)], default=next))
    workflow.add(ALREADY_REGISTERED, answers.refuse(
        "AlreadyRegistered", "the user id already has a registered face; use /update"))


def add_duplicate_search(workflow: asl.Workflow, answers: Answers, *, next: str) -> None:
    """Refuse a face registered under another user id; a face on an ID document is none."""
    add_registered_face_search(
        workflow, SEARCH, SELFIE, threshold="$.settings.duplicate_similarity",
        result_path="$.duplicates", catch=answers.catch_image_errors(), next=FACE_KNOWN)
    workflow.add(FACE_KNOWN, asl.choice(
        [(asl.all_of(asl.is_present(BEST_DUPLICATE),
                     asl.numeric(f"{BEST_DUPLICATE}.Similarity", "GreaterThanEquals",
                                 path="$.settings.duplicate_similarity")), DUPLICATE),
         (registration_may_be_hidden("$.duplicates"), HIDDEN_DUPLICATE)],
        default=next,
    ))
    workflow.add(DUPLICATE, answers.refuse(
        "DuplicateFace",
        reason_format=f"States.Format('duplicate of face {{}}', {BEST_DUPLICATE}.Face.FaceId)",
        similarity=f"{BEST_DUPLICATE}.Similarity"))
    workflow.add(HIDDEN_DUPLICATE, answers.refuse("DuplicateFace", HIDDEN_DUPLICATE_REASON))


def add_indexing(workflow: asl.Workflow, answers: Answers, *, next: str) -> None:
    """Index the selfie's face under the user id, then note where the selfie is kept, so that
    ``/auth`` can compare against it (an inline selfie is not kept anywhere)."""
    workflow.add(INDEX, index_face(SELFIE, catch=answers.catch_image_errors(), next=INDEXED))
    workflow.add(INDEXED, asl.choice(
        [(asl.is_present(FACE_ID), WHERE_STORED)], default=NOT_INDEXED))
    workflow.add(NOT_INDEXED, answers.refuse("FaceRejected", "face could not be indexed"))
    workflow.add(WHERE_STORED, asl.choice(
        [(asl.is_present(f"{SELFIE}.S3Object"), STORED_IN_S3)], default=SENT_INLINE))
    workflow.add(STORED_IN_S3, asl.pass_state(
        parameters={"bucket.$": f"{SELFIE}.S3Object.Bucket", "key.$": f"{SELFIE}.S3Object.Name"},
        result_path="$.stored", next=next))
    workflow.add(SENT_INLINE, asl.pass_state(
        parameters={"bucket": "", "key": ""}, result_path="$.stored", next=next))


def face_record(extra: dict[str, dict] | None = None) -> dict[str, dict]:
    """The attributes a registered face leaves on the user's item."""
    return {
        item.FACE_ID: asl.ddb_string(FACE_ID),
        item.SELFIE.status: {"S": item.PASS},
        item.SELFIE.bucket: asl.ddb_string("$.stored.bucket"),
        item.SELFIE.object: asl.ddb_string("$.stored.key"),
        **(extra or {}),
    }


def record_registration(route: str, *, extra: dict[str, dict] | None = None,
                        next: str) -> asl.State:
    return update_user(
        {**face_record(extra), item.REGISTERED_VIA: {"S": route},
         item.REGISTERED_AT: asl.ddb_string("$$.State.EnteredTime")},
        remove=(item.SELFIE.reason, item.EXPIRES_AT),
        condition=f"attribute_not_exists({item.FACE_ID})",
        next=next, catch=asl.catch_all(UNDO_INDEX))


def add_undo_index(workflow: asl.Workflow, answers: Answers, *, conflict: str) -> None:
    """After a failed record: take the new face out again (a face without a record would make
    the user's next attempt a duplicate of themselves), then refuse with ``conflict`` if the
    record's condition failed, or report the error."""
    workflow.add(UNDO_INDEX, delete_face(
        FACE_ID, next=WHY_NOT_RECORDED,
        catch=asl.catch_all(DESCRIBE_ERROR, result_path="$.undo_error")))
    workflow.add(WHY_NOT_RECORDED, asl.choice(
        [(asl.string_equals("$.error.Error", CONDITION_FAILED), conflict)],
        default=DESCRIBE_ERROR,
    ))
