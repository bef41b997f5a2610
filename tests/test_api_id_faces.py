"""The faces on ID documents are no registrations, on the embedded engine with the real face
service: a face indexed as ``_id:<userid>`` (``contract.item.ID_FACE_NAME_PREFIX``, the name
CompareMode COLLECTION gives the face on a user's ID document) neither authenticates a user nor
makes another user's registration a duplicate, and a search sees past it to the registered face.

The ID faces are indexed here directly with boto3, as the ID document workflow would index them
(IndexFaces with an ExternalImageId, MaxFaces 1: IndexFaces, Amazon Rekognition API Reference).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFilter

from client.api import ApiClient
from client.uploads import Client
from contract.item import ID_FACE_NAME_PREFIX
from engine.api_front import LocalApi
from harness.pictures import encode, images
from statemachines.common import SEARCH_MAX_FACES
from statemachines.registered_faces import HIDDEN_DUPLICATE_REASON

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")


@pytest.fixture(scope="module")
def stack(endpoint_url):
    with stack_on_engine(endpoint_url, "idfaces") as (session, name, deployed):
        outputs = deployed.outputs()
        with LocalApi.for_stack(outputs, endpoint_url=endpoint_url, session=session) as front:
            rekognition, ddb = session.client("rekognition"), session.client("dynamodb")

            def index_id_face(userid: str, picture: bytes) -> str:
                indexed = rekognition.index_faces(
                    CollectionId=outputs["CollectionId"], Image={"Bytes": picture},
                    ExternalImageId=f"{ID_FACE_NAME_PREFIX}{userid}", MaxFaces=1,
                    QualityFilter="NONE")
                (record,) = indexed["FaceRecords"]
                return record["Face"]["FaceId"]

            def similarity_to(face_id: str, picture: bytes) -> float:
                found = rekognition.search_faces_by_image(
                    CollectionId=outputs["CollectionId"], Image={"Bytes": picture},
                    FaceMatchThreshold=0, MaxFaces=4096)["FaceMatches"]
                return next(m["Similarity"] for m in found if m["Face"]["FaceId"] == face_id)

            item = Client(session, name, out=lambda _: None).item

            def seed(userid: str, face_id: str) -> None:
                ddb.put_item(TableName=outputs["TableName"], Item={
                    "userid": {"S": userid}, "rek_faceid": {"S": face_id},
                    "selfie_bucket": {"S": ""}, "selfie_object": {"S": ""}})

            yield {"client": ApiClient(session, front.url, outputs["BucketName"]),
                   "index_id_face": index_id_face, "similarity_to": similarity_to,
                   "item": item, "seed": seed}


@pytest.fixture(scope="module")
def pictures():
    return images()


def test_authenticate_sees_past_the_users_own_id_face(stack, pictures):
    """Ann registered a blurred photo; her ID face is the sharp one she authenticates with,
    so it scores above her registration and comes first among the matches."""
    client = stack["client"]
    status, body = client.register("ann", pictures["blurred"])
    assert (status, body["status"]) == (200, "Registered")
    registered = body["face_id"]
    id_face = stack["index_id_face"]("ann", pictures["astronaut"])
    assert stack["similarity_to"](id_face, pictures["astronaut"]) > \
        stack["similarity_to"](registered, pictures["astronaut"])

    status, body = client.auth("ann", pictures["astronaut"])
    assert (status, body["status"]) == (200, "Verified"), body
    assert (body["method"], body["face_id"]) == ("collection search", registered)
    assert body["similarity"] == pytest.approx(
        stack["similarity_to"](registered, pictures["astronaut"]), abs=0.01)


def test_an_id_face_authenticates_nobody(stack, pictures):
    """Even a record that named an ID face as the registered one would not be verified by a
    match with it: only registrations count."""
    id_face = stack["index_id_face"]("zoe", pictures["hopper_id_card"])
    stack["seed"]("zoe", id_face)
    status, body = stack["client"].auth("zoe", pictures["hopper"])
    assert (status, body["status"]) == (403, "UserAccessDenied")


def test_a_face_like_an_id_face_is_no_duplicate(stack, pictures):
    """Bob's ID shows Grace Hopper; Cat registering Grace's face is no duplicate of it. Dan
    registering the same face afterwards is a duplicate of Cat's registration."""
    client = stack["client"]
    id_face = stack["index_id_face"]("bob", pictures["hopper_id_card"])
    assert stack["similarity_to"](id_face, pictures["hopper"]) >= 95  # the duplicate threshold

    status, body = client.register("cat", pictures["hopper"])
    assert (status, body["status"]) == (200, "Registered")
    assert stack["item"]("cat")["rek_faceid"] == body["face_id"] != id_face

    status, body = client.register("dan", pictures["hopper"])
    assert (status, body["status"]) == (409, "DuplicateFace")
    assert body["reason"] == f"duplicate of face {stack['item']('cat')['rek_faceid']}"


def test_register_with_id_card_is_no_duplicate_of_an_id_face(stack, pictures):
    """The astronaut's ID face under another user id does not stop her registering with her
    ID card under a new one (Ann's registration is deleted first: the ID faces stay)."""
    client = stack["client"]
    assert client.forget("ann")[1]["status"] == "Erased"
    stack["index_id_face"]("eve", pictures["id_card"])
    status, body = client.register_idcard("fay", pictures["astronaut"], pictures["id_card"])
    assert (status, body["status"]) == (200, "Registered"), body


def test_a_registration_behind_as_many_id_faces_as_a_search_sees_is_not_registered_again(
        stack, pictures):
    """Gil registered a blurred photo of Grace Hopper; then the sharp photo was uploaded as an
    ID document under as many user ids as a search returns faces. Registering the sharp photo
    under yet another user id finds those ID faces alone, Gil's registration ranked below
    them: refused, as a duplicate that cannot be ruled out."""
    client = stack["client"]
    blurred = encode(Image.open(io.BytesIO(pictures["hopper"])).filter(
        ImageFilter.GaussianBlur(2)))
    assert client.forget("cat")[1]["status"] == "Erased"  # Grace registered once, below
    status, body = client.register("gil", blurred)
    assert (status, body["status"]) == (200, "Registered"), body
    registered = body["face_id"]
    id_faces = [stack["index_id_face"](f"owner{number}", pictures["hopper"])
                for number in range(SEARCH_MAX_FACES)]
    assert min(stack["similarity_to"](face, pictures["hopper"]) for face in id_faces) > \
        stack["similarity_to"](registered, pictures["hopper"])

    status, body = client.register("hal", pictures["hopper"])
    assert (status, body["status"]) == (409, "DuplicateFace"), body
    assert body["reason"] == HIDDEN_DUPLICATE_REASON
    assert stack["item"]("hal") == {}
