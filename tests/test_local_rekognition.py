"""The local face service, through Rekognition's own API (boto3 against the embedded engine)."""

from __future__ import annotations

import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from engine.rekognition.engine import FaceEngine
from engine.rekognition.models import FaceService
from engine.rekognition.store import FaceStore
from harness.bombs import blank_png
from harness.pictures import images

from .conftest import EXTERNAL_ENGINE

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="tests the embedded face service")


@pytest.fixture(scope="module")
def rek(endpoint_url):
    return boto3.client("rekognition", endpoint_url=endpoint_url)


@pytest.fixture
def collection(rek):
    collection_id = f"faces-{uuid.uuid4().hex[:10]}"
    rek.create_collection(CollectionId=collection_id)
    yield collection_id
    try:
        rek.delete_collection(CollectionId=collection_id)
    except ClientError:
        pass


def image(name: str) -> dict:
    return {"Bytes": images()[name]}


def error_code(call, **kwargs) -> str:
    with pytest.raises(ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"]


# --- DetectFaces ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name,faces", [
    ("astronaut", 1), ("astronaut_png", 1), ("coffee", 0), ("id_card", 1), ("two_faces", 2),
    ("rotated", 1), ("blurred", 1),
])
def test_detect_faces_counts_faces(rek, name, faces):
    assert len(rek.detect_faces(Image=image(name))["FaceDetails"]) == faces


def test_detect_faces_describes_a_face_as_rekognition_does(rek):
    (face,) = rek.detect_faces(Image=image("astronaut"))["FaceDetails"]
    assert set(face) == {"BoundingBox", "Landmarks", "Pose", "Quality", "Confidence"}
    box = face["BoundingBox"]
    assert 0.30 < box["Left"] < 0.38 and 0.12 < box["Top"] < 0.18
    assert 0.15 < box["Width"] < 0.2 and 0.15 < box["Height"] < 0.2
    assert face["Confidence"] > 99
    assert [mark["Type"] for mark in face["Landmarks"]] == ["eyeLeft", "eyeRight", "nose"]
    assert all(abs(face["Pose"][axis]) < 10 for axis in ("Roll", "Yaw", "Pitch"))
    assert 0 < face["Quality"]["Brightness"] < 100 and face["Quality"]["Sharpness"] > 50


def test_all_attributes_add_sunglasses_and_detect_dark_glasses(rek):
    (plain,) = rek.detect_faces(Image=image("astronaut"), Attributes=["ALL"])["FaceDetails"]
    (glasses,) = rek.detect_faces(Image=image("sunglasses"), Attributes=["ALL"])["FaceDetails"]
    assert plain["Sunglasses"]["Value"] is False
    assert glasses["Sunglasses"]["Value"] is True
    assert "EyesOpen" not in plain  # needs the non-commercial 68-point model: not invented


def test_pose_follows_a_rotated_head(rek):
    (face,) = rek.detect_faces(Image=image("rotated"))["FaceDetails"]
    assert face["Pose"]["Roll"] < -15  # turned 25 degrees counter-clockwise in the picture


def test_blurred_face_is_less_sharp(rek):
    def sharpness(name):
        return rek.detect_faces(Image=image(name))["FaceDetails"][0]["Quality"]["Sharpness"]
    assert sharpness("blurred") < sharpness("astronaut") - 10


@pytest.mark.parametrize("name,code", [
    ("not_an_image", "InvalidImageFormatException"),
    ("truncated_png", "InvalidImageFormatException"),
])
def test_unreadable_images_are_refused(rek, name, code):
    assert error_code(rek.detect_faces, Image=image(name)) == code


def test_images_over_5_mb_are_refused(rek):
    too_large = b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024)
    assert error_code(rek.detect_faces, Image={"Bytes": too_large}) == "ImageTooLargeException"


def test_images_are_read_from_s3(rek, endpoint_url):
    s3 = boto3.client("s3", endpoint_url=endpoint_url)
    bucket = f"faces-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="selfie/alice.jpg", Body=images()["astronaut"])
    found = rek.detect_faces(Image={"S3Object": {"Bucket": bucket, "Name": "selfie/alice.jpg"}})
    assert len(found["FaceDetails"]) == 1
    assert error_code(rek.detect_faces, Image={"S3Object": {
        "Bucket": bucket, "Name": "selfie/missing.jpg"}}) == "InvalidS3ObjectException"


