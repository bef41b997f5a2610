"""The selfie quality gate every selfie flow starts with.

DetectFaces with all attributes, then one Choice per reason to turn a selfie down: no face,
several faces, low confidence, sunglasses, closed eyes, head turned too far. The thresholds come
from ``$.settings`` (``common.settings_state``). Each flow says how a rejection is described
(``reject``), so the upload flows record and notify while the API flows answer the caller.
"""

from __future__ import annotations

from typing import Protocol

from contract.settings import FACE_CONFIDENCE, MAX_POSE

from . import asl
from .common import detect_faces

DETECT = "Detect faces in selfie"
COUNT_FACES = "How many faces are in the selfie?"
NO_FACE = "No face in selfie"
SEVERAL_FACES = "More than one face in selfie"
QUALITY = "Check face quality"
LOW_CONFIDENCE = "Face confidence too low"
SUNGLASSES = "Sunglasses detected"
EYES_CLOSED = "Eyes closed"
POSE = "Head turned too far"

SETTINGS = (FACE_CONFIDENCE.key, MAX_POSE.key)
FACE = "$.detection.faces[0]"


class Rejection(Protocol):
    def __call__(self, reason: str | None = None, *,
                 reason_format: str | None = None) -> asl.State: ...


def add_quality_gate(workflow: asl.Workflow, *, image: dict | str, passed: str, reject: Rejection,
                     on_error: list) -> None:
    """Add the gate's states, DetectFaces first; a selfie that passes goes on to ``passed``."""
    workflow.add(DETECT, detect_faces("ALL", image=image, next=COUNT_FACES, catch=on_error))
    add_checks(workflow, passed=passed, reject=reject)


def add_checks(workflow: asl.Workflow, *, passed: str, reject: Rejection,
               zero_faces: bool = True) -> None:
    """The gate's decisions on ``$.detection = {"count", "faces"}``, from ``COUNT_FACES`` on.
    ``zero_faces=False`` where a face is known to be there (no "no face" rule)."""
    rules = [(asl.numeric("$.detection.count", "GreaterThan", 1), SEVERAL_FACES)]
    if zero_faces:
        rules.insert(0, (asl.numeric("$.detection.count", "Equals", 0), NO_FACE))
    workflow.add(COUNT_FACES, asl.choice(rules, default=QUALITY))
    pose_beyond_limits = [
        asl.numeric(f"{FACE}.Pose.{axis}", operator, path=f"$.settings.{limit}")
        for axis in ("Yaw", "Pitch")
        for operator, limit in (("GreaterThan", "max_pose"), ("LessThan", "min_pose"))
    ]
    # Attributes a face engine cannot compute may be missing: check presence before value.
    workflow.add(QUALITY, asl.choice(
        [
            (asl.numeric(f"{FACE}.Confidence", "LessThan", path="$.settings.min_face_confidence"),
             LOW_CONFIDENCE),
            (asl.all_of(asl.is_present(f"{FACE}.Sunglasses.Value"),
                        asl.boolean_equals(f"{FACE}.Sunglasses.Value", True)), SUNGLASSES),
            (asl.all_of(asl.is_present(f"{FACE}.EyesOpen.Value"),
                        asl.boolean_equals(f"{FACE}.EyesOpen.Value", False)), EYES_CLOSED),
            (asl.all_of(asl.is_present(f"{FACE}.Pose"), asl.any_of(*pose_beyond_limits)), POSE),
        ],
        default=passed,
    ))
    if zero_faces:
        workflow.add(NO_FACE, reject("no face"))
    workflow.add(SEVERAL_FACES, reject(
        reason_format="States.Format('{} faces', $.detection.count)"))
    workflow.add(LOW_CONFIDENCE, reject(
        reason_format=(f"States.Format('face confidence {{}} < {{}}', {FACE}.Confidence, "
                       "$.settings.min_face_confidence)")))
    workflow.add(SUNGLASSES, reject("sunglasses"))
    workflow.add(EYES_CLOSED, reject("eyes closed"))
    workflow.add(POSE, reject(
        reason_format=(f"States.Format('head pose yaw {{}} pitch {{}} beyond {{}} degrees', "
                       f"{FACE}.Pose.Yaw, {FACE}.Pose.Pitch, $.settings.max_pose)")))
