"""End-to-end time of a selfie verification: ours against the workshop's order, side by side.

    python -m bench.latency [--delay-ms 500] [--repeat 5]      # or `make bench-latency`

Deploys the generated stack on the embedded engine (real face service, real pictures) with the
workshop's sequential design beside it (``bench/workshop.py``: the same helpers and the same
nested compare, one Rekognition call after another). The face service adds ``--delay-ms`` to
every call that processes an image, standing in for Rekognition's latency. Each run verifies
the same selfie against the same accepted ID document, for a fresh user, on both designs in
turn; the face is taken out of the collection after each run, so every run is a first
registration. Prints the median and spread of each, as the engine timed the execution.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import boto3

from contract import environment, settings
from contract import placeholders as names
from contract.item import ID_DOCUMENT, PARTITION_KEY, PASS, SELFIE
from contract.placeholders import state_machine_arn
from statemachines import identity_compare, identity_verification

ROOT = Path(__file__).resolve().parent.parent


def trace(sfn, execution: str) -> list[str]:
    events = sfn.get_execution_history(executionArn=execution, maxResults=1000)["events"]
    start = events[0]["timestamp"]
    return [f"  {(event['timestamp'] - start).total_seconds():6.2f} s  "
            f"{event['stateEnteredEventDetails']['name']}" for event in events
            if "stateEnteredEventDetails" in event]


def run(sfn, arn: str, execution_input: dict, timeout: float = 120) -> tuple[str, float]:
    execution = sfn.start_execution(stateMachineArn=arn, name=uuid.uuid4().hex,
                                    input=json.dumps(execution_input))["executionArn"]
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            run.last = execution
            return described["status"], (described["stopDate"]
                                          - described["startDate"]).total_seconds()
        if time.monotonic() > deadline:
            raise TimeoutError(execution)
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay-ms", type=float, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--trace", action="store_true",
                        help="print when each state of the last run of each design started")
    args = parser.parse_args(argv)
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}.items():
        os.environ.setdefault(name, value)
    os.environ[environment.FACES_DELAY_MS] = str(args.delay_ms)
    # moto's CloudFormation names each resource it skips (API Gateway's: engine/api_front.py).
    warnings.filterwarnings("ignore", message="Tried to parse AWS::")
    logging.getLogger("moto").setLevel(logging.ERROR)
    from bench import workshop
    from engine.server import LocalEngine
    from harness.local_stack import deploy_locally
    from harness.pictures import images
    from harness.scenario_runner import substitute

    pictures = images()
    with tempfile.TemporaryDirectory() as folder, \
            LocalEngine(faces_db=str(Path(folder) / "faces.sqlite")) as engine:
        os.environ["AWS_ENDPOINT_URL"] = engine.endpoint_url
        session = boto3.session.Session()
        outputs = deploy_locally(session, "ekyc-latency", poll_seconds=0.05).outputs()
        sfn, s3 = session.client("stepfunctions"), session.client("s3")
        ddb, rekognition = session.client("dynamodb"), session.client("rekognition")
        bucket, table = outputs["BucketName"], outputs["TableName"]
        compare = state_machine_arn(identity_compare.NAME)
        workshop_arn = sfn.create_state_machine(
            name="workshop-sequential", roleArn="arn:aws:iam::123456789012:role/bench",
            definition=substitute(json.dumps(workshop.definition()), {
                **settings.defaults(), names.TABLE_NAME: table,
                names.COLLECTION_ID: outputs["CollectionId"],
                compare: outputs[compare]}),
        )["stateMachineArn"]
        designs = {"ours (2 rounds)": outputs[state_machine_arn(identity_verification.NAME)],
                   "workshop order (4 rounds)": workshop_arn}
        id_key = f"{ID_DOCUMENT.prefix}bench.jpg"
        s3.put_object(Bucket=bucket, Key=id_key, Body=pictures["id_card"])
        timings: dict[str, list[float]] = {design: [] for design in designs}
        for attempt in range(args.repeat):
            for design, arn in designs.items():
                userid = f"bench{attempt}{len(timings[design])}{design[:4]}".replace(" ", "")
                key = f"{SELFIE.prefix}{userid}.jpg"
                s3.put_object(Bucket=bucket, Key=key,
                              Body=pictures["astronaut"])
                ddb.put_item(TableName=table, Item={
                    PARTITION_KEY: {"S": userid}, ID_DOCUMENT.bucket: {"S": bucket},
                    ID_DOCUMENT.object: {"S": id_key}, ID_DOCUMENT.status: {"S": PASS}})
                status, seconds = run(sfn, arn, {"userid": userid, "bucket": bucket, "key": key,
                                                 "uploaded_at": "2026-01-01T00:00:00.000Z"})
                if status != "SUCCEEDED":
                    print(f"{design}: run {attempt} ended {status}", file=sys.stderr)
                    return 1
                timings[design].append(seconds)
                if args.trace and attempt == args.repeat - 1:
                    print(f"{design}:", *trace(sfn, run.last), sep="\n")
                faces = rekognition.list_faces(CollectionId=outputs["CollectionId"])["Faces"]
                if faces:
                    rekognition.delete_faces(CollectionId=outputs["CollectionId"],
                                             FaceIds=[face["FaceId"] for face in faces])
    print(f"selfie verification, happy path, {args.repeat} runs each; the face service adds "
          f"{args.delay_ms:.0f} ms to every image call (2 CPUs)\n")
    print(f"{'design':<28}{'median s':>10}{'min s':>8}{'max s':>8}")
    for design, values in timings.items():
        print(f"{design:<28}{statistics.median(values):>10.2f}{min(values):>8.2f}"
              f"{max(values):>8.2f}")
    ours, theirs = (statistics.median(values) for values in timings.values())
    print(f"\nours takes {ours / theirs:.0%} of the workshop order's time "
          f"({theirs - ours:.2f} s less per verification)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
