"""Issue 16's promise, held: every scenario of the selfie and ID document flows has a
CompareMode COLLECTION twin that ends with the same verdict: the execution's status and
error, and the status the flow records on the item."""

from __future__ import annotations

import pytest

from contract.item import ID_DOCUMENT, SELFIE
from statemachines.scenarios import all_scenarios

SCENARIOS = {(scenario.workflow, scenario.name): scenario for scenario in all_scenarios()}
# default workflow -> its COLLECTION variant, and the status attribute of its verdict
TWINS = {
    "identity_verification": ("identity_verification_collection", SELFIE.status),
    "identity_verification_express": ("identity_verification_collection_express",
                                      SELFIE.status),
    "id_document": ("id_document_collection", ID_DOCUMENT.status),
    "id_document_without_textract": ("id_document_collection_without_textract",
                                     ID_DOCUMENT.status),
}
# The default design's duplicate search (SearchFacesByImage) leaves the faces on ID documents
# out of its matches (statemachines/registered_faces.py); COLLECTION has no such search: its
# SearchFaces sorts each match itself, with scenarios of its own for those faces.
NO_TWIN = {"DuplicateBehindAnIdFace", "DuplicateNotRuledOut", "PassedPastAnIdFace"}
ORIGINALS = [(workflow, name) for workflow, name in SCENARIOS
             if workflow in TWINS and name not in NO_TWIN]


def test_every_flow_of_the_issue_has_scenarios_to_twin():
    assert {workflow for workflow, _ in ORIGINALS} == set(TWINS)


@pytest.mark.parametrize("workflow, name", ORIGINALS, ids=[f"{w}:{n}" for w, n in ORIGINALS])
def test_each_scenario_has_a_collection_twin_with_the_same_verdict(workflow, name):
    original = SCENARIOS[(workflow, name)]
    twin_workflow, status = TWINS[workflow]
    twin = SCENARIOS.get((twin_workflow, name))
    assert twin is not None, f"{workflow}:{name} has no twin in {twin_workflow}"
    assert (twin.status, twin.error) == (original.status, original.error)
    assert twin.item.get(status) == original.item.get(status)
