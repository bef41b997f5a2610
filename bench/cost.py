"""What a verification costs: counted on the embedded engine, priced with AWS's list prices.

    python -m bench.cost          # or `make bench-cost`

Each flow's happy and failure paths run as their scenarios (Rekognition mocked, everything
else real). From each execution's history (``bench/usage.py``) come the billed state
transitions, Rekognition and Textract calls, Lambda invocations, SNS publishes and DynamoDB
requests, nested executions included. Prices are per 1M verifications, us-east-1 list prices
(free tiers left out):

- orchestration: Step Functions, Lambda, SQS, SNS and API Gateway; the goal for the selfie flow with
  ``WorkflowType=EXPRESS`` is at most $5;
- Rekognition and storage (DynamoDB, S3), the same for every design, apart;
- both CompareModes side by side: billed Rekognition calls per onboarding (ID document and
  selfie) and per re-verification (a new selfie), rounds on the critical path, orchestration;
  the goal for COLLECTION is 3 calls per onboarding and 2 per re-verification.

Express workflows bill requests and duration (GB-seconds, 64 MB, 100 ms steps). The engine's
own timings are not AWS's, so durations come from the latency model below, along each
execution's path (a Parallel state takes its slowest branch). Every assumption is printed.

The anchor designs are priced from their published shape: the workshop (4 Rekognition calls,
2 Standard workflows, run here as a sequential design of the same order built from our
helpers), Wild Rydes (5 Lambdas, 6 Standard transitions) and RIV (Express, 3 Lambdas of 512 MB).
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass

import boto3

from bench.modes import mode_cost, mode_goals, modes, print_modes
from bench.usage import BILLED_IMAGE_ACTIONS, Usage, usage
from contract import environment

# --- prices, USD, us-east-1 ------------------------------------------------------------------
STANDARD_TRANSITION = 0.025 / 1000
EXPRESS_REQUEST = 1.00 / 1e6
EXPRESS_GB_SECOND = 0.00001667
EXPRESS_MEMORY_GB = 64 / 1024  # billed in 64 MB steps; our states are far below 64 MB
LAMBDA_REQUEST = 0.20 / 1e6
LAMBDA_GB_SECOND_ARM = 0.0000133334
LAMBDA_GB_SECOND_X86 = 0.0000166667
SQS_REQUEST = 0.40 / 1e6
API_GATEWAY_REST_REQUEST = 3.50 / 1e6
SNS_PUBLISH = 0.50 / 1e6
DYNAMODB_WRITE = 1.25 / 1e6
DYNAMODB_READ = 0.25 / 1e6
S3_PUT = 0.005 / 1000
S3_GET = 0.0004 / 1000
REKOGNITION_IMAGE = 0.001
TEXTRACT_ANALYZE_ID_PAGE = 0.025

# --- assumptions -----------------------------------------------------------------------------
# Typical service latencies inside a region, for Express durations (seconds).
LATENCY = {"rekognition": 0.35, "textract": 1.5, "dynamodb": 0.01, "sns": 0.03,
           "lambda": 0.30, "sfn": 0.05}  # "lambda" is replaced by the measured thumbnail time
THUMBNAIL_MEMORY_GB = 0.25  # arm64, as the template sets it
# Lambda gives a function CPU in proportion to its memory: one vCPU at 1,769 MB.
FULL_VCPU_GB = 1769 / 1024
S3_ROUND_TRIP = 0.03  # the thumbnail reads the photo and writes its thumbnail
STARTER_MEMORY_GB, STARTER_SECONDS = 0.25, 0.15  # arm64, per batch
SQS_BATCH = 10  # the starter's event source mapping, at volume
# Per uploaded object: S3 sends one message; the starter receives and deletes it in batches,
# reads and writes the user's item; the user puts the object and Rekognition reads it.
SQS_REQUESTS_PER_UPLOAD = 1 + 2 / SQS_BATCH
STARTER_INVOCATIONS_PER_UPLOAD = 1 / SQS_BATCH

PER_MILLION = 1e6
THUMBNAIL_SECONDS = LATENCY["lambda"]  # set by measure_thumbnail()


def measure_thumbnail(repeat: int = 7) -> tuple[float, float]:
    """The thumbnail handler's own work on a 12-megapixel, 3 MB JPEG, timed on this machine
    (median, seconds), and what it comes to in Lambda at ``THUMBNAIL_MEMORY_GB``: CPU time
    scaled by the function's share of a vCPU, plus the S3 round trips."""
    import io
    import statistics
    import time

    import numpy as np
    from PIL import Image

    from lambdas import thumbnail

    rows, columns = np.mgrid[0:3000, 0:4000]
    noise = np.random.default_rng(7).normal(0, 8, (3000, 4000, 3))
    pixels = np.stack([(columns / 16) % 256, (rows / 12) % 256, ((columns + rows) / 20) % 256],
                      axis=-1) + noise
    buffer = io.BytesIO()
    Image.fromarray(np.clip(pixels, 0, 255).astype("uint8")).save(buffer, "JPEG", quality=90)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        thumbnail.make_thumbnail(buffer.getvalue())
        timings.append(time.perf_counter() - started)
    here = statistics.median(timings)
    return here, here * FULL_VCPU_GB / THUMBNAIL_MEMORY_GB + 2 * S3_ROUND_TRIP


