"""Pieces every eKYC workflow shares: placeholders, thresholds, retries and the failure tail.

Data conventions inside an execution:
- the upload flows' input is ``{"userid", "bucket", "key", "uploaded_at"}``: the S3 object
  that started the run and its event time (the API flows' input is described in api_common);
- ``$.settings`` holds the thresholds, read from ``DefinitionSubstitutions`` by the first state;
- a rejection or an error writes ``$.failure = {"status", "error", "reason"}`` and goes to the
  failure tail, which records it on the user's item, notifies once, and fails the execution.
"""

from __future__ import annotations

from contract import item
from contract import placeholders as names
from contract.placeholders import placeholder
from contract.settings import BY_KEY as SETTINGS
from contract.settings import MAX_POSE

from . import asl

TABLE = placeholder(names.TABLE_NAME)
COLLECTION = placeholder(names.COLLECTION_ID)
TOPIC = placeholder(names.NOTIFICATION_TOPIC_ARN)
THUMBNAIL_FUNCTION = placeholder(names.THUMBNAIL_FUNCTION_ARN)

# Rekognition's answers to an image it cannot use at all: the uploader's input, not a fault.
UNUSABLE_IMAGE_ERRORS = (
    "Rekognition.InvalidImageFormatException",
    "Rekognition.ImageTooLargeException",
    "Rekognition.InvalidS3ObjectException",
)
UNUSABLE_IMAGE_REASON = ("States.Format('image not usable: {}: {}', $.error.Error, "
                         "$.error.Cause)")

# Error names are exactly those Step Functions raises, which generators/lint_error_names.py checks
# (rules and AWS documents in statemachines/aws_errors.py). aws-sdk tasks: <Service>.<Error>
# with the Exception suffix always appended ("Learning to use AWS service SDK integrations in
# Step Functions"), so Rekognition's InternalServerError is InternalServerErrorException.
RETRY_REKOGNITION = asl.retry_on(
    "Rekognition.ThrottlingException",
    "Rekognition.ProvisionedThroughputExceededException",
    "Rekognition.InternalServerErrorException",
)
RETRY_TEXTRACT = asl.retry_on(
    "Textract.ThrottlingException",
    "Textract.ProvisionedThroughputExceededException",
    "Textract.InternalServerErrorException",
)
# Optimized DynamoDB tasks: prefix DynamoDB, otherwise named as the SDK integration names them
# ("Call DynamoDB with Step Functions"): RequestLimitExceeded gets the suffix too.
RETRY_DYNAMODB = asl.retry_on(
    "DynamoDB.ProvisionedThroughputExceededException",
    "DynamoDB.ThrottlingException",
    "DynamoDB.RequestLimitExceededException",
    "DynamoDB.InternalServerErrorException",
)
RETRY_SNS = asl.retry_on(
    "SNS.ThrottledException",
    "SNS.KMSThrottlingException",
    "SNS.InternalErrorException",
)
# The transient Lambda service errors of "Handle Lambda service exceptions".
RETRY_LAMBDA = asl.retry_on(
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
)
# S3's model names no transient error (its 500 InternalError and 503 SlowDown are not in it,
# so no Retry can name them), and a delete of the same keys may be repeated at no harm: any
# failed attempt is retried, a few times.
S3_RETRIES = 2
RETRY_S3 = asl.retry_on("States.TaskFailed", max_attempts=S3_RETRIES)
# states:startExecution: "Start workflow executions from a task state in Step Functions"
# retries StepFunctions.ExecutionLimitExceeded (the optimized integration adds no suffix).
RETRY_START_EXECUTION = asl.retry_on("StepFunctions.ExecutionLimitExceeded")
# aws-sdk:sfn:startSyncExecution: the one transient error its API reference (botocore's model)
# lists is KMS throttling, met with a customer managed key only; Express workflows have no
# running-execution limit. Any other failure to start goes to the caller's catch.
RETRY_START_SYNC_EXECUTION = asl.retry_on("Sfn.KmsThrottlingException")


def settings_state(*keys: str, next: str) -> asl.State:
    """A Pass state that puts the settings named by their keys (``contract.settings``), as
    numbers or booleans, under ``$.settings``. The placeholders are substituted as text, so each
    is parsed by States.StringToJson (a bare ${X} would not be valid JSON)."""
    parameters: dict[str, str] = {}
    for name in keys:
        substitution = placeholder(SETTINGS[name].parameter)
        parameters[f"{name}.$"] = f"States.StringToJson('{substitution}')"
        if name == MAX_POSE.key:
            # Choice rules have no absolute value: compare against -max as well as +max.
            parameters["min_pose.$"] = f"States.StringToJson('-{substitution}')"
    return asl.pass_state(parameters=parameters, result_path="$.settings", next=next)


