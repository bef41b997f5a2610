"""Small builders for Amazon States Language (JSONPath flavour).

The workflows in this package are written with these helpers so that each state reads like the
hand-written ASL it produces. Keys are emitted in the order a person writes them (Type, Resource,
Parameters, ..., Next), so the generated JSON stays pleasant to read and to paste into the console.
"""

from __future__ import annotations

from typing import Any

State = dict[str, Any]
Condition = dict[str, Any]


# Integration ARNs are written in the aws partition, which cfn-lint's ASL schema requires.
PARTITION = "aws"


def sdk(service: str, action: str) -> str:
    """ARN of an AWS SDK service integration, e.g. ``sdk("rekognition", "detectFaces")``."""
    return f"arn:{PARTITION}:states:::aws-sdk:{service}:{action}"


def optimized(integration: str) -> str:
    """Resource ARN of an optimized integration, e.g. ``optimized("dynamodb:updateItem")``."""
    return f"arn:{PARTITION}:states:::{integration}"


def _transition(state: State, next_state: str | None) -> State:
    if next_state is None:
        state["End"] = True
    else:
        state["Next"] = next_state
    return state


def task(
    resource: str,
    *,
    next: str | None,
    parameters: dict | None = None,
    result_selector: dict | None = None,
    result_path: str | None = "$",
    retry: list | None = None,
    catch: list | None = None,
    timeout_seconds: int | None = None,
    comment: str | None = None,
) -> State:
    """A Task state. ``result_path=None`` discards the result (ASL ``"ResultPath": null``)."""
    state: State = {"Type": "Task"}
    if comment:
        state["Comment"] = comment
    state["Resource"] = resource
    if parameters is not None:
        state["Parameters"] = parameters
    if result_selector is not None:
        state["ResultSelector"] = result_selector
    if result_path != "$":
        state["ResultPath"] = result_path
    if timeout_seconds is not None:
        state["TimeoutSeconds"] = timeout_seconds
    if retry:
        state["Retry"] = retry
    if catch:
        state["Catch"] = catch
    return _transition(state, next)


def pass_state(
    *,
    next: str | None,
    input_path: str | None = None,
    parameters: dict | None = None,
    result_path: str | None = "$",
    output_path: str | None = None,
    comment: str | None = None,
) -> State:
    state: State = {"Type": "Pass"}
    if comment:
        state["Comment"] = comment
    if input_path is not None:
        state["InputPath"] = input_path
    if parameters is not None:
        state["Parameters"] = parameters
    if result_path != "$":
        state["ResultPath"] = result_path
    if output_path is not None:
        state["OutputPath"] = output_path
    return _transition(state, next)


def parallel(branches: list[dict], *, next: str | None, result_selector: dict | None = None,
             result_path: str | None = "$", retry: list | None = None, catch: list | None = None,
             comment: str | None = None) -> State:
    """A Parallel state running ``branches`` (each from ``Workflow.branch()``) at once; its
    result is the list of the branches' outputs, in branch order."""
    state: State = {"Type": "Parallel"}
    if comment:
        state["Comment"] = comment
    state["Branches"] = branches
    if result_selector is not None:
        state["ResultSelector"] = result_selector
    if result_path != "$":
        state["ResultPath"] = result_path
    if retry:
        state["Retry"] = retry
    if catch:
        state["Catch"] = catch
    return _transition(state, next)


def choice(rules: list[tuple[Condition, str]], *, default: str,
           comment: str | None = None) -> State:
    """A Choice state: ``rules`` are (condition, next state) pairs tried in order."""
    state: State = {"Type": "Choice"}
    if comment:
        state["Comment"] = comment
    state["Choices"] = [{**condition, "Next": target} for condition, target in rules]
    state["Default"] = default
    return state


