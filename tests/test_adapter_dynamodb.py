"""Adapter fix 26: of two conditional writes racing for one item, one wins and the other is
refused with ``ConditionalCheckFailedException``, as on DynamoDB. The starter's claim on an
upload (one delivery, one run) rests on it."""

from __future__ import annotations

import threading
import time
import uuid

import boto3
import pytest
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import table as dynamodb_tables

from .conftest import EXTERNAL_ENGINE

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="slows the embedded engine's DynamoDB")


@pytest.fixture
def table(endpoint_url):
    ddb = boto3.client("dynamodb", endpoint_url=endpoint_url, region_name="us-east-1")
    name = f"race-{uuid.uuid4().hex[:8]}"
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}])
    yield ddb, name
    ddb.delete_table(TableName=name)


@pytest.fixture
def slow_condition_checks(monkeypatch):
    """Each condition takes a while to check, so two writers arriving together both check
    before either writes, unless writes are made one at a time."""
    def slowed(parse):
        def slowly(*args, **kwargs):
            time.sleep(0.2)
            return parse(*args, **kwargs)
        return slowly

    # UpdateItem parses its condition in the backend, PutItem in the table.
    monkeypatch.setattr(dynamodb_models, "create_condition_expression_parser",
                        slowed(dynamodb_models.create_condition_expression_parser))
    monkeypatch.setattr(dynamodb_tables, "get_filter_expression",
                        slowed(dynamodb_tables.get_filter_expression))


def race(write, writers: int = 2) -> list[str]:
    """Start ``writers`` calls of ``write(n)`` at once; what each ended with."""
    outcomes: list[str] = []
    start = threading.Barrier(writers)

    def one(n: int) -> None:
        start.wait()
        try:
            write(n)
            outcomes.append("written")
        except Exception as error:  # the refused one
            outcomes.append(error.response["Error"]["Code"])

    threads = [threading.Thread(target=one, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_one_of_two_racing_claims_is_refused(table, slow_condition_checks):
    ddb, name = table
    outcomes = race(lambda n: ddb.update_item(
        TableName=name, Key={"k": {"S": "upload"}},
        UpdateExpression="SET claimed_by = :me",
        ConditionExpression="attribute_not_exists(claimed_by)",
        ExpressionAttributeValues={":me": {"S": f"writer-{n}"}}))
    assert outcomes == ["ConditionalCheckFailedException", "written"]


def test_one_of_two_racing_creations_is_refused(table, slow_condition_checks):
    ddb, name = table
    outcomes = race(lambda n: ddb.put_item(
        TableName=name, Item={"k": {"S": "user"}, "by": {"S": f"writer-{n}"}},
        ConditionExpression="attribute_not_exists(k)"))
    assert outcomes == ["ConditionalCheckFailedException", "written"]
