"""The template's parameters and conditions: how a deployment may be tuned."""

from __future__ import annotations

from troposphere import Equals, Not, Parameter, Ref

from contract.settings import ANALYZE_ID, COLLECTION, COMPARE_MODE, SWITCH_VALUES, THRESHOLDS
from statemachines.registry import IS_COLLECTION, IS_EXPRESS

from .stack import Stack

# The values CloudWatch Logs accepts for a log group's retention.
LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
                      1827, 2192, 2557, 2922, 3288, 3653]


def add_parameters(stack: Stack) -> None:
    t = stack.t
    stack.workflow_type = t.add_parameter(Parameter(
        "WorkflowType", Type="String", Default="STANDARD",
        AllowedValues=["STANDARD", "EXPRESS"],
        Description="STANDARD (execution history, nested .sync) or EXPRESS (cheaper at "
                    "volume; the nested compare becomes StartSyncExecution)."))
    stack.thresholds = {
        threshold.parameter: t.add_parameter(Parameter(
            threshold.parameter, Type="Number", Default=threshold.default,
            MinValue=threshold.minimum, MaxValue=threshold.maximum,
            Description=threshold.description))
        for threshold in THRESHOLDS
    }
    stack.analyze_id = t.add_parameter(Parameter(
        ANALYZE_ID.parameter, Type="String", Default=ANALYZE_ID.default,
        AllowedValues=list(SWITCH_VALUES), Description=ANALYZE_ID.description))
    stack.compare_mode = t.add_parameter(Parameter(
        COMPARE_MODE.parameter, Type="String", Default=COMPARE_MODE.default,
        AllowedValues=list(COMPARE_MODE.values), Description=COMPARE_MODE.description))
    stack.thumbnail_code = {
        name: t.add_parameter(Parameter(
            f"ThumbnailCode{name}", Type="String", MinLength="1",
            Description=f"S3 {name.lower()} of the thumbnail function's zip (built and "
                        "uploaded by make deploy with deploy/package_lambdas.py)."))
        for name in ("Bucket", "Key")
    }
    stack.notification_email = t.add_parameter(Parameter(
        "NotificationEmail", Type="String", Default="",
        AllowedPattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$",
        Description="Optional e-mail address subscribed to failure notifications."))
    stack.log_retention = t.add_parameter(Parameter(
        "LogRetentionDays", Type="Number", Default="30",
        AllowedValues=[str(days) for days in LOG_RETENTION_DAYS],
        Description="Days to keep workflow and Lambda logs."))
    stack.max_receive_count = t.add_parameter(Parameter(
        "MaxReceiveCount", Type="Number", Default="3", MinValue="1", MaxValue="1000",
        Description="Deliveries of an upload message before it goes to the dead-letter queue."))
    t.add_condition(IS_EXPRESS, Equals(Ref(stack.workflow_type), "EXPRESS"))
    t.add_condition(IS_COLLECTION, Equals(Ref(stack.compare_mode), COLLECTION))
    t.add_condition("AnalyzesIdDocuments", Equals(Ref(stack.analyze_id), "true"))
    t.add_condition("HasNotificationEmail", Not(Equals(Ref(stack.notification_email), "")))
