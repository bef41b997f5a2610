"""Named mocked Rekognition answers shared by the scenarios."""

from __future__ import annotations

from contract.item import ID_FACE_NAME_PREFIX

from ..common import SEARCH_MAX_FACES
from ..registered_faces import (
    IS_ID_FACE,
    KEEP_REGISTERED_FACE,
    KEEP_REGISTERED_FACES,
    LEAVE_OUT_ID_FACE,
)
from . import Mock, returns, throws
from . import rekognition as rk

THROTTLED = ("Rekognition.ThrottlingException",
             "Slow down: the request rate is higher than the account's limit.")
# An aws-sdk error takes the Exception suffix even where the API names it without one.
INTERNAL_ERROR = ("Rekognition.InternalServerErrorException",
                  "Amazon Rekognition experienced a service issue. Try your call again.")
ACCESS_DENIED = ("Rekognition.AccessDeniedException",
                 "User is not authorized to perform: rekognition:CompareFaces")
NO_FACE_IN_IMAGE = ("Rekognition.InvalidParameterException",
                    "Request has invalid parameters: no face detected in the source image")
# Initial attempt plus every retry of common.RETRY_REKOGNITION.
ALL_ATTEMPTS = 1 + 4

ONE_GOOD_FACE = returns("DetectFacesOneGoodFace", rk.detect_faces(rk.face_detail()))
NO_FACE = returns("DetectFacesNoFace", rk.detect_faces())
TWO_FACES = returns("DetectFacesTwoFaces",
                    rk.detect_faces(rk.face_detail(left=0.05), rk.face_detail(left=0.55)))
LOW_CONFIDENCE = returns("DetectFacesLowConfidence",
                         rk.detect_faces(rk.face_detail(confidence=97.5)))
SUNGLASSES = returns("DetectFacesSunglasses", rk.detect_faces(rk.face_detail(sunglasses=True)))
EYES_CLOSED = returns("DetectFacesEyesClosed", rk.detect_faces(rk.face_detail(eyes_open=False)))
HEAD_TURNED = returns("DetectFacesHeadTurned", rk.detect_faces(rk.face_detail(yaw=52.5)))
THROTTLED_TWICE = throws("DetectFacesThrottledTwice", *THROTTLED, times=2,
                         then=rk.detect_faces(rk.face_detail()))
ALWAYS_THROTTLED = throws("DetectFacesAlwaysThrottled", *THROTTLED, times=ALL_ATTEMPTS)
DETECT_DENIED = throws("DetectFacesAccessDenied", "Rekognition.AccessDeniedException",
                       "User is not authorized to perform: rekognition:DetectFaces")

NO_DUPLICATE = returns("SearchFacesNoMatch", rk.search_faces_by_image())
DUPLICATE = returns("SearchFacesDuplicate", rk.search_faces_by_image(
    (99.3, "0b7c9a52-6d1e-4f7b-9e0a-3c2d1b4a5f60", "bob")))

# The face on a user's ID document (CompareMode COLLECTION), first among the matches: no
# registration, so a search that finds only it has found nothing, and one that finds a
# registration after it has found that registration.
ID_FACE_ID = "7c2e9f14-3b6a-4d8e-a1f5-2e9d7c4b6a13"
ONLY_AN_ID_FACE = returns("SearchFacesOnlyAnIdFace", rk.search_faces_by_image(
    (99.6, ID_FACE_ID, f"{ID_FACE_NAME_PREFIX}bob")))
ID_FACE_THEN_DUPLICATE = returns("SearchFacesIdFaceThenDuplicate", rk.search_faces_by_image(
    (99.6, ID_FACE_ID, f"{ID_FACE_NAME_PREFIX}bob"),
    (99.3, "0b7c9a52-6d1e-4f7b-9e0a-3c2d1b4a5f60", "bob")))




def id_faces(count: int) -> dict:
    """A search's answer of ``count`` faces on ID documents of users with user ids of the
    longest kind (100 characters)."""
    return rk.search_faces_by_image(
        *((99.6 - index / 10, f"7c2e9f14-3b6a-4d8e-a1f5-2e9d7c4b6a{index:02d}",
           f"{ID_FACE_NAME_PREFIX}{'x' * 98}{index:02d}") for index in range(count)))


# One face fewer than a search asks for, all on ID documents: no duplicate, and the most a
# search that registers adds to the state.
ID_FACES_BELOW_THE_LIMIT = returns("SearchFacesIdFacesBelowTheLimit",
                                   id_faces(SEARCH_MAX_FACES - 1))
# As many as it asks for, all on ID documents: a registration may rank below them.
ID_FACES_TO_THE_LIMIT = returns("SearchFacesIdFacesToTheLimit", id_faces(SEARCH_MAX_FACES))


