"""Scenarios of the identity verification workflow (and, nested, of the identity compare).

Each runs twice: on the Standard definition, and on the Express variant, whose nested compare is
an Express child started with StartSyncExecution (``EXPRESS_SCENARIOS``).

Paths list the states of a Parallel state branch by branch (the duplicate search, then the
nested compare; the indexing, then the thumbnail), as the scenario runner orders them.
"""

from __future__ import annotations

import dataclasses

from .. import identity_compare as compare
from .. import identity_verification as wf
from .. import registry
from ..common import (
    ERASED_MEANWHILE,
    ROUND_SIMILARITY,
    S3_RETRIES,
    SHOW_SIMILARITY,
    SHOW_TINY_SIMILARITY,
)
from ..registered_faces import HIDDEN_DUPLICATE, HIDDEN_DUPLICATE_REASON
from . import UPLOADED_AT, Scenario, returns, throws
from . import library as mock

ID_ACCEPTED = {"id_bucket": "ekyc-test-uploads", "id_object": "id_document/alice.jpg",
               "id_verify_status": "pass"}

FAILURE_TAIL = (wf.RECORD_FAILURE, wf.NOTIFY_FAILURE, wf.FAILED)
# The compare read the item before the erasure deleted it.
ID_ACCEPTED_READ = returns("GetItemIdAccepted", {"Item": {
    "userid": {"S": "alice"}, **{name: {"S": value} for name, value in ID_ACCEPTED.items()}}})
# No item at all: nothing of the verification (nor of the compare) was written.
ERASED_ITEM = dict.fromkeys([*ID_ACCEPTED, "identity_verify_status", "identity_verify_reason",
                        "compare_status", "compare_reason", "rek_faceid"])
ERROR_TAIL = (wf.DESCRIBE_ERROR,) + FAILURE_TAIL
# The search, which found no duplicate (or the answer given), and its filter.
SEARCHED = mock.searched(wf.SEARCH, mock.NO_DUPLICATE)


def checked(search=mock.NO_DUPLICATE) -> tuple[str, ...]:
    """Both checks ran: the search answered ``search``; the compare returned a verdict."""
    return (wf.READ_THRESHOLDS, wf.CHECKS, *mock.searched(wf.SEARCH, search), wf.COMPARE,
            wf.CHECKS_RAN)


CHECKED = checked()
NEW_FACE = CHECKED + (wf.ALREADY_REGISTERED, wf.MATCHES_ID)
INDEXED = NEW_FACE + (wf.INDEX_AND_THUMBNAIL, wf.INDEX, wf.THUMBNAIL, wf.INDEXED)
GATED = INDEXED + (wf.READ_INDEXED, wf.COUNT_FACES)
PASSED_PATH = GATED + (wf.QUALITY, wf.RECORD_PASSED)

COMPARE_START = (compare.READ_THRESHOLDS, compare.GET_USER, compare.ID_PRESENT)
COMPARE_SCORED = COMPARE_START + (compare.COMPARE, SHOW_SIMILARITY, ROUND_SIMILARITY,
                                  compare.SIMILAR)
MATCHED_COMPARE_PATH = COMPARE_SCORED + (compare.MATCH, compare.RECORD_SCORED,
                                         compare.RETURN_VERDICT)
MATCHED = {compare.COMPARE: mock.SIMILAR}

REGISTERED_BEFORE = "4f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8"  # the face of an earlier selfie
NEWER_PHOTO = {"photo_uploaded_at": "2026-11-25T11:30:00.000Z",
               "rek_faceid": "7c2e4d1a-5b3f-4e6a-8d9c-0a1b2c3d4e5f"}
PASSED_MOCKS = {wf.SEARCH: mock.NO_DUPLICATE, wf.INDEX: mock.INDEXED_ALL,
                wf.THUMBNAIL: mock.THUMBNAIL_MADE}
PASSED_ITEM = {"identity_verify_status": "pass", "identity_verify_reason": None,
               "rek_faceid": mock.INDEXED_FACE_ID, "compare_status": "pass",
               "thumbnail_key": mock.THUMBNAIL_KEY, "photo_uploaded_at": UPLOADED_AT,
               "selfie_bucket": "ekyc-test-uploads", "selfie_object": "selfie/alice.jpg"}
