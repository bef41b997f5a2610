"""What is left of a user whose item time to live deleted goes too: while AbandonedRecordDays is
above 0 the table has a stream (keys only), and a pipe takes the stream's time-to-live
deletions to the default event bus, where a rule starts ``forget`` (``DELETE /user``'s
workflow) with ``{"userid": ..., "record_expired": true}``: the API's input and a flag that
calls the erasure off if the user uploaded again meanwhile. forget sweeps the collection for
the user's faces (the ID's face ``_id:<userid>`` of CompareMode=COLLECTION), the user's API
folder and the fixed picture keys even when no item is kept (statemachines/forget.py).

Why the pipe does not start forget itself: a Step Functions target has no batch API, so the
pipe hands it the batch as a JSON array, "even if the batch size is 1" ("Amazon EventBridge
Pipes batching and concurrency", EventBridge User Guide), and forget takes one object. An
event bus target is given one event per record, and a rule's target InputPath (``$.detail``)
hands forget the record's object alone.
"""

from __future__ import annotations

import json

from awacs import dynamodb, events, sqs
from troposphere import GetAtt, Sub, pipes

from contract.item import PARTITION_KEY
from statemachines import forget

from .event_rules import add_rule_starting
from .policies import allow, allow_unscoped, arn, policy, service_role
from .retention import EXPIRES_ABANDONED_RECORDS
from .stack import Stack
from .storage import DEAD_LETTER_RETENTION_SECONDS, queue

# The records time to live deletes: REMOVE, by the DynamoDB service ("Record" and "Identity",
# Amazon DynamoDB Streams API Reference: for Time To Live, userIdentity.type is "Service" and
# principalId "dynamodb.amazonaws.com"). DELETE /user's own deleteItem carries the caller's
# identity, so an erasure does not start a second one. A pipe filters a DynamoDB stream with
# an event pattern on the record's fields ("Event filtering in Amazon EventBridge Pipes").
TTL_DELETIONS = {
    "eventName": ["REMOVE"],
    "userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]},
}
# A JSON path in quotes is replaced by its string value ("Amazon EventBridge Pipes input
# transformation": quote a variable that names a string, not one that names an object).
# KEYS_ONLY records carry the item's key under dynamodb.Keys in attribute-value form
# ("StreamRecord", Amazon DynamoDB Streams API Reference).
INPUT_TEMPLATE = json.dumps({PARTITION_KEY: f"<$.dynamodb.Keys.{PARTITION_KEY}.S>",
                             forget.RECORD_EXPIRED: True})
# What the pipe puts on the bus, and what the rule matches: the source is the stack's own, so
# two stacks in one account and Region do not start each other's erasures.
EVENT_SOURCE = Sub("ekyc.${AWS::StackName}")
DETAIL_TYPE = "Abandoned record expired"
# The pipe retries a record it cannot put on the bus, then dead-letters it (MaximumRetryAttempts
# and MaximumRecordAgeInSeconds, -1 for no limit: "PipeSourceDynamoDBStreamParameters",
# EventBridge Pipes API Reference). The record's age limit must stay below the stream's
# retention, so a dead-lettered record can still be read from the stream ("Amazon EventBridge
# Pipes error handling and troubleshooting"); a DynamoDB stream keeps records 24 hours.
MAXIMUM_RETRY_ATTEMPTS = 10
MAXIMUM_RECORD_AGE_SECONDS = 6 * 3600


def default_bus() -> Sub:
    return arn("events", "event-bus/default")


def add_expiry_erasure(stack: Stack) -> None:
    t = stack.t
    machine = stack.state_machines[forget.NAME]
    stream = GetAtt(stack.table, "StreamArn")
    undelivered = t.add_resource(queue(
        "ExpiredRecordsDeadLetterQueue", retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
        waivers={"ES6000": "This queue is itself a dead-letter queue, of the expiry pipe's "
                           "source and of its rule's target; the rule only recognises DLQs "
                           "of queues."}))
    stack.dead_letter_queues["ExpiredRecords"] = undelivered

    # The confused-deputy guard on aws:SourceAccount is the one the Terraform and Pulumi
    # aws_pipes_pipe examples put in a pipe role's trust policy; unproven until a deploy.
    # "Event source permissions for Amazon EventBridge Pipes" (DynamoDB: DescribeStream,
    # GetRecords, GetShardIterator, ListStreams; sqs:SendMessage for the pipe's dead-letter
    # queue) and "Enrichment and target permissions" (events:PutEvents on the target bus).
    pipe_role = t.add_resource(service_role("ExpiryPipeRole", "pipes", [
        policy("expiry-pipe", [
            allow([dynamodb.DescribeStream, dynamodb.GetRecords, dynamodb.GetShardIterator],
                  [stream]),
            allow_unscoped([dynamodb.ListStreams]),
            allow([events.PutEvents], [default_bus()]),
            allow([sqs.SendMessage], [GetAtt(undelivered, "Arn")]),
        ])]))
    pipe_role.Condition = EXPIRES_ABANDONED_RECORDS
    t.add_resource(pipes.Pipe(
        "ExpiryPipe",
        Condition=EXPIRES_ABANDONED_RECORDS,
        Description="Time-to-live deletions of the users table, to the rule that erases "
                    "what is left of the user.",
        RoleArn=GetAtt(pipe_role, "Arn"),
        Source=stream,
        SourceParameters=pipes.PipeSourceParameters(
            DynamoDBStreamParameters=pipes.PipeSourceDynamoDBStreamParameters(
                StartingPosition="LATEST",
                BatchSize=1,
                MaximumRetryAttempts=MAXIMUM_RETRY_ATTEMPTS,
                MaximumRecordAgeInSeconds=MAXIMUM_RECORD_AGE_SECONDS,
                DeadLetterConfig=pipes.DeadLetterConfig(Arn=GetAtt(undelivered, "Arn"))),
            FilterCriteria=pipes.FilterCriteria(Filters=[
                pipes.Filter(Pattern=json.dumps(TTL_DELETIONS))])),
        Target=default_bus(),
        TargetParameters=pipes.PipeTargetParameters(
            InputTemplate=INPUT_TEMPLATE,
            EventBridgeEventBusParameters=pipes.PipeTargetEventBridgeEventBusParameters(
                Source=EVENT_SOURCE, DetailType=DETAIL_TYPE)),
    ))

    add_rule_starting(
        stack, "ExpiryRule", machine,
        description="An abandoned record time to live deleted: erase what is left of the "
                    "user (forget).",
        pattern={"source": [EVENT_SOURCE], "detail-type": [DETAIL_TYPE]},
        # The pipe's rendered InputTemplate is the event's detail: forget gets it alone.
        target="Forget", input_path="$.detail", undelivered=undelivered,
        permission="start-forget", sid="UndeliveredExpiryEvents")
