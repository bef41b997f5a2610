"""``POST /register-idcard``: register a user's face from a selfie and their ID document.

Quality gate, then the selfie must show the ID document's owner (CompareFaces), then the face
must be new to the collection; the ID document's fields are read with Textract ``AnalyzeID``
(optional), and only then is the face indexed and recorded with the fields.
"""

from __future__ import annotations

from contract import item

from . import asl
from . import id_fields as fields
from . import quality_gate as gate
from . import registration as reg
from .api_common import (
    DESCRIBE_ERROR,
    ID_CARD,
    SELFIE,
    Answers,
    add_folder_checks,
    compare_selfie_with_id_card,
)
from .api_requests import Request
from .common import SHOW_SIMILARITY, SHOWN_SIMILARITY, add_shown_similarity, settings_state

NAME = "register_idcard"
TITLE = "Register with ID document"
ROUTE = "/register-idcard"
REQUEST = Request("RegisterIdCardRequest", "UserSelfieAndIdCard",
                  images=("selfie", "idcard"))

READ_THRESHOLDS = "Read thresholds"
COMPARE = "Compare selfie with ID photo"
NO_COMPARABLE_FACE = "No comparable face"
SIMILAR = "Does the selfie match the ID photo?"
NOTHING_MATCHED = "No face on the ID photo matched"
NOT_SIMILAR = "Selfie does not match ID photo"
UNREADABLE = "ID document unreadable"
RECORD = "Record registration"
ANSWER = "Answer registered"

BEST = "$.comparison.matches[0].Similarity"


def build() -> dict:
    workflow = asl.Workflow(
        "eKYC API: register a user's face from a selfie and their ID document (quality gate, "
        "selfie vs ID, duplicate search, ID fields, index, record).")
    answers = Answers()
    on_error = asl.catch_all(DESCRIBE_ERROR)
    mismatch = answers.rejection("IdDocumentMismatch")

    add_folder_checks(workflow, answers, (SELFIE, ID_CARD), next=READ_THRESHOLDS)
    workflow.add(READ_THRESHOLDS, settings_state(
        *gate.SETTINGS, "compare_similarity", "duplicate_similarity", fields.SETTING,
        next=reg.GET_USER))
    reg.add_registration_check(workflow, answers, on_error=on_error, next=gate.DETECT)
    gate.add_quality_gate(workflow, image=SELFIE, passed=COMPARE,
                          reject=answers.rejection("FaceRejected"),
                          on_error=answers.catch_image_errors())
    workflow.add(COMPARE, compare_selfie_with_id_card(
        answers, no_comparable_face=NO_COMPARABLE_FACE, next=SHOW_SIMILARITY))
    add_shown_similarity(workflow, similarity=BEST, next=SIMILAR)
    workflow.add(SIMILAR, asl.choice(
        [
            (asl.is_present("$.comparison.matches[0]", False), NOTHING_MATCHED),
            (asl.numeric(BEST, "GreaterThanEquals", path="$.settings.compare_similarity"),
             reg.SEARCH),
        ],
        default=NOT_SIMILAR,
    ))
    workflow.add(NO_COMPARABLE_FACE, mismatch("no comparable face on the ID document"))
    workflow.add(NOTHING_MATCHED, mismatch("no face on the ID document to compare with"))
    workflow.add(NOT_SIMILAR, answers.refuse(
        "IdDocumentMismatch", similarity=BEST,
        reason_format=f"States.Format('similarity {{}} < {{}}', {SHOWN_SIMILARITY}, "
                      "$.settings.compare_similarity)"))
    reg.add_duplicate_search(workflow, answers, next=fields.WANTED)
    fields.add_id_fields(workflow, document=ID_CARD, unreadable=UNREADABLE, on_error=on_error,
                         next=reg.INDEX)
    workflow.add(UNREADABLE, answers.refuse(
        "IdDocumentUnreadable", "Textract could not read the ID document's fields"))
    reg.add_indexing(workflow, answers, next=RECORD)
    workflow.add(RECORD, reg.record_registration(ROUTE, extra={
        item.SIMILARITY: asl.ddb_number(BEST), item.ID_DOCUMENT.status: {"S": item.PASS},
        **fields.attributes()}, next=ANSWER))
    workflow.add(ANSWER, answers.answer("Registered", {
        "face_id.$": reg.FACE_ID, "similarity.$": BEST, "id_fields.$": "$.id_fields"}))
    reg.add_undo_index(workflow, answers, conflict=reg.ALREADY_REGISTERED)
    answers.add_failure_tail(workflow)
    return workflow.definition()