@dataclass
class Price:
    """USD per 1M verifications."""

    step_functions: float
    lambdas: float
    messaging: float  # SQS, SNS and API Gateway
    rekognition: float
    storage: float  # DynamoDB and S3

    @property
    def orchestration(self) -> float:
        return self.step_functions + self.lambdas + self.messaging


def express_billed_seconds(seconds: float) -> float:
    return math.ceil(round(seconds * 10, 6)) / 10


def task_latency(state: dict, child_seconds: float) -> float:
    resource = state.get("Resource", "")
    if ":states:::states:startExecution" in resource or "aws-sdk:sfn:" in resource:
        return LATENCY["sfn"] + child_seconds
    for service in ("rekognition", "textract", "dynamodb", "sns", "lambda"):
        if f":{service}:" in resource or f"aws-sdk:{service}" in resource:
            return LATENCY[service]
    return 0.0


def along_path(path: list[str], definition: dict, cost) -> float:
    """``cost(name, state)`` summed along ``path`` as time passes: states in sequence add up;
    the branches of a Parallel state run side by side, so the slowest counts."""
    from statemachines import asl

    states = asl.all_states(definition)
    in_branch = asl.branch_of(definition)
    total, branches = 0.0, {}
    for name in [*path, None]:
        if name is not None and name in in_branch:
            key = in_branch[name]
            branches[key] = branches.get(key, 0.0) + cost(name, states[name])
            continue
        if branches:
            total += max(branches.values())
            branches = {}
        if name is not None:
            total += cost(name, states[name])
    return total


def modelled_seconds(path: list[str], definition: dict, child_seconds: float = 0.0) -> float:
    """How long an execution taking ``path`` would run on AWS under ``LATENCY``."""
    return along_path(path, definition, lambda _, state: task_latency(state, child_seconds))


def rekognition_rounds(path: list[str], definition: dict, child_rounds: int = 0) -> int:
    """Billed Rekognition calls one after another on ``path`` (a nested compare counts its
    own); calls in parallel branches are one round."""
    def rounds(_, state: dict) -> float:
        resource = state.get("Resource", "")
        if "states:startExecution" in resource or "aws-sdk:sfn:" in resource:
            return child_rounds
        action = resource.rsplit(":", 1)[-1]
        return 1 if "aws-sdk:rekognition" in resource and action in BILLED_IMAGE_ACTIONS else 0
    return round(along_path(path, definition, rounds))


@dataclass
class Measured:
    """One flow's path: what it used and how long it would take."""

    flow: str
    path: str
    used: Usage
    parent_seconds: float
    child_seconds: float
    uploads: int  # objects that went S3 -> SQS -> starter (0 for the API)
    thumbnails: int
    rounds: int = 0  # billed Rekognition calls one after another
    api_calls: int = 0  # requests through API Gateway
    machine: str = ""  # the runner's state machine it ran on (registry)


def price(measured: Measured, *, express: bool) -> Price:
    used = measured.used
    if express:
        billed = express_billed_seconds(measured.parent_seconds)
        billed += express_billed_seconds(measured.child_seconds) * (used.executions - 1)
        step_functions = used.executions * EXPRESS_REQUEST + \
            billed * EXPRESS_MEMORY_GB * EXPRESS_GB_SECOND
    else:
        step_functions = used.transitions * STANDARD_TRANSITION
    starter = measured.uploads * STARTER_INVOCATIONS_PER_UPLOAD
    lambdas = (used.lambda_invocations + starter) * LAMBDA_REQUEST \
        + used.lambda_invocations * THUMBNAIL_MEMORY_GB * THUMBNAIL_SECONDS * LAMBDA_GB_SECOND_ARM \
        + starter * STARTER_MEMORY_GB * STARTER_SECONDS * LAMBDA_GB_SECOND_ARM
    messaging = measured.uploads * SQS_REQUESTS_PER_UPLOAD * SQS_REQUEST \
        + used.sns_publishes * SNS_PUBLISH + measured.api_calls * API_GATEWAY_REST_REQUEST
    reads = used.dynamodb_reads + measured.uploads  # the starter reads the item...
    writes = used.dynamodb_writes + measured.uploads  # ...and records the upload
    storage = reads * DYNAMODB_READ + writes * DYNAMODB_WRITE \
        + (measured.uploads + measured.thumbnails) * S3_PUT \
        + (used.rekognition + measured.thumbnails) * S3_GET
    rekognition = used.rekognition * REKOGNITION_IMAGE + used.textract * TEXTRACT_ANALYZE_ID_PAGE
    return Price(*(value * PER_MILLION for value in (step_functions, lambdas, messaging,
                                                      rekognition, storage)))


