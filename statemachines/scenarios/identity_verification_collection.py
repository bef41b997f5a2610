"""Scenarios of the identity verification workflow in CompareMode COLLECTION (and, nested, of
its identity compare): a twin of every scenario of the default design, with the same verdict
(the execution's status and error, the status recorded, the notification), and the paths only
this mode has (another user's ID face, an earlier face of the same user). Each runs on the
Standard definition and on the Express variant (``EXPRESS_SCENARIOS``).

Rekognition answers follow its API reference: IndexFaces (``FaceRecords``,
``UnindexedFaces``), SearchFaces (``SearchedFaceId``, ``FaceMatches`` of ``Similarity`` and
``Face``), DeleteFaces (``DeletedFaces``, ``UnsuccessfulFaceDeletions``).
"""

from __future__ import annotations

import dataclasses

from contract.item import ID_FACE_NAME_PREFIX

from .. import identity_compare as compare
from .. import identity_verification as wf
from .. import identity_verification_collection as cw
from .. import registry
from ..common import ERASED_MEANWHILE, ROUND_SIMILARITY
from . import Scenario, returns, throws
from . import identity_verification as selfie
from . import library as mock
from . import rekognition as rk
from .id_document_collection import ID_FACE

SELFIE_WORKFLOW = registry.IDENTITY_VERIFICATION_COLLECTION.name
NESTED = registry.IDENTITY_COMPARE_COLLECTION.name
ID_ACCEPTED = {**selfie.ID_ACCEPTED, "id_faceid": ID_FACE}
SELFIE_FACE = mock.INDEXED_FACE_ID
BOB_SELFIE = "0b7c9a52-6d1e-4f7b-9e0a-3c2d1b4a5f60"
BOB_ID = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d"
ALICE_EARLIER = selfie.REGISTERED_BEFORE


def searched(name: str, *matches: tuple[float, str, str]) -> object:
    return returns(name, rk.search_faces(SELFIE_FACE, *matches))


OWN_ID_MATCH = (98.25, ID_FACE, f"{ID_FACE_NAME_PREFIX}alice")
FOUND_ID = searched("SearchFacesIdFace", OWN_ID_MATCH)
FOUND_ID_AT_THRESHOLD = searched("SearchFacesIdFaceAtThreshold",
                                 (80, ID_FACE, f"{ID_FACE_NAME_PREFIX}alice"))
FOUND_NOTHING = searched("SearchFacesNothing")
FOUND_DUPLICATE = searched("SearchFacesBobsSelfie", (99.3, BOB_SELFIE, "bob"), OWN_ID_MATCH)
FOUND_BOBS_ID = searched("SearchFacesBobsId", (99.1, BOB_ID, f"{ID_FACE_NAME_PREFIX}bob"))
FOUND_ON_OTHER_IDS = searched(
    "SearchFacesOnOtherIds", (99.1, BOB_ID, f"{ID_FACE_NAME_PREFIX}bob"),
    (98.7, "7b6a5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d", f"{ID_FACE_NAME_PREFIX}erin"), OWN_ID_MATCH)
FOUND_OWN_AND_LOOKALIKE = searched(
    "SearchFacesIdEarlierFaceLookalike", OWN_ID_MATCH, (97.1, ALICE_EARLIER, "alice"),
    (85.2, BOB_SELFIE, "bob"))
CROWD = [(94.9 - i, f"{i:08x}-1111-4222-8333-444455556666", f"lookalike{i}")
         for i in range(compare.SEARCH_MAX_FACES)]
FOUND_CROWD = searched("SearchFacesCrowdOfLookalikes", *CROWD)
SEARCH_THROTTLED_TWICE = throws("SearchFacesByIdThrottledTwice", *mock.THROTTLED, times=2,
                                then=rk.search_faces(SELFIE_FACE, OWN_ID_MATCH))
SEARCH_DENIED = throws("SearchFacesByIdDenied", "Rekognition.AccessDeniedException",
                       "User is not authorized to perform: rekognition:SearchFaces")
