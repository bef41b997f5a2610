"""What the embedded engine (moto 5.2.5 with ``execute_state_machine``) needs to run our workflows.

Every change to moto's behaviour lives in this module, one function per defect, each with a test
in ``tests/test_moto_adapter.py`` or ``tests/test_adapter_*.py`` that fails if the fix stops
working or stops being needed. It reaches into moto's internals, so moto is pinned exactly
(``MOTO_VERSION``); ``install()`` refuses any other version rather than patching blindly.

**The principle: every fix moves the engine toward AWS, never past it.** AWS is the truth and
the engine a stand-in: where moto is stricter than AWS, a fix relaxes it to accept what AWS
accepts; where moto is more lenient, a fix makes it refuse what AWS refuses, with AWS's error.
A fix that only makes the engine faster, or serves the test harness, must not change what any
request or execution answers. Each entry below ends with its ``Direction:`` (``toward AWS``,
``neutral``: speed or timing only, or ``harness``: Step Functions Local's test contract) and
names the AWS document it follows; ``tests/test_adapter_principle.py`` holds every entry to it.

Where the engine is still more lenient than AWS, and what stands in for the check:
- IAM is not evaluated: a role missing a permission works here. The template's least-privilege
  tests, cfn-lint and checkov stand in; ``make smoke`` after a real deploy is the proof.
- The upload bucket's TLS-only policy is not applied (fix 15).
- API Gateway is not emulated by moto: ``scripts/local_api.py`` serves the routes and does not
  check SigV4 signatures.
- Express workflows' five-minute limit is not enforced; the 256 KiB payload quota is (moto).

1. ``MockConfigFile`` test cases (Step Functions Local's contract): ``start_execution`` with
   ``stateMachineArn="<arn>#<TestCase>"`` runs that test case of the file named by
   ``SFN_MOCK_CONFIG``. moto carries the mocking machinery but never loads a file nor hands a test
   case to an execution. A child started by a mocked execution runs the test case of the same
   name, when its state machine has one, so nested workflows run for real with their own mocks.
   Direction: harness. Step Functions Local's contract ("Testing with mocked service
   integrations", Step Functions Developer Guide); only an execution started with a ``#TestCase``
   ARN, which AWS refuses as malformed, runs mocked.
2. ``states:startExecution`` (request-response, ``.sync``, ``.sync:2``) and ``aws-sdk:sfn:*``:
   moto stubbed the conversion of ASL parameter names to boto's casing and of responses back.
   Direction: toward AWS (accepts what AWS accepts): the parameters and answers of "Start workflow
   executions from a task state in Step Functions".
3. ``aws-sdk`` task errors get exactly the name Step Functions gives them ("Learning to use AWS
   service SDK integrations in Step Functions", https://docs.aws.amazon.com/step-functions/
   latest/dg/supported-services-awssdk.html): ``<Service>.<Error>``, the service in PascalCase
   word by word as in the guide's ``AcmPca`` (``Rekognition``, ``DynamoDb``, ``Sfn``, ``Sns``),
   the ``Exception`` suffix always appended (``Rekognition.InternalServerErrorException``).
   moto wrote the service as the Resource spells it (``rekognition.ResourceNotFoundException``,
   ``sns.NotFoundException``) but for DynamoDB and Step Functions.
   Direction: toward AWS, both ways: a catcher written for AWS's names matches here as on AWS,
   and one written for any other spelling no longer matches here either (rules shared with the
   lint: ``scripts/aws_error_names.py``).
4. ``start_execution`` without a name gets a generated one (moto made the ARN end in ``:None``).
   Direction: toward AWS (accepts): the StartExecution API reference makes the name optional and
   generates a UUID when it is left out.
5. Retry waits can be compressed for tests with ``EKYC_RETRY_TIME_SCALE`` (default 1: real
   waits); the retries themselves still happen, in the same order.
   Direction: neutral (timing only): at the default scale the waits are those "Handling errors in
   Step Functions workflows" describes.
6. A definite JSONPath through an array index (``$.faces[0].Confidence``) selects one value, as
   in AWS; moto returned a one-element list, so Choice rules on it silently never matched. An
   indefinite path (wildcard, filter, slice, union, recursive descent) selects a list, empty
   when nothing matches, as in AWS; moto unwrapped a single match (``$.f[?(@.t == 'x')].v``
   gave ``"v"``, not ``["v"]``) and failed on no match.
   Direction: toward AWS, both ways ("Paths" and "Reference paths" in the Amazon States Language
   specification).
7. ``.sync`` tasks check on their child every ``SYNC_POLL_SECONDS`` instead of every 0.5 s, so a
   nested workflow costs its parent about what it costs on AWS, not half a second more.
   Direction: neutral (timing only): AWS notices a child's end by event, not by polling.
8. A ``States.*`` error inside a Parallel branch or a Map iteration reaches the state's Catch
   under its own name; moto raised a ValueError that failed the whole execution (Parallel) or
   replaced the error with ``States.Runtime`` (Map). The same holds for a Fail state that names
   a ``States.*`` error.
   Direction: toward AWS (accepts): "Parallel workflow state": a failing branch fails the Parallel
   state with the branch's error, which its Catch can match.
9. moto's server lists its own package folders on disk twice for every request it routes
   (about 20 ms each time here); the list cannot change while it runs, so it is read once.
   Direction: neutral (speed only).
10. Every execution parsed its state machine's definition anew with ANTLR, most of the time an
    execution took. The syntax tree of a definition is kept (it is only read afterwards); each
    execution still builds its own evaluation components from it.
    Direction: neutral (speed only).
11. Every JSONPath was compiled anew (jsonpath-ng builds a parser each time) and every service
    call made a new boto3 client and connection. Compiled paths are immutable and boto3 clients
    are thread-safe, so both are kept and reused.
    Direction: neutral (speed only).
12. ``StartSyncExecution`` runs an Express state machine to its end and answers with its status
    and output, directly or from an ``aws-sdk:sfn:startSyncExecution`` task; moto had no such
    action. AWS serves it on a ``sync-`` host prefix, which a local endpoint does not resolve:
    the engine's own clients send it without the prefix, and so must a caller's
    (``botocore.config.Config(inject_host_prefix=False)``).
    Direction: toward AWS (accepts): an action AWS has (StartSyncExecution API reference).
13. Executing a CloudFormation change set left the stack without outputs (and an update kept
    the old parameters): the outputs are computed from the applied template, as after
    ``create_stack``.
    Direction: toward AWS: a stack has its outputs after ExecuteChangeSet (CloudFormation User
    Guide, "Update CloudFormation stacks using change sets").
14. ``AWS::StepFunctions::StateMachine`` from CloudFormation: moto took ``DefinitionString``
    as it was, ignoring ``DefinitionSubstitutions`` and ``StateMachineType``, ignored a
    ``Definition`` object, and created the state machine in the backend that never executes.
    The definition is now filled in as CloudFormation does ("AWS::StepFunctions::StateMachine",
    CloudFormation Template Reference): ``DefinitionString`` (what our template holds, an
    ``Fn::If`` between two strings already resolved) or ``Definition``, each ``${Name}``
    replaced from ``DefinitionSubstitutions``, with the stack's type, in the backend that
    executes.
    Direction: toward AWS.
15. CloudFormation resources moto skipped or half-made: ``AWS::Rekognition::Collection``
    (created in the local face service; ``Ref`` is the id, ``GetAtt Arn`` the ARN),
    ``AWS::SQS::QueuePolicy`` (the policy is set on each queue), and an S3 bucket's
    ``NotificationConfiguration`` (applied, so uploads notify their queues).
    ``AWS::S3::BucketPolicy`` stays unapplied: moto enforces ``aws:SecureTransport``, and the
    engine speaks plain HTTP, so a TLS-only policy would refuse every request.
    Direction: toward AWS for the collection, the queue policy and the notifications
    ("AWS::Rekognition::Collection", "AWS::SQS::QueuePolicy", "NotificationConfiguration" in the
    CloudFormation Template Reference). The bucket policy is the one leniency kept: boto3 speaks
    HTTPS to AWS, so the rule cannot refuse our own calls there, and
    ``tests/test_generated_documents.py`` checks the policy is in the template.
16. An SQS event source mapping made moto run the function in Docker (none here) or drop the
    messages; it is handed instead to ``scripts/local_runtime.py``, which polls the queue and
    runs the function's real handler code in this process, as Lambda's poller would.
    Direction: toward AWS: Lambda's poller for an SQS event source ("Using Lambda with Amazon
    SQS"): batches, partial batch failures, redelivery and the dead-letter queue.
17. A template holding a JSON ``null`` anywhere is refused at ``CreateStack``,
    ``CreateChangeSet``, ``UpdateStack`` and ``ValidateTemplate`` with
    CloudFormation's ``ValidationError`` ``[/Resources/<Name>/Type/...] 'null' values are not
    allowed in templates`` (aws/aws-cdk#29164, aws/serverless-application-model#1618,
    aws-cloudformation/cfn-lint#38 quote it from AWS). moto took such a template and dropped
    each null property, so a state machine ``Definition`` with ``"ResultPath": null`` deployed
    here and would not on AWS. (This fix used to go the other way: it kept the nulls.) What
    resolves to nothing (``AWS::NoValue``, e.g. a role's policy turned off by a condition) is
    left out of lists too, as CloudFormation does; moto left a ``None`` element there.
    Direction: toward AWS (refuses what AWS refuses).
18. ``States.ALL`` catches or retries everything but ``States.Runtime`` and
    ``States.DataLimitExceeded``, which end the execution on AWS; moto let ``States.ALL``
    catch them, which hid mistakes a deployment would show.
    Direction: toward AWS (refuses): "Handling errors in Step Functions workflows": ``States.ALL``
    matches neither ``States.Runtime`` nor ``States.DataLimitExceeded``.
19. A mocked ``Throw`` on an optimized DynamoDB task keeps the error and cause the test case
    names; moto renamed every such failure ``DynamoDB.AmazonDynamoDBException`` with an empty
    cause, so a Catch on ``DynamoDB.ConditionalCheckFailedException`` could not be tested.
    Direction: harness. Step Functions Local's contract: a mocked ``Throw`` fails the task with
    its ``Error`` and ``Cause`` ("Testing with mocked service integrations").
20. A blob parameter of an ``aws-sdk`` task (Rekognition's ``Image.Bytes``, Textract's
    ``Document.Bytes``) is base64 text in ASL, as in the JSON the AWS SDKs send. moto handed the
    text to boto3, which encoded it once more, so the service received base64 of base64. The
    text is decoded into the bytes boto3 expects.
    Direction: toward AWS (accepts): a blob parameter of an SDK integration is base64 text in the
    state's JSON, and the service receives the bytes it encodes.
21. ``Invoke`` of a Lambda function (from a ``lambda:invoke`` task or a client) made moto run
    it in Docker (none here); it runs the function's real handler code in this process through
    ``scripts/local_runtime.py``, with Lambda's answer to an exception (``FunctionError``
    ``Unhandled``, a payload with ``errorType`` and ``errorMessage``), so Step Functions names
    the error after the exception's class. ``Event`` invocations run in a thread.
    Direction: toward AWS: Lambda runs the function and reports an exception with
    ``FunctionError`` and ``errorType`` (Lambda API reference, Invoke); Step Functions names the
    task's error after ``errorType`` ("Handling errors in Step Functions workflows").
22. An action moto does not implement (Textract ``AnalyzeID``, for one) answered with an HTML
    page and HTTP 500 and no request id, so a task calling it ended the execution with
    ``States.Runtime`` (``KeyError('RequestId')``), which no Catch matches. It answers as a
    failing AWS service does, ``InternalFailure`` with HTTP 500 in the service's protocol (AWS
    API references, "Common Errors"), with a message naming the action: the task fails with a
    catchable error and the workflow records the reason.
    Direction: toward AWS: a service error, as AWS reports a failure of a service, where the
    engine had none.
23. S3 event notifications carried no ``sequencer``, so two PUTs of the same bytes gave the
    same event and the starter took the second for a repeat of the first. Each PUT or DELETE
    now carries its own hexadecimal sequencer, greater than every earlier one (S3 User Guide,
    "Event message structure").
    Direction: toward AWS: the field S3 sends.
24. Step Functions sent no events, and moto's EventBridge could not target a state machine.
    A Standard execution that ends ``FAILED``, ``TIMED_OUT`` or ``ABORTED`` puts AWS's "Step
    Functions Execution Status Change" event (source ``aws.states``; ``detail`` as
    DescribeExecution answers, dates in epoch milliseconds; Step Functions Developer Guide,
    "EventBridge (CloudWatch Events) for Step Functions execution status changes") on its
    account's default event bus; Express executions send none, as on AWS. A rule's state
    machine target starts an execution with the event (or the target's ``Input``,
    ``InputPath`` or ``InputTransformer``) as its input. ``RUNNING`` and ``SUCCEEDED`` events
    are not sent.
    Direction: toward AWS: events and a target AWS has.
25. ``StartExecution`` of an Express state machine runs again under a name already used, each
    run with an ARN of its own (``...:express:<machine>:<name>:<id>``); moto deduplicated the
    name as for Standard. Follows the StartExecution API reference ("isn't idempotent for
    EXPRESS workflows") and the developer guide's "Execution guarantees"; it lets a test see a
    duplicate start that Standard hid.
    Direction: toward AWS (accepts what AWS accepts).

JSONata is not evaluated by moto; the workflows use JSONPath, so it is left alone.
"""