# --- anchors ---------------------------------------------------------------------------------

def anchor_prices() -> dict[str, Price]:
    """The published designs, priced per 1M verifications under the same prices."""
    def lambdas(count: int, memory_gb: float, seconds: float, per_second: float) -> float:
        return count * (LAMBDA_REQUEST + memory_gb * seconds * per_second) * PER_MILLION
    wild_rydes = Price(
        step_functions=6 * STANDARD_TRANSITION * PER_MILLION,
        lambdas=lambdas(5, 0.128, 0.5, LAMBDA_GB_SECOND_X86),
        messaging=0.0, rekognition=4 * REKOGNITION_IMAGE * PER_MILLION, storage=0.0)
    riv_seconds = 3 * 0.5 + 3 * LATENCY["rekognition"]
    riv = Price(
        step_functions=(EXPRESS_REQUEST + express_billed_seconds(riv_seconds)
                        * EXPRESS_MEMORY_GB * EXPRESS_GB_SECOND) * PER_MILLION,
        lambdas=lambdas(3, 0.5, 0.5, LAMBDA_GB_SECOND_X86),
        messaging=0.0, rekognition=3 * REKOGNITION_IMAGE * PER_MILLION, storage=0.0)
    return {
        "Wild Rydes (5 Lambdas of 128 MB x 0.5 s, x86; 6 Standard transitions)": wild_rydes,
        "RIV (Express; 3 Lambdas of 512 MB x 0.5 s, x86)": riv,
    }


# --- running the flows -------------------------------------------------------------------------

WORKSHOP = "workshop order, sequential"


def flows() -> list:
    """The registry's cost flows, the workshop's order after the upload flows."""
    from bench import workshop
    from statemachines.registry import CostFlow, cost_flows

    found = list(cost_flows())
    after_uploads = max(i for i, flow in enumerate(found) if not flow.api_calls) + 1
    found.insert(after_uploads, CostFlow(WORKSHOP, workshop.NAME, "HappyPath", 1, 0))
    return found


def measure(deployment, scenario, flow, twin=None) -> Measured:
    run = deployment.run(scenario)
    if not scenario.takes_path(run.path):
        raise RuntimeError(f"{flow.machine}:{scenario.name} took {run.path}")
    used = usage(deployment.history(run.execution_arn))
    # The Express child leaves no history here: count it as its Standard twin ran it.
    parent = twin or scenario
    children = deployment.run(twin).children if twin else run.children
    compare = deployment.definitions[deployment.state_machines[parent.nested_workflow]]
    child_seconds, child_rounds = 0.0, 0
    for child in children:
        used.children.append(usage(deployment.history(child.execution_arn)))
        child_seconds = modelled_seconds(child.path, compare)
        child_rounds = rekognition_rounds(child.path, compare)
    definition = deployment.definitions[deployment.state_machines[scenario.workflow]]
    total = used.total()
    total.children = []
    return Measured(flow=flow.label, path=scenario.name, machine=flow.machine, used=total,
                    parent_seconds=modelled_seconds(run.path, definition, child_seconds),
                    child_seconds=child_seconds, uploads=flow.uploads, api_calls=flow.api_calls,
                    thumbnails=total.lambda_invocations,
                    rounds=rekognition_rounds(run.path, definition, child_rounds))


def main() -> int:
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1",
                        environment.RETRY_TIME_SCALE: "0.01"}.items():
        os.environ.setdefault(name, value)
    from bench.workshop import register as register_workshop
    from engine.server import LocalEngine
    from harness.scenario_runner import MOCK_CONFIG_PATH, Deployment
    from statemachines.scenarios import all_scenarios

    global THUMBNAIL_SECONDS
    here, THUMBNAIL_SECONDS = measure_thumbnail()
    LATENCY["lambda"] = THUMBNAIL_SECONDS
    print(f"thumbnail of a 12 MP JPEG: {here * 1000:.0f} ms here (one core), "
          f"{THUMBNAIL_SECONDS:.2f} s modelled in Lambda at {THUMBNAIL_MEMORY_GB * 1024:.0f} MB\n")
    os.environ[environment.MOCK_CONFIG] = str(MOCK_CONFIG_PATH)
    scenarios = {(s.workflow, s.name): s for s in all_scenarios()}
    with LocalEngine() as engine:
        workshop = register_workshop()
        deployment = Deployment(boto3.session.Session(), engine.endpoint_url,
                                prefix="ekyc-cost", extra=(workshop,)).create()
        rows = []
        for flow in flows():
            twin = scenarios[(flow.twin, flow.scenario)] if flow.twin else None
            rows.append(measure(deployment, scenarios_for(scenarios, flow.machine, flow.scenario),
                                flow, twin))
    print_report(rows)
    return 0 if goals_met(rows) else 1


