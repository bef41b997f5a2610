"""Adapter fixes 9 to 11 (engine/adapter/speed.py): work moto repeated, done once."""

from __future__ import annotations

import json

import pytest
from moto import backends
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.utils import boto_client, json_path

from .conftest import EXTERNAL_ENGINE

pytestmark = [pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded engine's adapter"),
              pytest.mark.usefixtures("endpoint_url")]


# --- 9-11. work done once instead of per request or per execution --------------------------------

def test_request_routing_lists_moto_modules_once():
    first = backends.list_of_moto_modules()
    assert first is backends.list_of_moto_modules()
    assert "stepfunctions" in first and "dynamodb" in first


def test_a_definition_is_parsed_once_but_each_execution_gets_its_own_components():
    definition = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    first_program, first_tree = AmazonStateLanguageParser.parse(definition)
    second_program, second_tree = AmazonStateLanguageParser.parse(definition)
    assert first_tree is second_tree
    assert first_program is not second_program


def test_json_paths_are_compiled_once_and_clients_reused():
    assert json_path.parse("$.a.b") is json_path.parse("$.a.b")
    client = boto_client.boto_client_for("us-east-1", "dynamodb")
    assert client is boto_client.boto_client_for("us-east-1", "dynamodb")
    assert client is not boto_client.boto_client_for("eu-west-1", "dynamodb")
    # A task's credentials change nothing in the client moto makes: the same one serves.
    assert client is boto_client.boto_client_for("us-east-1", "dynamodb", object())
