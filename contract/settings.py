"""What a deployment may set: each a template parameter, substituted into the ASL as a
``${Parameter}`` placeholder and read by a workflow's first state into ``$.settings.<key>``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    parameter: str  # the template parameter, and the placeholder filled with its value
    key: str  # its name under $.settings in an execution
    default: str
    description: str


@dataclass(frozen=True)
class Threshold(Setting):
    """A number a decision compares against, within ``minimum`` and ``maximum``."""

    maximum: str = "100"
    minimum: str = "0"


FACE_CONFIDENCE = Threshold("FaceConfidenceThreshold", "min_face_confidence", "99",
                            "Minimum confidence (%) that the selfie shows a face.")
DUPLICATE_SIMILARITY = Threshold(
    "DuplicateSimilarityThreshold", "duplicate_similarity", "95",
    "Similarity (%) from which a registered face counts as the same person.")
COMPARE_SIMILARITY = Threshold(
    "CompareSimilarityThreshold", "compare_similarity", "80",
    "Minimum similarity (%) between the selfie and the ID document photo.")
MAX_POSE = Threshold("MaxPoseDegrees", "max_pose", "45",
                     "Largest head yaw or pitch (degrees, either way) a selfie may show.",
                     maximum="90")
THRESHOLDS = (FACE_CONFIDENCE, DUPLICATE_SIMILARITY, COMPARE_SIMILARITY, MAX_POSE)
ANALYZE_ID = Setting(
    "AnalyzeIdDocuments", "analyze_id", "true",
    "Read ID document fields (name, date of birth, number, expiry) with Amazon Textract "
    "AnalyzeID; turn off where Textract is unavailable.")
SWITCH_VALUES = ("true", "false")


@dataclass(frozen=True)
class DeployChoice:
    """A template parameter that chooses which definitions are deployed; no workflow reads it."""

    parameter: str
    default: str
    values: tuple[str, ...]
    description: str


COMPARE_FACES, COLLECTION = "COMPARE_FACES", "COLLECTION"
COMPARE_MODE = DeployChoice(
    "CompareMode", COMPARE_FACES, (COMPARE_FACES, COLLECTION),
    "COMPARE_FACES: the selfie is compared with the ID photo by CompareFaces beside a "
    "duplicate search. COLLECTION: the ID's face is indexed into the collection and one "
    "SearchFaces by the selfie's new face answers both the duplicate and the compare "
    "question, one billed Rekognition call fewer (make bench-cost).")
SETTINGS = (*THRESHOLDS, ANALYZE_ID)
BY_KEY = {setting.key: setting for setting in SETTINGS}


def defaults() -> dict[str, str]:
    """Each setting's parameter and default value, as the template deploys them."""
    return {setting.parameter: setting.default for setting in SETTINGS}
