"""IAM building blocks written with awacs: roles that services assume, and scoped statements.

Every statement names its resources. The few APIs that accept no resource are listed in
``UNSCOPED_ACTIONS`` with the reason, and tests refuse a ``*`` resource for any other action.
"""

from __future__ import annotations

from awacs import logs, xray
from awacs.aws import (
    Allow,
    Bool,
    Condition,
    Deny,
    Policy,
    PolicyDocument,
    Principal,
    Statement,
    StringEquals,
    StringLike,
)
from awacs.sts import AssumeRole
from troposphere import AccountId, Sub, iam

# action -> why it cannot name a resource (AWS documents no resource type for these APIs).
UNSCOPED_ACTIONS = {
    "rekognition:DetectFaces": "DetectFaces acts on an image, not on an AWS resource",
    "rekognition:CompareFaces": "CompareFaces acts on two images, not on an AWS resource",
    "textract:AnalyzeID": "AnalyzeID acts on a document image; Textract's synchronous APIs "
                          "support no resource-level permissions",
    "dynamodb:ListStreams": "ListStreams lists the account's stream ARNs (of a table if one is "
                            "named), no records; EventBridge Pipes lists it among what a "
                            "DynamoDB source needs (\"Event source permissions for Amazon "
                            "EventBridge Pipes\")",
    "xray:PutTraceSegments": "X-Ray trace APIs support no resource-level permissions",
    "xray:PutTelemetryRecords": "X-Ray trace APIs support no resource-level permissions",
    "xray:GetSamplingRules": "X-Ray trace APIs support no resource-level permissions",
    "xray:GetSamplingTargets": "X-Ray trace APIs support no resource-level permissions",
    "logs:CreateLogDelivery": "CloudWatch Logs vended-log delivery APIs require '*'",
    "logs:GetLogDelivery": "CloudWatch Logs vended-log delivery APIs require '*'",
    "logs:UpdateLogDelivery": "CloudWatch Logs vended-log delivery APIs require '*'",
    "logs:DeleteLogDelivery": "CloudWatch Logs vended-log delivery APIs require '*'",
    "logs:ListLogDeliveries": "CloudWatch Logs vended-log delivery APIs require '*'",
    "logs:PutResourcePolicy": "CloudWatch Logs vended-log delivery APIs require '*'",
    "logs:DescribeResourcePolicies": "CloudWatch Logs vended-log delivery APIs require '*'",
    "logs:DescribeLogGroups": "CloudWatch Logs vended-log delivery APIs require '*'",
}


def allow(actions: list, resources: list) -> Statement:
    return Statement(Effect=Allow, Action=actions, Resource=resources)


def allow_listing(actions: list, bucket, prefixes: list[str]) -> Statement:
    """``actions`` on ``bucket`` for requests whose prefix matches one of ``prefixes``."""
    return Statement(Effect=Allow, Action=actions, Resource=[bucket],
                     Condition=Condition(StringLike({"s3:prefix": prefixes})))


def allow_unscoped(actions: list) -> Statement:
    """A statement on ``*``, only for actions listed (with a reason) in ``UNSCOPED_ACTIONS``."""
    for action in actions:
        if action.JSONrepr() not in UNSCOPED_ACTIONS:
            raise ValueError(f"{action.JSONrepr()} can be scoped: name its resources")
    return Statement(Effect=Allow, Action=actions, Resource=["*"])


def deny_insecure_transport(action, resources: list) -> Statement:
    """Refuse any request to ``resources`` that does not use TLS."""
    return Statement(Sid="DenyInsecureTransport", Effect=Deny, Principal=Principal("*"),
                     Action=[action], Resource=resources,
                     Condition=Condition(Bool({"aws:SecureTransport": "false"})))


def service_may_send_to_queues(sid: str, service: str, queue_arns: list,
                               conditions: list) -> Policy:
    """A queue policy: ``service`` may SendMessage under ``conditions``; nobody without TLS."""
    from awacs import sqs

    return Policy(Version="2012-10-17", Statement=[
        Statement(Sid=sid, Effect=Allow, Principal=Principal("Service", [service]),
                  Action=[sqs.SendMessage], Resource=queue_arns,
                  Condition=Condition(conditions)),
        deny_insecure_transport(sqs.Action("*"), queue_arns),
    ])


# Services that assume a role without naming the account they act for: a trust condition on
# aws:SourceAccount (or aws:SourceArn) never matches for them, and AssumeRole is denied.
# - apigateway: sends neither key when it assumes an integration's credentials role; every
#   request then answers 500 "API Gateway does not have permission to assume the provided
#   role" (aws-solutions-library-samples/accelerated-intelligent-document-processing-on-aws
#   PR #479, found with test-invoke-method on a live stack). The role's own policy is the
#   guard: it may only start this stack's API workflows.
# The others keep the confused-deputy guard. Step Functions sends the key: "Creating an IAM
# role for your state machine", section "Prevent cross-service confused deputy issue", shows
# aws:SourceAccount in a state machine role's trust policy. Lambda's "Defining Lambda function
# permissions with an execution role" neither shows nor rules out the key: kept, unproven
# until a first deployment runs a function.
WITHOUT_SOURCE_ACCOUNT = {"apigateway"}


def service_role(title: str, service: str, policies: list) -> iam.Role:
    """A role ``service`` may assume, only on behalf of this account where the service says
    which account that is (confused-deputy guard)."""
    guard = {} if service in WITHOUT_SOURCE_ACCOUNT else {
        "Condition": Condition(StringEquals({"aws:SourceAccount": AccountId}))}
    return iam.Role(
        title,
        AssumeRolePolicyDocument=PolicyDocument(
            Version="2012-10-17",
            Statement=[Statement(
                Effect=Allow,
                Action=[AssumeRole],
                Principal=Principal("Service", [f"{service}.amazonaws.com"]),
                **guard,
            )],
        ),
        Policies=policies,
    )


def policy(name: str, statements: list) -> iam.Policy:
    return iam.Policy(PolicyName=name,
                      PolicyDocument=Policy(Version="2012-10-17", Statement=statements))


def tracing_statement() -> Statement:
    return allow_unscoped([xray.PutTraceSegments, xray.PutTelemetryRecords,
                           xray.GetSamplingRules, xray.GetSamplingTargets])


def state_machine_logging_statement() -> Statement:
    """What Step Functions needs to deliver execution logs to CloudWatch Logs."""
    return allow_unscoped([
        logs.CreateLogDelivery, logs.GetLogDelivery, logs.UpdateLogDelivery,
        logs.DeleteLogDelivery, logs.ListLogDeliveries, logs.PutResourcePolicy,
        logs.DescribeResourcePolicies, logs.DescribeLogGroups,
    ])


def arn(service: str, resource: str, *, region: bool = True, account: bool = True) -> Sub:
    """An ARN in this stack's partition, region and account: nothing is hard-coded."""
    region_part = "${AWS::Region}" if region else ""
    account_part = "${AWS::AccountId}" if account else ""
    return Sub(f"arn:${{AWS::Partition}}:{service}:{region_part}:{account_part}:{resource}")