def s3_image(bucket_path: str = "$.bucket", key_path: str = "$.key") -> dict:
    """Rekognition's ``Image`` parameter for an S3 object named by two paths."""
    return {"S3Object": {"Bucket.$": bucket_path, "Name.$": key_path}}


def image_parameter(name: str, image: dict | str) -> dict:
    """A Rekognition image parameter: a fixed ``Image`` object (``s3_image()``) or a path to
    one in the input (the API flows receive ``{"Bytes": ...}`` or ``{"S3Object": ...}``)."""
    return {f"{name}.$": image} if isinstance(image, str) else {name: image}


def userid_key() -> dict:
    return {item.PARTITION_KEY: asl.ddb_string("$.userid")}


def update_user(assignments: dict[str, dict], *, remove: tuple[str, ...] = (),
                execution_attribute: str = item.LAST_EXECUTION, condition: str | None = None,
                condition_values: dict[str, dict] | None = None, next: str | None,
                catch: list, old_values_path: str | None = None) -> asl.State:
    """An updateItem on the user's item: ``SET attribute = value`` for each assignment, plus
    which execution wrote it and when; ``REMOVE`` the attributes in ``remove``. A
    ``condition`` (with its own ``:values``) makes the write fail with
    ``DynamoDB.ConditionalCheckFailedException`` when it does not hold. ``old_values_path``:
    where the values the update replaced go (ReturnValues UPDATED_OLD: "the old values of the
    updated attributes", UpdateItem, Amazon DynamoDB API Reference), as ``<path>.Attributes``."""
    assignments = {**assignments, execution_attribute: asl.ddb_string("$$.Execution.Id"),
                   item.UPDATED_AT: asl.ddb_string("$$.State.EnteredTime")}
    expression = "SET " + ", ".join(f"{name} = :{name}" for name in assignments)
    if remove:
        expression += " REMOVE " + ", ".join(remove)
    parameters = {
        "TableName": TABLE,
        "Key": userid_key(),
        "UpdateExpression": expression,
        "ExpressionAttributeValues": {
            **{f":{name}": value for name, value in assignments.items()},
            **(condition_values or {}),
        },
    }
    if condition:
        parameters["ConditionExpression"] = condition
    if old_values_path:
        parameters["ReturnValues"] = "UPDATED_OLD"
    return asl.task(
        asl.optimized("dynamodb:updateItem"),
        parameters=parameters,
        result_path=old_values_path,
        retry=RETRY_DYNAMODB,
        catch=catch,
        next=next,
    )


def get_user(*, next: str, catch: list) -> asl.State:
    """The user's item, read consistently, into ``$.user`` (``$.user.Item`` if there is one)."""
    return asl.task(
        asl.optimized("dynamodb:getItem"),
        parameters={"TableName": TABLE, "Key": userid_key(), "ConsistentRead": True},
        result_path="$.user",
        retry=RETRY_DYNAMODB,
        catch=catch,
        next=next,
    )


def detect_faces(attributes: str, *, image: dict | str | None = None, next: str,
                 catch: list) -> asl.State:
    """DetectFaces on ``image`` (default: the uploaded object); ``$.detection`` gets the count
    of faces and the first face (a list of at most one: a crowd's answer, some 3.5 KB a face
    with every attribute, would not fit beside an API request's images in the state)."""
    return asl.task(
        asl.sdk("rekognition", "detectFaces"),
        parameters={**image_parameter("Image", image or s3_image()), "Attributes": [attributes]},
        result_selector={"count.$": "States.ArrayLength($.FaceDetails)",
                         "faces.$": "$.FaceDetails[0:1]"},
        result_path="$.detection",
        retry=RETRY_REKOGNITION,
        catch=catch,
        next=next,
    )


# --- the face collection ------------------------------------------------------------------------

# A search wants the best registered face at or above its threshold, but the faces on users' ID
# documents rank among its matches too (registered_faces leaves them out afterwards), so it asks
# for enough faces to see past them. Each user id has at most one ID face and one registration:
# a person searching with their own face meets their own ID face and registration, and the ID
# faces of any other user ids someone opened with the same face. Ten faces see past nine ID faces
# ranked above the best registration; a duplicate check that sees ID faces alone, as many as it
# asked for, refuses (registered_faces.registration_may_be_hidden). SearchFacesByImage is billed
# per image whatever MaxFaces is; each face returned adds a match to the state (the largest
# /register-idcard request meets all but one: tests/test_payload_limit.py) and a Map iteration.
SEARCH_MAX_FACES = 10


