"""CompareMode COLLECTION on the embedded engine: the generated template deployed with it, real
uploads through S3, the starter and the local face service (which serves IndexFaces,
SearchFaces and DeleteFaces).

Billed Rekognition calls are counted from the executions' histories, as bench/usage.py counts
them for `make bench-cost`: the goal of the mode is three calls per onboarding (one on the ID
document, two on the selfie) and two per re-verification.
"""

from __future__ import annotations

import pytest

from bench.usage import usage
from client.uploads import ID_DOCUMENT, SELFIE, Client, state_machine_output
from contract.item import COMPARE_EXECUTION, ID_FACE_ID, ID_FACE_NAME_PREFIX
from contract.settings import COLLECTION
from harness.pictures import images
from harness.story import STORY, dead_letters, differences, mark_refused, play

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")


class Stack:
    def __init__(self, session, name: str, tmp_path):
        self.client = Client(session, name, out=lambda _: None)
        self.sfn = session.client("stepfunctions")
        self.rekognition = session.client("rekognition")
        self.collection = self.client.outputs["CollectionId"]
        self.folder = tmp_path

    def upload(self, kind, userid: str, picture: str) -> dict:
        extension = "png" if picture.endswith("png") else "jpg"
        path = self.folder / f"{userid}-{picture}.{extension}"
        path.write_bytes(images()[picture])
        _, previous = self.client.upload(kind, userid, path)
        return self.client.wait(kind, userid, previous, timeout=120)

    def billed_calls(self, kind, item: dict) -> int:
        """Billed Rekognition calls of the upload's execution and of its nested compare."""
        arn = self.client.outputs[state_machine_output(kind)].replace(":stateMachine:",
                                                                       ":execution:")
        executions = [f"{arn}:{item[kind.event]}"]
        if kind is SELFIE and item.get(COMPARE_EXECUTION):
            executions.append(item[COMPARE_EXECUTION])
        return sum(usage(self.sfn.get_execution_history(executionArn=execution, maxResults=1000)[
            "events"]).rekognition for execution in executions)

    def faces(self, name: str) -> list[str]:
        pages = self.rekognition.get_paginator("list_faces").paginate(
            CollectionId=self.collection)
        return [face["FaceId"] for page in pages for face in page["Faces"]
                if face.get("ExternalImageId") == name]


@pytest.fixture(scope="module")
def stack(endpoint_url, tmp_path_factory):
    with stack_on_engine(endpoint_url, "collection", CompareMode="COLLECTION") as (
            session, name, _):
        yield Stack(session, name, tmp_path_factory.mktemp("pictures"))


@pytest.fixture(scope="module")
def alice(stack):
    """Alice onboards: her ID card, then her selfie."""
    id_item = stack.upload(ID_DOCUMENT, "alice", "id_card")
    selfie_item = stack.upload(SELFIE, "alice", "astronaut")
    return {"id": id_item, "selfie": selfie_item}


def test_an_onboarding_passes_with_a_similarity_in_three_billed_calls(stack, alice):
    assert alice["id"]["id_verify_status"] == "pass"
    assert stack.faces(f"{ID_FACE_NAME_PREFIX}alice") == [alice["id"][ID_FACE_ID]]
    item = alice["selfie"]
    assert item["identity_verify_status"] == "pass", item.get("identity_verify_reason")
    assert item["compare_status"] == "pass"
    assert float(item["similarity"]) >= 80
    assert item["compare_reason"].startswith("similarity ") and item["compare_reason"].endswith(
        " >= 80")
    assert stack.faces("alice") == [item["rek_faceid"]]
    assert stack.billed_calls(ID_DOCUMENT, alice["id"]) == 1
    assert stack.billed_calls(SELFIE, item) == 2


def test_someone_else_s_selfie_fails_below_the_threshold(stack, alice):
    assert stack.upload(ID_DOCUMENT, "bob", "id_card")["id_verify_status"] == "pass"
    item = stack.upload(SELFIE, "bob", "hopper")
    assert (item["identity_verify_status"], item["identity_verify_reason"]) == (
        "fail", "similarity below 80")
    assert stack.faces("bob") == [], "a rejected selfie leaves no face"