from __future__ import annotations

import base64
import copy
import datetime
import functools
import json
import logging
import os
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import botocore.session
import moto

from contract import environment
from scripts import aws_error_names

MOTO_VERSION = "5.2.5"
MOCK_CONFIG_VARIABLE = environment.MOCK_CONFIG
RETRY_SCALE_VARIABLE = environment.RETRY_TIME_SCALE
SYNC_POLL_SECONDS = 0.01

_installed = False
_lock = threading.Lock()


def install() -> None:
    """Apply every fix once; safe to call again."""
    global _installed
    with _lock:
        if _installed:
            return
        if moto.__version__ != MOTO_VERSION:
            raise RuntimeError(f"scripts/moto_adapter.py is written for moto {MOTO_VERSION}, "
                               f"found {moto.__version__}: re-check every fix before upgrading")
        _run_mock_config_test_cases()
        _convert_step_functions_requests_and_responses()
        _name_sdk_errors_like_aws()
        _generate_missing_execution_names()
        _scale_retry_waits()
        _select_single_values_on_definite_paths()
        _poll_children_promptly()
        _keep_states_errors_from_branches()
        _list_moto_modules_once()
        _parse_each_definition_once()
        _reuse_paths_and_clients()
        _start_sync_executions()
        _compute_outputs_of_change_sets()
        _deploy_state_machines_that_run()
        _complete_cloudformation_resources()
        _poll_sqs_event_sources_locally()
        _refuse_json_nulls_in_templates()
        _leave_terminal_errors_uncaught()
        _keep_mocked_dynamodb_errors()
        _decode_blob_parameters()
        _invoke_functions_locally()
        _answer_unimplemented_actions_as_service_errors()
        _sequence_s3_events()
        _announce_execution_status_changes()
        _run_express_executions_under_any_name()
        _installed = True


