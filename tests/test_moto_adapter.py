"""One test per fix in engine/adapter/, on the embedded engine.

Each test fails if its fix stops working. A fix that stops being needed is caught by the version
pin: ``install()`` refuses any moto but the one these fixes were checked against.
"""

from __future__ import annotations

import json
import os
import time
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from engine import adapter

from .conftest import EXTERNAL_ENGINE

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter")
ROLE = "arn:aws:iam::123456789012:role/adapter-tests"


@pytest.fixture(scope="module")
def sfn(endpoint_url):
    return boto3.client("stepfunctions", endpoint_url=endpoint_url)


@pytest.fixture(scope="module")
def ddb(endpoint_url):
    client = boto3.client("dynamodb", endpoint_url=endpoint_url)
    client.create_table(TableName="adapter-tests", BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    client.put_item(TableName="adapter-tests", Item={"id": {"S": "a"}, "v": {"S": "real"}})
    return client


def create(sfn, states: dict, name: str | None = None) -> str:
    definition = {"StartAt": next(iter(states)), "States": states}
    return sfn.create_state_machine(name=name or f"m{uuid.uuid4().hex[:10]}",
                                    definition=json.dumps(definition),
                                    roleArn=ROLE)["stateMachineArn"]


def finish(sfn, arn: str, payload: dict | None = None, **start) -> dict:
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(payload or {}),
                                    **start)["executionArn"]
    for _ in range(1000):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.01)
    raise TimeoutError(execution)


def output(described: dict) -> dict:
    assert described["status"] == "SUCCEEDED", described
    return json.loads(described["output"])


CAUGHT = {"Type": "Pass", "Parameters": {"caught.$": "$.error.Error"}, "End": True}


def test_install_refuses_an_other_moto_version(monkeypatch):
    monkeypatch.setattr(adapter, "_installed", False)
    monkeypatch.setattr(adapter.moto, "__version__", "9.9.9")
    with pytest.raises(RuntimeError, match="written for moto 5.2.5, found 9.9.9"):
        adapter.install()


# --- 1. MockConfigFile test cases ----------------------------------------------------------------

def test_test_case_mocks_its_states_and_leaves_the_others_real(sfn, ddb, tmp_path, monkeypatch):
    name = f"mocked{uuid.uuid4().hex[:8]}"
    arn = create(sfn, {
        "Detect": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rekognition:detectFaces",
                   "Parameters": {"Image": {"Bytes": "eA=="}}, "ResultPath": "$.detected",
                   "Retry": [{"ErrorEquals": ["Rekognition.ThrottlingException"],
                              "IntervalSeconds": 1, "MaxAttempts": 3}],
                   "Next": "Read"},
        "Read": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                 "Parameters": {"TableName": "adapter-tests", "Key": {"id": {"S": "a"}}},
                 "ResultSelector": {"v.$": "$.Item.v.S"}, "ResultPath": "$.read", "End": True},
    }, name=name)
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({
        "StateMachines": {name: {"TestCases": {"Throttled": {"Detect": "Faces"}}}},
        "MockedResponses": {"Faces": {
            "0-1": {"Throw": {"Error": "Rekognition.ThrottlingException", "Cause": "slow"}},
            "2": {"Return": {"FaceDetails": [{"Confidence": 99.5}]}}}},
    }))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    result = output(finish(sfn, f"{arn}#Throttled"))
    assert result == {"detected": {"FaceDetails": [{"Confidence": 99.5}]}, "read": {"v": "real"}}


def test_unknown_test_case_and_missing_config_are_clear_errors(sfn, tmp_path, monkeypatch):
    arn = create(sfn, {"Only": {"Type": "Pass", "End": True}})
    monkeypatch.delenv("SFN_MOCK_CONFIG", raising=False)
    with pytest.raises(sfn.exceptions.ClientError, match="set SFN_MOCK_CONFIG"):
        sfn.start_execution(stateMachineArn=f"{arn}#Anything", input="{}")
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({"StateMachines": {}, "MockedResponses": {}}))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    with pytest.raises(sfn.exceptions.ClientError, match="no test case 'Anything'"):
        sfn.start_execution(stateMachineArn=f"{arn}#Anything", input="{}")


