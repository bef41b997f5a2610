"""The local API front answers as the deployed API's response mapping template does."""

from __future__ import annotations

import json

import pytest

from engine import api_front
from statemachines import api_common
from templates import api


def test_a_succeeded_execution_answers_its_output():
    assert api_front.answer({"status": "SUCCEEDED", "output": '{"status": "Verified"}'}) == (
        200, '{"status": "Verified"}')


@pytest.mark.parametrize("error", sorted(api_common.ERRORS))
def test_a_refusal_answers_its_cause_under_the_status_of_its_error(error):
    cause = json.dumps({"status": error, "reason": "because"})
    status, body = api_front.answer({"status": "FAILED", "error": error, "cause": cause})
    assert (status, body) == (api_common.ERRORS[error][0], cause)
    # The deployed API's template carries the same status for the same error.
    assert f'"{error}": {status}' in api.response_template()


def test_an_unexpected_failure_is_a_502_that_keeps_the_error():
    status, body = api_front.answer({"status": "TIMED_OUT"})
    assert status == 502 and json.loads(body)["error"] == "TIMED_OUT"
    status, body = api_front.answer({"status": "FAILED", "error": "States.Runtime",
                                     "cause": "bad path"})
    assert status == 502 and json.loads(body) == {
        "status": "ServiceError", "error": "States.Runtime", "reason": "bad path"}


def test_request_validation_names_what_is_wrong():
    assert api_front.validation_error("/auth", {"userid": "ann", "selfie": {"Bytes": "AAAA"}}) \
        is None
    problem = api_front.validation_error("/auth", {"userid": "ann", "selfie": {}})
    assert "should be non-empty" in problem
    problem = api_front.validation_error("/compare", {
        "selfie": {"Bytes": "AAAA"}, "idcard": {"S3Object": {"Bucket": "b", "Name": "x.jpg"}},
        "quality_filter": "BEST"})
    assert "'BEST' is not one of" in problem and "does not match" in problem


def test_two_inline_images_fit_in_one_execution_input():
    largest = {"userid": "u" * 100, "selfie": {"Bytes": "A" * api.MAX_INLINE_IMAGE_CHARS},
               "idcard": {"Bytes": "A" * api.MAX_INLINE_IMAGE_CHARS}}
    assert len(json.dumps(largest)) < api_common.PAYLOAD_LIMIT_BYTES
