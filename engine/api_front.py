"""The synchronous API on the embedded engine: API Gateway's part, played locally.

moto's API Gateway stores the REST API but runs no integration, so this small HTTP front serves
the same routes. For each request it does what the deployed API does, from the same sources
(``templates/api.py``):

1. a body over 10 MB is refused with 413 (API Gateway's own limit);
2. the body must match the route's JSON Schema model, or it is a 400 ``InvalidRequest`` with
   the validation message (API Gateway's ``BAD_REQUEST_BODY`` response);
3. ``StartSyncExecution`` on the route's Express workflow, named after the request id, with
   the body as the input, as the request mapping template sends it;
4. the answer, as the response mapping template gives it: the output of a succeeded execution
   (200), or its JSON cause under the status ``api_common.ERRORS`` assigns to its error.

IAM authorisation (SigV4) is not checked locally; requests may be signed or not.

    python -m engine.api_front --stack ekyc       # after `make local` and a deploy
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
from botocore.config import Config
from jsonschema import Draft4Validator

from engine.foreground import wait_for_interrupt
from statemachines import api_common, registry
from templates import api

HOST = "127.0.0.1"
VALIDATORS = {route: Draft4Validator(schema) for route, (_, schema) in api.models().items()}
METHODS = {workflow.route: workflow.method for workflow in registry.api_workflows()}


def refusal(status: str, reason: str) -> str:
    return json.dumps({"status": status, "reason": reason})


def validation_error(route: str, body: object) -> str | None:
    """API Gateway's validation message for ``body``, or None when it matches the model."""
    errors = sorted(VALIDATORS[route].iter_errors(body), key=lambda error: list(error.path))
    if not errors:
        return None
    return "[" + ", ".join(error.message[:200] for error in errors[:5]) + "]"


def answer(result: dict) -> tuple[int, str]:
    """The response mapping template, in Python: (HTTP status, body)."""
    if result["status"] == "SUCCEEDED":
        return 200, result["output"]
    error = result.get("error")
    if error in api_common.ERRORS:
        return api_common.http_status(error), result.get("cause", "")
    return api_common.DEFAULT_ERROR_STATUS, json.dumps(
        {"status": "ServiceError", "error": error or result["status"],
         "reason": result.get("cause", "")})


class LocalApi:
    """Serves the API's routes on ``HOST:port`` (0: a free port) until ``stop()``."""

    def __init__(self, state_machines: dict[str, str], *, endpoint_url: str | None,
                 session: boto3.session.Session | None = None, port: int = 0):
        session = session or boto3.session.Session()
        # StartSyncExecution lives on a "sync-" host prefix on AWS; a local endpoint has none.
        self.sfn = session.client("stepfunctions", endpoint_url=endpoint_url,
                                  config=Config(inject_host_prefix=False))
        self.state_machines = state_machines
        self._server = ThreadingHTTPServer((HOST, port), self._handler())
        self._thread: threading.Thread | None = None

    @classmethod
    def for_stack(cls, stack_outputs: dict[str, str], **kwargs) -> LocalApi:
        return cls({route: stack_outputs[api.state_machine_output(route)]
                    for route in api.models()},
                   **kwargs)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self._server.server_address[1]}"

    def handle(self, route: str, raw_body: bytes, length: int | None = None, *,
               method: str = "POST") -> tuple[int, str]:
        """``length``: the declared body size, when the body was too large to be read. A
        method the route does not have is answered as a route that does not exist: API
        Gateway's MISSING_AUTHENTICATION_TOKEN response."""
        if route not in self.state_machines or METHODS.get(route) != method:
            return 403, refusal("AccessDenied", "Missing Authentication Token")
        if (length or len(raw_body)) > api.API_GATEWAY_MAX_BODY_BYTES:
            return api.gateway_responses()["REQUEST_TOO_LARGE"]
        try:
            body = json.loads(raw_body or b"null")
        except ValueError as error:
            return 400, refusal("InvalidRequest", f"[body is not JSON: {error}]")
        problem = validation_error(route, body)
        if problem:
            return 400, refusal("InvalidRequest", problem)
        result = self.sfn.start_sync_execution(
            stateMachineArn=self.state_machines[route], name=str(uuid.uuid4()),
            input=json.dumps(body))
        return answer(result)

    def _handler(self):
        front = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server name)
                self.serve("POST")

            def do_DELETE(self):  # noqa: N802 (the http.server name)
                self.serve("DELETE")

            def serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                route = "/" + self.path.split("?")[0].strip("/").split("/")[-1]
                if length > api.API_GATEWAY_MAX_BODY_BYTES:
                    status, body = front.handle(route, b"", length, method=method)
                    self.close_connection = True  # the unread body stays on the socket
                else:
                    status, body = front.handle(route, self.rfile.read(length), method=method)
                payload = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # quiet: one line per request otherwise
                pass

        return Handler

    def start(self) -> str:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalApi:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def stack_outputs(session: boto3.session.Session, stack: str) -> dict[str, str]:
    """The outputs of a deployed stack: the state machine behind each route."""
    (described,) = session.client("cloudformation").describe_stacks(StackName=stack)["Stacks"]
    return {output["OutputKey"]: output["OutputValue"] for output in described.get("Outputs", [])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", default="ekyc")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    # boto3's usual settings, and AWS_REGION too, as the deploy tool and the client read them.
    session = boto3.session.Session(region_name=os.environ.get("AWS_REGION") or None)
    outputs = stack_outputs(session, args.stack)
    front = LocalApi.for_stack(outputs, endpoint_url=os.environ.get("AWS_ENDPOINT_URL"),
                               session=session, port=args.port)
    print(front.start(), flush=True)
    wait_for_interrupt()
    front.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