def _replace_everywhere(module, name: str, replacement) -> None:
    """Set ``module.name``, and rebind it in the parser modules that imported it by name."""
    original = getattr(module, name)
    setattr(module, name, replacement)
    for module_name, loaded in list(sys.modules.items()):
        if module_name.startswith("moto.stepfunctions.parser") and \
                getattr(loaded, name, None) is original:
            setattr(loaded, name, replacement)


# --- 1. MockConfigFile test cases --------------------------------------------------------------

def load_mock_config(path: str | os.PathLike | None = None) -> dict | None:
    """The MockConfigFile named by ``path`` or ``$SFN_MOCK_CONFIG``, or None if neither is set."""
    path = path or os.environ.get(MOCK_CONFIG_VARIABLE)
    if not path:
        return None
    return _read_json(str(Path(path).resolve()), Path(path).stat().st_mtime)


@functools.lru_cache(maxsize=8)
def _read_json(path: str, mtime: float) -> dict:  # mtime: re-read when the file changes
    return json.loads(Path(path).read_text())


def mock_test_case(config: dict, state_machine: str, test_case: str):
    """Build moto's ``MockTestCase`` for one test case of a MockConfigFile ``config``."""
    from moto.stepfunctions.parser.mocking.mock_config import (
        MockedResponseReturn,
        MockedResponseThrow,
        MockTestCase,
        StateMockedResponses,
    )

    cases = config.get("StateMachines", {}).get(state_machine, {}).get("TestCases", {})
    if test_case not in cases:
        raise ValueError(f"the mock config has no test case {test_case!r} for state machine "
                         f"{state_machine!r}")
    states = []
    for state_name, response_name in cases[test_case].items():
        answers = config.get("MockedResponses", {}).get(response_name)
        if not answers:
            raise ValueError(f"mocked response {response_name!r} (state {state_name!r} of "
                             f"{state_machine}#{test_case}) is not defined")
        responses = []
        for attempts, answer in answers.items():
            first, _, last = attempts.partition("-")
            start, end = int(first), int(last or first)
            if "Return" in answer:
                responses.append(MockedResponseReturn(start, end, answer["Return"]))
            elif "Throw" in answer:
                responses.append(MockedResponseThrow(start, end, answer["Throw"]["Error"],
                                                     answer["Throw"].get("Cause", "")))
            else:
                raise ValueError(f"mocked response {response_name!r} attempt {attempts}: "
                                 "expected Return or Throw")
        states.append(StateMockedResponses(state_name, response_name, responses))
    return MockTestCase(state_machine, test_case, states)


def requested_test_case(state_machine_arn: str, name_of: Callable[[str], str]):
    """Split ``<arn>#<TestCase>`` into the ARN and the loaded test case (None without one)."""
    from moto.stepfunctions.exceptions import ValidationException

    arn, _, test_case = state_machine_arn.partition("#")
    if not test_case:
        return arn, None
    config = load_mock_config()
    if config is None:
        raise ValidationException(f"{state_machine_arn}: a test case needs a MockConfigFile; "
                                  f"set {MOCK_CONFIG_VARIABLE}")
    try:
        return arn, mock_test_case(config, name_of(arn), test_case)
    except ValueError as error:
        raise ValidationException(str(error)) from error


