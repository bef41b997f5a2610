"""Scenarios of ``POST /update``."""

from __future__ import annotations

from .. import api_common as api
from .. import authenticate as auth
from .. import quality_gate as gate
from .. import registration as reg
from .. import update_face as wf
from . import BUCKET
from . import library as mock
from .api import (
    FAILURE_TAIL,
    INLINE_SELFIE,
    api_scenario,
    gate_refusals,
    in_another_folder,
    s3_image,
)
from .authenticate import BEFORE_GATE, GATE_PASSED, INLINE, STORED, searched

USER = "dave"
REQUEST = {"userid": USER, "selfie": INLINE_SELFIE}
BY_SEARCH = searched(mock.USERS_FACE_FOUND) + (auth.VERIFIED_BY_SEARCH,)
INDEXED = (reg.INDEX, reg.INDEXED, reg.WHERE_STORED)
PASSED = {gate.DETECT: mock.ONE_GOOD_FACE, auth.SEARCH_USER: mock.USERS_FACE_FOUND,
          reg.INDEX: mock.NEW_FACE_INDEXED}
UNCHANGED = {"rek_faceid": mock.REGISTERED_FACE_ID, "previous_faceid": None}
NEW_FACE = {"rek_faceid": mock.NEW_FACE_ID, "previous_faceid": mock.REGISTERED_FACE_ID,
            "updated_via": wf.ROUTE}


def refused(name: str, description: str, error: str, *, mocks: dict, path: tuple,
            seed: dict = INLINE, item: dict = UNCHANGED, reason: str | None = None):
    answer = {"status": error, "userid": USER, **({"reason": reason} if reason else {})}
    return api_scenario(wf.NAME, name, description, request=REQUEST, mocks=mocks,
                        path=path + FAILURE_TAIL, error=error, seed_item=seed, item=item,
                        answer=answer)