def test_child_runs_the_test_case_of_its_parent(sfn, tmp_path, monkeypatch):
    child_name = f"child{uuid.uuid4().hex[:8]}"
    child = create(sfn, {"Ask": {"Type": "Task", "End": True,
                                 "Resource": "arn:aws:states:::aws-sdk:rekognition:listFaces",
                                 "Parameters": {"CollectionId": "c"}}}, name=child_name)
    parent = create(sfn, {"Run child": {
        "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "Parameters": {"StateMachineArn": child, "Input": {}},
        "ResultSelector": {"out.$": "$.Output"}, "End": True}})
    config = tmp_path / "mock.json"
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    # The parent's test case mocks nothing: only the child's Task is mocked.
    config.write_text(json.dumps({
        "StateMachines": {child_name: {"TestCases": {"Inherited": {"Ask": "Listed"}}},
                          parent.rsplit(":", 1)[1]: {"TestCases": {"Inherited": {}}}},
        "MockedResponses": {"Listed": {"0": {"Return": {"Faces": [{"FaceId": "f1"}]}}}},
    }))
    assert output(finish(sfn, f"{parent}#Inherited")) == {"out": {"Faces": [{"FaceId": "f1"}]}}


# --- 2. states:startExecution in all three patterns -----------------------------------------------

@pytest.fixture(scope="module")
def child(sfn):
    return create(sfn, {"Answer": {"Type": "Pass", "Parameters": {"doubled.$":
                                                                 "States.MathAdd($.n, $.n)"},
                                   "End": True}})


@pytest.fixture(scope="module")
def failing_child(sfn):
    return create(sfn, {"Refuse": {"Type": "Fail", "Error": "ChildRefused", "Cause": "no"}})


def nested(sfn, child_arn: str, resource: str) -> str:
    return create(sfn, {
        "Start child": {"Type": "Task", "Resource": f"arn:aws:states:::{resource}",
                        "Parameters": {"StateMachineArn": child_arn, "Input": {"n": 21}},
                        "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error",
                                   "Next": "Caught"}],
                        "End": True},
        "Caught": CAUGHT})


def test_request_response_start_returns_the_execution_and_a_json_ready_date(sfn, child):
    result = output(finish(sfn, nested(sfn, child, "states:startExecution")))
    assert result["ExecutionArn"].startswith(child.replace(":stateMachine:", ":execution:"))
    assert isinstance(result["StartDate"], int) and result["StartDate"] > 1_600_000_000_000


def test_sync_gives_the_child_output_as_a_string(sfn, child):
    result = output(finish(sfn, nested(sfn, child, "states:startExecution.sync")))
    assert result["Status"] == "SUCCEEDED" and json.loads(result["Output"]) == {"doubled": 42}


def test_sync2_gives_the_child_output_as_json(sfn, child):
    result = output(finish(sfn, nested(sfn, child, "states:startExecution.sync:2")))
    assert result["Output"] == {"doubled": 42}


@pytest.mark.parametrize("resource", ["states:startExecution.sync", "states:startExecution.sync:2"])
def test_a_failed_child_fails_the_task_into_its_catch(sfn, failing_child, resource):
    assert output(finish(sfn, nested(sfn, failing_child, resource))) == {
        "caught": "States.TaskFailed"}


# --- 3. aws-sdk error names -----------------------------------------------------------------------

@pytest.mark.parametrize("service,prefix", [("rekognition", "Rekognition"), ("s3", "S3"),
                                            ("dynamodb", "DynamoDb"), ("sfn", "Sfn"),
                                            ("secretsmanager", "SecretsManager")])
def test_sdk_error_prefix_is_the_service_as_aws_names_it(service, prefix):
    assert adapter.sdk_error_prefix(service) == prefix


