"""Small state machines for the adapter's tests: create one on the engine, run it to its end."""

from __future__ import annotations

import json
import time
import uuid

ROLE = "arn:aws:iam::123456789012:role/adapter-tests"
# A catcher that keeps only the name of the error it caught.
CAUGHT = {"Type": "Pass", "Parameters": {"caught.$": "$.error.Error"}, "End": True}


def create(sfn, states: dict, name: str | None = None) -> str:
    definition = {"StartAt": next(iter(states)), "States": states}
    return sfn.create_state_machine(name=name or f"m{uuid.uuid4().hex[:10]}",
                                    definition=json.dumps(definition),
                                    roleArn=ROLE)["stateMachineArn"]


def express(sfn, states: dict, name: str | None = None) -> str:
    return sfn.create_state_machine(
        name=name or f"x{uuid.uuid4().hex[:10]}", type="EXPRESS", roleArn=ROLE,
        definition=json.dumps({"StartAt": next(iter(states)), "States": states}),
    )["stateMachineArn"]


def finish(sfn, arn: str, payload: dict | None = None, **start) -> dict:
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(payload or {}),
                                    **start)["executionArn"]
    for _ in range(1000):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.01)
    raise TimeoutError(execution)


def output(described: dict) -> dict:
    assert described["status"] == "SUCCEEDED", described
    return json.loads(described["output"])
