"""The demo's story: the uploads and API calls `make demo` plays on a fresh stack, what a
person should expect of each, and the tables that show what became of them. The end-to-end
tests play the same story and check it ends as told.

Pictures are names from ``harness/pictures.py``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from contract.item import ID_DOCUMENT, ID_FIELD_PREFIX, SELFIE, SIMILARITY
from statemachines.id_fields import FIELDS


@dataclass(frozen=True)
class Step:
    """One upload of the story, and what a person should expect of it."""

    user: str
    kind: str  # "id" or "selfie"
    picture: str  # a name from harness.pictures.images()
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


def id_fields_table(outcomes: list[Outcome]) -> str:
    """The fields Textract AnalyzeID read from each accepted ID document, as on the item."""
    rows = [("user", "upload", *FIELDS)]
    for outcome in outcomes:
        if UPLOADS[outcome.step.kind] is ID_DOCUMENT and outcome.status == "pass":
            rows.append((outcome.step.user, outcome.step.picture,
                         *(str(outcome.item.get(f"{ID_FIELD_PREFIX}{name}", ""))
                           for name in FIELDS)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
