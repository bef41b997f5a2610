"""Scenarios of the ID document workflow."""

from __future__ import annotations

from .. import id_document as wf
from .. import id_fields as fields
from .. import registry
from ..common import ERASED_MEANWHILE
from . import BUCKET, Scenario
from . import library as mock

FAILURE_TAIL = (wf.RECORD_FAILURE, wf.NOTIFY_FAILURE, wf.FAILED)
START = (wf.READ_SETTINGS, wf.DETECT, wf.FACE_FOUND)
ACCEPTED = {"id_verify_status": "pass", "id_verify_reason": None, "id_face_count": 1,
            "id_bucket": "ekyc-test-uploads", "id_object": "id_document/alice.jpg"}
# The starter's claim, which makes the item before the run starts.
CLAIMED = {"id_event": "id-alice-5f0c2a9e41b7d3c8", "id_verify_status": "processing",
           "id_bucket": BUCKET, "id_object": "id_document/alice.jpg"}
ERASED = dict.fromkeys({**CLAIMED, **ACCEPTED, **mock.ID_FIELDS_ITEM})  # no item at all
# The same definition deployed with AnalyzeIdDocuments=false.
WITHOUT_TEXTRACT = registry.ID_DOCUMENT_WITHOUT_TEXTRACT.name


def unreadable(name: str, description: str, analysis, path: tuple) -> Scenario:
    return Scenario(
        workflow=wf.NAME, name=name, description=description, userid="alice",
        upload="id_document", mocks={wf.DETECT: mock.ONE_GOOD_FACE, fields.ANALYZE: analysis},
        seed_item=CLAIMED,
        path=START + (fields.WANTED, fields.ANALYZE) + path + (wf.UNREADABLE,) + FAILURE_TAIL,
        status="FAILED", error="IdDocumentRejected",
        item={"id_verify_status": "fail",
              "id_verify_reason": "Textract could not read the document's fields"},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail"})


SCENARIOS = [
    Scenario(
        workflow=wf.NAME, name="IdFaceFound",
        description="An ID picture with a face: Textract reads its fields onto the item.",
        userid="alice", upload="id_document", seed_item=CLAIMED,
        mocks={wf.DETECT: mock.ONE_GOOD_FACE, fields.ANALYZE: mock.ID_READ},
        path=START + (fields.WANTED, fields.ANALYZE, fields.READ, fields.KEEP,
                      wf.RECORD_ACCEPTED),
        item={**ACCEPTED, **mock.ID_FIELDS_ITEM}),
    Scenario(
        workflow=WITHOUT_TEXTRACT, name="IdFaceFoundNoTextract",
        description="With AnalyzeIdDocuments=false the fields are left empty, Textract unused.",
        userid="alice", upload="id_document", seed_item=CLAIMED,
        mocks={wf.DETECT: mock.ONE_GOOD_FACE},
        path=START + (fields.WANTED, fields.SKIP, wf.RECORD_ACCEPTED),
        item={**ACCEPTED, **mock.NO_ID_FIELDS_ITEM}),
    unreadable("IdNotADocument", "Textract does not take the picture for an ID document.",
               mock.ID_UNSUPPORTED, ()),
    unreadable("IdFieldsMissing", "Textract answers without the fields we keep.",
               mock.ID_NO_FIELDS, (fields.READ,)),
    unreadable("IdFieldsEmpty", "Textract answers every field, but the document number and "
               "the expiry with an empty text: it could not read them.",
               mock.ID_FIELDS_EMPTY, (fields.READ,)),
    Scenario(
        workflow=wf.NAME, name="IdNoFace", description="An ID picture without a face.",
        userid="alice", upload="id_document", seed_item=CLAIMED,
        mocks={wf.DETECT: mock.NO_FACE},
        path=START + (wf.NO_FACE,) + FAILURE_TAIL,
        status="FAILED", error="IdDocumentRejected",
        item={"id_verify_status": "fail", "id_verify_reason": "no face"},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail",
                      "reason": "no face"}),
    Scenario(
        workflow=wf.NAME, name="IdTooLarge", description="An ID picture over Rekognition's "
        "limit: a rejection that says so, not a fault.",
        userid="alice", upload="id_document", seed_item=CLAIMED,
        mocks={wf.DETECT: mock.DETECT_TOO_LARGE},
        path=(wf.READ_SETTINGS, wf.DETECT, wf.NOT_AN_IMAGE) + FAILURE_TAIL,
        status="FAILED", error="IdDocumentRejected",
        item={"id_verify_status": "fail",
              "id_verify_reason": "image not usable: Rekognition.ImageTooLargeException: "
                                  "Image size is too large"},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail"}),
    Scenario(
        workflow=wf.NAME, name="IdNotificationFails",
        description="SNS refuses the failure notification: the rejection is still recorded "
        "and the execution still fails with it.",
        userid="alice", upload="id_document", seed_item=CLAIMED,
        mocks={wf.DETECT: mock.NO_FACE, wf.NOTIFY_FAILURE: mock.PUBLISH_DENIED},
        path=START + (wf.NO_FACE,) + FAILURE_TAIL, status="FAILED", error="IdDocumentRejected",
        item={"id_verify_status": "fail", "id_verify_reason": "no face"}),
    Scenario(
        workflow=wf.NAME, name="IdFailureNotRecorded",
        description="DynamoDB refuses to record the rejection: the notification still goes "
        "out and the execution still fails with it.",
        userid="alice", upload="id_document", seed_item=CLAIMED,
        mocks={wf.DETECT: mock.NO_FACE, wf.RECORD_FAILURE: mock.RECORD_REFUSED},
        path=START + (wf.NO_FACE,) + FAILURE_TAIL, status="FAILED", error="IdDocumentRejected",
        item={"id_verify_status": "processing", "id_verify_reason": None},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail",
                      "reason": "no face"}),
    Scenario(
        workflow=wf.NAME, name="IdRekognitionDenied",
        description="Rekognition refuses the call: status error, one message.",
        userid="alice", upload="id_document", seed_item=CLAIMED,
        mocks={wf.DETECT: mock.DETECT_DENIED},
        path=(wf.READ_SETTINGS, wf.DETECT, wf.DESCRIBE_ERROR) + FAILURE_TAIL,
        status="FAILED", error="IdDocumentError",
        item={"id_verify_status": "error",
              "id_verify_reason": "Rekognition.AccessDeniedException: User is not authorized "
                                  "to perform: rekognition:DetectFaces"},
        notification={"userid": "alice", "flow": wf.NAME, "status": "error"}),
    Scenario(
        workflow=wf.NAME, name="IdUserErasedMeanwhile",
        description="The user is erased (DELETE /user) while Textract reads the document: the "
        "record's condition fails for want of the item, so the fields are not written and no "
        "item is made anew.",
        userid="alice", upload="id_document", seed_item=None,
        mocks={wf.DETECT: mock.ONE_GOOD_FACE, fields.ANALYZE: mock.ID_READ},
        path=START + (fields.WANTED, fields.ANALYZE, fields.READ, fields.KEEP,
                      wf.RECORD_ACCEPTED, ERASED_MEANWHILE),
        item=ERASED),
    Scenario(
        workflow=wf.NAME, name="IdRejectedUserErased",
        description="The user is erased while a picture without a face is checked: the "
        "rejection is neither recorded (no item is made anew) nor notified, and the run ends "
        "cleanly.",
        userid="alice", upload="id_document", seed_item=None, mocks={wf.DETECT: mock.NO_FACE},
        path=START + (wf.NO_FACE, wf.RECORD_FAILURE, ERASED_MEANWHILE), item=ERASED),
]
