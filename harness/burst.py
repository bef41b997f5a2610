"""A burst of users: each uploads an ID document and a selfie at the same moment, through the
whole chain (S3 -> SQS -> starter -> workflows). ``tests/test_faults.py`` runs a small one and
checks where every upload ended; ``bench/burst.py`` (``make bench-burst``) times a large one.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from dataclasses import dataclass

from client.uploads import ID_DOCUMENT, SELFIE, Client


def with_comment(jpeg: bytes, comment: str) -> bytes:
    """The same JPEG with a comment segment (COM) after its start marker: other bytes, so
    another content hash, but the very same pixels."""
    if not jpeg.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG: it does not start with the SOI marker")
    text = comment.encode()
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + jpeg[2:]


@dataclass
class Burst:
    """Where each user's two uploads ended, and how long until the last did."""

    finals: dict[str, tuple[dict, dict]]  # userid -> (ID document item, selfie item)
    seconds: float


def run_burst(client: Client, s3, users: list[str], id_document: Callable[[str], bytes],
              selfie: Callable[[str], bytes], timeout: float = 600) -> Burst:
    """Upload every user's ID document and selfie (the pictures ``id_document(userid)`` and
    ``selfie(userid)``), one user after another without waiting, then wait for every item
    to reach its final statuses."""
    bucket = client.outputs["BucketName"]
    started = time.monotonic()
    for userid in users:
        s3.put_object(Bucket=bucket, Key=f"{ID_DOCUMENT.prefix}{userid}.jpg",
                      Body=id_document(userid))
        s3.put_object(Bucket=bucket, Key=f"{SELFIE.prefix}{userid}.jpg", Body=selfie(userid))
    deadline = started + timeout
    finals = {}
    for userid in users:
        finals[userid] = tuple(
            client.wait(kind, userid, None, timeout=max(deadline - time.monotonic(), 1))
            for kind in (ID_DOCUMENT, SELFIE))
    return Burst(finals, time.monotonic() - started)


def executions_named(sfn, state_machine_arn: str, marker: str) -> list[str]:
    """Names of the state machine's executions that contain ``marker``."""
    listed = sfn.get_paginator("list_executions").paginate(
        stateMachineArn=state_machine_arn).build_full_result()["executions"]
    return [execution["name"] for execution in listed if marker in execution["name"]]
