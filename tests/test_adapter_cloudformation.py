"""Adapter fixes 13 to 15 (engine/adapter/cloudformation.py), on the embedded engine: change sets
leave their outputs, state machines from CloudFormation run, the resources moto skipped. Fix 17
has ``tests/test_adapter_template_nulls.py``.
"""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from .adapter_machines import ROLE, finish, output
from .conftest import EXTERNAL_ENGINE

pytestmark = [pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter"),
              pytest.mark.usefixtures("endpoint_url")]


# --- 13. CloudFormation change sets ---------------------------------------------------------------

def test_an_executed_change_set_leaves_the_stack_with_its_outputs(endpoint_url):
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    name = f"outputs-{uuid.uuid4().hex[:8]}"
    template = {"Parameters": {"Size": {"Type": "String", "Default": "small"}},
                "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
                "Outputs": {"QueueUrl": {"Value": {"Ref": "Queue"}},
                            "Size": {"Value": {"Ref": "Size"}}}}
    cfn.create_change_set(StackName=name, ChangeSetName="first", ChangeSetType="CREATE",
                          TemplateBody=json.dumps(template))
    cfn.execute_change_set(StackName=name, ChangeSetName="first")
    cfn.create_change_set(StackName=name, ChangeSetName="second", ChangeSetType="UPDATE",
                          TemplateBody=json.dumps(template),
                          Parameters=[{"ParameterKey": "Size", "ParameterValue": "large"}])
    cfn.execute_change_set(StackName=name, ChangeSetName="second")
    (stack,) = cfn.describe_stacks(StackName=name)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["Size"] == "large" and "/123456789012/" in outputs["QueueUrl"]


# --- 14. state machines from CloudFormation -------------------------------------------------------

def test_a_state_machine_deployed_by_cloudformation_runs_its_substituted_definition(
        endpoint_url, sfn):
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    name = f"sm-{uuid.uuid4().hex[:8]}"
    definition = {"StartAt": "Greet", "States": {"Greet": {
        "Type": "Pass", "Parameters": {"greeting": "${Greeting}", "limit.$":
                                       "States.StringToJson('${Limit}')"}, "End": True}}}
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({
        "Parameters": {"Limit": {"Type": "Number", "Default": "80"}},
        "Resources": {"Machine": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "RoleArn": ROLE, "StateMachineType": "STANDARD", "Definition": definition,
            "DefinitionSubstitutions": {"Greeting": "hello", "Limit": {"Ref": "Limit"}}}}},
        "Outputs": {"Arn": {"Value": {"Ref": "Machine"}},
                    "Name": {"Value": {"Fn::GetAtt": ["Machine", "Name"]}}}}))
    outputs = {o["OutputKey"]: o["OutputValue"]
               for o in cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]}
    assert outputs["Arn"].endswith(f":stateMachine:{outputs['Name']}")
    assert output(finish(sfn, outputs["Arn"])) == {"greeting": "hello", "limit": 80}


# --- 15. CloudFormation resources moto skipped ----------------------------------------------------

