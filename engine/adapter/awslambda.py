"""The Lambda runtime hooks (``moto.awslambda``): moto would run a function in Docker (none
here) or drop its messages. An SQS event source mapping (16) and an Invoke (21) are handed
instead to ``engine/lambda_runtime.py``, which runs the function's real handler code in this
process."""

from __future__ import annotations

import json
import threading
from typing import Any

from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.settings import moto_server_port
from moto.sqs.models import sqs_backends

from engine import lambda_runtime

# --- 16. SQS event sources ------------------------------------------------------------------------

def local_function(function):
    """What ``engine/lambda_runtime.py`` needs of one of moto's Lambda functions.

    Its variables as strings, as Lambda holds them: moto's CloudFormation resolves a Number
    parameter to an int, where CloudFormation hands it on as a string ("when you use the
    parameter elsewhere in your template (for example, by using the Ref intrinsic function),
    the parameter value becomes a string", CloudFormation User Guide, Parameters syntax, type
    Number)."""
    return lambda_runtime.Function(
        name=function.function_name, arn=function.function_arn, handler=function.handler,
        code_zip=function.code_bytes,
        environment={name: str(value)
                     for name, value in (function.environment_vars or {}).items()},
        timeout=int(function.timeout or 3))


def engine_url() -> str:
    return f"http://127.0.0.1:{moto_server_port()}"


def poll_sqs_event_sources_locally() -> None:
    create_mapping = LambdaBackend.create_event_source_mapping

    def create_mapping_polled_here(self, spec):
        mapping = create_mapping(self, spec)
        for queue in sqs_backends[self.account_id][self.region_name].queues.values():
            if queue.queue_arn == mapping.event_source_arn:
                queue.lambda_event_source_mappings.pop(mapping.function_arn, None)
                lambda_runtime.attach(lambda_runtime.SqsEventSource(
                    local_function(self.get_function(mapping.function_arn)),
                    queue.queue_arn, mapping.batch_size,
                    "ReportBatchItemFailures" in (mapping.function_response_types or []),
                    endpoint_url=engine_url()))
        return mapping

    LambdaBackend.create_event_source_mapping = create_mapping_polled_here


# --- 21. Lambda Invoke ------------------------------------------------------------------------

def run_function(function, event: Any) -> tuple[bytes, bool]:
    """Run a function's handler once: (the payload Lambda would answer, whether it failed)."""
    try:
        result = lambda_runtime.invoke(local_function(function), event, engine_url())
    except Exception as error:  # the handler's exception, as Lambda reports it
        return json.dumps({"errorMessage": str(error), "errorType": type(error).__name__,
                           "stackTrace": []}).encode(), True
    return json.dumps(result).encode(), False


def invoke_functions_locally() -> None:
    def invoke_here(self, body, request_headers, response_headers):
        event = json.loads(body) if body else {}
        if request_headers.get("x-amz-invocation-type") == "Event":
            threading.Thread(target=run_function, args=(self, event), daemon=True).start()
            return b""
        payload, failed = run_function(self, event)
        if failed:
            response_headers["x-amz-function-error"] = "Unhandled"
        return payload

    LambdaFunction.invoke = invoke_here