def test_sdk_errors_match_catchers_written_as_on_aws(sfn):
    arn = create(sfn, {
        "Read": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                 "Parameters": {"Bucket": "no-such-bucket-here", "Key": "k"},
                 "Catch": [{"ErrorEquals": ["S3.NoSuchBucketException"], "ResultPath": "$.error",
                            "Next": "Caught"}],
                 "End": True},
        "Caught": CAUGHT})
    assert output(finish(sfn, arn)) == {"caught": "S3.NoSuchBucketException"}


# --- 4. unnamed executions ------------------------------------------------------------------------

def test_unnamed_executions_get_distinct_generated_names(sfn):
    arn = create(sfn, {"Only": {"Type": "Pass", "End": True}})
    first = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    second = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
    assert first != second
    assert not first.endswith(":None")
    assert len(first.rsplit(":", 1)[1]) == 36  # a UUID, as AWS generates


# --- 5. retry waits -------------------------------------------------------------------------------

def test_retries_still_happen_with_scaled_waits(sfn, tmp_path, monkeypatch):
    name = f"retry{uuid.uuid4().hex[:8]}"
    arn = create(sfn, {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rekognition:listCollections",
        "Parameters": {}, "End": True,
        "Retry": [{"ErrorEquals": ["Rekognition.ThrottlingException"], "IntervalSeconds": 30,
                   "BackoffRate": 2, "MaxAttempts": 2}]}}, name=name)
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({
        "StateMachines": {name: {"TestCases": {"T": {"Call": "Slow"}}}},
        "MockedResponses": {"Slow": {
            "0-1": {"Throw": {"Error": "Rekognition.ThrottlingException", "Cause": "slow"}},
            "2": {"Return": {"CollectionIds": ["c"]}}}}}))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    adapter.set_retry_time_scale(0.0001)  # 30 s and 60 s of waiting become 9 ms
    try:
        described = finish(sfn, f"{arn}#T")
    finally:
        adapter.set_retry_time_scale(float(os.environ.get("EKYC_RETRY_TIME_SCALE", "1")))
    assert output(described) == {"CollectionIds": ["c"]}
    events = sfn.get_execution_history(executionArn=described["executionArn"])["events"]
    assert [e["type"] for e in events].count("TaskFailed") == 2


# --- 6. definite JSONPaths ------------------------------------------------------------------------

def test_a_path_through_an_index_selects_one_value(sfn):
    arn = create(sfn, {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.faces[0].Confidence",
                                                 "NumericLessThan": 99, "Next": "Low"}],
                  "Default": "High"},
        "Low": {"Type": "Pass", "Parameters": {"said.$": "States.Format('{}',"
                                               " $.faces[0].Confidence)",
                                               "all.$": "$.faces[*].Confidence"},
                "End": True},
        "High": {"Type": "Pass", "End": True}})
    assert output(finish(sfn, arn, {"faces": [{"Confidence": 97.5}]})) == {
        "said": "97.5", "all": [97.5]}


def test_an_indefinite_path_always_selects_a_list(sfn):
    arn = create(sfn, {"Pick": {"Type": "Pass", "Parameters": {
        "one.$": "$.fields[?(@.type == 'FIRST_NAME')].text",
        "none.$": "$.fields[?(@.type == 'EXPIRY')].text",
        "all.$": "$.fields[*].text"}, "End": True}})
    fields = [{"type": "FIRST_NAME", "text": "ALICE"}, {"type": "LAST_NAME", "text": "MARTIN"}]
    assert output(finish(sfn, arn, {"fields": fields})) == {
        "one": ["ALICE"], "none": [], "all": ["ALICE", "MARTIN"]}


@pytest.mark.parametrize("path,definite", [
    ("$.a[0].b", True), ("$.a.b", True), ("$.a[0]", True), ("$.a[*].b", False),
    ("$..b", False), ("$.a[1:2]", False), ("$.a[?(@.x == 1)]", False), ("$.a[0,1]", False),
])
def test_definite_paths_are_told_apart(path, definite):
    assert adapter.is_definite(path) is definite