ERROR_NOTIFICATION = {"userid": "alice", "flow": wf.NAME, "status": "error"}
# Erased after the compare read the item, before the pass was recorded.
READ_BEFORE_ERASURE = {compare.GET_USER: ID_ACCEPTED_READ, compare.COMPARE: mock.SIMILAR}
ERASED_MOCKS = {**PASSED_MOCKS, wf.REMOVE_SUPERSEDED: mock.FACE_DELETED,
                wf.DELETE_THUMBNAIL: returns("DeleteObjectThumbnail", {})}
THUMBNAIL_DELETE_DENIED = throws("DeleteObjectThumbnailDenied", "S3.AccessDeniedException",
                                 "Access Denied (Service: S3, Status Code: 403)",
                                 times=1 + S3_RETRIES)
ERASED_PATH = PASSED_PATH + (wf.REMOVE_SUPERSEDED, wf.LOOK_FOR_USER, wf.ERASED,
                             wf.DELETE_THUMBNAIL)


def scenario(name: str, description: str, *, path: tuple, mocks: dict | None = None,
             compare_mocks: dict | None = None, compare_path: tuple = MATCHED_COMPARE_PATH,
             status: str = "FAILED", error: str | None = None, item: dict,
             notification: dict | None = None, seed_item: dict | None = ID_ACCEPTED,
             racing: tuple = (), retried: dict | None = None) -> Scenario:
    """A selfie of Alice, whose ID document is accepted unless ``seed_item`` says otherwise."""
    return Scenario(
        workflow=wf.NAME, name=name, description=description, userid="alice", upload="selfie",
        mocks=PASSED_MOCKS if mocks is None else mocks, path=path, status=status, error=error,
        seed_item=seed_item, item=item, notification=notification,
        nested_mocks=MATCHED if compare_mocks is None else compare_mocks,
        nested_path=compare_path, racing=racing, retried=retried or {})


def rejected(name: str, description: str, *, path: tuple, reason: str, **extra) -> Scenario:
    """A selfie turned down: recorded, notified once, failed; no face left indexed."""
    return scenario(
        name, description, path=path + FAILURE_TAIL, error="VerificationRejected",
        item={"identity_verify_status": "fail", "identity_verify_reason": reason,
              "rek_faceid": None},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail", "reason": reason},
        **extra)


def gate_rejected(name: str, description: str, indexed, states: tuple,
                  reason: str) -> Scenario:
    """The quality gate turns down what IndexFaces saw: the face is removed again."""
    return rejected(name, description, path=GATED + states + (wf.REMOVE_REJECTED,),
                    reason=reason, mocks={**PASSED_MOCKS, wf.INDEX: indexed,
                                          wf.REMOVE_REJECTED: mock.FACE_DELETED})


def not_matching(name: str, description: str, *, compare_mocks: dict, compare_path: tuple,
                 reason: str, seed_item: dict | None = ID_ACCEPTED,
                 similarity: float | None = None) -> Scenario:
    scenario_ = rejected(name, description, path=NEW_FACE + (wf.NOT_MATCHING,), reason=reason,
                         compare_mocks=compare_mocks, compare_path=compare_path,
                         seed_item=seed_item, mocks={wf.SEARCH: mock.NO_DUPLICATE})
    return dataclasses.replace(scenario_, item={
        **scenario_.item, "compare_status": "fail", "compare_reason": reason,
        "similarity": similarity})


