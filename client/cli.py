"""A command-line client for a deployed stack, on AWS or on the embedded engine.

    python -m scripts.ekyc upload-id USER PATH
    python -m scripts.ekyc upload-selfie USER PATH
    python -m scripts.ekyc status USER              # waits for a final status, shows the path
    python -m scripts.ekyc verify USER --id PATH --selfie PATH

The synchronous API (``--api-url``, default ``$EKYC_API_URL`` or the stack's ``ApiUrl``; on
the embedded engine, the URL ``python -m engine.api_front`` prints):

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
import json
import os
import sys

from client.api import ApiClient
from client.uploads import (
    ID_DOCUMENT,
    SELFIE,
    Client,
    ClientError,
    Upload,
    check_userid,
    read_image,
)
from contract import environment
from deploy.stack import session_for
from statemachines import registry


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