def test_collection_queue_policy_and_bucket_notifications_from_cloudformation(endpoint_url):
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    sqs = boto3.client("sqs", endpoint_url=endpoint_url)
    name = f"res-{uuid.uuid4().hex[:8]}"
    policy = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": ["Queue", "Arn"]}}]}
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": {
        "Faces": {"Type": "AWS::Rekognition::Collection",
                  "Properties": {"CollectionId": f"{name}-faces"}},
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Policy": {"Type": "AWS::SQS::QueuePolicy",
                   "Properties": {"Queues": [{"Ref": "Queue"}], "PolicyDocument": policy}},
        "Bucket": {"Type": "AWS::S3::Bucket", "DependsOn": ["Policy"], "Properties": {
            "NotificationConfiguration": {"QueueConfigurations": [{
                "Event": "s3:ObjectCreated:*", "Queue": {"Fn::GetAtt": ["Queue", "Arn"]},
                "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "selfie/"}]}}}]}}}},
        "Outputs": {"Collection": {"Value": {"Ref": "Faces"}},
                    "CollectionArn": {"Value": {"Fn::GetAtt": ["Faces", "Arn"]}},
                    "Queue": {"Value": {"Ref": "Queue"}}, "Bucket": {"Value": {"Ref": "Bucket"}}},
    }))
    outputs = {o["OutputKey"]: o["OutputValue"]
               for o in cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]}
    described = boto3.client("rekognition", endpoint_url=endpoint_url).describe_collection(
        CollectionId=outputs["Collection"])
    assert described["CollectionARN"] == outputs["CollectionArn"]
    attributes = sqs.get_queue_attributes(QueueUrl=outputs["Queue"],
                                          AttributeNames=["Policy"])["Attributes"]
    assert json.loads(attributes["Policy"])["Statement"][0]["Action"] == "sqs:SendMessage"

    s3 = boto3.client("s3", endpoint_url=endpoint_url)
    s3.put_object(Bucket=outputs["Bucket"], Key="selfie/alice.jpg", Body=b"x")
    s3.put_object(Bucket=outputs["Bucket"], Key="other/ignored.jpg", Body=b"x")
    bodies = [json.loads(m["Body"]) for m in sqs.receive_message(
        QueueUrl=outputs["Queue"], MaxNumberOfMessages=10).get("Messages", [])]
    keys = [record["s3"]["object"]["key"] for body in bodies for record in body.get("Records", [])]
    assert [key.replace("%2F", "/") for key in keys] == ["selfie/alice.jpg"]
    cfn.delete_stack(StackName=name)
    with pytest.raises(ClientError):
        boto3.client("rekognition", endpoint_url=endpoint_url).describe_collection(
            CollectionId=outputs["Collection"])


# --- 27. API Gateway stages from CloudFormation ---------------------------------------------------

def test_a_stage_is_created_and_sub_and_ref_give_its_name(endpoint_url):
    """"AWS::ApiGateway::Stage" (Ref returns the stage's name) and "Fn::Sub" (``${Logical}``
    gives what Ref gives), CloudFormation Template Reference."""
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    name = f"stage-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({
        "Resources": {
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": name}},
            "Method": {"Type": "AWS::ApiGateway::Method", "Properties": {
                "RestApiId": {"Ref": "Api"}, "HttpMethod": "GET", "AuthorizationType": "NONE",
                "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
                "Integration": {"Type": "AWS", "IntegrationHttpMethod": "POST", "Uri":
                                "arn:aws:apigateway:us-east-1:states:action/StartSyncExecution"}}},
            "Deployment": {"Type": "AWS::ApiGateway::Deployment", "DependsOn": ["Method"],
                           "Properties": {"RestApiId": {"Ref": "Api"}}},
            "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {
                "RestApiId": {"Ref": "Api"}, "DeploymentId": {"Ref": "Deployment"},
                "StageName": "v1"}}},
        "Outputs": {
            "Url": {"Value": {"Fn::Sub": "https://${Api}.execute-api.${AWS::Region}."
                                         "${AWS::URLSuffix}/${Stage}"}},
            "Stage": {"Value": {"Ref": "Stage"}}}}))
    (stack,) = cfn.describe_stacks(StackName=name)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    api = outputs["Url"].removeprefix("https://").split(".", 1)[0]
    assert outputs == {"Stage": "v1",
                       "Url": f"https://{api}.execute-api.us-east-1.amazonaws.com/v1"}
    stages = boto3.client("apigateway", endpoint_url=endpoint_url).get_stages(restApiId=api)
    assert [stage["stageName"] for stage in stages["item"]] == ["v1"]


# --- 28. resources that fail to create ------------------------------------------------------------

def collection_stack(name: str, collection: str) -> str:
    return json.dumps({"Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": f"{name}-queue"}},
        "Faces": {"Type": "AWS::Rekognition::Collection", "DependsOn": ["Queue"],
                  "Properties": {"CollectionId": collection}}},
        "Outputs": {"Collection": {"Value": {"Ref": "Faces"}}}})


