"""Identity verification with ``CompareMode=COLLECTION``: two billed Rekognition calls.

The same checks as the default design, answered by the collection, where the ID document
workflow indexed the face on the user's ID under ``_id:<userid>``:

1. index the selfie (``ExternalImageId`` = userid, all attributes) while the thumbnail is
   made, and apply the quality gate to what IndexFaces saw; a selfie turned down has its face
   removed again;
2. one SearchFaces by the new FaceId, from the lower of the compare and the duplicate
   thresholds. The matches, best first, are
   sorted out one by one: the user's own earlier face is passed over; the user's ID face is
   kept for the compare; another user's selfie face at or above the duplicate threshold is a
   duplicate; another user's ID face at or above it is kept;
3. the nested identity compare workflow decides on the ID face's match (no Rekognition call
   of its own), and the pass is recorded as in the default design. A selfie that does not
   match its own ID but matches another user's ID face is turned down for showing the person
   on someone else's ID document, a reason of its own.

Any rejection after the indexing removes the face, so only faces that passed every check
stay in the collection. SearchFaces does not return the face it searches with, so the new
face is never a match of itself.
"""

from __future__ import annotations

from contract import item

from . import asl, identity_compare
from . import identity_verification as iv
from .common import (
    ID_FACE_NAME,
    INDEXED_FACE_ID,
    add_failure_tail,
    describe_error,
    reject,
    search_faces_by_id,
    settings_state,
)
from .registered_faces import ID_FACE_NAME_PATTERN

SEARCH_FROM = "Which threshold does the search start from?"
FROM_COMPARE = "Search from the compare threshold"
FROM_DUPLICATE = "Search from the duplicate threshold"
SEARCH = "Search the collection for the selfie's face"
MATCHES_LEFT = "Any match left to sort out?"
TAKE_MATCH = "Take the next match"
WHOSE_FACE = "Whose face is it?"
OWN_FACE = "Pass over the user's own earlier face"
KEEP_ID_MATCH = "Keep the match of the user's ID face"
KEEP_OTHERS_ID = "Keep the match of another user's ID face"
ANOTHER_USER = "Which face of another user is it?"
DUPLICATE = iv.DUPLICATE
SOMEONE_ELSES_ID = "Selfie matches another user's ID document"
UNDO_INDEX = iv.UNDO_INDEX

MATCH = "$.search.cursor.match"
OTHER_FACE = f"{MATCH}.Face"
OTHERS_ID = "$.search.others_id"
# The name of the user's ID face, and the search's FaceMatchThreshold: the lower of the
# compare and the duplicate thresholds, so that the search returns every match either
# decision needs.
PLAN = "$.plan"


def _add_search(workflow: asl.Workflow) -> None:
    workflow.add(SEARCH, search_faces_by_id(
        INDEXED_FACE_ID, threshold=f"{PLAN}.threshold",
        max_faces=identity_compare.SEARCH_MAX_FACES, result_path="$.search",
        more={"count.$": "States.ArrayLength($.FaceMatches)", "cursor": {"index": 0},
              "id_match": {}, "others_id": {}},
        catch=asl.catch_all(UNDO_INDEX), next=MATCHES_LEFT))
    workflow.add(MATCHES_LEFT, asl.choice(
        [(asl.numeric("$.search.cursor.index", "Equals", path="$.search.count"), iv.COMPARE)],
        default=TAKE_MATCH))
    workflow.add(TAKE_MATCH, asl.pass_state(
        parameters={"index.$": "States.MathAdd($.search.cursor.index, 1)",
                    "match.$": "States.ArrayGetItem($.search.matches, $.search.cursor.index)"},
        result_path="$.search.cursor", next=WHOSE_FACE))
    # Every face here was indexed with an ExternalImageId: a user id, or an ID face's name.
    workflow.add(WHOSE_FACE, asl.choice(
        [
            (asl.string_equals_path(f"{OTHER_FACE}.ExternalImageId", "$.userid"), OWN_FACE),
            (asl.string_equals_path(f"{OTHER_FACE}.ExternalImageId", f"{PLAN}.id_face"),
             KEEP_ID_MATCH),
            (asl.numeric(f"{MATCH}.Similarity", "GreaterThanEquals",
                         path="$.settings.duplicate_similarity"), ANOTHER_USER),
        ],
        default=MATCHES_LEFT))
    # A face of the same user left from an earlier selfie is no duplicate.
    workflow.add(OWN_FACE, asl.pass_state(next=MATCHES_LEFT))
    workflow.add(KEEP_ID_MATCH, asl.pass_state(
        parameters={"Similarity.$": f"{MATCH}.Similarity", "Face.$": OTHER_FACE},
        result_path="$.search.id_match", next=MATCHES_LEFT))
    # Another user's registered face ends the sorting: a duplicate, whatever else matched.
    # Another user's ID face is kept (the best, the first met) for the verdict: it tells why
    # a selfie that does not match its own ID fails, and does not turn down one that does
    # (someone else may have uploaded a copy of this user's document).
    is_an_id_face = asl.string_matches(f"{OTHER_FACE}.ExternalImageId", ID_FACE_NAME_PATTERN)
    workflow.add(ANOTHER_USER, asl.choice(
        [(asl.all_of(is_an_id_face, asl.is_present(f"{OTHERS_ID}.Face", False)),
          KEEP_OTHERS_ID),
         (is_an_id_face, MATCHES_LEFT)],
        default=DUPLICATE))
    workflow.add(KEEP_OTHERS_ID, asl.pass_state(
        parameters={"Similarity.$": f"{MATCH}.Similarity", "Face.$": OTHER_FACE},
        result_path=OTHERS_ID, next=MATCHES_LEFT))
    workflow.add(DUPLICATE, reject(
        reason_format=f"States.Format('duplicate of face {{}}', {OTHER_FACE}.FaceId)",
        error=iv.REJECTED, next=iv.REMOVE_REJECTED))


