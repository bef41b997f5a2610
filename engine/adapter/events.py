"""Step Functions' execution status events on EventBridge (``moto.events``), and state machines
as the targets of EventBridge rules (24)."""

from __future__ import annotations

import copy
import datetime
import json
import logging
import uuid

from jsonpath_ng.ext import parse as parse_json_path
from moto.core.utils import unix_time
from moto.events.models import Rule, events_backends
from moto.events.utils import EventTemplateParser
from moto.stepfunctions.parser.backend import execution as execution_module
from moto.stepfunctions.responses import get_backend

# --- 24. Step Functions execution status events -----------------------------------------------

EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"
ANNOUNCED_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
_log = logging.getLogger(__name__)


def _epoch_millis(moment: datetime.datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def execution_status_event(execution) -> dict:
    """AWS's "Step Functions Execution Status Change" event for an ended execution: its
    ``detail`` holds what DescribeExecution answers, dates in epoch milliseconds."""
    succeeded = execution.exec_status.value == "SUCCEEDED"
    detail = {
        "executionArn": execution.exec_arn,
        "stateMachineArn": execution.state_machine.arn,
        "name": execution.name,
        "status": execution.exec_status.value,
        "startDate": _epoch_millis(execution.start_date),
        "stopDate": _epoch_millis(execution.stop_date),
        "input": json.dumps(execution.input_data, separators=(",", ":")),
        "inputDetails": {"included": True},
        "output": json.dumps(execution.output, separators=(",", ":")) if succeeded else None,
        "outputDetails": {"included": True} if succeeded else None,
        "error": execution.error,
        "cause": execution.cause,
    }
    now = unix_time()
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": EXECUTION_STATUS_CHANGE,
            "source": "aws.states", "account": execution.account_id, "time": now,
            "region": execution.region_name, "resources": [execution.exec_arn],
            "detail": detail, "ingestion-time": now}


def put_on_default_bus(event: dict) -> None:
    """Deliver an AWS service's event to every rule of its account's default event bus, each
    rule on its own, as EventBridge does (best effort: a failing target is logged)."""
    bus = events_backends[event["account"]][event["region"]].describe_event_bus("default")
    for rule in list(bus.rules.values()):
        if rule.state != "ENABLED":
            continue
        try:
            rule.send_to_targets(event)
        except Exception:
            _log.exception("event %s not delivered to rule %s", event["id"], rule.name)


def _is_state_machine(arn: str) -> bool:
    return arn.split(":")[2:3] == ["states"] and ":stateMachine:" in arn


def target_input(target: dict, event: dict) -> str:
    """What EventBridge passes a target: ``Input``, the part of the event at ``InputPath``,
    the ``InputTransformer``'s result, or else the whole event (its time as ISO 8601)."""
    event = {**event, "time": datetime.datetime.fromtimestamp(
        float(event["time"]), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if "Input" in target:
        return target["Input"]
    if "InputPath" in target:
        found = parse_json_path(target["InputPath"]).find(event)
        return json.dumps(found[0].value if found else None)
    if "InputTransformer" in target:
        transformer = target["InputTransformer"]
        return json.dumps(EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}), event=event))
    return json.dumps({key: value for key, value in event.items() if key != "ingestion-time"})


def announce_execution_status_changes() -> None:
    communication = execution_module.BaseExecutionWorkerCommunication
    terminated = communication.terminated

    def terminated_and_announced(self) -> None:
        terminated(self)
        ended = self.execution
        # Express executions send no events (moto marks every execution STANDARD: its state
        # machine knows the type); StartSyncExecution runs only Express ones.
        if isinstance(ended, execution_module.SyncExecution) or \
                ended.state_machine.type != "STANDARD" or \
                ended.exec_status.value not in ANNOUNCED_STATUSES:
            return
        put_on_default_bus(execution_status_event(ended))

    communication.terminated = terminated_and_announced

    send_to_targets = Rule.send_to_targets

    def send_to_targets_and_state_machines(self, event, transform_input=True):
        if not self.event_pattern.matches_event(event):
            return
        others = []
        for target in self.targets:
            if not _is_state_machine(target["Arn"]):
                others.append(target)
                continue
            account, region = target["Arn"].split(":")[4], target["Arn"].split(":")[3]
            get_backend(account, region).start_execution(
                target["Arn"], str(uuid.uuid4()), target_input(target, event))
        if others:
            rest = copy.copy(self)
            rest.targets = others
            send_to_targets(rest, event, transform_input)

    Rule.send_to_targets = send_to_targets_and_state_machines
