"""`make smoke` against a stack deployed onto the embedded engine: the checks an operator runs
after `make deploy` on AWS pass here, and they say so when something is wrong."""

from __future__ import annotations

import boto3
import pytest

from harness import smoke

from .conftest import EXTERNAL_ENGINE, stack_on_engine

pytestmark = pytest.mark.skipif(EXTERNAL_ENGINE, reason="deploys onto the embedded engine")


@pytest.fixture(scope="module")
def stack(endpoint_url):
    with stack_on_engine(endpoint_url, "smoke") as (_, name, deployed):
        yield name, deployed


def users_left(name: str) -> tuple[list, list, list]:
    session = boto3.session.Session(region_name="us-east-1")
    outputs = smoke.Client(session, name, out=lambda _: None).outputs
    items = session.client("dynamodb").scan(TableName=outputs["TableName"])["Items"]
    faces = session.client("rekognition").list_faces(CollectionId=outputs["CollectionId"])["Faces"]
    objects = session.client("s3").list_objects_v2(Bucket=outputs["BucketName"]).get(
        "Contents", [])
    return items, faces, objects


def test_every_check_passes_and_the_run_erases_what_it_made(stack, capsys):
    name, _ = stack
    assert smoke.main(["--stack", name]) == 0
    printed = capsys.readouterr().out.splitlines()
    verdicts = [line for line in printed if line.startswith(("ok", "FAIL"))]
    assert not [line for line in verdicts if line.startswith("FAIL")], printed
    assert any("-owner selfie is pass: pass" in line and "similarity" in line
               for line in verdicts)
    assert any("-stranger selfie is fail (similarity): fail" in line for line in verdicts)
    assert sum("state machine" in line for line in verdicts) >= 3
    assert printed[-1] == "smoke: all checks passed"
    items, faces, objects = users_left(name)
    assert (items, faces, objects) == ([], [], [])


def test_kept_users_are_erased_by_the_next_run(stack, capsys):
    name, _ = stack
    assert smoke.main(["--stack", name, "--keep"]) == 0
    items, faces, _ = users_left(name)
    assert {item["userid"]["S"].rsplit("-", 1)[-1] for item in items} == {"owner", "stranger"}
    owner = next(item["userid"]["S"] for item in items if item["userid"]["S"].endswith("owner"))
    assert [face["ExternalImageId"] for face in faces] == [owner]
    assert smoke.main(["--stack", name]) == 0
    assert "erased 2 user(s) left by an earlier smoke run" in capsys.readouterr().out
    assert users_left(name)[:2] == ([], [])


def test_a_wrong_verdict_fails_the_run(stack, capsys, monkeypatch):
    name, _ = stack
    wrong = [smoke.Expectation("owner", smoke.SELFIE, "hopper", "pass")]
    monkeypatch.setattr(smoke, "EXPECTATIONS", [smoke.EXPECTATIONS[0], *wrong])
    assert smoke.main(["--stack", name]) == 1
    printed = capsys.readouterr().out
    assert "FAIL  smoke-" in printed and "-owner selfie is pass: fail" in printed
    assert printed.splitlines()[-1] == "smoke: 1 failed"


def test_a_failure_for_another_reason_is_not_the_one_expected(stack, capsys, monkeypatch):
    """The stranger's selfie must fail on its similarity, not because the ID was refused."""
    name, _ = stack
    no_face_id = smoke.Expectation("stranger", smoke.ID_DOCUMENT, "coffee", "pass")
    monkeypatch.setattr(smoke, "EXPECTATIONS", [no_face_id, smoke.EXPECTATIONS[-1]])
    assert smoke.main(["--stack", name]) == 1
    printed = capsys.readouterr().out
    assert "FAIL  smoke-" in printed and "-stranger selfie is fail (similarity): fail" in printed
    assert "ID document" in printed.split("-stranger selfie is fail (similarity)")[1]


def test_a_missing_stack_is_a_configuration_error(stack, capsys):
    assert smoke.main(["--stack", "no-such-stack"]) == 3
    assert "deploy it first" in capsys.readouterr().err
