"""Properties of the generated state machine definitions (statemachines/*.asl.json), and
that every generated file matches its generator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generators import synth
from generators.output import drift
from statemachines import asl, registry
from statemachines.common import SEARCH_MAX_FACES, SHOW_SIMILARITY
from statemachines.registered_faces import IS_ID_FACE, KEEP_REGISTERED_FACES

ROOT = Path(__file__).resolve().parent.parent


def asl_file(name: str) -> dict:
    return json.loads((ROOT / "statemachines" / name).read_text())


def all_definitions() -> list[tuple[str, dict]]:
    return [(d.filename, asl_file(d.filename)) for d in registry.definitions()]


def states_of(definition: dict):
    """Every (name, state) of a definition, including states nested in Parallel/Map."""
    for name, state in definition["States"].items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from states_of(branch)
        if "ItemProcessor" in state:
            yield from states_of(state["ItemProcessor"])


def test_committed_artifacts_match_the_generator():
    assert drift(synth.artifacts()) == []
    assert drift(synth.views()) == []


def comparisons(condition: dict):
    """Every leaf comparison of a Choice rule."""
    for key in ("And", "Or"):
        for inner in condition.get(key, []):
            yield from comparisons(inner)
    if "Not" in condition:
        yield from comparisons(condition["Not"])
    if "Variable" in condition:
        yield condition


@pytest.mark.parametrize("filename,definition", all_definitions())
def test_thresholds_are_never_literals_in_a_choice(filename, definition):
    checked = 0
    for name, state in states_of(definition):
        if name == SHOW_SIMILARITY:
            # Not a threshold: below it a similarity is shown as 0.0 without being rounded.
            assert asl.ROUNDS_TO_ZERO in [rule.get("NumericLessThan") for rule in
                                          state["Choices"]]
            continue
        for rule in state.get("Choices", []):
            for comparison in comparisons(rule):
                operators = [k for k in comparison if k.startswith("Numeric")
                             # Not a threshold: a similarity too small to show rounded.
                             and comparison[k] != asl.ROUNDS_TO_ZERO]
                if operators and re.search(r"Confidence|Similarity|Pose", comparison["Variable"]):
                    assert all(k.endswith("Path") for k in operators), (name,)
                    # /compare's caller may choose the threshold; its default is a setting.
                    source = "$.options." if filename == "compare_faces.asl.json" \
                        else "$.settings."
                    assert all(comparison[k].startswith(source) for k in operators)
                    checked += 1
    # Neither the ID document check, the safety net nor the erasure compares a score with a
    # threshold.
    assert checked > 0 or filename in (
        "id_document.asl.json", "id_document.collection.asl.json", "safety_net.asl.json",
        "forget.asl.json")


@pytest.mark.parametrize("filename,definition", all_definitions())
def test_every_choice_has_a_default(filename, definition):
    for name, state in states_of(definition):
        if state["Type"] == "Choice":
            assert state.get("Default") in asl.all_states(definition), (filename, name)
            # ...and in the same scope: a branch cannot jump out of its Parallel state.
            assert asl.branch_of(definition).get(state["Default"]) == \
                asl.branch_of(definition).get(name), (filename, name)


@pytest.mark.parametrize("filename,definition", all_definitions())
def test_every_aws_task_retries_transient_errors_and_catches_everything(filename, definition):
    tasks = [(n, s) for n, s in states_of(definition) if s["Type"] == "Task"]
    assert tasks
    all_states = dict(states_of(definition))

    def catches_everything(state: dict) -> bool:
        return "States.ALL" in [error for c in state.get("Catch", [])
                                for error in c["ErrorEquals"]]
    for name, state in tasks:
        assert state["Resource"].startswith("arn:aws:states:::"), (filename, name)
        retry = state.get("Retry", [])
        assert retry, (filename, name)
        for retrier in retry:
            assert "States.ALL" not in retrier["ErrorEquals"], (filename, name)
            assert retrier["BackoffRate"] > 1 and retrier["JitterStrategy"] == "FULL"
        # Inside a Parallel branch, the Parallel state may catch for its branches.
        enclosing = asl.branch_of(definition).get(name)
        assert catches_everything(state) or (
            enclosing and catches_everything(all_states[enclosing[0]])), (filename, name)


@pytest.mark.parametrize("filename,definition", all_definitions())
def test_names_read_as_sentences_and_transitions_resolve(filename, definition):
    for name, state in definition["States"].items():
        assert name[0].isupper() and " " in name, name
        for target in asl.targets(state):
            assert target in definition["States"], (filename, name, target)


@pytest.mark.parametrize("filename", ["id_document.asl.json", "identity_verification.asl.json",
                                      "identity_verification.express.asl.json"])
def test_every_failure_path_records_notifies_once_and_fails(filename):
    definition = asl_file(filename)
    states = definition["States"]
    publishers = [n for n, s in states.items() if s.get("Resource", "").endswith("sns:publish")]
    assert len(publishers) == 1
    describers = [n for n, s in states.items()
                  if s["Type"] == "Pass" and s.get("ResultPath") == "$.failure"]
    assert len(describers) >= 2
    for name in describers:
        path, current = [], name
        while states[current]["Type"] != "Fail":
            current = states[current]["Next"]
            path.append(current)
            assert len(path) < 5
        assert publishers[0] in path, (name, path)
        # A rejected face already indexed is taken out of the collection first.
        recorded = [n for n in path if not states[n].get("Resource", "").endswith(
            "rekognition:deleteFaces")]
        assert recorded[0] == path[len(path) - len(recorded)], (name, path)
        assert states[recorded[0]]["Resource"].endswith("dynamodb:updateItem"), (name, path)


def test_rejection_reasons_are_specific():
    verification = asl_file("identity_verification.asl.json")["States"]
    reasons = {name: state["Parameters"].get("reason", state["Parameters"].get("reason.$"))
               for name, state in verification.items()
               if state["Type"] == "Pass" and state.get("ResultPath") == "$.failure"}
    assert reasons["No face in selfie"] == "no face"
    assert reasons["Sunglasses detected"] == "sunglasses"
    assert reasons["Eyes closed"] == "eyes closed"
    assert "'{} faces'" in reasons["More than one face in selfie"]
    assert "duplicate of face {}" in reasons["Duplicate face"]
    compare = asl_file("identity_compare.asl.json")["States"]
    assert compare["No ID document"]["Parameters"]["reason"] == "no ID document"
    not_similar = compare["Selfie does not match ID photo"]["Parameters"]["reason.$"]
    assert "similarity {} < {}" in not_similar


def test_every_search_keeps_the_registered_faces_alone():
    """Each search asks for SEARCH_MAX_FACES matches and goes straight to the Map that leaves
    the faces on ID documents (``_id:<userid>``) out of them, in place."""
    searching = set()
    for filename, definition in all_definitions():
        states = asl.all_states(definition)
        for name, state in states.items():
            if not state.get("Resource", "").endswith("rekognition:searchFacesByImage"):
                continue
            searching.add(filename.removesuffix(".asl.json"))
            assert state["Parameters"]["MaxFaces"] == SEARCH_MAX_FACES, name
            assert state["Next"] == KEEP_REGISTERED_FACES, name
            keep, result_path = states[KEEP_REGISTERED_FACES], state.get("ResultPath", "$")
            assert (keep["Type"], keep["ItemsPath"], keep.get("ResultPath", "$")) == (
                "Map", f"{result_path}.matches", result_path)
            assert keep["ResultSelector"] == {"matches.$": "$[*][*]",
                                              "searched.$": "States.ArrayLength($)"}
            (rule,) = keep["ItemProcessor"]["States"][IS_ID_FACE]["Choices"]
            assert {"Variable": "$.Face.ExternalImageId", "StringMatches": "_id:*"} in rule["And"]
    assert searching == {"identity_verification", "identity_verification.express", "register",
                         "register_idcard", "authenticate", "update_face"}


def test_the_collection_search_tells_id_faces_from_registrations_itself():
    """CompareMode COLLECTION searches by the selfie's FaceId and sorts every match itself: the
    user's own ID face is the compare, another user's ID face is no duplicate."""
    for filename in ("identity_verification.collection.asl.json",
                     "identity_verification.collection.express.asl.json"):
        states = asl.all_states(asl_file(filename))
        (search,) = [state for state in states.values()
                     if state.get("Resource", "").endswith("rekognition:searchFaces")]
        assert search["Parameters"]["FaceId.$"]
        rules = json.dumps([state.get("Choices") for state in states.values()])
        assert '"StringMatches": "_id:*"' in rules, filename


def test_duplicate_is_decided_on_match_similarity_not_searched_face_confidence():
    definition = asl_file("identity_verification.asl.json")
    states = asl.all_states(definition)
    search = states["Search for duplicate faces"]
    assert search["Parameters"]["FaceMatchThreshold.$"] == "$.settings.duplicate_similarity"
    rules = json.dumps(states["Is the face already registered?"]["Choices"])
    assert "$.checks.search.matches[0].Similarity" in rules
    assert "SearchedFaceConfidence" not in json.dumps(states)


def test_checks_run_at_once_and_a_face_stays_indexed_only_if_it_passed_the_gate():
    definition = asl_file("identity_verification.asl.json")
    states = definition["States"]
    search, compare = states["Search for duplicates and compare with ID document"]["Branches"]
    assert search["StartAt"] == "Search for duplicate faces"
    assert compare["StartAt"] == "Compare selfie with ID document"
    assert states["Does the selfie match the ID document?"]["Choices"][0]["Next"] == \
        "Index face and make thumbnail"
    indexing, thumbnail = states["Index face and make thumbnail"]["Branches"]
    index = indexing["States"]["Index face"]["Parameters"]
    assert (index["ExternalImageId.$"], index["DetectionAttributes"]) == ("$.userid", ["ALL"])
    assert thumbnail["States"]["Make thumbnail"]["Resource"].endswith(":lambda:invoke")
    # The gate reads what IndexFaces saw; each way it turns a selfie down removes the face.
    gate = states["Check face quality"]
    rejections = [rule["Next"] for rule in gate["Choices"]]
    rejections.append(states["How many faces are in the selfie?"]["Choices"][0]["Next"])
    assert gate["Default"] == "Record verification passed"
    for rejection in rejections:
        assert states[rejection]["Next"] == "Remove the rejected face", rejection
    assert states["Remove the rejected face"]["Resource"].endswith("rekognition:deleteFaces")


def test_happy_path_makes_three_rekognition_calls_in_two_rounds():
    """Search and compare at once, then IndexFaces: no DetectFaces in the selfie flow."""
    for filename in ("identity_verification.asl.json", "identity_verification.express.asl.json"):
        resources = [s.get("Resource", "") for s in asl.all_states(asl_file(filename)).values()]
        assert not any(r.endswith("detectFaces") for r in resources), filename
    compare = asl.all_states(asl_file("identity_compare.asl.json"))
    assert [n for n, s in compare.items() if "rekognition" in s.get("Resource", "")] == [
        "Compare selfie with ID photo"]


def test_a_replay_cannot_overwrite_a_newer_photo_nor_bring_back_an_erased_user():
    record = asl_file("identity_verification.asl.json")["States"]["Record verification passed"]
    assert record["Parameters"]["ConditionExpression"] == (
        "attribute_exists(userid) AND (attribute_not_exists(photo_uploaded_at) OR "
        "photo_uploaded_at <= :photo_uploaded_at)")
    values = record["Parameters"]["ExpressionAttributeValues"]
    assert values[":photo_uploaded_at"] == {"S.$": "$.uploaded_at"}
    assert record["Catch"][0] == {"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                                  "ResultPath": "$.error",
                                  "Next": "Remove the face no record keeps"}


def test_standard_variant_waits_for_the_nested_compare_and_express_uses_sync_execution():
    standard = asl.all_states(asl_file("identity_verification.asl.json"))
    express = asl.all_states(asl_file("identity_verification.express.asl.json"))
    assert standard["Compare selfie with ID document"]["Resource"].endswith(
        "states:startExecution.sync:2")
    assert express["Compare selfie with ID document"]["Resource"].endswith(
        "aws-sdk:sfn:startSyncExecution")
    assert not any(".sync" in s.get("Resource", "") for s in express.values())
