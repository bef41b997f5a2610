"""The local face service's distance-to-similarity curve: its anchors and the goals it is held
to, so that thresholds tuned on the engine mean what they mean on Rekognition."""

from __future__ import annotations

import numpy as np
import pytest

from engine.rekognition import similarity as curve
from engine.rekognition.similarity import similarity


@pytest.mark.parametrize("distance,score", [
    (curve.SAME_PERSON_CUTOFF, curve.AT_CUTOFF),
    (curve.DIFFERENT_PEOPLE, curve.AT_DIFFERENT_PEOPLE),
])
def test_the_curve_passes_through_its_anchors(distance, score):
    assert similarity(distance) == pytest.approx(score)


def test_dlibs_tolerance_sits_on_rekognitions_default_threshold():
    # CompareFaces returns faces at 80 or more by default ("Comparing faces in images", Amazon
    # Rekognition Developer Guide); dlib calls faces under 0.6 apart the same person.
    assert (curve.SAME_PERSON_CUTOFF, curve.AT_CUTOFF) == (0.6, 80.0)


def test_same_person_pairs_score_at_least_the_goal():
    close = np.linspace(0.0, curve.SAME_PERSON_PAIRS, 46)
    assert similarity(close).min() >= curve.SAME_PERSON_AT_LEAST
    assert (curve.SAME_PERSON_PAIRS, curve.SAME_PERSON_AT_LEAST) == (0.45, 95.0)


def test_pairs_far_apart_score_below_the_goal():
    far = np.linspace(curve.DIFFERENT_PAIRS, 2.0, 131)
    assert similarity(far).max() < curve.DIFFERENT_BELOW
    assert (curve.DIFFERENT_PAIRS, curve.DIFFERENT_BELOW) == (0.70, 25.0)


def test_similarity_falls_as_faces_move_apart():
    scores = similarity(np.linspace(0.0, 1.5, 31))
    assert np.all(np.diff(scores) < 0)
    assert 0 < scores[-1] and scores[0] <= 100
