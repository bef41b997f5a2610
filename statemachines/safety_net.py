"""Safety net: records ``error`` for an upload execution that ended without recording its outcome.

A Catch cannot match ``States.Runtime`` or ``States.DataLimitExceeded``, and nothing in a
workflow runs after it times out or is stopped: the user's item would stay ``processing``.
Step Functions sends an event when a Standard execution ends ("Step Functions Execution Status
Change"); an EventBridge rule in the template starts this workflow with the event of every
upload execution that ended ``FAILED``, ``TIMED_OUT`` or ``ABORTED``.

It records ``error`` with the execution's error and cause on the user's item, on condition that
the item still points at that execution's upload (the execution name the starter recorded) and
is still ``processing``, and then notifies once. Where the workflow recorded its own outcome
(every rejection and every caught error does), or a newer upload has taken over, the condition
fails and it ends quietly: a duplicate event cannot notify twice.

Express executions send no such events (Step Functions Developer Guide, "EventBridge
(CloudWatch Events) for Step Functions execution status changes"), so with
``WorkflowType=EXPRESS`` this net catches nothing; see docs/architecture.md.
"""

from __future__ import annotations

import json

from contract import item
from contract.placeholders import placeholder, state_machine_arn

from . import asl, id_document, identity_verification
from .common import RETRY_DYNAMODB, RETRY_SNS, TABLE, TOPIC
from .registration import CONDITION_FAILED

NAME = "safety_net"
TITLE = "Safety net"

ID_DOCUMENT_STATE_MACHINE = placeholder(state_machine_arn(id_document.NAME))
VERIFICATION_STATE_MACHINE = placeholder(state_machine_arn(identity_verification.NAME))
# The upload workflows, with the upload the starter starts each for.
FLOWS = {id_document.NAME: (item.ID_DOCUMENT, ID_DOCUMENT_STATE_MACHINE),
         identity_verification.NAME: (item.SELFIE, VERIFICATION_STATE_MACHINE)}

READ = "Read the failed execution"
WHICH = "Which upload did it work on?"
STATE_FOR = {id_document.NAME: "It was an ID document check",
             identity_verification.NAME: "It was a selfie verification"}
UNKNOWN = "Not an upload execution"
NAMED = "Did it name an error and a cause?"
DESCRIBE_ERROR = "Describe its error"
DESCRIBE_END = "Describe how it ended"
RECORD = "Record the error on the user's item"
MOVED_ON = "The upload has moved on"
NOTIFY = "Notify the failure"
WORKED = "Were the error recorded and notified?"
RECORD_FAILED = "Recording the error failed"
NOTIFY_FAILED = "Notifying the failure failed"
DONE = "Error recorded and notified"

FAILED = "$.failed"
EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"
ENDINGS = ("FAILED", "TIMED_OUT", "ABORTED")  # the statuses the rule sends here


def status_change_event(*, state_machine: str, execution: str, name: str, upload: dict,
                        status: str = "FAILED", error: str | None = None,
                        cause: str | None = None) -> dict:
    """A "Step Functions Execution Status Change" event as Step Functions sends it: ``detail``
    holds what DescribeExecution answers, ``input`` as JSON text ("EventBridge (CloudWatch
    Events) for Step Functions execution status changes", Step Functions Developer Guide)."""
    return {
        "version": "0", "id": "6f1c9d2e-3b4a-4c5d-8e9f-0a1b2c3d4e5f",
        "detail-type": EXECUTION_STATUS_CHANGE, "source": "aws.states",
        "account": "123456789012", "time": "2026-11-25T10:00:09Z", "region": "us-east-1",
        "resources": [execution],
        "detail": {
            "executionArn": execution, "stateMachineArn": state_machine, "name": name,
            "status": status, "startDate": 1795687200123, "stopDate": 1795687209456,
            "input": json.dumps(upload), "inputDetails": {"included": True},
            "output": None, "outputDetails": None, "error": error, "cause": cause,
        },
    }


# What the workshop guide offers for a test execution in the console.
TYPE_ADVICE = ("**Standard**, whatever `WorkflowType` says: it runs rarely, and its history "
               "shows what it did.")
SAMPLE_INPUT = status_change_event(
    state_machine="<IdDocumentStateMachineArn output>",
    execution="<an execution ARN of that state machine>", name="<its name>",
    upload={"userid": "alice", "bucket": "<BucketName output>", "key": "id_document/alice.jpg",
            "uploaded_at": "2026-01-01T00:00:00.000Z"},
    error="States.Runtime", cause="An error occurred while executing the state ...")
TEST_INSTRUCTIONS = (
    "The stack's rule starts this workflow by itself when an upload execution ends `FAILED`, "
    "`TIMED_OUT` or `ABORTED`. To try it by hand, choose **Start execution** and paste an event "
    f"like the one below; it records `{item.ERROR}` only if the user's item has "
    f"`{item.ID_DOCUMENT.event}` equal to `detail.name` and `{item.ID_DOCUMENT.status}` equal "
    f"to `{item.PROCESSING}`.")


def attributes(flow: str) -> dict[str, str]:
    """The item attributes the starter points at a flow's upload with."""
    upload = FLOWS[flow][0]
    return {"flow": flow, "status": upload.status, "reason": upload.reason,
            "upload": upload.event}


