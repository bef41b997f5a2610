"""Identity compare workflow (nested): does the selfie show the person on the ID document?

Called by the identity verification workflow, which waits for it and reads its output, a verdict
``{"compare_status": "pass" | "fail", "reason": ..., "similarity": ...}``. A verdict is a
successful execution either way; only faults fail it. The caller owns the notification, so
a rejected selfie produces exactly one message.

``build(collection=True)``, deployed with ``CompareMode=COLLECTION``, calls no Rekognition
API: the parent indexed the selfie and ran one SearchFaces by its new face, and hands over
``$.search``: how many faces matched (``count``) and the match named after the user's ID
document (``id_match``, empty if none), and ``$.plan.threshold``, the search's
``FaceMatchThreshold``. The decision stays here: the match counts when it is the face recorded
on the item for the accepted ID document (``id_faceid``), and passes at or above the compare
threshold. SearchFaces returns only matches at or above ``FaceMatchThreshold`` and at most
``MaxFaces`` of them, best first, so an ID face not found is below that threshold when fewer
than ``MaxFaces`` matched, and crowded out by more similar faces when that many did.
"""

from __future__ import annotations

from contract import item

from . import asl
from .common import (
    RETRY_REKOGNITION,
    ROUND_SIMILARITY,
    SHOW_SIMILARITY,
    SHOWN_SIMILARITY,
    USER_ERASED,
    USER_EXISTS,
    add_shown_similarity,
    describe_error,
    get_user,
    reason_field,
    record_failure,
    s3_image,
    settings_state,
    update_user,
)

NAME = "identity_compare"
TITLE = "Identity compare"

READ_THRESHOLDS = "Read thresholds"
GET_USER = "Get user record"
ID_PRESENT = "Is there an accepted ID document?"
NO_ID = "No ID document"
ID_NOT_ACCEPTED = "ID document not accepted"
COMPARE = "Compare selfie with ID photo"
NO_COMPARABLE_FACE = "No comparable face"
SIMILAR = "Is the selfie similar enough?"
MATCH = "Selfie matches ID photo"
NO_MATCH = "Selfie does not match ID photo"
NO_MATCH_FOUND = "No face on the ID photo matched"
RECORD_SCORED = "Record comparison"
RECORD_UNSCORED = "Record comparison without a score"
RETURN_VERDICT = "Return verdict"
DESCRIBE_ERROR = "Describe the error"
RECORD_ERROR = "Record compare error"
FAILED = "Compare failed"

ITEM = "$.user.Item"
ID_DOCUMENT = item.ID_DOCUMENT
MATCHES = "$.comparison.matches"

# CompareMode COLLECTION
ID_FACE_KNOWN = "Is the ID document's face in the collection?"
NO_ID_FACE = "ID document's face not in the collection"
SEARCH_FOUND = "Did the search find the ID document's face?"
BELOW_THRESHOLD = "ID document's face below the threshold"
ROUND_BELOW = "Round the similarity below the threshold"
CROWDED_OUT = "ID document's face crowded out"
SEARCH_MAX_FACES = 10  # the parent's SearchFaces MaxFaces
ID_MATCH = "$.search.id_match"
RECORDED_ID_FACE = f"{ITEM}.{item.ID_FACE_ID}.S"


def verdict(status: str, *, reason: str | None = None, reason_format: str | None = None,
            similarity: str | None = None, next: str) -> asl.State:
    parameters = {item.COMPARE_STATUS: status, **reason_field(reason, reason_format)}
    if similarity is not None:
        parameters["similarity.$"] = similarity
    return asl.pass_state(parameters=parameters, result_path="$.verdict", next=next)


# A user erased since the upload: nothing is written (common.USER_EXISTS). The verdict still
# goes back; the parent's record fails the same way. An error is not recorded either, and the
# run fails with it all the same.