def fail_with(*, error: str | None = None, error_path: str | None = None,
              cause: str | None = None, cause_path: str | None = None) -> State:
    """A Fail state; the ``*_path`` forms read the error name or cause from the state's input."""
    state: State = {"Type": "Fail"}
    for key, value in (("Error", error), ("ErrorPath", error_path),
                       ("Cause", cause), ("CausePath", cause_path)):
        if value is not None:
            state[key] = value
    return state


def succeed(*, output_path: str | None = None) -> State:
    state: State = {"Type": "Succeed"}
    if output_path is not None:
        state["OutputPath"] = output_path
    return state


# --- Choice conditions ---------------------------------------------------------------------------

def is_present(variable: str, present: bool = True) -> Condition:
    return {"Variable": variable, "IsPresent": present}


def is_string(variable: str) -> Condition:
    """True when ``variable`` holds a string (false for null or absent)."""
    return {"Variable": variable, "IsString": True}


def string_equals(variable: str, value: str) -> Condition:
    return {"Variable": variable, "StringEquals": value}


def string_matches(variable: str, pattern: str) -> Condition:
    """``pattern`` may hold ``*`` wildcards (ASL's StringMatches)."""
    return {"Variable": variable, "StringMatches": pattern}


def string_equals_path(variable: str, path: str) -> Condition:
    return {"Variable": variable, "StringEqualsPath": path}


def boolean_equals(variable: str, value: bool) -> Condition:
    return {"Variable": variable, "BooleanEquals": value}


def numeric(variable: str, operator: str, value: float | int | None = None, *,
            path: str | None = None) -> Condition:
    """``numeric("$.n", "LessThan", 3)`` or ``numeric("$.n", "LessThan", path="$.limit")``."""
    if (value is None) == (path is None):
        raise ValueError("give exactly one of value or path")
    if path is not None:
        return {"Variable": variable, f"Numeric{operator}Path": path}
    return {"Variable": variable, f"Numeric{operator}": value}


def all_of(*conditions: Condition) -> Condition:
    return {"And": list(conditions)}


def any_of(*conditions: Condition) -> Condition:
    return {"Or": list(conditions)}


def not_(condition: Condition) -> Condition:
    return {"Not": condition}


# --- Error handling -----------------------------------------------------------------------------

def retry_on(*errors: str, max_attempts: int = 4, interval_seconds: int = 1,
             backoff_rate: float = 2.0, max_delay_seconds: int = 20) -> list[dict]:
    """Exponential backoff with full jitter for throttling and transient errors."""
    return [{
        "ErrorEquals": list(errors),
        "IntervalSeconds": interval_seconds,
        "BackoffRate": backoff_rate,
        "MaxAttempts": max_attempts,
        "MaxDelaySeconds": max_delay_seconds,
        "JitterStrategy": "FULL",
    }]


def catch(*errors: str, next: str, result_path: str = "$.error") -> dict:
    return {"ErrorEquals": list(errors), "ResultPath": result_path, "Next": next}


def catch_all(next: str, result_path: str = "$.error") -> list[dict]:
    return [catch("States.ALL", next=next, result_path=result_path)]


# --- DynamoDB attribute values ------------------------------------------------------------------

def ddb_string(path: str) -> dict:
    """A DynamoDB string attribute read from ``path`` (a JSONPath, context path or intrinsic)."""
    return {"S.$": path}


def ddb_number(path: str) -> dict:
    """A DynamoDB number attribute; DynamoDB wants numbers as strings, so format the value."""
    return {"N.$": f"States.Format('{{}}', {path})"}


# --- Numbers -------------------------------------------------------------------------------------

# Below this a number rounds to 0.0 at one decimal. Such a number must not reach
# rounded_to_tenths: its text form may carry an exponent (Python and Java print 0.000012 as
# 1.2e-05 and 1.2E-5), and "1.2e-05e1" is no JSON number.
ROUNDS_TO_ZERO = 0.05