INDEX_NO_FACE = returns("IndexFacesSelfieNoFace",
                        rk.index_faces(None, "alice", faces_seen=False))
INDEX_BAD_FORMAT = throws("IndexFacesBadFormat", "Rekognition.InvalidImageFormatException",
                          mock.NOT_AN_IMAGE_CAUSE)
GET_ITEM_FAILS = throws("GetItemTableMissing", *mock.TABLE_MISSING)
ID_ACCEPTED_READ = returns("GetItemIdFaceAccepted", {"Item": {
    "userid": {"S": "alice"}, **{name: {"S": value} for name, value in ID_ACCEPTED.items()}}})

PASSED_MOCKS = {wf.INDEX: mock.INDEXED_ALL, wf.THUMBNAIL: mock.THUMBNAIL_MADE,
                cw.SEARCH: FOUND_ID}
START = (wf.READ_THRESHOLDS, cw.SEARCH_FROM, cw.FROM_COMPARE, wf.INDEX_AND_THUMBNAIL, wf.INDEX)
INDEXED = START + (wf.THUMBNAIL, wf.INDEXED)
GATED = INDEXED + (wf.READ_INDEXED, wf.COUNT_FACES)
SEARCHED = GATED + (wf.QUALITY, cw.SEARCH, cw.MATCHES_LEFT)
NEXT = (cw.TAKE_MATCH, cw.WHOSE_FACE)
ID_KEPT = NEXT + (cw.KEEP_ID_MATCH, cw.MATCHES_LEFT)
COMPARED = (wf.COMPARE, wf.MATCHES_ID)
PASSED_PATH = SEARCHED + ID_KEPT + COMPARED + (wf.RECORD_PASSED,)
NOT_MATCHING = COMPARED + (wf.NOT_MATCHING, wf.REMOVE_REJECTED)

COMPARE_START = (compare.READ_THRESHOLDS, compare.GET_USER, compare.ID_PRESENT)
SEARCH_VERDICT = COMPARE_START + (compare.ID_FACE_KNOWN, compare.SEARCH_FOUND)
MATCHED_COMPARE = SEARCH_VERDICT + (ROUND_SIMILARITY, compare.MATCH, compare.RECORD_SCORED,
                                    compare.RETURN_VERDICT)
UNSCORED = (compare.RECORD_UNSCORED, compare.RETURN_VERDICT)
BELOW_COMPARE = SEARCH_VERDICT + (compare.BELOW_THRESHOLD,) + UNSCORED
FAILED_COMPARE = (compare.READ_THRESHOLDS, compare.GET_USER, compare.DESCRIBE_ERROR,
                  compare.RECORD_ERROR, compare.FAILED)
PASSED_ITEM = {**selfie.PASSED_ITEM, "similarity": 98.25,
               "compare_reason": "similarity 98.3 >= 80"}
ERASED_ITEM = {**selfie.ERASED_ITEM, "id_faceid": None}
ERASED_PATH = PASSED_PATH + (wf.REMOVE_SUPERSEDED, wf.LOOK_FOR_USER, wf.ERASED,
                             wf.DELETE_THUMBNAIL)
ERASED_MOCKS = {**PASSED_MOCKS, wf.REMOVE_SUPERSEDED: mock.FACE_DELETED,
                wf.DELETE_THUMBNAIL: returns("DeleteObjectThumbnail", {})}
INDEXING_FAILED = START + selfie.ERROR_TAIL


def _selfie(name: str) -> Scenario:
    (found,) = [s for s in selfie.SCENARIOS if s.name == name]
    return found


