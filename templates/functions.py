"""The two Lambda functions: the thumbnail (called by the identity verification workflow) and
the starter (reads the upload queues, records each upload and starts its workflow)."""

from __future__ import annotations

from pathlib import Path

from awacs import dynamodb, rekognition, s3, sqs, states, xray
from awacs import logs as log_actions
from troposphere import GetAtt, Ref, Sub, awslambda, logs

from contract import environment
from contract.keys import SELFIE_PREFIX, THUMBNAIL_PREFIX
from lambdas.inline import inline_source
from statemachines import registry

from .policies import allow, allow_unscoped, policy, service_role
from .stack import Stack
from .waivers import waive

STARTER_SOURCE = Path(__file__).resolve().parent.parent / "lambdas" / "starter.py"
STARTER_TIMEOUT_SECONDS = 30
FUNCTION_WAIVERS = {
    "CKV_AWS_116": "Failures do not need a Lambda DLQ here: the starter's SQS messages reach "
                   "their queue's dead-letter queue through its RedrivePolicy, and the "
                   "thumbnail function is invoked synchronously by a workflow that retries and "
                   "catches; a Lambda DLQ only receives failed asynchronous invocations.",
    "CKV_AWS_117": "The functions call AWS APIs only (S3, DynamoDB, Rekognition, Step "
                   "Functions) and reach no private resource; a VPC would add subnets and NAT "
                   "or endpoints for no benefit.",
    "CKV_AWS_115": "Reserved concurrency is carved out of the account's pool (Lambda keeps 100 "
                   "unreserved), so it fails on accounts with a low quota; load is bounded by "
                   "SQS batching, the workflows and the API's throttling.",
}


def _log_group(stack: Stack, title: str, suffix: str) -> logs.LogGroup:
    return stack.log_group(title, Sub(f"/aws/lambda/${{AWS::StackName}}-{suffix}"))


def _logging_and_tracing(log_group: logs.LogGroup) -> list:
    return [allow([log_actions.CreateLogStream, log_actions.PutLogEvents],
                  [Sub(f"${{{log_group.title}.Arn}}:*")]),
            allow_unscoped([xray.PutTraceSegments, xray.PutTelemetryRecords])]


def add_thumbnail(stack: Stack) -> None:
    """The one Lambda of the workflows: Pillow makes a 250x250 thumbnail of a selfie."""
    t = stack.t
    log_group = _log_group(stack, "ThumbnailLogGroup", "thumbnail")
    role = t.add_resource(service_role("ThumbnailRole", "lambda", [policy("thumbnail", [
        allow([s3.GetObject], [stack.objects(SELFIE_PREFIX)]),
        allow([s3.PutObject], [stack.objects(THUMBNAIL_PREFIX)]),
        *_logging_and_tracing(log_group),
    ])]))
    stack.thumbnail = t.add_resource(awslambda.Function(
        "ThumbnailFunction",
        FunctionName=Sub("${AWS::StackName}-thumbnail"),
        Description=f"Makes a thumbnail (at most 250x250) of a selfie under {THUMBNAIL_PREFIX}.",
        Runtime="python3.12",
        Handler="thumbnail.handler",
        Architectures=["arm64"],
        # Pillow decodes a JPEG at reduced scale for a thumbnail: 256 MB is plenty, and
        # for CPU-bound work more memory buys speed at the same GB-seconds.
        MemorySize=256,
        Timeout=30,
        Role=GetAtt(role, "Arn"),
        Code=awslambda.Code(S3Bucket=Ref(stack.thumbnail_code["Bucket"]),
                            S3Key=Ref(stack.thumbnail_code["Key"])),
        LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref(log_group)),
        TracingConfig=awslambda.TracingConfig(Mode="Active"),
        Metadata=waive(WS1004="LoggingConfig sends the logs to ThumbnailLogGroup, which "
                              "has a retention; the rule only knows log groups named "
                              "/aws/lambda/<function name>.", **FUNCTION_WAIVERS),
    ))


def add_starter(stack: Stack) -> None:
    t = stack.t
    log_group = _log_group(stack, "StarterLogGroup", "starter")
    queue_arns = [GetAtt(queue, "Arn") for queue in stack.queues.values()]
    uploads = [workflow for workflow in registry.WORKFLOWS if workflow.upload is not None]
    role = t.add_resource(service_role("StarterRole", "lambda", [policy("starter", [
        allow([sqs.ReceiveMessage, sqs.DeleteMessage, sqs.GetQueueAttributes,
               sqs.ChangeMessageVisibility], queue_arns),
        allow([dynamodb.GetItem, dynamodb.UpdateItem], [stack.table_arn]),
        allow([rekognition.DeleteFaces], [stack.collection_arn]),
        # HeadObject: is the upload still there? S3 answers a missing key with 404 only to a
        # caller that may list the bucket, and with 403 otherwise (HeadObject, Amazon S3 API
        # Reference); ListBucket has the bucket as its one resource.
        allow([s3.GetObject], [stack.objects(workflow.upload.prefix) for workflow in uploads]),
        allow([s3.ListBucket], [GetAtt(stack.bucket, "Arn")]),
        allow([states.StartExecution],
              [Ref(stack.state_machines[workflow.name]) for workflow in uploads]),
        *_logging_and_tracing(log_group),
    ])]))
    stack.starter = t.add_resource(awslambda.Function(
        "StarterFunction",
        FunctionName=Sub("${AWS::StackName}-starter"),
        Description="Reads S3 upload events from SQS, records the upload and starts the "
                    "matching eKYC workflow.",
        Runtime="python3.12",
        Handler="index.handler",
        Architectures=["arm64"],
        MemorySize=256,
        Timeout=STARTER_TIMEOUT_SECONDS,
        Role=GetAtt(role, "Arn"),
        Code=awslambda.Code(ZipFile=inline_source(STARTER_SOURCE)),
        Environment=awslambda.Environment(Variables={
            environment.TABLE_NAME: Ref(stack.table),
            environment.COLLECTION_ID: Ref(stack.collection),
            environment.ABANDONED_RECORD_DAYS: Ref(stack.abandoned_records),
            **{workflow.upload.state_machine_variable: Ref(stack.state_machines[workflow.name])
               for workflow in uploads},
        }),
        LoggingConfig=awslambda.LoggingConfig(LogGroup=Ref(log_group)),
        TracingConfig=awslambda.TracingConfig(Mode="Active"),
        Metadata=waive(**FUNCTION_WAIVERS,
                       CKV_AWS_173="The variables hold resource names and ARNs, no "
                                   "secrets; Lambda encrypts them at rest with its "
                                   "AWS-managed key.",
                       WS1004="LoggingConfig sends the logs to StarterLogGroup, which has a "
                              "retention; the rule only knows log groups named "
                              "/aws/lambda/<function name>."),
    ))
    for name, queue in stack.queues.items():
        t.add_resource(awslambda.EventSourceMapping(
            f"{name}QueueToStarter",
            EventSourceArn=GetAtt(queue, "Arn"),
            FunctionName=Ref(stack.starter),
            BatchSize=10,
            FunctionResponseTypes=["ReportBatchItemFailures"],
            Metadata=waive(ES1001="An SQS event source takes no on-failure destination; "
                                  "failed messages reach the queue's dead-letter queue "
                                  "through its RedrivePolicy."),
        ))
