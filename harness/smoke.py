"""`make smoke`: check a deployed stack end to end, on AWS or on the embedded engine.

    python -m scripts.smoke [--stack ekyc] [--region R] [--timeout 60] [--keep]

It talks to whatever boto3 is configured for (``AWS_PROFILE``, ``AWS_REGION``, and
``AWS_ENDPOINT_URL`` for the embedded engine), so the same checks that pass here are the first
thing to run after ``make deploy`` onto a real account (docs/first-deploy.md). It plays two
users through the upload flow, as ``ekyc verify`` does:

- ``smoke-<run>-owner``: an ID card and a selfie of the card's owner: both must ``pass``;
- ``smoke-<run>-stranger``: the same card and someone else's selfie: the selfie must ``fail``
  on its similarity to the card.

Each check prints ``ok`` or ``FAIL`` with what was found. Afterwards it erases what it made (the
users' items, their uploads and thumbnails, their faces in the collection), so running it again
finds no duplicate; ``--keep`` leaves it all for a look in the console. Leftovers of an earlier
run that was interrupted are erased first.

Exit status: 0 every check passed, 1 a check failed, 2 the stack cannot be used.
Each run costs a handful of Rekognition image calls (well under a cent at list price).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from client.uploads import ID_DOCUMENT, SELFIE, Client, ClientError, Upload
from client.verdict import shown_similarity
from contract.exit_codes import ExitCode
from deploy.problems import PROBLEMS, explain
from deploy.stack import session_for
from harness.pictures import images

USER_PREFIX = "smoke-"


@dataclass(frozen=True)
class Expectation:
    """One upload of the smoke run and the verdict it must reach."""

    user: str  # suffix after smoke-<run>-
    kind: Upload
    picture: str  # a name from harness.pictures.images()
    status: str
    because: str = ""  # words the recorded reason must hold (why it failed)


EXPECTATIONS = [
    Expectation("owner", ID_DOCUMENT, "id_card", "pass"),
    Expectation("owner", SELFIE, "astronaut", "pass"),
    Expectation("stranger", ID_DOCUMENT, "id_card", "pass"),
    Expectation("stranger", SELFIE, "hopper", "fail", because="similarity"),
]


class Smoke:
    def __init__(self, client: Client, session, out: Callable[[str], None] = print):
        self.client, self.out = client, out
        self.rekognition = session.client("rekognition")
        self.failures = 0

    def check(self, ok: bool, what: str, found: str = "") -> bool:
        self.out(f"{'ok  ' if ok else 'FAIL'}  {what}" + (f": {found}" if found else ""))
        self.failures += not ok
        return ok

    def state_machines_exist(self) -> None:
        sfn = self.client.sfn
        for name, arn in sorted(self.client.outputs.items()):
            if name.endswith("StateMachineArn"):
                status = sfn.describe_state_machine(stateMachineArn=arn).get("status", "ACTIVE")
                self.check(status == "ACTIVE", f"state machine {arn.rsplit(':', 1)[-1]}", status)

    def play(self, run: str, images: dict[str, bytes], folder: Path, timeout: float) -> None:
        for expected in EXPECTATIONS:
            user = f"{USER_PREFIX}{run}-{expected.user}"
            picture = folder / f"{expected.picture}.jpg"
            picture.write_bytes(images[expected.picture])
            started = time.monotonic()
            _, previous = self.client.upload(expected.kind, user, picture)
            what = f"{user} {expected.kind.folder} is {expected.status}"
            if expected.because:
                what += f" ({expected.because})"
            try:
                item = self.client.wait(expected.kind, user, previous, timeout=timeout)
            except ClientError as error:
                self.check(False, what, str(error))
                continue
            status = item.get(expected.kind.status)
            found = f"{status} in {time.monotonic() - started:.1f} s"
            if item.get(expected.kind.reason):
                found += f" ({item[expected.kind.reason]})"
            if expected.kind is SELFIE and "similarity" in item:
                found += f", similarity {shown_similarity(item['similarity'])}"
            reason = str(item.get(expected.kind.reason, ""))
            self.check(status == expected.status and expected.because in reason, what, found)

    def erase(self, is_ours: Callable[[str], bool]) -> int:
        """Remove the items, objects and faces of every user ``is_ours`` accepts."""
        outputs, s3, ddb = self.client.outputs, self.client.s3, self.client.ddb
        users = {item["userid"]["S"] for page in ddb.get_paginator("scan").paginate(
            TableName=outputs["TableName"], ProjectionExpression="userid",
            FilterExpression="begins_with(userid, :prefix)",
            ExpressionAttributeValues={":prefix": {"S": USER_PREFIX}})
            for item in page["Items"] if is_ours(item["userid"]["S"])}
        faces = [face["FaceId"] for page in self.rekognition.get_paginator("list_faces").paginate(
            CollectionId=outputs["CollectionId"]) for face in page["Faces"]
            if is_ours(face.get("ExternalImageId", ""))]
        if faces:
            self.rekognition.delete_faces(CollectionId=outputs["CollectionId"], FaceIds=faces)
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=outputs["BucketName"]):
            for entry in page.get("Contents", []):
                name = entry["Key"].rsplit("/", 1)[-1].rsplit(".", 1)[0]
                if is_ours(name):
                    s3.delete_object(Bucket=outputs["BucketName"], Key=entry["Key"])
        for user in users:
            ddb.delete_item(TableName=outputs["TableName"], Key={"userid": {"S": user}})
        return len(users)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", default="ekyc")
    parser.add_argument("--region", default=None)
    parser.add_argument("--timeout", type=float, default=60,
                        help="seconds each upload may take to reach a final status")
    parser.add_argument("--keep", action="store_true", help="leave the smoke users in place")
    args = parser.parse_args(argv)
    try:
        session = session_for(args.region)
        client = Client(session, args.stack, out=lambda _: None)
    except ClientError as error:  # no such stack
        print(f"error: {error}", file=sys.stderr)
        return ExitCode.SERVICE
    except PROBLEMS as error:  # no region, no credentials, no engine, ...
        print(f"error: {explain(error)}", file=sys.stderr)
        return ExitCode.SERVICE
    smoke = Smoke(client, session)
    run = time.strftime("%Y%m%d%H%M%S")
    leftovers = smoke.erase(lambda user: user.startswith(USER_PREFIX))
    if leftovers:
        print(f"erased {leftovers} user(s) left by an earlier smoke run")
    smoke.state_machines_exist()
    with tempfile.TemporaryDirectory() as folder:
        smoke.play(run, images(), Path(folder), args.timeout)
    if args.keep:
        print(f"kept the users {USER_PREFIX}{run}-*: `ekyc status` shows them")
    else:
        smoke.erase(lambda user: user.startswith(f"{USER_PREFIX}{run}-"))
    print(f"smoke: {'all checks passed' if not smoke.failures else f'{smoke.failures} failed'}")
    return ExitCode.FAILED if smoke.failures else ExitCode.PASSED