def search_faces(image: dict | str, *, threshold: str, result_path: str, next: str | None,
                 catch: list) -> asl.State:
    """SearchFacesByImage for the ``SEARCH_MAX_FACES`` best matches at or above ``threshold``
    (a path), best first ("ordered by similarity score with the highest similarity first",
    SearchFacesByImage, Amazon Rekognition API Reference); ``<result_path>.matches`` gets
    them, ID documents' faces included: ``registered_faces.add_registered_face_search`` adds
    the state that leaves those out."""
    return asl.task(
        asl.sdk("rekognition", "searchFacesByImage"),
        parameters={
            "CollectionId": COLLECTION,
            **image_parameter("Image", image),
            "FaceMatchThreshold.$": threshold,
            "MaxFaces": SEARCH_MAX_FACES,
        },
        result_selector={"matches.$": "$.FaceMatches"},
        result_path=result_path,
        retry=RETRY_REKOGNITION,
        catch=catch,
        next=next,
    )


INDEXED_FACE_ID = "$.indexed.records[0].Face.FaceId"


def index_face(image: dict | str, *, next: str | None, catch: list | None,
               result_path: str = "$.indexed", attributes: str = "DEFAULT",
               external_image_id: str = "$.userid") -> asl.State:
    """IndexFaces of the image's largest face under the user id (or the name the intrinsic or
    path ``external_image_id`` gives); ``<result_path>.records`` gets the face records (none
    when nothing was indexed), ``.unindexed`` why each face left out was (its reasons, not its
    description: there may be up to a hundred). ``attributes="ALL"`` describes the face as
    fully as DetectFaces does."""
    return asl.task(
        asl.sdk("rekognition", "indexFaces"),
        parameters={
            "CollectionId": COLLECTION,
            **image_parameter("Image", image),
            "ExternalImageId.$": external_image_id,
            "MaxFaces": 1,
            "QualityFilter": "NONE",
            "DetectionAttributes": [attributes],
        },
        result_selector={"records.$": "$.FaceRecords",
                         "unindexed.$": "$.UnindexedFaces[*].Reasons"},
        result_path=result_path,
        retry=RETRY_REKOGNITION,
        catch=catch,
        next=next,
    )


# The name (ExternalImageId) of the face on the user's ID document in the collection.
ID_FACE_NAME = f"States.Format('{item.ID_FACE_NAME_PREFIX}{{}}', $.userid)"


def search_faces_by_id(face_id: str, *, threshold: str, max_faces: int, result_path: str,
                       next: str, catch: list, more: dict | None = None) -> asl.State:
    """SearchFaces for the faces of the collection like the face whose id is at ``face_id``, at
    or above ``threshold`` (a path), at most ``max_faces``; ``<result_path>.matches`` gets
    them, best first ("ordered by similarity score with the highest similarity first",
    SearchFaces, Amazon Rekognition API Reference), beside the fields in ``more`` (a
    ResultSelector's)."""
    return asl.task(
        asl.sdk("rekognition", "searchFaces"),
        parameters={"CollectionId": COLLECTION, "FaceId.$": face_id,
                    "FaceMatchThreshold.$": threshold, "MaxFaces": max_faces},
        result_selector={"matches.$": "$.FaceMatches", **(more or {})},
        result_path=result_path,
        retry=RETRY_REKOGNITION,
        catch=catch,
        next=next,
    )


def delete_face(face_id: str, *, next: str, catch: list) -> asl.State:
    """DeleteFaces of the one face whose id is at the path ``face_id``."""
    return asl.task(
        asl.sdk("rekognition", "deleteFaces"),
        parameters={"CollectionId": COLLECTION, "FaceIds.$": f"States.Array({face_id})"},
        result_path=None,
        retry=RETRY_REKOGNITION,
        catch=catch,
        next=next,
    )


# An upload flow's item exists from the upload on (the starter's claim makes it), unless an
# erasure (``DELETE /user``) deleted it since. A later write is conditional on it, lest the write
# make the item anew with the erased user's data: "UpdateItem edits an existing item's
# attributes, or adds a new item to the table if it does not already exist" (UpdateItem, Amazon
# DynamoDB API Reference, https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/
# API_UpdateItem.html). The failed condition is DynamoDB.ConditionalCheckFailedException.
USER_EXISTS = f"attribute_exists({item.PARTITION_KEY})"
USER_ERASED = "DynamoDB.ConditionalCheckFailedException"


def record_failure(status_attribute: str, reason_attribute: str, *,
                   execution_attribute: str = item.LAST_EXECUTION, next: str,
                   catch: list) -> asl.State:
    """Write ``$.failure``'s status and reason onto the user's item, if it still exists
    (``USER_EXISTS``; otherwise the write fails with ``USER_ERASED``)."""
    return update_user({status_attribute: asl.ddb_string("$.failure.status"),
                        reason_attribute: asl.ddb_string("$.failure.reason")},
                       execution_attribute=execution_attribute, condition=USER_EXISTS,
                       next=next, catch=catch)


