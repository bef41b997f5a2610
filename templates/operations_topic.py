"""Where the alarms go: an operations SNS topic of its own (apart from the per-user failure
topic), its key, a policy that lets only this stack's alarms publish, and an optional e-mail
subscription."""

from __future__ import annotations

from awacs import kms, sns
from awacs.aws import (
    Allow,
    ArnLike,
    Condition,
    Policy,
    Principal,
    Statement,
    StringEquals,
)
from troposphere import AccountId, Equals, Not, Parameter, Ref, Sub
from troposphere import kms as kmsr
from troposphere import sns as snsr

from .stack import Stack
from .waivers import waive

HAS_OPERATIONS_EMAIL = "HasOperationsEmail"


def alarm_name(title: str) -> Sub:
    """Every alarm of the stack is named ``<stack name>-<title>``: the topic policy admits
    alarms by that pattern."""
    return Sub(f"${{AWS::StackName}}-{title}")


def _key_policy() -> Policy:
    """The account administers the key (without that statement KMS refuses the policy, lest
    the key become unmanageable); CloudWatch may use it to publish to the topic.

    CloudWatch cannot publish to a topic encrypted with the AWS-managed key ``alias/aws/sns``
    (whose policy nobody can change): the topic needs a customer-managed key whose policy
    lets ``cloudwatch.amazonaws.com`` call ``kms:GenerateDataKey*`` and ``kms:Decrypt``
    ("Enable compatibility between event sources from AWS services and encrypted topics",
    Amazon SNS Developer Guide, Key management). In a key policy the resource ``*`` is the key
    itself; the key encrypts this topic only, and the topic policy decides who may publish."""
    root = Sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")
    return Policy(Version="2012-10-17", Statement=[
        Statement(Sid="AccountAdministersTheKey", Effect=Allow, Principal=Principal("AWS", root),
                  Action=[kms.Action("*")], Resource=["*"]),
        Statement(Sid="CloudWatchAlarmsEncryptNotifications", Effect=Allow,
                  Principal=Principal("Service", ["cloudwatch.amazonaws.com"]),
                  Action=[kms.Decrypt, kms.Action("GenerateDataKey*")], Resource=["*"]),
    ])


def add_operations_topic(stack: Stack) -> None:
    t = stack.t
    stack.operations_email = t.add_parameter(Parameter(
        "OperationsEmail", Type="String", Default="",
        AllowedPattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
        Description="Optional e-mail address subscribed to the operations alarms."))
    t.add_condition(HAS_OPERATIONS_EMAIL, Not(Equals(Ref(stack.operations_email), "")))
    key = t.add_resource(kmsr.Key(
        "OperationsTopicKey",
        Description=Sub("${AWS::StackName}: encrypts the operations alarm topic"),
        EnableKeyRotation=True,
        KeyPolicy=_key_policy(),
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Delete",
    ))
    stack.operations_topic = t.add_resource(snsr.Topic(
        "OperationsTopic",
        DisplayName="eKYC operations alarms",
        KmsMasterKeyId=Ref(key),
    ))
    # CloudWatch names the alarm as aws:SourceArn and its account as aws:SourceAccount when it
    # publishes an alarm's notification: only this stack's alarms, in this account, may publish.
    alarms = Sub("arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:"
                 "${AWS::StackName}-*")
    t.add_resource(snsr.TopicPolicy(
        "OperationsTopicPolicy",
        Topics=[Ref(stack.operations_topic)],
        PolicyDocument=Policy(Version="2012-10-17", Statement=[Statement(
            Sid="StackAlarmsPublish", Effect=Allow,
            Principal=Principal("Service", ["cloudwatch.amazonaws.com"]),
            Action=[sns.Publish], Resource=[Ref(stack.operations_topic)],
            Condition=Condition([ArnLike({"aws:SourceArn": alarms}),
                                 StringEquals({"aws:SourceAccount": AccountId})]),
        )]),
    ))
    t.add_resource(snsr.SubscriptionResource(
        "OperationsEmailSubscription",
        Condition=HAS_OPERATIONS_EMAIL,
        Protocol="email",
        Endpoint=Ref(stack.operations_email),
        TopicArn=Ref(stack.operations_topic),
        Metadata=waive(ES7000="An undeliverable alarm e-mail would land in a dead-letter "
                              "queue whose own alarm notifies this same topic; the alarm's "
                              "state and history stay in CloudWatch either way."),
    ))
