"""The workshop's order of work, for comparison: one Rekognition call after another.

DetectFaces and the quality gate, then the duplicate search, then the nested compare (our
identity compare workflow, waited for with ``.sync``), then IndexFaces: four billed calls in
four rounds, as the published workshop makes them. Built from the same helpers as our
workflows, so that only the order differs; refusals end in one Fail state (the benchmarks
price and time the happy path).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from contract.environment import MOCK_CONFIG
from contract.item import COMPARE_STATUS, ID_DOCUMENT, PASS
from statemachines import asl, identity_compare
from statemachines import identity_verification as ours
from statemachines import quality_gate as gate
from statemachines.common import index_face, s3_image, search_faces, settings_state
from statemachines.registry import Machine
from statemachines.scenarios import Scenario, mock_config
from statemachines.scenarios import library as mock

NAME = "workshop_sequential"
REFUSED = "Refused"
BEST = "$.duplicates.matches[0]"


def definition() -> dict:
    workflow = asl.Workflow("The workshop's order: detect, search, compare, index, in turn.")
    refuse = asl.catch_all(REFUSED)
    workflow.add(ours.READ_THRESHOLDS, settings_state(
        *gate.SETTINGS, "duplicate_similarity", next=gate.DETECT))
    gate.add_quality_gate(workflow, image=s3_image(), passed=ours.SEARCH, on_error=refuse,
                          reject=lambda reason=None, **_: asl.fail_with(error="Rejected"))
    workflow.add(ours.SEARCH, search_faces(
        s3_image(), threshold="$.settings.duplicate_similarity", result_path="$.duplicates",
        catch=refuse, next=ours.ALREADY_REGISTERED))
    workflow.add(ours.ALREADY_REGISTERED, asl.choice(
        [(asl.is_present(BEST), REFUSED)], default=ours.COMPARE))
    compare = dict(ours._compare_branch(express=False)["States"][ours.COMPARE])
    compare.pop("End")
    compare.update(ResultPath="$.compare", Catch=refuse, Next=ours.MATCHES_ID)
    workflow.add(ours.COMPARE, compare)
    workflow.add(ours.MATCHES_ID, asl.choice(
        [(asl.string_equals(f"$.compare.verdict.{COMPARE_STATUS}", PASS), ours.INDEX)],
        default=REFUSED))
    workflow.add(ours.INDEX, index_face(s3_image(), next=None, catch=refuse))
    workflow.add(REFUSED, asl.fail_with(error="Rejected"))
    return workflow.definition()


HAPPY_PATH = (ours.READ_THRESHOLDS, gate.DETECT, gate.COUNT_FACES, gate.QUALITY, ours.SEARCH,
              ours.ALREADY_REGISTERED, ours.COMPARE, ours.MATCHES_ID, ours.INDEX)


def scenario(name: str = "HappyPath") -> Scenario:
    if name != "HappyPath":
        raise KeyError(name)
    return Scenario(
        workflow=NAME, name=name, description="The workshop's order, happy path.",
        userid="alice", upload="selfie",
        mocks={gate.DETECT: mock.ONE_GOOD_FACE, ours.SEARCH: mock.NO_DUPLICATE,
               ours.INDEX: mock.INDEXED},
        path=HAPPY_PATH,
        seed_item={ID_DOCUMENT.bucket: "ekyc-test-uploads",
                   ID_DOCUMENT.object: f"{ID_DOCUMENT.prefix}alice.jpg", ID_DOCUMENT.status: PASS},
        # The nested compare runs the identity compare's own HappyPath test case.
        nested_path=(), item={})


def register() -> Machine:
    """This design as a state machine for the scenario runner to deploy too (nested compare:
    ours, ``Deployment(extra=...)``), with the engine given its test case."""
    from harness import scenario_runner

    folder = Path(tempfile.mkdtemp(prefix="ekyc-workshop-"))
    asl_file = folder / f"{NAME}.asl.json"
    asl_file.write_text(json.dumps(definition(), indent=2))
    committed = json.loads(scenario_runner.MOCK_CONFIG_PATH.read_text())
    extra = mock_config([scenario()])
    committed["StateMachines"].update(extra["StateMachines"])
    committed["MockedResponses"].update(extra["MockedResponses"])
    config = folder / "mock_config.json"
    config.write_text(json.dumps(committed))
    os.environ[MOCK_CONFIG] = str(config)
    return Machine(NAME, NAME, asl_file, nested=identity_compare.NAME)