def rounded_to_tenths(path: str) -> str:
    """An intrinsic giving the number at ``path`` (at least ``ROUNDS_TO_ZERO``) rounded to one
    decimal: 57.6106 -> 57.6. ASL has no rounding function, but States.MathAdd rounds a
    non-integer argument to the nearest integer ("Intrinsic functions for JSONPath states",
    Step Functions Developer Guide). So the number's text gets an exponent appended and is
    parsed back (States.StringToJson of "57.6106e1" is 576.106), rounded by adding 0 (576),
    and scaled back the same way ("576e-1" is 57.6): five nested intrinsics, within the ten the
    guide allows in one field."""
    scaled_up = f"States.StringToJson(States.Format('{{}}e1', {path}))"
    return f"States.StringToJson(States.Format('{{}}e-1', States.MathAdd({scaled_up}, 0)))"


# --- Whole workflows ----------------------------------------------------------------------------

class Workflow:
    """An ordered collection of named states that renders to an ASL definition.

    ``definition()`` refuses a dangling ``Next``/``Default``/``Catch`` target and states that
    cannot be reached from ``StartAt``, mistakes cfn-lint's ASL schema does not catch; ``add()``
    refuses an error name listed twice in a state's ``Retry`` or ``Catch``.
    """

    def __init__(self, comment: str):
        self.comment = comment
        self.states: dict[str, State] = {}

    def add(self, name: str, state: State) -> str:
        if name in self.states:
            raise ValueError(f"state {name!r} is defined twice")
        refuse_repeated_error_names(name, state)
        self.states[name] = state
        return name

    def definition(self) -> dict:
        return {"Comment": self.comment, **self.branch()}

    def branch(self) -> dict:
        """The states as one branch of a Parallel state (``StartAt`` and ``States``)."""
        if not self.states:
            raise ValueError("a workflow needs at least one state")
        start_at = next(iter(self.states))
        self._check_transitions(start_at)
        return {"StartAt": start_at, "States": dict(self.states)}

    def _check_transitions(self, start_at: str) -> None:
        reached: set[str] = set()
        pending = [start_at]
        while pending:
            name = pending.pop()
            if name in reached:
                continue
            if name not in self.states:
                raise ValueError(f"transition to undefined state {name!r}")
            reached.add(name)
            pending.extend(targets(self.states[name]))
        unreachable = [name for name in self.states if name not in reached]
        if unreachable:
            raise ValueError(f"unreachable states: {unreachable}")


def repeated_error_names(state: State) -> list[tuple[str, str]]:
    """(field, error) for each error name a state lists again in its ``Retry`` or its ``Catch``:
    the first retrier or catcher that names an error takes it, so a later one never fires."""
    repeated = []
    for field in ("Retry", "Catch"):
        seen: set[str] = set()
        for handler in state.get(field, []):
            for error in handler["ErrorEquals"]:
                if error in seen:
                    repeated.append((field, error))
                seen.add(error)
    return repeated


def refuse_repeated_error_names(name: str, state: State) -> None:
    for field, error in repeated_error_names(state):
        raise ValueError(f"state {name!r} lists {error} twice in its {field}: "
                         "the second never fires")


def all_states(definition: dict) -> dict[str, State]:
    """Every state of a definition by name, those inside Parallel branches included."""
    found: dict[str, State] = {}
    for name, state in definition["States"].items():
        found[name] = state
        for branch in state.get("Branches", []):
            found.update(all_states(branch))
    return found


def branch_of(definition: dict) -> dict[str, tuple[str, int]]:
    """For each state inside a Parallel branch: (the Parallel state, the branch's index)."""
    found: dict[str, tuple[str, int]] = {}
    for name, state in all_states(definition).items():
        for index, branch in enumerate(state.get("Branches", [])):
            for inner in all_states(branch):
                found[inner] = (name, index)
    return found


def targets(state: State) -> list[str]:
    """Every state name ``state`` can transition to."""
    found = [state["Next"]] if "Next" in state else []
    found += [rule["Next"] for rule in state.get("Choices", [])]
    if "Default" in state:
        found.append(state["Default"])
    found += [handler["Next"] for handler in state.get("Catch", [])]
    return found
