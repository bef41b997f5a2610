"""``POST /update``: replace a registered user's face with a new selfie.

The user authenticates with the new selfie exactly as on ``/auth``; then the new face is
indexed, the record is switched to it (on condition that it still names the old face, so two
updates cannot both win) and only then is the old face deleted. A failed record takes the new
face out again; the old one stays valid.
"""

from __future__ import annotations

from contract import item

from . import asl
from . import authenticate as auth
from . import registration as reg
from .api_common import DESCRIBE_ERROR, SELFIE, Answers, add_folder_checks
from .api_requests import Request
from .common import delete_face, update_user

NAME = "update_face"
TITLE = "Update face"
ROUTE = "/update"
REQUEST = Request("UpdateRequest", "UserSelfie", images=("selfie",))

RECORD = "Record the new face"
DELETE_OLD = "Delete the old face"
CONFLICT = "Face changed meanwhile"
ANSWER = "Answer updated"

OLD_FACE = auth.REGISTERED_FACE


def build() -> dict:
    workflow = asl.Workflow(
        "eKYC API: authenticate a registered user by a new selfie, then register its face "
        "in place of the old one.")
    answers = Answers()
    add_folder_checks(workflow, answers, (SELFIE,), next=auth.READ_THRESHOLDS)
    workflow.add(auth.READ_THRESHOLDS, auth.settings_state(next=auth.GET_USER))
    auth.add_authentication(workflow, answers, on_error=asl.catch_all(DESCRIBE_ERROR),
                            then=reg.INDEX)
    reg.add_indexing(workflow, answers, next=RECORD)
    workflow.add(RECORD, update_user(
        {**reg.face_record({item.PREVIOUS_FACE_ID: asl.ddb_string(OLD_FACE)}),
         item.UPDATED_VIA: {"S": ROUTE}},
        remove=(item.SELFIE.reason, item.EXPIRES_AT),
        condition=f"{item.FACE_ID} = :registered_face",
        condition_values={":registered_face": asl.ddb_string(OLD_FACE)},
        next=DELETE_OLD, catch=asl.catch_all(reg.UNDO_INDEX)))
    workflow.add(DELETE_OLD, delete_face(OLD_FACE, catch=asl.catch_all(DESCRIBE_ERROR),
                                         next=ANSWER))
    workflow.add(ANSWER, answers.answer("Updated", {
        "face_id.$": reg.FACE_ID, "previous_face_id.$": OLD_FACE,
        "similarity.$": "$.auth.similarity", "method.$": "$.auth.method"}))
    reg.add_undo_index(workflow, answers, conflict=CONFLICT)
    workflow.add(CONFLICT, answers.refuse(
        "UpdateConflict", "the user's face was changed by another request; try again"))
    answers.add_failure_tail(workflow)
    return workflow.definition()
