"""Scenarios of the safety net: the event of an upload execution that ended without recording
its outcome, and what the net makes of it.

The events name the state machines as ``${IdDocumentStateMachineArn}`` and
``${IdentityVerificationStateMachineArn}``; the scenario runner fills in those it deployed.
"""

from __future__ import annotations

from .. import id_document, identity_verification
from .. import safety_net as wf
from . import BUCKET, UPLOADED_AT, Scenario
from . import library as mock

ID_MACHINE = wf.ID_DOCUMENT_STATE_MACHINE
SELFIE_MACHINE = wf.VERIFICATION_STATE_MACHINE
RUNTIME_CAUSE = ("An error occurred while executing the state 'Read ID document fields' "
                 "(entered at the event id #12). KeyError('RequestId')")
ID_EXECUTION = "id-alice-5f0c2a9e41b7d3c8"
SELFIE_EXECUTION = "selfie-alice-a81e6b2c09d4f735"
START = (wf.READ, wf.WHICH)
RECORDED = (wf.RECORD, wf.NOTIFY, wf.WORKED)


def event(upload: str, machine: str, name: str, **ended) -> dict:
    """The event of execution ``name`` of ``machine``, about alice's ``upload``."""
    key = f"{upload}/alice.jpg"
    return wf.status_change_event(
        state_machine=machine,
        execution=f"arn:aws:states:us-east-1:123456789012:execution:{upload}:{name}",
        name=name, upload={"userid": "alice", "bucket": BUCKET, "key": key,
                           "uploaded_at": UPLOADED_AT}, **ended)


def thrown(mocked) -> str:
    """The error a mocked answer throws first."""
    return mocked.attempts[0][1]["Throw"]["Error"]


def id_item(status: str = "processing", upload: str = ID_EXECUTION) -> dict:
    return {"id_event": upload, "id_verify_status": status, "id_bucket": BUCKET,
            "id_object": "id_document/alice.jpg"}


ID_RUNTIME_FAILURE = event("id_document", ID_MACHINE, ID_EXECUTION, error="States.Runtime",
                           cause=RUNTIME_CAUSE)

