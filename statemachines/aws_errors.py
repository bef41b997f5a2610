"""The error names Step Functions gives the failures of the integrations the workflows use.

A ``Retry`` or ``Catch`` only fires on the exact, case-sensitive name, so these rules are the
contract between the workflows, the embedded engine (adapter fix 3 names errors with them) and
the error-name lint (``lint_error_names``, which checks every name the workflows and the
scenario mocks write against them).

- ``aws-sdk`` integrations ("Learning to use AWS service SDK integrations in Step Functions",
  https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html): the
  error is ``<ServiceName>.<ErrorName>``, both in PascalCase, the service as in the guide's
  example ``AcmPca`` (for ``aws-sdk:acmpca``); the ``Exception`` suffix is always there, even
  where the service's own name lacks it (``BucketAlreadyExists`` becomes
  ``S3.BucketAlreadyExistsException``). The names an API can raise are those of its reference,
  which botocore ships as the service model.
- Optimized integrations name errors their own way, documented per integration:
  ``OPTIMIZED`` below.
- ``States.*`` names are the language's own ("Handling errors in Step Functions workflows",
  https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import botocore.session

SDK_GUIDE = "https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html"
ERRORS_GUIDE = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html"

STATES_ERRORS = frozenset({
    "States.ALL", "States.DataLimitExceeded", "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout", "States.Http.Socket", "States.IntrinsicFailure",
    "States.ItemReaderFailed", "States.NoChoiceMatched", "States.ParameterPathFailure",
    "States.Permissions", "States.QueryEvaluationError", "States.ResultPathMatchFailure",
    "States.ResultWriterFailed", "States.Runtime", "States.TaskFailed", "States.Timeout",
    "States.BranchFailed",
})

# The integration's name in a Resource ARN where it differs from botocore's.
BOTOCORE_NAMES = {"sfn": "stepfunctions"}


@functools.lru_cache(maxsize=1)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.lru_cache(maxsize=128)
def botocore_service(integration: str) -> str | None:
    """botocore's name of a service as a Resource ARN spells it (``acmpca`` -> ``acm-pca``),
    or None when botocore has no model of it."""
    available = _session().get_available_services()
    name = BOTOCORE_NAMES.get(integration, integration)
    if name in available:
        return name
    return next((candidate for candidate in available
                 if candidate.replace("-", "") == integration), None)


def _words(text: str) -> list[str]:
    """``ACM PCA`` -> ACM, PCA; ``DynamoDB`` -> Dynamo, DB; ``CloudWatch Logs`` -> Cloud,
    Watch, Logs: the words of a service id, split where its capitals and digits split it."""
    text = re.sub(r"[^A-Za-z0-9]+", " ", text)
    text = re.sub(r"(?<=[a-z])(?=[A-Z][A-Za-z0-9])", " ", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    text = re.sub(r"([0-9])([A-Za-z])", r"\1 \2", text)
    return text.split()


@functools.lru_cache(maxsize=128)
def sdk_prefix(integration: str) -> str:
    """The service part of an ``aws-sdk`` error name: botocore's service id in PascalCase, word
    by word (``ACM PCA`` -> ``AcmPca`` as in the guide, ``DynamoDB`` -> ``DynamoDb``, ``SFN``
    -> ``Sfn``, ``S3`` -> ``S3``); the integration's name capitalised when botocore has none."""
    service = botocore_service(integration)
    if service is None:
        return integration[:1].upper() + integration[1:]
    service_id = str(_session().get_service_model(service).service_id)
    prefix = "".join(word.lower().capitalize() for word in _words(service_id))
    return re.sub(r"Service$", "", re.sub(r"^(Amazon|Aws)", "", prefix)) or prefix


def with_exception_suffix(name: str) -> str:
    """``InternalServerError`` -> ``InternalServerErrorException``; others unchanged."""
    return name if name.endswith("Exception") else f"{name}Exception"


@functools.lru_cache(maxsize=128)
def model_errors(service: str) -> frozenset[str]:
    """The error shapes botocore's model of ``service`` (botocore's name) defines."""
    model = _session().get_service_model(service)
    return frozenset(name for name in model.shape_names
                     if model.shape_for(name).metadata.get("exception"))


def sdk_errors(integration: str) -> frozenset[str]:
    """Every error name Step Functions can raise for ``aws-sdk:<integration>:*``."""
    service = botocore_service(integration)
    if service is None:
        return frozenset()
    prefix = sdk_prefix(integration)
    return frozenset(f"{prefix}.{with_exception_suffix(name)}" for name in model_errors(service))


@dataclass(frozen=True)
class Optimized:
    """The error names of one optimized integration, and the AWS page that documents them."""

    names: frozenset[str]
    source: str
    # Errors the task's own code names (a Lambda function's errorType) are allowed too.
    function_errors: bool = False


