"""Deploy the workflows to a Step Functions endpoint and play scenarios against it.

Talks to AWS APIs only through boto3 and an endpoint URL, so the same code runs against the
embedded engine, Step Functions Local (with DynamoDB and SNS endpoints of its own) or, where a
user has one, a real account. Each run returns what a test asserts: the states entered, the
execution's status and error, the user's item afterwards and the notifications published.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from boto3.dynamodb.types import TypeSerializer

from client.items import plain
from contract import placeholders as names
from contract import settings
from contract.item import PARTITION_KEY
from statemachines import asl, registry
from statemachines.registry import Machine
from statemachines.scenarios import BUCKET, Scenario

ROOT = Path(__file__).resolve().parent.parent
STATEMACHINES = ROOT / "statemachines"
MOCK_CONFIG_PATH = STATEMACHINES / "mock_config.json"
ROLE_ARN = "arn:aws:iam::123456789012:role/ekyc-local-tests"
THUMBNAIL_FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:ekyc-test-thumbnail"


@dataclass
class Run:
    """What one execution did."""

    execution_arn: str
    status: str
    error: str | None
    path: list[str]
    item: dict[str, Any]
    notifications: list[dict]
    children: list[Run] = field(default_factory=list)
    output: Any = None  # the execution's output, parsed (succeeded executions)
    cause: str | None = None  # the execution's cause (failed executions)
    seconds: float = 0.0  # from the StartExecution call until the client saw the final status
    engine_seconds: float = 0.0  # the execution's own start to stop, as the engine reports it


def substitute(text: str, substitutions: dict[str, str]) -> str:
    """Fill ``${Name}`` placeholders as CloudFormation's DefinitionSubstitutions would."""
    for name, value in substitutions.items():
        text = text.replace("${" + name + "}", value)
    if "${" in text:
        raise ValueError(f"unfilled placeholder in definition: {text[text.index('${'):][:40]}")
    return text


def covered_as(machine: str) -> str | None:
    """The definition whose path coverage a run of the runner's state machine counts for."""
    return registry.machine_names()[machine].covers


class Deployment:
    """The workflows (``registry.machines()``, and any ``extra`` ones) with their table, topic
    and a queue that collects notifications."""

    def __init__(self, session: boto3.session.Session, endpoint_url: str | None,
                 prefix: str = "ekyc-test", extra: tuple[Machine, ...] = ()):
        def client(name):
            return session.client(name, endpoint_url=endpoint_url)
        self.sfn, self.ddb = client("stepfunctions"), client("dynamodb")
        self.sns, self.sqs = client("sns"), client("sqs")
        self.prefix = prefix
        self.table = f"{prefix}-users"
        self.state_machines: dict[str, str] = {}
        self.definitions: dict[str, dict] = {}  # by state machine ARN
        self.machines = [*registry.machines(), *extra]
        self.arns: dict[str, str] = {}  # workflow ARN placeholder -> its main machine's ARN

    def create(self) -> Deployment:
        self.ddb.create_table(
            TableName=self.table, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": PARTITION_KEY, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": PARTITION_KEY, "AttributeType": "S"}])
        self.topic = self.sns.create_topic(Name=f"{self.prefix}-failures")["TopicArn"]
        self.queue = self.sqs.create_queue(QueueName=f"{self.prefix}-notifications")["QueueUrl"]
        queue_arn = self.sqs.get_queue_attributes(
            QueueUrl=self.queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=queue_arn,
                           Attributes={"RawMessageDelivery": "true"})
        substitutions = {names.TABLE_NAME: self.table, names.COLLECTION_ID: f"{self.prefix}-faces",
                         names.NOTIFICATION_TOPIC_ARN: self.topic, **settings.defaults(),
                         # Mocked in every scenario that reaches it.
                         names.THUMBNAIL_FUNCTION_ARN: THUMBNAIL_FUNCTION_ARN,
                         names.BUCKET_NAME: BUCKET}
        by_name = {machine.name: machine for machine in self.machines}
        for machine in self.machines:
            values = {**substitutions, **self.arns, **machine.substitutions}
            if machine.nested:
                values[by_name[machine.nested].arn_placeholder] = \
                    self.state_machines[machine.nested]
            definition = substitute(machine.path.read_text(), values)
            arn = self.sfn.create_state_machine(
                name=machine.name, definition=definition, roleArn=ROLE_ARN,
                type=machine.runs_as)["stateMachineArn"]
            self.state_machines[machine.name] = arn
            self.definitions[arn] = json.loads(definition)
            if machine.main:
                self.arns[machine.arn_placeholder] = arn
        return self

    # --- one scenario ---------------------------------------------------------------------
    def run(self, scenario: Scenario, timeout: float = 60) -> Run:
        key = TypeSerializer().serialize
        item_key = {PARTITION_KEY: key(scenario.userid)}
        self.ddb.delete_item(TableName=self.table, Key=item_key)
        if scenario.seed_item is not None:
            self.ddb.put_item(TableName=self.table, Item={
                PARTITION_KEY: key(scenario.userid),
                **{name: key(value) for name, value in scenario.seed_item.items()}})
        self.drain_notifications()
        started = time.perf_counter()
        execution = self.sfn.start_execution(
            stateMachineArn=f"{self.state_machines[scenario.workflow]}#{scenario.name}",
            name=f"{scenario.name}-{uuid.uuid4().hex[:12]}",
            input=self.filled_in(json.dumps(scenario.input)))["executionArn"]
        run = self.wait(execution, timeout, started)
        run.item = plain(self.ddb.get_item(TableName=self.table, Key=item_key,
                                           ConsistentRead=True).get("Item", {}))
        run.notifications = self.drain_notifications()
        return run

    def filled_in(self, text: str) -> str:
        """``text`` with the ARN placeholders of the deployed state machines filled in."""
        if "${" not in text:
            return text
        return substitute(text, self.arns)

    def wait(self, execution_arn: str, timeout: float, started: float | None = None) -> Run:
        deadline = time.monotonic() + timeout
        while True:
            described = self.sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{execution_arn} still running after {timeout} s")
            time.sleep(0.005)
        seen = time.perf_counter() - started if started is not None else 0.0
        events = self.history(execution_arn)
        children = [self.wait(arn, timeout) for arn in child_executions(events)]
        return Run(execution_arn=execution_arn, status=described["status"],
                   error=described.get("error"), cause=described.get("cause"),
                   output=json.loads(described["output"]) if described.get("output") else None,
                   path=entered_states(events, self.definitions.get(
                       described["stateMachineArn"].split("#")[0])), item={},
                   notifications=[], children=children, seconds=seen,
                   engine_seconds=(described["stopDate"] - described["startDate"])
                   .total_seconds())

    def history(self, execution_arn: str) -> list[dict]:
        events, token = [], None
        while True:
            page = self.sfn.get_execution_history(
                executionArn=execution_arn, maxResults=1000, **({"nextToken": token} if token
                                                                 else {}))
            events += page["events"]
            token = page.get("nextToken")
            if not token:
                return events

    def drain_notifications(self) -> list[dict]:
        messages = []
        while True:
            received = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10,
                                                WaitTimeSeconds=0).get("Messages", [])
            if not received:
                return messages
            for message in received:
                messages.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue,
                                        ReceiptHandle=message["ReceiptHandle"])


