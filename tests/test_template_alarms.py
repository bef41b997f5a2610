"""The operations alarms in the generated template (templates/alarms.py): no engine evaluates
them, so the template itself is checked. Each alarm watches a metric AWS documents, under the
dimensions AWS documents for it, naming a resource of this stack of the right type; every
dead-letter queue and every upload workflow has its alarms; each notifies the operations topic,
which only this stack's alarms may publish to; thresholds are parameters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from statemachines import asl, registry

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((ROOT / "templates" / "ekyc.template.json").read_text())
RESOURCES = TEMPLATE["Resources"]
PARAMETERS = TEMPLATE["Parameters"]
ALARMS = {title: resource["Properties"] for title, resource in RESOURCES.items()
          if resource["Type"] == "AWS::CloudWatch::Alarm"}

# (namespace, metric) -> the dimension sets AWS documents for it, from:
# - "Available CloudWatch metrics for Amazon SQS", Amazon SQS Developer Guide: the only
#   dimension of AWS/SQS is QueueName.
# - "Monitoring Step Functions metrics using Amazon CloudWatch", Step Functions Developer
#   Guide: execution metrics (ExecutionsFailed, ExecutionsTimedOut, ExecutionsAborted...)
#   have the dimension StateMachineArn.
# - "Types of metrics for Lambda functions" / "Working with Lambda function metrics", Lambda
#   Developer Guide: Errors, by FunctionName (or FunctionName and Resource), or unscoped.
# - "Amazon API Gateway dimensions and metrics", API Gateway Developer Guide: 5XXError and
#   Latency by ApiName, or ApiName and Stage (or with Method and Resource as well).
# - "Monitoring Rekognition with Amazon CloudWatch", Rekognition Developer Guide: one
#   dimension, Operation; without it, a metric covers every operation of the account.
DOCUMENTED = {
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): [{"QueueName"}],
    **{("AWS/States", metric): [{"StateMachineArn"}]
       for metric in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted")},
    ("AWS/Lambda", "Errors"): [set(), {"FunctionName"}, {"FunctionName", "Resource"}],
    **{("AWS/ApiGateway", metric): [{"ApiName"}, {"ApiName", "Stage"},
                                    {"ApiName", "Method", "Resource", "Stage"}]
       for metric in ("5XXError", "Latency")},
    ("AWS/Rekognition", "ThrottledCount"): [set(), {"Operation"}],
}
# How a dimension names a resource of the stack: the resource type, and the intrinsic that
# yields the value the metric carries (a queue's name, a state machine's ARN...).
DIMENSION_SOURCES = {
    "QueueName": ("AWS::SQS::Queue", lambda title: {"Fn::GetAtt": [title, "QueueName"]}),
    "StateMachineArn": ("AWS::StepFunctions::StateMachine", lambda title: {"Ref": title}),
    "FunctionName": ("AWS::Lambda::Function", lambda title: {"Ref": title}),
    "Stage": ("AWS::ApiGateway::Stage", lambda title: {"Ref": title}),
}


def dimensions(alarm: dict) -> dict:
    return {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}


def named_resource(value) -> str:
    """The title of the resource a Ref or Fn::GetAtt names."""
    if "Ref" in value:
        return value["Ref"]
    return value["Fn::GetAtt"][0]


def alarmed(metric: str, dimension: str) -> set[str]:
    """The resources an alarm on ``metric`` watches through ``dimension``."""
    return {named_resource(dimensions(alarm)[dimension]) for alarm in ALARMS.values()
            if alarm["MetricName"] == metric and dimension in dimensions(alarm)}


def dead_letter_queues() -> set[str]:
    """Every queue the template names as a dead-letter target: a queue's RedrivePolicy, an
    SNS subscription's, an EventBridge target's DeadLetterConfig."""
    found = set()
    for resource in RESOURCES.values():
        properties = resource.get("Properties", {})
        redrive = properties.get("RedrivePolicy", {})
        if "deadLetterTargetArn" in redrive:
            found.add(named_resource(redrive["deadLetterTargetArn"]))
        for target in properties.get("Targets", []):
            if "DeadLetterConfig" in target:
                found.add(named_resource(target["DeadLetterConfig"]["Arn"]))
    return found


def upload_state_machines() -> set[str]:
    return {f"{workflow.resource_title}StateMachine" for workflow in registry.WORKFLOWS
            if workflow.upload is not None}


def test_the_stack_has_alarms():
    assert len(ALARMS) >= len(dead_letter_queues()) + 3 * len(upload_state_machines()) + 4


@pytest.mark.parametrize("title", sorted(ALARMS))
def test_each_alarm_watches_a_documented_metric_with_documented_dimensions(title):
    alarm = ALARMS[title]
    key = (alarm["Namespace"], alarm["MetricName"])
    assert key in DOCUMENTED, f"{title}: {key} is not in AWS's documented metrics"
    assert set(dimensions(alarm)) in DOCUMENTED[key], title


@pytest.mark.parametrize("title", sorted(ALARMS))
def test_each_dimension_names_a_resource_of_the_stack_of_the_right_type(title):
    for name, value in dimensions(ALARMS[title]).items():
        if name == "ApiName":
            continue  # checked with its stage below
        kind, intrinsic = DIMENSION_SOURCES[name]
        resource = named_resource(value)
        assert RESOURCES[resource]["Type"] == kind, (title, name)
        assert value == intrinsic(resource), (title, name)


def test_api_alarms_name_the_api_of_their_stage():
    api_alarms = [alarm for alarm in ALARMS.values() if alarm["Namespace"] == "AWS/ApiGateway"]
    assert {alarm["MetricName"] for alarm in api_alarms} == {"5XXError", "Latency"}
    for alarm in api_alarms:
        stage = RESOURCES[named_resource(dimensions(alarm)["Stage"])]["Properties"]
        api = RESOURCES[stage["RestApiId"]["Ref"]]
        assert api["Type"] == "AWS::ApiGateway::RestApi"
        # API Gateway reports the API's name, which is set here, so the two agree.
        assert dimensions(alarm)["ApiName"] == api["Properties"]["Name"]


def test_the_latency_alarm_watches_p99():
    (latency,) = [alarm for alarm in ALARMS.values() if alarm["MetricName"] == "Latency"]
    assert latency["ExtendedStatistic"] == "p99"
    assert "Statistic" not in latency


def test_every_dead_letter_queue_has_its_alarm():
    queues = dead_letter_queues()
    assert len(queues) >= 4  # the two uploads', the failure topic's, the safety net's
    assert alarmed("ApproximateNumberOfMessagesVisible", "QueueName") == queues
    for alarm in ALARMS.values():
        if alarm["Namespace"] == "AWS/SQS":
            assert (alarm["Statistic"], alarm["Threshold"]) == ("Maximum", 0)


def test_every_upload_workflow_alarms_on_failed_timed_out_and_aborted_executions():
    machines = upload_state_machines()
    started_by_the_starter = {
        resource["Ref"] for policy in RESOURCES["StarterRole"]["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        if statement["Action"] == ["states:StartExecution"] for resource in statement["Resource"]}
    assert machines == started_by_the_starter
    for metric in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"):
        assert alarmed(metric, "StateMachineArn") == machines, metric


def test_the_starter_and_rekognition_have_their_alarms():
    assert alarmed("Errors", "FunctionName") == {"StarterFunction"}
    (throttles,) = [alarm for alarm in ALARMS.values() if alarm["MetricName"] == "ThrottledCount"]
    assert dimensions(throttles) == {}  # every operation of the account: quotas are per account


@pytest.mark.parametrize("title", sorted(ALARMS))
def test_each_alarm_notifies_the_operations_topic_when_it_fires_and_clears(title):
    alarm = ALARMS[title]
    assert alarm["AlarmActions"] == [{"Ref": "OperationsTopic"}]
    assert alarm["OKActions"] == [{"Ref": "OperationsTopic"}]
    assert alarm["AlarmName"] == {"Fn::Sub": f"${{AWS::StackName}}-{title}"}
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


@pytest.mark.parametrize("title", sorted(ALARMS))
def test_thresholds_are_parameters_or_any_occurrence(title):
    alarm = ALARMS[title]
    threshold = alarm["Threshold"]
    if isinstance(threshold, dict):
        parameter = PARAMETERS[threshold["Ref"]]
        assert parameter["Type"] == "Number"
        assert float(parameter["Default"]) >= 0 and parameter["MinValue"] == "0"
    else:
        # Fixed at zero: what must never happen (a dead letter, a timeout, an abort).
        assert threshold == 0
        assert alarm["MetricName"] in ("ApproximateNumberOfMessagesVisible",
                                       "ExecutionsTimedOut", "ExecutionsAborted"), title


def test_failed_executions_alarm_above_a_parameter_because_rejections_fail_them_too():
    for alarm in ALARMS.values():
        if alarm["MetricName"] == "ExecutionsFailed":
            assert alarm["Threshold"] == {"Ref": "WorkflowFailuresThreshold"}


def test_only_this_stacks_alarms_may_publish_to_the_operations_topic():
    (policy,) = [resource["Properties"] for resource in RESOURCES.values()
                 if resource["Type"] == "AWS::SNS::TopicPolicy"]
    assert policy["Topics"] == [{"Ref": "OperationsTopic"}]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": ["cloudwatch.amazonaws.com"]}
    assert statement["Action"] == ["sns:Publish"]
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    pattern = statement["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Sub"]
    assert pattern.endswith(":alarm:${AWS::StackName}-*")
    prefix = pattern.split(":alarm:")[1].removesuffix("*")
    for alarm in ALARMS.values():
        assert alarm["AlarmName"]["Fn::Sub"].startswith(prefix)


def test_the_operations_topic_is_encrypted_with_a_key_cloudwatch_may_use():
    """CloudWatch cannot publish to a topic under the AWS-managed key alias/aws/sns: "Enable
    compatibility between event sources from AWS services and encrypted topics", Amazon SNS
    Developer Guide."""
    topic = RESOURCES["OperationsTopic"]["Properties"]
    key = RESOURCES[topic["KmsMasterKeyId"]["Ref"]]
    assert key["Type"] == "AWS::KMS::Key"
    assert key["Properties"]["EnableKeyRotation"] is True
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    (cloudwatch,) = [s for s in statements
                     if s["Principal"] == {"Service": ["cloudwatch.amazonaws.com"]}]
    assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert RESOURCES["NotificationTopic"]["Properties"]["KmsMasterKeyId"] == "alias/aws/sns"


def test_the_operations_email_is_optional_and_apart_from_the_failure_topic():
    subscription = RESOURCES["OperationsEmailSubscription"]
    assert subscription["Condition"] == "HasOperationsEmail"
    assert subscription["Properties"]["TopicArn"] == {"Ref": "OperationsTopic"}
    assert TEMPLATE["Conditions"]["HasOperationsEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "OperationsEmail"}, ""]}]}
    assert PARAMETERS["OperationsEmail"]["Default"] == ""
    assert "OperationsTopicArn" in TEMPLATE["Outputs"]


def test_the_workflows_publish_no_metric_of_their_own():
    """Every alarm reads a metric AWS publishes (namespaces AWS/...); no workflow calls
    CloudWatch, so there is no custom metric whose emission a test would have to prove."""
    assert all(alarm["Namespace"].startswith("AWS/") for alarm in ALARMS.values())
    for definition in registry.definitions():
        resources = [state.get("Resource", "")
                     for state in asl.all_states(definition.build()).values()]
        assert not [r for r in resources if re.search(r":(cloudwatch|monitoring):", r)]