def _run_mock_config_test_cases() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk,
        state_task_service_sfn,
    )
    from moto.stepfunctions.parser.backend import execution
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    start_execution = StepFunctionsParserBackend.start_execution

    def start_execution_with_test_case(self, state_machine_arn, name=None, execution_input=None,
                                       trace_header=None):
        arn, case = requested_test_case(
            state_machine_arn, lambda base: self.describe_state_machine(base).name)
        _pending_test_case.value = case
        try:
            return start_execution(self, arn, name, execution_input, trace_header)
        finally:
            _pending_test_case.value = None

    StepFunctionsParserBackend.start_execution = start_execution_with_test_case

    # Execution.start() builds its worker; hand the test case over on the same thread.
    def with_test_case(build_worker):
        def worker_with_test_case(self):
            worker = build_worker(self)
            worker._mock_test_case = getattr(_pending_test_case, "value", None)
            return worker
        return worker_with_test_case

    for kind in (execution.Execution, execution.SyncExecution):
        kind._get_start_execution_worker = with_test_case(kind._get_start_execution_worker)

    # A mocked parent passes its test case on to the children it starts.
    for service in (state_task_service_sfn.StateTaskServiceSfn,
                    state_task_service_aws_sdk.StateTaskServiceAwsSdk):
        service._eval_service_task = _inherit_test_case(service._eval_service_task)


_pending_test_case = threading.local()


def _inherit_test_case(eval_service_task):
    def eval_with_inherited_test_case(self, env, resource_runtime_part, normalised_parameters,
                                      state_credentials):
        arn = normalised_parameters.get("stateMachineArn")
        case = env.mock_test_case
        if self._get_boto_service_name() == "stepfunctions" and arn and case and "#" not in arn:
            config = load_mock_config() or {}
            child = arn.rsplit(":", 1)[-1]
            if case.test_case_name in config.get("StateMachines", {}).get(child, {}).get(
                    "TestCases", {}):
                normalised_parameters = {**normalised_parameters,
                                         "stateMachineArn": f"{arn}#{case.test_case_name}"}
        return eval_service_task(self, env, resource_runtime_part, normalised_parameters,
                                 state_credentials)
    return eval_with_inherited_test_case


# --- 2. Step Functions parameters and responses ------------------------------------------------

@functools.lru_cache(maxsize=64)
def _operation_model(service: str, snake_case_action: str):
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


def _convert_step_functions_requests_and_responses() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk,
        state_task_service_sfn,
    )

    def to_boto_request(original):
        def normalise_parameters(self, parameters, boto_service_name=None,
                                 service_action_name=None):
            original(self, parameters, boto_service_name, service_action_name)
            service = self._get_boto_service_name(boto_service_name)
            if service == "stepfunctions":
                operation = _operation_model(service,
                                             self._get_boto_service_action(service_action_name))
                self._to_boto_request(parameters, operation.input_shape)
        return normalise_parameters

    def from_boto_response(original):
        def normalise_response(self, response, boto_service_name=None, service_action_name=None):
            original(self, response, boto_service_name, service_action_name)
            service = self._get_boto_service_name(boto_service_name)
            if service == "stepfunctions" and isinstance(response, dict):
                operation = _operation_model(service,
                                             self._get_boto_service_action(service_action_name))
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
    return aws_error_names.sdk_prefix(service)


def sdk_error_name(prefix: str, error: Exception) -> str:
    """``Rekognition.InternalServerErrorException`` for botocore's ``InternalServerError`` under
    the prefix ``Rekognition``. An error code the service's model does not define reaches the
    engine as a bare ``ClientError``, which moto names after the service (``S3.S3Exception``);
    no model lists such a name, so the lint refuses it in a Retry or Catch."""
    name = type(error).__name__
    if name == "ClientError":
        name = prefix
    return f"{prefix}.{aws_error_names.with_exception_suffix(name)}"


def _name_sdk_errors_like_aws() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk,
    )

    task = state_task_service_aws_sdk.StateTaskServiceAwsSdk
    if not hasattr(task, "_normalise_service_error_name") or \
            not hasattr(task, "_normalise_exception_name"):
        raise RuntimeError("moto's aws-sdk task changed: re-check the error name fix")
    task._normalise_service_error_name = staticmethod(sdk_error_prefix)
    task._normalise_exception_name = staticmethod(sdk_error_name)


# --- 4. executions started without a name -------------------------------------------------------

def _generate_missing_execution_names() -> None:
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    start_execution = StepFunctionsParserBackend.start_execution

    def start_execution_named(self, state_machine_arn, name=None, execution_input=None,
                              trace_header=None):
        return start_execution(self, state_machine_arn, name or str(uuid.uuid4()),
                               execution_input, trace_header)

    StepFunctionsParserBackend.start_execution = start_execution_named


# --- 5. retry waits ---------------------------------------------------------------------------

class _ScaledTime:
    """Stands in for the ``time`` module in moto's retrier: sleeps ``scale`` times as long."""

    def __init__(self, scale: float):
        self.scale = scale

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * self.scale)

    def __getattr__(self, name: str):
        return getattr(time, name)


def _scale_retry_waits() -> None:
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    retrier_decl.time = _ScaledTime(float(os.environ.get(RETRY_SCALE_VARIABLE, "1")))


def set_retry_time_scale(scale: float) -> None:
    """Change the retry wait scale of an installed adapter (1 = real waits)."""
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    retrier_decl.time.scale = scale


# --- 6. definite JSONPaths --------------------------------------------------------------------

# A path selects a list only through a wildcard, a slice, a filter, a union or recursive descent.
_INDEFINITE_PATH = re.compile(r"\[\s*\*\s*\]|\.\*|\.\.|\[\s*\?|\[[^\]]*[:,][^\]]*\]")


def is_definite(path: str) -> bool:
    return not _INDEFINITE_PATH.search(path)


def _select_single_values_on_definite_paths() -> None:
    from moto.stepfunctions.parser.asl.utils import json_path

    original = json_path.extract_json

    def extract_json(path: str, data: Any) -> Any:
        if not path.startswith("$"):  # a context object path ($$) or other: moto's own rules
            return original(path, data)
        matches = json_path.parse(path).find(data)
        if is_definite(path):
            if not matches:
                raise json_path.NoSuchJsonPathError(json_path=path, data=data)
            return matches[0].value
        return [match.value for match in matches]

    _replace_everywhere(json_path, "extract_json", extract_json)


# --- 7. polling of .sync children ---------------------------------------------------------------

