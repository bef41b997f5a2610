"""ekyc: verify a user's identity on a deployed stack, on AWS or on the embedded engine.

    ekyc verify USER --id PATH --selfie PATH   # both uploads, waits, ends with the verdict
    ekyc status USER                           # waits for a final status, ends with the verdict
    ekyc upload-id USER PATH  /  ekyc upload-selfie USER PATH
    ekyc register USER SELFIE  (register-idcard, auth, update, compare: the synchronous API)

(``python -m scripts.ekyc`` is the same command.) It finds the bucket, table and state
machines in the stack's outputs (``--stack``, default ``ekyc``). Bad input (a missing file,
not a JPEG or PNG, more than 15 MB, a user id the stack would refuse) is reported before
anything is uploaded or any AWS setting is read. The exit code says what happened
(``contract/exit_codes.py``, docs/cli.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap

import requests

from client.api import ApiClient
from client.uploads import (
    ID_DOCUMENT,
    SELFIE,
    Client,
    ClientError,
    Unavailable,
    check_userid,
    read_image,
)
from client.verdict import verdict
from contract import environment
from contract.exit_codes import MEANINGS, ExitCode
from contract.item import PROCESSING
from deploy.problems import PROBLEMS, explain
from deploy.stack import session_for
from statemachines import registry
from statemachines.api_requests import IMAGES

EXAMPLES = """examples:
  ekyc verify alice --id id.jpg --selfie selfie.jpg     # ends "alice: pass (similarity ...)"
  ekyc status alice --json                              # the verdict and the item as JSON
  ekyc --stack ekyc-prod upload-selfie alice selfie.jpg
  ekyc compare selfie.jpg id.jpg --threshold 90          # the synchronous API

exit codes:
""" + "\n".join(textwrap.fill(meaning.replace("`", ""), 88, initial_indent=f"  {int(code)}  ",
                             subsequent_indent="     ") for code, meaning in MEANINGS.items())

COMMANDS = {
    "upload-id": ("upload a photo of USER's identity document; its workflow starts",
                  "ekyc upload-id alice id.jpg"),
    "upload-selfie": ("upload USER's selfie; the identity verification starts",
                      "ekyc upload-selfie alice selfie.jpg"),
    "status": ("wait until USER's uploads reach a final status; print the path each took "
               "and the verdict", "ekyc status alice"),
    "verify": ("upload the ID document, wait for its verdict, upload the selfie, wait: the "
               "whole check, ending with the verdict",
               "ekyc verify alice --id id.jpg --selfie selfie.jpg"),
}


def api_commands() -> dict[str, registry.Workflow]:
    """One command per API route, named after it: register, register-idcard, auth, ..."""
    return {workflow.command: workflow for workflow in registry.api_workflows()}


def summary(workflow: registry.Workflow) -> str:
    """The route's docstring summary: ``POST /register``: register a user's face -> register
    a user's face."""
    first = " ".join(workflow.module.__doc__.split("\n\n", 1)[0].split())
    return first.split(": ", 1)[-1].rstrip(".")