def twin(name: str, *, path: tuple, mocks: dict | None = None, compare_path: tuple = (),
         compare_mocks: dict | None = None, seed_item: dict | None | str = "same",
         item: dict | None = None, racing: tuple | None = None,
         retried: dict | None = None) -> Scenario:
    """The selfie scenario ``name`` in COLLECTION mode: the same verdict (status, error,
    status recorded, notification), this mode's path and answers. The seed's accepted ID
    document has its face in the collection."""
    original = _selfie(name)
    if seed_item == "same":
        seed_item = original.seed_item
        if seed_item is not None and seed_item.get("id_verify_status") == "pass":
            seed_item = {**seed_item, "id_faceid": ID_FACE}
    return dataclasses.replace(
        original, workflow=SELFIE_WORKFLOW, path=path,
        mocks=PASSED_MOCKS if mocks is None else mocks, seed_item=seed_item,
        nested_workflow=NESTED, nested_path=compare_path,
        nested_mocks={} if compare_mocks is None else compare_mocks,
        item=original.item if item is None else item,
        racing=original.racing if racing is None else racing,
        retried=original.retried if retried is None else retried)


def not_matching(name: str, reason: str, *, search, compare_path: tuple,
                 seed_item: dict | None | str = "same", sorted_out: tuple = ()) -> Scenario:
    """A verdict of the compare turns the selfie down: the face goes again. Its reason is
    this mode's; ``sorted_out``: the states of the matches passed over."""
    scenario = twin(name, path=SEARCHED + sorted_out + NOT_MATCHING + selfie.FAILURE_TAIL,
                mocks={**PASSED_MOCKS, cw.SEARCH: search,
                       wf.REMOVE_REJECTED: mock.FACE_DELETED},
                compare_path=compare_path, seed_item=seed_item,
                item={"identity_verify_status": "fail", "identity_verify_reason": reason,
                      "rek_faceid": None, "compare_status": "fail", "compare_reason": reason,
                      "similarity": None})
    return dataclasses.replace(scenario, notification={**scenario.notification,
                                                       "reason": reason})


def gate_rejected(name: str, indexed, states: tuple) -> Scenario:
    return twin(name, path=GATED + states + (wf.REMOVE_REJECTED,) + selfie.FAILURE_TAIL,
                mocks={**PASSED_MOCKS, wf.INDEX: indexed, wf.REMOVE_REJECTED: mock.FACE_DELETED})


def rejected(name: str, description: str, reason: str, *, mocks: dict, path: tuple,
             compare_path: tuple = ()) -> Scenario:
    """A rejection only this mode knows."""
    return Scenario(
        workflow=SELFIE_WORKFLOW, name=name, description=description, userid="alice",
        upload="selfie", mocks=mocks, path=path + selfie.FAILURE_TAIL, status="FAILED",
        error="VerificationRejected", seed_item=ID_ACCEPTED,
        item={"identity_verify_status": "fail", "identity_verify_reason": reason,
              "rek_faceid": None, "compare_status": "fail"},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail", "reason": reason},
        nested_mocks={}, nested_path=compare_path, nested_workflow=NESTED)


