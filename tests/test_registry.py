"""Adding a workflow takes its own files and one registry entry, nothing else.

A tiny API workflow, ``POST /ping``, written here with its scenarios and added to
``statemachines.registry.WORKFLOWS`` alone, is synthesised (its ASL file, a state machine with
its role, log group and route in the template, its test cases in the mock config), passes the
ASL validation and the error-name lint, is drawn and put in the workshop guide, gets a client
command and cost rows, and its scenarios, run on the embedded engine, cover its every path.
"""

from __future__ import annotations

import json
import sys
import types
import uuid

import boto3
import pytest
from awacs import dynamodb

from client import cli
from contract import environment
from generators import lint_error_names, synth, validate_asl, workshop_guide
from generators.diagrams import cli as diagrams
from generators.output import write
from harness.path_coverage import coverages
from harness.scenario_runner import Deployment, covered_as
from statemachines import asl, registry
from statemachines.api_requests import Request
from statemachines.common import get_user
from statemachines.needs import on_table
from statemachines.scenarios import Scenario, all_scenarios, throws
from statemachines.scenarios import library as mock
from templates.rules import nulls

from .conftest import EXTERNAL_ENGINE

NAME, ROUTE = "ping", "/ping"
GET_USER = "Get user record"
KNOWN = "Is the user known?"
ANSWER_KNOWN = "Answer known"
ANSWER_UNKNOWN = "Answer unknown"
FAILED = "Lookup failed"


def build() -> dict:
    workflow = asl.Workflow("Test: is the user id in the table?")
    workflow.add(GET_USER, get_user(catch=asl.catch_all(FAILED), next=KNOWN))
    workflow.add(KNOWN, asl.choice([(asl.is_present("$.user.Item"), ANSWER_KNOWN)],
                                   default=ANSWER_UNKNOWN))
    workflow.add(ANSWER_KNOWN, asl.pass_state(parameters={"status": "Known"}, next=None))
    workflow.add(ANSWER_UNKNOWN, asl.pass_state(parameters={"status": "Unknown"}, next=None))
    workflow.add(FAILED, asl.fail_with(error="ServiceError", cause="the table did not answer"))
    return workflow.definition()


def scenario(name: str, path: tuple[str, ...], seed_item: dict | None = None,
             **outcome) -> Scenario:
    return Scenario(workflow=NAME, name=name, description=f"{path[-1]}.", userid="pat",
                    upload="selfie", request={"userid": "pat"}, seed_item=seed_item,
                    item=seed_item or {}, path=path, **{"mocks": {}, **outcome})


SCENARIOS = [
    scenario("PingKnown", (GET_USER, KNOWN, ANSWER_KNOWN), {"registered_via": "/register"},
             answer={"status": "Known"}),
    scenario("PingUnknown", (GET_USER, KNOWN, ANSWER_UNKNOWN), answer={"status": "Unknown"}),
    scenario("PingTableMissing", (GET_USER, FAILED), status="FAILED", error="ServiceError",
             mocks={GET_USER: throws("GetItemTableMissing", *mock.TABLE_MISSING)}),
]


@pytest.fixture
def ping(monkeypatch, tmp_path):
    """The tiny workflow's module, its scenarios module and its registry entry."""
    module = types.ModuleType("ping_workflow", "``POST /ping``: is the user id known?")
    module.NAME, module.TITLE, module.ROUTE, module.build = NAME, "Ping", ROUTE, build
    module.REQUEST = Request("PingRequest", "UserOnly", images=())
    scenarios = types.ModuleType("ping_scenarios")
    scenarios.SCENARIOS = SCENARIOS
    monkeypatch.setitem(sys.modules, scenarios.__name__, scenarios)
    entry = registry.Workflow(module, deployed_as=registry.EXPRESS,
                              needs=(on_table(dynamodb.GetItem),),
                              scenarios=scenarios.__name__, cost=((None, "PingKnown"),),
                              directory=tmp_path)
    monkeypatch.setattr(registry, "WORKFLOWS", [*registry.WORKFLOWS, entry])
    return entry