# --- 7. .sync polling -----------------------------------------------------------------------------

def test_sync_children_are_polled_promptly():
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_callback as callback,
    )

    assert callback._DELAY_SECONDS_SYNC_CONDITION_CHECK == adapter.SYNC_POLL_SECONDS


# --- 8. States.* errors out of branches -----------------------------------------------------------

BRANCH_ENDINGS = {
    "fail state": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "States.TaskFailed",
                                                    "Cause": "x"}}},
    "runtime error": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True,
                                                       "Parameters": {"x.$": "$.missing"}}}},
}


@pytest.mark.parametrize("ending", BRANCH_ENDINGS, ids=list(BRANCH_ENDINGS))
@pytest.mark.parametrize("kind", ["Parallel", "Map"])
def test_states_errors_in_branches_reach_the_catch(sfn, kind, ending):
    branch = BRANCH_ENDINGS[ending]
    body = {"Branches": [branch]} if kind == "Parallel" else {
        "ItemsPath": "$.items", "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **branch}}
    arn = create(sfn, {
        "Fan out": {"Type": kind, **body, "End": True,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                               "Next": "Caught"}]},
        "Caught": CAUGHT})
    described = finish(sfn, arn, {"items": [1]})
    if ending == "fail state":
        assert output(described) == {"caught": "States.TaskFailed"}
    else:  # States.Runtime is terminal: no catcher takes it (fix 18), the execution fails
        assert (described["status"], described["error"]) == ("FAILED", "States.Runtime")


# --- 9-11. work done once instead of per request or per execution --------------------------------

def test_request_routing_lists_moto_modules_once():
    from moto import backends

    first = backends.list_of_moto_modules()
    assert first is backends.list_of_moto_modules()
    assert "stepfunctions" in first and "dynamodb" in first


def test_a_definition_is_parsed_once_but_each_execution_gets_its_own_components():
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    definition = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    first_program, first_tree = AmazonStateLanguageParser.parse(definition)
    second_program, second_tree = AmazonStateLanguageParser.parse(definition)
    assert first_tree is second_tree
    assert first_program is not second_program


def test_json_paths_are_compiled_once_and_clients_reused(sfn):
    from moto.stepfunctions.parser.asl.utils import boto_client, json_path

    assert json_path.parse("$.a.b") is json_path.parse("$.a.b")
    client = boto_client.boto_client_for("us-east-1", "dynamodb")
    assert client is boto_client.boto_client_for("us-east-1", "dynamodb")
    assert client is not boto_client.boto_client_for("eu-west-1", "dynamodb")


# --- 12. StartSyncExecution -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def sync_client(endpoint_url):
    from botocore.config import Config

    return boto3.client("stepfunctions", endpoint_url=endpoint_url,
                        config=Config(inject_host_prefix=False))


def express(sfn, states: dict, name: str | None = None) -> str:
    return sfn.create_state_machine(
        name=name or f"x{uuid.uuid4().hex[:10]}", type="EXPRESS", roleArn=ROLE,
        definition=json.dumps({"StartAt": next(iter(states)), "States": states}),
    )["stateMachineArn"]


def test_start_sync_execution_answers_with_status_and_output(sync_client):
    doubler = express(sync_client, {"Double": {"Type": "Pass", "End": True, "Parameters": {
        "doubled.$": "States.MathAdd($.n, $.n)"}}})
    answer = sync_client.start_sync_execution(stateMachineArn=doubler, input='{"n": 4}')
    assert answer["status"] == "SUCCEEDED" and json.loads(answer["output"]) == {"doubled": 8}
    refuser = express(sync_client, {"No": {"Type": "Fail", "Error": "Refused", "Cause": "why"}})
    answer = sync_client.start_sync_execution(stateMachineArn=refuser, input="{}")
    assert (answer["status"], answer["error"], answer["cause"]) == ("FAILED", "Refused", "why")
    assert "output" not in answer


