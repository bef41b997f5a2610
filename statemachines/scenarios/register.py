"""Scenarios of ``POST /register``."""

from __future__ import annotations

from .. import api_common as api
from .. import quality_gate as gate
from .. import register as wf
from .. import registration as reg
from . import library as mock
from .api import FAILURE_TAIL, INLINE_SELFIE, api_scenario, in_another_folder, s3_image

USER = "carol"
REQUEST = {"userid": USER, "selfie": INLINE_SELFIE}
START = (wf.READ_THRESHOLDS, reg.GET_USER, reg.USER_KNOWN, gate.DETECT, gate.COUNT_FACES)
NEW_FACE = (reg.FACE_KNOWN, reg.INDEX, reg.INDEXED, reg.WHERE_STORED)
GATE_PASSED = START + (gate.QUALITY, *mock.searched(reg.SEARCH, mock.NO_DUPLICATE), *NEW_FACE)
PASSED_MOCKS = {gate.DETECT: mock.ONE_GOOD_FACE, reg.SEARCH: mock.NO_DUPLICATE,
                reg.INDEX: mock.INDEXED}
NOT_REGISTERED = {"rek_faceid": None}


def refused(name: str, description: str, error: str, reason: str, *, mocks: dict, path: tuple,
            request: dict = REQUEST, **extra):
    return api_scenario(
        wf.NAME, name, description, request=request, mocks=mocks, path=path + FAILURE_TAIL,
        error=error, answer={"status": error, "reason": reason, "userid": USER},
        **{"item": NOT_REGISTERED, **extra})


def gate_refusal(name: str, detected, states: tuple, reason: str):
    return refused(name, f"The quality gate turns the selfie down: {reason}.", "FaceRejected",
                   reason, mocks={gate.DETECT: detected}, path=START + states)


