"""Realistic Rekognition response bodies for mocked Task states.

Field names and shapes follow Rekognition's API reference (DetectFaces with ``Attributes: ALL``,
SearchFacesByImage, CompareFaces, IndexFaces), so a scenario exercises the same paths that a
real answer would. Values are plausible, not copied from any real call.
"""

from __future__ import annotations

import functools

import botocore.session

FACE_MODEL_VERSION = "7.0"


def bounding_box(left: float = 0.31, top: float = 0.22, width: float = 0.38,
                 height: float = 0.46) -> dict:
    return {"Width": width, "Height": height, "Left": left, "Top": top}


def landmarks() -> list[dict]:
    points = {"eyeLeft": (0.42, 0.38), "eyeRight": (0.58, 0.38), "nose": (0.50, 0.48),
              "mouthLeft": (0.44, 0.58), "mouthRight": (0.56, 0.58)}
    return [{"Type": name, "X": x, "Y": y} for name, (x, y) in points.items()]


def face_detail(*, confidence: float = 99.98, sunglasses: bool = False, eyes_open: bool = True,
                yaw: float = -3.4, pitch: float = 5.1, roll: float = 1.2,
                left: float = 0.31) -> dict:
    """One ``FaceDetails`` entry as DetectFaces returns it with ``Attributes: ["ALL"]``."""
    return {
        "BoundingBox": bounding_box(left=left),
        "AgeRange": {"Low": 26, "High": 34},
        "Smile": {"Value": False, "Confidence": 96.2},
        "Eyeglasses": {"Value": sunglasses, "Confidence": 97.4},
        "Sunglasses": {"Value": sunglasses, "Confidence": 98.9},
        "Gender": {"Value": "Female", "Confidence": 99.1},
        "Beard": {"Value": False, "Confidence": 95.5},
        "Mustache": {"Value": False, "Confidence": 98.0},
        "EyesOpen": {"Value": eyes_open, "Confidence": 97.6},
        "MouthOpen": {"Value": False, "Confidence": 94.3},
        "Emotions": [{"Type": "CALM", "Confidence": 93.8}, {"Type": "HAPPY", "Confidence": 3.1}],
        "Landmarks": landmarks(),
        "Pose": {"Roll": roll, "Yaw": yaw, "Pitch": pitch},
        "Quality": {"Brightness": 81.4, "Sharpness": 92.7},
        "Confidence": confidence,
        "FaceOccluded": {"Value": False, "Confidence": 99.2},
        "EyeDirection": {"Yaw": 1.8, "Pitch": -4.0, "Confidence": 99.0},
    }


def detect_faces(*faces: dict) -> dict:
    return {"FaceDetails": list(faces)}


def face(face_id: str, external_image_id: str) -> dict:
    """A face stored in a collection, as SearchFacesByImage and IndexFaces describe it."""
    return {
        "FaceId": face_id,
        "BoundingBox": bounding_box(),
        "ImageId": "6e1f4a0c-2b1d-4a53-9c47-0f3b8d1e2a77",
        "ExternalImageId": external_image_id,
        "Confidence": 99.99,
        "IndexFacesModelVersion": FACE_MODEL_VERSION,
    }


def search_faces_by_image(*matches: tuple[float, str, str]) -> dict:
    """``matches``: (similarity, face id, external image id), best first."""
    return {
        "SearchedFaceBoundingBox": bounding_box(),
        "SearchedFaceConfidence": 99.99,
        "FaceMatches": [{"Similarity": similarity, "Face": face(face_id, owner)}
                        for similarity, face_id, owner in matches],
        "FaceModelVersion": FACE_MODEL_VERSION,
    }


def search_faces(searched_face_id: str, *matches: tuple[float, str, str]) -> dict:
    """SearchFaces by a face id: ``matches`` are (similarity, face id, external image id),
    best first. Its response holds ``SearchedFaceId``, ``FaceMatches`` (each ``Similarity``
    and ``Face``) and ``FaceModelVersion`` (SearchFaces, Amazon Rekognition API Reference,
    https://docs.aws.amazon.com/rekognition/latest/APIReference/API_SearchFaces.html)."""
    return {
        "SearchedFaceId": searched_face_id,
        "FaceMatches": [{"Similarity": similarity, "Face": face(face_id, owner)}
                        for similarity, face_id, owner in matches],
        "FaceModelVersion": FACE_MODEL_VERSION,
    }


def compare_faces(*similarities: float, unmatched: int = 0) -> dict:
    """One ``FaceMatches`` entry per similarity (best first), ``unmatched`` faces below it."""
    target_face = {"BoundingBox": bounding_box(left=0.08, width=0.2, height=0.3),
                   "Confidence": 99.95, "Landmarks": landmarks(),
                   "Pose": {"Roll": 0.4, "Yaw": 2.2, "Pitch": -1.5},
                   "Quality": {"Brightness": 74.2, "Sharpness": 78.3}}
    return {
        "SourceImageFace": {"BoundingBox": bounding_box(), "Confidence": 99.98},
        "FaceMatches": [{"Similarity": similarity, "Face": target_face}
                        for similarity in similarities],
        "UnmatchedFaces": [target_face] * unmatched,
    }