def _poll_children_promptly() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_callback as callback,
    )

    if not hasattr(callback, "_DELAY_SECONDS_SYNC_CONDITION_CHECK"):
        raise RuntimeError("moto's .sync poll interval moved: re-check _poll_children_promptly")
    callback._DELAY_SECONDS_SYNC_CONDITION_CHECK = SYNC_POLL_SECONDS


# --- 8. States.* errors out of Parallel branches and Map iterations -----------------------------

def _keep_states_errors_from_branches() -> None:
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import (
        CustomErrorName,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import (
        StatesErrorName,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import (
        iteration_worker,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl
    from moto.stepfunctions.parser.asl.component.state.fail import state_fail

    def error_name_of(error_name=None):
        """The error a branch ended with, whether a custom name or one of the States.* names."""
        if isinstance(error_name, str) and error_name.startswith("States."):
            try:
                return StatesErrorName.from_name(error_name)
            except Exception:  # a States.* name moto does not know: keep it as it is
                return ErrorName(error_name=error_name)
        return CustomErrorName(error_name=error_name)

    for module in (branches_decl, iteration_worker, state_fail):
        if module.CustomErrorName is not CustomErrorName:
            raise RuntimeError(f"{module.__name__} changed: re-check the States.* error fix")
        module.CustomErrorName = error_name_of


# --- 9. request routing -----------------------------------------------------------------------

def _list_moto_modules_once() -> None:
    from moto import backends

    backends.list_of_moto_modules = functools.cache(
        lambda listed=backends.list_of_moto_modules: tuple(listed()))


# --- 10. parsing ------------------------------------------------------------------------------

def _parse_each_definition_once() -> None:
    from moto.stepfunctions.parser.asl.parse import asl_parser

    parser = asl_parser.AmazonStateLanguageParser
    parse = parser.parse

    @functools.lru_cache(maxsize=256)
    def syntax_tree(definition: str):
        return parse(definition)[1]  # raises ASLParserException on a bad definition

    def parse_with_cached_tree(definition: str):
        tree = syntax_tree(definition)
        return asl_parser.Preprocessor().visit(tree), tree

    parser.parse = staticmethod(parse_with_cached_tree)


# --- 11. compiled paths and clients -----------------------------------------------------------

def _reuse_paths_and_clients() -> None:
    import jsonpath_ng
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import boto_client, json_path

    json_path.parse = functools.lru_cache(maxsize=4096)(json_path.parse)
    if result_path.parse is not jsonpath_ng.parse:
        raise RuntimeError("moto's ResultPath parsing changed: re-check _reuse_paths_and_clients")
    result_path.parse = functools.lru_cache(maxsize=4096)(jsonpath_ng.parse)

    create_client = boto_client.boto_client_for
    clients: dict[tuple, Any] = {}

    def create_client_without_host_prefix(*args):
        client = create_client(*args)
        client.meta.config.inject_host_prefix = False  # see fix 12
        return client

    def reused_client(region: str, service: str, state_credentials: Any = None):
        if state_credentials is not None:  # credentials of the state: a client of its own
            return create_client_without_host_prefix(region, service, state_credentials)
        from moto.core.models import botocore_stubber
        from moto.settings import moto_server_port

        key = (region, service, moto_server_port(), botocore_stubber.enabled)
        with _lock:
            if key not in clients:
                clients[key] = create_client_without_host_prefix(region, service)
            return clients[key]

    _replace_everywhere(boto_client, "boto_client_for", reused_client)


# --- 12. StartSyncExecution -------------------------------------------------------------------

def _start_sync_executions() -> None:
    from moto.core.responses import ActionResult
    from moto.stepfunctions.exceptions import ValidationException
    from moto.stepfunctions.parser.backend.execution import SyncExecution
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.responses import StepFunctionResponse

    def start_sync_execution(self, state_machine_arn, name=None, execution_input=None,
                             trace_header=None):
        arn, case = requested_test_case(
            state_machine_arn, lambda base: self.describe_state_machine(base).name)
        state_machine = self.describe_state_machine(arn)
        if state_machine.type != "EXPRESS":
            raise ValidationException("StartSyncExecution only runs EXPRESS state machines")
        execution_input = execution_input or "{}"
        try:
            json.loads(execution_input)
        except ValueError as error:
            raise ValidationException(f"Invalid execution input: {error}") from error
        name = name or str(uuid.uuid4())
        execution = SyncExecution(
            name=name, sm_type=state_machine.type, role_arn=state_machine.roleArn,
            exec_arn=express_execution_arn(self, state_machine, name),
            account_id=self.account_id, region_name=self.region_name,
            state_machine=state_machine, start_date=datetime.datetime.now(datetime.UTC),
            cloud_watch_logging_session=None, input_data=execution_input, trace_header=trace_header,
            activity_store={})
        _pending_test_case.value = case
        try:
            execution.start()  # a sync worker runs the whole execution on this thread
        finally:
            _pending_test_case.value = None
        return execution.to_start_sync_execution_output()

    def start_sync_execution_action(self):
        return ActionResult(self.stepfunction_backend.start_sync_execution(
            self._get_param("stateMachineArn"), self._get_param("name"),
            self._get_param("input", if_none="{}"), self._get_param("traceHeader")))

    StepFunctionsParserBackend.start_sync_execution = start_sync_execution
    StepFunctionResponse.start_sync_execution = start_sync_execution_action


# --- 13. CloudFormation change sets ---------------------------------------------------------------

def _compute_outputs_of_change_sets() -> None:
    from moto.cloudformation.models import CloudFormationBackend

    execute = CloudFormationBackend.execute_change_set

    def execute_and_compute_outputs(self, change_set_name, stack_name=None):
        execute(self, change_set_name, stack_name)
        change_set = self.change_sets.get(change_set_name) or next(
            c for c in self.change_sets.values() if c.change_set_name == change_set_name
            and stack_name in (None, c.stack_name, c.stack_id))
        stack = self.stacks[change_set.stack_id]
        stack._parse_template()
        if change_set.parameters:
            stack.parameters = change_set.parameters
        stack.output_map = stack._create_output_map()

    CloudFormationBackend.execute_change_set = execute_and_compute_outputs


# --- 14. state machines from CloudFormation ---------------------------------------------------

def cloudformation_definition(properties: dict) -> str:
    """The definition CloudFormation would create: ``DefinitionString`` or ``Definition`` (an
    object), with each ``${Key}`` of ``DefinitionSubstitutions`` filled in. Properties come
    here resolved: an ``Fn::If`` around the string is already the chosen branch."""
    if "Definition" in properties:
        text = json.dumps(properties["Definition"])
    else:
        text = properties.get("DefinitionString", "")
    for key, value in (properties.get("DefinitionSubstitutions") or {}).items():
        text = text.replace("${" + key + "}", str(value))
    return text


def _deploy_state_machines_that_run() -> None:
    from moto.stepfunctions.models import StateMachine
    from moto.stepfunctions.responses import get_backend
    from moto.stepfunctions.utils import cfn_to_api_tags

    def create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        properties = cloudformation_json["Properties"]
        backend = get_backend(account_id, region_name)
        return backend.create_state_machine(
            properties.get("StateMachineName", resource_name),
            cloudformation_definition(properties), properties.get("RoleArn", ""),
            tags=cfn_to_api_tags(properties.get("Tags", [])) or None,
            sm_type=properties.get("StateMachineType", "STANDARD"))

    def delete(cls, resource_name, cloudformation_json, account_id, region_name):
        get_backend(account_id, region_name).delete_state_machine(resource_name)

    def update(cls, original_resource, new_resource_name, cloudformation_json, account_id,
               region_name):
        properties = cloudformation_json.get("Properties", {})
        return get_backend(account_id, region_name).update_state_machine(
            original_resource.arn, definition=cloudformation_definition(properties),
            role_arn=properties.get("RoleArn"))

    StateMachine.create_from_cloudformation_json = classmethod(create)
    StateMachine.delete_from_cloudformation_json = classmethod(delete)
    StateMachine.update_from_cloudformation_json = classmethod(update)


# --- 15. CloudFormation resources ---------------------------------------------------------------

def s3_notification_from_cloudformation(configuration: dict) -> dict:
    """A bucket's CloudFormation ``NotificationConfiguration`` in moto's internal shape."""
    def rules(entry: dict) -> dict:
        found = entry.get("Filter", {}).get("S3Key", {}).get("Rules", [])
        return {"S3Key": {"FilterRule": [{"Name": r["Name"], "Value": r["Value"]}
                                         for r in found]}} if found else {}

    converted: dict[str, list] = {}
    for cloudformation_key, moto_key, target in (
            ("QueueConfigurations", "QueueConfiguration", "Queue"),
            ("TopicConfigurations", "TopicConfiguration", "Topic"),
            ("LambdaConfigurations", "CloudFunctionConfiguration", "Function")):
        entries = configuration.get(cloudformation_key) or []
        if entries:
            converted[moto_key] = [
                {"Queue" if target == "Queue" else
                 "Topic" if target == "Topic" else "CloudFunction": entry[target],
                 "Event": [entry["Event"]], **({"Filter": rules(entry)} if rules(entry) else {})}
                for entry in entries]
    return converted


def _complete_cloudformation_resources() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
    from moto.core.common_models import CloudFormationModel
    from moto.s3.models import FakeBucket, s3_backends
    from moto.sqs.models import sqs_backends

    class RekognitionCollection(CloudFormationModel):
        def __init__(self, collection_id: str, arn: str):
            self.collection_id, self.arn = collection_id, arn

        @staticmethod
        def cloudformation_name_type() -> str:
            return "CollectionId"

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::Rekognition::Collection"

        @classmethod
        def has_cfn_attr(cls, attr: str) -> bool:
            return attr == "Arn"

        def get_cfn_attribute(self, attribute_name: str) -> str:
            if attribute_name == "Arn":
                return self.arn
            raise UnformattedGetAttTemplateException()

        @property
        def physical_resource_id(self) -> str:
            return self.collection_id

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                            region_name, **kwargs):
            from local_rekognition.responses import service_for

            collection_id = cloudformation_json["Properties"].get("CollectionId", resource_name)
            created = service_for(account_id, region_name).create_collection(
                {"CollectionId": collection_id})
            return cls(collection_id, created["CollectionArn"])

        @classmethod
        def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                            region_name):
            from local_rekognition.responses import service_for

            service_for(account_id, region_name).delete_collection({"CollectionId": resource_name})

    class QueuePolicy(CloudFormationModel):
        def __init__(self, queue_urls: list[str], account_id: str, region_name: str):
            self.queue_urls, self.account_id, self.region_name = queue_urls, account_id, region_name
            self.policy_id = f"queue-policy-{uuid.uuid4().hex[:12]}"

        @staticmethod
        def cloudformation_name_type() -> str:
            return ""

        @staticmethod
        def cloudformation_type() -> str:
            return "AWS::SQS::QueuePolicy"

        @property
        def physical_resource_id(self) -> str:
            return self.policy_id

        def apply(self, policy: str) -> None:
            backend = sqs_backends[self.account_id][self.region_name]
            for url in self.queue_urls:
                backend.set_queue_attributes(url.rsplit("/", 1)[-1], {"Policy": policy})

        @classmethod
        def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id,
                                            region_name, **kwargs):
            properties = cloudformation_json["Properties"]
            made = cls(properties["Queues"], account_id, region_name)
            made.apply(json.dumps(properties["PolicyDocument"]))
            return made

    create_bucket = FakeBucket.create_from_cloudformation_json.__func__

    def create_bucket_with_notifications(cls, resource_name, cloudformation_json, account_id,
                                         region_name, **kwargs):
        bucket = create_bucket(cls, resource_name, cloudformation_json, account_id, region_name,
                               **kwargs)
        configuration = cloudformation_json.get("Properties", {}).get(
            "NotificationConfiguration")
        if configuration:
            s3_backends[account_id][bucket.partition].put_bucket_notification_configuration(
                bucket.name, s3_notification_from_cloudformation(configuration))
        return bucket

    FakeBucket.create_from_cloudformation_json = classmethod(create_bucket_with_notifications)
    # CloudFormationModel.__subclasses__() holds its subclasses weakly: keep these alive.
    _complete_cloudformation_resources.models = (RekognitionCollection, QueuePolicy)
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()


