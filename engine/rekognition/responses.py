"""Rekognition's JSON protocol for the face actions, served inside moto's server.

moto routes ``X-Amz-Target: RekognitionService.<Action>`` to its Rekognition handler and calls
the method named after the action; ``install()`` gives that handler one method per face action,
backed by ``FaceService``. So the face service answers at the very endpoint the state machines
call for ``aws-sdk:rekognition:*`` tasks, with images in S3 read from moto's own S3.

``EKYC_FACES_DELAY_MS`` adds that many milliseconds to every call that processes an image, as a
stand-in for Rekognition's own latency (``bench/latency.py`` uses it to compare designs).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from contract import environment
from engine.service_protocol import json_action, read_from_moto_s3

from .engine import FaceEngine
from .models import FaceService
from .store import FaceStore

_lock = threading.Lock()
_state: dict = {}
DELAY_VARIABLE = environment.FACES_DELAY_MS
# The actions that process an image, billed per image by Rekognition.
IMAGE_ACTIONS = {"detect_faces", "search_faces_by_image", "compare_faces", "index_faces"}


def face_engine() -> FaceEngine:
    """The engine that analyses the face service's images (``install`` makes it)."""
    with _lock:
        return _state["engine"]


def service_for(account: str, region: str) -> FaceService:
    with _lock:
        key = (account, region)
        if key not in _state["services"]:
            _state["services"][key] = FaceService(
                _state["store"], _state["engine"], read_from_moto_s3(account),
                account=account, region=region)
        return _state["services"][key]


def _handler(action: str):
    def answer(handler, request: dict) -> dict:
        try:
            return getattr(service_for(handler.current_account, handler.region), action)(request)
        finally:
            if action in IMAGE_ACTIONS:
                time.sleep(float(os.environ.get(DELAY_VARIABLE) or 0) / 1000)
    answer.__name__ = action
    return json_action(answer)


def uninstall() -> None:
    """Close the collections' store; the next ``install`` opens a new one (an in-memory store
    starts empty, as after a restart). The face models stay loaded."""
    with _lock:
        if "store" in _state:
            _state.pop("store").close()
        _state.pop("path", None)
        _state["services"] = {}


def install(store_path: str | Path) -> FaceStore:
    """Serve the face actions from moto's server, collections kept at ``store_path``."""
    from moto.rekognition.responses import RekognitionResponse

    with _lock:
        if _state.get("path") != str(store_path):
            if "store" in _state:
                _state["store"].close()
            _state.update(path=str(store_path), store=FaceStore(store_path), services={},
                          engine=_state.get("engine") or FaceEngine())
        for action in FaceService.ACTIONS:
            setattr(RekognitionResponse, action, _handler(action))
        return _state["store"]
