"""Textract's JSON protocol for ``AnalyzeID``, served inside moto's server.

moto routes ``X-Amz-Target: Textract.<Action>`` to its Textract handler and calls the method
named after the action (``analyze_id``), which moto lacks; ``install()`` gives the handler that
method, backed by ``IdService``. So the state machines' ``aws-sdk:textract:analyzeID`` tasks
are answered at the engine's endpoint, with documents in S3 read from moto's own S3.
"""

from __future__ import annotations

import threading

from engine.service_protocol import json_action, read_from_moto_s3

from .models import IdService, PageCache

_lock = threading.Lock()
_state: dict = {}


def service_for(account: str) -> IdService:
    with _lock:
        if account not in _state["services"]:
            _state["services"][account] = IdService(read_from_moto_s3(account), _state["cache"])
        return _state["services"][account]


@json_action
def analyze_id(handler, request: dict) -> dict:
    return service_for(handler.current_account).analyze_id(request)


def install() -> PageCache:
    """Serve ``AnalyzeID`` from moto's server; the page cache it answers from."""
    from moto.textract.responses import TextractResponse

    with _lock:
        _state.setdefault("cache", PageCache())
        _state["services"] = {}
        TextractResponse.analyze_id = analyze_id
        return _state["cache"]
