"""Fixes to how moto's Step Functions backend starts executions (``moto.stepfunctions.parser``'s
models and backend): MockConfigFile test cases (1), names generated when none is given (4),
StartSyncExecution (12), and Express executions under a name already used (25)."""

from __future__ import annotations

import copy
import datetime
import functools
import json
import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from moto.core.responses import ActionResult
from moto.stepfunctions.exceptions import ValidationException
from moto.stepfunctions.parser.api import InvalidExecutionInput
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk,
    state_task_service_sfn,
)
from moto.stepfunctions.parser.backend.execution import Execution, SyncExecution
from moto.stepfunctions.parser.mocking.mock_config import (
    MockedResponseReturn,
    MockedResponseThrow,
    MockTestCase,
    StateMockedResponses,
)
from moto.stepfunctions.parser.models import StepFunctionsParserBackend
from moto.stepfunctions.responses import StepFunctionResponse

from contract import environment

MOCK_CONFIG_VARIABLE = environment.MOCK_CONFIG


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


def run_mock_config_test_cases() -> None:
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

    for kind in (Execution, SyncExecution):
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


# --- 4. executions started without a name -------------------------------------------------------

def generate_missing_execution_names() -> None:
    start_execution = StepFunctionsParserBackend.start_execution

    def start_execution_named(self, state_machine_arn, name=None, execution_input=None,
                              trace_header=None):
        return start_execution(self, state_machine_arn, name or str(uuid.uuid4()),
                               execution_input, trace_header)

    StepFunctionsParserBackend.start_execution = start_execution_named


# --- 12. StartSyncExecution -------------------------------------------------------------------

def start_sync_executions() -> None:
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


# --- 25. Express executions under a name already used --------------------------------------------

def express_execution_arn(backend, state_machine, name: str) -> str:
    """An Express execution's ARN: the name and an id of its own, so every start is a run."""
    return (f"arn:{backend.partition}:states:{backend.region_name}:{backend.account_id}:"
            f"express:{state_machine.name}:{name}:{uuid.uuid4()}")


def run_express_executions_under_any_name() -> None:
    """AWS: "StartExecution isn't idempotent for EXPRESS workflows" (Step Functions API
    reference, StartExecution), and "Starting multiple workflows with the same name results in
    concurrent executions" for asynchronous Express workflows (developer guide, "Execution
    guarantees"). moto answered a repeated name as it does for Standard: the running
    execution again, or ExecutionAlreadyExists once it had ended. Standard keeps moto's
    answer, which is AWS's."""
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