def _record() -> asl.State:
    return asl.task(
        asl.optimized("dynamodb:updateItem"),
        parameters={
            "TableName": TABLE,
            "Key": {item.PARTITION_KEY: asl.ddb_string(f"{FAILED}.upload.userid")},
            "UpdateExpression": "SET #status = :error, #reason = :reason, "
                                f"{item.LAST_EXECUTION} = :execution, {item.UPDATED_AT} = :now",
            "ConditionExpression": "#upload = :name AND #status = :processing",
            "ExpressionAttributeNames": {f"#{name}.$": f"$.attributes.{name}"
                                         for name in ("status", "reason", "upload")},
            "ExpressionAttributeValues": {
                ":error": {"S": item.ERROR},
                ":reason": asl.ddb_string("$.failure.reason"),
                ":execution": asl.ddb_string("$$.Execution.Id"),
                ":now": asl.ddb_string("$$.State.EnteredTime"),
                ":name": asl.ddb_string(f"{FAILED}.name"),
                ":processing": {"S": item.PROCESSING},
            },
        },
        result_path=None,
        retry=RETRY_DYNAMODB,
        catch=[asl.catch(CONDITION_FAILED, next=MOVED_ON),
               *asl.catch_all(NOTIFY, result_path="$.record_error")],
        next=NOTIFY,
    )


def _notify() -> asl.State:
    return asl.task(
        asl.optimized("sns:publish"),
        parameters={
            "TopicArn": TOPIC,
            "Subject.$": "States.Format('eKYC {}: error', $.attributes.flow)",
            "Message": {
                "userid.$": f"{FAILED}.upload.userid",
                "flow.$": "$.attributes.flow",
                "status": item.ERROR,
                "reason.$": "$.failure.reason",
                "object.$": f"States.Format('s3://{{}}/{{}}', {FAILED}.upload.bucket, "
                            f"{FAILED}.upload.key)",
                "execution.$": "$$.Execution.Id",
                "failed_execution.$": f"{FAILED}.execution",
            },
            "MessageAttributes": {"status": {"DataType": "String",
                                             "StringValue": item.ERROR}},
        },
        result_path=None,
        retry=RETRY_SNS,
        catch=asl.catch_all(WORKED, result_path="$.notify_error"),
        next=WORKED,
    )


def build() -> dict:
    workflow = asl.Workflow(
        "eKYC safety net: record error on the user's item for an upload execution that ended "
        "FAILED, TIMED_OUT or ABORTED without recording its outcome, then notify once.")
    detail = "$.detail"
    workflow.add(READ, asl.pass_state(
        parameters={
            "execution.$": f"{detail}.executionArn",
            "name.$": f"{detail}.name",
            "state_machine.$": f"{detail}.stateMachineArn",
            "status.$": f"{detail}.status",
            "error.$": f"{detail}.error",
            "cause.$": f"{detail}.cause",
            "upload.$": f"States.StringToJson({detail}.input)",
        },
        result_path=FAILED, next=WHICH))
    workflow.add(WHICH, asl.choice(
        [(asl.all_of(asl.string_equals(f"{FAILED}.state_machine", arn),
                     asl.is_present(f"{FAILED}.upload.userid")), STATE_FOR[flow])
         for flow, (_, arn) in FLOWS.items()],
        default=UNKNOWN))
    for flow, state in STATE_FOR.items():
        workflow.add(state, asl.pass_state(
            parameters=attributes(flow), result_path="$.attributes", next=NAMED))
    workflow.add(UNKNOWN, asl.fail_with(
        error="NotAnUploadExecution",
        cause="the event is about an execution of no upload workflow of this stack, or one "
              "without a user id in its input: check the rule's event pattern"))
    workflow.add(NAMED, asl.choice(
        [(asl.all_of(asl.is_string(f"{FAILED}.error"), asl.is_string(f"{FAILED}.cause")),
          DESCRIBE_ERROR)],
        default=DESCRIBE_END))
    workflow.add(DESCRIBE_ERROR, asl.pass_state(
        parameters={"reason.$": f"States.Format('{{}}: {{}}', {FAILED}.error, "
                                f"{FAILED}.cause)"},
        result_path="$.failure", next=RECORD))
    workflow.add(DESCRIBE_END, asl.pass_state(
        parameters={"reason.$": f"States.Format('the execution ended {{}}', "
                                f"{FAILED}.status)"},
        result_path="$.failure", next=RECORD))
    workflow.add(RECORD, _record())
    workflow.add(MOVED_ON, asl.succeed())
    workflow.add(NOTIFY, _notify())
    workflow.add(WORKED, asl.choice(
        [(asl.is_present("$.record_error"), RECORD_FAILED),
         (asl.is_present("$.notify_error"), NOTIFY_FAILED)],
        default=DONE))
    workflow.add(RECORD_FAILED, asl.fail_with(error_path="$.record_error.Error",
                                              cause_path="$.record_error.Cause"))
    workflow.add(NOTIFY_FAILED, asl.fail_with(error_path="$.notify_error.Error",
                                              cause_path="$.notify_error.Cause"))
    workflow.add(DONE, asl.succeed())
    return workflow.definition()
