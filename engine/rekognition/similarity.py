"""Rekognition's 0-100 similarity from the distance between two face encodings.

A logistic: ``100 / (1 + exp(STEEPNESS * (distance - MIDPOINT)))``, fixed by two anchors:
distance 0.6, dlib's usual same-person cut-off, lands on 80, Rekognition's default similarity
threshold; distance 0.44, the far end of same-person pairs measured on our calibration photos,
lands on 95, the default duplicate threshold. Different people (0.66 and more apart) score
about 62 and less. ``bench/face_calibration.py`` checks the anchors on labelled photos.
"""

from __future__ import annotations

import math

import numpy as np

SAME_PERSON_CUTOFF, AT_CUTOFF = 0.6, 80.0
CLOSE_PAIR, AT_CLOSE_PAIR = 0.44, 95.0
STEEPNESS = (math.log(100 / AT_CUTOFF - 1) - math.log(100 / AT_CLOSE_PAIR - 1)) / (
    SAME_PERSON_CUTOFF - CLOSE_PAIR)
MIDPOINT = SAME_PERSON_CUTOFF - math.log(100 / AT_CUTOFF - 1) / STEEPNESS


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