SCENARIOS = [
    api_scenario(
        wf.NAME, "RegisteredInline", "A good selfie sent inline: indexed and recorded; no "
        "stored selfie, so /auth will use the collection.",
        request=REQUEST, mocks=PASSED_MOCKS,
        path=GATE_PASSED + (reg.SENT_INLINE, wf.RECORD, wf.ANSWER),
        answer={"status": "Registered", "userid": USER, "face_id": mock.INDEXED_FACE_ID},
        item={"rek_faceid": mock.INDEXED_FACE_ID, "identity_verify_status": "pass",
              "registered_via": wf.ROUTE, "selfie_object": ""}),
    api_scenario(
        wf.NAME, "RegisteredFromS3", "A good selfie given as an S3 object: its place is "
        "recorded for /auth to compare with.",
        request={"userid": USER, "selfie": s3_image("api/carol/selfie.jpg")}, mocks=PASSED_MOCKS,
        path=GATE_PASSED + (reg.STORED_IN_S3, wf.RECORD, wf.ANSWER),
        answer={"status": "Registered", "userid": USER, "face_id": mock.INDEXED_FACE_ID},
        item={"rek_faceid": mock.INDEXED_FACE_ID, "selfie_bucket": "ekyc-test-uploads",
              "selfie_object": "api/carol/selfie.jpg"}),
    refused("AlreadyRegistered", "The user id already has a face: refused before any "
            "Rekognition call.", "AlreadyRegistered",
            "the user id already has a registered face; use /update", mocks={},
            path=(wf.READ_THRESHOLDS, reg.GET_USER, reg.USER_KNOWN, reg.ALREADY_REGISTERED),
            seed_item={"rek_faceid": "5e0c1b7a-0000-4000-8000-000000000001"},
            item={"rek_faceid": "5e0c1b7a-0000-4000-8000-000000000001"}),
    gate_refusal("NoFace", mock.NO_FACE, (gate.NO_FACE,), "no face"),
    gate_refusal("TwoFaces", mock.TWO_FACES, (gate.SEVERAL_FACES,), "2 faces"),
    gate_refusal("LowConfidence", mock.LOW_CONFIDENCE, (gate.QUALITY, gate.LOW_CONFIDENCE),
                 "face confidence 97.5 < 99"),
    gate_refusal("Sunglasses", mock.SUNGLASSES, (gate.QUALITY, gate.SUNGLASSES), "sunglasses"),
    gate_refusal("EyesClosed", mock.EYES_CLOSED, (gate.QUALITY, gate.EYES_CLOSED),
                 "eyes closed"),
    gate_refusal("HeadTurned", mock.HEAD_TURNED, (gate.QUALITY, gate.POSE),
                 "head pose yaw 52.5 pitch 5.1 beyond 45 degrees"),
    api_scenario(
        wf.NAME, "RegisteredPastAnIdFace", "The only match is the face on someone's ID "
        "document: no registration, so no duplicate, as if nothing had matched.",
        request=REQUEST, mocks={**PASSED_MOCKS, reg.SEARCH: mock.ONLY_AN_ID_FACE},
        path=START + (gate.QUALITY, *mock.searched(reg.SEARCH, mock.ONLY_AN_ID_FACE),
                      *NEW_FACE, reg.SENT_INLINE, wf.RECORD, wf.ANSWER),
        answer={"status": "Registered", "userid": USER, "face_id": mock.INDEXED_FACE_ID},
        item={"rek_faceid": mock.INDEXED_FACE_ID, "identity_verify_status": "pass"}),
    refused("DuplicateFace", "The face is registered under another user id.", "DuplicateFace",
            "duplicate of face 0b7c9a52-6d1e-4f7b-9e0a-3c2d1b4a5f60",
            mocks={gate.DETECT: mock.ONE_GOOD_FACE, reg.SEARCH: mock.DUPLICATE},
            path=START + (gate.QUALITY, *mock.searched(reg.SEARCH, mock.DUPLICATE),
                          reg.FACE_KNOWN, reg.DUPLICATE)),
    refused("DuplicateBehindAnIdFace", "The best match is the face on someone's ID document, "
            "which is no registration; the next is the face registered under another user id.",
            "DuplicateFace", "duplicate of face 0b7c9a52-6d1e-4f7b-9e0a-3c2d1b4a5f60",
            mocks={gate.DETECT: mock.ONE_GOOD_FACE, reg.SEARCH: mock.ID_FACE_THEN_DUPLICATE},
            path=START + (gate.QUALITY, *mock.searched(reg.SEARCH, mock.ID_FACE_THEN_DUPLICATE),
                          reg.FACE_KNOWN, reg.DUPLICATE)),
    refused("DuplicateNotRuledOut", "Every face the search returns, as many as it asks for, "
            "is on an ID document: a registration may rank below them, so the face is not "
            "registered again.", "DuplicateFace", reg.HIDDEN_DUPLICATE_REASON,
            mocks={gate.DETECT: mock.ONE_GOOD_FACE, reg.SEARCH: mock.ID_FACES_TO_THE_LIMIT},
            path=START + (gate.QUALITY, *mock.searched(reg.SEARCH, mock.ID_FACES_TO_THE_LIMIT),
                          reg.FACE_KNOWN, reg.HIDDEN_DUPLICATE)),
    refused("FaceNotIndexed", "IndexFaces indexes nothing.", "FaceRejected",
            "face could not be indexed",
            mocks={**PASSED_MOCKS, reg.INDEX: mock.NOT_INDEXED},
            path=START + (gate.QUALITY, *mock.searched(reg.SEARCH, mock.NO_DUPLICATE),
                          reg.FACE_KNOWN, reg.INDEX, reg.INDEXED, reg.NOT_INDEXED)),
    refused("NotAnImage", "Rekognition cannot read the selfie: a 400 with Rekognition's words.",
            "InvalidImage", ": ".join(mock.BAD_IMAGE_FORMAT),
            mocks={gate.DETECT: mock.DETECT_BAD_FORMAT},
            path=(wf.READ_THRESHOLDS, reg.GET_USER, reg.USER_KNOWN, gate.DETECT,
                  api.INVALID_IMAGE)),
    refused("RekognitionThrottled", "Rekognition stays throttled past every retry: a 502 that "
            "says so.", "ServiceError", ": ".join(mock.THROTTLED),
            mocks={gate.DETECT: mock.ALWAYS_THROTTLED},
            path=(wf.READ_THRESHOLDS, reg.GET_USER, reg.USER_KNOWN, gate.DETECT,
                  api.DESCRIBE_ERROR)),
    refused("RegisteredMeanwhile", "Another request registered the user id between the check "
            "and the record: the new face is removed again and the request refused.",
            "AlreadyRegistered", "the user id already has a registered face; use /update",
            mocks={**PASSED_MOCKS, wf.RECORD: mock.CONDITION_FAILED,
                   reg.UNDO_INDEX: mock.FACE_DELETED},
            path=GATE_PASSED + (reg.SENT_INLINE, wf.RECORD, reg.UNDO_INDEX,
                                reg.WHY_NOT_RECORDED, reg.ALREADY_REGISTERED)),
    refused("RecordFails", "The record cannot be written: the face is removed again and the "
            "error reported.", "ServiceError", ": ".join(mock.TABLE_MISSING),
            mocks={**PASSED_MOCKS, wf.RECORD: mock.RECORD_REFUSED,
                   reg.UNDO_INDEX: mock.FACE_DELETED},
            path=GATE_PASSED + (reg.SENT_INLINE, wf.RECORD, reg.UNDO_INDEX,
                                reg.WHY_NOT_RECORDED, api.DESCRIBE_ERROR)),
    in_another_folder(wf.NAME, "SelfieInAnotherFolder", {
        "userid": USER, "selfie": s3_image("api/mallory/selfie.jpg")}, "selfie",
        "The selfie is an S3 object in another user's folder, where erasing this user would "
        "not find it: a 400, nothing read."),
]
