"""Starter Lambda: S3 upload events (through SQS) in, one eKYC workflow execution out.

Each SQS message holds an S3 event notification. For every uploaded object the starter derives
the user id from the key, records the upload on the user's item and starts the workflow for the
key's prefix. A message it cannot process is reported as a batch item failure, so SQS delivers
it again and finally moves it to the dead-letter queue: nothing is dropped.

Deployed inline in the CloudFormation template (lambdas/inline.py strips it to fit 4096 bytes),
so it uses nothing beyond the Lambda runtime's boto3.
"""

import hashlib
import json
import os
import re
from datetime import UTC, datetime
from urllib.parse import unquote_plus

import boto3
from botocore.exceptions import ClientError

# key prefix -> (prefix of execution names and of the upload's item attributes,
#                prefix of the workflow's status attributes,
#                environment variable holding the workflow's state machine ARN)
WORKFLOWS = {
    "id_document": ("id", "id_verify", "ID_DOCUMENT_STATE_MACHINE_ARN"),
    "selfie": ("selfie", "identity_verify", "IDENTITY_VERIFICATION_STATE_MACHINE_ARN"),
}
# The user id becomes Rekognition's ExternalImageId, whose alphabet is [a-zA-Z0-9_.\-:].
USERID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")

clients = {}  # boto3 clients by service name, created on first use; tests put fakes here


def client(service):
    if service not in clients:
        clients[service] = boto3.client(service)
    return clients[service]


def parse_key(key):
    """``selfie/john.doe.jpg`` -> ``("selfie", "john.doe")``; anything else raises ValueError."""
    prefix, slash, name = key.partition("/")
    userid, dot, ext = name.rpartition(".")
    if not slash or prefix not in WORKFLOWS:
        why = "unknown prefix"
    elif "/" in name:
        why = "nested path"
    elif not dot:
        why = "missing extension"
    elif ext.lower() not in ("jpg", "jpeg", "png"):
        why = f"unsupported extension {ext!r}"
    elif not userid:
        why = "empty user id"
    elif len(userid) > 100:
        why = "user id longer than 100 characters"
    elif not USERID.fullmatch(userid) or ".." in userid:  # ".." reads as a path: refused too
        why = f"invalid user id {userid!r}, expected [A-Za-z0-9][A-Za-z0-9_.:-]*, no '..'"
    else:
        return prefix, userid
    raise ValueError(f"key {key!r}: {why}")


def execution_name(kind, userid, bucket, key, version):
    """The same upload always gets the same name, so a repeated S3 event starts no second run."""
    digest = hashlib.sha256(json.dumps([bucket, key, version]).encode()).hexdigest()[:16]
    # Names allow [A-Za-z0-9_-] and 80 characters: "selfie-" + 56 + "-" + 16 fit.
    return f"{WORKFLOWS[kind][0]}-{re.sub(r'[^A-Za-z0-9_-]', '_', userid)[:56]}-{digest}"


def start(record, fields):
    """Start the workflow of one S3 record; ``fields`` collects what the log line shows."""
    bucket, obj = record["s3"]["bucket"]["name"], record["s3"]["object"]
    key = fields["key"] = unquote_plus(obj["key"])
    kind, userid = parse_key(key)
    fields["userid"] = userid
    version = obj.get("sequencer") or obj.get("eTag", "")
    name = fields["execution"] = execution_name(kind, userid, bucket, key, version)
    record_upload(kind, userid, bucket, key, name)
    try:
        client("stepfunctions").start_execution(
            stateMachineArn=os.environ[WORKFLOWS[kind][2]], name=name,
            input=json.dumps({"userid": userid, "bucket": bucket, "key": key}))
    except ClientError as error:  # the client's ExecutionAlreadyExists is a ClientError too
        if error.response["Error"]["Code"] != "ExecutionAlreadyExists":
            raise
        return "already started"
    return "started"


def record_upload(kind, userid, bucket, key, name):
    """Point the user's item at this upload, unless it already does (a repeated S3 event)."""
    short, status, _ = WORKFLOWS[kind]
    ddb, table, item_key = client("dynamodb"), os.environ["TABLE_NAME"], {"userid": {"S": userid}}
    item = ddb.get_item(TableName=table, Key=item_key, ConsistentRead=True).get("Item", {})
    if item.get(f"{short}_event") == {"S": name}:
        return
    remove = f"{status}_reason"
    if kind == "selfie":  # a new selfie replaces the user's registered face
        remove += ", rek_faceid"
        # Deleted before the update: should the update fail, the retry still finds the face id.
        if "rek_faceid" in item:
            client("rekognition").delete_faces(CollectionId=os.environ["COLLECTION_ID"],
                                               FaceIds=[item["rek_faceid"]["S"]])
    ddb.update_item(
        TableName=table, Key=item_key,
        UpdateExpression=f"SET {short}_bucket = :b, {short}_object = :k, {short}_event = :e, "
                         f"{status}_status = :s, updated_at = :t REMOVE {remove}",
        ExpressionAttributeValues={
            ":b": {"S": bucket}, ":k": {"S": key}, ":e": {"S": name},
            ":s": {"S": "processing"}, ":t": {"S": datetime.now(UTC).isoformat()}})


def s3_records(body):
    """The S3 records of one SQS message body, none for S3's test event."""
    event = json.loads(body)  # not JSON: JSONDecodeError, a ValueError
    if event.get("Event") == "s3:TestEvent":
        return []
    records = event.get("Records") or [{}]  # none at all fails below
    for record in records:
        name = record.get("eventName", "")
        if record.get("eventSource") != "aws:s3" or not name.startswith("ObjectCreated:"):
            raise ValueError(f"not an S3 ObjectCreated event: {name!r}")
    return records


def handler(event, context):
    failures = []
    for message in event["Records"]:
        fields = {"messageId": message["messageId"]}
        try:
            records = s3_records(message["body"])
            if not records:
                log("INFO", "s3:TestEvent ignored", fields)
            for record in records:
                fields = {"messageId": message["messageId"]}
                log("INFO", start(record, fields), fields)
        except Exception as error:  # reported, never dropped: SQS retries, then the DLQ keeps it
            log("ERROR", f"{type(error).__name__}: {error}", fields)
            failures.append({"itemIdentifier": message["messageId"]})
    return {"batchItemFailures": failures}


def log(level, message, fields):
    print(json.dumps({"level": level, "message": message, **fields}))