def test_start_sync_execution_refuses_standard_state_machines(sync_client):
    standard = create(sync_client, {"Only": {"Type": "Pass", "End": True}})
    with pytest.raises(sync_client.exceptions.ClientError, match="only runs EXPRESS"):
        sync_client.start_sync_execution(stateMachineArn=standard, input="{}")


def test_sdk_task_runs_an_express_child_with_the_parents_test_case(sfn, tmp_path, monkeypatch):
    child_name = f"xchild{uuid.uuid4().hex[:8]}"
    child = express(sfn, {"Ask": {"Type": "Task", "End": True,
                                  "Resource": "arn:aws:states:::aws-sdk:rekognition:listFaces",
                                  "Parameters": {"CollectionId": "c"}}}, name=child_name)
    parent = create(sfn, {"Run child": {
        "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startSyncExecution",
        "Parameters": {"StateMachineArn": child, "Input": "{}"},
        "ResultSelector": {"status.$": "$.Status", "out.$": "States.StringToJson($.Output)"},
        "End": True}})
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({
        "StateMachines": {child_name: {"TestCases": {"Case": {"Ask": "Listed"}}},
                          parent.rsplit(":", 1)[1]: {"TestCases": {"Case": {}}}},
        "MockedResponses": {"Listed": {"0": {"Return": {"Faces": [{"FaceId": "f9"}]}}}}}))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    assert output(finish(sfn, f"{parent}#Case")) == {
        "status": "SUCCEEDED", "out": {"Faces": [{"FaceId": "f9"}]}}


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


# --- 16. SQS event sources run the function's own code --------------------------------------------

HANDLER = """
import json
def handler(event, context):
    failed = [r["messageId"] for r in event["Records"] if r["body"] == "fail"]
    assert all(r["eventSource"] == "aws:sqs" and r["receiptHandle"] for r in event["Records"])
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}
"""


def test_sqs_event_source_runs_the_handler_and_redrives_its_failures(endpoint_url):
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    sqs = boto3.client("sqs", endpoint_url=endpoint_url)
    name = f"esm-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": {
        "Dead": {"Type": "AWS::SQS::Queue"},
        "Work": {"Type": "AWS::SQS::Queue", "Properties": {
            "VisibilityTimeout": 30, "RedrivePolicy": {
                "deadLetterTargetArn": {"Fn::GetAtt": ["Dead", "Arn"]}, "maxReceiveCount": 2}}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}}},
        "Function": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": HANDLER}}},
        "Mapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Work", "Arn"]},
            "FunctionName": {"Ref": "Function"}, "BatchSize": 10,
            "FunctionResponseTypes": ["ReportBatchItemFailures"]}}},
        "Outputs": {"Work": {"Value": {"Ref": "Work"}}, "Dead": {"Value": {"Ref": "Dead"}}}}))
    outputs = {o["OutputKey"]: o["OutputValue"]
               for o in cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"]}
    sqs.send_message(QueueUrl=outputs["Work"], MessageBody="ok")
    sqs.send_message(QueueUrl=outputs["Work"], MessageBody="fail")
    dead: list[str] = []
    for _ in range(100):
        dead += [m["Body"] for m in sqs.receive_message(
            QueueUrl=outputs["Dead"], WaitTimeSeconds=0).get("Messages", [])]
        if dead:
            break
        time.sleep(0.1)
    assert dead == ["fail"]
    left = sqs.get_queue_attributes(QueueUrl=outputs["Work"], AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    assert left == {"ApproximateNumberOfMessages": "0",
                    "ApproximateNumberOfMessagesNotVisible": "0"}


# --- 17. JSON nulls in templates: tests/test_adapter_template_nulls.py -------------------------

# --- 18. terminal errors -------------------------------------------------------------------------

def test_states_all_does_not_catch_a_runtime_error(sfn):
    arn = create(sfn, {
        "Read": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:listBuckets",
                 "Parameters": {}, "ResultSelector": {"missing.$": "$.NoSuchField"},
                 "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": True},
        "Caught": CAUGHT})
    described = finish(sfn, arn)
    assert (described["status"], described["error"]) == ("FAILED", "States.Runtime")


# --- 19. mocked errors of DynamoDB tasks ----------------------------------------------------------

def test_a_mocked_dynamodb_error_keeps_its_name_and_cause(sfn, tmp_path, monkeypatch):
    name = f"ddbthrow{uuid.uuid4().hex[:8]}"
    arn = create(sfn, {
        "Write": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
                  "Parameters": {"TableName": "adapter-tests", "Key": {"id": {"S": "a"}},
                                 "UpdateExpression": "SET v = :v",
                                 "ExpressionAttributeValues": {":v": {"S": "x"}}},
                  "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                             "ResultPath": "$.error", "Next": "Caught"}],
                  "End": True},
        "Caught": {"Type": "Pass", "Parameters": {"caught.$": "$.error"}, "End": True},
    }, name=name)
    config = tmp_path / "mock.json"
    config.write_text(json.dumps({
        "StateMachines": {name: {"TestCases": {"Conflict": {"Write": "Refused"}}}},
        "MockedResponses": {"Refused": {"0": {"Throw": {
            "Error": "DynamoDB.ConditionalCheckFailedException",
            "Cause": "The conditional request failed"}}}},
    }))
    monkeypatch.setenv("SFN_MOCK_CONFIG", str(config))
    assert output(finish(sfn, f"{arn}#Conflict")) == {"caught": {
        "Error": "DynamoDB.ConditionalCheckFailedException",
        "Cause": "The conditional request failed"}}


