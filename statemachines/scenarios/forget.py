"""Scenarios of ``DELETE /user``."""

from __future__ import annotations

from contract.item import ID_FACE_NAME_PREFIX

from .. import api_common as api
from .. import forget as wf
from .. import forget_sweeps as sweep
from ..common import S3_RETRIES
from . import BUCKET, returns, throws
from . import library as mock
from .api import FAILURE_TAIL, api_scenario

USER = "erin"
REQUEST = {"userid": USER}
KEYS = len(wf.user_keys())
REGISTERED = {"rek_faceid": mock.REGISTERED_FACE_ID, "selfie_bucket": BUCKET,
              "selfie_object": f"selfie/{USER}.jpg", "identity_verify_status": "pass",
              "id_first_name": "ERIN", "thumbnail_key": f"thumbnails/{USER}.jpg"}
GONE = dict.fromkeys(REGISTERED)  # every attribute absent: no item

# Faces in the collection, as ListFaces describes them.
ID_FACE_ID = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f"
STRAY_FACE_ID = "7d6c5b4a-3f2e-4d1c-8b0a-9f8e7d6c5b4a"
BOBS_FACE_ID = "0b7c9a52-6d1e-4f7b-9e0a-3c2d1b4a5f60"
NAMELESS_FACE_ID = "4a5b6c7d-8e9f-4a0b-8c1d-2e3f4a5b6c7d"


def face(face_id: str, name: str | None) -> dict:
    described = {"FaceId": face_id, "ImageId": "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b",
                 "BoundingBox": {"Width": 0.31, "Height": 0.42, "Left": 0.33, "Top": 0.21},
                 "Confidence": 99.99, "IndexFacesModelVersion": "7.0"}
    return {**described, "ExternalImageId": name} if name is not None else described


def faces_page(name: str, *faces: dict, next_token: str | None = None):
    body = {"Faces": list(faces), "FaceModelVersion": "7.0"}
    return returns(name, {**body, "NextToken": next_token} if next_token else body)


def uploads_page(name: str, *keys: str, token: str | None = None):
    body = {"IsTruncated": token is not None, "KeyCount": len(keys), "MaxKeys":
            sweep.KEYS_PER_PAGE, "Name": BUCKET, "Prefix": f"api/{USER}/"}
    if keys:
        body["Contents"] = [{"Key": key, "LastModified": "2026-11-25T10:00:00Z",
                             "ETag": '"9b2cf535f27731c974343645a3985328"', "Size": 512000,
                             "StorageClass": "STANDARD"} for key in keys]
    if token:
        body["NextContinuationToken"] = token
    return returns(name, body)


# The user's registered face, the face on the user's ID document, another user's face and a
# face indexed without a name.
MIXED_PAGE = faces_page("ListFacesMixedPage", face(mock.REGISTERED_FACE_ID, USER),
                        face(BOBS_FACE_ID, "bob"),
                        face(ID_FACE_ID, ID_FACE_NAME_PREFIX + USER),
                        face(NAMELESS_FACE_ID, None))
OTHERS_PAGE = faces_page("ListFacesOthersPage", face(BOBS_FACE_ID, "bob"),
                         next_token="eyJzZXEiOiA0MDk2fQ")
# A face no record names: indexed for the user by a verification that ended after an erasure.
STRAY_PAGE = faces_page("ListFacesStrayFacePage", face(STRAY_FACE_ID, USER))
EMPTY_COLLECTION = faces_page("ListFacesEmptyCollection")
TWO_DELETED = returns("DeleteFacesRegisteredAndIdFace", {
    "DeletedFaces": [mock.REGISTERED_FACE_ID, ID_FACE_ID], "UnsuccessfulFaceDeletions": []})
STRAY_DELETED = returns("DeleteFacesStrayFace", {"DeletedFaces": [STRAY_FACE_ID],
                                                 "UnsuccessfulFaceDeletions": []})
LIST_DENIED = throws("ListFacesAccessDenied", "Rekognition.AccessDeniedException",
                     "User is not authorized to perform: rekognition:ListFaces")

