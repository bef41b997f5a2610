"""Rekognition's 0-100 similarity from the distance between two face encodings.

Rekognition scores each compared face 0-100 and, unless told otherwise, answers only faces at
80 or more: CompareFaces' ``SimilarityThreshold`` and the searches' ``FaceMatchThreshold``
default to 80 (Amazon Rekognition Developer Guide, "Comparing faces in images" and "Using
similarity thresholds for associating and matching faces"). It gives clearly different people
low scores. dlib's encoder gives a Euclidean distance instead, and calls two faces one person
below 0.6, its usual tolerance.

A logistic, ``100 / (1 + exp(STEEPNESS * (distance - MIDPOINT)))``, through two anchors:
dlib's tolerance lands on Rekognition's default threshold (``SAME_PERSON_CUTOFF`` ->
``AT_CUTOFF``), and a pair a little further apart already scores low (``DIFFERENT_PEOPLE`` ->
``AT_DIFFERENT_PEOPLE``). The goals it is held to (tests/test_similarity.py): pairs as close as
same-person pairs get (``SAME_PERSON_PAIRS`` or closer) score at least ``SAME_PERSON_AT_LEAST``;
pairs ``DIFFERENT_PAIRS`` or more apart score below ``DIFFERENT_BELOW``. ``make bench-faces``
prints the curve and the scores of the labelled calibration photos.
"""

from __future__ import annotations

import math

import numpy as np

SAME_PERSON_CUTOFF, AT_CUTOFF = 0.6, 80.0
DIFFERENT_PEOPLE, AT_DIFFERENT_PEOPLE = 0.7, 20.0

SAME_PERSON_PAIRS, SAME_PERSON_AT_LEAST = 0.45, 95.0
DIFFERENT_PAIRS, DIFFERENT_BELOW = 0.70, 25.0

# Where the curve is shown (docs/face-service.md, `make bench-faces`): 0.30 to 1.00 by 0.05.
SHOWN_DISTANCES = tuple(round(0.30 + 0.05 * step, 2) for step in range(15))


def _logit(score: float) -> float:
    return math.log(100 / score - 1)


STEEPNESS = (_logit(AT_DIFFERENT_PEOPLE) - _logit(AT_CUTOFF)) / (
    DIFFERENT_PEOPLE - SAME_PERSON_CUTOFF)
MIDPOINT = SAME_PERSON_CUTOFF - _logit(AT_CUTOFF) / STEEPNESS


def similarity(distance: np.ndarray | float) -> np.ndarray | float:
    """0-100, higher for closer encodings."""
    return 100.0 / (1.0 + np.exp(STEEPNESS * (np.asarray(distance) - MIDPOINT)))


def distances(query: np.ndarray, encodings: np.ndarray,
              squared_norms: np.ndarray | None = None) -> np.ndarray:
    """Euclidean distance from ``query`` to each row of ``encodings``, in one pass:
    |e - q|^2 = |e|^2 - 2 e.q + |q|^2, with the rows' squared lengths given or computed."""
    if len(encodings) == 0:
        return np.empty(0, dtype=np.float32)
    if squared_norms is None:
        squared_norms = np.einsum("ij,ij->i", encodings, encodings)
    query = query.astype(np.float32)
    squared = squared_norms - 2 * (encodings @ query) + float(query @ query)
    return np.sqrt(np.maximum(squared, 0))
