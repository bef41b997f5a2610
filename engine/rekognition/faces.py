"""Rekognition's ``FaceDetail`` from what the engine found, derived where it honestly can be.

Computed: BoundingBox (ratios of the image), Confidence (from the detector's margin), Landmarks
(eyes and nose: the 5-point model has no mouth points), Pose (estimated from those landmarks),
Quality (brightness and sharpness of the face's pixels) and Sunglasses (eye regions much darker
than the face). EyesOpen only where the engine loaded dlib's 68-point model (opt-in: its
training data allows no commercial use). Not computed, so omitted: age, gender, emotions, smile,
beard, mustache, mouth, occlusion.
"""

from __future__ import annotations

import math

import numpy as np

from .engine import FoundFace

# Confidence = logistic of the detector's margin: 0.3 (the weakest face we keep) maps to 69,
# 0.8 to 99, a clear frontal face (1 and more) to 99.8 and more.
CONFIDENCE_STEEPNESS = 8.0
CONFIDENCE_MIDPOINT = 0.2
# Eye regions darker than this share of the face's mean brightness count as sunglasses.
SUNGLASSES_DARKNESS = 0.45
# Eye aspect ratio (eye height over width, from the 68-point outline) below which eyes are shut.
EYES_CLOSED_RATIO = 0.2
# Variance of the Laplacian at which Sharpness reaches 63 (1 - 1/e) of 100.
SHARPNESS_SCALE = 150.0


def confidence(face: FoundFace) -> float:
    value = 100 / (1 + math.exp(-CONFIDENCE_STEEPNESS * (face.score - CONFIDENCE_MIDPOINT)))
    return round(min(value, 99.9999), 4)


def bounding_box(face: FoundFace) -> dict:
    return {"Width": round((face.right - face.left) / face.width, 6),
            "Height": round((face.bottom - face.top) / face.height, 6),
            "Left": round(face.left / face.width, 6), "Top": round(face.top / face.height, 6)}


def _eyes_and_nose(face: FoundFace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres of the eye on the image's left and on its right, and the nose base."""
    first, second = face.landmarks[0:2].mean(axis=0), face.landmarks[2:4].mean(axis=0)
    left, right = (first, second) if first[0] <= second[0] else (second, first)
    return left, right, face.landmarks[4]


def landmarks(face: FoundFace) -> list[dict]:
    left, right, nose = _eyes_and_nose(face)
    return [{"Type": name, "X": round(x / face.width, 6), "Y": round(y / face.height, 6)}
            for name, (x, y) in (("eyeLeft", left), ("eyeRight", right), ("nose", nose))]


def pose(face: FoundFace) -> dict:
    """Roll from the eye line; yaw from how far the nose sits off the eyes' midpoint; pitch from
    how far below the eye line it sits, against a frontal face's proportions. Estimates: the
    5-point model gives no depth, so large angles are less exact than Rekognition's."""
    left, right, nose = _eyes_and_nose(face)
    eye_line = right - left
    eye_distance = float(np.hypot(*eye_line)) or 1.0
    roll = math.degrees(math.atan2(eye_line[1], eye_line[0]))
    # Express the nose in the frame of the eye line (x along it, y across it).
    along, across = eye_line / eye_distance, np.array([-eye_line[1], eye_line[0]]) / eye_distance
    offset = nose - (left + right) / 2
    sideways = float(offset @ along) / eye_distance
    below = float(offset @ across) / eye_distance
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, 2 * sideways))))
    # On frontal faces the nose base sits about 0.75 eye distances below the eye line.
    pitch = math.degrees(math.asin(max(-1.0, min(1.0, (0.75 - below) / 0.75))))
    return {"Roll": round(roll, 2), "Yaw": round(yaw, 2), "Pitch": round(pitch, 2)}


def _luminance(pixels: np.ndarray) -> np.ndarray:
    return pixels[..., :3].astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def quality(face: FoundFace, pixels: np.ndarray) -> dict:
    crop = _luminance(pixels[face.top:face.bottom, face.left:face.right])
    if crop.size == 0:
        return {"Brightness": 0.0, "Sharpness": 0.0}
    laplacian = (crop[1:-1, :-2] + crop[1:-1, 2:] + crop[:-2, 1:-1] + crop[2:, 1:-1]
                 - 4 * crop[1:-1, 1:-1])
    sharpness = 100 * (1 - math.exp(-float(laplacian.var()) / SHARPNESS_SCALE)) \
        if laplacian.size else 0.0
    return {"Brightness": round(float(crop.mean()) / 255 * 100, 4),
            "Sharpness": round(sharpness, 4)}


def sunglasses(face: FoundFace, pixels: np.ndarray) -> dict:
    """Dark lenses make both eye regions far darker than the face around them."""
    left, right, _ = _eyes_and_nose(face)
    radius = max(2, int(0.22 * float(np.hypot(*(right - left)))))
    gray = _luminance(pixels)

    def mean_around(point: np.ndarray) -> float:
        x, y = int(point[0]), int(point[1])
        patch = gray[max(y - radius, 0):y + radius, max(x - radius, 0):x + radius]
        return float(patch.mean()) if patch.size else 0.0

    face_brightness = float(gray[face.top:face.bottom, face.left:face.right].mean()) or 1.0
    darkness = (mean_around(left) + mean_around(right)) / 2 / face_brightness
    wearing = darkness < SUNGLASSES_DARKNESS
    margin = abs(darkness - SUNGLASSES_DARKNESS) / SUNGLASSES_DARKNESS
    return {"Value": wearing, "Confidence": round(min(99.9, 50 + 50 * margin), 4)}


def eyes_open(face: FoundFace) -> dict | None:
    """From the eye outlines' aspect ratio; None without the 68-point model."""
    if face.eye_contours is None:
        return None
    ratios = []
    for eye in face.eye_contours:  # corners at 0 and 3; upper lid 1, 2; lower lid 5, 4
        height = (np.hypot(*(eye[1] - eye[5])) + np.hypot(*(eye[2] - eye[4]))) / 2
        ratios.append(height / (np.hypot(*(eye[0] - eye[3])) or 1.0))
    ratio = float(np.mean(ratios))
    margin = abs(ratio - EYES_CLOSED_RATIO) / EYES_CLOSED_RATIO
    return {"Value": ratio >= EYES_CLOSED_RATIO, "Confidence": round(min(99.9, 50 + 50 * margin),
                                                                      4)}


def face_detail(face: FoundFace, pixels: np.ndarray, *, all_attributes: bool) -> dict:
    """``FaceDetail`` as DetectFaces returns it with ``Attributes`` DEFAULT or ALL."""
    detail = {"BoundingBox": bounding_box(face), "Landmarks": landmarks(face),
              "Pose": pose(face), "Quality": quality(face, pixels),
              "Confidence": confidence(face)}
    if all_attributes:
        detail["Sunglasses"] = sunglasses(face, pixels)
        opened = eyes_open(face)
        if opened is not None:
            detail["EyesOpen"] = opened
    return detail