@pytest.mark.parametrize("how", ["create_stack", "change_set"])
def test_a_resource_that_cannot_be_created_fails_the_stack_which_rolls_back(endpoint_url, how):
    """As CloudFormation does by default ("Stack status codes", CloudFormation User Guide): the
    resource ends CREATE_FAILED with the service's reason, the stack ROLLBACK_COMPLETE, and what
    it had created is deleted. The engine answered HTTP 500 instead."""
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    sqs = boto3.client("sqs", endpoint_url=endpoint_url)
    name = f"fails-{uuid.uuid4().hex[:8]}"
    taken = f"{name}-faces"
    boto3.client("rekognition", endpoint_url=endpoint_url).create_collection(CollectionId=taken)
    if how == "create_stack":
        cfn.create_stack(StackName=name, TemplateBody=collection_stack(name, taken))
    else:
        cfn.create_change_set(StackName=name, ChangeSetName="first", ChangeSetType="CREATE",
                              TemplateBody=collection_stack(name, taken))
        cfn.execute_change_set(StackName=name, ChangeSetName="first")
        assert cfn.describe_change_set(StackName=name, ChangeSetName="first")[
            "ExecutionStatus"] == "EXECUTE_FAILED"
    (stack,) = cfn.describe_stacks(StackName=name)["Stacks"]
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE" and "Outputs" not in stack
    events = cfn.describe_stack_events(StackName=name)["StackEvents"]
    (failed,) = [e for e in events if e["ResourceStatus"] == "CREATE_FAILED"]
    assert (failed["LogicalResourceId"], failed["ResourceType"]) == (
        "Faces", "AWS::Rekognition::Collection")
    assert "ResourceAlreadyExistsException" in failed["ResourceStatusReason"]
    assert "(Service: Rekognition" in failed["ResourceStatusReason"]
    assert "failed to create: [Faces]" in next(
        e["ResourceStatusReason"] for e in events if e["ResourceStatus"] == "ROLLBACK_IN_PROGRESS")
    assert f"{name}-queue" not in str(sqs.list_queues().get("QueueUrls", []))
    assert cfn.list_stack_resources(StackName=name)["StackResourceSummaries"] == []
    cfn.delete_stack(StackName=name)


def test_a_stack_that_fails_to_create_is_reported_by_the_deploy_tool(endpoint_url, monkeypatch):
    from deploy.stack import DeployError, Stack

    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
    name = f"reported-{uuid.uuid4().hex[:8]}"
    boto3.client("rekognition", endpoint_url=endpoint_url).create_collection(
        CollectionId=f"{name}-faces")
    lines: list[str] = []
    stack = Stack(boto3.session.Session(region_name="us-east-1"), name, out=lines.append,
                  poll_seconds=0.02)
    with pytest.raises(DeployError, match="ended ROLLBACK_COMPLETE"):
        stack.deploy(collection_stack(name, f"{name}-faces"), {})
    assert any(line.startswith("FAILED Faces (AWS::Rekognition::Collection): Resource handler "
                               "returned message") for line in lines)


def test_a_resource_that_fails_an_update_fails_the_stack_without_a_claimed_rollback(
        endpoint_url):
    """The engine cannot undo moto's partial update, so the stack ends UPDATE_ROLLBACK_FAILED
    (a state AWS leaves a stack in when it cannot roll back), never an HTTP 500."""
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    name = f"update-{uuid.uuid4().hex[:8]}"
    taken = f"{name}-faces"
    boto3.client("rekognition", endpoint_url=endpoint_url).create_collection(CollectionId=taken)
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": {
        "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": f"{name}-queue"}}}}))
    cfn.create_change_set(StackName=name, ChangeSetName="add", ChangeSetType="UPDATE",
                          TemplateBody=collection_stack(name, taken))
    cfn.execute_change_set(StackName=name, ChangeSetName="add")
    (stack,) = cfn.describe_stacks(StackName=name)["Stacks"]
    assert stack["StackStatus"] == "UPDATE_ROLLBACK_FAILED"
    failed = [e for e in cfn.describe_stack_events(StackName=name)["StackEvents"]
              if e["ResourceStatus"] == "CREATE_FAILED"]
    assert [e["LogicalResourceId"] for e in failed] == ["Faces"]
    assert "ResourceAlreadyExistsException" in failed[0]["ResourceStatusReason"]