def test_an_entry_alone_is_synthesised_into_asl_template_and_mock_config(ping, tmp_path):
    files = synth.artifacts()
    assert json.loads(files[tmp_path / "ping.asl.json"]) == build()
    template = json.loads(files[synth.TEMPLATE_PATH])
    resources = template["Resources"]
    machine = resources["PingStateMachine"]["Properties"]
    assert machine["DefinitionString"] + "\n" == files[tmp_path / "ping.asl.json"]
    assert machine["StateMachineType"] == "EXPRESS"
    assert machine["DefinitionSubstitutions"] == {"TableName": {"Ref": "UsersTable"}}
    assert "PingStateMachineLogGroup" in resources
    (role_policy,) = resources["PingRole"]["Properties"]["Policies"]
    assert role_policy["PolicyName"] == "api-ping"
    assert role_policy["PolicyDocument"]["Statement"][0] == {
        "Action": ["dynamodb:GetItem"], "Effect": "Allow",
        "Resource": [{"Fn::GetAtt": ["UsersTable", "Arn"]}]}
    assert resources["PingMethod"]["Properties"]["RequestModels"] == {
        "application/json": {"Ref": "PingRequest"}}
    assert json.loads(resources["PingRequest"]["Properties"]["Schema"])["required"] == ["userid"]
    assert {"Ref": "PingStateMachine"} in \
        resources["ApiRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0][
            "Resource"]
    assert "PingStateMachineArn" in template["Outputs"]
    assert list(nulls(template)) == []
    cases = json.loads(files[synth.MOCK_CONFIG_PATH])["StateMachines"][NAME]["TestCases"]
    assert cases == {"PingKnown": {}, "PingUnknown": {},
                     "PingTableMissing": {GET_USER: "GetItemTableMissing"}}


def test_its_asl_passes_the_validation_and_the_error_name_lint(ping, tmp_path):
    files = synth.artifacts()
    path = tmp_path / "ping.asl.json"
    write({path: files[path]}, root=tmp_path)
    assert validate_asl.problems(path) == []
    assert lint_error_names.definition_findings(path.name, build()) == []
    config = json.loads(files[synth.MOCK_CONFIG_PATH])
    assert lint_error_names.mock_findings("mock_config.json", config,
                                          lint_error_names._mocked_definitions()) == []


def test_it_is_drawn_put_in_the_guide_and_given_a_command_and_cost_rows(ping, tmp_path):
    files = synth.artifacts()
    write({tmp_path / "ping.asl.json": files[tmp_path / "ping.asl.json"]}, root=tmp_path)
    drawn = diagrams.artifacts()
    assert drawn[tmp_path / "ping.mmd"].startswith("flowchart")
    assert "Answer unknown" in drawn[tmp_path / "ping.svg"]
    guide = workshop_guide.guide(template=json.loads(files[synth.TEMPLATE_PATH]))
    assert "## 11. Ping (`POST /ping`)" in guide and "the existing role of the deployed " \
        "stack, `PingRole`" in guide
    assert cli.api_commands()["ping"] is ping
    assert [(flow.label, flow.machine, flow.api_calls) for flow in registry.cost_flows()
            if flow.machine == NAME] == [("POST /ping", NAME, 1)]


@pytest.mark.skipif(EXTERNAL_ENGINE, reason="gives the embedded engine a mock config of its own")
def test_its_scenarios_run_on_the_engine_and_cover_every_path(ping, tmp_path, endpoint_url,
                                                              monkeypatch):
    files = synth.artifacts()
    config = tmp_path / "mock_config.json"
    write({tmp_path / "ping.asl.json": files[tmp_path / "ping.asl.json"],
                 config: files[synth.MOCK_CONFIG_PATH]}, root=tmp_path)
    monkeypatch.setenv(environment.MOCK_CONFIG, str(config))
    coverage = coverages(registry.definitions())
    assert not coverage[NAME].complete
    session = boto3.session.Session(region_name="us-east-1")
    deployment = Deployment(session, endpoint_url, prefix=f"ping-{uuid.uuid4().hex[:6]}")
    # Only the new workflow: state machines are named after their workflow alone, and moto hands
    # back an existing one of the same name, so redeploying the others here would leave the
    # session's deployment (if made after this test) running them against this test's table.
    deployment.machines = [machine for machine in deployment.machines if machine.workflow == NAME]
    deployment.create()
    ran = [each for each in all_scenarios() if each.workflow == NAME]
    assert ran == SCENARIOS
    for each in ran:
        run = deployment.run(each)
        assert (run.status, run.error, run.path) == (each.status, each.error, list(each.path))
        assert run.output == each.answer
        coverage[covered_as(each.workflow)].add(run.path)
    assert coverage[NAME].complete, coverage[NAME].summary()
