"""The erasure's pages fit in Step Functions: a task's result, like every state, holds at most
256 KiB ("Step Functions service quotas"), and a page of ListFaces or ListObjectsV2 is a
task's result. The largest page is built from the services' own models (botocore): every
field at the longest the API allows."""

from __future__ import annotations

import json

import botocore.session
import pytest

from statemachines import forget_sweeps as sweep
from statemachines.api_common import BESIDE_IMAGES_BYTES, PAYLOAD_LIMIT_BYTES

LONGEST_USERID = "u" * 100


def shape(service: str, name: str):
    return botocore.session.get_session().get_service_model(service).shape_for(name)


def longest(service: str, name: str, fallback: int = 64) -> str:
    """A string of the shape's maximum length (``fallback`` where the model sets none)."""
    return "x" * (shape(service, name).metadata.get("max") or fallback)


def largest_face() -> dict:
    uuid = "0" * 36
    return {"FaceId": uuid, "ImageId": uuid,
            "BoundingBox": {side: 0.12345678901234567 for side in ("Width", "Height", "Left",
                                                                   "Top")},
            "ExternalImageId": longest("rekognition", "ExternalImageId"),
            "Confidence": 99.12345678901234567, "IndexFacesModelVersion": "7.0",
            "UserId": longest("rekognition", "UserId")}


def largest_object() -> dict:
    return {"Key": "k" * 1024, "LastModified": "2026-11-25T10:00:00.000Z",
            "ETag": '"' + "e" * 32 + '-10000"', "ChecksumAlgorithm": ["CRC64NVME"],
            "ChecksumType": "FULL_OBJECT", "Size": 5 * 1024 ** 4, "StorageClass":
            "INTELLIGENT_TIERING", "RestoreStatus": {"IsRestoreInProgress": False,
                                                     "RestoreExpiryDate": "2026-12-01T00:00:00Z"}}


def size(value) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode())


def test_the_page_sizes_are_within_what_the_apis_take():
    assert shape("rekognition", "PageSize").metadata["max"] >= sweep.FACES_PER_PAGE
    assert shape("rekognition", "FaceIdList").metadata["max"] >= sweep.FACES_PER_PAGE
    assert 1 <= sweep.KEYS_PER_PAGE <= 1000  # MaxKeys and DeleteObjects: up to 1,000 keys


@pytest.mark.parametrize("sweeping", ["faces", "uploads"])
def test_the_largest_page_fits_beside_the_rest_of_the_state(sweeping):
    """The state at its largest: the request, the sweep's names and counts, the page, and what
    was made of it (the face ids picked, or the keys to delete, which replace the listing)."""
    state = {"userid": LONGEST_USERID, "user": {"Item": {"userid": {"S": LONGEST_USERID}}},
             "sweep": {"names": {"user": LONGEST_USERID, "id_document": "_id:" +
                                 LONGEST_USERID}, "faces": 4096, "uploads": 4096}}
    if sweeping == "faces":
        page = {"Faces": [largest_face()] * sweep.FACES_PER_PAGE, "FaceModelVersion": "7.0",
                "NextToken": "t" * 1024}
        state |= {"page": page, "picked": {"ids": ["0" * 36] * sweep.FACES_PER_PAGE}}
    else:
        page = {"Contents": [largest_object()] * sweep.KEYS_PER_PAGE, "Name": "b" * 63,
                "Prefix": f"api/{LONGEST_USERID}/", "MaxKeys": sweep.KEYS_PER_PAGE,
                "KeyCount": sweep.KEYS_PER_PAGE, "IsTruncated": True,
                "ContinuationToken": "t" * 1024, "NextContinuationToken": "t" * 1024}
        state |= {"uploads": page}
    assert size(page) + BESIDE_IMAGES_BYTES <= PAYLOAD_LIMIT_BYTES
    assert size(state) + BESIDE_IMAGES_BYTES <= PAYLOAD_LIMIT_BYTES
