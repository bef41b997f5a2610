"""Textract's ``AnalyzeID`` on the local OCR engine: the request validated and the errors named
as Textract does, the answer in its shape.

- Request (Amazon Textract API reference, "AnalyzeID"): ``DocumentPages``, 1 to 2 ``Document``
  objects, each with exactly one of ``Bytes`` (base64 in JSON) or ``S3Object`` (``Bucket``,
  ``Name``, optional ``Version``).
- Limits ("Set Quotas in Amazon Textract"): a synchronous operation takes a file of at most
  10 MB, no side over 10000 pixels. Textract reads JPEG, PNG, PDF and TIFF; the local one reads
  JPEG and PNG and refuses the others as a format it does not support.
- Errors ("AnalyzeID", Errors): ``InvalidParameterException``, ``InvalidS3ObjectException``,
  ``DocumentTooLargeException``, ``UnsupportedDocumentException`` (a format it cannot take),
  ``BadDocumentException`` ("Amazon Textract isn't able to read the document").
- Answer: ``IdentityDocuments`` (one per page, ``DocumentIndex`` from 1) with
  ``IdentityDocumentFields`` (``Type.Text`` the normalised field, ``ValueDetection`` its
  ``Text``, ``Confidence`` and, for dates, ``NormalizedValue``) and ``Blocks`` (the page and its
  lines, as text detection gives them), ``DocumentMetadata.Pages`` and
  ``AnalyzeIDModelVersion``. Every normalised field is answered, with an empty text where the
  document shows none ("Identity Documentation Response Objects").
"""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from engine.cache import BoundedCache

from . import dates, fields, ocr

MODEL_VERSION = "local-ppocrv4-1"
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 10000
MAX_PAGES = 2
CACHE_SIZE = 256  # documents; a page's answer is a few kilobytes
JPEG, PNG = b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"
OTHER_FORMATS = {b"%PDF": "PDF", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}

ObjectReader = Callable[[str, str, str | None], bytes]