# --- collections ----------------------------------------------------------------------------------

def test_collection_lifecycle(rek):
    collection_id = f"life-{uuid.uuid4().hex[:8]}"
    created = rek.create_collection(CollectionId=collection_id)
    assert created["StatusCode"] == 200
    assert created["CollectionArn"].endswith(f":collection/{collection_id}")
    assert error_code(rek.create_collection,
                      CollectionId=collection_id) == "ResourceAlreadyExistsException"
    assert rek.describe_collection(CollectionId=collection_id)["FaceCount"] == 0
    assert collection_id in rek.list_collections()["CollectionIds"]
    assert rek.delete_collection(CollectionId=collection_id)["StatusCode"] == 200
    assert error_code(rek.describe_collection,
                      CollectionId=collection_id) == "ResourceNotFoundException"
    assert error_code(rek.index_faces, CollectionId=collection_id,
                      Image=image("astronaut")) == "ResourceNotFoundException"


def test_index_faces_records_the_user_and_honours_max_faces(rek, collection):
    indexed = rek.index_faces(CollectionId=collection, Image=image("two_faces"),
                              ExternalImageId="alice", MaxFaces=1)
    (record,) = indexed["FaceRecords"]
    assert record["Face"]["ExternalImageId"] == "alice"
    assert uuid.UUID(record["Face"]["FaceId"])
    assert [face["Reasons"] for face in indexed["UnindexedFaces"]] == [["EXCEEDS_MAX_FACES"]]
    assert rek.describe_collection(CollectionId=collection)["FaceCount"] == 1
    assert rek.index_faces(CollectionId=collection, Image=image("coffee"))["FaceRecords"] == []
    assert error_code(rek.index_faces, CollectionId=collection, Image=image("astronaut"),
                      ExternalImageId="not allowed!") == "InvalidParameterException"


def test_search_faces_by_image_finds_the_same_person_above_the_threshold(rek, collection):
    face_id = rek.index_faces(CollectionId=collection, Image=image("astronaut"),
                              ExternalImageId="alice")["FaceRecords"][0]["Face"]["FaceId"]
    found = rek.search_faces_by_image(CollectionId=collection, Image=image("mirrored"),
                                      FaceMatchThreshold=95, MaxFaces=1)
    (match,) = found["FaceMatches"]
    assert match["Face"]["FaceId"] == face_id and match["Face"]["ExternalImageId"] == "alice"
    assert match["Similarity"] >= 95
    assert found["SearchedFaceConfidence"] > 99
    strict = rek.search_faces_by_image(CollectionId=collection, Image=image("blurred"),
                                       FaceMatchThreshold=99.99)
    assert strict["FaceMatches"] == []
    assert error_code(rek.search_faces_by_image, CollectionId=collection,
                      Image=image("coffee")) == "InvalidParameterException"


def test_search_faces_by_id_leaves_out_the_face_itself(rek, collection):
    first = rek.index_faces(CollectionId=collection, Image=image("astronaut"))
    second = rek.index_faces(CollectionId=collection, Image=image("mirrored"))
    face_id = first["FaceRecords"][0]["Face"]["FaceId"]
    found = rek.search_faces(CollectionId=collection, FaceId=face_id)
    assert found["SearchedFaceId"] == face_id
    assert [m["Face"]["FaceId"] for m in found["FaceMatches"]] == [
        second["FaceRecords"][0]["Face"]["FaceId"]]


def test_list_faces_refuses_a_page_size_or_token_rekognition_refuses(rek, collection):
    """ListFaces, Amazon Rekognition API Reference: MaxResults is at most 4096, and a
    NextToken that is not one of the answers' is InvalidPaginationTokenException."""
    assert error_code(rek.list_faces, CollectionId=collection, MaxResults=4097) == \
        "InvalidParameterException"
    assert error_code(rek.list_faces, CollectionId=collection, NextToken="not-a-token") == \
        "InvalidPaginationTokenException"


