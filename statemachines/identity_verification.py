"""Identity verification workflow: is this selfie new, the ID's owner, and good enough?

Started by the starter Lambda for ``selfie/<userid>.<ext>``. Three billed Rekognition calls on
the way to a pass, in two rounds (the workshop makes four, one after another):

1. at once (a Parallel state): search the collection for the same face under another user id
   (duplicate registration), and run the nested identity compare workflow (selfie vs. the ID
   document photo); a selfie without a face stops here;
2. index the face (``ExternalImageId`` = userid, all attributes) while a small Lambda makes a
   250x250 thumbnail, then apply the quality gate (one face, confident, no sunglasses, eyes
   open, head pose within limits) to what IndexFaces saw. A selfie the gate turns down has its
   face removed again, so only faces that passed every check stay in the collection.

The pass is recorded on condition that the user's item still exists (the starter made it; an
erasure, ``DELETE /user``, deletes it) and records no newer photo (``uploaded_at``);
otherwise the run takes its own face out of the collection again, and, when the item is gone,
the thumbnail it made, which the erasure may have deleted before it was written.

``build(express=True)`` gives the variant for Express workflows, which cannot wait on a child
with ``.sync``: it calls ``StartSyncExecution`` on an Express child and reads its status itself.
"""

from __future__ import annotations

from contract import item
from contract.keys import THUMBNAIL_PREFIX
from contract.placeholders import BUCKET_NAME, placeholder, state_machine_arn

from . import asl, identity_compare
from . import quality_gate as gate
from .common import (
    INDEXED_FACE_ID,
    RETRY_DYNAMODB,
    RETRY_LAMBDA,
    RETRY_S3,
    RETRY_START_EXECUTION,
    RETRY_START_SYNC_EXECUTION,
    TABLE,
    THUMBNAIL_FUNCTION,
    UNUSABLE_IMAGE_ERRORS,
    UNUSABLE_IMAGE_REASON,
    USER_EXISTS,
    add_failure_tail,
    delete_face,
    describe_error,
    index_face,
    reject,
    s3_image,
    settings_state,
    update_user,
    userid_key,
)
from .registered_faces import (
    HIDDEN_DUPLICATE,
    HIDDEN_DUPLICATE_REASON,
    add_registered_face_search,
    registration_may_be_hidden,
)

NAME = "identity_verification"
TITLE = "Identity verification"
COMPARE_STATE_MACHINE = placeholder(state_machine_arn(identity_compare.NAME))

READ_THRESHOLDS = "Read thresholds"
CHECKS = "Search for duplicates and compare with ID document"
SEARCH = "Search for duplicate faces"
NOTHING_TO_SEARCH = "No face to search for"
UNUSABLE = "Image not usable for a search"
COMPARE = "Compare selfie with ID document"
COMPARE_SUCCEEDED = "Did the compare workflow succeed?"
READ_VERDICT = "Read compare verdict"
COMPARE_DID_NOT_END = "Compare workflow did not succeed"
CHECKS_RAN = "Did both checks run?"
NO_FACE = gate.NO_FACE
NOT_AN_IMAGE = "Selfie not a usable image"
COMPARE_FAILED = "Compare workflow failed"
ALREADY_REGISTERED = "Is the face already registered?"
DUPLICATE = "Duplicate face"
MATCHES_ID = "Does the selfie match the ID document?"
NOT_MATCHING = "Selfie does not match ID document"
INDEX_AND_THUMBNAIL = "Index face and make thumbnail"
INDEX = "Index face"
THUMBNAIL = "Make thumbnail"
NO_THUMBNAIL = "Go on without a thumbnail"
INDEXED = "Was the face indexed?"
NOT_INDEXED = "Face not indexed"
READ_INDEXED = "Read the indexed face"
COUNT_FACES, QUALITY = gate.COUNT_FACES, gate.QUALITY
SEVERAL_FACES, LOW_CONFIDENCE = gate.SEVERAL_FACES, gate.LOW_CONFIDENCE
SUNGLASSES, EYES_CLOSED, POSE = gate.SUNGLASSES, gate.EYES_CLOSED, gate.POSE
REMOVE_REJECTED = "Remove the rejected face"
RECORD_PASSED = "Record verification passed"
UNDO_INDEX = "Remove the indexed face"
REMOVE_SUPERSEDED = "Remove the face no record keeps"
LOOK_FOR_USER = "Look for the user's record"
ERASED = "Was the user erased meanwhile?"
DELETE_THUMBNAIL = "Delete the erased user's thumbnail"
THUMBNAIL_LEFT = "Erased user's thumbnail may be left"
SUPERSEDED = "Newer photo recorded or user erased"
SUPERSEDED_FACE_LEFT = "Unrecorded face left in the collection"
DESCRIBE_ERROR = "Describe the error"
RECORD_FAILURE = "Record verification failure"
NOTIFY_FAILURE = "Notify verification failure"
FAILED = "Verification failed"

