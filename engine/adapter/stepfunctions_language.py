"""Fixes to how moto's Step Functions interpreter evaluates the language
(``moto.stepfunctions.parser.asl``): retry waits (5), definite JSONPaths (6), ``States.*``
errors out of Parallel branches and Map iterations (8), the errors ``States.ALL`` does not
match (18), and the patterns of ``StringMatches`` (34)."""

from __future__ import annotations

import os
import re
import time
from typing import Any

from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import (
    CustomErrorName,
)
from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import (
    ErrorEqualsDecl,
)
from moto.stepfunctions.parser.asl.component.common.error_name.error_name import ErrorName
from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import (
    StatesErrorName,
)
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.state.choice.comparison.operator.implementations import (  # noqa: E501
    string_operators,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import (
    iteration_worker,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl
from moto.stepfunctions.parser.asl.component.state.fail import state_fail
from moto.stepfunctions.parser.asl.utils import json_path

from contract import environment
from engine.adapter.patching import replace_everywhere

RETRY_SCALE_VARIABLE = environment.RETRY_TIME_SCALE


# --- 5. retry waits ---------------------------------------------------------------------------

class _ScaledTime:
    """Stands in for the ``time`` module in moto's retrier: sleeps ``scale`` times as long."""

    def __init__(self, scale: float):
        self.scale = scale

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds * self.scale)

    def __getattr__(self, name: str):
        return getattr(time, name)


def scale_retry_waits() -> None:
    retrier_decl.time = _ScaledTime(float(os.environ.get(RETRY_SCALE_VARIABLE, "1")))


def set_retry_time_scale(scale: float) -> None:
    """Change the retry wait scale of an installed adapter (1 = real waits)."""
    retrier_decl.time.scale = scale


# --- 6. definite JSONPaths --------------------------------------------------------------------

# A path selects a list only through a wildcard, a slice, a filter, a union or recursive descent.
_INDEFINITE_PATH = re.compile(r"\[\s*\*\s*\]|\.\*|\.\.|\[\s*\?|\[[^\]]*[:,][^\]]*\]")


def is_definite(path: str) -> bool:
    return not _INDEFINITE_PATH.search(path)


def select_single_values_on_definite_paths() -> None:
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

    replace_everywhere(json_path, "extract_json", extract_json)


# --- 8. States.* errors out of Parallel branches and Map iterations -----------------------------

def keep_states_errors_from_branches() -> None:
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


# --- 18. errors States.ALL does not match ---------------------------------------------------

UNCATCHABLE = ("States.Runtime", "States.DataLimitExceeded")


def leave_terminal_errors_uncaught() -> None:
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


# --- 34. StringMatches patterns -----------------------------------------------------------------

def matches_pattern(value: str, pattern: str) -> bool:
    """``value`` against a StringMatches ``pattern`` as the Amazon States Language reads it:
    ``*`` matches any run of characters, a backslash makes the next character (an asterisk, a
    backslash) stand for itself, and no other character is special."""
    expression, escaped = [], False
    for character in pattern:
        if escaped or character not in "*\\":
            expression.append(re.escape(character))
            escaped = False
        elif character == "\\":
            escaped = True
        else:
            expression.append(".*")
    return re.fullmatch("".join(expression), value, flags=re.DOTALL) is not None


def match_strings_as_aws_does() -> None:
    operator = string_operators.StringMatches
    if not hasattr(operator, "_compare"):
        raise RuntimeError("moto's StringMatches changed: re-check fix 34")

    def compare(variable: Any, comparison_value: Any) -> bool:
        return isinstance(variable, str) and matches_pattern(variable, comparison_value)

    operator._compare = staticmethod(compare)
