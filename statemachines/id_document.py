"""ID document workflow: is there a face on the uploaded ID picture?

Started by the starter Lambda for ``id_document/<userid>.<ext>``. A picture without a face is a
rejection with a reason, not a runtime error. The item keeps where the picture is, so the
identity compare workflow can find it later.
"""

from __future__ import annotations

from . import asl
from .common import (RETRY_DYNAMODB, RETRY_REKOGNITION, TABLE, add_failure_tail, describe_error,
                     reject, s3_image, userid_key)

NAME = "id_document"
TITLE = "ID document"

DETECT = "Detect faces on ID document"
FACE_FOUND = "Is there a face on the ID document?"
NO_FACE = "No face on ID document"
RECORD_ACCEPTED = "Record ID document accepted"
DESCRIBE_ERROR = "Describe the error"
RECORD_FAILURE = "Record ID document failure"
NOTIFY_FAILURE = "Notify ID document failure"
FAILED = "ID document not accepted"


def build() -> dict:
    workflow = asl.Workflow(
        "eKYC: check that an uploaded ID document shows a face and record it for the user.")
    on_error = asl.catch_all(DESCRIBE_ERROR)

    workflow.add(DETECT, asl.task(
        asl.sdk("rekognition", "detectFaces"),
        parameters={"Image": s3_image(), "Attributes": ["DEFAULT"]},
        result_selector={"count.$": "States.ArrayLength($.FaceDetails)",
                         "faces.$": "$.FaceDetails"},
        result_path="$.detection",
        retry=RETRY_REKOGNITION,
        catch=on_error,
        next=FACE_FOUND,
    ))
    workflow.add(FACE_FOUND, asl.choice(
        [(asl.numeric("$.detection.count", "Equals", 0), NO_FACE)],
        default=RECORD_ACCEPTED,
    ))
    workflow.add(RECORD_ACCEPTED, asl.task(
        asl.optimized("dynamodb:updateItem"),
        parameters={
            "TableName": TABLE,
            "Key": userid_key(),
            "UpdateExpression": ("SET id_bucket = :bucket, id_object = :key, "
                                 "id_verify_status = :pass, id_face_count = :faces, "
                                 "last_execution = :execution, updated_at = :now "
                                 "REMOVE id_verify_reason"),
            "ExpressionAttributeValues": {
                ":bucket": asl.ddb_string("$.bucket"),
                ":key": asl.ddb_string("$.key"),
                ":pass": {"S": "pass"},
                ":faces": asl.ddb_number("$.detection.count"),
                ":execution": asl.ddb_string("$$.Execution.Id"),
                ":now": asl.ddb_string("$$.State.EnteredTime"),
            },
        },
        result_path=None,
        retry=RETRY_DYNAMODB,
        catch=on_error,
        next=None,
    ))
    workflow.add(NO_FACE, reject("no face", error="IdDocumentRejected", next=RECORD_FAILURE))
    workflow.add(DESCRIBE_ERROR, describe_error(error="IdDocumentError", next=RECORD_FAILURE))
    add_failure_tail(workflow, status_attribute="id_verify_status",
                     reason_attribute="id_verify_reason", flow=NAME,
                     record=RECORD_FAILURE, notify=NOTIFY_FAILURE, end=FAILED)
    return workflow.definition()
