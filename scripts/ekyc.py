"""A command-line client for a deployed stack, on AWS or on the embedded engine.

    python -m scripts.ekyc upload-id USER PATH
    python -m scripts.ekyc upload-selfie USER PATH
    python -m scripts.ekyc status USER              # waits for a final status, shows the path
    python -m scripts.ekyc verify USER --id PATH --selfie PATH

The synchronous API (``--api-url``, default ``$EKYC_API_URL`` or the stack's ``ApiUrl``; on
the embedded engine, the URL ``python -m scripts.local_api`` prints):

    python -m scripts.ekyc register USER SELFIE
    python -m scripts.ekyc register-idcard USER SELFIE IDCARD
    python -m scripts.ekyc auth USER SELFIE
    python -m scripts.ekyc update USER SELFIE
    python -m scripts.ekyc compare SELFIE IDCARD [--threshold N] [--quality-filter F]

It finds the bucket, table and state machines in the stack's outputs (``--stack``, default
``ekyc``). Bad input (a missing file, not a JPEG or PNG, more than 15 MB, a user id the stack
would refuse) is reported before anything is uploaded.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import sys
import time
from pathlib import Path

import boto3

from contract import environment
from contract.item import FINAL_STATUSES as FINAL
from contract.item import ID_DOCUMENT, PARTITION_KEY, SELFIE, USERID_PATTERN, Upload
from scripts.api_client import ApiClient
from scripts.deploy import DeployError, Stack, session_for
from scripts.scenario_runner import plain
from statemachines import registry

MAX_IMAGE_BYTES = 15 * 1024 * 1024  # Rekognition's limit for images in S3
USERID = re.compile(USERID_PATTERN)


class ClientError(Exception):
    """Input the stack would refuse, or a stack that cannot be used."""


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
        except DeployError as error:
            raise ClientError(f"{error}: deploy it first (make deploy, or make demo)") from error
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
                raise ClientError(
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


def show(client: Client, userid: str, kinds: list[Upload]) -> None:
    item = client.item(userid)
    if not item:
        client.out(f"{userid}: no record")
        return
    for key in sorted(item):
        client.out(f"  {key:<24} {item[key]}")
    for kind in kinds:
        if item.get(kind.event):
            client.out(f"  {kind.folder} path: {' -> '.join(client.path(kind, item))}")


def api_commands() -> dict[str, registry.Workflow]:
    """One command per API route, named after it: register, register-idcard, auth, ..."""
    return {workflow.route.lstrip("/"): workflow for workflow in registry.api_workflows()}


def call_api(client: Client, args: argparse.Namespace) -> int:
    """One API call; prints the JSON answer. Exit status 0 for a 2xx, 1 otherwise."""
    url = args.api_url or client.outputs.get("ApiUrl")
    if not url:
        raise ClientError(f"no API URL: pass --api-url or set {environment.API_URL}")
    workflow = api_commands()[args.command]
    request = workflow.request
    images = [read_image(getattr(args, name))[0] for name in request.images]
    if request.userid:
        check_userid(args.user)
    api = ApiClient(session_for(), url, client.outputs["BucketName"])
    status, body = api.call(workflow.route, getattr(args, "user", None), images,
                            **{name: getattr(args, name) for name in request.options})
    client.out(f"HTTP {status}")
    client.out(json.dumps(body, indent=2))
    return 0 if 200 <= status < 300 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="ekyc")
    parser.add_argument("--timeout", type=float, default=120)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("upload-id", "upload-selfie"):
        command = commands.add_parser(name)
        command.add_argument("user")
        command.add_argument("path")
    commands.add_parser("status").add_argument("user")
    verify = commands.add_parser("verify")
    verify.add_argument("user")
    verify.add_argument("--id", required=True, dest="id_path")
    verify.add_argument("--selfie", required=True)
    parser.add_argument("--api-url", default=os.environ.get(environment.API_URL))
    for name, workflow in api_commands().items():
        request = workflow.request
        command = commands.add_parser(name)
        if request.userid:
            command.add_argument("user")
        for image in request.images:
            command.add_argument(image)
        for option, declared in request.options.items():
            command.add_argument(declared.flag, dest=option, choices=declared.schema.get("enum"),
                                 type=float if declared.schema["type"] == "number" else str)
    args = parser.parse_args(argv)
    try:
        client = Client(session_for(), args.stack)
        if args.command in api_commands():
            return call_api(client, args)
        if args.command == "upload-id":
            client.upload(ID_DOCUMENT, args.user, args.path)
        elif args.command == "upload-selfie":
            client.upload(SELFIE, args.user, args.path)
        elif args.command == "status":
            check_userid(args.user)
            item = client.item(args.user)
            for kind in (ID_DOCUMENT, SELFIE):
                if item.get(kind.status) == "processing":
                    client.wait(kind, args.user, timeout=args.timeout, spinner=True)
            show(client, args.user, [ID_DOCUMENT, SELFIE])
        else:
            read_image(args.selfie)  # check both files before uploading either
            _, previous_id = client.upload(ID_DOCUMENT, args.user, args.id_path)
            client.wait(ID_DOCUMENT, args.user, previous_id, args.timeout, spinner=True)
            _, previous_selfie = client.upload(SELFIE, args.user, args.selfie)
            client.wait(SELFIE, args.user, previous_selfie, args.timeout, spinner=True)
            show(client, args.user, [ID_DOCUMENT, SELFIE])
    except ClientError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