def add_scored_verdicts(workflow: asl.Workflow, similarity: str) -> None:
    """The verdicts on a score (``similarity``, a path): a pass at or above the compare
    threshold, a fail below it, each with the score shown to one decimal."""
    for name, status, relation in ((MATCH, item.PASS, ">="), (NO_MATCH, item.FAIL, "<")):
        workflow.add(name, verdict(
            status, reason_format=f"States.Format('similarity {{}} {relation} {{}}', "
                                  f"{SHOWN_SIMILARITY}, $.settings.compare_similarity)",
            similarity=similarity, next=RECORD_SCORED))



def record_verdict(*, scored: bool, on_error: list) -> asl.State:
    assignments = {item.COMPARE_STATUS: asl.ddb_string(f"$.verdict.{item.COMPARE_STATUS}"),
                   item.COMPARE_REASON: asl.ddb_string("$.verdict.reason")}
    if scored:
        assignments[item.SIMILARITY] = asl.ddb_number("$.verdict.similarity")
    return update_user(assignments, remove=() if scored else (item.SIMILARITY,),
                       execution_attribute=item.COMPARE_EXECUTION, next=RETURN_VERDICT,
                       condition=USER_EXISTS,
                       catch=[asl.catch(USER_ERASED,
                                        next=RETURN_VERDICT, result_path="$.not_recorded"),
                              *on_error])


def _add_search_verdicts(workflow: asl.Workflow) -> None:
    """The verdicts on the parent's search (CompareMode COLLECTION)."""
    similarity = f"{ID_MATCH}.Similarity"
    workflow.add(ID_FACE_KNOWN, asl.choice(
        [(asl.is_present(RECORDED_ID_FACE), SEARCH_FOUND)], default=NO_ID_FACE))
    # A similarity under asl.ROUNDS_TO_ZERO cannot be shown rounded; only a threshold set
    # below it lets SearchFaces return one, and such a face is then counted as not found.
    found = [asl.is_present(f"{ID_MATCH}.Face.FaceId"),
             asl.string_equals_path(f"{ID_MATCH}.Face.FaceId", RECORDED_ID_FACE),
             asl.numeric(similarity, "GreaterThanEquals", asl.ROUNDS_TO_ZERO)]
    workflow.add(SEARCH_FOUND, asl.choice(
        [
            (asl.all_of(*found, asl.numeric(similarity, "GreaterThanEquals",
                                            path="$.settings.compare_similarity")),
             ROUND_SIMILARITY),
            # Searched from a duplicate threshold below the compare threshold.
            (asl.all_of(*found), ROUND_BELOW),
            (asl.numeric("$.search.count", "LessThan", SEARCH_MAX_FACES), BELOW_THRESHOLD),
        ],
        default=CROWDED_OUT,
    ))
    for name, then in ((ROUND_SIMILARITY, MATCH), (ROUND_BELOW, NO_MATCH)):
        workflow.add(name, asl.pass_state(
            parameters={"similarity.$": asl.rounded_to_tenths(similarity)},
            result_path="$.shown", next=then))
    add_scored_verdicts(workflow, similarity)
    workflow.add(BELOW_THRESHOLD, verdict(
        item.FAIL, reason_format="States.Format('similarity below {}', $.plan.threshold)",
        next=RECORD_UNSCORED))
    workflow.add(CROWDED_OUT, verdict(
        item.FAIL, reason=f"the ID document's face is not among the {SEARCH_MAX_FACES} faces "
                          "most like the selfie", next=RECORD_UNSCORED))
    workflow.add(NO_ID_FACE, verdict(
        item.FAIL, reason="the ID document's face is not in the collection (upload the ID "
                          "document again)", next=RECORD_UNSCORED))


