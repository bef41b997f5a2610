"""generators/lint_template.py: it fails on each defect planted in a copy of the template, and
passes the real one."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generators import lint_template
from templates import rules

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "templates" / "ekyc.template.json"
TEMPLATE = json.loads(TEMPLATE_PATH.read_text())


def lint(tmp_path: Path, template: dict, capsys) -> tuple[int, list[str]]:
    path = tmp_path / "planted.template.json"
    path.write_text(json.dumps(template, indent=2))
    code = lint_template.main([str(path)])
    lines = capsys.readouterr().out.splitlines()
    return code, lines[:-1]  # the last line is the count


def planted() -> dict:
    return copy.deepcopy(TEMPLATE)


def test_the_real_template_passes(capsys):
    assert lint_template.main([str(TEMPLATE_PATH)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "lint_template: 0 finding(s) in 1 template(s)"]


def test_make_lint_runs_it_on_the_generated_templates():
    lint_target = (ROOT / "Makefile").read_text().split("\nlint:")[1].split("\n\n")[0]
    assert "$(PY) -m generators.lint_template $(TEMPLATES)" in lint_target


def test_a_definition_object_with_result_path_null_fails(tmp_path, capsys):
    """The defect as it shipped: a state machine's Definition object, with ASL's nulls."""
    template = planted()
    properties = template["Resources"]["SafetyNetStateMachine"]["Properties"]
    properties["Definition"] = json.loads(properties.pop("DefinitionString"))
    discarded = [name for name, state in properties["Definition"]["States"].items()
                 if "ResultPath" in state and state["ResultPath"] is None]
    assert discarded
    code, findings = lint(tmp_path, template, capsys)
    assert code == 1
    assert findings == [
        f"{tmp_path / 'planted.template.json'}: null at /Resources/SafetyNetStateMachine/"
        f"Properties/Definition/States/{name}/ResultPath: CloudFormation refuses any null in a "
        "template" for name in discarded]


@pytest.mark.parametrize("where", [("Parameters", "WorkflowType", "Default"),
                                   ("Outputs", "ApiUrl", "Description"),
                                   ("Resources", "UsersTable", "DeletionPolicy")])
def test_a_null_anywhere_fails_and_names_its_place(tmp_path, capsys, where):
    template = planted()
    section, name, key = where
    template[section][name][key] = None
    code, findings = lint(tmp_path, template, capsys)
    assert code == 1
    (finding,) = findings
    assert f"null at /{section}/{name}/{key}:" in finding


def test_a_null_inside_a_list_is_found():
    assert list(rules.nulls({"a": [1, {"b": None}, None]})) == ["/a/1/b", "/a/2"]


def api_trust(template: dict) -> dict:
    return template["Resources"]["ApiRole"]["Properties"]["AssumeRolePolicyDocument"][
        "Statement"][0]


@pytest.mark.parametrize("condition,key", [
    ({"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}, "aws:SourceAccount"),
    ({"ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:aws:execute-api:*"}}}, "aws:SourceArn"),
    ({"StringEquals": {"AWS:SourceAccount": "123456789012"}}, "AWS:SourceAccount"),
])
def test_a_source_condition_on_the_api_role_fails(tmp_path, capsys, condition, key):
    template = planted()
    api_trust(template)["Condition"] = condition
    code, findings = lint(tmp_path, template, capsys)
    assert code == 1
    (finding,) = findings
    assert f"/Resources/ApiRole: trust policy for API Gateway requires {key}," in finding


def test_a_source_condition_in_a_conditional_trust_statement_fails(tmp_path, capsys):
    template = planted()
    document = template["Resources"]["ApiRole"]["Properties"]["AssumeRolePolicyDocument"]
    guarded = {**api_trust(template),
               "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}
    document["Statement"] = [{"Fn::If": ["IsExpress", guarded, {"Ref": "AWS::NoValue"}]}]
    code, findings = lint(tmp_path, template, capsys)
    assert code == 1 and len(findings) == 1


def test_the_source_condition_stays_allowed_for_services_that_send_it():
    trusts = [r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
              for r in TEMPLATE["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    guarded = [t for t in trusts if "aws:SourceAccount" in json.dumps(t.get("Condition"))]
    assert guarded, "the Step Functions roles keep their confused-deputy guard"
    assert not list(lint_template.source_conditions_on_api_gateway_roles(TEMPLATE))


def test_the_command_exits_1_with_one_line_per_finding(tmp_path):
    template = planted()
    api_trust(template)["Condition"] = {"StringEquals": {"aws:SourceAccount": "1"}}
    template["Resources"]["UsersTable"]["DeletionPolicy"] = None
    path = tmp_path / "planted.template.json"
    path.write_text(json.dumps(template))
    result = subprocess.run([sys.executable, "-m", "generators.lint_template", str(path)],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and lines[-1] == "lint_template: 2 finding(s) in 1 template(s)"
