"""Identity verification workflow: is this selfie good enough, new, and the ID's owner?

Started by the starter Lambda for ``selfie/<userid>.<ext>``. Checks run cheapest first, and
the face is indexed only after every check has passed:

1. detect faces with all attributes, then a quality gate (one face, confident, no sunglasses,
   eyes open, head pose within limits);
2. search the collection for the same face under another user (duplicate registration);
3. run the nested identity compare workflow and wait for its verdict;
4. index the face (``ExternalImageId`` = userid) while a small Lambda makes a 250x250
   thumbnail (a Parallel state), then record both on condition that no newer photo
   (``uploaded_at``) is recorded already.

``build(express=True)`` gives the variant for Express workflows, which cannot wait on a child
with ``.sync``: it calls ``StartSyncExecution`` on an Express child and reads its status itself.
"""

from __future__ import annotations

from . import asl
from . import quality_gate as gate
from .common import (
    COMPARE_STATE_MACHINE,
    INDEXED_FACE_ID,
    RETRY_LAMBDA,
    RETRY_STEP_FUNCTIONS,
    THUMBNAIL_FUNCTION,
    add_failure_tail,
    delete_face,
    describe_error,
    index_face,
    reject,
    s3_image,
    search_faces,
    settings_state,
    update_user,
)

NAME = "identity_verification"
TITLE = "Identity verification"

READ_THRESHOLDS = "Read thresholds"
DETECT, COUNT_FACES, QUALITY = gate.DETECT, gate.COUNT_FACES, gate.QUALITY
NO_FACE, SEVERAL_FACES, LOW_CONFIDENCE = gate.NO_FACE, gate.SEVERAL_FACES, gate.LOW_CONFIDENCE
SUNGLASSES, EYES_CLOSED, POSE = gate.SUNGLASSES, gate.EYES_CLOSED, gate.POSE
SEARCH = "Search for duplicate faces"
ALREADY_REGISTERED = "Is the face already registered?"
DUPLICATE = "Duplicate face"
COMPARE = "Compare selfie with ID document"
COMPARE_SUCCEEDED = "Did the compare workflow succeed?"
READ_VERDICT = "Read compare verdict"
COMPARE_FAILED = "Compare workflow failed"
MATCHES_ID = "Does the selfie match the ID document?"
NOT_MATCHING = "Selfie does not match ID document"
INDEX_AND_THUMBNAIL = "Index face and make thumbnail"
INDEX = "Index face"
THUMBNAIL = "Make thumbnail"
NO_THUMBNAIL = "Go on without a thumbnail"
INDEXED = "Was the face indexed?"
NOT_INDEXED = "Face not indexed"
RECORD_PASSED = "Record verification passed"
UNDO_INDEX = "Remove the indexed face"
REMOVE_SUPERSEDED = "Remove the face of the older photo"
SUPERSEDED = "A newer photo is already recorded"
SUPERSEDED_FACE_LEFT = "Older photo's face left in the collection"
DESCRIBE_ERROR = "Describe the error"
RECORD_FAILURE = "Record verification failure"
NOTIFY_FAILURE = "Notify verification failure"
FAILED = "Verification failed"

BEST_DUPLICATE = "$.duplicates.matches[0]"
REJECTED = "VerificationRejected"


def _add_duplicate_search(workflow: asl.Workflow, on_error: list) -> None:
    workflow.add(SEARCH, search_faces(
        s3_image(), threshold="$.settings.duplicate_similarity", result_path="$.duplicates",
        catch=on_error, next=ALREADY_REGISTERED))
    # A duplicate is decided on the match's Similarity (how alike the two faces are), not on
    # SearchedFaceConfidence (how sure Rekognition is that the selfie holds a face).
    workflow.add(ALREADY_REGISTERED, asl.choice(
        [(asl.all_of(asl.is_present(BEST_DUPLICATE),
                     asl.numeric(f"{BEST_DUPLICATE}.Similarity", "GreaterThanEquals",
                                 path="$.settings.duplicate_similarity")), DUPLICATE)],
        default=COMPARE,
    ))
    workflow.add(DUPLICATE, reject(
        reason_format=f"States.Format('duplicate of face {{}}', {BEST_DUPLICATE}.Face.FaceId)",
        error=REJECTED, next=RECORD_FAILURE))


