"""Textract's JSON protocol for ``AnalyzeID``, served inside moto's server.

moto routes ``X-Amz-Target: Textract.<Action>`` to its Textract handler and calls the method
named after the action (``analyze_id``), which moto lacks; ``install()`` gives the handler that
method, backed by ``IdService``. So the state machines' ``aws-sdk:textract:analyzeID`` tasks
are answered at the engine's endpoint, with documents in S3 read from moto's own S3.
"""

from __future__ import annotations

import json
import threading

from .models import IdService, PageCache, TextractError

_lock = threading.Lock()
_state: dict = {}


def read_from_moto_s3(account: str):
    def read(bucket: str, key: str, version: str | None) -> bytes:
        from moto.s3.exceptions import MissingBucket, MissingKey, MissingVersion
        from moto.s3.models import s3_backends

        try:
            found = s3_backends[account]["global"].get_object(bucket, key, version_id=version)
        except (MissingBucket, MissingKey, MissingVersion) as error:
            raise KeyError(f"s3://{bucket}/{key}") from error
        if found is None:
            raise KeyError(f"s3://{bucket}/{key}")
        return found.value
    return read


def service_for(account: str) -> IdService:
    with _lock:
        if account not in _state["services"]:
            _state["services"][account] = IdService(read_from_moto_s3(account), _state["cache"])
        return _state["services"][account]


def analyze_id(self) -> str:
    from moto.core.exceptions import JsonRESTError

    try:
        request = json.loads(self.body or "{}")
    except ValueError as error:
        raise JsonRESTError("SerializationException", str(error)) from error
    try:
        answer = service_for(self.current_account).analyze_id(request)
    except TextractError as error:
        raise JsonRESTError(error.code, error.message) from error
    return json.dumps(answer)


def install() -> PageCache:
    """Serve ``AnalyzeID`` from moto's server; the page cache it answers from."""
    from moto.textract.responses import TextractResponse

    with _lock:
        _state.setdefault("cache", PageCache())
        _state["services"] = {}
        TextractResponse.analyze_id = analyze_id
        return _state["cache"]
