"""Adapter fix 17 (and 14): the engine's CloudFormation refuses a template holding a JSON null,
as AWS does, and the real template, which holds none, deploys with either workflow type.

AWS's answer, quoted in aws/aws-cdk#29164, aws/serverless-application-model#1618 and
aws-cloudformation/cfn-lint#38: a ``ValidationError`` whose message is
``[/Resources/<Name>/Type/<Property>/...] 'null' values are not allowed in templates``.
"""

from __future__ import annotations

import copy
import json
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from deploy import cli
from deploy.stack import Stack, session_for
from engine.adapter import cloudformation
from harness.local_stack import LOCAL_PARAMETERS

from .conftest import EXTERNAL_ENGINE

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter")
ROOT = Path(__file__).resolve().parent.parent
ROLE = "arn:aws:iam::123456789012:role/adapter-tests"
REAL_TEMPLATE = json.loads((ROOT / "templates" / "ekyc.template.json").read_text())
DISCARDING = {"StartAt": "Discard", "States": {"Discard": {
    "Type": "Pass", "Result": {"dropped": True}, "ResultPath": None, "End": True}}}
ONE_NULL = {"Resources": {"Machine": {"Type": "AWS::StepFunctions::StateMachine",
                                      "Properties": {"RoleArn": ROLE, "Definition": DISCARDING}}}}
REFUSAL = ("[/Resources/Machine/Type/Definition/States/Discard/ResultPath] 'null' values are "
           "not allowed in templates")


@pytest.fixture(scope="module")
def cfn(endpoint_url):
    return boto3.client("cloudformation", endpoint_url=endpoint_url)


def name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def refusal(call) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    return raised.value.response["Error"]["Message"]


def stack_exists(cfn, stack: str) -> bool:
    try:
        cfn.describe_stacks(StackName=stack)
        return True
    except ClientError:
        return False


# --- the refusal ----------------------------------------------------------------------------------

def test_create_stack_refuses_a_template_with_one_null_and_creates_nothing(cfn):
    stack = name("null")
    assert refusal(lambda: cfn.create_stack(StackName=stack,
                                            TemplateBody=json.dumps(ONE_NULL))) == REFUSAL
    assert not stack_exists(cfn, stack)


def test_create_change_set_refuses_it_too(cfn):
    stack = name("null-cs")
    assert refusal(lambda: cfn.create_change_set(
        StackName=stack, ChangeSetName="first", ChangeSetType="CREATE",
        TemplateBody=json.dumps(ONE_NULL))) == REFUSAL
    assert not stack_exists(cfn, stack)


def test_an_update_bringing_a_null_is_refused_and_the_stack_keeps_its_template(cfn):
    stack = name("null-up")
    good = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps(good))
    bad = {"Resources": {**good["Resources"], **ONE_NULL["Resources"]}}
    assert refusal(lambda: cfn.update_stack(StackName=stack,
                                            TemplateBody=json.dumps(bad))) == REFUSAL
    assert refusal(lambda: cfn.create_change_set(
        StackName=stack, ChangeSetName="second", ChangeSetType="UPDATE",
        TemplateBody=json.dumps(bad))) == REFUSAL
    body = cfn.get_template(StackName=stack)["TemplateBody"]
    assert (json.loads(body) if isinstance(body, str) else body) == good


def test_validate_template_refuses_it(cfn):
    assert refusal(lambda: cfn.validate_template(TemplateBody=json.dumps(ONE_NULL))) == REFUSAL