# --- 16. SQS event sources ------------------------------------------------------------------------

def local_function(function):
    """What ``scripts/local_runtime.py`` needs of one of moto's Lambda functions."""
    from scripts import local_runtime

    return local_runtime.Function(
        name=function.function_name, arn=function.function_arn, handler=function.handler,
        code_zip=function.code_bytes, environment=dict(function.environment_vars or {}),
        timeout=int(function.timeout or 3))


def engine_url() -> str:
    from moto.settings import moto_server_port

    return f"http://127.0.0.1:{moto_server_port()}"


def _poll_sqs_event_sources_locally() -> None:
    from moto.awslambda.models import LambdaBackend
    from moto.sqs.models import sqs_backends

    from scripts import local_runtime

    create_mapping = LambdaBackend.create_event_source_mapping

    def create_mapping_polled_here(self, spec):
        mapping = create_mapping(self, spec)
        for queue in sqs_backends[self.account_id][self.region_name].queues.values():
            if queue.queue_arn == mapping.event_source_arn:
                queue.lambda_event_source_mappings.pop(mapping.function_arn, None)
                local_runtime.attach(local_runtime.SqsEventSource(
                    local_function(self.get_function(mapping.function_arn)),
                    queue.queue_arn, mapping.batch_size,
                    "ReportBatchItemFailures" in (mapping.function_response_types or []),
                    endpoint_url=engine_url()))
        return mapping

    LambdaBackend.create_event_source_mapping = create_mapping_polled_here