# --- 20. blob parameters of aws-sdk tasks -------------------------------------------------------

def test_base64_blob_parameters_reach_the_service_as_bytes():
    operation = adapter._operation_model("rekognition", "compare_faces")
    parameters = {"SourceImage": {"Bytes": "aGVsbG8="}, "TargetImage": {"S3Object": {
        "Bucket": "b", "Name": "k"}}, "SimilarityThreshold": 0}
    adapter.decode_blobs(parameters, operation.input_shape)
    assert parameters["SourceImage"] == {"Bytes": b"hello"}
    assert parameters["TargetImage"] == {"S3Object": {"Bucket": "b", "Name": "k"}}
    textract = adapter._operation_model("textract", "analyze_id")
    pages = {"DocumentPages": [{"Bytes": "aGk="}]}
    assert adapter.decode_blobs(pages, textract.input_shape) == {
        "DocumentPages": [{"Bytes": b"hi"}]}


# --- 21. Lambda Invoke ----------------------------------------------------------------------------

INVOKED = """
class TooDark(Exception):
    pass


def handler(event, context):
    if event.get("dark"):
        raise TooDark("the picture is too dark")
    return {"seen": event["name"], "function": context.function_name}
"""


def test_a_lambda_task_runs_the_handler_here_and_names_its_exception(endpoint_url, sfn):
    cfn = boto3.client("cloudformation", endpoint_url=endpoint_url)
    name = f"invoke-{uuid.uuid4().hex[:8]}"
    cfn.create_stack(StackName=name, TemplateBody=json.dumps({"Resources": {
        "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {
            "Version": "2012-10-17", "Statement": []}}},
        "Function": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]}, "Code": {"ZipFile": INVOKED}}}},
        "Outputs": {"Function": {"Value": {"Fn::GetAtt": ["Function", "Arn"]}}}}))
    function = cfn.describe_stacks(StackName=name)["Stacks"][0]["Outputs"][0]["OutputValue"]
    arn = create(sfn, {"Call": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": function, "Payload.$": "$"},
        "ResultSelector": {"result.$": "$.Payload"},
        "Catch": [{"ErrorEquals": ["TooDark"], "ResultPath": "$.error", "Next": "Caught"}],
        "End": True}, "Caught": CAUGHT})
    assert output(finish(sfn, arn, {"name": "alice"})) == {
        "result": {"seen": "alice", "function": function.split(":")[-1]}}
    assert output(finish(sfn, arn, {"name": "bob", "dark": True})) == {"caught": "TooDark"}
