"""The two sweeps of ``DELETE /user`` (``forget``): the user's faces in the collection, and the
user's API uploads in the bucket. Each reads a page, deletes what of it is the user's with one
request, and goes on while the service says there is another page.

Pages are sized for Step Functions, not for the services: a task's result, like every state's
input and output, holds at most 256 KiB ("Step Functions service quotas"), and a page is a
task's result. ``FACES_PER_PAGE`` and ``KEYS_PER_PAGE`` keep the largest page the services can
answer within that, beside what the state already holds (tests/test_forget_pages.py measures
the largest entries: every field at the longest the API reference allows).
"""

from __future__ import annotations

from contract.item import ID_FACE_NAME_PREFIX
from contract.keys import API_PREFIX
from contract.placeholders import BUCKET_NAME, placeholder

from . import asl
from .common import COLLECTION, RETRY_REKOGNITION, RETRY_S3

# ListFaces takes MaxResults up to 4096, DeleteFaces 1 to 4096 face ids (Amazon Rekognition
# API Reference), but 4096 faces described in full are about 2.7 MiB.
FACES_PER_PAGE = 300
# ListObjectsV2 answers up to 1,000 keys (MaxKeys, Amazon S3 API Reference) and DeleteObjects
# takes up to 1,000; a key may have 1,024 bytes.
KEYS_PER_PAGE = 150

BUCKET = placeholder(BUCKET_NAME)

NAME_FACES = "Name the user's faces"
LIST_FACES = "List the collection's faces"
LIST_MORE_FACES = "List the next page of faces"
PICK_FACES = "Pick the user's faces on the page"
WHOSE_FACE = "Whose face is it?"
USERS_FACE = "One of the user's faces"
NAMELESS_FACE = "A face named for nobody"
OTHER_FACE = "Another user's face"
ANY_FACES = "Any of the user's faces on the page?"
DELETE_FACES = "Delete the user's faces on the page"
COUNT_FACES = "Count the deleted faces"
MORE_FACES = "Is there another page of faces?"

LIST_UPLOADS = "List the user's API uploads"
LIST_MORE_UPLOADS = "List more of the user's API uploads"
ANY_UPLOADS = "Any API uploads on the page?"
NAME_UPLOADS = "Name the uploads to delete"
NAME_UPLOAD = "Name the upload"
DELETE_UPLOADS = "Delete the user's API uploads"
UPLOADS_DELETED = "Did S3 delete every upload?"
COUNT_UPLOADS = "Count the deleted uploads"
MORE_UPLOADS = "Are there more API uploads?"

# What the sweeps keep: the names of the user's faces, and how many faces and uploads went.
SWEEP = "$.sweep"
NAMES = f"{SWEEP}.names"
FACES_DELETED = f"{SWEEP}.faces"
UPLOADS_DELETED_COUNT = f"{SWEEP}.uploads"
# Where both S3 deletions put their answer, which the workflow's "Pictures left" reads.
S3_ANSWER = "$.objects"


def tally(*, faces: str | None = None, uploads: str | None = None) -> asl.State:
    """The sweep's state with one count replaced by the intrinsic given."""
    return {"names.$": NAMES, "faces.$": faces or FACES_DELETED,
            "uploads.$": uploads or UPLOADS_DELETED_COUNT}


def face_picker() -> dict:
    """One iteration per face of the page: ``[FaceId]`` for the user's face, else ``[]``. A
    face indexed without an ExternalImageId has none in ListFaces' answer (the field is
    optional), and a Choice rule on a missing field fails, so that case goes first."""
    picker = asl.Workflow("Is this face the user's?")
    name = "$.face.ExternalImageId"
    picker.add(WHOSE_FACE, asl.choice([
        (asl.is_present(name, False), NAMELESS_FACE),
        (asl.any_of(asl.string_equals_path(name, "$.names.user"),
                    asl.string_equals_path(name, "$.names.id_document")), USERS_FACE),
    ], default=OTHER_FACE))
    picker.add(USERS_FACE, asl.pass_state(parameters={"ids.$": "States.Array($.face.FaceId)"},
                                          output_path="$.ids", next=None))
    picker.add(NAMELESS_FACE, asl.pass_state(result=[], next=None))
    picker.add(OTHER_FACE, asl.pass_state(result=[], next=None))
    return picker.branch()