SEARCHED = "$.checks.search"
BEST_DUPLICATE = f"{SEARCHED}.matches[0]"
VERDICT = "$.checks.compare.verdict"
REJECTED = "VerificationRejected"


def _search_branch() -> dict:
    branch = asl.Workflow("Search the collection for the selfie's face")
    add_registered_face_search(
        branch, SEARCH, s3_image(), threshold="$.settings.duplicate_similarity", result_path="$",
        # Rekognition answers InvalidParameterException when the image holds no face.
        catch=[asl.catch("Rekognition.InvalidParameterException", next=NOTHING_TO_SEARCH),
               asl.catch(*UNUSABLE_IMAGE_ERRORS, next=UNUSABLE)],
        next=None)
    branch.add(NOTHING_TO_SEARCH, asl.pass_state(
        parameters={"matches": [], "no_face": True}, next=None))
    branch.add(UNUSABLE, asl.pass_state(
        parameters={"matches": [], "unusable.$": UNUSABLE_IMAGE_REASON}, next=None))
    return branch.branch()


def add_compare_call(workflow: asl.Workflow, *, express: bool, standard_input: dict,
                     express_input: str, result_path: str, next: str | None,
                     did_not_end: str, catch: tuple = ()) -> None:
    """Start the nested compare and wait for its verdict, at ``<result_path>.verdict``;
    ``did_not_end``: where a child that failed goes (it has recorded why); ``catch``: where
    any other error goes (default: the enclosing state's catch)."""
    if not express:
        workflow.add(COMPARE, asl.task(
            asl.optimized("states:startExecution.sync:2"),
            parameters={
                "StateMachineArn": COMPARE_STATE_MACHINE,
                "Input": {**standard_input,
                          "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"},
            },
            result_selector={"verdict.$": "$.Output"},
            result_path=result_path,
            timeout_seconds=300,
            retry=RETRY_START_EXECUTION,
            # A failed child fails this task with States.TaskFailed.
            catch=[asl.catch("States.TaskFailed", next=did_not_end), *catch],
            next=next,
        ))
        return
    workflow.add(COMPARE, asl.task(
        asl.sdk("sfn", "startSyncExecution"),
        parameters={
            "StateMachineArn": COMPARE_STATE_MACHINE,
            "Input.$": express_input,
        },
        result_path="$.compare_run",
        timeout_seconds=300,
        retry=RETRY_START_SYNC_EXECUTION,
        catch=list(catch) or None,
        next=COMPARE_SUCCEEDED,
    ))
    workflow.add(COMPARE_SUCCEEDED, asl.choice(
        [(asl.string_equals("$.compare_run.Status", "SUCCEEDED"), READ_VERDICT)],
        default=did_not_end,
    ))
    workflow.add(READ_VERDICT, asl.pass_state(
        parameters={"verdict.$": "States.StringToJson($.compare_run.Output)"},
        result_path=result_path, next=next))