def _add_nested_compare(workflow: asl.Workflow, on_error: list, *, express: bool) -> None:
    if not express:
        workflow.add(COMPARE, asl.task(
            asl.optimized("states:startExecution.sync:2"),
            parameters={
                "StateMachineArn": COMPARE_STATE_MACHINE,
                "Input": {
                    "userid.$": "$.userid",
                    "bucket.$": "$.bucket",
                    "key.$": "$.key",
                    "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id",
                },
            },
            result_selector={"verdict.$": "$.Output"},
            result_path="$.compare",
            timeout_seconds=300,
            retry=RETRY_STEP_FUNCTIONS,
            # A failed child fails this task with States.TaskFailed; it has recorded why.
            catch=[asl.catch("States.TaskFailed", next=COMPARE_FAILED), *on_error],
            next=MATCHES_ID,
        ))
    else:
        workflow.add(COMPARE, asl.task(
            asl.sdk("sfn", "startSyncExecution"),
            parameters={
                "StateMachineArn": COMPARE_STATE_MACHINE,
                "Input.$": "States.JsonToString($$.Execution.Input)",
            },
            result_path="$.compare_run",
            timeout_seconds=300,
            retry=RETRY_STEP_FUNCTIONS,
            catch=on_error,
            next=COMPARE_SUCCEEDED,
        ))
        workflow.add(COMPARE_SUCCEEDED, asl.choice(
            [(asl.string_equals("$.compare_run.Status", "SUCCEEDED"), READ_VERDICT)],
            default=COMPARE_FAILED,
        ))
        workflow.add(READ_VERDICT, asl.pass_state(
            parameters={"verdict.$": "States.StringToJson($.compare_run.Output)"},
            result_path="$.compare",
            next=MATCHES_ID,
        ))
    workflow.add(COMPARE_FAILED, asl.pass_state(
        parameters={"status": "error", "error": "VerificationError",
                    "reason": "identity compare workflow failed (see compare_reason)"},
        result_path="$.failure",
        next=RECORD_FAILURE,
    ))
    workflow.add(MATCHES_ID, asl.choice(
        [(asl.string_equals("$.compare.verdict.compare_status", "pass"),
          INDEX_AND_THUMBNAIL)],
        default=NOT_MATCHING,
    ))
    workflow.add(NOT_MATCHING, reject(reason_format="States.Format('{}', $.compare.verdict.reason)",
                                      error=REJECTED, next=RECORD_FAILURE))


def _add_indexing(workflow: asl.Workflow, on_error: list) -> None:
    """Index the face and make its thumbnail at once, then record both, unless a newer photo
    of the user is recorded already (a replayed event must not overwrite it)."""
    index = asl.Workflow("Index the face")
    index.add(INDEX, index_face(s3_image(), result_path="$", next=None, catch=None))
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
        result_selector={"records.$": "$[0].records", "thumbnail.$": "$[1]"},
        result_path="$.indexed",
        catch=on_error,
        next=INDEXED,
    ))
    workflow.add(INDEXED, asl.choice(
        [(asl.is_present(INDEXED_FACE_ID), RECORD_PASSED)],
        default=NOT_INDEXED,
    ))
    workflow.add(NOT_INDEXED, reject("face could not be indexed", error=REJECTED,
                                     next=RECORD_FAILURE))
    workflow.add(RECORD_PASSED, update_user(
        {
            "rek_faceid": asl.ddb_string(INDEXED_FACE_ID),
            "identity_verify_status": {"S": "pass"},
            "selfie_bucket": asl.ddb_string("$.bucket"),
            "selfie_object": asl.ddb_string("$.key"),
            "thumbnail_key": asl.ddb_string("$.indexed.thumbnail.key"),
            "photo_uploaded_at": asl.ddb_string("$.uploaded_at"),
        },
        remove=("identity_verify_reason",),
        condition="attribute_not_exists(photo_uploaded_at) OR "
                  "photo_uploaded_at <= :photo_uploaded_at",
        next=None,
        catch=[asl.catch("DynamoDB.ConditionalCheckFailedException", next=REMOVE_SUPERSEDED),
               *asl.catch_all(UNDO_INDEX)]))
    # A face left in the collection without a record would make the user's next attempt a
    # "duplicate" of themselves, so take it out before reporting the error.
    workflow.add(UNDO_INDEX, delete_face(
        INDEXED_FACE_ID, next=DESCRIBE_ERROR,
        catch=asl.catch_all(DESCRIBE_ERROR, result_path="$.undo_error")))
    # An older photo: the item belongs to the newer one, so nothing is written to it.
    workflow.add(REMOVE_SUPERSEDED, delete_face(
        INDEXED_FACE_ID, next=SUPERSEDED,
        catch=asl.catch_all(SUPERSEDED_FACE_LEFT, result_path="$.undo_error")))
    workflow.add(SUPERSEDED, asl.succeed())
    workflow.add(SUPERSEDED_FACE_LEFT, asl.fail_with(
        error="VerificationError",
        cause="a newer photo is recorded, and this older photo's face could not be removed "
              "from the collection"))


def build(*, express: bool = False) -> dict:
    variant = " (Express variant)" if express else ""
    workflow = asl.Workflow(
        "eKYC: check a selfie's quality, refuse duplicates, compare it with the user's ID "
        f"document and register the face{variant}.")
    on_error = asl.catch_all(DESCRIBE_ERROR)

    workflow.add(READ_THRESHOLDS, settings_state(
        *gate.SETTINGS, "duplicate_similarity", next=DETECT))
    gate.add_quality_gate(
        workflow, image=s3_image(), passed=SEARCH, on_error=on_error,
        reject=lambda reason=None, **kw: reject(reason, error=REJECTED, next=RECORD_FAILURE,
                                                **kw))
    _add_duplicate_search(workflow, on_error)
    _add_nested_compare(workflow, on_error, express=express)
    _add_indexing(workflow, on_error)
    workflow.add(DESCRIBE_ERROR, describe_error(error="VerificationError", next=RECORD_FAILURE))
    add_failure_tail(workflow, status_attribute="identity_verify_status",
                     reason_attribute="identity_verify_reason", flow=NAME,
                     record=RECORD_FAILURE, notify=NOTIFY_FAILURE, end=FAILED)
    return workflow.definition()
