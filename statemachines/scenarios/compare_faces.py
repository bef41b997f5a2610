"""Scenarios of ``POST /compare``."""

from __future__ import annotations

from .. import api_common as api
from .. import compare_faces as wf
from . import library as mock
from .api import FAILURE_TAIL, INLINE_ID_CARD, INLINE_SELFIE, api_scenario, largest_inline_image

REQUEST = {"selfie": INLINE_SELFIE, "idcard": INLINE_ID_CARD}
DEFAULTS = (wf.READ_THRESHOLDS, wf.DEFAULTS, wf.THRESHOLD_GIVEN, wf.FILTER_GIVEN, wf.COMPARE)


def refused(name: str, description: str, error: str, reason: str, compared,
            after: tuple) -> object:
    return api_scenario(wf.NAME, name, description, request=REQUEST,
                        mocks={wf.COMPARE: compared}, path=DEFAULTS + after + FAILURE_TAIL,
                        error=error, answer={"status": error, "reason": reason})


SCENARIOS = [
    api_scenario(
        wf.NAME, "Match", "The same person, default threshold (80) and quality filter.",
        request=REQUEST, mocks={wf.COMPARE: mock.SIMILAR},
        path=DEFAULTS + (wf.SIMILAR, wf.MATCH),
        answer={"status": "Match", "similarity": 98.25, "threshold": 80,
                "reason": "similarity 98.25 >= 80"}),
    api_scenario(
        wf.NAME, "NoMatchAtRequestedThreshold", "The caller asks for 99 and a HIGH quality "
        "filter: 98.25 is no match, and the answer says how close it was.",
        request={**REQUEST, "similarity_threshold": 99, "quality_filter": "HIGH"},
        mocks={wf.COMPARE: mock.SIMILAR},
        path=(wf.READ_THRESHOLDS, wf.DEFAULTS, wf.THRESHOLD_GIVEN, wf.USE_THRESHOLD,
              wf.FILTER_GIVEN, wf.USE_FILTER, wf.COMPARE, wf.SIMILAR, wf.NO_MATCH),
        answer={"status": "NoMatch", "similarity": 98.25, "threshold": 99,
                "reason": "similarity 98.25 < 99"}),
    api_scenario(
        wf.NAME, "NoFaceMatched", "No face on the ID document is compared at all.",
        request=REQUEST, mocks={wf.COMPARE: mock.NO_MATCHES},
        path=DEFAULTS + (wf.SIMILAR, wf.NOTHING_MATCHED),
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
        mocks={wf.COMPARE: mock.CROWD_ON_ID_CARD}, path=DEFAULTS + (wf.SIMILAR, wf.MATCH),
        answer={"status": "Match", "similarity": 98.25, "threshold": 80}),
    refused("RekognitionDenied", "The workflow may not call CompareFaces: a 502 that says so.",
            "ServiceError", ": ".join(mock.ACCESS_DENIED), mock.COMPARE_DENIED,
            (api.DESCRIBE_ERROR,)),
]
