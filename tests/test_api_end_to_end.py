"""The synchronous API end to end: the generated template deployed on the embedded engine,
its routes served by the local front, the real face service answering Rekognition.

Each request goes over HTTP, through the same request models and status table as the
deployed API, into the route's Express workflow (StartSyncExecution).
"""

from __future__ import annotations

import base64
import json

import pytest
import requests

from client import cli
from client.api import ApiClient
from client.uploads import Client
from engine.api_front import LocalApi
from harness import id_cards
from harness.pictures import images
from templates import api

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")


@pytest.fixture(scope="module")
def stack(endpoint_url):
    with stack_on_engine(endpoint_url, "api") as (session, name, deployed):
        outputs = deployed.outputs()
        with LocalApi.for_stack(outputs, endpoint_url=endpoint_url, session=session) as front:
            client = ApiClient(session, front.url, outputs["BucketName"])
            item = Client(session, name, out=lambda _: None).item

            def faces() -> list[tuple[str, str]]:
                listed = session.client("rekognition").list_faces(
                    CollectionId=outputs["CollectionId"])["Faces"]
                return sorted((face["ExternalImageId"], face["FaceId"]) for face in listed)

            yield {"client": client, "item": item, "faces": faces, "url": front.url,
                   "name": name, "session": session, "outputs": outputs}


@pytest.fixture(scope="module")
def pictures():
    return images()


def test_register_auth_update(stack, pictures):
    client, item = stack["client"], stack["item"]
    status, body = client.register("ann", pictures["astronaut"])
    assert (status, body["status"], body["userid"]) == (200, "Registered", "ann")
    first_face = body["face_id"]
    assert item("ann")["rek_faceid"] == first_face
    assert item("ann")["registered_via"] == "/register"

    status, body = client.register("ann", pictures["astronaut_png"])
    assert (status, body["status"]) == (409, "AlreadyRegistered")

    status, body = client.auth("ann", pictures["astronaut_png"])
    assert (status, body["status"], body["face_id"]) == (200, "Verified", first_face)
    assert body["similarity"] >= 80

    status, body = client.auth("ann", pictures["hopper"])
    assert (status, body["status"]) == (403, "UserAccessDenied")

    status, body = client.update("ann", pictures["rotated"])
    assert (status, body["status"], body["previous_face_id"]) == (200, "Updated", first_face)
    assert body["face_id"] != first_face
    assert item("ann")["rek_faceid"] == body["face_id"]
    assert ("ann", first_face) not in stack["faces"]()
    assert ("ann", body["face_id"]) in stack["faces"]()

    status, body = client.update("ann", pictures["hopper"])
    assert (status, body["status"]) == (403, "UserAccessDenied")


def test_refusals_say_why(stack, pictures):
    client = stack["client"]
    status, body = client.register("cy", pictures["coffee"])
    assert (status, body["status"], body["reason"]) == (422, "FaceRejected", "no face")
    status, body = client.register("dee", pictures["two_faces"])
    assert (status, body["status"], body["reason"]) == (422, "FaceRejected", "2 faces")
    status, body = client.auth("nobody", pictures["astronaut"])
    assert (status, body["status"]) == (404, "UserNotFound")
    status, body = client.register("eve", b"this is not an image at all")
    assert (status, body["status"]) == (400, "InvalidImage")
    assert stack["item"]("cy") == {} and stack["item"]("eve") == {}


def test_register_with_id_card(stack, pictures):
    """Runs after ann registered the astronaut (tests run in file order) and before anyone
    registered Grace Hopper."""
    client, item = stack["client"], stack["item"]
    status, body = client.register_idcard("hal", pictures["astronaut_png"],
                                          pictures["hopper_id_card"])
    assert (status, body["status"]) == (422, "IdDocumentMismatch")
    assert body["similarity"] < 80 and item("hal") == {}

    status, body = client.register_idcard("hal", pictures["blurred"], pictures["id_card"])
    assert (status, body["status"]) == (409, "DuplicateFace")
    assert body["reason"] == f"duplicate of face {item('ann')['rek_faceid']}"

    status, body = client.register_idcard("ida", pictures["hopper"], pictures["hopper_id_card"])
    assert (status, body["status"], body["userid"]) == (200, "Registered", "ida")
    recorded = item("ida")
    assert recorded["rek_faceid"] == body["face_id"]
    assert recorded["similarity"] == body["similarity"] >= 80
    assert recorded["registered_via"] == "/register-idcard"
    # AnalyzeIdDocuments is on (the default): the local AnalyzeID read Grace's card.
    assert (recorded["id_first_name"], recorded["id_last_name"]) == ("GRACE", "HOPPER")
    assert recorded["id_date_of_birth"] == id_cards.GRACE.date_of_birth


def test_duplicate_face_under_another_user_id(stack, pictures):
    status, body = stack["client"].register("gus", pictures["hopper"])
    assert (status, body["status"]) == (409, "DuplicateFace")
    assert body["reason"] == f"duplicate of face {stack['item']('ida')['rek_faceid']}"
    assert stack["item"]("gus") == {}


