"""Fixes to moto's S3 (``moto.s3``): each event notification carries a sequencer of its own
(23)."""

from __future__ import annotations

import threading
import time

from moto.s3 import notifications

# --- 23. S3 event sequencers ------------------------------------------------------------------

SEQUENCED_S3_EVENTS = ("ObjectCreated:", "ObjectRemoved:")  # "only used with PUTs and DELETEs"
_sequence = threading.local()
_last_sequencer = 0
_sequencer_lock = threading.Lock()


def next_sequencer() -> str:
    """A hexadecimal sequencer greater than every one given before, also across restarts of
    the engine (it starts from the clock), in the shape of S3's (``0055AED6DCD90281E5``)."""
    global _last_sequencer
    with _sequencer_lock:
        _last_sequencer = max(_last_sequencer + 1, time.time_ns())
        return f"{_last_sequencer:018X}"


def sequence_s3_events() -> None:
    send_event = notifications.send_event
    s3_event = notifications._get_s3_event

    def send_event_with_one_sequencer(account_id, event_name, bucket, key):
        # One request, one sequencer, whichever destinations its event goes to.
        _sequence.value = next_sequencer()
        try:
            send_event(account_id, event_name, bucket, key)
        finally:
            _sequence.value = None

    def s3_event_with_sequencer(event_name, bucket, key, notification_id):
        event = s3_event(event_name, bucket, key, notification_id)
        sequencer = getattr(_sequence, "value", None)
        for record in event["Records"]:
            if sequencer and record["eventName"].startswith(SEQUENCED_S3_EVENTS):
                record["s3"]["object"]["sequencer"] = sequencer
        return event

    notifications.send_event = send_event_with_one_sequencer
    notifications._get_s3_event = s3_event_with_sequencer
