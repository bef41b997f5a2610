"""`make local`: the embedded engine in the foreground, its endpoint URL on the first line."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import boto3
import pytest

from engine.foreground import wait_for_interrupt

from .conftest import EXTERNAL_ENGINE

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="starts the embedded engine itself")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


QUEUE_HANDLER = "def handler(event, context):\n    return {'batchItemFailures': []}\n"


def test_local_engine_prints_its_url_first_and_executes_state_machines(tmp_path):
    port = free_port()
    # The engine gets no credentials of its own: it must provide its internal clients some.
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("AWS_", "SFN_", "EKYC_"))}
    env.update(PORT=str(port))
    engine = subprocess.Popen([sys.executable, "-m", "engine.server"], cwd=ROOT, env=env,
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

        def client(name):
            return boto3.client(name, endpoint_url=first_line, region_name="us-east-1",
                                aws_access_key_id="testing", aws_secret_access_key="testing")
        sqs, iam, lam = client("sqs"), client("iam"), client("lambda")
        queue = sqs.create_queue(QueueName="work")["QueueUrl"]
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": "lambda.amazonaws.com"}}]}
        role = iam.create_role(RoleName="runner",
                               AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("index.py", QUEUE_HANDLER)
        lam.create_function(FunctionName="consumer", Runtime="python3.12", Role=role,
                            Handler="index.handler", Code={"ZipFile": buffer.getvalue()})
        lam.create_event_source_mapping(
            FunctionName="consumer", BatchSize=10,
            FunctionResponseTypes=["ReportBatchItemFailures"],
            EventSourceArn=sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
                "Attributes"]["QueueArn"])
        sqs.send_message(QueueUrl=queue, MessageBody="hello")
        for _ in range(100):
            counts = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=[
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
            if set(counts["Attributes"].values()) == {"0"}:
                break
            time.sleep(0.1)
        assert set(counts["Attributes"].values()) == {"0"}, "the engine's poller ran the handler"
    finally:
        engine.send_signal(signal.SIGTERM)
        assert engine.wait(timeout=10) == 0


def test_serving_in_the_foreground_ends_on_sigterm_and_restores_the_handler():
    """`make local` and the local API front both stop cleanly when a supervisor sends SIGTERM."""
    before = signal.getsignal(signal.SIGTERM)
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
    started = time.monotonic()
    wait_for_interrupt()
    assert time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGTERM) is before
