"""`make demo`: quiet, and it checks itself. The whole demo as a subprocess (as a person runs
it), and the check of each outcome against the one declared beside its step in
harness/story.py, without an engine."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from contract.item import ID_DOCUMENT, ID_FIELD_PREFIX, SELFIE, SIMILARITY
from harness import demo, demo_report
from harness.story import API_STORY, ERASED, REFUSED_REASON, STORY, UPLOADS, Leftovers, Outcome
from statemachines.id_fields import FIELDS

from .conftest import EXTERNAL_ENGINE
from .test_manual_path import clean_environment

ROOT = Path(__file__).resolve().parent.parent
MOST_LINES = 60


@pytest.mark.skipif(EXTERNAL_ENGINE, reason="starts the embedded engine itself")
def test_the_demo_is_quiet_and_ends_with_every_outcome_as_expected():
    run = subprocess.run([sys.executable, "-m", "scripts.demo"], cwd=ROOT,
                         env=clean_environment(), capture_output=True, text=True, timeout=600)
    printed = run.stdout + run.stderr
    lines = printed.splitlines()
    assert run.returncode == 0, printed
    assert run.stderr == ""
    assert len(lines) <= MOST_LINES, printed
    declared = len(STORY) + len(API_STORY) + len(ERASED)
    assert lines[-1] == f"{declared} of {declared} outcomes as expected"
    assert not re.search(r"Warning|Traceback|site-packages|No Moto", printed), printed
    # A row's reason wraps onto the lines below it when the terminal is narrow.
    (row,) = [n for n, line in enumerate(lines) if line.startswith("mallory ")]
    mallory = " ".join([lines[row], *(line.strip() for line in itertools.takewhile(
        lambda line: line.startswith(" "), lines[row + 1:]))])
    assert "refused" in mallory and REFUSED_REASON in mallory
    assert "change set" not in printed and "ApiUrl" not in printed, "-v only"


def item_as_declared(step) -> dict:
    """An item that ends as ``step`` declares: its status and a reason that starts as told."""
    upload = UPLOADS[step.kind]
    item = {upload.status: step.expected}
    if step.reason:
        item[upload.reason] = f"{step.reason}and more"
    if upload is SELFIE and step.expected == "pass":
        item[SIMILARITY] = 99.5
    return item


def as_declared() -> tuple[list[Outcome], list[tuple], list[Leftovers]]:
    outcomes = [Outcome(step, refused=True) if step.key else
                Outcome(step, item_as_declared(step), ["a state"]) for step in STORY]
    answers = [(step, step.http, {"status": step.expected, **(
        {"reason": f"{step.reason}x"} if step.reason else {})}) for step in API_STORY]
    return outcomes, answers, [Leftovers(user, ()) for user in ERASED]


def test_a_story_that_ends_as_declared_counts_every_step():
    lines, status = demo_report.verdict(*as_declared())
    declared = len(STORY) + len(API_STORY) + len(ERASED)
    assert (lines, status) == ([f"{declared} of {declared} outcomes as expected"], 0)


def test_an_altered_expectation_exits_1_and_names_the_row_with_expected_and_got():
    outcomes, answers, left = as_declared()
    bob = next(i for i, o in enumerate(outcomes) if (o.step.user, o.step.kind) == ("bob",
                                                                                    "selfie"))
    got = outcomes[bob]
    outcomes[bob] = Outcome(dataclasses.replace(got.step, expected="pass", reason=""),
                            got.item, got.path)
    lines, status = demo_report.verdict(outcomes, answers, left)
    assert status == 1
    declared = len(STORY) + len(API_STORY) + len(ERASED)
    assert lines[-1] == (f"{declared - 1} of {declared} outcomes as expected; differ: "
                         f"bob selfie ({got.step.story})")
    assert lines[0] == (f"differs: bob selfie ({got.step.story}): expected pass, "
                        f"got fail ({got.reason})")


def test_an_api_answer_with_another_status_code_or_reason_differs():
    outcomes, answers, left = as_declared()
    step, _, body = answers[0]
    answers[0] = (step, 500, body)
    answers[1] = (answers[1][0], answers[1][1], {**answers[1][2], "reason": "unexpected"})
    lines, status = demo_report.verdict(outcomes, answers, left)
    assert status == 1
    assert f"expected 200 {step.expected}, got 500 {step.expected}" in lines[0]
    assert "got 200 Verified (unexpected)" in lines[1], "no reason was declared: none is due"


def test_anything_left_of_an_erased_user_differs():
    outcomes, answers, left = as_declared()
    kept = [Leftovers(ERASED[0], ("the item", f"thumbnails/{ERASED[0]}.jpg"))]
    lines, status = demo_report.verdict(outcomes, answers, kept)
    assert status == 1
    assert lines[0] == (f"differs: {ERASED[0]} after the erasure: expected nothing left, got "
                        f"the item, thumbnails/{ERASED[0]}.jpg")
    assert demo_report.erasures(left, 200) == [
        f"left of {ERASED[0]} after DELETE /user (item, faces, pictures): nothing left"]


def test_a_refused_key_that_never_reached_the_dead_letter_queue_differs():
    outcomes, answers, left = as_declared()
    (mallory,) = [o for o in outcomes if o.step.key]
    mallory.refused = False
    lines, status = demo_report.verdict(outcomes, answers, left)
    assert status == 1
    assert lines[0].endswith(f"expected refused ({REFUSED_REASON}…), got -")


UUID = "0123abcd-4567-89ef-0123-456789abcdef"


@pytest.mark.parametrize("width", [50, 20])
def test_the_reason_wraps_onto_continuation_lines_whole(width):
    reason = f"duplicate of face {UUID}" + " and more words" * 5
    lines = demo_report.grid(("user", "reason"), [("bob", reason), ("ann", "no face")], width)
    column = lines[0].index("reason")
    bob = lines[2:-1]
    assert bob[0].startswith("bob") and all(line[:column].isspace() for line in bob[1:])
    assert " ".join(line[column:] for line in bob) == reason
    assert lines[-1].split() == ["ann", "no", "face"]
    assert any(UUID in line for line in bob), "an id stays whole, on one line"
    fits = max(width, column + demo_report.NARROWEST_REASON)
    assert all(len(line) <= fits for line in lines if UUID not in line)


def test_each_table_explains_its_columns_beneath():
    outcomes, answers, left = as_declared()
    for table in (demo_report.uploads_table(outcomes, 100), demo_report.api_table(answers, 100)):
        header = table[0].split()
        explained = " ".join(table[2 + len(outcomes if "upload" in header else answers):])
        assert [name for name in header if f"{name}:" not in explained and name not in (
            "user", "route")] == []


def test_the_id_fields_read_are_one_row_per_reading():
    outcomes, *_ = as_declared()
    for outcome in outcomes:
        if UPLOADS[outcome.step.kind] is ID_DOCUMENT:
            outcome.item[f"{ID_FIELD_PREFIX}{next(iter(FIELDS))}"] = outcome.step.picture
    rows = demo_report.id_fields(outcomes, 100)[2:]
    cards = {o.step.picture for o in outcomes if UPLOADS[o.step.kind] is ID_DOCUMENT}
    assert len(rows) == len(cards)


@pytest.mark.parametrize("message,shown", [
    ("No Moto CloudFormation support for AWS::ApiGateway::Model", False),
    ("No Moto CloudFormation support for AWS::S3::BucketPolicy", False),
    ("No Moto CloudFormation support for AWS::CloudWatch::Alarm", False),
    ("No Moto CloudFormation support for AWS::SNS::TopicPolicy", False),
    ("No Moto CloudFormation support for AWS::SQS::NewThing", True),
    ("another warning of moto's", True),
])
def test_only_the_notes_on_the_templates_skipped_resources_are_kept_quiet(message, shown):
    record = logging.LogRecord("moto", logging.WARNING, __file__, 1, message, None, None)
    assert demo.SkippedResourceNotes().filter(record) is shown
