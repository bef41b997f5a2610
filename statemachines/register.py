"""``POST /register``: register a user's face from a selfie alone.

Quality gate, then a search for the same face under another user id, then the face is indexed
and recorded. Runs behind API Gateway as an Express workflow (see ``api_common``).
"""

from __future__ import annotations

from . import asl
from . import quality_gate as gate
from . import registration as reg
from .api_common import DESCRIBE_ERROR, SELFIE, Answers, add_folder_checks
from .api_requests import Request
from .common import settings_state

NAME = "register"
TITLE = "Register"
ROUTE = "/register"
REQUEST = Request("RegisterRequest", "UserSelfie", images=("selfie",))

READ_THRESHOLDS = "Read thresholds"
RECORD = "Record registration"
ANSWER = "Answer registered"


def build() -> dict:
    workflow = asl.Workflow(
        "eKYC API: register a user's face from a selfie (quality gate, duplicate search, "
        "index, record).")
    answers = Answers()
    on_error = asl.catch_all(DESCRIBE_ERROR)

    add_folder_checks(workflow, answers, (SELFIE,), next=READ_THRESHOLDS)
    workflow.add(READ_THRESHOLDS, settings_state(*gate.SETTINGS, "duplicate_similarity",
                                                 next=reg.GET_USER))
    reg.add_registration_check(workflow, answers, on_error=on_error, next=gate.DETECT)
    gate.add_quality_gate(workflow, image=SELFIE, passed=reg.SEARCH,
                          reject=answers.rejection("FaceRejected"),
                          on_error=answers.catch_image_errors())
    reg.add_duplicate_search(workflow, answers, next=reg.INDEX)
    reg.add_indexing(workflow, answers, next=RECORD)
    workflow.add(RECORD, reg.record_registration(ROUTE, next=ANSWER))
    workflow.add(ANSWER, answers.answer("Registered", {"face_id.$": reg.FACE_ID}))
    reg.add_undo_index(workflow, answers, conflict=reg.ALREADY_REGISTERED)
    answers.add_failure_tail(workflow)
    return workflow.definition()
