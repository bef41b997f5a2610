"""Work moto repeats that the engine does once. Neutral: speed only, no answer changes. The
list of moto's modules (9), the syntax tree of a definition (10), compiled JSONPaths and boto3
clients (11), the syntax tree of an intrinsic function (29), the text of a kept tree's nodes (30),
a queue's attributes within one GetQueueAttributes (31), a parsed UpdateExpression (32)."""

from __future__ import annotations

import functools
import threading
from typing import Any

import jsonpath_ng
from antlr4.ParserRuleContext import ParserRuleContext
from antlr4.RuleContext import RuleContext
from moto import backends
from moto.core.models import botocore_stubber
from moto.dynamodb.parsing.expressions import UpdateExpressionParser
from moto.settings import moto_server_port
from moto.sqs.exceptions import InvalidAttributeName
from moto.sqs.models import SQSBackend
from moto.stepfunctions.parser.asl.component.common.path import result_path
from moto.stepfunctions.parser.asl.parse import asl_parser
from moto.stepfunctions.parser.asl.parse.intrinsic import intrinsic_parser
from moto.stepfunctions.parser.asl.parse.intrinsic.preprocessor import (
    Preprocessor as IntrinsicPreprocessor,
)
from moto.stepfunctions.parser.asl.utils import boto_client, json_path

from engine.adapter.patching import replace_everywhere

_clients_lock = threading.Lock()
# Marks the nodes of a syntax tree that is kept (fixes 10 and 29): read-only from then on.
KEPT, TEXT = "_ekyc_kept", "_ekyc_text"
_kept_tree_steps: list = []  # what fix 30 does to each tree kept


def _keep(tree):
    for step in _kept_tree_steps:
        step(tree)
    return tree


# --- 9. request routing -----------------------------------------------------------------------

def list_moto_modules_once() -> None:
    backends.list_of_moto_modules = functools.cache(
        lambda listed=backends.list_of_moto_modules: tuple(listed()))


# --- 10. parsing ------------------------------------------------------------------------------

def parse_each_definition_once() -> None:
    parser = asl_parser.AmazonStateLanguageParser
    parse = parser.parse

    @functools.lru_cache(maxsize=256)
    def syntax_tree(definition: str):
        return _keep(parse(definition)[1])  # raises ASLParserException on a bad definition

    def parse_with_cached_tree(definition: str):
        tree = syntax_tree(definition)
        return asl_parser.Preprocessor().visit(tree), tree

    parser.parse = staticmethod(parse_with_cached_tree)


# --- 11. compiled paths and clients -----------------------------------------------------------

def reuse_paths_and_clients() -> None:
    json_path.parse = functools.lru_cache(maxsize=4096)(json_path.parse)
    if result_path.parse is not jsonpath_ng.parse:
        raise RuntimeError("moto's ResultPath parsing changed: re-check reuse_paths_and_clients")
    result_path.parse = functools.lru_cache(maxsize=4096)(jsonpath_ng.parse)

    create_client = boto_client.boto_client_for
    clients: dict[tuple, Any] = {}

    def create_client_without_host_prefix(*args):
        client = create_client(*args)
        client.meta.config.inject_host_prefix = False  # see fix 12
        return client

    def reused_client(region: str, service: str, state_credentials: Any = None):
        # moto's boto_client_for signs with the same fixed keys whatever a state's credentials
        # say, so one client per region and service serves every task (boto3's clients are
        # thread-safe); a new one per task call cost as much as the call itself.
        key = (region, service, moto_server_port(), botocore_stubber.enabled)
        with _clients_lock:
            if key not in clients:
                clients[key] = create_client_without_host_prefix(region, service)
            return clients[key]

    replace_everywhere(boto_client, "boto_client_for", reused_client)


# --- 29. intrinsic functions ----------------------------------------------------------------------

def parse_each_intrinsic_function_once() -> None:
    parser = intrinsic_parser.IntrinsicParser
    parse = parser.parse

    @functools.lru_cache(maxsize=4096)
    def syntax_tree(source: str):
        return _keep(parse(source)[1])

    def parse_with_cached_tree(source: str):
        tree = syntax_tree(source)
        return IntrinsicPreprocessor().visit(tree), tree

    parser.parse = staticmethod(parse_with_cached_tree)


# --- 30. text of kept syntax trees ----------------------------------------------------------------

def remember_the_text_of_kept_trees() -> None:
    text_of = RuleContext.getText

    def mark(tree) -> None:
        nodes = [tree]
        while nodes:
            node = nodes.pop()
            if isinstance(node, ParserRuleContext):
                setattr(node, KEPT, True)
                nodes.extend(node.children or ())

    def remembered_text(self) -> str:
        state = self.__dict__
        text = state.get(TEXT)
        if text is None:
            text = text_of(self)
            if state.get(KEPT):
                state[TEXT] = text
        return text

    _kept_tree_steps.append(mark)
    RuleContext.getText = remembered_text


# --- 31. queue attributes ---------------------------------------------------------------------

def read_queue_attributes_once_per_request() -> None:
    get_queue_attributes = SQSBackend.get_queue_attributes

    def named_attributes_read_once(self, queue_name: str, attribute_names: list[str]):
        if not attribute_names or "All" in attribute_names:
            return get_queue_attributes(self, queue_name, attribute_names)
        queue = self.get_queue(queue_name)
        valid = {*queue.BASE_ATTRIBUTES, *queue.FIFO_ATTRIBUTES, *queue.KMS_ATTRIBUTES}
        invalid = next((name for name in attribute_names if name not in valid), None)
        if invalid is not None:
            raise InvalidAttributeName(invalid)
        current = queue.attributes  # counts every message: computed once, not thrice per name
        return {name: current[name] for name in attribute_names
                if current.get(name) is not None}

    SQSBackend.get_queue_attributes = named_attributes_read_once


# --- 32. update expressions -------------------------------------------------------------------

def parse_each_update_expression_once() -> None:
    make = UpdateExpressionParser.make

    @functools.lru_cache(maxsize=1024)
    def syntax_tree(expression: str):
        return make(expression)  # raises on a bad expression: nothing kept

    # moto only reads the tree (its names and values) and validates a deep copy of it.
    UpdateExpressionParser.make = staticmethod(syntax_tree)