def build(*, collection: bool = False) -> dict:
    mode = (" as the parent's face search found it (CompareMode COLLECTION)" if collection
            else "")
    workflow = asl.Workflow(
        f"eKYC: compare a user's selfie with the face on their accepted ID document{mode}.")
    on_error = asl.catch_all(DESCRIBE_ERROR)
    best_match = f"{MATCHES}[0].Similarity"

    workflow.add(READ_THRESHOLDS, settings_state("compare_similarity", next=GET_USER))
    workflow.add(GET_USER, get_user(catch=on_error, next=ID_PRESENT))
    workflow.add(ID_PRESENT, asl.choice(
        [
            (asl.any_of(asl.is_present(f"{ITEM}.{ID_DOCUMENT.object}.S", False),
                        asl.is_present(f"{ITEM}.{ID_DOCUMENT.status}.S", False)), NO_ID),
            (asl.string_equals(f"{ITEM}.{ID_DOCUMENT.status}.S", item.PASS),
             ID_FACE_KNOWN if collection else COMPARE),
        ],
        default=ID_NOT_ACCEPTED,
    ))
    if collection:
        _add_search_verdicts(workflow)
    else:
        _add_compare_faces(workflow, best_match)
    workflow.add(NO_ID, verdict(item.FAIL, reason="no ID document", next=RECORD_UNSCORED))
    workflow.add(ID_NOT_ACCEPTED, verdict(
        item.FAIL, reason_format=f"States.Format('ID document not accepted (status {{}})', "
                                 f"{ITEM}.{ID_DOCUMENT.status}.S)",
        next=RECORD_UNSCORED))
    workflow.add(RECORD_SCORED, record_verdict(scored=True, on_error=on_error))
    workflow.add(RECORD_UNSCORED, record_verdict(scored=False, on_error=on_error))
    workflow.add(RETURN_VERDICT, asl.pass_state(output_path="$.verdict", next=None))

    workflow.add(DESCRIBE_ERROR, describe_error(error="CompareError", next=RECORD_ERROR))
    workflow.add(RECORD_ERROR, record_failure(
        item.COMPARE_STATUS, item.COMPARE_REASON, execution_attribute=item.COMPARE_EXECUTION,
        next=FAILED, catch=asl.catch_all(FAILED, result_path="$.record_error")))
    workflow.add(FAILED, asl.fail_with(error_path="$.failure.error",
                                       cause_path="$.failure.reason"))
    return workflow.definition()


def _add_compare_faces(workflow: asl.Workflow, best_match: str) -> None:
    """CompareFaces of the selfie with the ID document, and its verdicts."""
    workflow.add(COMPARE, asl.task(
        asl.sdk("rekognition", "compareFaces"),
        comment="SimilarityThreshold 0 returns a score for every face; the Choice applies "
                "the threshold so that a rejection can say how similar the faces were.",
        parameters={
            "SourceImage": s3_image(),
            "TargetImage": s3_image(f"{ITEM}.{ID_DOCUMENT.bucket}.S",
                                    f"{ITEM}.{ID_DOCUMENT.object}.S"),
            "SimilarityThreshold": 0,
        },
        result_selector={"matches.$": "$.FaceMatches"},
        result_path="$.comparison",
        retry=RETRY_REKOGNITION,
        catch=[
            # Rekognition answers InvalidParameterException when either image has no face.
            asl.catch("Rekognition.InvalidParameterException", next=NO_COMPARABLE_FACE),
            asl.catch("States.ALL", next=DESCRIBE_ERROR),
        ],
        next=SHOW_SIMILARITY,
    ))
    add_shown_similarity(workflow, similarity=best_match, next=SIMILAR)
    workflow.add(SIMILAR, asl.choice(
        [
            (asl.is_present(f"{MATCHES}[0]", False), NO_MATCH_FOUND),
            (asl.numeric(best_match, "GreaterThanEquals", path="$.settings.compare_similarity"),
             MATCH),
        ],
        default=NO_MATCH,
    ))
    add_scored_verdicts(workflow, best_match)
    workflow.add(NO_MATCH_FOUND, verdict(
        item.FAIL, reason="no face on the ID document to compare with", next=RECORD_UNSCORED))
    workflow.add(NO_COMPARABLE_FACE, verdict(
        item.FAIL, reason="no comparable face in the selfie or the ID document",
        next=RECORD_UNSCORED))
