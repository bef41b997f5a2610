"""The way in: the upload bucket, and a queue (with its dead-letter queue) per kind of upload,
which S3 notifies of every object created under that upload's prefix."""

from __future__ import annotations

from awacs import s3
from awacs.aws import ArnLike, Policy, StringEquals
from troposphere import AccountId, GetAtt, Join, Ref, Select, Split, StackId, Sub
from troposphere import s3 as s3r
from troposphere import sqs as sqsr

from contract.item import UPLOADS, Upload

from .functions import STARTER_TIMEOUT_SECONDS
from .policies import deny_insecure_transport, service_may_send_to_queues
from .retention import lifecycle_configuration
from .stack import Stack
from .storage import DEAD_LETTER_RETENTION_SECONDS, queue
from .waivers import waive

# AWS recommends a queue visibility timeout of at least six times the function timeout.
QUEUE_VISIBILITY_SECONDS = 6 * STARTER_TIMEOUT_SECONDS
QUEUE_RETENTION_SECONDS = 4 * 24 * 3600


def queue_name(upload: Upload) -> str:
    """``id_document/`` -> ``IdDocument``: the start of its queues' titles."""
    return "".join(part.title() for part in upload.folder.split("_"))


def add_queues(stack: Stack) -> None:
    stack.queues = {}
    for upload in UPLOADS:
        name = queue_name(upload)
        dead_letter = stack.t.add_resource(queue(
            f"{name}DeadLetterQueue", retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            waivers={"ES6000": f"This queue is the dead-letter queue of {name}Queue; the "
                               "rule finds DLQs only when RedrivePolicy is an intrinsic "
                               "function, not the plain object used here."}))
        stack.queues[name] = stack.t.add_resource(queue(
            f"{name}Queue",
            retention_seconds=QUEUE_RETENTION_SECONDS,
            VisibilityTimeout=QUEUE_VISIBILITY_SECONDS,
            RedrivePolicy=sqsr.RedrivePolicy(
                deadLetterTargetArn=GetAtt(dead_letter, "Arn"),
                maxReceiveCount=Ref(stack.max_receive_count),
            ),
        ))
        stack.dead_letter_queues[name] = dead_letter


def bucket_name() -> Join:
    """``ekyc-<account>-<first block of the stack id>``: known before the bucket exists,
    so the queue policy can name the bucket without a circular dependency."""
    stack_uuid = Select(2, Split("/", StackId))
    return Join("-", ["ekyc", AccountId, Select(0, Split("-", stack_uuid))])


def add_bucket(stack: Stack) -> None:
    t = stack.t
    name = bucket_name()
    bucket_arn = Sub("arn:${AWS::Partition}:s3:::${Name}", Name=name)
    queue_arns = [GetAtt(each, "Arn") for each in stack.queues.values()]
    queue_policy = t.add_resource(sqsr.QueuePolicy(
        "UploadQueuesPolicy",
        Queues=[Ref(each) for each in stack.queues.values()],
        PolicyDocument=service_may_send_to_queues(
            "S3UploadNotifications", "s3.amazonaws.com", queue_arns,
            [ArnLike({"aws:SourceArn": bucket_arn}),
             StringEquals({"aws:SourceAccount": AccountId})]),
    ))
    stack.bucket = t.add_resource(s3r.Bucket(
        "UploadBucket",
        DependsOn=[queue_policy.title],
        BucketName=name,
        Metadata=waive(
            CKV_AWS_18="Server access logs need a second bucket to receive them; access to "
                       "these objects is audited account-wide with CloudTrail data events.",
            CKV_AWS_21="Each user's upload replaces the last on purpose: keeping old "
                       "versions of ID documents and selfies would keep personal data "
                       "longer than the verification needs it."),
        BucketEncryption=s3r.BucketEncryption(ServerSideEncryptionConfiguration=[
            s3r.ServerSideEncryptionRule(
                ServerSideEncryptionByDefault=s3r.ServerSideEncryptionByDefault(
                    SSEAlgorithm="AES256"))]),
        PublicAccessBlockConfiguration=s3r.PublicAccessBlockConfiguration(
            BlockPublicAcls=True, BlockPublicPolicy=True,
            IgnorePublicAcls=True, RestrictPublicBuckets=True),
        LifecycleConfiguration=lifecycle_configuration(stack),
        OwnershipControls=s3r.OwnershipControls(
            Rules=[s3r.OwnershipControlsRule(ObjectOwnership="BucketOwnerEnforced")]),
        NotificationConfiguration=s3r.NotificationConfiguration(QueueConfigurations=[
            s3r.QueueConfigurations(
                Event="s3:ObjectCreated:*",
                Queue=GetAtt(stack.queues[queue_name(upload)], "Arn"),
                Filter=s3r.Filter(S3Key=s3r.S3Key(Rules=[
                    s3r.Rules(Name="prefix", Value=upload.prefix)])),
            )
            for upload in UPLOADS
        ]),
        DeletionPolicy="Delete",
        UpdateReplacePolicy="Retain",
    ))
    t.add_resource(s3r.BucketPolicy(
        "UploadBucketPolicy",
        Bucket=Ref(stack.bucket),
        PolicyDocument=Policy(Version="2012-10-17", Statement=[deny_insecure_transport(
            s3.Action("*"), [GetAtt(stack.bucket, "Arn"), Sub("${UploadBucket.Arn}/*")])]),
    ))
