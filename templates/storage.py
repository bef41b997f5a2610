"""Where the stack keeps things: the users table, the faces collection, the failure topic
(with a dead-letter queue for its e-mail subscription), and how every queue is made."""

from __future__ import annotations

from awacs.aws import ArnLike
from troposphere import GetAtt, Ref, Sub
from troposphere import dynamodb as ddb
from troposphere import rekognition as rek
from troposphere import sns as snsr
from troposphere import sqs as sqsr

from contract.item import PARTITION_KEY

from .policies import service_may_send_to_queues
from .retention import stream_specification, time_to_live
from .stack import Stack
from .waivers import waive

# Why checkov rules do not apply, for the resources that share them.
SSE_SQS = ("Encrypted at rest with SSE-SQS (SqsManagedSseEnabled); the rule looks only for a "
           "KMS key, and S3 and SNS, which send to these queues, cannot use the AWS-managed "
           "SQS key.")
# Longer than the source queues' retention, so a message cannot expire on its way to a DLQ.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600


def queue(title: str, *, retention_seconds: int, waivers: dict | None = None,
          **properties) -> sqsr.Queue:
    return sqsr.Queue(title, SqsManagedSseEnabled=True,
                      MessageRetentionPeriod=retention_seconds,
                      DeletionPolicy="Delete", UpdateReplacePolicy="Delete",
                      Metadata=waive(CKV_AWS_27=SSE_SQS, **(waivers or {})), **properties)


def add_storage(stack: Stack) -> None:
    t = stack.t
    stack.table = t.add_resource(ddb.Table(
        "UsersTable",
        AttributeDefinitions=[ddb.AttributeDefinition(AttributeName=PARTITION_KEY,
                                                      AttributeType="S")],
        KeySchema=[ddb.KeySchema(AttributeName=PARTITION_KEY, KeyType="HASH")],
        BillingMode="PAY_PER_REQUEST",
        SSESpecification=ddb.SSESpecification(SSEEnabled=True),
        Metadata=waive(CKV_AWS_119="Encrypted at rest with the AWS-managed KMS key "
                                   "(SSEEnabled); a customer-managed key would add a key, "
                                   "a key policy and a monthly cost for no access-control "
                                   "need."),
        PointInTimeRecoverySpecification=ddb.PointInTimeRecoverySpecification(
            PointInTimeRecoveryEnabled=True),
        TimeToLiveSpecification=time_to_live(),
        StreamSpecification=stream_specification(),
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Retain",
    ))
    stack.collection = t.add_resource(rek.Collection(
        "FacesCollection",
        CollectionId=Sub("${AWS::StackName}-faces"),
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Retain",
    ))
    stack.topic = t.add_resource(snsr.Topic(
        "NotificationTopic",
        DisplayName="eKYC failures",
        # AWS-managed key: Step Functions publishes with its role, no key policy needed.
        KmsMasterKeyId="alias/aws/sns",
    ))

    undelivered = t.add_resource(queue(
        "NotificationDeadLetterQueue", retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
        waivers={"ES6000": "This queue is itself a dead-letter queue, for the e-mail "
                           "subscription; the rule only recognises DLQs of queues."}))
    t.add_resource(sqsr.QueuePolicy(
        "NotificationDeadLetterQueuePolicy",
        Queues=[Ref(undelivered)],
        PolicyDocument=service_may_send_to_queues(
            "UndeliveredNotifications", "sns.amazonaws.com", [GetAtt(undelivered, "Arn")],
            [ArnLike({"aws:SourceArn": stack.topic_arn})]),
    ))
    stack.dead_letter_queues["Notification"] = undelivered
    t.add_resource(snsr.SubscriptionResource(
        "NotificationEmailSubscription",
        Condition="HasNotificationEmail",
        Protocol="email",
        Endpoint=Ref(stack.notification_email),
        TopicArn=stack.topic_arn,
        RedrivePolicy={"deadLetterTargetArn": GetAtt(undelivered, "Arn")},
    ))
