"""`make demo`: the whole eKYC chain on the embedded engine, on real pictures, no AWS account.

Starts the embedded engine with the local face service, deploys the generated template through
the same code as `make deploy`, then plays a short story through the upload bucket and prints
what became of each upload: S3 -> SQS -> starter Lambda -> workflows -> DynamoDB and SNS.
Pictures come from scikit-image and matplotlib (astronaut Eileen Collins, Grace Hopper, a coffee
cup) and are derived from them at run time.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import boto3

from contract import environment
from contract.item import ID_DOCUMENT, SELFIE, SIMILARITY
from contract.settings import ANALYZE_ID

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "ekyc.template.json"
STACK = "ekyc-demo"


@dataclass(frozen=True)
class Step:
    """One upload of the story, and what a person should expect of it."""

    user: str
    kind: str  # "id" or "selfie"
    picture: str  # a name from tests.face_images.images()
    story: str
    key: str | None = None  # a key of its own (e.g. one the starter must refuse)


STORY = [
    Step("alice", "id", "id_card", "Alice's ID card"),
    Step("alice", "selfie", "astronaut", "Alice's selfie: the ID's owner (pass)"),
    Step("bob", "id", "id_card", "Bob's ID card shows Alice's face"),
    Step("bob", "selfie", "hopper", "Bob's selfie is someone else (not similar)"),
    Step("carol", "id", "hopper_id_card", "Carol's ID card"),
    Step("carol", "selfie", "coffee", "Carol uploads a photo without a face"),
    Step("dave", "id", "hopper_id_card", "Dave's ID card"),
    Step("dave", "selfie", "two_hoppers", "Dave uploads a photo of himself, twice"),
    Step("erin", "id", "id_card", "Erin's ID card: Alice again, under another user id"),
    Step("erin", "selfie", "mirrored", "Erin's selfie is Alice's face (duplicate)"),
    Step("frank", "selfie", "hopper", "Frank's selfie comes before any ID document"),
    Step("alice", "selfie", "astronaut_png", "Alice uploads a new selfie (old face replaced)"),
    Step("mallory", "selfie", "astronaut", "A key the starter refuses (to the DLQ)",
         key=f"{SELFIE.prefix}not a valid user id.jpg"),
]


@dataclass(frozen=True)
class ApiStep:
    """One request to the synchronous API, and the answer a person should expect."""

    route: str
    user: str | None  # None for /compare
    pictures: tuple[str, ...]  # selfie first, then the ID card where the route takes one
    story: str
    expected: str  # the answer's status


# Played after the upload story, on the same stack: Alice's face is registered by then.
API_STORY = [
    ApiStep("/register", "grace", ("hopper",), "Grace registers with a selfie", "Registered"),
    ApiStep("/auth", "grace", ("hopper",), "Grace signs in with her face", "Verified"),
    ApiStep("/auth", "grace", ("astronaut_png",), "Alice tries to sign in as Grace",
            "UserAccessDenied"),
    ApiStep("/update", "grace", ("hopper",), "Grace replaces her registered face", "Updated"),
    ApiStep("/register", "mallory", ("mirrored",), "Mallory registers Alice's face",
            "DuplicateFace"),
    ApiStep("/register", "ivan", ("coffee",), "Ivan registers a photo without a face",
            "FaceRejected"),
    ApiStep("/register-idcard", "henry", ("astronaut_png", "hopper_id_card"),
            "Henry's selfie is not the face on his ID card", "IdDocumentMismatch"),
    ApiStep("/compare", None, ("astronaut", "id_card"), "Is this selfie the ID card's owner?",
            "Match"),
    ApiStep("/compare", None, ("hopper", "id_card"), "And this one?", "NoMatch"),
]


def play_api(api, images: dict[str, bytes]) -> list[tuple[ApiStep, int, dict]]:
    """Each API step's request: (step, HTTP status, answer)."""
    answers = []
    for step in API_STORY:
        status, body = api.call(step.route, step.user, [images[name] for name in step.pictures])
        answers.append((step, status, body))
    return answers


