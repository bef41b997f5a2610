"""What each API route accepts: the request body's JSON Schema (draft 4), which API Gateway
checks before the route's workflow starts (and the local API front checks the same way).

A workflow behind a route declares its ``REQUEST``; the template makes it the route's model,
and the client its command's arguments. Images come in Rekognition's own ``Image`` shape,
inline bytes (at most ``MAX_INLINE_IMAGE_CHARS`` of base64) or an S3 object in a folder under
``api/`` (``api/<folder>/<name>``); whether the folder is the request's user's, the workflow
checks (``api_common.add_folder_checks``), since a JSON Schema cannot compare two fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from contract.item import PARTITION_KEY, USERID_PATTERN
from contract.keys import API_PREFIX

from .api_common import MAX_INLINE_IMAGE_CHARS

QUALITY_FILTERS = ["NONE", "AUTO", "LOW", "MEDIUM", "HIGH"]
IMAGES = {"selfie": "the selfie", "idcard": "the ID document"}  # body field -> what it shows
USERID = {"type": "string", "pattern": f"^{USERID_PATTERN}$"}


def image(description: str) -> dict:
    return {
        "description": description + ": Rekognition's Image, inline bytes or an S3 object",
        "type": "object",
        "properties": {
            "Bytes": {"type": "string", "minLength": 4, "maxLength": MAX_INLINE_IMAGE_CHARS,
                      "pattern": "^[A-Za-z0-9+/]+={0,2}$"},
            "S3Object": {
                "type": "object",
                "properties": {
                    "Bucket": {"type": "string", "minLength": 3, "maxLength": 63},
                    "Name": {"type": "string", "pattern": f"^{API_PREFIX}[^/]+/[^/].*$",
                             "maxLength": 1024},
                },
                "required": ["Bucket", "Name"],
                "additionalProperties": False,
            },
        },
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
    }


@dataclass(frozen=True)
class Option:
    """An optional body field, and the client's flag for it."""

    schema: dict
    flag: str


@dataclass(frozen=True)
class Request:
    """A route's request body: the user id (unless ``userid`` is off), the images, in order,
    then the optional fields."""

    model: str  # the API Gateway model's name
    title: str  # the schema's title
    images: tuple[str, ...]
    userid: bool = True
    options: Mapping[str, Option] = field(default_factory=dict)

    def schema(self) -> dict:
        properties = {PARTITION_KEY: USERID} if self.userid else {}
        properties |= {name: image(IMAGES[name]) for name in self.images}
        properties |= {name: option.schema for name, option in self.options.items()}
        required = [PARTITION_KEY] * self.userid + list(self.images)
        return {"$schema": "http://json-schema.org/draft-04/schema#", "title": self.title,
                "type": "object", "properties": properties, "required": required,
                "additionalProperties": False}
