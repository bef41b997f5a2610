"""The local AnalyzeID, through Textract's own API (boto3 against the embedded engine), on ID
cards drawn at run time with known fields (``harness/id_cards.py``).

The answer follows the Amazon Textract API reference ("AnalyzeID", "IdentityDocument",
"IdentityDocumentField", "AnalyzeIDDetections", "NormalizedValue", "Block") and the developer
guide's "Identity Documentation Response Objects": every normalised field once, an empty text
where the document shows none, ``NormalizedValue`` only for dates. Errors and limits follow
"AnalyzeID" (Errors) and "Set Quotas in Amazon Textract" (10 MB for a synchronous operation).
"""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from engine.textract import fields, models
from engine.textract import responses as id_service
from harness import id_cards
from harness.pictures import astronaut, images

from .conftest import EXTERNAL_ENGINE

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded AnalyzeID")


@pytest.fixture(scope="module")
def textract(endpoint_url):
    # Unvalidated, so the engine's own validation is what answers a bad request.
    return boto3.client("textract", endpoint_url=endpoint_url,
                        config=Config(parameter_validation=False))


def by_type(document: dict) -> dict[str, dict]:
    return {field["Type"]["Text"]: field["ValueDetection"]
            for field in document["IdentityDocumentFields"]}


def expected(card: id_cards.CardFields) -> dict[str, str]:
    first, *middle = card.given_names.split()
    return {"FIRST_NAME": first, "MIDDLE_NAME": " ".join(middle), "LAST_NAME": card.surname,
            "DATE_OF_BIRTH": card.date_of_birth, "DOCUMENT_NUMBER": card.document_number,
            "EXPIRATION_DATE": card.expires}


def test_the_answer_has_analyzeid_shape_field_by_field(textract):
    answer = textract.analyze_id(DocumentPages=[{"Bytes": images()["id_card"]}])
    assert answer["DocumentMetadata"] == {"Pages": 1}
    assert answer["AnalyzeIDModelVersion"] == models.MODEL_VERSION
    (document,) = answer["IdentityDocuments"]
    assert set(document) == {"DocumentIndex", "IdentityDocumentFields", "Blocks"}
    assert document["DocumentIndex"] == 1
    types = [field["Type"] for field in document["IdentityDocumentFields"]]
    assert types == [{"Text": name} for name in fields.STANDARD_FIELDS]
    values = by_type(document)
    card = id_cards.ALICE
    assert {name: values[name]["Text"] for name in expected(card)} == expected(card)
    assert values["DATE_OF_BIRTH"]["NormalizedValue"] == {"Value": "1956-11-19T00:00:00",
                                                          "ValueType": "Date"}
    assert values["EXPIRATION_DATE"]["NormalizedValue"]["Value"] == "2031-06-30T00:00:00"
    assert values["MRZ_CODE"]["Text"].splitlines()[2].startswith("COLLINS<<EILEEN<")
    for name, value in values.items():
        if value["Text"]:
            assert 0 < value["Confidence"] <= 100, name
        else:  # a field the card does not show: an empty text, no confidence, no date
            assert value == {"Text": ""}, name
        assert ("NormalizedValue" in value) == (name in fields.DATE_FIELDS and bool(value["Text"]))


def test_blocks_are_the_page_and_its_lines(textract):
    (document,) = textract.analyze_id(
        DocumentPages=[{"Bytes": images()["hopper_id_card"]}])["IdentityDocuments"]
    page, *lines = document["Blocks"]
    assert page["BlockType"] == "PAGE" and {line["BlockType"] for line in lines} == {"LINE"}
    assert page["Relationships"] == [{"Type": "CHILD", "Ids": [line["Id"] for line in lines]}]
    assert {"SURNAME", "HOPPER", "GRACE"} <= {line["Text"] for line in lines}
    for line in lines:
        box = line["Geometry"]["BoundingBox"]
        assert 0 <= box["Left"] < box["Left"] + box["Width"] <= 1
        assert 0 <= box["Top"] < box["Top"] + box["Height"] <= 1
        assert len(line["Geometry"]["Polygon"]) == 4


