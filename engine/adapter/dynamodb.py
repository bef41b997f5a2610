"""Fixes to moto's DynamoDB (``moto.dynamodb``): a conditional write checks its condition and
writes as one step (26)."""

from __future__ import annotations

import functools
import threading

from moto.dynamodb.models import DynamoDBBackend

# --- 26. conditional writes -------------------------------------------------------------------

# Every backend method that may check a condition and then change items.
WRITES = ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item")
_writes = threading.RLock()


def write_conditionally_as_one_step() -> None:
    def one_at_a_time(write):
        @functools.wraps(write)
        def serialised(*args, **kwargs):
            with _writes:
                return write(*args, **kwargs)
        return serialised

    for name in WRITES:
        setattr(DynamoDBBackend, name, one_at_a_time(getattr(DynamoDBBackend, name)))
