"""The embedded engine: moto in server mode, state machines executing, on a loopback port.

    python -m engine.server                 # or `make local`; PORT=4566 by default

prints the endpoint URL as its first line and serves until interrupted, so a person can point
the AWS CLI at it (``aws --endpoint-url http://127.0.0.1:4566 stepfunctions list-state-machines``)
and watch. Tests start it on a free port through ``LocalEngine``.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading

import requests
from moto.server import ThreadedMotoServer

from contract import environment
from engine import adapter, lambda_runtime
from engine.rekognition import responses as face_service
from engine.textract import responses as id_service

HOST = "127.0.0.1"
# Face collections of the embedded engine persist here unless EKYC_FACES_DB says otherwise.
DEFAULT_FACES_DB = ".ekyc/faces.sqlite"
ENGINE_CONFIG = {"stepfunctions": {"execute_state_machine": True}}


class LocalEngine:
    """moto's server on ``HOST:port`` (0: a free port) with the adapter's fixes applied, the
    local face service answering Rekognition's face actions and the local ``AnalyzeID``
    Textract's."""

    def __init__(self, port: int = 0, faces_db: str | None = None):
        self.port = port
        self.faces_db = faces_db or os.environ.get(environment.FACES_DB, DEFAULT_FACES_DB)
        self._server: ThreadedMotoServer | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> str:
        # The engine's own clients (state machine tasks, the SQS poller, the starter's code)
        # sign their requests; moto accepts any credentials, but there must be some.
        for name, value in (("AWS_ACCESS_KEY_ID", "local"), ("AWS_SECRET_ACCESS_KEY", "local"),
                            ("AWS_DEFAULT_REGION", "us-east-1")):
            os.environ.setdefault(name, value)
        adapter.install()
        face_service.install(self.faces_db)
        id_service.install()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
        if not os.environ.get(environment.ENGINE_LOG):
            # The interpreter logs every IsPresent miss and every Fail state as an ERROR with
            # its whole parse tree; executions report their own outcome through the APIs.
            logging.getLogger("moto.stepfunctions.parser").setLevel(logging.CRITICAL)
        self._server = ThreadedMotoServer(ip_address=HOST, port=self.port, verbose=False)
        self._server.start()
        self.port = self._server.get_host_and_port()[1]
        # moto's state machines send every service call to localhost:$MOTO_PORT, whatever port
        # the server listens on: point them at this one.
        os.environ["MOTO_PORT"] = str(self.port)
        requests.post(f"{self.endpoint_url}/moto-api/config", json=ENGINE_CONFIG,
                      timeout=10).raise_for_status()
        return self.endpoint_url

    def reset(self) -> None:
        """Forget every resource (moto's reset), keeping the engine's configuration."""
        requests.post(f"{self.endpoint_url}/moto-api/reset", timeout=10).raise_for_status()
        requests.post(f"{self.endpoint_url}/moto-api/config", json=ENGINE_CONFIG,
                      timeout=10).raise_for_status()

    def stop(self) -> None:
        lambda_runtime.stop_all()
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> LocalEngine:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main() -> int:
    port = int(os.environ.get("PORT", "4566"))
    engine = LocalEngine(port)
    print(engine.start(), flush=True)
    print("Embedded engine (moto with executing state machines). Ctrl-C stops it.", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
