"""Items of attempts nobody completed expire (AbandonedRecordDays, templates/retention.py): the
starter sets ``expires_at`` while the user has no registered face, and every write that
registers a face removes it. DynamoDB deletes an item once that epoch second has passed,
typically within two days ("UpdateTimeToLive", DynamoDB API Reference); the engine's moto
deletes nothing, so the tests check the attribute, on the starter, the ASL, the template and
the engine."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from client.uploads import Client
from contract import environment, item
from harness.pictures import images
from lambdas import starter
from statemachines import asl, registry

from .conftest import EXTERNAL_ENGINE, stack_on_engine
from .test_starter import clients, s3_body, sqs_event  # noqa: F401 (clients: a fixture)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = json.loads((ROOT / "templates" / "ekyc.template.json").read_text())
NOW = 1_800_000_000
DAY = 24 * 3600


def claim_of(fakes) -> dict:
    return [call for method, call in fakes["dynamodb"].calls if method == "update_item"][0]


def expiry_set(claim: dict) -> int | None:
    if f"{item.EXPIRES_AT} = :x" not in claim["UpdateExpression"].split(" REMOVE ")[0]:
        return None
    return int(claim["ExpressionAttributeValues"][":x"]["N"])


@pytest.fixture
def days(monkeypatch):
    monkeypatch.setattr(time, "time", lambda: NOW)
    monkeypatch.setenv(environment.ABANDONED_RECORD_DAYS, "2")


def test_off_unless_the_stack_sets_days(clients):  # noqa: F811
    starter.handler(sqs_event(s3_body("id_document/alice.jpg")), None)
    assert expiry_set(claim_of(clients)) is None


def test_zero_days_is_off(clients, monkeypatch):  # noqa: F811
    monkeypatch.setenv(environment.ABANDONED_RECORD_DAYS, "0")
    starter.handler(sqs_event(s3_body("id_document/alice.jpg")), None)
    assert expiry_set(claim_of(clients)) is None


@pytest.mark.parametrize("key", ["id_document/alice.jpg", "selfie/alice.jpg"])
def test_a_user_without_a_face_expires_days_after_the_upload(clients, days, key):  # noqa: F811
    starter.handler(sqs_event(s3_body(key)), None)
    assert expiry_set(claim_of(clients)) == NOW + 2 * DAY


def test_a_registered_users_id_upload_does_not_expire_the_user(clients, days):  # noqa: F811
    clients["dynamodb"].responses["get_item"] = {"Item": {item.FACE_ID: {"S": "face"}}}
    starter.handler(sqs_event(s3_body("id_document/alice.jpg")), None)
    assert expiry_set(claim_of(clients)) is None


def test_a_new_selfie_takes_the_face_away_so_the_item_may_expire(clients, days):  # noqa: F811
    clients["dynamodb"].responses["get_item"] = {"Item": {item.FACE_ID: {"S": "face"}}}
    starter.handler(sqs_event(s3_body("selfie/alice.jpg")), None)
    assert expiry_set(claim_of(clients)) == NOW + 2 * DAY


def test_every_write_that_registers_a_face_removes_the_expiry():
    writes = 0
    for definition in registry.definitions():
        for name, state in asl.all_states(definition.build()).items():
            expression = state.get("Parameters", {}).get("UpdateExpression", "")
            assigned, _, removed = expression.partition(" REMOVE ")
            if f" {item.FACE_ID} = " in f" {assigned.removeprefix('SET')}":
                writes += 1
                assert item.EXPIRES_AT in removed.split(", "), (definition.filename, name)
    assert writes >= 3  # the selfie's record, the API's registration, the API's update


def test_the_template_turns_time_to_live_on_with_the_parameter():
    table = TEMPLATE["Resources"]["UsersTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {
        "AttributeName": item.EXPIRES_AT,
        "Enabled": {"Fn::If": ["ExpiresAbandonedRecords", True, False]}}
    assert TEMPLATE["Conditions"]["ExpiresAbandonedRecords"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AbandonedRecordDays"}, 0]}]}
    assert TEMPLATE["Parameters"]["AbandonedRecordDays"]["Default"] == "0"
    variables = TEMPLATE["Resources"]["StarterFunction"]["Properties"]["Environment"]["Variables"]
    assert variables[environment.ABANDONED_RECORD_DAYS] == {"Ref": "AbandonedRecordDays"}


@pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")
def test_on_the_engine_an_id_alone_expires_and_the_registration_keeps_the_user(
        endpoint_url, tmp_path):
    pictures = images()
    with stack_on_engine(endpoint_url, "ttl", AbandonedRecordDays="2") as (session, name, _):
        client = Client(session, name, out=lambda _: None)
        for kind, picture in ((item.ID_DOCUMENT, "id_card"), (item.SELFIE, "astronaut")):
            path = tmp_path / f"{picture}.jpg"
            path.write_bytes(pictures[picture])
            before = time.time()
            _, previous = client.upload(kind, "erin", path)
            found = client.wait(kind, "erin", previous, timeout=120)
            assert found[kind.status] == item.PASS
            if kind is item.ID_DOCUMENT:
                assert before + 2 * DAY - 5 <= int(found[item.EXPIRES_AT]) <= time.time() + 2 * DAY
        assert item.EXPIRES_AT not in found and item.FACE_ID in found
