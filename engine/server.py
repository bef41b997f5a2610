"""The embedded engine: moto in server mode, state machines executing, on a loopback port.

    python -m engine.server                 # or `make local`; PORT=4566 by default

prints the endpoint URL as its first line, then the line to paste into another terminal so
that boto3, ``make deploy`` and ``ekyc`` talk to it (``export AWS_ENDPOINT_URL=...``), and
serves until interrupted. Tests start it on a free port through ``LocalEngine``.

Its state is whole: everything it holds (moto's resources and the face service's collections)
lives as long as the engine and starts empty with the next, so the same stack deploys again
after a restart.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys

import requests
from moto.server import ThreadedMotoServer

from contract import environment
from engine import adapter, lambda_runtime
from engine.foreground import wait_for_interrupt
from engine.rekognition import responses as face_service
from engine.textract import responses as id_service

HOST = "127.0.0.1"
# The face collections live in memory, as long as moto's resources do.
IN_MEMORY = ":memory:"
# What a client needs to talk to the engine: moto takes any credentials, but there must be some.
CLIENT_SETTINGS = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "local",
                   "AWS_SECRET_ACCESS_KEY": "local"}
ENGINE_CONFIG = {"stepfunctions": {"execute_state_machine": True}}


class LocalEngine:
    """moto's server on ``HOST:port`` (0: a free port) with the adapter's fixes applied, the
    local face service answering Rekognition's face actions and the local ``AnalyzeID``
    Textract's. ``faces_db``: an SQLite file for the face collections instead of memory (a
    benchmark's, a test's). moto keeps its resources in the process, not in the server: one
    engine per process, and ``stop`` forgets them."""

    def __init__(self, port: int = 0, faces_db: str | None = None):
        self.port = port
        self.faces_db = faces_db or IN_MEMORY
        self._server: ThreadedMotoServer | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> str:
        # The engine's own clients (state machine tasks, the SQS poller, the starter's code)
        # sign their requests; moto accepts any credentials, but there must be some.
        for name, value in CLIENT_SETTINGS.items():
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

    def exports(self) -> str:
        """The line a person pastes into another terminal to talk to this engine."""
        settings = {"AWS_ENDPOINT_URL": self.endpoint_url, **CLIENT_SETTINGS}
        return "export " + " ".join(f"{name}={value}" for name, value in settings.items())

    def reset(self) -> None:
        """Forget every resource (moto's reset) and face collection, keeping the engine's
        configuration."""
        requests.post(f"{self.endpoint_url}/moto-api/reset", timeout=10).raise_for_status()
        requests.post(f"{self.endpoint_url}/moto-api/config", json=ENGINE_CONFIG,
                      timeout=10).raise_for_status()
        face_service.uninstall()
        face_service.install(self.faces_db)

    def stop(self) -> None:
        lambda_runtime.stop_all()
        if self._server is not None:
            # moto keeps its resources in this process, not in the server: an engine started
            # after this one in the same process starts empty, as after `make local` again.
            with contextlib.suppress(requests.RequestException):
                requests.post(f"{self.endpoint_url}/moto-api/reset", timeout=10)
            self._server.stop()
            self._server = None
        face_service.uninstall()

    def __enter__(self) -> LocalEngine:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main() -> int:
    port = int(os.environ.get("PORT", "4566"))
    engine = LocalEngine(port)
    print(engine.start(), flush=True)
    print("Embedded engine (moto with executing state machines); its state lives until Ctrl-C "
          "stops it.\nIn another terminal, point boto3, make deploy and ekyc at it:\n"
          f"{engine.exports()}", flush=True)
    wait_for_interrupt()
    engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
