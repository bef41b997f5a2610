"""Fixes to moto's core (``moto.core``), shared by every service: an action moto does not
implement answers as a failing AWS service does (22)."""

from __future__ import annotations

from moto.core import errors
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, BaseResponse

from engine.adapter.patching import MOTO_VERSION

# --- 22. actions the engine does not implement -----------------------------------------------

# A hint for the actions a newcomer meets with the default parameters (none today: the engine
# serves Textract's AnalyzeID itself, engine/textract).
UNIMPLEMENTED_HINTS: dict[str, str] = {}


def unimplemented_action_message(service: str, operation: str) -> str:
    """What a caller is told of an action the engine cannot perform, named as in an ASL
    ``aws-sdk`` resource (``textract:analyzeExpense``)."""
    action = f"{service}:{operation[:1].lower()}{operation[1:]}"
    hint = UNIMPLEMENTED_HINTS.get(action)
    return (f"{action} is not implemented by the embedded engine (moto {MOTO_VERSION}), so it "
            "fails here as a service error" + (f"; {hint}" if hint else ""))


def answer_unimplemented_actions_as_service_errors() -> None:
    class InternalFailure(ServiceException):
        # AWS's common error for a request the service failed to process ("Common Errors" of
        # every AWS API reference: InternalFailure, HTTP 500).
        code = "InternalFailure"

    # A common error, in no service's model: moto would warn on every such answer.
    errors.COMMON_ERROR_CODES.append(InternalFailure.code)
    call_action = BaseResponse.call_action

    def call_action_or_fail_as_a_service(self):
        try:
            return call_action(self)
        except NotImplementedError:
            failure = InternalFailure(unimplemented_action_message(
                self.boto3_service_name, self._get_action()))
            _, headers, body = self.serialized(ActionResult(failure))
            headers, body = self._enrich_response(headers, body)  # adds the request id
            return 500, headers, body

    BaseResponse.call_action = call_action_or_fail_as_a_service