SCENARIOS = [
    api_scenario(
        wf.NAME, "Updated", "The user proves who they are with the new selfie: its face "
        "replaces the old one, which is deleted.", request=REQUEST,
        mocks={**PASSED, wf.DELETE_OLD: mock.OLD_FACE_DELETED}, seed_item=INLINE,
        path=GATE_PASSED + BY_SEARCH + INDEXED + (reg.SENT_INLINE, wf.RECORD, wf.DELETE_OLD,
                                                  wf.ANSWER),
        item={**NEW_FACE, "selfie_object": ""},
        answer={"status": "Updated", "userid": USER, "face_id": mock.NEW_FACE_ID,
                "previous_face_id": mock.REGISTERED_FACE_ID, "similarity": 99.1}),
    api_scenario(
        wf.NAME, "UpdatedFromS3", "A new selfie in S3 matches the stored one; its place is "
        "recorded.", request={"userid": USER, "selfie": s3_image("api/dave/new.jpg")},
        mocks={**PASSED, auth.COMPARE_STORED: mock.SIMILAR,
               wf.DELETE_OLD: mock.OLD_FACE_DELETED}, seed_item=STORED,
        path=GATE_PASSED + (auth.COMPARE_STORED, auth.STORED_MATCHES, auth.VERIFIED_BY_COMPARE)
        + INDEXED + (reg.STORED_IN_S3, wf.RECORD, wf.DELETE_OLD, wf.ANSWER),
        item={**NEW_FACE, "selfie_bucket": BUCKET, "selfie_object": "api/dave/new.jpg"},
        answer={"status": "Updated", "method": "stored selfie", "similarity": 98.25}),
    refused("NotTheUser", "The new selfie is someone else's face: nothing changes.",
            "UserAccessDenied",
            mocks={gate.DETECT: mock.ONE_GOOD_FACE, auth.SEARCH_USER: mock.SOMEONE_ELSE_FOUND},
            path=GATE_PASSED + searched(mock.SOMEONE_ELSE_FOUND) + (auth.ACCESS_DENIED,)),
    refused("OnlyTheUsersIdFace", "The only match is the face on the user's own ID document, "
            "which is no registration: denied, nothing changes.", "UserAccessDenied",
            mocks={gate.DETECT: mock.ONE_GOOD_FACE, auth.SEARCH_USER: mock.ONLY_USERS_ID_FACE},
            path=GATE_PASSED + searched(mock.ONLY_USERS_ID_FACE) + (auth.ACCESS_DENIED,)),
    refused("StoredSelfieNotSimilar", "The stored selfie does not match and neither does the "
            "collection.", "UserAccessDenied", seed=STORED,
            mocks={gate.DETECT: mock.ONE_GOOD_FACE, auth.COMPARE_STORED: mock.NOT_SIMILAR,
                   auth.SEARCH_USER: mock.NO_DUPLICATE},
            path=GATE_PASSED + (auth.COMPARE_STORED, auth.STORED_MATCHES)
            + searched(mock.NO_DUPLICATE) + (auth.ACCESS_DENIED,), item={**UNCHANGED, **STORED}),
    refused("StoredSelfieGone", "The stored selfie is gone and the collection finds "
            "someone else.", "UserAccessDenied", seed=STORED,
            mocks={gate.DETECT: mock.ONE_GOOD_FACE,
                   auth.COMPARE_STORED: mock.STORED_SELFIE_GONE,
                   auth.SEARCH_USER: mock.SOMEONE_ELSE_FOUND},
            path=GATE_PASSED + (auth.COMPARE_STORED,) + searched(mock.SOMEONE_ELSE_FOUND)
            + (auth.ACCESS_DENIED,)),
    refused("UserNotFound", "Nobody is registered under the user id.", "UserNotFound",
            mocks={}, seed=None, item={"rek_faceid": None},
            path=BEFORE_GATE + (auth.NOT_REGISTERED,)),
    refused("NewFaceNotIndexed", "IndexFaces indexes nothing: the old face stays.",
            "FaceRejected", reason="face could not be indexed",
            mocks={**PASSED, reg.INDEX: mock.NOT_INDEXED},
            path=GATE_PASSED + BY_SEARCH + (reg.INDEX, reg.INDEXED, reg.NOT_INDEXED)),
    refused("ChangedMeanwhile", "Another update switched the face first: the new face is "
            "removed again and the request refused.", "UpdateConflict",
            mocks={**PASSED, wf.RECORD: mock.CONDITION_FAILED,
                   reg.UNDO_INDEX: mock.FACE_DELETED},
            path=GATE_PASSED + BY_SEARCH + INDEXED + (reg.SENT_INLINE, wf.RECORD,
                                                      reg.UNDO_INDEX, reg.WHY_NOT_RECORDED,
                                                      wf.CONFLICT)),
    refused("RecordFails", "The record cannot be written: the new face is removed again.",
            "ServiceError", reason=": ".join(mock.TABLE_MISSING),
            mocks={**PASSED, wf.RECORD: mock.RECORD_REFUSED, reg.UNDO_INDEX: mock.FACE_DELETED},
            path=GATE_PASSED + BY_SEARCH + INDEXED + (reg.SENT_INLINE, wf.RECORD,
                                                      reg.UNDO_INDEX, reg.WHY_NOT_RECORDED,
                                                      api.DESCRIBE_ERROR)),
    refused("OldFaceNotDeleted", "The record names the new face but the old one cannot be "
            "deleted: a 502, so the leftover face is not silent.", "ServiceError",
            mocks={**PASSED, wf.DELETE_OLD: mock.DELETE_DENIED}, item=NEW_FACE,
            path=GATE_PASSED + BY_SEARCH + INDEXED + (reg.SENT_INLINE, wf.RECORD,
                                                      wf.DELETE_OLD, api.DESCRIBE_ERROR)),
    refused("NotAnImage", "Rekognition cannot read the new selfie.", "InvalidImage",
            mocks={gate.DETECT: mock.DETECT_BAD_FORMAT},
            path=BEFORE_GATE + (gate.DETECT, api.INVALID_IMAGE)),
    *gate_refusals(wf.NAME, before=BEFORE_GATE, request=REQUEST, seed_item=INLINE,
                   item=UNCHANGED),
    in_another_folder(wf.NAME, "SelfieInAnotherFolder", {
        "userid": USER, "selfie": s3_image("api/erin/new.jpg")}, "selfie",
        "The new selfie is an S3 object in another user's folder: a 400, nothing read."),
]
