"""Scenarios of ``POST /compare``."""

from __future__ import annotations

from .. import api_common as api
from .. import compare_faces as wf
from ..common import ROUND_SIMILARITY, SHOW_SIMILARITY, SHOW_TINY_SIMILARITY
from . import library as mock
from .api import FAILURE_TAIL, INLINE_ID_CARD, INLINE_SELFIE, api_scenario, largest_inline_image

REQUEST = {"selfie": INLINE_SELFIE, "idcard": INLINE_ID_CARD}
DEFAULTS = (wf.READ_THRESHOLDS, wf.DEFAULTS, wf.THRESHOLD_GIVEN, wf.FILTER_GIVEN, wf.COMPARE)
SCORED = (SHOW_SIMILARITY, ROUND_SIMILARITY, wf.SIMILAR)


def refused(name: str, description: str, error: str, reason: str, compared,
            after: tuple) -> object:
    return api_scenario(wf.NAME, name, description, request=REQUEST,
                        mocks={wf.COMPARE: compared}, path=DEFAULTS + after + FAILURE_TAIL,
                        error=error, answer={"status": error, "reason": reason})


SCENARIOS = [
    api_scenario(
        wf.NAME, "Match", "The same person, default threshold (80) and quality filter.",
        request=REQUEST, mocks={wf.COMPARE: mock.SIMILAR},
        path=DEFAULTS + SCORED + (wf.MATCH,),
        answer={"status": "Match", "similarity": 98.25, "threshold": 80,
                "reason": "similarity 98.3 >= 80"}),
    api_scenario(
        wf.NAME, "NoMatchAtRequestedThreshold", "The caller asks for 99 and a HIGH quality "
        "filter: 98.25 is no match, and the answer says how close it was.",
        request={**REQUEST, "similarity_threshold": 99, "quality_filter": "HIGH"},
        mocks={wf.COMPARE: mock.SIMILAR},
        path=(wf.READ_THRESHOLDS, wf.DEFAULTS, wf.THRESHOLD_GIVEN, wf.USE_THRESHOLD,
              wf.FILTER_GIVEN, wf.USE_FILTER, wf.COMPARE) + SCORED + (wf.NO_MATCH,),
        answer={"status": "NoMatch", "similarity": 98.25, "threshold": 99,
                "reason": "similarity 98.3 < 99"}),
    api_scenario(
        wf.NAME, "NoMatchRoundedToTenths", "Another person: the reason gives the similarity "
        "rounded to one decimal, the answer Rekognition's own.",
        request=REQUEST, mocks={wf.COMPARE: mock.NOT_SIMILAR},
        path=DEFAULTS + SCORED + (wf.NO_MATCH,),
        answer={"status": "NoMatch", "similarity": 57.6106, "threshold": 80,
                "reason": "similarity 57.6 < 80"}),
    api_scenario(
        wf.NAME, "NoMatchStranger", "A stranger scores 1.23e-05: the reason shows 0.0, which "
        "the rounding intrinsic could not make of a number written with an exponent.",
        request=REQUEST, mocks={wf.COMPARE: mock.STRANGER},
        path=DEFAULTS + (SHOW_SIMILARITY, SHOW_TINY_SIMILARITY, wf.SIMILAR, wf.NO_MATCH),
        answer={"status": "NoMatch", "similarity": 1.23e-05, "threshold": 80,
                "reason": "similarity 0.0 < 80"}),
    api_scenario(
        wf.NAME, "NoFaceMatched", "No face on the ID document is compared at all.",
        request=REQUEST, mocks={wf.COMPARE: mock.NO_MATCHES},
        path=DEFAULTS + (SHOW_SIMILARITY, wf.SIMILAR, wf.NOTHING_MATCHED),
        answer={"status": "NoMatch", "similarity": 0, "threshold": 80}),
    refused("NoComparableFace", "Rekognition finds no face in one of the images.",
            "NoComparableFace", mock.NO_FACE_IN_IMAGE[1], mock.NO_COMPARABLE_FACE,
            (wf.NO_COMPARABLE_FACE,)),
    refused("NotAnImage", "One of the images is no image Rekognition reads.", "InvalidImage",
            ": ".join(mock.BAD_IMAGE_FORMAT), mock.COMPARE_BAD_FORMAT, (api.INVALID_IMAGE,)),
    api_scenario(
        wf.NAME, "LargestRequestCrowdOnIdCard", "Two inline images at the API's limit, and 30 "
        "faces on the ID image, all scored: a match, every state within the 256 KiB quota.",
        request={"selfie": largest_inline_image("/9j/4AAQSkZJ"),
                 "idcard": largest_inline_image("/9j/4AAQSkZJRgABAg")},
        mocks={wf.COMPARE: mock.CROWD_ON_ID_CARD}, path=DEFAULTS + SCORED + (wf.MATCH,),
        answer={"status": "Match", "similarity": 98.25, "threshold": 80}),
    refused("RekognitionDenied", "The workflow may not call CompareFaces: a 502 that says so.",
            "ServiceError", ": ".join(mock.ACCESS_DENIED), mock.COMPARE_DENIED,
            (api.DESCRIBE_ERROR,)),
]