SCENARIOS = [
    twin("HappyPath", path=PASSED_PATH, compare_path=MATCHED_COMPARE, item=PASSED_ITEM),
    twin("NoFace", path=INDEXED + (wf.NO_FACE,) + selfie.FAILURE_TAIL,
         mocks={**PASSED_MOCKS, wf.INDEX: INDEX_NO_FACE}),
    twin("NotAnImage", path=START + (wf.THUMBNAIL, wf.NOT_AN_IMAGE) + selfie.FAILURE_TAIL,
         mocks={**PASSED_MOCKS, wf.INDEX: INDEX_BAD_FORMAT}, racing=(wf.THUMBNAIL,)),
    gate_rejected("TwoFaces", mock.INDEXED_TWO_FACES, (wf.SEVERAL_FACES,)),
    gate_rejected("LowConfidence", mock.INDEXED_LOW_CONFIDENCE, (wf.QUALITY, wf.LOW_CONFIDENCE)),
    gate_rejected("Sunglasses", mock.INDEXED_SUNGLASSES, (wf.QUALITY, wf.SUNGLASSES)),
    gate_rejected("EyesClosed", mock.INDEXED_EYES_CLOSED, (wf.QUALITY, wf.EYES_CLOSED)),
    gate_rejected("PoseTooLarge", mock.INDEXED_HEAD_TURNED, (wf.QUALITY, wf.POSE)),
    twin("DuplicateFace", path=SEARCHED + NEXT + (cw.ANOTHER_USER, cw.DUPLICATE,
                                                  wf.REMOVE_REJECTED) + selfie.FAILURE_TAIL,
         mocks={**PASSED_MOCKS, cw.SEARCH: FOUND_DUPLICATE,
                wf.REMOVE_REJECTED: mock.FACE_DELETED}),
    not_matching("IdDocumentMissing", "no ID document", search=FOUND_NOTHING,
                 compare_path=COMPARE_START + (compare.NO_ID,) + UNSCORED),
    not_matching("IdDocumentRejected", "ID document not accepted (status fail)",
                 search=FOUND_NOTHING,
                 compare_path=COMPARE_START + (compare.ID_NOT_ACCEPTED,) + UNSCORED),
    # SearchFaces returns no match below FaceMatchThreshold, the compare threshold: fewer
    # matches than MaxFaces and none of the ID's face means it is less similar than that.
    not_matching("NotSimilar", "similarity below 80", search=FOUND_NOTHING,
                 compare_path=BELOW_COMPARE),
    not_matching("StrangerOnId", "similarity below 80", search=FOUND_NOTHING,
                 compare_path=BELOW_COMPARE),
    # An ID accepted before the stack switched to COLLECTION has no face in the collection.
    not_matching("NoFaceMatchedOnId", "the ID document's face is not in the collection "
                 "(upload the ID document again)", search=FOUND_NOTHING,
                 seed_item=selfie.ID_ACCEPTED,
                 compare_path=COMPARE_START + (compare.ID_FACE_KNOWN, compare.NO_ID_FACE)
                 + UNSCORED),
    # MaxFaces matches, the ID's face not among them: crowded out by more similar faces.
    not_matching("NoComparableFace", "the ID document's face is not among the "
                 f"{compare.SEARCH_MAX_FACES} faces most like the selfie", search=FOUND_CROWD,
                 sorted_out=(*NEXT, cw.MATCHES_LEFT) * compare.SEARCH_MAX_FACES,
                 compare_path=SEARCH_VERDICT + (compare.CROWDED_OUT,) + UNSCORED),
    twin("SimilarityAtThreshold", path=PASSED_PATH, compare_path=MATCHED_COMPARE,
         mocks={**PASSED_MOCKS, cw.SEARCH: FOUND_ID_AT_THRESHOLD},
         item={**selfie.PASSED_ITEM, "similarity": 80,
               "compare_reason": "similarity 80.0 >= 80"}),
    twin("ThrottledTwiceThenOk", path=PASSED_PATH, compare_path=MATCHED_COMPARE,
         mocks={**PASSED_MOCKS, cw.SEARCH: SEARCH_THROTTLED_TWICE}, item=PASSED_ITEM,
         retried={cw.SEARCH: (mock.THROTTLED[0],) * 2}),
    twin("InternalErrorThenOk", path=PASSED_PATH, compare_path=MATCHED_COMPARE,
         mocks={**PASSED_MOCKS, wf.INDEX: mock.INDEX_INTERNAL_ERROR_ONCE}, item=PASSED_ITEM),
    twin("RekognitionAlwaysThrottled", path=INDEXING_FAILED,
         mocks={**PASSED_MOCKS, wf.INDEX: mock.INDEX_ALWAYS_THROTTLED}),
    twin("NestedCompareFails", path=SEARCHED + ID_KEPT + (
        wf.COMPARE, wf.COMPARE_FAILED, wf.REMOVE_REJECTED) + selfie.FAILURE_TAIL,
         mocks={**PASSED_MOCKS, wf.REMOVE_REJECTED: mock.FACE_DELETED},
         compare_mocks={compare.GET_USER: GET_ITEM_FAILS}, compare_path=FAILED_COMPARE,
         item={"identity_verify_status": "error", "compare_status": "error",
               "identity_verify_reason": "identity compare workflow failed (see "
                                         "compare_reason)",
               "compare_reason": ": ".join(mock.TABLE_MISSING), "rek_faceid": None}),
    twin("FaceNotIndexed", path=INDEXED + (wf.NOT_INDEXED,) + selfie.FAILURE_TAIL,
         mocks={**PASSED_MOCKS, wf.INDEX: mock.NOT_INDEXED}),
    twin("RejectedFaceNotRemoved",
         path=GATED + (wf.QUALITY, wf.SUNGLASSES, wf.REMOVE_REJECTED) + selfie.ERROR_TAIL,
         mocks={**PASSED_MOCKS, wf.INDEX: mock.INDEXED_SUNGLASSES,
                wf.REMOVE_REJECTED: mock.DELETE_DENIED}),
    twin("RecordingPassFails", path=PASSED_PATH + (wf.UNDO_INDEX,) + selfie.ERROR_TAIL,
         compare_path=MATCHED_COMPARE,
         mocks={**PASSED_MOCKS, wf.RECORD_PASSED: mock.RECORD_REFUSED,
                wf.UNDO_INDEX: mock.FACE_DELETED}),
    twin("ThumbnailFails", path=INDEXED[:-1] + (wf.NO_THUMBNAIL,) + PASSED_PATH[len(INDEXED)
                                                                              - 1:],
         compare_path=MATCHED_COMPARE, mocks={**PASSED_MOCKS, wf.THUMBNAIL: mock.THUMBNAIL_REFUSED},
         item={**PASSED_ITEM, "thumbnail_key": ""}),
    twin("IndexingFails", path=INDEXING_FAILED,
         mocks={**PASSED_MOCKS, wf.INDEX: mock.INDEX_DENIED}),
    twin("NewerPhotoRecorded", path=PASSED_PATH + (wf.REMOVE_SUPERSEDED, wf.LOOK_FOR_USER,
                                                   wf.ERASED, wf.SUPERSEDED),
         compare_path=MATCHED_COMPARE,
         mocks={**PASSED_MOCKS, wf.REMOVE_SUPERSEDED: mock.FACE_DELETED}),
    twin("UserErasedMeanwhile", path=ERASED_PATH + (wf.SUPERSEDED,), mocks=ERASED_MOCKS,
         compare_mocks={compare.GET_USER: ID_ACCEPTED_READ}, compare_path=MATCHED_COMPARE,
         item=ERASED_ITEM),
    twin("ErasedThumbnailLeft", path=ERASED_PATH + (wf.THUMBNAIL_LEFT,),
         mocks={**ERASED_MOCKS, wf.DELETE_THUMBNAIL: selfie.THUMBNAIL_DELETE_DENIED},
         compare_mocks={compare.GET_USER: ID_ACCEPTED_READ}, compare_path=MATCHED_COMPARE,
         item=ERASED_ITEM),
    twin("OlderPhotoFaceLeft", path=PASSED_PATH + (wf.REMOVE_SUPERSEDED,
                                                   wf.SUPERSEDED_FACE_LEFT),
         compare_path=MATCHED_COMPARE,
         mocks={**PASSED_MOCKS, wf.REMOVE_SUPERSEDED: mock.DELETE_DENIED}),
    twin("RejectedUserErased", path=SEARCHED + NOT_MATCHING + (wf.RECORD_FAILURE,
                                                               ERASED_MEANWHILE),
         mocks={**PASSED_MOCKS, cw.SEARCH: FOUND_NOTHING, wf.REMOVE_REJECTED: mock.FACE_DELETED},
         compare_path=COMPARE_START + (compare.NO_ID,) + UNSCORED, item=ERASED_ITEM),
    twin("CompareErrorUserErased", path=SEARCHED + ID_KEPT + (
        wf.COMPARE, wf.COMPARE_FAILED, wf.REMOVE_REJECTED, wf.RECORD_FAILURE, ERASED_MEANWHILE),
         mocks={**PASSED_MOCKS, wf.REMOVE_REJECTED: mock.FACE_DELETED},
         compare_mocks={compare.GET_USER: GET_ITEM_FAILS}, compare_path=FAILED_COMPARE,
         item=ERASED_ITEM),
    # --- this mode's own paths
    rejected("SomeoneElsesIdDocument", "The selfie does not match the user's ID but shows "
             "the person on another user's ID document (its face is named _id:bob): a "
             "rejection of its own.",
             f"the selfie matches the face on the ID document of another user (face {BOB_ID})",
             mocks={**PASSED_MOCKS, cw.SEARCH: FOUND_BOBS_ID,
                    wf.REMOVE_REJECTED: mock.FACE_DELETED},
             path=SEARCHED + NEXT + (cw.ANOTHER_USER, cw.KEEP_OTHERS_ID, cw.MATCHES_LEFT)
             + COMPARED + (cw.SOMEONE_ELSES_ID, wf.REMOVE_REJECTED),
             compare_path=BELOW_COMPARE),
    Scenario(
        workflow=SELFIE_WORKFLOW, name="OnOtherUsersIdDocuments", description="The user's "
        "face is also on the ID documents two other users uploaded (copies of hers): her "
        "selfie matches her own ID, so she passes; the others' faces are no reason to turn "
        "her down.",
        userid="alice", upload="selfie", seed_item=ID_ACCEPTED,
        mocks={**PASSED_MOCKS, cw.SEARCH: FOUND_ON_OTHER_IDS},
        path=SEARCHED + NEXT + (cw.ANOTHER_USER, cw.KEEP_OTHERS_ID, cw.MATCHES_LEFT) + NEXT
        + (cw.ANOTHER_USER, cw.MATCHES_LEFT) + ID_KEPT + COMPARED + (wf.RECORD_PASSED,),
        item=PASSED_ITEM, nested_mocks={}, nested_path=MATCHED_COMPARE,
        nested_workflow=NESTED),
    Scenario(
        workflow=SELFIE_WORKFLOW, name="EarlierFaceAndLookalike", description="The search "
        "finds the ID's face, an earlier face of the same user (no duplicate) and another "
        "user's face below the duplicate threshold: the selfie passes.",
        userid="alice", upload="selfie", seed_item=ID_ACCEPTED,
        mocks={**PASSED_MOCKS, cw.SEARCH: FOUND_OWN_AND_LOOKALIKE},
        path=SEARCHED + ID_KEPT + NEXT + (cw.OWN_FACE, cw.MATCHES_LEFT) + NEXT
        + (cw.MATCHES_LEFT,) + COMPARED + (wf.RECORD_PASSED,),
        item=PASSED_ITEM, nested_mocks={}, nested_path=MATCHED_COMPARE,
        nested_workflow=NESTED),
    twin("ReVerification", path=PASSED_PATH, compare_path=MATCHED_COMPARE, item=PASSED_ITEM),
    Scenario(
        workflow=SELFIE_WORKFLOW, name="SearchFails", description="SearchFaces is refused: "
        "the indexed face is removed before the error is recorded and notified.",
        userid="alice", upload="selfie", seed_item=ID_ACCEPTED,
        mocks={**PASSED_MOCKS, cw.SEARCH: SEARCH_DENIED, wf.UNDO_INDEX: mock.FACE_DELETED},
        path=GATED + (wf.QUALITY, cw.SEARCH, wf.UNDO_INDEX) + selfie.ERROR_TAIL,
        status="FAILED", error="VerificationError",
        item={"identity_verify_status": "error", "rek_faceid": None},
        notification=selfie.ERROR_NOTIFICATION, nested_mocks={}, nested_workflow=NESTED),
]