# --- 17. JSON nulls in CloudFormation templates ---------------------------------------------------

NULL_REFUSED = "'null' values are not allowed in templates"


def _parse_template(template: str):
    """A template body as moto reads it: JSON, else YAML with the short-form functions."""
    try:
        return json.loads(template)
    except ValueError:
        import yaml
        from moto.cloudformation.utils import yaml_tag_constructor

        yaml.add_multi_constructor("", yaml_tag_constructor)
        return yaml.load(template, Loader=yaml.Loader)


def aws_null_pointer(pointer: str) -> str:
    """Where CloudFormation says a null is: a resource's ``Properties`` are written ``Type``
    in its messages (``[/Resources/myInstance/Type/EbsOptimized]``, cfn-lint#38;
    ``[/Resources/X/Type/DefinitionString/Fn::Join/1/33]``, aws-cdk#29164), any other part
    as it is (``[/Resources/X/DependsOn/0]``, ``[/Outputs]``)."""
    parts = pointer.split("/")
    if len(parts) > 3 and parts[1] == "Resources" and parts[3] == "Properties":
        parts[3] = "Type"
    return "/".join(parts)


def null_in_template(template: str) -> str | None:
    """CloudFormation's refusal of ``template`` if it holds a JSON null, else None."""
    from scripts.lint_template import nulls

    if not isinstance(template, str) or not template.strip():
        return None
    try:
        document = _parse_template(template)
    except Exception:  # noqa: BLE001 - moto reports a template it cannot read on its own
        return None
    first = next(nulls(document), None)
    return None if first is None else f"[{aws_null_pointer(first) or '/'}] {NULL_REFUSED}"


def _refuse_json_nulls_in_templates() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.models import CloudFormationBackend

    def refusing_nulls(method, template_position: int):
        @functools.wraps(method)
        def checked(self, *args, **kwargs):
            template = kwargs.get("template", args[template_position]
                                  if len(args) > template_position else None)
            refusal = null_in_template(template)
            if refusal:
                raise ValidationError(message=refusal)
            return method(self, *args, **kwargs)
        return checked

    # (name, template_position): where each action takes its template body.
    for name, position in (("create_stack", 1), ("create_change_set", 2),
                           ("update_stack", 1), ("validate_template", 0)):
        setattr(CloudFormationBackend, name,
                refusing_nulls(getattr(CloudFormationBackend, name), position))

    clean = parsing.clean_json

    def clean_leaving_no_value_out_of_lists(resource_json, resources_map):
        if isinstance(resource_json, list):
            cleaned = (clean_leaving_no_value_out_of_lists(value, resources_map)
                       for value in resource_json)
            return [value for value in cleaned if value is not None]
        return clean(resource_json, resources_map)

    for module in [m for n, m in list(sys.modules.items()) if n.startswith("moto.")]:
        if getattr(module, "clean_json", None) is clean:
            module.clean_json = clean_leaving_no_value_out_of_lists


# --- 18. errors States.ALL does not match ---------------------------------------------------

UNCATCHABLE = ("States.Runtime", "States.DataLimitExceeded")


def _leave_terminal_errors_uncaught() -> None:
    from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import (
        ErrorEqualsDecl,
    )

    evaluate = ErrorEqualsDecl._eval_body
    wildcard = ErrorEqualsDecl._STATE_ALL_ERROR

    def evaluate_without_terminal_errors(self, env):
        error = env.stack[-1]
        if wildcard in self.error_names and getattr(error, "error_name", None) in UNCATCHABLE:
            env.stack.pop()
            env.stack.append(False)
            return
        evaluate(self, env)

    ErrorEqualsDecl._eval_body = evaluate_without_terminal_errors


# --- 19. mocked errors of DynamoDB tasks ------------------------------------------------------

def _keep_mocked_dynamodb_errors() -> None:
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_dynamodb as dynamodb_task,
    )

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


def _decode_blob_parameters() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_aws_sdk,
    )

    task_class = state_task_service_aws_sdk.StateTaskServiceAwsSdk
    normalise = task_class._normalise_parameters

    def normalise_and_decode(self, parameters, boto_service_name=None,
                             service_action_name=None):
        normalise(self, parameters, boto_service_name, service_action_name)
        service = self._get_boto_service_name(boto_service_name)
        operation = _operation_model(service, self._get_boto_service_action(service_action_name))
        decode_blobs(parameters, operation.input_shape)

    task_class._normalise_parameters = normalise_and_decode


# --- 21. Lambda Invoke ------------------------------------------------------------------------

def run_function(function, event: Any) -> tuple[bytes, bool]:
    """Run a function's handler once: (the payload Lambda would answer, whether it failed)."""
    from scripts import local_runtime

    try:
        result = local_runtime.invoke(local_function(function), event, engine_url())
    except Exception as error:  # the handler's exception, as Lambda reports it
        return json.dumps({"errorMessage": str(error), "errorType": type(error).__name__,
                           "stackTrace": []}).encode(), True
    return json.dumps(result).encode(), False


def _invoke_functions_locally() -> None:
    from moto.awslambda.models import LambdaFunction

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


# --- 22. actions the engine does not implement -----------------------------------------------