def test_compare_gives_a_verdict(stack, pictures):
    client = stack["client"]
    status, body = client.compare(pictures["astronaut"], pictures["id_card"])
    assert (status, body["status"], body["threshold"]) == (200, "Match", 80)
    status, body = client.compare(pictures["hopper"], pictures["id_card"])
    assert (status, body["status"]) == (200, "NoMatch") and body["similarity"] < 80
    # The same person, blurred: a high score, yet short of the 100 the caller asks for (the
    # astronaut's sharp face scores 100.0 against its own ID photo).
    status, body = client.compare(pictures["blurred"], pictures["id_card"], threshold=100,
                                  quality_filter="NONE")
    assert (status, body["status"], body["threshold"]) == (200, "NoMatch", 100)
    assert body["reason"].startswith("similarity 99.") and body["reason"].endswith(" < 100")
    status, body = client.compare(pictures["coffee"], pictures["id_card"])
    assert (status, body["status"]) == (422, "NoComparableFace")


def test_bad_requests_are_refused_before_any_workflow(stack, pictures):
    client = stack["client"]
    status, body = client.post("/register", {"userid": "ann"})
    assert (status, body["status"]) == (400, "InvalidRequest")
    assert "selfie" in body["reason"]
    status, body = client.post("/auth", {"userid": "../etc", "selfie": {"Bytes": "AAAA"}})
    assert (status, body["status"]) == (400, "InvalidRequest")
    status, body = client.post("/compare", {"selfie": {"Bytes": "AAAA"},
                                            "idcard": {"Bytes": "A" * (api.MAX_INLINE_IMAGE_CHARS
                                                                       + 4)}})
    assert (status, body["status"]) == (400, "InvalidRequest")
    too_large = requests.post(stack["url"] + "/register", timeout=30,
                              data=b"{" + b" " * api.API_GATEWAY_MAX_BODY_BYTES + b"}")
    assert too_large.status_code == 413
    assert too_large.json()["status"] == "RequestTooLarge"
    assert client.post("/nowhere", {})[0] == 403


