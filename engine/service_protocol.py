"""What the engine's local stand-ins for AWS services share: their errors, their JSON protocol
inside moto's server, and reading an object from moto's own S3.

Rekognition and Textract both speak AWS's JSON protocol (``X-Amz-Target: <Service>.<Action>``,
errors as ``{"__type": <name>, "message": ...}``); moto routes such a request to its handler
for the service and calls the method named after the action.
"""

from __future__ import annotations

import json
from collections.abc import Callable

# Reads (bucket, key, version) from S3; KeyError when it is not there.
ObjectReader = Callable[[str, str, str | None], bytes]


class ServiceError(Exception):
    """An error as the service names it, e.g. ``InvalidParameterException``."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


def json_action(answer: Callable[[object, dict], dict]) -> Callable[[object], str]:
    """A method for moto's response handler: the request's JSON body to ``answer(handler,
    request)``, its dict back as JSON, a ``ServiceError`` as the error AWS would send."""

    def handle(self) -> str:
        from moto.core.exceptions import JsonRESTError

        try:
            request = json.loads(self.body or "{}")
        except ValueError as error:
            raise JsonRESTError("SerializationException", str(error)) from error
        try:
            return json.dumps(answer(self, request))
        except ServiceError as error:
            raise JsonRESTError(error.code, error.message) from error
    handle.__name__ = getattr(answer, "__name__", "handle")
    return handle


def read_s3_object(read_object: ObjectReader, s3_object: object, name: str,
                   error: type[ServiceError]) -> bytes:
    """The bytes of an ``S3Object`` request parameter (Bucket, Name, optional Version), refused
    with ``error`` as both services refuse it: InvalidParameterException without a bucket or a
    name, InvalidS3ObjectException when the object cannot be read."""
    if not isinstance(s3_object, dict) or not s3_object.get("Bucket") \
            or not s3_object.get("Name"):
        raise error("InvalidParameterException", f"{name}.S3Object needs Bucket and Name")
    try:
        return read_object(s3_object["Bucket"], s3_object["Name"], s3_object.get("Version"))
    except KeyError as missing:
        raise error("InvalidS3ObjectException",
                    "Unable to get object metadata from S3. Check object key, region and/or "
                    f"access permissions. ({missing})") from missing


def read_from_moto_s3(account: str) -> ObjectReader:
    """A reader of ``(bucket, key, version)`` from moto's S3 of ``account``; ``KeyError`` when
    the bucket, the key or the version is not there."""

    def read(bucket: str, key: str, version: str | None) -> bytes:
        from moto.s3.exceptions import MissingBucket, MissingKey, MissingVersion
        from moto.s3.models import s3_backends

        try:
            found = s3_backends[account]["global"].get_object(bucket, key, version_id=version)
        except (MissingBucket, MissingKey, MissingVersion) as error:
            raise KeyError(f"s3://{bucket}/{key}") from error
        if found is None:
            raise KeyError(f"s3://{bucket}/{key}")
        return found.value
    return read
