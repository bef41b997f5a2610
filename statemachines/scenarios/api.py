"""Helpers for the scenarios of the API workflows: requests, images and expected answers."""

from __future__ import annotations

from typing import Any

from .. import api_common, registry
from . import BUCKET, Mock, Scenario

# Any base64 text does for a mocked Rekognition; the end-to-end tests send real pictures.
INLINE_SELFIE = {"Bytes": "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA=="}
INLINE_ID_CARD = {"Bytes": "/9j/4AAQSkZJRgABAgAAAQABAAD/2wBDAAoHBwgHBgoICAgLCgoLDg=="}


def largest_inline_image(start: str) -> dict:
    """An inline image with as many base64 characters as the API takes."""
    return {"Bytes": (start + "A" * api_common.MAX_INLINE_IMAGE_CHARS)[
        :api_common.MAX_INLINE_IMAGE_CHARS]}


LARGEST_USERID = "largest-request-" + "x" * 84  # 100 characters, the most a user id has


def s3_image(key: str) -> dict:
    return {"S3Object": {"Bucket": BUCKET, "Name": key}}


def folders_checked(workflow: str, request: dict[str, Any],
                    until: str | None = None) -> tuple[str, ...]:
    """The states a request whose images are all where they belong goes through first: for
    each image the workflow checks (every route with a user id), whether it is an S3 object,
    and for one that is, its folder read and found to be the user's. ``until``: stop before
    that image's checks. ``workflow``: a runner state machine, the workflow or a variant."""
    taken = registry.get(registry.machine_names()[workflow].workflow).request
    if not taken.userid:
        return ()
    path: tuple[str, ...] = ()
    for field in taken.images:
        if field == until:
            break
        is_object, read, is_users, _ = api_common.folder_check_states(f"$.{field}")
        path += (is_object, read, is_users) if "S3Object" in request[field] else (is_object,)
    return path


def api_scenario(workflow: str, name: str, description: str, *, request: dict[str, Any],
                 mocks: dict[str, Mock], path: tuple[str, ...], answer: dict[str, Any],
                 error: str | None = None, seed_item: dict | None = None,
                 item: dict | None = None, folders_pass: bool = True) -> Scenario:
    """A request to an API workflow: it answers (succeeds) or refuses with ``error``.
    ``path`` starts after the images' folder checks (``folders_checked``), unless
    ``folders_pass`` is off: then it is the whole path, checks included."""
    if error is not None and answer.get("status") != error:
        raise ValueError(f"{name}: a refusal's status is its error name")
    if folders_pass:
        path = folders_checked(workflow, request) + path
    return Scenario(
        workflow=workflow, name=name, description=description,
        userid=request.get("userid", "nobody"), upload="selfie", mocks=mocks, path=path,
        status="FAILED" if error else "SUCCEEDED", error=error, seed_item=seed_item,
        item=item or {}, request=request, answer=answer)


FAILURE_TAIL = (api_common.ANSWER_FAILURE, api_common.REFUSED)


def in_another_folder(workflow: str, name: str, request: dict[str, Any], field: str,
                      description: str) -> Scenario:
    """A request whose image ``field`` is an S3 object outside the user's folder: refused
    with a 400 before anything is read, the images before it having passed their checks."""
    before = folders_checked(workflow, request, until=field)
    userid = request["userid"]
    shown = api_common.IMAGE_NAMES[f"$.{field}"]
    return api_scenario(
        workflow, name, description, request=request, mocks={}, folders_pass=False,
        path=before + api_common.folder_check_states(f"$.{field}") + FAILURE_TAIL,
        error="InvalidRequest", answer={
            "status": "InvalidRequest", "userid": userid,
            "reason": f"the {shown} must be an S3 object under api/{userid}/, the folder of "
                      "the user id"})


def gate_refusals(workflow: str, *, before: tuple[str, ...], request: dict,
                  seed_item: dict | None = None, item: dict | None = None) -> list[Scenario]:
    """One refusal per way the quality gate turns a selfie down; ``before``: the states
    entered before the gate."""
    from .. import quality_gate as gate
    from . import library as mock

    start = before + (gate.DETECT, gate.COUNT_FACES)
    cases = [
        ("NoFace", mock.NO_FACE, (gate.NO_FACE,), "no face"),
        ("TwoFaces", mock.TWO_FACES, (gate.SEVERAL_FACES,), "2 faces"),
        ("LowConfidence", mock.LOW_CONFIDENCE, (gate.QUALITY, gate.LOW_CONFIDENCE),
         "face confidence 97.5 < 99"),
        ("Sunglasses", mock.SUNGLASSES, (gate.QUALITY, gate.SUNGLASSES), "sunglasses"),
        ("EyesClosed", mock.EYES_CLOSED, (gate.QUALITY, gate.EYES_CLOSED), "eyes closed"),
        ("HeadTurned", mock.HEAD_TURNED, (gate.QUALITY, gate.POSE),
         "head pose yaw 52.5 pitch 5.1 beyond 45 degrees"),
    ]
    answer_userid = {"userid": request["userid"]} if "userid" in request else {}
    return [
        api_scenario(workflow, name, f"The quality gate turns the selfie down: {reason}.",
                     request=request, mocks={gate.DETECT: detected},
                     path=start + states + FAILURE_TAIL, error="FaceRejected",
                     answer={"status": "FaceRejected", "reason": reason, **answer_userid},
                     seed_item=seed_item, item=item)
        for name, detected, states, reason in cases
    ]