def _add_compare(workflow: asl.Workflow, *, express: bool) -> None:
    # The Express child is started with the whole state as its input, for want of a way to
    # build an object inside States.JsonToString; it reads the same fields.
    iv.add_compare_call(
        workflow, express=express,
        standard_input={"userid.$": "$.userid", "bucket.$": "$.bucket", "key.$": "$.key",
                        "search.$": "$.search", "plan.$": PLAN},
        express_input="States.JsonToString($)", result_path="$.checks.compare",
        next=iv.MATCHES_ID, did_not_end=iv.COMPARE_FAILED,
        # Once the face is indexed, a fault takes it out again before it is reported.
        catch=tuple(asl.catch_all(UNDO_INDEX)))
    workflow.add(iv.COMPARE_FAILED, asl.pass_state(
        parameters={"status": item.ERROR, "error": "VerificationError",
                    "reason": "identity compare workflow failed (see compare_reason)"},
        result_path="$.failure",
        next=iv.REMOVE_REJECTED,
    ))
    workflow.add(iv.MATCHES_ID, asl.choice(
        [(asl.string_equals(f"{iv.VERDICT}.{item.COMPARE_STATUS}", item.PASS),
          iv.RECORD_PASSED),
         (asl.is_present(f"{OTHERS_ID}.Face"), SOMEONE_ELSES_ID)],
        default=iv.NOT_MATCHING,
    ))
    workflow.add(SOMEONE_ELSES_ID, reject(
        reason_format="States.Format('the selfie matches the face on the ID document of "
                      f"another user (face {{}})', {OTHERS_ID}.Face.FaceId)",
        error=iv.REJECTED, next=iv.REMOVE_REJECTED))
    workflow.add(iv.NOT_MATCHING, reject(
        reason_format=f"States.Format('{{}}', {iv.VERDICT}.reason)", error=iv.REJECTED,
        next=iv.REMOVE_REJECTED))


def build(*, express: bool = False) -> dict:
    variant = " (Express variant)" if express else ""
    workflow = asl.Workflow(
        "eKYC: index a selfie's face and check its quality, then search the collection once "
        "for duplicates and the user's ID face, and register it (CompareMode COLLECTION)"
        f"{variant}.")
    workflow.add(iv.READ_THRESHOLDS, settings_state(
        *iv.gate.SETTINGS, "duplicate_similarity", "compare_similarity", next=SEARCH_FROM))
    workflow.add(SEARCH_FROM, asl.choice(
        [(asl.numeric("$.settings.duplicate_similarity", "LessThan",
                      path="$.settings.compare_similarity"), FROM_DUPLICATE)],
        default=FROM_COMPARE))
    for name, threshold in ((FROM_COMPARE, "compare_similarity"),
                            (FROM_DUPLICATE, "duplicate_similarity")):
        workflow.add(name, asl.pass_state(
            parameters={"id_face.$": ID_FACE_NAME, "threshold.$": f"$.settings.{threshold}"},
            result_path=PLAN, next=iv.INDEX_AND_THUMBNAIL))
    iv.add_indexing(workflow, asl.catch_all(iv.DESCRIBE_ERROR), passed=SEARCH,
                    collection=True)
    _add_search(workflow)
    _add_compare(workflow, express=express)
    iv.add_record(workflow)
    workflow.add(iv.DESCRIBE_ERROR, describe_error(error="VerificationError",
                                                   next=iv.RECORD_FAILURE))
    add_failure_tail(workflow, status_attribute=item.SELFIE.status,
                     reason_attribute=item.SELFIE.reason, flow=iv.NAME,
                     record=iv.RECORD_FAILURE, notify=iv.NOTIFY_FAILURE, end=iv.FAILED)
    return workflow.definition()