# A similarity as a reason quotes it ("similarity 57.6 < 80"): rounded to one decimal. The
# verdict compares the exact score, so a score just under a threshold may read "80.0 < 80".
SHOW_SIMILARITY = "How is the similarity shown?"
ROUND_SIMILARITY = "Round the similarity to tenths"
SHOW_TINY_SIMILARITY = "Show a tiny similarity as 0.0"
SHOWN_SIMILARITY = "$.shown.similarity"


def add_shown_similarity(workflow: asl.Workflow, *, similarity: str, next: str) -> None:
    """Put the similarity at ``similarity`` at ``SHOWN_SIMILARITY``, rounded to one decimal,
    then go to ``next`` (directly if there is no similarity). One that rounds to 0.0 is shown
    as 0.0 without the rounding intrinsic, which its text form could break (asl.ROUNDS_TO_ZERO);
    with SimilarityThreshold 0, CompareFaces scores a stranger's face too, however low."""
    workflow.add(SHOW_SIMILARITY, asl.choice(
        [
            (asl.is_present(similarity, False), next),
            (asl.numeric(similarity, "LessThan", asl.ROUNDS_TO_ZERO), SHOW_TINY_SIMILARITY),
        ],
        default=ROUND_SIMILARITY,
    ))
    workflow.add(ROUND_SIMILARITY, asl.pass_state(
        parameters={"similarity.$": asl.rounded_to_tenths(similarity)}, result_path="$.shown",
        next=next))
    workflow.add(SHOW_TINY_SIMILARITY, asl.pass_state(
        parameters={"similarity": 0.0}, result_path="$.shown", next=next))


def reason_field(reason: str | None, reason_format: str | None) -> dict[str, str]:
    """A ``reason`` parameter: fixed text, or an intrinsic (``States.Format(...)``)."""
    if (reason is None) == (reason_format is None):
        raise ValueError("give exactly one of reason or reason_format")
    return {"reason": reason} if reason is not None else {"reason.$": reason_format}


def reject(reason: str | None = None, *, reason_format: str | None = None, error: str,
           next: str) -> asl.State:
    """A Pass state that describes a rejection (a business outcome, not a fault)."""
    parameters = {"status": item.FAIL, "error": error, **reason_field(reason, reason_format)}
    return asl.pass_state(parameters=parameters, result_path="$.failure", next=next)


def describe_error(*, error: str, next: str) -> asl.State:
    """A Pass state that turns a caught error (``$.error``) into a failure description."""
    return asl.pass_state(
        parameters={
            "status": item.ERROR,
            "error": error,
            "reason.$": "States.Format('{}: {}', $.error.Error, $.error.Cause)",
        },
        result_path="$.failure",
        next=next,
    )


ERASED_MEANWHILE = "User erased meanwhile: nothing to record"


def add_failure_tail(workflow: asl.Workflow, *, status_attribute: str, reason_attribute: str,
                     flow: str, record: str, notify: str, end: str) -> None:
    """Record ``$.failure`` on the user's item, publish one notification, then fail.

    If recording fails the notification still goes out; if notifying fails the execution still
    fails with the original error. Nothing on this path is swallowed. The one exception: a user
    erased meanwhile (no item) is no failure to report, and nothing of theirs may be written or
    sent any more, so the run ends at ``ERASED_MEANWHILE`` (a Succeed state; the workflow may
    go there from other writes too).
    """
    workflow.add(record, record_failure(
        status_attribute, reason_attribute, next=notify,
        catch=[asl.catch(USER_ERASED, next=ERASED_MEANWHILE),
               *asl.catch_all(notify, result_path="$.record_error")]))
    workflow.add(ERASED_MEANWHILE, asl.succeed())
    workflow.add(notify, asl.task(
        asl.optimized("sns:publish"),
        parameters={
            "TopicArn": TOPIC,
            "Subject.$": f"States.Format('eKYC {flow}: {{}}', $.failure.status)",
            "Message": {
                "userid.$": "$.userid",
                "flow": flow,
                "status.$": "$.failure.status",
                "reason.$": "$.failure.reason",
                "object.$": "States.Format('s3://{}/{}', $.bucket, $.key)",
                "execution.$": "$$.Execution.Id",
            },
            "MessageAttributes": {
                "status": {"DataType": "String", "StringValue.$": "$.failure.status"},
            },
        },
        result_path=None,
        retry=RETRY_SNS,
        catch=asl.catch_all(end, result_path="$.notify_error"),
        next=end,
    ))
    workflow.add(end, asl.fail_with(error_path="$.failure.error", cause_path="$.failure.reason"))