def searched(search: str, answer: Mock) -> tuple[str, ...]:
    """The states a search (the state named ``search``) and the registered faces' filter after
    it enter when the search answers ``answer``: for each match, the question and whether the
    match is left out (an ID document's face) or kept."""
    body = answer.attempts[-1][1].get("Return")
    if body is None:
        return (search,)
    path = [search, KEEP_REGISTERED_FACES]
    for match in body["FaceMatches"]:
        name = match["Face"].get("ExternalImageId", "")
        path += [IS_ID_FACE, LEAVE_OUT_ID_FACE if name.startswith(ID_FACE_NAME_PREFIX)
                 else KEEP_REGISTERED_FACE]
    return tuple(path)


SIMILAR = returns("CompareFacesSimilar", rk.compare_faces(98.25))
NOT_SIMILAR = returns("CompareFacesNotSimilar", rk.compare_faces(57.6106))
# Another person's face, scored all the same (SimilarityThreshold 0), so low that its text form
# carries an exponent: 1.23e-05.
STRANGER = returns("CompareFacesStranger", rk.compare_faces(1.23e-05))
AT_THRESHOLD = returns("CompareFacesAtThreshold", rk.compare_faces(80))
NO_MATCHES = returns("CompareFacesNoMatches", rk.compare_faces(unmatched=1))
NO_COMPARABLE_FACE = throws("CompareFacesNoFace", *NO_FACE_IN_IMAGE)
COMPARE_DENIED = throws("CompareFacesAccessDenied", *ACCESS_DENIED)

INDEXED_FACE_ID = "3f1d2c4b-8a7e-4e6f-b5d0-9c1a2b3e4f50"
INDEXED = returns("IndexFacesIndexed", rk.index_faces(INDEXED_FACE_ID, "alice"))
NOT_INDEXED = returns("IndexFacesNothingIndexed", rk.index_faces(None, "alice"))
FACE_DELETED = returns("DeleteFacesDeleted", {"DeletedFaces": [INDEXED_FACE_ID],
                                              "UnsuccessfulFaceDeletions": []})
TABLE_MISSING = ("DynamoDB.ResourceNotFoundException", "Requested resource not found")
RECORD_REFUSED = throws("UpdateItemTableMissing", *TABLE_MISSING)
CONDITION_FAILED = throws("UpdateItemConditionFailed", "DynamoDB.ConditionalCheckFailedException",
                          "The conditional request failed")
BAD_IMAGE_FORMAT = ("Rekognition.InvalidImageFormatException",
                    "Request has invalid image format")
DETECT_BAD_FORMAT = throws("DetectFacesBadFormat", *BAD_IMAGE_FORMAT)

ID_FIELDS = {"FIRST_NAME": "ALICE", "LAST_NAME": "MARTIN", "MIDDLE_NAME": "",
             "DATE_OF_BIRTH": "12 MAR 1990", "DOCUMENT_NUMBER": "X4RTBPFW4",
             "EXPIRATION_DATE": "01 JAN 2031", "ADDRESS": ""}
ID_READ = returns("AnalyzeIdRead", rk.analyze_id(ID_FIELDS))
ID_NO_FIELDS = returns("AnalyzeIdNoFields", rk.analyze_id({"ADDRESS": ""}))
ID_UNSUPPORTED = throws("AnalyzeIdUnsupported", "Textract.UnsupportedDocumentException",
                        "The document is not a supported identity document")
ID_FIELDS_ITEM = {"id_first_name": "ALICE", "id_last_name": "MARTIN",
                  "id_date_of_birth": "12 MAR 1990", "id_document_number": "X4RTBPFW4",
                  "id_expiry": "01 JAN 2031"}
NO_ID_FIELDS_ITEM = dict.fromkeys(ID_FIELDS_ITEM, "")

COMPARE_BAD_FORMAT = throws("CompareFacesBadFormat", *BAD_IMAGE_FORMAT)
STORED_SELFIE_GONE = throws("CompareFacesStoredSelfieGone",
                            "Rekognition.InvalidS3ObjectException",
                            "Unable to get object metadata from S3. Check object key, region "
                            "and/or access permissions.")
REGISTERED_FACE_ID = "5e0c1b7a-9d2f-4c1e-8a3b-7f6e5d4c3b2a"
USERS_FACE_FOUND = returns("SearchFacesUsersFace", rk.search_faces_by_image(
    (99.1, REGISTERED_FACE_ID, "dave")))
SOMEONE_ELSE_FOUND = DUPLICATE
# The user's own ID document's face scores above their registered face, or is all there is.
USERS_ID_FACE_FIRST = returns("SearchFacesUsersIdFaceFirst", rk.search_faces_by_image(
    (99.4, ID_FACE_ID, f"{ID_FACE_NAME_PREFIX}dave"), (99.1, REGISTERED_FACE_ID, "dave")))
