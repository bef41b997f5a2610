"""Serving in the foreground until a person presses Ctrl-C or a supervisor sends SIGTERM."""

from __future__ import annotations

import signal
import threading


def wait_for_interrupt() -> None:
    """Block until Ctrl-C (SIGINT) or SIGTERM, so the caller can stop what it serves cleanly."""
    stopped = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
