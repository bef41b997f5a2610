"""Reasons quote a similarity rounded to one decimal, built from documented intrinsics only.

"Intrinsic functions for JSONPath states" (Step Functions Developer Guide): States.MathAdd
rounds a non-integer argument to the nearest integer; States.StringToJson parses a string as
JSON; up to 10 intrinsics may be nested in one field. These run on the engine the tests use
(or on Step Functions Local, with AWS_ENDPOINT_URL set).
"""

from __future__ import annotations

import pytest

from client.verdict import shown_similarity
from statemachines import asl
from statemachines.common import SHOWN_SIMILARITY, add_shown_similarity

from .adapter_machines import create, finish, output

REASON = f"States.Format('similarity {{}} < {{}}', {SHOWN_SIMILARITY}, $.threshold)"


@pytest.fixture(scope="module")
def rounding(sfn) -> str:
    return create(sfn, {"Round": {
        "Type": "Pass", "Parameters": {"rounded.$": asl.rounded_to_tenths("$.score")},
        "End": True}})


@pytest.fixture(scope="module")
def reasons(sfn) -> str:
    workflow = asl.Workflow("a reason quoting a similarity")
    add_shown_similarity(workflow, similarity="$.comparison.matches[0].Similarity",
                         next="Reason")
    workflow.add("Reason", asl.pass_state(parameters={"reason.$": REASON}, next=None))
    return create(sfn, workflow.definition()["States"])


ROUNDING_CASES = [
    (57.6106, 57.6), (98.25, 98.3), (58.0, 58.0), (80, 80.0), (100, 100.0),
    (99.99861907958984, 100.0), (asl.ROUNDS_TO_ZERO, 0.1), (0.0499, 0.0), (0.001, 0.0),
]


@pytest.mark.parametrize("score,rounded", ROUNDING_CASES)
def test_a_number_is_rounded_to_tenths(sfn, rounding, score, rounded):
    result = output(finish(sfn, rounding, {"score": score}))["rounded"]
    assert result == rounded and isinstance(result, float)


@pytest.mark.parametrize("score,rounded", ROUNDING_CASES)
def test_the_client_shows_a_similarity_as_the_reasons_do(score, rounded):
    """The verdict line and the demo's tables print what the workflow's reason quotes."""
    assert shown_similarity(score) == str(rounded)


def test_a_number_written_with_an_exponent_breaks_the_rounding(sfn, rounding):
    # Why a tiny similarity must not reach the intrinsic: "1.23e-05e1" is no JSON number.
    assert finish(sfn, rounding, {"score": 1.23e-05})["status"] == "FAILED"


@pytest.mark.parametrize("score,reason", [
    (57.6106, "similarity 57.6 < 80"),
    (58, "similarity 58.0 < 80"),
    (1.23e-05, "similarity 0.0 < 80"),
    (0, "similarity 0.0 < 80"),
])
def test_the_reason_shows_the_similarity_rounded(sfn, reasons, score, reason):
    answer = output(finish(sfn, reasons, {"comparison": {"matches": [{"Similarity": score}]},
                                          "threshold": 80}))
    assert answer["reason"] == reason


def test_without_a_similarity_nothing_is_shown(sfn, reasons):
    described = finish(sfn, reasons, {"comparison": {"matches": []}, "threshold": 80})
    # The reason state reads the shown similarity: without one, the path is missing.
    assert described["status"] == "FAILED" and "shown" in described.get("cause", "")
