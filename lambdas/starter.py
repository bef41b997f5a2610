"""Starter Lambda: S3 upload events (through SQS) in, one eKYC workflow execution out.

Each SQS message holds an S3 event notification. For every uploaded object the starter derives
the user id from the key, claims the upload on the user's item and starts the workflow for the
key's prefix, once: another delivery of the same upload ends as a duplicate. A message it
cannot process is reported as a batch item failure, so SQS delivers it again and finally moves
it to the dead-letter queue: nothing is dropped.

Deployed inline in the CloudFormation template (see lambdas/inline.py), so it stays small and
uses nothing beyond the Lambda runtime's boto3; the names and values it shares with the rest
of the stack come from ``contract`` and are written into the inlined code as literals.
"""

import hashlib
import json
import os
import re
import time
from datetime import UTC, datetime
from urllib.parse import unquote_plus

import boto3
from botocore.exceptions import ClientError

from contract.environment import ABANDONED_RECORD_DAYS, COLLECTION_ID, TABLE_NAME
from contract.item import (
    EXPIRES_AT,
    FACE_ID,
    ID_DOCUMENT,
    PARTITION_KEY,
    PROCESSING,
    SELFIE,
    USERID_PATTERN,
)
from contract.keys import IMAGE_EXTENSIONS

# key prefix -> (short name: prefix of execution names and item attributes,
#                prefix of the workflow's status attributes,
#                environment variable holding the workflow's state machine ARN).
# The attribute names below are built from these as contract.item.Upload builds them.
WORKFLOWS = {
    ID_DOCUMENT.folder: (ID_DOCUMENT.short, ID_DOCUMENT.verification,
                         ID_DOCUMENT.state_machine_variable),
    SELFIE.folder: (SELFIE.short, SELFIE.verification, SELFIE.state_machine_variable),
}
EXTENSIONS = IMAGE_EXTENSIONS
USERID = re.compile(USERID_PATTERN)

_clients = {}


def client(service):
    if service not in _clients:
        _clients[service] = boto3.client(service)
    return _clients[service]


def parse_key(key):
    """``selfie/alice.jpg`` -> ``("selfie", "alice")``; anything else raises ValueError."""
    prefix, slash, name = key.partition("/")
    userid, dot, extension = name.rpartition(".")
    if prefix not in WORKFLOWS or not slash:
        why = "expected id_document/<userid>.<ext> or selfie/<userid>.<ext>"
    elif "/" in name:
        why = "nested folders are not allowed"
    elif not dot or extension.lower() not in EXTENSIONS:
        why = "the file must end in .jpg, .jpeg or .png"
    elif not USERID.fullmatch(userid) or ".." in userid:
        why = f"user id {userid!r} must be 1-100 of A-Z a-z 0-9 _ . : - starting alphanumeric"
    else:
        return prefix, userid
    raise ValueError(f"key {key!r}: {why}")


def execution_name(prefix, userid, bucket, key, version):
    """The same upload always gets the same name, so a repeated S3 event starts no second run."""
    digest = hashlib.sha256(f"{bucket}/{key}#{version}".encode()).hexdigest()[:16]
    # Names allow [A-Za-z0-9_-] and 80 characters: "selfie-" + 56 + "-" + 16 fit.
    return f"{WORKFLOWS[prefix][0]}-{re.sub(r'[^A-Za-z0-9_-]', '_', userid)[:56]}-{digest}"


def user_item(userid):
    """The ``TableName`` and ``Key`` of the user's item."""
    return {"TableName": os.environ[TABLE_NAME], "Key": {PARTITION_KEY: {"S": userid}}}


def start(upload, message_id):
    """Record one uploaded S3 object on the user's item and start its workflow, once."""
    bucket, s3_object = upload["s3"]["bucket"]["name"], upload["s3"]["object"]
    key = unquote_plus(s3_object["key"])
    prefix, userid = parse_key(key)
    version = s3_object.get("sequencer") or s3_object.get("eTag", "")
    name = execution_name(prefix, userid, bucket, key, version)
    where = {"key": key, "execution": name}
    if not still_there(bucket, key):
        return log("gone", **where)
    if not claim(prefix, userid, bucket, key, name, message_id):
        return log("duplicate", **where)
    sfn = client("stepfunctions")
    try:
        sfn.start_execution(stateMachineArn=os.environ[WORKFLOWS[prefix][2]], name=name,
                            input=json.dumps({"userid": userid, "bucket": bucket, "key": key,
                                              "uploaded_at": upload.get("eventTime", "")}))
        log("started", **where)
    except sfn.exceptions.ExecutionAlreadyExists:
        log("already started", **where)
    release(prefix, userid, message_id)