TWO_UPLOADS = uploads_page("ListObjectsTwoUploads", f"api/{USER}/a1.jpg", f"api/{USER}/b2.png")
FIRST_UPLOADS = uploads_page("ListObjectsFirstPage", f"api/{USER}/a1.jpg", token="1ueGcxLPRx1T")
LAST_UPLOADS = uploads_page("ListObjectsLastPage", f"api/{USER}/b2.png")
NO_UPLOADS = uploads_page("ListObjectsNoUploads")
PICTURES_DELETED = returns("DeleteObjectsAllDeleted", {})
PICTURE_REFUSED = returns("DeleteObjectsOneRefused", {"Errors": [
    {"Key": f"selfie/{USER}.jpg", "Code": "AccessDenied", "Message": "Access Denied"}]})
NO_BUCKET = throws("DeleteObjectsNoSuchBucket", "S3.NoSuchBucketException",
                   "The specified bucket does not exist (Service: S3, Status Code: 404)",
                   times=1 + S3_RETRIES)

FOUND = (wf.READ, wf.CAME_BACK, sweep.NAME_FACES, sweep.LIST_FACES, sweep.PICK_FACES)
# Each iteration of the Map decides whose face it is; the path lists the iterations in the
# order of their states in the definition (harness.scenario_runner.iterations).
MIXED_PICKED = (sweep.WHOSE_FACE, sweep.USERS_FACE) * 2 + (
    sweep.WHOSE_FACE, sweep.NAMELESS_FACE, sweep.WHOSE_FACE, sweep.OTHER_FACE)
FACES_DELETED = (sweep.ANY_FACES, sweep.DELETE_FACES, sweep.COUNT_FACES, sweep.MORE_FACES)
NO_FACE_OF_THE_USER = (sweep.ANY_FACES, sweep.MORE_FACES)
TWO_UPLOADS_DELETED = (sweep.LIST_UPLOADS, sweep.ANY_UPLOADS, sweep.NAME_UPLOADS,
                       sweep.NAME_UPLOAD, sweep.NAME_UPLOAD, sweep.DELETE_UPLOADS,
                       sweep.UPLOADS_DELETED, sweep.COUNT_UPLOADS, sweep.MORE_UPLOADS)
NO_UPLOAD = (sweep.LIST_UPLOADS, sweep.ANY_UPLOADS, sweep.MORE_UPLOADS)
SWEPT = FOUND + MIXED_PICKED + FACES_DELETED + TWO_UPLOADS_DELETED
MIXED = {sweep.LIST_FACES: MIXED_PAGE, sweep.DELETE_FACES: TWO_DELETED,
         sweep.LIST_UPLOADS: TWO_UPLOADS, sweep.DELETE_UPLOADS: PICTURES_DELETED}


def erased(name: str, description: str, *, seed: dict, mocks: dict, path: tuple,
           faces: int, uploads: int):
    return api_scenario(
        wf.NAME, name, description, request=REQUEST,
        mocks={**mocks, wf.DELETE_OBJECTS: PICTURES_DELETED}, seed_item=seed,
        path=path + (wf.DELETE_OBJECTS, wf.ALL_DELETED, wf.KNOWN)
        + ((wf.DELETE_ITEM,) if seed else (wf.ANYTHING_ERASED,)) + (wf.ANSWER,),
        item=GONE, answer={"status": "Erased", "userid": USER, "faces_deleted": faces,
                           "api_uploads_deleted": uploads, "picture_keys_cleared": KEYS})


def refused(name: str, description: str, *, mocks: dict, path: tuple, reason: str | None = None):
    """S3 or Rekognition fails the erasure: the record stays, so the request can be repeated."""
    return api_scenario(
        wf.NAME, name, description, request=REQUEST, seed_item=REGISTERED, mocks=mocks,
        path=path + FAILURE_TAIL, error="ServiceError",
        item={"rek_faceid": mock.REGISTERED_FACE_ID, "id_first_name": "ERIN"},
        answer={"status": "ServiceError", "userid": USER,
                **({"reason": reason} if reason else {})})


