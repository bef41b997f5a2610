"""`make demo`: the whole eKYC chain on the embedded engine, on real pictures, no AWS account.

    python -m scripts.demo [-v] [--compare-mode COLLECTION]     # or EKYC_VERBOSE=1

Starts the embedded engine with the local face service, deploys the generated template through
the same code as `make deploy`, plays the story of ``harness/story.py`` through the upload
bucket (S3 -> SQS -> starter Lambda -> workflows -> DynamoDB and SNS) and through the
synchronous API, and prints what became of each step. Its last line counts the outcomes that
are the ones declared beside the steps, or names those that differ (exit status 1).

Quiet by default: a header, the two tables, the ID fields read and the verdict. ``-v`` also
prints the change set, the stack's outputs, the states of each execution, the messages and the
engine's logs, and lets the libraries' warnings through. ``--compare-mode`` deploys the stack
with that ``CompareMode``: the story's verdicts are the same in both modes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import boto3

from client.api import ApiClient
from client.uploads import Client
from contract import environment
from contract.settings import COMPARE_MODE
from deploy.stack import DEFAULT_TEMPLATE
from engine.api_front import LocalApi
from engine.lambda_runtime import LOGS
from engine.server import LocalEngine
from harness import demo_report
from harness.local_stack import SKIPPED_TYPES, deploy_locally, listen
from harness.pictures import images
from harness.story import (
    dead_letter_keys,
    dead_letters,
    leftovers,
    mark_refused,
    play,
    play_api,
)

STACK = "ekyc-demo"
SETTINGS = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
            "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
            environment.VISIBILITY_TIME_SCALE: "0.01"}
WIDTH = 110  # when the output is not a terminal


class SkippedResourceNotes(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not re.fullmatch(rf"No Moto CloudFormation support for {SKIPPED_TYPES}",
                                record.getMessage())


def quieten_libraries() -> None:
    """Keep moto's notes on the resources it skips off the terminal (the demo's ``-v`` shows
    them)."""
    logging.getLogger("moto").addFilter(SkippedResourceNotes())
    warnings.filterwarnings("ignore", message=rf"Tried to parse {SKIPPED_TYPES} but it's not "
                            "supported by moto", category=UserWarning)


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The demo's options; ``verbose`` is also on when the environment asks for it."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.demo", description="The whole eKYC chain on the embedded "
        "engine: deploy, play the story, check each outcome against the one declared.")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print the change "
                        f"set, the outputs, each execution's states and the engine's logs "
                        f"(or set {environment.VERBOSE}=1)")
    parser.add_argument("--compare-mode", choices=COMPARE_MODE.values,
                        default=COMPARE_MODE.default, help="the stack's CompareMode (default "
                        "%(default)s); the story's verdicts are the same in both")
    options = parser.parse_args(argv)
    options.verbose = options.verbose or os.environ.get(environment.VERBOSE, "") not in ("", "0")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    verbose, mode = options.verbose, options.compare_mode
    if not verbose:
        quieten_libraries()
    for name, value in SETTINGS.items():
        os.environ.setdefault(name, value)
    width = shutil.get_terminal_size((WIDTH, 24)).columns
    say = print if verbose else (lambda *_: None)

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, \
            LocalEngine(faces_db=str(Path(folder) / "faces.sqlite")) as engine:
        os.environ["AWS_ENDPOINT_URL"] = engine.endpoint_url
        print(f"ekyc demo: {DEFAULT_TEMPLATE.name} onto the embedded engine at "
              f"{engine.endpoint_url} ({COMPARE_MODE.parameter} {mode}), then the story"
              f"{'' if verbose else ' (-v: the details)'}", flush=True)
        session = boto3.session.Session()
        deploy_locally(session, STACK, out=say, poll_seconds=0.05,
                       parameters={COMPARE_MODE.parameter: mode})
        client = Client(session, STACK, out=lambda _: None)
        notifications_queue = listen(session, client.outputs["NotificationTopicArn"],
                                     f"{STACK}-notifications")
        outcomes = play(client, images(), Path(folder), compare_mode=mode)
        sqs = session.client("sqs")
        dead = dead_letters(sqs, client.outputs["SelfieDeadLetterQueueUrl"])
        mark_refused(outcomes, dead)
        notifications = [json.loads(m["Body"]) for m in sqs.receive_message(
            QueueUrl=notifications_queue, MaxNumberOfMessages=10).get("Messages", [])]
        with LocalApi.for_stack(client.outputs, endpoint_url=engine.endpoint_url,
                                session=session) as front:
            answers = play_api(ApiClient(session, front.url, client.outputs["BucketName"]),
                               images())
        left = leftovers(session, client.outputs)
        if verbose:
            print_details(outcomes, notifications, dead)

    for block in (
            ["the uploads (S3 -> SQS -> starter -> workflow -> DynamoDB, SNS):",
             *demo_report.uploads_table(outcomes, width)],
            ["the ID fields Textract AnalyzeID read (the engine's local one):",
             *demo_report.id_fields(outcomes, width),
             *demo_report.aftermath(notifications, sorted(dead_letter_keys(dead)), width)],
            ["the synchronous API (the local front, as API Gateway would serve it):",
             *demo_report.api_table(answers, width), *demo_report.erasures(left, width)]):
        print("\n" + "\n".join(block))
    lines, status = demo_report.verdict(outcomes, answers, left)
    print(f"\nplayed in {time.monotonic() - started:.0f} s", *lines, sep="\n")
    return status


def print_details(outcomes, notifications: list[dict], dead: list[dict]) -> None:
    """What ``-v`` adds after the deployment's own lines: each execution's states, the
    messages and the engine's logs."""
    for outcome in outcomes:
        if outcome.path:
            print(f"\n{outcome.step.user} / {outcome.step.kind} {outcome.step.picture}: "
                  + " -> ".join(outcome.path))
    print(f"\nSNS failure notifications: {len(notifications)}")
    for message in notifications:
        print(f"  {message['userid']:<8} {message['status']:<6} {message['reason']}")
    print(f"\nselfie dead-letter queue: {len(dead)} message(s), kept intact, of the keys:")
    for key in sorted(dead_letter_keys(dead)):
        print(f"  {key}")
    print("\nthe engine's Lambda logs:")
    for function, line in LOGS:
        print(f"  {function}: {line}")
