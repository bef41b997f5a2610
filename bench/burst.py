"""The face service's analysis cache, measured: a burst of users and one verification, with the
cache off and on, in one run.

    python -m bench.burst [--users 200] [--pictures both|same|own]     # or `make bench-burst`

Each setting runs in a fresh process (``EKYC_FACES_CACHE_MB=0`` for off), on the embedded
engine with the generated stack deployed as in the test suite. First one verification: a user
uploads an ID card, then, once it is accepted, a selfie of the card's owner; it prints how long
each took and how often the face service analysed an image, against how many distinct images
there were. Then the burst: every user uploads an ID card and a selfie without a face at the
same moment (as ``tests/test_faults.py`` does on a smaller scale), ``same`` with one pair of
files for everyone, ``own`` with each user's own files (the same pixels under other bytes, so
nothing is shared between users). It prints the time until every upload reached its final
status, the analyses, and the ratio of the times off and on.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import boto3

from contract import environment
from harness.burst import executions_named, run_burst, with_comment

PICTURE_SETS = ("same", "own")
OUTCOMES = {"no face", "no ID document"}  # a selfie without a face, before or after its ID


def files(picture: bytes, own: bool):
    """The picture each user uploads: the same file, or the user's own."""
    if own:
        return lambda userid: with_comment(picture, userid)
    return lambda _: picture


def measure(users_count: int, picture_sets: list[str]) -> dict:
    """In this process: start an engine, deploy, verify one user, run each burst."""
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
                        "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1",
                        environment.RETRY_TIME_SCALE: "0.01",
                        environment.VISIBILITY_TIME_SCALE: "0.01"}.items():
        os.environ.setdefault(name, value)
    warnings.filterwarnings("ignore", message="Tried to parse AWS::")
    logging.getLogger("moto").setLevel(logging.ERROR)
    from client.uploads import ID_DOCUMENT, SELFIE, Client
    from engine.rekognition.engine import decode
    from engine.rekognition.responses import face_engine
    from engine.server import LocalEngine
    from harness.local_stack import deploy_locally
    from harness.pictures import images

    pictures = images()
    results: dict = {}
    state_machines = {ID_DOCUMENT: "IdDocumentStateMachineArn",
                      SELFIE: "IdentityVerificationStateMachineArn"}
    with tempfile.TemporaryDirectory() as folder, \
            LocalEngine(faces_db=str(Path(folder) / "faces.sqlite")) as engine:
        os.environ["AWS_ENDPOINT_URL"] = engine.endpoint_url
        session = boto3.session.Session()
        deploy_locally(session, "ekyc-burst", poll_seconds=0.05)
        client, s3 = Client(session, "ekyc-burst", out=lambda _: None), session.client("s3")
        faces = face_engine()
        faces.find_faces(decode(pictures["hopper"]))  # load the models before timing

        timings = {}
        with faces.watch() as analysed:
            bucket = client.outputs["BucketName"]
            started = time.monotonic()
            s3.put_object(Bucket=bucket, Key=f"{ID_DOCUMENT.prefix}one.jpg",
                          Body=with_comment(pictures["id_card"], "one"))
            id_item = client.wait(ID_DOCUMENT, "one", None)
            timings["id_document"] = time.monotonic() - started
            started = time.monotonic()
            s3.put_object(Bucket=bucket, Key=f"{SELFIE.prefix}one.jpg",
                          Body=with_comment(pictures["astronaut"], "one"))
            selfie_item = client.wait(SELFIE, "one", None)
            timings["selfie"] = time.monotonic() - started
        outcome = (id_item[ID_DOCUMENT.status], selfie_item[SELFIE.status])
        if outcome != ("pass", "pass"):
            raise SystemExit(f"the verification ended {outcome}, not (pass, pass)")
        results["verification"] = {**timings, "analyses": sum(analysed.values()),
                                   "images": len(analysed)}

        for pictures_set in picture_sets:
            own = pictures_set == "own"
            users = [f"{pictures_set}{number:04d}" for number in range(users_count)]
            with faces.watch() as analysed:
                burst = run_burst(client, s3, users, files(pictures["id_card"], own),
                                  files(pictures["coffee"], own))
            failed = {userid: (ids[ID_DOCUMENT.status], selfie.get(SELFIE.reason))
                      for userid, (ids, selfie) in burst.finals.items()
                      if ids[ID_DOCUMENT.status] != "pass" or selfie.get(SELFIE.reason)
                      not in OUTCOMES}
            if failed:
                raise SystemExit(f"{len(failed)} users ended otherwise: {failed}")
            for kind, output in state_machines.items():
                started_runs = executions_named(client.sfn, client.outputs[output], pictures_set)
                if len(started_runs) != len(users):
                    raise SystemExit(f"{len(started_runs)} {kind.folder} runs for "
                                     f"{len(users)} users")
            results[pictures_set] = {"seconds": burst.seconds,
                                     "analyses": sum(analysed.values())}
    return results