# A hint for the actions a newcomer meets with the default parameters.
UNIMPLEMENTED_HINTS = {
    "textract:analyzeID": "deploy with AnalyzeIdDocuments=false "
                          "(make deploy PARAMS=AnalyzeIdDocuments=false) to leave it out",
}


def unimplemented_action_message(service: str, operation: str) -> str:
    """What a caller is told of an action the engine cannot perform, named as in an ASL
    ``aws-sdk`` resource (``textract:analyzeID``)."""
    action = f"{service}:{operation[:1].lower()}{operation[1:]}"
    hint = UNIMPLEMENTED_HINTS.get(action)
    return (f"{action} is not implemented by the embedded engine (moto {MOTO_VERSION}), so it "
            "fails here as a service error" + (f"; {hint}" if hint else ""))


def _answer_unimplemented_actions_as_service_errors() -> None:
    from moto.core import errors
    from moto.core.exceptions import ServiceException
    from moto.core.responses import ActionResult, BaseResponse

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


# --- 23. S3 event sequencers ------------------------------------------------------------------

SEQUENCED_S3_EVENTS = ("ObjectCreated:", "ObjectRemoved:")  # "only used with PUTs and DELETEs"
_sequence = threading.local()
_last_sequencer = 0


def next_sequencer() -> str:
    """A hexadecimal sequencer greater than every one given before, also across restarts of
    the engine (it starts from the clock), in the shape of S3's (``0055AED6DCD90281E5``)."""
    global _last_sequencer
    with _lock:
        _last_sequencer = max(_last_sequencer + 1, time.time_ns())
        return f"{_last_sequencer:018X}"


def _sequence_s3_events() -> None:
    from moto.s3 import notifications

    send_event = notifications.send_event
    s3_event = notifications._get_s3_event

    def send_event_with_one_sequencer(account_id, event_name, bucket, key):
        # One request, one sequencer, whichever destinations its event goes to.
        _sequence.value = next_sequencer()
        try:
            send_event(account_id, event_name, bucket, key)
        finally:
            _sequence.value = None

    def s3_event_with_sequencer(event_name, bucket, key, notification_id):
        event = s3_event(event_name, bucket, key, notification_id)
        sequencer = getattr(_sequence, "value", None)
        for record in event["Records"]:
            if sequencer and record["eventName"].startswith(SEQUENCED_S3_EVENTS):
                record["s3"]["object"]["sequencer"] = sequencer
        return event

    notifications.send_event = send_event_with_one_sequencer
    notifications._get_s3_event = s3_event_with_sequencer


# --- 24. Step Functions execution status events -----------------------------------------------

EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"
ANNOUNCED_STATUSES = ("FAILED", "TIMED_OUT", "ABORTED")
_log = logging.getLogger(__name__)


def _epoch_millis(moment: datetime.datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def execution_status_event(execution) -> dict:
    """AWS's "Step Functions Execution Status Change" event for an ended execution: its
    ``detail`` holds what DescribeExecution answers, dates in epoch milliseconds."""
    from moto.core.utils import unix_time

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
    from moto.events.models import events_backends

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
    from jsonpath_ng.ext import parse
    from moto.events.utils import EventTemplateParser

    event = {**event, "time": datetime.datetime.fromtimestamp(
        float(event["time"]), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if "Input" in target:
        return target["Input"]
    if "InputPath" in target:
        found = parse(target["InputPath"]).find(event)
        return json.dumps(found[0].value if found else None)
    if "InputTransformer" in target:
        transformer = target["InputTransformer"]
        return json.dumps(EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}), event=event))
    return json.dumps({key: value for key, value in event.items() if key != "ingestion-time"})


def _announce_execution_status_changes() -> None:
    import copy

    from moto.events.models import Rule
    from moto.stepfunctions.parser.backend import execution as execution_module
    from moto.stepfunctions.responses import get_backend

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

# --- 25. Express executions under a name already used --------------------------------------------

def express_execution_arn(backend, state_machine, name: str) -> str:
    """An Express execution's ARN: the name and an id of its own, so every start is a run."""
    return (f"arn:{backend.partition}:states:{backend.region_name}:{backend.account_id}:"
            f"express:{state_machine.name}:{name}:{uuid.uuid4()}")


def _run_express_executions_under_any_name() -> None:
    """AWS: "StartExecution isn't idempotent for EXPRESS workflows" (Step Functions API
    reference, StartExecution), and "Starting multiple workflows with the same name results in
    concurrent executions" for asynchronous Express workflows (developer guide, "Execution
    guarantees"). moto answered a repeated name as it does for Standard: the running
    execution again, or ExecutionAlreadyExists once it had ended. Standard keeps moto's
    answer, which is AWS's."""
    from moto.stepfunctions.parser.api import InvalidExecutionInput
    from moto.stepfunctions.parser.backend.execution import Execution
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    start_execution = StepFunctionsParserBackend.start_execution

    def start_express_executions_anew(self, state_machine_arn, name=None, execution_input=None,
                                      trace_header=None):
        arn, case = requested_test_case(
            state_machine_arn, lambda base: self.describe_state_machine(base).name)
        state_machine = self.describe_state_machine(arn)
        if state_machine.type != "EXPRESS":
            return start_execution(self, state_machine_arn, name, execution_input, trace_header)
        execution_input = execution_input or "{}"
        try:
            json.loads(execution_input)
        except ValueError as error:
            raise InvalidExecutionInput(str(error)) from error
        name = name or str(uuid.uuid4())
        # The definition as it is now: a later update must not change a running execution.
        snapshot = copy.deepcopy(state_machine, {id(state_machine.executions): [],
                                                 id(state_machine.backend): state_machine.backend})
        execution = Execution(
            name=name, sm_type=state_machine.type, role_arn=state_machine.roleArn,
            exec_arn=express_execution_arn(self, state_machine, name),
            account_id=self.account_id, region_name=self.region_name, state_machine=snapshot,
            start_date=datetime.datetime.now(datetime.UTC), cloud_watch_logging_session=None,
            input_data=execution_input, trace_header=trace_header, activity_store={})
        state_machine.executions.append(execution)
        _pending_test_case.value = case
        try:
            execution.start()
        finally:
            _pending_test_case.value = None
        return execution

    StepFunctionsParserBackend.start_execution = start_express_executions_anew
