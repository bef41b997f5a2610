"""Scenarios of ``POST /auth``."""

from __future__ import annotations

from .. import api_common as api
from .. import authenticate as wf
from .. import quality_gate as gate
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

USER = "dave"
REQUEST = {"userid": USER, "selfie": INLINE_SELFIE}
STORED = {"rek_faceid": mock.REGISTERED_FACE_ID, "selfie_bucket": BUCKET,
          "selfie_object": "selfie/dave.jpg"}
INLINE = {"rek_faceid": mock.REGISTERED_FACE_ID, "selfie_bucket": "", "selfie_object": ""}
BEFORE_GATE = (wf.READ_THRESHOLDS, wf.GET_USER, wf.REGISTERED)
GATE_PASSED = BEFORE_GATE + (gate.DETECT, gate.COUNT_FACES, gate.QUALITY, wf.STORED_SELFIE)
BY_COMPARE = (wf.COMPARE_STORED, wf.STORED_MATCHES, wf.VERIFIED_BY_COMPARE)


def searched(answer) -> tuple[str, ...]:
    """The search answered by ``answer`` (a mock), its filter, and the decision."""
    return mock.searched(wf.SEARCH_USER, answer) + (wf.USERS_FACE,)


GOOD = {gate.DETECT: mock.ONE_GOOD_FACE}


def verified(name: str, description: str, *, seed: dict, mocks: dict, path: tuple,
             method: str, similarity: float, request: dict = REQUEST):
    return api_scenario(
        wf.NAME, name, description, request=request, mocks={**GOOD, **mocks},
        path=GATE_PASSED + path + (wf.ANSWER,), seed_item=seed, item=seed,
        answer={"status": "Verified", "userid": USER, "method": method,
                "similarity": similarity, "face_id": mock.REGISTERED_FACE_ID})


def denied(name: str, description: str, *, seed: dict, mocks: dict, path: tuple):
    return api_scenario(
        wf.NAME, name, description, request=REQUEST, mocks={**GOOD, **mocks},
        path=GATE_PASSED + path + (wf.ACCESS_DENIED,) + FAILURE_TAIL, seed_item=seed,
        error="UserAccessDenied",
        answer={"status": "UserAccessDenied", "userid": USER,
                "reason": "the selfie does not match the user's registered face"})


SCENARIOS = [
    verified("VerifiedByStoredSelfie", "The selfie matches the stored selfie.", seed=STORED,
             mocks={wf.COMPARE_STORED: mock.SIMILAR}, path=BY_COMPARE,
             method="stored selfie", similarity=98.25),
    verified("VerifiedByCollection", "No stored selfie (registered inline): the best match "
             "in the collection is the user's face. The selfie comes as an S3 object in the "
             "user's folder.", seed=INLINE,
             request={"userid": USER, "selfie": s3_image("api/dave/selfie.jpg")},
             mocks={wf.SEARCH_USER: mock.USERS_FACE_FOUND},
             path=searched(mock.USERS_FACE_FOUND) + (wf.VERIFIED_BY_SEARCH,),
             method="collection search",
             similarity=99.1),
    verified("StoredSelfieNotSimilarEnough", "The stored selfie scores below the threshold; "
             "the collection still finds the user's face.", seed=STORED,
             mocks={wf.COMPARE_STORED: mock.NOT_SIMILAR,
                    wf.SEARCH_USER: mock.USERS_FACE_FOUND},
             path=(wf.COMPARE_STORED, wf.STORED_MATCHES) + searched(mock.USERS_FACE_FOUND)
             + (wf.VERIFIED_BY_SEARCH,),
             method="collection search", similarity=99.1),
    verified("StoredSelfieGone", "The stored selfie was deleted from S3: the collection "
             "decides.", seed=STORED,
             mocks={wf.COMPARE_STORED: mock.STORED_SELFIE_GONE,
                    wf.SEARCH_USER: mock.USERS_FACE_FOUND},
             path=(wf.COMPARE_STORED,) + searched(mock.USERS_FACE_FOUND)
             + (wf.VERIFIED_BY_SEARCH,),
             method="collection search", similarity=99.1),
    denied("SomeoneElse", "The selfie's best match is another user's face.", seed=INLINE,
           mocks={wf.SEARCH_USER: mock.SOMEONE_ELSE_FOUND},
           path=searched(mock.SOMEONE_ELSE_FOUND)),
    denied("OnlyTheUsersIdFace", "The only match is the face on the user's own ID document, "
           "which is no registration: denied, as if nothing had matched.", seed=INLINE,
           mocks={wf.SEARCH_USER: mock.ONLY_USERS_ID_FACE},
           path=searched(mock.ONLY_USERS_ID_FACE)),
    verified("VerifiedPastTheUsersIdFace", "The user's ID document's face scores above their "
             "registered face: left out, the registered face decides.", seed=INLINE,
             mocks={wf.SEARCH_USER: mock.USERS_ID_FACE_FIRST},
             path=searched(mock.USERS_ID_FACE_FIRST) + (wf.VERIFIED_BY_SEARCH,),
             method="collection search", similarity=99.1),
    denied("NobodyKnown", "Neither the stored selfie nor the collection match.", seed=STORED,
           mocks={wf.COMPARE_STORED: mock.NOT_SIMILAR, wf.SEARCH_USER: mock.NO_DUPLICATE},
           path=(wf.COMPARE_STORED, wf.STORED_MATCHES) + searched(mock.NO_DUPLICATE)),
    api_scenario(
        wf.NAME, "UserNotFound", "No face is registered for the user id: a 404, no "
        "Rekognition call.", request=REQUEST, mocks={},
        path=BEFORE_GATE + (wf.NOT_REGISTERED,) + FAILURE_TAIL, error="UserNotFound",
        answer={"status": "UserNotFound", "userid": USER}),
    api_scenario(
        wf.NAME, "NotAnImage", "Rekognition cannot read the selfie.", request=REQUEST,
        mocks={gate.DETECT: mock.DETECT_BAD_FORMAT}, seed_item=INLINE,
        path=BEFORE_GATE + (gate.DETECT, api.INVALID_IMAGE) + FAILURE_TAIL,
        error="InvalidImage", answer={"status": "InvalidImage"}),
    api_scenario(
        wf.NAME, "RekognitionThrottled", "Rekognition stays throttled: a 502.", request=REQUEST,
        mocks={gate.DETECT: mock.ALWAYS_THROTTLED}, seed_item=INLINE,
        path=BEFORE_GATE + (gate.DETECT, api.DESCRIBE_ERROR) + FAILURE_TAIL,
        error="ServiceError", answer={"status": "ServiceError",
                                      "reason": ": ".join(mock.THROTTLED)}),
    *gate_refusals(wf.NAME, before=BEFORE_GATE, request=REQUEST, seed_item=INLINE),
    in_another_folder(wf.NAME, "SelfieInAnotherFolder", {
        "userid": USER, "selfie": s3_image("api/ann/selfie.jpg")}, "selfie",
        "The selfie is an S3 object in another user's folder: a 400, nothing read."),
]