def test_two_pages_are_two_documents_read_from_s3(textract, endpoint_url):
    s3 = boto3.client("s3", endpoint_url=endpoint_url)
    bucket = f"ids-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="front.jpg", Body=images()["hopper_id_card"])
    answer = textract.analyze_id(DocumentPages=[
        {"S3Object": {"Bucket": bucket, "Name": "front.jpg"}}, {"Bytes": images()["id_card"]}])
    assert answer["DocumentMetadata"] == {"Pages": 2}
    first, second = answer["IdentityDocuments"]
    assert (first["DocumentIndex"], second["DocumentIndex"]) == (1, 2)
    assert by_type(first)["LAST_NAME"]["Text"] == "HOPPER"
    assert by_type(second)["LAST_NAME"]["Text"] == "COLLINS"


def test_a_document_already_read_is_answered_without_reading_it_again(textract):
    cache = id_service._state["cache"]
    textract.analyze_id(DocumentPages=[{"Bytes": images()["id_card"]}])
    before = cache.analysed
    textract.analyze_id(DocumentPages=[{"Bytes": images()["id_card"]}])
    assert cache.analysed == before


def test_a_photo_without_text_answers_every_field_empty(textract):
    (document,) = textract.analyze_id(
        DocumentPages=[{"Bytes": images()["coffee"]}])["IdentityDocuments"]
    assert {name: value["Text"] for name, value in by_type(document).items()} == dict.fromkeys(
        fields.STANDARD_FIELDS, "")


def error(textract, **request) -> tuple[str, str]:
    with pytest.raises(ClientError) as raised:
        textract.analyze_id(**request)
    return raised.value.response["Error"]["Code"], raised.value.response["Error"]["Message"]


@pytest.mark.parametrize("pages", [[], [{"Bytes": b"x"}] * 3])
def test_one_or_two_pages(textract, pages):
    assert error(textract, DocumentPages=pages)[0] == "InvalidParameterException"


def test_a_page_is_bytes_or_an_s3_object(textract):
    both = {"Bytes": images()["id_card"], "S3Object": {"Bucket": "b", "Name": "n"}}
    assert error(textract, DocumentPages=[both])[0] == "InvalidParameterException"
    assert error(textract, DocumentPages=[{}])[0] == "InvalidParameterException"
    assert error(textract, DocumentPages=[{"S3Object": {"Bucket": "b"}}])[0] == \
        "InvalidParameterException"


def test_a_missing_s3_object(textract):
    code, message = error(textract, DocumentPages=[
        {"S3Object": {"Bucket": f"none-{uuid.uuid4().hex[:8]}", "Name": "id.jpg"}}])
    assert code == "InvalidS3ObjectException" and "id.jpg" in message


def test_a_format_it_does_not_read(textract):
    code, message = error(textract, DocumentPages=[{"Bytes": images()["not_an_image"]}])
    assert code == "UnsupportedDocumentException" and "PDF" in message


def test_a_document_it_cannot_read(textract):
    code, _ = error(textract, DocumentPages=[{"Bytes": images()["truncated_png"]}])
    assert code == "BadDocumentException"


def test_a_document_over_10_mb(textract):
    too_large = images()["id_card"] + b"\0" * models.MAX_BYTES
    assert error(textract, DocumentPages=[{"Bytes": too_large}])[0] == \
        "DocumentTooLargeException"


# Two given names in DejaVu Sans with noise and blur, no zone; labels beside their values in
# STIX bold; DejaVu Serif bold with a month name and a zone.
@pytest.mark.parametrize("seed", [1, 4, 9])
def test_drawn_cards_are_read_field_by_field(seed):
    data, card = id_cards.generated(seed, astronaut())
    values = by_type(models.analyse_page(data))
    assert {name: values[name]["Text"] for name in expected(card)} == expected(card)
    assert values["DATE_OF_BIRTH"]["NormalizedValue"]["Value"] == \
        f"{card.born.isoformat()}T00:00:00"
