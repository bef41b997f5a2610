"""How long the workflows take on the embedded engine: every scenario, N times.

    python -m bench.scenarios [--repeat N]     # or `make bench`

Prints, per scenario, the median and 95th percentile of one execution, nested compare included:
as the engine reports it (start to stop date) and as a client sees it (StartExecution call until
DescribeExecution shows the final status, polled every 5 ms). Then the same over all executions,
and the time for one pass over every scenario (with the set-up and checks each run makes).
Retry waits are scaled as in the test suite (EKYC_RETRY_TIME_SCALE=0.01).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import boto3

from contract import environment


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def label(scenario) -> str:
    return f"{scenario.workflow}:{scenario.name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs of each scenario")
    args = parser.parse_args(argv)

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": "us-east-1"}.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault(environment.RETRY_TIME_SCALE, "0.01")
    from engine.server import LocalEngine
    from harness.scenario_runner import MOCK_CONFIG_PATH, Deployment
    from statemachines.scenarios import all_scenarios

    os.environ[environment.MOCK_CONFIG] = str(MOCK_CONFIG_PATH)
    scenarios = all_scenarios()
    with LocalEngine() as engine:
        deployment = Deployment(boto3.session.Session(), engine.endpoint_url,
                                prefix="ekyc-bench").create()
        deployment.run(scenarios[0])  # warm-up: first calls load botocore models
        # By workflow and name: the same name (NoFace...) is a scenario of several workflows.
        timings: dict[str, list[float]] = {label(s): [] for s in scenarios}
        round_trips: dict[str, list[float]] = {label(s): [] for s in scenarios}
        executions: list[float] = []  # every execution on its own, nested children included
        passes = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            for scenario in scenarios:
                run = deployment.run(scenario)
                if not scenario.takes_path(run.path):
                    print(f"{label(scenario)}: unexpected path {run.path}", file=sys.stderr)
                    return 1
                timings[label(scenario)].append(run.engine_seconds * 1000)
                round_trips[label(scenario)].append(run.seconds * 1000)
                executions += [r.engine_seconds * 1000 for r in (run, *run.children)]
            passes.append(time.perf_counter() - started)

    print(f"{'scenario':<44} {'engine ms':>18} {'client ms':>18}")
    print(f"{'':<44} {'median':>9}{'p95':>9} {'median':>9}{'p95':>9}")
    for scenario in scenarios:
        engine, client = timings[label(scenario)], round_trips[label(scenario)]
        print(f"{label(scenario):<44} "
              f"{statistics.median(engine):>9.1f}{percentile(engine, 0.95):>9.1f} "
              f"{statistics.median(client):>9.1f}{percentile(client, 0.95):>9.1f}")
    engine = [value for values in timings.values() for value in values]
    client = [value for values in round_trips.values() for value in values]
    print(f"\n{len(engine)} scenario runs ({len(scenarios)} scenarios x {args.repeat}), "
          f"{os.cpu_count()} CPUs")
    print(f"per scenario (parent and nested child), engine: median "
          f"{statistics.median(engine):.1f} ms, p95 {percentile(engine, 0.95):.1f} ms")
    print(f"per execution ({len(executions)}, children counted on their own), engine: median "
          f"{statistics.median(executions):.1f} ms, p95 {percentile(executions, 0.95):.1f} ms")
    print(f"per scenario, client: median {statistics.median(client):.1f} ms, "
          f"p95 {percentile(client, 0.95):.1f} ms")
    print(f"one pass over every scenario: median {statistics.median(passes):.2f} s, "
          f"max {max(passes):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
