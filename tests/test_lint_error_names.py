"""``make lint`` refuses an error name AWS never raises and a name listed twice on one state.

Each test plants one mistake in a copy of a committed definition (or mock) and sees the lint
name it; the committed files pass. The rules and the AWS documents they come from are in
``statemachines/aws_errors.py``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from generators import lint_error_names as lint
from statemachines import asl

ROOT = Path(__file__).resolve().parent.parent
VERIFICATION = json.loads((ROOT / "statemachines/identity_verification.asl.json").read_text())
EXPRESS = json.loads((ROOT / "statemachines/identity_verification.express.asl.json").read_text())
INDEX = "Index face"  # aws-sdk:rekognition:indexFaces, inside a Parallel branch
RECORD = "Record verification passed"  # dynamodb:updateItem
COMPARE = "Compare selfie with ID document"


def planted(definition: dict, state: str, change) -> dict:
    """A copy of ``definition`` with ``change`` applied to the state named ``state``."""
    copied = copy.deepcopy(definition)
    change(asl.all_states(copied)[state])
    return copied


def retry_also_on(error: str):
    return lambda state: state["Retry"][0]["ErrorEquals"].append(error)


def test_the_committed_workflows_and_mocks_pass(capsys):
    assert lint.main([]) == 0
    assert "0 finding(s)" in capsys.readouterr().out


def test_make_lint_runs_it():
    recipe = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "-m generators.lint_error_names" in recipe


@pytest.mark.parametrize("state,error,expected", [
    # aws-sdk: the suffix is always appended ("Learning to use AWS service SDK integrations").
    (INDEX, "Rekognition.InternalServerError", "did you mean "
                                               "Rekognition.InternalServerErrorException?"),
    (INDEX, "Rekognition.ServiceUnavailableException", "not an error aws-sdk:rekognition raises"),
    (INDEX, "rekognition.ThrottlingException", "did you mean Rekognition.ThrottlingException?"),
    # optimized DynamoDB: DynamoDB.<the SDK integration's name> ("Call DynamoDB with ...").
    (RECORD, "DynamoDB.RequestLimitExceeded",
     "did you mean DynamoDB.RequestLimitExceededException?"),
    (RECORD, "DynamoDb.ThrottlingException", "optimized dynamodb integration"),
    (RECORD, "States.Timeot", "not a States.* error name"),
])
def test_a_name_aws_never_raises_is_a_finding(state, error, expected):
    (finding,) = lint.definition_findings(
        "planted.asl.json", planted(VERIFICATION, state, retry_also_on(error)))
    assert finding.startswith(f"planted.asl.json: {state}: Retry {error}: ")
    assert expected in finding


def test_the_sfn_prefix_of_an_sdk_task_is_sfn():
    wrong = planted(EXPRESS, COMPARE, lambda state: state.setdefault("Retry", []).append(
        asl.retry_on("StepFunctions.ExecutionLimitExceededException")[0]))
    (finding,) = lint.definition_findings("planted", wrong)
    assert "did you mean Sfn.ExecutionLimitExceededException?" in finding


def test_an_error_listed_twice_in_a_catch_is_a_finding():
    def catch_twice(state):
        state["Catch"].insert(0, asl.catch("DynamoDB.ConditionalCheckFailedException",
                                           next=state["Catch"][0]["Next"]))
    findings = lint.definition_findings("planted", planted(VERIFICATION, RECORD, catch_twice))
    assert findings == [f"planted: {RECORD}: Catch lists DynamoDB.ConditionalCheckFailedException "
                        "twice; the second never fires"]


def test_the_command_fails_with_one_line_per_finding(tmp_path, capsys):
    wrong = planted(VERIFICATION, INDEX, retry_also_on("Rekognition.InternalServerError"))
    path = tmp_path / "planted.asl.json"
    path.write_text(json.dumps(wrong))
    assert lint.main([str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line for line in lines if line.startswith("planted.asl.json: ")] == [
        f"planted.asl.json: {INDEX}: Retry Rekognition.InternalServerError: not an error "
        "aws-sdk:rekognition raises (Rekognition.<an error in botocore's rekognition model>, "
        "Exception suffixed); did you mean Rekognition.InternalServerErrorException?"]
    assert lines[-1].startswith("error names: 1 finding(s)")


def mock_config(state: str, error: str) -> dict:
    return {"StateMachines": {"identity_verification": {"TestCases": {"Case": {
                state: "Planted"}}}},
            "MockedResponses": {"Planted": {"0": {"Throw": {"Error": error, "Cause": "x"}}}}}


def test_a_mock_that_throws_a_name_aws_never_raises_is_a_finding():
    (finding,) = lint.mock_findings(
        "mock_config.json", mock_config(INDEX, "Rekognition.InternalServerError"),
        {"identity_verification": VERIFICATION})
    assert finding.startswith(f"mock_config.json: identity_verification Case: {INDEX} throws "
                              "Rekognition.InternalServerError: ")


@pytest.mark.parametrize("state,error", [
    (INDEX, "Rekognition.InternalServerErrorException"),
    ("Make thumbnail", "ThumbnailError"),  # a Lambda function's own errorType
    ("Make thumbnail", "Lambda.TooManyRequestsException"),
])
def test_a_mock_that_throws_what_aws_raises_passes(state, error):
    assert lint.mock_findings("mock_config.json", mock_config(state, error),
                              {"identity_verification": VERIFICATION}) == []


def test_a_workflow_refuses_a_catcher_that_could_never_fire():
    workflow = asl.Workflow("two catchers for one error")
    state = asl.task(asl.sdk("rekognition", "detectFaces"), next=None, catch=[
        asl.catch("Rekognition.InvalidParameterException", next="Caught"),
        asl.catch("Rekognition.InvalidS3ObjectException",
                  "Rekognition.InvalidParameterException", next="Caught")])
    with pytest.raises(ValueError, match="lists Rekognition.InvalidParameterException twice in "
                                         "its Catch: the second never fires"):
        workflow.add("Detect", state)
