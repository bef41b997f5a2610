"""ID document workflow: is there a face on the uploaded ID picture?

Started by the starter Lambda for ``id_document/<userid>.<ext>``. A picture without a face is a
rejection with a reason, not a runtime error. With ``AnalyzeIdDocuments`` on, Textract reads
the document's fields (name, date of birth, number, expiry) onto the item. The item keeps
where the picture is, so the identity compare workflow can find it later.

The starter's claim made the item; every write here is conditional on it still existing, so a
run that ends after an erasure (``DELETE /user``) writes nothing, neither the fields nor a
failure, and ends without notifying.

``build(collection=True)``, deployed with ``CompareMode=COLLECTION``: IndexFaces instead of
DetectFaces, the same one call, which indexes the ID's face (the largest: a ghost image is
left out) under ``_id:<userid>`` for the selfie's search to find, and answers "is there a
face" all the same. Its FaceId is recorded on the item; the face of an ID it replaces is
removed, and so is its own when the ID is turned down afterwards or the user was erased.
"""

from __future__ import annotations

from contract.item import ID_DOCUMENT, ID_FACE_COUNT, ID_FACE_ID, PASS

from . import asl
from . import id_fields as fields
from .common import (
    ERASED_MEANWHILE,
    ID_FACE_NAME,
    UNUSABLE_IMAGE_ERRORS,
    UNUSABLE_IMAGE_REASON,
    USER_ERASED,
    USER_EXISTS,
    add_failure_tail,
    delete_face,
    describe_error,
    detect_faces,
    index_face,
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

# CompareMode COLLECTION
INDEX = "Index the face on the ID document"
READ_INDEXED = "Read the indexed ID face"
REPLACED = "Did the ID replace another ID face?"
REMOVE_REPLACED = "Remove the replaced ID face"
REPLACED_FACE_LEFT = "Replaced ID face left in the collection"
REMOVE_TURNED_DOWN = "Remove the turned-down ID face"
UNDO_INDEX = "Remove the ID face before reporting the error"
REMOVE_ERASED = "Remove the erased user's ID face"
ERASED_FACE_LEFT = "Erased user's ID face left in the collection"
INDEXED_ID_FACE = "$.indexed.records[0].Face.FaceId"
OLD_ID_FACE = f"$.recorded.Attributes.{ID_FACE_ID}.S"


def _record_accepted(*, collection: bool, on_error: list) -> asl.State:
    assignments = {
        ID_DOCUMENT.bucket: asl.ddb_string("$.bucket"),
        ID_DOCUMENT.object: asl.ddb_string("$.key"),
        ID_DOCUMENT.status: {"S": PASS},
        ID_FACE_COUNT: asl.ddb_number("$.detection.count"),
        **fields.attributes(),
    }
    if not collection:
        return update_user(
            assignments, remove=(ID_DOCUMENT.reason,), condition=USER_EXISTS, next=None,
            catch=[asl.catch(USER_ERASED, next=ERASED_MEANWHILE), *on_error])
    # The face id this record replaces comes back with UPDATED_OLD: that face goes.
    return update_user(
        {**assignments, ID_FACE_ID: asl.ddb_string(INDEXED_ID_FACE)},
        remove=(ID_DOCUMENT.reason,), condition=USER_EXISTS, next=REPLACED,
        old_values_path="$.recorded",
        catch=[asl.catch(USER_ERASED, next=REMOVE_ERASED), *on_error])


def _add_detection(workflow: asl.Workflow, on_error: list) -> None:
    workflow.add(DETECT, detect_faces("DEFAULT", next=FACE_FOUND, catch=[
        asl.catch(*UNUSABLE_IMAGE_ERRORS, next=NOT_AN_IMAGE), *on_error]))
    workflow.add(FACE_FOUND, asl.choice(
        [(asl.numeric("$.detection.count", "Equals", 0), NO_FACE)],
        default=fields.WANTED,
    ))


def _add_indexing(workflow: asl.Workflow, on_error: list) -> None:
    """IndexFaces, MaxFaces 1: "the faces with the smallest bounding boxes are filtered out"
    beyond MaxFaces and listed in UnindexedFaces (IndexFaces, Amazon Rekognition API
    Reference), so an ID's ghost image is counted, not indexed. QualityFilter NONE: a printed
    photo is small and flat, and the AUTO filter could leave out the one face it has ("If you
    specify NONE, no filtering is performed", ibid.); the selfie is the one held to quality."""
    workflow.add(INDEX, index_face(
        s3_image(), external_image_id=ID_FACE_NAME, next=READ_INDEXED,
        catch=[asl.catch(*UNUSABLE_IMAGE_ERRORS, next=NOT_AN_IMAGE), *on_error]))
    workflow.add(READ_INDEXED, asl.pass_state(
        parameters={"count.$": "States.MathAdd(States.ArrayLength($.indexed.records), "
                               "States.ArrayLength($.indexed.unindexed))"},
        result_path="$.detection", next=FACE_FOUND))
    workflow.add(FACE_FOUND, asl.choice(
        [(asl.is_present(INDEXED_ID_FACE, False), NO_FACE)], default=fields.WANTED))
    workflow.add(REPLACED, asl.choice(
        [(asl.all_of(asl.is_present(OLD_ID_FACE),
                     asl.not_(asl.string_equals_path(OLD_ID_FACE, INDEXED_ID_FACE))),
          REMOVE_REPLACED)],
        default=ACCEPTED))
    workflow.add(ACCEPTED, asl.succeed())
    _add_face_removal(workflow, REMOVE_REPLACED, OLD_ID_FACE, next=ACCEPTED,
                      left=REPLACED_FACE_LEFT, cause="the ID document is accepted, but the face "
                      "of the ID it replaced could not be removed from the collection")
    workflow.add(REMOVE_TURNED_DOWN, delete_face(
        INDEXED_ID_FACE, next=RECORD_FAILURE, catch=asl.catch_all(DESCRIBE_ERROR)))
    workflow.add(UNDO_INDEX, delete_face(
        INDEXED_ID_FACE, next=DESCRIBE_ERROR,
        catch=asl.catch_all(DESCRIBE_ERROR, result_path="$.undo_error")))
    _add_face_removal(workflow, REMOVE_ERASED, INDEXED_ID_FACE, next=ERASED_MEANWHILE,
                      left=ERASED_FACE_LEFT, cause="the user was erased meanwhile, and the face "
                      "this run indexed could not be removed from the collection")


ACCEPTED = "ID document accepted"


def build(*, collection: bool = False) -> dict:
    mode = " (CompareMode COLLECTION: its face indexed)" if collection else ""
    workflow = asl.Workflow(
        "eKYC: check that an uploaded ID document shows a face and record it for the "
        f"user{mode}.")
    on_error = asl.catch_all(DESCRIBE_ERROR)
    # Once the ID's face is indexed, a fault takes it out again before it is reported.
    after_index = asl.catch_all(UNDO_INDEX) if collection else on_error
    turned_down = REMOVE_TURNED_DOWN if collection else RECORD_FAILURE

    workflow.add(READ_SETTINGS, settings_state(fields.SETTING,
                                               next=INDEX if collection else DETECT))
    (_add_indexing if collection else _add_detection)(workflow, on_error)
    fields.add_id_fields(workflow, document=s3_image(), unreadable=UNREADABLE,
                         on_error=after_index, next=RECORD_ACCEPTED)
    workflow.add(RECORD_ACCEPTED, _record_accepted(collection=collection, on_error=after_index))
    workflow.add(NO_FACE, reject("no face", error="IdDocumentRejected", next=RECORD_FAILURE))
    workflow.add(NOT_AN_IMAGE, reject(reason_format=UNUSABLE_IMAGE_REASON,
                                      error="IdDocumentRejected", next=RECORD_FAILURE))
    workflow.add(UNREADABLE, reject("Textract could not read the document's fields",
                                    error="IdDocumentRejected", next=turned_down))
    workflow.add(DESCRIBE_ERROR, describe_error(error="IdDocumentError", next=RECORD_FAILURE))
    add_failure_tail(workflow, status_attribute=ID_DOCUMENT.status,
                     reason_attribute=ID_DOCUMENT.reason, flow=NAME,
                     record=RECORD_FAILURE, notify=NOTIFY_FAILURE, end=FAILED)
    return workflow.definition()


def _add_face_removal(workflow: asl.Workflow, state: str, face: str, *, next: str, left: str,
                      cause: str) -> None:
    """Remove ``face`` from the collection, then go on to ``next``; if Rekognition refuses,
    the run fails at ``left`` saying what is left (``cause``)."""
    workflow.add(state, delete_face(
        face, next=next, catch=asl.catch_all(left, result_path="$.undo_error")))
    workflow.add(left, asl.fail_with(error="IdDocumentError", cause=cause))