def _compare_branch(*, express: bool) -> dict:
    """The nested compare; its output is ``{"verdict": ...}``, or ``{"failed": true}`` when
    the child failed (it has recorded why)."""
    branch = asl.Workflow("Compare the selfie with the ID document")
    add_compare_call(branch, express=express,
                     standard_input={"userid.$": "$.userid", "bucket.$": "$.bucket",
                                     "key.$": "$.key"},
                     express_input="States.JsonToString($$.Execution.Input)",
                     result_path="$", next=None, did_not_end=COMPARE_DID_NOT_END)
    branch.add(COMPARE_DID_NOT_END, asl.pass_state(parameters={"failed": True}, next=None))
    return branch.branch()


def _add_checks(workflow: asl.Workflow, on_error: list, *, express: bool) -> None:
    workflow.add(CHECKS, asl.parallel(
        [_search_branch(), _compare_branch(express=express)],
        result_selector={"search.$": "$[0]", "compare.$": "$[1]"},
        result_path="$.checks",
        catch=on_error,
        next=CHECKS_RAN,
    ))
    workflow.add(CHECKS_RAN, asl.choice(
        [
            (asl.is_present(f"{SEARCHED}.no_face"), NO_FACE),
            (asl.is_present(f"{SEARCHED}.unusable"), NOT_AN_IMAGE),
            (asl.is_present("$.checks.compare.failed"), COMPARE_FAILED),
        ],
        default=ALREADY_REGISTERED,
    ))
    workflow.add(NO_FACE, reject("no face", error=REJECTED, next=RECORD_FAILURE))
    workflow.add(NOT_AN_IMAGE, reject(reason_format=f"States.Format('{{}}', {SEARCHED}.unusable)",
                                      error=REJECTED, next=RECORD_FAILURE))
    workflow.add(COMPARE_FAILED, asl.pass_state(
        parameters={"status": item.ERROR, "error": "VerificationError",
                    "reason": f"identity compare workflow failed (see {item.COMPARE_REASON})"},
        result_path="$.failure",
        next=RECORD_FAILURE,
    ))
    # A duplicate is decided on the match's Similarity (how alike the two faces are), not on
    # SearchedFaceConfidence (how sure Rekognition is that the selfie holds a face).
    workflow.add(ALREADY_REGISTERED, asl.choice(
        [(asl.all_of(asl.is_present(BEST_DUPLICATE),
                     asl.numeric(f"{BEST_DUPLICATE}.Similarity", "GreaterThanEquals",
                                 path="$.settings.duplicate_similarity")), DUPLICATE),
         (registration_may_be_hidden(SEARCHED), HIDDEN_DUPLICATE)],
        default=MATCHES_ID,
    ))
    workflow.add(DUPLICATE, reject(
        reason_format=f"States.Format('duplicate of face {{}}', {BEST_DUPLICATE}.Face.FaceId)",
        error=REJECTED, next=RECORD_FAILURE))
    workflow.add(HIDDEN_DUPLICATE, reject(HIDDEN_DUPLICATE_REASON, error=REJECTED,
                                          next=RECORD_FAILURE))
    workflow.add(MATCHES_ID, asl.choice(
        [(asl.string_equals(f"{VERDICT}.{item.COMPARE_STATUS}", item.PASS),
          INDEX_AND_THUMBNAIL)],
        default=NOT_MATCHING,
    ))
    workflow.add(NOT_MATCHING, reject(reason_format=f"States.Format('{{}}', {VERDICT}.reason)",
                                      error=REJECTED, next=RECORD_FAILURE))