SCENARIOS = [
    Scenario(
        workflow=wf.NAME, name="IdRuntimeFailure",
        description="The ID document check ended with States.Runtime, which no Catch takes: "
        "the item, still processing that upload, gets error with the error and cause.",
        userid="alice", upload="id_document", mocks={}, request=ID_RUNTIME_FAILURE,
        seed_item=id_item(),
        path=START + (wf.STATE_FOR[id_document.NAME], wf.NAMED, wf.DESCRIBE_ERROR) + RECORDED
        + (wf.DONE,),
        item={"id_verify_status": "error",
              "id_verify_reason": f"States.Runtime: {RUNTIME_CAUSE}",
              "id_event": ID_EXECUTION},
        notification={"userid": "alice", "flow": id_document.NAME, "status": "error",
                      "reason": f"States.Runtime: {RUNTIME_CAUSE}",
                      "failed_execution": ID_RUNTIME_FAILURE["detail"]["executionArn"]}),
    Scenario(
        workflow=wf.NAME, name="SelfieTimedOut",
        description="The selfie verification timed out: the event names no error, so the "
        "reason says how the execution ended.",
        userid="alice", upload="selfie", mocks={},
        request=event("selfie", SELFIE_MACHINE, SELFIE_EXECUTION, status="TIMED_OUT"),
        seed_item={"selfie_event": SELFIE_EXECUTION, "identity_verify_status": "processing"},
        path=START + (wf.STATE_FOR[identity_verification.NAME], wf.NAMED, wf.DESCRIBE_END)
        + RECORDED + (wf.DONE,),
        item={"identity_verify_status": "error",
              "identity_verify_reason": "the execution ended TIMED_OUT"},
        notification={"userid": "alice", "flow": identity_verification.NAME,
                      "status": "error", "reason": "the execution ended TIMED_OUT"}),
    Scenario(
        workflow=wf.NAME, name="OutcomeAlreadyRecorded",
        description="The ID document was rejected and the workflow recorded it before it "
        "failed: the item is settled, nothing is written and nobody is notified again.",
        userid="alice", upload="id_document", mocks={},
        request=event("id_document", ID_MACHINE, ID_EXECUTION, error="IdDocumentRejected",
                      cause="no face"),
        seed_item={**id_item("fail"), "id_verify_reason": "no face"},
        path=START + (wf.STATE_FOR[id_document.NAME], wf.NAMED, wf.DESCRIBE_ERROR, wf.RECORD,
                      wf.MOVED_ON),
        item={"id_verify_status": "fail", "id_verify_reason": "no face"}),
    Scenario(
        workflow=wf.NAME, name="NewerUploadProcessing",
        description="A newer ID upload is being processed when the old one's event arrives: "
        "the item points at the newer upload and is left alone.",
        userid="alice", upload="id_document", mocks={}, request=ID_RUNTIME_FAILURE,
        seed_item=id_item(upload="id-alice-0d9e8f7a6b5c4d3e"),
        path=START + (wf.STATE_FOR[id_document.NAME], wf.NAMED, wf.DESCRIBE_ERROR, wf.RECORD,
                      wf.MOVED_ON),
        item={"id_verify_status": "processing", "id_event": "id-alice-0d9e8f7a6b5c4d3e",
              "id_verify_reason": None}),
    Scenario(
        workflow=wf.NAME, name="UserErased",
        description="The user was erased (DELETE /user) after the upload failed: the record's "
        "condition fails for want of the item, so no item is made anew and nobody is "
        "notified.",
        userid="alice", upload="id_document", mocks={}, request=ID_RUNTIME_FAILURE,
        seed_item=None,
        path=START + (wf.STATE_FOR[id_document.NAME], wf.NAMED, wf.DESCRIBE_ERROR, wf.RECORD,
                      wf.MOVED_ON),
        item=dict.fromkeys(id_item())),
    Scenario(
        workflow=wf.NAME, name="NotAnUploadExecution",
        description="An event about a state machine that is no upload workflow of this stack "
        "(a rule changed by hand): a clear error, nothing written.",
        userid="alice", upload="id_document", mocks={},
        request=event("id_document", "arn:aws:states:us-east-1:123456789012:stateMachine:other",
                      ID_EXECUTION, error="States.Runtime", cause=RUNTIME_CAUSE),
        seed_item=id_item(),
        path=START + (wf.UNKNOWN,), status="FAILED", error="NotAnUploadExecution",
        item={"id_verify_status": "processing"}),
    Scenario(
        workflow=wf.NAME, name="RecordingFails",
        description="DynamoDB refuses the write: the failure is still notified, and the net "
        "fails with DynamoDB's error, so the execution shows it.",
        userid="alice", upload="id_document", mocks={wf.RECORD: mock.RECORD_REFUSED},
        request=ID_RUNTIME_FAILURE, seed_item=id_item(),
        path=START + (wf.STATE_FOR[id_document.NAME], wf.NAMED, wf.DESCRIBE_ERROR) + RECORDED
        + (wf.RECORD_FAILED,),
        status="FAILED", error=thrown(mock.RECORD_REFUSED), item={"id_verify_status": "processing"},
        notification={"userid": "alice", "flow": id_document.NAME, "status": "error"}),
    Scenario(
        workflow=wf.NAME, name="NotifyingFails",
        description="SNS refuses the message: the error is recorded, and the net fails with "
        "SNS's error, so the execution shows it.",
        userid="alice", upload="id_document", mocks={wf.NOTIFY: mock.PUBLISH_DENIED},
        request=ID_RUNTIME_FAILURE, seed_item=id_item(),
        path=START + (wf.STATE_FOR[id_document.NAME], wf.NAMED, wf.DESCRIBE_ERROR) + RECORDED
        + (wf.NOTIFY_FAILED,),
        status="FAILED", error=thrown(mock.PUBLISH_DENIED),
        item={"id_verify_status": "error"}),
]
