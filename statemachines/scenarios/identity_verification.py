"""Scenarios of the identity verification workflow (and, nested, of the identity compare).

Each runs twice: on the Standard definition, and on the Express variant, whose nested compare is
an Express child started with StartSyncExecution (``EXPRESS_SCENARIOS``).
"""

from __future__ import annotations

import dataclasses

from .. import identity_compare as compare
from .. import identity_verification as wf
from . import UPLOADED_AT, Scenario
from . import library as mock

ID_ACCEPTED = {"id_bucket": "ekyc-test-uploads", "id_object": "id_document/alice.jpg",
               "id_verify_status": "pass"}

START = (wf.READ_THRESHOLDS, wf.DETECT, wf.COUNT_FACES)
GATE_PASSED = START + (wf.QUALITY, wf.SEARCH, wf.ALREADY_REGISTERED, wf.COMPARE)
FAILURE_TAIL = (wf.RECORD_FAILURE, wf.NOTIFY_FAILURE, wf.FAILED)
ERROR_TAIL = (wf.DESCRIBE_ERROR,) + FAILURE_TAIL

COMPARE_START = (compare.READ_THRESHOLDS, compare.GET_USER, compare.ID_PRESENT)
COMPARE_SCORED = COMPARE_START + (compare.COMPARE, compare.SIMILAR)

NEWER_PHOTO = {"photo_uploaded_at": "2026-11-25T11:30:00.000Z",
               "rek_faceid": "7c2e4d1a-5b3f-4e6a-8d9c-0a1b2c3d4e5f"}
PASSED_MOCKS = {wf.DETECT: mock.ONE_GOOD_FACE, wf.SEARCH: mock.NO_DUPLICATE,
                wf.INDEX: mock.INDEXED, wf.THUMBNAIL: mock.THUMBNAIL_MADE}


def rejected(name: str, description: str, mocks: dict, path: tuple, reason: str,
             **extra) -> Scenario:
    """A selfie turned down before the nested compare: recorded, notified once, failed."""
    return Scenario(
        workflow=wf.NAME, name=name, description=description, userid="alice", upload="selfie",
        mocks=mocks, path=path + FAILURE_TAIL, status="FAILED", error="VerificationRejected",
        seed_item=ID_ACCEPTED,
        item={"identity_verify_status": "fail", "identity_verify_reason": reason,
              "rek_faceid": None},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail", "reason": reason},
        **extra)


def after_compare(name: str, description: str, *, compare_mocks: dict, compare_path: tuple,
                  path: tuple, status: str, item: dict, notification: dict | None,
                  error: str | None = None, mocks: dict | None = None,
                  seed_item: dict | None = ID_ACCEPTED, racing: tuple = ()) -> Scenario:
    """A selfie that passed the quality gate and the duplicate search."""
    return Scenario(
        workflow=wf.NAME, name=name, description=description, userid="alice", upload="selfie",
        mocks=mocks or PASSED_MOCKS, path=GATE_PASSED + path, status=status, error=error,
        seed_item=seed_item, item=item, notification=notification,
        nested_mocks=compare_mocks, nested_path=compare_path, racing=racing)


