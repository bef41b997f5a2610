"""Work moto repeats that the engine does once. Neutral: speed only, no answer changes. The
list of moto's modules (9), the syntax tree of a definition (10), compiled JSONPaths and boto3
clients (11)."""

from __future__ import annotations

import functools
import threading
from typing import Any

import jsonpath_ng
from moto import backends
from moto.core.models import botocore_stubber
from moto.settings import moto_server_port
from moto.stepfunctions.parser.asl.component.common.path import result_path
from moto.stepfunctions.parser.asl.parse import asl_parser
from moto.stepfunctions.parser.asl.utils import boto_client, json_path

from engine.adapter.patching import replace_everywhere

_clients_lock = threading.Lock()


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
        return parse(definition)[1]  # raises ASLParserException on a bad definition

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
