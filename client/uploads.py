"""Uploads to a deployed stack and what became of them, on AWS or on the embedded engine.

``Client`` finds the bucket, table and state machines in the stack's outputs, uploads an ID
document or a selfie (``Upload``: ``ID_DOCUMENT``, ``SELFIE``), waits for the user's item to
reach a final status and reads the path the upload's execution took. Bad input (a missing
file, not a JPEG or PNG, more than 15 MB, a user id the stack would refuse) is a
``ClientError`` raised before anything is uploaded.
"""

from __future__ import annotations

import itertools
import re
import sys
import time
from pathlib import Path

import boto3

from client.items import plain
from contract.item import FINAL_STATUSES as FINAL
from contract.item import ID_DOCUMENT, PARTITION_KEY, SELFIE, USERID_PATTERN, Upload
from deploy.stack import Stack, StackMissing
from statemachines import registry

MAX_IMAGE_BYTES = 15 * 1024 * 1024  # Rekognition's limit for images in S3
USERID = re.compile(USERID_PATTERN)
__all__ = ["ID_DOCUMENT", "SELFIE", "Upload", "Client", "ClientError", "Unavailable",
           "check_userid", "read_image", "state_machine_output"]


class ClientError(Exception):
    """Input the stack would refuse, or a stack that cannot be used."""


class Unavailable(ClientError):
    """Not the input: the stack does not exist, or a workflow did not finish in time."""


def state_machine_output(kind: Upload) -> str:
    """The stack output naming the workflow an upload of ``kind`` starts."""
    return registry.for_upload(kind).arn_placeholder


def check_userid(userid: str) -> str:
    if not USERID.fullmatch(userid) or ".." in userid:
        raise ClientError(f"user id {userid!r} must be 1-100 characters of A-Z a-z 0-9 _ . : - "
                          "starting with a letter or digit")
    return userid


def read_image(path: str | Path) -> tuple[bytes, str]:
    """The file's bytes and extension, or a ClientError that says what is wrong with it."""
    path = Path(path)
    if not path.is_file():
        raise ClientError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise ClientError(f"{path}: {size} bytes; images may have at most {MAX_IMAGE_BYTES}")
    data = path.read_bytes()
    if data.startswith(b"\xff\xd8\xff"):
        return data, "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data, "png"
    raise ClientError(f"{path}: not a JPEG or PNG image")


class Client:
    def __init__(self, session: boto3.session.Session, stack: str = "ekyc",
                 out=print):
        try:
            self.outputs = Stack(session, stack).outputs()
        except StackMissing as error:
            raise Unavailable(f"{error}: deploy it first (make deploy), or check AWS_REGION "
                              "and AWS_ENDPOINT_URL") from error
        self.s3 = session.client("s3")
        self.ddb = session.client("dynamodb")
        self.sfn = session.client("stepfunctions")
        self.out = out

    def item(self, userid: str) -> dict:
        found = self.ddb.get_item(TableName=self.outputs["TableName"],
                                  Key={PARTITION_KEY: {"S": userid}}, ConsistentRead=True)
        return plain(found.get("Item", {}))

    def upload(self, kind: Upload, userid: str, path: str | Path) -> tuple[str, str | None]:
        """Upload after checking everything; the key and the upload event it replaces."""
        check_userid(userid)
        data, extension = read_image(path)
        previous = self.item(userid).get(kind.event)
        key = f"{kind.prefix}{userid}.{extension}"
        self.s3.put_object(Bucket=self.outputs["BucketName"], Key=key, Body=data)
        self.out(f"uploaded s3://{self.outputs['BucketName']}/{key}")
        return key, previous

    def wait(self, kind: Upload, userid: str, previous: str | None = None,
             timeout: float = 120, spinner: bool = False) -> dict:
        """The item once this upload (a new event) has reached a final status."""
        spinner = spinner and sys.stderr.isatty()
        deadline = time.monotonic() + timeout
        frames = itertools.cycle("|/-\\")
        while True:
            item = self.item(userid)
            if item.get(kind.event) not in (None, previous) and item.get(kind.status) in FINAL:
                if spinner:
                    sys.stderr.write("\r")
                return item
            if time.monotonic() > deadline:
                raise Unavailable(
                    f"{userid}: no final {kind.status} after {timeout:.0f} s (item has "
                    f"{kind.status}={item.get(kind.status)!r}, {kind.event}="
                    f"{item.get(kind.event)!r}; before the upload {previous!r})")
            if spinner:
                sys.stderr.write(f"\r{next(frames)} waiting for {kind.folder} of {userid}")
                sys.stderr.flush()
            time.sleep(0.1)

    def path(self, kind: Upload, item: dict) -> list[str]:
        """States the upload's execution entered (nested compare not included)."""
        execution = item.get(kind.event)
        if not execution:
            return []
        arn = self.outputs[state_machine_output(kind)].replace(":stateMachine:", ":execution:")
        events = self.sfn.get_execution_history(executionArn=f"{arn}:{execution}",
                                                maxResults=1000)["events"]
        return [e["stateEnteredEventDetails"]["name"] for e in events
                if "stateEnteredEventDetails" in e]
