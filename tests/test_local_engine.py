"""`make local`: the embedded engine in the foreground, its endpoint URL on the first line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from .conftest import EXTERNAL_ENGINE

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="starts the embedded engine itself")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_local_engine_prints_its_url_first_and_executes_state_machines():
    port = free_port()
    env = {**os.environ, "PORT": str(port), "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    engine = subprocess.Popen([sys.executable, "-m", "scripts.local_engine"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first_line = engine.stdout.readline().strip()
        assert first_line == f"http://127.0.0.1:{port}"
        sfn = boto3.client("stepfunctions", endpoint_url=first_line, region_name="us-east-1",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        arn = sfn.create_state_machine(
            name="hello", roleArn="arn:aws:iam::123456789012:role/r",
            definition=json.dumps({"StartAt": "Say", "States": {"Say": {
                "Type": "Pass", "Result": {"said": "hello"}, "End": True}}}))["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=arn, input="{}")["executionArn"]
        for _ in range(500):
            described = sfn.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING":
                break
        assert json.loads(described["output"]) == {"said": "hello"}
    finally:
        engine.send_signal(signal.SIGTERM)
        assert engine.wait(timeout=10) == 0