def test_the_command_line_client_calls_the_api(stack, pictures, tmp_path, capsys):
    selfie, card = tmp_path / "selfie.jpg", tmp_path / "card.jpg"
    selfie.write_bytes(pictures["astronaut"])
    card.write_bytes(pictures["id_card"])
    base = ["--stack", stack["name"], "--api-url", stack["url"]]
    assert cli.main([*base, "compare", str(selfie), str(card), "--threshold", "70"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("HTTP 200\n")
    assert json.loads(printed.split("\n", 1)[1])["status"] == "Match"
    assert cli.main([*base, "auth", "nobody", str(selfie)]) == 1
    assert capsys.readouterr().out.startswith("HTTP 404")
    assert cli.main([*base, "register", "../x", str(selfie)]) == 2


def test_forget_erases_everything_of_the_user_and_only_that(stack, pictures, capsys):
    """Runs after ida registered with Grace Hopper's ID card: her face, and her item with the
    card's fields. Pictures go under thumbnails/ only: a picture under an upload prefix would
    start the upload flows (tests/test_end_to_end.py erases a user who verified that way)."""
    client, item, s3 = stack["client"], stack["item"], stack["client"].s3
    face = item("ida")["rek_faceid"]
    assert ("ida", face) in stack["faces"]() and item("ida")["id_first_name"] == "GRACE"
    others = ["thumbnails/ida.b.jpg", "thumbnails/idaho.jpg", "thumbnails/ann.jpg"]
    for key in ["thumbnails/ida.jpg", *others]:
        s3.put_object(Bucket=client.bucket, Key=key, Body=pictures["hopper"])

    assert client.post("/user", {"userid": "ida"})[0] == 403  # DELETE only
    assert client.post("/register", {"userid": "ida"}, "DELETE")[0] == 403
    status, body = client.post("/user", {"userid": "../ida"}, "DELETE")
    assert (status, body["status"]) == (400, "InvalidRequest")
    assert item("ida")["rek_faceid"] == face

    status, body = client.forget("ida")
    assert (status, body["status"], body["userid"], body["faces_deleted"]) == (
        200, "Erased", "ida", 1)
    assert item("ida") == {}
    assert [entry for entry in stack["faces"]() if entry[0] == "ida"] == []
    listed = {entry["Key"] for entry in s3.list_objects_v2(
        Bucket=client.bucket, Prefix="thumbnails/").get("Contents", [])}
    assert "thumbnails/ida.jpg" not in listed
    assert listed >= set(others)  # another user's pictures stay, even one whose id begins so
    assert item("ann")["rek_faceid"] in {face_id for _, face_id in stack["faces"]()}

    status, body = client.forget("ida")
    assert (status, body["status"], body["reason"]) == (404, "UserNotFound",
                                                       "nothing is kept of the user id")
    base = ["--stack", stack["name"], "--api-url", stack["url"]]
    assert cli.main([*base, "forget", "ida"]) == 1
    assert capsys.readouterr().out.startswith("HTTP 404")
    assert cli.main([*base, "forget", "../ida"]) == 2


def larger_than_inline(jpeg: bytes) -> bytes:
    """The picture as PNG: too large to send inline, so the client uploads it."""
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).convert("RGB").save(png, "PNG")
    assert len(base64.b64encode(png.getvalue())) > api.MAX_INLINE_IMAGE_CHARS
    return png.getvalue()


def test_an_image_in_another_users_folder_is_refused(stack, pictures):
    client, s3 = stack["client"], stack["client"].s3
    s3.put_object(Bucket=client.bucket, Key="api/kimberly/selfie.jpg", Body=pictures["hopper"])
    image = {"S3Object": {"Bucket": client.bucket, "Name": "api/kimberly/selfie.jpg"}}
    status, body = client.post("/auth", {"userid": "ann", "selfie": image})
    assert (status, body["status"]) == (400, "InvalidRequest")
    assert body["reason"] == ("the selfie must be an S3 object under api/ann/, the folder of "
                              "the user id")
    status, body = client.post("/register-idcard", {
        "userid": "kimberly", "selfie": image, "idcard": {"S3Object": {
            "Bucket": client.bucket, "Name": "api/ann/card.jpg"}}})
    assert (status, body["status"]) == (400, "InvalidRequest")
    assert body["reason"].startswith("the ID document must be an S3 object under api/kimberly/")
    status, body = client.post("/auth", {"userid": "ann", "selfie": {"S3Object": {
        "Bucket": client.bucket, "Name": "api/selfie.jpg"}}})  # in no folder: the model's 400
    assert (status, body["status"]) == (400, "InvalidRequest")


def test_forget_leaves_nothing_of_a_user_who_used_the_api_and_the_uploads(stack, pictures):
    """Runs after ida was erased, so Grace Hopper's face is nobody's. kim registers through the
    API with a picture too large to go inline (so it lands in api/kim/), then verifies through
    the bucket; faces named for kim that no record names are planted beside them, and another
    user's face and pictures, kimberly's, whose name begins like kim's."""
    from client.uploads import ID_DOCUMENT, SELFIE, Client

    client, outputs, session = stack["client"], stack["outputs"], stack["session"]
    s3, rekognition = client.s3, session.client("rekognition")
    bucket, collection = outputs["BucketName"], outputs["CollectionId"]
    status, body = client.register("kim", larger_than_inline(pictures["hopper"]))
    assert (status, body["status"]) == (200, "Registered"), body
    assert stack["item"]("kim")["selfie_object"].startswith("api/kim/")

    uploads = Client(session, stack["name"], out=lambda _: None)
    s3.put_object(Bucket=bucket, Key="id_document/kim.jpg", Body=pictures["hopper_id_card"])
    uploads.wait(ID_DOCUMENT, "kim")
    s3.put_object(Bucket=bucket, Key="selfie/kim.jpg", Body=pictures["hopper"])
    uploads.wait(SELFIE, "kim")

    def index(picture: str, name: str) -> str:
        indexed = rekognition.index_faces(CollectionId=collection, ExternalImageId=name,
                                          Image={"Bytes": pictures[picture]}, MaxFaces=1)
        return indexed["FaceRecords"][0]["Face"]["FaceId"]

    index("hopper", "kim")  # a face no record names
    index("hopper_id_card", "_id:kim")  # the face on kim's ID document
    kept_faces = {index("astronaut", "kimberly"), index("id_card", "_id:kimberly")}
    kept_keys = {"api/kimberly/selfie.jpg", "api/kimberly/x.jpg", "selfie/kimberly.jpg",
                 "thumbnails/kimberly.jpg"}
    for key in kept_keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"kimberly's")
    s3.put_object(Bucket=bucket, Key="api/kim/extra.jpg", Body=b"kim's")

    def kims_faces() -> list[str]:
        pages = rekognition.get_paginator("list_faces").paginate(CollectionId=collection)
        return [face["FaceId"] for page in pages for face in page["Faces"]
                if face.get("ExternalImageId") in ("kim", "_id:kim")]

    def all_keys() -> set[str]:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return {entry["Key"] for page in pages for entry in page.get("Contents", [])}

    def names_kim(key: str) -> bool:
        folder, _, name = key.rpartition("/")
        return "kim" in folder.split("/") or name.rpartition(".")[0] == "kim"

    faces_before = kims_faces()
    assert len(faces_before) >= 3 and any(names_kim(key) for key in all_keys())
    api_uploads = [key for key in all_keys() if key.startswith("api/kim/")]
    assert len(api_uploads) == 2

    status, body = client.forget("kim")
    assert (status, body["status"]) == (200, "Erased"), body
    assert (body["faces_deleted"], body["api_uploads_deleted"]) == (len(faces_before), 2)
    assert stack["item"]("kim") == {}
    assert kims_faces() == []
    assert [key for key in all_keys() if names_kim(key)] == []
    assert kept_keys <= all_keys()
    listed = {face["FaceId"] for page in rekognition.get_paginator("list_faces").paginate(
        CollectionId=collection) for face in page["Faces"]}
    assert kept_faces <= listed
    assert client.forget("kim")[0] == 404
