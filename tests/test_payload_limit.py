"""The API flows' largest requests stay within Step Functions' payload quota in every state.

"Step Functions service quotas": the input or output of a task, a state or an execution holds at
most 256 KiB (262,144 bytes) of UTF-8 text; past it the execution fails with
States.DataLimitExceeded, which no Catch takes, and API Gateway answers 502. The embedded
engine fails an execution the same way (moto checks task answers and state outputs); these
tests also measure every payload the execution's history shows (each state's input and output,
each task's parameters and answer) and the room the state takes beside the images.

The largest requests are scenarios (``LargestRequest...``): two inline images of
``api_common.MAX_INLINE_IMAGE_CHARS``, the longest user id, and Rekognition answering for a
crowd of faces.
"""

from __future__ import annotations

import json

import pytest

from statemachines import api_common
from statemachines.scenarios import all_scenarios

LARGEST = [scenario for scenario in all_scenarios() if scenario.name.startswith("LargestRequest")]
PAYLOAD_FIELDS = ("input", "output", "parameters")


def payloads(events: list[dict]) -> list[tuple[str, str, str]]:
    """(event type, field, text) of every payload in an execution's history."""
    return [(event["type"], field, details[field])
            for event in events for key, details in event.items()
            if key.endswith("EventDetails") and isinstance(details, dict)
            for field in PAYLOAD_FIELDS if isinstance(details.get(field), str)]


def size(text: str) -> int:
    return len(text.encode())


def test_the_largest_requests_cover_both_flows_with_two_images():
    assert {(s.workflow, s.status) for s in LARGEST} == {
        ("register_idcard", "SUCCEEDED"), ("register_idcard", "FAILED"),
        ("compare_faces", "SUCCEEDED")}
    for scenario in LARGEST:
        images = [scenario.request[name]["Bytes"] for name in ("selfie", "idcard")]
        assert [len(image) for image in images] == [api_common.MAX_INLINE_IMAGE_CHARS] * 2


@pytest.mark.parametrize("scenario", LARGEST, ids=[f"{s.workflow}:{s.name}" for s in LARGEST])
def test_every_payload_of_the_largest_requests_fits_the_quota(deployment, scenario,
                                                             report_measurement):
    run = deployment.run(scenario)
    assert (run.status, run.error) == (scenario.status, scenario.error)
    assert scenario.takes_path(run.path), run.path
    found = payloads(deployment.history(run.execution_arn))
    assert any(kind == "TaskSucceeded" for kind, _, _ in found)  # Rekognition's answers count
    kind, field, largest = max(found, key=lambda payload: size(payload[2]))
    images = sum(size(json.dumps(scenario.request[name])) for name in ("selfie", "idcard"))
    beside = max(size(text) for kind, _, text in found if kind.endswith("StateExited")) - images
    report_measurement(f"payload: {scenario.workflow} {scenario.name}: largest {size(largest)} "
                       f"bytes ({kind} {field}), {beside} bytes of state beside the images, "
                       f"quota {api_common.PAYLOAD_LIMIT_BYTES}")
    assert size(largest) < api_common.PAYLOAD_LIMIT_BYTES, (kind, field)
    # The budget beside the images keeps twice what the largest state needs.
    assert 2 * beside <= api_common.BESIDE_IMAGES_BYTES
