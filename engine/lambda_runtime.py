"""Links the embedded engine cannot perform itself, performed the way AWS does them.

SQS -> Lambda: moto would run a function in Docker (none here) or drop the messages unrun. An
``SqsEventSource`` polls the queue like Lambda's poller: it receives a batch, calls the
function's real handler code in this process with the event shape Lambda sends, deletes what
succeeded, honours ``batchItemFailures`` (``ReportBatchItemFailures``), and leaves failed
messages to reappear after the queue's visibility timeout, so the queue's redrive policy moves
them to the dead-letter queue after ``maxReceiveCount`` receives.

The poller speaks to the engine through boto3 only; ``engine/adapter/`` hands it the
event source mappings moto would otherwise try to run.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
import traceback
import uuid
import zipfile
from dataclasses import dataclass

import boto3
from botocore.exceptions import ClientError

from contract import environment

VISIBILITY_SCALE_VARIABLE = environment.VISIBILITY_TIME_SCALE
# Error codes SQS answers for a queue that no longer exists.
GONE = ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")
_environment_lock = threading.Lock()  # handlers read os.environ: one invocation at a time
# What the functions printed, as CloudWatch Logs would keep it: (function name, line).
LOGS: list[tuple[str, str]] = []


@dataclass(frozen=True)
class Function:
    """What the runtime needs of a Lambda function."""

    name: str
    arn: str
    handler: str  # "module.function"
    code_zip: bytes
    environment: dict[str, str]
    timeout: int


class LambdaContext:
    def __init__(self, function: Function):
        self.function_name, self.invoked_function_arn = function.name, function.arn
        self.aws_request_id = str(uuid.uuid4())
        self.memory_limit_in_mb = 256
        self._deadline = time.monotonic() + function.timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


_handlers: dict[str, object] = {}


def load_handler(function: Function):
    """The handler callable, compiled once per code version (its module state, boto3
    clients included, lives on between invocations as in a warm Lambda)."""
    key = hashlib.sha256(function.code_zip + function.handler.encode()).hexdigest()
    if key not in _handlers:
        module_name, _, attribute = function.handler.rpartition(".")
        with zipfile.ZipFile(io.BytesIO(function.code_zip)) as archive:
            source = archive.read(f"{module_name.replace('.', '/')}.py").decode()
        namespace: dict = {"__name__": module_name, "print": _logger(function.name)}
        exec(compile(source, f"{function.name}/{module_name}.py", "exec"), namespace)
        _handlers[key] = namespace[attribute]
    return _handlers[key]


def _logger(function_name: str):
    """The handler's ``print``: its lines go to ``LOGS`` (not this process's output, whose
    other threads keep printing undisturbed)."""
    def log(*values, sep=" ", end="\n", file=None, flush=False):
        text = sep.join(map(str, values)) + end
        LOGS.extend((function_name, line) for line in text.splitlines())
    return log


def invoke(function: Function, event: dict, endpoint_url: str):
    """Call the handler with the function's environment, AWS calls aimed at the engine."""
    handler = load_handler(function)
    variables = {"AWS_REGION": os.environ.get("AWS_REGION") or function.arn.split(":")[3],
                 **function.environment, "AWS_ENDPOINT_URL": endpoint_url}
    with _environment_lock:
        # Touch only the function's own variables: other threads of this process (the engine,
        # its state machines) read the environment at the same time, so it is never emptied.
        saved = {name: os.environ.get(name) for name in variables}
        os.environ.update(variables)
        try:
            return handler(event, LambdaContext(function))
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def sqs_event(messages: list[dict], queue_arn: str) -> dict:
    """The event Lambda passes for a batch of SQS messages."""
    region = queue_arn.split(":")[3]
    return {"Records": [{
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {
            name: {"stringValue": value.get("StringValue"), "binaryValue": value.get(
                "BinaryValue"), "stringListValues": [], "binaryListValues": [],
                   "dataType": value["DataType"]}
            for name, value in message.get("MessageAttributes", {}).items()},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    } for message in messages]}


class SqsEventSource:
    """Lambda's poller for one SQS event source mapping."""

    def __init__(self, function: Function, queue_arn: str, batch_size: int,
                 report_item_failures: bool, endpoint_url: str):
        self.function, self.queue_arn = function, queue_arn
        self.batch_size = min(max(batch_size or 10, 1), 10)
        self.report_item_failures = report_item_failures
        self.endpoint_url = endpoint_url
        region, account, name = queue_arn.split(":")[3:6]
        self.sqs = boto3.client("sqs", endpoint_url=endpoint_url, region_name=region)
        self.queue_url = f"{endpoint_url}/{account}/{name}"
        self.scale = float(os.environ.get(VISIBILITY_SCALE_VARIABLE, "1"))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"sqs-poller-{name}")
        self.invocations = 0

    def start(self) -> SqsEventSource:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once(wait_seconds=1)
            except ClientError as error:
                if error.response["Error"]["Code"] in GONE:  # the queue was deleted: done
                    self._stop.set()
                else:  # keep polling, as Lambda does; say what went wrong
                    traceback.print_exc()
                    self._stop.wait(1)
            except Exception:
                traceback.print_exc()
                self._stop.wait(1)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Receive one batch and hand it to the function; how many messages it got."""
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=wait_seconds, AttributeNames=["All"],
            MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            return 0
        self.invocations += 1
        try:
            result = invoke(self.function, sqs_event(messages, self.queue_arn),
                            self.endpoint_url) or {}
            failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])} \
                if self.report_item_failures else set()
        except Exception:
            traceback.print_exc()
            failed = {message["MessageId"] for message in messages}
        for message in messages:
            if message["MessageId"] in failed:
                self._retry_later(message)
            else:
                self.sqs.delete_message(QueueUrl=self.queue_url,
                                        ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def _retry_later(self, message: dict) -> None:
        """Leave the message for its visibility timeout (scaled for tests), as Lambda does."""
        if self.scale == 1:
            return
        timeout = int(self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["VisibilityTimeout"]
        )["Attributes"]["VisibilityTimeout"])
        self.sqs.change_message_visibility(
            QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"],
            VisibilityTimeout=int(timeout * self.scale))


_sources: list[SqsEventSource] = []


def attach(source: SqsEventSource) -> None:
    _sources.append(source.start())


def stop_all() -> None:
    while _sources:
        _sources.pop().stop()