ONLY_USERS_ID_FACE = returns("SearchFacesOnlyUsersIdFace", rk.search_faces_by_image(
    (99.4, ID_FACE_ID, f"{ID_FACE_NAME_PREFIX}dave")))
NEW_FACE_ID = "9a8b7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c0d"
NEW_FACE_INDEXED = returns("IndexFacesNewFace", rk.index_faces(NEW_FACE_ID, "dave"))
OLD_FACE_DELETED = returns("DeleteFacesOldFace", {"DeletedFaces": [REGISTERED_FACE_ID],
                                                  "UnsuccessfulFaceDeletions": []})
DELETE_DENIED = throws("DeleteFacesAccessDenied", "Rekognition.AccessDeniedException",
                       "User is not authorized to perform: rekognition:DeleteFaces")

THUMBNAIL_KEY = "thumbnails/alice.jpg"
THUMBNAIL_MADE = returns("InvokeThumbnailMade", {
    "StatusCode": 200, "ExecutedVersion": "$LATEST",
    "Payload": {"bucket": "ekyc-test-uploads", "key": THUMBNAIL_KEY, "width": 250,
                "height": 188}})
THUMBNAIL_REFUSED = throws("InvokeThumbnailRefused", "ThumbnailError",
                           "selfie/alice.jpg is not a JPEG or PNG image")
INDEX_DENIED = throws("IndexFacesAccessDenied", "Rekognition.AccessDeniedException",
                      "User is not authorized to perform: rekognition:IndexFaces")

# IndexFaces with all attributes: what the verification's quality gate reads.
SEARCH_NO_FACE = throws("SearchFacesNoFace", "Rekognition.InvalidParameterException",
                        "Request has invalid parameters: there are no faces in the image")
SEARCH_THROTTLED_TWICE = throws("SearchFacesThrottledTwice", *THROTTLED, times=2,
                                then=rk.search_faces_by_image())
INDEX_ALWAYS_THROTTLED = throws("IndexFacesAlwaysThrottled", *THROTTLED, times=ALL_ATTEMPTS)
INDEX_INTERNAL_ERROR_ONCE = throws(
    "IndexFacesInternalErrorOnce", *INTERNAL_ERROR,
    then=rk.index_faces(INDEXED_FACE_ID, "alice", detail=rk.face_detail()))


def _indexed(name: str, **face) -> object:
    return returns(name, rk.index_faces(INDEXED_FACE_ID, "alice",
                                        detail=rk.face_detail(**face)))


INDEXED_ALL = _indexed("IndexFacesAllAttributes")
INDEXED_TWO_FACES = returns("IndexFacesTwoFaces", rk.index_faces(
    INDEXED_FACE_ID, "alice", detail=rk.face_detail(), more_faces=1))
INDEXED_LOW_CONFIDENCE = _indexed("IndexFacesLowConfidence", confidence=97.5)
INDEXED_SUNGLASSES = _indexed("IndexFacesSunglasses", sunglasses=True)
INDEXED_EYES_CLOSED = _indexed("IndexFacesEyesClosed", eyes_open=False)
INDEXED_HEAD_TURNED = _indexed("IndexFacesHeadTurned", yaw=52.5)

NOT_AN_IMAGE_CAUSE = "Request has invalid image format"
SEARCH_BAD_FORMAT = throws("SearchFacesBadFormat", "Rekognition.InvalidImageFormatException",
                           NOT_AN_IMAGE_CAUSE)
DETECT_TOO_LARGE = throws("DetectFacesTooLarge", "Rekognition.ImageTooLargeException",
                          "Image size is too large")
PUBLISH_DENIED = throws("PublishDenied", "SNS.AuthorizationErrorException",
                        "User is not authorized to perform: SNS:Publish")

# Every field answered, but two we keep with an empty text: Textract could not read them.
ID_FIELDS_EMPTY = returns("AnalyzeIdFieldsEmpty", rk.analyze_id(
    {**ID_FIELDS, "DOCUMENT_NUMBER": "", "EXPIRATION_DATE": ""}))

# Crowds, for the largest requests. DetectFaces describes each face with every attribute (some
# 3.5 KB a face), CompareFaces scores every face of the target (some 1 KB each): beside two
# inline images at the API's limit, either answer kept whole would pass the 256 KiB quota.
CROWD = 10
CROWD_IN_SELFIE = returns("DetectFacesCrowd", rk.detect_faces(
    *(rk.full_face_detail(seed) for seed in range(CROWD))))
ONE_FULL_FACE = returns("DetectFacesOneFullFace", rk.detect_faces(rk.full_face_detail(7)))
CROWD_ON_ID_CARD = returns("CompareFacesCrowdOnIdCard", rk.compare_faces_crowd(98.25, 30))
