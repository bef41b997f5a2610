"""What the synchronous API workflows share: their input, their answers and their errors.

These workflows run as Express state machines behind API Gateway, which starts them with
``StartSyncExecution`` and waits for the result. Their input is the request body as the caller
sent it (the API's request models check it first):

- ``userid``: whose face it is (not for ``/compare``);
- ``selfie`` and ``idcard``: images in Rekognition's own ``Image`` shape, either
  ``{"Bytes": "<base64>"}`` or ``{"S3Object": {"Bucket": ..., "Name": ...}}``.

A workflow answers in one of two ways:

- it succeeds, and its output is the response body: ``{"status": "Registered", ...}``;
- it fails with one of the errors in ``ERRORS``, and its cause is the response body as JSON:
  ``{"status": "<error>", "reason": ..., "userid": ...}``. The API's integration response turns
  the error into the HTTP status listed here, so a refusal is never a 200.
"""

from __future__ import annotations

from dataclasses import dataclass

from contract.keys import API_PREFIX

from . import asl
from .common import RETRY_REKOGNITION, UNUSABLE_IMAGE_ERRORS, image_parameter, reason_field

SELFIE = "$.selfie"
ID_CARD = "$.idcard"

# "Step Functions service quotas": the input or output of a task, a state or an execution holds
# at most 256 KiB of UTF-8 text. Beyond it the execution fails with States.DataLimitExceeded,
# which no Catch takes, and API Gateway answers 502.
PAYLOAD_LIMIT_BYTES = 256 * 1024
# What a flow's state holds beside the request's images, at most: thresholds, the user's item,
# the first face of each Rekognition answer (the flows read no other; ``detect_faces`` and
# ``compare_selfie_with_id_card`` cut the lists), Textract's five fields and a refusal. The
# largest scenarios measure it (tests/test_payload_limit.py); this keeps twice that.
BESIDE_IMAGES_BYTES = 24 * 1024
# /register-idcard and /compare take two images: both inline fit beside the rest. A larger
# image goes to the bucket first and is named as an S3 object. Base64 comes in blocks of 4.
MAX_INLINE_IMAGE_CHARS = (PAYLOAD_LIMIT_BYTES - BESIDE_IMAGES_BYTES) // 2 // 4 * 4

# Error name -> (HTTP status, when). Business refusals are 4xx; faults of a service are 502.
ERRORS: dict[str, tuple[int, str]] = {
    "InvalidRequest": (400, "the body does not match the route's request model"),
    "InvalidImage": (400, "Rekognition cannot use an image (format, size, S3 object)"),
    "UserAccessDenied": (403, "the selfie is not the registered user's face"),
    "UserNotFound": (404, "no face is registered for the user id (DELETE /user: nothing is "
                          "kept of it)"),
    "AlreadyRegistered": (409, "the user id already has a registered face"),
    "DuplicateFace": (409, "the face is registered under another user id"),
    "UpdateConflict": (409, "the user's face changed while the update ran"),
    "RequestTooLarge": (413, "the body is larger than the route accepts"),
    "FaceRejected": (422, "the selfie failed the quality gate"),
    "IdDocumentMismatch": (422, "the selfie does not show the ID document's owner"),
    "IdDocumentUnreadable": (422, "Textract could not read the ID document's fields"),
    "NoComparableFace": (422, "Rekognition finds no face to compare in an image"),
    "ServiceError": (502, "a service the workflow calls failed; the reason says which"),
}
DEFAULT_ERROR_STATUS = 502  # a failure that is not in ERRORS, e.g. States.Timeout

# Rekognition's answers to an image it cannot use: the caller's fault, so a 400.
IMAGE_ERRORS = (*UNUSABLE_IMAGE_ERRORS, "Rekognition.InvalidParameterException")

INVALID_IMAGE = "Image not usable"
DESCRIBE_ERROR = "Describe the error"
ANSWER_FAILURE = "Answer with the refusal"
REFUSED = "Request refused"


def http_status(error: str | None) -> int:
    return ERRORS.get(error or "", (DEFAULT_ERROR_STATUS, ""))[0]