def not_matching(name: str, description: str, *, compare_mocks: dict, compare_path: tuple,
                 reason: str, seed_item: dict | None = ID_ACCEPTED,
                 similarity: float | None = None) -> Scenario:
    return after_compare(
        name, description, compare_mocks=compare_mocks, compare_path=compare_path,
        path=(wf.MATCHES_ID, wf.NOT_MATCHING) + FAILURE_TAIL, status="FAILED",
        error="VerificationRejected", seed_item=seed_item,
        item={"identity_verify_status": "fail", "identity_verify_reason": reason,
              "compare_status": "fail", "compare_reason": reason, "similarity": similarity,
              "rek_faceid": None},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail", "reason": reason})


PASSED_ITEM = {"identity_verify_status": "pass", "identity_verify_reason": None,
               "rek_faceid": mock.INDEXED_FACE_ID, "compare_status": "pass",
               "thumbnail_key": mock.THUMBNAIL_KEY, "photo_uploaded_at": UPLOADED_AT,
               "selfie_bucket": "ekyc-test-uploads", "selfie_object": "selfie/alice.jpg"}
INDEXED_PATH = (wf.MATCHES_ID, wf.INDEX_AND_THUMBNAIL, wf.INDEX, wf.THUMBNAIL, wf.INDEXED)
PASSED_PATH = INDEXED_PATH + (wf.RECORD_PASSED,)
MATCHED_COMPARE_PATH = COMPARE_SCORED + (compare.MATCH, compare.RECORD_SCORED,
                                         compare.RETURN_VERDICT)

SCENARIOS = [
    after_compare(
        "HappyPath", "A clear selfie of the ID's owner: compared, indexed, recorded as pass.",
        compare_mocks={compare.COMPARE: mock.SIMILAR}, compare_path=MATCHED_COMPARE_PATH,
        path=PASSED_PATH, status="SUCCEEDED",
        item={**PASSED_ITEM, "similarity": 98.25, "compare_reason": "similarity 98.25 >= 80"},
        notification=None),
    rejected("NoFace", "A selfie without a face.", {wf.DETECT: mock.NO_FACE},
             START + (wf.NO_FACE,), "no face"),
    rejected("TwoFaces", "A selfie with two people in it.", {wf.DETECT: mock.TWO_FACES},
             START + (wf.SEVERAL_FACES,), "2 faces"),
    rejected("LowConfidence", "A face Rekognition is only 97.5% sure about.",
             {wf.DETECT: mock.LOW_CONFIDENCE}, START + (wf.QUALITY, wf.LOW_CONFIDENCE),
             "face confidence 97.5 < 99"),
    rejected("Sunglasses", "A face behind sunglasses.", {wf.DETECT: mock.SUNGLASSES},
             START + (wf.QUALITY, wf.SUNGLASSES), "sunglasses"),
    rejected("EyesClosed", "A face with closed eyes.", {wf.DETECT: mock.EYES_CLOSED},
             START + (wf.QUALITY, wf.EYES_CLOSED), "eyes closed"),
    rejected("PoseTooLarge", "A head turned 52.5 degrees to the side.",
             {wf.DETECT: mock.HEAD_TURNED}, START + (wf.QUALITY, wf.POSE),
             "head pose yaw 52.5 pitch 5.1 beyond 45 degrees"),
    rejected("DuplicateFace", "The same face is already registered under another user id.",
             {wf.DETECT: mock.ONE_GOOD_FACE, wf.SEARCH: mock.DUPLICATE},
             START + (wf.QUALITY, wf.SEARCH, wf.ALREADY_REGISTERED, wf.DUPLICATE),
             "duplicate of face 0b7c9a52-6d1e-4f7b-9e0a-3c2d1b4a5f60"),
    not_matching(
        "IdDocumentMissing", "A selfie uploaded before any ID document.",
        compare_mocks={}, seed_item=None, reason="no ID document",
        compare_path=COMPARE_START + (compare.NO_ID, compare.RECORD_UNSCORED,
                                      compare.RETURN_VERDICT)),
    not_matching(
        "IdDocumentRejected", "The user's ID document had no face, so there is nothing to "
        "compare with.", compare_mocks={},
        seed_item={**ID_ACCEPTED, "id_verify_status": "fail"},
        reason="ID document not accepted (status fail)",
        compare_path=COMPARE_START + (compare.ID_NOT_ACCEPTED, compare.RECORD_UNSCORED,
                                      compare.RETURN_VERDICT)),
    not_matching(
        "NotSimilar", "A selfie of someone else than the ID's owner.",
        compare_mocks={compare.COMPARE: mock.NOT_SIMILAR}, reason="similarity 42.5 < 80",
        similarity=42.5,
        compare_path=COMPARE_SCORED + (compare.NO_MATCH, compare.RECORD_SCORED,
                                       compare.RETURN_VERDICT)),
    not_matching(
        "NoFaceMatchedOnId", "CompareFaces found no face on the ID photo to score.",
        compare_mocks={compare.COMPARE: mock.NO_MATCHES},
        reason="no face on the ID document to compare with",
        compare_path=COMPARE_SCORED + (compare.NO_MATCH_FOUND, compare.RECORD_UNSCORED,
                                       compare.RETURN_VERDICT)),
    not_matching(
        "NoComparableFace", "CompareFaces refuses the pair: it finds no face in one image.",
        compare_mocks={compare.COMPARE: mock.NO_COMPARABLE_FACE},
        reason="no comparable face in the selfie or the ID document",
        compare_path=COMPARE_START + (compare.COMPARE, compare.NO_COMPARABLE_FACE,
                                      compare.RECORD_UNSCORED, compare.RETURN_VERDICT)),
    after_compare(
        "SimilarityAtThreshold", "Similarity exactly at the threshold (80) passes.",
        compare_mocks={compare.COMPARE: mock.AT_THRESHOLD}, compare_path=MATCHED_COMPARE_PATH,
        path=PASSED_PATH, status="SUCCEEDED", item={**PASSED_ITEM, "similarity": 80},
        notification=None),
    after_compare(
        "ThrottledTwiceThenOk", "DetectFaces is throttled twice; the retries succeed.",
        mocks={**PASSED_MOCKS, wf.DETECT: mock.THROTTLED_TWICE},
        compare_mocks={compare.COMPARE: mock.SIMILAR}, compare_path=MATCHED_COMPARE_PATH,
        path=PASSED_PATH, status="SUCCEEDED", item={**PASSED_ITEM, "similarity": 98.25},
        notification=None),
    Scenario(
        workflow=wf.NAME, name="RekognitionAlwaysThrottled",
        description="DetectFaces is throttled on every attempt: status error, one message.",
        userid="alice", upload="selfie", mocks={wf.DETECT: mock.ALWAYS_THROTTLED},
        path=(wf.READ_THRESHOLDS, wf.DETECT) + ERROR_TAIL, status="FAILED",
        error="VerificationError", seed_item=ID_ACCEPTED,
        item={"identity_verify_status": "error",
              "identity_verify_reason": "Rekognition.ThrottlingException: "
                                        + mock.THROTTLED[1]},
        notification={"userid": "alice", "flow": wf.NAME, "status": "error"}),
    after_compare(
        "NestedCompareFails", "The nested compare workflow fails: the parent records an "
        "error and notifies once.",
        compare_mocks={compare.COMPARE: mock.COMPARE_DENIED},
        compare_path=COMPARE_START + (compare.COMPARE, compare.DESCRIBE_ERROR,
                                      compare.RECORD_ERROR, compare.FAILED),
        path=(wf.COMPARE_FAILED,) + FAILURE_TAIL, status="FAILED", error="VerificationError",
        item={"identity_verify_status": "error", "compare_status": "error",
              "identity_verify_reason": "identity compare workflow failed (see compare_reason)",
              "compare_reason": ": ".join(mock.ACCESS_DENIED), "rek_faceid": None},
        notification={"userid": "alice", "flow": wf.NAME, "status": "error"}),
    after_compare(
        "FaceNotIndexed", "IndexFaces indexes nothing (its quality filter dropped the face).",
        mocks={**PASSED_MOCKS, wf.INDEX: mock.NOT_INDEXED},
        compare_mocks={compare.COMPARE: mock.SIMILAR}, compare_path=MATCHED_COMPARE_PATH,
        path=INDEXED_PATH + (wf.NOT_INDEXED,) + FAILURE_TAIL,
        status="FAILED",
        error="VerificationRejected",
        item={"identity_verify_status": "fail",
              "identity_verify_reason": "face could not be indexed", "rek_faceid": None},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail",
                      "reason": "face could not be indexed"}),
    after_compare(
        "RecordingPassFails", "The pass cannot be recorded: the indexed face is removed "
        "again, so the user's next attempt is no duplicate of themselves.",
        mocks={**PASSED_MOCKS, wf.RECORD_PASSED: mock.RECORD_REFUSED,
               wf.UNDO_INDEX: mock.FACE_DELETED},
        compare_mocks={compare.COMPARE: mock.SIMILAR}, compare_path=MATCHED_COMPARE_PATH,
        path=PASSED_PATH + (wf.UNDO_INDEX,) + ERROR_TAIL, status="FAILED",
        error="VerificationError",
        item={"identity_verify_status": "error", "rek_faceid": None},
        notification={"userid": "alice", "flow": wf.NAME, "status": "error"}),
    after_compare(
        "ThumbnailFails", "The thumbnail Lambda refuses the picture: the face is registered "
        "all the same, without a thumbnail.",
        mocks={**PASSED_MOCKS, wf.THUMBNAIL: mock.THUMBNAIL_REFUSED},
        compare_mocks={compare.COMPARE: mock.SIMILAR}, compare_path=MATCHED_COMPARE_PATH,
        path=INDEXED_PATH[:-1] + (wf.NO_THUMBNAIL, wf.INDEXED, wf.RECORD_PASSED),
        status="SUCCEEDED", item={**PASSED_ITEM, "thumbnail_key": ""}, notification=None),
    after_compare(
        "IndexingFails", "IndexFaces is refused inside the Parallel state: the error is "
        "recorded and notified once.",
        mocks={**PASSED_MOCKS, wf.INDEX: mock.INDEX_DENIED},
        compare_mocks={compare.COMPARE: mock.SIMILAR}, compare_path=MATCHED_COMPARE_PATH,
        path=INDEXED_PATH[:-1] + ERROR_TAIL, racing=(wf.THUMBNAIL,), status="FAILED",
        error="VerificationError",
        item={"identity_verify_status": "error", "rek_faceid": None},
        notification={"userid": "alice", "flow": wf.NAME, "status": "error"}),
    after_compare(
        "NewerPhotoRecorded", "A replayed event of an older photo: the item already records a "
        "newer one, so it is left alone and this run's face is removed.",
        mocks={**PASSED_MOCKS, wf.REMOVE_SUPERSEDED: mock.FACE_DELETED},
        compare_mocks={compare.COMPARE: mock.SIMILAR}, compare_path=MATCHED_COMPARE_PATH,
        seed_item={**ID_ACCEPTED, **NEWER_PHOTO},
        path=PASSED_PATH + (wf.REMOVE_SUPERSEDED, wf.SUPERSEDED), status="SUCCEEDED",
        item={**NEWER_PHOTO, "identity_verify_status": None}, notification=None),
    after_compare(
        "OlderPhotoFaceLeft", "As above, but the older photo's face cannot be removed: the "
        "run fails visibly and still leaves the newer record alone.",
        mocks={**PASSED_MOCKS, wf.REMOVE_SUPERSEDED: mock.DELETE_DENIED},
        compare_mocks={compare.COMPARE: mock.SIMILAR}, compare_path=MATCHED_COMPARE_PATH,
        seed_item={**ID_ACCEPTED, **NEWER_PHOTO},
        path=PASSED_PATH + (wf.REMOVE_SUPERSEDED, wf.SUPERSEDED_FACE_LEFT), status="FAILED",
        error="VerificationError",
        item={**NEWER_PHOTO, "identity_verify_status": None}, notification=None),
]


EXPRESS_WORKFLOW = "identity_verification_express"
EXPRESS_COMPARE = "identity_compare_express"


def express_variant(scenario: Scenario) -> Scenario:
    """The same scenario on the Express variant: the compare's result is read in two more
    states, and the Express child leaves no execution history to check."""
    path: list[str] = []
    for state in scenario.path:
        path.append(state)
        if state == wf.COMPARE:
            path.append(wf.COMPARE_SUCCEEDED)
            if wf.MATCHES_ID in scenario.path:
                path.append(wf.READ_VERDICT)
    return dataclasses.replace(scenario, workflow=EXPRESS_WORKFLOW, path=tuple(path),
                               nested_path=(), nested_workflow=EXPRESS_COMPARE)


EXPRESS_SCENARIOS = [express_variant(scenario) for scenario in SCENARIOS]
