"""Thumbnail Lambda: an uploaded photo in, a JPEG of at most 250x250 pixels next to it out.

Invoked by a Step Functions Task with ``{"bucket": ..., "key": ..., "userid": ...}``. It reads
the object, turns it upright (EXIF orientation), shrinks it to fit the box keeping its aspect
ratio, and writes ``thumbnails/<userid>.jpg`` to the same bucket. It returns where the thumbnail
is and its size.

Input it cannot process raises ``ThumbnailError``: Step Functions sees that class name as the
error name, so the workflow can catch it apart from transient failures (which are re-raised
unchanged and worth a retry).

Deployed as a zip with Pillow for arm64 (see deploy/package_lambdas.py).
"""

import functools
import io
import re
import warnings

import boto3
from PIL import Image, ImageOps, UnidentifiedImageError

BOX = (250, 250)
JPEG_QUALITY = 85
FORMATS = ("JPEG", "PNG")
# Pillow warns above this many pixels and refuses twice as many; both are refused here.
Image.MAX_IMAGE_PIXELS = 50_000_000
# The user id becomes part of an S3 key and Rekognition's ExternalImageId ([a-zA-Z0-9_.\-:]).
USERID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
MISSING = ("NoSuchKey", "NoSuchBucket", "404")


class ThumbnailError(Exception):
    """The input cannot be made into a thumbnail; retrying will not help."""


@functools.cache
def s3():
    """Created on first use, so ``AWS_ENDPOINT_URL`` set after import is still honoured."""
    return boto3.client("s3")


def parse_event(event):
    """``(bucket, key, userid)`` from the Task's payload."""
    if not isinstance(event, dict):
        raise ThumbnailError(f"expected an object with bucket, key and userid, got {event!r}")
    values = []
    for field in ("bucket", "key", "userid"):
        value = event.get(field)
        if not isinstance(value, str) or not value:
            raise ThumbnailError(f"field {field!r} is missing or not a non-empty string")
        values.append(value)
    bucket, key, userid = values
    if not USERID.fullmatch(userid) or ".." in userid:
        raise ThumbnailError(
            f"user id {userid!r} must be 1-100 of A-Z a-z 0-9 _ . : - starting alphanumeric, "
            "without '..'")
    return bucket, key, userid


def read_object(bucket, key):
    try:
        return s3().get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3().exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in MISSING:
            raise ThumbnailError(f"s3://{bucket}/{key} not found") from error
        raise


def open_image(data):
    """The image in ``data``, refusing anything but JPEG and PNG, and decompression bombs."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(data), formats=FORMATS)
        except UnidentifiedImageError as error:
            raise ThumbnailError("not a JPEG or PNG image") from error
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
            raise ThumbnailError(f"image too large: {error}") from error
        except (OSError, ValueError) as error:
            raise ThumbnailError(f"cannot decode the image: {error}") from error


def to_rgb(image):
    """RGB for JPEG; transparent areas become white rather than whatever colour they hide."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        background = Image.new("RGBA", image.size, "white")
        return Image.alpha_composite(background, image.convert("RGBA")).convert("RGB")
    return image.convert("RGB")


def make_thumbnail(data):
    """``(jpeg bytes, width, height)`` of the thumbnail of the image in ``data``."""
    with open_image(data) as image:
        try:
            # Shrinking first lets Pillow decode JPEGs at reduced scale; the box is square,
            # so turning the image upright afterwards still fits it. A reducing gap of 1
            # decodes at the smallest scale that still covers the box (a fifth faster on a
            # 12 MP photo than the default 2, see bench/cost.py), then resamples from there.
            image.thumbnail(BOX, reducing_gap=1.0)
            upright = to_rgb(ImageOps.exif_transpose(image))
        except (OSError, ValueError) as error:
            raise ThumbnailError(f"cannot decode the image: {error}") from error
    output = io.BytesIO()
    upright.save(output, "JPEG", quality=JPEG_QUALITY)
    return output.getvalue(), upright.width, upright.height


def handler(event, context):
    bucket, key, userid = parse_event(event)
    data, width, height = make_thumbnail(read_object(bucket, key))
    target = f"thumbnails/{userid}.jpg"
    s3().put_object(Bucket=bucket, Key=target, Body=data, ContentType="image/jpeg")
    return {"bucket": bucket, "key": target, "width": width, "height": height}
