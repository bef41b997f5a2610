"""How long the stack keeps what it holds: a lifecycle rule per image prefix of the upload
bucket that expires its objects after ``ImageRetentionDays`` (none while it is 0), one that
aborts multipart uploads left incomplete, and ``AbandonedRecordDays``, after which DynamoDB's
time to live deletes the item of a user who never completed a registration (the starter sets
``contract.item.EXPIRES_AT``, the write that registers a face removes it)."""

from __future__ import annotations

from troposphere import Equals, If, Not, NoValue, Parameter, Ref
from troposphere import dynamodb as ddb
from troposphere import s3 as s3r

from contract.item import EXPIRES_AT
from contract.keys import IMAGE_PREFIXES

from .stack import Stack

IMAGE_RETENTION = "ImageRetentionDays"
EXPIRES_IMAGES = "ExpiresImages"
ABANDONED_RECORDS = "AbandonedRecordDays"
EXPIRES_ABANDONED_RECORDS = "ExpiresAbandonedRecords"
# Parts of a multipart upload nobody completed are stored (and billed) until aborted; the
# pictures are small, so an upload still incomplete a day later will never complete.
ABORT_MULTIPART_AFTER_DAYS = 1
# S3 refuses an expiration of 0 days ("Days: ... must be a non-zero positive integer",
# LifecycleExpiration, Amazon S3 API Reference): while ImageRetentionDays is 0 the rules are
# Disabled, and carry this placeholder, which S3 then never applies.
DISABLED_RULE_DAYS = 1


def rule_id(prefix: str) -> str:
    """``id_document/`` -> ``expire-id_document``."""
    return f"expire-{prefix.rstrip('/')}"


def add_retention_parameter(stack: Stack) -> None:
    stack.image_retention = stack.t.add_parameter(Parameter(
        IMAGE_RETENTION, Type="Number", Default="0", MinValue="0", MaxValue="3650",
        Description="Days the upload bucket keeps ID documents, selfies, API uploads and "
                    "thumbnails before S3 deletes them; 0 keeps them."))
    stack.t.add_condition(EXPIRES_IMAGES, Not(Equals(Ref(stack.image_retention), 0)))
    stack.abandoned_records = stack.t.add_parameter(Parameter(
        ABANDONED_RECORDS, Type="Number", Default="0", MinValue="0", MaxValue="3650",
        Description="Days after its last upload that the item of a user without a registered "
                    "face (an unfinished or rejected attempt) is deleted; 0 keeps it."))
    stack.t.add_condition(EXPIRES_ABANDONED_RECORDS,
                          Not(Equals(Ref(stack.abandoned_records), 0)))


def time_to_live() -> ddb.TimeToLiveSpecification:
    """Enabled only while AbandonedRecordDays is above 0; the starter then sets the attribute."""
    return ddb.TimeToLiveSpecification(AttributeName=EXPIRES_AT,
                                       Enabled=If(EXPIRES_ABANDONED_RECORDS, True, False))


def stream_specification() -> If:
    """A stream of the table's keys while time to live deletes items, for the pipe that erases
    what is left of an expired user (templates/expiry.py); none otherwise."""
    return If(EXPIRES_ABANDONED_RECORDS, ddb.StreamSpecification(StreamViewType="KEYS_ONLY"),
              NoValue)


def lifecycle_configuration(stack: Stack) -> s3r.LifecycleConfiguration:
    """The bucket is not versioned (see its CKV_AWS_21 waiver), so an expired object is gone:
    no noncurrent version is left behind to expire."""
    expire = [s3r.LifecycleRule(
        Id=rule_id(prefix),
        Prefix=prefix,
        Status=If(EXPIRES_IMAGES, "Enabled", "Disabled"),
        ExpirationInDays=If(EXPIRES_IMAGES, Ref(stack.image_retention), DISABLED_RULE_DAYS),
    ) for prefix in IMAGE_PREFIXES]
    abort = s3r.LifecycleRule(
        Id="abort-incomplete-multipart-uploads",  # no prefix: every object
        Status="Enabled",
        AbortIncompleteMultipartUpload=s3r.AbortIncompleteMultipartUpload(
            DaysAfterInitiation=ABORT_MULTIPART_AFTER_DAYS),
    )
    return s3r.LifecycleConfiguration(Rules=[*expire, abort])
