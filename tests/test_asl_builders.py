"""The ASL helpers and the validators that guard generated definitions."""

from __future__ import annotations

import json

import pytest

from generators import validate_asl
from statemachines import asl
from statemachines.common import reject, settings_state


def two_state_workflow(next_of_first: str) -> asl.Workflow:
    workflow = asl.Workflow("test")
    workflow.add("First step", asl.pass_state(next=next_of_first))
    workflow.add("Second step", asl.succeed())
    return workflow


def test_definition_starts_at_the_first_state_and_keeps_order():
    definition = two_state_workflow("Second step").definition()
    assert definition["StartAt"] == "First step"
    assert list(definition["States"]) == ["First step", "Second step"]


def test_dangling_transition_is_refused():
    with pytest.raises(ValueError, match="undefined state 'Nowhere'"):
        two_state_workflow("Nowhere").definition()


def test_unreachable_state_is_refused():
    workflow = two_state_workflow("Second step")
    workflow.add("Orphan step", asl.succeed())
    with pytest.raises(ValueError, match="unreachable states: \\['Orphan step'\\]"):
        workflow.definition()


def test_duplicate_state_name_is_refused():
    workflow = asl.Workflow("test")
    workflow.add("Same name", asl.succeed())
    with pytest.raises(ValueError, match="defined twice"):
        workflow.add("Same name", asl.succeed())


def test_task_renders_keys_in_reading_order_and_null_result_path():
    state = asl.task("arn:aws:states:::sns:publish", parameters={"A": 1}, result_path=None,
                     retry=asl.retry_on("X.Y"), catch=asl.catch_all("Handle it"), next="Then")
    assert list(state) == ["Type", "Resource", "Parameters", "ResultPath", "Retry", "Catch",
                           "Next"]
    assert state["ResultPath"] is None
    assert state["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                               "Next": "Handle it"}]


def test_numeric_condition_takes_a_value_or_a_path_not_both():
    assert asl.numeric("$.n", "LessThan", 3) == {"Variable": "$.n", "NumericLessThan": 3}
    assert asl.numeric("$.n", "LessThan", path="$.m") == {"Variable": "$.n",
                                                          "NumericLessThanPath": "$.m"}
    with pytest.raises(ValueError):
        asl.numeric("$.n", "LessThan", 3, path="$.m")


def test_thresholds_are_parsed_from_placeholders_with_a_negative_pose_limit():
    state = settings_state("max_pose", "compare_similarity", next="Go")
    assert state["Parameters"] == {
        "max_pose.$": "States.StringToJson('${MaxPoseDegrees}')",
        "min_pose.$": "States.StringToJson('-${MaxPoseDegrees}')",
        "compare_similarity.$": "States.StringToJson('${CompareSimilarityThreshold}')",
    }
    assert state["ResultPath"] == "$.settings"


def test_reject_needs_exactly_one_reason_form():
    with pytest.raises(ValueError):
        reject("a", reason_format="States.Format('b')", error="E", next="N")
    assert reject("no face", error="E", next="N")["Parameters"] == {
        "status": "fail", "error": "E", "reason": "no face"}


def test_validator_reports_statelint_and_engine_problems(tmp_path):
    broken = tmp_path / "broken.asl.json"
    broken.write_text(json.dumps({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "Missing"}}}))
    problems = validate_asl.problems(broken)
    assert any("Missing" in p for p in problems)
    assert validate_asl.main([str(broken)]) == 1


def test_validator_accepts_the_committed_definitions():
    assert validate_asl.main([]) == 0


def test_a_string_pattern_literal_escapes_the_wildcard_and_refuses_a_backslash():
    assert asl.string_pattern_literal("_id:") == "_id:"
    assert asl.string_pattern_literal("a*b") == "a\\*b"
    with pytest.raises(ValueError, match="backslash"):
        asl.string_pattern_literal("a\\b")


def test_a_map_runs_its_processor_inline_on_the_items():
    processor = asl.Workflow("each")
    processor.add("Keep it", asl.pass_state(next=None))
    state = asl.inline_map(processor.branch(), items_path="$.items", max_concurrency=1,
                          result_selector={"kept.$": "$[*]"}, result_path="$.kept", next="Done")
    assert list(state) == ["Type", "ItemsPath", "ItemProcessor", "MaxConcurrency",
                           "ResultSelector", "ResultPath", "Next"]
    assert state["ItemProcessor"] == {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Keep it",
                                      "States": {"Keep it": {"Type": "Pass", "End": True}}}
    assert asl.nested(state) == [state["ItemProcessor"]]
