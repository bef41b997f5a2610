"""Helpers for the scenarios of the API workflows: requests, images and expected answers."""

from __future__ import annotations

from typing import Any

from .. import api_common
from . import BUCKET, Mock, Scenario

# Any base64 text does for a mocked Rekognition; the end-to-end tests send real pictures.
INLINE_SELFIE = {"Bytes": "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA=="}
INLINE_ID_CARD = {"Bytes": "/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAoHBwgHBgoICAgLCgoLDg=="}


def s3_image(key: str) -> dict:
    return {"S3Object": {"Bucket": BUCKET, "Name": key}}


def api_scenario(workflow: str, name: str, description: str, *, request: dict[str, Any],
                 mocks: dict[str, Mock], path: tuple[str, ...], answer: dict[str, Any],
                 error: str | None = None, seed_item: dict | None = None,
                 item: dict | None = None) -> Scenario:
    """A request to an API workflow: it answers (succeeds) or refuses with ``error``."""
    if error is not None and answer.get("status") != error:
        raise ValueError(f"{name}: a refusal's status is its error name")
    if error is not None:
        api_common.http_status(error)
    return Scenario(
        workflow=workflow, name=name, description=description,
        userid=request.get("userid", "nobody"), upload="selfie", mocks=mocks, path=path,
        status="FAILED" if error else "SUCCEEDED", error=error, seed_item=seed_item,
        item=item or {}, request=request, answer=answer)


FAILURE_TAIL = (api_common.ANSWER_FAILURE, api_common.REFUSED)
