"""The safety net's wiring: the rule that starts its workflow when an upload execution ends
badly, with a role for the rule and a dead-letter queue for events it cannot deliver."""

from __future__ import annotations

from troposphere import Output, Ref

from contract.placeholders import state_machine_arn
from statemachines import registry, safety_net

from .event_rules import add_rule_starting
from .stack import Stack
from .storage import DEAD_LETTER_RETENTION_SECONDS, queue


def add_safety_net_rule(stack: Stack) -> None:
    """An upload execution that ends FAILED, TIMED_OUT or ABORTED sends Step Functions'
    "Execution Status Change" event to the account's default event bus; this rule starts
    the safety net workflow with it, which records error on the user's item if it is still
    processing that upload (statemachines/safety_net.py).

    Only Standard executions send these events ("EventBridge (CloudWatch Events) for Step
    Functions execution status changes" and "Automating Step Functions event delivery with
    EventBridge", Step Functions Developer Guide). With WorkflowType=EXPRESS the upload
    workflows are Express, started by the starter without waiting, so the rule never fires
    and nothing covers an uncatchable failure there: it shows in the workflow's log group
    (ExecutionFailed, ExecutionTimedOut) and its ExecutionsFailed metric, and the item
    stays processing.
    """
    t = stack.t
    machine = stack.state_machines[safety_net.NAME]
    uploads = [Ref(stack.state_machines[workflow.name]) for workflow in registry.WORKFLOWS
               if workflow.upload is not None]
    # Events EventBridge cannot deliver (after its retries: 24 hours, 185 attempts by
    # default) land here rather than being dropped ("Event retry policy and using
    # dead-letter queues", EventBridge User Guide).
    undelivered = t.add_resource(queue(
        "SafetyNetDeadLetterQueue", retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
        waivers={"ES6000": "This queue is itself a dead-letter queue, of the safety net "
                           "rule's target; the rule only recognises DLQs of queues."}))
    add_rule_starting(
        stack, "SafetyNetRule", machine,
        description="Upload executions that ended FAILED, TIMED_OUT or ABORTED: start the "
                    "safety net, which records error if the item is still processing.",
        pattern={
            "source": ["aws.states"],
            "detail-type": [safety_net.EXECUTION_STATUS_CHANGE],
            "detail": {"status": list(safety_net.ENDINGS), "stateMachineArn": uploads},
        },
        target="SafetyNet", undelivered=undelivered, permission="start-safety-net",
        sid="UndeliveredFailureEvents")
    stack.dead_letter_queues["SafetyNet"] = undelivered
    t.add_output(Output(state_machine_arn(safety_net.NAME), Value=Ref(machine),
                        Description="Safety net: records error for an upload execution "
                                    "that ended without recording its outcome"))