def _model_names(prefix: str, service: str) -> frozenset[str]:
    return frozenset(f"{prefix}.{with_exception_suffix(name)}" for name in model_errors(service))


@functools.lru_cache(maxsize=1)
def optimized() -> dict[str, Optimized]:
    """Optimized integrations by their service in the Resource ARN (``arn:aws:states:::<it>:``).

    - DynamoDB ("Call DynamoDB with Step Functions"): the optimized integration's errors carry
      the prefix ``DynamoDB`` where the SDK integration's carry ``DynamoDb``; the names are
      otherwise those of the SDK integration, the API's errors with the ``Exception`` suffix
      (``DynamoDB.ConditionalCheckFailedException``, ``DynamoDB.RequestLimitExceededException``).
    - SNS ("Call Amazon SNS with Step Functions"): the page lists no names; the API's errors
      under the service's own abbreviation, with the suffix, as for DynamoDB.
    - Lambda ("Handle Lambda service exceptions"): the service exceptions it lists; a
      function's own error is named after its ``errorType``.
    - Step Functions ("Start workflow executions from a task state in Step Functions"): its
      example retries ``StepFunctions.ExecutionLimitExceeded``; a failed child execution fails
      a ``.sync`` task with ``States.TaskFailed``.
    """
    guide = "https://docs.aws.amazon.com/step-functions/latest/dg/"
    return {
        "dynamodb": Optimized(_model_names("DynamoDB", "dynamodb"), guide + "connect-ddb.html"),
        "sns": Optimized(_model_names("SNS", "sns"), guide + "connect-sns.html"),
        "lambda": Optimized(frozenset({
            "Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException",
            "Lambda.AWSLambdaException", "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException", "Lambda.Unknown",
        }), guide + "bp-lambda-serviceexception.html", function_errors=True),
        "states": Optimized(frozenset({"StepFunctions.ExecutionLimitExceeded"}),
                            guide + "concepts-nested-workflows.html"),
    }


@dataclass(frozen=True)
class Integration:
    """What a Task's ``Resource`` calls: ``aws-sdk`` or optimized, service and action."""

    kind: str  # "aws-sdk", "optimized" or "other" (an activity, a Lambda ARN, an HTTP task...)
    service: str = ""
    action: str = ""


def integration(resource: str) -> Integration:
    """``arn:aws:states:::aws-sdk:rekognition:detectFaces`` -> aws-sdk, rekognition,
    detectFaces; ``arn:aws:states:::states:startExecution.sync:2`` -> optimized, states,
    startExecution."""
    match = re.match(r"arn:[^:]+:states:::(.+)$", resource or "")
    if not match:
        return Integration("other")
    parts = match.group(1).split(":")
    if parts[0] == "aws-sdk" and len(parts) >= 3:
        return Integration("aws-sdk", parts[1], parts[2].split(".")[0])
    if len(parts) >= 2:
        return Integration("optimized", parts[0], parts[1].split(".")[0])
    return Integration("other")


def problem(resource: str, error: str) -> str | None:
    """Why Step Functions never raises ``error`` for a Task calling ``resource``; None if it
    can."""
    if error.startswith("States."):
        return None if error in STATES_ERRORS else \
            "not a States.* error name Step Functions defines"
    called = integration(resource)
    if called.kind == "aws-sdk":
        if botocore_service(called.service) is None:
            return f"botocore has no model of {called.service!r} to check it against"
        raised = sdk_errors(called.service)
        if error in raised:
            return None
        prefix = sdk_prefix(called.service)
        expected = f"{prefix}.{with_exception_suffix(error.partition('.')[2])}"
        hint = f"; did you mean {expected}?" if expected in raised else ""
        return (f"not an error aws-sdk:{called.service} raises ({prefix}.<an error in "
                f"botocore's {botocore_service(called.service)} model>, Exception suffixed)"
                f"{hint}")
    if called.kind == "optimized":
        documented = optimized().get(called.service)
        if documented is None:
            return (f"no documented error list for the optimized {called.service} integration "
                    "in statemachines/aws_errors.py")
        if error in documented.names:
            return None
        if documented.function_errors and not error.startswith(
                tuple(name.split(".")[0] + "." for name in documented.names)):
            return None  # an error the function itself raises, named after its errorType
        prefix, _, name = error.partition(".")
        expected = f"{prefix}.{with_exception_suffix(name)}"
        hint = f"; did you mean {expected}?" if expected in documented.names else ""
        return (f"not an error the optimized {called.service} integration raises (documented: "
                f"{documented.source.rsplit('/', 1)[-1]}){hint}")
    return None  # a Lambda ARN, an activity: names are the worker's own