def test_search_faces_by_id_honours_the_threshold_and_max_faces_best_first(rek, collection):
    """SearchFaces, Amazon Rekognition API Reference: matches "ordered by similarity score
    with the highest similarity first"; FaceMatchThreshold is the minimum similarity of a
    match returned, "The default value is 80%"; MaxFaces the most matches returned, "the
    maximum number of faces with the highest confidence in the match". The searched face is
    no match of itself, before MaxFaces is applied (CompareMode COLLECTION relies on both)."""
    def index(name, owner):
        return rek.index_faces(CollectionId=collection, Image=image(name),
                               ExternalImageId=owner)["FaceRecords"][0]["Face"]["FaceId"]
    searched = index("astronaut", "alice")
    alike = {index(name, name) for name in ("mirrored", "rotated", "blurred")}
    stranger = index("hopper", "grace")
    everything = rek.search_faces(CollectionId=collection, FaceId=searched,
                                  FaceMatchThreshold=0)["FaceMatches"]
    similarities = [match["Similarity"] for match in everything]
    assert similarities == sorted(similarities, reverse=True)
    assert {match["Face"]["FaceId"] for match in everything} == alike | {stranger}
    by_default = rek.search_faces(CollectionId=collection, FaceId=searched)["FaceMatches"]
    assert {match["Face"]["FaceId"] for match in by_default} == alike
    assert all(match["Similarity"] >= 80 for match in by_default)
    (best,) = rek.search_faces(CollectionId=collection, FaceId=searched, MaxFaces=1,
                               FaceMatchThreshold=0)["FaceMatches"]
    assert best == everything[0]


def test_delete_and_list_faces(rek, collection):
    ids = [rek.index_faces(CollectionId=collection, Image=image(name))
           ["FaceRecords"][0]["Face"]["FaceId"] for name in ("astronaut", "mirrored", "blurred")]
    page = rek.list_faces(CollectionId=collection, MaxResults=2)
    assert [face["FaceId"] for face in page["Faces"]] == ids[:2]
    rest = rek.list_faces(CollectionId=collection, MaxResults=2, NextToken=page["NextToken"])
    assert [face["FaceId"] for face in rest["Faces"]] == ids[2:] and "NextToken" not in rest
    everything = rek.list_faces(CollectionId=collection, MaxResults=4096)
    assert [face["FaceId"] for face in everything["Faces"]] == ids
    assert "NextToken" not in everything
    missing = str(uuid.uuid4())
    deleted = rek.delete_faces(CollectionId=collection, FaceIds=[ids[0], missing])
    assert deleted["DeletedFaces"] == [ids[0]]
    assert deleted["UnsuccessfulFaceDeletions"] == [
        {"FaceId": missing, "Reasons": ["FACE_NOT_FOUND"]}]
    assert rek.describe_collection(CollectionId=collection)["FaceCount"] == 2


# --- CompareFaces ---------------------------------------------------------------------------------

def test_compare_selfie_with_id_card(rek):
    compared = rek.compare_faces(SourceImage=image("mirrored"), TargetImage=image("id_card"),
                                 SimilarityThreshold=80)
    (match,) = compared["FaceMatches"]
    assert match["Similarity"] >= 80 and compared["UnmatchedFaces"] == []
    assert compared["SourceImageFace"]["Confidence"] > 99


def test_compare_puts_faces_below_the_threshold_among_the_unmatched(rek):
    compared = rek.compare_faces(SourceImage=image("astronaut"), TargetImage=image("blurred"),
                                 SimilarityThreshold=99.99)
    assert compared["FaceMatches"] == [] and len(compared["UnmatchedFaces"]) == 1


@pytest.mark.parametrize("source,target", [("coffee", "astronaut"), ("astronaut", "coffee")])
def test_compare_without_a_face_is_an_invalid_parameter(rek, source, target):
    assert error_code(rek.compare_faces, SourceImage=image(source),
                      TargetImage=image(target)) == "InvalidParameterException"


# --- persistence ---------------------------------------------------------------------------------

def test_collections_survive_a_restart(tmp_path):
    path = tmp_path / "faces.sqlite"
    engine = FaceEngine()

    def service(store):
        return FaceService(store, engine, lambda *_: b"")

    first = FaceStore(path)
    service(first).create_collection({"CollectionId": "kept"})
    face_id = service(first).index_faces({
        "CollectionId": "kept", "Image": {"Bytes": images()["astronaut"]},
        "ExternalImageId": "alice"})["FaceRecords"][0]["Face"]["FaceId"]
    first.close()

    again = service(FaceStore(path))
    found = again.search_faces_by_image({"CollectionId": "kept",
                                         "Image": {"Bytes": images()["mirrored"]}})
    assert [m["Face"]["FaceId"] for m in found["FaceMatches"]] == [face_id]
    assert again.describe_collection({"CollectionId": "kept"})["FaceCount"] == 1


