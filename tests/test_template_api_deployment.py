"""The API's deployment is named after everything of the API, so that a change to a method,
mapping template, model or gateway response reaches the stage ("Updates to REST APIs that
require redeployment", API Gateway Developer Guide): CloudFormation replaces a resource whose
logical id changed, and leaves one whose properties did not change alone."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from templates import api, ekyc, uploads

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((ROOT / "templates" / "ekyc.template.json").read_text())
RESOURCES = TEMPLATE["Resources"]


def deployments(resources: dict) -> dict[str, dict]:
    return {title: r for title, r in resources.items()
            if r["Type"] == "AWS::ApiGateway::Deployment"}


def deployment_title(template: dict | None = None) -> str:
    (title,) = deployments((template or ekyc.build().to_dict())["Resources"])
    return title


def test_one_deployment_named_after_a_hash_of_the_whole_api():
    (title,) = deployments(RESOURCES)
    pieces = {t: r for t, r in RESOURCES.items()
              if t == "EkycApi" or r.get("Properties", {}).get("RestApiId") == {"Ref": "EkycApi"}}
    pieces = {t: r for t, r in pieces.items() if r["Type"] not in (
        "AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage")}
    assert {r["Type"] for r in pieces.values()} == {
        "AWS::ApiGateway::RestApi", "AWS::ApiGateway::RequestValidator",
        "AWS::ApiGateway::Model", "AWS::ApiGateway::Resource", "AWS::ApiGateway::Method",
        "AWS::ApiGateway::GatewayResponse"}
    digest = hashlib.sha256(json.dumps(pieces, sort_keys=True).encode()).hexdigest()
    assert re.fullmatch(r"ApiDeployment[0-9A-F]{12}", title)
    assert title == f"ApiDeployment{digest[:12].upper()}"


def test_the_deployment_waits_for_every_method_and_gateway_response():
    (deployment,) = deployments(RESOURCES).values()
    expected = {t for t, r in RESOURCES.items() if r["Type"] in (
        "AWS::ApiGateway::Method", "AWS::ApiGateway::GatewayResponse")}
    assert len(expected) == 6 + len(api.gateway_responses())
    assert set(deployment["DependsOn"]) == expected


def test_the_stage_serves_that_deployment():
    (title,) = deployments(RESOURCES)
    assert RESOURCES["ApiStage"]["Properties"]["DeploymentId"] == {"Ref": title}


def test_an_unchanged_api_keeps_its_deployment():
    assert deployment_title() == deployment_title() == deployment_title(TEMPLATE)


def changed_gateway_response(monkeypatch):
    responses = api.gateway_responses()
    status, body = responses["BAD_REQUEST_BODY"]
    responses["BAD_REQUEST_BODY"] = (status, body.replace("InvalidRequest", "BadRequest"))
    monkeypatch.setattr(api, "gateway_responses", lambda: responses)


def changed_model(monkeypatch):
    models = api.models()
    name, schema = models["/auth"]
    models["/auth"] = (name, {**schema, "title": "Changed"})
    monkeypatch.setattr(api, "models", lambda: models)


def changed_response_template(monkeypatch):
    template = api.response_template()
    monkeypatch.setattr(api, "response_template", lambda: template + "\n")


def changed_request_template(monkeypatch):
    original = api.request_template
    monkeypatch.setattr(api, "request_template", lambda arn: original(arn).replace(
        "$context.requestId", "$context.extendedRequestId"))


@pytest.mark.parametrize("change", [changed_gateway_response, changed_model,
                                    changed_response_template, changed_request_template])
def test_a_change_to_the_api_makes_a_new_deployment(monkeypatch, change):
    before = deployment_title()
    change(monkeypatch)
    after = ekyc.build().to_dict()
    assert deployment_title(after) != before
    assert after["Resources"]["ApiStage"]["Properties"]["DeploymentId"] == {
        "Ref": deployment_title(after)}


def test_a_change_outside_the_api_keeps_the_deployment(monkeypatch):
    before = deployment_title()
    monkeypatch.setattr(uploads, "QUEUE_RETENTION_SECONDS", uploads.QUEUE_RETENTION_SECONDS + 1)
    after = ekyc.build().to_dict()
    assert after["Resources"]["SelfieQueue"]["Properties"]["MessageRetentionPeriod"] == \
        uploads.QUEUE_RETENTION_SECONDS
    assert deployment_title(after) == before
