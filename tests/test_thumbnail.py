"""The thumbnail Lambda against moto's S3: sizes, orientation, transparency and bad input."""

from __future__ import annotations

import io
import warnings

import boto3
import pytest
from moto import mock_aws
from PIL import Image

from lambdas import thumbnail
from lambdas.thumbnail import ThumbnailError

BUCKET = "ekyc-uploads"
ORIENTATION = 0x0112


@pytest.fixture
def s3(monkeypatch):
    """moto's S3 with one bucket; the handler's client is created afresh inside the mock."""
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        thumbnail.s3.cache_clear()
        client = boto3.client("s3")
        client.create_bucket(Bucket=BUCKET)
        yield client
    thumbnail.s3.cache_clear()


def encode(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    output = io.BytesIO()
    image.save(output, fmt, **options)
    return output.getvalue()


NOISE = encode(Image.effect_noise((640, 480), 64).convert("RGB"))


def upload(s3, data: bytes, key: str = "selfie/alice.jpg") -> dict:
    s3.put_object(Bucket=BUCKET, Key=key, Body=data)
    return {"bucket": BUCKET, "key": key, "userid": "alice"}


def written(s3, key: str = "thumbnails/alice.jpg") -> tuple[Image.Image, str]:
    response = s3.get_object(Bucket=BUCKET, Key=key)
    image = Image.open(io.BytesIO(response["Body"].read()))
    image.load()
    return image, response["ContentType"]


@pytest.mark.parametrize("size,expected", [
    ((1000, 600), (250, 150)),
    ((600, 1000), (150, 250)),
    ((2000, 2000), (250, 250)),
    ((100, 80), (100, 80)),
], ids=["landscape", "portrait", "square", "small-not-enlarged"])
def test_fits_the_box_keeping_the_aspect_ratio(s3, size, expected):
    event = upload(s3, encode(Image.new("RGB", size, (200, 30, 30))))

    result = thumbnail.handler(event, None)

    assert result == {"bucket": BUCKET, "key": "thumbnails/alice.jpg",
                      "width": expected[0], "height": expected[1]}
    image, content_type = written(s3)
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", expected)
    assert content_type == "image/jpeg"


def test_png_with_alpha_becomes_rgb_on_white(s3):
    source = Image.new("RGBA", (400, 200), (0, 0, 255, 255))
    source.paste((0, 0, 0, 0), (0, 0, 200, 200))  # left half fully transparent
    event = upload(s3, encode(source, "PNG"), key="selfie/alice.png")

    result = thumbnail.handler(event, None)

    image, _ = written(s3)
    assert (image.mode, image.size) == ("RGB", (250, 125))
    assert (result["width"], result["height"]) == (250, 125)
    assert all(channel > 240 for channel in image.getpixel((30, 60)))
    red, green, blue = image.getpixel((220, 60))
    assert blue > 200 and red < 40 and green < 40


@pytest.mark.parametrize("orientation,expected", [(6, (150, 250)), (8, (150, 250)),
                                                  (3, (250, 150)), (1, (250, 150))])
def test_exif_orientation_is_applied(s3, orientation, expected):
    source = Image.new("RGB", (1000, 600), "white")
    source.paste((255, 0, 0), (0, 0, 100, 100))  # a marker in the stored top-left corner
    exif = Image.Exif()
    exif[ORIENTATION] = orientation

    result = thumbnail.handler(upload(s3, encode(source, exif=exif)), None)

    image, _ = written(s3)
    assert image.size == expected == (result["width"], result["height"])
    assert ORIENTATION not in image.getexif()
    marker = {6: (image.width - 5, 5), 8: (5, image.height - 5),
              3: (image.width - 5, image.height - 5), 1: (5, 5)}[orientation]
    red, green, blue = image.getpixel(marker)
    assert red > 200 and green < 60 and blue < 60


def test_thumbnail_key_follows_the_userid_not_the_source_key(s3):
    event = upload(s3, encode(Image.new("RGB", (300, 300))), key="id_document/j.doe:1.jpeg")
    event["userid"] = "j.doe:1"

    assert thumbnail.handler(event, None)["key"] == "thumbnails/j.doe:1.jpg"
    assert written(s3, "thumbnails/j.doe:1.jpg")[0].size == (250, 250)


@pytest.mark.parametrize("data,message", [
    (b"this is not an image", "not a JPEG or PNG image"),
    (b"", "not a JPEG or PNG image"),
    (encode(Image.new("RGB", (64, 64)), "GIF"), "not a JPEG or PNG image"),
    (NOISE[:400], "cannot decode the image"),
    (NOISE[:len(NOISE) // 2], "cannot decode the image"),
], ids=["text", "empty", "gif", "truncated-header", "truncated-data"])
def test_unusable_bytes_raise_thumbnail_error(s3, data, message):
    with pytest.raises(ThumbnailError, match=message):
        thumbnail.handler(upload(s3, data), None)
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="thumbnails/")


@pytest.mark.parametrize("size", [(8000, 7000), (11000, 10000)],
                         ids=["above-the-limit", "above-twice-the-limit"])
def test_decompression_bombs_raise_thumbnail_error(s3, size):
    data = encode(Image.new("1", size), "PNG", optimize=True)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ThumbnailError, match="image too large"):
            thumbnail.handler(upload(s3, data, key="selfie/alice.png"), None)


def test_missing_object_raises_thumbnail_error(s3):
    event = {"bucket": BUCKET, "key": "selfie/nobody.jpg", "userid": "nobody"}
    with pytest.raises(ThumbnailError, match="s3://ekyc-uploads/selfie/nobody.jpg not found"):
        thumbnail.handler(event, None)


def test_missing_bucket_raises_thumbnail_error(s3):
    event = {"bucket": "no-such-bucket", "key": "selfie/alice.jpg", "userid": "alice"}
    with pytest.raises(ThumbnailError, match="not found"):
        thumbnail.handler(event, None)


@pytest.mark.parametrize("field", ["bucket", "key", "userid"])
def test_missing_field_raises_thumbnail_error(s3, field):
    event = upload(s3, encode(Image.new("RGB", (300, 300))))
    del event[field]
    with pytest.raises(ThumbnailError, match=f"field '{field}' is missing"):
        thumbnail.handler(event, None)


@pytest.mark.parametrize("event", [None, "selfie/alice.jpg", {"bucket": BUCKET, "key": 3,
                                                              "userid": "alice"}],
                         ids=["null", "string", "non-string-field"])
def test_malformed_event_raises_thumbnail_error(s3, event):
    with pytest.raises(ThumbnailError):
        thumbnail.handler(event, None)


@pytest.mark.parametrize("userid", ["", "../alice", "a..b", "alice/bob", "_alice", "zoë",
                                    "alice smith", "x" * 101])
def test_bad_userid_raises_thumbnail_error(s3, userid):
    event = upload(s3, encode(Image.new("RGB", (300, 300))))
    event["userid"] = userid
    with pytest.raises(ThumbnailError, match="user id|field 'userid'"):
        thumbnail.handler(event, None)
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="thumbnails/")


def test_error_name_is_what_step_functions_will_catch():
    assert ThumbnailError.__name__ == "ThumbnailError"
    assert issubclass(ThumbnailError, Exception)