# A deployment whose duplicate threshold (70) is below the compare threshold (80): the
# search starts from the duplicate threshold, so an ID face below the compare threshold is
# found and scored, and a duplicate below it is seen.
LOW_START = (wf.READ_THRESHOLDS, cw.SEARCH_FROM, cw.FROM_DUPLICATE, wf.INDEX_AND_THUMBNAIL,
             wf.INDEX, wf.THUMBNAIL, wf.INDEXED, wf.READ_INDEXED, wf.COUNT_FACES, wf.QUALITY,
             cw.SEARCH, cw.MATCHES_LEFT)
LOW_DUPLICATE = searched("SearchFacesBobAt75", (75.2, BOB_SELFIE, "bob"), OWN_ID_MATCH)
ID_FACE_AT_75 = searched("SearchFacesIdFaceAt75", (75.34, ID_FACE, f"{ID_FACE_NAME_PREFIX}alice"))


def _low(name: str, description: str, *, search, path: tuple, reason: str,
         compare_path: tuple = (), item: dict | None = None) -> Scenario:
    return Scenario(
        workflow=registry.IDENTITY_VERIFICATION_COLLECTION_LOW_DUPLICATE.name, name=name,
        description=description, userid="alice", upload="selfie", seed_item=ID_ACCEPTED,
        mocks={**PASSED_MOCKS, cw.SEARCH: search, wf.REMOVE_REJECTED: mock.FACE_DELETED},
        path=LOW_START + path + (wf.REMOVE_REJECTED,) + selfie.FAILURE_TAIL, status="FAILED",
        error="VerificationRejected",
        item={"identity_verify_status": "fail", "identity_verify_reason": reason,
              "rek_faceid": None, **(item or {})},
        notification={"userid": "alice", "flow": wf.NAME, "status": "fail", "reason": reason},
        nested_mocks={}, nested_path=compare_path, nested_workflow=NESTED)