def options(parser: argparse.ArgumentParser, default) -> None:
    """The options every command takes; ``default`` is SUPPRESS on the subcommands, so an option
    given before the subcommand is not undone by the subcommand's default."""
    def given(value):
        return argparse.SUPPRESS if default is argparse.SUPPRESS else value

    parser.add_argument("--stack", default=given("ekyc"),
                        help="the deployed stack's name (default: ekyc)")
    parser.add_argument("--timeout", type=float, default=given(120.0), metavar="SECONDS",
                        help="how long to wait for a workflow to finish (default: 120)")
    parser.add_argument("--api-url", default=given(os.environ.get(environment.API_URL)),
                        help=f"the synchronous API's URL (default: ${environment.API_URL}, "
                             "else the stack's ApiUrl output)")
    parser.add_argument("--json", action="store_true", default=given(False),
                        help="print the result as one JSON object (progress goes to stderr)")
    parser.add_argument("-v", "--verbose", action="store_true", default=given(False),
                        help="also print every attribute of the user's item")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ekyc", description=__doc__.split("\n\n", 1)[0], epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    options(parser, None)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, description: str, example: str) -> argparse.ArgumentParser:
        made = commands.add_parser(name, help=description, description=description,
                                   epilog=f"example:\n  {example}",
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
        options(made, argparse.SUPPRESS)
        return made

    user = {"metavar": "USER",
            "help": "the user id: 1-100 of A-Z a-z 0-9 _ . : - (a letter or digit first)"}
    for name in ("upload-id", "upload-selfie"):
        made = command(name, *COMMANDS[name])
        made.add_argument("user", **user)
        made.add_argument("path", help="a JPEG or PNG of at most 15 MB")
    command("status", *COMMANDS["status"]).add_argument("user", **user)
    verify = command("verify", *COMMANDS["verify"])
    verify.add_argument("user", **user)
    verify.add_argument("--id", required=True, dest="id_path", metavar="PATH",
                        help="the ID document's photo (JPEG or PNG)")
    verify.add_argument("--selfie", required=True, metavar="PATH",
                        help="the selfie (JPEG or PNG)")
    for name, workflow in api_commands().items():
        request = workflow.request
        example = " ".join(["ekyc", name] + ["alice"] * request.userid +
                           [f"{image}.jpg" for image in request.images])
        made = command(name, f"{workflow.method} {workflow.route}: {summary(workflow)}",
                       example)
        if request.userid:
            made.add_argument("user", **user)
        for image in request.images:
            made.add_argument(image, help=f"{IMAGES[image]}: a JPEG or PNG")
        for option, declared in request.options.items():
            schema = declared.schema
            made.add_argument(declared.flag, dest=option, choices=schema.get("enum"),
                              type=float if schema["type"] == "number" else str,
                              help=f"the request's {option}" + (
                                  f", {schema['minimum']}-{schema['maximum']}"
                                  if "minimum" in schema else ""))
    return parser


def check_input(args: argparse.Namespace) -> None:
    """Every user id and file the command names, before any AWS setting is read."""
    if getattr(args, "user", None) is not None:
        check_userid(args.user)
    if args.command in api_commands():
        names = api_commands()[args.command].request.images
    else:
        names = {"upload-id": ["path"], "upload-selfie": ["path"], "status": [],
                 "verify": ["id_path", "selfie"]}[args.command]
    for name in names:
        read_image(getattr(args, name))


def call_api(client: Client, args: argparse.Namespace) -> int:
    """One API call. Exit code: 0 a 2xx, 2 a 400 or 413 (the request), 3 a 5xx, 1 otherwise
    (a refusal: the user is unknown, not the registered face, ...)."""
    url = args.api_url or client.outputs.get("ApiUrl")
    if not url:
        raise Unavailable(f"no API URL: pass --api-url or set {environment.API_URL}")
    workflow = api_commands()[args.command]
    request = workflow.request
    images = [read_image(getattr(args, name))[0] for name in request.images]
    api = ApiClient(session_for(), url, client.outputs["BucketName"])
    try:
        status, body = api.call(workflow.route, getattr(args, "user", None), images,
                                **{name: getattr(args, name) for name in request.options})
    except requests.ConnectionError as error:
        raise Unavailable(f"cannot reach the API at {url}: is it running? (on the embedded "
                          "engine: python -m engine.api_front, docs/api.md)") from error
    if args.json:
        print(json.dumps({"http_status": status, "answer": body}))
    else:
        print(f"HTTP {status}")
        print(json.dumps(body, indent=2))
    if 200 <= status < 300:
        return ExitCode.PASSED
    if status in (400, 413):
        return ExitCode.BAD_INPUT
    return ExitCode.SERVICE if status >= 500 else ExitCode.FAILED


def conclude(client: Client, args: argparse.Namespace) -> int:
    """The verdict's line last (or one JSON object), and its exit code."""
    item = client.item(args.user)
    found = verdict(args.user, item)
    paths = {kind.folder: client.path(kind, item) for kind in (ID_DOCUMENT, SELFIE)
             if item.get(kind.event)}
    if args.json:
        print(json.dumps({**found.as_json(), "paths": paths, "item": item}, default=str))
        return found.code
    if args.verbose:
        for key in sorted(item):
            print(f"  {key:<24} {item[key]}")
    for folder, path in paths.items():
        print(f"  {folder} path: {' -> '.join(path)}")
    print(found.line)
    return found.code


def run(args: argparse.Namespace) -> int:
    progress = (lambda line: print(line, file=sys.stderr)) if args.json else print
    client = Client(session_for(), args.stack, out=progress)
    if args.command in api_commands():
        return call_api(client, args)
    if args.command in ("upload-id", "upload-selfie"):
        key, _ = client.upload(ID_DOCUMENT if args.command == "upload-id" else SELFIE,
                               args.user, args.path)
        if args.json:
            print(json.dumps({"uploaded": f"s3://{client.outputs['BucketName']}/{key}"}))
        return ExitCode.PASSED
    if args.command == "verify":
        for kind, path in ((ID_DOCUMENT, args.id_path), (SELFIE, args.selfie)):
            _, previous = client.upload(kind, args.user, path)
            client.wait(kind, args.user, previous, args.timeout, spinner=True)
    else:
        item = client.item(args.user)
        for kind in (ID_DOCUMENT, SELFIE):
            if item.get(kind.status) == PROCESSING:
                client.wait(kind, args.user, timeout=args.timeout, spinner=True)
    return conclude(client, args)


def main(argv: list[str] | None = None) -> int:
    try:
        code = answer(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # The reader stopped reading (`ekyc status alice --json | head -1`). Python's advice
        # ("Note on SIGPIPE", the signal module's documentation): point stdout at devnull, so
        # that flushing it at exit raises nothing more, and end quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OUTPUT_CLOSED


def answer(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    try:
        check_input(args)
        return run(args)
    except Unavailable as error:
        return fail(ExitCode.SERVICE, str(error))
    except ClientError as error:
        return fail(ExitCode.BAD_INPUT, str(error))
    except PROBLEMS as error:  # botocore's: no region, no credentials, no endpoint, refusals
        return fail(ExitCode.SERVICE, explain(error))


def fail(code: ExitCode, message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code