SCENARIOS = [
    scenario(
        "HappyPath", "A clear selfie of the ID's owner: checked, indexed, gated, recorded.",
        path=PASSED_PATH, status="SUCCEEDED",
        item={**PASSED_ITEM, "similarity": 98.25, "compare_reason": "similarity 98.3 >= 80"}),
    rejected(
        "NoFace", "A selfie without a face: the search finds none to search for.",
        path=(wf.READ_THRESHOLDS, wf.CHECKS, wf.SEARCH, wf.NOTHING_TO_SEARCH, wf.COMPARE,
              wf.CHECKS_RAN, wf.NO_FACE), reason="no face",
        mocks={wf.SEARCH: mock.SEARCH_NO_FACE},
        compare_mocks={compare.COMPARE: mock.NO_COMPARABLE_FACE},
        compare_path=COMPARE_START + (compare.COMPARE, compare.NO_COMPARABLE_FACE,
                                      compare.RECORD_UNSCORED, compare.RETURN_VERDICT)),
    rejected(
        "NotAnImage", "The selfie is no image Rekognition can read: a rejection that says "
        "so, not a fault.",
        path=(wf.READ_THRESHOLDS, wf.CHECKS, wf.SEARCH, wf.UNUSABLE, wf.COMPARE,
              wf.COMPARE_DID_NOT_END, wf.CHECKS_RAN, wf.NOT_AN_IMAGE),
        reason="image not usable: Rekognition.InvalidImageFormatException: "
               + mock.NOT_AN_IMAGE_CAUSE,
        mocks={wf.SEARCH: mock.SEARCH_BAD_FORMAT},
        compare_mocks={compare.COMPARE: mock.COMPARE_BAD_FORMAT},
        compare_path=COMPARE_START + (compare.COMPARE, compare.DESCRIBE_ERROR,
                                      compare.RECORD_ERROR, compare.FAILED)),
    gate_rejected("TwoFaces", "A selfie with two people in it.", mock.INDEXED_TWO_FACES,
                  (wf.SEVERAL_FACES,), "2 faces"),
    gate_rejected("LowConfidence", "A face Rekognition is only 97.5% sure about.",
                  mock.INDEXED_LOW_CONFIDENCE, (wf.QUALITY, wf.LOW_CONFIDENCE),
                  "face confidence 97.5 < 99"),
    gate_rejected("Sunglasses", "A face behind sunglasses.", mock.INDEXED_SUNGLASSES,
                  (wf.QUALITY, wf.SUNGLASSES), "sunglasses"),
    gate_rejected("EyesClosed", "A face with closed eyes.", mock.INDEXED_EYES_CLOSED,
                  (wf.QUALITY, wf.EYES_CLOSED), "eyes closed"),
    gate_rejected("PoseTooLarge", "A head turned 52.5 degrees to the side.",
                  mock.INDEXED_HEAD_TURNED, (wf.QUALITY, wf.POSE),
                  "head pose yaw 52.5 pitch 5.1 beyond 45 degrees"),
    rejected(
        "DuplicateFace", "The same face is already registered under another user id.",
        path=checked(mock.DUPLICATE) + (wf.ALREADY_REGISTERED, wf.DUPLICATE),
        reason="duplicate of face 0b7c9a52-6d1e-4f7b-9e0a-3c2d1b4a5f60",
        mocks={wf.SEARCH: mock.DUPLICATE}),
    rejected(
        "DuplicateBehindAnIdFace", "The best match is the face on someone's ID document, which "
        "is no registration; the next is the face registered under another user id.",
        path=checked(mock.ID_FACE_THEN_DUPLICATE) + (wf.ALREADY_REGISTERED, wf.DUPLICATE),
        reason="duplicate of face 0b7c9a52-6d1e-4f7b-9e0a-3c2d1b4a5f60",
        mocks={wf.SEARCH: mock.ID_FACE_THEN_DUPLICATE}),
    rejected(
        "DuplicateNotRuledOut", "Every face the search returns, as many as it asks for, is on "
        "an ID document: a registration may rank below them, so the face is not registered "
        "again.", path=checked(mock.ID_FACES_TO_THE_LIMIT) + (wf.ALREADY_REGISTERED,
                                                               HIDDEN_DUPLICATE),
        reason=HIDDEN_DUPLICATE_REASON, mocks={wf.SEARCH: mock.ID_FACES_TO_THE_LIMIT}),
    scenario(
        "PassedPastAnIdFace", "The only match is the face on someone's ID document: no "
        "registration, so no duplicate, as if nothing had matched.",
        mocks={**PASSED_MOCKS, wf.SEARCH: mock.ONLY_AN_ID_FACE},
        path=checked(mock.ONLY_AN_ID_FACE) + PASSED_PATH[len(CHECKED):], status="SUCCEEDED",
        item={**PASSED_ITEM, "similarity": 98.25}),
    not_matching(
        "IdDocumentMissing", "A selfie uploaded before any ID document (the item holds the "
        "starter's claim alone).",
        compare_mocks={}, seed_item={"identity_verify_status": "processing"},
        reason="no ID document",
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
        compare_mocks={compare.COMPARE: mock.NOT_SIMILAR}, reason="similarity 57.6 < 80",
        similarity=57.6106,
        compare_path=COMPARE_SCORED + (compare.NO_MATCH, compare.RECORD_SCORED,
                                       compare.RETURN_VERDICT)),
    not_matching(
        "StrangerOnId", "The ID photo shows a stranger, scored 1.23e-05: the reason shows "
        "0.0, the item keeps the score.",
        compare_mocks={compare.COMPARE: mock.STRANGER}, reason="similarity 0.0 < 80",
        similarity=1.23e-05,
        compare_path=COMPARE_START + (compare.COMPARE, SHOW_SIMILARITY, SHOW_TINY_SIMILARITY,
                                      compare.SIMILAR, compare.NO_MATCH,
                                      compare.RECORD_SCORED, compare.RETURN_VERDICT)),
    not_matching(
        "NoFaceMatchedOnId", "CompareFaces found no face on the ID photo to score.",
        compare_mocks={compare.COMPARE: mock.NO_MATCHES},
        reason="no face on the ID document to compare with",
        compare_path=COMPARE_START + (compare.COMPARE, SHOW_SIMILARITY, compare.SIMILAR,
                                      compare.NO_MATCH_FOUND, compare.RECORD_UNSCORED,
                                      compare.RETURN_VERDICT)),
    not_matching(
        "NoComparableFace", "CompareFaces refuses the pair: it finds no face in one image.",
        compare_mocks={compare.COMPARE: mock.NO_COMPARABLE_FACE},
        reason="no comparable face in the selfie or the ID document",
        compare_path=COMPARE_START + (compare.COMPARE, compare.NO_COMPARABLE_FACE,
                                      compare.RECORD_UNSCORED, compare.RETURN_VERDICT)),
    scenario(
        "SimilarityAtThreshold", "Similarity exactly at the threshold (80) passes.",
        compare_mocks={compare.COMPARE: mock.AT_THRESHOLD}, path=PASSED_PATH,
        status="SUCCEEDED", item={**PASSED_ITEM, "similarity": 80,
                                  "compare_reason": "similarity 80.0 >= 80"}),
    scenario(
        "ThrottledTwiceThenOk", "The duplicate search is throttled twice; its retries "
        "succeed while the compare runs beside it.",
        mocks={**PASSED_MOCKS, wf.SEARCH: mock.SEARCH_THROTTLED_TWICE}, path=PASSED_PATH,
        status="SUCCEEDED", item={**PASSED_ITEM, "similarity": 98.25},
        retried={wf.SEARCH: (mock.THROTTLED[0],) * 2}),
    scenario(
        "InternalErrorThenOk", "IndexFaces fails once with Rekognition's internal error; the "
        "retry indexes the face and the selfie passes.",
        mocks={**PASSED_MOCKS, wf.INDEX: mock.INDEX_INTERNAL_ERROR_ONCE}, path=PASSED_PATH,
        status="SUCCEEDED", item={**PASSED_ITEM, "similarity": 98.25},
        retried={wf.INDEX: (mock.INTERNAL_ERROR[0],)}),
    scenario(
        "RekognitionAlwaysThrottled", "IndexFaces is throttled on every attempt: status error, "
        "one message.", mocks={**PASSED_MOCKS, wf.INDEX: mock.INDEX_ALWAYS_THROTTLED},
        path=INDEXED[:-2] + ERROR_TAIL, racing=(wf.THUMBNAIL,), error="VerificationError",
        item={"identity_verify_status": "error", "rek_faceid": None,
              "identity_verify_reason": "Rekognition.ThrottlingException: "
                                        + mock.THROTTLED[1]},
        notification=ERROR_NOTIFICATION,
        retried={wf.INDEX: (mock.THROTTLED[0],) * mock.ALL_ATTEMPTS}),
    scenario(
        "NestedCompareFails", "The nested compare workflow fails: the parent records an "
        "error and notifies once.",
        compare_mocks={compare.COMPARE: mock.COMPARE_DENIED},
        compare_path=COMPARE_START + (compare.COMPARE, compare.DESCRIBE_ERROR,
                                      compare.RECORD_ERROR, compare.FAILED),
        path=(wf.READ_THRESHOLDS, wf.CHECKS, *SEARCHED, wf.COMPARE, wf.COMPARE_DID_NOT_END,
              wf.CHECKS_RAN, wf.COMPARE_FAILED) + FAILURE_TAIL,
        error="VerificationError",
        item={"identity_verify_status": "error", "compare_status": "error",
              "identity_verify_reason": "identity compare workflow failed (see compare_reason)",
              "compare_reason": ": ".join(mock.ACCESS_DENIED), "rek_faceid": None},
        notification=ERROR_NOTIFICATION),
    rejected(
        "FaceNotIndexed", "IndexFaces indexes nothing (its quality filter dropped the face).",
        mocks={**PASSED_MOCKS, wf.INDEX: mock.NOT_INDEXED},
        path=INDEXED + (wf.NOT_INDEXED,), reason="face could not be indexed"),
    scenario(
        "RejectedFaceNotRemoved", "The gate turns the selfie down but its face cannot be "
        "removed: an error, so the leftover face is not silent.",
        mocks={**PASSED_MOCKS, wf.INDEX: mock.INDEXED_SUNGLASSES,
               wf.REMOVE_REJECTED: mock.DELETE_DENIED},
        path=GATED + (wf.QUALITY, wf.SUNGLASSES, wf.REMOVE_REJECTED) + ERROR_TAIL,
        error="VerificationError",
        item={"identity_verify_status": "error",
              "identity_verify_reason": "Rekognition.AccessDeniedException: User is not "
                                        "authorized to perform: rekognition:DeleteFaces"},
        notification=ERROR_NOTIFICATION),
    scenario(
        "RecordingPassFails", "The pass cannot be recorded: the indexed face is removed "
        "again, so the user's next attempt is no duplicate of themselves.",
        mocks={**PASSED_MOCKS, wf.RECORD_PASSED: mock.RECORD_REFUSED,
               wf.UNDO_INDEX: mock.FACE_DELETED},
        path=PASSED_PATH + (wf.UNDO_INDEX,) + ERROR_TAIL, error="VerificationError",
        item={"identity_verify_status": "error", "rek_faceid": None},
        notification=ERROR_NOTIFICATION),
    scenario(
        "ThumbnailFails", "The thumbnail Lambda refuses the picture: the face is registered "
        "all the same, without a thumbnail.",
        mocks={**PASSED_MOCKS, wf.THUMBNAIL: mock.THUMBNAIL_REFUSED},
        path=PASSED_PATH[:PASSED_PATH.index(wf.THUMBNAIL) + 1] + (wf.NO_THUMBNAIL,)
        + PASSED_PATH[PASSED_PATH.index(wf.THUMBNAIL) + 1:],
        status="SUCCEEDED", item={**PASSED_ITEM, "thumbnail_key": ""}),
    scenario(
        "IndexingFails", "IndexFaces is refused inside the Parallel state: the error is "
        "recorded and notified once.", mocks={**PASSED_MOCKS, wf.INDEX: mock.INDEX_DENIED},
        path=INDEXED[:-2] + ERROR_TAIL, racing=(wf.THUMBNAIL,), error="VerificationError",
        item={"identity_verify_status": "error", "rek_faceid": None},
        notification=ERROR_NOTIFICATION),
    scenario(
        "NewerPhotoRecorded", "A replayed event of an older photo: the item already records a "
        "newer one, so it is left alone and this run's face is removed.",
        mocks={**PASSED_MOCKS, wf.REMOVE_SUPERSEDED: mock.FACE_DELETED},
        seed_item={**ID_ACCEPTED, **NEWER_PHOTO},
        path=PASSED_PATH + (wf.REMOVE_SUPERSEDED, wf.LOOK_FOR_USER, wf.ERASED, wf.SUPERSEDED),
        status="SUCCEEDED", item={**NEWER_PHOTO, "identity_verify_status": None}),
    scenario(
        "UserErasedMeanwhile", "The user is erased (DELETE /user) while the selfie is being "
        "checked: the record's condition fails for want of the item, and the face this run "
        "indexed is removed, and so is the thumbnail it made (the erasure may have run before "
        "it was written): nothing of the user stays in the collection or the bucket.",
        mocks=ERASED_MOCKS, seed_item=None, compare_mocks=READ_BEFORE_ERASURE,
        path=ERASED_PATH + (wf.SUPERSEDED,), status="SUCCEEDED", item=ERASED_ITEM),
    scenario(
        "ErasedThumbnailLeft", "As above, but S3 refuses to delete the thumbnail: the face is "
        "gone, and the run fails visibly, saying a thumbnail may be left.",
        mocks={**ERASED_MOCKS, wf.DELETE_THUMBNAIL: THUMBNAIL_DELETE_DENIED}, seed_item=None,
        compare_mocks=READ_BEFORE_ERASURE, path=ERASED_PATH + (wf.THUMBNAIL_LEFT,),
        error="VerificationError", item=ERASED_ITEM),
    scenario(
        "OlderPhotoFaceLeft", "As above, but the older photo's face cannot be removed: the "
        "run fails visibly and still leaves the newer record alone.",
        mocks={**PASSED_MOCKS, wf.REMOVE_SUPERSEDED: mock.DELETE_DENIED},
        seed_item={**ID_ACCEPTED, **NEWER_PHOTO},
        path=PASSED_PATH + (wf.REMOVE_SUPERSEDED, wf.SUPERSEDED_FACE_LEFT),
        error="VerificationError", item={**NEWER_PHOTO, "identity_verify_status": None}),
    scenario(
        "RejectedUserErased", "The user is erased while the selfie is checked: the compare "
        "finds no ID document and records nothing, the rejection is neither recorded (no item "
        "is made anew) nor notified, and the run ends cleanly.",
        mocks={wf.SEARCH: mock.NO_DUPLICATE}, seed_item=None,
        compare_path=COMPARE_START + (compare.NO_ID, compare.RECORD_UNSCORED,
                                      compare.RETURN_VERDICT),
        path=NEW_FACE + (wf.NOT_MATCHING, wf.RECORD_FAILURE, ERASED_MEANWHILE),
        status="SUCCEEDED", item=ERASED_ITEM),
    scenario(
        "CompareErrorUserErased", "The compare reads the item, the user is erased, then "
        "CompareFaces fails: neither the compare's error nor the verification's is recorded "
        "on an item made anew, and nobody is notified.",
        mocks={wf.SEARCH: mock.NO_DUPLICATE}, seed_item=None,
        compare_mocks={compare.GET_USER: ID_ACCEPTED_READ, compare.COMPARE: mock.COMPARE_DENIED},
        compare_path=COMPARE_START + (compare.COMPARE, compare.DESCRIBE_ERROR,
                                      compare.RECORD_ERROR, compare.FAILED),
        path=(wf.READ_THRESHOLDS, wf.CHECKS, *SEARCHED, wf.COMPARE, wf.COMPARE_DID_NOT_END,
              wf.CHECKS_RAN, wf.COMPARE_FAILED, wf.RECORD_FAILURE, ERASED_MEANWHILE),
        status="SUCCEEDED", item=ERASED_ITEM),
    scenario(
        "ReVerification", "A registered user sends a new selfie (the starter removed the old "
        "face from the collection): checked, indexed, gated, recorded, as a first selfie is.",
        seed_item={**ID_ACCEPTED, "identity_verify_status": "processing",
                   "rek_faceid": REGISTERED_BEFORE},
        path=PASSED_PATH, status="SUCCEEDED",
        item={**PASSED_ITEM, "similarity": 98.25, "compare_reason": "similarity 98.3 >= 80"}),
]


EXPRESS_WORKFLOW = registry.IDENTITY_VERIFICATION_EXPRESS.name
EXPRESS_COMPARE = registry.IDENTITY_COMPARE_EXPRESS.name


def express_variant(scenario: Scenario) -> Scenario:
    """The same scenario on the Express variant: the compare's result is read in two more
    states, and the Express child leaves no execution history to check."""
    path: list[str] = []
    for state in scenario.path:
        path.append(state)
        if state == wf.COMPARE:
            path.append(wf.COMPARE_SUCCEEDED)
            if wf.COMPARE_DID_NOT_END not in scenario.path:
                path.append(wf.READ_VERDICT)
    return dataclasses.replace(scenario, workflow=EXPRESS_WORKFLOW, path=tuple(path),
                               nested_path=(), nested_workflow=EXPRESS_COMPARE)


EXPRESS_SCENARIOS = [express_variant(scenario) for scenario in SCENARIOS]