@dataclass(frozen=True)
class Answers:
    """Builds a workflow's refusals and its failure tail. ``with_userid``: put the caller's
    user id into every refusal (every route but ``/compare`` has one)."""

    with_userid: bool = True

    def _body(self, status: str, reason: str | None, reason_format: str | None,
              similarity: str | None) -> dict:
        body = {"status": status, **reason_field(reason, reason_format)}
        if similarity is not None:
            body["similarity.$"] = similarity
        if self.with_userid:
            body["userid.$"] = "$.userid"
        return body

    def refuse(self, error: str, reason: str | None = None, *, reason_format: str | None = None,
               similarity: str | None = None) -> asl.State:
        """A Pass state describing a refusal in ``$.failure``, then the failure tail."""
        if error not in ERRORS:
            raise KeyError(f"{error} is not in api_common.ERRORS")
        return asl.pass_state(parameters=self._body(error, reason, reason_format, similarity),
                              result_path="$.failure", next=ANSWER_FAILURE)

    def rejection(self, error: str):
        """``refuse`` bound to one error, in the form the quality gate takes."""
        def reject(reason: str | None = None, *, reason_format: str | None = None) -> asl.State:
            return self.refuse(error, reason, reason_format=reason_format)
        return reject

    def answer(self, status: str, fields: dict[str, str]) -> asl.State:
        """The workflow's successful answer: its output, which is the response body."""
        body = {"status": status, **({"userid.$": "$.userid"} if self.with_userid else {}),
                **fields}
        return asl.pass_state(parameters=body, next=None)

    def catch_image_errors(self, *, before: tuple[dict, ...] = ()) -> list[dict]:
        """Catchers of a Rekognition task whose images come from the caller, after the
        catchers ``before``; the image errors they already take are not listed again."""
        taken = {error for catcher in before for error in catcher["ErrorEquals"]}
        return [*before,
                asl.catch(*(error for error in IMAGE_ERRORS if error not in taken),
                          next=INVALID_IMAGE),
                asl.catch("States.ALL", next=DESCRIBE_ERROR)]

    def add_failure_tail(self, workflow: asl.Workflow, *, images: bool = True) -> None:
        """Describe caught errors, then fail with the refusal's name and its JSON body.
        ``images``: whether the workflow reads the caller's images (and may find one unusable)."""
        caught = "States.Format('{}: {}', $.error.Error, $.error.Cause)"
        if images:
            workflow.add(INVALID_IMAGE, self.refuse("InvalidImage", reason_format=caught))
        workflow.add(DESCRIBE_ERROR, self.refuse("ServiceError", reason_format=caught))
        workflow.add(ANSWER_FAILURE, asl.pass_state(
            parameters={"error.$": "$.failure.status",
                        "cause.$": "States.JsonToString($.failure)"},
            result_path="$.answer",
            next=REFUSED,
        ))
        workflow.add(REFUSED, asl.fail_with(error_path="$.answer.error",
                                            cause_path="$.answer.cause"))


# A request's image fields -> how a refusal names them.
IMAGE_NAMES = {SELFIE: "selfie", ID_CARD: "ID document"}


def folder_check_states(image: str) -> tuple[str, str, str, str]:
    """The names of the states that check ``image``'s folder: is it an S3 object, read its
    folder, is the folder the user's, and the refusal."""
    shown = IMAGE_NAMES[image]
    return (f"Is the {shown} an S3 object?", f"Read the {shown}'s folder",
            f"Is the {shown} in the user's folder?", f"The {shown} is in another folder")


def add_folder_checks(workflow: asl.Workflow, answers: Answers, images: tuple[str, ...], *,
                      next: str) -> None:
    """Refuse (``InvalidRequest``, 400) a request whose image is an S3 object outside the
    user's folder, ``api/<userid>/``, then go on to ``next``; an inline image passes.

    Erasing a user deletes what is under their folder, so an image elsewhere would outlive the
    erasure. The request model has made sure the name is ``api/<folder>/<name>``; a JSON Schema
    cannot compare the folder with the user id, so the workflow does: the folder is the second
    item of the name split at ``/`` (States.StringSplit and States.ArrayGetItem, "Intrinsic
    functions for JSONPath states in Step Functions", whose own example splits an ARN at ``/``
    and picks an item the same way)."""
    for index, image in enumerate(images):
        is_object, read, is_users, refused = folder_check_states(image)
        after = folder_check_states(images[index + 1])[0] if index + 1 < len(images) else next
        folder = f"$.folders.{image.removeprefix('$.')}"
        workflow.add(is_object, asl.choice([(asl.is_present(f"{image}.S3Object"), read)],
                                           default=after))
        workflow.add(read, asl.pass_state(
            parameters={"folder.$": f"States.ArrayGetItem(States.StringSplit("
                                    f"{image}.S3Object.Name, '/'), 1)"},
            result_path=folder, next=is_users))
        workflow.add(is_users, asl.choice(
            [(asl.string_equals_path(f"{folder}.folder", "$.userid"), after)], default=refused))
        workflow.add(refused, answers.refuse("InvalidRequest", reason_format=(
            f"States.Format('the {IMAGE_NAMES[image]} must be an S3 object under "
            f"{API_PREFIX}{{}}/, the folder of the user id', $.userid)")))


def compare_selfie_with_id_card(answers: Answers, *, no_comparable_face: str, next: str,
                                quality_filter: str | None = None,
                                comment: str | None = None) -> asl.State:
    """CompareFaces of the request's selfie with its ID card (``SimilarityThreshold`` 0: every
    face is scored); ``$.comparison.matches`` keeps the best match only, as a list of at most
    one: Rekognition orders matches "by similarity score in descending order" (CompareFaces,
    API reference), and scores up to 100 faces of the ID image, too many to keep beside two
    inline images. An image without a face to compare goes to ``no_comparable_face``."""
    parameters = {**image_parameter("SourceImage", SELFIE),
                  **image_parameter("TargetImage", ID_CARD), "SimilarityThreshold": 0}
    if quality_filter is not None:
        parameters["QualityFilter.$"] = quality_filter
    return asl.task(
        asl.sdk("rekognition", "compareFaces"),
        comment=comment,
        parameters=parameters,
        result_selector={"matches.$": "$.FaceMatches[0:1]"},
        result_path="$.comparison",
        retry=RETRY_REKOGNITION,
        catch=answers.catch_image_errors(before=(
            asl.catch("Rekognition.InvalidParameterException", next=no_comparable_face),)),
        next=next,
    )
