"""Scenarios of ``DELETE /user``."""

from __future__ import annotations

from .. import api_common as api
from .. import forget as wf
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
# POST /update indexed a new face but could not delete the old one, which the item still names.
UPDATE_LEFT_A_FACE = {**REGISTERED, "rek_faceid": mock.NEW_FACE_ID,
                      "previous_faceid": mock.REGISTERED_FACE_ID}
OLD_FACE_LEFT = {name: value for name, value in UPDATE_LEFT_A_FACE.items()
                 if name != "rek_faceid"}
GONE = dict.fromkeys(UPDATE_LEFT_A_FACE)  # every attribute absent: no item
FOUND = (wf.READ, wf.KNOWN, wf.FACE_RECORDED)
PICTURES_DELETED = returns("DeleteObjectsAllDeleted", {})
PICTURE_REFUSED = returns("DeleteObjectsOneRefused", {"Errors": [
    {"Key": f"selfie/{USER}.jpg", "Code": "AccessDenied", "Message": "Access Denied"}]})
BOTH_FACES_DELETED = returns("DeleteFacesNewAndOldFace", {
    "DeletedFaces": [mock.NEW_FACE_ID, mock.REGISTERED_FACE_ID], "UnsuccessfulFaceDeletions": []})
FACE_ALREADY_GONE = returns("DeleteFacesNoneDeleted", {"DeletedFaces": [],
                                                       "UnsuccessfulFaceDeletions": []})
NO_BUCKET = throws("DeleteObjectsNoSuchBucket", "S3.NoSuchBucketException",
                   "The specified bucket does not exist (Service: S3, Status Code: 404)",
                   times=1 + S3_RETRIES)


def erased(name: str, description: str, *, seed: dict, mocks: dict, path: tuple,
           faces: int):
    return api_scenario(
        wf.NAME, name, description, request=REQUEST, mocks=mocks, seed_item=seed,
        path=path + (wf.DELETE_OBJECTS, wf.ALL_DELETED, wf.DELETE_ITEM, wf.ANSWER),
        item=GONE, answer={"status": "Erased", "userid": USER, "faces_deleted": faces,
                           "picture_keys_cleared": KEYS})


SCENARIOS = [
    erased("Erased", "A registered user is erased: the face, the pictures, then the record.",
           seed=REGISTERED, faces=1,
           mocks={wf.DELETE_FACE: mock.OLD_FACE_DELETED, wf.DELETE_OBJECTS: PICTURES_DELETED},
           path=FOUND + (wf.NAME_FACE, wf.DELETE_FACE)),
    erased("UpdateLeftAFace", "POST /update could not delete the old face, which the item "
           "names as previous_faceid: both faces are deleted.", seed=UPDATE_LEFT_A_FACE,
           faces=2, mocks={wf.DELETE_FACE: BOTH_FACES_DELETED,
                           wf.DELETE_OBJECTS: PICTURES_DELETED},
           path=FOUND + (wf.NAME_BOTH_FACES, wf.DELETE_FACE)),
    erased("OnlyAnOldFaceLeft", "A new selfie is being checked (the starter took the "
           "registered face out) and an update had left its old face behind: that face goes.",
           seed={**OLD_FACE_LEFT, "identity_verify_status": "processing"},
           faces=1, mocks={wf.DELETE_FACE: mock.OLD_FACE_DELETED,
                           wf.DELETE_OBJECTS: PICTURES_DELETED},
           path=FOUND + (wf.NAME_PREVIOUS_FACE, wf.DELETE_FACE)),
    erased("FaceAlreadyGone", "The recorded face is no longer in the collection (an earlier "
           "erasure stopped half-way): the rest is erased all the same.", seed=REGISTERED,
           faces=0, mocks={wf.DELETE_FACE: FACE_ALREADY_GONE,
                           wf.DELETE_OBJECTS: PICTURES_DELETED},
           path=FOUND + (wf.NAME_FACE, wf.DELETE_FACE)),
    erased("NeverRegistered", "A user whose selfie was turned down has no face: the pictures "
           "and the record go.", seed={"identity_verify_status": "fail", "id_face_count": 1},
           faces=0, mocks={wf.DELETE_OBJECTS: PICTURES_DELETED}, path=FOUND + (wf.NO_FACE,)),
    api_scenario(
        wf.NAME, "NothingKept", "Nothing is kept of the user id (never seen, or erased "
        "already): 404, and nothing is touched.", request=REQUEST, mocks={}, seed_item=None,
        path=(wf.READ, wf.KNOWN, wf.NOTHING_KEPT) + FAILURE_TAIL, error="UserNotFound",
        item=GONE, answer={"status": "UserNotFound", "userid": USER,
                           "reason": "nothing is kept of the user id"}),
    api_scenario(
        wf.NAME, "PictureLeft", "S3 refuses to delete one picture: the record stays, so that "
        "the same request can finish the erasure.", request=REQUEST, seed_item=REGISTERED,
        mocks={wf.DELETE_FACE: mock.OLD_FACE_DELETED, wf.DELETE_OBJECTS: PICTURE_REFUSED},
        path=FOUND + (wf.NAME_FACE, wf.DELETE_FACE, wf.DELETE_OBJECTS, wf.ALL_DELETED,
                      wf.OBJECTS_LEFT)
        + FAILURE_TAIL, error="ServiceError", item={"rek_faceid": mock.REGISTERED_FACE_ID},
        answer={"status": "ServiceError", "userid": USER,
                "reason": "S3 could not delete 1 pictures of the user; the record is kept, "
                          "so the request can be repeated"}),
    api_scenario(
        wf.NAME, "FaceServiceFault", "Rekognition refuses DeleteFaces: nothing else is "
        "deleted, and the answer says why.", request=REQUEST, seed_item=REGISTERED,
        mocks={wf.DELETE_FACE: mock.DELETE_DENIED},
        path=FOUND + (wf.NAME_FACE, wf.DELETE_FACE, api.DESCRIBE_ERROR) + FAILURE_TAIL,
        error="ServiceError", item={"rek_faceid": mock.REGISTERED_FACE_ID,
                                    "id_first_name": "ERIN"},
        answer={"status": "ServiceError", "userid": USER}),
    api_scenario(
        wf.NAME, "StorageFault", "S3 fails the whole request (the bucket is gone): the record "
        "stays.",
        request=REQUEST, seed_item=REGISTERED,
        mocks={wf.DELETE_FACE: mock.OLD_FACE_DELETED, wf.DELETE_OBJECTS: NO_BUCKET},
        path=FOUND + (wf.NAME_FACE, wf.DELETE_FACE, wf.DELETE_OBJECTS, api.DESCRIBE_ERROR)
        + FAILURE_TAIL,
        error="ServiceError", item={"rek_faceid": mock.REGISTERED_FACE_ID},
        answer={"status": "ServiceError", "userid": USER}),
]