def api_table(answers: list[tuple[ApiStep, int, dict]]) -> str:
    rows = [("route", "user", "HTTP", "answer", "similarity", "reason")]
    for step, status, body in answers:
        similarity = body.get("similarity")
        rows.append((step.route, step.user or "", str(status), body.get("status", ""),
                     f"{float(similarity):.1f}" if similarity is not None else "",
                     str(body.get("reason", ""))[:48]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


UPLOADS = {"id": ID_DOCUMENT, "selfie": SELFIE}  # by Step.kind


@dataclass
class Outcome:
    step: Step
    item: dict = field(default_factory=dict)
    path: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return str(self.item.get(UPLOADS[self.step.kind].status, "-"))

    @property
    def reason(self) -> str:
        return str(self.item.get(UPLOADS[self.step.kind].reason, ""))


# moto has no Textract AnalyzeID: the embedded engine runs with it turned off.
LOCAL_PARAMETERS = {ANALYZE_ID.parameter: "false"}


def deploy_locally(session, name: str, *, out=lambda _: None, poll_seconds: float = 0.02):
    """Deploy the generated template onto the embedded engine (``AWS_ENDPOINT_URL``) as
    ``make deploy`` would, the thumbnail function without Pillow (the engine has its own)."""
    from scripts.deploy import Stack

    stack = Stack(session, name, out=out, poll_seconds=poll_seconds)
    stack.deploy(TEMPLATE.read_text(), {**LOCAL_PARAMETERS,
                                        **stack.thumbnail_code(with_pillow=False)})
    return stack


def play(client, images: dict[str, bytes], folder: Path, out=print) -> list[Outcome]:
    """Upload each step's picture and wait for its final status."""
    outcomes = []
    for step in STORY:
        kind = UPLOADS[step.kind]
        if step.key:
            client.s3.put_object(Bucket=client.outputs["BucketName"], Key=step.key,
                                 Body=images[step.picture])
            outcomes.append(Outcome(step))
            continue
        picture = folder / f"{step.picture}.{'png' if step.picture.endswith('png') else 'jpg'}"
        picture.write_bytes(images[step.picture])
        _, previous = client.upload(kind, step.user, picture)
        item = client.wait(kind, step.user, previous, timeout=120)
        outcomes.append(Outcome(step, item, client.path(kind, item)))
    return outcomes


def dead_letters(sqs, queue_url: str, timeout: float = 30) -> list[dict]:
    """Messages that reached a dead-letter queue (after maxReceiveCount failed deliveries)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                    VisibilityTimeout=0).get("Messages", [])
        if found:
            return [json.loads(message["Body"]) for message in found]
        time.sleep(0.2)
    return []


def table(outcomes: list[Outcome]) -> str:
    rows = [("user", "upload", "status", "reason", "similarity", "states")]
    for outcome in outcomes:
        similarity = outcome.item.get(SIMILARITY) if UPLOADS[outcome.step.kind] is SELFIE \
            else None
        rows.append((outcome.step.user, f"{outcome.step.kind}: {outcome.step.picture}",
                     outcome.status, outcome.reason[:48],
                     f"{float(similarity):.1f}" if similarity is not None else "",
                     str(len(outcome.path))))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main() -> int:
    for name, value in {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                        environment.VISIBILITY_TIME_SCALE: "0.01"}.items():
        os.environ.setdefault(name, value)
    sys.path.insert(0, str(ROOT))
    from scripts.api_client import ApiClient
    from scripts.ekyc import Client
    from scripts.local_api import LocalApi
    from scripts.local_engine import LocalEngine
    from tests.face_images import images

    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder, \
            LocalEngine(faces_db=str(Path(folder) / "faces.sqlite")) as engine:
        os.environ["AWS_ENDPOINT_URL"] = engine.endpoint_url
        print(f"embedded engine at {engine.endpoint_url}; deploying {TEMPLATE.name}")
        session = boto3.session.Session()
        deploy_locally(session, STACK, out=print, poll_seconds=0.05)
        client = Client(session, STACK, out=lambda _: None)
        sqs = session.client("sqs")
        notifications = sqs.create_queue(QueueName="ekyc-demo-notifications")["QueueUrl"]
        session.client("sns").subscribe(
            TopicArn=client.outputs["NotificationTopicArn"], Protocol="sqs",
            Endpoint=sqs.get_queue_attributes(QueueUrl=notifications, AttributeNames=[
                "QueueArn"])["Attributes"]["QueueArn"],
            Attributes={"RawMessageDelivery": "true"})
        print("\nthe story:")
        for step in STORY:
            print(f"  {step.user:<8} {step.story}")
        outcomes = play(client, images(), Path(folder))
        print("\n" + table(outcomes))
        for outcome in outcomes:
            if outcome.path:
                print(f"\n{outcome.step.user} / {outcome.step.kind}: {' -> '.join(outcome.path)}")
        messages = [json.loads(m["Body"]) for m in sqs.receive_message(
            QueueUrl=notifications, MaxNumberOfMessages=10).get("Messages", [])]
        print(f"\nSNS failure notifications: {len(messages)}")
        for message in messages:
            print(f"  {message['userid']:<8} {message['status']:<6} {message['reason']}")
        dead = dead_letters(sqs, client.outputs["SelfieDeadLetterQueueUrl"])
        print(f"\nselfie dead-letter queue: {len(dead)} message(s) the starter could not "
              "process, kept intact:")
        for body in dead:
            print(f"  {body['Records'][0]['s3']['object']['key']}")
        from scripts.local_runtime import LOGS
        refusals = {line for _, line in LOGS if '"ERROR"' in line}
        for line in sorted(refusals):
            print(f"  starter: {json.loads(line)['error']}")

        print("\nthe synchronous API (served by the local front, as API Gateway would):")
        with LocalApi.for_stack(client.outputs, endpoint_url=engine.endpoint_url,
                                session=session) as front:
            api = ApiClient(session, front.url, client.outputs["BucketName"])
            for step in API_STORY:
                print(f"  POST {step.route:<17} {step.story}")
            print("\n" + api_table(play_api(api, images())))
    print(f"\ndone in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