def test_state_machines_reach_the_face_service_at_the_engine_endpoint(rek, endpoint_url):
    """An unmocked aws-sdk:rekognition task is answered by the face service, image from S3."""
    import json
    import time

    s3 = boto3.client("s3", endpoint_url=endpoint_url)
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint_url)
    bucket = f"sm-{uuid.uuid4().hex[:8]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="selfie/alice.jpg", Body=images()["astronaut"])
    arn = sfn.create_state_machine(
        name=f"detect-{uuid.uuid4().hex[:8]}", roleArn="arn:aws:iam::123456789012:role/r",
        definition=json.dumps({"StartAt": "Detect faces", "States": {"Detect faces": {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:rekognition:detectFaces",
            "Parameters": {"Image": {"S3Object": {"Bucket.$": "$.bucket", "Name.$": "$.key"}},
                           "Attributes": ["ALL"]},
            "ResultSelector": {"count.$": "States.ArrayLength($.FaceDetails)",
                               "sunglasses.$": "$.FaceDetails[0].Sunglasses.Value"},
            "End": True}}}))["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(
        {"bucket": bucket, "key": "selfie/alice.jpg"}))["executionArn"]
    for _ in range(500):
        described = sfn.describe_execution(executionArn=execution)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.01)
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {"count": 1, "sunglasses": False}


def test_eyes_open_is_reported_only_with_the_opt_in_68_point_model():
    from engine.rekognition.engine import decode
    from engine.rekognition.faces import face_detail

    pixels = decode(images()["astronaut"])
    (without,) = FaceEngine(eyes_model=False).find_faces(pixels)
    (with_model,) = FaceEngine(eyes_model=True).find_faces(pixels)
    assert "EyesOpen" not in face_detail(without, pixels, all_attributes=True)
    assert face_detail(with_model, pixels, all_attributes=True)["EyesOpen"]["Value"] is True


def test_two_different_people_score_below_the_threshold(rek):
    compared = rek.compare_faces(SourceImage=image("hopper"), TargetImage=image("id_card"),
                                 SimilarityThreshold=0)
    (match,) = compared["FaceMatches"]
    assert match["Similarity"] < 80
    same = rek.compare_faces(SourceImage=image("hopper"), TargetImage=image("hopper_id_card"),
                             SimilarityThreshold=80)
    assert len(same["FaceMatches"]) == 1


def test_search_does_not_mistake_another_person_for_a_registered_face(rek, collection):
    rek.index_faces(CollectionId=collection, Image=image("astronaut"), ExternalImageId="alice")
    found = rek.search_faces_by_image(CollectionId=collection, Image=image("hopper"),
                                      FaceMatchThreshold=80)
    assert found["FaceMatches"] == []


def test_a_configured_delay_is_added_to_image_calls_only(rek, collection, monkeypatch):
    import time

    monkeypatch.setenv("EKYC_FACES_DELAY_MS", "300")  # the engine runs in this process
    started = time.perf_counter()
    rek.search_faces_by_image(CollectionId=collection, Image=image("astronaut"))
    image_call = time.perf_counter() - started
    started = time.perf_counter()
    rek.list_faces(CollectionId=collection)
    listing = time.perf_counter() - started
    assert image_call >= 0.3 and listing < 0.3


def test_an_image_with_too_many_pixels_is_refused_as_rekognition_would(rek):
    picture = blank_png(30000, 30000)  # 0.9 gigapixels in under 2 MB
    assert error_code(rek.detect_faces, Image={"Bytes": picture}) == \
        "InvalidImageFormatException"


@pytest.mark.parametrize("width,height", [(1, 1), (700, 500), (3, 4097)])
def test_the_blank_pictures_made_without_their_pixels_are_valid_pngs(width, height):
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(blank_png(width, height))) as opened:
        pixels = np.asarray(opened)  # decodes every row and checks the zlib checksum
    assert pixels.shape == (height, width) and not pixels.any()