def entered_states(events: list[dict], definition: dict | None = None) -> list[str]:
    """The states entered, in order. Parallel branches run at the same time, so their states
    interleave in any order: each stretch of them is listed branch by branch instead, in the
    order of the definition's branches, which makes a path comparable between runs. A Map's
    iterations run at the same time too, each through the same states: a stretch of them is
    listed iteration by iteration (``iterations``). A Map inside a Parallel's branch runs its
    items one by one (MaxConcurrency 1), so its states keep their order within the branch."""
    entered = [event["stateEnteredEventDetails"]["name"] for event in events
               if "stateEnteredEventDetails" in event]
    in_branch = asl.branch_of(definition, outermost=True) if definition else {}
    states = asl.all_states(definition) if definition else {}
    path: list[str] = []
    stretch: list[str] = []
    for name in [*entered, None]:
        if name is not None and name in in_branch:
            stretch.append(name)
            continue
        if stretch and states[in_branch[stretch[0]][0]]["Type"] == "Map":
            path += iterations(stretch, states[in_branch[stretch[0]][0]], states)
        else:
            path += sorted(stretch, key=lambda state: in_branch[state][1])  # stable
        stretch = []
        if name is not None:
            path.append(name)
    return path


def iterations(stretch: list[str], map_state: dict, states: dict) -> list[str]:
    """A Map's ``stretch`` of entered states, iteration by iteration: each iteration begins at
    the item processor's first state, and each other state continues the oldest iteration
    that can go on to it. The iterations are listed in the order of their states in the
    definition, so a path is the same however the iterations interleaved, and each keeps its
    own transitions (which Choice branch it took)."""
    start = map_state["ItemProcessor"]["StartAt"]
    order = {name: position for position, name in enumerate(states)}
    runs: list[list[str]] = []
    for name in stretch:
        if name == start:
            runs.append([name])
            continue
        run = next((run for run in runs if name in asl.targets(states[run[-1]])), None)
        if run is None:
            raise ValueError(f"Map iteration state {name!r} follows no state entered before")
        run.append(name)
    return [name for run in sorted(runs, key=lambda run: [order[name] for name in run])
            for name in run]


def child_executions(events: list[dict]) -> list[str]:
    """ARNs of executions a parent started (from its TaskSubmitted/TaskSucceeded output)."""
    arns = []
    for event in events:
        details = event.get("taskSubmittedEventDetails") or {}
        if details.get("resourceType") == "states" and details.get("output"):
            arn = json.loads(details["output"]).get("ExecutionArn")
            if arn and arn not in arns:
                arns.append(arn)
    return arns


def failed_attempts(events: list[dict]) -> dict[str, list[str]]:
    """For each state, the errors of its failed task attempts in order (retried or not): each
    TaskFailed event is traced back through ``previousEventId`` to the state it belongs to."""
    by_id = {event["id"]: event for event in events}
    failed: dict[str, list[str]] = {}
    for event in events:
        if event["type"] != "TaskFailed":
            continue
        previous = by_id.get(event.get("previousEventId"))
        while previous is not None and "stateEnteredEventDetails" not in previous:
            previous = by_id.get(previous.get("previousEventId"))
        if previous is not None:
            failed.setdefault(previous["stateEnteredEventDetails"]["name"], []).append(
                event["taskFailedEventDetails"]["error"])
    return failed