class TextractError(Exception):
    """An error as Textract names it, e.g. ``BadDocumentException``."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


def invalid(message: str) -> TextractError:
    return TextractError("InvalidParameterException", message)


class PageCache:
    """Each page's analysis by the SHA-256 of its bytes, the most recent ``size`` kept. A page
    being read when another request brings the same bytes is read once; other pages do not
    wait for it."""

    def __init__(self, size: int = CACHE_SIZE):
        self._pages: BoundedCache[dict] = BoundedCache(size, lambda _: 1)

    @property
    def analysed(self) -> int:
        """Pages read by OCR, not from the cache."""
        return self._pages.misses

    def get(self, data: bytes, analyse: Callable[[bytes], dict]) -> dict:
        return self._pages.get_or_compute(hashlib.sha256(data).digest(), lambda: analyse(data))


class IdService:
    """``AnalyzeID`` for one account, reading S3 objects through ``read_object``."""

    def __init__(self, read_object: ObjectReader, cache: PageCache):
        self.read_object, self.cache = read_object, cache

    def analyze_id(self, request: dict) -> dict:
        pages = request.get("DocumentPages")
        if not isinstance(pages, list) or not 1 <= len(pages) <= MAX_PAGES:
            raise invalid(f"DocumentPages must hold 1 to {MAX_PAGES} documents")
        documents = []
        for index, page in enumerate(pages, start=1):
            analysed = self.cache.get(self._bytes(page, index), analyse_page)
            documents.append({"DocumentIndex": index, **analysed})
        return {"IdentityDocuments": documents, "DocumentMetadata": {"Pages": len(pages)},
                "AnalyzeIDModelVersion": MODEL_VERSION}

    def _bytes(self, page, index: int) -> bytes:
        name = f"DocumentPages[{index - 1}]"
        if not isinstance(page, dict) or ("Bytes" in page) == ("S3Object" in page):
            raise invalid(f"{name} must hold exactly one of Bytes or S3Object")
        if "Bytes" in page:
            data = page["Bytes"]
            try:
                data = base64.b64decode(data, validate=True) if isinstance(data, str) \
                    else bytes(data)
            except (ValueError, TypeError) as error:
                raise invalid(f"{name}.Bytes is not base64: {error}") from error
        else:
            s3_object = page["S3Object"]
            if not isinstance(s3_object, dict) or not s3_object.get("Bucket") \
                    or not s3_object.get("Name"):
                raise invalid(f"{name}.S3Object needs Bucket and Name")
            try:
                data = self.read_object(s3_object["Bucket"], s3_object["Name"],
                                        s3_object.get("Version"))
            except KeyError as error:
                raise TextractError("InvalidS3ObjectException",
                                    f"Unable to get object metadata from S3. Check object key, "
                                    f"region and/or access permissions. ({error})") from error
        if len(data) > MAX_BYTES:
            raise TextractError("DocumentTooLargeException",
                                f"{name} is {len(data)} bytes; the limit is {MAX_BYTES}")
        return data


def decode(data: bytes) -> np.ndarray:
    """RGB pixels of a JPEG or PNG document, upright (EXIF orientation applied)."""
    if not data.startswith((JPEG, PNG)):
        kind = next((kind for magic, kind in OTHER_FORMATS.items() if data.startswith(magic)),
                    "this format")
        raise TextractError("UnsupportedDocumentException",
                            f"Request has unsupported document format: the local AnalyzeID "
                            f"reads JPEG and PNG, not {kind}")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if max(image.size) > MAX_SIDE:
                raise TextractError("BadDocumentException",
                                    f"The document is {image.width} x {image.height} pixels; "
                                    f"no side may exceed {MAX_SIDE}")
            return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise TextractError("BadDocumentException",
                            f"Unable to read the document: {error}") from error


def analyse_page(data: bytes) -> dict:
    """One page's ``IdentityDocumentFields`` and ``Blocks``."""
    pixels = decode(data)
    lines = ocr.read_lines(pixels)
    found = fields.read(lines)
    return {"IdentityDocumentFields": [_field(name, found[name]) for name in found],
            "Blocks": blocks(lines, width=pixels.shape[1], height=pixels.shape[0])}


def _field(name: str, detection: fields.Detection) -> dict:
    value = {"Text": detection.text}
    if detection.date is not None:
        value["NormalizedValue"] = dates.normalized(detection.date)
    if detection.text:
        value["Confidence"] = round(detection.confidence, 4)
    return {"Type": {"Text": name}, "ValueDetection": value}


def blocks(lines: list[ocr.Line], *, width: int, height: int) -> list[dict]:
    """A PAGE block and one LINE block per line, as text detection answers them (API
    reference, "Block": geometry as ratios of the page's width and height)."""
    line_blocks = []
    for line in sorted(lines, key=lambda line: (line.box[1], line.box[0])):
        left, top = line.box[0] / width, line.box[1] / height
        box_width, box_height = (line.box[2] - line.box[0]) / width, line.height / height
        line_blocks.append({
            "BlockType": "LINE", "Id": str(uuid.uuid4()), "Page": 1, "Text": line.text,
            "Confidence": round(100 * line.confidence, 4),
            "Geometry": {
                "BoundingBox": {"Width": box_width, "Height": box_height, "Left": left,
                                "Top": top},
                "Polygon": [{"X": left, "Y": top}, {"X": left + box_width, "Y": top},
                            {"X": left + box_width, "Y": top + box_height},
                            {"X": left, "Y": top + box_height}]},
        })
    page = {"BlockType": "PAGE", "Id": str(uuid.uuid4()), "Page": 1,
            "Geometry": {"BoundingBox": {"Width": 1.0, "Height": 1.0, "Left": 0.0, "Top": 0.0},
                         "Polygon": [{"X": 0.0, "Y": 0.0}, {"X": 1.0, "Y": 0.0},
                                     {"X": 1.0, "Y": 1.0}, {"X": 0.0, "Y": 1.0}]},
            "Relationships": [{"Type": "CHILD", "Ids": [b["Id"] for b in line_blocks]}]}
    return [page, *line_blocks]