def scenarios_for(scenarios: dict, machine: str, name: str):
    from bench import workshop

    if machine == workshop.NAME:
        return workshop.scenario(name)
    return scenarios[(machine, name)]


def print_report(rows: list[Measured]) -> None:
    header = (f"{'flow':<28}{'path':<22}{'trans':>6}{'rekog':>6}{'rnd':>4}{'λ':>3}{'sns':>4}"
              f"{'ddb r/w':>8}{'secs':>6}{'Std orch':>10}{'Exp orch':>10}{'AI $':>9}"
              f"{'storage':>9}")
    print("per 1M verifications, USD (orchestration = Step Functions + Lambda + SQS, SNS and "
          "API Gateway; "
          "AI = Rekognition + Textract; storage = DynamoDB + S3 requests)\n")
    print(header)
    print("-" * len(header))
    for row in rows:
        used = row.used
        standard, express = price(row, express=False), price(row, express=True)
        print(f"{row.flow:<28}{row.path:<22}{used.transitions:>6}{used.rekognition:>6}"
              f"{row.rounds:>4}{used.lambda_invocations:>3}{used.sns_publishes:>4}"
              f"{used.dynamodb_reads:>4}/{used.dynamodb_writes:<3}"
              f"{row.parent_seconds:>6.2f}{standard.orchestration:>10.2f}"
              f"{express.orchestration:>10.2f}{standard.rekognition:>9.0f}"
              f"{standard.storage:>9.2f}")
    print("\nanchors (happy path, per 1M verifications):")
    for label, anchor in anchor_prices().items():
        print(f"  {label:<70} orchestration {anchor.orchestration:>7.2f}   "
              f"rekognition {anchor.rekognition:>6.0f}")
    print("\nassumptions: latencies (s) " + ", ".join(f"{k} {v:.2f}" for k, v in LATENCY.items())
          + f"; thumbnail {THUMBNAIL_MEMORY_GB * 1024:.0f} MB x {THUMBNAIL_SECONDS:.2f} s arm64;"
          f" starter {STARTER_MEMORY_GB * 1024:.0f} MB x {STARTER_SECONDS} s per batch of"
          f" {SQS_BATCH}; Express memory {EXPRESS_MEMORY_GB * 1024:.0f} MB")


def happy(rows: list[Measured], flow: str) -> Measured:
    (row,) = [r for r in rows if r.flow == flow and r.path == "HappyPath"]
    return row


def breakdown(row: Measured) -> str:
    """The Express orchestration of one row, part by part, USD per 1M."""
    used = row.used
    requests = used.executions * EXPRESS_REQUEST * PER_MILLION
    duration = price(row, express=True).step_functions - requests
    thumbnail = used.lambda_invocations * (
        LAMBDA_REQUEST + THUMBNAIL_MEMORY_GB * THUMBNAIL_SECONDS * LAMBDA_GB_SECOND_ARM
    ) * PER_MILLION
    lambdas = price(row, express=True).lambdas
    return (f"Express requests {requests:.2f} ({used.executions} executions), duration "
            f"{duration:.2f}, thumbnail Lambda {thumbnail:.2f}, starter Lambda "
            f"{lambdas - thumbnail:.2f}, SQS/SNS {price(row, express=True).messaging:.2f}")


def goals_met(rows: list[Measured]) -> bool:
    costs = [mode_cost(rows, mode, price) for mode in modes()]
    print_modes(costs)
    print("\nselfie flow, Express, happy path: " + breakdown(happy(rows, "selfie, Express")))
    express = price(happy(rows, "selfie, Express"), express=True).orchestration
    calls = happy(rows, "selfie, Standard").used.rekognition
    rounds = happy(rows, "selfie, Standard").rounds
    workshop = happy(rows, WORKSHOP)
    checks = [
        (f"selfie flow, Express: orchestration ${express:.2f} per 1M <= $5", express <= 5),
        (f"selfie flow, happy path: {calls} billed Rekognition calls <= 3 (workshop order: "
         f"{workshop.used.rekognition})", calls <= 3),
        (f"selfie flow, happy path: {rounds} Rekognition rounds one after another <= 2 "
         f"(workshop order: {workshop.rounds})", rounds <= 2),
        *mode_goals(costs),
    ]
    print("\ngoals:")
    for text, met in checks:
        print(f"  {'met ' if met else 'MISSED'} {text}")
    return all(met for _, met in checks)


if __name__ == "__main__":
    sys.exit(main())
