"""Adapter fix 35 (engine/adapter/iam.py), on the embedded engine: a role CloudFormation makes
keeps its inline policies as IAM answers them, and a stack update applies its new ones."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest

from .conftest import EXTERNAL_ENGINE

pytestmark = [pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter"),
              pytest.mark.usefixtures("endpoint_url")]

TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}


def template(actions: list[str]) -> str:
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": "*"}]}
    return json.dumps({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": TRUST,
        "Policies": [{"PolicyName": "work", "PolicyDocument": document}]}}},
        "Outputs": {"Role": {"Value": {"Ref": "Role"}}}})


def test_a_role_policy_from_cloudformation_is_json_and_an_update_replaces_it(endpoint_url):
    """GetRolePolicy answers the policy document as URL-encoded JSON ("GetRolePolicy", IAM API
    Reference), which boto3 hands over as a dict; an update of the stack that changes the
    role's Policies changes the role's inline policy ("AWS::IAM::Role", CloudFormation Template
    Reference: Policies, update requires no interruption)."""
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    iam = boto3.client("iam", endpoint_url=endpoint_url)
    name = f"role-{uuid.uuid4().hex[:8]}"

    def allowed() -> list[str]:
        (stack,) = cfn.describe_stacks(StackName=name)["Stacks"]
        role = stack["Outputs"][0]["OutputValue"]
        document = iam.get_role_policy(RoleName=role, PolicyName="work")["PolicyDocument"]
        assert isinstance(document, dict), document  # moto kept Python's repr of it
        return document["Statement"][0]["Action"]

    cfn.create_stack(StackName=name, TemplateBody=template(["sqs:SendMessage"]))
    assert allowed() == ["sqs:SendMessage"]
    cfn.update_stack(StackName=name, TemplateBody=template(["sqs:SendMessage", "sns:Publish"]))
    assert allowed() == ["sqs:SendMessage", "sns:Publish"]
