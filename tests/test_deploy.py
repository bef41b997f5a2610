"""deploy/: the stack lifecycle through change sets, on the embedded engine."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from deploy import cli
from deploy.stack import BadInput, DeployError, Stack, parse_parameters, session_for

from .conftest import EXTERNAL_ENGINE

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys to the embedded engine")

TEMPLATE = {
    "Parameters": {"Retention": {"Type": "Number", "Default": "345600"}},
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue",
                  "Properties": {"MessageRetentionPeriod": {"Ref": "Retention"}}},
        "UploadBucket": {"Type": "AWS::S3::Bucket"},
    },
    "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}},
                "BucketName": {"Value": {"Ref": "UploadBucket"}}},
}


@pytest.fixture
def stack(endpoint_url, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
    lines: list[str] = []
    managed = Stack(boto3.session.Session(region_name="us-east-1"),
                           f"deploy-{uuid.uuid4().hex[:8]}", out=lines.append, poll_seconds=0.02)
    managed.lines = lines
    return managed


def test_deploy_creates_then_reports_nothing_to_change_then_updates(stack):
    assert stack.deploy(json.dumps(TEMPLATE), {}) is True
    assert any(line.strip().startswith("Add     Queue") for line in stack.lines)
    assert any("CREATE_COMPLETE" in line for line in stack.lines)
    outputs = stack.outputs()
    assert set(outputs) == {"QueueUrl", "BucketName"}
    assert any(line.strip().startswith("QueueUrl") for line in stack.lines)

    stack.lines.clear()
    assert stack.deploy(json.dumps(TEMPLATE), {}) is False
    assert stack.lines[-1] == f"stack {stack.name} is up to date: nothing to deploy"

    stack.lines.clear()
    assert stack.deploy(json.dumps(TEMPLATE), {"Retention": "86400"}) is True
    assert any("UPDATE_COMPLETE" in line for line in stack.lines)
    parameters = {p["ParameterKey"]: p["ParameterValue"]
                  for p in stack.describe()["Parameters"]}
    assert parameters["Retention"] == "86400"


def test_a_parameter_only_change_is_counted_and_shown(stack):
    stack.deploy(json.dumps(TEMPLATE), {})
    stack.lines.clear()
    assert stack.deploy(json.dumps(TEMPLATE), {"Retention": "86400"}) is True
    assert any(line.endswith(" resource change(s), 1 parameter change(s)")
               for line in stack.lines), stack.lines
    assert "  Parameter Retention: 345600 -> 86400" in stack.lines
    stack.lines.clear()
    assert stack.deploy(json.dumps(TEMPLATE), {}) is True  # back to the template's default
    assert "  Parameter Retention: 86400 -> 345600" in stack.lines


def test_a_parameter_the_template_does_not_have_is_refused_before_cloudformation(stack):
    with pytest.raises(BadInput, match="the template has no parameter Retension "
                                       r"\(it has: Retention\)"):
        stack.deploy(json.dumps(TEMPLATE), {"Retension": "60"})
    assert stack.describe() is None


def test_destroy_asks_first_then_empties_the_bucket_and_deletes_the_stack(stack):
    stack.deploy(json.dumps(TEMPLATE), {})
    bucket = stack.outputs()["BucketName"]
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key="selfie/alice.jpg", Body=b"photo")
    questions = []
    assert stack.destroy(confirm=lambda q: questions.append(q) or False) is False
    assert questions == [f"Delete stack {stack.name} and every object in bucket {bucket}?"]
    assert stack.describe() is not None
    assert stack.destroy(confirm=lambda q: True) is True
    assert stack.describe() is None
    assert f"emptied bucket {bucket} (1 object versions)" in stack.lines


def test_destroying_a_missing_stack_says_so(stack):
    assert stack.destroy(confirm=lambda q: True) is False
    assert stack.lines == [f"stack {stack.name} does not exist: nothing to destroy"]


@pytest.mark.parametrize("pairs,expected", [
    ([], {}), (["A=1", "B=x=y"], {"A": "1", "B": "x=y"}), (["Empty="], {"Empty": ""}),
])
def test_parameters_are_key_value_pairs(pairs, expected):
    assert parse_parameters(pairs) == expected


@pytest.mark.parametrize("pair", ["NoEquals", "=value"])
def test_malformed_parameters_are_refused(pair):
    with pytest.raises(DeployError, match="Key=Value"):
        parse_parameters([pair])


class RolledBack:
    """A CloudFormation client whose stack fails to create: the failure path, offline."""

    def __init__(self):
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def describe_stacks(self, StackName):
        return {"Stacks": [{"StackName": StackName, "StackStatus": "ROLLBACK_COMPLETE"}]}

    def describe_stack_events(self, StackName):
        def event(i, resource, status, reason=None):
            found = {"EventId": str(i), "LogicalResourceId": resource, "ResourceType":
                     "AWS::SQS::Queue" if resource == "Queue" else "AWS::CloudFormation::Stack",
                     "ResourceStatus": status, "Timestamp": self.now + timedelta(seconds=i)}
            if reason:
                found["ResourceStatusReason"] = reason
            return found
        return {"StackEvents": [
            event(1, "Queue", "CREATE_FAILED", "Queue name already exists"),
            event(2, StackName, "ROLLBACK_COMPLETE")]}


def test_a_failed_deployment_names_the_failing_resource_and_its_reason():
    lines: list[str] = []
    stack = Stack(boto3.session.Session(region_name="us-east-1"), "broken",
                         out=lines.append, poll_seconds=0)
    stack.cfn = RolledBack()
    assert stack._follow_events(None, total=1) == "ROLLBACK_COMPLETE"
    assert "FAILED Queue (AWS::SQS::Queue): Queue name already exists" in lines


def test_aws_region_is_honoured_as_well_as_aws_default_region(monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    assert session_for().region_name == "eu-west-3"
    assert session_for("ap-south-1").region_name == "ap-south-1"


def test_the_thumbnail_function_is_uploaded_under_its_content_hash(stack):
    import io
    import zipfile

    first = stack.thumbnail_code(with_pillow=False)
    again = stack.thumbnail_code(with_pillow=False)
    assert first == again  # same zip, same key: an unchanged function stays unchanged
    assert first["ThumbnailCodeKey"].startswith(f"{stack.name}/")
    assert first["ThumbnailCodeKey"].endswith(".zip")
    body = stack.s3.get_object(Bucket=first["ThumbnailCodeBucket"],
                               Key=first["ThumbnailCodeKey"])["Body"].read()
    assert zipfile.ZipFile(io.BytesIO(body)).namelist() == ["thumbnail.py"]


def test_deploy_packages_the_thumbnail_unless_told_where_it_is(monkeypatch):
    calls = []

    class FakeStack:
        def __init__(self, session, name):
            pass

        def thumbnail_code(self):
            calls.append("packaged")
            return {"ThumbnailCodeBucket": "built", "ThumbnailCodeKey": "built.zip"}

        def deploy(self, template, parameters):
            calls.append(parameters)

    monkeypatch.setattr(cli, "Stack", FakeStack)
    assert cli.main(["deploy", "--param", "WorkflowType=EXPRESS"]) == 0
    assert calls == ["packaged", {"ThumbnailCodeBucket": "built", "ThumbnailCodeKey": "built.zip",
                                  "WorkflowType": "EXPRESS"}]
    calls.clear()
    assert cli.main(["deploy", "--param", "ThumbnailCodeBucket=mine",
                     "--param", "ThumbnailCodeKey=f.zip"]) == 0
    assert calls == [{"ThumbnailCodeBucket": "mine", "ThumbnailCodeKey": "f.zip"}]