def test_the_same_face_under_another_user_id_is_a_duplicate(stack, alice):
    assert stack.upload(ID_DOCUMENT, "erin", "id_card")["id_verify_status"] == "pass"
    item = stack.upload(SELFIE, "erin", "mirrored")
    assert item["identity_verify_status"] == "fail"
    assert item["identity_verify_reason"] == f"duplicate of face {alice['selfie']['rek_faceid']}"
    assert stack.faces("erin") == []


def test_a_selfie_of_the_person_on_another_user_s_id_card_gets_its_own_reason(stack):
    """Carol's ID card is uploaded (her face registered by no selfie); Dave, whose own ID is
    Alice's card, sends a photo of Carol: it does not match his ID, and it shows the person on
    Carol's."""
    carol = stack.upload(ID_DOCUMENT, "carol", "hopper_id_card")
    assert carol["id_verify_status"] == "pass"
    assert stack.upload(ID_DOCUMENT, "dave", "id_card")["id_verify_status"] == "pass"
    item = stack.upload(SELFIE, "dave", "hopper")
    assert (item["identity_verify_status"], item["identity_verify_reason"]) == (
        "fail", "the selfie matches the face on the ID document of another user "
                f"(face {carol[ID_FACE_ID]})")
    assert item["compare_status"] == "fail"
    assert stack.faces("dave") == []


def test_the_first_user_s_id_card_sent_as_a_selfie_is_a_duplicate_of_her_face(stack, alice):
    """Alice's card as Grace's selfie: it matches Alice's ID face and her registered selfie
    face; a registered face of another user decides, whatever else matched: a duplicate."""
    assert stack.upload(ID_DOCUMENT, "grace", "hopper_id_card")["id_verify_status"] == "pass"
    item = stack.upload(SELFIE, "grace", "id_card")
    assert (item["identity_verify_status"], item["identity_verify_reason"]) == (
        "fail", f"duplicate of face {alice['selfie']['rek_faceid']}")
    assert stack.faces("grace") == []
    assert stack.billed_calls(SELFIE, item) == 2


def test_a_re_verification_passes_in_two_billed_calls(stack, alice):
    """Alice's face is on Bob's and Erin's ID documents too (copies of her card): her own ID
    matches, so they are no reason to turn her down."""
    item = stack.upload(SELFIE, "alice", "astronaut_png")
    assert item["identity_verify_status"] == "pass", item.get("identity_verify_reason")
    assert stack.faces("alice") == [item["rek_faceid"]]
    assert item["rek_faceid"] != alice["selfie"]["rek_faceid"]
    assert stack.billed_calls(SELFIE, item) == 2


def test_a_new_id_document_replaces_the_old_id_face(stack, alice):
    before = stack.faces(f"{ID_FACE_NAME_PREFIX}alice")
    item = stack.upload(ID_DOCUMENT, "alice", "id_card")
    assert item["id_verify_status"] == "pass"
    assert stack.faces(f"{ID_FACE_NAME_PREFIX}alice") == [item[ID_FACE_ID]]
    assert item[ID_FACE_ID] not in before
    assert stack.billed_calls(ID_DOCUMENT, item) == 1


def test_an_id_document_without_a_face_leaves_none(stack):
    item = stack.upload(ID_DOCUMENT, "frank", "coffee")
    assert (item["id_verify_status"], item["id_verify_reason"]) == ("fail", "no face")
    assert stack.faces(f"{ID_FACE_NAME_PREFIX}frank") == []


@pytest.fixture(scope="module")
def story(endpoint_url, tmp_path_factory):
    with stack_on_engine(endpoint_url, "collection-story", CompareMode="COLLECTION") as (
            session, name, _):
        client = Client(session, name, out=lambda _: None)
        outcomes = play(client, images(), tmp_path_factory.mktemp("story"), out=lambda _: None,
                        compare_mode=COLLECTION)
        mark_refused(outcomes, dead_letters(session.client("sqs"),
                                            client.outputs["SelfieDeadLetterQueueUrl"]))
        yield outcomes


@pytest.mark.parametrize("index", range(len(STORY)),
                         ids=[f"{step.user}-{step.kind}-{step.picture}" for step in STORY])
def test_the_demo_story_gives_the_same_verdicts(story, index):
    """Every upload of the demo's story ends with the status and the reason declared for it
    (harness/story.py): the default mode's, but for Frank, who has no ID document and sends a
    photo of the person on Carol's and Dave's ID cards, which this mode can tell."""
    found = story[index]
    assert differences([found], [], []) == []
