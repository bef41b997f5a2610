"""Fixes to moto's Step Functions service integrations (the Task states of
``moto.stepfunctions.parser.asl.component.state.exec.state_task``): ``states:startExecution``
parameters and answers (2), aws-sdk error names (3), polling of ``.sync`` children (7), mocked
errors of DynamoDB tasks (19), and blob parameters of aws-sdk tasks (20)."""

from __future__ import annotations

import base64
import datetime
import functools
from typing import Any

import botocore.session
from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk,
    state_task_service_sfn,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_callback as callback,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_dynamodb as dynamodb_task,
)

from statemachines import aws_errors

SYNC_POLL_SECONDS = 0.01


# --- 2. Step Functions parameters and responses ------------------------------------------------

@functools.lru_cache(maxsize=64)
def operation_model(service: str, snake_case_action: str):
    """botocore's model of a service's action, named in snake case as moto's tasks name it."""
    model = botocore.session.get_session().get_service_model(service)
    for name in model.operation_names:
        if botocore.xform_name(name) == snake_case_action:
            return model.operation_model(name)
    raise ValueError(f"{service} has no operation {snake_case_action}")


def _json_ready(value: Any) -> Any:
    """Datetimes become epoch milliseconds, as Step Functions shows them in task output."""
    if isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, dict):
        return {key: _json_ready(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_json_ready(inner) for inner in value]
    return value


def convert_step_functions_requests_and_responses() -> None:
    def to_boto_request(original):
        def normalise_parameters(self, parameters, boto_service_name=None,
                                 service_action_name=None):
            original(self, parameters, boto_service_name, service_action_name)
            service = self._get_boto_service_name(boto_service_name)
            if service == "stepfunctions":
                operation = operation_model(
                    service, self._get_boto_service_action(service_action_name))
                self._to_boto_request(parameters, operation.input_shape)
        return normalise_parameters

    def from_boto_response(original):
        def normalise_response(self, response, boto_service_name=None, service_action_name=None):
            original(self, response, boto_service_name, service_action_name)
            service = self._get_boto_service_name(boto_service_name)
            if service == "stepfunctions" and isinstance(response, dict):
                operation = operation_model(
                    service, self._get_boto_service_action(service_action_name))
                self._from_boto_response(response, operation.output_shape)
                response.update(_json_ready(response))
        return normalise_response

    for service in (state_task_service_sfn.StateTaskServiceSfn,
                    state_task_service_aws_sdk.StateTaskServiceAwsSdk):
        service._normalise_parameters = to_boto_request(service._normalise_parameters)
        service._normalise_response = from_boto_response(service._normalise_response)


# --- 3. aws-sdk error names --------------------------------------------------------------------

def sdk_error_prefix(service: str) -> str:
    """The service part of an aws-sdk error name, as AWS writes it (``AcmPca``, ``Sfn``)."""
    return aws_errors.sdk_prefix(service)


def sdk_error_name(prefix: str, error: Exception) -> str:
    """``Rekognition.InternalServerErrorException`` for botocore's ``InternalServerError`` under
    the prefix ``Rekognition``. An error code the service's model does not define reaches the
    engine as a bare ``ClientError``, which moto names after the service (``S3.S3Exception``);
    no model lists such a name, so the lint refuses it in a Retry or Catch."""
    name = type(error).__name__
    if name == "ClientError":
        name = prefix
    return f"{prefix}.{aws_errors.with_exception_suffix(name)}"


def name_sdk_errors_like_aws() -> None:
    task = state_task_service_aws_sdk.StateTaskServiceAwsSdk
    if not hasattr(task, "_normalise_service_error_name") or \
            not hasattr(task, "_normalise_exception_name"):
        raise RuntimeError("moto's aws-sdk task changed: re-check the error name fix")
    task._normalise_service_error_name = staticmethod(sdk_error_prefix)
    task._normalise_exception_name = staticmethod(sdk_error_name)


# --- 7. polling of .sync children ---------------------------------------------------------------

def poll_children_promptly() -> None:
    if not hasattr(callback, "_DELAY_SECONDS_SYNC_CONDITION_CHECK"):
        raise RuntimeError("moto's .sync poll interval moved: re-check poll_children_promptly")
    callback._DELAY_SECONDS_SYNC_CONDITION_CHECK = SYNC_POLL_SECONDS


# --- 19. mocked errors of DynamoDB tasks ------------------------------------------------------

def keep_mocked_dynamodb_errors() -> None:
    task_class = dynamodb_task.StateTaskServiceDynamoDB
    from_error = task_class._from_error

    def from_error_keeping_failure_events(self, env, ex):
        if isinstance(ex, FailureEventException):  # already named, e.g. a mocked Throw
            return ex.failure_event
        return from_error(self, env, ex)

    task_class._from_error = from_error_keeping_failure_events


# --- 20. blob parameters of aws-sdk tasks ------------------------------------------------------

def decode_blobs(value: Any, shape) -> Any:
    """``value`` with each base64 text in a blob member of ``shape`` decoded to bytes."""
    if shape is None:
        return value
    if shape.type_name == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                value[name] = decode_blobs(value[name], member)
    elif shape.type_name == "list" and isinstance(value, list):
        value[:] = [decode_blobs(item, shape.member) for item in value]
    elif shape.type_name == "map" and isinstance(value, dict):
        for key in value:
            value[key] = decode_blobs(value[key], shape.value)
    return value


def decode_blob_parameters() -> None:
    task_class = state_task_service_aws_sdk.StateTaskServiceAwsSdk
    normalise = task_class._normalise_parameters

    def normalise_and_decode(self, parameters, boto_service_name=None,
                             service_action_name=None):
        normalise(self, parameters, boto_service_name, service_action_name)
        service = self._get_boto_service_name(boto_service_name)
        operation = operation_model(service, self._get_boto_service_action(service_action_name))
        decode_blobs(parameters, operation.input_shape)

    task_class._normalise_parameters = normalise_and_decode