def add_indexing(workflow: asl.Workflow, on_error: list, *, passed: str = RECORD_PASSED,
                  collection: bool = False) -> None:
    """Index the face (with every attribute, for the quality gate) and make its thumbnail at
    once, then gate what IndexFaces saw; a selfie that passes goes on to ``passed``.
    ``collection``: IndexFaces is the first look at the selfie, so an image it cannot use and
    one without a face are rejections here."""
    index = asl.Workflow("Index the face")
    index.add(INDEX, index_face(s3_image(), attributes="ALL", result_path="$", next=None,
                                catch=None))
    thumbnail = asl.Workflow("Make the thumbnail")
    thumbnail.add(THUMBNAIL, asl.task(
        asl.optimized("lambda:invoke"),
        parameters={"FunctionName": THUMBNAIL_FUNCTION,
                    "Payload": {"bucket.$": "$.bucket", "key.$": "$.key",
                                "userid.$": "$.userid"}},
        result_selector={"key.$": "$.Payload.key"},
        retry=RETRY_LAMBDA,
        # A thumbnail is a convenience: without one the face is still registered.
        catch=asl.catch_all(NO_THUMBNAIL),
        next=None,
    ))
    thumbnail.add(NO_THUMBNAIL, asl.pass_state(
        parameters={"key": "",
                    "error.$": "States.Format('{}: {}', $.error.Error, $.error.Cause)"},
        next=None))
    workflow.add(INDEX_AND_THUMBNAIL, asl.parallel(
        [index.branch(), thumbnail.branch()],
        result_selector={"records.$": "$[0].records", "unindexed.$": "$[0].unindexed",
                         "thumbnail.$": "$[1]"},
        result_path="$.indexed",
        # A failing branch fails the Parallel state with its own error ("Parallel workflow
        # state", Step Functions Developer Guide).
        catch=[asl.catch(*UNUSABLE_IMAGE_ERRORS, next=NOT_AN_IMAGE), *on_error]
        if collection else on_error,
        next=INDEXED,
    ))
    # IndexFaces answers an image without a face with no record and no unindexed face.
    no_face = [(asl.is_present("$.indexed.unindexed[0]", False), NO_FACE)] if collection \
        else []
    workflow.add(INDEXED, asl.choice(
        [(asl.is_present(INDEXED_FACE_ID), READ_INDEXED), *no_face],
        default=NOT_INDEXED,
    ))
    workflow.add(NOT_INDEXED, reject("face could not be indexed", error=REJECTED,
                                     next=RECORD_FAILURE))
    # IndexFaces (MaxFaces 1) indexes the largest face and lists the others as unindexed.
    workflow.add(READ_INDEXED, asl.pass_state(
        parameters={
            "count.$": "States.MathAdd(States.ArrayLength($.indexed.records), "
                       "States.ArrayLength($.indexed.unindexed))",
            "faces.$": "$.indexed.records[*].FaceDetail",
        },
        result_path="$.detection",
        next=COUNT_FACES,
    ))
    gate.add_checks(
        workflow, passed=passed, zero_faces=False,
        reject=lambda reason=None, **kw: reject(reason, error=REJECTED, next=REMOVE_REJECTED,
                                                **kw))
    workflow.add(REMOVE_REJECTED, delete_face(
        INDEXED_FACE_ID, next=RECORD_FAILURE, catch=asl.catch_all(DESCRIBE_ERROR)))
    if collection:
        workflow.add(NO_FACE, reject("no face", error=REJECTED, next=RECORD_FAILURE))
        workflow.add(NOT_AN_IMAGE, reject(reason_format=UNUSABLE_IMAGE_REASON, error=REJECTED,
                                          next=RECORD_FAILURE))


def add_record(workflow: asl.Workflow) -> None:
    """Record the pass, or take the face out again when it cannot be recorded."""
    workflow.add(RECORD_PASSED, update_user(
        {
            item.FACE_ID: asl.ddb_string(INDEXED_FACE_ID),
            item.SELFIE.status: {"S": item.PASS},
            item.SELFIE.bucket: asl.ddb_string("$.bucket"),
            item.SELFIE.object: asl.ddb_string("$.key"),
            item.THUMBNAIL_KEY: asl.ddb_string("$.indexed.thumbnail.key"),
            item.PHOTO_UPLOADED_AT: asl.ddb_string("$.uploaded_at"),
        },
        remove=(item.SELFIE.reason, item.EXPIRES_AT),
        # A photo's own value is :<attribute> (update_user names each value after its attribute).
        # Without attribute_exists on the key, an update would create the item of a user
        # erased meanwhile ("UpdateItem edits an existing item's attributes, or adds a new item
        # to the table if it does not already exist", DynamoDB API Reference).
        condition=f"{USER_EXISTS} AND (attribute_not_exists({item.PHOTO_UPLOADED_AT}) OR "
                  f"{item.PHOTO_UPLOADED_AT} <= :{item.PHOTO_UPLOADED_AT})",
        next=None,
        catch=[asl.catch("DynamoDB.ConditionalCheckFailedException", next=REMOVE_SUPERSEDED),
               *asl.catch_all(UNDO_INDEX)]))
    # A face left in the collection without a record would make the user's next attempt a
    # "duplicate" of themselves, so take it out before reporting the error.
    workflow.add(UNDO_INDEX, delete_face(
        INDEXED_FACE_ID, next=DESCRIBE_ERROR,
        catch=asl.catch_all(DESCRIBE_ERROR, result_path="$.undo_error")))
    # An older photo (the item belongs to the newer one) or an erased user (no item): nothing is
    # written, and no face may stay that no record names.
    workflow.add(REMOVE_SUPERSEDED, delete_face(
        INDEXED_FACE_ID, next=LOOK_FOR_USER,
        catch=asl.catch_all(SUPERSEDED_FACE_LEFT, result_path="$.undo_error")))
    _add_erased_thumbnail_removal(workflow)
    workflow.add(SUPERSEDED, asl.succeed())
    workflow.add(SUPERSEDED_FACE_LEFT, asl.fail_with(
        error="VerificationError",
        cause="a newer photo is recorded or the user was erased, and this photo's face could "
              "not be removed from the collection"))