@pytest.mark.parametrize("template,where", [
    ({"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "DependsOn": [None]}}},
     "/Resources/Queue/DependsOn/0"),
    ({"Resources": {"Queue": {"Type": "AWS::SQS::Queue",
                              "Properties": {"Tags": [{"Key": "k", "Value": None}]}}}},
     "/Resources/Queue/Type/Tags/0/Value"),
    ({"Parameters": {"Size": {"Type": "String", "Default": None}},
      "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}, "/Parameters/Size/Default"),
], ids=["resource attribute", "property in a list", "parameter"])
def test_the_message_names_where_the_null_is(cfn, template, where):
    assert refusal(lambda: cfn.create_stack(StackName=name("where"),
                                            TemplateBody=json.dumps(template))) == \
        f"[{where}] 'null' values are not allowed in templates"


def test_an_empty_yaml_value_is_a_null_too(cfn):
    template = ("Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                "      DelaySeconds:\n")
    assert refusal(lambda: cfn.create_stack(StackName=name("yaml"), TemplateBody=template)) == \
        "[/Resources/Queue/Type/DelaySeconds] 'null' values are not allowed in templates"


def test_where_aws_puts_a_null_in_its_message():
    assert cloudformation.aws_null_pointer("/Resources/M/Properties/Definition/States/S/X") == \
        "/Resources/M/Type/Definition/States/S/X"
    assert cloudformation.aws_null_pointer("/Resources/M/Metadata/k") == "/Resources/M/Metadata/k"
    assert cloudformation.aws_null_pointer("/Outputs") == "/Outputs"
    assert cloudformation.null_in_template(json.dumps({"Resources": {}})) is None


# --- what resolves to nothing is still left out ---------------------------------------------------

def test_no_value_in_a_list_leaves_no_element(endpoint_url, cfn):
    stack = name("novalue")
    cfn.create_stack(StackName=stack, TemplateBody=json.dumps({
        "Conditions": {"Never": {"Fn::Equals": ["a", "b"]}},
        "Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
            "Policies": [
                {"Fn::If": ["Never", {"PolicyName": "off", "PolicyDocument": {}},
                            {"Ref": "AWS::NoValue"}]},
                {"PolicyName": "on", "PolicyDocument": {"Version": "2012-10-17",
                                                        "Statement": []}}]}}},
        "Outputs": {"Role": {"Value": {"Ref": "Role"}}}}))
    role = cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"][0]["OutputValue"]
    iam = boto3.client("iam", endpoint_url=endpoint_url)
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["on"]


# --- fix 14: a DefinitionString chosen by Fn::If, its placeholders substituted -------------------

def test_a_definition_string_chosen_by_a_condition_runs_with_its_substitutions(
        endpoint_url, cfn):
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint_url)

    def greeting(word: str) -> str:
        return json.dumps({"StartAt": "Greet", "States": {"Greet": {
            "Type": "Pass", "Parameters": {"said": word, "to": "${Whom}"}, "End": True}}})

    template = {
        "Parameters": {"Kind": {"Type": "String", "Default": "STANDARD"}},
        "Conditions": {"IsExpress": {"Fn::Equals": [{"Ref": "Kind"}, "EXPRESS"]}},
        "Resources": {"Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "RoleArn": ROLE, "StateMachineType": {"Ref": "Kind"},
            "DefinitionString": {"Fn::If": ["IsExpress", greeting("fast"), greeting("slow")]},
            "DefinitionSubstitutions": {"Whom": {"Fn::Sub": "${AWS::Region} and ${Kind}"}}}}},
        "Outputs": {"Arn": {"Value": {"Ref": "Machine"}}}}
    for kind, word in (("STANDARD", "slow"), ("EXPRESS", "fast")):
        stack = name("definition")
        cfn.create_stack(StackName=stack, TemplateBody=json.dumps(template),
                         Parameters=[{"ParameterKey": "Kind", "ParameterValue": kind}])
        arn = cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"][0]["OutputValue"]
        described = sfn.describe_state_machine(stateMachineArn=arn)
        assert described["type"] == kind
        assert json.loads(described["definition"])["States"]["Greet"]["Parameters"] == {
            "said": word, "to": f"us-east-1 and {kind}"}


# --- make deploy ----------------------------------------------------------------------------------

@pytest.fixture
def engine(endpoint_url, monkeypatch):
    """`make deploy` pointed at the engine, and the thumbnail's code uploaded once."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    code = Stack(session_for(), "nulls", out=lambda _: None).thumbnail_code(
        with_pillow=False)
    return [f"--param={key}={value}" for key, value in
            {**code, **LOCAL_PARAMETERS}.items()]


def test_make_deploy_of_a_template_with_a_planted_null_fails_clearly(engine, tmp_path, capsys,
                                                                     cfn):
    planted = copy.deepcopy(REAL_TEMPLATE)
    properties = planted["Resources"]["SafetyNetStateMachine"]["Properties"]
    definition = json.loads(properties.pop("DefinitionString"))
    (first_null,) = [s for s, state in definition["States"].items()
                     if "ResultPath" in state and state["ResultPath"] is None][:1]
    properties["Definition"] = definition
    path = tmp_path / "planted.template.json"
    path.write_text(json.dumps(planted, indent=2))
    stack = name("planted")

    assert cli.main(["deploy", "--stack", stack, "--template", str(path), *engine]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "ValidationError" in error and "CreateChangeSet" in error
    assert (f"[/Resources/SafetyNetStateMachine/Type/Definition/States/{first_null}/ResultPath]"
            " 'null' values are not allowed in templates") in error
    assert not stack_exists(cfn, stack)


def test_make_deploy_of_the_real_template_succeeds_as_express(engine, endpoint_url, cfn):
    """STANDARD is deployed by the end-to-end tests; EXPRESS takes the other Fn::If branch."""
    stack = name("express")
    assert cli.main(["deploy", "--stack", stack, "--param=WorkflowType=EXPRESS",
                        *engine]) == 0
    outputs = Stack(session_for(), stack).outputs()
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint_url)
    described = sfn.describe_state_machine(
        stateMachineArn=outputs["IdentityVerificationStateMachineArn"])
    assert described["type"] == "EXPRESS"
    express = json.loads((ROOT / "statemachines" /
                          "identity_verification.express.asl.json").read_text())
    assert json.loads(described["definition"])["States"].keys() == express["States"].keys()
    assert "aws-sdk:sfn:startSyncExecution" in described["definition"]
    assert "startExecution.sync" not in described["definition"]
    assert "${" not in described["definition"]
    assert outputs["IdentityCompareStateMachineArn"] in described["definition"]
