"""The synchronous REST API: routes, request models (declared by each route's workflow, see
``statemachines/api_requests.py``), and the mapping templates around ``StartSyncExecution``.

Each route is an AWS service integration (no Lambda): API Gateway checks the body against the
route's JSON Schema model, then starts the route's Express workflow with the body, unchanged,
as the execution's input, and waits for it. The response template answers with the
workflow's output when it succeeded, and otherwise with its cause (a JSON refusal) under the
HTTP status ``api_common.ERRORS`` gives its error. ``engine/api_front.py`` serves the same
routes on the embedded engine from the same models and the same status table.

Size limits: API Gateway refuses bodies over 10 MB (413). A Step Functions input or state holds
at most 256 KiB, so an image sent inline (``{"Bytes": ...}``) may have ``MAX_INLINE_IMAGE_CHARS``
of base64 (two fit in one request and in every state after it, see ``api_common``), well below
Rekognition's 5 MB for bytes; a larger image goes to the bucket under ``api/`` first and is
named as ``{"S3Object": ...}`` (up to 15 MB).
"""

from __future__ import annotations

import json

from contract.keys import API_PREFIX
from statemachines import api_common, registry
from statemachines.api_common import MAX_INLINE_IMAGE_CHARS  # noqa: F401 (for the API's clients)

API_OBJECT_PREFIX = API_PREFIX  # where a client puts an image too large to send inline

API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024


def models() -> dict[str, tuple[str, dict]]:
    """Each route's model: its name and JSON Schema, from its workflow's ``REQUEST``."""
    return {workflow.route: (workflow.request.model, workflow.request.schema())
            for workflow in registry.api_workflows()}


def state_machine_output(route: str) -> str:
    """The stack output naming the workflow behind ``route``: ``/register-idcard`` ->
    ``RegisterIdcardStateMachineArn``."""
    return "".join(part.title() for part in route.strip("/").split("-")) + "StateMachineArn"


def request_template(state_machine_arn: str) -> str:
    """VTL: the StartSyncExecution request, with the body as the execution's input.
    ``escapeJavaScript`` also escapes ``'``, which JSON does not allow: undo that."""
    return ('#set($body = $util.escapeJavaScript($input.json(\'$\')).replaceAll("\\\\\'", "\'"))\n'
            "{\n"
            f'  "stateMachineArn": "{state_machine_arn}",\n'
            '  "name": "$context.requestId",\n'
            '  "input": "$body"\n'
            "}")


def response_template() -> str:
    """VTL: a succeeded execution's output, or its refusal under the error's HTTP status."""
    statuses = ", ".join(f'"{error}": {status}'
                         for error, (status, _) in api_common.ERRORS.items())
    return "\n".join([
        "#set($result = $input.path('$'))",
        '#if($result.status == "SUCCEEDED")',
        "$result.output",
        "#else",
        f"#set($statuses = {{{statuses}}})",
        "#set($code = $statuses.get($result.error))",
        "#if($code)",
        "#set($context.responseOverride.status = $code)",
        "$result.cause",
        "#else",
        f"#set($context.responseOverride.status = {api_common.DEFAULT_ERROR_STATUS})",
        '{"status": "ServiceError", "error": "$util.escapeJavaScript($result.error)", '
        '"reason": "$util.escapeJavaScript($result.cause)"}',
        "#end",
        "#end",
    ])


def gateway_responses() -> dict[str, tuple[int, str]]:
    """Answers API Gateway gives itself, in the same JSON shape as the workflows'."""
    return {
        "BAD_REQUEST_BODY": (400, json.dumps(
            {"status": "InvalidRequest", "reason": "$context.error.validationErrorString"})),
        "REQUEST_TOO_LARGE": (413, json.dumps(
            {"status": "RequestTooLarge",
             "reason": f"the body is larger than {API_GATEWAY_MAX_BODY_BYTES} bytes"})),
        "ACCESS_DENIED": (403, json.dumps(
            {"status": "AccessDenied", "reason": "$context.error.message"})),
        "MISSING_AUTHENTICATION_TOKEN": (403, json.dumps(
            {"status": "AccessDenied", "reason": "$context.error.message"})),
    }


HTTP_STATUSES = sorted({200, api_common.DEFAULT_ERROR_STATUS,
                        *(status for status, _ in api_common.ERRORS.values())})