THUMBNAIL_OF_USER = f"States.Format('{THUMBNAIL_PREFIX}{{}}.jpg', $.userid)"


def _add_erased_thumbnail_removal(workflow: asl.Workflow) -> None:
    """Which of the two the failed record met: an erased user (no item) or a newer photo. An
    erasure may have run before this run's thumbnail was written, so an erased user's
    thumbnail goes too; a newer photo's run owns the thumbnail key, so it stays. DeleteObject
    of a key that names no object succeeds (DeleteObject, Amazon S3 API Reference), so the
    thumbnail is named whether or not this run made one."""
    workflow.add(LOOK_FOR_USER, asl.task(
        asl.optimized("dynamodb:getItem"),
        parameters={"TableName": TABLE, "Key": userid_key(), "ConsistentRead": True,
                    "ProjectionExpression": item.PARTITION_KEY},
        result_path="$.kept", retry=RETRY_DYNAMODB,
        catch=asl.catch_all(THUMBNAIL_LEFT, result_path="$.undo_error"), next=ERASED))
    workflow.add(ERASED, asl.choice([(asl.is_present("$.kept.Item"), SUPERSEDED)],
                                    default=DELETE_THUMBNAIL))
    workflow.add(DELETE_THUMBNAIL, asl.task(
        asl.sdk("s3", "deleteObject"),
        parameters={"Bucket": placeholder(BUCKET_NAME), "Key.$": THUMBNAIL_OF_USER},
        result_path=None, retry=RETRY_S3,
        catch=asl.catch_all(THUMBNAIL_LEFT, result_path="$.undo_error"), next=SUPERSEDED))
    workflow.add(THUMBNAIL_LEFT, asl.fail_with(
        error="VerificationError",
        cause="the user was erased meanwhile or a newer photo is recorded; this photo's face "
              "was removed, but the erased user's thumbnail may be left in the bucket"))


def build(*, express: bool = False) -> dict:
    variant = " (Express variant)" if express else ""
    workflow = asl.Workflow(
        "eKYC: refuse duplicates and compare a selfie with the user's ID document at once, "
        f"then index the face, check its quality and register it{variant}.")
    on_error = asl.catch_all(DESCRIBE_ERROR)

    workflow.add(READ_THRESHOLDS, settings_state(
        *gate.SETTINGS, "duplicate_similarity", next=CHECKS))
    _add_checks(workflow, on_error, express=express)
    add_indexing(workflow, on_error)
    add_record(workflow)
    workflow.add(DESCRIBE_ERROR, describe_error(error="VerificationError", next=RECORD_FAILURE))
    add_failure_tail(workflow, status_attribute=item.SELFIE.status,
                     reason_attribute=item.SELFIE.reason, flow=NAME,
                     record=RECORD_FAILURE, notify=NOTIFY_FAILURE, end=FAILED)
    return workflow.definition()
