"""An EventBridge rule that starts one of the stack's state machines: the safety net's (failed
upload executions) and the expiry erasure's (a record time to live deleted)."""

from __future__ import annotations

from awacs import states
from awacs.aws import ArnLike
from troposphere import GetAtt, Ref
from troposphere import events as eventsr
from troposphere import sqs as sqsr

from .policies import allow, policy, service_may_send_to_queues, service_role
from .stack import Stack


def add_rule_starting(stack: Stack, title: str, machine, *, description: str, pattern: dict,
                      target: str, undelivered: sqsr.Queue, permission: str, sid: str,
                      input_path: str | None = None) -> eventsr.Rule:
    """The rule ``title``: each event matching ``pattern`` starts ``machine`` (with the event's
    ``input_path`` part, or the whole event), through a role that may start nothing else
    (``permission`` names its policy). An event the rule cannot deliver goes to the queue
    ``undelivered``, which admits this rule's deliveries alone (``sid``)."""
    t = stack.t
    # EventBridge sends aws:SourceAccount and aws:SourceArn (the rule) when it assumes a
    # target's role ("Using IAM policy conditions in Amazon EventBridge"): the guard holds.
    role = t.add_resource(service_role(f"{title}Role", "events", [
        policy(permission, [allow([states.StartExecution], [Ref(machine)])])]))
    delivery = eventsr.Target(
        Id=target, Arn=Ref(machine), RoleArn=GetAtt(role, "Arn"),
        DeadLetterConfig=eventsr.DeadLetterConfig(Arn=GetAtt(undelivered, "Arn")))
    if input_path is not None:
        delivery.InputPath = input_path
    rule = t.add_resource(eventsr.Rule(title, Description=description, EventPattern=pattern,
                                       State="ENABLED", Targets=[delivery]))
    t.add_resource(sqsr.QueuePolicy(
        f"{undelivered.title}Policy",
        Queues=[Ref(undelivered)],
        PolicyDocument=service_may_send_to_queues(
            sid, "events.amazonaws.com", [GetAtt(undelivered, "Arn")],
            [ArnLike({"aws:SourceArn": GetAtt(rule, "Arn")})]),
    ))
    return rule
