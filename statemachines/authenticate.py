"""``POST /auth``: is the person on this selfie the registered user?

After the quality gate the selfie is compared with the user's stored selfie, where one is
known (uploaded through the bucket, or registered from an S3 object). Without one, or when the
compare cannot decide, the collection is searched instead: the user is verified only if the
best registered face in the whole collection is their own, so a selfie that looks more like
somebody else is denied. The faces on ID documents are no registrations (``registered_faces``):
a match with one, the user's own ID face included, verifies nobody. ``add_authentication`` is
shared with ``/update``.
"""

from __future__ import annotations

from contract import item

from . import asl
from . import quality_gate as gate
from .api_common import DESCRIBE_ERROR, SELFIE, Answers, add_folder_checks
from .api_requests import Request
from .common import RETRY_REKOGNITION, get_user, image_parameter, s3_image
from .common import settings_state as _settings_state
from .registered_faces import add_registered_face_search

NAME = "authenticate"
TITLE = "Authenticate"
ROUTE = "/auth"
REQUEST = Request("AuthRequest", "UserSelfie", images=("selfie",))

READ_THRESHOLDS = "Read thresholds"
GET_USER = "Get user record"
REGISTERED = "Is the user registered?"
NOT_REGISTERED = "User not registered"
STORED_SELFIE = "Is a stored selfie known?"
COMPARE_STORED = "Compare with the stored selfie"
STORED_MATCHES = "Does the selfie match the stored selfie?"
VERIFIED_BY_COMPARE = "Verified by the stored selfie"
SEARCH_USER = "Search the collection for the face"
USERS_FACE = "Is the best registered face the user's?"
VERIFIED_BY_SEARCH = "Verified by the collection"
ACCESS_DENIED = "Not the user's face"
ANSWER = "Answer verified"

ITEM = "$.user.Item"
REGISTERED_FACE = f"{ITEM}.{item.FACE_ID}.S"
STORED_OBJECT = f"{ITEM}.{item.SELFIE.object}.S"
COMPARED = "$.comparison.matches[0]"
FOUND = "$.search.matches[0]"
SETTINGS = (*gate.SETTINGS, "compare_similarity")


def settings_state(next: str) -> asl.State:
    return _settings_state(*SETTINGS, next=next)


def add_authentication(workflow: asl.Workflow, answers: Answers, *, on_error: list,
                       then: str) -> None:
    """Add the states from reading the user to a decision; a verified user goes on to
    ``then`` with ``$.auth = {"method", "similarity"}``."""
    workflow.add(GET_USER, get_user(catch=on_error, next=REGISTERED))
    workflow.add(REGISTERED, asl.choice(
        [(asl.is_present(REGISTERED_FACE, False), NOT_REGISTERED)], default=gate.DETECT))
    workflow.add(NOT_REGISTERED, answers.refuse(
        "UserNotFound", "no face is registered for this user id"))
    gate.add_quality_gate(workflow, image=SELFIE, passed=STORED_SELFIE,
                          reject=answers.rejection("FaceRejected"),
                          on_error=answers.catch_image_errors())
    workflow.add(STORED_SELFIE, asl.choice(
        [(asl.all_of(asl.is_present(STORED_OBJECT),
                     asl.not_(asl.string_equals(STORED_OBJECT, ""))), COMPARE_STORED)],
        default=SEARCH_USER))
    workflow.add(COMPARE_STORED, asl.task(
        asl.sdk("rekognition", "compareFaces"),
        parameters={
            **image_parameter("SourceImage", SELFIE),
            "TargetImage": s3_image(f"{ITEM}.{item.SELFIE.bucket}.S", STORED_OBJECT),
            "SimilarityThreshold": 0,
        },
        result_selector={"matches.$": "$.FaceMatches"},
        result_path="$.comparison",
        retry=RETRY_REKOGNITION,
        # The stored selfie may be gone or unusable: the collection still decides.
        catch=answers.catch_image_errors(before=(
            asl.catch("Rekognition.InvalidS3ObjectException",
                      "Rekognition.InvalidParameterException", next=SEARCH_USER,
                      result_path="$.compare_error"),)),
        next=STORED_MATCHES,
    ))
    workflow.add(STORED_MATCHES, asl.choice(
        [(asl.all_of(asl.is_present(COMPARED),
                     asl.numeric(f"{COMPARED}.Similarity", "GreaterThanEquals",
                                 path="$.settings.compare_similarity")), VERIFIED_BY_COMPARE)],
        default=SEARCH_USER))
    workflow.add(VERIFIED_BY_COMPARE, asl.pass_state(
        parameters={"method": "stored selfie", "similarity.$": f"{COMPARED}.Similarity"},
        result_path="$.auth", next=then))
    add_registered_face_search(
        workflow, SEARCH_USER, SELFIE, threshold="$.settings.compare_similarity",
        result_path="$.search", catch=answers.catch_image_errors(), next=USERS_FACE)
    workflow.add(USERS_FACE, asl.choice(
        [(asl.all_of(asl.is_present(FOUND),
                     asl.string_equals_path(f"{FOUND}.Face.FaceId", REGISTERED_FACE)),
          VERIFIED_BY_SEARCH)],
        default=ACCESS_DENIED))
    workflow.add(VERIFIED_BY_SEARCH, asl.pass_state(
        parameters={"method": "collection search", "similarity.$": f"{FOUND}.Similarity"},
        result_path="$.auth", next=then))
    workflow.add(ACCESS_DENIED, answers.refuse(
        "UserAccessDenied", "the selfie does not match the user's registered face"))


def build() -> dict:
    workflow = asl.Workflow(
        "eKYC API: authenticate a registered user by a selfie (stored selfie first, the "
        "collection as fallback).")
    answers = Answers()
    add_folder_checks(workflow, answers, (SELFIE,), next=READ_THRESHOLDS)
    workflow.add(READ_THRESHOLDS, settings_state(next=GET_USER))
    add_authentication(workflow, answers, on_error=asl.catch_all(DESCRIBE_ERROR), then=ANSWER)
    workflow.add(ANSWER, answers.answer("Verified", {
        "similarity.$": "$.auth.similarity", "method.$": "$.auth.method",
        "face_id.$": REGISTERED_FACE}))
    answers.add_failure_tail(workflow)
    return workflow.definition()