def index_faces(face_id: str | None, external_image_id: str, *, detail: dict | None = None,
                more_faces: int = 0, faces_seen: bool = True) -> dict:
    """IndexFaces with one face indexed (MaxFaces 1), or (``face_id=None``) none, as the
    quality filter may; ``detail``: its FaceDetail (all attributes); ``more_faces``: other
    faces left out (EXCEEDS_MAX_FACES); ``faces_seen=False``: an image without a face, where
    both FaceRecords and UnindexedFaces are empty (IndexFaces, Amazon Rekognition API
    Reference: UnindexedFaces lists faces "detected in the image but weren't indexed")."""
    records = [] if face_id is None else [{
        "Face": face(face_id, external_image_id),
        "FaceDetail": detail or {"BoundingBox": bounding_box(), "Landmarks": landmarks(),
                                 "Pose": {"Roll": 1.2, "Yaw": -3.4, "Pitch": 5.1},
                                 "Quality": {"Brightness": 81.4, "Sharpness": 92.7},
                                 "Confidence": 99.98},
    }]
    unindexed = [] if face_id is not None or not faces_seen else [{
        "Reasons": ["LOW_SHARPNESS"],
        "FaceDetail": {"BoundingBox": bounding_box(), "Confidence": 99.1},
    }]
    unindexed += [{"Reasons": ["EXCEEDS_MAX_FACES"],
                   "FaceDetail": {"BoundingBox": bounding_box(left=0.6), "Confidence": 99.7}}
                  ] * more_faces
    return {"FaceRecords": records, "FaceModelVersion": FACE_MODEL_VERSION,
            "UnindexedFaces": unindexed}


def analyze_id(fields: dict[str, str]) -> dict:
    """Textract AnalyzeID for one document page: ``fields`` by Textract's field type."""
    return {
        "IdentityDocuments": [{
            "DocumentIndex": 1,
            "IdentityDocumentFields": [
                {"Type": {"Text": kind},
                 "ValueDetection": {"Text": text, "Confidence": 97.9 if text else 0.0}}
                for kind, text in fields.items()
            ],
        }],
        "DocumentMetadata": {"Pages": 1},
        "AnalyzeIDModelVersion": "1.0",
    }


# --- crowds: answers as large as Rekognition gives them ------------------------------------------

@functools.cache
def _enum(shape: str) -> list[str]:
    """The values Rekognition's API model lists for an enum shape."""
    model = botocore.session.get_session().get_service_model("rekognition")
    return model.shape_for(shape).enum


def _fraction(seed: int) -> float:
    """A coordinate with the 16 or so digits Rekognition's floats print with."""
    return (seed * 0.6180339887498949) % 1


def full_face_detail(seed: int) -> dict:
    """A ``FaceDetails`` entry with ``Attributes: ["ALL"]`` at its fullest: every landmark type
    and every emotion the API model knows, every number at full precision."""
    detail = face_detail(left=_fraction(seed))
    detail["Landmarks"] = [{"Type": kind, "X": _fraction(seed + i), "Y": _fraction(seed - i)}
                           for i, kind in enumerate(_enum("LandmarkType"))]
    detail["Emotions"] = [{"Type": kind, "Confidence": 100 * _fraction(seed * i)}
                          for i, kind in enumerate(_enum("EmotionName"))]
    return detail


def compared_face(seed: int) -> dict:
    """A ``ComparedFace`` at its fullest (CompareFaces describes each face of the target)."""
    return {"BoundingBox": bounding_box(left=_fraction(seed)), "Confidence": 99.99,
            "Landmarks": landmarks(), "Pose": {"Roll": 0.4, "Yaw": 2.2, "Pitch": -1.5},
            "Quality": {"Brightness": 74.2, "Sharpness": 78.3},
            "Emotions": [{"Type": kind, "Confidence": 100 * _fraction(seed * i)}
                         for i, kind in enumerate(_enum("EmotionName"))],
            "Smile": {"Value": False, "Confidence": 96.2}}


def compare_faces_crowd(best: float, faces: int) -> dict:
    """CompareFaces with ``faces`` faces on the target, each scored (``SimilarityThreshold``
    0), best first, as Rekognition orders them."""
    return {
        "SourceImageFace": {"BoundingBox": bounding_box(), "Confidence": 99.98},
        "FaceMatches": [{"Similarity": best * (faces - i) / faces, "Face": compared_face(i)}
                        for i in range(faces)],
        "UnmatchedFaces": [],
    }
