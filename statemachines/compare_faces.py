"""``POST /compare``: how similar are the faces on a selfie and on an ID document?

The "ID + Selfie" design: one CompareFaces call and a verdict against a threshold. The caller
may set the threshold (``similarity_threshold``, default ``CompareSimilarityThreshold``) and
Rekognition's ``quality_filter`` (NONE, AUTO, LOW, MEDIUM, HIGH; default AUTO). A verdict,
``Match`` or ``NoMatch``, is an answer either way; only an image without a comparable face is
refused. Nothing is stored.
"""

from __future__ import annotations

from . import asl
from .api_common import Answers, compare_selfie_with_id_card
from .api_requests import QUALITY_FILTERS, Option, Request
from .common import SHOW_SIMILARITY, SHOWN_SIMILARITY, add_shown_similarity, settings_state

NAME = "compare_faces"
TITLE = "Compare faces"
ROUTE = "/compare"
REQUEST = Request("CompareRequest", "SelfieAndIdCard", images=("selfie", "idcard"),
                  userid=False, options={
                      "similarity_threshold": Option(
                          {"type": "number", "minimum": 0, "maximum": 100}, "--threshold"),
                      "quality_filter": Option(
                          {"type": "string", "enum": QUALITY_FILTERS}, "--quality-filter"),
                  })

READ_THRESHOLDS = "Read thresholds"
DEFAULTS = "Default options"
THRESHOLD_GIVEN = "Did the request set a threshold?"
USE_THRESHOLD = "Use the requested threshold"
FILTER_GIVEN = "Did the request set a quality filter?"
USE_FILTER = "Use the requested quality filter"
COMPARE = "Compare selfie with ID photo"
NO_COMPARABLE_FACE = "No comparable face"
SIMILAR = "Is the selfie similar enough?"
MATCH = "Answer match"
NO_MATCH = "Answer no match"
NOTHING_MATCHED = "Answer no face matched"

BEST = "$.comparison.matches[0].Similarity"
DEFAULT_QUALITY_FILTER = "AUTO"


def build() -> dict:
    workflow = asl.Workflow(
        "eKYC API: compare the face on a selfie with the face on an ID document and give a "
        "verdict against a similarity threshold.")
    answers = Answers(with_userid=False)
    verdict = {"threshold.$": "$.options.similarity_threshold"}

    workflow.add(READ_THRESHOLDS, settings_state("compare_similarity", next=DEFAULTS))
    workflow.add(DEFAULTS, asl.pass_state(
        parameters={"similarity_threshold.$": "$.settings.compare_similarity",
                    "quality_filter": DEFAULT_QUALITY_FILTER},
        result_path="$.options", next=THRESHOLD_GIVEN))
    for given, use, option, after in (
            (THRESHOLD_GIVEN, USE_THRESHOLD, "similarity_threshold", FILTER_GIVEN),
            (FILTER_GIVEN, USE_FILTER, "quality_filter", COMPARE)):
        workflow.add(given, asl.choice([(asl.is_present(f"$.{option}"), use)], default=after))
        workflow.add(use, asl.pass_state(input_path=f"$.{option}",
                                         result_path=f"$.options.{option}", next=after))
    workflow.add(COMPARE, compare_selfie_with_id_card(
        answers, no_comparable_face=NO_COMPARABLE_FACE, next=SHOW_SIMILARITY,
        quality_filter="$.options.quality_filter",
        comment="SimilarityThreshold 0 returns a score for every face; the Choice applies "
                "the caller's threshold, so a no-match verdict still says how similar."))
    add_shown_similarity(workflow, similarity=BEST, next=SIMILAR)
    workflow.add(SIMILAR, asl.choice(
        [
            (asl.is_present("$.comparison.matches[0]", False), NOTHING_MATCHED),
            (asl.numeric(BEST, "GreaterThanEquals", path="$.options.similarity_threshold"),
             MATCH),
        ],
        default=NO_MATCH,
    ))
    workflow.add(MATCH, answers.answer("Match", {
        "similarity.$": BEST, **verdict,
        "reason.$": f"States.Format('similarity {{}} >= {{}}', {SHOWN_SIMILARITY}, "
                    "$.options.similarity_threshold)"}))
    workflow.add(NO_MATCH, answers.answer("NoMatch", {
        "similarity.$": BEST, **verdict,
        "reason.$": f"States.Format('similarity {{}} < {{}}', {SHOWN_SIMILARITY}, "
                    "$.options.similarity_threshold)"}))
    workflow.add(NOTHING_MATCHED, answers.answer("NoMatch", {
        "similarity": 0, **verdict,
        "reason": "no face on the ID document passed the quality filter to be compared"}))
    workflow.add(NO_COMPARABLE_FACE, answers.refuse(
        "NoComparableFace", reason_format="States.Format('{}', $.error.Cause)"))
    answers.add_failure_tail(workflow)
    return workflow.definition()
