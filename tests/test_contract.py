"""The contract is complete and the layers hold to it: every environment variable of ours is
listed with its meaning, the template's parameters are the settings, the placeholders follow
one rule, and nothing of ours is imported by the contract."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from contract import environment, item, placeholders, settings
from statemachines import registry

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((ROOT / "templates" / "ekyc.template.json").read_text())
# Our packages, wherever the layout puts them, and our Python sources (not the venvs').
OURS = {path.parent.name for path in ROOT.glob("*/__init__.py")}
SOURCES = [path for path in ROOT.rglob("*.py")
           if not any(part.startswith(".") for part in path.relative_to(ROOT).parts)]


def test_every_ekyc_variable_in_the_code_is_listed_with_its_meaning():
    documents = [ROOT / "Makefile", ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
    used = {name for path in [*SOURCES, *documents]
            for name in re.findall(r"\bEKYC_[A-Z0-9_]+", path.read_text())}
    assert len(used) >= 6
    assert sorted(used - set(environment.MEANINGS)) == []
    assert all(len(meaning) > 20 for meaning in environment.MEANINGS.values())


def test_the_starter_gets_each_of_its_variables_from_the_template():
    function = TEMPLATE["Resources"]["StarterFunction"]["Properties"]
    assert set(function["Environment"]["Variables"]) == {
        environment.TABLE_NAME, environment.COLLECTION_ID, environment.ABANDONED_RECORD_DAYS,
        *(upload.state_machine_variable for upload in item.UPLOADS)}
    assert set(function["Environment"]["Variables"]) <= set(environment.MEANINGS)


def test_the_template_parameters_are_the_settings_with_their_defaults_and_bounds():
    parameters = TEMPLATE["Parameters"]
    for threshold in settings.THRESHOLDS:
        parameter = parameters[threshold.parameter]
        assert (parameter["Default"], parameter["MinValue"], parameter["MaxValue"]) == (
            threshold.default, threshold.minimum, threshold.maximum)
        assert float(threshold.minimum) <= float(threshold.default) <= float(threshold.maximum)
    switch = parameters[settings.ANALYZE_ID.parameter]
    assert (switch["Default"], switch["AllowedValues"]) == ("true", ["true", "false"])


def test_every_setting_is_read_by_some_workflow_and_only_settings_are():
    read = set()
    for definition in registry.definitions():
        states = json.loads(definition.path.read_text())["States"]
        for state in states.values():
            if state.get("ResultPath") == "$.settings":
                read |= {key.removesuffix(".$") for key in state["Parameters"]}
    assert read - {"min_pose"} == set(settings.BY_KEY)


def test_a_placeholder_is_named_like_a_logical_id():
    assert placeholders.placeholder("TableName") == "${TableName}"
    with pytest.raises(ValueError, match="alphanumeric"):
        placeholders.placeholder("Table_Name")
    assert placeholders.placeholders("${A} ${Bad_Name} $A {B}") == {"A", "Bad_Name"}
    assert placeholders.state_machine_arn("identity_compare") == "IdentityCompareStateMachineArn"


def test_each_upload_names_its_attributes_after_its_short_name_and_verification():
    assert [(u.folder, u.event, u.status, u.reason) for u in item.UPLOADS] == [
        ("id_document", "id_event", "id_verify_status", "id_verify_reason"),
        ("selfie", "selfie_event", "identity_verify_status", "identity_verify_reason")]
    routes = TEMPLATE["Resources"]["UploadBucket"]["Properties"]["NotificationConfiguration"]
    prefixes = [c["Filter"]["S3Key"]["Rules"][0]["Value"] for c in routes["QueueConfigurations"]]
    assert prefixes == [upload.prefix for upload in item.UPLOADS]


def test_the_contract_imports_nothing_of_ours():
    for path in (ROOT / "contract").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module.split(".")[0] not in OURS or \
                    node.module.startswith("contract"), (path.name, node.module)
            if isinstance(node, ast.Import):
                assert all(alias.name.split(".")[0] not in OURS for alias in node.names)
