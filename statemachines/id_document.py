"""ID document workflow: is there a face on the uploaded ID picture?

Started by the starter Lambda for ``id_document/<userid>.<ext>``. A picture without a face is a
rejection with a reason, not a runtime error. With ``AnalyzeIdDocuments`` on, Textract reads
the document's fields (name, date of birth, number, expiry) onto the item. The item keeps
where the picture is, so the identity compare workflow can find it later.

The starter's claim made the item; every write here is conditional on it still existing, so a
run that ends after an erasure (``DELETE /user``) writes nothing, neither the fields nor a
failure, and ends without notifying.
"""

from __future__ import annotations

from contract.item import ID_DOCUMENT, ID_FACE_COUNT, PASS

from . import asl
from . import id_fields as fields
from .common import (
    ERASED_MEANWHILE,
    UNUSABLE_IMAGE_ERRORS,
    UNUSABLE_IMAGE_REASON,
    USER_ERASED,
    USER_EXISTS,
    add_failure_tail,
    describe_error,
    detect_faces,
    reject,
    s3_image,
    settings_state,
    update_user,
)

NAME = "id_document"
TITLE = "ID document"

READ_SETTINGS = "Read settings"
DETECT = "Detect faces on ID document"
FACE_FOUND = "Is there a face on the ID document?"
NO_FACE = "No face on ID document"
NOT_AN_IMAGE = "ID document not a usable image"
UNREADABLE = "ID document fields unreadable"
RECORD_ACCEPTED = "Record ID document accepted"
DESCRIBE_ERROR = "Describe the error"
RECORD_FAILURE = "Record ID document failure"
NOTIFY_FAILURE = "Notify ID document failure"
FAILED = "ID document not accepted"


def build() -> dict:
    workflow = asl.Workflow(
        "eKYC: check that an uploaded ID document shows a face and record it for the user.")
    on_error = asl.catch_all(DESCRIBE_ERROR)

    workflow.add(READ_SETTINGS, settings_state(fields.SETTING, next=DETECT))
    workflow.add(DETECT, detect_faces("DEFAULT", next=FACE_FOUND, catch=[
        asl.catch(*UNUSABLE_IMAGE_ERRORS, next=NOT_AN_IMAGE), *on_error]))
    workflow.add(FACE_FOUND, asl.choice(
        [(asl.numeric("$.detection.count", "Equals", 0), NO_FACE)],
        default=fields.WANTED,
    ))
    fields.add_id_fields(workflow, document=s3_image(), unreadable=UNREADABLE,
                         on_error=on_error, next=RECORD_ACCEPTED)
    workflow.add(RECORD_ACCEPTED, update_user(
        {
            ID_DOCUMENT.bucket: asl.ddb_string("$.bucket"),
            ID_DOCUMENT.object: asl.ddb_string("$.key"),
            ID_DOCUMENT.status: {"S": PASS},
            ID_FACE_COUNT: asl.ddb_number("$.detection.count"),
            **fields.attributes(),
        },
        remove=(ID_DOCUMENT.reason,), condition=USER_EXISTS, next=None,
        catch=[asl.catch(USER_ERASED, next=ERASED_MEANWHILE), *on_error]))
    workflow.add(NO_FACE, reject("no face", error="IdDocumentRejected", next=RECORD_FAILURE))
    workflow.add(NOT_AN_IMAGE, reject(reason_format=UNUSABLE_IMAGE_REASON,
                                      error="IdDocumentRejected", next=RECORD_FAILURE))
    workflow.add(UNREADABLE, reject("Textract could not read the document's fields",
                                    error="IdDocumentRejected", next=RECORD_FAILURE))
    workflow.add(DESCRIBE_ERROR, describe_error(error="IdDocumentError", next=RECORD_FAILURE))
    add_failure_tail(workflow, status_attribute=ID_DOCUMENT.status,
                     reason_attribute=ID_DOCUMENT.reason, flow=NAME,
                     record=RECORD_FAILURE, notify=NOTIFY_FAILURE, end=FAILED)
    return workflow.definition()
