"""Adapter fixes 9 to 11 and 29 to 32 (engine/adapter/speed.py): work moto repeated, done
once."""

from __future__ import annotations

import json

import boto3
import pytest
from antlr4.ParserRuleContext import ParserRuleContext
from antlr4.Token import CommonToken
from antlr4.tree.Tree import TerminalNodeImpl
from botocore.exceptions import ClientError
from moto import backends
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.parsing.expressions import UpdateExpressionParser
from moto.sqs.exceptions import InvalidAttributeName
from moto.sqs.models import sqs_backends
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
from moto.stepfunctions.parser.asl.parse.intrinsic.intrinsic_parser import IntrinsicParser
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


# --- 29-32. more work done once -----------------------------------------------------------------

def test_an_intrinsic_function_is_parsed_once_but_each_execution_gets_its_own_function():
    source = "States.Format('{} {}', $.a, $.b)"
    first_function, first_tree = IntrinsicParser.parse(source)
    second_function, second_tree = IntrinsicParser.parse(source)
    assert first_tree is second_tree
    assert first_function is not second_function
    assert IntrinsicParser.parse("States.StringToJson($.c)")[1] is not first_tree


def test_the_text_of_a_kept_tree_is_joined_once_and_is_the_same_text():
    definition = json.dumps({"StartAt": "A", "States": {"A": {
        "Type": "Pass", "Parameters": {"m.$": "States.Format('x{}', $.v)"}, "End": True}}})
    _, tree = AmazonStateLanguageParser.parse(definition)
    text = tree.getText()
    assert tree.getText() is text  # remembered, not joined anew
    assert text == tokens_below(tree)
    assert text.startswith('{"StartAt":"A"')


def tokens_below(node) -> str:
    """A node's text joined from its tokens, as ANTLR joins it."""
    if isinstance(node, TerminalNodeImpl):
        return node.getText()
    return "".join(tokens_below(child) for child in node.children or ())


def test_a_tree_being_parsed_is_not_remembered():
    context = ParserRuleContext()
    context.addTokenNode(CommonToken(type=1))
    context.children[0].symbol.text = "a"
    assert context.getText() == "a"
    context.addTokenNode(CommonToken(type=1))
    context.children[1].symbol.text = "b"
    assert context.getText() == "ab"


def test_queue_attributes_by_name_are_computed_once_and_answer_the_same(monkeypatch):
    backend = sqs_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    queue = backend.create_queue("speed-fix-31", VisibilityTimeout="45")
    try:
        backend.send_message("speed-fix-31", "one")
        names = ["VisibilityTimeout", "MessageRetentionPeriod", "ApproximateNumberOfMessages"]
        computed = []
        attributes = type(queue).attributes

        def counted(self):
            computed.append(1)
            return attributes.fget(self)

        monkeypatch.setattr(type(queue), "attributes", property(counted))
        answer = backend.get_queue_attributes("speed-fix-31", names)
        assert len(computed) == 1
        assert answer == {"VisibilityTimeout": 45, "MessageRetentionPeriod": 345600,
                          "ApproximateNumberOfMessages": 1}
        with pytest.raises(InvalidAttributeName):
            backend.get_queue_attributes("speed-fix-31", ["VisibilityTimeout", "Nonsense"])
    finally:
        backend.delete_queue("speed-fix-31")


def test_an_update_expression_is_parsed_once_and_each_update_works_on_its_own_copy(
        endpoint_url):
    expression = "SET #s = :s, hits = if_not_exists(hits, :zero) + :one"
    assert UpdateExpressionParser.make(expression) is UpdateExpressionParser.make(expression)
    dynamodb = boto3.client("dynamodb", endpoint_url=endpoint_url, region_name="us-east-1")
    dynamodb.create_table(TableName="speed-fix-32", BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}])
    try:
        for status in ("first", "second"):
            dynamodb.update_item(
                TableName="speed-fix-32", Key={"k": {"S": "one"}}, UpdateExpression=expression,
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":s": {"S": status}, ":zero": {"N": "0"},
                                           ":one": {"N": "1"}})
        item = dynamodb.get_item(TableName="speed-fix-32", Key={"k": {"S": "one"}})["Item"]
        assert item == {"k": {"S": "one"}, "status": {"S": "second"}, "hits": {"N": "2"}}
        with pytest.raises(ClientError, match="ValidationException"):
            dynamodb.update_item(TableName="speed-fix-32", Key={"k": {"S": "one"}},
                                 UpdateExpression="SET = :s",
                                 ExpressionAttributeValues={":s": {"S": "x"}})
    finally:
        dynamodb.delete_table(TableName="speed-fix-32")