SCENARIOS = [
    erased("Erased", "A registered user is erased: of the collection's faces, the user's own "
           "and the one on the user's ID document (another user's and a nameless one stay), "
           "then the API uploads, the pictures and the record.", seed=REGISTERED, faces=2,
           uploads=2, mocks=MIXED, path=SWEPT),
    erased("ManyPages", "The collection and the user's API folder take two pages each: a face "
           "no record names is found on the second page of faces.", seed=REGISTERED, faces=1,
           uploads=2,
           mocks={sweep.LIST_FACES: OTHERS_PAGE, sweep.LIST_MORE_FACES: STRAY_PAGE,
                  sweep.DELETE_FACES: STRAY_DELETED, sweep.LIST_UPLOADS: FIRST_UPLOADS,
                  sweep.LIST_MORE_UPLOADS: LAST_UPLOADS,
                  sweep.DELETE_UPLOADS: PICTURES_DELETED},
           path=FOUND + (sweep.WHOSE_FACE, sweep.OTHER_FACE) + NO_FACE_OF_THE_USER
           + (sweep.LIST_MORE_FACES, sweep.PICK_FACES, sweep.WHOSE_FACE, sweep.USERS_FACE)
           + FACES_DELETED
           + (sweep.LIST_UPLOADS, sweep.ANY_UPLOADS, sweep.NAME_UPLOADS, sweep.NAME_UPLOAD,
              sweep.DELETE_UPLOADS, sweep.UPLOADS_DELETED, sweep.COUNT_UPLOADS,
              sweep.MORE_UPLOADS, sweep.LIST_MORE_UPLOADS, sweep.ANY_UPLOADS,
              sweep.NAME_UPLOADS, sweep.NAME_UPLOAD, sweep.DELETE_UPLOADS,
              sweep.UPLOADS_DELETED, sweep.COUNT_UPLOADS, sweep.MORE_UPLOADS)),
    erased("NeverRegistered", "A user whose selfie was turned down has no face and sent "
           "nothing through the API: the pictures and the record go.",
           seed={"identity_verify_status": "fail", "id_face_count": 1}, faces=0, uploads=0,
           mocks={sweep.LIST_FACES: EMPTY_COLLECTION, sweep.LIST_UPLOADS: NO_UPLOADS},
           path=FOUND + NO_FACE_OF_THE_USER + NO_UPLOAD),
    erased("FacesOutlivedTheRecord", "No record is kept of the user, but a face named after "
           "the user is (indexed by a verification whose clean-up failed): it is erased.",
           seed=None, faces=1, uploads=0,
           mocks={sweep.LIST_FACES: STRAY_PAGE, sweep.DELETE_FACES: STRAY_DELETED,
                  sweep.LIST_UPLOADS: NO_UPLOADS},
           path=FOUND + (sweep.WHOSE_FACE, sweep.USERS_FACE) + FACES_DELETED + NO_UPLOAD),
    erased("UploadsOutlivedTheRecord", "No record is kept of the user, but API uploads are "
           "(a registration refused before anything was recorded): they are erased.",
           seed=None, faces=0, uploads=2,
           mocks={sweep.LIST_FACES: EMPTY_COLLECTION, sweep.LIST_UPLOADS: TWO_UPLOADS,
                  sweep.DELETE_UPLOADS: PICTURES_DELETED},
           path=FOUND + NO_FACE_OF_THE_USER + TWO_UPLOADS_DELETED),
    api_scenario(
        wf.NAME, "UserCameBack", "The record expired (time to live), but before its erasure "
        "ran the user uploaded again: an item is kept again, so nothing is erased.",
        request={**REQUEST, wf.RECORD_EXPIRED: True}, mocks={},
        seed_item={"identity_verify_status": "processing"},
        path=(wf.READ, wf.CAME_BACK, wf.NOT_ABANDONED),
        item={"identity_verify_status": "processing"},
        answer={"status": "NothingErased", "userid": USER,
                "reason": "the user uploaded again after the record expired"}),
    api_scenario(
        wf.NAME, "ExpiredRecordSwept", "The record expired (time to live): the face on the ID "
        "document it left is erased.", request={**REQUEST, wf.RECORD_EXPIRED: True},
        mocks={sweep.LIST_FACES: faces_page("ListFacesLeftIdFace",
                                            face(ID_FACE_ID, ID_FACE_NAME_PREFIX + USER)),
               sweep.DELETE_FACES: returns("DeleteFacesLeftIdFace", {
                   "DeletedFaces": [ID_FACE_ID], "UnsuccessfulFaceDeletions": []}),
               sweep.LIST_UPLOADS: NO_UPLOADS, wf.DELETE_OBJECTS: PICTURES_DELETED},
        seed_item=None,
        path=(wf.READ, wf.CAME_BACK, sweep.NAME_FACES, sweep.LIST_FACES, sweep.PICK_FACES,
              sweep.WHOSE_FACE, sweep.USERS_FACE) + FACES_DELETED + NO_UPLOAD
        + (wf.DELETE_OBJECTS, wf.ALL_DELETED, wf.KNOWN, wf.ANYTHING_ERASED, wf.ANSWER),
        item=GONE, answer={"status": "Erased", "userid": USER, "faces_deleted": 1,
                           "api_uploads_deleted": 0, "picture_keys_cleared": KEYS}),
    api_scenario(
        wf.NAME, "NothingKept", "Nothing is kept of the user id (never seen, or erased "
        "already): both sweeps find nothing, and the answer is 404.", request=REQUEST,
        mocks={sweep.LIST_FACES: faces_page("ListFacesOthersOnly", face(BOBS_FACE_ID, "bob")),
               sweep.LIST_UPLOADS: NO_UPLOADS, wf.DELETE_OBJECTS: PICTURES_DELETED},
        seed_item=None,
        path=FOUND + (sweep.WHOSE_FACE, sweep.OTHER_FACE) + NO_FACE_OF_THE_USER + NO_UPLOAD
        + (wf.DELETE_OBJECTS, wf.ALL_DELETED, wf.KNOWN, wf.ANYTHING_ERASED, wf.NOTHING_KEPT)
        + FAILURE_TAIL, error="UserNotFound",
        item=GONE, answer={"status": "UserNotFound", "userid": USER,
                           "reason": "nothing is kept of the user id"}),
    refused("PictureLeft", "S3 refuses to delete one picture: the record stays, so that the "
            "same request can finish the erasure.",
            mocks={**MIXED, wf.DELETE_OBJECTS: PICTURE_REFUSED},
            path=SWEPT + (wf.DELETE_OBJECTS, wf.ALL_DELETED, wf.OBJECTS_LEFT),
            reason="S3 could not delete 1 pictures of the user; the record is kept, so the "
                   "request can be repeated"),
    refused("UploadLeft", "S3 refuses to delete one API upload: the record stays.",
            mocks={**MIXED, sweep.DELETE_UPLOADS: PICTURE_REFUSED},
            path=FOUND + MIXED_PICKED + FACES_DELETED
            + (sweep.LIST_UPLOADS, sweep.ANY_UPLOADS, sweep.NAME_UPLOADS, sweep.NAME_UPLOAD,
               sweep.NAME_UPLOAD, sweep.DELETE_UPLOADS, sweep.UPLOADS_DELETED, wf.OBJECTS_LEFT),
            reason="S3 could not delete 1 pictures of the user; the record is kept, so the "
                   "request can be repeated"),
    refused("FaceServiceFault", "Rekognition refuses ListFaces: nothing is deleted, and the "
            "answer says why.", mocks={sweep.LIST_FACES: LIST_DENIED},
            path=(wf.READ, wf.CAME_BACK, sweep.NAME_FACES, sweep.LIST_FACES,
                  api.DESCRIBE_ERROR)),
    refused("StorageFault", "S3 fails the whole request (the bucket is gone): the record "
            "stays.", mocks={**MIXED, wf.DELETE_OBJECTS: NO_BUCKET},
            path=SWEPT + (wf.DELETE_OBJECTS, api.DESCRIBE_ERROR)),
]