# S3 and SQS deliver at least once, so an upload's event may come again after the user was
# erased (DELETE /user deletes the pictures, then the item); claiming it would make the item
# anew. HeadObject answers 404 for a key without a current object, a key whose current version
# is a delete marker included, and only to a caller that may also s3:ListBucket; without that
# permission S3 answers 403 ("HeadObject", Amazon S3 API Reference), which fails the message.
def still_there(bucket, key):
    """False if the uploaded object is gone: nothing is left to verify."""
    try:
        client("s3").head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
            return False
        raise
    return True


# S3 and SQS deliver at least once, and Step Functions dedupes execution names for Standard
# workflows only (developer guide, "Execution guarantees": Express runs every start). So one
# delivery of an upload claims it on the user's item with a conditional write, which DynamoDB
# applies for one writer at a time; any other delivery finds the upload taken and ends as a
# duplicate, having changed nothing. The claim names its SQS message until the run has
# started, so that this message, delivered again after a failure, may still start it.
# Claiming here rather than in the workflows keeps recording and starting in one place.
def claim(prefix, userid, bucket, key, name, message_id):
    """Point the user's item at this upload; False if another delivery of it already did."""
    short, status, _ = WORKFLOWS[prefix]
    event, holder = f"{short}_event", f"{short}_claim"
    ddb, item_key = client("dynamodb"), user_item(userid)
    item = ddb.get_item(ConsistentRead=True, **item_key).get("Item", {})
    if item.get(event, {}).get("S") == name and item.get(holder, {}).get("S") != message_id:
        return False  # checked before deleting: the face may be the one its run indexed
    remove = f"{status}_reason"
    if prefix == SELFIE.folder:  # a new selfie replaces the user's registered face
        remove += ", rek_faceid"  # FACE_ID, spelled out: tests/test_starter.py holds them equal
        if FACE_ID in item:
            client("rekognition").delete_faces(CollectionId=os.environ[COLLECTION_ID],
                                               FaceIds=[item[FACE_ID]["S"]])
    values = {":b": bucket, ":k": key, ":e": name, ":m": message_id, ":s": PROCESSING,
              ":t": datetime.now(UTC).isoformat()}
    assign = (f"SET {short}_bucket = :b, {short}_object = :k, {event} = :e, {holder} = :m, "
              f"{status}_status = :s, updated_at = :t")
    values = {label: {"S": value} for label, value in values.items()}
    expires = expiry(prefix, item)
    if expires is not None:
        assign += f", {EXPIRES_AT} = :x"
        values[":x"] = {"N": str(expires)}
    try:
        ddb.update_item(
            UpdateExpression=f"{assign} REMOVE {remove}",
            ConditionExpression=f"attribute_not_exists({event}) OR {event} <> :e "
                                f"OR {holder} = :m",
            ExpressionAttributeValues=values, **item_key)
    except ddb.exceptions.ConditionalCheckFailedException:
        return False
    return True


# DynamoDB's time to live deletes an item once the epoch second in its attribute has passed,
# typically within two days ("UpdateTimeToLive", DynamoDB API Reference): an attempt nobody
# finished (an ID document without a selfie, a rejected selfie) goes after the stack's
# AbandonedRecordDays; the write that registers a face removes the attribute.
def expiry(prefix, item):
    """When the item may go: None if that is never or the user keeps a registered face."""
    days = int(os.environ.get(ABANDONED_RECORD_DAYS) or 0)
    if days <= 0 or (FACE_ID in item and prefix != SELFIE.folder):
        return None  # a new selfie takes the registered face away: the item may go then
    return int(time.time()) + days * 24 * 3600


def release(prefix, userid, message_id):
    """The run has started: from now on every delivery of the upload is a duplicate."""
    holder = f"{WORKFLOWS[prefix][0]}_claim"
    try:
        client("dynamodb").update_item(
            UpdateExpression=f"REMOVE {holder}", ConditionExpression=f"{holder} = :m",
            ExpressionAttributeValues={":m": {"S": message_id}}, **user_item(userid))
    except Exception as error:  # failing the message now would start a second run
        log("claim kept", level="WARNING", error=repr(error))


def uploads(body):
    """The S3 records of one SQS message body; S3's test event holds none."""
    event = json.loads(body)
    if event.get("Event") == "s3:TestEvent":
        return []
    records = event.get("Records") or [{}]
    for record in records:
        if record.get("eventSource") != "aws:s3" or \
                not record.get("eventName", "").startswith("ObjectCreated:"):
            raise ValueError("not an S3 ObjectCreated event notification")
    return records


def handler(event, context):
    failures = []
    for message in event["Records"]:
        try:
            for upload in uploads(message["body"]):
                start(upload, message["messageId"])
        except Exception as error:  # report, never drop: SQS retries, then the DLQ keeps it
            log("failed", level="ERROR", messageId=message["messageId"],
                error=f"{type(error).__name__}: {error}")
            failures.append({"itemIdentifier": message["messageId"]})
    return {"batchItemFailures": failures}


def log(message, level="INFO", **fields):
    print(json.dumps({"level": level, "message": message, **fields}))