def add_face_sweep(workflow: asl.Workflow, *, on_error: list, next: str) -> None:
    """Delete every face of the collection named after the user (the user id, or the ID
    document's name for it), then go on to ``next``; ``$.sweep.faces`` counts them."""
    workflow.add(NAME_FACES, asl.pass_state(parameters={
        "names": {"user.$": "$.userid",
                  "id_document.$": f"States.Format('{ID_FACE_NAME_PREFIX}{{}}', $.userid)"},
        "faces": 0, "uploads": 0}, result_path=SWEEP, next=LIST_FACES))
    first_page = {"CollectionId": COLLECTION, "MaxResults": FACES_PER_PAGE}
    for state, parameters in ((LIST_FACES, first_page),
                              (LIST_MORE_FACES, {**first_page,
                                                 "NextToken.$": "$.page.NextToken"})):
        workflow.add(state, asl.task(
            asl.sdk("rekognition", "listFaces"), parameters=parameters, result_path="$.page",
            retry=RETRY_REKOGNITION, catch=on_error, next=PICK_FACES))
    # A Map's result lists its iterations' outputs; a ResultSelector of "$[*][*]" flattens
    # that array of arrays ("Manipulate parameters in Step Functions workflows", ResultSelector:
    # "Flattening an array of arrays", for the result of a Parallel or Map state).
    workflow.add(PICK_FACES, asl.inline_map(
        face_picker(), items_path="$.page.Faces",
        item_selector={"face.$": "$$.Map.Item.Value", "names.$": NAMES},
        result_selector={"ids.$": "$[*][*]"}, result_path="$.picked", next=ANY_FACES))
    workflow.add(ANY_FACES, asl.choice([(asl.is_present("$.picked.ids[0]"), DELETE_FACES)],
                                       default=MORE_FACES))
    # A face already gone is not an error: DeleteFaces lists only the faces it deleted.
    workflow.add(DELETE_FACES, asl.task(
        asl.sdk("rekognition", "deleteFaces"),
        parameters={"CollectionId": COLLECTION, "FaceIds.$": "$.picked.ids"},
        result_selector={"count.$": "States.ArrayLength($.DeletedFaces)"},
        result_path="$.deleted", retry=RETRY_REKOGNITION, catch=on_error, next=COUNT_FACES))
    workflow.add(COUNT_FACES, asl.pass_state(
        parameters=tally(faces=f"States.MathAdd({FACES_DELETED}, $.deleted.count)"),
        result_path=SWEEP, next=MORE_FACES))
    workflow.add(MORE_FACES, asl.choice([(asl.is_present("$.page.NextToken"), LIST_MORE_FACES)],
                                        default=next))


def add_upload_sweep(workflow: asl.Workflow, *, on_error: list, left: str, next: str) -> None:
    """Delete every object in the user's API folder, ``api/<userid>/``, then go on to
    ``next``; a page S3 could not delete all of goes to ``left`` with the answer in
    ``$.objects``; ``$.sweep.uploads`` counts the uploads deleted."""
    first_page = {"Bucket": BUCKET, "Prefix.$": f"States.Format('{API_PREFIX}{{}}/', $.userid)",
                  "MaxKeys": KEYS_PER_PAGE}
    for state, parameters in ((LIST_UPLOADS, first_page),
                              (LIST_MORE_UPLOADS, {
                                  **first_page,
                                  "ContinuationToken.$": "$.uploads.NextContinuationToken"})):
        workflow.add(state, asl.task(
            asl.sdk("s3", "listObjectsV2"), parameters=parameters, result_path="$.uploads",
            retry=RETRY_S3, catch=on_error, next=ANY_UPLOADS))
    # ListObjectsV2 leaves Contents out when no key matches.
    workflow.add(ANY_UPLOADS, asl.choice([(asl.is_present("$.uploads.Contents[0]"),
                                           NAME_UPLOADS)], default=MORE_UPLOADS))
    # DeleteObjects names each object by Key alone; the listing's other fields (size, storage
    # class, ...) are no part of an ObjectIdentifier. The keys take the listing's place, so
    # the page is held once.
    namer = asl.Workflow("Name one upload by its key.")
    namer.add(NAME_UPLOAD, asl.pass_state(next=None))
    workflow.add(NAME_UPLOADS, asl.inline_map(
        namer.branch(), items_path="$.uploads.Contents",
        item_selector={"Key.$": "$$.Map.Item.Value.Key"}, result_path="$.uploads.Contents",
        next=DELETE_UPLOADS))
    # Quiet: the answer lists the failures only, under Errors, absent when there are none.
    workflow.add(DELETE_UPLOADS, asl.task(
        asl.sdk("s3", "deleteObjects"),
        parameters={"Bucket": BUCKET, "Delete": {"Objects.$": "$.uploads.Contents",
                                                 "Quiet": True}},
        result_path=S3_ANSWER, retry=RETRY_S3, catch=on_error, next=UPLOADS_DELETED))
    workflow.add(UPLOADS_DELETED, asl.choice(
        [(asl.is_present(f"{S3_ANSWER}.Errors[0]"), left)], default=COUNT_UPLOADS))
    workflow.add(COUNT_UPLOADS, asl.pass_state(
        parameters=tally(uploads=f"States.MathAdd({UPLOADS_DELETED_COUNT}, "
                                 "States.ArrayLength($.uploads.Contents))"),
        result_path=SWEEP, next=MORE_UPLOADS))
    workflow.add(MORE_UPLOADS, asl.choice(
        [(asl.is_present("$.uploads.NextContinuationToken"), LIST_MORE_UPLOADS)], default=next))
