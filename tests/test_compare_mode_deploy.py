"""Every combination of the parameters that choose definitions and permissions deploys on the
engine from the generated template: WorkflowType x AnalyzeIdDocuments x CompareMode.

For each, the three workflows a CompareMode changes run the definition the registry says
(``registry.deployed_definitions``), every placeholder substituted, as their type; their
roles may make exactly the Rekognition calls of that definition (the role's inline policies,
read back from IAM), and Textract only where AnalyzeIdDocuments is on.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest

from statemachines import registry
from statemachines.asl import all_states

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")

COMBINATIONS = list(itertools.product(("STANDARD", "EXPRESS"), ("true", "false"),
                                      ("COMPARE_FACES", "COLLECTION")))
CHANGED = ("id_document", "identity_verification", "identity_compare")


def expected_definition(workflow: registry.Workflow, workflow_type: str, mode: str) -> dict:
    holding = {registry.IS_EXPRESS} if workflow_type == "EXPRESS" else set()
    if mode == "COLLECTION":
        holding.add(registry.IS_COLLECTION)
    builders = registry.deployed_definitions(workflow)
    named = {name for key in builders for name in key}
    return builders[tuple(sorted(holding & named))]()


def rekognition_calls(definition: dict) -> set[str]:
    """The Rekognition actions a definition's tasks call, as IAM names them."""
    found = set()
    for state in all_states(definition).values():
        matched = re.fullmatch(r"arn:aws:states:::aws-sdk:rekognition:(\w+)",
                               state.get("Resource", ""))
        if matched:
            found.add(f"rekognition:{matched.group(1)[0].upper()}{matched.group(1)[1:]}")
    return found


def allowed_actions(iam, role_arn: str) -> set[str]:
    role = role_arn.rsplit("/", 1)[-1]
    actions = set()
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        for statement in document["Statement"]:
            listed = statement["Action"]
            actions.update([listed] if isinstance(listed, str) else listed)
    return actions


@pytest.mark.parametrize("workflow_type,analyze_id,mode", COMBINATIONS,
                         ids=["-".join(c) for c in COMBINATIONS])
def test_each_combination_deploys_the_definitions_and_permissions_of_its_mode(
        endpoint_url, workflow_type, analyze_id, mode):
    with stack_on_engine(endpoint_url, f"modes-{workflow_type[0]}{analyze_id[0]}{mode[:3]}",
                         WorkflowType=workflow_type, AnalyzeIdDocuments=analyze_id,
                         CompareMode=mode) as (session, _, stack):
        sfn, iam = session.client("stepfunctions"), session.client("iam")
        outputs = stack.outputs()
        for name in CHANGED:
            workflow = registry.get(name)
            described = sfn.describe_state_machine(
                stateMachineArn=outputs[workflow.arn_placeholder])
            deployed = json.loads(described["definition"])
            expected = expected_definition(workflow, workflow_type, mode)
            assert deployed["Comment"] == expected["Comment"], name
            assert set(all_states(deployed)) == set(all_states(expected)), name
            assert "${" not in described["definition"], name
            assert described["type"] == workflow_type, name
            allowed = allowed_actions(iam, described["roleArn"])
            assert {a for a in allowed if a.startswith("rekognition:")} == \
                rekognition_calls(expected), name
            if workflow.analyze_id:
                assert ("textract:AnalyzeID" in allowed) == (analyze_id == "true"), name
        settings = json.loads(sfn.describe_state_machine(
            stateMachineArn=outputs["IdDocumentStateMachineArn"])["definition"])["States"][
            "Read settings"]["Parameters"]
        assert settings["analyze_id.$"] == f"States.StringToJson('{analyze_id}')"
