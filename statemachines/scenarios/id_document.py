"""Scenarios of the ID document workflow."""

from __future__ import annotations

from .. import id_document as wf
from . import Scenario
from . import library as mock

FAILURE_TAIL = (wf.RECORD_FAILURE, wf.NOTIFY_FAILURE, wf.FAILED)

SCENARIOS = [
    Scenario(
        workflow=wf.NAME, name="IdFaceFound", description="An ID picture with a face.",
        userid="alice", upload="id_document", mocks={wf.DETECT: mock.ONE_GOOD_FACE},
        path=(wf.DETECT, wf.FACE_FOUND, wf.RECORD_ACCEPTED),
        item={"id_verify_status": "pass", "id_verify_reason": None, "id_face_count": 1,
              "id_bucket": "ekyc-test-uploads", "id_object": "id_document/alice.jpg"}),
    Scenario(
        workflow=wf.NAME, name="IdNoFace", description="An ID picture without a face.",
        userid="alice", upload="id_document", mocks={wf.DETECT: mock.NO_FACE},
        path=(wf.DETECT, wf.FACE_FOUND, wf.NO_FACE) + FAILURE_TAIL,
        status="FAILED", error="IdDocumentRejected",
        item={"id_verify_status": "fail", "id_verify_reason": "no face"},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail",
                      "reason": "no face"}),
    Scenario(
        workflow=wf.NAME, name="IdRekognitionDenied",
        description="Rekognition refuses the call: status error, one message.",
        userid="alice", upload="id_document", mocks={wf.DETECT: mock.DETECT_DENIED},
        path=(wf.DETECT, wf.DESCRIBE_ERROR) + FAILURE_TAIL,
        status="FAILED", error="IdDocumentError",
        item={"id_verify_status": "error",
              "id_verify_reason": "Rekognition.AccessDeniedException: User is not authorized "
                                  "to perform: rekognition:DetectFaces"},
        notification={"userid": "alice", "flow": wf.NAME, "status": "error"}),
]