def in_fresh_process(cache: bool, users: int, picture_sets: list[str]) -> dict:
    environment_here = dict(os.environ)
    environment_here.pop(environment.FACES_CACHE_MB, None)
    if not cache:
        environment_here[environment.FACES_CACHE_MB] = "0"
    finished = subprocess.run(
        [sys.executable, "-m", "bench.burst", "--users", str(users), "--measure-here",
         *(["--pictures", picture_sets[0]] if len(picture_sets) == 1 else [])],
        env=environment_here, stdout=subprocess.PIPE, text=True, check=False)
    if finished.returncode:
        raise SystemExit(f"the run with the cache {'on' if cache else 'off'} failed "
                         f"({finished.returncode})")
    return json.loads(finished.stdout.strip().splitlines()[-1])


def report(off: dict, on: dict, users: int, picture_sets: list[str]) -> None:
    print(f"Face service cache off ({environment.FACES_CACHE_MB}=0) and on (default), "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the end")
    print(f"\n{'':44}{'cache off':>12}{'cache on':>12}{'off/on':>9}")

    def row(label: str, before: float, after: float, unit: str, ratio: bool = True) -> None:
        shown = f"{before / after:8.1f}x" if ratio and after else ""
        print(f"{label:44}{before:>10.2f}{unit:2}{after:>10.2f}{unit:2}{shown}")

    one, one_on = off["verification"], on["verification"]
    print(f"one verification ({one['images']} distinct images):")
    row("  ID document upload to final status", one["id_document"], one_on["id_document"], "s")
    row("  selfie upload to final status", one["selfie"], one_on["selfie"], "s")
    row("  images analysed", one["analyses"], one_on["analyses"], "", ratio=False)
    for pictures_set in picture_sets:
        label = {"same": "every user the same two files",
                 "own": "every user their own files"}[pictures_set]
        print(f"burst of {users} users x 2 uploads, {label}:")
        row("  all uploads final after", off[pictures_set]["seconds"],
            on[pictures_set]["seconds"], "s")
        row("  images analysed", off[pictures_set]["analyses"], on[pictures_set]["analyses"],
            "", ratio=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--pictures", choices=[*PICTURE_SETS, "both"], default="both")
    parser.add_argument("--measure-here", action="store_true",
                        help="measure in this process with the cache as the environment says "
                             "and print the figures as JSON")
    args = parser.parse_args(argv)
    if args.users < 1:
        parser.error("--users must be at least 1")
    picture_sets = list(PICTURE_SETS) if args.pictures == "both" else [args.pictures]
    if args.measure_here:
        print(json.dumps(measure(args.users, picture_sets)), flush=True)
        return 0
    off = in_fresh_process(False, args.users, picture_sets)
    on = in_fresh_process(True, args.users, picture_sets)
    report(off, on, args.users, picture_sets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