LOW_DUPLICATE_SCENARIOS = [
    _low("DuplicateBelowTheCompareThreshold", "With the duplicate threshold at 70, below the "
         "compare threshold, another user's face at 75.2 is a duplicate: the search starts "
         "from 70.", search=LOW_DUPLICATE, reason=f"duplicate of face {BOB_SELFIE}",
         path=NEXT + (cw.ANOTHER_USER, cw.DUPLICATE)),
    _low("IdFaceBelowTheCompareThreshold", "With the duplicate threshold at 70, the ID's face "
         "is found at 75.34, below the compare threshold: scored, and turned down.",
         search=ID_FACE_AT_75, reason="similarity 75.3 < 80",
         path=ID_KEPT + (wf.COMPARE, wf.MATCHES_ID, wf.NOT_MATCHING),
         compare_path=SEARCH_VERDICT + (compare.ROUND_BELOW, compare.NO_MATCH,
                                        compare.RECORD_SCORED, compare.RETURN_VERDICT),
         item={"compare_status": "fail", "similarity": 75.34}),
]


def express_twin(scenario: Scenario,
                 workflow: str = registry.IDENTITY_VERIFICATION_COLLECTION_EXPRESS.name
                 ) -> Scenario:
    """The same scenario on the Express variant: the compare's result is read in two more
    states, and the Express child leaves no execution history to check."""
    path: list[str] = []
    for here, after in zip(scenario.path, (*scenario.path[1:], None), strict=True):
        path.append(here)
        if here == wf.COMPARE:
            path.append(wf.COMPARE_SUCCEEDED)
            if after != wf.COMPARE_FAILED:
                path.append(wf.READ_VERDICT)
    return dataclasses.replace(
        scenario, workflow=workflow, path=tuple(path), nested_path=(),
        nested_workflow=registry.IDENTITY_COMPARE_COLLECTION_EXPRESS.name)


EXPRESS_SCENARIOS = [express_twin(scenario) for scenario in SCENARIOS]
LOW_DUPLICATE_EXPRESS_SCENARIOS = [
    express_twin(scenario, registry.IDENTITY_VERIFICATION_COLLECTION_EXPRESS_LOW_DUPLICATE.name)
    for scenario in LOW_DUPLICATE_SCENARIOS]
