"""Fixtures shared by the suite: an engine to run workflows on, and the path-coverage report.

By default the workflows run on the embedded engine (moto, started in-process on a free loopback
port). With ``AWS_ENDPOINT_URL`` (or a service's ``AWS_ENDPOINT_URL_<SERVICE>``) set, the same
tests run against those endpoints instead, e.g. Step Functions Local in Docker started with our
MockConfigFile and moto for DynamoDB, SNS and SQS (see ``make test-sfn-local``).
"""

from __future__ import annotations

import contextlib
import os
import uuid

import boto3
import pytest

from contract import environment
from harness.local_stack import SKIPPED_TYPES, deploy_locally
from harness.path_coverage import Coverage, coverages
from harness.scenario_runner import MOCK_CONFIG_PATH, Deployment
from statemachines import registry

# Retries really happen on the embedded engine; their waits are cut to a hundredth.
RETRY_TIME_SCALE = "0.01"
COVERAGE: dict[str, Coverage] = coverages(registry.definitions())


# Figures tests measure along the way, printed at the end of the run (not asserted on).
MEASUREMENTS: list[str] = []

EXTERNAL_ENGINE = any(name.startswith("AWS_ENDPOINT_URL") for name in os.environ)


@pytest.fixture(scope="session")
def endpoint_url(tmp_path_factory):
    """The embedded engine's URL, or None: boto3 then reads the endpoints from the environment."""
    if EXTERNAL_ENGINE:
        yield None
        return
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ[environment.MOCK_CONFIG] = str(MOCK_CONFIG_PATH)
    os.environ[environment.RETRY_TIME_SCALE] = RETRY_TIME_SCALE
    # Failed SQS messages come back after a hundredth of their queue's visibility timeout.
    os.environ[environment.VISIBILITY_TIME_SCALE] = RETRY_TIME_SCALE
    from engine.server import LocalEngine

    faces_db = tmp_path_factory.mktemp("faces") / "faces.sqlite"
    with LocalEngine(faces_db=str(faces_db)) as engine:
        yield engine.endpoint_url


@pytest.fixture(scope="session")
def deployment(endpoint_url):
    session = boto3.session.Session(region_name=os.environ.get("AWS_DEFAULT_REGION",
                                                               "us-east-1"))
    return Deployment(session, endpoint_url, prefix=f"ekyc-{uuid.uuid4().hex[:8]}").create()


@contextlib.contextmanager
def stack_on_engine(endpoint_url: str, prefix: str, **parameters: str):
    """The generated template deployed onto the embedded engine under a fresh name, with
    ``AWS_ENDPOINT_URL`` pointing there while the block runs: ``(session, name, stack)``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", endpoint_url)
        patch.setenv("AWS_REGION", "us-east-1")
        session = boto3.session.Session(region_name="us-east-1")
        name = f"{prefix}-{uuid.uuid4().hex[:6]}"
        yield session, name, deploy_locally(session, name, parameters=parameters)


@pytest.fixture(scope="session")
def sfn(endpoint_url):
    """A Step Functions client of the engine under test."""
    return boto3.client("stepfunctions", endpoint_url=endpoint_url)


@pytest.fixture(scope="session")
def record_path():
    """Call with (definition, states entered) for each execution a test ran."""
    def record(definition: str, path: list[str]) -> None:
        COVERAGE[definition].add(path)
    return record


def pytest_configure(config):
    # moto warns of each resource type it skips: the expected ones are hidden (the filter
    # syntax separates its fields with colons, so "::" is matched as "..").
    expected = SKIPPED_TYPES.replace(":", ".")
    config.addinivalue_line("filterwarnings",
                            f"ignore:Tried to parse {expected} but it's not supported:UserWarning")


def pytest_collection_modifyitems(config, items):
    from statemachines.scenarios import all_scenarios

    selected = [item for item in items if item.nodeid.startswith("tests/test_scenarios.py::")]
    config._ekyc_all_scenarios_ran = len(selected) == len(all_scenarios())


@pytest.fixture(scope="session")
def report_measurement():
    return MEASUREMENTS.append


# With pytest-xdist (``-n``) each worker process runs some of the tests on an engine of its own;
# it hands what it measured and the paths it covered to the controller, which reports and checks
# them as a single process would.

def is_worker(config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """The controller: take in a finished worker's paths and measurements."""
    found = getattr(node, "workeroutput", {}).get("ekyc")
    if not found:
        return
    for name, (states, branches) in found["coverage"].items():
        COVERAGE[name].states_seen.update(states)
        COVERAGE[name].branches_seen.update(tuple(branch) for branch in branches)
    MEASUREMENTS.extend(found["measurements"])
    node.config._ekyc_all_scenarios_ran = found["all_scenarios_ran"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if MEASUREMENTS:
        terminalreporter.section("measurements")
        for line in MEASUREMENTS:
            terminalreporter.write_line(line)
    if not any(coverage.states_seen for coverage in COVERAGE.values()):
        return
    terminalreporter.section("workflow path coverage")
    for coverage in COVERAGE.values():
        terminalreporter.write_line(coverage.summary())


def pytest_sessionfinish(session, exitstatus):
    """Below 100% path coverage the suite fails, when every scenario ran (a worker hands its
    paths on instead: the controller checks them all together)."""
    config = session.config
    if is_worker(config):
        config.workeroutput["ekyc"] = {
            "coverage": {name: (sorted(coverage.states_seen), sorted(coverage.branches_seen))
                         for name, coverage in COVERAGE.items()},
            "measurements": MEASUREMENTS,
            "all_scenarios_ran": getattr(config, "_ekyc_all_scenarios_ran", False)}
        return
    if not getattr(config, "_ekyc_all_scenarios_ran", False):
        return
    incomplete = [name for name, coverage in COVERAGE.items() if not coverage.complete]
    if incomplete and session.exitstatus == 0:
        session.exitstatus = 1
        print(f"\nworkflow path coverage below 100% for: {', '.join(incomplete)}")
